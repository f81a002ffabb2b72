/**
 * Splits models into stack groups so no stack nears CloudFormation's limits (500 resources,
 * 1 MiB template). A group closes when it holds `maxModels` models or when the next model's
 * estimated template bytes would pass `maxTemplateBytes`. Groups follow config order: append new
 * models at the end so existing ones keep their stack (a model moving stacks would recreate its
 * named Firehose streams).
 */
import type { ModelConfig } from '../../config/schema';

/**
 * Measured template bytes of one model's data plane (two streams, tables, roles, log stream,
 * saved view), as synthesized by CDK (pretty-printed JSON), rounded up with a margin: a fixed part
 * plus a part per column (feature or business column appears in the table and in the view SQL).
 * The platform test checks these stay above what synthesis actually produces.
 */
export const MODEL_TEMPLATE_BYTES = { fixed: 30 * 1024, perColumn: 200 } as const;

/** Template budget per stack; leaves room below the 1 MiB limit for later per-model resources. */
export const DEFAULT_MAX_TEMPLATE_BYTES = 600 * 1024;

/** Estimated template bytes a model adds to its stack. */
export function estimateModelTemplateBytes(model: Pick<ModelConfig, 'features' | 'businessColumns'>): number {
  const columns = model.features.length + (model.businessColumns?.length ?? 0);
  return MODEL_TEMPLATE_BYTES.fixed + MODEL_TEMPLATE_BYTES.perColumn * columns;
}

export interface GroupingLimits {
  readonly maxModels: number;
  /** @default DEFAULT_MAX_TEMPLATE_BYTES */
  readonly maxTemplateBytes?: number;
}

/**
 * Greedy, order-preserving grouping under both limits. A single model larger than the byte budget
 * still gets a stack of its own (it is then up to CloudFormation's real limit).
 *
 * @example groupModels(config.models, { maxModels: config.modelsPerStack })
 */
export function groupModels<T extends Pick<ModelConfig, 'features' | 'businessColumns'>>(models: readonly T[], limits: GroupingLimits): T[][] {
  const { maxModels } = limits;
  const maxBytes = limits.maxTemplateBytes ?? DEFAULT_MAX_TEMPLATE_BYTES;
  if (!Number.isInteger(maxModels) || maxModels < 1) throw new Error(`models per stack must be a positive integer, got ${maxModels}`);
  const groups: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const model of models) {
    const size = estimateModelTemplateBytes(model);
    if (current.length > 0 && (current.length >= maxModels || bytes + size > maxBytes)) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(model);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
