//! Table-driven tests of whole sources in the three formats.

use std::path::Path;

use chrono_tz::Tz;

use super::*;

fn cx() -> ParseContext {
    ParseContext { timezone: Tz::UTC }
}

fn ok(name: &str, text: &str) -> ParsedArticle {
    let format = Format::of(Path::new(name)).expect("article extension");
    parse_article(Path::new(name), text.as_bytes(), format, &cx()).unwrap_or_else(|e| panic!("{name}: {e:?}"))
}

fn errors(name: &str, text: &[u8]) -> Vec<String> {
    let format = Format::of(Path::new(name)).expect("article extension");
    parse_article(Path::new(name), text, format, &cx())
        .expect_err("should fail")
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn names(a: &ParsedArticle) -> Vec<&str> {
    a.bylines.iter().map(|b| b.name.as_str()).collect()
}

#[test]
fn the_three_formats() {
    let yaml = ok(
        "a.md",
        "---\ntitle: \"Tokyo & Osaka\"\ndate: 2025-10-26T14:30:00+09:00\nauthors: [Jane Roe, John Doe]\ntags: [Japan, Trade]\nsection: World\n---\nFirst *paragraph*.\n",
    );
    assert_eq!(yaml.title, "Tokyo & Osaka");
    assert_eq!(yaml.date.at.to_rfc3339(), "2025-10-26T05:30:00+00:00");
    assert_eq!(names(&yaml), ["Jane Roe", "John Doe"]);
    assert_eq!(yaml.tags, ["Japan", "Trade"]);
    assert_eq!(yaml.section.as_deref(), Some("World"));
    assert_eq!(yaml.summary, "First paragraph.");

    let toml = ok(
        "b.markdown",
        "+++\ntitle = 'Markets rally'\ndate = 2024-03-01\nauthor = 'Jane Roe'\nsummary = 'Stocks up.'\nslug = 'Custom Slug'\ndraft = true\n+++\nBody.\n",
    );
    assert_eq!(toml.date.day().to_string(), "2024-03-01");
    assert_eq!(names(&toml), ["Jane Roe"]);
    assert_eq!(toml.summary, "Stocks up.");
    assert_eq!(toml.slug.as_deref(), Some("custom-slug"));
    assert!(toml.draft);

    let plain = ok(
        "c.txt",
        "Japan’s PM “Speaks” & <Listens>\n\nTue Dec 2 2025\nJane Roe (1 article)\n\nBody & <text> with “quotes”.\n",
    );
    assert_eq!(plain.title, "Japan’s PM “Speaks” & <Listens>");
    assert_eq!(plain.date.day().to_string(), "2025-12-02");
    assert_eq!(
        plain.bylines,
        [Byline {
            name: "Jane Roe".into(),
            source_count: Some(1)
        }]
    );
    assert_eq!(plain.summary, "Body & <text> with “quotes”.");
    assert_eq!(plain.bio, None);
}

#[test]
fn crlf_and_byte_order_mark_in_every_format() {
    let yaml = ok("a.md", "\u{feff}---\r\ntitle: A\r\ndate: 2025-01-02\r\n---\r\nBody\r\n");
    assert_eq!((yaml.title.as_str(), yaml.summary.as_str()), ("A", "Body"));
    let toml = ok("a.md", "\u{feff}+++\r\ntitle = 'A'\r\ndate = 2025-01-02\r\n+++\r\n");
    assert_eq!(toml.title, "A");
    let plain = ok(
        "a.txt",
        "\u{feff}T\r\n\r\nSun Oct 26 2025\r\nA B (3 articles)\r\nT\r\n\r\nP1\r\n\r\nA B\r\n\r\nA B\r\n\r\nBio 1\r\n\r\nBio 2\r\n",
    );
    assert_eq!(plain.title, "T");
    assert_eq!(plain.bio.as_deref(), Some("Bio 1\n\nBio 2"));
    let html = body_html(
        Path::new("a.txt"),
        "T\r\n\r\nSun Oct 26 2025\r\nA B\r\n\r\nP1\r\n".as_bytes(),
        Format::PlainText,
        &cx(),
    )
    .unwrap();
    assert_eq!(html, "<p>P1</p>\n");
}

#[test]
fn the_seed_article() {
    let bytes = include_bytes!("../../content/2025/10/takaichi-trump-call.txt");
    let a = parse_article(Path::new("seed.txt"), bytes, Format::PlainText, &cx()).unwrap();
    assert_eq!(
        a.title,
        "Japan’s PM Takaichi and Trump Discuss Strengthening US-Japan Alliance"
    );
    assert_eq!(a.date.day().to_string(), "2025-10-26");
    assert_eq!(
        a.bylines,
        [Byline {
            name: "Austin Collins".into(),
            source_count: Some(670)
        }]
    );
    assert!(
        a.bio
            .as_deref()
            .unwrap()
            .starts_with("Austin Collins is our Europe, Asia, & Middle East Correspondent.")
    );
    let html = body_html(Path::new("seed.txt"), bytes, Format::PlainText, &cx()).unwrap();
    assert_eq!(html.matches("<p>").count(), 4);
    assert!(
        html.contains(
            "“strengthening the Japan-US Alliance is a top priority of Japan’s foreign and security policy.”"
        )
    );
    assert!(
        !html.contains("Austin Collins is our"),
        "the bio is not part of the body"
    );
}

#[test]
fn errors_name_line_and_column() {
    let cases: [(&str, &[u8], &str); 13] = [
        (
            "a.md",
            b"---\ndate: 2025-01-01\n---\n",
            "a.md:1:1: error: missing `title`",
        ),
        ("a.md", b"---\ntitle: A\n---\n", "a.md:1:1: error: missing `date`"),
        (
            "a.md",
            b"---\ntitle: A\ndate: 2025-31-01\n---\n",
            "a.md:3:7: error: invalid `date`",
        ),
        (
            "a.md",
            b"---\ntitle: '  '\ndate: 2025-01-01\n---\n",
            "a.md:2:8: error: `title` is empty",
        ),
        ("a.md", b"---\ntitle: A\ndate: [\n---\n", "a.md:"),
        (
            "a.md",
            b"+++\ntitle = 'A'\ndate = 2025-01-01\ntags = [1\n+++\n",
            "a.md:4:",
        ),
        (
            "a.md",
            b"---\ntitle: A\ndate: 2025-01-01\n",
            "a.md:1:1: error: front matter opened with `---` is never closed",
        ),
        (
            "a.md",
            b"---\ntitle: A\ndate: 2025-01-01\ncategory: x\n---\n",
            "a.md:4:1: error: unknown front matter key `category`",
        ),
        (
            "a.md",
            b"---\ntitle: A\ndate: 2025-01-01\nauthor: X\nauthors: [Y]\n---\n",
            "a.md:4:9: error: both `author` and `authors`",
        ),
        (
            "a.md",
            b"---\ntitle: A\ndate: 2025-01-01\n---\n\xff\n",
            "a.md:5:1: error: invalid UTF-8",
        ),
        (
            "a.txt",
            b"Title\n\nnot a date\nA B\n\nText\n",
            "a.txt:3:1: error: not in the plain layout",
        ),
        (
            "a.txt",
            b"Title\n\nSun Oct 26 2025\nA \xe9 B\n",
            "a.txt:4:3: error: invalid UTF-8",
        ),
        (
            "a.md",
            b"---\ntitle: A\ndate: 2025-01-01\nslug: '!!'\n---\n",
            "a.md:4:7: error: `slug`",
        ),
    ];
    for (name, text, expected) in cases {
        let errs = errors(name, text);
        assert!(
            errs.iter().any(|e| e.starts_with(expected)),
            "{name} {:?}: expected {expected:?}, got {errs:?}",
            String::from_utf8_lossy(text)
        );
    }
}

#[test]
fn all_problems_of_a_front_matter_are_reported() {
    let errs = errors("a.md", b"---\ntitle: ''\ndate: nope\nupdated: later\n---\n");
    assert_eq!(errs.len(), 3, "{errs:?}");
}

#[test]
fn corrections_and_aliases() {
    let a = ok(
        "a.md",
        "---\ntitle: A\ndate: 2025-01-02T10:00:00Z\naliases: [/old/a/, old-b.html]\ncorrections:\n  - date: 2025-01-05\n    text: \"An earlier version misspelled a name.\"\n  - date: 2025-01-03T08:00:00Z\n    text: First fix.\n---\nBody\n",
    );
    assert_eq!(a.aliases, ["/old/a/", "old-b.html"]);
    assert_eq!(a.aliases_at, (4, 10));
    assert_eq!(a.corrections.len(), 2);
    assert_eq!(a.corrections[0].text, "First fix.", "oldest first");
    assert_eq!(a.corrections[1].date.day().to_string(), "2025-01-05");
    let errs = errors(
        "a.md",
        b"---\ntitle: A\ndate: 2025-01-02\ncorrections:\n  - date: soon\n    text: x\n---\n",
    );
    assert!(
        errs[0].starts_with("a.md:4:13: error: invalid correction date"),
        "{errs:?}"
    );
    let errs = errors(
        "a.md",
        b"---\ntitle: A\ndate: 2025-01-02\ncorrections:\n  - date: 2025-01-03\n    note: x\n---\n",
    );
    assert!(errs[0].starts_with("a.md:6:5: error: unknown"), "{errs:?}");
}
