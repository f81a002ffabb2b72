/** `driftwatch compare`: read two files, compare every shared column, render, exit 0/1/2. */
import * as fs from 'fs';
import * as path from 'path';
import { compareDatasets } from '../../core/compare';
import { driftTestProblem } from '../../core/schema/drift-test';
import { resolveRowSlice, sliceRows } from '../../core/dataset';
import type { Dataset, FeatureKind, FeatureSpec } from '../../core/types';
import { InputError } from '../../adapters/local/errors';
import { readDataset } from '../../adapters/local/read-dataset';
import { renderHtml, renderJson, renderText, summaryLine } from '../../report';
import { CompareArgs, parseCompareArgs } from '../args';
import { matchColumns, mixedKinds, selectColumns } from '../columns';
import { loadFeatureConfig } from '../config';
import { COMPARE_HELP } from '../help';
import { CliIo, EXIT_CRITICAL, EXIT_OK } from '../io';

/** Runs the command; returns the exit code (usage and input errors are thrown, see cli/index.ts). */
export async function compareCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseCompareArgs(argv);
  if (args.help) {
    io.stdout.write(COMPARE_HELP);
    return EXIT_OK;
  }
  const cwd = io.cwd ?? process.cwd();
  const resolve = (file: string) => path.resolve(cwd, file);
  const features: Record<string, FeatureSpec> = args.config ? loadFeatureConfig(resolve(args.config)) : {};
  const { reference, current, warnings } = await readBoth(args, features, resolve);
  for (const warning of warnings) io.stderr.write(`driftwatch: warning: ${warning}\n`);
  if (args.config) checkPinnedTests(args.config, features, reference);

  const report = compareDatasets(reference, current, { features });
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
    io.stdout.write(`Wrote the ${args.format} report to ${args.out}. ${summaryLine(report)}\n`);
  } else {
    io.stdout.write(output);
  }
  return report.summary.status === 'critical' || report.features.some((f) => f.status === 'critical') ? EXIT_CRITICAL : EXIT_OK;
}

/**
 * Reads both files with the configured kinds, keeps the shared columns, and makes a column that is
 * numeric in one file and categorical in the other categorical in both (re-reading that file).
 */
async function readBoth(
  args: CompareArgs,
  features: Record<string, FeatureSpec>,
  resolve: (file: string) => string,
): Promise<{ reference: Dataset; current: Dataset; warnings: string[] }> {
  const kinds: Record<string, FeatureKind> = {};
  for (const [name, spec] of Object.entries(features)) if (spec.kind) kinds[name] = spec.kind;
  const read = (file: string, extra: Record<string, FeatureKind> = {}) =>
    readDataset(resolve(file), { delimiter: args.delimiter, kinds: { ...kinds, ...extra } }).catch((error: unknown) => {
      // Name the file as the user typed it, not as resolved.
      if (error instanceof InputError) throw new InputError(error.message.split(resolve(file)).join(file), error.details);
      throw error;
    });
  let reference = await read(args.reference);
  let current = await read(args.current);
  for (const [dataset, file] of [
    [reference, args.reference],
    [current, args.current],
  ] as const) {
    if (dataset.rowCount === 0) throw new InputError(`${file}: the file has a header but no data rows`, { file });
  }
  const excluded = new Set(args.exclude);
  for (const name of excluded) {
    if (features[name]) throw new InputError(`column ${JSON.stringify(name)} is both excluded (--exclude) and configured in ${args.config}`, { file: args.config, column: name });
  }
  const names = (dataset: Dataset) => dataset.columns.map((c) => c.name).filter((name) => !excluded.has(name));
  const { common, warnings } = matchColumns(
    { file: args.reference, names: names(reference) },
    { file: args.current, names: names(current) },
    { file: args.config, names: Object.keys(features) },
  );
  for (const name of excluded) {
    if (!reference.columns.some((c) => c.name === name) && !current.columns.some((c) => c.name === name)) {
      warnings.push(`--exclude names column ${JSON.stringify(name)}, which neither file has`);
    }
  }
  const mixed = mixedKinds(reference, current, common);
  const asCategorical = (names: string[]) => Object.fromEntries(names.map((n) => [n, 'categorical' as const]));
  if (mixed.reference.length > 0) reference = await read(args.reference, asCategorical(mixed.reference));
  if (mixed.current.length > 0) current = await read(args.current, asCategorical(mixed.current));
  const slice = (dataset: Dataset, rows: string | undefined, flag: string, file: string) => {
    if (rows === undefined) return dataset;
    let range;
    try {
      range = resolveRowSlice(rows, dataset.rowCount);
    } catch (error) {
      throw new InputError(`--${flag}: ${(error as Error).message} in ${file}`, { file });
    }
    return sliceRows(dataset, range);
  };
  return {
    reference: slice(selectColumns(reference, common), args.referenceRows, 'reference-rows', args.reference),
    current: slice(selectColumns(current, common), args.currentRows, 'current-rows', args.current),
    warnings,
  };
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
