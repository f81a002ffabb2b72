/**
 * `npm run bench:monitor [-- --runs N]`: what the monitor costs and how fast it is, for a model with
 * 50 features (test/bench/monitor-model.ts) and 100,000 predictions an hour, and from those figures
 * the cost per model-month at 1M predictions a day (test/bench/monitor-cost.ts):
 * 1. engine time of the hourly profile query (DuckDB standing in for Athena's engine) over one hour
 *    of Parquet in Firehose's layout, exactly the SQL `profileHour` sends;
 * 2. Lambda-side time and peak memory of a 7-day window score (168 stored hour profiles read, parsed,
 *    merged, measured, decided, reported), in a child process of its own;
 * 3. bytes Athena would scan per hour (Parquet column chunks the query reads, plus the reference-bins table);
 * 4. handler bundle sizes and the time to load each bundle in a fresh node;
 * 5. the cost model, side by side with SageMaker Model Monitor's hourly schedule, and the goals.
 *
 * With --runs N every timed step runs N times, interleaved (profile query, score, bundle loads,
 * then again), and each figure is the median with the spread of the runs. The goals print PASS or
 * FAIL for information; the command never fails on them. Data is generated once, deterministically,
 * under .bench/monitor/ (git-ignored).
 */
import { bundleOptions } from '../../lib/monitor/bundle';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DuckDbEngine } from '../../lambda/adapters/local/duckdb-engine';
import { openDuckDbEngine } from '../../lambda/adapters/local/duckdb-engine';
import { observeDatasetProfile } from '../../lambda/core/profile';
import { recordSpecOf } from '../../lambda/monitor/model';
import { profileHour, storedHourProfile, type HourProfile } from '../../lambda/monitor/profile';
import { serializeReference, type MonitorReference } from '../../lambda/monitor/reference';
import { windowEnding } from '../../lambda/monitor/run-score';
import { windowPerformance } from '../../lambda/monitor/score';
import type { QueryEngine } from '../../lambda/ports';
import { referenceBinsValues } from '../../lambda/sql';
import { recordsToDataset } from '../sql/helpers';
import { benchModel, CATEGORICAL_LEVELS, config, ENV, hourRecords, MODEL_ID, NUMERIC_FEATURES } from './monitor-model';
import type { ScoreChildResult, ScoreFixture } from './monitor-score-child';
import { measure, ROOT, runsFlag } from './support';
import { printBundles, printBytesScanned, printCost, printGoals, printProfileQuery, printScore } from './monitor-bench-print';

import {
  DIR,
  ensureData,
  NOW,
  PROFILED_HOURS,
  profiledHour,
  RATE_HOUR,
  RATE_ROWS_PER_HOUR,
  REFERENCE_ROWS,
  registerTables,
  settings,
  tables,
} from './monitor-bench-data';

/* ----------------------------------------------------------------------------------------------
 * Measuring
 * -------------------------------------------------------------------------------------------- */

/** A QueryEngine that times the engine and keeps the last SQL and rows. */
function timedEngine(engine: DuckDbEngine): QueryEngine & { ms: number; sql: string; rows: Record<string, unknown>[] } {
  const timed = {
    ms: 0,
    sql: '',
    rows: [] as Record<string, unknown>[],
    async query(sql: string) {
      const started = performance.now();
      const rows = await engine.query(sql);
      timed.ms = performance.now() - started;
      timed.sql = sql;
      timed.rows = rows;
      return rows;
    },
    close() {},
  };
  return timed;
}

/** Values as Athena's result API gives them: every value a string (null stays null). */
const athenaRows = (rows: readonly Record<string, unknown>[]) =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)])));

/** Bytes of a result as Athena stores it: CSV, every value quoted. */
function csvBytes(rows: readonly Record<string, unknown>[]): number {
  if (rows.length === 0) return 0;
  const line = (cells: unknown[]) => cells.map((c) => (c === null || c === undefined ? '' : `"${String(c)}"`)).join(',').length + 1;
  return line(Object.keys(rows[0])) + rows.reduce((sum, r) => sum + line(Object.values(r)), 0);
}

interface ProfileRun {
  readonly engineMs: number;
  /** profileHour's own work beyond the query (parsing the rows) plus serialising the stored JSON. */
  readonly lambdaMs: number;
  readonly profile: HourProfile;
  readonly json: string;
  readonly sql: string;
  readonly rows: Record<string, unknown>[];
}

/** profileHour over one hour, the engine timed apart from the Lambda-side parsing and serialising. */
async function profileOnce(engine: DuckDbEngine, reference: MonitorReference, hour: Date): Promise<ProfileRun> {
  const timed = timedEngine(engine);
  const started = performance.now();
  const profile = await profileHour(timed, benchModel(), reference, tables, hour, NOW);
  const json = JSON.stringify(storedHourProfile(profile)); // as the profile Lambda stores it
  const totalMs = performance.now() - started;
  return { engineMs: timed.ms, lambdaMs: totalMs - timed.ms, profile, json, sql: timed.sql, rows: timed.rows };
}

