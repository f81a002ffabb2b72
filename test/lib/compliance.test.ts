/**
 * Issue 15: the four cdk-nag packs (AwsSolutions, NIST 800-53 rev 5, HIPAA Security, PCI DSS 3.2.1)
 * find nothing unacknowledged on any stack of dev, prod and example under each compliance profile,
 * cfn-lint stays clean on every one of those templates, and the fixes behind the packs hold.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App as CdkApp, Stack, type App } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { COMPLIANCE_PROFILES, loadEnvironment, validateConfig, type ComplianceProfile } from '../../config';
import { functionNetwork } from '../../lib/compliance/network';
import { RESERVED_CONCURRENCY, complianceSettings } from '../../lib/compliance/profile';
import { RetrainTrigger } from '../../lib/retraining';
import { stubRetrainingBundles } from '../retraining/bundles.test-fixture';
import { configWith, TRAIN_IMAGE } from '../retraining/config.test-fixture';
import { removeTemporaryAssets } from '../../lib/monitor';
import { createDriftwatchApp } from '../../lib/platform';
import { COMPLIANCE_FIXTURE, ENVS, PACKS, configUnder, runPacks, synthUnder } from './compliance-report';
import { templatesOf } from './helpers';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-compliance-'));
const apps = new Map<string, App>();
const key = (env: string, profile: ComplianceProfile) => `${env}-${profile}`;
const outdir = (env: string, profile: ComplianceProfile) => path.join(tmp, key(env, profile));

beforeAll(() => {
  for (const env of ENVS) for (const profile of COMPLIANCE_PROFILES) apps.set(key(env, profile), synthUnder(env, profile, outdir(env, profile)));
}, 600_000);

afterAll(() => {
  removeTemporaryAssets();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const cases = ENVS.flatMap((env) => COMPLIANCE_PROFILES.map((profile) => [env, profile] as const));
const templates = (env: string, profile: ComplianceProfile) => {
  const out = new Map<string, Template>();
  for (const f of fs.readdirSync(outdir(env, profile)).filter((n) => n.endsWith('.template.json'))) {
    out.set(f.replace(/\.template\.json$/, ''), Template.fromJSON(JSON.parse(fs.readFileSync(path.join(outdir(env, profile), f), 'utf8'))));
  }
  return out;
};

describe('the four packs on every stack', () => {
  it.each(cases)('%s under %s: no unacknowledged finding in any pack', (env, profile) => {
    const results = runPacks(apps.get(key(env, profile))!);
    expect(results.map((r) => r.pack)).toEqual(['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']);
    expect(results.flatMap((r) => r.findings)).toEqual([]);
  });

  it('a new unencrypted log group is a finding (the check can fail)', () => {
    const { app, platform } = createDriftwatchApp(loadEnvironment('dev'), { nag: false, outdir: path.join(tmp, 'negative') });
    new logs.LogGroup(platform.modelStacks[0], 'Unencrypted', { retention: logs.RetentionDays.ONE_WEEK });
    const findings = runPacks(app).flatMap((r) => r.findings);
    expect(findings).toEqual(
      expect.arrayContaining(['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'].map((p) => `${p}-CloudWatchLogGroupEncrypted @ Driftwatch-dev-Models-1/Unencrypted/Resource`)),
    );
  });

  it('every acknowledgement of the compliance packs carries a reason of its own', () => {
    const reasons = new Map<string, string>();
    for (const app of apps.values()) {
      for (const c of app.node.findAll()) {
        for (const m of c.node.metadata.filter((x) => x.type === 'aws:cdk:acknowledged-rules')) {
          for (const [id, reason] of Object.entries(m.data as Record<string, string>)) {
            if (!/(NIST|HIPAA|PCI)/.test(id)) continue;
            expect({ id, length: reason.length > 80 }).toEqual({ id, length: true });
            reasons.set(`${id} @ ${c.node.path}`, reason);
          }
        }
      }
    }
    expect(reasons.size).toBeGreaterThan(20);
    expect(PACKS).toHaveLength(4);
  });
});

describe('cfn-lint', () => {
  it('reports no errors and no warnings on any template of any env under any profile', () => {
    const files = cases.flatMap(([env, profile]) =>
      fs.readdirSync(outdir(env, profile)).filter((f) => f.endsWith('.template.json')).map((f) => path.join(outdir(env, profile), f)),
    );
    expect(files.length).toBeGreaterThanOrEqual(cases.length * 2);
    const run = spawnSync('cfn-lint', ['--format', 'parseable', ...files], { encoding: 'utf8' });
    expect(run.error).toBeUndefined();
    expect(run.stdout.trim()).toBe('');
    expect(run.status).toBe(0);
  }, 900_000);
});

describe('the fixes behind the packs', () => {
  it('encrypts the Firehose error log groups with the environment key, kept a year under standard and six years under hipaa', () => {
    for (const [profile, days] of [['standard', 365], ['hipaa', 2192], ['pci', 400]] as const) {
      const models = templates('dev', profile).get('Driftwatch-dev-Models-1')!;
      models.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/driftwatch/dev/fraud_detector/firehose-errors', KmsKeyId: Match.anyValue(), RetentionInDays: days });
      models.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue(), RetentionInDays: days });
    }
  });

  it("lets a delivery role list only its own log's prefixes, through a managed policy", () => {
    const models = templates('dev', 'standard').get('Driftwatch-dev-Models-1')!;
    const policies = Object.values(models.findResources('AWS::IAM::ManagedPolicy')).filter((p) => /Firehose delivery/.test(p.Properties.Description));
    expect(policies).toHaveLength(2);
    for (const p of policies) {
      const list = p.Properties.PolicyDocument.Statement.filter((s: { Action: unknown }) => [s.Action].flat().includes('s3:ListBucket'));
      expect(list).toHaveLength(1);
      expect(list[0].Condition.StringLike['s3:prefix']).toEqual([expect.stringMatching(/^(predictions|labels)\/fraud_detector\/\*$/), expect.stringMatching(/^errors\/(predictions|labels)\/fraud_detector\/\*$/)]);
    }
    for (const role of Object.values(models.findResources('AWS::IAM::Role'))) expect(role.Properties.Policies).toBeUndefined();
  });

  it('denies uploads to the data bucket that ask for another encryption type or another key', () => {
    const data = templates('dev', 'standard').get('Driftwatch-dev-Data')!;
    data.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'DenyOtherEncryptionTypes', Effect: 'Deny', Action: 's3:PutObject', Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' }, Null: { 's3:x-amz-server-side-encryption': 'false' } } }),
          Match.objectLike({ Sid: 'DenyOtherKmsKeys', Effect: 'Deny', Action: 's3:PutObject', Condition: Match.objectLike({ Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' } }) }),
        ]),
      },
    });
  });

  it('grants access-log delivery by bucket policy and never by ACL, even when the app turns the bucket-policy flag off', () => {
    const { app } = createDriftwatchApp(loadEnvironment('dev'), { nag: false, outdir: path.join(tmp, 'flag-off'), context: { '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': false } });
    const data = templatesOf(app).get('Driftwatch-dev-Data')!;
    for (const b of Object.values(data.findResources('AWS::S3::Bucket'))) {
      expect(b.Properties.AccessControl).toBeUndefined();
      expect(b.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    }
    data.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'S3ServerAccessLogDelivery', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
    data.hasResourceProperties('AWS::S3::Bucket', { LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'data-bucket/' } });
  });

  it('puts the configured key administrators in the key policy, with administration and no use', () => {
    const admin = 'arn:aws:iam::123456789012:role/KeyAdmins';
    const config = configUnder('dev', 'standard');
    const { app } = createDriftwatchApp({ ...config, compliance: { ...config.compliance, keyAdministrators: [admin] } }, { nag: false, outdir: path.join(tmp, 'admins') });
    const [k] = Object.values(templatesOf(app).get('Driftwatch-dev-Data')!.findResources('AWS::KMS::Key'));
    const statements = k.Properties.KeyPolicy.Statement.filter((s: { Principal?: { AWS?: unknown } }) => s.Principal?.AWS === admin);
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toEqual(expect.arrayContaining(['kms:ScheduleKeyDeletion', 'kms:Put*', 'kms:Disable*']));
    expect(statements[0].Action).not.toEqual(expect.arrayContaining(['kms:Decrypt']));
    expect(statements[0].Action).not.toContain('kms:Encrypt');
  });

  it('protects every prod stack from termination, and no dev stack', () => {
    const protection = (env: string) => [...apps.get(key(env, 'standard'))!.node.findAll()].filter((c): c is Stack => Stack.isStack(c)).map((s) => s.terminationProtection);
    expect(protection('prod').length).toBeGreaterThanOrEqual(2);
    expect(new Set(protection('prod'))).toEqual(new Set([true]));
    expect(new Set(protection('dev'))).toEqual(new Set([false]));
  });
});

describe('what the strict profiles turn on', () => {
  it.each(['hipaa', 'pci'] as const)('%s: the monitor functions run in the VPC with reserved concurrency; standard: neither', (profile) => {
    const strict = templates('example', profile).get('Driftwatch-example-Models-1')!;
    strict.allResourcesProperties('AWS::Lambda::Function', {
      VpcConfig: { SubnetIds: [...COMPLIANCE_FIXTURE.vpc.subnetIds], SecurityGroupIds: [Match.anyValue()] },
      ReservedConcurrentExecutions: Match.anyValue(),
    });
    strict.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupEgress: [Match.objectLike({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 })] });
    const standard = templates('example', 'standard').get('Driftwatch-example-Models-1')!;
    for (const f of Object.values(standard.findResources('AWS::Lambda::Function'))) {
      expect(f.Properties.VpcConfig).toBeUndefined();
      expect(f.Properties.ReservedConcurrentExecutions).toBeUndefined();
    }
  });

  it.each(['hipaa', 'pci'] as const)('%s: the data stack has the endpoints, replication and a TLS 1.2 floor', (profile) => {
    const data = templates('prod', profile).get('Driftwatch-prod-Data')!;
    for (const service of ['athena', 'glue', 'events', 'secretsmanager', 'sagemaker.api', 'sns', 'kinesis-firehose']) {
      data.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', ServiceName: `com.amazonaws.eu-west-1.${service}`, PrivateDnsEnabled: true });
    }
    data.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: 'com.amazonaws.eu-west-1.s3', RouteTableIds: [...COMPLIANCE_FIXTURE.vpc.routeTableIds] });
    // The retraining trigger appends to the promotion ledger from inside the VPC.
    data.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: 'com.amazonaws.eu-west-1.dynamodb', RouteTableIds: [...COMPLIANCE_FIXTURE.vpc.routeTableIds] });
    data.hasResourceProperties('AWS::S3::Bucket', {
      ReplicationConfiguration: {
        Role: Match.anyValue(),
        Rules: [Match.objectLike({ Status: 'Enabled', Destination: { Bucket: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::${COMPLIANCE_FIXTURE.replication.bucketName}`]] }, EncryptionConfiguration: { ReplicaKmsKeyID: COMPLIANCE_FIXTURE.replication.keyArn } } })],
      },
    });
    data.allResourcesProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } })]) },
    });
  });

  it('standard: no endpoints, no replication, no TLS floor beyond HTTPS', () => {
    const data = templates('prod', 'standard').get('Driftwatch-prod-Data')!;
    data.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    for (const b of Object.values(data.findResources('AWS::S3::Bucket'))) expect(b.Properties.ReplicationConfiguration).toBeUndefined();
    expect(JSON.stringify(data.toJSON())).not.toContain('s3:TlsVersion');
  });
});

describe('the retraining constructs (not yet in Platform) on their own', () => {
  function teamStack(strict: boolean) {
    const bundles = stubRetrainingBundles(path.join(tmp, `retrain-bundles-${strict}`));
    const model = validateConfig(configWith('team', { pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/fraud/training/' } } })).models[0];
    const app = new CdkApp({ outdir: path.join(tmp, `retrain-${strict}`) });
    const stack = new Stack(app, 'Team', { env: { account: '123456789012', region: 'eu-west-1' } });
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key, enforceSSL: true });
    const settings = complianceSettings({ profile: strict ? 'hipaa' : 'standard', keyAdministrators: [], terminationProtection: false, ...(strict ? COMPLIANCE_FIXTURE : {}) } as never);
    const network = functionNetwork(stack, settings);
    const trigger = new RetrainTrigger(stack, 'FraudRetraining', {
      env: 'team', model, bucket, key, bundleDirectory: bundles, codeVersion: 'abc1234',
      ...(network ? { network, reservedConcurrency: RESERVED_CONCURRENCY.score } : {}),
    });
    return { app, trigger, template: Template.fromStack(stack) };
  }

  it.each([false, true])('the trigger, gate and pipeline have no unacknowledged finding in the four packs (in a VPC: %s)', (strict) => {
    const { trigger, template } = teamStack(strict);
    const findings = PACKS.flatMap((make) => {
      const report = make().validateScope(trigger);
      return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));
    });
    expect(findings).toEqual([]);
    for (const f of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(f.Properties.VpcConfig === undefined).toBe(!strict);
      expect(f.Properties.ReservedConcurrentExecutions === undefined).toBe(!strict);
    }
  });
});
