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
 * 5. the cost model, side by side with SageMaker Model Monitor's hourly schedule, and the issue's goals.
 *
 * With --runs N every timed step runs N times, interleaved (profile query, score, bundle loads,
 * then again), and each figure is the median with the spread of the runs. The goals print PASS or
 * FAIL for information; the command never fails on them. Data is generated once, deterministically,
 * under .bench/monitor/ (git-ignored).
 */
import { PROFILE_MEMORY_MB, SCORE_MEMORY_MB } from '../../lib/monitor/functions';
import { bundleOptions } from '../../lib/monitor/bundle';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DuckDbEngine } from '../../lambda/adapters/local/duckdb-engine';
import { openDuckDbEngine } from '../../lambda/adapters/local/duckdb-engine';
import { observeDatasetProfile } from '../../lambda/core/profile';
import { groundTruthColumns, predictionColumns } from '../../lambda/core/schema/record-schema';
import { monitorSettingsFromConfig } from '../../lambda/monitor/from-config';
import { metricCount } from '../../lambda/monitor/metrics';
import { recordSpecOf } from '../../lambda/monitor/model';
import { profileHour, storedHourProfile, type HourProfile, type MonitorTables } from '../../lambda/monitor/profile';
import { parseReference, serializeReference, type MonitorReference } from '../../lambda/monitor/reference';
import { windowEnding } from '../../lambda/monitor/run-score';
import { windowPerformance } from '../../lambda/monitor/score';
import type { QueryEngine } from '../../lambda/ports';
import { ATHENA_MAX_QUERY_BYTES, referenceBinRows, referenceBinsValues } from '../../lambda/sql';
import { DEFAULT_LABEL_LOOKBACK_DAYS } from '../../lambda/sql/performance-query';
import { registerFirehoseTable, writeFirehoseParquet } from '../support/duckdb';
import { recordsToDataset } from '../sql/helpers';
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
  type MonitorDeployment,
  type MonitorMeasures,
} from './monitor-cost';
import { benchModel, benchReference, CATEGORICAL_LEVELS, config, ENV, FEATURE_NAMES, hourRecords, MODEL_ID, NUMERIC_FEATURES } from './monitor-model';
import type { ScoreChildResult, ScoreFixture } from './monitor-score-child';
import { BENCH_DIR, canMeasureMemory, measure, ROOT, runsFlag } from './support';

/* ----------------------------------------------------------------------------------------------
 * The data
 * -------------------------------------------------------------------------------------------- */

const DIR = path.join(BENCH_DIR, 'monitor');
const LAKE = path.join(DIR, 'lake');
/** Bump when the generated data changes: a cache of another version is regenerated. */
const DATA_VERSION = 1;
const HOUR_MS = 3_600_000;
const ROWS_PER_HOUR = 100_000;
/** 1M predictions a day, per hour: the cost model's traffic. */
const RATE_ROWS_PER_HOUR = Math.round(1_000_000 / 24);
const REFERENCE_ROWS = 100_000;
const REFERENCE_WINDOWS = 10;
/** Hours profiled for real at 100,000 rows; the window's 168 stored profiles cycle through them (the last one drifted). */
const PROFILED_HOURS = 4;
/** The windows end here (the last profiled hour ends at it); the scoring clock is 25 minutes later. */
const WINDOW_END = Date.UTC(2026, 10, 30);
/** An hour at the cost model's rate, days before the windows (outside both). */
const RATE_HOUR = Date.UTC(2026, 10, 20, 12);
const DATABASE = 'driftwatch_bench';
const tables: MonitorTables = {
  predictions: { database: DATABASE, table: `predictions_${MODEL_ID}` },
  labels: { database: DATABASE, table: `labels_${MODEL_ID}` },
  referenceBins: { database: DATABASE, table: `reference_bins_${MODEL_ID}` },
};
const profiledHour = (k: number) => new Date(WINDOW_END - (PROFILED_HOURS - k) * HOUR_MS);
const settings = monitorSettingsFromConfig(config, DEFAULT_LABEL_LOOKBACK_DAYS);
const NOW = new Date(WINDOW_END + (settings.settleMinutes + 5) * 60_000);

/** The deployment the cost model prices: the functions as lib/monitor/functions.ts sizes them. */
const DEPLOYMENT: MonitorDeployment = {
  windows: settings.windows,
  reprofileHours: settings.reprofileHours,
  profileRunsPerDay: 24,
  scoreRunsPerWindowPerDay: 1,
  profileMemoryMb: PROFILE_MEMORY_MB,
  scoreMemoryMb: SCORE_MEMORY_MB,
};

const iso = (ms: number) => new Date(ms).toISOString();
const hourGlob = (prefix: 'predictions' | 'labels', hour: number) =>
  path.join(LAKE, prefix, MODEL_ID, `dt=${iso(hour).slice(0, 10)}`, `hour=${iso(hour).slice(11, 13)}`, '*.parquet');
const binsFile = (reference: MonitorReference) => path.join(LAKE, 'reference-bins', `${reference.referenceId}.json`);
const sqlPath = (p: string) => `'${p.replace(/'/g, "''")}'`;

/** The reference's bins as the JSON lines `driftwatch reference --push` writes for the bins table. */
function referenceBinLines(reference: MonitorReference): string {
  return referenceBinRows(reference.profile)
    .map((r) => JSON.stringify({ reference_id: reference.referenceId, feature: r.feature, bin_set: r.bin_set, position: r.position, edge: r.edge, category: r.category }))
    .join('\n')
    .concat('\n');
}

