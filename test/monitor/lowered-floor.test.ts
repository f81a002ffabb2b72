/**
 * The lowered KS floor, through the one engine: by default (`lowerEffect: 'numeric'`) one window over
 * it pages; with 'persistent' decideWindow carries the runs in the monitor's state, and the state and
 * the reference keep them through their stores.
 */
import { modelSchema } from '../../config/schema';
import { MemoryObjectStore } from '../../lambda/adapters/local';
import { observeDatasetProfile } from '../../lambda/core/profile';
import type { Dataset } from '../../lambda/core/types';
import { decideWindow, type DecideContext, type Decided } from '../../lambda/monitor/decide';
import { monitorModelFromConfig } from '../../lambda/monitor/from-config';
import { metricsOf } from '../../lambda/monitor/model';
import { fitReference, parseReference, serializeReference } from '../../lambda/monitor/reference';
import { measureWindow } from '../../lambda/monitor/score';
import { initialState, parseState, type MonitorState } from '../../lambda/monitor/state';
import { prng } from '../support/random';

const owner = { name: 'Risk', email: 'risk@example.com', pagerDutySecretName: 'pd', slackWebhookSecretName: 'slack' };
const spec = {
  id: 'fraud',
  owner,
  task: 'binary_classification',
  features: [
    { name: 'amount', kind: 'numeric' },
    { name: 'merchant', kind: 'categorical' },
  ],
  prediction: { type: 'score' },
  label: { classes: ['legit', 'fraud'], positiveClass: 'fraud' },
  monitor: { windows: [{ name: '7d', hours: 168 }], minRows: 50 },
};
const defaults = monitorModelFromConfig('prod', modelSchema.parse(spec), 168);
const model = monitorModelFromConfig('prod', modelSchema.parse({ ...spec, driftBands: { lowerEffect: 'persistent' } }), 168);
const ROWS = 2000;
/** A 0.25σ mean shift: KS about 0.1, under the 0.2 default floor. */
const SHIFT = 2.5;

/** `n` rows: amount normal with mean 50 + shift and σ 10 (a shift of 2.5 is a KS of 0.1, PSI 0.06), three merchants. */
function batch(n: number, shift: number, seed: number): Dataset {
  const random = prng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return {
    rowCount: n,
    columns: [
      { kind: 'numeric', name: 'amount', values: Float64Array.from({ length: n }, () => 50 + shift + 10 * normal()) },
      { kind: 'categorical', name: 'merchant', codes: Int32Array.from({ length: n }, () => Math.floor(random() * 3)), dictionary: ['grocery', 'travel', 'online'] },
    ],
  };
}

// 12 reference windows of the monitoring size: the band of amount's KS is far below the 0.2 floor.
const referenceRows = batch(12 * ROWS, 0, 1);
const slices = Array.from({ length: 12 }, (_, i) => ({
  rowCount: ROWS,
  columns: referenceRows.columns.map((c) =>
    c.kind === 'numeric' ? { ...c, values: c.values.slice(i * ROWS, (i + 1) * ROWS) } : { ...c, codes: c.codes.slice(i * ROWS, (i + 1) * ROWS) },
  ),
})) as Dataset[];
const reference = fitReference(model, referenceRows, { ok: true, windows: slices }, { source: 'test', createdAt: new Date(0) });
const ctx: DecideContext = { model, reference, metrics: metricsOf(model) };
const byDefault = fitReference(defaults, referenceRows, { ok: true, windows: slices }, { source: 'test', createdAt: new Date(0) });
const defaultCtx: DecideContext = { model: defaults, reference: byDefault, metrics: metricsOf(defaults) };

function judge(state: MonitorState, shift: number, judgedBy: DecideContext = ctx): Decided {
  const index = state.windows;
  const start = new Date(Date.UTC(2026, 10, 1) + index * 168 * 3_600_000);
  const span = { index, start, end: new Date(start.getTime() + 168 * 3_600_000), label: `week ${index}` };
  const current = observeDatasetProfile(batch(ROWS, shift, 100 + index), judgedBy.reference.profile);
  return decideWindow(state, measureWindow(judgedBy.model, judgedBy.reference, span, current, [], null), judgedBy);
}

const amountPages = (d: Decided) => d.alerts.filter((a) => a.key === 'drift:amount' && a.severity === 'critical');
const amount = (d: Decided) => d.window.features.find((f) => f.name === 'amount')!;

test('the reference lowers the floor of its steady numeric feature only, below the 0.2 default', () => {
  expect(Object.keys(reference.drift.lowered ?? {})).toEqual(['amount']);
  expect(reference.drift.lowered?.amount.minEffectCritical).toBeLessThan(0.08);
  expect(reference.drift.lowered?.amount.pValueCritical).toBe(1e-4);
  expect(reference.drift.thresholds.amount.minEffectCritical).toBe(0.2);
});

test("by default ('numeric') the first window over the lowered floor pages, and a window without the shift does not", () => {
  expect(byDefault.drift.lowered?.amount).toEqual({ ...reference.drift.lowered?.amount, windows: 1 });
  const first = judge(initialState('fraud', '7d'), SHIFT, defaultCtx);
  expect(amount(first).status).toBe('critical');
  expect(amount(first).reasons.at(-1)).toMatch(/^critical: KS statistic 0\.\d+ >= the reference's lowered floor 0\.\d+ \(p-value .* < 0\.0001\)$/);
  expect(amountPages(first)).toHaveLength(1);
  const quiet = judge(initialState('fraud', '7d'), 0, defaultCtx);
  expect(amount(quiet).status).not.toBe('critical');
  expect(amountPages(quiet)).toEqual([]);
});

test("with 'persistent' a shift over the lowered floor for one window does not page, in the second window in a row it does", () => {
  expect(reference.drift.lowered?.amount.windows).toBe(2);
  const first = judge(initialState('fraud', '7d'), SHIFT);
  expect(amount(first).status).not.toBe('critical');
  expect(amountPages(first)).toEqual([]);
  expect(first.state.lowered).toEqual({ amount: 1 });
  const second = judge(first.state, SHIFT);
  expect(amount(second).status).toBe('critical');
  expect(amount(second).reasons.at(-1)).toMatch(/lowered floor .* 2 windows in a row over it/);
  expect(amountPages(second)).toHaveLength(1);
  // The dataset status keeps the default floors.
  expect(second.window.drift.status).not.toBe('critical');
});

test('a window without the shift resets the run', () => {
  let d = judge(initialState('fraud', '7d'), SHIFT);
  d = judge(d.state, 0);
  expect(d.state.lowered).toEqual({});
  d = judge(d.state, SHIFT);
  expect(amountPages(d)).toEqual([]);
  expect(d.state.lowered).toEqual({ amount: 1 });
});

test('the runs round-trip through the state store, and the floors through the reference store', async () => {
  const store = new MemoryObjectStore();
  await store.putJson('state.json', judge(initialState('fraud', '7d'), SHIFT).state);
  const stored = await store.getJson('state.json');
  const state = parseState(stored?.value, 'state.json');
  expect(state.lowered).toEqual({ amount: 1 });
  expect(amountPages(judge(state, SHIFT))).toHaveLength(1);

  const reread = parseReference(serializeReference(reference), 'reference.json', model);
  expect(reread.drift.lowered).toEqual(reference.drift.lowered);
  // State written before the rule has no runs: it starts counting.
  const { lowered: _, ...old } = state;
  expect(parseState(JSON.parse(JSON.stringify(old)), 'state.json').lowered).toBeUndefined();
});
