/**
 * The `compliance` section: its default, the profiles, and what the strict profiles require, each
 * problem named by path with the value found.
 */
import { checkConfig, loadEnvironment, validateConfig } from '../../config';
import dev from '../../config/dev';

const vpc = {
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  cidrBlock: '10.20.0.0/16',
  subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0a1b2c3d4e5f60719'],
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
};
const replication = { region: 'eu-central-1', bucketName: 'driftwatch-replica', keyArn: 'arn:aws:kms:eu-central-1:123456789012:key/abcd' };

function problems(input: unknown): readonly string[] {
  const r = checkConfig(input);
  if (r.ok) throw new Error('expected the config to be rejected');
  return r.problems;
}

describe('config.compliance', () => {
  it('defaults to the standard profile, no key administrators, no termination protection', () => {
    expect(validateConfig(dev).compliance).toEqual({ profile: 'standard', keyAdministrators: [], terminationProtection: false });
  });

  it('prod turns termination protection on', () => {
    expect(loadEnvironment('prod').compliance.terminationProtection).toBe(true);
  });

  it('names the field and the value of an unknown profile', () => {
    expect(problems({ ...dev, compliance: { profile: 'hipa' } })).toEqual(['compliance.profile: expected "standard" | "hipaa" | "pci", got "hipa"']);
  });

  it.each(['hipaa', 'pci'])('%s needs the VPC and the replica, each named', (profile) => {
    const found = problems({ ...dev, compliance: { profile } });
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(new RegExp(`^compliance.replication: compliance.profile "${profile}" replicates the data bucket`));
    expect(found[1]).toMatch(new RegExp(`^compliance.vpc: compliance.profile "${profile}" runs the Lambdas in your VPC`));
  });

  it('accepts hipaa with the VPC and the replica', () => {
    const config = validateConfig({ ...dev, compliance: { profile: 'hipaa', vpc, replication } });
    expect(config.compliance.vpc).toEqual({ ...vpc, routeTableIds: [], createEndpoints: true });
  });

  it('refuses a replica in the environment\'s own region and zones that do not match the subnets', () => {
    const found = problems({
      ...dev,
      region: 'eu-central-1',
      compliance: { profile: 'pci', vpc: { ...vpc, availabilityZones: ['eu-west-1a'] }, replication },
    });
    expect(found).toContain('compliance.replication.region: the replica must be in another region than the environment\'s ("eu-central-1"), got "eu-central-1"');
    expect(found.some((p) => p.startsWith('compliance.vpc.availabilityZones: '))).toBe(true);
    expect(found.join('\n')).toContain('one availability zone per subnet: 2 subnets, got 1 zones (["eu-west-1a"])');
  });

  it('names a malformed VPC id and key administrator with the value found', () => {
    const found = problems({ ...dev, compliance: { profile: 'standard', vpc: { ...vpc, vpcId: 'vpc-xyz' }, keyAdministrators: ['KeyAdmins'] } });
    expect(found).toContain('compliance.keyAdministrators[0]: expected an ARN such as "arn:aws:iam::123456789012:role/KeyAdmins", got "KeyAdmins"');
    expect(found).toContain('compliance.vpc.vpcId: expected a VPC id such as "vpc-0a1b2c3d4e5f60718", got "vpc-xyz"');
  });
});
