#!/usr/bin/env python3
"""What a search downloads: serves a built site (OUT, built for base_url's path "/"), opens
its search page in headless Chromium for each query, and adds up the bytes of the files
the page fetched, by kind: the engine (Pagefind's script, worker and WebAssembly, the
page's own script), the index (each year's entry and metadata, the index chunks and
filters the query needs) and the fragments of the results shown.

Usage: scripts/bench-search.py OUT [--query WORDS]... [--chromium PATH]
e.g.   scripts/bench-search.py /dev/shm/bench/100000 --query harbour --query "harbour budget"

Each query runs in a fresh browser profile (nothing cached); a run whose page was printed
before its result count was shown is taken again.
"""
import argparse
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ENGINE = ("pagefind.js", "pagefind-worker.js", ".pagefind", "search.js")


class Log(http.server.SimpleHTTPRequestHandler):
    fetched = []

    def log_message(self, *args):
        pass

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if os.path.isfile(path):
            Log.fetched.append((time.monotonic(), urllib.parse.urlsplit(self.path).path, os.path.getsize(path)))
        return super().send_head()


def kind(path):
    name = path.rsplit("/", 1)[-1]
    if "/search/index/" not in path:
        return "engine" if name == "search.js" else "page"
    if name.endswith(ENGINE) or name.endswith(".pagefind"):
        return "engine"
    if "/fragment/" in path:
        return "fragments"
    return "index"


def measure(chromium, port, query):
    Log.fetched = []
    profile = tempfile.mkdtemp()
    url = f"http://127.0.0.1:{port}/search/?q={urllib.parse.quote(query)}"
    # --dump-dom prints the page once the budget of virtual time is spent; the network is
    # real, so the budget is long, and the log of fetches tells when they stopped.
    run = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update", "--disable-sync",
                          f"--user-data-dir={profile}", "--virtual-time-budget=60000", "--dump-dom", url],
                         capture_output=True, text=True, timeout=300)
    shutil.rmtree(profile, ignore_errors=True)
    dom = run.stdout
    count = ""
    marker = 'class="search-count">'
    if marker in dom:
        count = dom.split(marker, 1)[1].split("<", 1)[0]
    totals = {}
    files = {}
    for _, path, size in Log.fetched:
        k = kind(path)
        totals[k] = totals.get(k, 0) + size
        files[k] = files.get(k, 0) + 1
    return count, totals, files


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--query", action="append")
    ap.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    a = ap.parse_args()
    if not a.chromium:
        sys.exit("no Chromium found (Debian: apt-get install chromium)")
    queries = a.query or ["harbour", "harbour budget"]
    handler = lambda *args, **kw: Log(*args, directory=a.out, **kw)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    print("| query | results | index KB (files) | fragments KB (files) | engine KB (files) |")
    print("|---|---|---:|---:|---:|")
    for q in queries:
        # Headless Chromium sometimes prints the page before the search is done (its
        # virtual time runs out while the worker waits): such a run is taken again.
        for _ in range(5):
            count, totals, files = measure(a.chromium, port, q)
            if count:
                break
        cell = lambda k: f"{totals.get(k, 0) / 1024:.0f} ({files.get(k, 0)})"  # noqa: E731
        print(f"| {q} | {count} | {cell('index')} | {cell('fragments')} | {cell('engine')} |", flush=True)
    server.shutdown()


if __name__ == "__main__":
    main()
