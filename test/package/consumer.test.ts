/**
 * Driftwatch as a team installs it: `npm pack`, then a fresh CDK app in a temporary folder (the
 * files `cdk init app --language typescript` writes, with its compiler options and jest set-up)
 * installs the tarball, composes PredictionLog, GroundTruthLog, Analytics and ModelMonitor with its
 * own bucket and key (test/package/consumer-app, the README's example), type-checks with plain
 * `tsc`, runs its own jest, synthesizes, and runs `npx driftwatch demo` from the installed package.
 *
 * The install is `npm ci --offline` from a lock cut out of ours (consumer-lock.ts): every package
 * comes from the npm cache our own `npm ci` filled, so no registry is asked.
 */
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, ensurePackageBuilt } from './build';
import { consumerLock, type ConsumerManifest } from './consumer-lock';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const APP_SOURCES = path.join(__dirname, 'consumer-app');
/** Each step below runs tools in child processes (tsc, jest, the CLI): a minute or less alone, longer in a full npm test. */
const SLOW_STEP = 5 * 60_000;

/** `cdk init app --language typescript` (aws-cdk 2.1148): tsconfig.json as the template writes it. */
const CDK_INIT_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['es2022'],
    declaration: true,
    strict: true,
    noImplicitAny: true,
    strictNullChecks: true,
    noImplicitThis: true,
    alwaysStrict: true,
    noUnusedLocals: false,
    noUnusedParameters: false,
    noImplicitReturns: true,
    noFallthroughCasesInSwitch: false,
    inlineSourceMap: true,
    inlineSources: true,
    experimentalDecorators: true,
    strictPropertyInitialization: false,
    skipLibCheck: true,
    typeRoots: ['./node_modules/@types'],
    noEmit: true,
    isolatedModules: true,
    types: ['jest', 'node'],
  },
  exclude: ['node_modules', 'cdk.out'],
};

/** The template's jest.config.js. */
const CDK_INIT_JEST_CONFIG = `module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\\\.tsx?$': ['@swc/jest']
  },
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
};
`;

/**
 * The template's devDependencies, at the versions our lock has (so the offline install finds them),
 * without the aws-cdk CLI (synthesis runs the app as its cdk.json would). typescript is our pin
 * (^5.9): the template's ~7.0 is the native compiler, not in our lock.
 */
const TEMPLATE_DEV_DEPENDENCIES = ['@swc/core', '@swc/jest', '@types/jest', '@types/node', 'jest', 'tsx', 'typescript'];

interface Installed {
  dir: string;
  tarball: string;
  entries: string[];
  steps: string[];
}

let installed: Installed;
const timings: string[] = [];

function timed<T>(label: string, run: () => T): T {
  const started = Date.now();
  const out = run();
  timings.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return out;
}

/** Runs a command in the consumer folder; fails the test with its output when it exits non-zero. */
function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd: installed.dir, encoding: 'utf8', env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status ?? result.signal}:\n${result.stdout}\n${result.stderr}`.slice(0, 8000));
  }
  return result;
}

function copyTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) copyTree(path.join(from, entry.name), path.join(to, entry.name));
    else fs.copyFileSync(path.join(from, entry.name), path.join(to, entry.name));
  }
}

beforeAll(() => {
  const steps = timed('build (when stale)', () => ensurePackageBuilt());
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-consumer-'));
  const packed = timed('npm pack', () =>
    JSON.parse(execFileSync(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })),
  ) as { filename: string; files: { path: string }[]; size: number; entryCount: number }[];
  const tarball = path.join(dir, packed[0].filename);
  timings.push(`tarball ${(packed[0].size / 1024 / 1024).toFixed(2)} MB, ${packed[0].entryCount} files`);
  installed = { dir, tarball, entries: packed[0].files.map((f) => f.path), steps };

  const ours = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')).packages as Record<string, { version: string }>;
  const range = (name: string) => `^${ours[`node_modules/${name}`].version}`;
  const manifest: ConsumerManifest = {
    name: 'team-app',
    version: '0.1.0',
    dependencies: { 'aws-cdk-lib': range('aws-cdk-lib'), constructs: range('constructs'), driftwatch: `file:${packed[0].filename}` },
    devDependencies: Object.fromEntries(TEMPLATE_DEV_DEPENDENCIES.map((n) => [n, range(n)])),
  };
  const packedManifest = JSON.parse(execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], { encoding: 'utf8' }));
  const lock = consumerLock(path.join(ROOT, 'package-lock.json'), manifest, { file: tarball, relative: packed[0].filename, packed: packedManifest });
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({ ...manifest, bin: { 'team-app': 'bin/team-app.js' }, scripts: { build: 'tsc', test: 'jest', cdk: 'cdk' } }, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), `${JSON.stringify(CDK_INIT_TSCONFIG, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'jest.config.js'), CDK_INIT_JEST_CONFIG);
  fs.writeFileSync(path.join(dir, 'cdk.json'), `${JSON.stringify({ app: 'npx tsc && npx tsx bin/team-app.ts' }, null, 2)}\n`);
  copyTree(APP_SOURCES, dir);
  timed('npm ci --offline', () => run(NPM, ['ci', '--offline', '--no-audit', '--no-fund', '--loglevel=error']));
}, 15 * 60_000);

