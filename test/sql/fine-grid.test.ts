/**
 * The grouped query's grid binning (fine-grid.ts) against the core's bin rule, on DuckDB: references
 * whose fine edges bunch (dense cells, binned by ranks), repeat, span ±1e300 or are a single value, and
 * values on the edges, between them, past them, at ±0 and near the largest doubles. Counts must be
 * exactly the core's (`observeDatasetProfile`).
 */
import fc from 'fast-check';
import { fitDatasetProfile, observeDatasetProfile } from '../../lambda/core/profile';
import type { Dataset, NumericFeatureProfile } from '../../lambda/core/types';
import { openDuckDbEngine, type DuckDbEngine } from '../../lambda/adapters/local/duckdb-engine';
import { edgesInDenseCells, fineGrid, gridCell, MAX_GRID_CELLS } from '../../lambda/sql/fine-grid';
import { parsePartitionedProfileRows } from '../../lambda/sql/grouped-profile';
import { fineGridQuery } from '../../lambda/sql/fine-grid-query';
import { profileQuery } from '../../lambda/sql/profile-query';

let engine: DuckDbEngine;
beforeAll(async () => {
  engine = await openDuckDbEngine({ threads: 2 });
});
afterAll(() => engine?.close());

const hours = { start: new Date('2026-11-24T00:00:00Z'), end: new Date('2026-11-25T00:00:00Z') };
const spec = { modelId: 'm', task: 'regression' as const, features: [{ name: 'x', kind: 'numeric' as const }] };
let tables = 0;

/** The grouped, fine-bins-only profile of `current` against a reference fitted on `reference`, and the core's. */
async function profiles(reference: Float64Array, current: Float64Array) {
  const ref = fitDatasetProfile({ rowCount: reference.length, columns: [{ kind: 'numeric', name: 'x', values: reference }] });
  const n = current.length;
  const table = `grid_${tables++}`;
  await engine.loadTable(table, [
    { name: 'dt', type: 'varchar', codes: new Int32Array(n), dictionary: ['2026-11-24'] },
    { name: 'hour', type: 'varchar', codes: new Int32Array(n), dictionary: ['07'] },
    { name: 'variant', type: 'varchar', codes: new Int32Array(n), dictionary: ['champion'] },
    { name: 'x', type: 'double', values: current },
    { name: 'prediction', type: 'double', values: new Float64Array(n) },
  ], n);
  const sql = profileQuery({ spec, reference: ref, table: { table }, hours, groupBy: 'day', fineBinsOnly: true });
  const [day] = parsePartitionedProfileRows(await engine.query(sql), ref, { fineBinsOnly: true });
  // The same query reading the grid from a table made once (what a backtest's scans do).
  await engine.run(`CREATE TABLE ${table}_grid AS\n${fineGridQuery({ spec, reference: ref })}`);
  const fromTable = profileQuery({ spec, reference: ref, table: { table }, hours, groupBy: 'day', fineBinsOnly: true, grid: { table: { table: `${table}_grid` } } });
  const [dayFromTable] = parsePartitionedProfileRows(await engine.query(fromTable), ref, { fineBinsOnly: true });
  await engine.run(`DROP TABLE ${table}`);
  await engine.run(`DROP TABLE ${table}_grid`);
  const data: Dataset = { rowCount: n, columns: [{ kind: 'numeric', name: 'x', values: current }] };
  const counts = (f: NumericFeatureProfile) => ({ counts: f.counts, fineCounts: f.fineCounts, missing: f.missing });
  return {
    reference: ref.features[0] as NumericFeatureProfile,
    sql: counts(day.profile.features[0] as NumericFeatureProfile),
    gridTable: counts(dayFromTable.profile.features[0] as NumericFeatureProfile),
    core: counts(observeDatasetProfile(data, ref).features[0] as NumericFeatureProfile),
  };
}

