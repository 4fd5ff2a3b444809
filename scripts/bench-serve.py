#!/usr/bin/env python3
"""Times `dateline serve` as a reader sees it (issue 22): from saving an article to the
served page's bytes showing the edit, for N edits spread over the archive.

Usage: bench-serve.py [--edits 20] [--dateline PATH] [--timeout 30] [--poll-ms 2]
                      [--settle-ms 300] [--jobs N] [--no-full-build] [--json FILE] SITE

PATH defaults to target/release/dateline of the repository this script is in. Python 3.11+
standard library only (tomllib, zoneinfo).

- First, unless --no-full-build, a full build (`dateline build --clean -q`) into a
  temporary folder (under $TMPDIR) for context: "full build: X s (N articles)"; the site's
  own build cache is set aside meanwhile, and a urls.lock the build wrote is taken away.
- Then `dateline serve --port 0 -s SITE`, which builds the site into SITE/.dateline/serve;
  the script waits for its "Serving URL" line, then makes the edits one at a time.
- Edits are spread evenly over the sorted Markdown articles of content/ (content/authors/
  and .txt files left out) and their kinds mixed deterministically: every 10th edit moves
  the article to the day before (its `date`; a new URL; an earlier day if its slug is taken
  there), the other 5th ones put a word in front of its `title` (a new slug, so a new URL,
  unless the front matter has a `slug`), the others add a word to the body's first line. With 2 to 9 edits the last one is a date move, and with
  3 or 4 the one before it a title edit. Every edit puts a unique marker word in the body
  (and, for title edits, in front of the title).
- Each kind of edit is saved alternately the way most editors save (the new text written to
  a hidden temporary file beside the article, `.NAME.bench-serve~`, then renamed over it)
  and in place (the file truncated and written).
- The time of an edit starts just before the first byte is written (t0). Then the page
  (its new URL for title and date edits: the old slug with the marker in front, cut at 80
  characters at a word as dateline cuts slugs; the day as the site's `timezone` tells it)
  is fetched over one keep-alive HTTP connection on the loopback, every --poll-ms, until
  its bytes hold the marker: "page" is that time, as a reader sees it, late by at most one
  poll (a request and the pause: ~3.5 ms; the JSON has the last answer without the marker,
  "unchanged_ms"). Serve's own debounce is part of it. An article's URL before the edit is
  checked (and found in its day's listing if the slug made here is not it). The time serve printed its "Rebuilt in …" line is recorded too ("Rebuilt
  line"), with the rebuild's own time and stages (serve prints them on that line, with or
  without -v). An edit whose page does not change within --timeout is a failure, reported.
- Between edits the script waits until serve is idle: its Rebuilt line seen, then nothing
  printed for --settle-ms while it used under 5% of a core (its CPU time read from /proc:
  the search index build that follows an edit prints nothing until it ends, and a save
  during it waits for it). Off Linux, only the silence counts.
- At the end, on Ctrl-C or on an error: serve is stopped, every edited file gets back its
  bytes and modification time, temporary files are removed, and what the run added to the
  site is taken away again (SITE/.dateline, or the parts of it that were not there before;
  a urls.lock the full build wrote or changed).

Prints a line per edit, then per kind of edit and overall: count, median, p95 (nearest
rank: the 19th of 20) and max of save -> page changed and of save -> Rebuilt line, the
median rebuild time serve reports and the median of each stage it prints. --json FILE
writes the raw numbers. Exit code 1 when any edit failed.
"""
import argparse
import datetime as dt
import html
import http.client
import json
import math
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import unicodedata
import urllib.parse
import zoneinfo

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TMP_SUFFIX = ".bench-serve~"  # hidden and ending in ~: a file dateline ignores
TARGET = (100.0, 150.0)  # issue 22: median and p95 of save -> page changed, ms


# --- slugs and URLs, as dateline makes them (src/slug.rs, docs/urls.md) -------------------

APOSTROPHES = "\u2019\u2018\u02bc\u02b9\u2032\uff07"
MAX_SLUG = 80


