/**
 * Performance thresholds calibrated from a baseline period of production, and the ratio-to-
 * baseline metric that lets CloudWatch alarms stay static at 0.9 (warning) and 0.8 (critical);
 * drift thresholds calibrated from the reference's own windows (drift bands).
 */
export { calibrate, CALIBRATION_DEFAULTS } from './calibrate';
export type { CalibrationOptions, CalibrationRefusal, CalibrationResult, MetricWindow } from './calibrate';
export { ratioToBaseline, statusFor } from './ratio';
export { CALIBRATION_FORMAT } from './types';
export type { Calibration } from './types';
export { driftBands, bandThresholds, loweredFloor, referenceWindowReports, DRIFT_BAND_DEFAULTS, LOWEST_EFFECT_CRITICAL } from './drift-bands';
export { LOWERED_FLOOR_WINDOWS, RUN_P_VALUE, overLoweredFloor, persistLoweredFloor } from './persistence';
export type { LoweredFloor, Persisted, PersistOptions } from './persistence';
export { predictionMultiplier } from './prediction-interval';
export type { BandStats, DriftBandOptions, DriftBands, FeatureBand, LowerEffect } from './drift-bands';
