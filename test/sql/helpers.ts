import { fitDatasetProfile } from '../../lambda/core/profile';
import type { ModelRecordSpec } from '../../lambda/core/schema/record-schema';
import type { Column, Dataset, DatasetProfile } from '../../lambda/core/types';

/** The spec's feature columns of `records` as a core Dataset (null → NaN / code −1). */
export function recordsToDataset(spec: ModelRecordSpec, records: readonly Record<string, unknown>[]): Dataset {
  const columns: Column[] = spec.features.map((f): Column => {
    if (f.kind === 'numeric') {
      return { kind: 'numeric', name: f.name, values: Float64Array.from(records, (r) => (r[f.name] === null ? NaN : (r[f.name] as number))) };
    }
    const dictionary: string[] = [];
    const index = new Map<string, number>();
    const codes = Int32Array.from(records, (r) => {
      const v = r[f.name] as string | null;
      if (v === null) return -1;
      if (!index.has(v)) {
        index.set(v, dictionary.length);
        dictionary.push(v);
      }
      return index.get(v) as number;
    });
    return { kind: 'categorical', name: f.name, codes, dictionary };
  });
  return { rowCount: records.length, columns };
}

export function fitReference(spec: ModelRecordSpec, records: readonly Record<string, unknown>[]): DatasetProfile {
  return fitDatasetProfile(recordsToDataset(spec, records));
}

/** Expects two profiles to agree: counts and bins exactly, sums to 1e-9 relative. */
export function expectSameProfile(actual: DatasetProfile, expected: DatasetProfile): void {
  const roundSums = (p: DatasetProfile) => ({
    ...p,
    features: p.features.map((f) => (f.kind === 'numeric' ? { ...f, sum: 0, sumSquares: 0 } : f)),
  });
  expect(roundSums(actual)).toEqual(roundSums(expected));
  actual.features.forEach((f, i) => {
    const e = expected.features[i];
    if (f.kind === 'numeric' && e.kind === 'numeric') {
      for (const key of ['sum', 'sumSquares'] as const) {
        const tolerance = 1e-9 * Math.max(1, Math.abs(e[key]));
        if (Math.abs(f[key] - e[key]) > tolerance) throw new Error(`${f.name}.${key}: ${f[key]} vs in-memory ${e[key]}`);
      }
    }
  });
}
