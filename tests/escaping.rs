//! Hostile text in every field that reaches an output lands there as text: escaped in HTML
//! text and attributes, in JSON-LD, in Atom, RSS and the sitemaps, and never turned into
//! markup, a script, a template expression or a broken file. Table-driven: each hostile
//! string in each field (title, author name, bio, tag, section, summary), each output
//! (HTML text and attributes, JSON-LD, Atom, RSS, the sitemaps, `_redirects`, the search
//! index's records) read back with a real parser (scraper, serde_json, quick-xml, gzip and
//! JSON for Pagefind's fragments) and compared with what was written.

mod common;

use std::fs;

use common::{Site, collapse};
use quick_xml::events::Event;
use scraper::Selector;

const CONFIG: &str = "title = \"Escaping\"\nbase_url = \"https://example.org/\"\n";

/// What someone may put in a field to break out of where it lands.
const HOSTILE: [&str; 7] = [
    "</script><script>alert(1)</script>",
    "say \"hi\" there",
    "it's 'quoted'",
    "<img src=x onerror=alert(1)>",
    "end ]]> of CDATA",
    "javascript:alert(1)",
    "{{ site.title }} and {% raw %}",
];

/// The fields: where each is written in a source, given `value`, for article `i`.
fn article(i: usize, value: &str) -> String {
    let yaml = |field: &str| serde_json::to_string(&format!("{field}{i} {value}")).unwrap();
    format!(
        "---\ntitle: {}\ndate: 2025-01-02T{:02}:00:00Z\nslug: s{i}\naliases: [\"/old/s{i}/\"]\nauthor: {}\ntags: [{}]\nsection: {}\nsummary: {}\n---\nBody.\n",
        yaml("title"),
        i + 10,
        yaml("author"),
        yaml("tag"),
        yaml("section"),
        yaml("summary"),
    )
}

fn profile(i: usize, value: &str) -> String {
    let yaml = |field: &str| serde_json::to_string(&format!("{field}{i} {value}")).unwrap();
    format!("---\nname: {}\nbio: {}\n---\n", yaml("author"), yaml("bio"))
}

/// Every text node (with its entities and CDATA) and attribute value of an XML file,
/// unescaped; panics if the file is not well-formed.
fn xml_strings(name: &str, xml: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut strings = Vec::new();
    let mut text = String::new();
    loop {
        let event = reader
            .read_event()
            .unwrap_or_else(|e| panic!("{name} is not well-formed XML: {e}"));
        match event {
            Event::Eof => break,
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(c) => text.push_str(&c),
            Event::GeneralRef(r) => match r.resolve_char_ref().unwrap() {
                Some(c) => text.push(c),
                None => text.push_str(
                    quick_xml::escape::resolve_predefined_entity(&r)
                        .unwrap_or_else(|| panic!("{name}: unknown entity &{};", &*r)),
                ),
            },
            other => {
                strings.push(std::mem::take(&mut text));
                if let Event::Start(e) | Event::Empty(e) = other {
                    for attr in e.attributes() {
                        let attr = attr.unwrap_or_else(|err| panic!("{name}: {err}"));
                        let value = attr.normalized_value(quick_xml::XmlVersion::Implicit1_0).unwrap();
                        strings.push(value.into_owned());
                    }
                }
            }
        }
    }
    strings
}