def slugify(text):
    """dateline's slug of a title; non-ASCII letters only approximately (NFKD instead of
    deunicode): a slug that does not lead to the page is looked up in the day's listing."""
    out, gap = [], False

    def push(c):
        nonlocal gap
        if c.isascii() and c.isalnum():
            if gap and out:
                out.append("-")
            gap = False
            out.append(c.lower())
        elif c != "'":
            gap = True

    for ch in text:
        if ch.isascii():
            push(ch)
        elif ch in APOSTROPHES:
            pass
        else:
            ascii_ = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode()
            if ascii_:
                for c in ascii_:
                    push(c)
            else:
                gap = True
    return cut_slug("".join(out))


def cut_slug(slug):
    if len(slug) > MAX_SLUG:
        cut = slug[: MAX_SLUG + 1].rfind("-")
        slug = slug[: cut if cut >= 0 else MAX_SLUG]
    return slug


def site_settings(site):
    """The site's time zone and base_url's path."""
    with open(os.path.join(site, "dateline.toml"), "rb") as f:
        config = tomllib.load(f)
    tz = zoneinfo.ZoneInfo(config.get("timezone", "UTC"))
    base = urllib.parse.urlsplit(config.get("base_url", "/")).path or "/"
    return tz, base


def article_day(value, tz):
    """The day (in the site's time zone) of a front-matter `date` value."""
    when = dt.datetime.fromisoformat(value)
    if when.tzinfo is None:
        when = when.replace(tzinfo=tz)
    return when.astimezone(tz).date()


# --- front matter ---------------------------------------------------------------------------

FIELD = re.compile(r"^(title|date|slug)(\s*[:=]\s*)(.*?)\s*$")


def parse_article(text):
    """The front matter's fields (title, date, slug) with the span of each value, and where
    the body starts; None for a file without front matter."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].lstrip("\ufeff").rstrip("\r\n") not in ("---", "+++"):
        return None
    fence = lines[0].lstrip("\ufeff").rstrip("\r\n")
    fields, pos = {}, len(lines[0])
    for line in lines[1:]:
        if line.rstrip("\r\n") == fence:
            return fields, pos + len(line)
        m = FIELD.match(line.rstrip("\r\n"))
        if m and m.group(1) not in fields:
            start = pos + m.start(3)
            fields[m.group(1)] = (unquote(m.group(3)), start, pos + m.end(3))
        pos += len(line)
    return None


def unquote(value):
    if value.startswith('"') and value.endswith('"') and len(value) >= 2:
        try:
            return json.loads(value)
        except ValueError:
            return value[1:-1]
    if value.startswith("'") and value.endswith("'") and len(value) >= 2:
        return value[1:-1].replace("''", "'")
    return value


def replace_span(text, span, new):
    _, start, end = span
    return text[:start] + new + text[end:]


def add_to_body(text, body_at, marker):
    """The text with `marker` added at the end of the body's first non-empty line."""
    m = re.compile(r"[^\s][^\r\n]*").search(text, body_at)
    if not m:
        return text + f"\n{marker}\n"
    return text[: m.end()] + " " + marker + text[m.end():]


# --- the served site ----------------------------------------------------------------------


class Page:
    """One keep-alive connection to serve."""

    def __init__(self, host, port):
        self.host, self.port, self.conn = host, port, None

    def get(self, path):
        for attempt in (1, 2):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
                self.conn.request("GET", path)
                r = self.conn.getresponse()
                return r.status, r.read()
            except (http.client.HTTPException, OSError):
                if self.conn:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise

    def close(self):
        if self.conn:
            self.conn.close()


def find_in_listing(page, day_path, needle):
    """The path of the article linked from the day's listing whose link holds `needle`
    (its title, or a marker), or None."""
    status, body = page.get(day_path)
    if status != 200:
        return None
    text = body.decode("utf-8", "replace")
    for m in re.finditer(r'href="([^"]+)"[^>]*>(.*?)</a>', text, re.S):
        href, label = m.group(1), html.unescape(re.sub(r"<[^>]+>", "", m.group(2)))
        if href.startswith(day_path) and href != day_path and (needle in label or needle in href):
            return href
    return None


# --- serve's output -----------------------------------------------------------------------

