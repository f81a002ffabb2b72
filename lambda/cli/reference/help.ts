/** `driftwatch reference --help`. */

export const REFERENCE_HELP = `Usage: driftwatch reference --data FILE (--config FILE | --env ENV --model ID) --out FILE [options]

Fits the reference a model is monitored against from its training data: the profile of every
feature (PSI edges, 1,000 fine quantile bins, categories), the drift bands fitted on the data's own
windows and the thresholds each feature is judged by. Writes it as driftwatch.reference/v1 JSON,
the document the monitor's Lambdas read; with --push, uploads it to the model's key in the data
bucket. The reference is fitted by the same code as the backtest's, so the two agree on thresholds.

Options:
  --data FILE          Training data: CSV, gzip-compressed CSV or Parquet (required); at
                       least 100 rows (a platform model: its monitor.minRows), since the monitor
                       judges no window against a smaller reference ("too few rows"). Read as
                       compare reads (missing values, numeric or categorical: see compare --help)
  --config FILE        features.json (below): the model's features by column name
  --env ENV            Or a platform environment: config/ENV.ts (registered in
                       config/environments.ts), validated as 'cdk synth -c env=ENV' does ...
  --model ID           ... and the model of it to fit the reference for (required with --env)
  --out FILE           Where to write the reference JSON (required; parent folders are created,
                       the file is replaced atomically; never the --data or --config file,
                       by any spelling, symbolic or hard link)
  --window-rows N      Drift bands over consecutive windows of N rows
                       (default: the data cut into 20 windows)
  --window-column COL  Drift bands over time windows of a timestamp column instead (ISO date or
                       date-time, no offset = UTC, or epoch seconds) ...
  --every SPAN         ... each SPAN long: 1h, 6h, 1d, 7d, 2w (default: with --env, the model's
                       first monitor window (monitor.windows[0].hours, 1d unless configured);
                       with --config, 1d). Use the size of the production window the reference
                       will be compared with: the bands measure how much such a window varies.
                       Time windows are cut by time, so the rows may come in any order (the same
                       reference); row windows take the rows as they come.
  --delimiter CHAR     CSV field delimiter: one character, or 'tab' (default ',')
  --missing-values L   Cells that mean "missing", comma-separated, instead of compare's default
                       list; may be repeated; '' leaves only the empty cell. What the reader
                       decided (cells counted as missing, a kind inferred from mixed values) is
                       printed as a notice on stderr, as compare prints it
  --push               Also upload it to S3 with the usual AWS credential chain (AWS_PROFILE,
                       AWS_ACCESS_KEY_ID/..., SSO, instance or container role) and region
                       (AWS_REGION or the profile's); AWS_ENDPOINT_URL(_S3) points it elsewhere
  --bucket NAME        The bucket to push to. Default with --env: the environment's data bucket,
                       driftwatch-ENV-data-ACCOUNT-REGION, the account from the credentials
                       (AWS_ACCOUNT_ID, an SSO or assumed-role profile; when they do not say,
                       pass --bucket: aws cloudformation describe-stacks --stack-name
                       Driftwatch-ENV-Data prints it as the DataBucketName output).
                       Required with --config.
  -h, --help           Show this help
  An option that takes one value may be given once (it is refused twice, naming both values).

Features:
  --config: the features named in features.json are read from the columns of those names; each
  becomes the SQL column of its name in lower case with other characters as _ (emp.var.rate ->
  emp_var_rate), as in the backtest; names such as __proto__ or constructor are names like any
  other. --env: the model's features are SQL names already and the
  data's columns must carry them (the record contract's names).

features.json:
  {
    "modelId": "fraud_detector",
    "features": {
      "amount":  { "kind": "numeric", "importance": 0.4,
                   "thresholds": { "psiWarning": 0.1, "psiCritical": 0.2 } },
      "country": { "kind": "categorical", "test": "jensen_shannon" }
    },
    "driftBands": { "enabled": true, "multiplier": 3, "warningMultiplier": 2, "minWindows": 6 }
  }
  compare's features.json (kind, importance, thresholds, test; see 'driftwatch compare --help')
  plus modelId (the model's id: lower-case letters, digits and _; needed for --push, default
  "model") and driftBands (as in backtest.json; the defaults shown). kind left out: as the data
  reads. A feature's configured thresholds are kept as given; the others rise with the bands.

Writes:
  --out FILE                                        the reference (driftwatch.reference/v1 JSON)
  With --push, to the bucket, in this order:
  monitor/<model>/reference/bins/<referenceId>.json its bins as JSON lines (reference_id, feature,
                                                    bin_set, position, edge, category), the table
                                                    Athena joins for wide models
  monitor/<model>/reference/profile.json            the reference, as in --out
  The reference id is a hash of the profile: the same data gives the same id.

Exit codes:
  0  the reference was written (and pushed)
  2  usage, config or input error (the message names the file, column and value), or an upload
     failure (naming the bucket and key; the --out file is written before the upload)

Examples:
  driftwatch reference --data train.csv --config features.json --out reference.json
  driftwatch reference --data train.parquet --env prod --model fraud_detector \\
    --window-column event_time --out build/fraud_detector.json --push
  driftwatch reference --data train.csv.gz --config features.json --window-rows 5000 \\
    --out reference.json --push --bucket driftwatch-dev-data-123456789012-eu-west-1
`;