afterAll(() => {
  if (!installed) return;
  console.log(`package test: ${[...installed.steps, ...timings].join('; ')}`);
  fs.rmSync(installed.dir, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds compiled code, declarations and assets only: no TypeScript sources, tests or fixtures', () => {
    const { entries } = installed;
    const allowed = [
      /^package\.json$/,
      /^README\.md$/,
      /^bin\/driftwatch\.js$/,
      /^dist\/.+\.js$/,
      /^dist\/.+\.d\.ts$/,
      /^dist\/handlers\/[a-z-]+\/index\.js(\.map|\.LEGAL\.txt)?$/,
      /^lambda\/demo\/data\/[^/]+\.(csv\.gz|source\.txt)$/,
      /^config\/backtest\/bank-demo\.json$/,
      /^lambda\/client\/RECORD_CONTRACT\.md$/,
    ];
    expect(entries.filter((e) => !allowed.some((re) => re.test(e)))).toEqual([]);
    expect(entries.filter((e) => e.endsWith('.ts') && !e.endsWith('.d.ts'))).toEqual([]);
    expect(entries.filter((e) => /(^|\/)test\//.test(e) || /\.test\.(js|d\.ts)$/.test(e))).toEqual([]);
    for (const main of ['dist/index.js', 'dist/index.d.ts', 'dist/lambda/core/index.js', 'dist/lambda/client/index.d.ts', 'dist/bin/driftwatch.js']) {
      expect(entries).toContain(main);
    }
    for (const handler of ['profile-hour', 'score-window']) expect(entries).toContain(`dist/handlers/${handler}/index.js`);
  });

  it("is what the README's example shows: the app's stack is the README's code, verbatim", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Use it in your own CDK app'));
    const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    expect(code).toBe(fs.readFileSync(path.join(APP_SOURCES, 'lib/team-stack.ts'), 'utf8'));
  });

  it('needs neither TypeScript tooling nor esbuild at run time (peer aws-cdk-lib and constructs)', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(installed.dir, 'node_modules/driftwatch/package.json'), 'utf8'));
    for (const dev of ['tsx', 'esbuild', 'typescript', 'aws-cdk-lib', 'constructs']) expect(manifest.dependencies[dev]).toBeUndefined();
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['aws-cdk-lib', 'constructs']);
  });
});