REBUILT = re.compile(r"^Rebuilt in (\d+) ms: ([\d,]+) pages? rendered, ([\d,]+) files? written, ([\d,]+) removed(?: \((.*)\))?$")
STAGE = re.compile(r"(?:^|, )([^,()]+?) (\d+) ms(?: \([^)]*\))?")


def parse_rebuilt(line):
    m = REBUILT.match(line)
    if not m:
        return None
    n = lambda s: int(s.replace(",", ""))
    stages = {}
    for name, ms in STAGE.findall(m.group(5) or ""):
        stages[name] = stages.get(name, 0) + int(ms)
    return {"ms": n(m.group(1)), "rendered": n(m.group(2)), "written": n(m.group(3)),
            "removed": n(m.group(4)), "stages": stages}


def debounce_text():
    """What serve waits for after a save, read from the source beside this script."""
    try:
        src = open(os.path.join(REPO, "src", "serve", "watch.rs"), encoding="utf-8").read()
    except OSError:
        return "serve's debounce: unknown (src/serve/watch.rs not found beside this script)"
    m = re.search(r"const SETTLE: Duration = Duration::from_millis\((\d+)\)", src)
    if not m:
        return "serve's debounce: unknown (no SETTLE in src/serve/watch.rs)"
    ms = int(m.group(1))
    return (f"serve's debounce: the rebuild starts once a save's events have been quiet for {ms} ms "
            f"(SETTLE, src/serve/watch.rs)")


# --- the run ------------------------------------------------------------------------------


def percentile(values, p):
    """Nearest rank: the smallest value with at least p% of the values at or below it."""
    s = sorted(values)
    return s[max(0, math.ceil(p / 100 * len(s)) - 1)]


def kinds_of(n):
    kinds = ["date" if i % 10 == 0 else "title" if i % 5 == 0 else "body" for i in range(1, n + 1)]
    if n >= 2 and "date" not in kinds:
        kinds[-1] = "date"
    if n >= 3 and "title" not in kinds:
        kinds[-2] = "title"
    return kinds


class Site:
    """What the run changes in SITE, and how to put it back."""

    def __init__(self, site):
        self.site = site
        self.backups = {}  # path -> (bytes, stat)
        self.temps = set()
        self.dot = os.path.join(site, ".dateline")
        self.dot_had = set(os.listdir(self.dot)) if os.path.isdir(self.dot) else None
        self.lock = os.path.join(site, "urls.lock")
        self.lock_had = open(self.lock, "rb").read() if os.path.exists(self.lock) else None

    def save(self, path, text, mode):
        """Writes `text` to `path` as an editor would (`mode`: "rename" or "in-place");
        returns t0, the time just before the first byte is written."""
        if path not in self.backups:
            with open(path, "rb") as f:
                self.backups[path] = (f.read(), os.stat(path))
        data = text.encode("utf-8")
        if mode == "rename":
            tmp = os.path.join(os.path.dirname(path), "." + os.path.basename(path) + TMP_SUFFIX)
            self.temps.add(tmp)
            t0 = time.perf_counter()
            with open(tmp, "wb") as f:
                f.write(data)
            shutil.copymode(path, tmp)
            os.replace(tmp, path)
            self.temps.discard(tmp)
        else:
            t0 = time.perf_counter()
            with open(path, "wb") as f:
                f.write(data)
        return t0

    def restore_urls_lock(self):
        if self.lock_had is None:
            if os.path.exists(self.lock):
                os.remove(self.lock)
        elif open(self.lock, "rb").read() != self.lock_had:
            with open(self.lock, "wb") as f:
                f.write(self.lock_had)

    def restore(self):
        for tmp in self.temps:
            if os.path.exists(tmp):
                os.remove(tmp)
        for path, (data, st) in self.backups.items():
            with open(path, "wb") as f:
                f.write(data)
            os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        self.restore_urls_lock()
        if self.dot_had is None:
            shutil.rmtree(self.dot, ignore_errors=True)
        elif os.path.isdir(self.dot):
            for name in set(os.listdir(self.dot)) - self.dot_had:
                p = os.path.join(self.dot, name)
                shutil.rmtree(p, ignore_errors=True) if os.path.isdir(p) else os.remove(p)


