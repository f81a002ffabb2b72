/** Local file readers for the `driftwatch` CLI: CSV (own parser; plain or gzip-compressed) and Parquet (DuckDB). */
export { readDataset, readFileBytes, type ReadOptions } from './read-dataset';
export { parseCsv, delimiterByte, type CsvOptions } from './csv';
export { readParquet, type ParquetOptions } from './parquet';
export { parseNumberBytes } from './number';
export { DEFAULT_MISSING_VALUES, MAX_INVALID_SHARE, readingNotice, type ColumnReading } from './inference';
export { InputError, quoteValue } from './errors';
export { openDuckDbEngine, type DuckDbEngine, type LoadColumn } from './duckdb-engine';
export { MemoryObjectStore, contentEtag, type StoredObject } from './memory-object-store';
export { FsObjectStore, type FsObjectStoreOptions } from './fs-object-store';
export { MemoryMetricsSink, type PublishedDatum } from './memory-metrics-sink';
export { MemoryEventSink } from './memory-event-sink';