/** A cluster of `bunched` values within 1e-9 of 1 and a few far ones: most fine edges fall in one grid cell. */
function bunchedReference(bunched: number, far: number): Float64Array {
  return Float64Array.from({ length: bunched + far }, (_, i) => (i < bunched ? 1 + (i * 1e-9) / bunched : 10 ** (i - bunched + 1)));
}

describe('grid binning of the grouped query', () => {
  it('bins values of dense cells by rank, and every other value by its cell, exactly as the core', async () => {
    const reference = bunchedReference(2000, 6);
    const { reference: ref, sql, gridTable, core } = await profiles(reference, Float64Array.from([...reference, 0, 1, 1 + 5e-10, 2, 1e7, -1e308, 1.7e308, NaN]));
    // The case this test is for: most edges bunched in cells the grid cannot resolve.
    expect(edgesInDenseCells(ref.fineEdges, fineGrid(ref.fineEdges))).toBeGreaterThan(ref.fineEdges.length / 2);
    expect(sql).toEqual(core);
    expect(gridTable).toEqual(core);
  });

  it('matches the core for any reference and values (edges repeated, ±1e300, one distinct value, values on edges)', async () => {
    const finite = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.integer({ min: -3, max: 3 }).map((i) => i * 1.5),
      fc.constantFrom(0, -0, 1e300, -1e300, Number.MAX_VALUE, -Number.MAX_VALUE, 5e-324),
      fc.double({ min: 1, max: 1 + 1e-12, noNaN: true }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(finite, { minLength: 1, maxLength: 400 }), fc.array(fc.oneof(finite, fc.constant(NaN)), { maxLength: 200 }), async (ref, extra) => {
        const reference = Float64Array.from(ref);
        // The reference's own values sit on its fine edges; the extra ones anywhere.
        const { sql, gridTable, core } = await profiles(reference, Float64Array.from([...ref, ...extra]));
        expect(sql).toEqual(core);
        expect(gridTable).toEqual(core);
      }),
      { numRuns: 40 },
    );
  });
});

describe('profileQuery grid', () => {
  it('refuses a grid table for a variant that does not bin by the grid, saying which does', () => {
    const ref = fitDatasetProfile({ rowCount: 3, columns: [{ kind: 'numeric', name: 'x', values: Float64Array.from([1, 2, 3]) }] });
    expect(() => profileQuery({ spec, reference: ref, table: { table: 't' }, hours, groupBy: 'day', grid: { table: { table: 'g' } } })).toThrow(
      'profileQuery: grid is only for the grouped query with fineBinsOnly (the variant that bins by the grid)',
    );
  });
});

describe('fineGrid', () => {
  it('keeps cells monotone with a finite, positive scale and at most MAX_GRID_CELLS cells, whatever the edges', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 300 }), (values) => {
        const edges = [...new Set(values)].sort((a, b) => a - b);
        const grid = fineGrid(edges);
        expect(Number.isFinite(grid.scale) && grid.scale > 0).toBe(true);
        expect(grid.top).toBeLessThan(MAX_GRID_CELLS);
        for (let i = 1; i < edges.length; i++) expect(gridCell(edges[i - 1], grid)).toBeLessThanOrEqual(gridCell(edges[i], grid));
      }),
    );
  });

  it('spreads 1,000 normal quantiles over cells of at most two edges each', () => {
    const fitted = fitDatasetProfile({ rowCount: 20_001, columns: [{ kind: 'numeric', name: 'x', values: Float64Array.from({ length: 20_001 }, (_, i) => normalQuantile((i + 0.5) / 20_001)) }] });
    const edges = (fitted.features[0] as NumericFeatureProfile).fineEdges;
    expect(edges.length).toBeGreaterThan(900);
    expect(edgesInDenseCells(edges, fineGrid(edges))).toBe(0);
  });
});

/** A logistic approximation of the standard normal quantile: enough to give the edges a bell shape. */
function normalQuantile(p: number): number {
  return Math.log(p / (1 - p)) / 1.702;
}
