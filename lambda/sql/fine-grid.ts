/**
 * Fine bins by an equality join instead of a sort, for the grouped profile query with fine bins only
 * (a backtest's or a backfill's scan of many partitions).
 *
 * Each numeric feature gets a grid of equal-width cells over its fine edges: cell(x) =
 * floor((x − low) × scale), clamped to [0, top]. Every step of that (IEEE subtraction, multiplication,
 * floor, clamp) is monotone, so x ≤ e implies cell(x) ≤ cell(e): an edge in a lower cell is below x and
 * one in a higher cell above it. A value's fine bin, #(fine edges ≤ x), is therefore its cell's `base`
 * (the edges in lower cells) plus the edges of its own cell that are ≤ x. The query computes the cells of
 * the edges and of the values with the same expression in the same engine, so the result is exact
 * whatever the engine's rounding; the grid is chosen here only so that cells hold few edges.
 *
 * A cell holding at most EDGES_PER_CELL edges is read inline (its lowest and highest edge); the values of
 * a denser cell (edges bunched closer than the grid resolves) are binned by the rank method among the
 * feature's fine edges, as before. On `npm run bench:backtest`'s reference (15 numeric features: normal,
 * log-normal, exponential, uniform and integer-valued), 3 of its 12,048 fine edges are in dense cells,
 * over 48,087 cells in all.
 *
 * Why: sorting every value (two ranks over the DISTINCT values, then a hash join back) was about half of
 * the grouped query's CPU time (a two-day scan of the benchmark: 84 of 164 ms in its two windows and
 * 39 ms in the join back); a join on (feature, cell) with a table of at most 10,000 cells per feature
 * reads each value once, and a scan of 10 days took 37 instead of 58 ms per day.
 */
import { sqlDouble, sqlInteger } from './literal';

/**
 * Cells per feature at most: Trino's `sequence()`, which enumerates the cells, returns at most 10,000
 * elements (cells 0..top).
 */
export const MAX_GRID_CELLS = 10_000;

/** Edges a cell may hold and still be read inline: the query reads its lowest and highest edge. */
export const EDGES_PER_CELL = 2;

/** A feature's grid: cell(x) = clamp(floor((x − low) × scale), 0, top). */
export interface FineGrid {
  readonly low: number;
  readonly scale: number;
  readonly top: number;
}

/** The cell of `x` in `grid`, as the query computes it (monotone in x). */
export function gridCell(x: number, grid: FineGrid): number {
  return Math.min(grid.top, Math.max(0, Math.floor((x - grid.low) * grid.scale)));
}

/** How many of `edges` are in cells holding more than EDGES_PER_CELL of them. */
export function edgesInDenseCells(edges: readonly number[], grid: FineGrid): number {
  const perCell = new Map<number, number>();
  for (const e of edges) {
    const c = gridCell(e, grid);
    perCell.set(c, (perCell.get(c) ?? 0) + 1);
  }
  let dense = 0;
  for (const n of perCell.values()) if (n > EDGES_PER_CELL) dense += n;
  return dense;
}

/**
 * The grid for a feature's (sorted) fine edges: cells over [first edge, last edge], 2, 4 or 8 per
 * edge (at most MAX_GRID_CELLS), the fewest that leave at most 1% of the edges in dense cells, else the
 * one with the fewest. `scale` is always finite and positive, so the query never computes ∞ × 0.
 * @example fineGrid([0, 1, 2, 3]) // { low: 0, scale: 2.6666666666666665, top: 8 }
 */
export function fineGrid(fineEdges: readonly number[]): FineGrid {
  const n = fineEdges.length;
  if (n === 0) return { low: 0, scale: 1, top: 0 };
  const low = fineEdges[0];
  // Half the width, which stays finite for edges from −MAX_VALUE to MAX_VALUE.
  const halfWidth = fineEdges[n - 1] / 2 - low / 2;
  let best: { grid: FineGrid; dense: number } | null = null;
  for (const perEdge of [2, 4, 8]) {
    const top = Math.min(MAX_GRID_CELLS - 1, perEdge * n);
    const cellsPerUnit = top / 2 / halfWidth;
    const scale = Number.isFinite(cellsPerUnit) && cellsPerUnit > 0 ? cellsPerUnit : 1;
    const grid = { low, scale, top };
    const dense = edgesInDenseCells(fineEdges, grid);
    if (best === null || dense < best.dense) best = { grid, dense };
    if (dense <= n / 100 || top === MAX_GRID_CELLS - 1) break;
  }
  return (best as { grid: FineGrid }).grid;
}

/** `feature_keys`' grid columns of a key: its grid for a numeric feature, NULLs for the others. */
export function gridLiterals(grid: FineGrid | null): string {
  return grid === null ? 'NULL, NULL, NULL' : `${sqlDouble(grid.low)}, ${sqlDouble(grid.scale)}, ${sqlInteger(grid.top)}`;
}

/** The cell of `x` by the grid columns of `k` (a `feature_keys` row, or a relation carrying its columns). */
export function cellSql(x: string, k: string): string {
  return `CAST(LEAST(${k}grid_top, GREATEST(0E0, FLOOR((${x} - ${k}grid_low) * ${k}grid_scale))) AS INTEGER)`;
}

/**
 * A value's fine bin, #(fine edges <= x), as the difference of two ranks over the feature's values and
 * fine edges (edges before equal values): its rank among all of them less its rank among the values
 * alone counts the edges before it; equal values share both ranks, so ties need no tie-breaker. Two
 * ranks cost about half of a running SUM (DuckDB builds a segment tree for a framed aggregate; a rank
 * is read off the sorted partition). Only the fine edges may be in the relation.
 */
export function fineBinByRanks(byFeature: string): string {
  return `CAST(RANK() OVER (PARTITION BY ${byFeature} ORDER BY x, is_value) - RANK() OVER (PARTITION BY ${byFeature}, is_value ORDER BY x) AS BIGINT)`;
}

/**
 * The grid's CTEs: each fine edge's cell (`grid_edges`) and every cell with its base and edges
 * (`grid`), computed from the reference bins, or read from `gridTable` (a table `fineGridQuery`
 * made once for the same reference: a backtest's scans then do not each build it again).
 */
export function gridCellCtes(gridTable?: string): string {
  const edges = `grid_edges AS (
  SELECT k.fid, r.edge, ${cellSql('r.edge', 'k.')} AS cell
  FROM reference_bins r
  JOIN feature_keys k ON k.part = 'numeric' AND k.feature = r.feature
  WHERE r.bin_set = 'fine'
)`;
  if (gridTable) {
    return `${edges},
grid AS (
  SELECT k.fid, t.cell, t.edges, t.low_edge, t.high_edge, t.base
  FROM ${gridTable} t
  JOIN feature_keys k ON k.part = 'numeric' AND k.feature = t.feature
)`;
  }
  return `${edges},
grid AS (
  SELECT fid, cell, edges, low_edge, high_edge, CAST(SUM(edges) OVER (PARTITION BY fid ORDER BY cell) - edges AS BIGINT) AS base
  FROM (
    SELECT c.fid, c.cell, COUNT(e.edge) AS edges, MIN(e.edge) AS low_edge, MAX(e.edge) AS high_edge
    FROM (
      SELECT k.fid, CAST(t.cell AS INTEGER) AS cell
      FROM feature_keys k
      CROSS JOIN UNNEST(sequence(0, k.grid_top)) AS t(cell)
      WHERE k.part = 'numeric'
    ) AS c
    LEFT JOIN grid_edges e ON e.fid = c.fid AND e.cell = c.cell
    GROUP BY c.fid, c.cell
  ) AS cells
)`;
}
