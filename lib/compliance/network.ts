/**
 * The customer's VPC for the Lambdas of the strict profiles: the imported VPC and subnets, a security
 * group that lets the functions out on HTTPS only, and (once per environment) the VPC endpoints the
 * functions call so no traffic needs a NAT gateway.
 */
import { Annotations, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, type IConstruct } from 'constructs';
import type { ComplianceConfig } from '../../config/compliance';
import { acknowledgeNag } from '../common/nag';
import type { ComplianceSettings } from './profile';

/** Where a function's network interfaces go: `lambda.Function`'s `vpc`, `vpcSubnets`, `securityGroups`. */
export interface FunctionNetwork {
  readonly vpc: ec2.IVpc;
  readonly vpcSubnets: ec2.SubnetSelection;
  readonly securityGroups: ec2.ISecurityGroup[];
}

type VpcConfig = NonNullable<ComplianceConfig['vpc']>;

/** Interface endpoints the Driftwatch functions call (S3 goes through the gateway endpoint). */
export const INTERFACE_ENDPOINTS: Readonly<Record<string, ec2.InterfaceVpcEndpointAwsService>> = {
  Athena: ec2.InterfaceVpcEndpointAwsService.ATHENA,
  Glue: ec2.InterfaceVpcEndpointAwsService.GLUE,
  EventBridge: ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
  SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  SageMakerApi: ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_API,
  // The gate step publishes the owner's alert of a failed candidate.
  Sns: ec2.InterfaceVpcEndpointAwsService.SNS,
  // The shadow capture converter puts the shadow's answers to the model's prediction stream.
  Firehose: ec2.InterfaceVpcEndpointAwsService.KINESIS_FIREHOSE,
};

/**
 * The endpoint of SageMaker managed MLflow's API (`aws.sagemaker.<region>.experiments`, private DNS
 * `<region>.experiments.sagemaker.aws`, where `lambda/retraining/adapters/sagemaker-mlflow.ts` sends
 * its signed calls): only an environment with `mlflow` needs it (the promotion and pipeline-outcome
 * functions call the server).
 */
export const MLFLOW_INTERFACE_ENDPOINT = { name: 'SageMakerMlflow', service: ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_EXPERIMENTS } as const;

/** The configured VPC, imported by id (no lookup, no credentials at synth time). */
export function importVpc(scope: Construct, id: string, vpc: VpcConfig): ec2.IVpc {
  const imported = ec2.Vpc.fromVpcAttributes(scope, id, {
    vpcId: vpc.vpcId,
    vpcCidrBlock: vpc.cidrBlock,
    availabilityZones: [...vpc.availabilityZones],
    privateSubnetIds: [...vpc.subnetIds],
    ...(vpc.routeTableIds.length === vpc.subnetIds.length ? { privateSubnetRouteTableIds: [...vpc.routeTableIds] } : {}),
  });
  if (vpc.routeTableIds.length !== vpc.subnetIds.length) {
    Annotations.of(imported).acknowledgeWarning(
      '@aws-cdk/aws-ec2:noSubnetRouteTableId',
      'The functions only need the subnets; route tables matter to the S3 gateway endpoint, which compliance.vpc.routeTableIds adds',
    );
  }
  return imported;
}

/**
 * One stack's function network: the configured VPC and subnets and a security group with no inbound
 * rule and HTTPS out only (to the endpoints, or through the customer's NAT where one exists).
 * Undefined when the settings put the functions outside a VPC.
 */
export function functionNetwork(scope: Construct, settings: ComplianceSettings): FunctionNetwork | undefined {
  if (!settings.vpc) return undefined;
  const vpc = importVpc(scope, 'CustomerVpc', settings.vpc);
  const securityGroup = new ec2.SecurityGroup(scope, 'FunctionsSecurityGroup', {
    vpc,
    description: `Driftwatch functions of ${Stack.of(scope).stackName}: no inbound, HTTPS out`,
    allowAllOutbound: false,
  });
  securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to the AWS endpoints');
  return { vpc, vpcSubnets: { subnets: vpc.privateSubnets }, securityGroups: [securityGroup] };
}

/**
 * Lets a function role manage the network interfaces Lambda needs in a VPC (AWS's managed
 * AWSLambdaVPCAccessExecutionRole: ec2 Create/Describe/DeleteNetworkInterface and the IP assignment actions).
 */
