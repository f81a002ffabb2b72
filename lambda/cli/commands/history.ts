/**
 * `driftwatch history --env ENV --model ID`: the model's promotion ledger (`lambda/promotion/ledger.ts`),
 * oldest first, as a table a person reads or as JSON lines a script reads. The ledger is the
 * environment's DynamoDB table (named as `PromotionLedgerTable` names it, read on the usual AWS
 * chain) or, with `--ledger-dir`, a local directory of `<model>.jsonl` files (`FileLedger`).
 * The model need not be in today's config: a retired model's history is still history.
 */
import { promotionLedgerTableName } from '../../../lib/promotion/naming';
import { InputError, quoteValue } from '../../adapters/local/errors';
import type { LedgerEntry, LedgerEventKind, PromotionLedger } from '../../promotion/ledger';
import { LEDGER_EVENT_KINDS, LedgerEntryInvalid, LedgerUnavailable, normaliseTime } from '../../promotion/ledger-rules';
import { terminalSafe } from '../../report/format';
import { parseOptions, positiveInteger } from '../args';
import { CliIo, EXIT_OK, UsageError } from '../io';

export const HISTORY_HELP = `Usage: driftwatch history --env ENV --model ID [options]

Prints the promotion ledger of model ID in environment ENV, oldest first: every retraining trigger
decision (started or skipped, and why), pipeline execution, gate result, registration, shadow
comparison, approval, promotion and rollback, with who or what did it, when, why and its metrics.

Options:
  --env ENV            Environment (required): the table is ${promotionLedgerTableName('ENV')}
  --model ID           Model id (required); it need not be in the current config
  --since TIME         Only entries at or after TIME (ISO 8601, e.g. 2026-11-01 or 2026-11-25T12:00:00Z)
  --kind KIND          Only entries of this kind; may be repeated. Kinds: ${LEDGER_EVENT_KINDS.join(', ')}
  --limit N            Only the newest N entries (still printed oldest first)
  --json               One JSON entry per line (the ledger's own format) instead of the table
  --ledger-table NAME  The DynamoDB table (default ${promotionLedgerTableName('<env>')}), read with the usual
                       AWS credentials and region (AWS_PROFILE, AWS_REGION; AWS_ENDPOINT_URL_DYNAMODB)
  --ledger-dir DIR     A local ledger instead: DIR/<model>.jsonl (what tests and the backtest write)
  -h, --help           Show this help

Exit codes: 0 printed (also when there are no entries), 2 usage error or the ledger could not be read.
`;

interface HistoryArgs {
  readonly env: string;
  readonly model: string;
  readonly since?: string;
  readonly kinds: readonly LedgerEventKind[];
  readonly limit?: number;
  readonly json: boolean;
  readonly source: { readonly table: string } | { readonly dir: string };
}

