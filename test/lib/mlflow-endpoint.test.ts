/**
 * SageMaker managed MLflow from inside the customer's VPC: under the profiles that put the functions
 * in the VPC (hipaa, pci), an environment with `mlflow` gets the interface endpoint of MLflow's API
 * (`aws.sagemaker.<region>.experiments`) beside the others, so the promotion and pipeline-outcome
 * functions reach the tracking server without a NAT; one without `mlflow`, or under standard, gets
 * none. The four cdk-nag packs and cfn-lint stay clean on the data stack that holds it.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { validateConfig, type ComplianceProfile } from '../../config';
import { ENVIRONMENTS } from '../../config/environments';
import { removeTemporaryAssets } from '../../lib/monitor';
import { createDriftwatchApp } from '../../lib/platform';
import { COMPLIANCE_FIXTURE, runPacks } from './compliance-report';

jest.setTimeout(600_000);

const MLFLOW_SERVICE = 'aws.sagemaker.eu-west-1.experiments';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-mlflow-endpoint-'));
afterAll(() => {
  removeTemporaryAssets();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** prod under a profile, with or without `mlflow`: the app and its data stack's template file. */
function synth(profile: ComplianceProfile, mlflow: boolean) {
  const input = ENVIRONMENTS.prod as Record<string, unknown>;
  const compliance = { ...(input.compliance as Record<string, unknown> | undefined), profile, ...(profile === 'standard' ? {} : COMPLIANCE_FIXTURE) };
  const config = validateConfig({ ...input, compliance, ...(mlflow ? { mlflow: { size: 'Small' } } : {}) }, `config/prod.ts (profile ${profile}, mlflow ${mlflow})`);
  const outdir = path.join(tmp, `${profile}-${mlflow}`);
  const { app } = createDriftwatchApp(config, { nag: false, outdir });
  app.synth();
  const file = path.join(outdir, 'Driftwatch-prod-Data.template.json');
  return { app, file, data: Template.fromJSON(JSON.parse(fs.readFileSync(file, 'utf8'))) };
}

const endpointsOf = (data: Template, service: string) => Object.values(data.findResources('AWS::EC2::VPCEndpoint')).filter((e) => e.Properties.ServiceName === service);

it.each(['hipaa', 'pci'] as const)('%s with mlflow: the MLflow API endpoint in the VPC, private DNS, on the functions\' subnets; nag and cfn-lint clean', (profile) => {
  const { app, file, data } = synth(profile, true);
  data.hasResourceProperties('AWS::EC2::VPCEndpoint', {
    VpcEndpointType: 'Interface',
    ServiceName: MLFLOW_SERVICE,
    PrivateDnsEnabled: true,
    VpcId: COMPLIANCE_FIXTURE.vpc.vpcId,
    SubnetIds: [...COMPLIANCE_FIXTURE.vpc.subnetIds],
  });
  expect(endpointsOf(data, MLFLOW_SERVICE)).toHaveLength(1);
  expect(runPacks(app).flatMap((r) => r.findings)).toEqual([]);
  const lint = spawnSync('cfn-lint', ['--format', 'parseable', file], { encoding: 'utf8' });
  expect([lint.error, lint.stdout.trim(), lint.status]).toEqual([undefined, '', 0]);
});

it('hipaa without mlflow: no MLflow endpoint (the other endpoints are there)', () => {
  const { data } = synth('hipaa', false);
  expect(endpointsOf(data, MLFLOW_SERVICE)).toEqual([]);
  expect(endpointsOf(data, 'com.amazonaws.eu-west-1.sagemaker.api')).toHaveLength(1);
});

it('standard with mlflow: the functions are not in a VPC, so no endpoint at all', () => {
  const { data } = synth('standard', true);
  data.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
});
