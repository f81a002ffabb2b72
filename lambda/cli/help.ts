/** Help texts printed by `driftwatch --help` and `driftwatch compare --help`. */

export const MAIN_HELP = `Usage: driftwatch <command> [options]

Commands:
  compare    Compare a current dataset with a reference and report drift per feature
  backtest   Replay history window by window: drift, performance and the alerts that would have fired
  reference  Fit a model's reference (profile, drift bands, thresholds) from training data; --push uploads it
  demo       Train a model on bank-marketing data and backtest the monitor over 2008-2010 (no AWS)
  alert      alert test --env ENV --model ID: send a [TEST] page and Slack message to the model owner's channels
  history    history --env ENV --model ID: the model's promotion ledger (triggers, gates, promotions, rollbacks)
  rollback   rollback --env ENV --model ID [--to VERSION]: redeploy the last known good (or VERSION) through the rollback state machine

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
  --format FORMAT     text (default) | json | html (control and bidi characters from the data
                      are shown as visible escapes, \\x1b, \\u{202e}, in text and html)
  --out FILE          Write the report to FILE instead of stdout (never one of the inputs)
                      (html defaults to driftwatch-report.html)
  --delimiter CHAR    CSV field delimiter: one character, or 'tab' (default ',')
  --exclude COLS      Columns to leave out, comma-separated (ids, timestamps, targets);
                      may be repeated
  --reference-rows R  Use only rows R of the reference file, R = START:END (0-based, end
                      exclusive, negative counts from the end): e.g. :20000
  --current-rows R    The same for the current file: e.g. -10000: (the last 10,000 rows)
  --missing-values L  Cells that mean "missing", comma-separated, instead of the default list
                      (below); may be repeated; '' leaves only the empty cell
  --min-rows N        Fewer rows in either file: "too few rows", no status, exit 2 (default 100)
  -h, --help          Show this help
  An option that takes one value may be given once (--exclude and --missing-values repeat).

Input:
  CSV files have a header row; fields may be double-quoted ("" is a quote inside quotes);
  UTF-8 with or without a BOM. Parquet files are recognised by content, not by extension.
  Missing values (spaces around them ignored): empty, NA, N/A, n/a, NaN, nan, NAN, -NaN, -nan,
  null, NULL, None, #N/A, #N/A N/A, #NA, <NA>, 1.#IND, -1.#IND, 1.#QNAN, -1.#QNAN, - and ?.
  A column is numeric when its non-missing values are finite numbers, all but at most 1% of
  them: those few (1,5  1e309  12 kg) are invalid, count as missing and are named in a notice;
  with more, the column is categorical (with a notice when some values are numbers). A column
  numeric in one file and not in the other is numeric in both when the other file's values are
  numbers (a Parquet text column), otherwise categorical in both; a notice says which, and when
  Parquet types differ. Columns present in only one file are skipped with a warning.

features.json:
  {
    "features": {
      "income":  { "kind": "numeric", "importance": 0.4,
                   "thresholds": { "psiWarning": 0.1, "psiCritical": 0.2 } },
      "country": { "kind": "categorical", "importance": 0.1, "test": "jensen_shannon" }
    }
  }
  kind: "numeric" | "categorical" (overrides inference). importance: >= 0, relative (e.g. mean
  |SHAP|); features left out share equally. thresholds (all optional): psiWarning (0.2),
  psiCritical (0.25), pValueWarning (0.05), pValueCritical (0.01), minEffectWarning (0.1),
  minEffectCritical (0.2), missingRateWarning (0.05), missingRateCritical (0.2),
  distanceWarning (0.1), distanceCritical (0.2).
  test (optional): the one measure that decides the status, with the missing rate: psi | ks
  (numeric) | chi_squared (categorical) | jensen_shannon | wasserstein (numeric) | l_infinity;
  the distances use distanceWarning/distanceCritical. Left out, every signal counts.
  Every feature named here must be a column of both files.

Exit codes:
  0  no feature is critical
  1  the overall status is critical: a feature is critical, or drifted features carry at
     least half of the total importance (use as a CI gate)
  2  usage or input error (the message names the file, line/row, column and value), or too
     few rows to judge (the report is still written, saying so)

Examples:
  driftwatch compare --reference train.csv --current today.csv
  driftwatch compare --reference ref.parquet --current cur.csv --config features.json --format json --out drift.json
  driftwatch compare --reference ref.csv --current cur.csv --delimiter ';' --format html
  driftwatch compare --reference bank.csv --reference-rows :20000 \\
                     --current bank.csv --current-rows -10000: --delimiter ';' --exclude y,duration
`;

