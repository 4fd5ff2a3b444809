#!/usr/bin/env python3
"""Generates a WordPress export (WXR 1.2) for `dateline import wxr`'s benchmark and tests.

Usage: gen-wxr.py --count N --out FILE [--seed 7]

N posts between 2010 and 2025, with the rest of what a real export holds around them:
one page and one attachment every 50 posts, a draft every 40, a private post every 97.
30 authors (`wp:author` with login, e-mail, display, first and last names), 12
categories and 80 tags. Bodies are 4-9 paragraphs of made-up English in the shapes
WordPress stores: classic-editor text with paragraphs by blank lines, or block-editor
HTML with `<!-- wp:paragraph -->` comments; with links, emphasis, images from
wp-content/uploads, a subheading, and now and then a table, a YouTube iframe, a figure
with a caption, or a `<script>` (which the import removes). Old links are
/YYYY/MM/DD/slug/, as WordPress's "day and name" permalinks. Standard library only;
deterministic for a given seed and count; written as a stream.
"""
import argparse
import datetime as dt
import random

WORDS = ("council budget harbour rail line ministry tariff vote pension reform court ruling "
         "strike port grid dam festival league drought harvest treaty summit bank index bond "
         "startup mine airport clinic school bridge ferry museum census levy quota curfew "
         "pipeline refinery reservoir election coalition protest merger audit subsidy the a "
         "of and to in on for with by after before under over near local regional national "
         "said says will would could announced warned approved rejected delayed").split()
GIVEN = "Ada Bruno Carmen Dmitri Elif Farah Gustavo Hana Imre Jonah Kaveh Lena Mateo Nia Oskar".split()
FAMILY = "Abara Bergstrom Castillo Dlamini Eriksen Fontaine Gallo Haddad Ishikawa Jovanovic Moreau".split()
CATEGORIES = "Politics Business City World Sport Culture Science Health Opinion Weather Tech Education".split()


def sentence(rng, words=None):
    words = words or rng.randint(8, 22)
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng, link_base):
    parts = [sentence(rng) for _ in range(rng.randint(2, 5))]
    roll = rng.random()
    if roll < 0.3:
        parts[0] = f'<a href="{link_base}/{rng.randint(1, 9999)}/">{parts[0]}</a>'
    elif roll < 0.5:
        parts[-1] = f"<em>{parts[-1]}</em>"
    elif roll < 0.6:
        parts[0] = f"<strong>{parts[0]}</strong>"
    return " ".join(parts)


def body(rng, when, site):
    uploads = f"{site}/wp-content/uploads/{when:%Y/%m}"
    blocks = [paragraph(rng, site) for _ in range(rng.randint(4, 9))]
    extras = []
    if rng.random() < 0.5:
        extras.append(f'<img src="{uploads}/photo-{rng.randint(1, 999)}.jpg" alt="{sentence(rng, 5)[:-1]}" />')
    if rng.random() < 0.4:
        extras.append(f"<h2>{sentence(rng, 4)[:-1]}</h2>")
    if rng.random() < 0.05:
        rows = "".join(f"<tr><td>{rng.choice(WORDS)}</td><td>{rng.randint(1, 999)}</td></tr>" for _ in range(4))
        extras.append(f'<table class="data"><tbody>{rows}</tbody></table>')
    if rng.random() < 0.05:
        extras.append(f'<iframe width="560" height="315" src="https://www.youtube.com/embed/v{rng.randint(1, 99999)}" allowfullscreen></iframe>')
    if rng.random() < 0.05:
        extras.append(f'<figure class="wp-caption"><img src="{uploads}/fig-{rng.randint(1, 99)}.jpg" alt="" /><figcaption>{sentence(rng, 6)}</figcaption></figure>')
    if rng.random() < 0.01:
        extras.append("<script>document.write('tracker')</script>")
    for extra in extras:
        blocks.insert(rng.randint(1, len(blocks)), extra)
    if rng.random() < 0.5:
        # The classic editor: paragraphs by blank lines.
        return "\n\n".join(blocks)
    out = []
    for block in blocks:
        if block.startswith("<"):
            out.append(f"<!-- wp:html -->\n{block}\n<!-- /wp:html -->")
        else:
            out.append(f"<!-- wp:paragraph -->\n<p>{block}</p>\n<!-- /wp:paragraph -->")
    return "\n\n".join(out)


