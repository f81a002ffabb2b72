/**
 * The Platform built from the registered environments: synthesized once per file (beforeAll) with
 * the cdk-nag plugin attached, then checked for security properties, stack layout, scale, and
 * cfn-lint cleanliness.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CfnResource, type App } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { loadEnvironment, modelRecordSpec, type DriftwatchConfig } from '../../config';
import { predictionColumns } from '../../lambda/core/schema/record-schema';
import { removeTemporaryAssets } from '../../lib/monitor';
import {
  DEFAULT_MAX_RESOURCES,
  DEFAULT_MAX_TEMPLATE_BYTES,
  MODEL_RESOURCES,
  createDriftwatchApp,
  estimateModelResources,
  estimateModelTemplateBytes,
  groupModels,
  type Platform,
} from '../../lib/platform';
import { asArray, iamStatements, nagFindings, syntheticConfig, templatesOf } from './helpers';

interface Synth {
  config: DriftwatchConfig;
  app: App;
  platform: Platform;
  outdir: string;
  templates: Map<string, Template>;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-synth-'));
const synths = new Map<string, Synth>();

function synth(name: string, config: DriftwatchConfig): Synth {
  const outdir = path.join(tmp, name);
  // nag on: an unacknowledged AwsSolutions finding makes app.synth() throw.
  const { app, platform } = createDriftwatchApp(config, { outdir });
  return { config, app, platform, outdir, templates: templatesOf(app) };
}

beforeAll(() => {
  for (const env of ['dev', 'example']) synths.set(env, synth(env, loadEnvironment(env)));
});

afterAll(() => {
  removeTemporaryAssets();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const get = (env: string) => synths.get(env)!;

describe('synthesis with cdk-nag AwsSolutions', () => {
  it.each(['dev', 'example'])('%s has no unacknowledged findings', (env) => {
    expect(nagFindings(get(env).app)).toEqual([]);
  });

  it('every acknowledgement carries a specific reason', () => {
    for (const env of ['dev', 'example']) {
      for (const c of get(env).app.node.findAll()) {
        for (const entry of c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules')) {
          for (const reason of Object.values(entry.data as Record<string, string>)) expect(reason.length).toBeGreaterThan(40);
        }
      }
    }
  });
});

describe('stack layout', () => {
  it('has one data stack and one model stack per group, env-agnostic unless the config pins it', () => {
    expect([...get('example').templates.keys()]).toEqual(['Driftwatch-example-Data', 'Driftwatch-example-Models-1']);
    const { platform } = get('dev');
    expect(platform.dataStack.environment).toBe('aws://unknown-account/unknown-region');
    const prod = createDriftwatchApp(loadEnvironment('prod'), { nag: false });
    expect(prod.platform.dataStack.environment).toBe('aws://123456789012/eu-west-1');
  });

  it('splits models into stacks of modelsPerStack, each depending on the data stack', () => {
    const { platform } = createDriftwatchApp(syntheticConfig(5, 3, { modelsPerStack: 2 }), { nag: false });
    expect(platform.modelStacks.map((s) => s.stackName)).toEqual(['Driftwatch-bench-Models-1', 'Driftwatch-bench-Models-2', 'Driftwatch-bench-Models-3']);
    expect(platform.modelStacks.map((s) => [...s.models.keys()])).toEqual([['model_0', 'model_1'], ['model_2', 'model_3'], ['model_4']]);
    for (const s of platform.modelStacks) expect(s.dependencies).toContain(platform.dataStack);
  });

  it('gives each model named streams its logging client can address', () => {
    const models = get('example').templates.get('Driftwatch-example-Models-1')!;
    models.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', { DeliveryStreamName: 'dw-example-fraud_detector-predictions' });
    models.hasResourceProperties('AWS::KinesisFirehose::DeliveryStream', { DeliveryStreamName: 'dw-example-search_ranker-labels' });
  });
});

describe('the monitor per model', () => {
  it('runs a profile and a score function per model in the model stack, on its own schedules', () => {
    const { config, templates } = get('example');
    const models = templates.get('Driftwatch-example-Models-1')!;
    models.resourceCountIs('AWS::Lambda::Function', 2 * config.models.length);
    for (const m of config.models) {
      for (const step of ['profile', 'score']) {
        models.hasResourceProperties('AWS::Lambda::Function', { FunctionName: `dw-example-${m.id}-${step}`, Runtime: 'nodejs22.x', Architectures: ['arm64'] });
      }
      models.hasResourceProperties('AWS::Scheduler::Schedule', { Name: `dw-example-${m.id}-profile`, ScheduleExpression: m.schedules.profile });
      for (const w of m.monitor.windows) {
        models.hasResourceProperties('AWS::Scheduler::Schedule', {
          Name: `dw-example-${m.id}-score-${w.name}`,
          ScheduleExpression: m.schedules.score,
          Target: Match.objectLike({ Input: JSON.stringify({ window: w.name }) }),
        });
      }
    }
  });

  it("ships each function the model's validated config and the environment's label lookback as model.json", () => {
    const { config, templates, outdir } = get('dev');
    const models = templates.get('Driftwatch-dev-Models-1')!;
    for (const step of ['profile', 'score']) {
      const [fn] = Object.values(models.findResources('AWS::Lambda::Function', { Properties: { FunctionName: `dw-dev-fraud_detector-${step}` } }));
      const dir = path.join(outdir, `asset.${(fn.Properties.Code.S3Key as string).replace(/\.zip$/, '')}`);
      const file = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
      expect(file).toEqual({ env: 'dev', model: JSON.parse(JSON.stringify(config.models[0])), labelLookbackDays: config.analytics.lookbackDays });
    }
  });

  it("encrypts the monitors' log groups with the environment's key, which lets CloudWatch Logs use it under /driftwatch/<env>/ only", () => {
    const { templates } = get('dev');
    const data = templates.get('Driftwatch-dev-Data')!;
    const [key] = Object.values(data.findResources('AWS::KMS::Key'));
    const statement = key.Properties.KeyPolicy.Statement.find((s: { Sid?: string }) => s.Sid?.startsWith('CloudWatchLogs'));
    expect(JSON.stringify(statement.Condition.ArnLike)).toContain(':log-group:/driftwatch/dev/*');
    // One statement for the environment, not one per model.
    expect(key.Properties.KeyPolicy.Statement.filter((s: { Sid?: string }) => s.Sid?.startsWith('CloudWatchLogs'))).toHaveLength(1);
    const models = templates.get('Driftwatch-dev-Models-1')!;
    models.allResourcesProperties('AWS::Logs::LogGroup', { LogGroupName: Match.stringLikeRegexp('^/driftwatch/dev/') });
    models.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/driftwatch/dev/fraud_detector/monitor-score', KmsKeyId: Match.anyValue() });
  });
});

describe('security properties', () => {
  it('the data bucket is KMS-encrypted, versioned, logged and TLS-only; the key rotates', () => {
    const data = get('dev').templates.get('Driftwatch-dev-Data')!;
    data.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    data.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) })] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'data-bucket/' }),
    });
    data.allResourcesProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    data.allResources('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });

  it('every Firehose stream is encrypted with the customer-managed key', () => {
    const models = get('example').templates.get('Driftwatch-example-Models-1')!;
    models.resourceCountIs('AWS::KinesisFirehose::DeliveryStream', 8);
    models.allResourcesProperties('AWS::KinesisFirehose::DeliveryStream', {
      DeliveryStreamEncryptionConfigurationInput: { KeyType: 'CUSTOMER_MANAGED_CMK', KeyARN: Match.anyValue() },
    });
  });

  it('no IAM statement in any stack has Action "*" or Resource "*"', () => {
    for (const env of ['dev', 'example']) {
      for (const [name, template] of get(env).templates) {
        for (const s of iamStatements(template)) {
          expect({ name, actions: asArray(s.Action as string[]).filter((a) => a === '*' || a.endsWith(':*')) }).toEqual({ name, actions: [] });
          expect({ name, resources: asArray(s.Resource as unknown).filter((r) => r === '*') }).toEqual({ name, resources: [] });
        }
      }
    }
  });
});

describe('analytics', () => {
  it('the workgroup enforces its settings, encrypts results with KMS and caps bytes scanned from config', () => {
    const data = get('example').templates.get('Driftwatch-example-Data')!;
    data.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'driftwatch-example',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 5 * 1024 ** 3,
        ResultConfiguration: { OutputLocation: Match.anyValue(), EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: Match.anyValue() } },
      }),
    });
    data.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: Match.objectLike({ Name: 'driftwatch_example' }) });
  });

  it('every model table has exactly predictionColumns', () => {
    const { config, templates } = get('example');
    const models = templates.get('Driftwatch-example-Models-1')!;
    for (const m of config.models) {
      const [table] = Object.values(models.findResources('AWS::Glue::Table', { Properties: { TableInput: { Name: `predictions_${m.id}` } } }));
      const got = table.Properties.TableInput.StorageDescriptor.Columns.map((c: { Name: string; Type: string }) => `${c.Name}:${c.Type}`);
      expect(got).toEqual(predictionColumns(modelRecordSpec(m)).map((c) => `${c.name}:${c.type}`));
    }
  });

  it('saves, per model, the view joining predictions to their latest label over the lookback', () => {
    const models = get('dev').templates.get('Driftwatch-dev-Models-1')!;
    const [query] = Object.values(models.findResources('AWS::Athena::NamedQuery'));
    expect(query.Properties).toMatchObject({ Database: 'driftwatch_dev', WorkGroup: 'driftwatch-dev' });
    const sql: string = query.Properties.QueryString;
    expect(sql).toContain('CREATE OR REPLACE VIEW "driftwatch_dev"."labelled_predictions_fraud_detector" AS');
    expect(sql).toContain('FROM "driftwatch_dev"."predictions_fraud_detector" p');
    expect(sql).toContain('LEFT JOIN (');
    expect(sql).toContain(') l ON l."prediction_id" = p."prediction_id" AND l."label_rank" = 1');
    expect(sql).toContain(`WHERE p."dt" >= date_format(current_date - INTERVAL '14' DAY, '%Y-%m-%d')`);
  });
});

describe('scale', () => {
  function resourcesPerModel(features: number): number[] {
    const { platform } = createDriftwatchApp(syntheticConfig(2, features), { nag: false });
    const count = (scope: IConstruct) => scope.node.findAll().filter((c) => CfnResource.isCfnResource(c)).length;
    return [...platform.models.keys()].map((id) => count(platform.models.get(id)!) + count(platform.monitors.get(id)!));
  }

  it('resources per model (data plane and monitor) do not grow with the number of features (5 vs 50)', () => {
    const five = resourcesPerModel(5);
    const fifty = resourcesPerModel(50);
    expect(fifty).toEqual(five);
    expect(five[0]).toBe(estimateModelResources(syntheticConfig(1, 5).models[0]));
    expect(five[0]).toBe(MODEL_RESOURCES.dataPlane + MODEL_RESOURCES.monitor + 2 * MODEL_RESOURCES.perWindow);
  });

  it('splits by resources as well: at most 300 per stack, 10 models of 28', () => {
    const models = syntheticConfig(30, 3, { modelsPerStack: 40 }).models;
    expect(groupModels(models, { maxModels: 40, maxTemplateBytes: 64 * 1024 ** 2 }).map((g) => g.length)).toEqual([10, 10, 10]);
    const { platform } = createDriftwatchApp(syntheticConfig(30, 3, { modelsPerStack: 40 }), { nag: false });
    for (const stack of platform.modelStacks) {
      expect(stack.node.findAll().filter((c) => CfnResource.isCfnResource(c)).length).toBeLessThanOrEqual(DEFAULT_MAX_RESOURCES);
    }
  });

  it.each([5, 200])('the stack-splitting size estimate covers a model with %i features', (features) => {
    const config = syntheticConfig(1, features);
    const { app } = createDriftwatchApp(config, { nag: false, outdir: path.join(tmp, `size-${features}`) });
    const stack = app.synth().getStackByName('Driftwatch-bench-Models-1');
    const bytes = fs.statSync(stack.templateFullPath).size;
    expect(bytes).toBeLessThanOrEqual(estimateModelTemplateBytes(config.models[0]));
    expect(bytes).toBeGreaterThan(estimateModelTemplateBytes(config.models[0]) / 2);
  });

  it('splits by estimated template size as well as by model count', () => {
    const wide = syntheticConfig(6, 400);
    const groups = groupModels(wide.models, { maxModels: 20 });
    expect(groups.length).toBeGreaterThan(1);
    for (const g of groups) expect(g.reduce((n, m) => n + estimateModelTemplateBytes(m), 0)).toBeLessThanOrEqual(DEFAULT_MAX_TEMPLATE_BYTES);
    expect(groups.flat().map((m) => m.id)).toEqual(wide.models.map((m) => m.id));
  });
});

describe('cfn-lint', () => {
  it.each(['dev', 'example'])('reports no errors and no warnings on the %s templates', (env) => {
    const files = fs.readdirSync(get(env).outdir).filter((f) => f.endsWith('.template.json')).map((f) => path.join(get(env).outdir, f));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const run = spawnSync('cfn-lint', ['--format', 'parseable', ...files], { encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    const errors = run.stdout.split('\n').filter((line) => /:E\d{4}:/.test(line) || /\bE\d{4}\b/.test(line));
    expect(errors).toEqual([]);
    // 0 = clean; 4 = warnings; 8 = informational. Warnings count too: each is fixed or ignored on its resource with a reason.
    expect(run.stdout.trim()).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('the CDK app entry point', () => {
  it('refuses an unknown environment and lists the available ones, before synthesizing anything', () => {
    const run = spawnSync('npx', ['tsx', 'bin/app.ts'], {
      cwd: path.join(__dirname, '../..'),
      encoding: 'utf8',
      env: { ...process.env, CDK_CONTEXT_JSON: JSON.stringify({ env: 'staging' }), CDK_OUTDIR: path.join(tmp, 'never') },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Unknown environment "staging": available environments are dev, example, prod');
    const never = path.join(tmp, 'never');
    expect(fs.existsSync(never) ? fs.readdirSync(never).filter((f) => f.endsWith('.template.json')) : []).toEqual([]);
  });
});
