#!/usr/bin/env python3
"""Generates a synthetic news archive for dateline's benchmarks, as a dateline site, a
Hugo site or a Zola site: the same articles in each (titles, dates, authors, tags,
sections, bodies), so the three generators build the same archive.

Usage: gen-archive.py --count N --out DIR [--format dateline|hugo|zola] [--seed 7]

Articles are 350-850 words of made-up English in 4-8 paragraphs, with some Markdown
(emphasis, links, a subheading, a quotation), one or two of 250 authors (a few write
most), one to three of 150 tags, one of 9 sections, and a time between 2015 and mid-2026
with a UTC offset. Files are content/YYYY/MM/<slug>.md. Standard library only;
deterministic for a given seed and count.
"""
import argparse
import datetime as dt
import os
import random
import re

GIVEN = ("Ada Bruno Carmen Dmitri Elif Farah Gustavo Hana Imre Jonah Kaveh Lena Mateo Nia "
         "Oskar Priya Quinn Rosa Sefu Tove Uma Viktor Wren Ximena Yusuf Zofia Anouk Björn "
         "Chiara Dagny Émile Florin Greta Håkan Inés Józef Kalani Luís Maëlle Nuno").split()
FAMILY = ("Abara Bergstrom Castillo Dlamini Eriksen Fontaine Gallo Haddad Ishikawa Jovanovic "
          "Kowalczyk Lindqvist Moreau Nakamura Okonkwo Petrov Quispe Rahman Santos Takahashi "
          "Ulrich Vasquez Wozniak Xu Yamada Zielinski Ångström Büyük Čapek Dąbrowski Eze "
          "Fischer Grünwald Hernández Iqbal").split()
PLACES = ("Lisbon Nairobi Osaka Quito Tbilisi Hanoi Accra Bergen Cordoba Dakar Erbil Fresno "
          "Gdansk Hobart Izmir Jaipur Kazan Lagos Malmo Nantes Oulu Perth Quebec Rabat Seville "
          "Tampere Utrecht Valencia Windhoek Yerevan Zagreb Almaty Bogota Cusco Durban").split()
NOUNS = ("council budget harbour rail line ministry tariff vote pension reform court ruling "
         "strike port grid dam festival league drought harvest treaty summit bank index bond "
         "startup mine airport clinic school bridge ferry museum census levy quota curfew "
         "pipeline refinery reservoir election coalition protest merger audit subsidy").split()
ADJECTIVES = ("local regional national coastal northern southern urgent disputed landmark "
              "delayed expanded emergency temporary historic record quiet narrow sweeping "
              "costly modest surprise late early joint rival").split()
VERBS = ("approves rejects delays expands reviews opens closes halts backs questions signs "
         "weighs extends cuts raises freezes restores revives").split()
PAST = ("approved rejected delayed expanded reviewed opened closed halted backed questioned "
        "signed weighed extended cut raised froze restored revived announced warned").split()
SECTIONS = [("News", 30), ("Politics", 18), ("Business", 16), ("Markets", 8), ("World", 12),
            ("Science", 5), ("Culture", 5), ("Sport", 4), ("Opinion", 2)]
OFFSETS = [0, 0, 60, 60, 120, 180, -300, -240, -360, 330, 480, 540, 600]


def slugify(text):
    text = text.replace("’", "").replace("'", "")
    text = re.sub(r"[^a-z0-9]+", "-", text.lower())
    return text.strip("-")[:80].strip("-")


