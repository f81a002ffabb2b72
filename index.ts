/**
 * The `driftwatch` package's root: the CDK constructs (`lib/`) and the config helpers a CDK app
 * needs to build them (`defineConfig`, `validateConfig`, the zod schema and its types), and the
 * record layout the logs take (`ModelRecordSpec`, `predictionColumns`, `S3_LAYOUT`). The
 * statistical core is `driftwatch/lambda/core`, the logging client `driftwatch/lambda/client`.
 */
export * from './lib';
export * from './config/schema';
export * from './config/validate';
export * from './config/define';
export * from './config/record-spec';
export { formatProblem, type ConfigProblem } from './lambda/core/schema/format-issues';
export {
  S3_LAYOUT,
  groundTruthColumns,
  predictionColumns,
  type ColumnType,
  type ModelRecordSpec,
  type TableColumn,
} from './lambda/core/schema/record-schema';
