/**
 * What `npm run bench:monitor` prints (monitor-bench.ts measures it): the five sections and the issue's
 * goals, each figure the median of the runs with their spread.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DuckDbEngine } from '../../lambda/adapters/local/duckdb-engine';
import { metricCount } from '../../lambda/monitor/metrics';
import type { MonitorReference } from '../../lambda/monitor/reference';
import { ATHENA_MAX_QUERY_BYTES } from '../../lambda/sql';
import {
  ATHENA_OVERHEAD_SECONDS,
  FIREHOSE_FILES_PER_HOUR,
  PRICES,
  athenaWaitSeconds,
  cpuSlowdown,
  lambdaSeconds,
  monitorUsage,
  monthlyCost,
  sageMakerMonthlyUsd,
  totalUsd,
  unproratedMetricsUsd,
  type MonitorMeasures,
} from './monitor-cost';
import { FEATURE_NAMES } from './monitor-model';
import type { ScoreChildResult } from './monitor-score-child';
import { canMeasureMemory } from './support';

import {
  binsFile,
  DEPLOYMENT,
  hourGlob,
  PROFILED_HOURS,
  profiledHour,
  RATE_HOUR,
  RATE_ROWS_PER_HOUR,
  ROWS_PER_HOUR,
  settings,
  sqlPath,
} from './monitor-bench-data';

import type { Measured } from './monitor-bench';

/* ----------------------------------------------------------------------------------------------
 * Bytes scanned
 * -------------------------------------------------------------------------------------------- */

interface HourBytes {
  readonly files: number;
  readonly fileBytes: number;
  readonly columns: ReadonlyMap<string, number>;
}

/** Column chunk bytes per column (total_compressed_size over every file and row group) and file bytes of one hour's partition. */
async function hourBytes(engine: DuckDbEngine, prefix: 'predictions' | 'labels', hour: number): Promise<HourBytes> {
  const glob = hourGlob(prefix, hour);
  const rows = await engine.query(`SELECT path_in_schema AS col, SUM(total_compressed_size) AS bytes FROM parquet_metadata(${sqlPath(glob)}) GROUP BY 1`);
  const folder = path.dirname(glob);
  const files = fs.readdirSync(folder).filter((f) => f.endsWith('.parquet'));
  return {
    files: files.length,
    fileBytes: files.reduce((sum, f) => sum + fs.statSync(path.join(folder, f)).size, 0),
    columns: new Map(rows.map((r) => [String(r.col), Number(r.bytes)])),
  };
}

const sumColumns = (h: HourBytes, names: readonly string[]) =>
  names.reduce((sum, n) => {
    const bytes = h.columns.get(n);
    if (bytes === undefined) throw new Error(`column ${n} is not in the Parquet files (have ${[...h.columns.keys()].join(', ')})`);
    return sum + bytes;
  }, 0);

/* ----------------------------------------------------------------------------------------------
 * Printing
 * -------------------------------------------------------------------------------------------- */

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
/** "1.23 s (1.10-1.40, 3 runs)" */
function spread(xs: readonly number[], unit: string, digits: number): string {
  const f = (x: number) => x.toFixed(digits);
  return xs.length === 1 ? `${f(xs[0])} ${unit} (1 run)` : `${f(median(xs))} ${unit} (${f(Math.min(...xs))}-${f(Math.max(...xs))}, ${xs.length} runs)`;
}
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
const usd = (x: number) => `$${x.toFixed(x < 0.1 ? 4 : 2)}`;
const passFail = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

function table(rows: readonly (readonly string[])[], alignRight: (c: number) => boolean = (c) => c > 0): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => (alignRight(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd()).join('\n');
}

/** The build's limit on a handler bundle (lib/monitor/bundle.ts MAX_BUNDLE_BYTES): 1 MiB. */
const MAX_BUNDLE_BYTES = 1024 * 1024;

/** The scores' times in seconds. */
const scoreSeconds = (rs: readonly ScoreChildResult[]) => rs.map((x) => x.ms / 1000);