def qstr(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Writer:
    def __init__(self, rng, people):
        self.r = rng
        self.people = people

    def sentence(self):
        r = self.r
        subject = r.choice([f"The {r.choice(NOUNS)}", f"{r.choice(PLACES)}’s {r.choice(NOUNS)}",
                            r.choice(self.people), f"A {r.choice(ADJECTIVES)} {r.choice(NOUNS)}"])
        body = f"{subject} {r.choice(PAST)} the {r.choice(ADJECTIVES)} {r.choice(NOUNS)}"
        if r.random() < 0.5:
            body += f" in {r.choice(PLACES)} on {r.choice(['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'])}"
        if r.random() < 0.3:
            body += f", after {r.randint(2, 90)} days of talks with the {r.choice(NOUNS)}"
        if r.random() < 0.1:
            return f"“{body},” {r.choice(self.people)} said."
        return body + "."

    def paragraph(self):
        return " ".join(self.sentence() for _ in range(self.r.randint(4, 9)))


def build_metadata(count, seed):
    rng = random.Random(seed)
    names = [f"{g} {f}" for g in GIVEN for f in FAMILY]
    rng.shuffle(names)
    authors = names[:250]
    people = names[250:650]
    weights = [1.0 / (i + 3) for i in range(len(authors))]
    tags = []
    for p in PLACES:
        for n in ("Elections", "Trade", "Transport", "Energy", "Health"):
            tags.append(f"{p} {n}")
    rng.shuffle(tags)
    tags = tags[:150]
    tag_weights = [1.0 / (i + 5) for i in range(len(tags))]
    start = dt.datetime(2015, 1, 1, tzinfo=dt.timezone.utc)
    span = int((dt.datetime(2026, 7, 1, tzinfo=dt.timezone.utc) - start).total_seconds())
    articles, seen = [], set()
    for i in range(count):
        while True:
            title = (f"{rng.choice(PLACES)} {rng.choice(NOUNS).title()} {rng.choice(VERBS).title()} "
                     f"{rng.choice(ADJECTIVES).title()} {rng.choice(NOUNS).title()} Plan")
            if rng.random() < 0.3:
                title += f" in {rng.choice(['Spring', 'Summer', 'Autumn', 'Winter'])} {rng.randint(2015, 2026)}"
            if title not in seen:
                break
        seen.add(title)
        when = start + dt.timedelta(seconds=rng.randint(0, span))
        when = when.astimezone(dt.timezone(dt.timedelta(minutes=rng.choice(OFFSETS))))
        by = rng.choices(authors, weights)[0:1]
        if rng.random() < 0.07:
            second = rng.choices(authors, weights)[0]
            if second not in by:
                by.append(second)
        tagged = []
        for _ in range(rng.choice([1, 1, 2, 2, 2, 3])):
            t = rng.choices(tags, tag_weights)[0]
            if t not in tagged:
                tagged.append(t)
        section = rng.choices([s for s, _ in SECTIONS], [w for _, w in SECTIONS])[0]
        articles.append((title, when.replace(microsecond=0), by, tagged, section, i))
    return articles, people


def body_for(article, people, seed):
    title, when, by, tagged, section, i = article
    rng = random.Random(seed * 7919 + i)
    w = Writer(rng, people)
    paragraphs = [w.paragraph() for _ in range(rng.randint(4, 8))]
    summary = paragraphs[0].split(". ")[0].rstrip(".") + "."
    if rng.random() < 0.5:
        words = paragraphs[1].split(" ")
        k = rng.randint(0, len(words) - 2)
        words[k] = f"*{words[k]}*"
        paragraphs[1] = " ".join(words)
    if rng.random() < 0.4:
        words = paragraphs[-1].split(" ")
        k = rng.randint(0, len(words) - 2)
        words[k] = f"[{words[k]}](https://example.net/{slugify(title)[:20]})"
        paragraphs[-1] = " ".join(words)
    if rng.random() < 0.3 and len(paragraphs) > 3:
        paragraphs.insert(2, f"## What the {rng.choice(NOUNS)} means")
    if rng.random() < 0.2:
        paragraphs[-2] = "> " + paragraphs[-2]
    return "\n\n".join(paragraphs), summary


HUGO_CONFIG = '''baseURL = "https://example.org/"
title = "Benchmark Archive"
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]
[taxonomies]
  author = "authors"
  tag = "tags"
[pagination]
  pagerSize = 20
'''

HUGO_LAYOUTS = {
    "layouts/_default/baseof.html": '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} – {{ site.Title }}</title></head><body><nav><a href="/">Home</a> <a href="/authors/">Authors</a> <a href="/tags/">Tags</a></nav><main>{{ block "main" . }}{{ end }}</main></body></html>\n',
    "layouts/partials/card.html": '<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "January 2, 2006" }}</time> {{ range .GetTerms "authors" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}<p>{{ .Summary }}</p></li>\n',
    "layouts/partials/pager.html": '<nav>{{ with .Prev }}<a href="{{ .URL }}">Newer</a>{{ end }} {{ .PageNumber }}/{{ .TotalPages }} {{ with .Next }}<a href="{{ .URL }}">Older</a>{{ end }}</nav>\n',
    "layouts/_default/single.html": '{{ define "main" }}<article><h1>{{ .Title }}</h1><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "Monday, January 2, 2006" }}</time><p>{{ range .GetTerms "authors" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p><ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ .Content }}</article>{{ end }}\n',
    "layouts/_default/list.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ $p := .Paginate .RegularPagesRecursive.ByDate.Reverse 20 }}<ul>{{ range $p.Pages }}{{ partial "card.html" . }}{{ end }}</ul>{{ partial "pager.html" $p }}{{ end }}\n',
    "layouts/index.html": '{{ define "main" }}{{ $p := .Paginate site.RegularPages.ByDate.Reverse 20 }}<ul>{{ range $p.Pages }}{{ partial "card.html" . }}{{ end }}</ul>{{ partial "pager.html" $p }}{{ end }}\n',
    "layouts/_default/taxonomy.html": '{{ define "main" }}<h1>{{ .Title }}</h1>{{ if eq .Kind "term" }}{{ $p := .Paginate .Pages.ByDate.Reverse 20 }}<ul>{{ range $p.Pages }}{{ partial "card.html" . }}{{ end }}</ul>{{ partial "pager.html" $p }}{{ else }}<ul>{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}{{ end }}\n',
}
HUGO_LAYOUTS["layouts/_default/term.html"] = HUGO_LAYOUTS["layouts/_default/taxonomy.html"]

ZOLA_CONFIG = '''base_url = "https://example.org"
title = "Benchmark Archive"
compile_sass = false
build_search_index = false
generate_feeds = false
generate_sitemap = false
generate_robots_txt = false
taxonomies = [
    { name = "authors", paginate_by = 20 },
    { name = "tags", paginate_by = 20 },
]
'''

ZOLA_TEMPLATES = {
    "templates/base.html": '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock title %}</title></head><body><nav><a href="/">Home</a> <a href="/authors/">Authors</a> <a href="/tags/">Tags</a></nav><main>{% block content %}{% endblock content %}</main></body></html>\n',
    "templates/macros.html": '{% macro card(p) %}<li><a href="{{ p.path }}">{{ p.title }}</a> <time datetime="{{ p.date }}">{{ p.date | date(format="%B %-d, %Y") }}</time> {% for a in p.taxonomies.authors %}<a href="{{ get_taxonomy_url(kind="authors", name=a) }}">{{ a }}</a> {% endfor %}<p>{{ p.description }}</p></li>{% endmacro card %}{% macro pager(paginator) %}<nav>{% if paginator.previous %}<a href="{{ paginator.previous }}">Newer</a>{% endif %} {{ paginator.current_index }}/{{ paginator.number_pagers }} {% if paginator.next %}<a href="{{ paginator.next }}">Older</a>{% endif %}</nav>{% endmacro pager %}\n',
    "templates/page.html": '{% extends "base.html" %}{% block title %}{{ page.title }} – {{ config.title }}{% endblock title %}{% block content %}<article><h1>{{ page.title }}</h1><time datetime="{{ page.date }}">{{ page.date | date(format="%A, %B %-d, %Y") }}</time><p>{% for a in page.taxonomies.authors %}<a href="{{ get_taxonomy_url(kind="authors", name=a) }}">{{ a }}</a> {% endfor %}</p><ul>{% for t in page.taxonomies.tags %}<li><a href="{{ get_taxonomy_url(kind="tags", name=t) }}">{{ t }}</a></li>{% endfor %}</ul>{{ page.content | safe }}</article>{% endblock content %}\n',
    "templates/index.html": '{% extends "base.html" %}{% import "macros.html" as m %}{% block content %}<ul>{% for p in paginator.pages %}{{ m::card(p=p) }}{% endfor %}</ul>{{ m::pager(paginator=paginator) }}{% endblock content %}\n',
    "templates/section.html": '{% extends "base.html" %}{% import "macros.html" as m %}{% block content %}<h1>{{ section.title }}</h1><ul>{% for p in paginator.pages %}{{ m::card(p=p) }}{% endfor %}</ul>{{ m::pager(paginator=paginator) }}{% endblock content %}\n',
    "templates/taxonomy_list.html": '{% extends "base.html" %}{% block content %}<h1>{{ taxonomy.name }}</h1><ul>{% for t in terms %}<li><a href="{{ t.path }}">{{ t.name }}</a> {{ t.page_count }}</li>{% endfor %}</ul>{% endblock content %}\n',
    "templates/taxonomy_single.html": '{% extends "base.html" %}{% import "macros.html" as m %}{% block content %}<h1>{{ term.name }}</h1><ul>{% for p in paginator.pages %}{{ m::card(p=p) }}{% endfor %}</ul>{{ m::pager(paginator=paginator) }}{% endblock content %}\n',
}

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--format", choices=["dateline", "hugo", "zola"], default="dateline")
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    articles, people = build_metadata(a.count, a.seed)
    content = os.path.join(a.out, "content")
    os.makedirs(content, exist_ok=True)
    if a.format == "dateline":
        write(os.path.join(a.out, "dateline.toml"),
              'title = "Benchmark Archive"\nbase_url = "https://example.org/"\n')
    elif a.format == "hugo":
        write(os.path.join(a.out, "hugo.toml"), HUGO_CONFIG)
        for path, text in HUGO_LAYOUTS.items():
            write(os.path.join(a.out, path), text)
    else:
        write(os.path.join(a.out, "config.toml"), ZOLA_CONFIG)
        for path, text in ZOLA_TEMPLATES.items():
            write(os.path.join(a.out, path), text)
        write(os.path.join(content, "_index.md"),
              '+++\ntitle = "Latest"\nsort_by = "date"\npaginate_by = 20\n+++\n')
    months = set()
    used = set()
    for article in articles:
        title, when, by, tagged, section, i = article
        body, summary = body_for(article, people, a.seed)
        slug = slugify(title)
        folder = os.path.join(content, f"{when.year:04d}", f"{when.month:02d}")
        months.add((when.year, when.month))
        name = slug
        n = 2
        while (folder, name) in used:
            name = f"{slug}-{n}"
            n += 1
        used.add((folder, name))
        if a.format == "zola":
            text = (f"+++\ntitle = {qstr(title)}\ndate = {when.isoformat()}\ndescription = {qstr(summary)}\n"
                    f"[taxonomies]\nauthors = [{', '.join(qstr(x) for x in by)}]\n"
                    f"tags = [{', '.join(qstr(x) for x in tagged)}]\n"
                    f"[extra]\nsection = {qstr(section)}\n+++\n\n{body}\n")
        else:
            text = (f"---\ntitle: {qstr(title)}\ndate: {when.isoformat()}\n"
                    f"authors: [{', '.join(qstr(x) for x in by)}]\n"
                    f"tags: [{', '.join(qstr(x) for x in tagged)}]\n"
                    f"section: {qstr(section)}\nsummary: {qstr(summary)}\n---\n\n{body}\n")
        write(os.path.join(folder, name + ".md"), text)
    if a.format in ("hugo", "zola"):
        for year in sorted({y for y, _ in months}):
            if a.format == "hugo":
                write(os.path.join(content, f"{year:04d}", "_index.md"), f'---\ntitle: "{year}"\n---\n')
            else:
                write(os.path.join(content, f"{year:04d}", "_index.md"),
                      f'+++\ntitle = "{year}"\nsort_by = "date"\npaginate_by = 20\ntransparent = true\n+++\n')
        for year, month in sorted(months):
            path = os.path.join(content, f"{year:04d}", f"{month:02d}", "_index.md")
            if a.format == "hugo":
                write(path, f'---\ntitle: "{MONTHS[month - 1]} {year}"\n---\n')
            else:
                write(path, f'+++\ntitle = "{MONTHS[month - 1]} {year}"\nsort_by = "date"\n'
                            f'paginate_by = 20\ntransparent = true\n+++\n')


if __name__ == "__main__":
    main()
