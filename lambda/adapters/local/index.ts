/** Local file readers for the `driftwatch` CLI: CSV (own parser; plain or gzip-compressed) and Parquet (DuckDB). */
export { readDataset, readFileBytes, type ReadOptions } from './read-dataset';
export { parseCsv, delimiterByte, type CsvOptions } from './csv';
export { readParquet, type ParquetOptions } from './parquet';
export { parseNumberBytes } from './number';
export { InputError, quoteValue } from './errors';
export { openDuckDbEngine, type DuckDbEngine, type LoadColumn } from './duckdb-engine';
