/**
 * `npm run bench:backtest [-- [--rows N] [--runs N] [--peers pandas,evidently]]`: times `driftwatch backtest` in daily windows against a
 * pandas + scipy loop that computes the same per-window statistics (test/bench/backtest_peer.py:
 * `groupby` day, then PSI / Jensen–Shannon / KS / Wasserstein per numeric feature and PSI /
 * Jensen–Shannon / chi-squared per categorical feature against the reference).
 *
 * Data (generated deterministically once, cached under .bench/, git-ignored): N rows (default
 * 1,000,000) × 20 features — 15 numeric, 5 categorical with 3 to 1,000 levels — and an ISO
 * `timestamp` spread evenly over 100 days (so 100 daily windows), plus a reference file of N / 10
 * rows from the 30 days before. Drift is scheduled on purpose: num_0's mean creeps up from day 50,
 * num_1 widens from day 70, num_5 gains missing values from day 60, cat_0 is reweighted from day 80.
 *
 * With .venv-peers (test/support/setup.sh), Evidently 0.7.23 runs as a second peer in the same interleaved
 * runs: the rows grouped by UTC day as the pandas script does, and its Report([DataDriftPreset()]) per day
 * against the reference (test/bench/peers_bench.py evidently-daily): the backtest a team would write with it.
 *
 * What is timed is the compiled CLI, as the package ships it: the bench first compiles the current
 * sources into .bench/cli (compileCli, as `npm run bench` does).
 *
 * `--peers pandas` (or `evidently`, or `pandas,evidently`, the default) chooses the peers: Evidently
 * per day takes minutes a run, so `--peers pandas` is the quick loop while working on speed.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  BENCH_DIR,
  compileCli,
  exitsWith,
  cached,
  findPython,
  Measured,
  measureInterleaved,
  normal,
  pick,
  printResults,
  prng,
  ROOT,
  rowsFlag,
  runsFlag,
  writeLines,
  zipfTable,
} from './support';

const PEER = path.join(__dirname, 'backtest_peer.py');
/** Evidently itself (test/bench/peers_bench.py), in .venv-peers when setup.sh has made it. */
const PEERS_BENCH = path.join(__dirname, 'peers_bench.py');
const PEERS_PYTHON = path.join(ROOT, '.venv-peers/bin/python3');
const DAYS = 100;
const DAY_MS = 86_400_000;
const DATA_START = Date.UTC(2024, 0, 1);
const REFERENCE_DAYS = 30;

const NUMERIC = Array.from({ length: 15 }, (_, i) => `num_${i}`);
const LEVELS = [5, 3, 20, 100, 1000];
const CATEGORICAL = LEVELS.map((_, i) => `cat_${i}`);
const HEADER = ['timestamp', ...NUMERIC, ...CATEGORICAL];
const LEVEL_NAMES = LEVELS.map((n, c) => Array.from({ length: n }, (_, k) => `c${c}_${String(k).padStart(4, '0')}`));

/** ISO timestamp without milliseconds, as logs usually carry it. */
const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/**
 * One row of features at `day` (days since the data start; negative in the reference period). The
 * 15 numeric columns cycle through a few shapes (normal, log-normal, exponential, uniform, integer
 * counts) so binning and ties are exercised.
 */
function rowCells(random: () => number, day: number, tables: Float64Array[], drifted: Float64Array): string[] {
  const cells: string[] = [];
  for (let j = 0; j < NUMERIC.length; j++) {
    let v: number;
    switch (j % 5) {
      case 0:
        v = normal(random) + (j === 0 && day >= 50 ? (day - 50) * 0.02 : 0);
        break;
      case 1:
        v = 10 + 2 * normal(random) * (j === 1 && day >= 70 ? 1.5 : 1);
        break;
      case 2:
        v = Math.exp(normal(random));
        break;
      case 3:
        v = -Math.log(1 - random()) * 3;
        break;
      default:
        v = Math.floor(random() * 20);
    }
    const missingRate = j === 5 && day >= 60 ? 0.1 : 0.01;
    cells.push(random() < missingRate ? '' : Number.isInteger(v) ? String(v) : v.toFixed(4));
  }
  LEVELS.forEach((_, c) => {
    const table = c === 0 && day >= 80 ? drifted : tables[c];
    cells.push(LEVEL_NAMES[c][pick(table, random())]);
  });
  return cells;
}