#[test]
fn hostile_text_lands_escaped_in_every_output() {
    let site = Site::with_config(CONFIG);
    for (i, value) in HOSTILE.iter().enumerate() {
        site.write(&format!("content/2025/01/a{i}.md"), article(i, value));
        site.write(&format!("content/authors/author{i}.md"), profile(i, value));
    }
    // "Now" the evening of the articles' day, for the news sitemap's last two days to hold
    // them.
    let mut options = site.options();
    options.now = chrono::DateTime::parse_from_rfc3339("2025-01-02T23:00:00Z").unwrap();
    dateline::build(&options).unwrap_or_else(|e| panic!("build failed:\n{e}"));

    let scripts = Selector::parse("script").unwrap();
    let any = Selector::parse("*").unwrap();
    let atom = fs::read_to_string(site.out().join("atom.xml")).unwrap();
    let rss = fs::read_to_string(site.out().join("rss.xml")).unwrap();
    let news = fs::read_to_string(site.out().join("news-sitemap.xml")).unwrap();
    let feeds = [
        ("atom.xml", xml_strings("atom.xml", &atom)),
        ("rss.xml", xml_strings("rss.xml", &rss)),
        ("news-sitemap.xml", xml_strings("news-sitemap.xml", &news)),
    ];
    // Every XML file (the sitemap index and its parts too) is well-formed.
    let mut xml_files = 0;
    for entry in fs::read_dir(site.out()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "xml") {
            xml_strings(&path.display().to_string(), &fs::read_to_string(&path).unwrap());
            xml_files += 1;
        }
    }
    assert!(xml_files >= 4, "{xml_files} XML files");

    for (i, value) in HOSTILE.iter().enumerate() {
        let field = |f: &str| format!("{f}{i} {value}");
        let page = site.page(&format!("2025/01/02/s{i}/"));
        let author = site.page(&format!("authors/author{i}/"));
        for (what, page) in [("article", &page), ("author", &author)] {
            // Nothing became an element: no image with a handler, no script but JSON-LD
            // and the theme's own.
            for el in page.html.select(&any) {
                for (attr, _) in el.value().attrs() {
                    assert!(!attr.starts_with("on"), "{what} page {i}: an `{attr}` handler");
                }
                for (_, v) in el.value().attrs() {
                    assert!(!v.trim_start().starts_with("javascript:"), "{what} page {i}: {v}");
                }
            }
            for script in page.html.select(&scripts) {
                let body: String = script.text().collect();
                assert!(
                    !body.contains("alert(1)") || script.value().attr("type") == Some("application/ld+json"),
                    "{what} page {i}: a script runs {body:?}"
                );
                if script.value().attr("type") == Some("application/ld+json") {
                    serde_json::from_str::<serde_json::Value>(&body)
                        .unwrap_or_else(|e| panic!("{what} page {i}: JSON-LD does not parse: {e}\n{body}"));
                }
            }
        }

        // HTML text (equal to what was written: `{{ }}` was not run as a template either).
        assert_eq!(page.text("h1"), field("title"), "article {i}: the title");
        let body = collapse(&page.html.root_element().text().collect::<String>());
        for f in ["author", "tag", "section"] {
            assert!(body.contains(&field(f)), "article {i}: the {f} is not shown as text");
        }
        assert_eq!(author.text("h1"), field("author"), "author {i}: the name");
        assert!(
            collapse(&author.html.root_element().text().collect::<String>()).contains(&field("bio")),
            "author {i}: the bio"
        );
        // HTML attributes: the description and the page's title for social cards.
        let attrs = [
            ("meta[name=description]", "summary"),
            ("meta[property='og:description']", "summary"),
            ("meta[property='og:title']", "title"),
            ("meta[property='article:section']", "section"),
            ("meta[property='article:tag']", "tag"),
        ];
        for (css, f) in attrs {
            assert_eq!(page.attr(css, "content"), field(f), "article {i}: {css}");
        }
        // JSON-LD: the headline and the author's name, exactly.
        let jsonld: serde_json::Value = page
            .html
            .select(&Selector::parse("script[type='application/ld+json']").unwrap())
            .map(|s| serde_json::from_str(&s.text().collect::<String>()).unwrap())
            .next()
            .unwrap_or_else(|| panic!("article {i}: no JSON-LD"));
        let json = jsonld.to_string();
        assert!(
            json.contains(&serde_json::to_string(&field("title")).unwrap()),
            "article {i}: headline in {json}"
        );
        assert!(
            json.contains(&serde_json::to_string(&field("author")).unwrap()),
            "article {i}: author in {json}"
        );
        // Feeds and the news sitemap: the title as text, whole.
        for (name, strings) in &feeds {
            assert!(
                strings.iter().any(|s| s.contains(&field("title"))),
                "{name}: the title of article {i} is not there as text"
            );
        }
        for (name, strings) in &feeds[..2] {
            for f in ["author", "summary", "tag", "section"] {
                assert!(
                    strings.iter().any(|s| s.contains(&field(f))),
                    "{name}: the {f} of article {i} is not there as text"
                );
            }
        }
    }

    // `_redirects`: paths only (slugs and aliases, which hold no such text), one rule a
    // line of three fields.
    let redirects = fs::read_to_string(site.out().join("_redirects")).unwrap();
    for i in 0..HOSTILE.len() {
        assert!(
            redirects.contains(&format!("/old/s{i}/ /2025/01/02/s{i}/ 301")),
            "{redirects}"
        );
    }
    for line in redirects
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        assert_eq!(line.split_whitespace().count(), 3, "{line:?}");
    }

    // The search index: each article's metadata, read back from Pagefind's fragments
    // (gzip, then `pagefind_dcd` and JSON), holds the text as it was written.
    let mut metas = Vec::new();
    for entry in walkdir::WalkDir::new(site.out()) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|e| e == "pf_fragment") {
            let mut json = Vec::new();
            std::io::Read::read_to_end(
                &mut flate2::read::GzDecoder::new(fs::File::open(entry.path()).unwrap()),
                &mut json,
            )
            .unwrap();
            let json = json.strip_prefix(b"pagefind_dcd").expect("a Pagefind fragment");
            let fragment: serde_json::Value = serde_json::from_slice(json).unwrap();
            metas.push(fragment["meta"].clone());
        }
    }
    assert_eq!(metas.len(), HOSTILE.len(), "one fragment an article");
    for (i, value) in HOSTILE.iter().enumerate() {
        let field = |f: &str| format!("{f}{i} {value}");
        let meta = metas
            .iter()
            .find(|m| m["title"] == field("title").as_str())
            .unwrap_or_else(|| panic!("no search record has the title of article {i}: {metas:#?}"));
        assert_eq!(meta["byline"], field("author").as_str(), "{meta}");
        assert_eq!(meta["section"], field("section").as_str(), "{meta}");
    }
}