/** Writes an hour of records as Firehose would: one Parquet file per 300-second buffer flush. */
async function writeHour(engine: DuckDbEngine, hourStart: number, rows: number, seed: number, drift: boolean): Promise<void> {
  const { predictions, labels } = hourRecords(hourStart, rows, seed, drift);
  const spec = recordSpecOf(benchModel());
  const at = iso(hourStart);
  const partition = { root: LAKE, modelId: MODEL_ID, dt: at.slice(0, 10), hour: at.slice(11, 13) };
  const per = Math.ceil(rows / FIREHOSE_FILES_PER_HOUR);
  for (let part = 0; part < FIREHOSE_FILES_PER_HOUR; part++) {
    const slice = [part * per, Math.min(rows, (part + 1) * per)] as const;
    await writeFirehoseParquet(engine, { ...partition, part, prefix: 'predictions', columns: predictionColumns(spec), records: predictions.slice(...slice) });
    await writeFirehoseParquet(engine, { ...partition, part, prefix: 'labels', columns: groundTruthColumns(spec), records: labels.slice(...slice) });
  }
}

/** The reference and the lake under .bench/monitor/, generated on the first run (about a minute). */
async function ensureData(engine: DuckDbEngine): Promise<MonitorReference> {
  const marker = path.join(DIR, `ready-v${DATA_VERSION}`);
  const referenceFile = path.join(DIR, 'reference.json');
  if (fs.existsSync(marker)) return parseReference(JSON.parse(fs.readFileSync(referenceFile, 'utf8')), referenceFile, benchModel());
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(path.join(LAKE, 'reference-bins'), { recursive: true });
  const started = Date.now();
  process.stdout.write(`generating ${path.relative(ROOT, DIR)}/ (reference ${REFERENCE_ROWS.toLocaleString('en-US')} rows, ${PROFILED_HOURS} hours x ${ROWS_PER_HOUR.toLocaleString('en-US')} and 1 x ${RATE_ROWS_PER_HOUR.toLocaleString('en-US')} predictions with labels) ... `);
  const reference = benchReference(REFERENCE_ROWS, REFERENCE_WINDOWS, 101);
  fs.writeFileSync(referenceFile, JSON.stringify(serializeReference(reference)));
  fs.writeFileSync(binsFile(reference), referenceBinLines(reference));
  for (let k = 0; k < PROFILED_HOURS; k++) await writeHour(engine, profiledHour(k).getTime(), ROWS_PER_HOUR, 1000 + k, k === PROFILED_HOURS - 1);
  await writeHour(engine, RATE_HOUR, RATE_ROWS_PER_HOUR, 2000, false);
  fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
  process.stdout.write(`${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return reference;
}

/** The Glue tables' names over the lake: the Firehose tables and the reference-bins table (JSON lines, as Athena reads them). */
async function registerTables(engine: DuckDbEngine): Promise<void> {
  for (const prefix of ['predictions', 'labels'] as const) {
    await registerFirehoseTable(engine, { root: LAKE, prefix, modelId: MODEL_ID, database: DATABASE, table: `${prefix}_${MODEL_ID}` });
  }
  const columns = "{reference_id: 'VARCHAR', feature: 'VARCHAR', bin_set: 'VARCHAR', position: 'BIGINT', edge: 'DOUBLE', category: 'VARCHAR'}";
  await engine.run(
    `CREATE OR REPLACE VIEW "${DATABASE}"."reference_bins_${MODEL_ID}" AS SELECT * FROM read_json(${sqlPath(path.join(LAKE, 'reference-bins', '*.json'))}, ` +
      `format = 'newline_delimited', columns = ${columns})`,
  );
}

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
/** The build's limit on a handler bundle (lib/monitor/bundle.ts MAX_BUNDLE_BYTES): 1 MiB. */
const MAX_BUNDLE_BYTES = 1024 * 1024;

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

/* ----------------------------------------------------------------------------------------------
 * Main
 * -------------------------------------------------------------------------------------------- */

async function main(): Promise<void> {
  const runs = runsFlag(process.argv.slice(2));
  fs.mkdirSync(DIR, { recursive: true });
  const engine = await openDuckDbEngine();
  try {
    const reference = await ensureData(engine);
    await registerTables(engine);
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

    // 1. The hourly profile query.
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

    // 2. The window score.
    const s7 = m.score['7d'];
    const s1 = m.score['1d'];
    const scoreSeconds = (rs: readonly ScoreChildResult[]) => rs.map((x) => x.ms / 1000);
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

    // 3. Bytes scanned.
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

    // 4. Bundles.
    console.log('\n4. Handler bundles (minified CommonJS) and the time a fresh node takes to require them (module load only, not Lambda\'s INIT):');
    console.log(
      table([
        ['handler', 'bytes', 'require', 'from'],
        ...bundles.map((b) => [b.name, b.bytes.toLocaleString('en-US'), spread(m.imports[b.name], 'ms', 0), b.origin]),
      ], (c) => c === 1 || c === 2).replace(/^/gm, '   '),
    );

    // 5. Cost.
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
      profileResultBytes: csvBytes(athenaRows(rateCheck.rows)),
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

    // Goals.
    const score7 = median(scoreSeconds(s7));
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
  } finally {
    engine.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
