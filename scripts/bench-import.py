#!/usr/bin/env python3
"""Benchmarks `dateline import wxr` on a generated WordPress export.

Usage: bench-import.py [--count 100000] [--runs 3] [--work /dev/shm/dateline-import]
                       [--dateline target/release/dateline]

Generates the export with scripts/gen-wxr.py (kept in WORK, made again only when missing),
then, RUNS times, imports it into a fresh site (`dateline init`) in WORK, timed with
`/usr/bin/time -f "%e %M"`: wall seconds and peak resident memory. Prints each run and the
median. Then once more into the same site, which must write nothing (idempotence), and
times that too. Put WORK on a RAM disk (/dev/shm) to measure dateline, not the disk.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(command):
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", *command], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    wall, kb = result.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kb) / 1024, result.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default="/dev/shm/dateline-import")
    parser.add_argument("--dateline", default=os.path.join(ROOT, "target", "release", "dateline"))
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    export = os.path.join(args.work, f"wxr-{args.count}.xml")
    if not os.path.exists(export):
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "gen-wxr.py"), "--count", str(args.count),
                        "--out", export + ".part"], check=True)
        os.replace(export + ".part", export)
    print(f"{export}: {os.path.getsize(export) / 1e6:.0f} MB, {args.count:,} items")
    site = os.path.join(args.work, "site")
    runs = []
    for run in range(args.runs):
        shutil.rmtree(site, ignore_errors=True)
        subprocess.run([args.dateline, "-q", "init", site], check=True)
        wall, mb, out = timed([args.dateline, "import", "wxr", export, "-s", site])
        runs.append((wall, mb))
        print(f"run {run + 1}: {wall:.2f} s, {mb:.0f} MB peak")
        if run == 0:
            print(out.strip())
    wall, mb, out = timed([args.dateline, "import", "wxr", export, "-s", site])
    print(f"again into the same site: {wall:.2f} s, {mb:.0f} MB peak; {out.strip().splitlines()[-1]}")
    print(f"median of {args.runs}: {statistics.median(w for w, _ in runs):.2f} s, "
          f"{statistics.median(m for _, m in runs):.0f} MB peak")


if __name__ == "__main__":
    main()
