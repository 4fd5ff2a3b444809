#!/usr/bin/env python3
"""Times `dateline serve` on a site: from saving an edited article to its rebuilt page
being written, for N edits, and prints the median. Also times a full build for comparison.

Usage: bench-serve.py [--edits 20] [--dateline target/release/dateline] SITE

The time of an edit runs from just before the source is written to the moment serve
prints its "Rebuilt …" line, which it does after the changed files are in place.
Edits change a word in the body of articles spread over the archive (their URLs stay).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import queue


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--dateline", default="target/release/dateline")
    a = ap.parse_args()

    sources = []
    for root, _, names in os.walk(os.path.join(a.site, "content")):
        for n in names:
            if n.endswith(".md") or n.endswith(".txt"):
                sources.append(os.path.join(root, n))
    sources.sort()
    if not sources:
        sys.exit("no articles under content/")
    step = max(1, len(sources) // a.edits)
    chosen = sources[::step][: a.edits]

    out = tempfile.mkdtemp(prefix="dateline-bench-")
    t = time.perf_counter()
    subprocess.run([a.dateline, "build", "-q", "-s", a.site, "-o", os.path.join(out, "public")], check=True)
    full = time.perf_counter() - t
    shutil.rmtree(out)
    print(f"full build: {full:.2f} s ({len(sources):,} articles)")

    serve = subprocess.Popen([a.dateline, "serve", "--port", "0", "-s", a.site],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put((time.perf_counter(), l.rstrip())) for l in serve.stdout], daemon=True).start()
    backups = {}
    try:
        t = time.perf_counter()
        while True:
            _, line = lines.get(timeout=600)
            if line.startswith("Serving "):
                break
        print(f"serve: first build and start {time.perf_counter() - t:.2f} s")
        time.sleep(1.0)
        while not lines.empty():
            lines.get_nowait()
        latencies = []
        for i, path in enumerate(chosen):
            original = open(path, encoding="utf-8").read()
            backups[path] = original
            edited = re.sub(r"\bthe\b", f"the{i}x", original, count=1) if " the " in original else original + f"\nEdit {i}.\n"
            t0 = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(edited)
            while True:
                at, line = lines.get(timeout=120)
                if line.startswith("Rebuilt"):
                    break
                if "error" in line:
                    print(line)
            # "1 file written", "12 files written", "1,204 files written"
            found = re.search(r"([\d,]+) files? written", line)
            written = int(found.group(1).replace(",", "")) if found else 0
            latencies.append(at - t0)
            print(f"edit {i + 1:2}: {1000 * (at - t0):7.1f} ms  ({line})")
            if written == 0:
                print("  warning: nothing was written")
            time.sleep(0.3)
        med = statistics.median(latencies)
        print(f"median save → page written: {1000 * med:.1f} ms over {len(latencies)} edits "
              f"(min {1000 * min(latencies):.1f}, max {1000 * max(latencies):.1f}); "
              f"{100 * med / full:.1f}% of the full build")
    finally:
        for path, text in backups.items():
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        serve.terminate()
        serve.wait()
        shutil.rmtree(os.path.join(a.site, ".dateline"), ignore_errors=True)


if __name__ == "__main__":
    main()