export function allowVpcAccess(role: iam.IRole, ackOn: IConstruct): void {
  role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
  acknowledgeNag(ackOn, [
    {
      id: 'AwsSolutions-IAM4',
      reason:
        'AWSLambdaVPCAccessExecutionRole is the policy AWS maintains for exactly the network-interface actions Lambda takes to ' +
        'attach this function to the customer VPC (ec2:DescribeNetworkInterfaces cannot be scoped to a resource)',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole'],
    },
  ]);
}

const STRICT_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'] as const;

/**
 * The acknowledgements a function takes when the settings keep it outside a VPC or without reserved
 * concurrency (profile standard), and its dead-letter rule (it has an on-failure destination instead).
 * `calls` says which APIs it calls, for the VPC reason.
 */
export function acknowledgeFunctionCompliance(fn: lambda.IFunction, settings: { readonly network?: FunctionNetwork; readonly reservedConcurrency?: number }, calls: string, failures: string): void {
  const acks = [];
  if (!settings.network) {
    for (const pack of STRICT_PACKS) {
      acks.push({
        id: `${pack}-LambdaInsideVPC`,
        reason:
          `compliance.profile standard: this function reaches no VPC resource, it calls only ${calls} over TLS with SigV4 (and ` +
          'the bucket policies refuse plain HTTP); profiles hipaa and pci put it in the customer VPC behind VPC endpoints',
      });
    }
  }
  if (settings.reservedConcurrency === undefined) {
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
      acks.push({
        id: `${pack}-LambdaConcurrency`,
        reason:
          'compliance.profile standard: the function runs from its own schedules or alarms only, a few times an hour; reserving ' +
          'concurrency would take from the account\'s unreserved pool (a new account has too little); hipaa and pci reserve it',
      });
    }
  }
  for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
    acks.push({ id: `${pack}-LambdaDLQ`, reason: failures });
  }
  acknowledgeNag(fn, acks);
}

/**
 * The VPC endpoints of the functions, once per environment and VPC: an interface endpoint per service
 * in `INTERFACE_ENDPOINTS` (private DNS, HTTPS from the VPC's CIDR only), MLflow's with
 * `options.mlflow`, and, when the config lists the subnets' route tables, the S3 and DynamoDB gateway
 * endpoints (the promotion ledger).
 */
export class FunctionEndpoints extends Construct {
  readonly vpc: ec2.IVpc;
  readonly endpoints: ReadonlyMap<string, ec2.InterfaceVpcEndpoint>;
  readonly s3Gateway?: ec2.CfnVPCEndpoint;
  readonly dynamoDbGateway?: ec2.CfnVPCEndpoint;

  constructor(scope: Construct, id: string, vpcConfig: VpcConfig, options: { readonly mlflow?: boolean } = {}) {
    super(scope, id);
    this.vpc = importVpc(this, 'Vpc', vpcConfig);
    const endpoints = new Map<string, ec2.InterfaceVpcEndpoint>();
    const services = { ...INTERFACE_ENDPOINTS, ...(options.mlflow ? { [MLFLOW_INTERFACE_ENDPOINT.name]: MLFLOW_INTERFACE_ENDPOINT.service } : {}) };
    for (const [name, service] of Object.entries(services)) {
      endpoints.set(name, this.vpc.addInterfaceEndpoint(name, { service, privateDnsEnabled: true, subnets: { subnets: this.vpc.privateSubnets }, open: true }));
    }
    this.endpoints = endpoints;
    if (vpcConfig.routeTableIds.length > 0) {
      this.s3Gateway = new ec2.CfnVPCEndpoint(this, 'S3', {
        vpcId: vpcConfig.vpcId,
        serviceName: `com.amazonaws.${Stack.of(this).region}.s3`,
        vpcEndpointType: 'Gateway',
        routeTableIds: [...vpcConfig.routeTableIds],
      });
      this.dynamoDbGateway = new ec2.CfnVPCEndpoint(this, 'DynamoDB', {
        vpcId: vpcConfig.vpcId,
        serviceName: `com.amazonaws.${Stack.of(this).region}.dynamodb`,
        vpcEndpointType: 'Gateway',
        routeTableIds: [...vpcConfig.routeTableIds],
      });
    }
  }
}
