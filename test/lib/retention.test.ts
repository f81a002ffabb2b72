/**
 * Retention rules and grants on a consumer's own bucket, key and role when the consumer's
 * aws-cdk-lib is another copy than ours (a linked checkout, a version npm could not dedupe):
 * `instanceof s3.Bucket` is false there, and the rules used to be dropped without a word.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { ModelRecordSpec } from '../../lambda/core/schema/record-schema';
import { Analytics } from '../../lib/analytics';
import { addPrefixRetention, isOwnedBucket } from '../../lib/common/retention';
import { GroundTruthLog, PredictionLog } from '../../lib/prediction-log';

const model: ModelRecordSpec = { modelId: 'churn', task: 'binary_classification', features: [{ name: 'tenure', kind: 'numeric' }] };

type Cdk = { core: typeof import('aws-cdk-lib'); s3: typeof s3; kms: typeof kms; iam: typeof iam };

const ROOT = path.join(__dirname, '../..');
let copyDir: string | undefined;

/**
 * A second, separate copy of aws-cdk-lib and constructs, as a consumer's app has its own: hard links
 * of ours in another node_modules (under ours, so on the same file system), loaded by path.
 */
function otherCopy(): Cdk {
  const cache = path.join(ROOT, 'node_modules', '.cache');
  fs.mkdirSync(cache, { recursive: true });
  copyDir = fs.mkdtempSync(path.join(cache, 'consumer-cdk-'));
  const modules = path.join(copyDir, 'node_modules');
  fs.mkdirSync(modules);
  for (const pkg of ['aws-cdk-lib', 'constructs']) execFileSync('cp', ['-al', path.join(ROOT, 'node_modules', pkg), modules]);
  const load = (m: string) => require(path.join(modules, m));
  return { core: load('aws-cdk-lib'), s3: load('aws-cdk-lib/aws-s3'), kms: load('aws-cdk-lib/aws-kms'), iam: load('aws-cdk-lib/aws-iam') };
}

afterAll(() => {
  if (copyDir) fs.rmSync(copyDir, { recursive: true, force: true });
});

/** The statements of the IAM policies attached to the role whose logical id starts with `role`. */
function statementsOf(template: Template, role: string): any[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));
  return policies
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(`"${role}`))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

function rulesOf(template: Template): { Id: string; Prefix: string; ExpirationInDays: number }[] {
  const buckets = Object.values(template.findResources('AWS::S3::Bucket'));
  return buckets.flatMap((b) => b.Properties?.LifecycleConfiguration?.Rules ?? []);
}

describe('a bucket from another copy of aws-cdk-lib', () => {
  const other = otherCopy();
  const app = new other.core.App();
  const stack = new other.core.Stack(app, 'Consumer');
  const key = new other.kms.Key(stack, 'TeamKey', { enableKeyRotation: true });
  const bucket = new other.s3.Bucket(stack, 'TeamBucket', { encryptionKey: key, enforceSSL: true });
  const predictions = new PredictionLog(stack as unknown as Stack, 'Predictions', {
    model,
    databaseName: 'team_db',
    existingBucketObj: bucket as unknown as s3.IBucket,
    existingKey: key as unknown as kms.IKey,
    retentionDays: 180,
  });
  const labels = new GroundTruthLog(stack as unknown as Stack, 'Labels', {
    model,
    databaseName: 'team_db',
    existingBucketObj: bucket as unknown as s3.IBucket,
    existingKey: key as unknown as kms.IKey,
  });
  const analytics = new Analytics(stack as unknown as Stack, 'Analytics', {
    databaseName: 'team_db',
    workGroupName: 'team-wg',
    resultsBucket: bucket as unknown as s3.IBucket,
    key: key as unknown as kms.IKey,
  });
  const analyst = new other.iam.Role(stack, 'Analyst', { assumedBy: new other.iam.AccountRootPrincipal() });
  analytics.grantQuery(analyst as unknown as iam.IGrantable, predictions, labels);
  const template = Template.fromJSON(app.synth().getStackByName('Consumer').template);

  it('is really another copy (instanceof fails across the two)', () => {
    expect(bucket instanceof s3.Bucket).toBe(false);
    expect(isOwnedBucket(bucket as unknown as s3.IBucket)).toBe(true);
  });

  it('gets all 5 retention rules: data and errors of both logs, and the query results', () => {
    expect(rulesOf(template).map((r) => [r.Id, r.Prefix, r.ExpirationInDays]).sort()).toEqual(
      [
        ['expire-athena-results', 'athena-results/', 30],
        ['expire-errors-labels_churn', 'errors/labels/churn/', 90],
        ['expire-errors-predictions_churn', 'errors/predictions/churn/', 90],
        ['expire-labels_churn', 'labels/churn/', 400],
        ['expire-predictions_churn', 'predictions/churn/', 180],
      ].sort(),
    );
  });

  it("grants the analyst the workgroup, the two tables, their prefixes and the team's key through S3 and Athena only", () => {
    const statements = statementsOf(template, 'Analyst');
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['athena:StartQueryExecution', 'glue:GetTable', 's3:GetObject', 'kms:Decrypt']));
    const glue = statements.find((s) => [s.Action].flat().includes('glue:GetTable'))!;
    expect(JSON.stringify(glue.Resource)).toContain('table/team_db/predictions_churn');
    expect(JSON.stringify(glue.Resource)).toContain('table/team_db/labels_churn');
    const reads = statements.filter((s) => [s.Action].flat().includes('s3:GetObject')).map((s) => JSON.stringify(s.Resource));
    expect(reads.some((r) => r.includes('/predictions/churn/*'))).toBe(true);
    expect(reads.some((r) => r.includes('/labels/churn/*'))).toBe(true);
    expect(reads.some((r) => r.includes('/athena-results/*'))).toBe(true);
    for (const s of statements.filter((st) => [st.Action].flat().some((a: string) => a.startsWith('kms:')))) {
      expect(s.Condition.StringEquals['kms:ViaService']).toEqual([{ 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] }, { 'Fn::Join': ['', ['athena.', { Ref: 'AWS::Region' }, '.amazonaws.com']] }]);
    }
    for (const s of statements.filter((st) => [st.Action].flat().includes('s3:ListBucket'))) expect(s.Condition.StringLike['s3:prefix']).toBeDefined();
  });
});