def full_build(a, site, state, articles):
    out = tempfile.mkdtemp(prefix="dateline-bench-")
    cache = os.path.join(site, ".dateline", "cache")
    aside = cache + ".bench-serve-aside"
    if os.path.exists(cache):
        os.rename(cache, aside)  # the site's own cache (for its public/) stays as it was
    try:
        cmd = [a.dateline, "build", "--clean", "-q", "-s", site, "-o", os.path.join(out, "public")]
        if a.jobs:
            cmd += ["-j", str(a.jobs)]
        t = time.perf_counter()
        if subprocess.run(cmd).returncode != 0:
            sys.exit("the full build failed (above); --no-full-build skips it")
        full = time.perf_counter() - t
    finally:
        shutil.rmtree(out, ignore_errors=True)
        if os.path.exists(aside):
            shutil.rmtree(cache, ignore_errors=True)
            os.rename(aside, cache)
        state.restore_urls_lock()  # serve sees the site as it was
    print(f"full build: {full:.2f} s ({articles:,} articles)")
    return full


def main():
    ap = argparse.ArgumentParser(description="Times dateline serve from a save to the served page changing (issue 22).")
    ap.add_argument("site")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--dateline", default=os.path.join(REPO, "target", "release", "dateline"))
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds an edit may take before it is a failure")
    ap.add_argument("--poll-ms", type=float, default=2.0, help="pause between two requests for the page")
    ap.add_argument("--settle-ms", type=float, default=300.0,
                    help="serve is idle when it printed nothing for this long and used under 5%% of a core meanwhile")
    ap.add_argument("--jobs", "-j", type=int, help="passed to dateline")
    ap.add_argument("--no-full-build", action="store_true", help="skip the full build timed first")
    ap.add_argument("--json", metavar="FILE", help="write the raw numbers to FILE")
    a = ap.parse_args()
    if a.edits < 1:
        sys.exit("--edits must be at least 1")
    if not os.path.isfile(a.dateline):
        sys.exit(f"no dateline binary at {a.dateline} (pass --dateline)")
    site = os.path.abspath(a.site)
    content = os.path.join(site, "content")
    tz, base = site_settings(site)

    sources = []
    for root, dirs, names in os.walk(content):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if os.path.relpath(root, content).split(os.sep)[0] == "authors":
            continue
        sources += [os.path.join(root, n) for n in names
                    if n.endswith((".md", ".markdown")) and not n.startswith(".")]
    sources.sort()
    if not sources:
        sys.exit("no Markdown articles under content/")
    kinds = kinds_of(a.edits)

    state = Site(site)
    # SIGTERM (and SIGHUP) as Ctrl-C: the site is put back either way.
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)
    serve = page = None
    results = []
    try:
        full = None if a.no_full_build else full_build(a, site, state, len(sources))
        print(debounce_text())

        # A switch interval well under the poll interval: the thread that reads serve's
        # output stamps its lines when they come, not when the polling thread lets it run.
        sys.setswitchinterval(0.0005)
        cmd = [a.dateline, "serve", "--port", "0", "-s", site]
        if a.jobs:
            cmd += ["-j", str(a.jobs)]
        serve = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        a.serve_pid = serve.pid
        lines = queue.Queue()

        def read():
            for line in serve.stdout:
                lines.put((time.perf_counter(), line.rstrip("\n")))
            lines.put((time.perf_counter(), None))

        threading.Thread(target=read, daemon=True).start()
        t = time.perf_counter()
        url = None
        while url is None:
            _, line = lines.get(timeout=1800)
            if line is None:
                sys.exit(f"dateline serve stopped (exit code {serve.wait()})")
            m = re.match(r"Serving (\S+)", line)
            if m:
                url = m.group(1)
            elif not line.startswith("Built "):
                print(f"  serve: {line}")
        first = time.perf_counter() - t
        print(f"serve: first build and start {first:.2f} s, at {url}")
        parts = urllib.parse.urlsplit(url)
        page = Page(parts.hostname, parts.port)
        served_base = parts.path  # base_url's path, as serve serves it
        idle(lines, serve.pid, a.settle_ms / 1000)

        chosen = choose(sources, kinds, tz, site, page, served_base)
        nonce = format(int(time.time()) % 0xFFFF, "04x")
        print(f"{len(chosen)} edits of {len(sources):,} articles; page polled every {a.poll_ms:g} ms "
              f"over one keep-alive connection; timeout {a.timeout:g} s")
        counts = {}
        for i, (kind, path, info) in enumerate(chosen, 1):
            mode = "rename" if counts.get(kind, 0) % 2 == 0 else "in-place"
            counts[kind] = counts.get(kind, 0) + 1
            r = one_edit(i, kind, mode, path, info, nonce, state, page, lines, a, served_base, tz)
            results.append(r)
            print(edit_line(r, site))
    except KeyboardInterrupt:
        print("interrupted: putting the site back", file=sys.stderr)
        raise SystemExit(130)
    finally:
        if page:
            page.close()
        if serve and serve.poll() is None:
            serve.send_signal(signal.SIGINT)  # serve stops cleanly on Ctrl-C
            try:
                serve.wait(timeout=10)
            except subprocess.TimeoutExpired:
                serve.kill()
                serve.wait()
        state.restore()

    report(results, full, first, len(sources), a)
    if any(r["error"] for r in results):
        sys.exit(1)