describe("a team's CDK app with Driftwatch installed", () => {
  it('type-checks with plain tsc under the compiler options of cdk init', () => {
    timed('tsc', () => run(process.execPath, [path.join(installed.dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']));
  }, SLOW_STEP);

  it('imports the core statistics and the logging client from their subpaths, in plain Node', () => {
    const script = [
      "const core = require('driftwatch/lambda/core');",
      "const client = require('driftwatch/lambda/client');",
      "const root = require('driftwatch');",
      'console.log(JSON.stringify({ psi: typeof core.psi, logger: typeof client.PredictionLogger, monitor: typeof root.ModelMonitor, platform: typeof root.Platform }));',
    ].join('\n');
    const out = JSON.parse(run(process.execPath, ['-e', script]).stdout);
    expect(out).toEqual({ psi: 'function', logger: 'function', monitor: 'function', platform: 'function' });
  }, SLOW_STEP);

  it("passes the team's own jest test (the cdk init jest set-up: @swc/jest, jest-autoclean)", () => {
    const result = timed('consumer jest', () => run(process.execPath, [path.join(installed.dir, 'node_modules/jest/bin/jest.js'), '--ci']));
    expect(result.stderr).toMatch(/Tests:\s+1 passed, 1 total/);
  }, SLOW_STEP);

  describe('synthesized', () => {
    let template: { Resources: Record<string, { Type: string; Properties?: any; Metadata?: any }> };
    let outdir: string;

    beforeAll(() => {
      outdir = path.join(installed.dir, 'cdk.out');
      // What cdk.json's app runs after tsc; CDK_OUTDIR is how the cdk CLI tells the app where to write.
      timed('synth', () => run(path.join(installed.dir, 'node_modules/.bin/tsx'), ['bin/team-app.ts'], { env: { CDK_OUTDIR: outdir } }));
      template = JSON.parse(fs.readFileSync(path.join(outdir, 'TeamStack.template.json'), 'utf8'));
    }, 5 * 60_000);

    const ofType = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

    it("puts all 5 retention rules on the team's own bucket", () => {
      const [[, bucket]] = ofType('AWS::S3::Bucket');
      const rules = bucket.Properties.LifecycleConfiguration.Rules.map((r: any) => [r.Id, r.Prefix, r.ExpirationInDays]);
      expect(rules.sort()).toEqual(
        [
          ['expire-athena-results', 'athena-results/', 30],
          ['expire-errors-labels_churn', 'errors/labels/churn/', 90],
          ['expire-errors-predictions_churn', 'errors/predictions/churn/', 90],
          ['expire-labels_churn', 'labels/churn/', 400],
          ['expire-predictions_churn', 'predictions/churn/', 180],
        ].sort(),
      );
      expect(ofType('AWS::S3::Bucket')).toHaveLength(1);
      expect(ofType('AWS::KMS::Key')).toHaveLength(1);
    });

    it("grants the scoring service the prediction stream and the analyst the workgroup, tables and prefixes", () => {
      const policies = ofType('AWS::IAM::Policy').map(([, p]) => p.Properties);
      const of = (role: string) => policies.filter((p) => JSON.stringify(p.Roles).includes(`"${role}`)).flatMap((p) => p.PolicyDocument.Statement);
      const service = of('ScoringService');
      expect(service.flatMap((s: any) => [s.Action].flat())).toEqual(expect.arrayContaining(['firehose:PutRecord', 'firehose:PutRecordBatch']));
      expect(JSON.stringify(service)).toContain('ChurnPredictions');
      const analyst = JSON.stringify(of('Analyst'));
      for (const want of ['athena:StartQueryExecution', 'workgroup/team-ml', 'table/team_ml/predictions_churn', 'table/team_ml/labels_churn', '/predictions/churn/*', '/athena-results/*']) {
        expect(analyst).toContain(want);
      }
    });

    it("deploys the monitor's functions from the package's prebuilt bundles (no esbuild, no sources)", () => {
      const functions = ofType('AWS::Lambda::Function');
      expect(functions).toHaveLength(2);
      const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'TeamStack.assets.json'), 'utf8'));
      const assetDirs = Object.values(manifest.files as Record<string, { source: { path: string; packaging?: string } }>)
        .filter((a) => a.source.packaging === 'zip')
        .map((a) => path.join(outdir, a.source.path));
      const bundles = ['profile-hour', 'score-window'].map((h) => fs.readFileSync(path.join(installed.dir, 'node_modules/driftwatch/dist/handlers', h, 'index.js')));
      const assetCode = assetDirs.map((d) => fs.readFileSync(path.join(d, 'index.js')));
      for (const bundle of bundles) expect(assetCode.some((code) => code.equals(bundle))).toBe(true);
      for (const d of assetDirs) expect(JSON.parse(fs.readFileSync(path.join(d, 'model.json'), 'utf8')).model.id).toBe('churn');
    });
  });

  it("loads a .ts backtest config through the app's own tsx (the package does not depend on it)", () => {
    const config = [
      "type Feature = { name: string; kind: 'numeric' | 'categorical' };",
      "const features: Feature[] = [{ name: 'age', kind: 'numeric' }, { name: 'job', kind: 'categorical' }];",
      "export default { delimiter: ';', features, reference: { rows: 10000 }, window: { rows: 10000 } };",
    ].join('\n');
    fs.writeFileSync(path.join(installed.dir, 'backtest.ts'), `${config}\n`);
    const data = path.join('node_modules/driftwatch/lambda/demo/data/bank-additional-full.csv.gz');
    const result = spawnSync(NPM, ['exec', '--offline', '--', 'driftwatch', 'backtest', '--config', 'backtest.ts', '--data', data, '--format', 'json'], {
      cwd: installed.dir,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(result.stderr).not.toMatch(/cannot load the module|needs tsx/);
    const report = JSON.parse(result.stdout);
    expect(report.windows.length).toBe(4);
  }, SLOW_STEP);

  it('runs npx driftwatch demo from the installed package (the dataset ships in it), on compiled JavaScript', () => {
    const result = timed('npx driftwatch demo', () => run(NPM, ['exec', '--offline', '--', 'driftwatch', 'demo', '--json', 'demo.json']));
    expect(result.stdout).toMatch(/Summary: critical\. 16 windows/);
    expect(fs.existsSync(path.join(installed.dir, 'node_modules/driftwatch/bin/driftwatch.ts'))).toBe(false);
    expect(fs.existsSync(path.join(installed.dir, 'node_modules/driftwatch/lambda/demo/data/bank-additional-full.csv.gz'))).toBe(true);
  }, SLOW_STEP);
});
