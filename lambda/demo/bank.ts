/**
 * The bank-marketing demo's dataset facts (see data/bank-additional-full.source.txt):
 * `;`-separated, label `y` (yes/no), rows ordered by date from May 2008 to November 2010.
 */
import * as path from 'path';
import { packageRoot } from '../adapters/local/package-root';

/**
 * The dataset, shipped gzip-compressed in the package (`lambda/demo/data/`) so an installed package can
 * run the demo; found from the package root, so the compiled demo in `dist/` finds it too
 * (`readDataset` decompresses it; the data is the UCI file unchanged, CC BY 4.0, see the source note).
 */
export const BANK_DATA_FILE = path.join(packageRoot(), 'lambda/demo/data/bank-additional-full.csv.gz');

/** Label column and its classes. */
export const BANK_LABEL = 'y';
export const BANK_POSITIVE = 'yes';
export const BANK_NEGATIVE = 'no';
export const BANK_DELIMITER = ';';

/** Reference = the first 10,000 rows (May–June 2008): the model is trained on them and drift is measured against them. */
export const BANK_REFERENCE_ROWS = 10_000;

/** First row of 2009 (derived from the month sequence; the dataset has no year column). */
export const BANK_2009_ROW = 27_690;

/**
 * Model and monitored features: every column except the label and `duration`, which the dataset's
 * authors say leaks the outcome (a call's duration is known only after the call, and 0 s means "no").
 */
export const BANK_FEATURES: readonly string[] = [
  'age', 'job', 'marital', 'education', 'default', 'housing', 'loan', 'contact', 'month', 'day_of_week',
  'campaign', 'pdays', 'previous', 'poutcome', 'emp.var.rate', 'cons.price.idx', 'cons.conf.idx', 'euribor3m',
  'nr.employed',
];