def interrupted(*_):
    raise KeyboardInterrupt


def choose(sources, kinds, tz, site, page, base):
    """An article for each edit, spread over the archive; for title and date edits one
    whose front matter the script can edit, and whose page it found."""
    chosen, used = [], set()
    n = len(kinds)
    for i, kind in enumerate(kinds):
        start = i * len(sources) // n
        for j in list(range(start, len(sources))) + list(range(0, start)):
            path = sources[j]
            if path in used:
                continue
            info = describe(path, tz, page, base)
            if info is None:
                continue
            used.add(path)
            chosen.append((kind, path, info))
            break
        else:
            sys.exit(f"no article left for edit {i + 1} ({kind})")
    return chosen


def describe(path, tz, page, base):
    """What the script needs of an article: its text, fields and served path; None if it
    cannot edit it."""
    text = open(path, encoding="utf-8").read()
    parsed = parse_article(text)
    if not parsed:
        return None
    fields, body_at = parsed
    if "title" not in fields or "date" not in fields:
        return None
    try:
        day = article_day(fields["date"][0], tz)
    except ValueError:
        return None
    day_path = f"{base}{day:%Y/%m/%d}/"
    slug = fields["slug"][0] if "slug" in fields else slugify(fields["title"][0])
    served = f"{day_path}{slug}/"
    status, _ = page.get(served)
    if status != 200:
        served = find_in_listing(page, day_path, fields["title"][0])
        if not served:
            print(f"  skipped {path}: its page is not at {day_path}{slug}/ nor in its day's listing")
            return None
        slug = served[len(day_path):].strip("/")
    return {"text": text, "fields": fields, "body_at": body_at, "day": day, "slug": slug, "path": served}


