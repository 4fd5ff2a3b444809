use std::path::PathBuf;

use super::*;
use crate::model::{BuildInput, Selection};
use crate::parse::profile::parse_profile;
use crate::parse::{ParseContext, parse_article};

/// The warnings of a site of `files` (articles under `content/`, profiles under
/// `content/authors/`) built for `base`, each as `dateline check` says it, paths from the
/// site's folder, sorted.
fn warnings_of(files: &[(&str, &str)], base: &str) -> Vec<String> {
    let dir = crate::testing::folder_with(files);
    let root = dir.path();
    let cx = ParseContext {
        timezone: chrono_tz::Tz::UTC,
    };
    let mut articles = Vec::new();
    let mut profiles = Vec::new();
    for (rel, text) in files {
        let rel = PathBuf::from(rel);
        match crate::walk::classify(&rel) {
            crate::walk::ContentKind::Profile => {
                profiles.push((rel.clone(), parse_profile(&rel, text.as_bytes()).unwrap()))
            }
            crate::walk::ContentKind::Article(format) => {
                let parsed = parse_article(&rel, text.as_bytes(), format, &cx).unwrap();
                articles.push((rel, format, parsed));
            }
            crate::walk::ContentKind::Asset => {}
        }
    }
    let input = BuildInput {
        articles: articles.iter().map(|(p, f, a)| (p.as_path(), *f, a)).collect(),
        profiles: profiles.iter().map(|(p, a)| (p.as_path(), a)).collect(),
    };
    let selection = Selection {
        drafts: false,
        future: false,
        now: chrono::DateTime::parse_from_rfc3339("2026-01-15T12:00:00Z").unwrap(),
    };
    let archive = Archive::build(root, input, &selection).unwrap();
    let site = Site {
        root,
        archive: &archive,
    };
    let prefix = format!("{}/", root.display());
    let mut said: Vec<String> = lint(&site, &BaseUrl::parse(base).unwrap())
        .iter()
        .map(|d| d.to_string().replace(&prefix, ""))
        .collect();
    said.sort();
    said
}

/// An article of 2025-12-02 by Jane Roe with a summary: nothing to say of it.
fn article(title: &str, body: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\ndate: 2025-12-02T10:00:00Z\nauthor: Jane Roe\nsummary: The budget passed late on Tuesday, by a narrow margin.\n---\n{body}"
    )
}

const HTTPS: &str = "https://news.example.org/";

/// The first line of each warning (without hints).
fn heads(said: &[String]) -> Vec<&str> {
    said.iter().map(|s| s.lines().next().unwrap()).collect()
}

#[test]
fn a_tidy_article_has_no_warnings() {
    let text = article("Budget", "The budget passed.\n\n![The chamber](/img/c.jpg)\n");
    assert_eq!(warnings_of(&[("content/a.md", &text)], HTTPS), Vec::<String>::new());
}

#[test]
fn an_article_without_an_author() {
    let text = "---\ntitle: Budget\ndate: 2025-12-02\nsummary: The budget passed late on Tuesday, by a narrow margin.\n---\nIt passed.\n";
    assert_eq!(
        warnings_of(&[("content/a.md", text)], HTTPS),
        [
            "content/a.md:1:1: warning: no author: the front matter has neither `author` nor `authors`\n  \
          hint: add `author: \"Jane Roe\"`: bylines make the author pages and the feeds' authors"
        ]
    );
}

#[test]
fn an_empty_body() {
    let text = article("Budget", "\n  \n");
    assert_eq!(
        heads(&warnings_of(&[("content/a.md", &text)], HTTPS)),
        ["content/a.md:7:1: warning: the body is empty"]
    );
}

#[test]
fn no_summary_and_a_first_paragraph_too_short_to_serve() {
    let short = "---\ntitle: Short\ndate: 2025-10-26\nauthor: John Doe\n---\n\n## Tokyo\n\nTalks in Tokyo.\n";
    let long = "---\ntitle: Long\ndate: 2025-10-26\nauthor: John Doe\n---\n\nThe prime minister met the president in Tokyo on Sunday for two hours.\n";
    let given = "---\ntitle: Given\ndate: 2025-10-26\nauthor: John Doe\nsummary: Short, but given.\n---\n\nTalks.\n";
    let empty = "---\ntitle: Empty\ndate: 2025-10-26\nauthor: John Doe\nsummary: \"\"\n---\n\nTalks.\n";
    assert_eq!(
        heads(&warnings_of(
            &[
                ("content/short.md", short),
                ("content/long.md", long),
                ("content/given.md", given),
                ("content/empty.md", empty)
            ],
            HTTPS
        )),
        [
            "content/empty.md:8:1: warning: no summary, and the first paragraph is too short to serve as one (6 characters, fewer than 50)",
            "content/short.md:9:1: warning: no summary, and the first paragraph is too short to serve as one (15 characters, fewer than 50)",
        ]
    );
}

