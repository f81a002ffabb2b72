/** Building a construct's `grant*` method from a list of statements, the way aws-cdk-lib's L2s return one Grant. */
import * as iam from 'aws-cdk-lib/aws-iam';

/** One statement of a grant, without its grantee. */
export type GrantStatement = Omit<iam.GrantOnPrincipalOptions, 'grantee'>;

/** Adds every statement to `grantee`'s policy and returns them as one Grant. @throws when `statements` is empty */
export function grantAll(grantee: iam.IGrantable, statements: readonly GrantStatement[]): iam.Grant {
  if (statements.length === 0) throw new Error('grantAll: no statements to grant');
  return statements.map((g) => iam.Grant.addToPrincipal({ grantee, ...g })).reduce((all, one) => all.combine(one));
}
