/** `driftwatch compare`: read two files, compare every shared column, render, exit 0/1/2. */
import * as fs from 'fs';
import * as path from 'path';
import { compareDatasets } from '../../core/compare';
import { driftTestProblem } from '../../core/schema/drift-test';
import { resolveRowSlice, sliceRows } from '../../core/dataset';
import { dict } from '../../core/own';
import type { Dataset, FeatureKind, FeatureSpec } from '../../core/types';
import { InputError, quoteValue } from '../../adapters/local/errors';
import { fewInvalid, readingNotice, type ColumnReading } from '../../adapters/local/inference';
import { readDataset } from '../../adapters/local/read-dataset';
import { readDatasetInWorker, sortAhead, worthWorkers } from '../../adapters/local/read-in-worker';
import { renderHtml, renderJson, renderText, summaryLine } from '../../report';
import { terminalSafe } from '../../report/format';
import { checkOutput, CompareArgs, parseCompareArgs } from '../args';
import { matchColumns, selectColumns } from '../columns';
import { loadFeatureConfig } from '../config';
import { COMPARE_HELP } from '../help';
import { CliIo, EXIT_CRITICAL, EXIT_ERROR, EXIT_OK } from '../io';

/** Runs the command; returns the exit code (usage and input errors are thrown, see cli/index.ts). */
export async function compareCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCompareArgs(argv);
  if (args.help) {
    io.stdout.write(COMPARE_HELP);
    return EXIT_OK;
  }
  const cwd = io.cwd ?? process.cwd();
  const resolve = (file: string) => path.resolve(cwd, file);
  checkOutput('--out', args.out, [{ option: '--reference', file: args.reference }, { option: '--current', file: args.current }, { option: '--config', file: args.config }], resolve);
  const features: Record<string, FeatureSpec> = args.config ? loadFeatureConfig(resolve(args.config), args.config) : {};
  const { reference, current, warnings, notices } = await readBoth(args, features, resolve);
  for (const warning of warnings) io.stderr.write(`driftwatch: warning: ${terminalSafe(warning)}\n`);
  for (const notice of notices) io.stderr.write(`driftwatch: notice: ${terminalSafe(notice)}\n`);
  if (args.config) checkPinnedTests(args.config, features, reference);

  const report = compareDatasets(reference, current, { features, minRows: args.minRows });
  const output =
    args.format === 'json'
      ? renderJson(report)
      : args.format === 'html'
        ? renderHtml(report, { reference, current, referenceName: args.reference, currentName: args.current })
        : renderText(report, { referenceName: args.reference, currentName: args.current });
  if (args.out) {
    try {
      fs.writeFileSync(resolve(args.out), output);
    } catch (error) {
      throw new InputError(`${args.out}: cannot write the report (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
        file: args.out,
      });
    }
    io.stdout.write(terminalSafe(`Wrote the ${args.format} report to ${args.out}. ${summaryLine(report)}`) + '\n');
  } else {
    io.stdout.write(output);
  }
  // Too few rows is not a pass: a CI gate on a nearly empty file must not go green.
  if (report.sample) {
    io.stderr.write(`driftwatch compare: error: ${report.sample.reason} (--min-rows ${args.minRows}; see --help)\n`);
    return EXIT_ERROR;
  }
  return report.summary.status === 'critical' || report.features.some((f) => f.status === 'critical') ? EXIT_CRITICAL : EXIT_OK;
}

/** A dataset with what the reader found in each column, and in the file as a whole. */
interface Read {
  readonly dataset: Dataset;
  readonly readings: Map<string, ColumnReading>;
  readonly notices: readonly string[];
}

/**
 * Reads both files with the configured kinds and keeps the shared columns. A column numeric in one
 * file and not in the other is numeric in both when the other file's values are numbers (a Parquet
 * text column of numbers: read again as numeric), otherwise categorical in both (the numeric side
 * read again as text); either way a notice says so, as it does for a column whose kind was inferred
 * from mixed values and for Parquet columns typed differently in the two files.
 */
async function readBoth(
  args: CompareArgs,
  features: Record<string, FeatureSpec>,
  resolve: (file: string) => string,
): Promise<{ reference: Dataset; current: Dataset; warnings: string[]; notices: string[] }> {
  const kinds = dict<FeatureKind>();
  for (const [name, spec] of Object.entries(features)) if (spec.kind) kinds[name] = spec.kind;
  // Excluded columns are not read at all (a nested Parquet column may not convert): the ones found.
  const skipped = new Set<string>();
  const read = fileReader(args, kinds, resolve, skipped);
  let [ref, cur] = worthWorkers([resolve(args.reference), resolve(args.current)])
    ? await readAtOnce(() => read(args.current, {}, true), () => read(args.reference).then((r) => ({ ...r, dataset: sortAhead(r.dataset) })))
    : [await read(args.reference), await read(args.current)];
  const fileNotices = [...ref.notices, ...cur.notices];
  for (const [dataset, file] of [
    [ref.dataset, args.reference],
    [cur.dataset, args.current],
  ] as const) {
    if (dataset.rowCount === 0) throw new InputError(`${file}: the file has a header but no data rows`, { file });
  }
  const { common, warnings } = sharedColumns(args, features, ref.dataset, cur.dataset, fileNotices, skipped);
  const mixed = reconcileKinds(common, ref.readings, cur.readings, args.reference, args.current);
  if (Object.keys(mixed.reference).length > 0) fileNotices.push(...(ref = await read(args.reference, mixed.reference)).notices);
  if (Object.keys(mixed.current).length > 0) fileNotices.push(...(cur = await read(args.current, mixed.current)).notices);
  const notices = [
    ...new Set(fileNotices),
    ...mixed.notices,
    ...common.flatMap((name) => [ref.readings.get(name), cur.readings.get(name)].map((r) => (r ? readingNotice(r) : null)).filter((n): n is string => n !== null)),
  ];
  return {
    reference: sliceOf(selectColumns(ref.dataset, common), args.referenceRows, 'reference-rows', args.reference),
    current: sliceOf(selectColumns(cur.dataset, common), args.currentRows, 'current-rows', args.current),
    warnings,
    notices,
  };
}

/** Reads one file with the configured kinds (and `extra` ones), naming it in messages as the user typed it. */
function fileReader(args: CompareArgs, kinds: Record<string, FeatureKind>, resolve: (file: string) => string, skipped: Set<string>) {
  return async (file: string, extra: Record<string, FeatureKind> = {}, inWorker = false): Promise<Read> => {
    const readings = new Map<string, ColumnReading>();
    const notices: string[] = [];
    const dataset = await (inWorker ? readDatasetInWorker : readDataset)(resolve(file), {
      delimiter: args.delimiter,
      kinds: Object.assign(dict<FeatureKind>(), kinds, extra),
      missingValues: args.missingValues,
      skip: args.exclude,
      onSkip: (name) => skipped.add(name),
      onNotice: (message) => notices.push(message.split(resolve(file)).join(file)),
      // Name the file as the user typed it, not as resolved.
      onColumn: (r) => readings.set(r.name, { ...r, file }),
    }).catch((error: unknown) => {
      if (error instanceof InputError) throw new InputError(error.message.split(resolve(file)).join(file), error.details);
      throw error;
    });
    return { dataset, readings, notices };
  };
}

/**
 * The columns both files have, less the excluded ones, with the warnings on the rest.
 * @throws InputError for an excluded column that is also configured, or files that share no column
 *   (with the files' notices: a wrong delimiter is the usual reason)
 */
function sharedColumns(args: CompareArgs, features: Record<string, FeatureSpec>, reference: Dataset, current: Dataset, fileNotices: readonly string[], skipped: ReadonlySet<string>): { common: string[]; warnings: string[] } {
  const excluded = new Set(args.exclude);
  for (const name of excluded) {
    if (Object.hasOwn(features, name)) throw new InputError(`column ${JSON.stringify(name)} is both excluded (--exclude) and configured in ${args.config}`, { file: args.config, column: name });
  }
  const names = (dataset: Dataset) => dataset.columns.map((c) => c.name).filter((name) => !excluded.has(name));
  let matched;
  try {
    matched = matchColumns(
      { file: args.reference, names: names(reference) },
      { file: args.current, names: names(current) },
      { file: args.config, names: Object.keys(features) },
    );
  } catch (error) {
    if (error instanceof InputError && fileNotices.length > 0) throw new InputError(`${error.message}; ${[...new Set(fileNotices)].join('; ')}`, error.details);
    throw error;
  }
  const { common, warnings } = matched;
  for (const name of excluded) {
    if (!skipped.has(name)) warnings.push(`--exclude names column ${JSON.stringify(name)}, which neither file has`);
  }
  return { common, warnings };
}

/** The rows --reference-rows / --current-rows select (all without the option). */
function sliceOf(dataset: Dataset, rows: string | undefined, flag: string, file: string): Dataset {
  if (rows === undefined) return dataset;
  let range;
  try {
    range = resolveRowSlice(rows, dataset.rowCount);
  } catch (error) {
    throw new InputError(`--${flag}: ${(error as Error).message} in ${file}`, { file });
  }
  return sliceRows(dataset, range);
}

/**
 * Reads the two files at once: the current one in a worker thread, started first, while this thread
 * reads the reference. Both are awaited, and the reference's error, if any, is the one thrown, as
 * when the files are read one after the other.
 */
async function readAtOnce(current: () => Promise<Read>, reference: () => Promise<Read>): Promise<[Read, Read]> {
  const started = current();
  const [ref, cur] = await Promise.allSettled([reference(), started]);
  if (ref.status === 'rejected') throw ref.reason;
  if (cur.status === 'rejected') throw cur.reason;
  return [ref.value, cur.value];
}

/** A column numeric when at most 1% of its values are not numbers (the readers' rule). */
const numericEnough = (r: ColumnReading) => r.nonMissing > 0 && fewInvalid(r.nonMissing - r.numbers, r.nonMissing);

/**
 * The kinds to read again so each shared column has one kind in both files, with a notice for each
 * column whose kinds or Parquet types differ.
 */
export function reconcileKinds(
  names: readonly string[],
  reference: ReadonlyMap<string, ColumnReading>,
  current: ReadonlyMap<string, ColumnReading>,
  referenceFile: string,
  currentFile: string,
): { reference: Record<string, FeatureKind>; current: Record<string, FeatureKind>; notices: string[] } {
  const out = { reference: dict<FeatureKind>(), current: dict<FeatureKind>(), notices: [] as string[] };
  const as = (r: ColumnReading) => (r.type ? `${r.kind} (${r.type})` : r.kind);
  for (const name of names) {
    const r = reference.get(name);
    const c = current.get(name);
    if (!r || !c) continue;
    const column = `column ${quoteValue(name)}`;
    if (r.kind === c.kind) {
      if (r.type && c.type && r.type !== c.type) {
        out.notices.push(`${column} is ${r.type} in ${referenceFile} but ${c.type} in ${currentFile}; compared as ${r.kind}`);
      }
      continue;
    }
    const [numeric, text, textSide] = r.kind === 'numeric' ? [r, c, 'current' as const] : [c, r, 'reference' as const];
    const both = `${column} is ${as(r)} in ${referenceFile} but ${as(c)} in ${currentFile}`;
    if (!text.forced && numericEnough(text)) {
      out[textSide][name] = 'numeric';
      out.notices.push(`${both}; its values in ${text.file} are numbers, so it is compared as numeric`);
    } else {
      out[textSide === 'current' ? 'reference' : 'current'][name] = 'categorical';
      out.notices.push(`${both}; compared as categorical in both (each distinct ${numeric.file} number a category)`);
    }
  }
  return out;
}

/** A pinned test must fit the column's kind as read (configured or inferred): say so before comparing. */
function checkPinnedTests(configFile: string, features: Record<string, FeatureSpec>, reference: Dataset): void {
  const kinds = new Map(reference.columns.map((c) => [c.name, c.kind]));
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(features)) {
    const kind = kinds.get(name);
    const problem = spec.test === undefined || kind === undefined ? null : driftTestProblem(spec.test, kind);
    if (problem) {
      const why = spec.kind === undefined ? ` (inferred from the data; set "kind" to override)` : '';
      problems.push(`  ${configFile}: features.${name}.test: ${problem}${why}`);
    }
  }
  if (problems.length > 0) {
    throw new InputError(`${configFile} does not fit the data:\n${problems.join('\n')}`, { file: configFile });
  }
}
