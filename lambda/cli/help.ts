/** Help texts printed by `driftwatch --help` and `driftwatch compare --help`. */

export const MAIN_HELP = `Usage: driftwatch <command> [options]

Commands:
  compare    Compare a current dataset with a reference and report drift per feature

Run 'driftwatch <command> --help' for the options of a command.
`;

export const COMPARE_HELP = `Usage: driftwatch compare --reference FILE --current FILE [options]

Compares every column present in both files (reference = training or baseline data, current =
recent production data) and reports, per feature: PSI, Jensen-Shannon distance, KS (numeric) or
chi-squared (categorical) test, normalised Wasserstein distance (numeric), missing rates,
importance and impact (importance x PSI). Features are ranked by impact.

Options:
  --reference FILE    Reference data: CSV or Parquet (required)
  --current FILE      Current data: CSV or Parquet (required)
  --config FILE       features.json with per-feature kind, importance and thresholds
  --format FORMAT     text (default) | json | html
  --out FILE          Write the report to FILE instead of stdout
                      (html defaults to driftwatch-report.html)
  --delimiter CHAR    CSV field delimiter: one character, or 'tab' (default ',')
  --exclude COLS      Columns to leave out, comma-separated (ids, timestamps, targets);
                      may be repeated
  --reference-rows R  Use only rows R of the reference file, R = START:END (0-based, end
                      exclusive, negative counts from the end): e.g. :20000
  --current-rows R    The same for the current file: e.g. -10000: (the last 10,000 rows)
  -h, --help          Show this help

Input:
  CSV files have a header row; fields may be double-quoted ("" is a quote inside quotes);
  UTF-8 with or without a BOM. Parquet files are recognised by content, not by extension.
  Empty cells, NA, NaN and null are missing values. A column is numeric when every non-missing
  value is a finite number, otherwise categorical; a column numeric in one file and not in the
  other is categorical in both. Columns present in only one file are skipped with a warning.

features.json:
  {
    "features": {
      "income":  { "kind": "numeric", "importance": 0.4,
                   "thresholds": { "psiWarning": 0.1, "psiCritical": 0.2 } },
      "country": { "kind": "categorical", "importance": 0.1 }
    }
  }
  kind: "numeric" | "categorical" (overrides inference). importance: >= 0, relative (e.g. mean
  |SHAP|); features left out share equally. thresholds (all optional): psiWarning (0.2),
  psiCritical (0.25), pValueWarning (0.05), pValueCritical (0.01), minEffectWarning (0.1),
  minEffectCritical (0.2), missingRateWarning (0.05), missingRateCritical (0.2).
  Every feature named here must be a column of both files.

Exit codes:
  0  no feature is critical
  1  the overall status is critical: a feature is critical, or drifted features carry at
     least half of the total importance (use as a CI gate)
  2  usage or input error (the message names the file, line/row, column and value)

Examples:
  driftwatch compare --reference train.csv --current today.csv
  driftwatch compare --reference ref.parquet --current cur.csv --config features.json --format json --out drift.json
  driftwatch compare --reference ref.csv --current cur.csv --delimiter ';' --format html
  driftwatch compare --reference bank.csv --reference-rows :20000 \\
                     --current bank.csv --current-rows -10000: --delimiter ';' --exclude y,duration
`;
