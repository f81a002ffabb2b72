/**
 * The cost model of `npm run bench:monitor`: what one model's monitoring costs per month on AWS,
 * from the figures the benchmark measures (bytes scanned, durations, object sizes, metric count),
 * side by side with SageMaker Model Monitor's hourly schedule. Pure arithmetic, so a test
 * (`monitor-bench.test.ts`) holds it to known totals.
 *
 * Every price is us-east-1, on demand, without free tiers (they are per account and shared with
 * whatever else runs there), and names where it was checked. A figure that is an assumption, not a
 * price or a measurement, is a named constant below with the reason for its value.
 */

export interface Price {
  readonly usd: number;
  readonly per: string;
  /** Where the figure was checked, or why it is assumed. */
  readonly source: string;
}

const CHECKED = 'checked 2026-12-01';

/** us-east-1 on-demand prices. */
export const PRICES = {
  athenaPerTb: {
    usd: 5,
    per: 'TB scanned (2^40 bytes), each query rounded up to the MB with a 10 MB minimum',
    source: `aws.amazon.com/athena/pricing, ${CHECKED} through athena.guide/articles/athena-basics-pricing-model and rcpedia.stanford.edu/services/athena.html (the AWS page itself was not among the pages the search tool holds)`,
  },
  lambdaArmPerGbSecond: {
    usd: 0.0000133334,
    per: 'GB-second, arm64 (first 7.5 billion GB-s a month)',
    source: `aws.amazon.com/lambda/pricing, ${CHECKED} through cloudchipr.com/blog/aws-lambda-pricing; INIT is billed since 2025-08-01 (aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase)`,
  },
  lambdaPerMillionRequests: { usd: 0.2, per: '1M requests', source: `aws.amazon.com/lambda/pricing, ${CHECKED} through a Lambda cost note (git.mcrn.ar/mariano/lambda_local_runner, lambda-13-cost.md)` },
  cloudWatchPerMetricMonth: {
    usd: 0.3,
    per: 'custom metric-month (first 10,000), prorated by the hour: a metric is billed for the hours in which data was sent',
    source:
      `aws.amazon.com/cloudwatch/pricing, ${CHECKED} through a CloudWatch cost calculator page (cal53.calculator.city) and a bill line quoted in ` +
      'femiwiki/femiwiki#228; the proration from CloudWatch\'s cost guide as quoted in oscmcompany/fund#1158 ("All custom metrics are prorated by the ' +
      'hour. They\'re metered only when they\'re sent to CloudWatch") and a worked bill (jpdebug.com/p/3450502: 168 hours of a metric bill $0.30 x 168/720)',
  },
  cloudWatchLogsPerGbIngested: { usd: 0.5, per: 'GB of logs ingested (standard class)', source: 'assumed (the list price as remembered; not checked): EMF metrics and the Powertools logs travel as log lines' },
  s3PutPer1000: { usd: 0.005, per: '1,000 PUT/COPY/POST/LIST requests (S3 Standard)', source: `aws.amazon.com/s3/pricing, ${CHECKED} through devnotes.tech's S3 pricing breakdown and athena.guide` },
  s3GetPer1000: { usd: 0.0004, per: '1,000 GET/SELECT requests (S3 Standard)', source: `aws.amazon.com/s3/pricing, ${CHECKED} (same sources)` },
  s3StoragePerGbMonth: { usd: 0.023, per: 'GB-month, S3 Standard, first 50 TB', source: `aws.amazon.com/s3/pricing, ${CHECKED} (same sources)` },
  schedulerPerMillion: {
    usd: 1,
    per: '1M EventBridge Scheduler invocations beyond the 14M a month free (the free tier is not counted here)',
    source: `aws.amazon.com/eventbridge/pricing, ${CHECKED} through cloudburn.io/blog/amazon-eventbridge-pricing`,
  },
  sageMakerT3MediumPerHour: {
    usd: 0.05,
    per: 'hour of an ml.t3.medium processing instance (the smallest type MonitoringClusterConfig allows), billed per second',
    source:
      `${CHECKED}: the instance types from the SageMaker API reference (API_MonitoringClusterConfig); the price from a course lab that ran an ` +
      'ml.t3.medium processing job, found with the search tool (the AWS pricing page was not among the pages the search tool holds)',
  },
  sageMakerM5XlargePerHour: {
    usd: 0.23,
    per: 'hour of an ml.m5.xlarge processing instance (the SageMaker Python SDK\'s default for Model Monitor), billed per second',
    source: 'assumed (the list price as remembered; not checked)',
  },
} as const satisfies Record<string, Price>;

/* ----------------------------------------------------------------------------------------------
 * Assumptions (not prices, not measured)
 * -------------------------------------------------------------------------------------------- */

