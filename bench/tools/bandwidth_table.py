#!/usr/bin/env python3
"""The loss and normalizer rows of bench/RESULTS.md from one JMH run and the PyTorch peer.

Joins, per op, shape and thread count: pixelflow's vector and scalar medians, MemoryTrafficBenchmark's time for
the same least traffic in the same run (the "yardstick"), the traffic's GB/s, its share of the DRAM bandwidth
(MemoryTrafficBenchmark's 768 MB case at the same thread count) and the PyTorch peer's median.

  python3 bench/tools/bandwidth_table.py JMH_JSON [--scalar JMH_JSON] [--peer PEER_JSON]
"""
import argparse
import json
import statistics

import jmh_table

DRAM_CASE = "bce:16x4x1024x1024"


def dims(shape):
    return [int(v) for v in shape.split("x")]


def least_bytes(op, shape):
    b, c, h, w = dims(shape)
    if op == "bce":  # logits, targets, gradient
        return 12 * b * c * h * w
    if op == "sce":  # C logit rows, the labels, C gradient rows
        return 4 * (2 * c + 1) * b * h * w
    return 8 * b * c * h * w  # normalizers: input and output


def jmh_medians(path):
    out = {}
    for r in json.load(open(path)):
        name = r["benchmark"].rsplit(".", 2)[-2] + "." + r["benchmark"].rsplit(".", 1)[-1]
        out[(name, tuple(sorted(r.get("params", {}).items())))] = statistics.median(jmh_table.samples(r))
    return out


def find(medians, name, **params):
    want = {k: str(v) for k, v in params.items()}
    for (n, ps), v in medians.items():
        d = dict(ps)
        if n == name and all(d.get(k) == val for k, val in want.items()):
            return v
    return None


def peer_ms(peer, op, threads):
    for r in peer["results"] if peer else []:
        if r["op"] == op and r["threads"] == threads:
            return r["ms_median"]
    return None


def fmt(v, digits=3):
    return "" if v is None else f"{v:.{digits}g}" if v < 100 else f"{v:.0f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("jmh")
    ap.add_argument("--scalar")
    ap.add_argument("--peer")
    a = ap.parse_args()
    vec = jmh_medians(a.jmh)
    sca = jmh_medians(a.scalar) if a.scalar else {}
    peer = json.load(open(a.peer)) if a.peer else None
    dram = {t: least_bytes("bce", DRAM_CASE.split(":")[1]) / find(vec, "MemoryTrafficBenchmark.move",
                                                                     traffic=DRAM_CASE, threads=t) / 1e6
            for t in (1, 2)}
    print(f"DRAM bandwidth ({DRAM_CASE}): {dram[1]:.1f} GB/s on 1 thread, {dram[2]:.1f} GB/s on 2")
    print()
    print("| op | shape | threads | vector ms | scalar ms | vector / scalar | same traffic moved, ms | % of that "
          "| GB/s | % of DRAM bandwidth | PyTorch ms | PyTorch / pixelflow |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = [("BCE with logits + grad", "bce", "BceBenchmark.forwardBackward", {}, "bce logits", sh, t)
            for sh in ("16x1x512x512", "16x3x128x128") for t in (1, 2)]
    rows += [("softmax CE + grad", "sce", "SoftmaxCrossEntropyBenchmark.forward", {}, "cross_entropy", sh, t)
             for sh in ("16x2x256x256", "16x5x128x128", "16x3x128x128") for t in (1, 2)]
    names = {"zscore": "z-score", "minmax": "min-max", "quantile": "quantile 5/95"}
    rows += [(f"{names[m]} per channel", "norm", "NormalizerBenchmark.apply", {"method": m},
              "zscore/ch" if m == "zscore" else "quantile/ch" if m == "quantile" else None, sh, 2)
             for m in ("zscore", "minmax", "quantile") for sh in ("16x1x512x512", "16x3x128x128")]
    for label, op, bench, extra, peer_op, shape, t in rows:
        params = dict(extra, shape=shape)
        if op != "norm":
            params["threads"] = t
        v = find(vec, bench, provider="vector", **params)
        if v is None:
            continue
        s = find(sca, bench, provider="scalar", **params)
        moved = find(vec, "MemoryTrafficBenchmark.move", traffic=f"{op}:{shape}", threads=t) \
            if op != "norm" else None
        gbs = least_bytes(op, shape) / v / 1e6 if "quantile" not in label else None
        p = peer_ms(peer, f"{peer_op} {shape}", t) if peer_op else None
        print(f"| {label} | {shape} | {t} | {fmt(v)} | {fmt(s)} | {'' if s is None else f'{s / v:.1f}x'} "
              f"| {fmt(moved)} | {'' if moved is None else f'{100 * moved / v:.0f}%'} "
              f"| {'' if gbs is None else f'{gbs:.1f}'} | {'' if gbs is None else f'{100 * gbs / dram[t]:.0f}%'} "
              f"| {fmt(p)} | {'' if p is None else f'{p / v:.1f}x'} |")


if __name__ == "__main__":
    main()
