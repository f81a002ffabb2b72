/**
 * The arithmetic of `npm run bench:monitor`'s cost model (test/bench/monitor-cost.ts) on known
 * inputs, so a change to a price, a count or a formula shows up here and not silently in the
 * README's table. No timing: the benchmark command measures, this only adds up.
 */
import {
  athenaBilledBytes,
  athenaWaitSeconds,
  lambdaSeconds,
  monitorUsage,
  monthlyCost,
  sageMakerMonthlyUsd,
  totalUsd,
  unproratedMetricsUsd,
  type MonitorDeployment,
  type MonitorMeasures,
} from './monitor-cost';

const MiB = 2 ** 20;

/** The default deployment: windows 1d and 7d scored daily, hourly profiles re-profiling 2 hours, 256 MB / 1,024 MB. */
const deployment: MonitorDeployment = {
  windows: [
    { name: '1d', hours: 24 },
    { name: '7d', hours: 168 },
  ],
  reprofileHours: 2,
  profileRunsPerDay: 24,
  scoreRunsPerWindowPerDay: 1,
  profileMemoryMb: 256,
  scoreMemoryMb: 1024,
};

/** Round figures in the range the benchmark measures. */
const measures: MonitorMeasures = {
  profileScanBytes: 4 * MiB,
  labelJoinBytesPerHour: 1 * MiB,
  profileRunSeconds: 10,
  scoreRunSeconds: { '1d': 4, '7d': 12 },
  hourProfileBytes: 400 * 1024,
  reportBytes: { '1d': 100 * 1024, '7d': 100 * 1024 },
  profileResultBytes: 0,
  metricCount: 73,
  hourlyMetrics: 1,
};

const line = (service: string) => {
  const found = monthlyCost(monitorUsage(measures, deployment)).find((l) => l.service === service);
  if (!found) throw new Error(`no cost line ${service}`);
  return found.usd;
};

test('Athena bills each query rounded up to the MB with a 10 MB minimum', () => {
  expect([0, 4 * MiB, 10 * MiB, 10.5 * MiB].map(athenaBilledBytes)).toEqual([10 * MiB, 10 * MiB, 10 * MiB, 11 * MiB]);
});

test('a query is noticed at the first status poll after it ends (0.2 s, then doubling to 2 s)', () => {
  expect([0.1, 1.5, 3.1, 5.5].map((s) => athenaWaitSeconds(s))).toEqual([0.2, expect.closeTo(3, 12), expect.closeTo(5, 12), expect.closeTo(7, 12)]);
});

test('a Lambda below 1,769 MB runs its CPU work slower in proportion, and its Athena wait as it is', () => {
  expect(lambdaSeconds({ cpuSeconds: 0.5, memoryMb: 256, waitSeconds: 9 })).toBeCloseTo(0.5 * (1769 / 256) + 9, 12);
  expect(lambdaSeconds({ cpuSeconds: 0.5, memoryMb: 2048, waitSeconds: 9 })).toBe(9.5);
});

test('Athena: 2,160 hourly profile queries at the 10 MB minimum plus one label join per window per day', () => {
  // (2,160 x 10 + 30 x 24 + 30 x 168) MiB at $5 per TiB
  expect(line('Athena')).toBeCloseTo((27_360 * MiB * 5) / 2 ** 40, 12);
});

test('Lambda: GB-seconds of 720 profile runs and 60 score runs, plus their requests', () => {
  // 720 x 10 s x 0.25 GB + 30 x 4 s x 1 GB + 30 x 12 s x 1 GB = 2,280 GB-s; 780 requests
  expect(line('Lambda')).toBeCloseTo(2280 * 0.0000133334 + (780 / 1e6) * 0.2, 12);
});

test('CloudWatch: the hourly metric bills the whole month, window metrics only the hours a daily score sends them', () => {
  // 1 metric-month + 72 window metrics x 30 hours / 720 hours = 4 metric-months
  expect(line('CloudWatch metrics')).toBeCloseTo(4 * 0.3, 12);
  expect(unproratedMetricsUsd(monitorUsage(measures, deployment))).toBeCloseTo(73 * 0.3, 12);
});

test('S3 requests: the Lambdas\' reads and writes and Athena\'s reads of 12 Parquet files an hour', () => {
  const usage = monitorUsage(measures, deployment);
  // PUTs: 2,160 hour profiles + 60 x 4 (state, 3 reports) + 2,220 queries x 2 results
  // GETs: 720 references + 30 x 26 + 30 x 170 (reference, state, hour profiles) + 2,160 x 25 + 30 x 24 x 48 + 30 x 168 x 48
  expect([usage.s3Puts, usage.s3Gets]).toEqual([6_840, 337_080]);
  expect(line('S3 requests')).toBeCloseTo(6.84 * 0.005 + 337.08 * 0.0004, 12);
});

test('S3 storage: every version of a month\'s hour profiles and the reports', () => {
  // 720 runs x 3 versions x 400 KiB + 60 x 100 KiB
  expect(monitorUsage(measures, deployment).s3StorageBytes).toBe(890_880_000);
  expect(line('S3 storage')).toBeCloseTo((890_880_000 / 2 ** 30) * 0.023, 12);
});

test('the month adds up to its lines', () => {
  expect(totalUsd(monthlyCost(monitorUsage(measures, deployment)))).toBeCloseTo(1.5528892854228515, 10);
});

test('a figure missing for a configured window is refused by name', () => {
  expect(() => monitorUsage({ ...measures, scoreRunSeconds: { '1d': 4 } }, deployment)).toThrow('no figure for window "7d" (have 1d)');
});

test('SageMaker Model Monitor: 720 hourly jobs billed per second, with a minimum when one is given', () => {
  expect(sageMakerMonthlyUsd({ usdPerHour: 0.05, minutesPerJob: 5 })).toBeCloseTo(3, 12);
  expect(sageMakerMonthlyUsd({ usdPerHour: 0.05, minutesPerJob: 10 })).toBeCloseTo(6, 12);
  expect(sageMakerMonthlyUsd({ usdPerHour: 0.05, minutesPerJob: 5, minimumSeconds: 600 })).toBeCloseTo(6, 12);
});
