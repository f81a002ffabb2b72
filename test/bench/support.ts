/**
 * Helpers shared by the benchmarks (`npm run bench`, `npm run bench:backtest`): a seeded PRNG and
 * samplers for deterministic data, a timed child-process runner with peak memory, a finder for a
 * python that has pandas, and a table printer.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export const ROOT = path.join(__dirname, '../..');
export const BENCH_DIR = path.join(ROOT, '.bench');
export const BIN = path.join(ROOT, 'bin/driftwatch.js');
const TIME = '/usr/bin/time';

export { prng } from '../support/random';

/** A standard normal draw (Box–Muller, one of the pair). */
export function normal(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Inverse-CDF sampling table for weights ∝ 1 / (rank + 1)^s. */
export function zipfTable(levels: number, s: number): Float64Array {
  const cdf = new Float64Array(levels);
  let total = 0;
  for (let k = 0; k < levels; k++) cdf[k] = total += 1 / (k + 1) ** s;
  for (let k = 0; k < levels; k++) cdf[k] /= total;
  return cdf;
}

/** The index whose cumulative weight first reaches u (binary search on a `zipfTable`). */
export function pick(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid] < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Writes a file line by line through `rows`, atomically (a `.partial` file renamed at the end). */
export function writeLines(file: string, header: string, rows: number, line: (i: number) => string): void {
  const fd = fs.openSync(`${file}.partial`, 'w');
  fs.writeSync(fd, `${header}\n`);
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    chunk.push(line(i));
    if (chunk.length === 20_000) {
      fs.writeSync(fd, `${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) fs.writeSync(fd, `${chunk.join('\n')}\n`);
  fs.closeSync(fd);
  fs.renameSync(`${file}.partial`, file);
}

/** Generates `file` with `write` unless it is already cached, printing the time and size. */
export function cached(file: string, write: (file: string) => void): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (fs.existsSync(file)) return file;
  const started = Date.now();
  process.stdout.write(`generating ${path.relative(ROOT, file)} ... `);
  write(file);
  process.stdout.write(`${((Date.now() - started) / 1000).toFixed(1)} s, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB\n`);
  return file;
}

export interface Measured {
  readonly tool: string;
  /** Wall clock; the median when the command ran several times (`runs`). */
  readonly seconds: number;
  /** Every run's wall clock, in order (one entry for a single run). */
  readonly runs?: readonly number[];
  readonly peakMb: number | null;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion, timing its wall clock and (with /usr/bin/time) its peak RSS. */
export function measure(tool: string, command: string, args: string[]): Measured {
  const timed = fs.existsSync(TIME);
  const started = process.hrtime.bigint();
  const result = spawnSync(timed ? TIME : command, timed ? ['-v', command, ...args] : args, {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(result.stderr ?? '');
  const stderr = (result.stderr ?? '').split(/\n\s*Command being timed:/)[0].trim();
  return { tool, seconds, peakMb: rss ? Number(rss[1]) / 1024 : null, status: result.status, stdout: result.stdout ?? '', stderr };
}

/**
 * Runs several commands `runs` times each, interleaved (a, b, a, b, ...) so that a slow spell of
 * the machine hits every tool alike, and reports each one's median wall clock and largest peak
 * memory. `check` sees every run's result (throw to stop on a failure).
 */
export function measureInterleaved(
  commands: readonly { readonly tool: string; readonly command: string; readonly args: string[]; readonly check?: (m: Measured) => void }[],
  runs: number,
): Measured[] {
  const all: Measured[][] = commands.map(() => []);
  for (let r = 0; r < runs; r++) {
    commands.forEach((c, i) => {
      const m = measure(c.tool, c.command, c.args);
      c.check?.(m);
      all[i].push(m);
      // Each run as it ends (stderr), so a long bench that is stopped early still leaves its figures.
      process.stderr.write(`  run ${r + 1}/${runs} ${c.tool}: ${m.seconds.toFixed(2)} s, peak ${m.peakMb === null ? '?' : m.peakMb.toFixed(0)} MB\n`);
    });
  }
  return all.map((ms) => {
    const seconds = ms.map((m) => m.seconds);
    const sorted = [...seconds].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    const peaks = ms.map((m) => m.peakMb).filter((p): p is number => p !== null);
    return { ...ms[ms.length - 1], seconds: median, runs: seconds, peakMb: peaks.length ? Math.max(...peaks) : null };
  });
}

/** A `check` for measureInterleaved: throws, naming `who`, when a run exits with a status not in `ok`. */
export function exitsWith(who: string, ok: readonly number[]): (m: Measured) => void {
  return (m) => {
    if (m.status === null || !ok.includes(m.status)) throw new Error(`${who} failed (exit ${m.status}): ${m.stderr}`);
  };
}

/**
 * Prints the timing table, then the peer's agreement (under `heading`) or how to install the peer
 * when no python with pandas was found.
 */
export function printResults(results: readonly Measured[], agreement: { readonly heading: string; readonly lines: () => string[] } | null): void {
  console.log(`\n${timingTable(results)}`);
  if (!canMeasureMemory()) console.log('(no /usr/bin/time: peak memory not measured)');
  if (agreement) {
    console.log(`\n${agreement.heading}`);
    console.log(agreement.lines().join('\n'));
  } else {
    console.log('\nNo python with pandas found (tried python3, /usr/bin/python3). To run the peer:');
    console.log('  sudo apt-get install -y python3-pandas python3-scipy');
  }
}

/** True when peak memory can be measured here. */
export const canMeasureMemory = (): boolean => fs.existsSync(TIME);

/** The first python that can import pandas and scipy (pyenv's python3 usually cannot; Debian's can). */
export function findPython(): string | null {
  // Last: the project's .venv-peers (pandas 2.3.3, scipy 1.17.1 from test/support/requirements-peers.txt).
  for (const candidate of ['python3', '/usr/bin/python3', path.join(ROOT, '.venv-peers/bin/python3')]) {
    const probe = spawnSync(candidate, ['-c', 'import pandas, scipy'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return null;
}

/** Wall seconds, peak MB and each tool's time relative to the first row's. */
export function timingTable(rows: readonly Measured[]): string {
  const base = rows[0].seconds;
  const several = rows.some((r) => (r.runs?.length ?? 1) > 1);
  const runs = (r: Measured) => (r.runs ?? [r.seconds]).map((x) => x.toFixed(2)).join(' ');
  const cells = [
    ['tool', several ? 'median wall s' : 'wall s', 'peak MB', 'driftwatch speed-up', ...(several ? ['runs (s)'] : [])],
    ...rows.map((r) => [
      r.tool,
      r.seconds.toFixed(2),
      r.peakMb === null ? '-' : r.peakMb.toFixed(0),
      `${(r.seconds / base).toFixed(1)}x`,
      ...(several ? [runs(r)] : []),
    ]),
  ];
  const widths = cells[0].map((_, c) => Math.max(...cells.map((row) => row[c].length)));
  return cells.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')).join('\n');
}

/** Parses `--runs N` (default 1): how many times each tool runs; the table shows the median. */
export function runsFlag(args: readonly string[]): number {
  const at = args.indexOf('--runs');
  const runs = at >= 0 ? Number(args[at + 1]) : 1;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be an integer >= 1, got ${args[at + 1]}`);
  return runs;
}

/** Parses `--rows N` (default `fallback`), requiring an integer of at least `min`. */
export function rowsFlag(args: readonly string[], fallback: number, min = 10): number {
  const at = args.indexOf('--rows');
  const rows = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isInteger(rows) || rows < min) throw new Error(`--rows must be an integer >= ${min}, got ${args[at + 1]}`);
  return rows;
}

/**
 * Compiles the CLI from the current sources into .bench/cli and returns its entry: the benches time
 * the compiled CLI, as the package ships it (bin/driftwatch.js would run the sources through tsx
 * whenever one is newer than dist/, and tsx transpiling at start-up would be timed with it).
 */
export function compileCli(): string {
  const out = path.join(BENCH_DIR, 'cli');
  const started = Date.now();
  process.stdout.write(`compiling the CLI into ${path.relative(ROOT, out)}/ ... `);
  fs.rmSync(out, { recursive: true, force: true });
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build-cli.json'), '--outDir', out], { cwd: ROOT, encoding: 'utf8' });
  const entry = path.join(out, 'bin/driftwatch.js');
  // tsc emits despite type errors; only a missing entry stops the bench (the errors are shown).
  if (!fs.existsSync(entry)) throw new Error(`compiling the CLI failed (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  process.stdout.write(`${((Date.now() - started) / 1000).toFixed(1)} s${result.status === 0 ? '' : ` (tsc reported type errors, timing what it emitted:\n${result.stdout})`}\n`);
  return entry;
}
