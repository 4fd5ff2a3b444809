//! Sources → fields: pure functions from a file's bytes to an article (or author profile)
//! or to every problem found in it, with line and column.

pub mod date;
pub mod front_matter;
pub mod markdown;
pub mod plain_text;
pub mod profile;
pub mod text;

use std::path::Path;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use date::ArticleDate;
use front_matter::{DateText, Split, StringList};
pub use plain_text::Byline;

/// The formats an article source can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    /// `.md` / `.markdown` with YAML or TOML front matter.
    Markdown,
    /// `.txt` in the scraped plain-text layout.
    PlainText,
}

impl Format {
    /// The format of a file by its extension, if it is an article source.
    pub fn of(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()? {
            "md" | "markdown" => Some(Format::Markdown),
            "txt" => Some(Format::PlainText),
            _ => None,
        }
    }
}

/// What the parser needs to know about the site.
#[derive(Debug, Clone, Copy)]
pub struct ParseContext {
    /// Dates without an offset are in this time zone.
    pub timezone: Tz,
}

/// The fields of one article source. The body is not kept: it is rendered again
/// from the source when its page is written, so memory stays flat on big archives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParsedArticle {
    pub title: String,
    pub date: ArticleDate,
    pub updated: Option<ArticleDate>,
    pub bylines: Vec<Byline>,
    pub tags: Vec<String>,
    pub section: Option<String>,
    pub summary: String,
    /// A slug set in the front matter (already a slug).
    pub slug: Option<String>,
    pub draft: bool,
    /// Old paths that redirect to the article, as written.
    pub aliases: Vec<String>,
    /// Line and column of the `aliases` key (for problems found once every URL is known).
    pub aliases_at: (usize, usize),
    /// Corrections, oldest first.
    pub corrections: Vec<Correction>,
    /// The author's bio from a plain-text trailer, paragraphs separated by blank lines.
    pub bio: Option<String>,
    /// A hash of the source's bytes: the body, which is not kept, is the same while it is.
    pub source_hash: u64,
    /// The source's length in bytes, to read it again for its body.
    pub source_len: u64,
}

/// A correction appended to an article: when, and what was corrected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub date: ArticleDate,
    pub text: String,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCorrection {
    date: DateText,
    text: String,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: Option<String>,
    date: Option<DateText>,
    updated: Option<DateText>,
    authors: Option<StringList>,
    author: Option<String>,
    #[serde(default)]
    tags: StringList,
    section: Option<String>,
    summary: Option<String>,
    slug: Option<String>,
    #[serde(default)]
    draft: bool,
    #[serde(default)]
    aliases: StringList,
    #[serde(default)]
    corrections: Vec<RawCorrection>,
}

/// A hash of a file's bytes (stable across runs and machines).
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// Decodes source bytes, reporting invalid UTF-8 at its line and column.
pub fn decode<'a>(path: &Path, bytes: &'a [u8]) -> Result<std::borrow::Cow<'a, str>, Diagnostic> {
    // Notepad and Excel save "Unicode" as UTF-16 with a byte-order mark: said as such, not
    // as invalid UTF-8 at the first byte, which would not tell the newsroom what to do.
    let utf16 = match bytes {
        [0xFF, 0xFE, ..] => Some("UTF-16LE"),
        [0xFE, 0xFF, ..] => Some("UTF-16BE"),
        _ => None,
    };
    if let Some(name) = utf16 {
        return Err(Diagnostic::new(
            path,
            1,
            1,
            format!("the file is in {name} (it starts with a byte-order mark); dateline reads UTF-8"),
        )
        .with_hint("save it as UTF-8"));
    }
    text::decode(bytes)
        .map_err(|e| Diagnostic::new(path, e.line, e.column, "invalid UTF-8").with_hint("save the file as UTF-8"))
}

/// Parses an article source of either format.
pub fn parse_article(
    path: &Path,
    bytes: &[u8],
    format: Format,
    cx: &ParseContext,
) -> Result<ParsedArticle, Vec<Diagnostic>> {
    let text = decode(path, bytes).map_err(|d| vec![d])?;
    let mut article = match format {
        Format::Markdown => parse_markdown(path, &text, cx),
        Format::PlainText => parse_plain(path, &text, cx).map_err(|d| vec![d]),
    }?;
    article.source_hash = content_hash(bytes);
    article.source_len = bytes.len() as u64;
    Ok(article)
}

/// Renders the body of an article source to HTML (the source parsed without errors before).
pub fn body_html(path: &Path, bytes: &[u8], format: Format, cx: &ParseContext) -> Result<String, Diagnostic> {
    let text = decode(path, bytes)?;
    match format {
        Format::Markdown => Ok(markdown::render(front_matter::split(path, &text)?.body)),
        Format::PlainText => {
            let layout = plain_text::layout(path, &text, cx.timezone)?;
            Ok(plain_text::render_paragraphs(&layout.paragraphs))
        }
    }
}

fn parse_plain(path: &Path, text: &str, cx: &ParseContext) -> Result<ParsedArticle, Diagnostic> {
    let layout = plain_text::layout(path, text, cx.timezone)?;
    let summary = text::summarize(layout.paragraphs[0], text::SUMMARY_CHARS);
    Ok(ParsedArticle {
        title: layout.title.to_string(),
        date: layout.date,
        updated: None,
        bylines: vec![layout.byline],
        tags: Vec::new(),
        section: None,
        summary,
        slug: None,
        draft: false,
        aliases: Vec::new(),
        aliases_at: (1, 1),
        corrections: Vec::new(),
        bio: (!layout.bio.is_empty()).then(|| layout.bio.join("\n\n")),
        source_hash: 0,
        source_len: 0,
    })
}

