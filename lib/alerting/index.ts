export * from './alarm-specs';
export * from './model-alarms';
export * from './naming';
export * from './notifier';
export * from './owner-topics';
export * from './schedule-period';
export * from './thresholds';
