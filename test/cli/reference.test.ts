/**
 * `driftwatch reference` on the shipped datasets: the file it writes is a reference the Lambdas
 * accept, fitted by the same code as the backtest's; `--push` against a real moto_server.
 */
import fc from 'fast-check';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { readDataset } from '../../lambda/adapters/local/read-dataset';
import { parseBacktestConfig, runBacktest } from '../../lambda/backtest';
import { sqlName, sliceColumn } from '../../lambda/backtest/columns';
import { dataBucketNameFor } from '../../lambda/cli/reference/push';
import { fitDatasetProfile } from '../../lambda/core/profile';
import type { FeatureKind } from '../../lambda/core/types';
import { monitorKeys } from '../../lambda/monitor/layout';
import { parseReference, type MonitorReference } from '../../lambda/monitor/reference';
import { referenceBinRows } from '../../lambda/sql/profile-query';
import { dataBucketName } from '../../lib/platform/data-stack';
import { BANK, readDatasetText } from '../support/datasets';
import { motoClientConfig, startMoto, type MotoServer } from '../support/moto';
import { prng } from '../support/random';
import { run, tempDir } from './helpers';

const BIN = path.join(__dirname, '../../bin/driftwatch.js');
const tmp = tempDir('driftwatch-reference-');
afterAll(() => tmp.cleanup());

/** The bank features the tests fit: kinds given for some, inferred for the others. */
const BANK_FEATURES: Record<string, { kind?: FeatureKind; importance?: number }> = {
  age: { kind: 'numeric' },
  job: { kind: 'categorical', importance: 0.2 },
  'emp.var.rate': {},
  euribor3m: { kind: 'numeric', importance: 0.3 },
  contact: {},
  campaign: {},
};
const bankConfig = tmp.write('bank-features.json', JSON.stringify({ modelId: 'bank_marketing', features: BANK_FEATURES }));
const unnamed = tmp.write('unnamed-features.json', JSON.stringify({ features: BANK_FEATURES }));
const bankArgs = (out: string) => ['reference', '--data', BANK, '--delimiter', ';', '--config', bankConfig, '--out', out];

function readReference(file: string, features: { id: string; kind: FeatureKind }[], modelId: string): MonitorReference {
  return parseReference(JSON.parse(fs.readFileSync(file, 'utf8')), file, { modelId, features: features.map((f) => ({ ...f, name: f.id })) });
}

/** The fraud_detector model of config/dev.ts as a data file: its features by name, hourly over 30 days. */
function fraudHistory(): string {
  const random = prng(7);
  const lines = ['event_time,amount,merchant_category,account_age_days'];
  for (let hour = 0; hour < 30 * 24; hour++) {
    const time = new Date(Date.UTC(2026, 0, 1) + hour * 3_600_000).toISOString();
    for (let k = 0; k < 10; k++) {
      lines.push(`${time},${(Math.exp(3 + random()) + (hour % 24)).toFixed(2)},${['grocery', 'travel', 'fuel'][Math.floor(random() * 3)]},${Math.floor(random() * 900)}`);
    }
  }
  return tmp.write('fraud.csv', `${lines.join('\n')}\n`);
}

