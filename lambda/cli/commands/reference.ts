/**
 * `driftwatch reference`: fit a model's reference (profile, drift bands, thresholds) from training
 * data, write it as `driftwatch.reference/v1` JSON and, with `--push`, upload it where the monitor's
 * Lambdas read it. Exit 0 when written (and pushed), 2 on any usage, input or upload error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../../adapters/local/errors';
import { resolveThresholds } from '../../core/severity';
import { thresholdsOf } from '../../monitor/drift-bands';
import type { MonitorFeature } from '../../monitor/model';
import { fitReference, parseReference, serializeReference, type MonitorReference } from '../../monitor/reference';
import { terminalSafe } from '../../report/format';
import { CliIo, EXIT_OK, UsageError } from '../io';
import { parseReferenceArgs } from '../reference/args';
import { readReferenceData, type ReferenceData } from '../reference/data';
import { REFERENCE_HELP } from '../reference/help';
import { loadModelDraft } from '../reference/model';

export { REFERENCE_HELP } from '../reference/help';

/** Writes through a temporary file in the same folder and a rename: a reader never sees half a file. */
export function writeFileAtomically(file: string, text: string, name: string): void {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(temp, text);
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw new InputError(`${name}: cannot write the reference (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file: name });
  }
}

const count = (n: number) => n.toLocaleString('en-US');

const BANDED = [
  ['psiWarning', 'psiCritical', 'PSI'],
  ['minEffectWarning', 'minEffectCritical', 'effect'],
  ['distanceWarning', 'distanceCritical', 'distance'],
] as const;

/** What the band changed for a feature: `name (PSI 0.53/0.75, effect 0.19/0.29)`, warning/critical of each measure it raised. */
function raisedText(reference: MonitorReference, feature: MonitorFeature): string {
  const before = resolveThresholds(feature.id, feature.thresholds);
  const after = thresholdsOf(reference.drift, feature.id);
  const changed = BANDED.filter(([w, c]) => after[w] !== before[w] || after[c] !== before[c]);
  return `${feature.name} (${changed.map(([w, c, label]) => `${label} ${after[w].toFixed(2)}/${after[c].toFixed(2)}`).join(', ')})`;
}

/** One line on the drift bands: the windows, and which features' thresholds they raised, to what. */
export function driftBandsLine(reference: MonitorReference, input: ReferenceData): string {
  const { bands, raised } = reference.drift;
  if (!bands) return 'Drift bands: disabled (driftBands.enabled is false); every feature keeps its thresholds.';
  if (!bands.ok) return `Drift bands (${input.windowing}): none, every feature keeps its thresholds (${bands.reason.replace(/: using the default thresholds$/, '')}).`;
  const head = `Drift bands: ${bands.windows} ${input.windowing}`;
  if (raised.length === 0) return `${head}; no feature varies beyond its thresholds, all keep them.`;
  const features = input.model.features.filter((f) => raised.includes(f.id));
  const listed = features.slice(0, 10).map((f) => raisedText(reference, f));
  const more = features.length > listed.length ? ` and ${features.length - listed.length} more` : '';
  const rest = input.model.features.length - features.length;
  if (rest === 0) return `${head}; thresholds raised (warning/critical) for all ${features.length} features: ${listed.join(', ')}${more}.`;
  return `${head}; thresholds raised (warning/critical) for ${listed.join(', ')}${more}; the other ${rest} keep${rest === 1 ? 's' : ''} theirs.`;
}

function summary(reference: MonitorReference, input: ReferenceData, data: string): string {
  const numeric = input.model.features.filter((f) => f.kind === 'numeric').length;
  const features = input.model.features.length;
  return [
    `Fitted the reference of model ${reference.modelId} on ${count(reference.rows)} rows of ${data}: ` +
      `${features} feature${features === 1 ? '' : 's'} (${numeric} numeric, ${features - numeric} categorical).`,
    driftBandsLine(reference, input),
    `Reference id: ${reference.referenceId}`,
  ].join('\n');
}

/** Runs the command; returns the exit code (usage and input errors are thrown, see cli/index.ts). */
export async function referenceCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const args = parseReferenceArgs(argv, cwd);
  if (args.help) {
    io.stdout.write(REFERENCE_HELP);
    return EXIT_OK;
  }
  const resolve = (file: string) => path.resolve(cwd, file);
  const draft = loadModelDraft(args.source, resolve);
  if (args.push && !draft.named) {
    const file = args.source.kind === 'config' ? args.source.file : draft.configName;
    throw new UsageError(`--push needs the model's id: add "modelId": "<model>" to ${file} (the key is monitor/<model>/reference/profile.json)`);
  }
  const input = await readReferenceData(args, resolve(args.data), draft);
  for (const notice of [...new Set(input.notices)]) io.stderr.write(`driftwatch reference: notice: ${terminalSafe(notice)}\n`);
  const reference = fitReference(input.model, input.data, input.windows, { source: args.data, createdAt: new Date() });
  const json = serializeReference(reference);
  parseReference(json, args.out, input.model); // what the Lambdas will accept, checked before it is written
  const text = `${JSON.stringify(json)}\n`;
  writeFileAtomically(resolve(args.out), text, args.out);
  io.stdout.write(`${summary(reference, input, args.data)}\nWrote ${args.out} (${count(Buffer.byteLength(text))} bytes).\n`);
  if (args.push) {
    // Loaded only to push: the SDK is not needed (nor loaded) by any other command or run.
    // (require, not import(): the CLI runs under tsx's CommonJS hook, which import() bypasses.)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { pushReference } = require('../reference/push') as typeof import('../reference/push');
    const pushed = await pushReference(reference, { bucket: args.bucket, env: draft.env });
    io.stdout.write(`Pushed ${pushed.binsUri} (${count(pushed.binRows)} bin rows) and ${pushed.referenceUri}.\n`);
  }
  return EXIT_OK;
}
