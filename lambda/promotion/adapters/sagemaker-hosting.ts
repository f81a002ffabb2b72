/**
 * SageMaker hosting and the Model Registry as the promotion steps' `ModelHosting` (SDK v3). The SDK
 * client retries throttling itself. "Create" calls look first and create only what is missing, so a
 * retried step finds what the first attempt made (models and endpoint configs are named by what they
 * serve, `lib/promotion/naming.ts`); a missing endpoint is `null`, every other SDK error is rethrown
 * with the call and the name it was about.
 */
import {
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  UpdateModelPackageCommand,
  type DataCaptureConfig,
  type DescribeModelPackageCommandOutput,
  type ProductionVariant,
} from '@aws-sdk/client-sagemaker';
import type { DataCaptureSpec, DeploymentConfig, EndpointConfigSpec, VariantSpec } from '../../core/promotion/deployment';
import type { ApprovalStatus, EndpointState, ModelHosting, PackageInfo, ServedVariant } from '../ports';

/** At most this many pages of 100 packages. */
const MAX_PAGES = 20;

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return (e?.name === 'ValidationException' || e?.name === 'ResourceNotFound') && /could not find|not found|does not exist/i.test(e.message ?? '');
}

function wrap(call: string, subject: string, error: unknown): Error {
  const e = error as { name?: string; message?: string };
  return new Error(`SageMaker ${call} of ${subject} failed: ${e?.name ?? 'Error'}: ${e?.message ?? String(error)}`, { cause: error });
}

function approvalOf(status: string | undefined, arn: string): ApprovalStatus {
  if (status === 'Approved' || status === 'Rejected' || status === 'PendingManualApproval') return status;
  throw new Error(`model package ${arn} has approval status ${JSON.stringify(status)}, not Approved, Rejected or PendingManualApproval`);
}

const variantInput = (v: VariantSpec & { variantName: string }): ProductionVariant => ({
  VariantName: v.variantName,
  ModelName: v.modelName,
  InstanceType: v.instanceType as ProductionVariant['InstanceType'],
  InitialInstanceCount: v.instanceCount,
  InitialVariantWeight: 1,
});

/**
 * CreateEndpointConfig's DataCaptureConfig (API_DataCaptureConfig): input and output, JSON and CSV
 * bodies kept as text (other content types are captured BASE64, which the converter decodes too).
 */
