//! What a search index is told of each article: what its page shows a reader, as the
//! values the index stores (the search stage, `crate::search`, makes the index).

use super::{Plan, fingerprint};
use crate::diag::{Diagnostic, shown};
use crate::model::ArticleId;

/// An article as the search index holds it (its text borrowed from the archive).
pub struct ArticleText<'a> {
    /// Its page, as a link (with the site's base path).
    pub link: String,
    pub title: &'a str,
    /// RFC 3339 in the site's time zone, which sorts as text.
    pub iso: String,
    pub authors: Vec<&'a str>,
    pub section: Option<&'a str>,
    pub tags: Vec<&'a str>,
    pub summary: &'a str,
    /// The body as HTML.
    pub body: String,
}

impl<'a> Plan<'a> {
    /// The years of the archive, newest first, with their articles.
    pub fn years(&self) -> impl ExactSizeIterator<Item = (i32, std::ops::Range<usize>)> + '_ {
        (self.renderer.env.archive.years.iter()).map(|y| (y.year, y.articles.clone()))
    }

    /// Whether the site has a search page and index.
    pub fn has_search(&self) -> bool {
        self.renderer.env.config.search
    }

    /// A fingerprint of what a search index holds of the articles `ids` (their sources'
    /// bytes stand for their bodies), and of `format`, the index's own: equal
    /// fingerprints, equal index.
    pub fn articles_fingerprint(&self, ids: std::ops::Range<usize>, format: &str) -> u64 {
        let env = &self.renderer.env;
        let (archive, config) = (env.archive, env.config);
        let site = fingerprint::fingerprint(&(format, &config.language, config.timezone.name(), env.link("")));
        let mut parts = Vec::with_capacity(ids.len() + 1);
        parts.push(site);
        parts.extend(ids.map(|id| {
            let a = &archive.articles[id];
            let authors: Vec<&str> = a.authors.iter().map(|&i| archive.author(i).name.as_str()).collect();
            let tags: Vec<&str> = a.tags.iter().map(|&t| archive.tags[t as usize].name.as_str()).collect();
            let section = a.section.map(|s| archive.sections[s as usize].name.as_str());
            let title: &str = &a.title;
            let (path, summary): (&str, &str) = (&a.path, &a.summary);
            fingerprint::fingerprint(&(a.source_hash, path, title, &a.date, authors, tags, section, summary))
        }));
        fingerprint::combine(&parts)
    }

    /// The site's language (a BCP 47 tag).
    pub fn language(&self) -> &str {
        &self.renderer.env.config.language
    }

    /// Article `id` as a search index holds it; its source is read again for the body.
    pub fn article_text(&self, id: ArticleId) -> Result<ArticleText<'a>, Diagnostic> {
        let r = &self.renderer;
        let archive: &'a crate::model::Archive = r.env.archive;
        let article = archive.article(id);
        let body = r.body_of(article, &shown(r.input.root, &article.source))?;
        Ok(ArticleText {
            link: r.env.link(&article.path),
            title: &article.title,
            // As `DateView::iso`, without the dates in words pages also show.
            iso: article.date.at.to_rfc3339(),
            authors: (article.authors.iter())
                .map(|&a| archive.author(a).name.as_str())
                .collect(),
            section: article.section.map(|s| archive.sections[s as usize].name.as_str()),
            tags: (article.tags.iter())
                .map(|&t| archive.tags[t as usize].name.as_str())
                .collect(),
            summary: &article.summary,
            body,
        })
    }
}
