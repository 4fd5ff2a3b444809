//! Building the archive from parsed sources.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use rayon::prelude::*;

use super::{Article, ArticleId, Author, AuthorId};
use crate::diag::{Diagnostic, shown};
use crate::parse::profile::AuthorProfile;
use crate::parse::{Format, ParsedArticle, plain_text};
use crate::slug::{short_hash, slugify};

/// Everything the parser produced, ready to become an archive.
#[derive(Debug, Default)]
pub struct BuildInput {
    /// Article sources: path relative to the site root, format, fields.
    pub articles: Vec<(PathBuf, Format, ParsedArticle)>,
    /// Author profiles: path relative to the site root, profile.
    pub profiles: Vec<(PathBuf, AuthorProfile)>,
}

/// Which articles are published in this build.
#[derive(Debug, Clone, Copy)]
pub struct Selection {
    pub drafts: bool,
    pub future: bool,
    /// "The present": articles dated after it are scheduled.
    pub now: DateTime<FixedOffset>,
}

/// A year of the archive, with its months.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Year {
    pub year: i32,
    /// Its articles: a range of `Archive::articles`.
    pub articles: Range<usize>,
    /// Newest first.
    pub months: Vec<Month>,
}

/// A month of the archive, with its days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Month {
    pub year: i32,
    pub month: u32,
    pub articles: Range<usize>,
    /// Newest first.
    pub days: Vec<Day>,
}

/// A day of the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub date: NaiveDate,
    pub articles: Range<usize>,
}

/// The whole archive, built once; pages are views of it.
#[derive(Debug, Default)]
pub struct Archive {
    /// Newest first; ties in order of source path.
    pub articles: Vec<Article>,
    /// Sorted by slug.
    pub authors: Vec<Author>,
    /// Newest first.
    pub years: Vec<Year>,
}

struct AuthorDraft {
    author: Author,
    profile_path: Option<PathBuf>,
}

impl Archive {
    /// Builds the archive. `root` is the site directory as the user named it (for messages).
    pub fn build(root: &Path, input: BuildInput, selection: &Selection) -> Result<Archive, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let BuildInput {
            articles: sources,
            mut profiles,
        } = input;

        let mut sources: Vec<(PathBuf, Format, ParsedArticle)> = sources
            .into_par_iter()
            .filter(|(_, _, a)| (selection.drafts || !a.draft) && (selection.future || a.date.at <= selection.now))
            .collect();
        sources.par_sort_by(|(pa, _, a), (pb, _, b)| b.date.at.cmp(&a.date.at).then_with(|| pa.cmp(pb)));

        // Authors: profiles first (they own their slug, name and aliases), then every byline.
        profiles.sort_by(|a, b| a.0.cmp(&b.0));
        let mut drafts: Vec<AuthorDraft> = Vec::new();
        let mut by_key: HashMap<String, usize> = HashMap::new();
        for (path, profile) in profiles {
            let slug = match slugify(&profile.file_slug) {
                s if s.is_empty() => slugify(&profile.name),
                s => s,
            };
            let index = drafts.len();
            let keys = std::iter::once(slug.clone())
                .chain(std::iter::once(slugify(&profile.name)))
                .chain(profile.aliases.iter().map(|a| slugify(a)))
                .filter(|k| !k.is_empty());
            for key in keys {
                if let Some(&other) = by_key.get(&key)
                    && other != index
                {
                    let other = drafts[other].profile_path.as_deref().unwrap_or(Path::new("?"));
                    problems.push(Diagnostic::file(
                        shown(root, &path),
                        format!(
                            "the name or alias `{key}` is also claimed by {}",
                            shown(root, other).display()
                        ),
                    ));
                } else {
                    by_key.insert(key, index);
                }
            }
            drafts.push(AuthorDraft {
                author: Author {
                    path: format!("authors/{slug}/"),
                    name: profile.name,
                    slug,
                    bio_html: profile.bio_html,
                    photo: profile.photo,
                    links: profile.links,
                    source_count: None,
                    articles: Vec::new(),
                    has_profile: true,
                    first_published: None,
                    last_published: None,
                },
                profile_path: Some(path),
            });
        }

