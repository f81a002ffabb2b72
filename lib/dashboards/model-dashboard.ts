/**
 * ModelDashboard: one CloudWatch dashboard per model (`dw-<env>-<model>`): traffic, dataset drift
 * status and drifted importance, the top-K features' PSI and status with their thresholds drawn,
 * performance against baseline with the 0.9 / 0.8 lines, label coverage with its floor, the monitor's
 * health and the model's alarms. Every metric is one the monitor emits (`ModelMetrics`). The HTML
 * report linked from each alert stays the place for distributions, since-when and impact order.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { modelSchema, type ModelConfig } from '../../config/schema';
import { DEFAULT_THRESHOLDS } from '../../lambda/core/defaults';
import { STATUS_VALUE } from '../../lambda/monitor/metrics';
import { RATIO_THRESHOLDS } from '../alerting/thresholds';
import type { IModelMonitor } from '../monitor/model-monitor';
import { acceptDashboardTags, METRIC, ModelMetrics } from './metrics';

/** CloudWatch's limit of alarms in one alarm status widget. */
const ALARMS_PER_WIDGET = 100;

export interface ModelDashboardProps {
  readonly env: string;
  /** The model's config (validated again here). */
  readonly model: ModelConfig;
  /** The model's alarms, shown in alarm status widgets (`ModelAlarms.allAlarms()`). @default - no alarm widget */
  readonly alarms?: readonly cloudwatch.IAlarm[];
  /** The model's monitor, for its health graph (function errors, dead-letter queue). @default - no health graph */
  readonly monitor?: IModelMonitor;
  /** @default `dw-<env>-<model>` */
  readonly dashboardName?: string;
}

const red = cloudwatch.Color.RED;
const orange = cloudwatch.Color.ORANGE;
const STATUS_LINES: cloudwatch.HorizontalAnnotation[] = [
  { value: STATUS_VALUE.warning, label: 'warning', color: orange },
  { value: STATUS_VALUE.critical, label: 'critical', color: red },
];
const RATIO_LINES: cloudwatch.HorizontalAnnotation[] = [
  { value: RATIO_THRESHOLDS.Warning!.maxRatio, label: `warning ${RATIO_THRESHOLDS.Warning!.maxRatio}`, color: orange },
  { value: RATIO_THRESHOLDS.Critical!.maxRatio, label: `critical ${RATIO_THRESHOLDS.Critical!.maxRatio}`, color: red },
];

function graph(title: string, left: cloudwatch.IMetric[], lines: cloudwatch.HorizontalAnnotation[] = [], width = 12): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left, leftAnnotations: lines, width, height: 6, legendPosition: cloudwatch.LegendPosition.BOTTOM });
}

/** @example new ModelDashboard(this, 'FraudDashboard', { env: 'prod', model, alarms: alarms.allAlarms(), monitor }); */
export class ModelDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ModelDashboardProps) {
    super(scope, id);
    const m = new ModelMetrics(props.env, modelSchema.parse(props.model));
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName ?? `dw-${props.env}-${m.model.id}`,
      widgets: [
        [header(m)],
        [graph('Traffic: predictions per hour (PredictionCount)', [m.traffic()]), graph('Rows per scored window (WindowRows)', m.windows.map((w) => m.window(METRIC.windowRows, w)))],
        [
          graph('Dataset drift status (DriftStatus: 0 ok, 1 warning, 2 critical)', m.windows.map((w) => m.window(METRIC.driftStatus, w)), STATUS_LINES),
          graph('Share of the importance drifted (DriftedImportance)', m.windows.map((w) => m.window(METRIC.driftedImportance, w))),
        ],
        ...m.windows.map((w) => featureRow(m, w)),
        ...performanceRow(m),
        ...healthRow(m, props.monitor),
        ...alarmRows(props.alarms ?? []),
      ],
    });
    acceptDashboardTags(this.dashboard);
  }
}

function header(m: ModelMetrics): cloudwatch.TextWidget {
  const model = m.model;
  const text = [
    `# ${model.id} (${model.task}), owner ${model.owner.name}`,
    `Windows ${m.windows.join(', ')} scored on \`${model.schedules.score}\`; top ${m.topFeatureNames().length} features by importance. ` +
      'Thresholds drawn are the configured ones; drift bands may raise a feature\'s when its reference is fitted, so the status graphs show the verdict. ' +
      'Each alert links the window\'s HTML report: distributions, since when, impact order.',
  ].join('\n\n');
  return new cloudwatch.TextWidget({ markdown: text, width: 24, height: 3 });
}

