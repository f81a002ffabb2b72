/**
 * EmfMetricsSink through the real Powertools Metrics: the EMF lines it writes to stdout, parsed back
 * with parseEmfLines, are exactly the data published: names, units, values, each datum's own
 * dimension set (no `service` added) and timestamps.
 */
import { EmfMetricsSink } from '../../../lambda/adapters/aws/emf-metrics-sink';
import { parseEmfLines } from '../../../lambda/adapters/aws/emf-parse';
import type { MetricDatum } from '../../../lambda/ports/metrics-sink';
import { captureStdout } from '../../support/capture-stdout';

const windowEnd = new Date(Date.now() - 3_600_000 - (Date.now() % 3_600_000)); // an hour start CloudWatch accepts
const hourStart = new Date(windowEnd.getTime() - 3_600_000);
const model = { Env: 'prod', Model: 'fraud' };
const window = { Env: 'prod', Model: 'fraud', Window: '1d' };
const feature = (name: string) => ({ ...window, Feature: name });

/** Data with three dimension sets and two timestamps, in the order the sink groups them. */
const data: MetricDatum[] = [
  { name: 'DriftStatus', unit: 'None', value: 2, dimensions: window, timestamp: windowEnd },
  { name: 'DriftedImportance', unit: 'Percent', value: 42.5, dimensions: window, timestamp: windowEnd },
  { name: 'LabelCoverage', unit: 'Percent', value: 61.25, dimensions: window, timestamp: windowEnd },
  { name: 'Psi', unit: 'None', value: 0.3124, dimensions: feature('amount'), timestamp: windowEnd },
  { name: 'Psi', unit: 'None', value: 0.0412, dimensions: feature('merchant_category'), timestamp: windowEnd },
  { name: 'Rows', unit: 'Count', value: 100_000, dimensions: model, timestamp: hourStart },
];

const quiet = { warn: jest.fn(), debug: jest.fn(), info: jest.fn(), error: jest.fn() };

async function emitted(publish: (sink: EmfMetricsSink) => Promise<void>): Promise<string> {
  const sink = new EmfMetricsSink({ logger: quiet });
  return (await captureStdout(() => publish(sink))).output;
}

describe('EmfMetricsSink', () => {
  it('emits exactly the data published: names, units, values, dimension sets and timestamps', async () => {
    const output = await emitted((sink) => sink.publish('Driftwatch', data));
    expect(parseEmfLines(output, { namespace: 'Driftwatch' })).toEqual(data);
    expect(quiet.warn).not.toHaveBeenCalled();
  });

  it('writes one EMF document per timestamp and dimension set, without a service dimension', async () => {
    const output = await emitted((sink) => sink.publish('Driftwatch', data));
    const documents = output.trim().split('\n').map((line) => JSON.parse(line));
    expect(documents.map((d) => d._aws.CloudWatchMetrics[0].Dimensions)).toEqual([
      [['Env', 'Model', 'Window']],
      [['Env', 'Model', 'Window', 'Feature']],
      [['Env', 'Model', 'Window', 'Feature']],
      [['Env', 'Model']],
    ]);
    expect(documents.every((d) => !('service' in d) && d._aws.CloudWatchMetrics[0].Namespace === 'Driftwatch')).toBe(true);
  });

  it('keeps each datum when a name repeats within one dimension set (separate documents, no merged array)', async () => {
    const twice: MetricDatum[] = [
      { name: 'Rows', unit: 'Count', value: 10, dimensions: model, timestamp: hourStart },
      { name: 'Rows', unit: 'Count', value: 20, dimensions: model, timestamp: hourStart },
    ];
    const output = await emitted((sink) => sink.publish('Driftwatch', twice));
    expect(output.trim().split('\n')).toHaveLength(2);
    expect(parseEmfLines(output, { namespace: 'Driftwatch' })).toEqual(twice);
  });

  it('splits more than 100 metrics of one dimension set into several documents', async () => {
    const many: MetricDatum[] = Array.from({ length: 250 }, (_, i) => ({ name: `M${i}`, unit: 'None', value: i, dimensions: model, timestamp: hourStart }));
    const output = await emitted((sink) => sink.publish('Driftwatch', many));
    expect(output.trim().split('\n')).toHaveLength(3);
    expect(parseEmfLines(output, { namespace: 'Driftwatch' })).toEqual(many);
  });

  it('publishes each namespace under its own', async () => {
    const sink = new EmfMetricsSink({ logger: quiet });
    const { output } = await captureStdout(async () => {
      await sink.publish('Driftwatch', [data[0]]);
      await sink.publish('Driftwatch/Canary', [data[5]]);
    });
    expect(parseEmfLines(output).map((d) => [d.namespace, d.name])).toEqual([['Driftwatch', 'DriftStatus'], ['Driftwatch/Canary', 'Rows']]);
  });

  it('refuses what Powertools would drop or reshape with only a warning, naming the metric', async () => {
    const sink = new EmfMetricsSink({ logger: quiet });
    const bad = (change: Partial<MetricDatum>) => sink.publish('Driftwatch', [{ ...data[0], ...change }]);
    await expect(bad({ dimensions: { Env: 'prod', Model: '' } })).rejects.toThrow('metric "DriftStatus": dimension "Model" = ""');
    await expect(bad({ dimensions: {} })).rejects.toThrow('metric "DriftStatus": no dimensions');
    await expect(bad({ value: Number.NaN })).rejects.toThrow('metric "DriftStatus": value NaN is not a finite number');
    await expect(bad({ dimensions: { DriftStatus: 'x' } })).rejects.toThrow('collides');
  });
});

describe('parseEmfLines', () => {
  it('skips other log lines and reads value arrays and several dimension sets as CloudWatch counts them', () => {
    const line = JSON.stringify({
      _aws: { Timestamp: 1714568400000, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['A'], ['A', 'B']], Metrics: [{ Name: 'M', Unit: 'Count' }] }] },
      A: 'a',
      B: 'b',
      M: [1, 2],
    });
    const text = ['START RequestId: 1', '{"level":"INFO","message":"scored"}', line, 'END RequestId: 1'].join('\n');
    const t = new Date(1714568400000);
    expect(parseEmfLines(text, { namespace: 'N' })).toEqual([
      { name: 'M', unit: 'Count', value: 1, dimensions: { A: 'a' }, timestamp: t },
      { name: 'M', unit: 'Count', value: 2, dimensions: { A: 'a' }, timestamp: t },
      { name: 'M', unit: 'Count', value: 1, dimensions: { A: 'a', B: 'b' }, timestamp: t },
      { name: 'M', unit: 'Count', value: 2, dimensions: { A: 'a', B: 'b' }, timestamp: t },
    ]);
  });

  it('names the line of a malformed EMF document', () => {
    const broken = JSON.stringify({ _aws: { Timestamp: 1, CloudWatchMetrics: [{ Namespace: 'N', Dimensions: [['A']], Metrics: [{ Name: 'M' }] }] }, M: 1 });
    expect(() => parseEmfLines(`log line\n${broken}`)).toThrow('EMF line 2: dimension "A" has no string value at the root');
  });
});
