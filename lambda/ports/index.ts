/** Interfaces the handlers and the CLI need from the outside world; adapters implement them. */
export type { QueryEngine, TableEngine, LoadColumn } from './query-engine';