export const dataCaptureInput = (c: DataCaptureSpec): DataCaptureConfig => ({
  EnableCapture: true,
  InitialSamplingPercentage: c.samplingPercent,
  DestinationS3Uri: c.destinationS3Uri,
  KmsKeyId: c.kmsKeyId,
  CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
  CaptureContentTypeHeader: { CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json'] },
});

export class SageMakerHosting implements ModelHosting {
  constructor(private readonly client: SageMakerClient) {}

  private async attempt<T>(call: string, subject: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw wrap(call, subject, error);
    }
  }

  private async exists(run: () => Promise<unknown>, call: string, subject: string): Promise<boolean> {
    try {
      await run();
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw wrap(call, subject, error);
    }
  }

  private async served(variantName: string, modelName: string): Promise<ServedVariant> {
    const model = await this.attempt('DescribeModel', modelName, () => this.client.send(new DescribeModelCommand({ ModelName: modelName })));
    const container = model.PrimaryContainer ?? model.Containers?.[0];
    return { variantName, modelName, packageArn: container?.ModelPackageName ?? null };
  }

  async endpoint(name: string): Promise<EndpointState | null> {
    let ep;
    try {
      ep = await this.client.send(new DescribeEndpointCommand({ EndpointName: name }));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw wrap('DescribeEndpoint', name, error);
    }
    const configName = ep.EndpointConfigName ?? '';
    const config = await this.attempt('DescribeEndpointConfig', configName, () => this.client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: configName })));
    const production = config.ProductionVariants?.find((v) => v.VariantName === 'champion') ?? config.ProductionVariants?.[0];
    if (!production?.ModelName) throw new Error(`endpoint ${name}: its config ${configName} has no production variant with a model`);
    const shadow = config.ShadowProductionVariants?.[0];
    return {
      name,
      status: ep.EndpointStatus ?? 'Unknown',
      configName,
      pendingConfigName: ep.PendingDeploymentSummary?.EndpointConfigName ?? null,
      failureReason: ep.FailureReason ?? null,
      production: await this.served(production.VariantName ?? 'champion', production.ModelName),
      shadow: shadow?.ModelName ? await this.served(shadow.VariantName ?? 'shadow', shadow.ModelName) : null,
    };
  }

  async createModelFromPackage(modelName: string, packageArn: string, executionRoleArn: string): Promise<void> {
    if (await this.exists(() => this.client.send(new DescribeModelCommand({ ModelName: modelName })), 'DescribeModel', modelName)) return;
    await this.attempt('CreateModel', modelName, () =>
      this.client.send(new CreateModelCommand({ ModelName: modelName, ExecutionRoleArn: executionRoleArn, PrimaryContainer: { ModelPackageName: packageArn } })),
    );
  }

  async createEndpointConfig(spec: EndpointConfigSpec): Promise<void> {
    if (await this.exists(() => this.client.send(new DescribeEndpointConfigCommand({ EndpointConfigName: spec.name })), 'DescribeEndpointConfig', spec.name)) return;
    await this.attempt('CreateEndpointConfig', spec.name, () =>
      this.client.send(
        new CreateEndpointConfigCommand({
          EndpointConfigName: spec.name,
          ProductionVariants: [variantInput(spec.production)],
          ...(spec.shadow ? { ShadowProductionVariants: [variantInput(spec.shadow)] } : {}),
          ...(spec.dataCapture ? { DataCaptureConfig: dataCaptureInput(spec.dataCapture) } : {}),
        }),
      ),
    );
  }

  async updateEndpoint(endpointName: string, configName: string, deployment?: DeploymentConfig): Promise<void> {
    await this.attempt('UpdateEndpoint', `${endpointName} to ${configName}`, () =>
      this.client.send(
        new UpdateEndpointCommand({
          EndpointName: endpointName,
          EndpointConfigName: configName,
          ...(deployment ? { DeploymentConfig: deployment as NonNullable<ConstructorParameters<typeof UpdateEndpointCommand>[0]['DeploymentConfig']> } : {}),
        }),
      ),
    );
  }

  async modelPackage(arn: string): Promise<PackageInfo> {
    const p: DescribeModelPackageCommandOutput = await this.attempt('DescribeModelPackage', arn, () => this.client.send(new DescribeModelPackageCommand({ ModelPackageName: arn })));
    const by = p.LastModifiedBy?.UserProfileName ?? p.LastModifiedBy?.IamIdentity?.Arn ?? null;
    return {
      arn: p.ModelPackageArn ?? arn,
      group: p.ModelPackageGroupName ?? '',
      version: String(p.ModelPackageVersion ?? /\/(\d+)$/.exec(arn)?.[1] ?? ''),
      approvalStatus: approvalOf(p.ModelApprovalStatus, arn),
      approvalDescription: p.ApprovalDescription ?? null,
      modifiedBy: by,
    };
  }

  async setApproval(arn: string, status: 'Approved' | 'Rejected', description: string): Promise<void> {
    await this.attempt('UpdateModelPackage', arn, () => this.client.send(new UpdateModelPackageCommand({ ModelPackageArn: arn, ModelApprovalStatus: status, ApprovalDescription: description })));
  }

  async approvedPackages(group: string): Promise<PackageInfo[]> {
    const out: PackageInfo[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.attempt('ListModelPackages', group, () =>
        this.client.send(new ListModelPackagesCommand({ ModelPackageGroupName: group, ModelApprovalStatus: 'Approved', SortBy: 'CreationTime', SortOrder: 'Ascending', MaxResults: 100, NextToken: token })),
      );
      for (const s of res.ModelPackageSummaryList ?? []) {
        if (!s.ModelPackageArn) continue;
        out.push({ arn: s.ModelPackageArn, group, version: String(s.ModelPackageVersion ?? /\/(\d+)$/.exec(s.ModelPackageArn)?.[1]), approvalStatus: approvalOf(s.ModelApprovalStatus, s.ModelPackageArn), approvalDescription: null, modifiedBy: null });
      }
      token = res.NextToken;
      if (!token) break;
    }
    return out;
  }
}
