/**
 * cdk-nag v3 acknowledgements. v3 removed `NagSuppressions`; a rule is acknowledged on a construct
 * (and everything under it) with `Validations.of(scope).acknowledge({ id, reason })`, and a single
 * finding of a rule (one action or resource of an IAM5 finding, say) with the id `Rule[finding]`.
 * This helper keeps the v2 shape (`appliesTo`) so each call names the resource, the rule, the
 * findings and a specific reason.
 */
import { Validations, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, type NagPack, type NagPackProps } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export interface NagAcknowledgement {
  /** Rule id, e.g. `AwsSolutions-IAM5`. */
  readonly id: string;
  /** Why this finding is acceptable here: specific to the resource, never generic. */
  readonly reason: string;
  /** Acknowledge only these findings of the rule (e.g. `Resource::<Bucket.Arn>/predictions/x/*`). */
  readonly appliesTo?: readonly string[];
}

/**
 * Acknowledges cdk-nag findings on one resource (a construct and its children).
 *
 * @example
 * acknowledgeNag(accessLogs, [{ id: 'AwsSolutions-S1', reason: 'This bucket receives the access logs; logging it to itself would loop' }]);
 */
export function acknowledgeNag(resource: IConstruct, acknowledgements: readonly NagAcknowledgement[]): void {
  const validations = Validations.of(resource);
  for (const ack of acknowledgements) {
    if (ack.reason.trim().length < 20) {
      throw new Error(`cdk-nag acknowledgement ${ack.id} on ${resource.node.path} needs a specific reason, got ${JSON.stringify(ack.reason)}`);
    }
    if (ack.appliesTo && ack.appliesTo.length > 0) {
      for (const finding of ack.appliesTo) validations.acknowledge({ id: `${ack.id}[${finding}]`, reason: ack.reason });
    } else {
      validations.acknowledge({ id: ack.id, reason: ack.reason });
    }
  }
}

/**
 * How cdk-nag names a resource in a finding (`appliesTo` of an IAM5 acknowledgement): the resolved
 * value with references rendered as `<LogicalId.Attr>` and `<LogicalId>`, joins joined and `${X}` of
 * a Fn::Sub as `<X>` (what cdk-nag v3's internal `flattenCfnReference` does; written out here rather
 * than imported from cdk-nag's private `lib/utils`, which a consumer's cdk-nag may not have).
 *
 * @example `Resource::${nagResourceName(stack, bucket.arnForObjects('monitor/fraud/*'))}`
 */
export function nagResourceName(stack: Stack, value: string): string {
  return flattenCfnReference(stack.resolve(value));
}

/** A resolved CloudFormation value as one string, the way cdk-nag names findings. */
export function flattenCfnReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (node !== null && typeof node === 'object') {
    const fn = node as Record<string, unknown>;
    if (fn['Fn::Join']) {
      const [delimiter, items] = fn['Fn::Join'] as [string, unknown[]];
      return items.map(flattenCfnReference).join(delimiter);
    }
    if (fn['Fn::Sub']) return flattenCfnReference(fn['Fn::Sub']);
    if (fn['Fn::GetAtt']) {
      const [resource, attribute] = fn['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenCfnReference(resource)}.${flattenCfnReference(attribute)}>`;
    }
    if (fn['Fn::ImportValue']) return flattenCfnReference(fn['Fn::ImportValue']);
    if (fn.Ref) return `<${flattenCfnReference(fn.Ref)}>`;
  }
  return JSON.stringify(node);
}

/**
 * The cdk-nag packs every Driftwatch app runs: AwsSolutions, NIST 800-53 rev 5, HIPAA Security and
 * PCI DSS 3.2.1. Each finding is fixed or acknowledged on its resource whatever the compliance
 * profile, so a consumer's platform team can run any of the four on what Driftwatch deploys.
 *
 * @example Validations.of(app).addPlugins(...driftwatchNagPacks(app));
 */
export function driftwatchNagPacks(scope?: IConstruct, props: NagPackProps = { verbose: true }): NagPack[] {
  return [new AwsSolutionsChecks(scope, props), new NIST80053R5Checks(scope, props), new HIPAASecurityChecks(scope, props), new PCIDSS321Checks(scope, props)];
}
