//! A complete news archive: tags and sections, feeds, sitemaps, structured data,
//! redirects, on this day, time zones, drafts and scheduled articles everywhere.

mod common;

use common::{Page, Site};
use quick_xml::Reader;
use quick_xml::events::Event;

const BUDGET: &str = "2025/12/02/parliament-passes-the-budget-whats-in-it/";

fn built() -> Site {
    let site = Site::fixture("basic");
    site.built();
    site
}

/// Every element of an XML file as (path of element names, text), checking it parses.
fn xml_texts(site: &Site, rel: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(site.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut reader = Reader::from_str(&text);
    let mut stack: Vec<(String, String)> = Vec::new();
    let mut out = Vec::new();
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("{rel} is not well-formed XML: {e}"))
        {
            Event::Start(e) => stack.push((e.name().as_ref().to_string(), String::new())),
            Event::End(_) => {
                let path = stack.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join("/");
                let (_, text) = stack.pop().expect("balanced");
                if !text.trim().is_empty() {
                    out.push((path, text));
                }
            }
            Event::Text(t) => {
                if let Some((_, buffer)) = stack.last_mut() {
                    buffer.push_str(&t);
                }
            }
            Event::GeneralRef(r) => {
                let name: &str = &r;
                let c = match name {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    n => {
                        let code = n
                            .strip_prefix("#x")
                            .map(|h| u32::from_str_radix(h, 16))
                            .or_else(|| n.strip_prefix('#').map(|d| d.parse()));
                        char::from_u32(code.unwrap_or_else(|| panic!("unknown entity {n}")).unwrap()).unwrap()
                    }
                };
                if let Some((_, buffer)) = stack.last_mut() {
                    buffer.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "{rel}: unclosed elements");
    out
}

fn values<'a>(texts: &'a [(String, String)], path: &str) -> Vec<&'a str> {
    texts
        .iter()
        .filter(|(p, _)| p == path)
        .map(|(_, t)| t.as_str())
        .collect()
}

fn jsonld(page: &Page) -> serde_json::Value {
    let text = page.text("script[type='application/ld+json']");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("JSON-LD does not parse: {e}\n{text}"))
}

fn node<'a>(graph: &'a serde_json::Value, kind: &str) -> &'a serde_json::Value {
    graph["@graph"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["@type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {graph}"))
}

#[test]
fn tags_and_sections_have_pages_linked_from_articles() {
    let site = built();
    let article = site.page(BUDGET);
    assert_eq!(
        article.attrs(".tags a", "href"),
        ["/archive/tags/budget/", "/archive/tags/politics/"]
    );
    assert_eq!(article.attr(".kicker a", "href"), "/archive/sections/politics/");

    let tags = site.page("tags/");
    assert_eq!(tags.texts(".term-list a"), ["Budget", "Japan", "Politics"]);
    let politics = site.page("tags/politics/");
    assert_eq!(politics.text("h1"), "Politics", "the spelling most articles use");
    assert_eq!(
        politics.texts(".card-title"),
        [
            "Late-Night Session Ends",
            "Parliament Passes the Budget: What’s in It",
            "A Year Earlier: Talks Begin"
        ]
    );
    assert_eq!(politics.count(".pager"), 0, "three articles, two a page: one page");

    let sections = site.page("sections/");
    assert_eq!(sections.texts(".term-list a"), ["Politics", "World"]);
    assert_eq!(
        site.page("sections/world/").texts(".card-title"),
        ["A Year Earlier: Talks Begin"]
    );
    let nav = site.page("").attrs("header nav a", "href");
    assert!(
        nav.contains(&"/archive/sections/politics/".to_string()) && nav.contains(&"/archive/tags/".to_string()),
        "{nav:?}"
    );
}

