/**
 * Splits models into stack groups so no stack nears CloudFormation's limits (500 resources,
 * 1 MiB template). A group closes when it holds `maxModels` models, or when the next model's
 * resources would pass `maxResources` or its estimated template bytes `maxTemplateBytes`. Groups
 * follow config order: append new models at the end so existing ones keep their stack (a model
 * moving stacks would recreate its named Firehose streams, functions and schedules).
 */
import type { ModelConfig } from '../../config/schema';
import { defaultAlarmSpecs } from '../alerting/alarm-specs';

/**
 * Measured template bytes of one model: its data plane (two streams, tables, roles, log stream,
 * saved view), its monitor (two functions, roles, log groups, queue, schedules, bins table), as
 * synthesized by CDK (pretty-printed JSON), rounded up with a margin: a fixed part, a part per score
 * window, and a part per column (a feature or business column appears in the table and in the view
 * SQL); and its alerting: each alarm (its definition, and its line in the composite rule and in the
 * dashboard's alarm widget) and the dashboard's fixed part; a ModelPromotion (two state machine
 * definitions among its 29 resources, 63 KB measured in a model stack with its ShadowCapture) its own part. The platform test checks these stay
 * above what synthesis actually produces.
 */
export const MODEL_TEMPLATE_BYTES = { fixed: 56 * 1024, perWindow: 1536, perColumn: 200, perAlarm: 1792, dashboard: 10 * 1024, promotion: 68 * 1024 } as const;

/**
 * CloudFormation resources of one model, counted exactly (the platform test checks them against
 * synthesis): the data plane has 12 whatever the features (each stream's delivery role has its
 * managed policy); the monitor has 14 (two functions with their async-invoke configs and log groups,
 * two roles and their managed policies, the queue and its policy, the bins table, the profile
 * schedule) plus one score schedule per window. The compliance profile adds per stack, not per model.
 * A model with a `retraining` section adds its RetrainTrigger's 28 (`retraining`; 24 with a pull container of the team's own), one with a `promotion`
 * section its ModelPromotion's 29 (`promotion`; 27 when `promotion.executionRoleArn` names the models' role).
 */

export const MODEL_RESOURCES = {
  dataPlane: 12,
  monitor: 14,
  perWindow: 1,
  /**
   * The RetrainTrigger: its queue and queue policy, two log groups, three roles with their managed policies, two functions, the async-invoke config, the package group, the pipeline, the rule and its permission to invoke;
   * its DataPull (unless the config names a pull container): a log group, a role and its managed policy, the function;
   * and its PipelineOutcome (the Platform gives every trigger the ledger): a log group, a role and its managed policy, the function, its async-invoke config, the rule and its permission to invoke.
   */
  retraining: 28,
  /**
   * The ModelPromotion: its function, four roles with their managed policies (function, state machines,
   * rule, models' execution role), two log groups, two state machines, the rule, the queue and its
   * policy, three canary alarms and the failed-executions alarm. The canary's performance alarm is left
   * out for a model without a labelled metric (one fewer: the estimate stays an upper bound). And its
   * ShadowCapture (Platform gives it the prediction log): the queue and its policy, a log group, a role
   * and its managed policy, the function, its async-invoke config, the rule and its permission to invoke.
   */
  promotion: 29,
  /** The models' execution role and its managed policy, not made when `promotion.executionRoleArn` is set. */
  promotionExecutionRole: 2,
} as const;

/**
 * CloudFormation resources of a model's alerting, counted exactly: its metric alarms
 * (`defaultAlarmSpecs`: per window dataset drift, each top-K feature, each metric's ratio and label
 * coverage; no traffic; monitor health), the model-critical composite and the model's dashboard.
 */
export function estimateAlertingResources(model: ModelConfig): number {
  return alarmCount(model) + 2;
}

/** The metric alarms a model gets (the environment name changes names, not the count). */
function alarmCount(model: ModelConfig): number {
  return defaultAlarmSpecs('env', model).length;
}

/**
 * Resource budget per stack: 300 of CloudFormation's 500 (12 models with two windows each), 60% of
 * the limit as the byte budget is, so a stack keeps room for the per-model resources still to come.
 */
export const DEFAULT_MAX_RESOURCES = 300;

/** The windows a model's monitor scores (the schema's default when the config leaves them out). */
function windowCount(model: Partial<Pick<ModelConfig, 'monitor'>>): number {
  return model.monitor?.windows.length ?? 2;
}

/** CloudFormation resources a model adds to its stack. */
export function estimateModelResources(model: Partial<Pick<ModelConfig, 'monitor' | 'retraining' | 'promotion'>>): number {
  const promotion = model.promotion ? MODEL_RESOURCES.promotion - (model.promotion.executionRoleArn ? MODEL_RESOURCES.promotionExecutionRole : 0) : 0;
  return MODEL_RESOURCES.dataPlane + MODEL_RESOURCES.monitor + MODEL_RESOURCES.perWindow * windowCount(model) + (model.retraining ? MODEL_RESOURCES.retraining : 0) + promotion;
}

/** Template budget per stack; leaves room below the 1 MiB limit for later per-model resources. */
export const DEFAULT_MAX_TEMPLATE_BYTES = 600 * 1024;

/** What the grouping reads: a validated model config. */
export type GroupedModel = ModelConfig;

/** Estimated template bytes a model adds to its stack (data plane, monitor, alarms and dashboard). */
export function estimateModelTemplateBytes(model: GroupedModel): number {
  const columns = model.features.length + (model.businessColumns?.length ?? 0);
  const b = MODEL_TEMPLATE_BYTES;
  return b.fixed + b.perWindow * windowCount(model) + b.perColumn * columns + b.perAlarm * alarmCount(model) + b.dashboard + (model.promotion ? b.promotion : 0);
}

export interface GroupingLimits {
  readonly maxModels: number;
  /** @default DEFAULT_MAX_TEMPLATE_BYTES */
  readonly maxTemplateBytes?: number;
  /** @default DEFAULT_MAX_RESOURCES */
  readonly maxResources?: number;
  /**
   * Resources a model adds to its stack. Platform counts the alerting too
   * (`estimateModelResources(m) + estimateAlertingResources(m)`).
   * @default estimateModelResources (the data plane and the monitor)
   */
  readonly resourcesOf?: (model: GroupedModel) => number;
}

/**
 * Greedy, order-preserving grouping under all three limits. A single model larger than a budget
 * still gets a stack of its own (it is then up to CloudFormation's real limit).
 *
 * @example groupModels(config.models, { maxModels: config.modelsPerStack })
 */
export function groupModels<T extends GroupedModel>(models: readonly T[], limits: GroupingLimits): T[][] {
  const { maxModels } = limits;
  const maxBytes = limits.maxTemplateBytes ?? DEFAULT_MAX_TEMPLATE_BYTES;
  const maxResources = limits.maxResources ?? DEFAULT_MAX_RESOURCES;
  if (!Number.isInteger(maxModels) || maxModels < 1) throw new Error(`models per stack must be a positive integer, got ${maxModels}`);
  const groups: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  let resources = 0;
  for (const model of models) {
    const size = estimateModelTemplateBytes(model);
    const count = (limits.resourcesOf ?? estimateModelResources)(model);
    if (current.length > 0 && (current.length >= maxModels || bytes + size > maxBytes || resources + count > maxResources)) {
      groups.push(current);
      current = [];
      bytes = 0;
      resources = 0;
    }
    current.push(model);
    bytes += size;
    resources += count;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
