/**
 * The `driftwatch` package's root: the CDK constructs (`lib/`) and the config helpers a CDK app
 * needs to build them (`defineConfig`, `validateConfig`, the zod schema and its types). The
 * statistical core is `driftwatch/lambda/core`, the logging client `driftwatch/lambda/client`.
 */
export * from './lib';
export * from './config/schema';
export * from './config/validate';
export * from './config/define';
export * from './config/record-spec';
export { formatProblem, type ConfigProblem } from './lambda/core/schema/format-issues';
