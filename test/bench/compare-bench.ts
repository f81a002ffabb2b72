/**
 * `npm run bench [-- [--rows N] [--runs N] [--no-real-peers]]`: times `driftwatch compare` against a pandas +
 * scipy peer that computes the same per-column statistics (test/bench/compare_peer.py), on the same two CSV
 * files, and against Evidently and NannyML themselves unless `--no-real-peers` leaves them out (they take
 * minutes per run: the flag is for iterating on Driftwatch's speed, where the pandas + scipy ratio is the goal).
 *
 * The files (reference and current, N rows x 12 columns: 10 numeric, some shifted in current, and
 * 2 categorical with 20 and 1,000 levels) are generated deterministically once and cached under
 * .bench/ (git-ignored). Peak memory comes from /usr/bin/time -v when present.
 *
 * What is timed is the compiled CLI, as the package ships it: the bench first compiles the current
 * sources into .bench/cli (tsconfig.build-cli.json, about 20 s). bin/driftwatch.js would run dist/
 * only while it is newer than every source, and through tsx (slower to start, and in each worker
 * thread) otherwise, which in a working tree is most of the time.
 */
import * as fs from 'fs';
import * as path from 'path';
import {
  BENCH_DIR,
  cached,
  exitsWith,
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
  compileCli,
} from './support';

const PEER = path.join(__dirname, 'compare_peer.py');
/** Evidently and NannyML themselves (test/bench/peers_bench.py), in .venv-peers when setup.sh has made it. */
const PEERS_BENCH = path.join(__dirname, 'peers_bench.py');
const PEERS_PYTHON = path.join(ROOT, '.venv-peers/bin/python3');

/* ----------------------------------------------------------------------------------------------
 * Deterministic data
 * -------------------------------------------------------------------------------------------- */

const HEADER = ['num_0', 'num_1', 'num_2', 'num_3', 'num_4', 'num_5', 'num_6', 'num_7', 'num_8', 'num_9', 'cat_20', 'cat_1000'];
const CAT20 = Array.from({ length: 20 }, (_, i) => `level_${String(i).padStart(2, '0')}`);
const CAT1000 = Array.from({ length: 1000 }, (_, i) => `item_${String(i).padStart(4, '0')}`);

/**
 * Writes one file. Current drifts on purpose: num_0 +0.5 sd, num_2 longer tail, num_4 wider,
 * num_6 a negligible +0.05 sd (significant p-value, small effect), num_8 +10, num_9 more missing,
 * cat_20 and cat_1000 reweighted; num_1, num_3, num_5, num_7 are unchanged.
 */
function writeDataset(file: string, rows: number, current: boolean): void {
  const random = prng(current ? 2 : 1);
  const cat20 = zipfTable(20, current ? 0.6 : 1);
  const cat1000 = zipfTable(1000, current ? 1.2 : 1.1);
  writeLines(file, HEADER.join(','), rows, () =>
    [
      (normal(random) + (current ? 0.5 : 0)).toFixed(4),
      (10 + 2 * normal(random)).toFixed(4),
      (-Math.log(1 - random()) * (current ? 1.3 : 1)).toFixed(5),
      (random() * 100).toFixed(3),
      (normal(random) * (current ? 1.5 : 1)).toFixed(4),
      Math.exp(normal(random)).toFixed(4),
      (normal(random) + (current ? 0.05 : 0)).toFixed(4),
      String(Math.floor(random() * 10)),
      (100 + 15 * normal(random) + (current ? 10 : 0)).toFixed(2),
      random() < (current ? 0.1 : 0.02) ? '' : normal(random).toFixed(4),
      CAT20[pick(cat20, random())],
      CAT1000[pick(cat1000, random())],
    ].join(','),
  );
}

function ensureDatasets(rows: number): { reference: string; current: string } {
  return {
    reference: cached(path.join(BENCH_DIR, `reference-${rows}.csv`), (file) => writeDataset(file, rows, false)),
    current: cached(path.join(BENCH_DIR, `current-${rows}.csv`), (file) => writeDataset(file, rows, true)),
  };
}

/* ----------------------------------------------------------------------------------------------
 * Running and measuring
 * -------------------------------------------------------------------------------------------- */

