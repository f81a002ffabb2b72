/**
 * The worker-thread side of `readDatasetInWorker` (read-in-worker.ts): reads one file with
 * `readDataset`, sorts its numeric columns, and posts back the dataset (its typed arrays moved, not
 * copied), the sorted copies, and every callback `readDataset` made, in order, for the calling
 * thread to replay. For `parsePartInWorker`, it parses a part of a CSV file instead (csv-halves.ts).
 * A failure is posted as its name, message and details, so an InputError arrives as an InputError
 * with the same words. The types of the exchange are here, so that compiling
 * read-in-worker.ts (which imports them) compiles this file too.
 */
import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { sortedNonMissing } from '../../core/drift/quantile';
import { dict } from '../../core/own';
import type { Dataset, FeatureKind } from '../../core/types';
import { parseCsvParts, type CsvParts } from './csv';
import { InputError } from './errors';
import type { ColumnReading } from './inference';
import { readDataset, type ReadOptions } from './read-dataset';
import { isEpochMs } from './timestamp';

/** What read-worker.ts is given (workerData). */
export interface WorkerRequest {
  readonly path: string;
  readonly kinds: readonly (readonly [string, FeatureKind])[];
  readonly options: Pick<ReadOptions, 'delimiter' | 'timestamps' | 'missingValues' | 'skip'>;
  /** Parse only the file's header and its records from `start` (csv-halves.ts), not the whole file. */
  readonly part?: { readonly headerEnd: number; readonly start: number; readonly fileLineBreaks: number };
}

/** One callback readDataset made in the worker. */
export type ReadEvent =
  | { readonly type: 'column'; readonly reading: ColumnReading }
  | { readonly type: 'notice'; readonly message: string }
  | { readonly type: 'skip'; readonly name: string };

/** What read-worker.ts posts back: the dataset, or the error it threw. */
export type WorkerReply =
  | {
      readonly ok: true;
      readonly dataset: Dataset;
      /** Per column, `sortedNonMissing(values)` for a numeric one, null for a categorical one. */
      readonly sorted: readonly (Float64Array | null)[];
      /** Names of the columns read as timestamps (a mark that does not cross threads). */
      readonly epochMs: readonly string[];
      /** The callbacks readDataset made, in order. */
      readonly events: readonly ReadEvent[];
    }
  | { readonly ok: false; readonly name: string; readonly message: string; readonly stack?: string; readonly details?: InputError['details'] };

/** What read-worker.ts posts back for a `part` request: `parseCsvParts`'s result (timestamp marks as names). */
export type PartReply = { readonly ok: true; readonly parts: CsvParts; readonly epochMs: readonly string[] } | Extract<WorkerReply, { ok: false }>;

/** The header and the records from `start` of a CSV file, parsed as `parseCsvParts` parses a file. */
function parsePart(request: WorkerRequest, kinds: Record<string, FeatureKind>): { reply: PartReply; transfer: ArrayBuffer[] } {
  const { headerEnd, start, fileLineBreaks } = request.part!;
  const fd = fs.openSync(request.path, 'r');
  let bytes: Buffer;
  try {
    const size = fs.fstatSync(fd).size;
    bytes = Buffer.allocUnsafe(headerEnd + Math.max(0, size - start));
    readFully(fd, bytes, 0, headerEnd, 0);
    readFully(fd, bytes, headerEnd, bytes.length - headerEnd, start);
  } finally {
    fs.closeSync(fd);
  }
  const { delimiter, timestamps, missingValues } = request.options;
  const parts = parseCsvParts(bytes, { delimiter, timestamps, missingValues, kinds, fileName: request.path }, fileLineBreaks);
  const epochMs = parts.dataset.columns.filter(isEpochMs).map((c) => c.name);
  return { reply: { ok: true, parts, epochMs }, transfer: transferable(parts.dataset) };
}

function readFully(fd: number, into: Buffer, offset: number, length: number, position: number): void {
  for (let done = 0; done < length; ) {
    const n = fs.readSync(fd, into, offset + done, length - done, position + done);
    if (n === 0) throw new Error(`${position + done}: the file ended before the part the reader was asked for`);
    done += n;
  }
}

/** The columns' buffers, moved to the other thread rather than copied. */
function transferable(dataset: Dataset, extra: readonly (Float64Array | null)[] = []): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const c of dataset.columns) buffers.add((c.kind === 'numeric' ? c.values : c.codes).buffer as ArrayBuffer);
  for (const s of extra) if (s) buffers.add(s.buffer as ArrayBuffer);
  return [...buffers];
}

async function run(request: WorkerRequest): Promise<{ reply: WorkerReply | PartReply; transfer: ArrayBuffer[] }> {
  const events: ReadEvent[] = [];
  // Kinds travel as entries: a prototype-free record does not survive the structured clone as one.
  const kinds = dict<FeatureKind>();
  for (const [name, kind] of request.kinds) kinds[name] = kind;
  try {
    if (request.part) return parsePart(request, kinds);
    const dataset = await readDataset(request.path, {
      ...request.options,
      kinds,
      onColumn: (reading) => events.push({ type: 'column', reading }),
      onNotice: (message) => events.push({ type: 'notice', message }),
      onSkip: (name) => events.push({ type: 'skip', name }),
    });
    const sorted = dataset.columns.map((c) => (c.kind === 'numeric' ? sortedNonMissing(c.values) : null));
    const epochMs = dataset.columns.filter(isEpochMs).map((c) => c.name);
    return { reply: { ok: true, dataset, sorted, epochMs, events }, transfer: transferable(dataset, sorted) };
  } catch (error) {
    const e = error as Error;
    const details = error instanceof InputError ? error.details : undefined;
    return { reply: { ok: false, name: e?.name ?? 'Error', message: e?.message ?? String(error), stack: e?.stack, details }, transfer: [] };
  }
}

const port = parentPort;
// Only as a worker: loaded in a main thread (a type-checker's import, say), the file does nothing.
if (port) void run(workerData as WorkerRequest).then(({ reply, transfer }) => port.postMessage(reply, transfer));