/** Lambda gives one full vCPU at 1,769 MB and a proportional share below (AWS Lambda docs, "memory and computing power"). */
export const FULL_VCPU_MEMORY_MB = 1769;
/**
 * Seconds an Athena query takes beyond its engine time (start, queue, planning, writing the result
 * to S3). Assumed: Athena's small queries usually finish in 1-2 s; not measured here.
 */
export const ATHENA_OVERHEAD_SECONDS = 1;
/** The Athena adapter's status polling: the first wait, doubled up to the maximum (lambda/adapters/aws/athena-query-engine.ts defaults). */
export const ATHENA_POLL = { initialSeconds: 0.2, maxSeconds: 2 } as const;
/** Parquet files per hour per table: Firehose's buffer interval of 300 s (lib/prediction-log/record-log.ts default) flushes 12 times an hour. */
export const FIREHOSE_FILES_PER_HOUR = 12;
/** S3 GETs Athena makes per Parquet file it reads: the footer, then the column chunks (Trino merges nearby ranges into one read). Assumed. */
export const GETS_PER_PARQUET_FILE = 2;
/** S3 PUTs per Athena query for its result (the CSV and its .metadata). Assumed. */
export const ATHENA_RESULT_PUTS_PER_QUERY = 2;
/** Log bytes per Lambda invocation (START/END/REPORT lines, the Powertools info line, EMF documents). Assumed. */
export const LOG_BYTES_PER_INVOCATION = 8 * 1024;
/** Hours in the month the model bills (30 days). */
export const DAYS_PER_MONTH = 30;

const MB = 2 ** 20;
const GB = 2 ** 30;
const TB = 2 ** 40;

/** Bytes Athena bills for one query: rounded up to the MB, at least 10 MB. */
export function athenaBilledBytes(scannedBytes: number): number {
  return Math.max(10 * MB, Math.ceil(scannedBytes / MB) * MB);
}

/**
 * Seconds until the adapter sees a query finish: its status is polled after 0.2 s, then 0.4, 0.8,
 * 1.6, 2, 2, ... s, so a query that runs `seconds` is noticed at the first poll at or after that.
 */
export function athenaWaitSeconds(seconds: number, poll: { readonly initialSeconds: number; readonly maxSeconds: number } = ATHENA_POLL): number {
  let at = 0;
  let delay = poll.initialSeconds;
  while (at < seconds) {
    at += delay;
    delay = Math.min(poll.maxSeconds, delay * 2);
  }
  return at;
}

/** How much slower than one full core a Lambda of `memoryMb` runs CPU-bound code (1 at 1,769 MB and above). */
export function cpuSlowdown(memoryMb: number): number {
  return Math.max(1, FULL_VCPU_MEMORY_MB / memoryMb);
}

/** Billed seconds of one invocation: its CPU-bound work (module load + handler) at the memory's CPU share, plus the time it waits on Athena. */
export function lambdaSeconds(run: { readonly cpuSeconds: number; readonly memoryMb: number; readonly waitSeconds: number }): number {
  return run.cpuSeconds * cpuSlowdown(run.memoryMb) + run.waitSeconds;
}

/* ----------------------------------------------------------------------------------------------
 * Usage per month, from the measurements
 * -------------------------------------------------------------------------------------------- */

/** What the benchmark measured (and the deployment settings), scaled to the model's traffic. */
export interface MonitorMeasures {
  /** Bytes one hourly profile query scans: the columns it reads of an hour's Parquet, plus the reference-bins table. */
  readonly profileScanBytes: number;
  /** Bytes the label join scans per hour of its window: the prediction columns it reads plus the label columns (one label per prediction). */
  readonly labelJoinBytesPerHour: number;
  /** Billed seconds of one hourly profile run (all its queries). */
  readonly profileRunSeconds: number;
  /** Billed seconds of one score run, per window. */
  readonly scoreRunSeconds: Readonly<Record<string, number>>;
  /** JSON bytes of one stored hour profile. */
  readonly hourProfileBytes: number;
  /** Bytes one score run stores: the JSON report twice (dated and latest) and the HTML report. */
  readonly reportBytes: Readonly<Record<string, number>>;
  /** Bytes of one profile query's result as Athena stores it (CSV). */
  readonly profileResultBytes: number;
  /** `metricCount(model, windows)`: the custom metrics the model can emit. */
  readonly metricCount: number;
  /** Of those, the metrics sent every hour (PredictionCount); the rest are sent once per score run. */
  readonly hourlyMetrics: number;
}

