/**
 * ModelAlarms: the CloudWatch alarms of one model on what its monitor emits, Warning and Critical per
 * signal, and the model-critical composite that pages its owner once per incident. See
 * `alarm-specs.ts` for each signal's metric, period and missing-data rule.
 *
 * Routing: a Warning alarm notifies its route's owner (warning topic). A Critical alarm of the `page`
 * route has no action of its own: it is a child of the composite `dw-<env>-<model>-model-Critical`,
 * whose ALARM and OK go to the owner's critical topic, so a drift that moves the dataset and five
 * features pages once, and resolves when all of them are OK. A `notify` feature's Critical goes to
 * the warning topic (never pages); an `owner` feature's go to that owner's topics.
 */
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Lazy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { modelSchema, type ModelConfig, type OwnerConfig } from '../../config/schema';
import type { IModelMonitor } from '../monitor/model-monitor';
import {
  datasetDriftSpecs, defaultAlarmSpecs, featureDriftSpecs, labelCoverageSpecs, metricRatioSpecs, monitorHealthSpecs, noTrafficSpecs,
  type AlarmRoute, type AlarmSpec, type SpecContext,
} from './alarm-specs';
import { alarmName, compositeAlarmName, type Severity } from './naming';
import { acknowledgeNag } from '../common/nag';
import type { CoverageThreshold, MonitorHealthThresholds, NoTrafficThreshold, RatioThreshold, SeverityThresholds, StatusThreshold } from './thresholds';

/** The longest composite rule CloudWatch accepts. */
export const MAX_ALARM_RULE_LENGTH = 10_240;

/** Finds the SNS topic of an owner and severity (`OwnerTopics`, or `importOwnerTopics` in another stack). */
export interface IAlarmTopics {
  topicFor(owner: OwnerConfig, severity: Severity): sns.ITopic;
}

export interface ModelAlarmsProps {
  /** Environment name: part of every alarm name. */
  readonly env: string;
  /** The model's config (validated again here): its owner, schedules, windows, top-K and `alerting` section. */
  readonly model: ModelConfig;
  /** The model's monitor: its functions' errors and dead-letter queue are the monitor-health alarms. */
  readonly monitor: IModelMonitor;
  /** Where alarms notify, by owner and severity. */
  readonly topics: IAlarmTopics;
  /**
   * Create the alarms `model.alerting` asks for (`defaultAlarmSpecs`); turn off to add each with the
   * `add*Alarm` methods.
   * @default true
   */
  readonly defaultAlarms?: boolean;
}

/**
 * @example
 * const alarms = new ModelAlarms(this, 'FraudAlarms', { env: 'prod', model, monitor, topics: ownerTopics });
 * alarms.addMetricRatioAlarm('7d', 'recall', { Critical: { maxRatio: 0.7 } });
 */
export class ModelAlarms extends Construct {
  /** Every metric alarm by name, in the order added. */
  readonly alarms = new Map<string, cloudwatch.Alarm>();
  /** The specs behind `alarms`, by name. */
  readonly specs = new Map<string, AlarmSpec>();
  /** ALARM while any Critical alarm of the `page` route is; notifies the owner's critical topic. */
  readonly compositeAlarm: cloudwatch.CompositeAlarm;
  private readonly ctx: SpecContext;
  private readonly children: string[] = [];

  constructor(scope: Construct, id: string, private readonly props: ModelAlarmsProps) {
    super(scope, id);
    const model = modelSchema.parse(props.model);
    this.ctx = { env: props.env, model };
    this.compositeAlarm = new cloudwatch.CompositeAlarm(this, 'ModelCritical', {
      compositeAlarmName: compositeAlarmName(props.env, model.id),
      alarmDescription: `Driftwatch ${props.env}/${model.id}: model critical, while any Critical alarm that pages the owner (${model.owner.name}) is in ALARM.`,
      alarmRule: cloudwatch.AlarmRule.fromString(Lazy.string({ produce: () => this.alarmRule() })),
    });
    const page = new actions.SnsAction(props.topics.topicFor(model.owner, 'Critical'));
    this.compositeAlarm.addAlarmAction(page);
    this.compositeAlarm.addOkAction(page);
    if (props.defaultAlarms ?? true) for (const spec of defaultAlarmSpecs(props.env, model)) this.addSpec(spec);
  }

  /** Dataset drift of a window (DriftStatus). @default thresholds warning 1, critical 2 */
  addDatasetDriftAlarm(window: string, thresholds?: SeverityThresholds<StatusThreshold>): cloudwatch.Alarm[] {
    return datasetDriftSpecs(this.ctx, window, thresholds).map((s) => this.addSpec(s));
  }

  /** A top-K feature's drift in a window (FeatureDriftStatus). @default thresholds warning 1, critical 2; the route from `alerting.features` */
  addFeatureDriftAlarm(window: string, feature: string, thresholds?: SeverityThresholds<StatusThreshold>, route?: AlarmRoute): cloudwatch.Alarm[] {
    return featureDriftSpecs(this.ctx, window, feature, thresholds, route).map((s) => this.addSpec(s));
  }

