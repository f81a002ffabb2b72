/**
 * A role's own permissions as a customer-managed policy instead of an inline one: the compliance
 * packs' IAMNoInlinePolicy (and the AWS Config rule of the same name) accept it, and the role lists
 * the policy in `ManagedPolicyArns`, so everything that references the role (a function, a stream)
 * is created after its permissions exist, as it was with the inline policy.
 */
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * Attaches `statements` to `role` as a managed policy created under the role (so the role's
 * cdk-nag acknowledgements cover it too).
 *
 * @example rolePolicy(role, 'Driftwatch prod: monitor of fraud', statements);
 */
export function rolePolicy(role: iam.Role, description: string, statements: readonly iam.PolicyStatement[]): iam.ManagedPolicy {
  const policy = new iam.ManagedPolicy(role, 'Policy', { description: description.slice(0, 1000), statements: [...statements] });
  role.addManagedPolicy(policy);
  return policy;
}
