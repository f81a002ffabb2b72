#!/usr/bin/env python3
"""Peer for `npm run bench`: the same per-column drift statistics as `driftwatch compare`, computed
the way Evidently does per column (pandas to read, numpy/scipy per column).

Usage: compare_peer.py REFERENCE.csv CURRENT.csv OUT.json [DELIMITER]

Per numeric column: PSI on 10 bins at the reference quantiles (np.quantile, linear; de-duplicated;
a value goes to the bin numbered by how many edges are <= it; zero proportions become 1e-4),
Jensen-Shannon distance (base 2) on the same bins, ks_2samp, wasserstein_distance divided by
max(population std of the reference, 0.001). Per categorical column: PSI and Jensen-Shannon on one
bin per reference category plus one for unseen categories, chi2_contingency(correction=False) on
the union of categories. Missing values are dropped before every test.
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


def numeric(ref, cur):
    r = ref.dropna().to_numpy(dtype=float)
    c = cur.dropna().to_numpy(dtype=float)
    edges = np.unique(np.quantile(r, np.arange(1, BINS) / BINS))
    ref_counts = np.bincount(np.searchsorted(edges, r, side="right"), minlength=len(edges) + 1)
    cur_counts = np.bincount(np.searchsorted(edges, c, side="right"), minlength=len(edges) + 1)
    ks = ks_2samp(r, c)
    return {
        "kind": "numeric",
        "psi": psi(ref_counts, cur_counts),
        "jensenShannon": float(jensenshannon(ref_counts, cur_counts, base=2)),
        "ks": {"statistic": float(ks.statistic), "pValue": float(ks.pvalue)},
        "wasserstein": float(wasserstein_distance(r, c) / max(np.std(r), 0.001)),
    }


def categorical(ref, cur):
    r = ref.dropna().astype(str).value_counts()
    c = cur.dropna().astype(str).value_counts()
    categories = list(r.index)
    ref_bins = np.append(r.to_numpy(dtype=float), 0.0)
    cur_bins = np.append(c.reindex(categories, fill_value=0).to_numpy(dtype=float), float(c[~c.index.isin(categories)].sum()))
    union = r.index.union(c.index)
    table = np.vstack([r.reindex(union, fill_value=0).to_numpy(), c.reindex(union, fill_value=0).to_numpy()])
    statistic, p_value, dof, _ = chi2_contingency(table, correction=False)
    return {
        "kind": "categorical",
        "psi": psi(ref_bins, cur_bins),
        "jensenShannon": float(jensenshannon(ref_bins, cur_bins, base=2)),
        "chiSquared": {"statistic": float(statistic), "pValue": float(p_value), "dof": int(dof)},
    }


def main():
    reference_path, current_path, out_path = sys.argv[1:4]
    delimiter = sys.argv[4] if len(sys.argv) > 4 else ","
    read = lambda path: pd.read_csv(path, sep=delimiter, na_values=MISSING, keep_default_na=False)
    reference = read(reference_path)
    current = read(current_path)
    features = []
    for name in reference.columns:
        if name not in current.columns:
            continue
        ref, cur = reference[name], current[name]
        both_numeric = pd.api.types.is_numeric_dtype(ref) and pd.api.types.is_numeric_dtype(cur)
        result = numeric(ref, cur) if both_numeric else categorical(ref, cur)
        result["name"] = name
        features.append(result)
    with open(out_path, "w") as out:
        json.dump({"features": features}, out, indent=2)


if __name__ == "__main__":
    main()
