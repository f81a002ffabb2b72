/**
 * What every `PromotionLedger` adapter checks and how every one orders, so DynamoDB and the local
 * file give the same answers: an entry is refused before anything is written when it could not be
 * read back the same (a time that does not parse, a metric JSON cannot hold), and history is ordered
 * by the entry's time, normalised to `toISOString()` (so `2026-11-25T12:00:00Z` and
 * `2026-11-25T12:00:00.000Z` sort as one instant), then by `id`.
 */
import { LEDGER_ENTRY_FORMAT, type HistoryQuery, type LedgerEntry, type LedgerEventKind } from './ledger';

/** Every kind, in the order a model's life goes through them (the CLI's `--kind` list). */
export const LEDGER_EVENT_KINDS = ['trigger', 'execution', 'gates', 'registered', 'shadow', 'shadow-comparison', 'approval', 'promotion', 'rollback'] as const satisfies readonly LedgerEventKind[];
// A kind added to LedgerEventKind but not listed above fails to compile here.
const everyKindListed: Exclude<LedgerEventKind, (typeof LEDGER_EVENT_KINDS)[number]> extends never ? true : never = true;
void everyKindListed;

/** A ledger entry or query that cannot be stored or answered as given. */
export class LedgerEntryInvalid extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerEntryInvalid';
  }
}

/** The ledger's store failed or is not there (the table, the directory); `cause` is the SDK's or the file system's error. */
export class LedgerUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LedgerUnavailable';
  }
}

/** `at` as `toISOString()`. @throws LedgerEntryInvalid naming `field` and the value */
export function normaliseTime(value: string, field: string): string {
  const t = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(t)) throw new LedgerEntryInvalid(`${field}: expected an ISO 8601 time such as 2026-11-25T12:00:00Z, got ${JSON.stringify(value)}`);
  return new Date(t).toISOString();
}

function nonEmpty(value: unknown, field: string, id: string): void {
  if (typeof value !== 'string' || value.trim() === '') throw new LedgerEntryInvalid(`ledger entry ${JSON.stringify(id)}: ${field} must be a non-empty string, got ${JSON.stringify(value)}`);
}

/**
 * Refuses an entry the ledger could not give back as written.
 * @throws LedgerEntryInvalid naming the entry's id, the field and the value
 */
export function checkLedgerEntry(entry: LedgerEntry): void {
  const id = typeof entry?.id === 'string' ? entry.id : String(entry?.id);
  nonEmpty(entry?.id, 'id', id);
  nonEmpty(entry.modelId, 'modelId', id);
  nonEmpty(entry.env, 'env', id);
  nonEmpty(entry.outcome, 'outcome', id);
  if (entry.format !== LEDGER_ENTRY_FORMAT) throw new LedgerEntryInvalid(`ledger entry ${JSON.stringify(id)}: format must be ${LEDGER_ENTRY_FORMAT}, got ${JSON.stringify(entry.format)}`);
  if (!(LEDGER_EVENT_KINDS as readonly string[]).includes(entry.kind)) throw new LedgerEntryInvalid(`ledger entry ${JSON.stringify(id)}: kind must be one of ${LEDGER_EVENT_KINDS.join(', ')}, got ${JSON.stringify(entry.kind)}`);
  normaliseTime(entry.at, `ledger entry ${JSON.stringify(id)}: at`);
  if (entry.actor?.type !== 'system' && entry.actor?.type !== 'person') throw new LedgerEntryInvalid(`ledger entry ${JSON.stringify(id)}: actor.type must be system or person, got ${JSON.stringify(entry.actor?.type)}`);
  nonEmpty(entry.actor.id, 'actor.id', id);
  for (const [name, value] of Object.entries(entry.metrics ?? {})) {
    // JSON writes NaN and Infinity as null: the ledger would give back a different number.
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new LedgerEntryInvalid(`ledger entry ${JSON.stringify(id)}: metrics.${name} must be a finite number, got ${String(value)}`);
  }
}

/** Checks a history query. @throws LedgerEntryInvalid naming `since`, `kinds` or `limit` and the value */
export function checkHistoryQuery(query: HistoryQuery): { since?: string; kinds?: readonly LedgerEventKind[]; limit?: number } {
  const since = query.since === undefined ? undefined : normaliseTime(query.since, 'since');
  for (const kind of query.kinds ?? []) {
    if (!(LEDGER_EVENT_KINDS as readonly string[]).includes(kind)) throw new LedgerEntryInvalid(`kinds: expected some of ${LEDGER_EVENT_KINDS.join(', ')}, got ${JSON.stringify(kind)}`);
  }
  if (query.limit !== undefined && (!Number.isSafeInteger(query.limit) || query.limit <= 0)) throw new LedgerEntryInvalid(`limit: expected a positive integer, got ${query.limit}`);
  return { ...(since ? { since } : {}), ...(query.kinds && query.kinds.length > 0 ? { kinds: query.kinds } : {}), ...(query.limit ? { limit: query.limit } : {}) };
}

/** The key history is ordered by: the normalised time, then the id. */
export function orderKey(entry: Pick<LedgerEntry, 'at' | 'id'>): string {
  return `${normaliseTime(entry.at, 'at')}#${entry.id}`;
}

/**
 * A model's entries (any order, at most one per id) as `history` answers: since, kinds, then the
 * newest `limit`, oldest first.
 */
export function selectHistory(entries: readonly LedgerEntry[], query: HistoryQuery = {}): LedgerEntry[] {
  const q = checkHistoryQuery(query);
  const keyed = entries.map((entry) => ({ entry, key: orderKey(entry) }));
  const kept = keyed
    .filter(({ entry, key }) => (q.since === undefined || key >= q.since) && (q.kinds === undefined || q.kinds.includes(entry.kind)))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return (q.limit === undefined ? kept : kept.slice(-q.limit)).map(({ entry }) => entry);
}
