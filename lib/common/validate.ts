/**
 * Construct-time checks of numeric props, shared by the constructs so their errors read alike: the
 * construct's path, the prop, what is allowed and the value given. Unresolved tokens pass (their
 * value is known only at deploy time).
 */
import { Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * A number of days that S3 lifecycle rules and Athena's partition projection accept: a whole number,
 * at least 1. @returns the value @throws naming the construct, the prop and the value
 * @example requireWholeDays(this, 'retentionDays', props.retentionDays ?? 400) // 400
 */
export function requireWholeDays(scope: IConstruct, prop: string, value: number): number {
  if (Token.isUnresolved(value)) return value;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${scope.node.path}: ${prop} must be a whole number of days, at least 1, got ${value}`);
  }
  return value;
}
