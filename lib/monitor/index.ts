export * from './bundle';
export * from './log-encryption';
export * from './model-monitor';
export * from './reference-bins-table';
