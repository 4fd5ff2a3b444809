//! One article of the archive.

use std::path::PathBuf;

use chrono::Datelike;

use crate::parse::date::ArticleDate;
use crate::parse::{Correction, Format};

use super::{AuthorId, TermId};

/// Index of an article in `Archive::articles` (newest first).
pub type ArticleId = u32;

/// Text of the archive: owned when built from the sources, borrowed from the build
/// cache's archive (mapped for the rest of the process) when read from there, so that a
/// cached build allocates nothing for the text of the articles it does not show.
pub type Text = std::borrow::Cow<'static, str>;

/// An article as the archive knows it; its body stays in its source until its page is written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(bound(deserialize = "'de: 'static"))]
pub struct Article {
    /// The source file, relative to the site root (`content/2025/10/x.txt`).
    pub source: PathBuf,
    pub format: Format,
    #[serde(deserialize_with = "borrowed")]
    pub title: Text,
    #[serde(deserialize_with = "borrowed")]
    pub slug: Text,
    pub date: ArticleDate,
    pub updated: Option<ArticleDate>,
    pub corrections: Vec<Correction>,
    pub authors: Vec<AuthorId>,
    /// Indices into `Archive::tags`.
    pub tags: Vec<TermId>,
    /// Index into `Archive::sections`.
    pub section: Option<TermId>,
    #[serde(deserialize_with = "borrowed")]
    pub summary: Text,
    pub draft: bool,
    /// Site-relative paths that redirect here (`old/path/` or `old/page.html`).
    pub aliases: Vec<String>,
    /// Where the `aliases` key is in the source.
    pub aliases_at: (usize, usize),
    /// Site-relative path of its page: `2025/10/26/<slug>/`.
    #[serde(deserialize_with = "borrowed")]
    pub path: Text,
    /// Hash of the source's bytes (stands for the body in page fingerprints).
    pub source_hash: u64,
    /// The source's length when it was read.
    pub source_len: u64,
}

/// Text read borrowed from bytes that live as long as the process.
fn borrowed<'de: 'static, D: serde::Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
    <&'static str as serde::Deserialize>::deserialize(d).map(Text::Borrowed)
}

impl Article {
    /// The site-relative path of an article published on `date` with `slug`.
    pub fn path_for(date: &ArticleDate, slug: &str) -> String {
        let day = date.day();
        format!("{:04}/{:02}/{:02}/{slug}/", day.year(), day.month(), day.day())
    }

    /// When the article last changed: the latest of `updated` and its corrections, if any.
    pub fn modified(&self) -> Option<ArticleDate> {
        let corrected = self.corrections.iter().map(|c| c.date).max_by_key(|d| d.at);
        match (self.updated, corrected) {
            (Some(a), Some(b)) => Some(if b.at > a.at { b } else { a }),
            (a, b) => a.or(b),
        }
    }

    /// `modified()`, or the publication date.
    pub fn last_change(&self) -> ArticleDate {
        self.modified().filter(|m| m.at > self.date.at).unwrap_or(self.date)
    }
}
