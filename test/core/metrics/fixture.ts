/** Reference values from test/fixtures/generate_metrics.py (numpy, direct formulas). */
import * as fs from 'fs';
import * as path from 'path';

export interface MetricsFixture {
  classification: {
    labels: string[];
    predictions: string[];
    classes: string[];
    expected: {
      accuracy: number | null;
      matrix: number[][];
      precision: number[];
      recall: number[];
      f1: number[];
      support: number[];
      macro: { precision: number; recall: number; f1: number };
      weighted: { precision: number; recall: number; f1: number };
    };
  }[];
  regression: {
    yTrue: number[];
    yPred: number[];
    expected: { count: number; mae: number; rmse: number; mape: number | null; mapeExcluded: number; weightedMape: number | null; meanError: number };
  }[];
  ranking: {
    queries: number[][];
    k: number;
    gain: 'exponential' | 'linear';
    expected: { perQuery: (number | null)[]; mean: number | null; evaluated: number; withoutRelevant: number };
  }[];
  business: {
    rows: { id: string; amount: number | null; prediction: number; label: number }[];
    expected: Record<string, number>;
  };
}

export const fixture: MetricsFixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../fixtures/metrics.json'), 'utf8'),
).metrics;

/** |actual − expected| ≤ 1e-9 · max(|expected|, 1e-300); nulls must match exactly. */
export function expectRelClose(actual: number | null, expected: number | null, rel = 1e-9): void {
  if (expected === null) {
    expect(actual).toBeNull();
    return;
  }
  expect(actual).not.toBeNull();
  const tol = rel * Math.max(Math.abs(expected), 1e-300);
  if (Math.abs((actual as number) - expected) > tol) {
    // toBe gives a readable diff in the failure message
    expect(actual).toBe(expected);
  }
}
