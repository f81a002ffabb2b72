/**
 * Driftwatch's ADWIN (lambda/core/adwin, a port of river's) against river's own `river.drift.ADWIN`, run by
 * river in the same test (test/eval/peers/river_adwin.py in .venv-peers): the same streams — Elec2's columns as
 * shipped and synthetic shifts — under river's defaults and two other settings. Ours is fed in chunks of
 * irregular size and its state goes through JSON (`toJSON` → text → `Adwin.fromJSON`) between every two chunks,
 * as the monitor keeps it between runs; river sees each stream in one go.
 */
import { Adwin, type AdwinOptions } from '../../lambda/core/adwin';
import { readDatasetText } from '../support/datasets';
import { runPeerSync } from './peers/python';

interface RiverCase {
  name: string;
  detections: number[];
  final: { width: number; total: number; variance: number; estimation: number; n_detections: number; drift_detected: boolean };
}

/** river's parameter names for our options. */
const SETTINGS: readonly { label: string; options: AdwinOptions; river: Record<string, number> }[] = [
  { label: 'defaults (delta 0.002, clock 32)', options: {}, river: {} },
  { label: 'delta 0.01, clock 1', options: { delta: 0.01, clock: 1 }, river: { delta: 0.01, clock: 1 } },
  { label: 'delta 0.0001, clock 8, maxBuckets 3', options: { delta: 0.0001, clock: 8, maxBuckets: 3 }, river: { delta: 0.0001, clock: 8, max_buckets: 3 } },
];

/** Deterministic uniform numbers (mulberry32) and Box–Muller normals. */
function generator(seed: number): { uniform(): number; normal(): number } {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

function synthetic(): Record<string, number[]> {
  const n = 10_000;
  const make = (seed: number, f: (i: number, g: ReturnType<typeof generator>) => number) => {
    const g = generator(seed);
    return Array.from({ length: n }, (_, i) => f(i, g));
  };
  return {
    'mean shift 0 → 0.5σ at 5,000': make(1, (i, g) => (i < 5000 ? 0 : 0.5) + g.normal()),
    'variance ×3 at 5,000': make(2, (i, g) => (i < 5000 ? 1 : 3) * g.normal()),
    'Bernoulli 0.2 → 0.35 at 4,000': make(3, (i, g) => (g.uniform() < (i < 4000 ? 0.2 : 0.35) ? 1 : 0)),
    'gradual 0 → 1 over 3,000–7,000': make(4, (i, g) => Math.min(1, Math.max(0, (i - 3000) / 4000)) + g.normal()),
    'steps 0, 1, 0, 2 every 2,500 (scale 100)': make(5, (i, g) => 100 * ([0, 1, 0, 2][Math.floor(i / 2500)] + g.normal())),
    'stationary N(0, 1)': make(6, (_i, g) => g.normal()),
  };
}

function elec2(): Record<string, number[]> {
  const lines = readDatasetText('elec2_electricity.csv').trim().split('\n');
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  const column = (name: string) => rows.map((r) => Number(r[header.indexOf(name)]));
  return {
    'Elec2 nswprice': column('nswprice'),
    'Elec2 nswdemand': column('nswdemand'),
    'Elec2 class (UP = 1)': rows.map((r) => (r[header.indexOf('class')] === 'UP' ? 1 : 0)),
  };
}

const CHUNKS = [1, 7, 100, 336, 1000, 31, 2048];

/** Our detector over `stream` in chunks, its state through JSON text between every two chunks. */
function feed(stream: readonly number[], options: AdwinOptions): { detections: number[]; adwin: Adwin } {
  let adwin = new Adwin(options);
  const detections: number[] = [];
  let at = 0;
  for (let c = 0; at < stream.length; c++) {
    const chunk = stream.slice(at, at + CHUNKS[c % CHUNKS.length]);
    for (const i of adwin.updateMany(chunk)) detections.push(at + i);
    at += chunk.length;
    adwin = Adwin.fromJSON(JSON.parse(JSON.stringify(adwin)));
  }
  return { detections, adwin };
}

const STREAMS = { ...elec2(), ...synthetic() };
const fed = new Map<string, ReturnType<typeof feed>>();
/** `feed` once per case (the detection and the window test read the same run). */
function ours(name: string, stream: readonly number[], options: AdwinOptions): ReturnType<typeof feed> {
  if (!fed.has(name)) fed.set(name, feed(stream, options));
  return fed.get(name)!;
}
const CASES = SETTINGS.flatMap((s) => Object.keys(STREAMS).map((stream) => ({ name: `${stream} | ${s.label}`, stream, setting: s })));

describe("ADWIN: Driftwatch's port against river's own ADWIN", () => {
  let river: Map<string, RiverCase>;
  let version: string;
  beforeAll(() => {
    const answer = runPeerSync<{ river: string; cases: RiverCase[] }>('river_adwin.py', {
      cases: CASES.map((c) => ({ name: c.name, params: c.setting.river, stream: STREAMS[c.stream as keyof typeof STREAMS] })),
    });
    version = answer.river;
    river = new Map(answer.cases.map((c) => [c.name, c]));
  });

  it('runs river 0.26.1 (the pin of test/support/requirements-peers.txt)', () => {
    expect(version).toBe('0.26.1');
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: the same detection indices, state kept in JSON between chunks', (name, c) => {
    const { detections } = ours(name, STREAMS[c.stream as keyof typeof STREAMS], c.setting.options);
    expect(detections).toEqual(river.get(name)!.detections);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s: the same window after the last value (width, total, variance)', (name, c) => {
    const { adwin } = ours(name, STREAMS[c.stream as keyof typeof STREAMS], c.setting.options);
    const theirs = river.get(name)!.final;
    expect([adwin.width, adwin.total, adwin.variance, adwin.estimation, adwin.nDetections, adwin.driftDetected]).toEqual([
      theirs.width,
      theirs.total,
      theirs.variance,
      theirs.estimation,
      theirs.n_detections,
      theirs.drift_detected,
    ]);
  });

  it('the streams exercise detection: every shift is detected under the defaults, the stationary stream is not', () => {
    const defaults = (stream: string) => river.get(`${stream} | ${SETTINGS[0].label}`)!.detections;
    for (const stream of Object.keys(STREAMS).filter((s) => !s.startsWith('stationary'))) expect(defaults(stream).length).toBeGreaterThan(0);
    expect(defaults('stationary N(0, 1)')).toEqual([]);
    const total = CASES.reduce((sum, c) => sum + river.get(c.name)!.detections.length, 0);
    expect(total).toBeGreaterThan(100);
  });
});