def cdata(text):
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    site = "https://news.example.org"
    authors = []
    for i in range(30):
        given, family = GIVEN[i % len(GIVEN)], FAMILY[(i * 7) % len(FAMILY)]
        authors.append((f"{given.lower()}{i}", given, f"{family}{'' if i < len(FAMILY) else i}"))
    tags = [f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i}" for i in range(80)]
    start = dt.datetime(2010, 1, 1)
    span = (dt.datetime(2025, 12, 31) - start).total_seconds()
    with open(args.out, "w", encoding="utf-8") as out:
        w = out.write
        w('<?xml version="1.0" encoding="UTF-8" ?>\n')
        w('<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
          'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n')
        w(f"<title>News Example</title>\n<link>{site}</link>\n<language>en-US</language>\n"
          f"<wp:wxr_version>1.2</wp:wxr_version>\n<wp:base_site_url>{site}</wp:base_site_url>\n")
        for login, given, family in authors:
            w(f"<wp:author><wp:author_id>{len(login)}</wp:author_id><wp:author_login>{cdata(login)}</wp:author_login>"
              f"<wp:author_email>{cdata(login + '@example.org')}</wp:author_email>"
              f"<wp:author_display_name>{cdata(given + ' ' + family)}</wp:author_display_name>"
              f"<wp:author_first_name>{cdata(given)}</wp:author_first_name>"
              f"<wp:author_last_name>{cdata(family)}</wp:author_last_name></wp:author>\n")
        for i in range(args.count):
            when = start + dt.timedelta(seconds=int(rng.random() * span))
            offset = rng.choice([0, 1, 2, -5])
            title = sentence(rng, rng.randint(4, 10))[:-1]
            slug = "-".join(title.lower().split())[:70].strip("-")
            kind, status = "post", "publish"
            if i % 50 == 49:
                kind, status = rng.choice([("page", "publish"), ("attachment", "inherit")])
            elif i % 40 == 39:
                status = "draft"
            elif i % 97 == 96:
                status = "private"
            author = rng.choice(authors[:10] if rng.random() < 0.6 else authors)
            gmt = when - dt.timedelta(hours=offset)
            categories = rng.sample(CATEGORIES, rng.randint(1, 2))
            item_tags = rng.sample(tags, rng.randint(0, 4))
            link = f"{site}/{when:%Y/%m/%d}/{slug}/"
            w("<item>\n")
            w(f"<title>{cdata(title)}</title>\n<link>{link}</link>\n")
            w(f"<pubDate>{gmt:%a, %d %b %Y %H:%M:%S} +0000</pubDate>\n")
            w(f"<dc:creator>{cdata(author[0])}</dc:creator>\n")
            w(f'<guid isPermaLink="false">{site}/?p={i + 1}</guid>\n<description></description>\n')
            w(f"<content:encoded>{cdata(body(rng, when, site))}</content:encoded>\n")
            excerpt = sentence(rng, 14) if rng.random() < 0.3 else ""
            w(f"<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>\n")
            w(f"<wp:post_id>{i + 1}</wp:post_id>\n")
            w(f"<wp:post_date>{cdata(f'{when:%Y-%m-%d %H:%M:%S}')}</wp:post_date>\n")
            gmt_text = "0000-00-00 00:00:00" if status == "draft" else f"{gmt:%Y-%m-%d %H:%M:%S}"
            w(f"<wp:post_date_gmt>{cdata(gmt_text)}</wp:post_date_gmt>\n")
            w(f"<wp:comment_status>{cdata('open')}</wp:comment_status>\n")
            w(f"<wp:post_name>{cdata(slug if status != 'draft' else '')}</wp:post_name>\n")
            w(f"<wp:status>{cdata(status)}</wp:status>\n<wp:post_parent>0</wp:post_parent>\n")
            w(f"<wp:menu_order>0</wp:menu_order>\n<wp:post_type>{cdata(kind)}</wp:post_type>\n")
            w(f"<wp:post_password>{cdata('')}</wp:post_password>\n<wp:is_sticky>0</wp:is_sticky>\n")
            for c in categories:
                w(f'<category domain="category" nicename="{c.lower()}">{cdata(c)}</category>\n')
            for t in item_tags:
                w(f'<category domain="post_tag" nicename="{"-".join(t.split())}">{cdata(t)}</category>\n')
            w('<wp:postmeta><wp:meta_key>_edit_last</wp:meta_key><wp:meta_value>1</wp:meta_value></wp:postmeta>\n')
            w("</item>\n")
        w("</channel>\n</rss>\n")


if __name__ == "__main__":
    main()
