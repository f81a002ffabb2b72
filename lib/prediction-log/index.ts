export * from './layout';
export * from './record-log';
export * from './prediction-log';
export * from './ground-truth-log';