/// A Markdown body's raw HTML is the newsroom's own and kept as written; with
/// `[content] sanitize = true` it is cleaned (scripts, handlers, `javascript:` removed,
/// embeds kept) in the page, the full-content feeds and the search index, and so is the
/// Markdown bio of an author's profile; turning the setting on renders the unchanged
/// articles and author pages again.
#[test]
fn markdown_bodies_keep_their_html_unless_sanitize_is_on() {
    const BODY: &str = "Before.\n\n<script>alert('body')</script>\n\n<p onclick=\"steal()\">Hi <a href=\"javascript:steal()\">there</a>.</p>\n\n<iframe src=\"https://www.youtube.com/embed/abc\" title=\"Video\"></iframe>\n\nAfter.\n";
    let config = |sanitize: bool| format!("{CONFIG}feed_content = \"full\"\n[content]\nsanitize = {sanitize}\n");
    let site = Site::with_config(&config(false));
    site.write(
        "content/2025/01/raw.md",
        format!("---\ntitle: Raw\ndate: 2025-01-02T10:00:00Z\nauthor: Ada Lovelace\n---\n{BODY}"),
    );
    site.write(
        "content/authors/ada-lovelace.md",
        "---\nname: Ada Lovelace\n---\nAda writes on engines.\n\n<script>alert('bio')</script>\n\n<a href=\"javascript:steal()\" onmouseover=\"steal()\">Her site</a>\n",
    );
    let all_text = |site: &Site| {
        let mut text = String::new();
        for entry in walkdir::WalkDir::new(site.out()) {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "pf_fragment") {
                std::io::Read::read_to_string(
                    &mut flate2::read::GzDecoder::new(fs::File::open(path).unwrap()),
                    &mut text,
                )
                .unwrap();
            } else if path.extension().is_some_and(|e| e == "xml" || e == "html") {
                text.push_str(&fs::read_to_string(path).unwrap());
            }
        }
        text
    };

    site.built();
    let page = site.page("2025/01/02/raw/");
    assert_eq!(
        page.count("article script, main script"),
        1,
        "the body's script is kept"
    );
    assert!(page.text.contains("<p onclick=\"steal()\">"));
    let author = site.page("authors/ada-lovelace/");
    assert_eq!(author.count("main script"), 1, "the bio's script is kept");
    assert!(
        fs::read_to_string(site.out().join("atom.xml"))
            .unwrap()
            .contains("steal()")
    );

    site.write("dateline.toml", config(true));
    site.built();
    let page = site.page("2025/01/02/raw/");
    assert_eq!(page.count("article script, main script"), 0, "{}", page.text);
    assert_eq!(page.count("[onclick]"), 0);
    assert_eq!(page.attr("iframe", "src"), "https://www.youtube.com/embed/abc");
    assert!(page.text.contains("Before.") && page.text.contains("After."));
    let author = site.page("authors/ada-lovelace/");
    assert_eq!(author.count("main script"), 0, "{}", author.text);
    assert!(author.text.contains("Ada writes on engines."));
    assert_eq!(author.count("[onmouseover]"), 0);
    assert!(!author.text.contains("javascript:"), "{}", author.text);
    let everything = all_text(&site);
    assert!(!everything.contains("steal()"), "a handler or javascript: link is left");
    assert!(!everything.contains("alert('body')"), "the script is left");
    assert!(!everything.contains("alert('bio')"), "the bio's script is left");
    assert!(everything.contains("youtube.com/embed/abc"), "the embed is gone");
}
