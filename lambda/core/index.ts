/**
 * The statistical core (`driftwatch/lambda/core`): profiles, drift tests, severity, performance
 * metrics, threshold calibration, ADWIN and validation gates. Plain TypeScript, no AWS SDK, no I/O:
 * the same functions the monitor's Lambdas and the CLI run.
 */
export * from './types';
export * from './defaults';
export * from './adwin';
export * from './alerts';
export * from './calibration';
export * from './compare';
export * from './dataset';
export * from './drift';
export * from './gates';
export * from './metrics';
export * from './profile';
export * from './severity';
export * from './stats';
