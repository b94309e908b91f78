#!/usr/bin/env python3
"""CPU time per thread kind of a running JMH fork, from /proc: every native thread counts, JIT compiler and
GC threads included (ThreadMXBean and JFR's execution samples do not see them). Waits for the fork (the
process whose command line holds ForkedMain), sleeps DELAY seconds (past the warm-up), then measures WINDOW
seconds and prints CPU seconds and shares per thread name with its trailing number removed.

usage: python3 bench/tools/thread_cpu.py DELAY WINDOW &   # then start ./pixelflow bench ...
"""
import collections
import os
import re
import sys
import time


def snapshot(pid):
    """tid -> (thread name, utime + stime in clock ticks)."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            stat = open(f"/proc/{pid}/task/{tid}/stat").read()
        except OSError:
            continue  # the thread ended
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        out[tid] = (name, int(fields[11]) + int(fields[12]))
    return out


def find_fork():
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if "ForkedMain" in open(f"/proc/{p}/cmdline").read():
                    return p
            except OSError:
                pass
    return None


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    delay, window = float(sys.argv[1]), float(sys.argv[2])
    pid = find_fork()
    while pid is None:
        time.sleep(0.5)
        pid = find_fork()
    time.sleep(delay)
    before, t0 = snapshot(pid), time.time()
    time.sleep(window)
    after, t1 = snapshot(pid), time.time()
    hz = os.sysconf("SC_CLK_TCK")
    per_kind = collections.Counter()
    for tid, (name, ticks) in after.items():
        per_kind[re.sub(r"[-#]?\d+$", "", name)] += ticks - before.get(tid, (name, 0))[1]
    total = sum(per_kind.values())
    print(f"pid {pid}: {t1 - t0:.1f} s window, {total / hz:.2f} s of CPU")
    for kind, ticks in per_kind.most_common(12):
        print(f"{ticks / hz:8.2f} s {100 * ticks / max(total, 1):5.1f}%  {kind}")


if __name__ == "__main__":
    main()
