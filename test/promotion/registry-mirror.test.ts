/**
 * The Model Registry mirrored into a real MLflow server (test/support/mlflow.ts starts it on loopback):
 * the promotion's ledger entries, appended through MirroringLedger over the file ledger, move the
 * aliases champion / shadow / previous on the MLflow versions that mirror the SageMaker packages, and
 * tag each version with what happened to it. A repeated append (a retried step) moves nothing twice.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileLedger } from '../../lambda/promotion/adapters/file-ledger';
import { LEDGER_ENTRY_FORMAT, type LedgerEntry } from '../../lambda/promotion/ledger';
import { MirroringLedger, registryMoveOf } from '../../lambda/promotion/registry-mirror';
import { MlflowRestTracker } from '../../lambda/retraining/adapters/mlflow-rest';
import { MODEL_PACKAGE_TAG } from '../../lambda/retraining/tracking';
import { startMlflow, type MlflowServer } from '../support/mlflow';

jest.setTimeout(120_000);

const NAME = 'dw-test-fraud';
const arn = (v: number) => `arn:aws:sagemaker:eu-west-1:123456789012:model-package/${NAME}/${v}`;
let mlflow: MlflowServer;
let tracker: MlflowRestTracker;
let dir: string;
let ledger: MirroringLedger;
/** MLflow version of each package version: the registries number independently (package 5 is MLflow 1 here). */
const mlflowOf: Record<number, string> = {};

beforeAll(async () => {
  mlflow = await startMlflow();
  tracker = new MlflowRestTracker({ trackingUri: mlflow.endpoint });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-mirror-'));
  ledger = new MirroringLedger(new FileLedger(dir), tracker, { registeredModelName: NAME });
  const experimentId = await tracker.ensureExperiment('driftwatch/test/fraud');
  await tracker.ensureRegisteredModel(NAME);
  for (const v of [5, 6]) {
    const run = await tracker.startRun({ experimentId, runName: `exec-${v}`, startTime: new Date('2026-11-24T00:00:00Z'), tags: {} });
    const version = await tracker.createModelVersion({ name: NAME, source: `s3://b/models/${v}/model.tar.gz`, runId: run.runId, tags: { [MODEL_PACKAGE_TAG]: arn(v) } });
    mlflowOf[v] = version.version;
  }
  await tracker.setAlias(NAME, 'champion', mlflowOf[5]);
}, 240_000);
afterAll(async () => {
  await mlflow?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

let at = Date.parse('2026-11-24T12:00:00Z');
function entry(kind: LedgerEntry['kind'], outcome: string, version: number, id: string): LedgerEntry {
  at += 60_000;
  return { format: LEDGER_ENTRY_FORMAT, env: 'test', modelId: 'fraud', id, at: new Date(at).toISOString(), kind, actor: { type: 'system', id: 'promotion' }, outcome, reason: `${kind} ${outcome}`, subject: { modelPackageArn: arn(version), version: String(version) }, metrics: {} };
}

it('only the facts that move the registry move it', () => {
  expect(registryMoveOf(entry('shadow-comparison', 'better', 6, 'c'))).toBeNull();
  expect(registryMoveOf(entry('rollback', 'canary-rolled-back', 6, 'r'))).toBeNull();
  expect(registryMoveOf(entry('promotion', 'promoted', 6, 'p'))).toEqual({ event: { kind: 'promoted', version: '6' } });
});

it('shadow, promotion and rollback move the aliases on the mirrored versions, and tag them', async () => {
  await ledger.append(entry('shadow', 'started', 6, 'shadow:6'));
  expect(await tracker.getAliases(NAME)).toEqual({ champion: mlflowOf[5], shadow: mlflowOf[6] });

  await ledger.append(entry('promotion', 'promoted', 6, 'promotion:6'));
  expect(await tracker.getAliases(NAME)).toEqual({ champion: mlflowOf[6], previous: mlflowOf[5] });

  await ledger.append(entry('rollback', 'rolled-back', 5, 'rollback:5'));
  expect(await tracker.getAliases(NAME)).toEqual({ champion: mlflowOf[5] });

  const tags = (await tracker.findModelVersionByTag(NAME, { key: MODEL_PACKAGE_TAG, value: arn(6) }))!.tags;
  expect(tags['driftwatch.ledger.promotion']).toMatch(/^promoted at 2026-11-24T12:0\d:00.000Z by promotion: promotion promoted$/);
});

it('the comparison, the approval and a canary rolled back by its alarms move no alias but are told on the version, with the figures', async () => {
  const before = await tracker.getAliases(NAME);
  await ledger.append({ ...entry('shadow-comparison', 'better', 6, 'compare:6'), metrics: { labelled_rows: 1200, candidate_accuracy: 0.9, champion_accuracy: 0.8 } });
  await ledger.append(entry('approval', 'approved', 6, 'approval:6'));
  await ledger.append(entry('rollback', 'canary-rolled-back', 6, 'canary:6'));
  expect(await tracker.getAliases(NAME)).toEqual(before);
  const tags = (await tracker.findModelVersionByTag(NAME, { key: MODEL_PACKAGE_TAG, value: arn(6) }))!.tags;
  expect(tags['driftwatch.ledger.shadow-comparison']).toMatch(/^better at .* by promotion: shadow-comparison better \[labelled_rows=1200, candidate_accuracy=0.9, champion_accuracy=0.8\]$/);
  expect(tags['driftwatch.ledger.approval']).toMatch(/^approved at /);
  expect(tags['driftwatch.ledger.rollback']).toMatch(/^canary-rolled-back at /);
});

it('a repeated append (a retried step) moves nothing twice and writes one entry', async () => {
  const again = entry('rollback', 'rolled-back', 5, 'rollback:5');
  expect(await ledger.append(again)).toEqual({ written: false });
  expect(await tracker.getAliases(NAME)).toEqual({ champion: mlflowOf[5] });
  expect((await ledger.history('fraud')).map((e) => e.id)).toEqual(['shadow:6', 'promotion:6', 'rollback:5', 'compare:6', 'approval:6', 'canary:6']);
});

it('an entry whose package has no MLflow version fails, naming the entry and the tag, after it is in the ledger', async () => {
  await expect(ledger.append(entry('promotion', 'promoted', 9, 'promotion:9'))).rejects.toThrow(
    `mirroring ledger entry promotion:9 (promotion promoted, version 9) into MLflow model ${NAME}: no MLflow version of ${NAME} has ${MODEL_PACKAGE_TAG} = ${arn(9)}`,
  );
  expect((await ledger.history('fraud')).map((e) => e.id)).toContain('promotion:9');
});
