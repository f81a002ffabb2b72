/**
 * The data pull in the RetrainTrigger: its function (the PullData Lambda step, 10 minutes: SageMaker
 * Pipelines' limit on a Lambda step), its least-privilege role, the pipeline's reference to it, the
 * real bundle; and the escape hatch, a pull container of the team's own, which makes no function.
 * cdk-nag and cfn-lint run on the same construct in construct.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { validateConfig } from '../../config';
import { bundleHandler, removeTemporaryAssets } from '../../lib/monitor';
import { DATA_PULL_HANDLER, RetrainTrigger } from '../../lib/retraining';
import { asArray, iamStatements, renderCfn } from '../lib/helpers';
import { stubRetrainingBundles } from './bundles.test-fixture';
import { configWith, TRAIN_IMAGE } from './config.test-fixture';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-pull-construct-'));
afterAll(() => {
  removeTemporaryAssets();
  fs.rmSync(tmp, { recursive: true, force: true });
});
const bundles = stubRetrainingBundles(path.join(tmp, 'bundles'));

const HISTORY_KEY = 'arn:aws:kms:eu-west-1:210987654321:key/1234abcd-12ab-34cd-56ef-1234567890ab';

function stackFor(dataPull?: unknown, trainingData: Record<string, unknown> = { s3Uri: 's3://team-data/fraud/training/' }) {
  const model = validateConfig(configWith('team', { pipeline: { image: TRAIN_IMAGE, trainingData, ...(dataPull ? { dataPull } : {}) } })).models[0];
  const stack = new Stack(new App({ outdir: path.join(tmp, 'out') }), 'Team', { env: { account: '123456789012', region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key, enforceSSL: true });
  const retraining = new RetrainTrigger(stack, 'Fraud', { env: 'team', model, bucket, key, bundleDirectory: bundles });
  return { retraining, template: Template.fromStack(stack) };
}
const team = stackFor();

function pipelineBody(template: Template) {
  const [pipeline] = Object.values(template.findResources('AWS::SageMaker::Pipeline')) as { Properties: { PipelineDefinition: { PipelineDefinitionBody: unknown } } }[];
  return JSON.parse(renderCfn(pipeline.Properties.PipelineDefinition.PipelineDefinitionBody));
}

test('PullData is a Lambda step calling the pull function, which runs for the step\'s 10 minutes at most', () => {
  team.template.hasResourceProperties('AWS::Lambda::Function', {
    FunctionName: 'dw-team-fraud_detector-retrain-pull',
    Handler: 'index.handler',
    Timeout: 600,
    Environment: { Variables: Match.objectLike({ DW_DATABASE: 'driftwatch_team', DW_WORKGROUP: 'driftwatch-team', DW_PREDICTION_TABLE: 'predictions_fraud_detector', DW_LABEL_TABLE: 'labels_fraud_detector' }) },
  });
  const pull = pipelineBody(team.template).Steps[0];
  expect(pull.Type).toBe('Lambda');
  expect(pull.FunctionArn).toMatch(/^\$\{FraudDataPullFunction[0-9A-F]+\.Arn\}$/);
  const invoke = iamStatements(team.template).find((s) => s.Sid === 'RunLambdaSteps');
  expect(asArray(invoke!.Resource as unknown).map(renderCfn)).toEqual([expect.stringMatching(/GateFunction/), expect.stringMatching(/DataPullFunction/)]);
});

test('least privilege: Athena in the workgroup, this model\'s tables and prefixes, writes under its runs, cache and the query results only', () => {
  const roleStatements = (sid: string) => iamStatements(team.template).filter((s) => s.Sid === sid);
  const [athena] = roleStatements('RunQueriesInWorkGroup').filter((s) => renderCfn(s.Resource).includes('driftwatch-team'));
  expect(renderCfn(athena.Resource)).toBe('arn:${AWS::Partition}:athena:eu-west-1:123456789012:workgroup/driftwatch-team');
  const [writes] = roleStatements('WriteRunsCacheAndResults');
  expect(asArray(writes.Resource as unknown).map(renderCfn).map((r) => r.replace(/^\$\{[^}]+\}\//, ''))).toEqual(['retraining/fraud_detector/runs/*', 'retraining/fraud_detector/pull/*', 'athena-results/*']);
  const history = roleStatements('ReadTrainingHistory').map((s) => renderCfn(s.Resource));
  expect(history).toContain('arn:${AWS::Partition}:s3:::team-data/fraud/training/*');
  const [tables] = roleStatements('ReadModelTables').filter((s) => renderCfn(s.Resource).includes('labels_fraud_detector'));
  expect(asArray(tables.Resource as unknown).map(renderCfn).filter((r) => r.includes(':table/'))).toHaveLength(2);
  expect(iamStatements(team.template).filter((s) => asArray(s.Resource as unknown).some((r) => r === '*')).map((s) => s.Action)).toEqual(['ecr:GetAuthorizationToken', 'cloudwatch:PutMetricData']);
});

test('the real pull bundle is built, has no DuckDB and stays under 1 MB', () => {
  const out = path.join(tmp, 'real-pull');
  const report = bundleHandler(DATA_PULL_HANDLER, out);
  expect(report.bytes).toBeLessThan(1024 * 1024);
  const mod = fs.readFileSync(path.join(out, 'index.js'), 'utf8');
  expect(mod).toMatch(/UNLOAD \(/);
  expect(mod).not.toMatch(/@duckdb\/node-api/);
});

test('a pull container of the team\'s own makes a Processing step and no pull function', () => {
  const own = stackFor({ container: { command: ['python3', '/opt/ml/code/pull.py'] } });
  expect(own.retraining.dataPull).toBeUndefined();
  expect(Object.values(own.template.findResources('AWS::Lambda::Function')).map((f) => (f as { Properties: { FunctionName: string } }).Properties.FunctionName)).not.toContain('dw-team-fraud_detector-retrain-pull');
  const pull = pipelineBody(own.template).Steps[0];
  expect(pull.Type).toBe('Processing');
  expect(pull.Arguments.AppSpecification).toEqual({ ImageUri: TRAIN_IMAGE, ContainerEntrypoint: ['python3', '/opt/ml/code/pull.py'] });
});

test('the pull config names the field it refuses', () => {
  expect(() => validateConfig(configWith('team', { pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/x/' }, dataPull: { holdoutPercent: 100 } } }))).toThrow(/retraining\.pipeline\.dataPull\.holdoutPercent/);
});

test("a history encrypted with the team's own KMS key: the pull and the pipeline's jobs may decrypt it, through S3 only", () => {
  const keyed = stackFor(undefined, { s3Uri: 's3://team-data/fraud/training/', kmsKeyArn: HISTORY_KEY });
  const decrypt = iamStatements(keyed.template).filter((s) => s.Sid === 'DecryptTrainingHistory');
  expect(decrypt).toHaveLength(2); // the pull function's role and the pipeline's role (Train reads the history)
  for (const s of decrypt) {
    expect([s.Action, s.Resource]).toEqual(['kms:Decrypt', HISTORY_KEY]);
    expect(renderCfn((s.Condition as { StringEquals: Record<string, unknown> }).StringEquals['kms:ViaService'])).toBe('s3.${AWS::Region}.amazonaws.com');
  }
  // One statement in each role's policy: the resources holding it are the two roles' (inline or managed).
  const holders = Object.entries(keyed.template.toJSON().Resources as Record<string, unknown>).filter(([, r]) => JSON.stringify(r).includes('DecryptTrainingHistory')).map(([id]) => id);
  expect(holders).toEqual([expect.stringMatching(/^FraudDataPullRolePolicy/), expect.stringMatching(/^FraudPipelinePolicy/)]);
  // Without a key of its own, no role gets any history key.
  expect(iamStatements(team.template).filter((s) => s.Sid === 'DecryptTrainingHistory')).toEqual([]);
});

test('a history key given as an alias is refused, naming the field', () => {
  const alias = { s3Uri: 's3://team-data/fraud/training/', kmsKeyArn: 'arn:aws:kms:eu-west-1:210987654321:alias/team-data' };
  expect(() => validateConfig(configWith('team', { pipeline: { image: TRAIN_IMAGE, trainingData: alias } }))).toThrow(/retraining\.pipeline\.trainingData\.kmsKeyArn: .*not an alias/);
});
