/**
 * Alarm thresholds keyed by severity, as cdk-monitoring-constructs' `addXAlarm: Record<string, Threshold>`:
 * `{ Warning: { minStatus: 1 }, Critical: { minStatus: 2 } }` adds one alarm per key. Each threshold
 * may override how the alarm evaluates; the defaults follow how often its metric is emitted.
 */
import type { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Severity } from './naming';

/** Per-alarm overrides of how CloudWatch evaluates it. */
export interface CustomAlarmOptions {
  /**
   * The period the statistic aggregates over.
   * @default - window metrics: the score schedule's rate (one datapoint per run); hourly metrics: 1 hour
   */
  readonly period?: Duration;
  /** @default 1 (window metrics: the latest score run decides) */
  readonly evaluationPeriods?: number;
  /** @default evaluationPeriods */
  readonly datapointsToAlarm?: number;
  /** @default - the signal's rule (see `ModelAlarms`) */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
}

/** A status metric (0 ok, 1 warning, 2 critical) at or above `minStatus`. */
export interface StatusThreshold extends CustomAlarmOptions {
  readonly minStatus: number;
}

/** A ratio to baseline (lower is worse) at or below `maxRatio`. */
export interface RatioThreshold extends CustomAlarmOptions {
  readonly maxRatio: number;
}

/** Label coverage (labelled / rows) below `minCoverage`. */
export interface CoverageThreshold extends CustomAlarmOptions {
  readonly minCoverage: number;
}

/** No prediction (Maximum of PredictionCount ≤ 0) in each of the last `hours` hours. */
export interface NoTrafficThreshold {
  readonly hours: number;
}

/** More than `maxErrors` failed runs (profile + score function Errors) in an hour. */
export interface ErrorThreshold extends CustomAlarmOptions {
  readonly maxErrors: number;
}

/** More than `maxMessages` failed runs waiting in the dead-letter queue. */
export interface DeadLetterThreshold extends CustomAlarmOptions {
  readonly maxMessages: number;
}

/** One alarm per severity given. */
export type SeverityThresholds<T> = Partial<Record<Severity, T>>;

/** The monitor's health: a failed attempt warns (Lambda retries it), a run in the dead-letter queue is critical (it failed for good). */
export interface MonitorHealthThresholds {
  readonly Warning?: ErrorThreshold;
  readonly Critical?: DeadLetterThreshold;
}

/** Status alarms (dataset and feature drift): warning at status 1, critical at 2. */
export const STATUS_THRESHOLDS: SeverityThresholds<StatusThreshold> = { Warning: { minStatus: 1 }, Critical: { minStatus: 2 } };

/** Ratio-to-baseline alarms: static, because the monitor calibrates the baseline (0.9 warning, 0.8 critical). */
export const RATIO_THRESHOLDS: SeverityThresholds<RatioThreshold> = { Warning: { maxRatio: 0.9 }, Critical: { maxRatio: 0.8 } };

/** Any failed attempt warns; any run in the dead-letter queue is critical. */
export const MONITOR_HEALTH_THRESHOLDS: MonitorHealthThresholds = { Warning: { maxErrors: 0 }, Critical: { maxMessages: 0 } };
