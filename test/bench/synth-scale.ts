/**
 * Synthesis at scale: 30 models × 50 features, the default stack split, cdk-nag on.
 * Run: npx tsx test/bench/synth-scale.ts [models] [features]
 * Prints seconds to synthesize, the number of stacks, the largest resource count and template size.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateConfig } from '../../config/validate';
import { createDriftwatchApp } from '../../lib/platform/app';

const MODELS = Number(process.argv[2] ?? 30);
const FEATURES = Number(process.argv[3] ?? 50);

const config = validateConfig({
  env: 'bench',
  models: Array.from({ length: MODELS }, (_, m) => ({
    id: `model_${String(m).padStart(2, '0')}`,
    owner: { name: 'Team', email: 'team@example.com', pagerDutySecretName: 'dw/pd', slackWebhookSecretName: 'dw/slack' },
    task: m % 2 === 0 ? 'binary_classification' : 'regression',
    features: Array.from({ length: FEATURES }, (_, f) => ({ name: `feature_${f}`, kind: f % 3 === 0 ? 'categorical' : 'numeric', importance: 1 / (f + 1) })),
    prediction: m % 2 === 0 ? { type: 'score' } : { type: 'value' },
    label: m % 2 === 0 ? { classes: ['no', 'yes'], positiveClass: 'yes' } : {},
    businessColumns: [
      { name: 'amount', type: 'double' },
      { name: 'segment', type: 'string' },
    ],
  })),
});

const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-bench-'));
const started = process.hrtime.bigint();
const { app } = createDriftwatchApp(config, { outdir });
const assembly = app.synth();
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

let maxResources = 0;
let maxBytes = 0;
const rows: string[] = [];
for (const stack of assembly.stacks) {
  const resources = Object.keys((stack.template as { Resources: object }).Resources).length;
  const bytes = fs.statSync(stack.templateFullPath).size;
  maxResources = Math.max(maxResources, resources);
  maxBytes = Math.max(maxBytes, bytes);
  rows.push(`  ${stack.stackName.padEnd(28)} ${String(resources).padStart(4)} resources ${(bytes / 1024).toFixed(0).padStart(6)} KiB`);
}
fs.rmSync(outdir, { recursive: true, force: true });

console.log(`models × features:        ${MODELS} × ${FEATURES}`);
console.log(`seconds to synth:         ${seconds.toFixed(1)}  (includes cdk-nag)`);
console.log(`stacks:                   ${assembly.stacks.length}`);
console.log(`max resources per stack:  ${maxResources}  (CloudFormation limit 500)`);
console.log(`max template size:        ${(maxBytes / 1024).toFixed(0)} KiB  (limit 1024 KiB)`);
console.log(rows.join('\n'));
