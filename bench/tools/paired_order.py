#!/usr/bin/env python3
"""Splits the stream path's times of PipelineBenchmark's trainPaired/inferPaired result files by what ran just
before each stream operation: the in-memory path (the stream had been idle for one operation) or the stream
itself (the previous pair ended with it). A gap between the two medians is time the stream loses after a pause.

The pairs alternate their order starting with the in-memory path at pair 0 of the warm-up, so measured pair i
ran the in-memory path first when (warm-up pairs + i) is even; pass the -wi of the run (300 unless told).

usage: python3 bench/tools/paired_order.py [--warmup 300] bench/results/pipeline-paired-*.txt
"""
import argparse
import statistics


def values(line):
    return [float(v) for v in line.split(":", 1)[1].split()]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--warmup", type=int, default=300, help="warm-up pairs of the run (its -wi)")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    print("| file | in-memory ms | stream ms | pairs' ratio | stream after in-memory | stream after stream |")
    print("|---|---:|---:|---:|---:|---:|")
    for name in args.files:
        lines = open(name).read().splitlines()
        memory = values(next(l for l in lines if l.startswith("in memory ms")))
        stream = values(next(l for l in lines if l.startswith("stream ms")))
        ratios = [m / s for m, s in zip(memory, stream)]
        after_memory = [s for i, s in enumerate(stream) if (args.warmup + i) % 2 == 0]
        after_stream = [s for i, s in enumerate(stream) if (args.warmup + i) % 2 == 1]
        print(f"| {name.rsplit('/', 1)[-1]} | {statistics.median(memory):.1f} | {statistics.median(stream):.1f} "
              f"| {statistics.median(ratios):.3f}x | {statistics.median(after_memory):.1f} "
              f"| {statistics.median(after_stream):.1f} |")


if __name__ == "__main__":
    main()
