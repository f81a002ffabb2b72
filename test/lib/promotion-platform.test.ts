/**
 * Platform wires a ModelPromotion for each model with a `promotion` section, in the model's stack,
 * with the data stack's ledger, analytics and owner topics imported by name; its resources count in
 * the stack-splitting estimate, and a strict profile puts its function in the VPC, clean in the packs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { validateConfig } from '../../config';
import { removeTemporaryAssets } from '../../lib/monitor';
import { createDriftwatchApp, estimateModelResources, MODEL_RESOURCES, MODEL_TEMPLATE_BYTES } from '../../lib/platform';
import { COMPLIANCE_FIXTURE, PACKS } from './compliance-report';
import { ENDPOINT, promotionConfig } from './promotion.test-fixture';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-promotion-platform-'));
afterAll(() => {
  removeTemporaryAssets();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const config = promotionConfig({}, 'dev');
const { app, platform } = createDriftwatchApp(config, { outdir: path.join(tmp, 'out'), nag: false });
const models = Template.fromJSON(app.synth().getStackByName('Driftwatch-dev-Models-1').template);

it('builds one promotion per model with a promotion section, in its model stack, with the ledger and the workgroup of the environment', () => {
  expect([...platform.promotions.keys()]).toEqual(['fraud_detector']);
  models.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
  models.hasResourceProperties('AWS::Lambda::Function', {
    FunctionName: 'dw-dev-fraud_detector-promotion',
    Environment: { Variables: Match.objectLike({ DW_ENDPOINT_NAME: ENDPOINT, DW_LEDGER_TABLE: 'dw-dev-promotion-ledger', DW_WORKGROUP: 'driftwatch-dev', DW_DATABASE: 'driftwatch_dev' }) },
  });
});

it('converts the shadow\'s captures into the model\'s prediction stream: the data bucket sends its events to EventBridge and expires the captures', () => {
  models.hasResourceProperties('AWS::Lambda::Function', {
    FunctionName: 'dw-dev-fraud_detector-capture',
    Environment: { Variables: Match.objectLike({ DW_PREDICTION_STREAM: Match.anyValue() }) },
  });
  models.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'dw-dev-fraud_detector-promotion', Environment: { Variables: Match.objectLike({ DW_CAPTURE_BUCKET: Match.anyValue(), DW_CAPTURE_KMS_KEY_ID: Match.anyValue() }) } });
  const data = Template.fromJSON(app.synth().getStackByName('Driftwatch-dev-Data').template);
  data.hasResourceProperties('AWS::S3::Bucket', {
    NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ Id: 'captures-fraud_detector', Prefix: 'capture/fraud_detector/', ExpirationInDays: 90 })]) },
  });
});

it('leaves models without a promotion section alone', () => {
  const input = promotionConfig({}, 'dev');
  const plain = validateConfig({ ...input, models: input.models.map(({ promotion: _p, ...m }) => m) } as never);
  const { platform: p } = createDriftwatchApp(plain, { outdir: path.join(tmp, 'plain'), nag: false });
  expect(p.promotions.size).toBe(0);
});

it('counts its resources in the stack-splitting estimate', () => {
  const promotion = platform.promotions.get('fraud_detector')!;
  const count = promotion.node.findAll().filter((c) => CfnResource.isCfnResource(c)).length;
  expect(count).toBe(MODEL_RESOURCES.promotion);
  const [model] = config.models;
  expect(estimateModelResources(model) - estimateModelResources({ ...model, promotion: undefined })).toBe(count);
});

it('under a strict compliance profile runs its function in the VPC with reserved concurrency, clean in the four packs', () => {
  const strict = validateConfig({ ...promotionConfig({}, 'dev'), compliance: { profile: 'hipaa', ...COMPLIANCE_FIXTURE } } as never);
  const { app: a, platform: p } = createDriftwatchApp(strict, { outdir: path.join(tmp, 'hipaa'), nag: false });
  const t = Template.fromJSON(a.synth().getStackByName('Driftwatch-dev-Models-1').template);
  t.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'dw-dev-fraud_detector-promotion', VpcConfig: Match.anyValue(), ReservedConcurrentExecutions: Match.anyValue() });
  const promotion = p.promotions.get('fraud_detector')!;
  const findings = PACKS.flatMap((make) => make().validateScope(promotion).violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`)));
  expect(findings).toEqual([]);
});

it('counts its template bytes in the stack-splitting estimate', () => {
  const promotion = platform.promotions.get('fraud_detector')!;
  const resources = models.toJSON().Resources as Record<string, unknown>;
  const ids = promotion.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c)).map((r) => Stack.of(r).resolve(r.logicalId) as string);
  const mine = Object.fromEntries(ids.map((id) => [id, resources[id]]));
  expect(JSON.stringify(mine, null, 1).length).toBeLessThan(MODEL_TEMPLATE_BYTES.promotion);
});
