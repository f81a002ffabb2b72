/**
 * A team's stack for the alerting tests: its own key and bucket, the environment's owner topics, and
 * per model the real ModelMonitor (on throwaway prebuilt bundles, so nothing is bundled), its
 * ModelAlarms and ModelDashboard, per owner the OwnerNotifier; plus helpers that read the synthesized template back.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import example from '../../config/example';
import { validateConfig, type DriftwatchConfig } from '../../config';
import { ModelAlarms, NOTIFIER_HANDLER, ownerNotifiers, OwnerTopics, ownersOfConfig, type OwnerNotifier } from '../../lib/alerting';
import { FleetDashboard, ModelDashboard } from '../../lib/dashboards';
import { MONITOR_HANDLERS, ModelMonitor } from '../../lib/monitor';

export const payments = { name: 'Payments Risk', email: 'payments-risk@example.com', pagerDutySecretName: 'dw/pay/pd', slackWebhookSecretName: 'dw/pay/slack' };

/** config/example.ts with fraud_detector's merchant_category only notifying and country routed to Payments Risk. */
export function exampleConfig(): DriftwatchConfig {
  const input = JSON.parse(JSON.stringify(example));
  input.models[0].alerting = { features: { merchant_category: { route: 'notify' }, country: { route: 'owner', owner: payments } } };
  return validateConfig(input);
}

/** A directory of stand-in bundles (what `npm run bundle` writes); the construct only copies them. */
export function stubBundles(root: string): string {
  const dir = path.join(root, 'bundles');
  for (const name of [...Object.values(MONITOR_HANDLERS), NOTIFIER_HANDLER]) {
    fs.mkdirSync(path.join(dir, name), { recursive: true });
    fs.writeFileSync(path.join(dir, name, 'index.js'), `exports.handler = async () => ${JSON.stringify(name)};\n`);
    fs.writeFileSync(path.join(dir, name, 'index.js.map'), '{"version":3,"sources":[],"mappings":""}\n');
  }
  return dir;
}

export interface TeamStack {
  readonly app: App;
  readonly stack: Stack;
  readonly topics: OwnerTopics;
  readonly monitors: Map<string, ModelMonitor>;
  readonly alarms: Map<string, ModelAlarms>;
  /** Each owner's notifier by owner name. */
  readonly notifiers: Map<string, OwnerNotifier>;
  readonly template: Template;
}

/** Every model of `config` monitored, alarmed and on a dashboard in one stack, with the fleet dashboard. */
export function teamStack(config: DriftwatchConfig, outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-alerting-'))): TeamStack {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Team');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const bucket = new s3.Bucket(stack, 'Bucket', { encryption: s3.BucketEncryption.KMS, encryptionKey: key, enforceSSL: true });
  const topics = new OwnerTopics(stack, 'Topics', { env: config.env, owners: ownersOfConfig(config), key });
  const bundleDirectory = stubBundles(outdir);
  const monitors = new Map<string, ModelMonitor>();
  const alarms = new Map<string, ModelAlarms>();
  for (const model of config.models) {
    const monitor = new ModelMonitor(stack, `${model.id}-monitor`, { env: config.env, model, bucket, key, bundleDirectory });
    const a = new ModelAlarms(stack, `${model.id}-alarms`, { env: config.env, model, monitor, topics });
    new ModelDashboard(stack, `${model.id}-dashboard`, { env: config.env, model, monitor, alarms: a.allAlarms() });
    monitors.set(model.id, monitor);
    alarms.set(model.id, a);
  }
  const notifiers = ownerNotifiers(stack, { config, topics, bucket, key, bundleDirectory });
  new FleetDashboard(stack, 'Fleet', { env: config.env, models: config.models });
  return { app, stack, topics, monitors, alarms, notifiers, template: Template.fromStack(stack) };
}

type Json = Record<string, unknown>;

/** CloudFormation values as readable strings: `${Ref}`, `${Logical.Attr}`, Fn::Join flattened. */
export function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(render).join(',');
  const v = value as Json;
  if ('Ref' in v) return `\${${v.Ref as string}}`;
  if ('Fn::GetAtt' in v) return `\${${(v['Fn::GetAtt'] as string[]).join('.')}}`;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(render).join(sep);
  }
  return JSON.stringify(value);
}

/** The template's resources of a type, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, { Properties: Json; DependsOn?: string[] }> {
  return template.findResources(type) as Record<string, { Properties: Json; DependsOn?: string[] }>;
}

/** The metric alarms by AlarmName. */
export function alarmsByName(template: Template): Map<string, Json> {
  return new Map(Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((r) => [r.Properties.AlarmName as string, r.Properties]));
}

/** A dashboard's body as JSON (tokens rendered as `${...}` text inside its strings). */
export function dashboardBody(template: Template, name: string): { widgets: Json[] } {
  const found = Object.values(resourcesOf(template, 'AWS::CloudWatch::Dashboard')).find((r) => r.Properties.DashboardName === name);
  if (!found) throw new Error(`no dashboard ${name}`);
  return JSON.parse(render(found.Properties.DashboardBody));
}
