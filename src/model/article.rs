//! One article of the archive.

use std::path::PathBuf;

use crate::parse::Format;
use crate::parse::date::ArticleDate;

use super::AuthorId;

/// Index of an article in `Archive::articles` (newest first).
pub type ArticleId = u32;

/// An article as the archive knows it; its body stays in its source until its page is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The source file, relative to the site root (`content/2025/10/x.txt`).
    pub source: PathBuf,
    pub format: Format,
    pub title: String,
    pub slug: String,
    pub date: ArticleDate,
    pub updated: Option<ArticleDate>,
    pub authors: Vec<AuthorId>,
    pub tags: Vec<String>,
    pub section: Option<String>,
    pub summary: String,
    pub draft: bool,
    pub aliases: Vec<String>,
    /// Site-relative path of its page: `2025/10/26/<slug>/`.
    pub path: String,
}

impl Article {
    /// The site-relative path of an article published on `date` with `slug`.
    pub fn path_for(date: &ArticleDate, slug: &str) -> String {
        let day = date.day();
        use chrono::Datelike;
        format!("{:04}/{:02}/{:02}/{slug}/", day.year(), day.month(), day.day())
    }
}
