//! What a search index is told of each article: what its page shows a reader, as the
//! values the index stores (the search stage, `crate::search`, makes the index).

use super::{Plan, fingerprint};
use crate::diag::{Diagnostic, shown};
use crate::model::ArticleId;

/// A part of the search index: a Pagefind bundle of its own at `search/index/NAME/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPart {
    /// `2026-07-01` for the newest day, `2026-07` for the rest of its month, `2026` for a
    /// year (or the rest of the newest).
    pub name: String,
    pub year: i32,
    /// Its articles (archive positions, 0 the newest).
    pub articles: std::ops::Range<usize>,
}

/// The parts of the search index of `archive`: the newest day in one, the rest of its month
/// in another, the rest of its year in a third, each older year in one. An index is made
/// again whole when one of its articles changes (Pagefind cannot change one in place), and
/// new articles and most edits are of the newest day: they make its index again (at
/// 100,000 articles, some 30 articles and a dozen files), not their year's (8,700 articles
/// and hundreds of files). The day joins its month's index when the next day begins (once
/// a day, some 700 articles), and the month its year's when the next month begins.
pub fn search_parts(archive: &crate::model::Archive) -> Vec<SearchPart> {
    let mut parts = Vec::with_capacity(archive.years.len() + 2);
    for (i, y) in archive.years.iter().enumerate() {
        let mut rest = y.articles.clone();
        if i == 0 {
            // The newest articles come first: the newest day, then the rest of its month,
            // each a part of its own if it is not the whole of what holds it.
            let month = y.months.iter().find(|m| m.articles.contains(&rest.start));
            let day = month.and_then(|m| m.days.iter().find(|d| d.articles.contains(&rest.start)));
            let day = day
                .zip(month)
                .map(|(d, m)| (d.date.format("%Y-%m-%d").to_string(), d.articles.end, m.articles.end));
            let month = month.map(|m| (format!("{}-{:02}", y.year, m.month), m.articles.end, y.articles.end));
            for (name, end, held_to) in day.into_iter().chain(month) {
                if rest.start < end && end < held_to {
                    parts.push(SearchPart {
                        name,
                        year: y.year,
                        articles: rest.start..end,
                    });
                    rest.start = end;
                }
            }
        }
        parts.push(SearchPart {
            name: y.year.to_string(),
            year: y.year,
            articles: rest,
        });
    }
    parts
}

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
    /// The parts the search index is made of, newest first: the newest day alone, the rest
    /// of its month, the rest of its year, then every older year (`search_parts`).
    pub fn search_parts(&self) -> Vec<SearchPart> {
        search_parts(self.renderer.env.archive)
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
            fingerprint::fingerprint(&(
                fingerprint::body(config, a.source_hash),
                path,
                title,
                &a.date,
                authors,
                tags,
                section,
                summary,
            ))
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
            iso: crate::render::rfc3339(&article.date.at),
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
