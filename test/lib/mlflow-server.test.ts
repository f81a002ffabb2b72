/**
 * MlflowServer: the environment's SageMaker managed MLflow, alone and in the Platform: its artifacts in
 * the data bucket's own prefix under the environment's key, no automatic registration (Driftwatch
 * registers and mirrors), a least-privilege tracking grant, the four cdk-nag packs and cfn-lint.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { validateConfig } from '../../config';
import { createDriftwatchApp } from '../../lib/platform';
import { MlflowServer, grantMlflowTracking, mlflowServerArn } from '../../lib/retraining/mlflow-server';
import { configWith, TRAIN_IMAGE } from '../retraining/config.test-fixture';
import { runPacks } from './compliance-report';
import { asArray, iamStatements, renderCfn } from './helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-mlflow-server-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function build() {
  const app = new App();
  const stack = new Stack(app, 'Team', { env: { account: '123456789012', region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const bucket = new s3.Bucket(stack, 'Bucket', { bucketName: 'team-data', encryption: s3.BucketEncryption.KMS, encryptionKey: key, enforceSSL: true });
  const mlflow = new MlflowServer(stack, 'Mlflow', { env: 'prod', bucket, key, size: 'Medium', weeklyMaintenanceWindowStart: 'Sun:03:00' });
  const promoter = new iam.Role(stack, 'Promoter', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  mlflow.grantTracking(promoter);
  return { app, stack, mlflow, template: Template.fromStack(stack) };
}
const built = build();

test('a tracking server named for the env, artifacts under mlflow-artifacts/ of the data bucket, no automatic registration', () => {
  const [server] = Object.values(built.template.findResources('AWS::SageMaker::MlflowTrackingServer'));
  expect(renderCfn(server.Properties.ArtifactStoreUri)).toMatch(/^s3:\/\/\$\{Bucket\w+\}\/mlflow-artifacts\/$/);
  built.template.hasResourceProperties('AWS::SageMaker::MlflowTrackingServer', {
    TrackingServerName: 'dw-prod-mlflow',
    TrackingServerSize: 'Medium',
    AutomaticModelRegistration: false,
    WeeklyMaintenanceWindowStart: 'Sun:03:00',
  });
});

test('its role reads and writes its artifacts only, and uses the key through S3 only', () => {
  const statements = iamStatements(built.template).filter((s) => JSON.stringify(s.Action).includes('s3:PutObject'));
  expect(statements).toHaveLength(1);
  expect(renderCfn(statements[0].Resource)).toMatch(/^\$\{Bucket\w+\.Arn\}\/mlflow-artifacts\/\*$/);
  const kmsUse = iamStatements(built.template).find((s) => JSON.stringify(s.Action).includes('kms:GenerateDataKey'))!;
  expect(JSON.stringify(kmsUse.Condition)).toContain('s3.');
});

test('grantTracking allows the MLflow calls Driftwatch makes, on this server only', () => {
  const grant = iamStatements(built.template).find((s) => asArray(s.Action as string[]).some((a) => a.startsWith('sagemaker-mlflow:')))!;
  expect(asArray(grant.Action as string[])).toEqual(expect.arrayContaining(['sagemaker-mlflow:LogBatch', 'sagemaker-mlflow:SetRegisteredModelAlias', 'sagemaker-mlflow:SearchModelVersions']));
  expect(asArray(grant.Action as string[]).some((a) => a.includes('*') || a.startsWith('sagemaker-mlflow:Delete') && a !== 'sagemaker-mlflow:DeleteRegisteredModelAlias')).toBe(false);
  expect(grant.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Mlflow/), 'TrackingServerArn'] });
});

test('a model stack names the server by its ARN, without a cross-stack reference', () => {
  const other = new Stack(new App(), 'Models', { env: { account: '123456789012', region: 'eu-west-1' } });
  const role = new iam.Role(other, 'Promoter', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  grantMlflowTracking(role, mlflowServerArn(other, 'prod'));
  const [grant] = iamStatements(Template.fromStack(other));
  expect(renderCfn(grant.Resource)).toBe('arn:${AWS::Partition}:sagemaker:eu-west-1:123456789012:mlflow-tracking-server/dw-prod-mlflow');
});

test('refuses a size or maintenance window SageMaker would not take, naming the prop and value', () => {
  const stack = new Stack(new App(), 'Bad');
  const key = new kms.Key(stack, 'K');
  const bucket = new s3.Bucket(stack, 'B');
  expect(() => new MlflowServer(stack, 'M1', { env: 'prod', bucket, key, size: 'Huge' as never })).toThrow('Bad/M1: size must be one of Small, Medium, Large, got "Huge"');
  expect(() => new MlflowServer(stack, 'M2', { env: 'prod', bucket, key, weeklyMaintenanceWindowStart: 'Sunday 3am' })).toThrow('weeklyMaintenanceWindowStart must read like Sun:03:00');
});

test('clean under the four cdk-nag packs and cfn-lint', () => {
  // The test's own bucket and role are not the construct's to fix; the server's resources must be clean.
  const findings = runPacks(built.app).flatMap((r) => r.findings).filter((f) => f.includes('Team/Mlflow'));
  expect(findings).toEqual([]);
  const file = path.join(tmp, 'mlflow.template.json');
  fs.writeFileSync(file, JSON.stringify(built.template.toJSON()));
  const run = spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });
  expect(run.stdout.trim()).toBe('');
  expect(run.status).toBe(0);
});

test('in the Platform: config.mlflow puts one server in the data stack; without it there is none', () => {
  const retraining = { pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/fraud/training/' } } };
  const withMlflow = validateConfig({ ...configWith('dev', retraining), mlflow: { size: 'Small' } } as never);
  const data = (config: ReturnType<typeof validateConfig>, dir: string) =>
    Template.fromJSON(createDriftwatchApp(config, { outdir: path.join(tmp, dir) }).app.synth().getStackByName('Driftwatch-dev-Data').template);
  data(withMlflow, 'with').resourceCountIs('AWS::SageMaker::MlflowTrackingServer', 1);
  data(validateConfig(configWith('dev', retraining)), 'without').resourceCountIs('AWS::SageMaker::MlflowTrackingServer', 0);
  expect(() => validateConfig({ ...configWith('dev', retraining), mlflow: { weeklyMaintenanceWindowStart: 'sunday' } } as never)).toThrow(/mlflow\.weeklyMaintenanceWindowStart.*"sunday"/s);
});

test("in the Platform: a model's promotion mirrors into the environment's server and its pipeline outcome logs the runs there, by its ARN, allowed on it only", () => {
  const config = { ...configWith('dev', { pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/fraud/training/' } } }), mlflow: {} } as { models: Record<string, unknown>[] };
  config.models[0].promotion = { endpointName: 'fraud-dev', executionRoleArn: 'arn:aws:iam::123456789012:role/fraud-model' };
  const app = createDriftwatchApp(validateConfig(config as never), { outdir: path.join(tmp, 'promotion') }).app.synth();
  const models = Template.fromJSON(app.getStackByName('Driftwatch-dev-Models-1').template);
  const [fn] = Object.values(models.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'dw-dev-fraud_detector-promotion' } })) as { Properties: { Environment: { Variables: Record<string, unknown> } } }[];
  const arn = renderCfn(fn.Properties.Environment.Variables.DW_MLFLOW_TRACKING_SERVER_ARN);
  expect(arn).toBe('arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:mlflow-tracking-server/dw-dev-mlflow');
  const [outcome] = Object.values(models.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'dw-dev-fraud_detector-retrain-outcome' } })) as typeof fn[];
  expect(renderCfn(outcome.Properties.Environment.Variables.DW_MLFLOW_TRACKING_SERVER_ARN)).toBe(arn);
  // One grant each: the promotion function's and the pipeline-outcome function's.
  const grants = iamStatements(models).filter((st) => asArray(st.Action as string[]).some((a) => a.startsWith('sagemaker-mlflow:')));
  expect(grants.map((g) => renderCfn(g.Resource))).toEqual([arn, arn]);
});