/** 1. The hourly profile query. */
export function printProfileQuery({ m, inlineBinsBytes, rateCheck, resultRows100k, sameAsCore }: Measured): void {
  console.log('\n1. Hourly profile query: DuckDB (stand-in for Athena\'s engine) running profileHour\'s SQL over one hour of Parquet in Firehose\'s layout');
  console.log(`   (${FIREHOSE_FILES_PER_HOUR} files per hour, one per 300 s buffer flush). profileHour joins the reference-bins table: inline bins would make the query`);
  console.log(`   ${inlineBinsBytes.toLocaleString('en-US')} bytes, over half of Athena's ${ATHENA_MAX_QUERY_BYTES.toLocaleString('en-US')}-byte limit; the SQL is ${Buffer.byteLength(rateCheck.sql).toLocaleString('en-US')} bytes.`);
  console.log(
    table([
      ['rows in the hour', 'engine time', 'result rows'],
      [ROWS_PER_HOUR.toLocaleString('en-US'), spread(m.profile100k.map((x) => x / 1000), 's', 2), resultRows100k.toLocaleString('en-US')],
      [RATE_ROWS_PER_HOUR.toLocaleString('en-US'), spread(m.profileRate.map((x) => x / 1000), 's', 2), rateCheck.rows.length.toLocaleString('en-US')],
    ]).replace(/^/gm, '   '),
  );
  console.log(`   Lambda side per hour (parse the rows, serialise the stored JSON): ${spread(m.profileLambdaMs, 'ms', 0)}; stored hour profile ${(rateCheck.json.length / 1024).toFixed(0)} KiB.`);
  console.log(`   The profile of the ${RATE_ROWS_PER_HOUR.toLocaleString('en-US')}-row hour equals the core's in-memory profile of the same rows: ${sameAsCore ? 'yes' : 'NO'}.`);

}

