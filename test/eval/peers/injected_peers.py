#!/usr/bin/env python3
"""The real peers on the windows of `npm run eval -- --injected` (test/eval/injected.ts): every Evidently and
NannyML figure of the injected-drift benchmark comes from this script, run in the same run, on the rows
Driftwatch's backtest saw. One process call takes every seed of a dataset.

Usage: injected_peers.py REQUEST.json   (prints the answer as JSON on stdout)

REQUEST: {"features": [{"name", "kind": "numeric" | "categorical"}],
          "runs": [{"columns": {name: {"values": [number | null]} | {"dictionary": [str], "codes": [int, -1 = missing]}},
                    "reference": [start, end], "windows": [[start, end], ...],   (row offsets, end exclusive)
                    "check": [window index, ...]}]}

- Evidently 0.7.23, DataDriftPreset's own decision computed without its rendering: for every column, exactly
  what its ValueDrift calculation runs (evidently.metrics.column_statistics.ValueDriftCalculation ->
  legacy get_one_column_drift): infinities to NaN and NaN dropped on both sides, the test Evidently picks
  (get_stattest with no method given: KS / chi-squared / Z at p 0.05 for a reference of at most 1,000 rows,
  else normalised Wasserstein / Jensen-Shannon at 0.1) called with the default threshold; the window alarms
  when the share of drifted columns is at least DataDriftPreset's drift_share (0.5). What the preset adds on
  top is plotting (histograms, correlations, plotly widgets), 35-140 s a dataset here. For the windows in
  "check", the full Report([DataDriftPreset()]) runs as well and must give the same method, the same score
  (exactly), the same decision per column and the same share, or the script stops.
- NannyML 0.13.1: UnivariateDriftCalculator with its default methods (Jensen-Shannon for both kinds) and
  thresholds (mean + 3 sigma of the reference chunks), chunks of the window size, fitted on the reference; the
  analysis chunks must be the given windows. A window alarms when any column alerts.
"""
import json
import os
import sys
import time
import warnings

os.environ.setdefault("NML_DISABLE_USAGE_LOGGING", "1")
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import evidently  # noqa: E402
import nannyml as nml  # noqa: E402
from evidently import DataDefinition, Dataset, Report  # noqa: E402
from evidently.legacy.calculations.stattests.registry import get_stattest  # noqa: E402
from evidently.legacy.core import ColumnType  # noqa: E402
from evidently.presets import DataDriftPreset  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from eval_peers import frame, nannyml_windows  # noqa: E402

DRIFT_SHARE = DataDriftPreset().drift_share  # 0.5, the preset's default


def clean(series):
    return series.replace([-np.inf, np.inf], np.nan).dropna()


def evidently_fast(ref_clean, cur, features):
    """Per column, the test DataDriftPreset's ValueDrift would run, without the rendering."""
    columns = []
    for f in features:
        kind = ColumnType.Numerical if f["kind"] == "numeric" else ColumnType.Categorical
        r, c = ref_clean[f["name"]], clean(cur[f["name"]])
        if c.empty:
            raise SystemExit(f"column {f['name']}: empty current window (Evidently refuses it)")
        test = get_stattest(r, c, kind, None)
        result = test(r, c, kind, None)
        columns.append({"name": f["name"], "method": test.display_name, "score": float(result.drift_score), "drifted": bool(result.drifted)})
    share = sum(c["drifted"] for c in columns) / len(columns)
    return {"share": share, "drift": bool(share >= DRIFT_SHARE), "columns": columns}


def evidently_report(ref, cur, features):
    """Evidently's own Report([DataDriftPreset()]) on one window, read as eval_peers.py reads it."""
    numeric = [f["name"] for f in features if f["kind"] == "numeric"]
    categorical = [f["name"] for f in features if f["kind"] == "categorical"]
    definition = DataDefinition(numerical_columns=numeric, categorical_columns=categorical)
    snapshot = Report([DataDriftPreset()]).run(
        current_data=Dataset.from_pandas(cur, data_definition=definition),
        reference_data=Dataset.from_pandas(ref, data_definition=definition),
    ).dict()
    share, columns = None, {}
    for metric in snapshot["metrics"]:
        config = metric["config"]
        if config["type"].endswith("DriftedColumnsCount"):
            share = metric["value"]["share"]
        elif config["type"].endswith("ValueDrift"):
            columns[config["column"]] = (config["method"], metric["value"])
    return share, columns


def check_against_report(ref, cur, features, fast, where):
    share, columns = evidently_report(ref, cur, features)
    if share != fast["share"]:
        raise SystemExit(f"{where}: Evidently's Report gives a drifted share of {share}, the direct call {fast['share']}")
    for c in fast["columns"]:
        method, score = columns[c["name"]]
        if method != c["method"] or score != c["score"]:
            raise SystemExit(f"{where} column {c['name']}: Report {method} {score!r}, direct call {c['method']} {c['score']!r}")


def main():
    with open(sys.argv[1]) as f:
        request = json.load(f)
    features = request["features"]
    names = [f["name"] for f in features]
    timings = {"evidently": 0.0, "evidently report checks": 0.0, "nannyml": 0.0}
    checked = 0
    runs = []
    for r, run in enumerate(request["runs"]):
        df = frame(run)
        reference, windows = run["reference"], run["windows"]
        started = time.time()
        ref = df.iloc[reference[0]:reference[1]][names].reset_index(drop=True)
        ref_clean = {n: clean(ref[n]) for n in names}
        ev = []
        for start, end in windows:
            fast = evidently_fast(ref_clean, df.iloc[start:end][names].reset_index(drop=True), features)
            ev.append({"share": fast["share"], "drift": fast["drift"], "drifted": [c["name"] for c in fast["columns"] if c["drifted"]]})
            if len(ev) == 1:
                methods = {c["name"]: c["method"] for c in fast["columns"]}
        timings["evidently"] += time.time() - started
        started = time.time()
        for i in run.get("check", []):
            start, end = windows[i]
            cur = df.iloc[start:end][names].reset_index(drop=True)
            check_against_report(ref, cur, features, evidently_fast(ref_clean, cur, features), f"run {r} window {i}")
            checked += 1
        timings["evidently report checks"] += time.time() - started
        started = time.time()
        nm = [{"alerts": w["alerts"]} for w in nannyml_windows(df, features, reference, windows)]
        timings["nannyml"] += time.time() - started
        runs.append({"evidently": ev, "nannyml": nm, "methods": methods})
    answer = {"versions": {"evidently": evidently.__version__, "nannyml": nml.__version__}, "runs": runs, "checked": checked, "seconds": timings}
    json.dump(answer, sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main()