function driftwatch(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: tmp.dir, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('driftwatch reference --config', () => {
  const out = path.join(tmp.dir, 'nested/folder/bank-reference.json');
  let result: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    result = await run(bankArgs(out), tmp.dir);
  });

  it('writes a reference the Lambdas accept, whose profile is the profile of the same columns', async () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const data = await readDataset(BANK, { delimiter: ';', kinds: { age: 'numeric', job: 'categorical', euribor3m: 'numeric' } });
    const columns = Object.keys(BANK_FEATURES).map((name) => sliceColumn(data.columns.find((c) => c.name === name)!, 0, data.rowCount, sqlName(name)));
    const reference = readReference(out, columns.map((c) => ({ id: c.name, kind: c.kind })), 'bank_marketing');
    expect(reference.rows).toBe(41_188);
    expect(JSON.parse(JSON.stringify(reference.profile))).toEqual(JSON.parse(JSON.stringify(fitDatasetProfile({ rowCount: data.rowCount, columns }))));
    expect(Object.keys(reference.drift.thresholds).sort()).toEqual(['age', 'campaign', 'contact', 'emp_var_rate', 'euribor3m', 'job']);
  });

  it('prints the rows, features, drift bands, the reference id and where it went', () => {
    const reference = JSON.parse(fs.readFileSync(out, 'utf8')) as MonitorReference;
    expect(result.stdout).toContain('Fitted the reference of model bank_marketing on 41,188 rows');
    expect(result.stdout).toContain('6 features (4 numeric, 2 categorical)');
    expect(result.stdout).toContain('Drift bands: 20 windows of 2,059 rows; thresholds raised (warning/critical) for');
    expect(result.stdout).toMatch(/emp\.var\.rate \(PSI \d+\.\d\d\/\d+\.\d\d/);
    expect(result.stdout).toContain(`Reference id: ${reference.referenceId}`);
    expect(result.stdout).toContain(`Wrote ${out} (`);
  });

  it('leaves no temporary file beside the reference', () => {
    expect(fs.readdirSync(path.dirname(out))).toEqual(['bank-reference.json']);
  });

  it('gives the backtest thresholds of the backtest\'s own fit on the same rows (one fit)', async () => {
    const lines = readDatasetText('elec2_electricity.csv').split('\n');
    const train = tmp.write('elec2-train.csv', `${lines.slice(0, 1 + 4032).join('\n')}\n`);
    const history = tmp.write('elec2-history.csv', `${lines.slice(0, 1 + 4032 + 336).join('\n')}\n`);
    const names = ['day', 'period', 'nswprice', 'nswdemand', 'vicprice', 'vicdemand', 'transfer'];
    const features = Object.fromEntries(names.map((n) => [n, { kind: 'numeric' }]));
    const config = tmp.write('elec2-features.json', JSON.stringify({ modelId: 'elec2', features }));
    const out2 = path.join(tmp.dir, 'elec2-reference.json');
    const cli = await run(['reference', '--data', train, '--config', config, '--window-rows', '336', '--out', out2], tmp.dir);
    expect(cli.code).toBe(0);
    const reference = readReference(out2, names.map((id) => ({ id, kind: 'numeric' as const })), 'elec2');

    const backtest = await runBacktest({
      data: await readDataset(history),
      config: parseBacktestConfig({ modelId: 'elec2', features: names.map((name) => ({ name, kind: 'numeric' })), reference: { rows: 4032 }, window: { rows: 336 } }),
    });
    const bands = backtest.driftBands;
    if (!bands?.ok) throw new Error(`the backtest fitted no drift bands: ${JSON.stringify(bands)}`);
    expect([...reference.drift.raised].sort()).toEqual(bands.features.filter((f) => f.raised).map((f) => f.name).sort());
    expect(reference.drift.raised).toEqual(expect.arrayContaining(['nswprice', 'nswdemand']));
    for (const f of bands.features) {
      const t = reference.drift.thresholds[f.name];
      expect([f.name, t.psiWarning, t.psiCritical, t.minEffectWarning, t.minEffectCritical]).toEqual([f.name, f.psiWarning, f.psiCritical, f.minEffectWarning, f.minEffectCritical]);
    }
  });
});

describe('driftwatch reference --env', () => {
  it('fits a platform model from columns named by its features, in windows of its first monitor window', async () => {
    const out = path.join(tmp.dir, 'fraud-reference.json');
    const result = await run(['reference', '--data', fraudHistory(), '--env', 'dev', '--model', 'fraud_detector', '--window-column', 'event_time', '--out', out], tmp.dir);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('Drift bands: 30 1d windows over event_time');
    const features = [{ id: 'amount', kind: 'numeric' as const }, { id: 'merchant_category', kind: 'categorical' as const }, { id: 'account_age_days', kind: 'numeric' as const }];
    expect(readReference(out, features, 'fraud_detector').rows).toBe(7200);
  });
});

