/** The pipeline's gate step: evaluation.json in, the verdict and the failed checks out, the report in the ledger. */
import { MemoryObjectStore } from '../../lambda/adapters/local/memory-object-store';
import { parseAssertion } from '../../lambda/core/gates';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { OwnerAlert } from '../../lambda/alerting/owner-alert';
import { FileLedger } from '../../lambda/promotion/adapters/file-ledger';
import { keyPrefixOf, runGateStep } from '../../lambda/retraining/check-gates';

/** A recording AlertSink: what the step publishes (the SNS adapter is tested on moto in test/alerting-eval/gate-alert.test.ts). */
function recordingAlerts(fail?: Error) {
  const published: OwnerAlert[] = [];
  return { published, publish: async (a: OwnerAlert) => { if (fail) throw fail; published.push(a); } };
}

const clock = { now: () => new Date('2026-11-26T03:00:00Z') };
const settings = { env: 'prod', region: 'eu-west-1', modelId: 'fraud_detector', task: 'binary_classification', bucket: 'store', gates: [parseAssertion('recall_score on segment high_risk >= 0.90'), parseAssertion('recall_score >= 0.8')] };
const prefix = 'retraining/fraud_detector/runs/exec1/evaluation';

async function withEvaluation(segmentRecall: number) {
  const store = new MemoryObjectStore('store');
  await store.putJson(`${prefix}/evaluation.json`, {
    format: 'driftwatch.evaluation/v1',
    metrics: { recall_score: 0.91 },
    segments: { high_risk: { metrics: { recall_score: segmentRecall } } },
    champion: { version: '7', metrics: { recall_score: 0.89 } },
  });
  return store;
}

test('a failed assertion fails the step with the check, its value, threshold and delta', async () => {
  const store = await withEvaluation(0.87);
  const out = await runGateStep({ store, clock }, settings, { evaluationUri: `s3://store/${prefix}`, executionId: 'exec1' });
  expect(out).toEqual({
    verdict: 'fail',
    failed: 'gates failed: recall_score on segment high_risk >= 0.9: recall_score on segment high_risk is 0.87, needs >= 0.9 (delta -0.03)',
    summary: '1 of 2 checks failed: recall_score on segment high_risk is 0.87, needs >= 0.9 (delta -0.03)',
    champion: '7',
    gateReportUri: 'memory://store/retraining/fraud_detector/ledger/gates/exec1.json',
  });
  const report = (await store.getJson('retraining/fraud_detector/ledger/gates/exec1.json'))!.value as { format: string; verdict: string; results: unknown[] };
  expect([report.format, report.verdict, report.results.length]).toEqual(['driftwatch.gate-report/v1', 'fail', 2]);
  expect((await store.getJson(`${prefix}/model-quality.json`))!.value).toEqual({ binary_classification_metrics: { recall_score: { value: 0.91, standard_deviation: 'NaN' } } });
});

test('passing gates give verdict pass and failed none', async () => {
  const out = await runGateStep({ store: await withEvaluation(0.93), clock }, settings, { evaluationUri: `s3://store/${prefix}/`, executionId: 'exec1' });
  expect([out.verdict, out.failed, out.summary]).toEqual(['pass', 'none', 'all 2 checks passed']);
});

test('a missing evaluation.json or another bucket fails the step, saying where it looked', async () => {
  await expect(runGateStep({ store: new MemoryObjectStore('store'), clock }, settings, { evaluationUri: `s3://store/${prefix}`, executionId: 'exec1' })).rejects.toThrow(
    `no evaluation.json at memory://store/${prefix}/evaluation.json: the evaluation step must write it (format driftwatch.evaluation/v1)`,
  );
  expect(() => keyPrefixOf('s3://other/x', 'store')).toThrow('the gate step reads the data bucket store, but evaluationUri names bucket other (s3://other/x)');
});

describe('the owner is alerted of a failed gate', () => {
  it('with the failed check, its value, threshold and delta, and a link to the report', async () => {
    const alerts = recordingAlerts();
    await runGateStep({ store: await withEvaluation(0.87), clock, alerts }, settings, { evaluationUri: `s3://store/${prefix}`, executionId: 'exec1' });
    expect(alerts.published).toHaveLength(1);
    const [alert] = alerts.published;
    expect(alert).toMatchObject({ format: 'driftwatch.owner-alert/v1', id: 'gates:exec1', env: 'prod', modelId: 'fraud_detector', signal: 'retraining:gates', severity: 'warning', at: '2026-11-26T03:00:00.000Z' });
    expect(alert.summary).toContain('recall_score on segment high_risk is 0.87, needs >= 0.9 (delta -0.03)');
    expect(alert.facts).toEqual({ 'assertion:recall_score@high_risk': 'recall_score on segment high_risk is 0.87, needs >= 0.9 (delta -0.03)', champion: '7' });
    expect(alert.links[0].href).toContain(encodeURIComponent('retraining/fraud_detector/ledger/gates/exec1.json'));
  });

  it('not when the gates pass', async () => {
    const alerts = recordingAlerts();
    await runGateStep({ store: await withEvaluation(0.93), clock, alerts }, settings, { evaluationUri: `s3://store/${prefix}`, executionId: 'exec1' });
    expect(alerts.published).toEqual([]);
  });

  it('an alert that cannot be published fails the step with the verdict and the reason, after the report is kept', async () => {
    const store = await withEvaluation(0.87);
    const alerts = recordingAlerts(new Error('AuthorizationError: not allowed to publish'));
    await expect(runGateStep({ store, clock, alerts }, settings, { evaluationUri: `s3://store/${prefix}`, executionId: 'exec1' })).rejects.toThrow(
      'gates failed: recall_score on segment high_risk >= 0.9: recall_score on segment high_risk is 0.87, needs >= 0.9 (delta -0.03); and the owner could not be alerted: AuthorizationError: not allowed to publish',
    );
    expect(await store.getJson('retraining/fraud_detector/ledger/gates/exec1.json')).not.toBeNull();
  });
});

it('the verdict is in the promotion ledger once, with each check\'s value, even when the step is retried', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-gate-ledger-'));
  try {
    const ledger = new FileLedger(dir);
    const store = await withEvaluation(0.87);
    for (let attempt = 0; attempt < 2; attempt++) await runGateStep({ store, clock, ledger }, settings, { evaluationUri: `s3://store/${prefix}`, executionId: 'exec1' });
    const entries = await ledger.history('fraud_detector');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ id: 'gates:exec1', kind: 'gates', outcome: 'fail', actor: { type: 'system', id: 'retraining/gate-step' }, subject: { championVersion: '7' }, details: { executionId: 'exec1' }, metrics: { 'assertion:recall_score@high_risk': 0.87, 'assertion:recall_score': 0.91 } });
    expect(entries[0].reason).toBe('1 of 2 checks failed: recall_score on segment high_risk is 0.87, needs >= 0.9 (delta -0.03)');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
