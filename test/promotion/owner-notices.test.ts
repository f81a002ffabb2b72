/**
 * The promotion facts the owner is told (issue 11: the shadow comparison's result "is recorded and
 * sent to the owner"): NotifyingLedger over the file ledger, publishing to a recording AlertSink (the
 * SNS adapter and the notifier's delivery of owner alerts run on moto in test/alerting-eval/gate-alert.test.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseOwnerAlert, type OwnerAlert } from '../../lambda/alerting/owner-alert';
import { FileLedger } from '../../lambda/promotion/adapters/file-ledger';
import { LEDGER_ENTRY_FORMAT, type LedgerEntry } from '../../lambda/promotion/ledger';
import { NotifyingLedger } from '../../lambda/promotion/owner-notices';

let dir: string;
beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-notices-'))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function recording(fail?: Error) {
  const published: OwnerAlert[] = [];
  return { published, publish: async (a: OwnerAlert) => { if (fail) throw fail; published.push(a); } };
}

const entry = (kind: LedgerEntry['kind'], outcome: string, id: string, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
  format: LEDGER_ENTRY_FORMAT, env: 'prod', modelId: 'fraud', id, at: '2026-11-24T12:00:00.000Z', kind, actor: { type: 'system', id: 'promotion/compare-shadow' },
  outcome, reason: `${kind} ${outcome}`, subject: { version: '2', championVersion: '1' }, metrics: {}, ...extra,
});

it("the shadow comparison's verdict reaches the owner with its figures; the shadow's start does not", async () => {
  const alerts = recording();
  const ledger = new NotifyingLedger(new FileLedger(dir), alerts);
  await ledger.append(entry('shadow', 'started', 'shadow:2:exec-1'));
  await ledger.append(entry('shadow-comparison', 'better', 'shadow-comparison:2:exec-1', {
    reason: 'candidate accuracy 0.9 vs champion 0.8 on 1200 labelled rows (mcnemar-exact, p = 1e-12): better',
    metrics: { labelled_rows: 1200, champion_accuracy: 0.8, candidate_accuracy: 0.9, p_value: 1e-12 },
  }));
  expect(alerts.published).toHaveLength(1);
  const [alert] = alerts.published;
  expect(parseOwnerAlert(alert)).toEqual(alert);
  expect(alert).toMatchObject({ id: 'ledger:shadow-comparison:2:exec-1', signal: 'promotion:shadow-comparison', severity: 'warning', title: 'fraud: shadow comparison better (candidate 2 against champion 1)' });
  expect(alert.summary).toBe('candidate accuracy 0.9 vs champion 0.8 on 1200 labelled rows (mcnemar-exact, p = 1e-12): better');
  expect(alert.facts).toMatchObject({ labelled_rows: '1200', candidate_accuracy: '0.9', by: 'promotion/compare-shadow (system)' });
});

it('a promotion, a rollback on request and a rolled-back canary are announced; approvals and canary starts are not', async () => {
  const alerts = recording();
  const ledger = new NotifyingLedger(new FileLedger(dir), alerts);
  for (const [kind, outcome] of [['approval', 'approved'], ['promotion', 'canary-started'], ['promotion', 'promoted'], ['rollback', 'canary-rolled-back'], ['rollback', 'started'], ['rollback', 'rolled-back']] as const) {
    await ledger.append(entry(kind, outcome, `${kind}:${outcome}`));
  }
  expect(alerts.published.map((a) => a.signal)).toEqual(['promotion:promoted', 'promotion:canary', 'promotion:rollback']);
});

it('a retried step announces again under the same id (the notifier delivers it once); a failed publish fails after the entry is kept', async () => {
  const alerts = recording();
  const file = new FileLedger(dir);
  const ledger = new NotifyingLedger(file, alerts);
  const promoted = entry('promotion', 'promoted', 'promotion:2');
  await ledger.append(promoted);
  expect(await ledger.append(promoted)).toEqual({ written: false });
  expect(alerts.published.map((a) => a.id)).toEqual(['ledger:promotion:2', 'ledger:promotion:2']);

  const failing = new NotifyingLedger(file, recording(new Error('AuthorizationError: not allowed')));
  await expect(failing.append(entry('rollback', 'rolled-back', 'rollback:1'))).rejects.toThrow('ledger entry rollback:1 is recorded, but the owner could not be told: AuthorizationError: not allowed');
  expect((await file.history('fraud')).map((e) => e.id)).toContain('rollback:1');
});
