/**
 * Real data (UCI bank marketing, the demo's shipped copy): heavy ties, drift between early and late rows,
 * and categories that appear only in one period. Expected values come from scipy on the same rows.
 */
import { chiSquaredHomogeneity, ks2samp } from '../../../lambda/core/stats';
import { expectPValue, expectStatistic } from './assertions';
import { fixture, readSemicolonCsv, selectRows } from './fixtures';

const bank = readSemicolonCsv('bank-additional-full.csv');

describe('KS on bank-additional-full.csv matches scipy', () => {
  test.each(fixture.ksDatasets.map((c) => [`${c.column}: ${JSON.stringify(c.a)} vs ${JSON.stringify(c.b)}`, c] as const))(
    '%s',
    (_name, c) => {
      const j = bank.header.indexOf(c.column);
      const a = Float64Array.from(selectRows(bank.rows, c.a), (r) => Number(r[j]));
      const b = Float64Array.from(selectRows(bank.rows, c.b), (r) => Number(r[j]));
      const r = ks2samp(a, b);
      expectStatistic(r.statistic, c.statistic);
      expectPValue(r.pValue, c.pValue);
    },
  );
});

describe('chi-squared on bank-additional-full.csv matches scipy', () => {
  test.each(fixture.chi2Datasets.map((c) => [`${c.column}: ${JSON.stringify(c.a)} vs ${JSON.stringify(c.b)}`, c] as const))(
    '%s',
    (_name, c) => {
      const j = bank.header.indexOf(c.column);
      const a = selectRows(bank.rows, c.a).map((r) => r[j]);
      const b = selectRows(bank.rows, c.b).map((r) => r[j]);
      const categories = [...new Set([...a, ...b])].sort();
      const count = (values: string[]): number[] => categories.map((cat) => values.filter((v) => v === cat).length);
      const r = chiSquaredHomogeneity(count(a), count(b));
      expectStatistic(r.statistic, c.statistic);
      expectPValue(r.pValue, c.pValue);
      expect(r.dof).toBe(c.dof);
    },
  );
});
