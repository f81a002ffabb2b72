/**
 * Splits models into stack groups so no stack nears CloudFormation's 500-resource / 1 MB limits.
 * Groups follow config order: append new models at the end so existing ones keep their stack
 * (a model moving stacks would recreate its named Firehose streams).
 */
export function groupModels<T>(models: readonly T[], perGroup: number): T[][] {
  if (!Number.isInteger(perGroup) || perGroup < 1) throw new Error(`models per stack must be a positive integer, got ${perGroup}`);
  const groups: T[][] = [];
  for (let i = 0; i < models.length; i += perGroup) groups.push(models.slice(i, i + perGroup));
  return groups;
}
