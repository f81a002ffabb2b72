/**
 * The dashboards on the synthesized template: a model's widgets with their thresholds drawn, the
 * alarms widget, the fleet overview (one row per model), and that every metric a widget shows is
 * one the monitor emits: in the monitor's catalogue with the same dimensions, or an AWS metric of
 * the model's own functions and queue.
 */
import * as fs from 'node:fs';
import { loadEnvironment } from '../../config';
import { monitorModelFromConfig } from '../../lambda/monitor/from-config';
import { possibleMetrics } from '../../lambda/monitor/metrics';
import { removeTemporaryAssets } from '../../lib/monitor';
import { dashboardBody, teamStack, type TeamStack } from '../alerting-eval/stack';

let team: TeamStack;
const config = loadEnvironment('example');
beforeAll(() => {
  team = teamStack(config);
});
afterAll(() => {
  removeTemporaryAssets();
  fs.rmSync(team.app.outdir, { recursive: true, force: true });
});

type Widget = { type: string; properties: { title?: string; markdown?: string; metrics?: unknown[][]; alarms?: string[]; annotations?: { horizontal: { value: number; label: string }[] } } };
const widgets = (name: string) => dashboardBody(team.template, name).widgets as Widget[];
const byTitle = (name: string, title: string) => widgets(name).find((w) => w.properties.title?.startsWith(title))!;
const lines = (w: Widget) => w.properties.annotations?.horizontal.map((a) => [a.value, a.label]);

/** A widget metric line `[namespace, name, dimName, dimValue, ..., {options}]` as parts. */
function parse(line: unknown[]) {
  const options = line[line.length - 1] as { stat: string; period: number };
  const [namespace, name, ...dims] = line.slice(0, -1) as string[];
  const dimensions: Record<string, string> = {};
  for (let i = 0; i < dims.length; i += 2) dimensions[dims[i]] = dims[i + 1];
  return { namespace, name, dimensions, ...options };
}

describe('the dashboard of a model', () => {
  const fraud = 'dw-example-fraud_detector';

  it('shows traffic, dataset drift, the top-K features per window, performance, label coverage, health and the alarms', () => {
    expect(widgets(fraud).map((w) => w.properties.title ?? w.type)).toEqual([
      'text',
      'Traffic: predictions per hour (PredictionCount)', 'Rows per scored window (WindowRows)',
      'Dataset drift status (DriftStatus: 0 ok, 1 warning, 2 critical)', 'Share of the importance drifted (DriftedImportance)',
      'Top-6 features, PSI (1d)', 'Top-6 features, status (1d)', 'Top-6 features, PSI (7d)', 'Top-6 features, status (7d)',
      'Performance against baseline (MetricRatio, lower is worse)', 'Performance and business metrics (MetricValue)',
      'Label coverage (LabelCoverage: labelled / rows)', 'Monitor health: failed attempts, runs in the dead-letter queue',
      'Alarms',
    ]);
  });

  it('draws the thresholds: status 1 and 2, PSI 0.2 / 0.25 and a feature\'s own, ratio 0.9 / 0.8, the label floor', () => {
    expect(lines(byTitle(fraud, 'Dataset drift status'))).toEqual([[1, 'warning'], [2, 'critical']]);
    expect(lines(byTitle(fraud, 'Top-6 features, status (7d)'))).toEqual([[1, 'warning'], [2, 'critical']]);
    expect(lines(byTitle(fraud, 'Top-6 features, PSI (1d)'))).toEqual([[0.2, 'PSI warning 0.2'], [0.25, 'PSI critical 0.25'], [0.15, 'amount warning 0.15'], [0.22, 'amount critical 0.22']]);
    expect(lines(byTitle(fraud, 'Performance against baseline'))).toEqual([[0.9, 'warning 0.9'], [0.8, 'critical 0.8']]);
    expect(lines(byTitle(fraud, 'Label coverage'))).toEqual([[0.5, 'floor 0.5']]);
  });

  it('plots window metrics over the score period (one datapoint per run) and traffic hourly with Maximum', () => {
    expect(parse(byTitle(fraud, 'Traffic').properties.metrics![0])).toMatchObject({ name: 'PredictionCount', stat: 'Maximum', period: 3600 });
    expect(byTitle(fraud, 'Top-6 features, PSI (7d)').properties.metrics!.map((l) => parse(l))).toEqual(
      ['amount', 'merchant_category', 'account_age_days', 'country', 'hour_of_day', 'device_type'].map((f) =>
        expect.objectContaining({ name: 'FeaturePsi', stat: 'Maximum', period: 86_400, dimensions: { Env: 'example', Model: 'fraud_detector', Window: '7d', Feature: f } }),
      ),
    );
  });

  it("lists every alarm of the model and its composite in the alarms widget", () => {
    // `${LogicalId.Arn}` of each alarm in this stack.
    const resources = team.template.toJSON().Resources as Record<string, { Properties: { AlarmName?: string } }>;
    const listed = byTitle(fraud, 'Alarms').properties.alarms!.map((arn) => resources[/^\$\{(\w+)\.Arn\}$/.exec(arn)![1]].Properties.AlarmName);
    const alarms = team.alarms.get('fraud_detector')!;
    expect(listed).toEqual([...alarms.alarms.keys(), 'dw-example-fraud_detector-model-Critical']);
  });

  it('a ranking model (no labels, no metrics) has neither performance nor label-coverage widgets', () => {
    const titles = widgets('dw-example-search_ranker').map((w) => w.properties.title ?? '');
    expect(titles.filter((t) => /Performance|Label/.test(t))).toEqual([]);
  });
});