#[test]
fn a_title_over_110_characters() {
    let title = "Parliament Passes the Budget After a Night of Amendments, Walkouts, Recounts and a Vote That Came Down to One Seat";
    assert_eq!(title.chars().count(), 114);
    let text = article(title, "It passed.\n");
    assert_eq!(
        heads(&warnings_of(
            &[("content/a.md", &text), ("content/b.txt", &plain(title))],
            HTTPS
        )),
        [
            "content/a.md:2:8: warning: the title is 114 characters long, over 110: news apps and search results cut it short",
            "content/b.txt:1:1: warning: the title is 114 characters long, over 110: news apps and search results cut it short",
        ]
    );
    // 110 is fine, however many bytes.
    let fine = "é".repeat(110);
    assert!(warnings_of(&[("content/a.md", &article(&fine, "It passed.\n"))], HTTPS).is_empty());
}

/// A plain-text article of 2025-12-03 titled `title`.
fn plain(title: &str) -> String {
    format!(
        "{title}\n\nWed Dec 3 2025\nJane Roe (3 articles)\n\nThe budget passed late on Tuesday, by a narrow margin, after a long night.\n"
    )
}

#[test]
fn two_articles_of_one_day_with_one_title() {
    let a = article("Budget Passes", "It passed.\n");
    // The same title on the same day is the same URL, unless a slug says otherwise.
    let b = article("Budget passes", "It passed, again.\n").replace("author:", "slug: again\nauthor:");
    let other_day = article("Budget Passes", "Later.\n").replace("2025-12-02", "2025-12-03");
    assert_eq!(
        heads(&warnings_of(
            &[("content/a.md", &a), ("content/b.md", &b), ("content/c.md", &other_day)],
            HTTPS
        )),
        ["content/b.md:2:8: warning: content/a.md has this title too, on the same day (2025-12-02)"]
    );
}

#[test]
fn an_author_profile_no_article_names() {
    let profile = "---\nname: \"Ann Idle\"\n---\nAnn writes rarely.\n";
    let named = "---\nname: \"Jane Roe\"\n---\nJane covers politics.\n";
    let said = warnings_of(
        &[
            ("content/a.md", &article("Budget", "It passed.\n")),
            ("content/authors/ann-idle.md", profile),
            ("content/authors/jane-roe.md", named),
        ],
        HTTPS,
    );
    assert_eq!(
        heads(&said),
        ["content/authors/ann-idle.md:2:7: warning: no article names Ann Idle as its author"]
    );
}

#[test]
fn images_without_alt_text_in_markdown_and_html() {
    let body = "One.\n\n![](/img/a.jpg)\n\n![ ](/img/b.jpg) ![Described](/img/c.jpg)\n\n<figure>\n<img src=\"/img/d.jpg\">\n<img src=\"/img/e.jpg\" alt=\"\">\n</figure>\n\nInline <img src=\"/img/f.jpg\"> too.\n";
    let text = article("Budget", body);
    assert_eq!(
        heads(&warnings_of(&[("content/a.md", &text)], HTTPS)),
        [
            "content/a.md:11:6: warning: image without alt text: /img/b.jpg",
            "content/a.md:14:1: warning: image without alt text: /img/d.jpg",
            "content/a.md:18:8: warning: image without alt text: /img/f.jpg",
            "content/a.md:9:5: warning: image without alt text: /img/a.jpg",
        ]
    );
}

#[test]
fn http_links_and_images_on_an_https_site_only() {
    let body = "See [the report](http://gov.example/report) and <https://ok.example/>.\n\n![Chart](HTTP://img.example/c.png)\n\n<p><a href=\"http://raw.example/\">raw</a></p>\n";
    let text = article("Budget", body);
    assert_eq!(
        heads(&warnings_of(&[("content/a.md", &text)], HTTPS)),
        [
            "content/a.md:11:13: warning: link by http:// on an https:// site: http://raw.example/",
            "content/a.md:7:18: warning: link by http:// on an https:// site: http://gov.example/report",
            "content/a.md:9:10: warning: image by http:// on an https:// site: HTTP://img.example/c.png",
        ]
    );
    assert!(warnings_of(&[("content/a.md", &text)], "http://news.example.org/").is_empty());
}

/// Each warning says how to fix it.
#[test]
fn every_warning_has_a_hint() {
    let text = "---\ntitle: Budget\ndate: 2025-12-02\n---\n\nShort.\n\n![](http://img.example/a.png)\n";
    let said = warnings_of(
        &[("content/a.md", text), ("content/authors/x.md", "---\nname: X\n---\n")],
        HTTPS,
    );
    assert_eq!(said.len(), 5, "{said:#?}");
    assert!(said.iter().all(|s| s.contains("\n  hint: ")), "{said:#?}");
}
