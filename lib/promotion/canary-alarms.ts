/**
 * The blue/green canary's auto-rollback alarms (`promotion.canary.alarms`): SageMaker watches them
 * while the canary bakes and rolls the endpoint back to the champion when one fires. They watch the
 * production variant (`PRODUCTION_VARIANT`), which every config the promotion deploys names so: 5xx
 * errors and p99 model latency from SageMaker's own metrics, and the monitor's performance ratio of
 * the shadow metric in the model's first window (published once per score run, so it rolls back a
 * canary only when a score run falls in the bake time). No datapoint is no reason to roll back.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type { ModelConfig, PromotionConfig } from '../../config/schema';
import { ModelMetrics, METRIC } from '../dashboards/metrics';
import { canaryAlarmName, PRODUCTION_VARIANT, type CanaryAlarm } from './naming';

/** SageMaker reports ModelLatency in microseconds. */
const MICROSECONDS_PER_MS = 1000;

function endpointMetric(endpointName: string, metricName: string, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/SageMaker',
    metricName,
    dimensionsMap: { EndpointName: endpointName, VariantName: PRODUCTION_VARIANT },
    statistic,
    period: Duration.minutes(1),
  });
}

/**
 * The canary's alarms by what they watch, each notifying `topic` (the owner's warning topic: a
 * rollback is also a failed promotion, which pages through the failed-executions alarm).
 */
export function canaryAlarms(scope: Construct, env: string, model: ModelConfig, promotion: PromotionConfig, topic: sns.ITopic): Map<CanaryAlarm, cloudwatch.Alarm> {
  const { errors5xx, latencyP99Ms, performanceRatio } = promotion.canary.alarms;
  const about = `Driftwatch ${env}: rolls the canary of ${model.id} on ${promotion.endpointName} back when`;
  const out = new Map<CanaryAlarm, cloudwatch.Alarm>();
  const add = (which: CanaryAlarm, id: string, props: Omit<cloudwatch.AlarmProps, 'alarmName' | 'treatMissingData'>) => {
    const alarm = new cloudwatch.Alarm(scope, id, { alarmName: canaryAlarmName(env, model.id, which), treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...props });
    alarm.addAlarmAction(new actions.SnsAction(topic));
    out.set(which, alarm);
  };
  add('5xx', 'Canary5xxAlarm', {
    metric: endpointMetric(promotion.endpointName, 'Invocation5XXErrors', 'Sum'),
    threshold: errors5xx,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    alarmDescription: `${about} the ${PRODUCTION_VARIANT} variant returns ${errors5xx} or more 5xx errors in a minute`,
  });
  add('latency', 'CanaryLatencyAlarm', {
    metric: endpointMetric(promotion.endpointName, 'ModelLatency', 'p99'),
    threshold: latencyP99Ms * MICROSECONDS_PER_MS,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    alarmDescription: `${about} the p99 model latency of the ${PRODUCTION_VARIANT} variant is above ${latencyP99Ms} ms in 2 of 3 minutes`,
  });
  const metrics = new ModelMetrics(env, model);
  const metric = promotion.shadow.metric ?? metrics.keyMetric();
  if (metric && metrics.metricNames().includes(metric) && metrics.windows.length > 0) {
    add('performance', 'CanaryPerformanceAlarm', {
      metric: metrics.metric(METRIC.metricRatio, metrics.windows[0], metric),
      threshold: performanceRatio,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 1,
      alarmDescription: `${about} ${metric} in window ${metrics.windows[0]} falls below ${performanceRatio} of its calibrated baseline (MetricRatio)`,
    });
  }
  return out;
}
