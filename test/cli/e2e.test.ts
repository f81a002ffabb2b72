/**
 * End to end: the real `node bin/driftwatch.js` process, its exit codes, stdout and stderr.
 * Includes the acceptance check on the bank marketing data (euribor3m / nr.employed drift).
 */
import { spawn } from 'child_process';
import * as path from 'path';
import { readDatasetText } from '../support/datasets';
import { csvText, sample, tempDir } from './helpers';

const BIN = path.join(__dirname, '../../bin/driftwatch.js');

function driftwatch(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const tmp = tempDir('driftwatch-e2e-');
afterAll(() => tmp.cleanup());

describe('node bin/driftwatch.js', () => {
  it('prints usage for --help and exits 0', async () => {
    const result = await driftwatch(['compare', '--help'], tmp.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: driftwatch compare --reference FILE --current FILE');
    expect(result.stdout).toContain('Exit codes:');
  });

  it('exits 2 with a message naming the file, line and field counts of a ragged row', async () => {
    const ref = tmp.write('ref.csv', csvText(['x', 'c'], sample(100)));
    tmp.write('ragged.csv', 'x,c\n1,a\n2\n');
    const result = await driftwatch(['compare', '--reference', ref, '--current', 'ragged.csv'], tmp.dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('driftwatch compare: error: ragged.csv: line 3: expected 2 fields (as in the header), found 1\n');
    expect(result.stdout).toBe('');
  });

  it('exits 1 on critical drift and prints the JSON report on stdout', async () => {
    tmp.write('a.csv', csvText(['x', 'c'], sample(500)));
    tmp.write('b.csv', csvText(['x', 'c'], sample(500, 3, ['b', 'z'])));
    const result = await driftwatch(['compare', '--reference', 'a.csv', '--current', 'b.csv', '--format', 'json'], tmp.dir);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.summary.status).toBe('critical');
    expect(report.features.map((f: { name: string }) => f.name).sort()).toEqual(['c', 'x']);
  });

  it('acceptance: bank marketing, first 20,000 rows vs last 10,000 rows, flags euribor3m and nr.employed as critical', async () => {
    const lines = readDatasetText('bank-additional-full.csv').split('\n').filter((line) => line !== '');
    const [header, ...rows] = lines;
    tmp.write('bank-ref.csv', [header, ...rows.slice(0, 20_000)].join('\n') + '\n');
    tmp.write('bank-cur.csv', [header, ...rows.slice(-10_000)].join('\n') + '\n');
    const result = await driftwatch(
      ['compare', '--reference', 'bank-ref.csv', '--current', 'bank-cur.csv', '--delimiter', ';', '--format', 'json'],
      tmp.dir,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.features).toHaveLength(21);
    const critical = report.features.filter((f: { status: string }) => f.status === 'critical').map((f: { name: string }) => f.name);
    expect(critical).toEqual(expect.arrayContaining(['euribor3m', 'nr.employed']));
  });
});
