/**
 * The promotion ledger in a directory, for the CLI (`driftwatch history --ledger-dir DIR`), the
 * backtest and tests: one JSON-lines file per model, `<dir>/<modelId>.jsonl`, one entry a line in
 * the order they were appended.
 *
 * The same semantics as DynamoDB: `append` writes nothing when the model's file already holds the id
 * (appends within one process are serialised per file, so two concurrent appends of one id write
 * once); `history` orders by time then id. Two processes appending the same id at the same instant
 * could both write their line; reading keeps the first line of each id, so history still holds one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppendResult, HistoryQuery, LedgerEntry, PromotionLedger } from '../ledger';
import { checkLedgerEntry, LedgerUnavailable, selectHistory } from '../ledger-rules';

export class FileLedger implements PromotionLedger {
  /** The tail of each file's appends (a per-file lock within this process). */
  private readonly queues = new Map<string, Promise<unknown>>();

  /** @param directory where the `<modelId>.jsonl` files live; created on the first append */
  constructor(readonly directory: string) {}

  /** The file of a model (the id URI-encoded, so no id can leave the directory). */
  fileOf(modelId: string): string {
    return path.join(this.directory, `${encodeURIComponent(modelId)}.jsonl`);
  }

  async append(entry: LedgerEntry): Promise<AppendResult> {
    checkLedgerEntry(entry);
    const file = this.fileOf(entry.modelId);
    const run = (this.queues.get(file) ?? Promise.resolve()).then(() => this.appendNow(file, entry));
    this.queues.set(file, run.catch(() => undefined));
    return run;
  }

  async history(modelId: string, query: HistoryQuery = {}): Promise<LedgerEntry[]> {
    return selectHistory(this.read(this.fileOf(modelId)), query);
  }

  async entry(modelId: string, id: string): Promise<LedgerEntry | undefined> {
    return this.read(this.fileOf(modelId)).find((e) => e.id === id);
  }

  private appendNow(file: string, entry: LedgerEntry): AppendResult {
    if (this.read(file).some((e) => e.id === entry.id)) return { written: false };
    try {
      fs.mkdirSync(this.directory, { recursive: true });
      // One write of one line with O_APPEND: lines of concurrent writers do not interleave.
      fs.appendFileSync(file, `${JSON.stringify(entry)}\n`, { encoding: 'utf8' });
    } catch (error) {
      throw new LedgerUnavailable(`the ledger file ${file}: cannot append entry ${JSON.stringify(entry.id)}: ${(error as Error).message}`, { cause: error });
    }
    return { written: true };
  }

  /** The file's entries, the first line of each id only; none when the file does not exist. @throws LedgerUnavailable naming the file and line */
  private read(file: string): LedgerEntry[] {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new LedgerUnavailable(`the ledger file ${file}: cannot read it: ${(error as Error).message}`, { cause: error });
    }
    const seen = new Set<string>();
    const entries: LedgerEntry[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      let entry: LedgerEntry;
      try {
        entry = JSON.parse(line) as LedgerEntry;
      } catch (error) {
        throw new LedgerUnavailable(`the ledger file ${file}, line ${i + 1}: not JSON (${(error as Error).message}); the file is append-only, so the line was damaged outside Driftwatch`);
      }
      if (typeof entry?.id !== 'string' || typeof entry.at !== 'string') throw new LedgerUnavailable(`the ledger file ${file}, line ${i + 1}: not a ledger entry (no string id and at)`);
      if (seen.has(entry.id)) return;
      seen.add(entry.id);
      entries.push(entry);
    });
    return entries;
  }
}