describe('the fleet dashboard', () => {
  it('has one row per model: drift status, drifted importance, the key metric ratio and the model-critical alarm', () => {
    const rows = widgets('dw-example-fleet').slice(1);
    expect(rows).toHaveLength(4 * config.models.length);
    expect(rows.map((w) => w.properties.title ?? w.properties.markdown)).toEqual(
      config.models.flatMap((m) => [
        `${m.id}: drift status (0 ok, 1 warning, 2 critical)`,
        `${m.id}: drifted importance`,
        { fraud_detector: 'fraud_detector: f1 ratio to baseline', ticket_router: 'ticket_router: macro_f1 ratio to baseline', delivery_eta: 'delivery_eta: mae ratio to baseline', search_ranker: '**search_ranker**: no performance metric (ranking)' }[m.id],
        `${m.id} (${m.owner.name})`,
      ]),
    );
    expect(rows[3].properties.alarms).toEqual(['arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:dw-example-fraud_detector-model-Critical']);
  });
});

describe('every widget watches a metric the monitor emits', () => {
  it('a Driftwatch metric is in the catalogue with exactly its dimensions; an AWS metric is of the model\'s own function or queue', () => {
    const names = ['fleet', ...config.models.map((m) => m.id)].map((n) => `dw-example-${n}`);
    const catalogue = new Set(config.models.flatMap((m) => possibleMetrics(monitorModelFromConfig('example', m), m.monitor.windows.map((w) => w.name)).map((p) => `${p.name} ${JSON.stringify(Object.entries(p.dimensions).sort())}`)));
    const resources = new Set(Object.keys(team.template.toJSON().Resources as object));
    let checked = 0;
    for (const name of names) {
      for (const w of widgets(name)) {
        for (const line of w.properties.metrics ?? []) {
          const m = parse(line);
          if (m.namespace === 'Driftwatch') expect(catalogue).toContain(`${m.name} ${JSON.stringify(Object.entries(m.dimensions).sort())}`);
          else {
            expect(['AWS/Lambda Errors', 'AWS/SQS ApproximateNumberOfMessagesVisible']).toContain(`${m.namespace} ${m.name}`);
            const resource = Object.values(m.dimensions)[0].replace(/^\$\{|\}$/g, '').split('.')[0];
            expect(resources).toContain(resource);
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});
