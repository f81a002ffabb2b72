/**
 * FleetDashboard: an environment's models on one page (`dw-<env>-fleet`), one row per model: its
 * dataset drift status, drifted importance and key-metric ratio per window (the latest score run),
 * and its model-critical composite. Alarms are referred to by name, so the dashboard can live in
 * another stack than the models (Platform puts it in the data stack). Past `modelsPerDashboard`
 * models a second dashboard (`dw-<env>-fleet-2`) continues the list.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import type { ModelConfig } from '../../config/schema';
import { compositeAlarmName } from '../alerting/naming';
import { acceptDashboardTags, METRIC, ModelMetrics } from './metrics';

export interface FleetDashboardProps {
  readonly env: string;
  /** The environment's validated models, in the order rows appear. */
  readonly models: readonly ModelConfig[];
  /**
   * Rows per dashboard (each row is 4 widgets; CloudWatch allows 500 widgets per dashboard).
   * @default 100
   */
  readonly modelsPerDashboard?: number;
}

function row(scope: Construct, env: string, model: ModelConfig): cloudwatch.IWidget[] {
  const m = new ModelMetrics(env, model);
  const key = m.keyMetric();
  const single = (title: string, metrics: cloudwatch.IMetric[]) => new cloudwatch.SingleValueWidget({ title, metrics, width: 6, height: 3 });
  const composite = cloudwatch.CompositeAlarm.fromCompositeAlarmName(scope, `${model.id}-critical`, compositeAlarmName(env, model.id));
  return [
    single(`${model.id}: drift status (0 ok, 1 warning, 2 critical)`, m.windows.map((w) => m.window(METRIC.driftStatus, w))),
    single(`${model.id}: drifted importance`, m.windows.map((w) => m.window(METRIC.driftedImportance, w))),
    key
      ? single(`${model.id}: ${key} ratio to baseline`, m.windows.map((w) => m.metric(METRIC.metricRatio, w, key)))
      : new cloudwatch.TextWidget({ markdown: `**${model.id}**: no performance metric (${model.task})`, width: 6, height: 3 }),
    new cloudwatch.AlarmStatusWidget({ title: `${model.id} (${model.owner.name})`, alarms: [composite], width: 6, height: 3 }),
  ];
}

/** @example new FleetDashboard(dataStack, 'Fleet', { env: 'prod', models: config.models }); */
export class FleetDashboard extends Construct {
  readonly dashboards: readonly cloudwatch.Dashboard[];

  constructor(scope: Construct, id: string, props: FleetDashboardProps) {
    super(scope, id);
    const per = props.modelsPerDashboard ?? 100;
    if (!Number.isInteger(per) || per < 1 || per > 124) throw new Error(`modelsPerDashboard must be an integer from 1 to 124 (4 widgets a row, 500 per dashboard), got ${per}`);
    const pages: ModelConfig[][] = [];
    for (let i = 0; i < props.models.length; i += per) pages.push(props.models.slice(i, i + per));
    this.dashboards = pages.map((models, i) => {
      const title = new cloudwatch.TextWidget({ markdown: `# Driftwatch ${props.env}: fleet${pages.length > 1 ? ` (${i + 1} of ${pages.length})` : ''}\nOne row per model: the latest score run of each window, and the model-critical alarm.`, width: 24, height: 2 });
      const dashboard = new cloudwatch.Dashboard(this, `Dashboard${i + 1}`, {
        dashboardName: `dw-${props.env}-fleet${i === 0 ? '' : `-${i + 1}`}`,
        widgets: [[title], ...models.map((m) => row(this, props.env, m))],
      });
      acceptDashboardTags(dashboard);
      return dashboard;
    });
  }
}
