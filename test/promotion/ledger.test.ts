/**
 * The promotion ledger's two adapters through one contract: DynamoDbLedger with the real SDK v3
 * client against moto_server (a table created with the key schema the construct declares), and
 * FileLedger over a temporary directory. Then what only DynamoDB has: the guard item, Query pages,
 * the item size limit and a missing table.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbLedger } from '../../lambda/promotion/adapters/dynamodb-ledger';
import { FileLedger } from '../../lambda/promotion/adapters/file-ledger';
import { LedgerUnavailable } from '../../lambda/promotion/ledger-rules';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';
import { freshModel, ledgerContract, ledgerEntry } from './ledger-contract';
import { createLedgerTable } from './ledger-table-fixture';

jest.setTimeout(60_000);

const TABLE = 'dw-test-promotion-ledger';
let moto: MotoServer;
let ddb: DynamoDBClient;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-ledger-'));

beforeAll(async () => {
  moto = await startMoto();
  ddb = new DynamoDBClient(motoClientConfig(moto.endpoint));
  await createLedgerTable(ddb, TABLE);
});

afterAll(async () => {
  ddb?.destroy();
  await moto?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

ledgerContract('DynamoDbLedger against moto_server: the PromotionLedger contract', () => new DynamoDbLedger(ddb, { tableName: TABLE }));
ledgerContract('FileLedger over a directory: the PromotionLedger contract', () => new FileLedger(tmp));

describe('DynamoDbLedger against moto_server', () => {
  it('keeps the entry under at#<time>#<id> and a guard under id#<id>, so the id alone decides', async () => {
    const model = freshModel('fraud');
    await new DynamoDbLedger(ddb, { tableName: TABLE }).append(ledgerEntry(model, { id: 'eb-7', at: '2026-11-25T12:20:00Z' }));
    const items = (await ddb.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'modelId = :m', ExpressionAttributeValues: { ':m': { S: model } } }))).Items ?? [];
    expect(items.map((i) => i.sk.S)).toEqual(['at#2026-11-25T12:20:00.000Z#eb-7', 'id#eb-7']);
    expect(items[0].kind).toEqual({ S: 'trigger' });
  });

  it('reads every Query page, newest pages first when only the newest are asked for', async () => {
    const model = freshModel('fraud');
    const ledger = new DynamoDbLedger(ddb, { tableName: TABLE, pageSize: 2 });
    for (let i = 0; i < 7; i++) await ledger.append(ledgerEntry(model, { id: `e${i}`, at: `2026-11-0${i + 1}T00:00:00Z`, kind: i % 2 ? 'gates' : 'trigger' }));
    expect((await ledger.history(model)).map((e) => e.id)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
    expect((await ledger.history(model, { kinds: ['gates'], limit: 2 })).map((e) => e.id)).toEqual(['e3', 'e5']);
    expect((await ledger.history(model, { limit: 3 })).map((e) => e.id)).toEqual(['e4', 'e5', 'e6']);
  });

  it('refuses an entry over the 400 KB item limit before sending it, naming the entry', async () => {
    const model = freshModel('fraud');
    const big = ledgerEntry(model, { id: 'gates:huge', at: '2026-11-25T12:00:00Z', details: { report: 'x'.repeat(500_000) } });
    await expect(new DynamoDbLedger(ddb, { tableName: TABLE }).append(big)).rejects.toThrow(/^ledger entry "gates:huge" of model fraud_\d+_\d+ is 5\d{5} bytes; a DynamoDB item holds at most 400 KB/);
    expect(await ddb.send(new GetItemCommand({ TableName: TABLE, Key: { modelId: { S: model }, sk: { S: 'id#gates:huge' } } }))).not.toHaveProperty('Item');
  });

  it('names the table and what to do when it does not exist', async () => {
    const ledger = new DynamoDbLedger(ddb, { tableName: 'dw-nowhere-promotion-ledger' });
    const error = await ledger.history('fraud').catch((e: Error) => e);
    expect(error).toBeInstanceOf(LedgerUnavailable);
    expect((error as Error).message).toBe(
      "the ledger table dw-nowhere-promotion-ledger (history model fraud): ResourceNotFoundException: no such table in this account and region: deploy the environment's data stack, or name the table (--ledger-table) and region (AWS_REGION)",
    );
    await expect(ledger.append(ledgerEntry('fraud', { id: 'x', at: '2026-11-25T12:00:00Z' }))).rejects.toThrow(/^the ledger table dw-nowhere-promotion-ledger \(append entry "x" of model fraud\): ResourceNotFoundException/);
  });
});

describe('FileLedger', () => {
  it('keeps one JSON line per entry in <dir>/<model>.jsonl and names the file and line of a damaged one', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'damaged-'));
    const ledger = new FileLedger(dir);
    await ledger.append(ledgerEntry('fraud_detector', { id: 'a', at: '2026-11-25T12:00:00Z' }));
    const file = path.join(dir, 'fraud_detector.jsonl');
    expect(fs.readFileSync(file, 'utf8').split('\n')).toHaveLength(2);
    fs.appendFileSync(file, '{"id": "b", "at": \n');
    await expect(ledger.history('fraud_detector')).rejects.toThrow(`the ledger file ${file}, line 2: not JSON`);
  });
});