describe('driftwatch reference --push (moto_server)', () => {
  let moto: MotoServer;
  let s3: S3Client;
  const bucket = 'driftwatch-dev-data-123456789012-us-east-1';
  const awsEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))),
    AWS_ENDPOINT_URL: moto.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: path.join(tmp.dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(tmp.dir, 'no-aws-credentials'),
    // The SDK's notice that its 2027 releases need Node 22 (it is right, and not what these tests check).
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  });
  const text = async (key: string) => (await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToString()) ?? '';

  beforeAll(async () => {
    moto = await startMoto();
    s3 = new S3Client(motoClientConfig(moto.endpoint, { forcePathStyle: true }));
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  afterAll(async () => {
    s3?.destroy();
    await moto?.stop();
  });

  it('uploads the reference and its bins as JSON lines to the data bucket named from the account', async () => {
    const out = path.join(tmp.dir, 'pushed.json');
    const args = ['reference', '--data', fraudHistory(), '--env', 'dev', '--model', 'fraud_detector', '--out', out, '--push'];
    const result = await driftwatch(args, awsEnv({ AWS_ACCOUNT_ID: '123456789012' }));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const local = fs.readFileSync(out, 'utf8');
    expect(await text(monitorKeys.reference('fraud_detector'))).toBe(local.trimEnd());
    const reference = JSON.parse(local) as MonitorReference;
    const binsKey = monitorKeys.referenceBins('fraud_detector', reference.referenceId);
    const lines = (await text(binsKey)).trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual(referenceBinRows(reference.profile).map((row) => ({ reference_id: reference.referenceId, ...row })));
    expect(Object.keys(lines[0])).toEqual(['reference_id', 'feature', 'bin_set', 'position', 'edge', 'category']);
    expect(result.stdout).toContain(`Pushed s3://${bucket}/${binsKey} (${lines.length.toLocaleString('en-US')} bin rows) and s3://${bucket}/monitor/fraud_detector/reference/profile.json.`);
  });

  it('a failed upload names the bucket and key and exits 2, after writing the local file', async () => {
    const out = path.join(tmp.dir, 'not-pushed.json');
    const result = await driftwatch([...bankArgs(out), '--push', '--bucket', 'no-such-bucket'], awsEnv());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^driftwatch reference: error: --push: cannot write s3:\/\/no-such-bucket\/monitor\/bank_marketing\/reference\/bins\/[0-9a-f]{16}\.json: NoSuchBucket/);
    expect(fs.existsSync(out)).toBe(true);
  });

  it('without the account in the credentials, asks for --bucket and says how to find it', async () => {
    const out = path.join(tmp.dir, 'no-account.json');
    const result = await driftwatch(['reference', '--data', fraudHistory(), '--env', 'dev', '--model', 'fraud_detector', '--out', out, '--push'], awsEnv());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pass --bucket NAME');
    expect(result.stderr).toContain('aws cloudformation describe-stacks --stack-name Driftwatch-dev-Data');
  });
});

