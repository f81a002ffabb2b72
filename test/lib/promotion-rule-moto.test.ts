/**
 * The registration rule's synthesized event pattern and input transformer, put into moto_server's
 * EventBridge and fed SageMaker-shaped events: only a package of the model's group registered as
 * PendingManualApproval starts a promotion, and the promotion's input is `{ modelPackageArn, eventId }`.
 * The target is an SQS queue standing in for the state machine: moto's EventBridge delivers to SQS
 * but cannot start a Step Functions execution (its send_to_targets raises NotImplementedError there);
 * and the input template's placeholder is quoted for moto, which pastes a string where EventBridge
 * quotes it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { removeTemporaryAssets } from '../../lib/monitor';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';
import { promotionStack, stubBundles } from './promotion.test-fixture';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-promotion-rule-'));
const { template } = promotionStack(path.join(tmp, 'out'), stubBundles(path.join(tmp, 'bundles')));
const [rule] = Object.values(template.findResources('AWS::Events::Rule')) as { Properties: { EventPattern: unknown; Targets: { InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string } }[] } }[];

let moto: MotoServer;
let events: EventBridgeClient;
let sqs: SQSClient;
let queueUrl: string;

beforeAll(async () => {
  moto = await startMoto();
  events = new EventBridgeClient(motoClientConfig(moto.endpoint));
  sqs = new SQSClient(motoClientConfig(moto.endpoint));
  queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'promotion-starts' }))).QueueUrl!;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await events.send(new PutRuleCommand({ Name: 'dw-team-fraud_detector-promote', EventPattern: JSON.stringify(rule.Properties.EventPattern) }));
  // EventBridge quotes a string it puts in an unquoted placeholder (as CDK writes the template); moto
  // pastes the raw value, so the placeholder is quoted here, the one change to the synthesized target.
  const { InputPathsMap, InputTemplate } = rule.Properties.Targets[0].InputTransformer;
  expect(InputTemplate).toBe('{"modelPackageArn":<detail-ModelPackageArn>,"eventId":<id>}');
  const transformer = { InputPathsMap, InputTemplate: InputTemplate.replace('<detail-ModelPackageArn>', '"<detail-ModelPackageArn>"').replace('<id>', '"<id>"') };
  await events.send(new PutTargetsCommand({ Rule: 'dw-team-fraud_detector-promote', Targets: [{ Id: 'promote', Arn: queueArn, InputTransformer: transformer }] }));
}, 60_000);

afterAll(async () => {
  await moto?.stop();
  removeTemporaryAssets();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const packageEvent = (group: string, version: number, status: string) => ({
  Source: 'aws.sagemaker',
  DetailType: 'SageMaker Model Package State Change',
  Detail: JSON.stringify({
    ModelPackageGroupName: group,
    ModelPackageVersion: version,
    ModelPackageArn: `arn:aws:sagemaker:eu-west-1:123456789012:model-package/${group}/${version}`,
    ModelApprovalStatus: status,
    CreationTime: '2026-12-01T12:00:00Z',
  }),
});

it("starts a promotion with { modelPackageArn, eventId } for a registered candidate of the model's group, and for nothing else", async () => {
  await events.send(
    new PutEventsCommand({
      Entries: [
        packageEvent('dw-team-fraud-detector', 7, 'PendingManualApproval'),
        packageEvent('dw-team-fraud-detector', 6, 'Approved'),
        packageEvent('dw-team-fraud-detector', 5, 'Rejected'),
        packageEvent('dw-team-churn', 3, 'PendingManualApproval'),
        { ...packageEvent('dw-team-fraud-detector', 8, 'PendingManualApproval'), DetailType: 'SageMaker Model Package Group State Change' },
      ],
    }),
  );
  const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  // The event's id reaches the machine: its first step tells a second delivery of the event by it.
  expect((received.Messages ?? []).map((m) => JSON.parse(m.Body!))).toEqual([{ modelPackageArn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/dw-team-fraud-detector/7', eventId: expect.stringMatching(/\S/) }]);
});
