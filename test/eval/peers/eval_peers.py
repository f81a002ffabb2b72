#!/usr/bin/env python3
"""The real peers on the windows of `npm run eval` (test/eval/evaluate.ts): every figure they report there
comes from this script, run in the same `npm run eval`, on the rows Driftwatch's backtest saw.

Usage: eval_peers.py REQUEST.json   (prints the answer as JSON on stdout)

REQUEST: {"features": [{"name", "kind": "numeric" | "categorical"}],
          "columns": {name: {"values": [number | null]} | {"dictionary": [str], "codes": [int, -1 = missing]}},
          "reference": [start, end], "windows": [[start, end], ...]   (row offsets, end exclusive),
          "performance": null | {"proba", "pred", "label"}   (numeric 0/1 columns, in "columns")}

- Evidently: Report([DataDriftPreset()]) with its defaults (per-column test chosen by Evidently, dataset
  drift when the share of drifted columns is at least 0.5), the column kinds given as a DataDefinition,
  run once per window against the reference rows. The dataset decision is its DriftedColumnsCount share.
- NannyML: UnivariateDriftCalculator with its default methods (Jensen-Shannon for both kinds) and
  thresholds (mean + 3 sigma of the reference chunks' values), chunks of the window size (its
  SizeBasedChunker, so the reference is cut into chunks of that size as well); the analysis chunks must be
  the given windows. A window alarms when any column alerts.
- NannyML CBPE (where a label and a model's scores exist): estimated ROC AUC per chunk with its default
  thresholds, beside the realised ROC AUC from PerformanceCalculator on the same chunks.
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
from evidently.presets import DataDriftPreset  # noqa: E402

P_VALUE_METHODS = {"K-S p_value": "le", "chi-square p_value": "lt", "Z-test p_value": "lt"}


def frame(request):
    data = {}
    for name, column in request["columns"].items():
        if "values" in column:
            data[name] = np.array([np.nan if v is None else v for v in column["values"]], dtype="float64")
        else:
            dictionary = np.array(column["dictionary"] + [None], dtype=object)
            codes = np.array(column["codes"], dtype=np.int64)
            data[name] = dictionary[np.where(codes < 0, len(column["dictionary"]), codes)]
    return pd.DataFrame(data)


def evidently_windows(df, features, reference, windows):
    numeric = [f["name"] for f in features if f["kind"] == "numeric"]
    categorical = [f["name"] for f in features if f["kind"] == "categorical"]
    definition = DataDefinition(numerical_columns=numeric, categorical_columns=categorical)
    names = numeric + categorical
    ref = Dataset.from_pandas(df.iloc[reference[0]:reference[1]][names].reset_index(drop=True), data_definition=definition)
    out = []
    for start, end in windows:
        cur = Dataset.from_pandas(df.iloc[start:end][names].reset_index(drop=True), data_definition=definition)
        snapshot = Report([DataDriftPreset()]).run(current_data=cur, reference_data=ref).dict()
        share, count, columns = None, None, []
        for metric in snapshot["metrics"]:
            config = metric["config"]
            if config["type"].endswith("DriftedColumnsCount"):
                share, count = metric["value"]["share"], metric["value"]["count"]
                drift_share = config["drift_share"]
            elif config["type"].endswith("ValueDrift"):
                method, threshold, value = config["method"], config["threshold"], metric["value"]
                rule = P_VALUE_METHODS.get(method)
                drifted = (value <= threshold) if rule == "le" else (value < threshold) if rule == "lt" else (value >= threshold)
                columns.append({"name": config["column"], "method": method, "threshold": threshold, "score": value, "drifted": bool(drifted)})
        # Our reading of the per-column rule must give Evidently's own count.
        if sum(c["drifted"] for c in columns) != int(count):
            raise SystemExit(f"window {start}-{end}: per-column decisions give {sum(c['drifted'] for c in columns)} drifted columns, Evidently counts {count}")
        out.append({"share": share, "drift": bool(share >= drift_share), "columns": columns})
    return out


def check_chunks(chunks, windows, offset):
    got = [[offset + c.start_index, offset + c.end_index + 1] for c in chunks]
    if got != [list(w) for w in windows]:
        raise SystemExit(f"NannyML's chunks {got[:3]}... are not the windows {windows[:3]}...")


def nannyml_windows(df, features, reference, windows):
    size = windows[0][1] - windows[0][0]
    names = [f["name"] for f in features]
    calc = nml.UnivariateDriftCalculator(
        column_names=names,
        treat_as_numerical=[f["name"] for f in features if f["kind"] == "numeric"] or None,
        treat_as_categorical=[f["name"] for f in features if f["kind"] == "categorical"] or None,
        chunk_size=size,
    )
    ref = df.iloc[reference[0]:reference[1]][names].reset_index(drop=True)
    analysis = df.iloc[windows[0][0]:windows[-1][1]][names].reset_index(drop=True)
    calc.fit(ref)
    result = calc.calculate(analysis).filter(period="analysis")
    check_chunks(calc.chunker.split(analysis), windows, windows[0][0])
    table = result.to_df()
    out = []
    for i in range(len(windows)):
        row = table.iloc[i]
        alerts = [n for n in names if bool(row[(n, "jensen_shannon", "alert")])]
        out.append({"alerts": alerts, "values": {n: float(row[(n, "jensen_shannon", "value")]) for n in names},
                    "thresholds": {n: float(row[(n, "jensen_shannon", "upper_threshold")]) for n in names}})
    return out


def cbpe_windows(df, performance, reference, windows):
    size = windows[0][1] - windows[0][0]
    cols = [performance["proba"], performance["pred"], performance["label"]]
    ref = df.iloc[reference[0]:reference[1]][cols].reset_index(drop=True)
    analysis = df.iloc[windows[0][0]:windows[-1][1]][cols].reset_index(drop=True)
    for frame_ in (ref, analysis):
        frame_[performance["pred"]] = frame_[performance["pred"]].astype(int)
        frame_[performance["label"]] = frame_[performance["label"]].astype(int)
    common = dict(y_pred_proba=performance["proba"], y_pred=performance["pred"], y_true=performance["label"],
                  problem_type="classification_binary", metrics=["roc_auc"], chunk_size=size)
    cbpe = nml.CBPE(**common)
    cbpe.fit(ref)
    estimated = cbpe.estimate(analysis.drop(columns=[performance["label"]])).filter(period="analysis").to_df()
    check_chunks(cbpe.chunker.split(analysis), windows, windows[0][0])
    realised_calc = nml.PerformanceCalculator(**common)
    realised_calc.fit(ref)
    realised = realised_calc.calculate(analysis).filter(period="analysis").to_df()
    out = []
    for i in range(len(windows)):
        e, r = estimated.iloc[i], realised.iloc[i]
        out.append({"estimated": float(e[("roc_auc", "value")]), "estimatedAlert": bool(e[("roc_auc", "alert")]),
                    "lower": float(e[("roc_auc", "lower_threshold")]),
                    "realised": float(r[("roc_auc", "value")]), "realisedAlert": bool(r[("roc_auc", "alert")])})
    return out


def finite(value):
    """JSON has no NaN: a value a peer could not compute (NaN, an empty chunk) travels as null."""
    if isinstance(value, float):
        return value if np.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def main():
    with open(sys.argv[1]) as f:
        request = json.load(f)
    df = frame(request)
    features, reference, windows = request["features"], request["reference"], request["windows"]
    timings = {}
    started = time.time()
    ev = evidently_windows(df, features, reference, windows)
    timings["evidently"] = time.time() - started
    started = time.time()
    nm = nannyml_windows(df, features, reference, windows)
    timings["nannyml"] = time.time() - started
    perf = None
    if request.get("performance"):
        started = time.time()
        perf = cbpe_windows(df, request["performance"], reference, windows)
        timings["cbpe"] = time.time() - started
    answer = {"versions": {"evidently": evidently.__version__, "nannyml": nml.__version__},
              "evidently": ev, "nannyml": nm, "cbpe": perf, "seconds": timings}
    json.dump(finite(answer), sys.stdout, allow_nan=False)


if __name__ == "__main__":
    main()