/** The PSI lines of the top features: the defaults, and each feature's own where configured. */
function psiLines(m: ModelMetrics): cloudwatch.HorizontalAnnotation[] {
  const top = new Set(m.topFeatureNames());
  const lines = new Map<string, cloudwatch.HorizontalAnnotation>();
  const add = (value: number, label: string, color: string) => lines.has(`${value}`) || lines.set(`${value}`, { value, label, color });
  add(DEFAULT_THRESHOLDS.psiWarning, `PSI warning ${DEFAULT_THRESHOLDS.psiWarning}`, orange);
  add(DEFAULT_THRESHOLDS.psiCritical, `PSI critical ${DEFAULT_THRESHOLDS.psiCritical}`, red);
  for (const f of m.model.features.filter((x) => top.has(x.name))) {
    if (f.thresholds?.psiWarning !== undefined) add(f.thresholds.psiWarning, `${f.name} warning ${f.thresholds.psiWarning}`, orange);
    if (f.thresholds?.psiCritical !== undefined) add(f.thresholds.psiCritical, `${f.name} critical ${f.thresholds.psiCritical}`, red);
  }
  return [...lines.values()];
}

function featureRow(m: ModelMetrics, window: string): cloudwatch.IWidget[] {
  const features = m.topFeatureNames();
  if (features.length === 0) return [];
  return [
    graph(`Top-${features.length} features, PSI (${window})`, features.map((f) => m.feature(METRIC.featurePsi, window, f)), psiLines(m)),
    graph(`Top-${features.length} features, status (${window})`, features.map((f) => m.feature(METRIC.featureDriftStatus, window, f)), STATUS_LINES),
  ];
}

function performanceRow(m: ModelMetrics): cloudwatch.IWidget[][] {
  const names = m.metricNames();
  const row: cloudwatch.IWidget[] = [];
  if (names.length > 0) {
    row.push(graph('Performance against baseline (MetricRatio, lower is worse)', m.windows.flatMap((w) => names.map((n) => m.metric(METRIC.metricRatio, w, n))), RATIO_LINES));
    row.push(graph('Performance and business metrics (MetricValue)', m.windows.flatMap((w) => names.map((n) => m.metric(METRIC.metricValue, w, n, 'Maximum')))));
  }
  return row.length > 0 ? [row] : [];
}

function healthRow(m: ModelMetrics, monitor: IModelMonitor | undefined): cloudwatch.IWidget[][] {
  const row: cloudwatch.IWidget[] = [];
  const floor = m.model.alerting.labelCoverageFloor;
  if (m.hasLabels()) {
    const lines = floor > 0 ? [{ value: floor, label: `floor ${floor}`, color: orange }] : [];
    row.push(graph('Label coverage (LabelCoverage: labelled / rows)', m.windows.map((w) => m.window(METRIC.labelCoverage, w, 'Minimum')), lines));
  }
  if (monitor) {
    row.push(
      new cloudwatch.GraphWidget({
        title: 'Monitor health: failed attempts, runs in the dead-letter queue',
        left: [monitor.metricProfileErrors({ label: 'profile errors' }), monitor.metricScoreErrors({ label: 'score errors' })],
        right: [monitor.metricDeadLetterMessages({ label: 'dead-letter messages' })],
        width: 12,
        height: 6,
      }),
    );
  }
  return row.length > 0 ? [row] : [];
}

function alarmRows(alarms: readonly cloudwatch.IAlarm[]): cloudwatch.IWidget[][] {
  const rows: cloudwatch.IWidget[][] = [];
  for (let i = 0; i < alarms.length; i += ALARMS_PER_WIDGET) {
    const part = alarms.slice(i, i + ALARMS_PER_WIDGET);
    const height = Math.min(12, 2 + Math.ceil(part.length / 4));
    rows.push([new cloudwatch.AlarmStatusWidget({ title: i === 0 ? 'Alarms' : 'Alarms (continued)', alarms: [...part], width: 24, height })]);
  }
  return rows;
}
