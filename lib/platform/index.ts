export * from './app';
export * from './data-stack';
export * from './flags';
export * from './grouping';
export * from './model-data-plane';
export * from './model-group-stack';
export * from './platform';
