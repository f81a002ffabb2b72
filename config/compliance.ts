/**
 * The `compliance` section of an environment's config: which regime the environment is deployed
 * under (`standard`, `hipaa`, `pci`) and the settings the stricter profiles need (the customer's VPC,
 * the replica bucket, longer retention). What each profile turns on, and what it costs, is in the
 * README ("Security and compliance") and in `lib/compliance/profile.ts`.
 */
import * as z from 'zod';

export const COMPLIANCE_PROFILES = ['standard', 'hipaa', 'pci'] as const;
export type ComplianceProfile = (typeof COMPLIANCE_PROFILES)[number];

const region = z.string().regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, { message: 'expected an AWS region such as "eu-central-1"' });
const arn = (service: string, example: string) =>
  z.string().regex(new RegExp(`^arn:aws[a-z-]*:${service}:`), { message: `expected an ARN such as "${example}"` });

/** The customer's VPC the Lambdas run in (hipaa and pci). Imported by id: nothing is looked up at synth time. */
export const complianceVpcSchema = z.strictObject({
  vpcId: z.string().regex(/^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/, { message: 'expected a VPC id such as "vpc-0a1b2c3d4e5f60718"' }),
  /** The VPC's IPv4 CIDR: the interface endpoints accept HTTPS from it. */
  cidrBlock: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, { message: 'expected an IPv4 CIDR such as "10.20.0.0/16"' }),
  /** Private subnets the functions' network interfaces go in, one per availability zone (two or more). */
  subnetIds: z.array(z.string().regex(/^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/, { message: 'expected a subnet id such as "subnet-0a1b2c3d4e5f60718"' })).min(2),
  /** The subnets' availability zones, in the same order. */
  availabilityZones: z.array(z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, { message: 'expected an availability zone such as "eu-west-1a"' })).min(2),
  /** Route tables of those subnets: the S3 gateway endpoint is added to them. @default [] (no S3 gateway endpoint: the VPC has one) */
  routeTableIds: z.array(z.string().regex(/^rtb-[0-9a-f]{8}([0-9a-f]{9})?$/, { message: 'expected a route table id such as "rtb-0a1b2c3d4e5f60718"' })).default([]),
  /**
   * Create the interface endpoints the functions call (Athena, Glue, EventBridge, SageMaker API, Secrets
   * Manager) in the data stack. Turn off when the VPC already has them (a VPC takes one private-DNS
   * endpoint per service). @default true
   */
  createEndpoints: z.boolean().default(true),
});

/** Cross-region replication of the data bucket (hipaa and pci): to a versioned bucket the customer keeps in another region. */
export const complianceReplicationSchema = z.strictObject({
  /** Region of the replica bucket; must differ from the environment's region. */
  region,
  /** Name of the replica bucket (versioning on, encrypted with `keyArn`). */
  bucketName: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'expected an S3 bucket name' }),
  /** The KMS key in the replica region the replicas are encrypted with. */
  keyArn: arn('kms', 'arn:aws:kms:eu-central-1:123456789012:key/...'),
});

export const complianceSchema = z.strictObject({
  /**
   * The regime: `standard` (encrypted, TLS-only, least privilege; no VPC, no replication), `hipaa`
   * or `pci` (the Lambdas in `vpc`, the data bucket replicated, TLS 1.2 or later only, reserved
   * Lambda concurrency, longer log retention). @default 'standard'
   */
  profile: z.enum(COMPLIANCE_PROFILES).default('standard'),
  /** Required by `hipaa` and `pci`. */
  vpc: complianceVpcSchema.optional(),
  /** Required by `hipaa` and `pci`. */
  replication: complianceReplicationSchema.optional(),
  /**
   * IAM roles that administer the data key (rotate, disable, schedule deletion, change its policy)
   * without being able to encrypt or decrypt with it. @default [] (the account's IAM policies decide)
   */
  keyAdministrators: z.array(arn('iam', 'arn:aws:iam::123456789012:role/KeyAdmins')).default([]),
  /** CloudFormation termination protection on every stack of the environment. @default false */
  terminationProtection: z.boolean().default(false),
});

export const COMPLIANCE_DEFAULTS = { profile: 'standard', keyAdministrators: [], terminationProtection: false } as const;

export type ComplianceConfig = z.output<typeof complianceSchema>;

interface Problem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * What the profile requires across fields: `hipaa` and `pci` need `vpc` and `replication`; the replica
 * region differs from the environment's; the availability zones match the subnets one to one.
 */
export function complianceProblems(input: unknown): Problem[] {
  if (typeof input !== 'object' || input === null) return [];
  const root = input as Record<string, unknown>;
  const c = root.compliance;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return [];
  const compliance = c as Record<string, unknown>;
  const out: Problem[] = [];
  const profile = compliance.profile;
  if (profile === 'hipaa' || profile === 'pci') {
    if (compliance.vpc === undefined) {
      out.push({ path: ['compliance', 'vpc'], message: `compliance.profile ${JSON.stringify(profile)} runs the Lambdas in your VPC: give vpcId, cidrBlock, subnetIds and availabilityZones` });
    }
    if (compliance.replication === undefined) {
      out.push({ path: ['compliance', 'replication'], message: `compliance.profile ${JSON.stringify(profile)} replicates the data bucket to another region: give region, bucketName and keyArn of the replica` });
    }
  }
  const replication = compliance.replication as Record<string, unknown> | undefined;
  if (replication && typeof replication.region === 'string' && replication.region === root.region) {
    out.push({ path: ['compliance', 'replication', 'region'], message: `the replica must be in another region than the environment's (${JSON.stringify(root.region)}), got ${JSON.stringify(replication.region)}` });
  }
  const vpc = compliance.vpc as Record<string, unknown> | undefined;
  if (vpc && Array.isArray(vpc.subnetIds) && Array.isArray(vpc.availabilityZones) && vpc.subnetIds.length !== vpc.availabilityZones.length) {
    out.push({
      path: ['compliance', 'vpc', 'availabilityZones'],
      message: `one availability zone per subnet: ${vpc.subnetIds.length} subnets, got ${vpc.availabilityZones.length} zones (${JSON.stringify(vpc.availabilityZones)})`,
    });
  }
  return out;
}
