#!/usr/bin/env python3
"""Peers for `npm run bench`, run in .venv-peers: Evidently's and NannyML's own drift reports on the same two CSV
files as `driftwatch compare`, with their defaults.

Usage: peers_bench.py evidently|nannyml REFERENCE.csv CURRENT.csv OUT.json
       peers_bench.py evidently-daily REFERENCE.csv DATA.csv OUT.json CONFIG.json   (for `npm run bench:backtest`)

- evidently: Report([DataDriftPreset()]) (its per-column test choice, dataset drift at a 0.5 share), the column
  kinds as pandas reads them (number columns numerical, the rest categorical).
- nannyml: UnivariateDriftCalculator with its default methods, fitted on the reference, the current file as one
  chunk (chunk_size = its rows).
- evidently-daily: the backtest a team would write with Evidently: the data's rows grouped by UTC day of the
  config's window column (as test/bench/backtest_peer.py does), and Report([DataDriftPreset()]) run per day
  against the reference, the config's feature kinds as its DataDefinition.
OUT gets the per-column scores the tool reported (per day for evidently-daily).
"""
import json
import os
import sys
import warnings

os.environ.setdefault("NML_DISABLE_USAGE_LOGGING", "1")
warnings.filterwarnings("ignore")

import pandas as pd  # noqa: E402

MISSING = ["", "NA", "NaN", "null"]


def read(path):
    return pd.read_csv(path, na_values=MISSING, keep_default_na=False)


def evidently_report(reference, current):
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    numeric = [c for c in reference.columns if pd.api.types.is_numeric_dtype(reference[c])]
    categorical = [c for c in reference.columns if c not in numeric]
    definition = DataDefinition(numerical_columns=numeric, categorical_columns=categorical)
    snapshot = Report([DataDriftPreset()]).run(
        current_data=Dataset.from_pandas(current, data_definition=definition),
        reference_data=Dataset.from_pandas(reference, data_definition=definition),
    ).dict()
    return [{"metric": m["metric_name"], "value": m["value"]} for m in snapshot["metrics"]]


def nannyml_report(reference, current):
    import nannyml as nml

    numeric = [c for c in reference.columns if pd.api.types.is_numeric_dtype(reference[c])]
    categorical = [c for c in reference.columns if c not in numeric]
    calc = nml.UnivariateDriftCalculator(
        column_names=list(reference.columns), treat_as_numerical=numeric, treat_as_categorical=categorical, chunk_size=len(current)
    )
    calc.fit(reference)
    table = calc.calculate(current).filter(period="analysis").to_df()
    row = table.iloc[0]
    return [{"column": c, "jensen_shannon": float(row[(c, "jensen_shannon", "value")]), "alert": bool(row[(c, "jensen_shannon", "alert")])} for c in reference.columns]


def evidently_daily(reference, data, config):
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    features = config["features"]
    numeric = [f["name"] for f in features if f["kind"] == "numeric"]
    categorical = [f["name"] for f in features if f["kind"] == "categorical"]
    names = numeric + categorical
    definition = DataDefinition(numerical_columns=numeric, categorical_columns=categorical)
    ref = Dataset.from_pandas(reference[names], data_definition=definition)
    day = pd.to_datetime(data[config["window"]["column"]], utc=True).dt.floor("D")
    windows = []
    for start, window in data.groupby(day, sort=True):
        cur = Dataset.from_pandas(window[names].reset_index(drop=True), data_definition=definition)
        snapshot = Report([DataDriftPreset()]).run(current_data=cur, reference_data=ref).dict()
        windows.append({"start": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "rows": int(len(window)),
                        "metrics": [{"metric": m["metric_name"], "value": m["value"]} for m in snapshot["metrics"]]})
    return windows


def main():
    tool, reference_path, current_path, out_path = sys.argv[1:5]
    reference, current = read(reference_path), read(current_path)
    if tool == "evidently-daily":
        with open(sys.argv[5]) as f:
            result = evidently_daily(reference, current, json.load(f))
    else:
        result = evidently_report(reference, current) if tool == "evidently" else nannyml_report(reference, current)
    with open(out_path, "w") as out:
        json.dump({"tool": tool, "result": result}, out, indent=2, default=float)


if __name__ == "__main__":
    main()
