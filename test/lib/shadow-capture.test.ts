/**
 * ShadowCapture in ModelPromotion's template (`predictionStream` given): the rule on the data bucket's
 * Object Created events of the model's capture prefix, the converter's least-privilege role, its DLQ,
 * the promotion Lambda's capture environment and the model role's capture write; the four cdk-nag
 * packs in and out of a VPC and cfn-lint. The conversion itself runs in test/promotion/capture-moto.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { removeTemporaryAssets } from '../../lib/monitor';
import { CAPTURE_HANDLER } from '../../lib/promotion/shadow-capture';
import { PACKS } from './compliance-report';
import { asArray, cfnLintStack, renderCfn as render } from './helpers';
import { promotionStack, stubBundles } from './promotion.test-fixture';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-capture-construct-'));
const bundles = stubBundles(path.join(tmp, 'bundles'));
fs.mkdirSync(path.join(bundles, CAPTURE_HANDLER), { recursive: true });
fs.writeFileSync(path.join(bundles, CAPTURE_HANDLER, 'index.js'), 'exports.handler = async () => ({});\n');
const STREAM = { deliveryStreamName: 'dw-team-fraud_detector-predictions', deliveryStreamArn: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/dw-team-fraud_detector-predictions' };
const team = promotionStack(path.join(tmp, 'out'), bundles, { props: { predictionStream: STREAM } });

afterAll(() => {
  removeTemporaryAssets();
  fs.rmSync(tmp, { recursive: true, force: true });
});

type Statement = { Sid?: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const statementsOf = (description: RegExp): Statement[] => {
  const policies = Object.values(team.template.findResources('AWS::IAM::ManagedPolicy')).filter((p) => description.test(p.Properties.Description));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
};

describe('ShadowCapture', () => {
  it('a rule on the bucket\'s Object Created events under capture/<model>/ invokes the converter, undeliverable events to its DLQ', () => {
    const rules = team.template.findResources('AWS::Events::Rule', { Properties: { Name: 'dw-team-fraud_detector-capture' } });
    const [rule] = Object.values(rules);
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: [expect.anything()] }, object: { key: [{ prefix: 'capture/fraud_detector/' }] } },
    });
    expect(render(rule.Properties.EventPattern.detail.bucket.name[0])).toBe('${Bucket83908E77}');
    const [target] = rule.Properties.Targets;
    expect(target).toMatchObject({ RetryPolicy: { MaximumRetryAttempts: 4, MaximumEventAgeInSeconds: 21600 }, DeadLetterConfig: { Arn: expect.anything() } });
    expect(render(target.DeadLetterConfig.Arn)).toMatch(/CaptureDeadLetterQueue.*\.Arn/);
  });

  it('the converter puts to the model\'s stream, reads the captures and writes the error objects only, through S3 with the key', () => {
    const statements = statementsOf(/the capture converter of fraud_detector/);
    const bySid = new Map(statements.map((s) => [s.Sid, { actions: asArray(s.Action), resources: asArray(s.Resource).map(render), condition: s.Condition }]));
    expect([...bySid.keys()].sort()).toEqual(['EncryptFailedRuns', 'PutPredictionRecords', 'ReadCaptures', 'SendFailedRuns', 'UseDataKeyThroughS3', 'WriteOwnLogs', 'WriteUnconvertedLines']);
    expect(bySid.get('ReadCaptures')).toMatchObject({ actions: ['s3:GetObject'], resources: ['${Bucket83908E77.Arn}/capture/fraud_detector/*'] });
    expect(bySid.get('WriteUnconvertedLines')).toMatchObject({ actions: ['s3:PutObject'], resources: ['${Bucket83908E77.Arn}/errors/predictions/fraud_detector/capture-conversion-failed/*'] });
    expect(bySid.get('PutPredictionRecords')).toMatchObject({ actions: ['firehose:PutRecordBatch'], resources: [STREAM.deliveryStreamArn] });
    expect(bySid.get('UseDataKeyThroughS3')).toMatchObject({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], condition: { StringEquals: { 'kms:ViaService': expect.anything() } } });
  });

  it('failed runs go to the encrypted DLQ after 2 retries; the function knows its stream', () => {
    team.template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'dw-team-fraud_detector-capture', Environment: { Variables: Match.objectLike({ DW_PREDICTION_STREAM: STREAM.deliveryStreamName }) } });
    team.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: Match.anyValue() } } });
    team.template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'dw-team-fraud_detector-capture-dlq', KmsMasterKeyId: Match.anyValue() });
  });

  it('the promotion Lambda creates shadow configs with Data Capture to the bucket and key, and the model role may write the captures', () => {
    team.template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'dw-team-fraud_detector-promotion',
      Environment: { Variables: Match.objectLike({ DW_CAPTURE_BUCKET: Match.anyValue(), DW_CAPTURE_KMS_KEY_ID: Match.anyValue() }) },
    });
    const model = statementsOf(/what the SageMaker models of fraud_detector read and write/);
    const write = model.find((s) => s.Sid === 'WriteDataCapture');
    expect(write && asArray(write.Resource).map(render)).toEqual(['${Bucket83908E77.Arn}/capture/fraud_detector/*']);
    expect(asArray(model.find((s) => s.Sid === 'UseDataKeyThroughS3')!.Action)).toEqual(['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt']);
  });

  it('without predictionStream there is no converter and no capture', () => {
    const plain = promotionStack(path.join(tmp, 'plain'), bundles);
    expect(Object.keys(plain.template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'dw-team-fraud_detector-capture' } }))).toEqual([]);
    const env = Object.values(plain.template.findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'dw-team-fraud_detector-promotion' } }))[0].Properties.Environment.Variables;
    expect(env.DW_CAPTURE_BUCKET).toBeUndefined();
  });

  it.each([false, true])('has no unacknowledged finding in the four cdk-nag packs (in a VPC with reserved concurrency: %s)', (inVpc) => {
    const { promotion } = promotionStack(path.join(tmp, `nag-${inVpc}`), bundles, { inVpc, props: { predictionStream: STREAM } });
    const findings = PACKS.flatMap((make) => make().validateScope(promotion).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`)));
    expect(findings).toEqual([]);
  });

  it('passes cfn-lint with no error and no warning', () => {
    const run = cfnLintStack(team.app, 'Team');
    expect(run.error).toBeUndefined();
    expect(run.stdout.trim()).toBe('');
    expect(run.status).toBe(0);
  }, 300_000);
});
