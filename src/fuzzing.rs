//! The bodies of the fuzz targets (`fuzz/fuzz_targets/`), one function a target, so that
//! `cargo fuzz` and the replay of the seeds and of every crash found
//! (`tests/fuzz_regressions.rs`) run the same code: not an API.
//!
//! Each takes arbitrary bytes through the path a file of a site goes through. A source
//! dateline refuses is fine (an `Err`); a panic, an abort, a hang or a runaway allocation
//! is a finding. The few `assert!`s here are invariants the code claims (a date it accepts
//! reads back the same, the traced HTML is the HTML), so a break of one is a finding too.

use std::path::Path;

use chrono_tz::Tz;

use crate::parse::{self, Format, ParseContext, date, front_matter, markdown};

/// The time zones every input is read in: none, one whose clocks move at midnight (a day
/// may start at 01:00), and one whose clocks move by half an hour.
const ZONES: [Tz; 3] = [Tz::UTC, Tz::America__Santiago, Tz::Australia__Lord_Howe];

/// A `.txt` article: the plain layout taken apart, then its body rendered, as a build does.
pub fn plain_text(data: &[u8]) {
    let path = Path::new("content/2025/10/article.txt");
    for timezone in ZONES {
        let cx = ParseContext { timezone };
        if parse::parse_article(path, data, Format::PlainText, &cx).is_ok() {
            parse::body_html(path, data, Format::PlainText, &cx).expect("a source that parses renders");
        }
    }
}

/// A `.md` article's front matter: split from the body, read as YAML or TOML (the simple
/// YAML reader, checked against serde-saphyr in debug builds, or serde-saphyr, or toml),
/// every field checked as the parser does, and the keys located for messages.
pub fn front_matter(data: &[u8]) {
    let path = Path::new("content/2025/10/article.md");
    for timezone in ZONES {
        let _ = parse::parse_article(path, data, Format::Markdown, &ParseContext { timezone });
    }
    let Ok(text) = parse::decode(path, data) else {
        return;
    };
    if let Ok(split) = front_matter::split(path, &text) {
        for key in [
            "title",
            "date",
            "authors",
            "author",
            "tags",
            "slug",
            "aliases",
            "corrections",
        ] {
            let (line, column) = front_matter::locate(&split, key);
            assert!(line >= 1 && column >= 1);
        }
    }
}

/// A date as front matter writes it, and as the plain layout's date line. What is
/// accepted, written as RFC 3339 as feeds and sitemaps write it (`render::rfc3339`), reads
/// back as the same moment on the same day.
pub fn date(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for tz in ZONES {
        for parsed in [date::parse_date(text, tz), date::parse_date_line(text, tz)] {
            let Ok(d) = parsed else { continue };
            let written = crate::render::rfc3339(&d.at);
            let again = date::parse_date(&written, tz).unwrap_or_else(|e| panic!("{written} does not read back: {e}"));
            assert_eq!(again.at, d.at, "{text:?} written as {written}");
            assert_eq!(again.day(), d.day(), "{text:?} written as {written}");
        }
    }
}

/// A `.md` article's body: rendered to HTML as a build does (a source without front matter
/// is taken as a body all the same), cleaned as `[content] sanitize` cleans it, summarized,
/// traced back to its source as `dateline check` does, and scanned for links and ids.
pub fn markdown(data: &[u8]) {
    let path = Path::new("content/2025/10/article.md");
    let Ok(text) = parse::decode(path, data) else {
        return;
    };
    let html = match parse::body_html(path, data, Format::Markdown, &ParseContext { timezone: Tz::UTC }) {
        Ok(html) => html,
        Err(_) => markdown::render(&text),
    };
    let body = front_matter::split(path, &text).map_or(&*text, |s| s.body);
    let _ = crate::html::sanitizer().clean(&html).to_string();
    let _ = markdown::summary(body);
    let (traced_html, traced) = markdown::render_traced(body);
    assert_eq!(traced_html, html, "the traced HTML is the HTML");
    let scan = crate::check::scan::scan(&html);
    for link in &scan.links {
        let i = traced.partition_point(|t| t.html <= link.offset);
        let at = i
            .checked_sub(1)
            .map_or(0, |i| traced[i].source_offset(link.offset - traced[i].html));
        assert!(
            at <= body.len(),
            "link at {} traced to {at} of {}",
            link.offset,
            body.len()
        );
        let _ = crate::diag::line_col(body, at);
    }
}

/// An author profile (`content/authors/<slug>.md`): front matter, links and bio.
pub fn profile(data: &[u8]) {
    let _ = parse::profile::parse_profile(Path::new("content/authors/jane-roe.md"), data);
}

/// The record of published URLs (`urls.lock`), as a build reads it.
pub fn urls_lock(data: &[u8]) {
    let Ok(text) = String::from_utf8(data.to_vec()) else {
        return;
    };
    if let Ok(lock) = crate::publish::urls::Lock::parse(Path::new("site"), text) {
        for entry in lock.entries() {
            assert!(entry.line >= 1 && !entry.source.is_empty());
        }
    }
}

/// The body of a fuzz target.
pub type Target = fn(&[u8]);

/// Every target by name, for the replay of the seeds and regressions.
pub const TARGETS: [(&str, Target); 6] = [
    ("plain_text", plain_text),
    ("front_matter", front_matter),
    ("date", date),
    ("markdown", markdown),
    ("profile", profile),
    ("urls_lock", urls_lock),
];
