/**
 * The backtest HTML report opens in headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core, which downloads no browser) with no console error and no page error, and shows
 * the drift and performance charts with the alerts marked. A screenshot is written to a temp PNG
 * (path printed) for a person to look at.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium } from 'playwright-core';
import { parseBacktestConfig, runBacktest, type BacktestResult } from '../../lambda/backtest';
import fc from 'fast-check';
import { renderBacktestHtml } from '../../lambda/report/backtest-html';
import { terminalSafe } from '../../lambda/report/format';
import { syntheticConfig, syntheticHistory } from '../backtest/synthetic';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let result: BacktestResult;
let dir: string;

beforeAll(async () => {
  result = await runBacktest({ data: syntheticHistory(), config: parseBacktestConfig(syntheticConfig) });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-backtest-html-'));
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('renderBacktestHtml', () => {
  it('is one self-contained file: CSP, inline SVG, no script, no external reference', () => {
    const html = renderBacktestHtml(result);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(html).not.toMatch(/<script|<link|@import|url\(|src="http|href="http/i);
    expect((html.match(/<svg /g) ?? []).length).toBe(2);
    expect(html).toContain('id="heat-map"');
  });

  it('says which thresholds the drift bands raised: in the header and beside the feature in the heat map', () => {
    const banded: BacktestResult = {
      ...result,
      driftBands: {
        ok: true,
        windows: 12,
        multiplier: 3,
        warningMultiplier: 2,
        criticalSigmas: 4.185,
        warningSigmas: 2.451,
        features: [
          { name: 'x1', raised: true, psi: { mean: 1, std: 0.5, windows: 12 }, effect: null, psiWarning: 2, psiCritical: 2.5, minEffectWarning: 0.1, minEffectCritical: 0.2 },
          { name: 'x2', raised: false, psi: { mean: 0, std: 0, windows: 12 }, effect: null, psiWarning: 0.2, psiCritical: 0.25, minEffectWarning: 0.1, minEffectCritical: 0.2 },
        ],
      },
    };
    const html = renderBacktestHtml(banded);
    expect(html).toContain("Drift thresholds: raised to the reference&#39;s own variation across 12 windows (the 3σ level: mean + 4.18σ, widened for 12 windows) for x1 (PSI critical 2.50); the other features keep the defaults.");
    expect(html).toMatch(/<td class="name">x1 <span class="muted" title="critical PSI threshold raised to 2\.50[^"]*">≥ 2\.50<\/span><\/td>/);
    expect(html).toMatch(/<td class="name">x2<\/td>/);
  });

  it('escapes user strings (model id, feature names, messages)', () => {
    const nasty = '<img src=x onerror=alert(1)>';
    const html = renderBacktestHtml({
      ...result,
      modelId: nasty,
      windows: result.windows.map((w) => ({ ...w, features: w.features.map((f) => ({ ...f, name: `${f.name}${nasty}` })) })),
      alerts: result.alerts.map((a) => ({ ...a, message: `${a.message}${nasty}` })),
    });
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('shows control and bidi characters from the data as visible escapes (model id, feature names, messages, file names)', () => {
    const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
    const unsafe = fc.constantFrom('\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u061c', '\u001b]0;x\u0007', '\r', '\u009b');
    const tainted = fc.tuple(fc.stringMatching(/^[a-z]{0,4}$/), unsafe, fc.stringMatching(/^[a-z]{0,4}$/)).map(([a, u, b]) => `${a}${u}${b}`);
    fc.assert(
      fc.property(tainted, tainted, tainted, (model, feature, file) => {
        const html = renderBacktestHtml({
          ...result,
          modelId: model,
          data: { ...result.data, file },
          windows: result.windows.map((w) => ({ ...w, features: w.features.map((f) => ({ ...f, name: `${f.name}${feature}` })) })),
          alerts: result.alerts.map((a) => ({ ...a, message: `${a.message} ${feature}` })),
          notices: [`${file}: notice about ${feature}`],
        });
        expect(html).not.toMatch(UNSAFE);
        // Shown as the text report shows them.
        const visible = (text: string) => terminalSafe(text, true).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
        for (const shown of [model, `x1${feature}`, file, `${file}: notice about ${feature}`]) expect(html).toContain(visible(shown));
      }),
      { numRuns: 25, seed: 1403 },
    );
  });

  it('opens in headless Chromium without console or page errors, with both charts and the alerts marked', async () => {
    if (!fs.existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} not found: install Debian's Chromium (apt-get install chromium) to run the HTML report check`);
    }
    const file = path.join(dir, 'backtest.html');
    fs.writeFileSync(file, renderBacktestHtml(result));
    const browser = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1240, height: 900 },
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
      await page.goto(`file://${file}`, { waitUntil: 'load' });
      expect(await page.title()).toBe('Backtest: model synthetic');
      expect(await page.locator('#drift-chart svg polyline').count()).toBeGreaterThanOrEqual(3);
      expect(await page.locator('#performance-chart svg line.threshold').count()).toBe(3);
      // Alerts at window 6 (drift, performance) and 7 (concept) are marked on the charts.
      expect(await page.locator('#drift-chart svg path.alert-mark').count()).toBe(1);
      expect(await page.locator('#performance-chart svg path.alert-mark').count()).toBe(2);
      const box = await page.locator('#drift-chart svg').boundingBox();
      expect(box?.width ?? 0).toBeGreaterThan(600);
      expect(await page.locator('#heat-map tbody tr').count()).toBe(3);
      const png = path.join(os.tmpdir(), 'driftwatch-backtest-report.png');
      await page.screenshot({ path: png, fullPage: true });
      expect(fs.statSync(png).size).toBeGreaterThan(10_000);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