        let mut articles = Vec::with_capacity(sources.len());
        for (id, (source, format, parsed)) in sources.into_iter().enumerate() {
            let mut author_ids = Vec::with_capacity(parsed.bylines.len());
            for byline in &parsed.bylines {
                let key = match slugify(&byline.name) {
                    s if s.is_empty() => format!("author-{}", short_hash(&byline.name)),
                    s => s,
                };
                let index = *by_key.entry(key.clone()).or_insert_with(|| {
                    drafts.push(AuthorDraft {
                        author: Author {
                            path: format!("authors/{key}/"),
                            name: byline.name.clone(),
                            slug: key,
                            bio_html: None,
                            photo: None,
                            links: Vec::new(),
                            source_count: None,
                            articles: Vec::new(),
                            has_profile: false,
                            first_published: None,
                            last_published: None,
                        },
                        profile_path: None,
                    });
                    drafts.len() - 1
                });
                let author = &mut drafts[index].author;
                if author.articles.last() != Some(&(id as ArticleId)) {
                    author.articles.push(id as ArticleId);
                    author_ids.push(index as AuthorId);
                }
                if author.source_count.is_none() {
                    author.source_count = byline.source_count;
                }
                if author.bio_html.is_none()
                    && let Some(bio) = &parsed.bio
                {
                    let paragraphs: Vec<&str> = bio.split("\n\n").collect();
                    author.bio_html = Some(plain_text::render_paragraphs(&paragraphs));
                }
            }
            let slug = match parsed.slug {
                Some(slug) => slug,
                None => match slugify(&parsed.title) {
                    s if s.is_empty() => format!("article-{}", short_hash(&source.to_string_lossy())),
                    s => s,
                },
            };
            articles.push(Article {
                path: Article::path_for(&parsed.date, &slug),
                source,
                format,
                title: parsed.title,
                slug,
                date: parsed.date,
                updated: parsed.updated,
                authors: author_ids,
                tags: parsed.tags,
                section: parsed.section,
                summary: parsed.summary,
                draft: parsed.draft,
                aliases: parsed.aliases,
            });
        }

        problems.extend(duplicate_urls(root, &articles));

        // Authors sorted by slug; article bylines renumbered to match.
        let mut order: Vec<usize> = (0..drafts.len()).collect();
        order.sort_by(|&a, &b| drafts[a].author.slug.cmp(&drafts[b].author.slug));
        let mut new_id = vec![0 as AuthorId; drafts.len()];
        for (new, &old) in order.iter().enumerate() {
            new_id[old] = new as AuthorId;
        }
        for article in &mut articles {
            for id in &mut article.authors {
                *id = new_id[*id as usize];
            }
        }
        let mut slots: Vec<Option<AuthorDraft>> = drafts.into_iter().map(Some).collect();
        let authors: Vec<Author> = order
            .iter()
            .map(|&old| {
                let mut author = slots[old].take().expect("each author once").author;
                author.last_published = author.articles.first().map(|&i| articles[i as usize].date.at);
                author.first_published = author.articles.last().map(|&i| articles[i as usize].date.at);
                author
            })
            .collect();

        if !problems.is_empty() {
            return Err(problems);
        }
        let years = date_index(&articles);
        Ok(Archive {
            articles,
            authors,
            years,
        })
    }

    /// An article by id.
    pub fn article(&self, id: ArticleId) -> &Article {
        &self.articles[id as usize]
    }

    /// An author by id.
    pub fn author(&self, id: AuthorId) -> &Author {
        &self.authors[id as usize]
    }
}

fn duplicate_urls(root: &Path, articles: &[Article]) -> Vec<Diagnostic> {
    let mut by_path: HashMap<&str, usize> = HashMap::with_capacity(articles.len());
    let mut problems = Vec::new();
    for (i, article) in articles.iter().enumerate() {
        if let Some(&first) = by_path.get(article.path.as_str()) {
            let (a, b) = if articles[first].source <= article.source {
                (&articles[first], article)
            } else {
                (article, &articles[first])
            };
            problems.push(
                Diagnostic::file(
                    shown(root, &b.source),
                    format!(
                        "the URL /{} is claimed by both {} and {}",
                        b.path,
                        shown(root, &a.source).display(),
                        shown(root, &b.source).display()
                    ),
                )
                .with_hint("give one of them another `slug` in its front matter, or another title"),
            );
        } else {
            by_path.insert(&article.path, i);
        }
    }
    problems
}

/// Years, months and days as ranges of the sorted articles (a day's articles are contiguous).
fn date_index(articles: &[Article]) -> Vec<Year> {
    let mut years: Vec<Year> = Vec::new();
    for (i, article) in articles.iter().enumerate() {
        let day = article.date.day();
        if years.last().is_none_or(|y| y.year != day.year()) {
            years.push(Year {
                year: day.year(),
                articles: i..i,
                months: Vec::new(),
            });
        }
        let year = years.last_mut().expect("pushed above");
        year.articles.end = i + 1;
        if year.months.last().is_none_or(|m| m.month != day.month()) {
            year.months.push(Month {
                year: day.year(),
                month: day.month(),
                articles: i..i,
                days: Vec::new(),
            });
        }
        let month = year.months.last_mut().expect("pushed above");
        month.articles.end = i + 1;
        if month.days.last().is_none_or(|d| d.date != day) {
            month.days.push(Day {
                date: day,
                articles: i..i,
            });
        }
        month.days.last_mut().expect("pushed above").articles.end = i + 1;
    }
    years
}

#[cfg(test)]
mod tests;
