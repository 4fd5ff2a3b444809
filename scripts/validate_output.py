#!/usr/bin/env python3
"""Validates built dateline sites: feeds, sitemaps and JSON-LD structured data.

Usage: validate_output.py --now RFC3339 OUT [OUT ...]

- every feed (atom.xml, rss.xml, */atom.xml) parses with feedparser with bozo == 0,
  its entry links are absolute URLs of the site;
- every sitemap validates with xmllint against the sitemaps.org schemas shipped by the
  sitemap-verify package (the news sitemap also against scripts/schemas/sitemap-news.xsd),
  has at most 50,000 URLs, each with a W3C lastmod; the news sitemap holds at most 1,000
  articles, all published in the 48 hours before --now;
- every JSON-LD block parses as JSON and has the fields its page needs (NewsArticle on
  articles, ProfilePage on authors, CollectionPage and BreadcrumbList on listings).
Prints a summary per check and exits 1 on any error.
"""
import argparse
import datetime as dt
import html.parser
import json
import os
import re
import subprocess
import sys
import tempfile

import feedparser
import sitemap_verify.schemas

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = os.path.dirname(sitemap_verify.schemas.__file__)
W3C_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$")
WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}

errors = []


def error(path, message):
    errors.append(f"{path}: {message}")


def files(out, suffix):
    for root, _, names in os.walk(out):
        for name in sorted(names):
            if name.endswith(suffix):
                yield os.path.join(root, name)


def base_url_of(out):
    # The canonical URL of the home page is the base URL.
    text = open(os.path.join(out, "index.html"), encoding="utf-8").read()
    return re.search(r'<link rel="canonical" href="([^"]+)"', text).group(1)


# ---------------------------------------------------------------- feeds
def check_feeds(out, base):
    count = 0
    for path in files(out, ".xml"):
        name = os.path.basename(path)
        if name not in ("atom.xml", "rss.xml"):
            continue
        count += 1
        feed = feedparser.parse(path)
        if feed.bozo:
            error(path, f"feedparser: bozo=1 ({feed.bozo_exception})")
            continue
        if not feed.feed.get("title"):
            error(path, "the feed has no title")
        for entry in feed.entries:
            link = entry.get("link", "")
            if not link.startswith(base):
                error(path, f"entry link {link!r} is not an absolute URL of the site")
            if not entry.get("published") and not entry.get("updated"):
                error(path, f"entry {link} has no date")
    return count


# ---------------------------------------------------------------- sitemaps
def xmllint(path, schema):
    run = subprocess.run(["xmllint", "--noout", "--schema", schema, path], capture_output=True, text=True)
    if run.returncode != 0:
        error(path, "xmllint: " + run.stderr.strip().replace("\n", " | "))


def check_sitemaps(out, base, now):
    import xml.etree.ElementTree as ET

    count = 0
    news_schema = os.path.join(tempfile.mkdtemp(), "news-sitemap.xsd")
    with open(news_schema, "w") as f:
        f.write(
            '<?xml version="1.0"?>\n<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n'
            f'<xsd:import namespace="{NS["sm"]}" schemaLocation="{os.path.join(SCHEMAS, "sitemap.xsd")}"/>\n'
            f'<xsd:import namespace="{NS["news"]}" schemaLocation="{os.path.join(HERE, "schemas", "sitemap-news.xsd")}"/>\n'
            "</xsd:schema>\n")
    index = os.path.join(out, "sitemap.xml")
    xmllint(index, os.path.join(SCHEMAS, "siteindex.xsd"))
    count += 1
    for sitemap in ET.parse(index).getroot().findall("sm:sitemap", NS):
        loc = sitemap.findtext("sm:loc", namespaces=NS)
        lastmod = sitemap.findtext("sm:lastmod", namespaces=NS) or ""
        if not W3C_DATETIME.match(lastmod):
            error(index, f"{loc}: lastmod {lastmod!r} is not a W3C date")
        if not loc.startswith(base):
            error(index, f"{loc} is not under {base}")
            continue
        path = os.path.join(out, loc[len(base):])
        if not os.path.exists(path):
            error(index, f"{loc} does not exist")
            continue
        count += 1
        xmllint(path, os.path.join(SCHEMAS, "sitemap.xsd"))
        urls = ET.parse(path).getroot().findall("sm:url", NS)
        if len(urls) > 50000:
            error(path, f"{len(urls)} URLs (more than 50,000)")
        for url in urls:
            u = url.findtext("sm:loc", namespaces=NS)
            m = url.findtext("sm:lastmod", namespaces=NS) or ""
            if not u.startswith(base):
                error(path, f"{u} is not under {base}")
            if not W3C_DATETIME.match(m):
                error(path, f"{u}: lastmod {m!r} is not a W3C date")

    news = os.path.join(out, "news-sitemap.xml")
    count += 1
    xmllint(news, news_schema)
    urls = ET.parse(news).getroot().findall("sm:url", NS)
    if len(urls) > 1000:
        error(news, f"{len(urls)} articles (more than 1,000)")
    for url in urls:
        published = url.findtext("news:news/news:publication_date", namespaces=NS)
        when = dt.datetime.fromisoformat(published)
        if not (now - dt.timedelta(hours=48) <= when <= now):
            error(news, f"{url.findtext('sm:loc', namespaces=NS)} was published {published}, not in the 48 hours before {now.isoformat()}")
    robots = open(os.path.join(out, "robots.txt"), encoding="utf-8").read()
    if f"Sitemap: {base}sitemap.xml" not in robots:
        error(os.path.join(out, "robots.txt"), "does not name the sitemap index")
    return count, len(urls)


