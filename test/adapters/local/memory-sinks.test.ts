/** The memory metrics and event sinks keep everything published, in order, as copies. */
import { MemoryEventSink } from '../../../lambda/adapters/local/memory-event-sink';
import { MemoryMetricsSink } from '../../../lambda/adapters/local/memory-metrics-sink';

const t = new Date('2024-05-01T13:00:00Z');

describe('MemoryMetricsSink', () => {
  it('keeps every datum with its namespace, in order across calls', async () => {
    const sink = new MemoryMetricsSink();
    const a = { name: 'DriftScore', unit: 'None' as const, value: 0.3, dimensions: { Env: 'dev', Model: 'fraud' }, timestamp: t };
    const b = { name: 'Rows', unit: 'Count' as const, value: 120, dimensions: { Env: 'dev', Model: 'fraud', Window: '1d' }, timestamp: t };
    await sink.publish('Driftwatch', [a, b]);
    await sink.publish('Other', [a]);
    await sink.publish('Driftwatch', [b]);
    expect(sink.published.map((d) => [d.namespace, d.name])).toEqual([['Driftwatch', 'DriftScore'], ['Driftwatch', 'Rows'], ['Other', 'DriftScore'], ['Driftwatch', 'Rows']]);
    expect(sink.data('Driftwatch')).toEqual([a, b, b]);
  });
});

describe('MemoryEventSink', () => {
  it('keeps every event in order, its detail copied as EventBridge would deliver it', async () => {
    const sink = new MemoryEventSink();
    const detail = { model: 'fraud', severity: 'critical', top: [{ feature: 'amount', impact: 0.4 }] };
    await sink.put([{ source: 'driftwatch', detailType: 'Driftwatch Drift Status Changed', detail, time: t }]);
    await sink.put([{ source: 'driftwatch', detailType: 'Driftwatch No Traffic', detail: { model: 'fraud' }, time: t }]);
    detail.top[0].impact = 0; // the caller changing its object afterwards
    expect(sink.events.map((e) => e.detailType)).toEqual(['Driftwatch Drift Status Changed', 'Driftwatch No Traffic']);
    expect(sink.events[0].detail).toEqual({ model: 'fraud', severity: 'critical', top: [{ feature: 'amount', impact: 0.4 }] });
  });
});
