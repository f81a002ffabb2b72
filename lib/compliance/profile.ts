/**
 * What a compliance profile turns on, as plain settings the constructs take (each construct keeps
 * its own props; this is the one place that maps `config.compliance` onto them).
 *
 * | setting                    | standard | hipaa          | pci             | what it costs                                         |
 * |----------------------------|----------|----------------|-----------------|-------------------------------------------------------|
 * | log retention (days)       | 365      | 2192 (6 years) | 400 (13 months) | CloudWatch Logs storage, $0.03/GB-month               |
 * | access-log retention (days)| 365      | 2192           | 400             | S3 storage of the access logs                         |
 * | TLS                        | any TLS  | 1.2 or later   | 1.2 or later    | clients on TLS 1.0/1.1 are refused                    |
 * | data bucket replication    | off      | on             | on              | replica storage + $0.02/GB transfer + KMS requests    |
 * | Lambdas in the VPC         | no       | yes            | yes             | interface endpoints ~$7.30/month per AZ and service   |
 * | reserved concurrency       | no       | yes            | yes             | takes account concurrency from the unreserved pool    |
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { ComplianceConfig, ComplianceProfile } from '../../config/compliance';

/**
 * Concurrent runs each function may use (reserved) under a strict profile: the hourly profile and its
 * retry, a score per window (up to four), an owner's notifier a few alarms at once, a model's
 * retraining trigger and gate step (a drift and a performance event at once, each function), a model's
 * promotion steps (a promotion and a rollback at once).
 */
export const RESERVED_CONCURRENCY = { profile: 2, score: 4, notifier: 5, retraining: 2, promotion: 2 } as const;

export interface ComplianceSettings {
  readonly profile: ComplianceProfile;
  /** Retention of the Lambda and Firehose error log groups. */
  readonly logRetention: logs.RetentionDays;
  /** Days the data bucket's server access logs are kept. */
  readonly accessLogRetentionDays: number;
  /** Refuse requests to the buckets below this TLS version (`s3:TlsVersion`). */
  readonly minimumTlsVersion?: number;
  /** Replicate the data bucket to this bucket. */
  readonly replication?: ComplianceConfig['replication'];
  /** Run the Lambdas in this VPC. */
  readonly vpc?: ComplianceConfig['vpc'];
  /** Reserve concurrency for the Lambdas (`RESERVED_CONCURRENCY`). */
  readonly reserveConcurrency: boolean;
  readonly keyAdministrators: readonly string[];
  readonly terminationProtection: boolean;
}

const RETENTION: Record<ComplianceProfile, { logs: logs.RetentionDays; days: number }> = {
  standard: { logs: logs.RetentionDays.ONE_YEAR, days: 365 },
  // HIPAA keeps required documentation six years (45 CFR 164.316(b)(2)).
  hipaa: { logs: logs.RetentionDays.SIX_YEARS, days: 2192 },
  // PCI DSS 10.7: a year of audit history, three months at hand; 13 months leaves the margin.
  pci: { logs: logs.RetentionDays.THIRTEEN_MONTHS, days: 400 },
};

/** The settings of a validated `config.compliance`. */
export function complianceSettings(compliance: ComplianceConfig): ComplianceSettings {
  const strict = compliance.profile !== 'standard';
  return {
    profile: compliance.profile,
    logRetention: RETENTION[compliance.profile].logs,
    accessLogRetentionDays: RETENTION[compliance.profile].days,
    ...(strict ? { minimumTlsVersion: 1.2 } : {}),
    // Required by the strict profiles, honoured under any profile when given.
    ...(compliance.replication ? { replication: compliance.replication } : {}),
    ...(compliance.vpc ? { vpc: compliance.vpc } : {}),
    reserveConcurrency: strict,
    keyAdministrators: compliance.keyAdministrators,
    terminationProtection: compliance.terminationProtection,
  };
}

/** The DataLake props a profile sets: key administrators, TLS floor, access-log retention, replica. */
export function dataLakeCompliance(settings: ComplianceSettings): {
  keyAdministrators: iam.IPrincipal[];
  minimumTlsVersion?: number;
  accessLogRetentionDays: number;
  replica?: ComplianceConfig['replication'];
} {
  return {
    keyAdministrators: settings.keyAdministrators.map((arn) => new iam.ArnPrincipal(arn)),
    ...(settings.minimumTlsVersion === undefined ? {} : { minimumTlsVersion: settings.minimumTlsVersion }),
    accessLogRetentionDays: settings.accessLogRetentionDays,
    ...(settings.replication ? { replica: settings.replication } : {}),
  };
}
