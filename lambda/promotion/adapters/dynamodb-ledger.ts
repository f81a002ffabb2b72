/**
 * The promotion ledger in DynamoDB, one table per environment (`PromotionLedgerTable`), the low-level
 * client with the items marshalled here (a handful of string attributes).
 *
 * Table design: partition key `modelId`, sort key `sk`; each entry is two items written in one
 * TransactWriteItems, both under `attribute_not_exists(sk)`:
 * ```
 * modelId  sk                                   attributes
 * fraud    at#2026-11-25T12:20:00.000Z#<id>    id, at, kind, entry (the entry as JSON)   ← history reads these
 * fraud    id#<id>                              at                                        ← the idempotency guard
 * ```
 * History is one Query on `sk BETWEEN at#<since> AND at$` (`$` follows `#`), so it is ordered by time
 * then id without a sort in memory. The guard makes an append idempotent by `(modelId, id)` alone: a
 * retried step that appends the same fact with a later `at` finds the guard and writes nothing (a
 * sort key of id with an LSI on `at` would do the same with one item, but an LSI caps the model's
 * partition at 10 GB and cannot be added to a deployed table; two small items cost one more write).
 * The transaction's ClientRequestToken is a hash of the entry, so the SDK's retry of an append whose
 * answer was lost returns success instead of reporting "already there".
 *
 * The entry is one JSON string attribute, so it reads back exactly as written (numbers, nested
 * details); `kind` is its own attribute for the `kinds` filter. Throttling is retried by the SDK;
 * other errors become LedgerUnavailable naming the table, the model and what to check.
 */