/** The label joins of both windows on DuckDB, as the score Lambda would send them: their SQL, Athena-like rows and DuckDB's time. */
async function labelJoins(engine: DuckDbEngine): Promise<{ answers: Record<string, Record<string, unknown>[]>; ms: Record<string, number> }> {
  const answers: Record<string, Record<string, unknown>[]> = {};
  const ms: Record<string, number> = {};
  for (const w of settings.windows) {
    const timed = timedEngine(engine);
    await windowPerformance(timed, benchModel(w.hours), tables, windowEnding(NOW, w.hours, settings.settleMinutes), settings.labelLookbackDays);
    answers[timed.sql] = athenaRows(timed.rows);
    ms[w.name] = timed.ms;
  }
  return { answers, ms };
}

/** The window score child, bundled with plain esbuild so it runs in plain node (no tsx, no DuckDB in the process). */
function bundleChild(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const outfile = path.join(DIR, 'score-child.js');
  esbuild.buildSync({
    entryPoints: [path.join(__dirname, 'monitor-score-child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    external: ['@duckdb/*'],
    logLevel: 'silent',
  });
  return outfile;
}

function scoreChild(child: string, fixture: string, window: string, mode: 'run' | 'steps'): ScoreChildResult & { processPeakMb: number | null } {
  const m = measure(`score ${window} ${mode}`, process.execPath, ['--expose-gc', child, fixture, window, mode]);
  if (m.status !== 0) throw new Error(`the score child (${window} ${mode}) failed (exit ${m.status}): ${m.stderr}`);
  return { ...(JSON.parse(m.stdout.trim().split('\n').pop() as string) as ScoreChildResult), processPeakMb: m.peakMb };
}

/* ----------------------------------------------------------------------------------------------
 * Bundles
 * -------------------------------------------------------------------------------------------- */

const HANDLERS = ['profile-hour', 'score-window'] as const;

interface Bundle {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly origin: string;
}

/** Sources a prebuilt bundle's source map lists that changed after it was built (or are gone). */
function staleSources(file: string): string[] {
  const map = `${file}.map`;
  if (!fs.existsSync(map)) return [];
  const builtAt = fs.statSync(file).mtimeMs;
  const sources = (JSON.parse(fs.readFileSync(map, 'utf8')) as { sources?: string[] }).sources ?? [];
  return sources.map((s) => path.resolve(path.dirname(file), s)).filter((s) => !fs.existsSync(s) || fs.statSync(s).mtimeMs > builtAt);
}

/**
 * Each handler's bundle: `npm run bundle`'s dist/handlers/<name>/index.js when it is there and not
 * older than its sources, otherwise bundled here with the same esbuild settings (lib/monitor/bundle.ts:
 * CommonJS for node22, minified, ES-module builds of the packages preferred, DuckDB left out).
 */
function handlerBundles(): Bundle[] {
  return HANDLERS.map((name) => {
    const dist = path.join(ROOT, 'dist', 'handlers', name, 'index.js');
    if (fs.existsSync(dist) && staleSources(dist).length === 0) return { name, file: dist, bytes: fs.statSync(dist).size, origin: path.relative(ROOT, dist) };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    const outdir = path.join(DIR, 'bundles', name);
    const outfile = path.join(outdir, 'index.js');
    // The very options `npm run bundle` uses (lib/monitor/bundle.ts), so the sizes are the deployed ones.
    esbuild.buildSync({ ...bundleOptions(path.join(ROOT, 'lambda', 'handlers', `${name}.ts`), outdir), absWorkingDir: ROOT, logLevel: 'silent' });
    const why = fs.existsSync(dist) ? 'dist/ bundle older than its sources' : 'no dist/ bundle';
    return { name, file: outfile, bytes: fs.statSync(outfile).size, origin: `bundled here (${why}; npm run bundle's options)` };
  });
}

/** Milliseconds a fresh node takes to `require` the bundle (module load only, not Lambda's INIT). */
function importMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  const out = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: path.dirname(file) });
  if (out.status !== 0) throw new Error(`loading ${file} failed: ${out.stderr}`);
  return Number(out.stdout.trim().split('\n').pop());
}
/* ----------------------------------------------------------------------------------------------
 * Main
 * -------------------------------------------------------------------------------------------- */

/** What the runs measured, for the sections that print it (monitor-bench-print.ts). */
export type Measured = Awaited<ReturnType<typeof measureAll>>;

/** The figures of the runs: real hour profiles, the label joins, the scores in child processes and the bundle loads, `runs` times interleaved. */
async function measureAll(engine: DuckDbEngine, reference: MonitorReference, runs: number) {
  const threads = (await engine.query("SELECT current_setting('threads') AS t"))[0].t;
  const model = benchModel();
  const inlineBinsBytes = referenceBinsValues(reference.profile).length;

  // The real hour profiles the stored ones cycle through, and a check that the SQL counts what the core counts.
  const profiled: HourProfile[] = [];
  for (let k = 0; k < PROFILED_HOURS; k++) profiled.push((await profileOnce(engine, reference, profiledHour(k))).profile);
  const rateRecords = hourRecords(RATE_HOUR, RATE_ROWS_PER_HOUR, 2000).predictions;
  const rateCheck = await profileOnce(engine, reference, new Date(RATE_HOUR));
  const core = observeDatasetProfile(recordsToDataset(recordSpecOf(model), rateRecords), reference.profile);
  const counts = (p: typeof core) => JSON.stringify(p.features.map((f) => [f.missing, f.kind === 'numeric' ? [f.counts, f.fineCounts] : [f.counts, f.other]]));
  const sameAsCore = counts(rateCheck.profile.profile) === counts(core) && rateCheck.profile.rows === RATE_ROWS_PER_HOUR;

  const joins = await labelJoins(engine);
  const fixtureFile = path.join(DIR, 'score-fixture.json');
  const fixture: ScoreFixture = {
    env: ENV,
    config,
    tables,
    labelLookbackDays: settings.labelLookbackDays,
    reference: serializeReference(reference),
    hourProfiles: profiled,
    now: NOW.toISOString(),
    answers: joins.answers,
  };
  fs.writeFileSync(fixtureFile, JSON.stringify(fixture));
  const child = bundleChild();
  const bundles = handlerBundles();

  const git = (args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const dirty = git(['status', '--porcelain', '--', 'lambda', 'config']).length > 0;
  console.log(`\nCommit ${git(['rev-parse', '--short', 'HEAD'])}${dirty ? ' with uncommitted changes under lambda/ or config/ (the figures are of the working tree)' : ''}.`);
  console.log(
    `Model ${MODEL_ID}: ${NUMERIC_FEATURES} numeric + ${CATEGORICAL_LEVELS.length} categorical features (${CATEGORICAL_LEVELS[0]}-${CATEGORICAL_LEVELS[CATEGORICAL_LEVELS.length - 1]} levels), ` +
      `reference ${REFERENCE_ROWS.toLocaleString('en-US')} rows; DuckDB ${threads} threads; node ${process.version} (Lambda runs Node.js 22); ${runs} run(s), interleaved`,
  );

  const m = {
    profile100k: [] as number[],
    profileRate: [] as number[],
    profileLambdaMs: [] as number[],
    labelJoinMs: Object.fromEntries(settings.windows.map((w) => [w.name, [] as number[]])),
    score: Object.fromEntries(settings.windows.map((w) => [w.name, [] as (ScoreChildResult & { processPeakMb: number | null })[]])),
    steps: [] as ScoreChildResult[],
    imports: Object.fromEntries(HANDLERS.map((h) => [h, [] as number[]])),
  };
  let resultRows100k = 0;
  for (let r = 0; r < runs; r++) {
    process.stdout.write(`run ${r + 1}/${runs}: profile query ... `);
    const hundred = await profileOnce(engine, reference, profiledHour(0));
    m.profile100k.push(hundred.engineMs);
    resultRows100k = hundred.rows.length;
    const rate = await profileOnce(engine, reference, new Date(RATE_HOUR));
    m.profileRate.push(rate.engineMs);
    m.profileLambdaMs.push(rate.lambdaMs);
    const again = await labelJoins(engine);
    for (const w of settings.windows) m.labelJoinMs[w.name].push(again.ms[w.name]);
    process.stdout.write('scores ... ');
    for (const w of [...settings.windows].reverse()) m.score[w.name].push(scoreChild(child, fixtureFile, w.name, 'run'));
    m.steps.push(scoreChild(child, fixtureFile, '7d', 'steps'));
    process.stdout.write('bundle loads\n');
    for (let i = 0; i < 3; i++) for (const b of bundles) m.imports[b.name].push(importMs(b.file));
  }

  return { threads, model, inlineBinsBytes, rateCheck, profileResultBytes: csvBytes(athenaRows(rateCheck.rows)), sameAsCore, bundles, m, resultRows100k };
}

async function main(): Promise<void> {
  const runs = runsFlag(process.argv.slice(2));
  fs.mkdirSync(DIR, { recursive: true });
  const engine = await openDuckDbEngine();
  try {
    const reference = await ensureData(engine);
    await registerTables(engine);
    const measured = await measureAll(engine, reference, runs);
    printProfileQuery(measured);
    printScore(measured);
    const bytes = await printBytesScanned(engine, reference);
    printBundles(measured);
    printGoals(measured, printCost(measured, bytes));
  } finally {
    engine.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
