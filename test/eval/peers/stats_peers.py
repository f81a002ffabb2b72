#!/usr/bin/env python3
"""Evidently's and NannyML's own drift statistics on the samples they are given: the reference values for the
statistics cross-check (test/eval/stats-peers.test.ts).

Reads {"cases": [{"name", "kind": "numeric" | "categorical", "reference": [...], "current": [...]}]} on stdin
and prints, per case, what each tool's own code computes:

- evidently: the stat tests DataDriftPreset chooses from (evidently.legacy.calculations.stattests: psi,
  jensenshannon, wasserstein, ks, chisquare), called as its ValueDrift calls them, with their default
  parameters; and the bins its PSI and Jensen-Shannon use (its own get_binned_data, counts before smoothing).
- nannyml: the univariate drift methods (nannyml.drift.univariate.methods: jensen_shannon, kolmogorov_smirnov,
  wasserstein, chi2) fitted on the reference and calculated on the current sample; and the bins of its
  Jensen-Shannon (the reference's Doane edges, or its categories, plus the leftover bin).
"""
import json
import sys
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")

import evidently  # noqa: E402
import nannyml  # noqa: E402
from evidently.legacy.calculations.stattests import (  # noqa: E402
    chi_stat_test,
    jensenshannon_stat_test,
    ks_stat_test,
    psi_stat_test,
    wasserstein_stat_test,
)
from evidently.legacy.calculations.stattests.utils import get_binned_data  # noqa: E402
from evidently.legacy.core import ColumnType  # noqa: E402
from nannyml.chunk import SizeBasedChunker  # noqa: E402
from nannyml.drift.univariate.methods import (  # noqa: E402
    CategoricalJensenShannonDistance,
    Chi2Statistic,
    ContinuousJensenShannonDistance,
    KolmogorovSmirnovStatistic,
    WassersteinDistance,
)
from nannyml.thresholds import ConstantThreshold  # noqa: E402


def series(values, kind):
    if kind == "numeric":
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64", name="x")
    return pd.Series(values, dtype="object", name="x")


def evidently_side(ref, cur, kind):
    column_type = ColumnType.Numerical if kind == "numeric" else ColumnType.Categorical
    score = lambda test: float(test(ref, cur, column_type, None).drift_score)
    out = {"psi": score(psi_stat_test), "jensenshannon": score(jensenshannon_stat_test)}
    if kind == "numeric":
        out["wasserstein"] = score(wasserstein_stat_test)
        out["ks"] = score(ks_stat_test)
    else:
        out["chisquare"] = score(chi_stat_test)
    # The bins behind its PSI and Jensen-Shannon, unsmoothed, back to counts.
    r, c = get_binned_data(ref, cur, column_type, 30, feel_zeroes=False)
    out["bins"] = {
        "reference": [int(round(p * len(ref))) for p in r],
        "current": [int(round(p * len(cur))) for p in c],
        "numericSturges": bool(kind == "numeric" and ref.nunique() > 20),
    }
    return out


def nannyml_method(cls, ref, cur):
    # One reference chunk (the thresholds are not compared here), the method's own fit and calculate.
    method = cls(chunker=SizeBasedChunker(chunk_size=len(ref)), threshold=ConstantThreshold(upper=1e9))
    method.fit(ref)
    return method, float(method.calculate(cur))


def nannyml_side(ref, cur, kind):
    out = {}
    if kind == "numeric":
        js, out["jensen_shannon"] = nannyml_method(ContinuousJensenShannonDistance, ref, cur)
        _, out["kolmogorov_smirnov"] = nannyml_method(KolmogorovSmirnovStatistic, ref, cur)
        _, out["wasserstein"] = nannyml_method(WassersteinDistance, ref, cur)
        reference_counts = np.histogram(ref.dropna(), bins=js._bins)[0]
        current_counts = np.histogram(cur.dropna(), bins=js._bins)[0]
    else:
        js, out["jensen_shannon"] = nannyml_method(CategoricalJensenShannonDistance, ref, cur)
        chi2, statistic = nannyml_method(Chi2Statistic, ref, cur)
        out["chi2"] = {"statistic": statistic, "pValue": float(chi2._p_value)}
        counts = cur.dropna().value_counts()
        reference_counts = np.array([int((ref == key).sum()) for key in js._bins])
        current_counts = np.array([int(counts.get(key, 0)) for key in js._bins])
    leftover = int(cur.dropna().shape[0] - current_counts.sum())
    out["bins"] = {
        "reference": [int(x) for x in reference_counts] + ([0] if leftover > 0 else []),
        "current": [int(x) for x in current_counts] + ([leftover] if leftover > 0 else []),
    }
    return out


def run(case):
    ref = series(case["reference"], case["kind"])
    cur = series(case["current"], case["kind"])
    return {"name": case["name"], "evidently": evidently_side(ref, cur, case["kind"]), "nannyml": nannyml_side(ref, cur, case["kind"])}


def main():
    request = json.load(sys.stdin)
    cases = [run(c) for c in request["cases"]]
    json.dump({"evidently": evidently.__version__, "nannyml": nannyml.__version__, "cases": cases}, sys.stdout)


if __name__ == "__main__":
    main()
