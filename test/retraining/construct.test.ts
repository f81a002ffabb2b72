/**
 * RetrainTrigger on its own in a team's stack (its own bucket and key), asserted on the template:
 * the rule on the monitor's events, the two functions and their contract with the handlers, the
 * pipeline with the builder's definition and its package group, least privilege, cdk-nag
 * AwsSolutions and cfn-lint; the real handler bundle (size, no DuckDB).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { validateConfig } from '../../config';
import { bundleHandler, removeTemporaryAssets } from '../../lib/monitor';
import { RETRAINING_HANDLER, RetrainTrigger } from '../../lib/retraining';
import { PromotionLedgerTable } from '../../lib/promotion/ledger-table';
import { createDriftwatchApp, estimateModelResources, MODEL_RESOURCES } from '../../lib/platform';
import { asArray, iamStatements, nagFindings, renderCfn } from '../lib/helpers';
import { stubRetrainingBundles } from './bundles.test-fixture';
import { configWith, TRAIN_IMAGE } from './config.test-fixture';
import { COMPLIANCE_FIXTURE } from '../lib/compliance-report';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-retrain-construct-'));
afterAll(() => {
  removeTemporaryAssets();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const bundles = stubRetrainingBundles(path.join(tmp, 'bundles'));

const model = validateConfig(
  configWith('team', {
    pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/fraud/training/' }, hyperparameters: { max_depth: 6 } },
    gates: { assertions: ['recall_score on segment high_risk >= 0.90'] },
  }),
).models[0];

function teamStack() {
  const app = new App({ outdir: path.join(tmp, 'out') });
  const stack = new Stack(app, 'Team', { env: { account: '123456789012', region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key, enforceSSL: true });
  const retraining = new RetrainTrigger(stack, 'FraudRetraining', { env: 'team', model, bucket, key, bundleDirectory: bundles, codeVersion: 'abc1234' });
  return { app, stack, retraining, template: Template.fromStack(stack) };
}
const team = teamStack();

/** CloudFormation values as readable strings (test/lib/helpers.ts). */
const render = renderCfn;

test('the rule sends this model\'s drift and performance events to the trigger, with a dead-letter queue', () => {
  team.template.hasResourceProperties('AWS::Events::Rule', {
    EventPattern: { source: ['driftwatch'], 'detail-type': ['Driftwatch Drift Status Changed', 'Driftwatch Performance Status Changed'], detail: { env: ['team'], modelId: ['fraud_detector'] } },
    Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 21600 }, DeadLetterConfig: Match.objectLike({}) })],
  });
});

test('two functions from one bundle: the trigger (index.handler) and the gate step (index.checkGates)', () => {
  team.template.hasResourceProperties('AWS::Lambda::Function', {
    FunctionName: 'dw-team-fraud_detector-retrain-trigger',
    Handler: 'index.handler',
    Runtime: 'nodejs22.x',
    Architectures: ['arm64'],
    Environment: { Variables: Match.objectLike({ DW_PIPELINE_NAME: 'dw-team-fraud-detector-retrain', DW_BUCKET: Match.anyValue() }) },
  });
  team.template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'dw-team-fraud_detector-retrain-gates', Handler: 'index.checkGates' });
  team.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: Match.anyValue() } });
});

