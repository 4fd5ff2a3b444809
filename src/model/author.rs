//! Authors, merged across every article that names them.

use chrono::{DateTime, FixedOffset};

use crate::parse::profile::ProfileLink;

use super::ArticleId;

/// Index of an author in `Archive::authors` (sorted by slug).
pub type AuthorId = u32;

/// An author of the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub slug: String,
    /// Site-relative path of the author's page: `authors/<slug>/`.
    pub path: String,
    pub bio_html: Option<String>,
    pub photo: Option<String>,
    pub links: Vec<ProfileLink>,
    /// How many articles the source credited the author with (from the newest plain byline).
    pub source_count: Option<u32>,
    /// The author's articles in the archive, newest first.
    pub articles: Vec<ArticleId>,
    /// Whether `content/authors/<slug>.md` describes the author.
    pub has_profile: bool,
    pub first_published: Option<DateTime<FixedOffset>>,
    pub last_published: Option<DateTime<FixedOffset>>,
}