describe('addPrefixRetention', () => {
  it('adds nothing to an imported bucket, whose lifecycle belongs to its owner', () => {
    const stack = new Stack(new App(), 'S');
    expect(addPrefixRetention(s3.Bucket.fromBucketName(stack, 'Imported', 'someone-elses-bucket'), 'r', 'p/', 7)).toBe(false);
  });

  it('refuses, naming the bucket, an AWS::S3::Bucket it cannot add rules to', () => {
    const stack = new Stack(new App(), 'S');
    const raw = new s3.CfnBucket(stack, 'Raw');
    const lookalike = { node: { path: 'S/Raw', defaultChild: raw } } as unknown as s3.IBucket;
    expect(() => addPrefixRetention(lookalike, 'expire-x', 'x/', 7)).toThrow(/S\/Raw: cannot add the lifecycle rule expire-x \(expire x\/ after 7 days\)/);
  });
});

describe('Analytics', () => {
  it('imported from another stack grants the same queries on the existing workgroup and database', () => {
    const app = new App();
    const shared = new Stack(app, 'Shared');
    const key = new kms.Key(shared, 'Key', { enableKeyRotation: true });
    const bucket = new s3.Bucket(shared, 'Data', { encryptionKey: key });
    const team = new Stack(app, 'Team');
    const imported = Analytics.fromAnalyticsAttributes(team, 'Analytics', { databaseName: 'driftwatch_prod', workGroupName: 'driftwatch-prod', resultsBucket: bucket, key });
    const analyst = new iam.Role(team, 'Analyst', { assumedBy: new iam.AccountRootPrincipal() });
    imported.grantQuery(analyst, { tableName: 'predictions_fraud', bucket, key, dataRoot: 'predictions/fraud/' });
    const text = JSON.stringify(statementsOf(Template.fromStack(team), 'Analyst'));
    for (const want of ['workgroup/driftwatch-prod', 'table/driftwatch_prod/predictions_fraud', '/predictions/fraud/*', '/athena-results/*']) expect(text).toContain(want);
  });

  it.each([0, -1, 2.5])('refuses resultRetentionDays %s, naming the prop and the value', (days) => {
    const stack = new Stack(new App(), 'S');
    const key = new kms.Key(stack, 'Key');
    expect(
      () => new Analytics(stack, 'Analytics', { databaseName: 'db', workGroupName: 'wg', resultsBucket: new s3.Bucket(stack, 'B'), key, resultRetentionDays: days }),
    ).toThrow(`S/Analytics: resultRetentionDays must be a whole number of days, at least 1, got ${days}`);
  });
});