import { endpointOverride } from '../../adapters/aws/endpoint';
import { createHash } from 'node:crypto';
import {
  DynamoDBClient,
  QueryCommand,
  TransactWriteItemsCommand,
  type AttributeValue,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { errorName } from '../../adapters/aws/backoff';
import type { AppendResult, HistoryQuery, LedgerEntry, PromotionLedger } from '../ledger';
import { checkHistoryQuery, checkLedgerEntry, LedgerUnavailable, normaliseTime } from '../ledger-rules';

/** The table's keys: the construct declares them and the tests create their table from them. */
export const LEDGER_TABLE_KEYS = {
  partitionKey: { name: 'modelId', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
} as const;

/** DynamoDB's item limit is 400 KB (names and values); the rest of the item is well under 4 KB. */
const MAX_ENTRY_BYTES = 396 * 1024;
/** A transaction that met another on the same item (two writers of one id) is tried again this often. */
const CONFLICT_ATTEMPTS = 3;

export interface DynamoDbLedgerOptions {
  readonly tableName: string;
  /** Items per Query page. @default DynamoDB's (1 MB pages) */
  readonly pageSize?: number;
}

const S = (value: string): AttributeValue => ({ S: value });

/**
 * A DynamoDB client on the default credential chain and region; `AWS_ENDPOINT_URL_DYNAMODB`, then
 * `AWS_ENDPOINT_URL`, override the endpoint (moto_server in tests).
 */
export function dynamoDbClient(env: NodeJS.ProcessEnv = process.env, region?: string): DynamoDBClient {
  return new DynamoDBClient({ ...(region ? { region } : {}), ...endpointOverride(env, 'DYNAMODB') });
}

export class DynamoDbLedger implements PromotionLedger {
  readonly tableName: string;
  private readonly pageSize?: number;

  constructor(
    private readonly client: DynamoDBClient,
    options: DynamoDbLedgerOptions,
  ) {
    this.tableName = options.tableName;
    this.pageSize = options.pageSize;
  }

  async append(entry: LedgerEntry): Promise<AppendResult> {
    checkLedgerEntry(entry);
    const at = normaliseTime(entry.at, 'at');
    const json = JSON.stringify(entry);
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > MAX_ENTRY_BYTES) {
      throw new LedgerUnavailable(`ledger entry ${JSON.stringify(entry.id)} of model ${entry.modelId} is ${bytes} bytes; a DynamoDB item holds at most 400 KB: keep large reports in S3 and put their URI in details`);
    }
    const { partitionKey: pk, sortKey: sk } = LEDGER_TABLE_KEYS;
    const condition = { ConditionExpression: 'attribute_not_exists(#sk)', ExpressionAttributeNames: { '#sk': sk.name } };
    const command = new TransactWriteItemsCommand({
      ClientRequestToken: createHash('sha256').update(`${this.tableName}\n${json}`).digest('hex').slice(0, 36),
      TransactItems: [
        { Put: { TableName: this.tableName, Item: { [pk.name]: S(entry.modelId), [sk.name]: S(`id#${entry.id}`), at: S(at) }, ...condition } },
        { Put: { TableName: this.tableName, Item: { [pk.name]: S(entry.modelId), [sk.name]: S(`at#${at}#${entry.id}`), id: S(entry.id), at: S(at), kind: S(entry.kind), entry: S(json) }, ...condition } },
      ],
    });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(command);
        return { written: true };
      } catch (error) {
        const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
        if (errorName(error) === 'TransactionCanceledException') {
          if (reasons.some((r) => r.Code === 'ConditionalCheckFailed')) return { written: false };
          if (reasons.some((r) => r.Code === 'TransactionConflict') && attempt < CONFLICT_ATTEMPTS) continue;
        }
        // The same token with other content: an append of this very id (a hash collision aside) is under way or done.
        if (errorName(error) === 'IdempotentParameterMismatchException') return { written: false };
        throw this.failure('append', entry.modelId, error, `entry ${JSON.stringify(entry.id)}`);
      }
    }
  }

  async history(modelId: string, query: HistoryQuery = {}): Promise<LedgerEntry[]> {
    const q = checkHistoryQuery(query);
    const newestFirst = q.limit !== undefined;
    const names: Record<string, string> = { '#pk': LEDGER_TABLE_KEYS.partitionKey.name, '#sk': LEDGER_TABLE_KEYS.sortKey.name };
    const values: Record<string, AttributeValue> = { ':pk': S(modelId), ':from': S(`at#${q.since ?? ''}`), ':to': S('at$') };
    let filter: string | undefined;
    if (q.kinds) {
      names['#kind'] = 'kind';
      q.kinds.forEach((k, i) => (values[`:k${i}`] = S(k)));
      filter = `#kind IN (${q.kinds.map((_, i) => `:k${i}`).join(', ')})`;
    }
    const input: QueryCommandInput = {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(filter ? { FilterExpression: filter } : {}),
      ScanIndexForward: !newestFirst,
      ...(this.pageSize ? { Limit: this.pageSize } : {}),
    };
    const out: LedgerEntry[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      let page;
      try {
        page = await this.client.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
      } catch (error) {
        throw this.failure('history', modelId, error);
      }
      for (const item of page.Items ?? []) out.push(this.entryOf(modelId, item));
      start = page.LastEvaluatedKey;
    } while (start && (q.limit === undefined || out.length < q.limit));
    return newestFirst ? out.slice(0, q.limit).reverse() : out;
  }

  /**
   * One entry by id: its `id#` item gives its time, the `at#` item its JSON. Two key lookups through
   * Query (the permission `history` needs already), instead of reading the model's whole history.
   */
  async entry(modelId: string, id: string): Promise<LedgerEntry | undefined> {
    const byId = await this.item(modelId, `id#${id}`);
    const at = byId?.at?.S;
    if (at === undefined) return undefined;
    const item = await this.item(modelId, `at#${at}#${id}`);
    if (!item) throw new LedgerUnavailable(`the ledger table ${this.tableName}: entry ${JSON.stringify(id)} of model ${modelId} has its id item but not its entry (at#${at}#${id}); the table is append-only, so it was changed outside Driftwatch`);
    return this.entryOf(modelId, item);
  }

  private async item(modelId: string, sortKey: string): Promise<Record<string, AttributeValue> | undefined> {
    const { partitionKey: pk, sortKey: sk } = LEDGER_TABLE_KEYS;
    try {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk = :sk',
          ExpressionAttributeNames: { '#pk': pk.name, '#sk': sk.name },
          ExpressionAttributeValues: { ':pk': S(modelId), ':sk': S(sortKey) },
        }),
      );
      return page.Items?.[0];
    } catch (error) {
      throw this.failure('history', modelId, error, `entry ${JSON.stringify(sortKey)}`);
    }
  }

  private entryOf(modelId: string, item: Record<string, AttributeValue>): LedgerEntry {
    const sk = item[LEDGER_TABLE_KEYS.sortKey.name]?.S;
    try {
      return JSON.parse(item.entry?.S ?? '') as LedgerEntry;
    } catch (error) {
      throw new LedgerUnavailable(`the ledger table ${this.tableName}: item (${modelId}, ${sk}) holds no JSON entry (${(error as Error).message}); the table is append-only, so it was written outside Driftwatch`);
    }
  }

  /** The SDK's error in the ledger's words: which table, which model, what to check. */
  private failure(operation: 'append' | 'history', modelId: string, error: unknown, what = ''): LedgerUnavailable {
    const name = errorName(error) ?? 'Error';
    const where = `the ledger table ${this.tableName} (${operation} ${what ? `${what} of ` : ''}model ${modelId})`;
    const hint =
      name === 'ResourceNotFoundException'
        ? 'no such table in this account and region: deploy the environment\'s data stack, or name the table (--ledger-table) and region (AWS_REGION)'
        : name === 'AccessDeniedException' || name === 'UnrecognizedClientException'
          ? `the credentials may not ${operation === 'append' ? 'dynamodb:PutItem' : 'dynamodb:Query'} on it (the construct's grant${operation === 'append' ? 'Append' : 'Read'}), or its KMS key`
          : (error as Error)?.message ?? String(error);
    return new LedgerUnavailable(`${where}: ${name}: ${hint}`, { cause: error });
  }
}