/** 2. The window score. */
export function printScore({ m }: Measured): void {
  const s7 = m.score['7d'];
  const s1 = m.score['1d'];
  console.log(`\n2. Window score, Lambda side: runScore in a child process (plain node, no DuckDB), ${s7[0].hours} stored hour profiles of ${(s7[0].hourProfileBytes / 1024).toFixed(0)} KiB`);
  console.log(`   each in a MemoryObjectStore (JSON as the profile Lambda writes it: ${PROFILED_HOURS} hours profiled above, cycled with their own hours), the label join`);
  console.log('   answered with DuckDB\'s rows for the same SQL (its engine time is Athena\'s, item 5).');
  console.log(
    table([
      ['window', 'time', 'peak RSS', 'RSS before', 'store', 'rows', 'status', 'metrics', 'report'],
      ...[['7d', s7], ['1d', s1]].map(([name, rs]) => {
        const x = rs as typeof s7;
        return [
          name as string,
          spread(scoreSeconds(x), 's', 2),
          `${Math.max(...x.map((y) => y.maxRssMb)).toFixed(0)} MB`,
          `${median(x.map((y) => y.rssBeforeMb)).toFixed(0)} MB`,
          mib(x[0].storeBytes),
          x[0].rows.toLocaleString('en-US'),
          x[0].status,
          String(x[0].metrics),
          `${((x[0].reportBytes ?? 0) / 1024).toFixed(0)} KiB`,
        ];
      }),
    ]).replace(/^/gm, '   '),
  );
  console.log('   peak RSS = the process\'s maximum resident set when the score returned (process.resourceUsage().maxRSS), so it includes node itself,');
  const processPeak = s7.map((x) => x.processPeakMb).filter((x): x is number => x !== null);
  console.log(`   the code and the store; "RSS before" is after filling the store and a GC${processPeak.length ? ` (/usr/bin/time's peak of the whole 7d process: ${Math.max(...processPeak).toFixed(0)} MB)` : ''}.`);
  console.log('   An hour profile\'s size depends on the bins, not on the rows, so the score costs the same at 41,667 rows an hour.');
  console.log('   Where the 7d score\'s time goes (the steps called one by one, in a cold process of their own):');
  const stepNames = Object.keys(m.steps[0].steps ?? {});
  console.log(table([['step', 'time'], ...stepNames.map((n) => [n, spread(m.steps.map((x) => x.steps?.[n] ?? 0), 'ms', 0)])]).replace(/^/gm, '   '));

}

/** 3. Bytes scanned; returns what the cost model needs. */
export async function printBytesScanned(engine: DuckDbEngine, reference: MonitorReference): Promise<{ rate: HourBytes; bins: number; featureColumns: string[]; joinBytesPerHour: number }> {
  const featureColumns = [...FEATURE_NAMES, 'prediction', 'predicted_label'];
  const joinPrediction = ['prediction_id', 'variant', 'event_time', 'prediction', 'predicted_label'];
  const joinLabel = ['prediction_id', 'label', 'label_time'];
  const big = await hourBytes(engine, 'predictions', profiledHour(0).getTime());
  const rate = await hourBytes(engine, 'predictions', RATE_HOUR);
  const rateLabels = await hourBytes(engine, 'labels', RATE_HOUR);
  const bins = fs.statSync(binsFile(reference)).size;
  console.log('\n3. Bytes Athena would scan per hour: Parquet column chunks the hourly query reads (the 50 features, prediction, predicted_label;');
  console.log('   dt and hour are partition columns) vs the whole files, plus the reference-bins table (uncompressed JSON lines, read whole).');
  console.log(
    table([
      ['rows in the hour', 'files', 'columns read', 'whole files', 'share', 'bins table', 'per query'],
      ...[[ROWS_PER_HOUR, big], [RATE_ROWS_PER_HOUR, rate]].map(([rows, h]) => {
        const hb = h as HourBytes;
        const read = sumColumns(hb, featureColumns);
        return [(rows as number).toLocaleString('en-US'), String(hb.files), mib(read), mib(hb.fileBytes), `${((100 * read) / hb.fileBytes).toFixed(0)}%`, mib(bins), mib(read + bins)];
      }),
    ]).replace(/^/gm, '   '),
  );
  const joinBytesPerHour = sumColumns(rate, joinPrediction) + sumColumns(rateLabels, joinLabel);
  console.log(`   The label join reads ${joinPrediction.join(', ')} and the labels' ${joinLabel.join(', ')}: ${mib(joinBytesPerHour)} per hour at ${RATE_ROWS_PER_HOUR.toLocaleString('en-US')} rows.`);

  return { rate, bins, featureColumns, joinBytesPerHour };
}

/** 4. Bundles. */
export function printBundles({ m, bundles }: Measured): void {
  console.log('\n4. Handler bundles (minified CommonJS) and the time a fresh node takes to require them (module load only, not Lambda\'s INIT):');
  console.log(
    table([
      ['handler', 'bytes', 'require', 'from'],
      ...bundles.map((b) => [b.name, b.bytes.toLocaleString('en-US'), spread(m.imports[b.name], 'ms', 0), b.origin]),
    ], (c) => c === 1 || c === 2).replace(/^/gm, '   '),
  );

}

/** 5. Cost; returns the model-month total and the measures it came from. */
export function printCost({ m, model, rateCheck, profileResultBytes }: Measured, bytes: Awaited<ReturnType<typeof printBytesScanned>>): { total: number; measures: MonitorMeasures } {
  const { rate, bins, featureColumns, joinBytesPerHour } = bytes;
  const initSeconds = (name: string) => median(m.imports[name]) / 1000;
  const profileEngineSeconds = median(m.profileRate) / 1000;
  const profileWait = athenaWaitSeconds(ATHENA_OVERHEAD_SECONDS + profileEngineSeconds);
  const queriesPerRun = 1 + settings.reprofileHours;
  const joinRows = PROFILED_HOURS * ROWS_PER_HOUR;
  const joinWait = (w: { name: string; hours: number }) =>
    athenaWaitSeconds(ATHENA_OVERHEAD_SECONDS + (median(m.labelJoinMs[w.name]) / 1000 / joinRows) * w.hours * RATE_ROWS_PER_HOUR);
  const measures: MonitorMeasures = {
    profileScanBytes: sumColumns(rate, featureColumns) + bins,
    labelJoinBytesPerHour: joinBytesPerHour,
    profileRunSeconds: lambdaSeconds({
      cpuSeconds: initSeconds('profile-hour') + (queriesPerRun * median(m.profileLambdaMs)) / 1000,
      memoryMb: DEPLOYMENT.profileMemoryMb,
      waitSeconds: queriesPerRun * profileWait,
    }),
    scoreRunSeconds: Object.fromEntries(
      settings.windows.map((w) => [w.name, lambdaSeconds({ cpuSeconds: initSeconds('score-window') + median(scoreSeconds(m.score[w.name])), memoryMb: DEPLOYMENT.scoreMemoryMb, waitSeconds: joinWait(w) })]),
    ),
    hourProfileBytes: rateCheck.json.length,
    reportBytes: Object.fromEntries(settings.windows.map((w) => [w.name, m.score[w.name][0].reportBytes ?? 0])),
    profileResultBytes,
    metricCount: metricCount(model, settings.windows.length),
    hourlyMetrics: 1,
  };
  const usage = monitorUsage(measures, DEPLOYMENT);
  const lines = monthlyCost(usage);
  const total = totalUsd(lines);
  console.log(`\n5. Cost per model-month (30 days) at 1M predictions a day (${RATE_ROWS_PER_HOUR.toLocaleString('en-US')} an hour), us-east-1 on-demand, no free tiers:`);
  console.log(`   Lambda durations: profile run = ${queriesPerRun} queries x (Athena wait ${profileWait.toFixed(1)} s: ${ATHENA_OVERHEAD_SECONDS} s assumed overhead + ${profileEngineSeconds.toFixed(2)} s engine, to the next poll)`);
  console.log(`   + CPU (module load + parsing) x ${cpuSlowdown(DEPLOYMENT.profileMemoryMb).toFixed(1)} for ${DEPLOYMENT.profileMemoryMb} MB's CPU share = ${measures.profileRunSeconds.toFixed(1)} s;`);
  console.log(
    `   score run = (module load + the measured score) x ${cpuSlowdown(DEPLOYMENT.scoreMemoryMb).toFixed(2)} for ${DEPLOYMENT.scoreMemoryMb} MB + the label join's Athena wait ` +
      `(DuckDB's time per row x the window's rows + ${ATHENA_OVERHEAD_SECONDS} s): ${settings.windows.map((w) => `${w.name} ${measures.scoreRunSeconds[w.name].toFixed(1)} s`).join(', ')}.`,
  );
  console.log(
    `   Label join on DuckDB over the ${(PROFILED_HOURS * ROWS_PER_HOUR).toLocaleString('en-US')} predictions present: ` +
      `${settings.windows.map((w) => `${w.name} ${spread(m.labelJoinMs[w.name].map((x) => x / 1000), 's', 2)}`).join(', ')}; scaled by rows to the window at the rate: ` +
      `${settings.windows.map((w) => `${w.name} ${((median(m.labelJoinMs[w.name]) / 1000 / joinRows) * w.hours * RATE_ROWS_PER_HOUR).toFixed(1)} s`).join(', ')}.`,
  );
  console.log(table([['service', 'per month', 'made of'], ...lines.map((l) => [l.service, usd(l.usd), l.detail]), ['total', usd(total), '']], (c) => c === 1).replace(/^/gm, '   '));
  console.log(`   CloudWatch without the hourly proration (every metric billed a full month, as an hourly score schedule would be): ${usd(unproratedMetricsUsd(usage))}.`);

  console.log('   Prices (test/bench/monitor-cost.ts PRICES, each with where it was checked or that it is assumed):');
  for (const [name, p] of Object.entries(PRICES)) console.log(`     ${name.padEnd(28)} $${p.usd} per ${p.per}${p.source.startsWith('assumed') ? ' [assumed]' : ''}`);

  const sage = [
    { instance: 'ml.t3.medium', price: PRICES.sageMakerT3MediumPerHour.usd },
    { instance: 'ml.m5.xlarge', price: PRICES.sageMakerM5XlargePerHour.usd },
  ];
  console.log('\n   Side by side with SageMaker Model Monitor\'s hourly schedule (720 processing jobs a month, each billed per second for 5 to 10 minutes;');
  console.log('   compute only: its CloudWatch metrics, data capture and S3 are not counted, so its figures are lower bounds):');
  console.log(
    table([
      ['', 'per model-month', 'vs the goal of $5'],
      ['Driftwatch (above)', usd(total), passFail(total < 5)],
      ...sage.map((s) => [
        `Model Monitor on ${s.instance} ($${s.price}/h)`,
        `${usd(sageMakerMonthlyUsd({ usdPerHour: s.price, minutesPerJob: 5 }))}-${usd(sageMakerMonthlyUsd({ usdPerHour: s.price, minutesPerJob: 10 }))}`,
        '',
      ]),
    ]).replace(/^/gm, '   '),
  );

  return { total, measures };
}

/** The issue's goals, for information. */
export function printGoals({ m, bundles }: Measured, { total, measures }: ReturnType<typeof printCost>): void {
  const score7 = median(scoreSeconds(m.score['7d']));
  console.log('\nGoals of the issue (information; this command does not fail on them):');
  console.log(
    table([
      ['goal', 'measured', ''],
      ['under $5 per model-month', usd(total), passFail(total < 5)],
      ...bundles.map((b) => [`${b.name} bundle under 1 MiB (${MAX_BUNDLE_BYTES.toLocaleString('en-US')} bytes)`, `${b.bytes.toLocaleString('en-US')} bytes`, passFail(b.bytes < MAX_BUNDLE_BYTES)]),
      ['7d window score (Lambda side) under 10 s, here', `${score7.toFixed(2)} s`, passFail(score7 < 10)],
      [`7d window score (Lambda side) under 10 s, on a ${DEPLOYMENT.scoreMemoryMb} MB Lambda (CPU share, estimate)`, `${(score7 * cpuSlowdown(DEPLOYMENT.scoreMemoryMb)).toFixed(2)} s`, passFail(score7 * cpuSlowdown(DEPLOYMENT.scoreMemoryMb) < 10)],
    ], (c) => c === 1).replace(/^/gm, '   '),
  );
  console.log(`   (The whole 7d score run on Lambda also waits for its label join on Athena: ${measures.scoreRunSeconds['7d'].toFixed(1)} s in all by the estimate of item 5.)`);
  if (!canMeasureMemory()) console.log('(no /usr/bin/time: the score processes\' peak is the child\'s own resourceUsage only)');
}
