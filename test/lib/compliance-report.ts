/**
 * The four cdk-nag packs (AwsSolutions, NIST 800-53 rev 5, HIPAA Security, PCI DSS 3.2.1) on every
 * stack of an environment under a compliance profile. Used by test/lib/compliance.test.ts, and run
 * by hand to print the table the README shows:
 *
 *   npx tsx test/lib/compliance-report.ts                       # every env x profile
 *   npx tsx test/lib/compliance-report.ts --env prod --profile hipaa --verbose
 *
 * The hipaa and pci runs give the environment an example VPC and replica (COMPLIANCE_FIXTURE): the
 * profiles require them, and synthesis needs no lookup of either.
 */
import * as path from 'node:path';
import type { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks, type NagPack } from 'cdk-nag';
import { COMPLIANCE_PROFILES, loadEnvironment, validateConfig, type ComplianceProfile, type DriftwatchConfig } from '../../config';
import { ENVIRONMENTS } from '../../config/environments';
import { createDriftwatchApp } from '../../lib/platform';

export const PACKS: ReadonlyArray<() => NagPack> = [
  () => new AwsSolutionsChecks(),
  () => new NIST80053R5Checks(),
  () => new HIPAASecurityChecks(),
  () => new PCIDSS321Checks(),
];

export const ENVS = ['dev', 'prod', 'example'] as const;

/** What the strict profiles need, with example ids (nothing is looked up at synth time). */
export const COMPLIANCE_FIXTURE = {
  vpc: {
    vpcId: 'vpc-0a1b2c3d4e5f60718',
    cidrBlock: '10.20.0.0/16',
    subnetIds: ['subnet-0a1b2c3d4e5f60718', 'subnet-0a1b2c3d4e5f60719'],
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    routeTableIds: ['rtb-0a1b2c3d4e5f60718', 'rtb-0a1b2c3d4e5f60719'],
  },
  replication: { region: 'eu-central-1', bucketName: 'driftwatch-replica-123456789012', keyArn: 'arn:aws:kms:eu-central-1:123456789012:key/1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d' },
} as const;

/** A registered environment's config under a profile (its own for the profile it declares). */
export function configUnder(env: string, profile: ComplianceProfile): DriftwatchConfig {
  const own = loadEnvironment(env);
  if (own.compliance.profile === profile) return own;
  const input = ENVIRONMENTS[env] as Record<string, unknown>;
  const compliance = { ...(input.compliance as Record<string, unknown> | undefined), profile, ...(profile === 'standard' ? {} : COMPLIANCE_FIXTURE) };
  return validateConfig({ ...input, compliance }, `config/${env}.ts (profile ${profile})`);
}

export interface PackResult {
  readonly pack: string;
  /** Unacknowledged findings, as `rule @ construct path`. */
  readonly findings: string[];
  /** Acknowledged findings (each with its reason on the resource). */
  readonly acknowledged: number;
}

/** Runs every pack on the app (already synthesized or not) and returns each pack's findings. */
export function runPacks(app: App): PackResult[] {
  return PACKS.map((make) => {
    const pack = make();
    const report = pack.validateScope(app);
    const findings = report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));
    const acknowledged = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((m) => Object.keys(m.data as Record<string, string>))
      .filter((id) => id.replace(/^Annotation::/, '').startsWith(`${pack.name}-`)).length;
    return { pack: pack.name, findings, acknowledged };
  });
}

/** Synthesizes an environment under a profile (nag plugins off: the packs run through `runPacks`). */
export function synthUnder(env: string, profile: ComplianceProfile, outdir?: string): App {
  const { app } = createDriftwatchApp(configUnder(env, profile), { nag: false, ...(outdir ? { outdir } : {}) });
  app.synth();
  return app;
}

function main(argv: string[]): void {
  const arg = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const envs = arg('env') ? [arg('env')!] : [...ENVS];
  const profiles = arg('profile') ? [arg('profile') as ComplianceProfile] : [...COMPLIANCE_PROFILES];
  const verbose = argv.includes('--verbose');
  console.log('| env | profile | ' + PACKS.map((p) => p().name).join(' | ') + ' |');
  console.log('|---|---|' + PACKS.map(() => '---|').join(''));
  let total = 0;
  for (const env of envs) {
    for (const profile of profiles) {
      const results = runPacks(synthUnder(env, profile, path.join(process.env.TMPDIR ?? '/tmp', `driftwatch-nag-${env}-${profile}`)));
      console.log(`| ${env} | ${profile} | ` + results.map((r) => `${r.findings.length} (${r.acknowledged} ack.)`).join(' | ') + ' |');
      total += results.reduce((n, r) => n + r.findings.length, 0);
      if (verbose) for (const r of results) for (const f of r.findings) console.log(`    ${f}`);
    }
  }
  process.exitCode = total === 0 ? 0 : 1;
}

if (require.main === module) main(process.argv.slice(2));
