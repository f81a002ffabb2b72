/**
 * The dashboards' metrics, each taken from the monitor's catalogue (`catalogueMetric` refuses one the
 * monitor does not emit), aggregated like the alarms: window metrics over the score schedule's rate
 * (one datapoint per run), PredictionCount over an hour with Maximum (re-profiling re-emits an hour).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { ModelConfig } from '../../config/schema';
import { catalogueMetric, windowPeriod, type CatalogueMetric, type SpecContext } from '../alerting/alarm-specs';
import { METRIC } from '../../lambda/monitor/metrics';
import { monitorModelFromConfig } from '../../lambda/monitor/from-config';
import { defaultKeyMetric, metricsOf, topFeatures } from '../../lambda/monitor/model';

export { METRIC };

/** A CloudWatch metric for a catalogue entry, labelled. */
export function widgetMetric(m: CatalogueMetric, period: Duration, label: string): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: m.namespace, metricName: m.name, dimensionsMap: { ...m.dimensions }, statistic: m.statistic, period, label });
}

/** Builds one model's metrics by catalogue name, window and extra dimensions. */
export class ModelMetrics {
  readonly ctx: SpecContext;
  readonly windows: readonly string[];
  readonly period: Duration;

  constructor(env: string, readonly model: ModelConfig) {
    this.ctx = { env, model };
    this.windows = model.monitor.windows.map((w) => w.name);
    this.period = windowPeriod(model);
  }

  /** The monitor's view of the model (top-K features, metrics, label column). */
  get monitorModel() {
    return monitorModelFromConfig(this.ctx.env, this.model);
  }

  traffic(): cloudwatch.Metric {
    return widgetMetric(catalogueMetric(this.ctx, METRIC.predictionCount, {}, 'Maximum'), Duration.hours(1), 'predictions per hour');
  }

  /** A window metric (DriftStatus, DriftedImportance, WindowRows, LabelCoverage) of one window. */
  window(name: string, window: string, statistic: CatalogueMetric['statistic'] = 'Maximum', label = window): cloudwatch.Metric {
    return widgetMetric(catalogueMetric(this.ctx, name, { Window: window }, statistic), this.period, label);
  }

  feature(name: string, window: string, feature: string): cloudwatch.Metric {
    return widgetMetric(catalogueMetric(this.ctx, name, { Window: window, Feature: feature }, 'Maximum'), this.period, feature);
  }

  metric(name: string, window: string, metric: string, statistic: CatalogueMetric['statistic'] = 'Minimum'): cloudwatch.Metric {
    return widgetMetric(catalogueMetric(this.ctx, name, { Window: window, Metric: metric }, statistic), this.period, `${metric} (${window})`);
  }

  topFeatureNames(): string[] {
    return topFeatures(this.monitorModel).map((f) => f.name);
  }

  metricNames(): string[] {
    return metricsOf(this.monitorModel).map((m) => m.name);
  }

  /** The metric the fleet view shows: the task's key metric when the model is judged on it, else its first; null without metrics. */
  keyMetric(): string | null {
    const names = this.metricNames();
    const task = this.monitorModel.task;
    const key = task ? defaultKeyMetric(task) : null;
    return key && names.includes(key) ? key : names[0] ?? null;
  }

  hasLabels(): boolean {
    return this.monitorModel.columns.label;
  }
}

/**
 * CloudFormation takes Tags on AWS::CloudWatch::Dashboard (CDK's CfnDashboard has them, and the
 * platform tags every resource), but the schema of the pinned cfn-lint (1.51) predates them and reports
 * E3002; the dashboard says so on itself rather than going untagged.
 */
export function acceptDashboardTags(dashboard: cloudwatch.Dashboard): void {
  (dashboard.node.defaultChild as cloudwatch.CfnDashboard).addMetadata('cfn-lint', {
    config: { ignore_checks: ['E3002'], ignore_reasons: { E3002: 'CloudFormation accepts Tags on AWS::CloudWatch::Dashboard; the pinned cfn-lint schema predates them' } },
  });
}