interface PeerFeature {
  name: string;
  psi: number;
  jensenShannon: number;
  ks?: { statistic: number; pValue: number };
  wasserstein?: number;
  chiSquared?: { statistic: number; pValue: number };
}

/** Largest absolute difference per statistic between our JSON report and the peer's. */
function agreement(oursFile: string, peerFile: string): string[] {
  const ours = JSON.parse(fs.readFileSync(oursFile, 'utf8')).features as Array<PeerFeature & { kind: string }>;
  const peer = JSON.parse(fs.readFileSync(peerFile, 'utf8')).features as PeerFeature[];
  const byName = new Map(ours.map((f) => [f.name, f]));
  const worst: Record<string, { diff: number; name: string }> = {};
  const note = (stat: string, name: string, a: number | undefined | null, b: number | undefined | null) => {
    if (a === undefined || b === undefined || a === null || b === null) return;
    const diff = Math.abs(a - b);
    if (!worst[stat] || diff > worst[stat].diff) worst[stat] = { diff, name };
  };
  for (const p of peer) {
    const o = byName.get(p.name);
    if (!o) continue;
    note('PSI', p.name, o.psi, p.psi);
    note('Jensen-Shannon', p.name, o.jensenShannon, p.jensenShannon);
    note('KS statistic', p.name, o.ks?.statistic, p.ks?.statistic);
    note('KS p-value', p.name, o.ks?.pValue, p.ks?.pValue);
    note('Wasserstein', p.name, o.wasserstein, p.wasserstein);
    note('chi2 statistic (relative)', p.name, 1, o.chiSquared && p.chiSquared ? o.chiSquared.statistic / p.chiSquared.statistic : undefined);
    note('chi2 p-value', p.name, o.chiSquared?.pValue, p.chiSquared?.pValue);
  }
  return Object.entries(worst).map(([stat, { diff, name }]) => `  ${stat.padEnd(26)} max |difference| ${diff.toExponential(2)} (${name})`);
}

/** Evidently's Report([DataDriftPreset()]) and NannyML's univariate drift on the same files, when .venv-peers exists. */
function realPeers(reference: string, current: string, rows: number): { tool: string; command: string; args: string[]; check: (m: Measured) => void }[] {
  if (!fs.existsSync(PEERS_PYTHON)) {
    console.log('(.venv-peers is missing: bash test/support/setup.sh installs Evidently and NannyML for this bench)');
    return [];
  }
  process.env.NML_DISABLE_USAGE_LOGGING = '1';
  process.env.DO_NOT_TRACK = '1';
  const run = (tool: string, label: string) => ({
    tool: label,
    command: PEERS_PYTHON,
    args: [PEERS_BENCH, tool, reference, current, path.join(BENCH_DIR, `${tool}-${rows}.json`)],
    check: exitsWith(label, [0]),
  });
  return [run('evidently', 'Evidently 0.7.23 DataDriftPreset'), run('nannyml', 'NannyML 0.13.1 univariate drift')];
}

function main(): void {
  const args = process.argv.slice(2);
  const rows = rowsFlag(args, 1_000_000);
  const { reference, current } = ensureDatasets(rows);
  const oursOut = path.join(BENCH_DIR, `driftwatch-${rows}.json`);
  const peerOut = path.join(BENCH_DIR, `peer-${rows}.json`);
  console.log(`\nComparing ${rows.toLocaleString('en-US')} rows x 12 columns (reference vs current) on ${path.relative(ROOT, BENCH_DIR)}/`);

  const cli = compileCli();
  const python = findPython();
  const results: Measured[] = measureInterleaved(
    [
      {
        tool: 'driftwatch compare (node)',
        command: process.execPath,
        args: [cli, 'compare', '--reference', reference, '--current', current, '--format', 'json', '--out', oursOut],
        check: exitsWith('driftwatch', [0, 1]),
      },
      ...(python ? [{ tool: `pandas + scipy (${python})`, command: python, args: [PEER, reference, current, peerOut], check: exitsWith('the peer', [0]) }] : []),
      ...(args.includes('--no-real-peers') ? [] : realPeers(reference, current, rows)),
    ],
    runsFlag(args),
  );
  printResults(results, python ? { heading: 'Agreement with the peer (same binning, same tests):', lines: () => agreement(oursOut, peerOut) } : null);
}

main();