const OPTIONS = {
  env: { type: 'string' },
  model: { type: 'string' },
  since: { type: 'string' },
  kind: { type: 'string', multiple: true },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  'ledger-table': { type: 'string' },
  'ledger-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseHistoryArgs(argv: readonly string[]): HistoryArgs | 'help' {
  const values = parseOptions(argv, OPTIONS);
  if (values.help) return 'help';
  const missing = (['env', 'model'] as const).filter((name) => !values[name]?.trim());
  if (missing.length > 0) throw new UsageError(`missing ${missing.map((m) => `--${m} ${m === 'env' ? 'ENV' : 'ID'}`).join(' and ')}`);
  const env = (values.env as string).trim();
  if (!/^[a-z0-9][a-z0-9-]*$/.test(env)) throw new UsageError(`--env: expected a lower-case environment name (letters, digits, '-'), got ${quoteValue(env)}`);
  let since: string | undefined;
  if (values.since !== undefined) {
    try {
      // A bare date means its midnight UTC.
      since = normaliseTime(/^\d{4}-\d{2}-\d{2}$/.test(values.since) ? `${values.since}T00:00:00Z` : values.since, '--since');
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  }
  const kinds = (values.kind ?? []).map((k) => {
    if (!(LEDGER_EVENT_KINDS as readonly string[]).includes(k)) throw new UsageError(`--kind: expected one of ${LEDGER_EVENT_KINDS.join(', ')}, got ${quoteValue(k)}`);
    return k as LedgerEventKind;
  });
  if (values['ledger-table'] !== undefined && values['ledger-dir'] !== undefined) throw new UsageError('--ledger-table and --ledger-dir: give one ledger, not both');
  const table = values['ledger-table']?.trim();
  if (table !== undefined && !/^[A-Za-z0-9_.-]{3,255}$/.test(table)) throw new UsageError(`--ledger-table: expected a DynamoDB table name (3-255 letters, digits, '_', '-', '.'), got ${quoteValue(table)}`);
  const dir = values['ledger-dir']?.trim();
  if (dir === '') throw new UsageError('--ledger-dir: expected a directory, got ""');
  return {
    env,
    model: (values.model as string).trim(),
    ...(since ? { since } : {}),
    kinds,
    ...(values.limit !== undefined ? { limit: positiveInteger('limit', values.limit) } : {}),
    json: values.json === true,
    source: dir !== undefined ? { dir } : { table: table ?? promotionLedgerTableName(env) },
  };
}

/** A metric value in four significant digits, integers as they are. */
function figure(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/** The entries as aligned columns; the reason last, as it runs long. Every value from the ledger is made terminal-safe. */
export function historyTable(entries: readonly LedgerEntry[]): string {
  const header = ['at', 'kind', 'outcome', 'actor', 'version', 'metrics', 'reason'];
  const rows = entries.map((e) => [
    e.at.replace(/\.000Z$/, 'Z'),
    e.kind,
    e.outcome,
    e.actor.type === 'person' ? `${e.actor.id} (person)` : e.actor.id,
    e.subject?.version ?? '-',
    Object.entries(e.metrics ?? {}).map(([k, v]) => `${k}=${figure(v)}`).join(' ') || '-',
    e.reason,
  ].map((cell) => terminalSafe(String(cell))));
  const widths = header.slice(0, -1).map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < widths.length ? c.padEnd(widths[i]) : c)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** The ledger the arguments name; the AWS SDK is loaded only for the table. */
function openLedger(source: HistoryArgs['source']): { ledger: PromotionLedger; where: string; close(): void } {
  /* eslint-disable @typescript-eslint/no-require-imports */
  if ('dir' in source) {
    const { FileLedger } = require('../../promotion/adapters/file-ledger') as typeof import('../../promotion/adapters/file-ledger');
    return { ledger: new FileLedger(source.dir), where: `the directory ${source.dir}`, close: () => undefined };
  }
  const { DynamoDbLedger, dynamoDbClient } = require('../../promotion/adapters/dynamodb-ledger') as typeof import('../../promotion/adapters/dynamodb-ledger');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const client = dynamoDbClient(process.env);
  return { ledger: new DynamoDbLedger(client, { tableName: source.table }), where: `the table ${source.table}`, close: () => client.destroy() };
}

export async function historyCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseHistoryArgs(argv);
  if (args === 'help') {
    io.stdout.write(HISTORY_HELP);
    return EXIT_OK;
  }
  const { ledger, where, close } = openLedger(args.source);
  let entries: LedgerEntry[];
  try {
    entries = await ledger.history(args.model, { ...(args.since ? { since: args.since } : {}), kinds: args.kinds, ...(args.limit ? { limit: args.limit } : {}) });
  } catch (error) {
    if (error instanceof LedgerUnavailable || error instanceof LedgerEntryInvalid) throw new InputError(error.message);
    throw error;
  } finally {
    close();
  }
  if (args.json) {
    for (const e of entries) io.stdout.write(`${JSON.stringify(e)}\n`);
    return EXIT_OK;
  }
  if (entries.length === 0) {
    io.stdout.write(`No ledger entries for model ${terminalSafe(args.model)} (${args.env}) in ${terminalSafe(where)}${args.since || args.kinds.length ? ' matching the filters' : ''}.\n`);
    return EXIT_OK;
  }
  io.stdout.write(`Promotion ledger of ${terminalSafe(args.model)} (${args.env}), ${terminalSafe(where)}: ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}, oldest first\n\n`);
  io.stdout.write(historyTable(entries));
  return EXIT_OK;
}
