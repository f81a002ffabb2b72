/** Loaders for test/fixtures/stats.json (written by test/fixtures/generate_stats.py). */
import * as fs from 'fs';
import * as path from 'path';
import type { KsMethod } from '../../../lambda/core/stats';
import { readDatasetText, type DatasetName } from '../../support/datasets';

export interface FormulaSpec {
  n: number;
  mult: number;
  offset: number;
  mod: number;
  transform: 'linear' | 'square' | 'step';
  loc: number;
  scale: number;
  steps?: number;
}
type Rows = [number, number] | [number, null] | 'even' | 'odd';

export interface StatsFixture {
  scipy: string;
  ksArrays: { name: string; a: number[]; b: number[]; method: KsMethod; statistic: number; pValue: number }[];
  ksFormulas: { name: string; a: FormulaSpec; b: FormulaSpec; method: KsMethod; statistic: number; pValue: number }[];
  ksFromStatistic: { statistic: number; n1: number; n2: number; method: KsMethod; pValue: number }[];
  kstwo: { n: number; d: number; sf: number }[];
  ksDatasets: { file: string; column: string; a: Rows; b: Rows; statistic: number; pValue: number }[];
  chi2Tables: { name: string; reference: number[]; current: number[]; statistic: number; pValue: number; dof: number }[];
  chi2Datasets: { file: string; column: string; a: Rows; b: Rows; statistic: number; pValue: number; dof: number }[];
  chi2Sf: { x: number; dof: number; sf: number }[];
}

export const fixture: StatsFixture = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../fixtures/stats.json'), 'utf8'),
);

/**
 * The python generator's deterministic sequence: u_i = ((i·mult + offset) mod m)/m, transformed
 * with single IEEE operations so both languages produce the same doubles.
 */
export function formulaSample(spec: FormulaSpec): Float64Array {
  const out = new Float64Array(spec.n);
  for (let i = 0; i < spec.n; i++) {
    const u = ((i * spec.mult + spec.offset) % spec.mod) / spec.mod;
    if (spec.transform === 'linear') out[i] = spec.loc + spec.scale * u;
    else if (spec.transform === 'square') out[i] = spec.loc + spec.scale * (u * u);
    else out[i] = spec.loc + spec.scale * (Math.floor(u * spec.steps!) / spec.steps!);
  }
  return out;
}

/** Reads a `;`-separated shipped dataset with quoted strings (the bank marketing file) as header + rows. */
export function readSemicolonCsv(file: DatasetName): { header: string[]; rows: string[][] } {
  const lines = readDatasetText(file).split('\n').filter((l) => l.length > 0);
  const parse = (line: string): string[] => line.split(';').map((f) => f.replace(/^"(.*)"$/, '$1'));
  return { header: parse(lines[0]), rows: lines.slice(1).map(parse) };
}

export function selectRows<T>(rows: readonly T[], selection: Rows): T[] {
  if (selection === 'even') return rows.filter((_, i) => i % 2 === 0);
  if (selection === 'odd') return rows.filter((_, i) => i % 2 === 1);
  return rows.slice(selection[0], selection[1] ?? undefined);
}