function writeRows(file: string, rows: number, startMs: number, spanDays: number, seed: number): void {
  const random = prng(seed);
  const tables = LEVELS.map((n) => zipfTable(n, 1));
  const drifted = zipfTable(LEVELS[0], 0.2);
  const stepMs = (spanDays * DAY_MS) / rows;
  writeLines(file, HEADER.join(','), rows, (i) => {
    const ms = startMs + Math.floor(i * stepMs);
    return [iso(ms), ...rowCells(random, (ms - DATA_START) / DAY_MS, tables, drifted)].join(',');
  });
}

interface BenchFiles {
  readonly data: string;
  readonly reference: string;
  readonly config: string;
}

function ensureFiles(rows: number): BenchFiles {
  const referenceRows = Math.max(10, Math.round(rows / 10));
  const data = cached(path.join(BENCH_DIR, `backtest-data-${rows}.csv`), (file) => writeRows(file, rows, DATA_START, DAYS, 11));
  const reference = cached(path.join(BENCH_DIR, `backtest-reference-${referenceRows}.csv`), (file) =>
    writeRows(file, referenceRows, DATA_START - REFERENCE_DAYS * DAY_MS, REFERENCE_DAYS, 12),
  );
  const config = path.join(BENCH_DIR, `backtest-config-${rows}.json`);
  const json = {
    features: [...NUMERIC.map((name) => ({ name, kind: 'numeric' })), ...CATEGORICAL.map((name) => ({ name, kind: 'categorical' }))],
    reference: { file: reference },
    window: { column: 'timestamp', every: '1d' },
  };
  fs.writeFileSync(config, `${JSON.stringify(json, null, 2)}\n`);
  return { data, reference, config };
}

interface Stat {
  readonly name: string;
  readonly psi: number | null;
  readonly jensenShannon: number | null;
  readonly pValue?: number | null;
  readonly ks?: { pValue: number };
  readonly chiSquared?: { pValue: number };
}

/** Evidently's Report([DataDriftPreset()]) per daily window, when .venv-peers exists. */
function evidentlyPeer(files: BenchFiles, rows: number): { tool: string; command: string; args: string[]; check: (m: Measured) => void }[] {
  if (!fs.existsSync(PEERS_PYTHON)) {
    console.log('(.venv-peers is missing: bash test/support/setup.sh installs Evidently for this bench)');
    return [];
  }
  process.env.NML_DISABLE_USAGE_LOGGING = '1';
  process.env.DO_NOT_TRACK = '1';
  const label = 'Evidently 0.7.23 DataDriftPreset per day';
  return [
    {
      tool: label,
      command: PEERS_PYTHON,
      args: [PEERS_BENCH, 'evidently-daily', files.reference, files.data, path.join(BENCH_DIR, `backtest-evidently-${rows}.json`), files.config],
      check: exitsWith(label, [0]),
    },
  ];
}

