/**
 * The fine grid as a relation of its own (`fineGridQuery`): what the grouped profile query builds from
 * the reference bins in every scan (fine-grid.ts), to make once into a table when many scans bin by the
 * same reference (a backtest's runs of windows) and pass to `profileQuery` as `grid`.
 */
import { gridCellCtes } from './fine-grid';
import { keyColumns, keyRelation } from './grouped-profile-sql';
import { binsSqlOf, featureKeys, gridOf, type ProfileQueryInput } from './profile-query';

/**
 * The fine grid of every numeric feature (feature, cell, edges, low_edge, high_edge, base), as the
 * grouped query builds it, for the same spec, reference and bins as the `profileQuery` it is passed to.
 * @example await engine.run(`CREATE TABLE fine_grid AS ${fineGridQuery({ spec, reference, bins })}`);
 *          profileQuery({ ...input, grid: { table: { table: 'fine_grid' } } });
 */
export function fineGridQuery(input: Pick<ProfileQueryInput, 'spec' | 'reference' | 'bins'>): string {
  const keys = featureKeys(input.spec, input.reference);
  const grids = keys.map((k) => gridOf(input.reference, k));
  return `-- driftwatch fine grid: model ${input.spec.modelId}
WITH feature_keys AS (
  SELECT ${keyColumns(true)} FROM ${keyRelation(keys, grids)}
),
reference_bins AS (
  ${binsSqlOf(input)}
),
${gridCellCtes()}
SELECT k.feature, g.cell, g.edges, g.low_edge, g.high_edge, g.base
FROM grid g
JOIN feature_keys k ON k.fid = g.fid`;
}