export const BACKTEST_HELP = `Usage: driftwatch backtest --data FILE --config FILE [options]

Replays a data file through the monitor as production would have run it: the reference profile is
fitted on the reference rows, every later row is assigned to an hourly batch, all batches are
profiled with the same SQL the hourly Lambda runs (one DuckDB query), windows merge their batches
and are scored against the reference (PSI, KS, chi-squared, ...; importance-weighted status).
With a label, realised metrics come from the same label-join SQL, thresholds are calibrated on the
first baseline windows, and ADWIN watches the mean score / positive rate across windows. Alerts are
raised when a signal enters warning or critical (never repeated while it stays there).

Options:
  --data FILE           History: CSV or Parquet, rows in time order (required; with time windows
                        and reference rows, rows out of order are sorted by time, with a notice)
  --config FILE         backtest.json (or .ts exporting it), or a platform config (config/<env>.ts)
                        with --model (required)
  --model ID            With a platform config: the model to backtest (its features, task,
                        importance, thresholds; columns prediction, predicted_label, label if present)
  --reference-rows N    With a platform config: reference = first N rows (default: a quarter)
  --window-rows N       With a platform config: windows of N rows (default: 20 windows)
  --window-column COL   With a platform config: time windows over COL instead ...
  --every SPAN          ... of SPAN (1h, 6h, 1d, 7d, 2w; default 1d)
  --delimiter CHAR      CSV field delimiter (overrides the config's; default ',')
  --format FORMAT       text (default) | json | html
  --out FILE            Write the report to FILE (html defaults to driftwatch-backtest.html;
                        never the data, config or reference file)
  --fail-on LEVEL       none (default) | warning | critical: exit 1 when an alert of that
                        severity or worse would have fired (use as a CI gate)
  --trainer TRAINER     Replay the retraining policy (the config's "retraining" section, or its
                        defaults) with this trainer: builtin (the model for the task: logistic
                        regression for a classifier, ridge linear regression for a regression),
                        logistic, linear, or a command such as "python3 trainer.py" (the file
                        contract is in the README:
                        <command> train TRAIN_CSV MODEL_FILE; <command> predict MODEL_FILE ROWS_CSV
                        PREDICTIONS_CSV); prints each trigger, retrain, gate result, shadow
                        comparison, promotion and rollback, and the key metric per window beside
                        no retraining and a calendar schedule with as many retrains
  -q, --quiet           No progress lines on stderr
  -h, --help            Show this help

backtest.json:
  {
    "features": [ { "name": "euribor3m", "kind": "numeric", "importance": 0.3,
                    "thresholds": { "psiWarning": 0.2, "psiCritical": 0.25 } },
                  { "name": "job", "kind": "categorical", "test": "jensen_shannon" } ],
                                               test and thresholds as in compare's features.json
    "reference": { "rows": 10000 },            or { "file": "reference.csv" } (relative to the config)
    "window": { "rows": 2000 },                or { "column": "timestamp", "every": "1d" }
    "prediction": "score",                     score / predicted value column (optional)
    "predictedLabel": "predicted",             predicted class column (classification)
    "label": "y", "positiveLabel": "yes",      ground truth and the positive class (optional)
    "task": "binary_classification",           | multiclass_classification | regression (inferred)
    "metrics": [ { "name": "yes_rate", "kind": "rate", "numerator": { "label": "yes" },
                   "direction": "higher_is_better" } ],   business metrics (optional)
    "keyMetric": "recall",                     metric shown in the timeline (default f1 / macro_f1 / mae)
    "minRows": 100,                            a window with fewer rows says "too few rows", no drift;
                                               with fewer labelled rows, no performance status or alert
    "baseline": { "windows": 7, "minSamples": 1000 },     calibration period and guard
    "driftBands": { "enabled": true, "multiplier": 3, "warningMultiplier": 2, "minWindows": 6 },
                                               drift thresholds raised to the 2σ / 3σ levels of the
                                               reference's own window-to-window variation, widened
                                               for few windows (the defaults shown)
    "delimiter": ";", "modelId": "bank_marketing",
    "missingValues": ["", "NA", "?"],           cells read as missing (default: as compare --help lists)
    "retraining": {                            replay a retraining policy (all optional; defaults shown)
      "policy": { "triggers": { "drift": { "minImportanceShare": 0.25 }, "performance": { "metrics": [] } },
                  "cooldownHours": 72, "maxPerMonth": 4,      as a model's retraining section
                  "gates": { "noRegression": { "metrics": ["accuracy_score"] } } },  default: no
                                               regression on the key metric against the champion
      "shadow": { "metric": "accuracy", "minLabelledRows": 1000, "alpha": 0.05 },
      "trainer": { "builtin": "logistic" },    or "linear" (a regression), or { "command": ["python3", "trainer.py"] }
      "training": { "rows": 10000, "holdoutShare": 0.2 },  newest rows a retrain trains on
      "calendar": true }                       also replay a calendar with as many retrains
  }
  Row windows: window start/end are 0-based row offsets in the file (end exclusive), starting after
  the reference rows; each window is cut into 24 hourly batches (a synthetic day). Time windows: the
  batch is the UTC hour of the timestamp (ISO date/date-time, no offset = UTC, or epoch seconds from
  100,000,000 = 1973 on; smaller numbers are refused as not a time); times must lie from 0001-01-01
  to before 9999-12-01 (what dt=YYYY-MM-DD partitions hold): a row outside is refused by its number;
  windows are aligned to UTC midnight of the first day; windows without rows are left out.

Output:
  text   one line per window: range, rows, status, top drifted features with PSI, key metric and
         its status, alerts raised; then the alerts and a summary
  json   {"windows": [{"index", "start", "end", "rows", "status", "features": [{"name", "status",
         "psi", "impact", ...}], "metrics": {...}, ...}], "alerts": [{"window", "severity", "kind",
         "feature"?, "metric"?, "message"}], "driftBands": {...}, "calibration": {...}, "summary": {...}}
  html   one self-contained file: drift and performance charts with alerts marked, the timeline,
         the alerts and a PSI heat map per feature and window

Exit codes:
  0  the backtest ran (whatever it found; it is a report)
  1  with --fail-on: an alert of that severity or worse would have fired
  2  usage, config or input error (the message names the file and the config path)

Examples:
  driftwatch backtest --data bank.csv --config backtest.json --format html --out bank.html
  driftwatch backtest --data history.parquet --config config/example.ts --model fraud_detector \\
    --reference-rows 50000 --window-rows 10000 --fail-on critical
`;