/** Largest absolute difference per statistic over every (day, feature), and whether the windows line up. */
function agreement(oursFile: string, peerFile: string): string[] {
  const ours = JSON.parse(fs.readFileSync(oursFile, 'utf8')) as { windows: { start: string; rows: number; features: Stat[] }[] };
  const peer = JSON.parse(fs.readFileSync(peerFile, 'utf8')) as { windows: { start: string; rows: number; features: Stat[] }[] };
  const lines: string[] = [];
  const byStart = new Map(ours.windows.map((w) => [String(w.start).slice(0, 10), w]));
  const worst: Record<string, { diff: number; where: string }> = {};
  const note = (stat: string, where: string, a: number | null | undefined, b: number | null | undefined) => {
    if (a === null || a === undefined || b === null || b === undefined) return;
    const diff = Math.abs(a - b);
    if (!worst[stat] || diff > worst[stat].diff) worst[stat] = { diff, where };
  };
  let matched = 0;
  for (const p of peer.windows) {
    const o = byStart.get(p.start.slice(0, 10));
    if (!o || o.rows !== p.rows) continue;
    matched++;
    const features = new Map(o.features.map((f) => [f.name, f]));
    for (const pf of p.features) {
      const of = features.get(pf.name);
      if (!of) continue;
      const where = `${p.start.slice(0, 10)} ${pf.name}`;
      note('PSI', where, of.psi, pf.psi);
      note('Jensen-Shannon', where, of.jensenShannon, pf.jensenShannon);
      // Ours is on the profile's bins (reference categories + one bin for unseen ones), scipy's on the raw union.
      if (pf.chiSquared) note('chi-squared p-value (profile)', where, of.pValue, pf.chiSquared.pValue);
      // Ours is KS on the profile's 1,000 fine reference-quantile bins (bounded error), scipy's on raw values.
      if (pf.ks) note('KS p-value (fine bins vs raw)', where, of.pValue, pf.ks.pValue);
    }
  }
  lines.push(`  windows matched by day and row count: ${matched} of ${peer.windows.length} (driftwatch: ${ours.windows.length})`);
  for (const [stat, { diff, where }] of Object.entries(worst)) lines.push(`  ${stat.padEnd(30)} max |difference| ${diff.toExponential(2)} (${where})`);
  return lines;
}

const PEERS = ['pandas', 'evidently'] as const;
type Peer = (typeof PEERS)[number];

/** Parses `--peers a,b` (default: every peer). */
function peersFlag(args: readonly string[]): ReadonlySet<Peer> {
  const at = args.indexOf('--peers');
  if (at < 0) return new Set(PEERS);
  const names = (args[at + 1] ?? '').split(',').map((n) => n.trim());
  const unknown = names.filter((n) => !(PEERS as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) throw new Error(`--peers takes ${PEERS.join(', ')} (comma-separated), got ${JSON.stringify(args[at + 1] ?? '')}`);
  return new Set(names as Peer[]);
}

function main(): void {
  const args = process.argv.slice(2);
  const peers = peersFlag(args);
  const rows = rowsFlag(args, 1_000_000, 1000);
  const files = ensureFiles(rows);
  const oursOut = path.join(BENCH_DIR, `backtest-driftwatch-${rows}.json`);
  const peerOut = path.join(BENCH_DIR, `backtest-peer-${rows}.json`);
  console.log(
    `\nBacktest over ${rows.toLocaleString('en-US')} rows x 20 features (15 numeric, 5 categorical), ${DAYS} daily windows, ` +
      `reference ${path.relative(ROOT, files.reference)}`,
  );

  const runs = runsFlag(args);
  const cli = compileCli();
  const python = peers.has('pandas') ? findPython() : null;
  const results: Measured[] = measureInterleaved(
    [
      {
        tool: 'driftwatch backtest (node)',
        command: process.execPath,
        args: [cli, 'backtest', '--data', files.data, '--config', files.config, '--format', 'json', '--out', oursOut],
        check: exitsWith('driftwatch', [0, 1]),
      },
      ...(python
        ? [
            {
              tool: `pandas + scipy groupby (${python})`,
              command: python,
              args: [PEER, files.reference, files.data, files.config, peerOut],
              check: exitsWith('the peer', [0]),
            },
          ]
        : []),
      ...(peers.has('evidently') ? evidentlyPeer(files, rows) : []),
    ],
    runs,
  );
  printResults(results, python ? { heading: 'Agreement with the peer, per day and feature (same reference bins):', lines: () => agreement(oursOut, peerOut) } : null);
}

main();
