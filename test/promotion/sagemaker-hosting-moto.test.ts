/**
 * SageMakerHosting against moto_server: model packages with approval status, models made from
 * packages, endpoint configs, endpoints. Where moto 5.2.1 falls short (UpdateEndpoint, keeping
 * ShadowProductionVariants) the fill-ins of moto-hosting.ts stand in, each said there.
 */
import { SageMakerClient, DescribeModelCommand } from '@aws-sdk/client-sagemaker';
import { SageMakerHosting } from '../../lambda/promotion/adapters/sagemaker-hosting';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';
import { createChampionEndpoint, hostingClient, registerPackages, ROLE, type HostingGaps } from './moto-hosting';

jest.setTimeout(60_000);

let moto: MotoServer;
let client: SageMakerClient;
let plain: SageMakerClient;
let gaps: HostingGaps;
let hosting: SageMakerHosting;
let arns: string[];

beforeAll(async () => {
  moto = await startMoto();
  ({ client, gaps } = hostingClient(moto.endpoint));
  plain = new SageMakerClient(motoClientConfig(moto.endpoint));
  hosting = new SageMakerHosting(client);
  arns = await registerPackages(client, 'dw-test-fraud', 3, [1, 2]);
  await createChampionEndpoint(client, 'fraud-prod', 'dw-test-fraud-v1', arns[0], 'dw-test-fraud-v1');
});

afterAll(async () => {
  client?.destroy();
  plain?.destroy();
  await moto?.stop();
});

describe('SageMakerHosting on moto_server', () => {
  it('reads the endpoint: status, config and the package its champion variant serves', async () => {
    expect(await hosting.endpoint('fraud-prod')).toEqual({
      name: 'fraud-prod',
      status: 'InService',
      configName: 'dw-test-fraud-v1',
      pendingConfigName: null,
      failureReason: null,
      production: { variantName: 'champion', modelName: 'dw-test-fraud-v1', packageArn: arns[0] },
      shadow: null,
    });
  });

  it('a missing endpoint is null, not an error', async () => {
    expect(await hosting.endpoint('no-such-endpoint')).toBeNull();
  });

  it('lists the Approved versions of the group oldest first, and reads one package', async () => {
    expect((await hosting.approvedPackages('dw-test-fraud')).map((p) => [p.version, p.approvalStatus])).toEqual([['1', 'Approved'], ['2', 'Approved']]);
    expect(await hosting.modelPackage(arns[2])).toMatchObject({ arn: arns[2], group: 'dw-test-fraud', version: '3', approvalStatus: 'PendingManualApproval' });
  });

  it('approving a package is what DescribeModelPackage and the Approved list then say', async () => {
    await hosting.setApproval(arns[2], 'Approved', 'looks good');
    expect(await hosting.modelPackage(arns[2])).toMatchObject({ approvalStatus: 'Approved', approvalDescription: 'looks good' });
    expect((await hosting.approvedPackages('dw-test-fraud')).map((p) => p.version)).toEqual(['1', '2', '3']);
  });

  it('a model from a package is created once; creating it again changes nothing', async () => {
    await hosting.createModelFromPackage('dw-test-fraud-v2', arns[1], ROLE);
    await hosting.createModelFromPackage('dw-test-fraud-v2', arns[0], ROLE);
    const model = await plain.send(new DescribeModelCommand({ ModelName: 'dw-test-fraud-v2' }));
    expect(model.PrimaryContainer?.ModelPackageName).toBe(arns[1]);
  });

  it('a shadow config and an update put the candidate beside the champion (UpdateEndpoint and shadow variants: fill-ins)', async () => {
    const v = (modelName: string) => ({ modelName, instanceType: 'ml.m5.large', instanceCount: 1 });
    await hosting.createEndpointConfig({ name: 'dw-test-fraud-c1-s2', production: { ...v('dw-test-fraud-v1'), variantName: 'champion' }, shadow: { ...v('dw-test-fraud-v2'), variantName: 'shadow' } });
    await hosting.updateEndpoint('fraud-prod', 'dw-test-fraud-c1-s2');
    const ep = await hosting.endpoint('fraud-prod');
    expect(ep).toMatchObject({ configName: 'dw-test-fraud-c1-s2', production: { packageArn: arns[0] }, shadow: { variantName: 'shadow', modelName: 'dw-test-fraud-v2', packageArn: arns[1] } });
    expect(gaps.updates.at(-1)).toEqual({ endpointName: 'fraud-prod', configName: 'dw-test-fraud-c1-s2', deployment: undefined });
  });

  it('an SDK error names the call and what it was about', async () => {
    await expect(hosting.createEndpointConfig({ name: 'dw-test-bad', production: { modelName: 'no-such-model', instanceType: 'ml.m5.large', instanceCount: 1, variantName: 'champion' } })).rejects.toThrow(
      /^SageMaker CreateEndpointConfig of dw-test-bad failed: ValidationException: Could not find model/,
    );
  });
});