fn parse_markdown(path: &Path, text: &str, cx: &ParseContext) -> Result<ParsedArticle, Vec<Diagnostic>> {
    let split = front_matter::split(path, text).map_err(|d| vec![d])?;
    let raw: RawFrontMatter = front_matter::deserialize_all(path, &split)?;
    let mut problems = Vec::new();
    let at = |key: &str, message: String| {
        let (line, column) = front_matter::locate(&split, key);
        Diagnostic::new(path, line, column, message)
    };

    let title = match raw.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => {
            if let Some(found) = text::forbidden_char(t) {
                problems.push(
                    at("title", text::forbidden_message("`title`", found)).with_hint(text::forbidden_hint(found)),
                );
            }
            t.to_string()
        }
        Some(_) => {
            problems.push(at("title", "`title` is empty".into()));
            String::new()
        }
        None => {
            problems.push(Diagnostic::new(path, 1, 1, "missing `title` in the front matter"));
            String::new()
        }
    };
    let date = match &raw.date {
        Some(DateText(d)) => date::parse_date(d, cx.timezone)
            .map_err(|m| problems.push(at("date", format!("invalid `date`: {m}")).with_hint(date::ACCEPTED_FORMS)))
            .ok(),
        None => {
            problems.push(
                Diagnostic::new(path, 1, 1, "missing `date` in the front matter").with_hint(date::ACCEPTED_FORMS),
            );
            None
        }
    };
    let updated = match &raw.updated {
        Some(DateText(d)) => date::parse_date(d, cx.timezone)
            .map_err(|m| {
                problems.push(at("updated", format!("invalid `updated`: {m}")).with_hint(date::ACCEPTED_FORMS))
            })
            .ok(),
        None => None,
    };
    let names = match (raw.authors, raw.author) {
        (Some(_), Some(_)) => {
            problems.push(
                at("author", "both `author` and `authors` are set".into())
                    .with_hint("list every author under `authors`"),
            );
            Vec::new()
        }
        (Some(list), None) => list.0,
        (None, Some(one)) => vec![one],
        (None, None) => Vec::new(),
    };
    let mut bylines: Vec<Byline> = Vec::with_capacity(names.len());
    for name in names {
        let name = collapse_spaces(&name);
        let name = name.as_str();
        if name.is_empty() {
            problems.push(at(
                if raw_has(&split, "authors") {
                    "authors"
                } else {
                    "author"
                },
                "an author's name is empty".into(),
            ));
        } else if let Some(found) = text::forbidden_char(name) {
            let key = if raw_has(&split, "authors") {
                "authors"
            } else {
                "author"
            };
            problems.push(
                at(key, text::forbidden_message("an author's name", found)).with_hint(text::forbidden_hint(found)),
            );
        } else if !bylines.iter().any(|b| b.name == name) {
            bylines.push(Byline {
                name: name.to_string(),
                source_count: None,
            });
        }
    }
    let mut tags: Vec<String> = Vec::with_capacity(raw.tags.0.len());
    for tag in raw.tags.0 {
        if let Some(found) = text::forbidden_char(&tag) {
            problems.push(at("tags", text::forbidden_message("a tag", found)).with_hint(text::forbidden_hint(found)));
        }
        match tag.trim() {
            "" => problems.push(at("tags", "a tag is empty".into())),
            t if !tags.iter().any(|x| x == t) => tags.push(t.to_string()),
            _ => {}
        }
    }
    let slug = match raw.slug {
        Some(s) => match crate::slug::slugify(&s) {
            slug if slug.is_empty() => {
                problems.push(at("slug", format!("`slug` \"{s}\" has no letters or digits")));
                None
            }
            slug => Some(slug),
        },
        None => None,
    };
    let section = raw.section.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    if let Some(found) = section.as_deref().and_then(text::forbidden_char) {
        problems
            .push(at("section", text::forbidden_message("`section`", found)).with_hint(text::forbidden_hint(found)));
    }
    let summary = match raw.summary.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => markdown::summary(split.body),
    };
    let mut corrections = Vec::with_capacity(raw.corrections.len());
    for c in raw.corrections {
        let text = c.text.trim();
        match date::parse_date(&c.date.0, cx.timezone) {
            Err(m) => problems
                .push(at("corrections", format!("invalid correction date: {m}")).with_hint(date::ACCEPTED_FORMS)),
            Ok(_) if text.is_empty() => problems.push(at("corrections", "a correction's `text` is empty".into())),
            Ok(d) => corrections.push(Correction {
                date: d,
                text: text.to_string(),
            }),
        }
    }
    corrections.sort_by_key(|c| c.date.at);
    let aliases = raw
        .aliases
        .0
        .into_iter()
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty())
        .collect();

    match date {
        Some(date) if problems.is_empty() => Ok(ParsedArticle {
            title,
            date,
            updated,
            bylines,
            tags,
            section,
            summary,
            slug,
            draft: raw.draft,
            aliases,
            aliases_at: front_matter::locate(&split, "aliases"),
            corrections,
            bio: None,
            source_hash: 0,
            source_len: 0,
        }),
        _ => Err(problems),
    }
}

/// `"  Jane   Roe "` → `"Jane Roe"`: names are compared and shown without stray spaces.
pub fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn raw_has(split: &Split<'_>, key: &str) -> bool {
    front_matter::locate(split, key).0 >= split.front_line
}

#[cfg(test)]
mod tests;