describe('driftwatch reference: the data bucket name', () => {
  it('is the name the CDK app gives the data bucket', () => {
    const resolved = new Stack().resolve(dataBucketName('dev')) as { 'Fn::Join': [string, unknown[]] };
    const pseudo: Record<string, string> = { 'AWS::AccountId': '123456789012', 'AWS::Region': 'eu-west-1' };
    const name = resolved['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : pseudo[(part as { Ref: string }).Ref])).join(resolved['Fn::Join'][0]);
    expect(dataBucketNameFor('dev', '123456789012', 'eu-west-1')).toBe(name);
  });
});

describe('driftwatch reference: bad input exits 2 and says what to change', () => {
  const out = path.join(tmp.dir, 'bad.json');
  // A copy: were the check to fail, the shipped dataset must not be the file overwritten.
  beforeAll(() => fs.copyFileSync(BANK, path.join(tmp.dir, 'copy.csv.gz')));
  afterEach(() => expect(fs.readFileSync(path.join(tmp.dir, 'copy.csv.gz')).equals(fs.readFileSync(BANK))).toBe(true));
  it.each([
    ['missing --data', ['reference', '--config', bankConfig, '--out', out], 'driftwatch reference: missing --data FILE'],
    ['an unknown model', ['reference', '--data', BANK, '--env', 'dev', '--model', 'nope', '--out', out], '--model "nope": no such model in config/dev.ts (models: fraud_detector)'],
    ['both --config and --env', ['reference', '--data', BANK, '--config', bankConfig, '--env', 'dev', '--model', 'fraud_detector', '--out', out], 'give either --config features.json or --env ENV --model ID, not both'],
    ['--push with a features.json and no --bucket', [...bankArgs(out), '--push'], '--push with --config needs --bucket NAME'],
    ['--push of a features.json without a modelId', ['reference', '--data', BANK, '--config', unnamed, '--out', out, '--push', '--bucket', 'b'], '--push needs the model\'s id: add "modelId": "<model>"'],
    ['--out equal to --data', ['reference', '--data', 'copy.csv.gz', '--config', bankConfig, '--out', './copy.csv.gz'], '--out "./copy.csv.gz" is the --data file: writing the reference there would overwrite it'],
    ['--out equal to --config', ['reference', '--data', 'copy.csv.gz', '--config', bankConfig, '--out', path.basename(bankConfig)], `--out "${path.basename(bankConfig)}" is the --config file`],
  ])('%s', async (_name, argv, message) => {
    const result = await run(argv, tmp.dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('a feature column missing from the data names the column and the file', async () => {
    const config = tmp.write('typo.json', JSON.stringify({ features: { age: {}, agee: { kind: 'numeric' } } }));
    const result = await run(['reference', '--data', BANK, '--delimiter', ';', '--config', config, '--out', out], tmp.dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`driftwatch reference: error: ${BANK}: the feature column "agee" is not in the data (columns: "age", "job"`);
  });
});

describe('driftwatch reference: the rows it is fitted on', () => {
  /** Hourly rows over 40 days (a numeric x with a weekly swing, a categorical c), with a time column. */
  function lines(n: number): string[] {
    const random = prng(11);
    return Array.from({ length: n }, (_, i) => {
      const time = new Date(Date.UTC(2025, 2, 1) + i * 3_600_000).toISOString();
      return `${time},${(random() + Math.sin((i / 168) * 2 * Math.PI)).toFixed(4)},${'pqr'[Math.floor(random() * 3)]}`;
    });
  }
  const config = tmp.write('order-features.json', JSON.stringify({ modelId: 'order', features: { x: { kind: 'numeric' }, c: {} } }));
  const fitted = (file: string) => {
    const { createdAt, source, ...rest } = JSON.parse(fs.readFileSync(file, 'utf8'));
    return rest;
  };

  it('in any order give the same reference over a time column (its windows are cut by time, not by row)', async () => {
    const rows = lines(40 * 24);
    const sorted = tmp.write('order-sorted.csv', `ts,x,c\n${rows.join('\n')}\n`);
    expect((await run(['reference', '--data', sorted, '--config', config, '--window-column', 'ts', '--out', 'order-sorted.json'], tmp.dir)).code).toBe(0);
    const expected = fitted(path.join(tmp.dir, 'order-sorted.json'));
    for (const [k, seed] of fc.sample(fc.integer(), { numRuns: 4, seed: 1404 }).entries()) {
      const random = prng(seed);
      const shuffled = rows.map((row) => ({ row, key: random() })).sort((a, b) => a.key - b.key).map((r) => r.row);
      const file = tmp.write(`order-${k}.csv`, `ts,x,c\n${shuffled.join('\n')}\n`);
      const r = await run(['reference', '--data', file, '--config', config, '--window-column', 'ts', '--out', `order-${k}.json`], tmp.dir);
      expect(r.code).toBe(0);
      expect(fitted(path.join(tmp.dir, `order-${k}.json`))).toEqual(expected);
    }
  }, 60_000);

  it('say what the reader decided about them, as compare says it: cells counted as missing, --missing-values', async () => {
    const tokens = ['nan', 'n/a', '-', '?', 'None', '1e309', '"1,5"', '"1,234"', '１２', 'Infinity', '12 kg'];
    const samples = fc.sample(fc.tuple(fc.subarray(tokens, { minLength: 1 }), fc.integer({ min: 1, max: 8 })), { numRuns: 6, seed: 1409 });
    let noticed = 0;
    for (const [k, [bad, every]] of samples.entries()) {
      const rows = lines(600).map((line, i) => (i % (150 * every) === 7 ? line.replace(/,[^,]*,/, `,${bad[i % bad.length]},`) : line));
      const file = tmp.write(`mixed-${k}.csv`, `ts,x,c\n${rows.join('\n')}\n`);
      const compare = await run(['compare', '--reference', file, '--current', file, '--exclude', 'ts'], tmp.dir);
      const said = compare.stderr.split('\n').filter((l) => l.startsWith('driftwatch: notice: ')).map((l) => l.slice('driftwatch: notice: '.length));
      const reference = await run(['reference', '--data', file, '--config', config, '--window-rows', '100', '--out', `mixed-${k}.json`], tmp.dir);
      expect(reference.stderr).not.toContain('error:');
      expect(reference.code).toBe(0);
      // Missing markers (nan, -, None) are missing without a word; invalid numbers are named.
      const notices = reference.stderr.split('\n').filter(Boolean);
      noticed += notices.length;
      expect(notices).toEqual([...new Set(said)].map((n) => `driftwatch reference: notice: ${n}`));
    }
    expect(noticed).toBeGreaterThan(0);
    // --missing-values replaces the list, as compare's does: "n/a" then is a value, not a missing cell.
    const file = tmp.write('mixed-na.csv', `ts,x,c\n${lines(300).map((l, i) => (i % 3 === 0 ? l.replace(/,[^,]*,/, ',n/a,') : l)).join('\n')}\n`);
    const inferred = tmp.write('mixed-na-features.json', JSON.stringify({ features: { x: {}, c: {} } }));
    const replaced = await run(['reference', '--data', file, '--config', inferred, '--window-rows', '100', '--out', 'mixed-na.json', '--missing-values', 'NA'], tmp.dir);
    expect([replaced.code, replaced.stderr]).toEqual([0, expect.stringContaining('read as categorical: 200 of 300 values are numbers')]);
    const x = JSON.parse(fs.readFileSync(path.join(tmp.dir, 'mixed-na.json'), 'utf8')).profile.features.find((f: { name: string }) => f.name === 'x');
    expect(x.kind).toBe('categorical');
  }, 120_000);

  it('are at least the 100 the monitor judges a window against (MIN_ROWS), or the reference is refused', async () => {
    for (const n of fc.sample(fc.integer({ min: 1, max: 150 }), { numRuns: 6, seed: 1405 })) {
      const file = tmp.write(`short-${n}.csv`, `ts,x,c\n${lines(n).join('\n')}\n`);
      const r = await run(['reference', '--data', file, '--config', config, '--window-rows', '10', '--out', `short-${n}.json`], tmp.dir);
      if (n < 100) {
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`${n} rows, fewer than the 100 a reference needs`);
        expect(fs.existsSync(path.join(tmp.dir, `short-${n}.json`))).toBe(false);
      } else {
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
      }
    }
  }, 60_000);
});