export interface MonitorDeployment {
  readonly windows: readonly { readonly name: string; readonly hours: number }[];
  /** Each profile run re-profiles this many earlier hours (one query each). */
  readonly reprofileHours: number;
  readonly profileRunsPerDay: number;
  /** Score runs per window per day (the score schedule, default rate(1 day)). */
  readonly scoreRunsPerWindowPerDay: number;
  readonly profileMemoryMb: number;
  readonly scoreMemoryMb: number;
}

/** One month of usage, in the units AWS bills. */
export interface MonitorUsage {
  readonly athena: readonly { readonly name: string; readonly queries: number; readonly scannedBytesPerQuery: number }[];
  readonly lambda: readonly { readonly name: string; readonly invocations: number; readonly memoryMb: number; readonly secondsPerInvocation: number }[];
  /** Custom metric-months after hourly proration. */
  readonly metricMonths: number;
  /** Custom metrics the model can emit (billed as full months if each were sent every hour). */
  readonly metrics: number;
  readonly logBytes: number;
  readonly s3Puts: number;
  readonly s3Gets: number;
  readonly s3StorageBytes: number;
  readonly schedulerInvocations: number;
}

/**
 * The month's usage. Counted:
 * - Athena: each profile run queries 1 + reprofileHours hours; each score run one label join over its window.
 * - S3 requests: the Lambdas' own (reference, hour profiles, state, reports) and Athena's (GETs of
 *   the Parquet files it reads, PUTs of its results).
 * - S3 storage: what a month writes, kept a month — hour profiles with the noncurrent versions the
 *   versioned data bucket keeps 30 days (each re-profile overwrites), reports, Athena results
 *   (expired after 30 days by the workgroup's lifecycle rule). Each further month of retention of
 *   profiles and reports adds their share again.
 * - CloudWatch: hourly metrics bill every hour; window metrics bill the hours a score run sends them.
 */
export function monitorUsage(m: MonitorMeasures, d: MonitorDeployment, days = DAYS_PER_MONTH): MonitorUsage {
  const profileRuns = d.profileRunsPerDay * days;
  const queriesPerRun = 1 + d.reprofileHours;
  const scoreRuns = d.windows.map((w) => ({ ...w, runs: d.scoreRunsPerWindowPerDay * days }));
  const profileQueries = profileRuns * queriesPerRun;

  const athena = [
    { name: 'hourly profile queries', queries: profileQueries, scannedBytesPerQuery: m.profileScanBytes },
    ...scoreRuns.map((w) => ({ name: `label join, ${w.name} window`, queries: w.runs, scannedBytesPerQuery: w.hours * m.labelJoinBytesPerHour })),
  ];
  const lambda = [
    { name: 'profile', invocations: profileRuns, memoryMb: d.profileMemoryMb, secondsPerInvocation: m.profileRunSeconds },
    ...scoreRuns.map((w) => ({ name: `score ${w.name}`, invocations: w.runs, memoryMb: d.scoreMemoryMb, secondsPerInvocation: required(m.scoreRunSeconds, w.name) })),
  ];

  const hoursInMonth = 24 * days;
  const windowMetrics = m.metricCount - m.hourlyMetrics;
  const perWindowMetrics = windowMetrics / d.windows.length;
  const windowMetricHours = scoreRuns.reduce((sum, w) => sum + perWindowMetrics * Math.min(w.runs, hoursInMonth), 0);
  const metricMonths = m.hourlyMetrics * (Math.min(d.profileRunsPerDay, 24) * days) / hoursInMonth + windowMetricHours / hoursInMonth;

  // The Lambdas: a profile run reads the reference and writes each hour profile; a score run reads
  // the reference, its state and every hour profile, and writes the state and three reports.
  const lambdaGets = profileRuns * 1 + scoreRuns.reduce((sum, w) => sum + w.runs * (2 + w.hours), 0);
  const lambdaPuts = profileRuns * queriesPerRun + scoreRuns.reduce((sum, w) => sum + w.runs * 4, 0);
  // Athena: the hour's Parquet files and the reference-bins object per profile query; both tables'
  // files over the window per label join; its result objects per query.
  const athenaGets =
    profileQueries * (FIREHOSE_FILES_PER_HOUR * GETS_PER_PARQUET_FILE + 1) +
    scoreRuns.reduce((sum, w) => sum + w.runs * w.hours * FIREHOSE_FILES_PER_HOUR * 2 * GETS_PER_PARQUET_FILE, 0);
  const athenaPuts = athena.reduce((sum, a) => sum + a.queries, 0) * ATHENA_RESULT_PUTS_PER_QUERY;

  const storage =
    profileRuns * queriesPerRun * m.hourProfileBytes +
    scoreRuns.reduce((sum, w) => sum + w.runs * required(m.reportBytes, w.name), 0) +
    profileQueries * m.profileResultBytes;

  const invocations = lambda.reduce((sum, l) => sum + l.invocations, 0);
  return {
    athena,
    lambda,
    metricMonths,
    metrics: m.metricCount,
    logBytes: invocations * LOG_BYTES_PER_INVOCATION,
    s3Puts: lambdaPuts + athenaPuts,
    s3Gets: lambdaGets + athenaGets,
    s3StorageBytes: storage,
    schedulerInvocations: invocations,
  };
}

