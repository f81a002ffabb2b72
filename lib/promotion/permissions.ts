/**
 * What the promotion Lambda may do, and nothing else: change one endpoint through configs and models
 * named for this model, read and approve packages of this model's group, pass the one model execution
 * role to SageMaker, read the canary alarms. Athena, Glue and S3 for the shadow comparison come from
 * `Analytics.grantQuery`, the ledger from its `grantAppend`, both through `PolicyGrantee` so every
 * statement lands in the role's managed policy (the compliance packs refuse inline policies).
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct, IConstruct } from 'constructs';
import { acknowledgeNag, nagResourceName } from '../common/nag';
import { modelPackageGroupName, sageMakerName } from '../retraining/naming';

/**
 * A grantee whose grants go into a managed policy instead of the role's inline default policy, so
 * that `grant*` methods written for any principal (a table's, the analytics') keep a role compliant
 * with IAMNoInlinePolicy. Everything else is the role's.
 */
export class PolicyGrantee implements iam.IPrincipal {
  readonly grantPrincipal: iam.IPrincipal = this;
  constructor(
    private readonly role: iam.IRole,
    private readonly policy: iam.ManagedPolicy,
  ) {}
  get assumeRoleAction(): string {
    return this.role.assumeRoleAction;
  }
  get policyFragment(): iam.PrincipalPolicyFragment {
    return this.role.policyFragment;
  }
  get principalAccount(): string | undefined {
    return this.role.principalAccount;
  }
  addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }
  addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }
}

export interface PromotionScope {
  readonly env: string;
  readonly modelId: string;
  readonly endpointName: string;
  /** The role SageMaker models run as (passed in CreateModel). */
  readonly executionRoleArn: string;
  /** The canary's auto-rollback alarms (SageMaker needs the caller to describe them). */
  readonly alarmArns: readonly string[];
}

/** The ARNs the promotion touches: SageMaker writes resource names lower-case into ARNs. */
export function promotionArns(scope: IConstruct, s: Pick<PromotionScope, 'env' | 'modelId' | 'endpointName'>) {
  const stack = Stack.of(scope);
  const sm = (resource: string, resourceName: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName: resourceName.toLowerCase() });
  const prefix = `dw-${s.env}-${sageMakerName(s.modelId)}-`;
  const group = modelPackageGroupName(s.env, s.modelId);
  return {
    endpoint: sm('endpoint', s.endpointName),
    /** Every endpoint config and model the Lambda names (`naming.ts`: `dw-<env>-<model>-v<n>`, `-c<n>-s<m>`). */
    endpointConfigs: sm('endpoint-config', `${prefix}*`),
    models: sm('model', `${prefix}*`),
    packageGroup: sm('model-package-group', group),
    packages: sm('model-package', `${group}/*`),
    anyEndpointConfig: sm('endpoint-config', '*'),
    anyModel: sm('model', '*'),
    /** The event pattern matches the group's name as SageMaker sends it. */
    groupName: group,
    prefix,
  };
}

/** The role's own statements (besides the query and ledger grants). */
export function promotionStatements(scope: IConstruct, s: PromotionScope, logGroupArn: string): iam.PolicyStatement[] {
  const arns = promotionArns(scope, s);
  return [
    new iam.PolicyStatement({ sid: 'UpdateTheEndpoint', actions: ['sagemaker:DescribeEndpoint', 'sagemaker:UpdateEndpoint'], resources: [arns.endpoint] }),
    new iam.PolicyStatement({
      sid: 'OwnConfigsAndModels',
      actions: ['sagemaker:CreateEndpointConfig', 'sagemaker:CreateModel', 'sagemaker:AddTags'],
      resources: [arns.endpointConfigs, arns.models],
    }),
    // Read only: the endpoint's first config and champion model are the team's, named as the team chose.
    new iam.PolicyStatement({ sid: 'ReadServedConfigsAndModels', actions: ['sagemaker:DescribeEndpointConfig', 'sagemaker:DescribeModel'], resources: [arns.anyEndpointConfig, arns.anyModel] }),
    // UpdateEndpoint is authorized on the config it deploys too.
    new iam.PolicyStatement({ sid: 'DeployOwnConfigs', actions: ['sagemaker:UpdateEndpoint'], resources: [arns.endpointConfigs] }),
    new iam.PolicyStatement({
      sid: 'ReadAndApprovePackages',
      actions: ['sagemaker:DescribeModelPackage', 'sagemaker:UpdateModelPackage', 'sagemaker:DescribeModelPackageGroup'],
      resources: [arns.packageGroup, arns.packages],
    }),
    // The Service Authorization Reference lists no resource type for ListModelPackages: '*' or nothing.
    new iam.PolicyStatement({ sid: 'ListPackages', actions: ['sagemaker:ListModelPackages'], resources: ['*'] }),
    new iam.PolicyStatement({
      sid: 'PassModelExecutionRole',
      actions: ['iam:PassRole'],
      resources: [s.executionRoleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }),
    ...(s.alarmArns.length > 0 ? [new iam.PolicyStatement({ sid: 'DescribeCanaryAlarms', actions: ['cloudwatch:DescribeAlarms'], resources: [...s.alarmArns] })] : []),
    new iam.PolicyStatement({ sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroupArn] }),
  ];
}

/** The acknowledgements of the role's wildcards, each naming what it stands for. */
export function acknowledgePromotionRole(role: Construct, s: Pick<PromotionScope, 'env' | 'modelId' | 'endpointName'>, queryResources: readonly string[]): void {
  const stack = Stack.of(role);
  const arns = promotionArns(role, s);
  const name = (arn: string) => `Resource::${nagResourceName(stack, arn)}`;
  acknowledgeNag(role, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        `The promotion creates one SageMaker model per package version and one endpoint config per deployment, all named ${arns.prefix}* ` +
        `(lib/promotion/naming.ts), and approves versions of the group ${arns.groupName} only; versions are not known in advance. ` +
        'It only describes (reads) endpoint configs and models of other names: the endpoint\'s first config and champion are the team\'s own. ' +
        'sagemaker:ListModelPackages has no resource-level permission (Service Authorization Reference), so it is the one action on *. ' +
        'The comparison reads the model\'s log prefixes and the workgroup\'s results through Analytics.grantQuery',
      appliesTo: [name(arns.endpointConfigs), name(arns.models), name(arns.packages), name(arns.anyEndpointConfig), name(arns.anyModel), 'Resource::*', ...queryResources.map(name)],
    },
  ]);
}

