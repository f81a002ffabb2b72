/** Driftwatch CDK constructs. */
export * from './common/nag';
export * from './common/naming';
export * from './data-lake/data-lake';
export * from './prediction-log';
export * from './analytics';
export * from './monitor';
export * from './alerting';
export * from './dashboards';
export * from './retraining';
export * from './promotion';
export * from './platform';
