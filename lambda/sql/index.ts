export * from './literal';
export * from './table';
export * from './partition';
export * from './profile-query';
export * from './parse-profile';
export * from './grouped-profile';
export * from './performance-query';
export * from './sample-query';
