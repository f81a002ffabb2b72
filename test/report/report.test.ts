import fc from 'fast-check';
import { compareDatasets } from '../../lambda/core/compare';
import { categoricalBars, numericBars, shortNumber } from '../../lambda/report/distributions';
import { terminalSafe } from '../../lambda/report/format';
import { escapeHtml, renderHtml } from '../../lambda/report/html';
import { renderJson } from '../../lambda/report/json';
import { renderText, summaryLine } from '../../lambda/report/text';
import type { CategoricalColumn, Dataset, DriftReport, FeatureDrift, NumericColumn } from '../../lambda/core/types';

const feature = (over: Partial<FeatureDrift>): FeatureDrift => ({
  name: 'f',
  kind: 'numeric',
  status: 'ok',
  psi: 0.01,
  jensenShannon: 0.02,
  ks: { statistic: 0.03, pValue: 0.5 },
  wasserstein: 0.04,
  chiSquared: null,
  lInfinity: 0.03,
  missingRate: { reference: 0, current: 0.05 },
  importance: 0.5,
  impact: 0.005,
  reasons: [],
  ...over,
});

const EVIL = '<script>alert("x")</script>&\'';

const report: DriftReport = {
  features: [
    feature({ name: 'income', status: 'critical', psi: 0.9, impact: 0.45, ks: { statistic: 0.5, pValue: 1e-40 }, reasons: ['PSI 0.900 >= 0.25'] }),
    feature({
      name: EVIL,
      kind: 'categorical',
      status: 'warning',
      psi: 0.21,
      impact: 0.105,
      ks: null,
      wasserstein: null,
      chiSquared: { statistic: 40, pValue: 0.0123, dof: 2 },
      reasons: [`category ${EVIL} is new`],
    }),
  ],
  summary: { status: 'critical', drifted: ['income', EVIL], driftedImportance: 1 },
  reference: { rows: 1000 },
  current: { rows: 800 },
};

const numeric = (name: string, values: number[]): NumericColumn => ({ kind: 'numeric', name, values: Float64Array.from(values) });
const categorical = (name: string, labels: Array<string | null>): CategoricalColumn => {
  const dictionary: string[] = [];
  const codes = Int32Array.from(labels, (label) => {
    if (label === null) return -1;
    if (!dictionary.includes(label)) dictionary.push(label);
    return dictionary.indexOf(label);
  });
  return { kind: 'categorical', name, codes, dictionary };
};
const range = (n: number, shift = 0) => Array.from({ length: n }, (_, i) => i + shift);

describe('renderText', () => {
  it('prints a table sorted by impact with every column, then the summary line', () => {
    const text = renderText({ ...report, features: [...report.features].reverse() }, { referenceName: 'ref.csv', currentName: 'cur.csv' });
    const lines = text.trimEnd().split('\n');
    expect(lines[0].split(/\s{2,}/)).toEqual(['feature', 'kind', 'status', 'PSI', 'p-value', 'Wasserstein', 'missing ref->cur', 'importance', 'impact']);
    expect(lines[2]).toMatch(/^income\s+numeric\s+critical\s+0\.9000\s+KS 1\.0e-40\s+0\.0400\s+0\.0%->5\.0%\s+0\.500\s+0\.4500$/);
    expect(lines[3]).toMatch(/categorical\s+warning\s+0\.2100\s+chi2 0\.0123\s+-\s+0\.0%->5\.0%/);
    expect(lines.at(-2)).toBe('Compared ref.csv (1000 rows) with cur.csv (800 rows).');
    expect(lines.at(-1)).toBe(summaryLine(report));
    expect(summaryLine(report)).toBe(`Status: critical. 2 of 2 features drifted (1 critical, 1 warning): income, ${EVIL}.`);
  });

  it('says which features the dataset status counted once as re-encodings of one fact', () => {
    const grouped = { ...report, summary: { ...report.summary, redundant: [['month', 'cons.price.idx'], ['emp.var.rate', 'nr.employed']] } };
    expect(summaryLine(grouped)).toBe(
      `Status: critical. 2 of 2 features drifted (1 critical, 1 warning): income, ${EVIL}. ` +
        'The dataset status counts month + cons.price.idx; emp.var.rate + nr.employed once each (the same fact in the reference).',
    );
  });

  it('shows "-" for measures that do not apply (no non-missing values on one side)', () => {
    const empty = feature({ name: 'gone', psi: null, jensenShannon: null, ks: null, wasserstein: null, missingRate: { reference: 1, current: 1 } });
    const text = renderText({ ...report, features: [empty] });
    expect(text).toMatch(/^gone\s+numeric\s+ok\s+-\s+-\s+-\s+100\.0%->100\.0%/m);
  });
});

describe('renderJson', () => {
  it('is the report with 2-space indentation', () => {
    expect(renderJson(report)).toBe(`${JSON.stringify(report, null, 2)}\n`);
  });
});

