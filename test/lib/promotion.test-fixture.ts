/**
 * A team stack with one ModelPromotion (its own key, bucket, analytics, owner topics and ledger), the
 * promotion tests' fixture; the handler bundle is a stub (the template is what these tests read).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { validateConfig, type ModelConfig } from '../../config';
import { OwnerTopics, ownersOfConfig } from '../../lib/alerting/owner-topics';
import { Analytics } from '../../lib/analytics/analytics';
import { PromotionLedgerTable } from '../../lib/promotion/ledger-table';
import { ModelPromotion, PROMOTION_HANDLER, type ModelPromotionProps } from '../../lib/promotion';
import { functionNetwork } from '../../lib/compliance/network';
import { complianceSettings } from '../../lib/compliance/profile';
import { configWith, TRAIN_IMAGE } from '../retraining/config.test-fixture';
import { COMPLIANCE_FIXTURE } from './compliance-report';
import { renderCfn } from './helpers';

export const ENDPOINT = 'fraud-detector-team';

/** The fixture's config: the retraining fixture's model with a promotion section on ENDPOINT. */
export function promotionConfig(promotion: Record<string, unknown> = {}, env = 'team') {
  const input = configWith(env, { pipeline: { image: TRAIN_IMAGE, trainingData: { s3Uri: 's3://team-data/fraud/training/' } } }) as { models: Record<string, unknown>[] };
  input.models[0].promotion = { endpointName: ENDPOINT, ...promotion };
  return validateConfig(input as never);
}

/** A stub bundle directory with `promotion-step/index.js`. */
export function stubBundles(dir: string): string {
  fs.mkdirSync(path.join(dir, PROMOTION_HANDLER), { recursive: true });
  fs.writeFileSync(path.join(dir, PROMOTION_HANDLER, 'index.js'), 'exports.handler = async () => ({});\n');
  return dir;
}

/** `inVpc`: the function in the hipaa profile's example VPC with reserved concurrency, as Platform places it there. */
export function promotionStack(outdir: string, bundleDirectory: string, options: { model?: ModelConfig; props?: Partial<ModelPromotionProps>; inVpc?: boolean } = {}) {
  const config = promotionConfig();
  const model = options.model ?? config.models[0];
  const app = new App({ outdir });
  const stack = new Stack(app, 'Team', { env: { account: '123456789012', region: 'eu-west-1' } });
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key, enforceSSL: true });
  const analytics = new Analytics(stack, 'Analytics', { databaseName: 'driftwatch_team', workGroupName: 'driftwatch-team', resultsBucket: bucket, key });
  const topics = new OwnerTopics(stack, 'Topics', { env: 'team', owners: ownersOfConfig(config), key });
  const ledger = new PromotionLedgerTable(stack, 'Ledger', { env: 'team', encryptionKey: key });
  const tables = [
    { tableName: `predictions_${model.id}`, bucket, key, dataRoot: `predictions/${model.id}/` },
    { tableName: `labels_${model.id}`, bucket, key, dataRoot: `labels/${model.id}/` },
  ];
  const settings = complianceSettings({ profile: 'hipaa', keyAdministrators: [], terminationProtection: false, ...COMPLIANCE_FIXTURE } as never);
  const placement = options.inVpc ? { network: functionNetwork(stack, settings), reservedConcurrency: 2 } : {};
  const promotion = new ModelPromotion(stack, 'FraudPromotion', { env: 'team', model, bucket, key, analytics, tables, topics, ledger, bundleDirectory, ...placement, ...options.props });
  return { app, stack, promotion, template: Template.fromStack(stack) };
}

/** The state machine definition of `name` as Step Functions reads it, references rendered as `${Logical.Attr}`. */
export function definitionOf(template: Template, name: string): StateMachineDefinition {
  const machines = template.findResources('AWS::StepFunctions::StateMachine', { Properties: { StateMachineName: name } });
  const [machine] = Object.values(machines);
  if (!machine) throw new Error(`no state machine ${name} in the template`);
  return JSON.parse(renderCfn(machine.Properties.DefinitionString)) as StateMachineDefinition;
}

export interface StateMachineDefinition {
  readonly StartAt: string;
  readonly States: Record<string, Record<string, unknown>>;
}
