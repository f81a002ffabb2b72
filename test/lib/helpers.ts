/** Shared helpers for the CDK tests: configs, nag runs and template scans. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { validateConfig, type DriftwatchConfig } from '../../config';

/** Every unacknowledged AwsSolutions finding under `scope`, as `rule @ path` lines. */
export function nagFindings(scope: IConstruct): string[] {
  const report = new AwsSolutionsChecks().validateScope(scope);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));
}

/** A valid config with `models` models of `features` features each (half numeric, half categorical). */
export function syntheticConfig(models: number, features: number, extra: Partial<Record<string, unknown>> = {}): DriftwatchConfig {
  return validateConfig({
    env: 'bench',
    models: Array.from({ length: models }, (_, m) => ({
      id: `model_${m}`,
      owner: { name: 'Team', email: 'team@example.com', pagerDutySecretName: 'dw/pd', slackWebhookSecretName: 'dw/slack' },
      task: 'regression',
      features: Array.from({ length: features }, (_, f) => ({ name: `feature_${f}`, kind: f % 2 === 0 ? 'numeric' : 'categorical' })),
      prediction: { type: 'value' },
      businessColumns: [{ name: 'amount', type: 'double' }],
    })),
    ...extra,
  });
}

type Json = unknown;

/** Every IAM policy statement in a template (inline role policies and AWS::IAM::Policy documents). */
export function iamStatements(template: Template): Record<string, Json>[] {
  const out: Record<string, Json>[] = [];
  const resources = template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, Json> }>;
  for (const r of Object.values(resources)) {
    const docs: Json[] = [];
    if (r.Type === 'AWS::IAM::Role') for (const p of (r.Properties?.Policies as { PolicyDocument: Json }[] | undefined) ?? []) docs.push(p.PolicyDocument);
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') docs.push(r.Properties?.PolicyDocument);
    for (const d of docs) for (const s of ((d as { Statement?: Record<string, Json>[] }).Statement ?? [])) out.push(s);
  }
  return out;
}

export function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** The templates of every stack in a synthesized app. */
export function templatesOf(app: App): Map<string, Template> {
  const assembly = app.synth();
  const out = new Map<string, Template>();
  for (const stack of assembly.stacks) out.set(stack.stackName, Template.fromJSON(stack.template as Record<string, unknown>));
  return out;
}

/** A CloudFormation value as one string, references as `${Logical.Attr}` / `${Logical}` (Fn::Join flattened, arrays comma-joined). */
export function renderCfn(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(renderCfn).join(',');
  const v = value as Record<string, unknown>;
  if ('Ref' in v) return `\${${v.Ref as string}}`;
  if ('Fn::GetAtt' in v) return `\${${(v['Fn::GetAtt'] as string[]).join('.')}}`;
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map(renderCfn).join(sep);
  }
  return JSON.stringify(value);
}

/** cfn-lint's findings on one stack of `app` (empty stdout and exit 0 when clean). */
export function cfnLintStack(app: App, stackName: string): { readonly error?: Error; readonly stdout: string; readonly status: number | null } {
  const assembly = app.synth();
  const file = path.join(assembly.directory, assembly.getStackByName(stackName).templateFile);
  return spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });
}
