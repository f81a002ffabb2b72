#!/usr/bin/env python3
"""river's own ADWIN on the streams it is given: the reference for Driftwatch's port (lambda/core/adwin).

Reads {"cases": [{"name", "params": {delta, clock, ...} (river's names), "stream": [numbers]}]} on stdin and
prints {"river": version, "cases": [{"name", "detections": [indices], "final": {width, total, variance,
estimation, n_detections, drift_detected}}]}: the positions where `drift_detected` turned true after
`update`, and the detector's statistics after the last value.
"""
import json
import sys

import river
from river.drift import ADWIN


def run(case):
    adwin = ADWIN(**case["params"])
    found = []
    for i, x in enumerate(case["stream"]):
        adwin.update(x)
        if adwin.drift_detected:
            found.append(i)
    return {
        "name": case["name"],
        "detections": found,
        "final": {
            "width": adwin.width,
            "total": adwin.total,
            "variance": adwin.variance,
            "estimation": adwin.estimation,
            "n_detections": adwin.n_detections,
            "drift_detected": adwin.drift_detected,
        },
    }


def main():
    request = json.load(sys.stdin)
    json.dump({"river": river.__version__, "cases": [run(c) for c in request["cases"]]}, sys.stdout)


if __name__ == "__main__":
    main()
