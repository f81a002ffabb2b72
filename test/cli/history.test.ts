/**
 * `driftwatch history` over both ledgers: the environment's DynamoDB table on moto_server (found by
 * the name PromotionLedgerTable gives it, through AWS_ENDPOINT_URL_DYNAMODB) and a local directory
 * (--ledger-dir), seeded with the same entries, so the two print the same.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { promotionLedgerTableName } from '../../lib/promotion/naming';
import { DynamoDbLedger } from '../../lambda/promotion/adapters/dynamodb-ledger';
import { FileLedger } from '../../lambda/promotion/adapters/file-ledger';
import type { LedgerEntry } from '../../lambda/promotion/ledger';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';
import { ledgerEntry } from '../promotion/ledger-contract';
import { createLedgerTable } from '../promotion/ledger-table-fixture';
import { run, tempDir } from './helpers';

jest.setTimeout(60_000);

const ENV = 'clitest';
const MODEL = 'fraud_detector';
let moto: MotoServer;
let ddb: DynamoDBClient;
const tmp = tempDir('dw-history-');
const savedEnv = { ...process.env };

const ENTRIES: LedgerEntry[] = [
  ledgerEntry(MODEL, {
    id: 'gates:exec-1',
    at: '2026-11-25T14:03:07.000Z',
    kind: 'gates',
    actor: { type: 'system', id: 'gate-step' },
    outcome: 'fail',
    reason: 'recall_score on segment high_risk 0.871 < 0.90 (delta -0.029)',
    subject: { version: '7' },
    metrics: { 'recall_score[high_risk]': 0.87123, auc: 0.9 },
  }),
  ledgerEntry(MODEL, { id: 'eb-1', at: '2026-11-25T12:20:00.000Z', outcome: 'started', metrics: { 'drift:dataset': 0.76 } }),
  ledgerEntry(MODEL, { id: 'eb-2', at: '2026-11-26T12:20:00.000Z', outcome: 'skipped', reason: 'cooldown \u001b[2J until 2026-11-27T12:20:00Z' }),
  ledgerEntry(MODEL, { id: 'approval:7', at: '2026-11-27T09:00:00.000Z', kind: 'approval', actor: { type: 'person', id: 'arn:aws:iam::123456789012:user/ana' }, outcome: 'approved', reason: 'approved in SageMaker Studio', subject: { version: '7' } }),
];

const EXPECTED_TABLE = [
  'at                    kind      outcome   actor                                        version  metrics                                 reason',
  '2026-11-25T12:20:00Z  trigger   started   retrain-trigger                              -        drift:dataset=0.76                      critical dataset drift carrying 76% of the importance (policy: at least 25%)',
  '2026-11-25T14:03:07Z  gates     fail      gate-step                                    7        recall_score[high_risk]=0.8712 auc=0.9  recall_score on segment high_risk 0.871 < 0.90 (delta -0.029)',
  '2026-11-26T12:20:00Z  trigger   skipped   retrain-trigger                              -        -                                       cooldown \\x1b[2J until 2026-11-27T12:20:00Z',
  '2026-11-27T09:00:00Z  approval  approved  arn:aws:iam::123456789012:user/ana (person)  7        -                                       approved in SageMaker Studio',
].join('\n');

beforeAll(async () => {
  moto = await startMoto();
  ddb = new DynamoDBClient(motoClientConfig(moto.endpoint));
  await createLedgerTable(ddb, promotionLedgerTableName(ENV));
  const table = new DynamoDbLedger(ddb, { tableName: promotionLedgerTableName(ENV) });
  const dir = new FileLedger(tmp.dir);
  for (const e of ENTRIES) {
    await table.append(e);
    await dir.append(e);
  }
  Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
});

afterAll(async () => {
  process.env = { ...savedEnv };
  ddb?.destroy();
  await moto?.stop();
  tmp.cleanup();
});

test("prints the env's table oldest first, by the construct's table name, with control characters escaped", async () => {
  const out = await run(['history', '--env', ENV, '--model', MODEL]);
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  expect(out.stdout).toBe(`Promotion ledger of ${MODEL} (${ENV}), the table dw-clitest-promotion-ledger: 4 entries, oldest first\n\n${EXPECTED_TABLE}\n`);
});

test('prints the same table from a local ledger directory', async () => {
  const out = await run(['history', '--env', ENV, '--model', MODEL, '--ledger-dir', tmp.dir]);
  expect(out.code).toBe(0);
  expect(out.stdout).toBe(`Promotion ledger of ${MODEL} (${ENV}), the directory ${tmp.dir}: 4 entries, oldest first\n\n${EXPECTED_TABLE}\n`);
});

test('--json prints the entries as JSON lines; --kind, --since (a date is its midnight UTC) and --limit filter', async () => {
  const json = await run(['history', '--env', ENV, '--model', MODEL, '--json']);
  expect(json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual([ENTRIES[1], ENTRIES[0], ENTRIES[2], ENTRIES[3]]);
  const ids = async (...flags: string[]) => (await run(['history', '--env', ENV, '--model', MODEL, '--json', ...flags])).stdout.trimEnd().split('\n').map((l) => JSON.parse(l).id);
  expect(await ids('--kind', 'trigger')).toEqual(['eb-1', 'eb-2']);
  expect(await ids('--kind', 'gates', '--kind', 'approval')).toEqual(['gates:exec-1', 'approval:7']);
  expect(await ids('--since', '2026-11-26')).toEqual(['eb-2', 'approval:7']);
  expect(await ids('--limit', '1', '--ledger-dir', tmp.dir)).toEqual(['approval:7']);
});

test('a model with no entries says so and exits 0', async () => {
  const out = await run(['history', '--env', ENV, '--model', 'churn', '--kind', 'rollback']);
  expect([out.code, out.stdout]).toEqual([0, 'No ledger entries for model churn (clitest) in the table dw-clitest-promotion-ledger matching the filters.\n']);
});

test.each([
  [['--model', MODEL], 'missing --env ENV'],
  [['--env', ENV, '--model', MODEL, '--since', '25/11/2026'], '--since: expected an ISO 8601 time such as 2026-11-25T12:00:00Z, got "25/11/2026"'],
  [['--env', ENV, '--model', MODEL, '--kind', 'deploy'], '--kind: expected one of trigger, execution, gates, registered, shadow, shadow-comparison, approval, promotion, rollback, got "deploy"'],
  [['--env', ENV, '--model', MODEL, '--limit', '0'], '--limit: expected a positive integer, got "0"'],
  [['--env', ENV, '--model', MODEL, '--ledger-table', 't', '--ledger-dir', '/tmp'], '--ledger-table and --ledger-dir: give one ledger, not both'],
  [['--env', 'Prod!', '--model', MODEL], '--env: expected a lower-case environment name (letters, digits, \'-\'), got "Prod!"'],
])('%j is refused, naming the flag and the value', async (flags, message) => {
  const out = await run(['history', ...flags]);
  expect(out.code).toBe(2);
  expect(out.stderr).toBe(`driftwatch history: ${message}\nRun 'driftwatch history --help' for usage.\n`);
});

test('a table that does not exist is an error naming it and what to do', async () => {
  const out = await run(['history', '--env', 'nowhere', '--model', MODEL]);
  expect(out.code).toBe(2);
  expect(out.stderr).toBe(
    "driftwatch history: error: the ledger table dw-nowhere-promotion-ledger (history model fraud_detector): ResourceNotFoundException: no such table in this account and region: deploy the environment's data stack, or name the table (--ledger-table) and region (AWS_REGION)\n",
  );
});

test('is listed in driftwatch --help and has its own help', async () => {
  expect((await run(['--help'])).stdout).toMatch(/^ {2}history {4}history --env ENV --model ID: /m);
  const help = await run(['history', '--help']);
  expect([help.code, help.stdout.split('\n')[0]]).toEqual([0, 'Usage: driftwatch history --env ENV --model ID [options]']);
});