test('the pipeline is the builder\'s definition, run by its own role, registering into the model\'s package group', () => {
  team.template.hasResourceProperties('AWS::SageMaker::ModelPackageGroup', { ModelPackageGroupName: 'dw-team-fraud-detector' });
  const [pipeline] = Object.values(team.template.findResources('AWS::SageMaker::Pipeline')) as { Properties: Record<string, unknown> }[];
  expect(pipeline.Properties.PipelineName).toBe('dw-team-fraud-detector-retrain');
  const body = JSON.parse(render((pipeline.Properties.PipelineDefinition as { PipelineDefinitionBody: unknown }).PipelineDefinitionBody));
  expect(body.Version).toBe('2020-12-01');
  expect(body.Steps.map((s: { Name: string }) => s.Name)).toEqual(['PullData', 'Train', 'Evaluate', 'CheckGates', 'GatesPassed']);
  const train = body.Steps[1].Arguments;
  expect(train.AlgorithmSpecification.TrainingImage).toBe(TRAIN_IMAGE);
  expect(train.HyperParameters).toEqual({ max_depth: '6' });
  expect(train.RoleArn).toMatch(/^\$\{FraudRetrainingPipelineRole[0-9A-F]+\.Arn\}$/);
  expect(body.Steps[3].FunctionArn).toMatch(/^\$\{FraudRetrainingGateFunction[0-9A-F]+\.Arn\}$/);
  expect(body.Parameters.find((p: { Name: string }) => p.Name === 'CodeVersion').DefaultValue).toBe('abc1234');
  expect(body.Steps[4].Arguments.IfSteps[0].Arguments.ModelPackageGroupName).toBe('dw-team-fraud-detector');
});

test('least privilege: the trigger starts and lists this pipeline only; no wildcard resource but ECR login and SageMaker metrics', () => {
  const statements = iamStatements(team.template);
  const start = statements.filter((s) => asArray(s.Action as string | string[]).includes('sagemaker:StartPipelineExecution'));
  expect(start).toHaveLength(1);
  expect(render(start[0].Resource)).toBe('arn:${AWS::Partition}:sagemaker:eu-west-1:123456789012:pipeline/dw-team-fraud-detector-retrain');
  const star = statements.filter((s) => asArray(s.Resource as unknown).some((r) => r === '*'));
  expect(star.map((s) => s.Action)).toEqual(['ecr:GetAuthorizationToken', 'cloudwatch:PutMetricData']);
  const pull = statements.find((s) => s.Sid === 'PullImages');
  expect(render(pull!.Resource)).toBe('arn:${AWS::Partition}:ecr:eu-west-1:123456789012:repository/fraud-train');
  const history = statements.find((s) => s.Sid === 'ReadTrainingHistory');
  expect(render(history!.Resource)).toBe('arn:${AWS::Partition}:s3:::team-data/fraud/training/*');
  for (const s of statements.filter((x) => asArray(x.Action as string | string[]).some((a) => a.startsWith('kms:')) && x.Sid !== undefined)) {
    expect(JSON.stringify(s.Condition)).toMatch(/kms:ViaService/);
  }
});

test('cdk-nag AwsSolutions: no finding left unacknowledged in the construct', () => {
  // The team's own bucket (no access logs in this fixture) is not the construct's to fix.
  expect(nagFindings(team.retraining)).toEqual([]);
});

test('cfn-lint reports no errors', () => {
  const file = path.join(tmp, 'team.template.json');
  fs.writeFileSync(file, JSON.stringify(team.template.toJSON()));
  const run = spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });
  expect(run.error).toBeUndefined();
  expect(run.stdout.split('\n').filter((l) => /:E\d{4}:/.test(l))).toEqual([]);
  expect(run.status! & 2).toBe(0);
});

test('a model without a retraining section is refused, naming the prop', () => {
  const stack = new Stack(new App(), 'Bad');
  const key = new kms.Key(stack, 'Key');
  const bucket = new s3.Bucket(stack, 'Bucket');
  const { retraining: _, ...plain } = model;
  expect(() => new RetrainTrigger(stack, 'R', { env: 'team', model: plain as typeof model, bucket, key, bundleDirectory: bundles })).toThrow(
    'RetrainTrigger: model fraud_detector has no retraining section (props.model.retraining); add one to its config or leave the construct out',
  );
});

test('the real handler bundle holds both entry points, no DuckDB, under 1 MB', () => {
  const out = path.join(tmp, 'real');
  const report = bundleHandler(RETRAINING_HANDLER, out);
  expect(report.bytes).toBeLessThan(1024 * 1024);
  const mod = fs.readFileSync(path.join(out, 'index.js'), 'utf8');
  expect(mod).toMatch(/checkGates/);
});