#[test]
fn atom_and_rss_feeds() {
    let site = built();
    let atom = xml_texts(&site, "atom.xml");
    assert_eq!(values(&atom, "feed/title"), ["Fixture Gazette"]);
    let entries = values(&atom, "feed/entry/title");
    assert_eq!(entries.len(), 7);
    assert_eq!(entries[0], "Late-Night Session Ends");
    assert!(
        values(&atom, "feed/entry/id")
            .iter()
            .all(|id| id.starts_with("https://news.example.com/archive/"))
    );
    assert!(!entries.contains(&"A Draft") && !entries.contains(&"Scheduled For Later"));
    let text = std::fs::read_to_string(site.out().join("atom.xml")).unwrap();
    assert!(text.contains(r#"<link href="https://news.example.com/archive/atom.xml" rel="self""#));
    assert!(
        text.contains("<name>Jane Roe</name>") && text.contains("<name>Austin Collins</name>"),
        "every author of the two-author article"
    );
    assert!(
        text.contains("<updated>2026-01-02T10:00:00-05:00</updated>"),
        "the feed is as new as its newest change"
    );
    assert!(
        text.contains("Markets Close Higher &amp; Bonds &lt;Slip&gt;"),
        "titles are escaped"
    );

    let rss = xml_texts(&site, "rss.xml");
    assert_eq!(values(&rss, "rss/channel/item/title").len(), 7);
    assert_eq!(
        values(&rss, "rss/channel/item/pubDate")[0],
        "Wed, 31 Dec 2025 23:30:00 -0500"
    );
    assert_eq!(values(&rss, "rss/channel/item/dc:creator")[0], "Jane Roe");

    let author = xml_texts(&site, "authors/austin-collins/atom.xml");
    assert_eq!(values(&author, "feed/entry/title").len(), 3);
    let tag = xml_texts(&site, "tags/budget/atom.xml");
    assert_eq!(
        values(&tag, "feed/entry/title"),
        ["Late-Night Session Ends", "Parliament Passes the Budget: What’s in It"]
    );

    // Pages announce the feeds they belong to.
    let home = site.page("");
    assert_eq!(
        home.attrs("link[rel=alternate]", "href"),
        [
            "https://news.example.com/archive/atom.xml",
            "https://news.example.com/archive/rss.xml"
        ]
    );
    let author_page = site.page("authors/austin-collins/");
    assert!(
        author_page
            .attrs("link[rel=alternate]", "href")
            .contains(&"https://news.example.com/archive/authors/austin-collins/atom.xml".to_string())
    );
    let tag_page = site.page("tags/budget/");
    assert_eq!(
        tag_page.attrs("link[rel=alternate][type='application/atom+xml']", "href")[1],
        "https://news.example.com/archive/tags/budget/atom.xml"
    );
}

#[test]
fn feeds_hold_the_newest_entries_and_full_content_on_request() {
    let site = Site::fixture("basic");
    let config = std::fs::read_to_string(site.root().join("dateline.toml")).unwrap();
    site.write(
        "dateline.toml",
        format!("feed_limit = 2\nfeed_content = \"full\"\n{config}"),
    );
    site.built();
    let atom = xml_texts(&site, "atom.xml");
    assert_eq!(
        values(&atom, "feed/entry/title"),
        ["Late-Night Session Ends", "Parliament Passes the Budget: What’s in It"]
    );
    let content = values(&atom, "feed/entry/content");
    assert!(
        content[1].contains("<h2 id=\"what-changes\">What changes</h2>"),
        "{}",
        content[1]
    );
    let rss = xml_texts(&site, "rss.xml");
    assert!(values(&rss, "rss/channel/item/description")[0].contains("<p>The session ended"));
}

#[test]
fn sitemaps_index_years_and_pages() {
    let site = built();
    let index = xml_texts(&site, "sitemap.xml");
    assert_eq!(
        values(&index, "sitemapindex/sitemap/loc"),
        [
            "https://news.example.com/archive/sitemaps/2025.xml",
            "https://news.example.com/archive/sitemaps/2024.xml",
            "https://news.example.com/archive/sitemaps/pages.xml"
        ]
    );
    let y2025 = xml_texts(&site, "sitemaps/2025.xml");
    let locs = values(&y2025, "urlset/url/loc");
    let lastmods = values(&y2025, "urlset/url/lastmod");
    assert_eq!(locs.len(), lastmods.len(), "every URL has a lastmod");
    let at = |loc: &str| {
        lastmods[locs
            .iter()
            .position(|l| l.ends_with(loc))
            .unwrap_or_else(|| panic!("{loc} not in the sitemap"))]
    };
    assert_eq!(
        at("/2025/12/31/late-night-session-ends/"),
        "2026-01-02T10:00:00-05:00",
        "updated wins"
    );
    assert_eq!(
        at("/archive/2025/"),
        "2026-01-02T10:00:00-05:00",
        "a listing is as new as its newest article"
    );
    let y2024 = xml_texts(&site, "sitemaps/2024.xml");
    let locs = values(&y2024, "urlset/url/loc");
    let lastmods = values(&y2024, "urlset/url/lastmod");
    let i = locs
        .iter()
        .position(|l| l.ends_with("/2024/10/26/a-year-earlier-talks-begin/"))
        .unwrap();
    assert_eq!(lastmods[i], "2024-10-27T09:00:00-04:00", "a correction changes lastmod");
    let pages = xml_texts(&site, "sitemaps/pages.xml");
    let locs = values(&pages, "urlset/url/loc");
    for page in [
        "/archive/",
        "/archive/authors/jane-roe/",
        "/archive/tags/budget/",
        "/archive/sections/world/",
        "/archive/on-this-day/10-26/",
    ] {
        assert!(locs.iter().any(|l| l.ends_with(page)), "{page} missing from pages.xml");
    }
    let all: String = std::fs::read_dir(site.out().join("sitemaps"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(!all.contains("a-draft") && !all.contains("scheduled-for-later"));
    let robots = std::fs::read_to_string(site.out().join("robots.txt")).unwrap();
    assert!(
        robots.contains("Sitemap: https://news.example.com/archive/sitemap.xml"),
        "{robots}"
    );
}

#[test]
fn news_sitemap_has_the_last_48_hours() {
    let site = Site::fixture("basic");
    let mut options = site.options();
    options.now = chrono::DateTime::parse_from_rfc3339("2026-01-02T12:00:00-05:00").unwrap();
    dateline::build(&options).unwrap();
    let news = xml_texts(&site, "news-sitemap.xml");
    assert_eq!(
        values(&news, "urlset/url/news:news/news:title"),
        ["Late-Night Session Ends"]
    );
    assert_eq!(
        values(&news, "urlset/url/news:news/news:publication/news:name"),
        ["Fixture Media"]
    );
    assert_eq!(
        values(&news, "urlset/url/news:news/news:publication/news:language"),
        ["en"]
    );
    assert_eq!(
        values(&news, "urlset/url/news:news/news:publication_date"),
        ["2025-12-31T23:30:00-05:00"]
    );

    // Scheduled articles stay out even when built with --future.
    options.future = true;
    dateline::build(&options).unwrap();
    let news = xml_texts(&site, "news-sitemap.xml");
    assert_eq!(
        values(&news, "urlset/url/news:news/news:title"),
        ["Late-Night Session Ends"]
    );
}

#[test]
fn structured_data_and_social_tags_on_articles() {
    let site = built();
    let page = site.page(BUDGET);
    let graph = jsonld(&page);
    let article = node(&graph, "NewsArticle");
    assert_eq!(article["headline"], "Parliament Passes the Budget: What’s in It");
    assert_eq!(article["datePublished"], "2025-12-02T21:30:00-05:00");
    assert_eq!(article["dateModified"], "2025-12-02T21:30:00-05:00");
    let authors: Vec<&str> = article["author"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        authors,
        [
            "https://news.example.com/archive/authors/jane-roe/",
            "https://news.example.com/archive/authors/austin-collins/"
        ]
    );
    assert_eq!(article["author"][0]["@type"], "Person");
    assert_eq!(article["publisher"]["@type"], "Organization");
    assert_eq!(article["publisher"]["name"], "Fixture Media");
    assert_eq!(
        article["mainEntityOfPage"]["@id"],
        format!("https://news.example.com/archive/{BUDGET}")
    );
    assert_eq!(article["keywords"], serde_json::json!(["Budget", "Politics"]));
    let crumbs = node(&graph, "BreadcrumbList");
    assert_eq!(crumbs["itemListElement"].as_array().unwrap().len(), 5);

    assert_eq!(page.attr("meta[property='og:type']", "content"), "article");
    assert_eq!(
        page.attr("meta[property='article:published_time']", "content"),
        "2025-12-02T21:30:00-05:00"
    );
    assert_eq!(page.attrs("meta[property='article:author']", "content").len(), 2);
    assert_eq!(
        page.attrs("meta[property='article:tag']", "content"),
        ["Budget", "Politics"]
    );
    assert_eq!(page.attr("meta[name='twitter:card']", "content"), "summary");

    // Corrections are shown, and dated.
    let corrected = site.page("2024/10/26/a-year-earlier-talks-begin/");
    assert_eq!(
        corrected.text(".corrections li"),
        "October 27, 2024: An earlier version misstated the venue."
    );
    assert_eq!(
        node(&jsonld(&corrected), "NewsArticle")["dateModified"],
        "2024-10-27T09:00:00-04:00"
    );
    assert_eq!(
        corrected.attr("meta[property='article:modified_time']", "content"),
        "2024-10-27T09:00:00-04:00"
    );
}

#[test]
fn structured_data_on_listing_and_author_pages() {
    let site = built();
    for rel in [
        "",
        "2025/",
        "2025/12/",
        "2025/12/02/",
        "tags/budget/",
        "sections/politics/",
        "authors/",
        "on-this-day/10-26/",
    ] {
        let graph = jsonld(&site.page(rel));
        assert_eq!(
            node(&graph, "CollectionPage")["url"],
            format!("https://news.example.com/archive/{rel}"),
            "{rel}"
        );
        let trail = node(&graph, "BreadcrumbList")["itemListElement"].as_array().unwrap();
        assert_eq!(trail[0]["name"], "Home", "{rel}");
    }
    let graph = jsonld(&site.page("authors/jane-roe/"));
    let profile = node(&graph, "ProfilePage");
    assert_eq!(profile["mainEntity"]["@type"], "Person");
    assert_eq!(profile["mainEntity"]["name"], "Jane Roe");
}

#[test]
fn no_title_can_break_out_of_the_script() {
    let site = Site::with_config("title = \"X\"\nbase_url = \"https://e.org/\"\n");
    site.write(
        "content/a.md",
        "---\ntitle: \"</script><script>alert('x')</script> & <b>bold</b>\"\ndate: 2025-01-01T10:00:00Z\n---\nBody\n",
    );
    site.built();
    let page = site.page("2025/01/01/script-script-alert-x-script-b-bold-b/");
    assert_eq!(page.count("script"), 1, "the title did not open another script");
    assert_eq!(
        node(&jsonld(&page), "NewsArticle")["headline"],
        "</script><script>alert('x')</script> & <b>bold</b>"
    );
    assert_eq!(page.text("h1"), "</script><script>alert('x')</script> & <b>bold</b>");
}

#[test]
fn aliases_redirect_to_the_article() {
    let site = built();
    let target = "https://news.example.com/archive/2024/10/26/a-year-earlier-talks-begin/";
    for rel in ["old/talks-begin/index.html", "legacy/story-123.html"] {
        let page = site.page(rel);
        assert_eq!(page.attr("link[rel=canonical]", "href"), target);
        assert_eq!(
            page.attr("meta[http-equiv=refresh]", "content"),
            "0; url=/archive/2024/10/26/a-year-earlier-talks-begin/"
        );
    }
    let redirects = std::fs::read_to_string(site.out().join("_redirects")).unwrap();
    assert_eq!(
        redirects,
        "/archive/legacy/story-123.html /archive/2024/10/26/a-year-earlier-talks-begin/ 301\n\
         /archive/old/talks-begin/ /archive/2024/10/26/a-year-earlier-talks-begin/ 301\n"
    );
}

#[test]
fn an_alias_on_a_page_is_an_error() {
    let site = Site::fixture("basic");
    site.write(
        "content/2025/12/clash.md",
        "---\ntitle: Clash\ndate: 2025-12-03T10:00:00Z\naliases:\n  - /2025/12/02/\n---\nx\n",
    );
    let err = site.build().unwrap_err();
    let root = format!("{}/", site.root().display());
    let list = err
        .problems()
        .unwrap_or_else(|| panic!("not problems of the site's files: {err}"));
    let messages: Vec<String> = list.iter().map(|d| d.to_string().replace(&root, "")).collect();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(
        messages[0].starts_with("content/2025/12/clash.md:4:9: error: alias `/2025/12/02/` is the URL of a page"),
        "{}",
        messages[0]
    );
    assert!(!site.out().exists());
}

#[test]
fn a_static_file_at_the_path_of_a_generated_one_is_an_error() {
    let site = Site::fixture("basic");
    site.write("static/sitemap.xml", "<urlset/>");
    site.write("static/2025/10/26/index.html", "<p>mine</p>");
    site.write("static/2025/10/26/photo.jpg", "jpeg");
    let err = site.build().unwrap_err();
    let root = format!("{}/", site.root().display());
    let list = err
        .problems()
        .unwrap_or_else(|| panic!("not problems of the site's files: {err}"));
    let messages: Vec<String> = list.iter().map(|d| d.to_string().replace(&root, "")).collect();
    assert_eq!(
        messages,
        [
            "static/2025/10/26/index.html:1:1: error: /2025/10/26/index.html is also a page or file that dateline writes\n  hint: rename or remove the file",
            "static/sitemap.xml:1:1: error: /sitemap.xml is also a page or file that dateline writes\n  hint: rename or remove the file",
        ]
    );
    assert!(!site.out().exists());
}

#[test]
fn on_this_day_lists_every_year() {
    let site = built();
    let page = site.page("on-this-day/10-26/");
    assert_eq!(page.text("h1"), "On this day: October 26");
    assert_eq!(page.texts(".day-group h2"), ["October 26, 2025", "October 26, 2024"]);
    let day = site.page("2025/10/26/");
    assert_eq!(day.attr(".count a", "href"), "/archive/on-this-day/10-26/");
    // A day whose calendar day has no articles in other years does not link.
    assert_eq!(site.page("2025/12/02/").count(".count a"), 0);
}

#[test]
fn the_url_date_is_the_local_date_of_the_site() {
    let article = "---\ntitle: New Year\ndate: 2025-12-31T23:30:00-05:00\n---\nx\n";
    let ny = Site::with_config("title = \"X\"\nbase_url = \"https://e.org/\"\ntimezone = \"America/New_York\"\n");
    ny.write("content/a.md", article);
    ny.built();
    assert!(ny.exists("2025/12/31/new-year/index.html"));
    assert_eq!(
        ny.page("2025/12/31/new-year/").text("article time"),
        "Wednesday, December 31, 2025, 11:30 PM EST"
    );
    let utc = Site::with_config("title = \"X\"\nbase_url = \"https://e.org/\"\n");
    utc.write("content/a.md", article);
    utc.built();
    assert!(utc.exists("2026/01/01/new-year/index.html"));
    assert_eq!(
        utc.page("2026/01/01/new-year/").attr("article time", "datetime"),
        "2026-01-01T04:30:00+00:00"
    );
}

#[test]
fn dates_in_the_site_language() {
    let site = Site::with_config(
        "title = \"X\"\nbase_url = \"https://e.org/\"\nlanguage = \"fr\"\ntimezone = \"Europe/Paris\"\n",
    );
    site.write(
        "content/a.md",
        "---\ntitle: Bonjour\ndate: 2025-10-26T14:30:00+01:00\n---\nx\n",
    );
    site.built();
    let page = site.page("2025/10/26/bonjour/");
    assert_eq!(page.attr("html", "lang"), "fr");
    assert_eq!(page.text("article time"), "dimanche 26 octobre 2025, 14:30 CET");
    assert_eq!(site.page("2025/10/").text("h1"), "octobre 2025");
    assert_eq!(
        site.page("2025/10/").texts(".calendar th")[0],
        "lun.",
        "weeks start on Monday"
    );
}

#[test]
fn drafts_and_scheduled_articles_are_in_no_listing() {
    let site = built();
    let mut everything = String::new();
    for entry in walkdir::WalkDir::new(site.out())
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
    {
        everything.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
    }
    assert!(!everything.contains("A Draft") && !everything.contains("a-draft"));
    assert!(!everything.contains("Scheduled For Later") && !everything.contains("scheduled-for-later"));
}
