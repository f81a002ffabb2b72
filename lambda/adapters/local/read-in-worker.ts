/**
 * `readDataset` in a worker thread, so that two large files are read at once, one per core: the
 * CSV parser is single-threaded JavaScript, and on a million rows reading and sorting are most of
 * `driftwatch compare`'s time. The worker (read-worker.ts) runs the same `readDataset`, so the
 * dataset, the callbacks and the errors are those of reading in this thread; it also sorts the
 * numeric columns, which it hands over through `rememberSorted`, so their sort is off this thread too.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { rememberSorted, sortedNonMissing } from '../../core/drift/quantile';
import type { Column, Dataset } from '../../core/types';
import { InputError } from './errors';
import type { ReadOptions } from './read-dataset';
import type { CsvParts } from './csv';
import type { PartReply, WorkerReply, WorkerRequest } from './read-worker';
import { markEpochMs } from './timestamp';

/**
 * Below this size a file is read in the calling thread: starting a worker (about 30–50 ms to load
 * the reader's modules) costs more than reading a small file takes.
 */
export const WORKER_MIN_BYTES = 4 * 1024 * 1024;

/**
 * Whether reading `files` at once in worker threads pays: each is a regular file (a pipe is read
 * where it is opened) of at least `minBytes`. A path that cannot be read answers false, so the
 * ordinary reader reports it with its usual message.
 */
export function worthWorkers(files: readonly string[], minBytes = WORKER_MIN_BYTES): boolean {
  return files.every((file) => {
    try {
      const stat = fs.statSync(file);
      return stat.isFile() && stat.size >= minBytes;
    } catch {
      return false;
    }
  });
}

/**
 * Reads `file` as `readDataset(file, options)` does, in a worker thread. The callbacks run in this
 * thread, in the order the reader made them, once the file is read; an InputError is rethrown as one
 * with the same message and details. The worker starts at once, so call this before reading another
 * file in this thread.
 *
 * @example const [reference, current] = await Promise.all([readDataset(a), readDatasetInWorker(b)]);
 */
export function readDatasetInWorker(file: string, options: ReadOptions = {}): Promise<Dataset> {
  const request: WorkerRequest = {
    path: file,
    kinds: Object.entries(options.kinds ?? {}),
    options: { delimiter: options.delimiter, timestamps: options.timestamps, missingValues: options.missingValues, skip: options.skip },
  };
  return ask<WorkerReply>(file, request).then((reply) => adopt(reply, options));
}

/**
 * Parses the header (bytes [0, headerEnd)) and the records from byte `start` of a CSV file in a
 * worker thread, as `parseCsvParts(bytes, options, fileLineBreaks)` would: the second part of
 * `parseCsvInHalves` (csv-halves.ts). The worker reads those bytes from the file itself.
 */
export function parsePartInWorker(file: string, options: ReadOptions, headerEnd: number, start: number, fileLineBreaks: number): Promise<CsvParts> {
  const request: WorkerRequest = {
    path: file,
    kinds: Object.entries(options.kinds ?? {}),
    options: { delimiter: options.delimiter, timestamps: options.timestamps, missingValues: options.missingValues },
    part: { headerEnd, start, fileLineBreaks },
  };
  return ask<PartReply>(file, request).then(({ parts, epochMs }) => {
    const marked = new Set(epochMs);
    const columns = parts.dataset.columns.map((c) => (c.kind === 'numeric' && marked.has(c.name) ? markEpochMs(c) : c));
    return { ...parts, dataset: { rowCount: parts.dataset.rowCount, columns } };
  });
}

/** Starts a worker for `request` and waits for its reply; a failure it reports is thrown here as it was there. */
function ask<Reply extends WorkerReply | PartReply>(file: string, request: WorkerRequest): Promise<Extract<Reply, { ok: true }>> {
  return new Promise<Reply>((resolve, reject) => {
    const worker = startWorker(request);
    worker.once('message', (reply: Reply) => {
      resolve(reply);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the reader's worker thread for ${file} stopped (exit code ${code}) before it answered`)));
  }).then((reply) => {
    if (!reply.ok) {
      if (reply.name === 'InputError') throw new InputError(reply.message, reply.details);
      const error = new Error(reply.message);
      error.name = reply.name;
      if (reply.stack) error.stack = reply.stack;
      throw error;
    }
    return reply as Extract<Reply, { ok: true }>;
  });
}

/** The dataset as this thread's: timestamp marks restored, sorted copies remembered, callbacks replayed. */
function adopt(reply: Extract<WorkerReply, { ok: true }>, options: ReadOptions): Dataset {
  const epochMs = new Set(reply.epochMs);
  const columns = reply.dataset.columns.map((column, i): Column => {
    if (column.kind !== 'numeric') return column;
    const sorted = reply.sorted[i];
    if (sorted) rememberSorted(column.values, sorted);
    return epochMs.has(column.name) ? markEpochMs(column) : column;
  });
  for (const event of reply.events) {
    if (event.type === 'column') options.onColumn?.(event.reading);
    else if (event.type === 'notice') options.onNotice?.(event.message);
    else options.onSkip?.(event.name);
  }
  return { rowCount: reply.dataset.rowCount, columns };
}

/**
 * Sorts the numeric columns of a dataset read in this thread and remembers them (`rememberSorted`),
 * as the worker does for its file: while a worker reads the other file, this thread sorts its own
 * instead of leaving both sorts for after the two are read.
 */
export function sortAhead(dataset: Dataset): Dataset {
  for (const column of dataset.columns) if (column.kind === 'numeric') rememberSorted(column.values, sortedNonMissing(column.values));
  return dataset;
}

/**
 * The worker, from the compiled read-worker.js beside this file; from the TypeScript sources (jest,
 * or the CLI through tsx in a clone whose build is stale) through tsx's loader.
 */
function startWorker(request: WorkerRequest): Worker {
  const extension = path.extname(__filename);
  const entry = path.join(__dirname, `read-worker${extension}`);
  if (extension !== '.ts') return new Worker(entry, { workerData: request });
  const loader = require.resolve('tsx/cjs');
  return new Worker(`require(${JSON.stringify(loader)}); require(${JSON.stringify(entry)});`, { eval: true, workerData: request });
}
