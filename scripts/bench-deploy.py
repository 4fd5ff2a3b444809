#!/usr/bin/env python3
"""What a deploy costs at archive scale: `dateline deploy` against a local S3 (moto).

For each size (default 100,000 generated articles, scripts/gen-archive.py), the dateline
site is built with its build cache, a moto server (`pip install "moto[server]"`) is started
on this machine with a bucket, and:

  first deploy      the whole output folder into the empty bucket
  1 added           one new newest article (as scripts/bench-publish.py adds it), built,
                    then deployed: dateline compares the build's record with the manifest
                    of the last deploy (no listing, no file read but those sent)
  list and hash     another new article, deployed with `--full`: the bucket listed and
                    every file read and compared by MD5, as `hugo deploy` does each time
  aws s3 sync       another new article, deployed by `aws s3 sync --delete` (if `aws` is
                    on PATH; `pip install awscli`): the bucket listed, every file's size
                    and time compared

Each row gives the wall time, the requests made, the files sent and deleted and the bytes
sent. The store is on this machine, so the times are dateline's and the store's own work,
without a network's latency: on a real link each request costs tens of milliseconds more,
which is what sending 40 files instead of 140,000 saves.

Usage: scripts/bench-deploy.py [--sizes 100000] [--work DIR] [--out DIR]
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

from importlib import import_module  # noqa: E402

bench = import_module("bench-archive")
publish = import_module("bench-publish")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto():
    port = free_port()
    moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    return moto, f"http://127.0.0.1:{port}"


def make_bucket(endpoint, name):
    host, port = endpoint[len("http://"):].split(":")
    with socket.create_connection((host, int(port))) as s:
        s.sendall(f"PUT /{name} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode())
        assert s.recv(100).startswith(b"HTTP/1.1 200")


ENV = dict(os.environ, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1")


def deploy(dateline, site, out, endpoint, bucket, *more):
    """Runs a verbose deploy; returns (wall, files sent, deleted, bytes, requests)."""
    t = time.perf_counter()
    run = subprocess.run([dateline, "deploy", "-v", "-s", site, "-o", out, "--to", f"s3://{bucket}",
                          "--endpoint", endpoint, *more], env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if run.returncode != 0:
        sys.exit(f"deploy failed:\n{run.stderr[-3000:]}")
    line = next(l for l in run.stdout.splitlines() if l.startswith("Deployed "))
    sent = int(re.search(r"Deployed ([\d,]+) file", line).group(1).replace(",", ""))
    deleted = int(re.search(r"deleted ([\d,]+)", line).group(1).replace(",", ""))
    size = re.search(r"\(([^)]*)\)", line).group(1)
    requests = int(re.search(r"^([\d,]+) requests?", run.stdout, re.M).group(1).replace(",", ""))
    return wall, sent, deleted, size, requests


def aws_sync(out, endpoint, bucket, objects):
    """`aws s3 sync --delete` (size and time compared): (wall, sent, deleted, requests) or None.
    Requests: its listing of the bucket (1,000 keys a page) and one a file sent or deleted."""
    aws = shutil.which("aws")
    if not aws:
        return None
    t = time.perf_counter()
    run = subprocess.run([aws, "s3", "sync", out, f"s3://{bucket}", "--delete", "--no-progress",
                          "--endpoint-url", endpoint], env=ENV, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if run.returncode != 0:
        sys.exit(f"aws s3 sync failed:\n{run.stderr[-3000:]}")
    sent = sum(1 for l in run.stdout.splitlines() if l.startswith("upload:"))
    deleted = sum(1 for l in run.stdout.splitlines() if l.startswith("delete:"))
    return wall, sent, deleted, objects // 1000 + 1 + sent + deleted


def build(dateline, site, out):
    return bench.timed([dateline, "build", "-q", "-s", site, "-o", out])


def count_files(out):
    n = size = 0
    for root, _, names in os.walk(out):
        for x in names:
            n += 1
            size += os.path.getsize(os.path.join(root, x))
    return n, size


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "bench-archive"))
    ap.add_argument("--out", help="where builds write (default: inside --work)")
    a = ap.parse_args()
    if not shutil.which("moto_server"):
        sys.exit('moto_server not found: pip install "moto[server]"')
    bench.sh(["cargo", "build", "--release", "--quiet", "--bin", "dateline"], cwd=ROOT)
    dateline = os.path.join(ROOT, "target", "release", "dateline")
    print(f"machine: {os.cpu_count()} cores; store: moto on this machine; output on {a.out or a.work}")
    for size in [int(s) for s in a.sizes.split(",")]:
        base = os.path.join(a.work, str(size))
        site = os.path.join(base, "dateline")
        if not os.path.isdir(os.path.join(site, "content")):
            print(f"generating {size:,} articles …", flush=True)
            bench.sh([sys.executable, os.path.join(ROOT, "scripts", "gen-archive.py"),
                      "--count", str(size), "--format", "dateline", "--out", site])
        out = os.path.join(a.out or os.path.join(a.work, "out"), f"deploy-{size}")
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(os.path.join(site, ".dateline"), ignore_errors=True)
        shutil.rmtree(os.path.join(site, "content", "bench-additions"), ignore_errors=True)
        if os.path.exists(os.path.join(site, "urls.lock")):
            os.remove(os.path.join(site, "urls.lock"))
        newest = publish.newest_source(site)
        build(dateline, site, out)
        files, total = count_files(out)
        moto, endpoint = start_moto()
        rows = []
        try:
            make_bucket(endpoint, "archive")
            rows.append(("first deploy", *deploy(dateline, site, out, endpoint, "archive")))
            publish.add_article(site, newest, 0)
            build(dateline, site, out)
            rows.append(("1 added: dateline deploy", *deploy(dateline, site, out, endpoint, "archive")))
            publish.add_article(site, newest, 1)
            build(dateline, site, out)
            rows.append(("1 added: list and hash (--full)",
                         *deploy(dateline, site, out, endpoint, "archive", "--full")))
            publish.add_article(site, newest, 2)
            build(dateline, site, out)
            synced = aws_sync(out, endpoint, "archive", files)
            if synced is not None:
                wall, sent, deleted, requests = synced
                rows.append(("1 added: aws s3 sync --delete", wall, sent, deleted, "", requests))
        finally:
            moto.terminate()
            moto.wait()
            shutil.rmtree(os.path.join(site, "content", "bench-additions"), ignore_errors=True)
        print(f"\n{size:,} articles: {files:,} files, {total / 1e9:.2f} GB in the output folder")
        print("| deploy | wall s | requests | files sent | deleted | bytes sent |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, wall, sent, deleted, size_text, requests in rows:
            cell = lambda v: "" if v is None else f"{v:,}" if isinstance(v, int) else v
            print(f"| {name} | {wall:.2f} | {cell(requests)} | {cell(sent)} | {cell(deleted)} | {cell(size_text)} |")


if __name__ == "__main__":
    main()
