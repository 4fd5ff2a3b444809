#!/usr/bin/env python3
"""What publishing one change costs: files changed and rebuild time, at archive scale.

For each size (default 10,000 and 100,000 generated articles, scripts/gen-archive.py), the
dateline site is built once with its build cache, then changed and built again, run after
run:

  1 edited   a word of one article's body changed (a different article each run, undone
             after its build)
  1 added    a new newest article: a copy of the newest source, retitled, dated a second
             after the newest article (same author, tags and section); the additions pile
             up run after run, as a newsroom's day does, and are removed at the end

Each rebuild is timed (wall, peak memory) and the files it changed in the output folder are
counted by their bytes: files made, removed, or whose bytes differ (a hard-linked copy of
the folder taken before the build keeps the old bytes). With search on and off
(`[search] enabled = false` on a copy of the site that shares its sources), and with
--baseline BIN also for another dateline binary (a build of an earlier commit).

Usage: scripts/bench-publish.py [--sizes 10000,100000] [--runs 9] [--work DIR] [--out DIR]
                                [--baseline BIN]
--out puts the output folders on another disk (a RAM disk such as /dev/shm takes the disk's
noise out; on a real disk every file written costs its creation as well).
"""
import argparse
import filecmp
import os
import re
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from importlib import import_module  # noqa: E402

bench = import_module("bench-archive")


def stats(out):
    """Path → (inode, mtime, size) of every file under `out`."""
    found = {}
    for root, _, names in os.walk(out):
        for n in names:
            p = os.path.join(root, n)
            s = os.lstat(p)
            found[os.path.relpath(p, out)] = (s.st_ino, s.st_mtime_ns, s.st_size)
    return found


def changed_files(out, build):
    """Runs `build` and counts the files of `out` it made, removed or changed the bytes of."""
    before = stats(out)
    kept = out + ".before"
    shutil.rmtree(kept, ignore_errors=True)
    subprocess.run(["cp", "-al", out, kept], check=True)
    timing = build()
    after = stats(out)
    made = [f for f in after if f not in before]
    removed = [f for f in before if f not in after]
    touched = [f for f in after if f in before and after[f] != before[f]]
    differ = [f for f in touched if not filecmp.cmp(os.path.join(out, f), os.path.join(kept, f), shallow=False)]
    shutil.rmtree(kept, ignore_errors=True)
    return timing, sorted(made + removed + differ)


def newest_source(site):
    """The source of the newest article (Markdown with a `date:` line) and its date."""
    best = None
    for root, _, names in os.walk(os.path.join(site, "content")):
        for n in names:
            if not n.endswith(".md"):
                continue
            p = os.path.join(root, n)
            with open(p, encoding="utf-8") as f:
                head = f.read(600)
            m = re.search(r"^date: *(\S+)", head, re.M)
            if m:
                from datetime import datetime
                d = datetime.fromisoformat(m.group(1))
                if best is None or d > best[1]:
                    best = (p, d)
    return best


def add_article(site, newest, i):
    """Writes article `i` of the additions: the newest source retitled, a second later each."""
    from datetime import timedelta
    path, date = newest
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"^title: .*$", f'title: "Bench Addition {i}"', text, count=1, flags=re.M)
    text = re.sub(r"^date: .*$", f"date: {(date + timedelta(seconds=i + 1)).isoformat()}", text, count=1, flags=re.M)
    text = re.sub(r"^slug: .*\n", "", text, flags=re.M)
    target = os.path.join(site, "content", "bench-additions", f"addition-{i}.md")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as f:
        f.write(text)
    return target


def measure(dateline, site, out, runs, sources, newest):
    """Edits and additions on `site` built into `out` by `dateline`: [(kind, wall, rss, files)]."""
    build = lambda: bench.timed([dateline, "build", "-q", "-s", site, "-o", out])
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(os.path.join(site, ".dateline"), ignore_errors=True)
    shutil.rmtree(os.path.join(site, "content", "bench-additions"), ignore_errors=True)
    # The record of published URLs of a throwaway site: the additions of the last run are
    # gone (a real site would have to accept their removal).
    if os.path.exists(os.path.join(site, "urls.lock")):
        os.remove(os.path.join(site, "urls.lock"))
    bench.sh([dateline, "build", "-q", "-s", site, "-o", out])
    rows = []
    for i in range(runs):
        path = sources[(i * 7919) % len(sources)]
        original = open(path, encoding="utf-8").read()
        with open(path, "w", encoding="utf-8") as f:
            f.write(re.sub(r"\bthe\b", f"the{i}", original, count=1))
        (wall, rss), files = changed_files(out, build)
        rows.append(("1 edited", wall, rss, files))
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
        bench.sh([dateline, "build", "-q", "-s", site, "-o", out])
    for i in range(runs):
        add_article(site, newest, i)
        (wall, rss), files = changed_files(out, build)
        rows.append(("1 added", wall, rss, files))
    shutil.rmtree(os.path.join(site, "content", "bench-additions"), ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "bench-archive"))
    ap.add_argument("--out", help="where builds write (default: inside --work)")
    ap.add_argument("--baseline", help="another dateline binary, measured the same way")
    ap.add_argument("--baseline-only", action="store_true", help="measure the baseline alone")
    ap.add_argument("--show", action="store_true", help="list the files an addition changed")
    a = ap.parse_args()
    bench.sh(["cargo", "build", "--release", "--quiet", "--bin", "dateline"], cwd=ROOT)
    binaries = {"dateline": os.path.join(ROOT, "target", "release", "dateline")}
    if a.baseline:
        binaries["baseline"] = a.baseline
        if a.baseline_only:
            del binaries["dateline"]
    print(f"machine: {os.cpu_count()} cores; output on {a.out or a.work}")
    for size in [int(s) for s in a.sizes.split(",")]:
        base = os.path.join(a.work, str(size))
        site = os.path.join(base, "dateline")
        if not os.path.isdir(os.path.join(site, "content")):
            print(f"generating {size:,} articles …", flush=True)
            bench.sh([sys.executable, os.path.join(ROOT, "scripts", "gen-archive.py"),
                      "--count", str(size), "--format", "dateline", "--out", site])
        plain = bench.without_search(site, os.path.join(base, "dateline-no-search"))
        sources = sorted(os.path.join(r, n) for r, _, ns in os.walk(os.path.join(site, "content"))
                         for n in ns if n.endswith(".md"))
        newest = newest_source(site)
        print(f"\n{size:,} articles ({a.runs} runs each; medians, files changed: median [max])")
        print("| binary | search | change | rebuild s | peak RSS MB | files changed |")
        print("|---|---|---|---:|---:|---:|")
        for name, binary in binaries.items():
            for search, s in (("on", site), ("off", plain)):
                out = os.path.join(a.out or os.path.join(a.work, "out"), f"publish-{size}")
                rows = measure(binary, s, out, a.runs, sources if s == site else
                               [p.replace(site, plain, 1) for p in sources],
                               (newest[0].replace(site, s, 1), newest[1]))
                for kind in ("1 edited", "1 added"):
                    mine = [r for r in rows if r[0] == kind]
                    wall = statistics.median(r[1] for r in mine)
                    rss = statistics.median(r[2] for r in mine)
                    counts = [len(r[3]) for r in mine]
                    print(f"| {name} | {search} | {kind} | {wall:.3f} | {rss:.0f} | "
                          f"{statistics.median(counts):.0f} [{max(counts)}] |", flush=True)
                    if a.show and kind == "1 added":
                        worst = max(mine, key=lambda r: len(r[3]))[3]
                        print("   " + "\n   ".join(worst[:80]))


if __name__ == "__main__":
    main()
