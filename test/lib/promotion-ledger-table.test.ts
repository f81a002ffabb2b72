/**
 * PromotionLedgerTable: the table the adapter expects (the key schema of LEDGER_TABLE_KEYS), an
 * audit table's settings (KMS with rotation, point-in-time recovery, no TTL, retained and protected),
 * least-privilege grants (PutItem only to append), the four cdk-nag packs and cfn-lint.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { LEDGER_TABLE_KEYS } from '../../lambda/promotion/adapters/dynamodb-ledger';
import { PromotionLedgerTable } from '../../lib/promotion/ledger-table';
import { runPacks } from './compliance-report';
import { asArray, iamStatements } from './helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-ledger-table-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function build(props: Partial<ConstructorParameters<typeof PromotionLedgerTable>[2]> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Ledger', { env: { account: '123456789012', region: 'eu-west-1' } });
  const ledger = new PromotionLedgerTable(stack, 'PromotionLedger', { env: 'prod', ...props });
  const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  const auditor = new iam.Role(stack, 'Auditor', { assumedBy: new iam.AccountRootPrincipal() });
  ledger.grantAppend(writer);
  ledger.grantRead(auditor);
  return { app, stack, ledger, writer, auditor, template: Template.fromStack(stack) };
}

const built = build();

test('declares the key schema the adapter writes (modelId, sk), on demand, named for the env', () => {
  built.template.hasResourceProperties('AWS::DynamoDB::Table', {
    TableName: 'dw-prod-promotion-ledger',
    KeySchema: [
      { AttributeName: LEDGER_TABLE_KEYS.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: LEDGER_TABLE_KEYS.sortKey.name, KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: 'modelId', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  });
});

test('an audit table: customer-managed key with rotation, point-in-time recovery, deletion protection, retained, no TTL', () => {
  const [table] = Object.values(built.template.findResources('AWS::DynamoDB::Table'));
  expect(table.DeletionPolicy).toBe('Retain');
  expect(table.UpdateReplacePolicy).toBe('Retain');
  expect(table.Properties.TimeToLiveSpecification).toBeUndefined();
  expect(table.Properties).toMatchObject({
    SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^PromotionLedgerKey/), 'Arn'] } },
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    DeletionProtectionEnabled: true,
  });
  built.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
});

test('appending is PutItem alone (no UpdateItem, no DeleteItem), reading is Query and GetItem, the key only through DynamoDB', () => {
  const statements = iamStatements(built.template);
  const actions = statements.flatMap((s) => asArray(s.Action as string | string[]));
  expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
  expect(actions.some((a) => a.includes('*'))).toBe(false);
  for (const s of statements.filter((x) => asArray(x.Action as string | string[]).some((a) => a.startsWith('kms:')))) {
    expect(s.Condition).toEqual({ StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } });
  }
});

test('imported by name in another stack, its grants name the table there without a cross-stack reference', () => {
  const app = new App();
  const other = new Stack(app, 'Models', { env: { account: '123456789012', region: 'eu-west-1' } });
  const key = kms.Key.fromKeyArn(other, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d');
  const ledger = PromotionLedgerTable.fromTableName(other, 'Ledger', { tableName: 'dw-prod-promotion-ledger', encryptionKey: key });
  ledger.grantAppend(new iam.Role(other, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
  const put = iamStatements(Template.fromStack(other)).find((s) => s.Action === 'dynamodb:PutItem');
  expect(other.resolve(put?.Resource)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:eu-west-1:123456789012:table/dw-prod-promotion-ledger']] });
});

test('a dev table can be destroyed with its stack', () => {
  const { template } = build({ env: 'dev', removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false });
  const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
  expect(table.DeletionPolicy).toBe('Delete');
  expect(table.Properties.DeletionProtectionEnabled).toBe(false);
});

test('a bad table name is refused, naming the prop and the value', () => {
  expect(() => build({ tableName: 'ledger table!' })).toThrow('PromotionLedgerTable: tableName must be 3-255 letters, digits, \'_\', \'-\' or \'.\', got "ledger table!"');
});

test('the four cdk-nag packs find nothing unacknowledged in the table and its key', () => {
  const app = new App();
  new PromotionLedgerTable(new Stack(app, 'Alone', { env: { account: '123456789012', region: 'eu-west-1' } }), 'PromotionLedger', { env: 'prod' });
  expect(runPacks(app).flatMap((r) => r.findings)).toEqual([]);
});

test('cfn-lint reports no errors and no warnings', () => {
  const file = path.join(tmp, 'ledger.template.json');
  fs.writeFileSync(file, JSON.stringify(built.template.toJSON()));
  const run = spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });
  expect(run.error).toBeUndefined();
  expect(run.stdout.trim()).toBe('');
  expect(run.status).toBe(0);
});