def one_edit(i, kind, mode, path, info, nonce, state, page, lines, a, base, tz):
    marker = f"benchedit{nonce}n{i:02d}"
    text, fields = info["text"], info["fields"]
    new_path = info["path"]
    if kind == "title":
        # The marker in front: the new slug is the old one behind it (cut as dateline cuts).
        new = replace_span(text, fields["title"], json.dumps(f"{marker} {fields['title'][0]}", ensure_ascii=False))
        if "slug" not in fields:
            new_path = f"{base}{info['day']:%Y/%m/%d}/{cut_slug(marker + '-' + info['slug'])}/"
    elif kind == "date":
        value = fields["date"][0]
        for back in range(1, 30):  # the day before, or the first earlier one where the slug is free
            moved = (dt.date.fromisoformat(value[:10]) - dt.timedelta(days=back)).isoformat() + value[10:]
            day = article_day(moved, tz)
            new_path = f"{base}{day:%Y/%m/%d}/{info['slug']}/"
            if page.get(new_path)[0] == 404:
                break
        quoted = fields["date"][1] < fields["date"][2] and text[fields["date"][1]] in "\"'"
        new = replace_span(text, fields["date"], json.dumps(moved) if quoted else moved)
    else:
        new = text
    # Every edit puts the marker in the body too (a date move changes nothing else).
    new = add_to_body(new, info["body_at"] + (len(new) - len(text)), marker)
    want = marker.encode()

    while True:  # whatever is left from the last edit
        try:
            lines.get_nowait()
        except queue.Empty:
            break
    r = {"edit": i, "kind": kind, "mode": mode, "file": path, "url": new_path, "old_url": info["path"],
         "marker": marker, "page_ms": None, "rebuilt_ms": None, "search_ms": None, "polls": 0,
         "rebuilds": [], "other": [], "error": None, "unchanged_ms": None}
    t0 = state.save(path, new, mode)
    deadline = t0 + a.timeout
    t1 = None
    while True:
        status, body = page.get(new_path)
        r["polls"] += 1
        now = time.perf_counter()
        if want in body:
            t1 = now
            break
        # The bytes changed after this answer, if the next one has the marker.
        r["unchanged_ms"] = 1000 * (now - t0)
        if now > deadline:
            break
        time.sleep(a.poll_ms / 1000)
    if t1 is None:
        r["error"] = f"page unchanged after {a.timeout:g} s (last answer {status})"
        if kind != "body":
            found = find_in_listing(page, new_path.rsplit("/", 2)[0] + "/", marker)
            if found and found != new_path:
                r["error"] += f"; the day's listing links {found}, not {new_path}"
    else:
        r["page_ms"] = 1000 * (t1 - t0)

    # serve's lines for this edit: its Rebuilt line (until the timeout), then whatever it
    # prints until it is idle (the search index build that follows an edit included).
    first_until = max(deadline, time.perf_counter() + 5)
    for at, line in until_idle(lines, a.serve_pid, a.settle_ms / 1000,
                               lambda: not r["rebuilds"] and time.perf_counter() < first_until):
        if line is None:
            r["error"] = r["error"] or "dateline serve stopped"
            break
        rebuilt = parse_rebuilt(line)
        if rebuilt:
            rebuilt["at_ms"] = 1000 * (at - t0)
            r["rebuilds"].append(rebuilt)
        elif line.startswith("Search index updated"):
            r["search_ms"] = 1000 * (at - t0)
        else:
            r["other"].append(line)
    if r["rebuilds"]:
        wrote = [b for b in r["rebuilds"] if b["written"] or b["removed"]] or r["rebuilds"][-1:]
        r["rebuilt_ms"] = wrote[0]["at_ms"]
        r["rebuild"] = wrote[0]
    elif not r["error"]:
        r["error"] = "no Rebuilt line"
    return r