test('the key lets EventBridge write undeliverable events of this rule to the encrypted queue', () => {
  team.template.hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: { ArnEquals: { 'aws:SourceArn': Match.anyValue() } } })]) },
  });
});

test('given the promotion ledger, the trigger and the gate step are told its table and may only PutItem on it (the pipeline outcome also Query)', () => {
  const stack = new Stack(new App(), 'Ledgered', { env: { account: '123456789012', region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key, enforceSSL: true });
  const ledger = PromotionLedgerTable.fromTableName(stack, 'Ledger', { tableName: 'dw-team-promotion-ledger', encryptionKey: key });
  const trigger = new RetrainTrigger(stack, 'FraudRetraining', { env: 'team', model, bucket, key, bundleDirectory: bundles, ledger });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'dw-team-fraud_detector-retrain-trigger', Environment: { Variables: Match.objectLike({ DW_LEDGER_TABLE: 'dw-team-promotion-ledger' }) } });
  const gate = template.toJSON().Resources[stack.getLogicalId(trigger.gateFunction.node.defaultChild as never)].Properties;
  expect(gate.Environment.Variables.DW_LEDGER_TABLE).toBe('dw-team-promotion-ledger');
  const dynamo = iamStatements(template).filter((s) => asArray(s.Action as string | string[]).some((a) => a.startsWith('dynamodb:')));
  // PutItem on the table only for each role (trigger, gate step, pipeline outcome); the outcome's Query finds a redelivered event's entry.
  const table = 'arn:${AWS::Partition}:dynamodb:eu-west-1:123456789012:table/dw-team-promotion-ledger';
  expect(dynamo.map((s) => [s.Action, render(s.Resource)])).toEqual(expect.arrayContaining([[['dynamodb:Query', 'dynamodb:GetItem'], table]]));
  expect(dynamo.map((s) => [s.Action, render(s.Resource)]).filter(([a]) => a === 'dynamodb:PutItem')).toEqual(Array(3).fill(['dynamodb:PutItem', table]));
  expect(dynamo).toHaveLength(4);
  expect(nagFindings(trigger)).toEqual([]);
});