  /** A metric's ratio to its calibrated baseline (MetricRatio). @default thresholds warning 0.9, critical 0.8 */
  addMetricRatioAlarm(window: string, metric: string, thresholds?: SeverityThresholds<RatioThreshold>): cloudwatch.Alarm[] {
    return metricRatioSpecs(this.ctx, window, metric, thresholds).map((s) => this.addSpec(s));
  }

  /** Label coverage of a window below a floor (LabelCoverage). */
  addLabelCoverageAlarm(window: string, thresholds: SeverityThresholds<CoverageThreshold>): cloudwatch.Alarm[] {
    return labelCoverageSpecs(this.ctx, window, thresholds).map((s) => this.addSpec(s));
  }

  /** No predictions for some hours (PredictionCount, missing data breaching). */
  addNoTrafficAlarm(thresholds: SeverityThresholds<NoTrafficThreshold>): cloudwatch.Alarm[] {
    return noTrafficSpecs(this.ctx, thresholds).map((s) => this.addSpec(s));
  }

  /** Failed attempts (Warning) and runs in the dead-letter queue (Critical). @default both above 0 */
  addMonitorHealthAlarm(thresholds?: MonitorHealthThresholds): cloudwatch.Alarm[] {
    return monitorHealthSpecs(this.ctx, thresholds).map((s) => this.addSpec(s));
  }

  /** Every alarm of the model, the composite last (for an alarm status widget). */
  allAlarms(): cloudwatch.IAlarm[] {
    return [...this.alarms.values(), this.compositeAlarm];
  }

  private addSpec(spec: AlarmSpec): cloudwatch.Alarm {
    const name = alarmName(this.props.env, this.ctx.model.id, spec.signal, spec.severity);
    if (this.alarms.has(name)) throw new Error(`model ${this.ctx.model.id}: alarm ${name} is defined twice`);
    const alarm = new cloudwatch.Alarm(this, `${spec.signal}-${spec.severity}`, {
      alarmName: name,
      alarmDescription: spec.description,
      metric: this.metricOf(spec),
      threshold: spec.threshold,
      comparisonOperator: spec.comparison,
      evaluationPeriods: spec.evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
    });
    const topic = this.topicOf(spec.route, spec.severity);
    if (topic) {
      alarm.addAlarmAction(new actions.SnsAction(topic));
      alarm.addOkAction(new actions.SnsAction(topic));
    } else {
      this.children.push(name);
      this.compositeAlarm.node.addDependency(alarm);
      acknowledgeNag(alarm, ['NIST.800.53.R5', 'HIPAA.Security'].map((pack) => ({
        id: `${pack}-CloudWatchAlarmAction`,
        reason:
          `${name} is a child of the composite ${compositeAlarmName(this.props.env, this.ctx.model.id)}, whose ALARM and OK page the ` +
          'owner\'s critical topic; an action here too would page once per child instead of once per incident',
      })));
    }
    this.alarms.set(name, alarm);
    this.specs.set(name, spec);
    return alarm;
  }

  /** The topic an alarm notifies directly; undefined for the Critical alarms the composite pages for. */
  private topicOf(route: AlarmRoute, severity: Severity): sns.ITopic | undefined {
    const { owner } = this.ctx.model;
    if (route.kind === 'owner') return this.props.topics.topicFor(route.owner, severity);
    if (severity === 'Warning' || route.kind === 'notify') return this.props.topics.topicFor(owner, 'Warning');
    return undefined;
  }

  private metricOf(spec: AlarmSpec): cloudwatch.IMetric {
    const { monitor } = this.props;
    const source = spec.source;
    if (source.kind === 'catalogue') {
      const m = source.metric;
      return new cloudwatch.Metric({ namespace: m.namespace, metricName: m.name, dimensionsMap: { ...m.dimensions }, statistic: m.statistic, period: spec.period });
    }
    if (source.kind === 'dead-letters') return monitor.metricDeadLetterMessages({ period: spec.period });
    return new cloudwatch.MathExpression({
      expression: 'FILL(profile, 0) + FILL(score, 0)',
      usingMetrics: { profile: monitor.metricProfileErrors({ period: spec.period }), score: monitor.metricScoreErrors({ period: spec.period }) },
      period: spec.period,
      label: 'failed monitor runs',
    });
  }

  private alarmRule(): string {
    if (this.children.length === 0) throw new Error(`model ${this.ctx.model.id}: the model-critical composite has no Critical alarm that pages`);
    const rule = this.children.map((n) => `ALARM("${n}")`).join(' OR ');
    if (rule.length > MAX_ALARM_RULE_LENGTH) {
      throw new Error(`model ${this.ctx.model.id}: the model-critical rule over ${this.children.length} alarms is ${rule.length} characters, CloudWatch allows ${MAX_ALARM_RULE_LENGTH}; lower monitor.topK, use fewer windows or route features to notify`);
    }
    return rule;
  }
}