# ---------------------------------------------------------------- JSON-LD
class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.kind = None
        self.blocks = []
        self.metas = {}
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            kinds = [c[len("kind-"):] for c in (a.get("class") or "").split() if c.startswith("kind-")]
            self.kind = kinds[0] if kinds else None
        if tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True
            self.blocks.append("")
        if tag == "meta" and a.get("property"):
            self.metas.setdefault(a["property"], []).append(a.get("content"))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.blocks[-1] += data


def need(path, obj, keys, what):
    for key in keys:
        if key not in obj or obj[key] in (None, "", []):
            error(path, f"{what} has no {key}")


def check_jsonld(out):
    pages = blocks = 0
    listings = {"home", "year", "month", "day", "on-this-day", "authors", "tags", "tag", "sections", "section"}
    for path in files(out, ".html"):
        page = Page()
        page.feed(open(path, encoding="utf-8").read())
        # The search page is kept out of search engines (noindex): nothing to describe.
        if page.kind in (None, "404", "redirect", "search"):
            continue
        pages += 1
        nodes = []
        if not page.blocks:
            error(path, f"no JSON-LD on a {page.kind} page")
            continue
        for block in page.blocks:
            blocks += 1
            if "</" in block:
                error(path, "a JSON-LD block contains </")
            try:
                data = json.loads(block)
            except json.JSONDecodeError as e:
                error(path, f"JSON-LD does not parse: {e}")
                continue
            nodes += data.get("@graph", [data])
        types = {n.get("@type"): n for n in nodes}
        if page.kind == "article":
            a = types.get("NewsArticle")
            if not a:
                error(path, "no NewsArticle")
                continue
            need(path, a, ["headline", "datePublished", "dateModified", "author", "publisher", "mainEntityOfPage"], "NewsArticle")
            for key in ("datePublished", "dateModified"):
                if not WITH_OFFSET.match(a.get(key, "")):
                    error(path, f"{key} {a.get(key)!r} has no time with offset")
            for person in a.get("author", []):
                if person.get("@type") != "Person" or not person.get("name") or not person.get("url"):
                    error(path, f"author {person} is not a Person with name and url")
            pub = a.get("publisher", {})
            if pub.get("@type") != "Organization" or not pub.get("name") or not pub.get("logo", {}).get("url"):
                error(path, f"publisher {pub} is not an Organization with name and logo")
            if page.metas.get("article:tag") and not a.get("keywords"):
                error(path, "the article has tags but NewsArticle has no keywords")
            if "BreadcrumbList" not in types:
                error(path, "no BreadcrumbList")
        elif page.kind == "author":
            p = types.get("ProfilePage")
            if not p or p.get("mainEntity", {}).get("@type") != "Person":
                error(path, "no ProfilePage about a Person")
        elif page.kind in listings:
            if "CollectionPage" not in types:
                error(path, "no CollectionPage")
            crumbs = types.get("BreadcrumbList", {}).get("itemListElement")
            if not crumbs:
                error(path, "no BreadcrumbList")
    return pages, blocks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--now", required=True)
    ap.add_argument("outs", nargs="+")
    args = ap.parse_args()
    now = dt.datetime.fromisoformat(args.now.replace("Z", "+00:00"))
    feeds = sitemaps = news = pages = blocks = 0
    for out in args.outs:
        base = base_url_of(out)
        feeds += check_feeds(out, base)
        s, n = check_sitemaps(out, base, now)
        sitemaps += s
        news += n
        p, b = check_jsonld(out)
        pages += p
        blocks += b
    for e in errors:
        print(e)
    print(f"feedparser: {feeds} feeds, {sum('feedparser' in e for e in errors)} with bozo")
    print(f"xmllint: {sitemaps} sitemaps (news sitemap: {news} article{'' if news == 1 else 's'}), {sum('xmllint' in e for e in errors)} errors")
    print(f"JSON-LD: {blocks} blocks on {pages} pages")
    print(f"{len(errors)} errors in all")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
