export * from './record-contract';
export * from './validate-record';
export * from './json-schema';
export * from './firehose-limits';
export * from './record-logger';
export * from './prediction-logger';
