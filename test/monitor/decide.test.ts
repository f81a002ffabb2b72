/**
 * The engine's decision step is pure: these tests need no port, only a reference, window measures
 * and the state the previous window left.
 */
import { modelSchema } from '../../config/schema';
import { observeDatasetProfile } from '../../lambda/core/profile';
import type { Dataset } from '../../lambda/core/types';
import { decideWindow, type DecideContext } from '../../lambda/monitor/decide';
import { monitorModelFromConfig } from '../../lambda/monitor/from-config';
import { metricCount } from '../../lambda/monitor/metrics';
import { metricsOf } from '../../lambda/monitor/model';
import { fitReference } from '../../lambda/monitor/reference';
import { measureWindow, type WindowMeasures } from '../../lambda/monitor/score';
import { initialState, type MonitorState } from '../../lambda/monitor/state';
import type { PerformanceAggregates } from '../../lambda/sql';
import { prng } from '../support/random';

const owner = { name: 'Risk', email: 'risk@example.com', pagerDutySecretName: 'pd', slackWebhookSecretName: 'slack' };
const config = modelSchema.parse({
  id: 'fraud',
  owner,
  task: 'binary_classification',
  features: [
    { name: 'amount', kind: 'numeric', importance: 0.7 },
    { name: 'merchant', kind: 'categorical', importance: 0.3 },
  ],
  prediction: { type: 'score' },
  label: { classes: ['legit', 'fraud'], positiveClass: 'fraud' },
  baseline: { days: 14 },
  driftBands: { enabled: false },
  monitor: { windows: [{ name: '7d', hours: 168 }], minRows: 50 },
});
const model = monitorModelFromConfig('prod', config, 168); // baseline: 14 days of 7-day windows = 2 windows

function batch(n: number, shift: number, seed: number): Dataset {
  const random = prng(seed);
  const merchants = ['grocery', 'travel', 'online'];
  return {
    rowCount: n,
    columns: [
      { kind: 'numeric', name: 'amount', values: Float64Array.from({ length: n }, () => 50 + shift + 20 * (random() - 0.5)) },
      { kind: 'categorical', name: 'merchant', codes: Int32Array.from({ length: n }, () => Math.floor(random() * 3)), dictionary: merchants },
    ],
  };
}

const reference = fitReference(model, batch(5000, 0, 1), null, { source: 'test', createdAt: new Date(0) });
const ctx: DecideContext = { model, reference, metrics: metricsOf(model) };

/** Confusion of `correct` right and `wrong` wrong predictions (half of each class). */
function performance(correct: number, wrong: number): PerformanceAggregates {
  const cells = [
    { actual: 'fraud', predicted: 'fraud', count: correct / 2 },
    { actual: 'legit', predicted: 'legit', count: correct / 2 },
    { actual: 'fraud', predicted: 'legit', count: wrong / 2 },
    { actual: 'legit', predicted: 'fraud', count: wrong / 2 },
  ];
  return { rows: correct + wrong, labelled: correct + wrong, coverage: 1, confusion: cells, errors: null, business: [], variants: [] } as unknown as PerformanceAggregates;
}

function measures(index: number, n: number, shift: number, perf: PerformanceAggregates | null): WindowMeasures {
  const start = new Date(Date.UTC(2026, 10, 1) + index * 168 * 3_600_000);
  const span = { index, start, end: new Date(start.getTime() + 168 * 3_600_000), label: `week ${index}` };
  return measureWindow(model, reference, span, observeDatasetProfile(batch(n, shift, 100 + index), reference.profile), [], perf);
}

test('thresholds calibrate when the last baseline window is decided, and the next window is judged against them', () => {
  let state: MonitorState = initialState('fraud', '7d');
  const first = decideWindow(state, measures(0, 2000, 0, performance(1800, 200)), ctx);
  expect(first.state.calibration).toBeNull();
  expect(first.window.metrics.f1.status).toBeNull();
  state = decideWindow(first.state, measures(1, 2000, 0, performance(1800, 200)), ctx).state;
  expect(state.calibration?.f1).toMatchObject({ ok: true, baseline: 0.9 });
  const judged = decideWindow(state, measures(2, 2000, 0, performance(1400, 600)), ctx);
  expect(judged.window.metrics.f1).toMatchObject({ status: 'critical', ratio: expect.closeTo(0.7 / 0.9, 9) });
  expect(judged.alerts.map((a) => [a.key, a.severity])).toContainEqual(['performance:f1', 'critical']);
});

test('since when a feature drifts is the start of the first window of the drift, kept while it lasts and cleared after', () => {
  const d1 = decideWindow(initialState('fraud', '7d'), measures(0, 2000, 40, null), ctx);
  const since = d1.window.features.find((f) => f.name === 'amount')?.since;
  expect(since).toBe('2026-11-01T00:00:00.000Z');
  const d2 = decideWindow(d1.state, measures(1, 2000, 40, null), ctx);
  expect(d2.window.features.find((f) => f.name === 'amount')?.since).toBe(since);
  expect(d2.alerts.filter((a) => a.kind === 'drift')).toEqual([]); // still the same incident: no second page
  const d3 = decideWindow(d2.state, measures(2, 2000, 0, null), ctx);
  expect(d3.window.features.find((f) => f.name === 'amount')?.since).toBeUndefined();
  expect(d3.resolutions.map((r) => r.key)).toEqual(expect.arrayContaining(['drift:amount', 'drift:dataset']));
});

test('a window with fewer than minRows rows judges no drift, however far its few rows moved', () => {
  const d = decideWindow(initialState('fraud', '7d'), measures(0, 20, 400, null), ctx);
  expect(d.window.sample).toEqual({ rows: 20, minRows: 50, reason: 'too few rows: 20 < 50, drift not judged' });
  expect(d.window.drift.status).toBe('ok');
  expect(d.alerts).toEqual([]);
});

test('a window with fewer than minRows labelled rows judges no performance: an open incident neither pages again nor resolves', () => {
  let state: MonitorState = initialState('fraud', '7d');
  for (const i of [0, 1]) state = decideWindow(state, measures(i, 2000, 0, performance(1800, 200)), ctx).state;
  const collapsed = decideWindow(state, measures(2, 2000, 0, performance(1400, 600)), ctx);
  expect(collapsed.alerts.map((a) => a.key)).toContain('performance:f1');
  // 2,000 rows, 40 of them labelled (all right): the metrics are kept, not judged.
  const few = decideWindow(collapsed.state, measures(3, 2000, 0, performance(40, 0)), ctx);
  expect(few.window.performanceSample).toEqual({ rows: 40, minRows: 50, reason: 'too few rows: 40 labelled < 50, performance not judged' });
  expect(few.window.metrics.f1).toMatchObject({ value: 1, status: null, ratio: null });
  expect([few.alerts, few.resolutions.filter((r) => r.key.startsWith('performance:'))]).toEqual([[], []]);
  expect(few.window.status).toBe('ok');
  // With enough labels again, the recovery resolves the incident.
  const recovered = decideWindow(few.state, measures(4, 2000, 0, performance(1800, 200)), ctx);
  expect(recovered.window.performanceSample).toBeUndefined();
  expect(recovered.resolutions.map((r) => r.key)).toContain('performance:f1');
});

test('a binary classifier with 50 features and the default windows and top-K bills 73 custom metrics', () => {
  const wide = modelSchema.parse({
    ...config,
    features: Array.from({ length: 50 }, (_, i) => ({ name: `f${i}`, kind: 'numeric' })),
    monitor: undefined,
  });
  expect(metricCount(monitorModelFromConfig('prod', wide), 2)).toBe(73);
});
