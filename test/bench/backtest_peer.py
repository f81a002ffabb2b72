#!/usr/bin/env python3
"""Peer for `npm run bench:backtest`: the per-window drift statistics of `driftwatch backtest`,
computed the way a team would write a daily backtest with pandas + scipy: read both CSVs, floor the
timestamp to the UTC day, `groupby` the day, and for every day and every feature compare the window
with the reference.

Usage: backtest_peer.py REFERENCE.csv DATA.csv CONFIG.json OUT.json

CONFIG.json is the backtest config (`features` with `name` and `kind`, `window.column`). Per numeric
feature: PSI on 10 bins at the reference quantiles (np.quantile, linear; de-duplicated; a value goes
to the bin numbered by how many edges are <= it; zero proportions become 1e-4), Jensen-Shannon
distance (base 2) on the same bins, ks_2samp, wasserstein_distance / max(population std of the
reference, 0.001). Per categorical feature: PSI and Jensen-Shannon on one bin per reference category
plus one for unseen categories, chi2_contingency(correction=False) on the union of categories.
Missing values are dropped before every test; the missing rate is reported.
"""
import json
import sys

import numpy as np
import pandas as pd
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2_contingency, ks_2samp, wasserstein_distance

BINS = 10
EPSILON = 1e-4
MISSING = ["", "NA", "NaN", "null"]


def psi(ref_counts, cur_counts):
    p = ref_counts / ref_counts.sum()
    q = cur_counts / cur_counts.sum()
    p = np.where(p == 0, EPSILON, p)
    q = np.where(q == 0, EPSILON, q)
    return float(np.sum((q - p) * np.log(q / p)))


def fit_numeric(ref):
    r = ref.dropna().to_numpy(dtype=float)
    edges = np.unique(np.quantile(r, np.arange(1, BINS) / BINS))
    counts = np.bincount(np.searchsorted(edges, r, side="right"), minlength=len(edges) + 1)
    return {"values": r, "edges": edges, "counts": counts, "scale": max(np.std(r), 0.001)}


def numeric(fitted, cur):
    c = cur.dropna().to_numpy(dtype=float)
    counts = np.bincount(np.searchsorted(fitted["edges"], c, side="right"), minlength=len(fitted["edges"]) + 1)
    ks = ks_2samp(fitted["values"], c)
    return {
        "psi": psi(fitted["counts"], counts),
        "jensenShannon": float(jensenshannon(fitted["counts"], counts, base=2)),
        "ks": {"statistic": float(ks.statistic), "pValue": float(ks.pvalue)},
        "wasserstein": float(wasserstein_distance(fitted["values"], c) / fitted["scale"]),
    }


def fit_categorical(ref):
    counts = ref.dropna().astype(str).value_counts()
    return {"counts": counts, "bins": np.append(counts.to_numpy(dtype=float), 0.0)}


def categorical(fitted, cur):
    r = fitted["counts"]
    c = cur.dropna().astype(str).value_counts()
    categories = r.index
    cur_bins = np.append(c.reindex(categories, fill_value=0).to_numpy(dtype=float), float(c[~c.index.isin(categories)].sum()))
    union = r.index.union(c.index)
    table = np.vstack([r.reindex(union, fill_value=0).to_numpy(), c.reindex(union, fill_value=0).to_numpy()])
    statistic, p_value, dof, _ = chi2_contingency(table, correction=False)
    return {
        "psi": psi(fitted["bins"], cur_bins),
        "jensenShannon": float(jensenshannon(fitted["bins"], cur_bins, base=2)),
        "chiSquared": {"statistic": float(statistic), "pValue": float(p_value), "dof": int(dof)},
    }


def main():
    reference_path, data_path, config_path, out_path = sys.argv[1:5]
    with open(config_path) as f:
        config = json.load(f)
    time_column = config["window"]["column"]
    features = config["features"]
    read = lambda path: pd.read_csv(path, na_values=MISSING, keep_default_na=False)
    reference = read(reference_path)
    data = read(data_path)

    fitted = {}
    for feature in features:
        ref = reference[feature["name"]]
        fitted[feature["name"]] = fit_numeric(ref) if feature["kind"] == "numeric" else fit_categorical(ref)

    data["_day"] = pd.to_datetime(data[time_column], utc=True).dt.floor("D")
    windows = []
    for day, window in data.groupby("_day", sort=True):
        results = []
        for feature in features:
            name = feature["name"]
            cur = window[name]
            result = numeric(fitted[name], cur) if feature["kind"] == "numeric" else categorical(fitted[name], cur)
            result["name"] = name
            result["missingRate"] = float(cur.isna().mean())
            results.append(result)
        windows.append({"start": day.strftime("%Y-%m-%dT%H:%M:%SZ"), "rows": int(len(window)), "features": results})
    with open(out_path, "w") as out:
        json.dump({"windows": windows}, out)


if __name__ == "__main__":
    main()
