/**
 * The real peers on the eval's windows: hands the rows Driftwatch's backtest saw (features, and a model's
 * scores with the label where there are any) to test/eval/peers/eval_peers.py, which runs Evidently's
 * DataDriftPreset, NannyML's UnivariateDriftCalculator and CBPE with their defaults (see that file).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Column, Dataset } from '../../../lambda/core/types';
import { runPeerCached } from './python';

export interface PeerFeature {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
}

/** Numeric 0/1 columns for CBPE: P(positive), the predicted label and the true label, per row. */
export interface PerformanceColumns {
  readonly proba: Float64Array;
  readonly pred: Float64Array;
  readonly label: Float64Array;
}

export interface EvidentlyWindow {
  readonly share: number;
  readonly drift: boolean;
  readonly columns: readonly { name: string; method: string; threshold: number; score: number; drifted: boolean }[];
}
export interface NannymlWindow {
  readonly alerts: readonly string[];
  readonly values: Readonly<Record<string, number>>;
  readonly thresholds: Readonly<Record<string, number>>;
}
export interface CbpeWindow {
  readonly estimated: number;
  readonly estimatedAlert: boolean;
  readonly lower: number;
  readonly realised: number;
  readonly realisedAlert: boolean;
}
export interface RealPeers {
  readonly versions: { readonly evidently: string; readonly nannyml: string };
  readonly evidently: readonly EvidentlyWindow[];
  readonly nannyml: readonly NannymlWindow[];
  readonly cbpe: readonly CbpeWindow[] | null;
  readonly seconds: Readonly<Record<string, number>>;
}

/** A column as the peer scripts read it (eval_peers.py's `frame`): numbers with null for missing, or dictionary and codes. */
export function encode(column: Column): unknown {
  if (column.kind === 'numeric') return { values: Array.from(column.values, (v) => (Number.isFinite(v) ? v : null)) };
  return { dictionary: column.dictionary, codes: Array.from(column.codes) };
}

/**
 * Runs the peers on `data` (the features must be its columns, with the kinds Driftwatch gave them).
 * `windows` are row offsets, end exclusive, contiguous from the end of the reference.
 */
export async function runRealPeers(
  data: Dataset,
  features: readonly PeerFeature[],
  referenceRows: number,
  windows: readonly { start: number; end: number }[],
  performance?: PerformanceColumns,
): Promise<RealPeers> {
  const byName = new Map(data.columns.map((c) => [c.name, c]));
  const columns: Record<string, unknown> = {};
  for (const f of features) {
    const column = byName.get(f.name);
    if (!column) throw new Error(`feature ${JSON.stringify(f.name)} is not a column of the data`);
    if (column.kind !== f.kind) throw new Error(`feature ${JSON.stringify(f.name)} is ${column.kind} in the data, ${f.kind} in the config`);
    columns[f.name] = encode(column);
  }
  if (performance) {
    columns.__proba = { values: Array.from(performance.proba) };
    columns.__pred = { values: Array.from(performance.pred) };
    columns.__label = { values: Array.from(performance.label) };
  }
  const request = {
    features,
    columns,
    reference: [0, referenceRows],
    windows: windows.map((w) => [w.start, w.end]),
    performance: performance ? { proba: '__proba', pred: '__pred', label: '__label' } : null,
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'driftwatch-eval-'));
  const file = path.join(dir, 'request.json');
  try {
    fs.writeFileSync(file, JSON.stringify(request));
    return await runPeerCached<RealPeers>('eval_peers.py', file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
