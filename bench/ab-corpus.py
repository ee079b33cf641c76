#!/usr/bin/env python3
"""Before/after: two hublint binaries on the 2i2c corpus (as bench/check-corpus.sh runs it),
interleaved so that machine load hits both alike; median CPU (user+sys) and wall ms.

    python3 bench/ab-corpus.py BEFORE_BIN AFTER_BIN [RUNS]
"""
import os
import resource
import statistics
import subprocess
import sys
import time

before, after = sys.argv[1], sys.argv[2]
runs = int(sys.argv[3]) if len(sys.argv) > 3 else 21
corpus = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared",
                      "corpus", "2i2c-infrastructure")
cpu = {before: [], after: []}
wall = {before: [], after: []}
for _ in range(runs):
    for binary in (before, after):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([binary, "check", corpus, "--exclude", "history/**", "-q"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        t1 = time.perf_counter()
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu[binary].append((r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime) * 1000)
        wall[binary].append((t1 - t0) * 1000)
for label, d in (("CPU ms (user+sys)", cpu), ("wall ms", wall)):
    b, a = statistics.median(d[before]), statistics.median(d[after])
    print(f"{label:18} before {b:8.1f}   after {a:8.1f}   {(a / b - 1) * 100:+.1f}%")
print(f"median of {runs} interleaved runs; load {' '.join(open('/proc/loadavg').read().split()[:3])}")
