export * from './fleet-dashboard';
export * from './metrics';
export * from './model-dashboard';