describe('in the Platform', () => {
  // A model with a retraining section gets its trigger in its model stack; the four cdk-nag packs run at synthesis.
  const config = validateConfig(configWith('dev', { pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/fraud/training/' } } }));
  let platform: ReturnType<typeof createDriftwatchApp>['platform'];
  let assembly: ReturnType<App['synth']>;
  beforeAll(() => {
    const built = createDriftwatchApp(config, { outdir: path.join(tmp, 'platform'), context: { codeVersion: 'f00dfeed' } });
    platform = built.platform;
    assembly = built.app.synth();
  });

  it("puts the model's trigger, rule and pipeline in its model stack, with the deployed commit as the pipeline's CodeVersion", () => {
    expect([...platform.retraining.keys()]).toEqual(['fraud_detector']);
    const models = Template.fromJSON(assembly.getStackByName('Driftwatch-dev-Models-1').template);
    models.resourceCountIs('AWS::SageMaker::Pipeline', 1);
    models.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ detail: { env: ['dev'], modelId: ['fraud_detector'] } }) });
    const [pipeline] = Object.values(models.findResources('AWS::SageMaker::Pipeline')) as { Properties: Record<string, unknown> }[];
    const body = JSON.parse(render((pipeline.Properties.PipelineDefinition as { PipelineDefinitionBody: unknown }).PipelineDefinitionBody));
    expect(body.Parameters.find((p: { Name: string }) => p.Name === 'CodeVersion').DefaultValue).toBe('f00dfeed');
  });

  it("gives the trigger the data stack's promotion ledger table by name, to PutItem on only", () => {
    const data = Template.fromJSON(assembly.getStackByName('Driftwatch-dev-Data').template);
    data.resourceCountIs('AWS::DynamoDB::Table', 1);
    data.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'dw-dev-promotion-ledger', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }, DeletionProtectionEnabled: false });
    const models = Template.fromJSON(assembly.getStackByName('Driftwatch-dev-Models-1').template);
    models.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'dw-dev-fraud_detector-retrain-trigger', Environment: { Variables: Match.objectLike({ DW_LEDGER_TABLE: 'dw-dev-promotion-ledger' }) } });
    const put = iamStatements(models).filter((s) => asArray(s.Action as string | string[]).some((a) => a.startsWith('dynamodb:')));
    // The trigger's and the gate step's roles; the promotion function's grants are its own test's.
    const retrainingPuts = put.filter((s) => s.Action === 'dynamodb:PutItem');
    expect(retrainingPuts.map((s) => render(s.Resource))).toEqual(expect.arrayContaining(['arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/dw-dev-promotion-ledger']));
    expect(put.every((s) => !asArray(s.Action as string | string[]).some((a) => /Update|Delete|BatchWrite/.test(a)))).toBe(true);
  });

  it("lets the gate step and the pipeline outcome alert the owner's warning topic, and publish to that topic only", () => {
    const models = Template.fromJSON(assembly.getStackByName('Driftwatch-dev-Models-1').template);
    const [gate] = Object.values(models.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'dw-dev-fraud_detector-retrain-gates' } })) as { Properties: { Environment: { Variables: Record<string, unknown> } } }[];
    const topic = render(gate.Properties.Environment.Variables.DW_ALERT_TOPIC_ARN);
    expect(topic).toMatch(/^arn:\$\{AWS::Partition\}:sns:\$\{AWS::Region\}:\$\{AWS::AccountId\}:dw-dev-.+-warning$/);
    const publish = iamStatements(models).filter((s) => asArray(s.Action as string | string[]).includes('sns:Publish'));
    expect(publish.map((s) => render(s.Resource))).toEqual([topic, topic]);
  });

  it('counts its resources in the stack-splitting estimate', () => {
    const trigger = platform.retraining.get('fraud_detector')!;
    const count = trigger.node.findAll().filter((c) => CfnResource.isCfnResource(c)).length;
    expect(count).toBe(MODEL_RESOURCES.retraining);
    const [model] = config.models;
    expect(estimateModelResources(model) - estimateModelResources({ ...model, retraining: undefined })).toBe(count);
  });

  it('under a strict compliance profile its functions run in the VPC with reserved concurrency, clean in the four packs', () => {
    const input = configWith('dev', { pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/fraud/training/' } } }) as Record<string, unknown>;
    const strict = validateConfig({ ...input, compliance: { profile: 'hipaa', ...COMPLIANCE_FIXTURE } } as never);
    const { app, platform: p } = createDriftwatchApp(strict, { outdir: path.join(tmp, 'hipaa') });
    const models = Template.fromJSON(app.synth().getStackByName('Driftwatch-dev-Models-1').template);
    const trigger = p.retraining.get('fraud_detector')!;
    for (const fn of [trigger.triggerFunction, trigger.gateFunction]) {
      const props = models.toJSON().Resources[p.modelStacks[0].getLogicalId(fn.node.defaultChild as never)].Properties;
      expect(props).toMatchObject({ VpcConfig: { SubnetIds: [...COMPLIANCE_FIXTURE.vpc.subnetIds] }, ReservedConcurrentExecutions: 2 });
    }
  });

  it('a model without a retraining section gets none', () => {
    const input = configWith('dev', undefined) as { models: Record<string, unknown>[] };
    const plain = validateConfig({ ...input, models: [{ ...input.models[0], retraining: undefined }] } as never);
    const { platform: p } = createDriftwatchApp(plain, { nag: false, outdir: path.join(tmp, 'plain') });
    expect(p.retraining.size).toBe(0);
  });
});