def cpu_seconds(pid):
    """The CPU time process `pid` used so far (all its threads), or None off Linux."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def until_idle(lines, pid, settle, waiting, limit=600):
    """Serve's lines as they come, until it is idle: it printed nothing for `settle`
    seconds, and used less than 5% of a core meanwhile (Linux; a search index build prints
    nothing until it ends), and `waiting()` is false. At most `limit` seconds."""
    end = time.perf_counter() + limit
    w0, cpu0 = time.perf_counter(), cpu_seconds(pid)
    while time.perf_counter() < end:
        try:
            yield lines.get(timeout=settle)
            continue
        except queue.Empty:
            pass
        now, cpu = time.perf_counter(), cpu_seconds(pid)
        busy = cpu is not None and cpu0 is not None and cpu - cpu0 > 0.05 * (now - w0)
        w0, cpu0 = now, cpu
        if not busy and not waiting():
            return
    print(f"  serve still busy after {limit} s", file=sys.stderr)


def idle(lines, pid, settle):
    """Waits until serve is idle, showing what it says but Rebuilt and search lines."""
    for _, line in until_idle(lines, pid, settle, lambda: False):
        if line is not None and not line.startswith(("Search index", "Rebuilt")):
            print(f"  serve: {line}")


def edit_line(r, site):
    rel = os.path.relpath(r["file"], site)
    ms = lambda v: "    -   " if v is None else f"{v:7.1f} "
    s = f"edit {r['edit']:2} {r['kind']:5} {r['mode']:8} page {ms(r['page_ms'])}ms  Rebuilt line {ms(r['rebuilt_ms'])}ms"
    b = r.get("rebuild")
    if b:
        s += f"  (rebuild {b['ms']} ms: {b['rendered']} rendered, {b['written']} written, {b['removed']} removed)"
    if len(r["rebuilds"]) > 1:
        s += f" [{len(r['rebuilds'])} rebuilds]"
    s += f"  {rel}"
    if r["kind"] != "body":
        s += f" -> {r['url']}"
    for line in r["other"][:3]:
        s += f"\n    serve: {line}"
    if len(r["other"]) > 3:
        s += f"\n    serve: … {len(r['other']) - 3} more lines"
    if r["error"]:
        s += f"\n    FAILED: {r['error']}"
    return s


def stats(values):
    if not values:
        return None
    return {"n": len(values), "median": statistics.median(values), "p95": percentile(values, 95), "max": max(values)}


def report(results, full, first, articles, a):
    groups = [(k, [r for r in results if r["kind"] == k]) for k in ("body", "title", "date")]
    groups = [(k, g) for k, g in groups if g] + [("all", results)]
    print()
    print(f"{'':8}{'save -> page changed (ms)':>36}   {'save -> Rebuilt line (ms)':>30}   rebuild")
    print(f"{'kind':8}{'n':>4}{'failed':>8}{'median':>8}{'p95':>8}{'max':>8}   "
          f"{'median':>10}{'p95':>10}{'max':>10}   {'median':>9}")
    summary = {}
    for kind, g in groups:
        page = stats([r["page_ms"] for r in g if r["page_ms"] is not None])
        line = stats([r["rebuilt_ms"] for r in g if r["rebuilt_ms"] is not None])
        rebuild = [r["rebuild"]["ms"] for r in g if r.get("rebuild")]
        failed = sum(1 for r in g if r["error"])
        f = lambda s, key, w: f"{s[key]:{w}.1f}" if s else f"{'-':>{w}}"
        print(f"{kind:8}{len(g):4}{failed:8}{f(page, 'median', 8)}{f(page, 'p95', 8)}{f(page, 'max', 8)}   "
              f"{f(line, 'median', 10)}{f(line, 'p95', 10)}{f(line, 'max', 10)}   "
              f"{f({'m': statistics.median(rebuild)} if rebuild else None, 'm', 9)}")
        summary[kind] = {"edits": len(g), "failed": failed, "page_ms": page, "rebuilt_line_ms": line,
                         "rebuild_ms_median": statistics.median(rebuild) if rebuild else None}
    # The stages serve prints on its Rebuilt line, median per kind.
    names = []
    for r in results:
        for name in (r.get("rebuild") or {}).get("stages", {}):
            if name not in names:
                names.append(name)
    if names:
        print()
        print("stages of the rebuild (median ms; serve prints them on its Rebuilt line; absent = 0):")
        print(f"{'stage':16}" + "".join(f"{k:>8}" for k, _ in groups))
        for name in names:
            row = f"{name:16}"
            for _, g in groups:
                v = [r["rebuild"]["stages"].get(name, 0) for r in g if r.get("rebuild")]
                row += f"{statistics.median(v):8.1f}" if v else f"{'-':>8}"
            print(row)
    searched = [r["search_ms"] for r in results if r["search_ms"] is not None]
    if searched:
        print(f"\nsave -> search index updated: median {statistics.median(searched):.0f} ms over {len(searched)} edits")
    overall = summary["all"]["page_ms"]
    target = f"issue 22 target (median < {TARGET[0]:g} ms, p95 < {TARGET[1]:g} ms, no failure)"
    if overall:
        ok = overall["median"] < TARGET[0] and overall["p95"] < TARGET[1] and not summary["all"]["failed"]
        print(f"{target}: {'met' if ok else 'NOT met'} (median {overall['median']:.1f}, p95 {overall['p95']:.1f}, "
              f"{summary['all']['failed']} failed)")
    else:
        print(f"{target}: NOT met (every edit failed)")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump({"site": os.path.abspath(a.site), "articles": articles, "dateline": a.dateline,
                       "full_build_s": full, "first_build_s": first, "poll_ms": a.poll_ms,
                       "settle_ms": a.settle_ms, "timeout_s": a.timeout, "debounce": debounce_text(),
                       "summary": summary, "edits": results}, f, indent=1)
        print(f"raw numbers: {a.json}")


if __name__ == "__main__":
    main()
