import * as fs from 'fs';
import * as path from 'path';
import { CENSUS_REFERENCE } from '../support/datasets';
import { csvText, run, sample, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const same = tmp.write('same.csv', csvText(['x', 'c'], sample(400)));
const same2 = tmp.write('same2.csv', csvText(['x', 'c'], sample(300)));
const shifted = tmp.write('shifted.csv', csvText(['x', 'c'], sample(300, 5, ['a', 'd', 'd'])));

const compare = (...args: string[]) => run(['compare', ...args], tmp.dir);

describe('driftwatch compare: results and exit codes', () => {
  it('exits 0 with a text table and summary when nothing drifts', async () => {
    const result = await compare('--reference', same, '--current', same2);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^feature\s+kind\s+status\s+PSI\s+p-value\s+Wasserstein\s+missing ref->cur\s+importance\s+impact$/);
    expect(result.stdout).toMatch(/^x\s+numeric\s+ok\s/m);
    expect(result.stdout).toMatch(/^c\s+categorical\s+ok\s/m);
    expect(result.stdout).toContain('Status: ok. 0 of 2 features drifted (0 critical, 0 warning).');
  });

  it('exits 1 when a feature is critical, and prints the JSON contract ordered by impact', async () => {
    const result = await compare('--reference', same, '--current', shifted, '--format', 'json');
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(result.stdout).toBe(`${JSON.stringify(report, null, 2)}\n`);
    expect(report.summary.status).toBe('critical');
    expect(report.summary.drifted).toEqual(expect.arrayContaining(['x', 'c']));
    for (const feature of report.features) {
      expect(Object.keys(feature)).toEqual(
        expect.arrayContaining(['name', 'kind', 'status', 'psi', 'jensenShannon', 'ks', 'wasserstein', 'chiSquared', 'missingRate', 'importance', 'impact']),
      );
      expect(Object.keys(feature.missingRate).sort()).toEqual(['current', 'reference']);
    }
    const x = report.features.find((f: { name: string }) => f.name === 'x');
    expect(x).toMatchObject({ kind: 'numeric', status: 'critical', chiSquared: null });
    expect(Object.keys(x.ks).sort()).toEqual(['pValue', 'statistic']);
    expect(typeof x.wasserstein).toBe('number');
    const c = report.features.find((f: { name: string }) => f.name === 'c');
    expect(c).toMatchObject({ kind: 'categorical', ks: null, wasserstein: null });
    expect(Object.keys(c.chiSquared).sort()).toEqual(['dof', 'pValue', 'statistic']);
    const impacts = report.features.map((f: { impact: number }) => f.impact);
    expect(impacts).toEqual([...impacts].sort((a, b) => b - a));
  });

  it('writes to --out instead of stdout, and html defaults to driftwatch-report.html', async () => {
    const out = path.join(tmp.dir, 'drift.json');
    const json = await compare('--reference', same, '--current', shifted, '--format', 'json', '--out', out);
    expect(json.code).toBe(1);
    expect(json.stdout).toMatch(/^Wrote the json report to .*drift\.json\. Status: critical\./);
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).summary.status).toBe('critical');

    const html = await compare('--reference', same, '--current', shifted, '--format', 'html');
    expect(html.code).toBe(1);
    const page = fs.readFileSync(path.join(tmp.dir, 'driftwatch-report.html'), 'utf8');
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<svg');
  });

  it('names an unwritable --out file', async () => {
    const result = await compare('--reference', same, '--current', same2, '--out', path.join(tmp.dir, 'no-such-dir', 'r.txt'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/no-such-dir\/r\.txt: cannot write the report \(ENOENT\)/);
  });

  it('reads ;-separated files with --delimiter', async () => {
    const a = tmp.write('semi-a.csv', csvText(['x', 'c'], sample(200), ';'));
    const b = tmp.write('semi-b.csv', csvText(['x', 'c'], sample(200), ';'));
    const result = await compare('--reference', a, '--current', b, '--delimiter', ';', '--format', 'json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).features.map((f: { kind: string }) => f.kind).sort()).toEqual(['categorical', 'numeric']);
  });
});

