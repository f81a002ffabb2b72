/**
 * The `PromotionLedger` port's contract as one suite, run against every adapter (DynamoDB on
 * moto_server, the JSON-lines directory), so `driftwatch history` over a local ledger answers as it
 * does over the deployed table.
 */
import { LEDGER_ENTRY_FORMAT, type LedgerEntry } from '../../lambda/promotion/ledger';
import { LedgerEntryInvalid } from '../../lambda/promotion/ledger-rules';
import type { PromotionLedger } from '../../lambda/promotion/ledger';

let counter = 0;
/** A model id no other test of the run uses (the table or directory is shared by the file's tests). */
export const freshModel = (name: string) => `${name}_${process.pid}_${++counter}`;

/** An entry with sensible defaults; `over` replaces any field. */
export function ledgerEntry(modelId: string, over: Partial<LedgerEntry> & Pick<LedgerEntry, 'id' | 'at'>): LedgerEntry {
  return {
    format: LEDGER_ENTRY_FORMAT,
    env: 'test',
    modelId,
    kind: 'trigger',
    actor: { type: 'system', id: 'retrain-trigger' },
    outcome: 'started',
    reason: 'critical dataset drift carrying 76% of the importance (policy: at least 25%)',
    subject: {},
    metrics: {},
    ...over,
  };
}

export function ledgerContract(describeName: string, subject: () => PromotionLedger): void {
  describe(describeName, () => {
    it('gives back an entry exactly as it was appended', async () => {
      const ledger = subject();
      const model = freshModel('fraud');
      const entry = ledgerEntry(model, {
        id: 'gates:exec-1',
        at: '2026-11-25T14:03:07.123Z',
        kind: 'gates',
        outcome: 'fail',
        subject: { version: '7', pipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/p/execution/abc', championVersion: '6' },
        metrics: { 'recall[high_risk]': 0.871, auc: 0.9125, delta: -0.029 },
        details: { failed: [{ gate: 'recall[high_risk] >= 0.90', value: 0.871, threshold: 0.9, delta: -0.029 }], note: 'ünïcode ✓', empty: null },
      });
      expect(await ledger.append(entry)).toEqual({ written: true });
      expect(await ledger.history(model)).toEqual([entry]);
    });

    it('writes an id once: a retried append with a later time adds nothing and keeps the first', async () => {
      const ledger = subject();
      const model = freshModel('fraud');
      const first = ledgerEntry(model, { id: 'eb-key-1', at: '2026-11-25T12:20:00Z' });
      expect(await ledger.append(first)).toEqual({ written: true });
      expect(await ledger.append({ ...first, at: '2026-11-25T12:25:00Z', outcome: 'skipped' })).toEqual({ written: false });
      expect(await ledger.append(first)).toEqual({ written: false });
      expect(await ledger.history(model)).toEqual([first]);
    });

    it('writes one of two concurrent appends of the same id', async () => {
      const ledger = subject();
      const model = freshModel('fraud');
      const a = ledgerEntry(model, { id: 'promotion:exec-9', at: '2026-11-25T12:00:00Z', kind: 'promotion', outcome: 'promoted' });
      const results = await Promise.all([ledger.append(a), ledger.append({ ...a, at: '2026-11-25T12:00:01Z' })]);
      expect(results.map((r) => r.written).sort()).toEqual([false, true]);
      expect(await ledger.history(model)).toHaveLength(1);
    });

    it('orders history oldest first by time, then id, whatever the order of appends and the time format', async () => {
      const ledger = subject();
      const model = freshModel('fraud');
      const entries = [
        ledgerEntry(model, { id: 'c', at: '2026-11-26T00:00:00Z' }),
        ledgerEntry(model, { id: 'b', at: '2026-11-25T12:00:00.000Z' }),
        ledgerEntry(model, { id: 'a', at: '2026-11-25T12:00:00Z' }),
        ledgerEntry(model, { id: 'z', at: '2026-11-24T23:59:59.999Z' }),
      ];
      for (const e of entries) await ledger.append(e);
      expect((await ledger.history(model)).map((e) => e.id)).toEqual(['z', 'a', 'b', 'c']);
    });

    it('filters by since (inclusive) and kinds, and limit keeps the newest, still oldest first', async () => {
      const ledger = subject();
      const model = freshModel('fraud');
      const kinds = ['trigger', 'execution', 'gates', 'registered', 'shadow', 'trigger', 'gates'] as const;
      for (const [i, kind] of kinds.entries()) await ledger.append(ledgerEntry(model, { id: `e${i}`, at: `2026-11-0${i + 1}T00:00:00Z`, kind }));
      const ids = async (q: Parameters<PromotionLedger['history']>[1]) => (await ledger.history(model, q)).map((e) => e.id);
      expect(await ids({ since: '2026-11-03T00:00:00Z' })).toEqual(['e2', 'e3', 'e4', 'e5', 'e6']);
      expect(await ids({ kinds: ['gates', 'trigger'] })).toEqual(['e0', 'e2', 'e5', 'e6']);
      expect(await ids({ limit: 2 })).toEqual(['e5', 'e6']);
      expect(await ids({ kinds: ['trigger'], limit: 1 })).toEqual(['e5']);
      expect(await ids({ since: '2026-11-02T00:00:00Z', kinds: ['trigger', 'execution'], limit: 10 })).toEqual(['e1', 'e5']);
    });

    it("keeps models apart, and a model with no entries has an empty history", async () => {
      const ledger = subject();
      const [a, b] = [freshModel('fraud'), freshModel('churn')];
      await ledger.append(ledgerEntry(a, { id: 'same-id', at: '2026-11-25T12:00:00Z' }));
      expect(await ledger.append(ledgerEntry(b, { id: 'same-id', at: '2026-11-25T12:00:00Z' }))).toEqual({ written: true });
      expect((await ledger.history(a)).map((e) => e.modelId)).toEqual([a]);
      expect(await ledger.history(freshModel('never'))).toEqual([]);
    });

    it('refuses an entry it could not give back the same, naming the field and the value, and writes nothing', async () => {
      const ledger = subject();
      const model = freshModel('fraud');
      const refused = async (entry: LedgerEntry) => ledger.append(entry).then(() => null, (e: Error) => e);
      const badTime = await refused(ledgerEntry(model, { id: 'x1', at: 'yesterday' }));
      expect(badTime).toBeInstanceOf(LedgerEntryInvalid);
      expect(badTime?.message).toBe('ledger entry "x1": at: expected an ISO 8601 time such as 2026-11-25T12:00:00Z, got "yesterday"');
      const nan = await refused(ledgerEntry(model, { id: 'x2', at: '2026-11-25T12:00:00Z', metrics: { auc: Number.NaN } }));
      expect(nan?.message).toBe('ledger entry "x2": metrics.auc must be a finite number, got NaN');
      const kind = await refused(ledgerEntry(model, { id: 'x3', at: '2026-11-25T12:00:00Z', kind: 'deploy' as never }));
      expect(kind?.message).toMatch(/^ledger entry "x3": kind must be one of trigger, execution, .*, got "deploy"$/);
      expect(await ledger.history(model)).toEqual([]);
    });

    it('refuses a bad query naming the field', async () => {
      const ledger = subject();
      await expect(ledger.history(freshModel('fraud'), { since: '25/11/2026' })).rejects.toThrow('since: expected an ISO 8601 time such as 2026-11-25T12:00:00Z, got "25/11/2026"');
      await expect(ledger.history(freshModel('fraud'), { limit: 0 })).rejects.toThrow('limit: expected a positive integer, got 0');
    });
  });
}