describe('distributions for the HTML charts', () => {
  it('bins numeric values on the 10 reference-decile PSI bins', () => {
    const bars = numericBars(numeric('x', range(100)), numeric('x', range(100, 50)))!;
    expect(bars).toHaveLength(10);
    expect(bars.map((b) => b.reference)).toEqual(Array(10).fill(0.1));
    expect(bars[0].current).toBe(0);
    expect(bars[9].current).toBeCloseTo(0.6, 12);
    expect(bars[0].label).toBe('<9.9');
    expect(bars[9].label).toBe('89.1');
    expect(bars[9].title).toBe('89.1 and above');
    expect(numericBars(numeric('x', [NaN, NaN]), numeric('x', [1]))).toBeNull();
  });

  it('keeps the top categories of either side and pools the rest as "other"', () => {
    const ref = categorical('c', ['a', 'a', 'b', null, ...range(20).map((i) => `r${i}`)]);
    const cur = categorical('c', ['new', 'new', 'new', 'new', 'a']);
    const bars = categoricalBars(ref, cur, 3);
    expect(bars.map((b) => b.label)).toEqual(['new', 'a', 'b', 'other']);
    expect(bars[0]).toMatchObject({ reference: 0, current: 0.8, title: 'new (not in the reference)' });
    expect(bars[3].title).toBe('20 other categories');
    expect(bars.reduce((s, b) => s + b.reference, 0)).toBeCloseTo(1, 12);
  });

  it('writes short bin labels', () => {
    expect(shortNumber(9.9)).toBe('9.9');
    expect(shortNumber(4.857)).toBe('4.857');
    expect(shortNumber(5191)).toBe('5191');
    expect(shortNumber(0.000012345)).toBe('1.23e-5');
    expect(shortNumber(123456789.5)).toBe('1.23e+8');
  });
});

describe('renderHtml', () => {
  const reference: Dataset = { rowCount: 100, columns: [numeric('income', range(100)), categorical(EVIL, range(100).map((i) => (i % 2 ? EVIL : 'b')))] };
  const current: Dataset = { rowCount: 100, columns: [numeric('income', range(100, 30)), categorical(EVIL, range(100).map(() => 'b'))] };
  const html = renderHtml(report, { reference, current, referenceName: 'ref <1>.csv', currentName: 'cur.csv' });

  it('is one self-contained page: inline CSS and SVG, no script, no external resource', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\(/i);
    expect(html.match(/https?:\/\/[^"]*/g)).toEqual(['http://www.w3.org/2000/svg', 'http://www.w3.org/2000/svg']); // the SVG namespace only
  });

  it('escapes every user string (feature names, categories, reasons, file names)', () => {
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain('ref <1>.csv');
    expect(html).toContain(escapeHtml(EVIL));
    expect(html).toContain('ref &lt;1&gt;.csv');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('draws, per feature in impact order, paired reference/current bars', () => {
    expect(html.indexOf('id="feature-1"')).toBeLessThan(html.indexOf('id="feature-2"'));
    const sections = html.split('<section').slice(1);
    expect(sections).toHaveLength(2);
    expect(sections[0]).toContain('>income <span class="badge critical">');
    expect(sections[0].match(/<rect /g)).toHaveLength(20); // 10 PSI bins x 2
    expect(sections[1].match(/<rect /g)).toHaveLength(4); // 2 categories x 2
    expect(html).toContain('Status: critical. 2 of 2 features drifted');
  });
});

describe('renderHtml with control and bidi characters in the data', () => {
  /** What a browser would apply: bidi overrides, embeddings, isolates, marks, C0 (but tab and newline), DEL, C1. */
  const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
  const unsafe = fc.constantFrom('\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200f', '\u061c', '\u001b[2J', '\r', '\u0085', '\u007f');
  /** Letters with at least one unsafe character somewhere. */
  const tainted = fc.tuple(fc.stringMatching(/^[a-z]{0,4}$/), unsafe, fc.stringMatching(/^[a-z]{0,4}$/)).map(([a, u, b]) => `${a}${u}${b}`);

  it('shows them as visible escapes in names, categories and file names: none reaches the page raw', () => {
    fc.assert(
      fc.property(tainted, tainted, tainted, tainted, (name, category, other, file) => {
        const labels = (shift: number) => range(200).map((i) => ((i + shift) % 3 === 0 ? category : (i + shift) % 3 === 1 ? other : 'plain'));
        const reference: Dataset = { rowCount: 200, columns: [numeric('income', range(200)), categorical(name, labels(0))] };
        const current: Dataset = { rowCount: 200, columns: [numeric('income', range(200, 80)), categorical(name, labels(0).map((l, i) => (i < 150 ? category : l)))] };
        const drift = compareDatasets(reference, current);
        const html = renderHtml(drift, { reference, current, referenceName: file, currentName: `${file}.2` });
        expect(html).not.toMatch(UNSAFE);
        // Shown, as the text report shows them (categories may be cut to fit a bar's label).
        for (const shown of [name, file]) expect(html).toContain(terminalSafe(shown, true).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
      }),
      { numRuns: 40, seed: 1402 },
    );
  });

  it('writes U+202E as the visible \\u{202e}, as the text report does', () => {
    expect(escapeHtml('abc\u202edcba')).toBe('abc\\u{202e}dcba');
    expect(escapeHtml('\u2066x\u2069')).toBe('\\u{2066}x\\u{2069}');
    expect(escapeHtml('a\tb\nc')).toBe('a\tb\nc');
  });
});
