/**
 * SageMaker hosting on moto_server for the promotion tests, and the in-process fill-ins for what moto
 * 5.2.1 does not do (each covers ONE thing, on the client's middleware stack; everything else is moto):
 * - UpdateEndpoint is not implemented (moto answers "not implemented"): the fill-in records the call
 *   and its DeploymentConfig and re-creates the endpoint on the new config through moto's real
 *   CreateEndpoint (which replaces an endpoint of the same name), so DescribeEndpoint then reports it.
 * - ShadowProductionVariants: moto's CreateEndpointConfig drops them; the fill-in keeps them per
 *   config name and adds them back to DescribeEndpointConfig's answer.
 * - Auto-rollback: moto cannot run a blue/green deployment or its alarms. `rollBackNextCanary()` makes
 *   the next UpdateEndpoint that carries AutoRollbackConfiguration leave the endpoint on its old config,
 *   with the FailureReason SageMaker gives after an alarm-triggered rollback, on DescribeEndpoint.
 */
import {
  CreateEndpointCommand,
  CreateEndpointConfigCommand,
  CreateModelCommand,
  CreateModelPackageCommand,
  CreateModelPackageGroupCommand,
  SageMakerClient,
  type ProductionVariant,
} from '@aws-sdk/client-sagemaker';
import { motoClientConfig } from '../support/moto';

export interface UpdateCall {
  readonly endpointName: string;
  readonly configName: string;
  readonly deployment: Record<string, unknown> | undefined;
}

export interface HostingGaps {
  readonly updates: UpdateCall[];
  rollBackNextCanary(reason: string): void;
}

/** A SageMaker client on moto with the fill-ins above. */
export function hostingClient(endpoint: string): { client: SageMakerClient; gaps: HostingGaps } {
  const client = new SageMakerClient(motoClientConfig(endpoint));
  return { client, gaps: installHostingGaps(client, endpoint) };
}

/** Puts the fill-ins on a client's middleware stack (one the code under test made itself, too). */
export function installHostingGaps(client: SageMakerClient, endpoint: string): HostingGaps {
  const raw = new SageMakerClient(motoClientConfig(endpoint));
  const shadows = new Map<string, unknown>();
  const failure = new Map<string, string>();
  const updates: UpdateCall[] = [];
  let rollBack: string | null = null;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      if (context.commandName === 'UpdateEndpointCommand') {
        const call = { endpointName: String(input.EndpointName), configName: String(input.EndpointConfigName), deployment: input.DeploymentConfig as Record<string, unknown> | undefined };
        updates.push(call);
        if (rollBack !== null && call.deployment?.AutoRollbackConfiguration) {
          failure.set(call.endpointName, rollBack);
          rollBack = null;
        } else {
          failure.delete(call.endpointName);
          await raw.send(new CreateEndpointCommand({ EndpointName: call.endpointName, EndpointConfigName: call.configName }));
        }
        return { output: { $metadata: {}, EndpointArn: `arn:aws:sagemaker:us-east-1:123456789012:endpoint/${call.endpointName}` }, response: {} } as never;
      }
      if (context.commandName === 'CreateEndpointConfigCommand' && input.ShadowProductionVariants) shadows.set(String(input.EndpointConfigName), input.ShadowProductionVariants);
      const result = await next(args);
      const output = result.output as unknown as Record<string, unknown>;
      if (context.commandName === 'DescribeEndpointConfigCommand' && shadows.has(String(input.EndpointConfigName))) output.ShadowProductionVariants = shadows.get(String(input.EndpointConfigName));
      if (context.commandName === 'DescribeEndpointCommand' && failure.has(String(input.EndpointName))) output.FailureReason = failure.get(String(input.EndpointName));
      return result;
    },
    { step: 'initialize', name: 'motoHostingGaps' },
  );
  return { updates, rollBackNextCanary: (reason) => (rollBack = reason) };
}

export const ROLE = 'arn:aws:iam::123456789012:role/dw-test-fraud-model';

/** A Model Package Group with `count` versions, the given ones Approved; returns their ARNs by version. */
export async function registerPackages(client: SageMakerClient, group: string, count: number, approved: readonly number[]): Promise<string[]> {
  await client.send(new CreateModelPackageGroupCommand({ ModelPackageGroupName: group }));
  const arns: string[] = [];
  for (let v = 1; v <= count; v++) {
    const res = await client.send(
      new CreateModelPackageCommand({
        ModelPackageGroupName: group,
        ModelApprovalStatus: approved.includes(v) ? 'Approved' : 'PendingManualApproval',
        InferenceSpecification: { Containers: [{ Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/fraud@sha256:' + 'a'.repeat(64), ModelDataUrl: `s3://models/fraud/${v}/model.tar.gz` }], SupportedContentTypes: ['text/csv'], SupportedResponseMIMETypes: ['text/csv'] },
      }),
    );
    arns.push(String(res.ModelPackageArn));
  }
  return arns;
}

/** The endpoint serving `packageArn` alone as variant champion, as a team would have it before promotion. */
export async function createChampionEndpoint(client: SageMakerClient, endpointName: string, modelName: string, packageArn: string, configName: string): Promise<void> {
  await client.send(new CreateModelCommand({ ModelName: modelName, ExecutionRoleArn: ROLE, PrimaryContainer: { ModelPackageName: packageArn } }));
  const variant: ProductionVariant = { VariantName: 'champion', ModelName: modelName, InstanceType: 'ml.m5.large', InitialInstanceCount: 1, InitialVariantWeight: 1 };
  await client.send(new CreateEndpointConfigCommand({ EndpointConfigName: configName, ProductionVariants: [variant] }));
  await client.send(new CreateEndpointCommand({ EndpointName: endpointName, EndpointConfigName: configName }));
}
