#!/usr/bin/env python3
"""Turns JMH JSON result files into a Markdown table of medians (over every measured iteration of every
fork), interquartile ranges and GFLOP/s, so RESULTS.md quotes medians rather than means on a noisy machine.

usage: python3 bench/tools/jmh_table.py bench/results/jmh-*.json
"""
import json
import statistics
import sys

UNIT_TO_SECONDS = {"ns/op": 1e-9, "us/op": 1e-6, "ms/op": 1e-3, "s/op": 1.0}


def flops(bench, params):
    """Floating-point operations of one benchmark invocation, when the benchmark's shape says so."""
    name = bench.rsplit(".", 2)[-2] if "." in bench else bench
    method = bench.rsplit(".", 1)[-1]
    shape = params.get("shape", "")
    if name == "GemmBenchmark" and shape:
        m, k, n = (int(v) for v in shape.split("x"))
        return 2.0 * m * n * k
    if name == "ConvBenchmark" and shape:
        cin, cout, size = (int(v) for v in shape.split("x"))
        batch = int(params.get("batch", 16))
        macs = batch * cout * size * size * cin * 9
        # forward: one conv; backward: grad input + grad weight (the bias sum is negligible).
        return 2.0 * macs * (2 if "backward" in method.lower() and "data" not in method.lower()
                             and "weight" not in method.lower() else 1)
    return None


def quartiles(xs):
    xs = sorted(xs)
    if len(xs) < 4:
        return xs[0], xs[-1]
    q = statistics.quantiles(xs, n=4)
    return q[0], q[2]


def samples(r):
    """Every measured iteration of every fork of one JMH result."""
    return [v for fork in r["primaryMetric"]["rawData"] for v in fork]


def main(paths):
    rows = []
    for path in paths:
        with open(path) as f:
            for r in json.load(f):
                raw = samples(r)
                unit = r["primaryMetric"]["scoreUnit"]
                scale = UNIT_TO_SECONDS.get(unit)
                med = statistics.median(raw)
                lo, hi = quartiles(raw)
                params = r.get("params", {})
                fl = flops(r["benchmark"], params)
                gf = (fl / (med * scale) / 1e9) if (fl and scale) else None
                rows.append((r["benchmark"].replace("dev.pixelflow.bench.", ""),
                             ", ".join(f"{k}={v}" for k, v in sorted(params.items())),
                             med, lo, hi, unit, gf, len(raw)))
    print("| benchmark | params | median | IQR | unit | GFLOP/s | n |")
    print("|---|---|---:|---|---|---:|---:|")
    for b, p, med, lo, hi, unit, gf, n in rows:
        print(f"| {b} | {p} | {med:.3f} | {lo:.3f}-{hi:.3f} | {unit} | {'' if gf is None else f'{gf:.1f}'} | {n} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
