/**
 * Performance metrics on labelled rows: classification, regression, ranking and declarative
 * business metrics. Each family also computes from aggregated counts or sums, so the SQL that
 * aggregates an hour of data in Athena/DuckDB feeds exactly the same code as rows in the CLI.
 */
export * from './classification';
export * from './regression';
export * from './ranking';
export * from './business';