describe('driftwatch compare: usage errors exit 2', () => {
  it.each([
    [['--current', 'b.csv'], 'missing --reference FILE'],
    [['--reference', 'a.csv'], 'missing --current FILE'],
    [['--reference', 'a.csv', '--current', 'b.csv', '--format', 'pdf'], '--format "pdf" is not one of text, json, html'],
    [['--reference', 'a.csv', '--current', 'b.csv', '--colour'], 'unknown option --colour (the options are --reference, --current, --config, --format'],
    [['--reference', 'a.csv', '--current', 'b.csv', '--formt', 'json'], 'unknown option --formt (did you mean --format?)'],
  ])('%j', async (args, message) => {
    const result = await compare(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("Run 'driftwatch compare --help' for usage.");
    expect(result.stdout).toBe('');
  });

  it('rejects an unusable delimiter', async () => {
    const result = await compare('--reference', same, '--current', same2, '--delimiter', '::');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--delimiter "::" is not usable');
  });

  it('prints help for --help, and usage for no command or an unknown one', async () => {
    const help = await compare('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: driftwatch compare --reference FILE --current FILE');
    expect((await run([])).code).toBe(2);
    const unknown = await run(['comprae']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "comprae"');
  });
});

describe('driftwatch compare: bad input exits 2 with a message naming file, line, column and value', () => {
  const expectError = async (reference: string, current: string, expected: string | RegExp, extra: string[] = []) => {
    const result = await compare('--reference', reference, '--current', current, ...extra);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(2);
    if (typeof expected === 'string') expect(result.stderr).toContain(expected);
    else expect(result.stderr).toMatch(expected);
  };

  it('names a missing file', async () => {
    await expectError(same, 'nope.csv', 'driftwatch compare: error: nope.csv: file not found');
  });

  it('names an empty file and a header-only file', async () => {
    const empty = tmp.write('empty.csv', '');
    await expectError(empty, same, `${empty}: the file is empty (expected a header row)`);
    const headerOnly = tmp.write('header-only.csv', 'x,c\n');
    await expectError(same, headerOnly, `${headerOnly}: the file has a header but no data rows`);
  });

  it('names file, line and field counts for a ragged row', async () => {
    const ragged = tmp.write('ragged.csv', 'x,c\n1,a\n2,b,extra\n');
    await expectError(same, ragged, `${ragged}: line 3: expected 2 fields (as in the header), found 3`);
  });

  it('names file and line of an unterminated quote', async () => {
    const open = tmp.write('open.csv', 'x,c\n1,a\n2,"b\n3,c\n');
    await expectError(open, same, `${open}: line 3: unterminated quoted field`);
  });

  it('names a duplicate header', async () => {
    const duplicate = tmp.write('dup.csv', 'x,c,x\n1,a,2\n');
    await expectError(duplicate, same, `${duplicate}: line 1: duplicate column name "x"`);
  });

  it('treats Infinity as a category, but names file, row, column and value when the config says numeric', async () => {
    const inf = tmp.write('inf.csv', csvText(['x', 'c'], [...sample(20), ['Infinity', 'a']]));
    const ok = await compare('--reference', same, '--current', inf, '--format', 'json', '--min-rows', '1');
    expect(ok.code).not.toBe(2);
    expect(JSON.parse(ok.stdout).features.find((f: { name: string }) => f.name === 'x').kind).toBe('categorical');

    const config = tmp.write('numeric-x.json', JSON.stringify({ features: { x: { kind: 'numeric' } } }));
    await expectError(same, inf, `${inf}: row 21 (line 22), column "x": value "Infinity" is not a finite number, but the column is declared numeric`, [
      '--config',
      config,
    ]);
  });

  it('warns about a column present in one file only and compares the rest', async () => {
    const extra = tmp.write('extra.csv', csvText(['x', 'c', 'only_here'], sample(300).map((r) => [...r, 1])));
    const result = await compare('--reference', same, '--current', extra);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`driftwatch: warning: column "only_here" is missing from ${same} (present in ${extra}); skipped\n`);
    expect(result.stdout).not.toContain('only_here');
  });

  it('fails when features.json names a column missing from a file', async () => {
    const extra = tmp.write('extra2.csv', csvText(['x', 'c', 'only_here'], sample(300).map((r) => [...r, 1])));
    const config = tmp.write('only.json', JSON.stringify({ features: { only_here: { importance: 1 } } }));
    await expectError(same, extra, `${config} names column "only_here", which is missing from ${same}`, ['--config', config]);
  });

  it('fails when the files share no column', async () => {
    const other = tmp.write('other.csv', 'y,z\n1,2\n');
    await expectError(same, other, `${same} and ${other} have no column in common`);
  });

  it('lists every problem of an invalid features.json with its path', async () => {
    const config = tmp.write(
      'bad.json',
      JSON.stringify({
        features: { 'nr.employed': { importance: -1, thresholds: { psiWarning: 0.3, psiCritcal: 1 } }, x: { kind: 'text' } },
        extra: true,
      }),
    );
    const result = await compare('--reference', same, '--current', same2, '--config', config);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${config} is not a valid feature config:`);
    expect(result.stderr).toContain(`${config}: features["nr.employed"].importance:`);
    expect(result.stderr).toContain(`${config}: features["nr.employed"].thresholds.psiCritcal: unknown key (check the spelling)`);
    expect(result.stderr).toContain(`${config}: features.x.kind:`);
    expect(result.stderr).toContain(`${config}: extra: unknown key (check the spelling)`);
    const notJson = tmp.write('not.json', '{features: ');
    const parsed = await compare('--reference', same, '--current', same2, '--config', notJson);
    expect(parsed.code).toBe(2);
    expect(parsed.stderr).toContain(`${notJson}: not valid JSON`);
  });
});

describe('driftwatch compare: a feature pinned to one test', () => {
  it('is judged by that test alone (and reports it); a test that does not fit the column is refused', async () => {
    const config = tmp.write('pinned.json', JSON.stringify({ features: { x: { test: 'ks' }, c: { test: 'l_infinity' } } }));
    const result = await compare('--reference', same, '--current', shifted, '--config', config, '--format', 'json');
    expect(result.code).toBe(1);
    const byName = Object.fromEntries(JSON.parse(result.stdout).features.map((f: { name: string }) => [f.name, f]));
    expect(byName.x).toMatchObject({ test: 'ks', status: 'critical' });
    // PSI is far above its threshold too, but only the pinned KS test is a reason.
    expect(byName.x.psi).toBeGreaterThan(1);
    expect(byName.x.reasons).toEqual([expect.stringMatching(/^critical: KS p-value .* with KS statistic 1\.000 >= 0\.2$/)]);
    expect(byName.c).toMatchObject({ test: 'l_infinity', status: 'critical' });
    expect(byName.c.reasons).toEqual([expect.stringMatching(/^critical: L-infinity distance 0\.667 >= 0\.2$/)]);

    const misfit = tmp.write('misfit.json', JSON.stringify({ features: { c: { test: 'wasserstein' } } }));
    const refused = await compare('--reference', same, '--current', shifted, '--config', misfit);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(
      `${misfit}: features.c.test: "wasserstein" applies to numeric features only, got a categorical feature (inferred from the data; set "kind" to override)`,
    );
  });
});

describe('driftwatch compare: awkward but valid data', () => {
  it('makes a column numeric in one file and text in the other categorical in both', async () => {
    // One text value in 51 (2%, more than the 1% a numeric column may hold): 'n/a' would be a missing value.
    const text = tmp.write('text-x.csv', csvText(['x', 'c'], [...sample(50), ['twelve', 'a']]));
    const result = await compare('--reference', same, '--current', text, '--format', 'json', '--min-rows', '1');
    expect(result.code).not.toBe(2);
    const x = JSON.parse(result.stdout).features.find((f: { name: string }) => f.name === 'x');
    expect(x.kind).toBe('categorical');
    expect(x.ks).toBeNull();
    expect(result.stderr).toContain(`driftwatch: notice: column "x" is numeric in ${same} but categorical in ${text}; compared as categorical in both`);
  });

  it('reports all-missing and constant columns without crashing', async () => {
    const rows = (n: number, missing: string) => Array.from({ length: n }, (_, i) => [i % 10, missing, 7, i % 2 ? 'u' : 'v']);
    const a = tmp.write('holes-a.csv', csvText(['x', 'gone', 'constant', 'c'], rows(100, 'NA')));
    const b = tmp.write('holes-b.csv', csvText(['x', 'gone', 'constant', 'c'], rows(80, '')));
    const result = await compare('--reference', a, '--current', b, '--format', 'json', '--min-rows', '80');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const byName = Object.fromEntries(JSON.parse(result.stdout).features.map((f: { name: string }) => [f.name, f]));
    expect(byName.gone.missingRate).toEqual({ reference: 1, current: 1 });
    expect(byName.constant.psi).toBe(0);
  });

  it('compares files of one row each', async () => {
    const a = tmp.write('one-a.csv', 'x,c\n1,a\n');
    const b = tmp.write('one-b.csv', 'x,c\n2,a\n');
    // One row against one row is no evidence: below --min-rows (100) the report says so, and it is no pass.
    const result = await compare('--reference', a, '--current', b, '--format', 'json');
    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(report.features).toHaveLength(2);
    expect(report.features.map((f: { status: string }) => f.status)).toEqual(['ok', 'ok']);
    expect(report.sample.reason).toBe('too few rows: the reference has 1 row and the current data has 1 row, fewer than the 100 a comparison needs; drift is not judged');
    expect(result.stderr).toContain('driftwatch compare: error: too few rows:');
    expect([0, 1]).toContain((await compare('--reference', a, '--current', b, '--min-rows', '1')).code);
  });

  it('handles 100,000 distinct categories and a 1 MB field', async () => {
    const rows = (offset: number) => Array.from({ length: 100_000 }, (_, i) => [`id${i + offset}`, i % 5]);
    const a = tmp.write('ids-a.csv', csvText(['id', 'n'], rows(0)));
    const b = tmp.write('ids-b.csv', csvText(['id', 'n'], rows(50_000)));
    const result = await compare('--reference', a, '--current', b, '--format', 'json');
    expect(result.code).not.toBe(2);
    expect(JSON.parse(result.stdout).features.find((f: { name: string }) => f.name === 'id').kind).toBe('categorical');

    const long = 'z'.repeat(1 << 20);
    const c = tmp.write('long.csv', `x,c\n1,"${long}"\n2,b\n3,a\n`);
    const longResult = await compare('--reference', same, '--current', c, '--format', 'json', '--min-rows', '1');
    expect(longResult.code).not.toBe(2);
  });

  it('reads Parquet on either side', async () => {
    const pq = CENSUS_REFERENCE;
    const result = await compare('--reference', pq, '--current', pq, '--format', 'json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.features).toHaveLength(21);
    expect(report.summary.status).toBe('ok');
  });
});