function required(map: Readonly<Record<string, number>>, key: string): number {
  const value = map[key];
  if (value === undefined) throw new Error(`monitor cost: no figure for window ${JSON.stringify(key)} (have ${Object.keys(map).join(', ') || 'none'})`);
  return value;
}

/* ----------------------------------------------------------------------------------------------
 * Dollars
 * -------------------------------------------------------------------------------------------- */

export interface CostLine {
  readonly service: string;
  readonly usd: number;
  /** How the figure is made up, in words a reader can check. */
  readonly detail: string;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The month's bill, one line per service, from the usage. */
export function monthlyCost(u: MonitorUsage, prices = PRICES): CostLine[] {
  const athenaBytes = u.athena.reduce((sum, a) => sum + a.queries * athenaBilledBytes(a.scannedBytesPerQuery), 0);
  const gbSeconds = u.lambda.reduce((sum, l) => sum + l.invocations * l.secondsPerInvocation * (l.memoryMb / 1024), 0);
  const requests = u.lambda.reduce((sum, l) => sum + l.invocations, 0);
  return [
    {
      service: 'Athena',
      usd: (athenaBytes / TB) * prices.athenaPerTb.usd,
      detail: u.athena.map((a) => `${fmt(a.queries)} ${a.name} x ${fmt(athenaBilledBytes(a.scannedBytesPerQuery) / MB)} MB billed (${fmt(a.scannedBytesPerQuery / MB, 1)} MB scanned)`).join('; '),
    },
    {
      service: 'Lambda',
      usd: gbSeconds * prices.lambdaArmPerGbSecond.usd + (requests / 1e6) * prices.lambdaPerMillionRequests.usd,
      detail: `${u.lambda.map((l) => `${fmt(l.invocations)} ${l.name} x ${fmt(l.secondsPerInvocation, 1)} s x ${fmt(l.memoryMb)} MB`).join('; ')} = ${fmt(gbSeconds)} GB-s, ${fmt(requests)} requests`,
    },
    {
      service: 'CloudWatch metrics',
      usd: u.metricMonths * prices.cloudWatchPerMetricMonth.usd,
      detail: `${fmt(u.metrics)} custom metrics, ${fmt(u.metricMonths, 2)} metric-months after hourly proration`,
    },
    { service: 'CloudWatch Logs', usd: (u.logBytes / GB) * prices.cloudWatchLogsPerGbIngested.usd, detail: `${fmt(u.logBytes / MB, 1)} MB ingested` },
    {
      service: 'S3 requests',
      usd: (u.s3Puts / 1000) * prices.s3PutPer1000.usd + (u.s3Gets / 1000) * prices.s3GetPer1000.usd,
      detail: `${fmt(u.s3Puts)} PUTs, ${fmt(u.s3Gets)} GETs (the Lambdas' and Athena's)`,
    },
    { service: 'S3 storage', usd: (u.s3StorageBytes / GB) * prices.s3StoragePerGbMonth.usd, detail: `${fmt(u.s3StorageBytes / GB, 2)} GB-month` },
    { service: 'EventBridge Scheduler', usd: (u.schedulerInvocations / 1e6) * prices.schedulerPerMillion.usd, detail: `${fmt(u.schedulerInvocations)} invocations` },
  ];
}

export const totalUsd = (lines: readonly CostLine[]): number => lines.reduce((sum, l) => sum + l.usd, 0);

/** CloudWatch if every metric billed a full month (what an hourly score schedule would cost). */
export function unproratedMetricsUsd(u: MonitorUsage, prices = PRICES): number {
  return u.metrics * prices.cloudWatchPerMetricMonth.usd;
}

/**
 * SageMaker Model Monitor on an hourly schedule: one processing job per hour, each billed per
 * second for `minutesPerJob` (at least `minimumSeconds`), compute only.
 */
export function sageMakerMonthlyUsd(job: { readonly usdPerHour: number; readonly minutesPerJob: number; readonly minimumSeconds?: number; readonly jobsPerDay?: number }, days = DAYS_PER_MONTH): number {
  const seconds = Math.max(job.minimumSeconds ?? 0, job.minutesPerJob * 60);
  return (job.jobsPerDay ?? 24) * days * (seconds / 3600) * job.usdPerHour;
}
