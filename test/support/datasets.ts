/**
 * The real datasets the tests read, shipped in the repository (test/datasets/README.md): their paths
 * in one place, keyed by the original file name (as the source notes and test/fixtures name them),
 * and a text reader for the tests that split the CSV themselves.
 */
import * as fs from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import { BANK_DATA_FILE } from '../../lambda/demo/bank';

export const TEST_DATASETS_DIR = path.join(__dirname, '../datasets');

/** Original file name → the shipped file (gzipped CSV, or Parquet as it is). */
export const DATASET_FILES = {
  // The demo's copy (inside the package), so the repository holds the bank data once.
  'bank-additional-full.csv': BANK_DATA_FILE,
  'elec2_electricity.csv': path.join(TEST_DATASETS_DIR, 'elec2_electricity.csv.gz'),
  'INSECTS-gradual_balanced_24150.csv': path.join(TEST_DATASETS_DIR, 'INSECTS-gradual_balanced_24150.csv.gz'),
  'us_census_ma_employment_MA_reference.pq': path.join(TEST_DATASETS_DIR, 'us_census_ma_employment_MA_reference.pq'),
  'us_census_ma_employment_MA_analysis.pq': path.join(TEST_DATASETS_DIR, 'us_census_ma_employment_MA_analysis.pq'),
  'us_census_ma_employment_MA_analysis_target.pq': path.join(TEST_DATASETS_DIR, 'us_census_ma_employment_MA_analysis_target.pq'),
} as const;

export type DatasetName = keyof typeof DATASET_FILES;

export const BANK = DATASET_FILES['bank-additional-full.csv'];
export const ELEC2 = DATASET_FILES['elec2_electricity.csv'];
export const INSECTS = DATASET_FILES['INSECTS-gradual_balanced_24150.csv'];
export const CENSUS_REFERENCE = DATASET_FILES['us_census_ma_employment_MA_reference.pq'];

/**
 * The shipped file of a dataset named by its original file name.
 *
 * @throws Error naming the known datasets when `name` is not one of them.
 */
export function datasetFile(name: string): string {
  if (!Object.prototype.hasOwnProperty.call(DATASET_FILES, name)) {
    throw new Error(`no shipped dataset ${JSON.stringify(name)}; the tests have ${Object.keys(DATASET_FILES).join(', ')}`);
  }
  return DATASET_FILES[name as DatasetName];
}

/** A shipped CSV's text (gunzipped), for tests that split lines themselves. @example readDatasetText('elec2_electricity.csv') */
export function readDatasetText(name: DatasetName): string {
  const bytes = fs.readFileSync(datasetFile(name));
  const gzipped = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
}
