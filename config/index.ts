/** The config package: schema, validation, issue formatting and the registered environments. */
export * from './schema';
export * from '../lambda/core/schema/format-issues';
export * from './rules';
export * from './validate';
export * from './define';
export * from './environments';
export * from './record-spec';
export * from './compliance';
