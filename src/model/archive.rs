//! Building the archive from parsed sources.

use ahash::AHashMap as HashMap;
use std::ffi::OsStr;
use std::ops::Range;
use std::path::Path;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

use super::author::Staff;
use super::term::TermIndex;
use super::{Article, ArticleId, Author, AuthorId, Term, TermId};
use crate::diag::{Diagnostic, shown};
use crate::parse::date::ArticleDate;
use crate::parse::profile::AuthorProfile;
use crate::parse::{Format, ParsedArticle};
use crate::slug::{short_hash, slugify};

/// Everything the parser produced, ready to become an archive (borrowed: the parsed
/// sources outlive builds when a site is served).
#[derive(Debug, Default)]
pub struct BuildInput<'a> {
    /// Article sources: path relative to the site root, format, fields.
    pub articles: Vec<(&'a Path, Format, &'a ParsedArticle)>,
    /// Author profiles: path relative to the site root, profile.
    pub profiles: Vec<(&'a Path, &'a AuthorProfile)>,
}

/// Which articles are published in this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// The articles of one calendar day (month and day) across every year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnThisDay {
    pub month: u32,
    pub day: u32,
    /// Newest first.
    pub articles: Vec<ArticleId>,
}

/// The whole archive, built once; pages are views of it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Archive {
    /// Newest first; ties in order of source path.
    pub articles: Vec<Article>,
    /// Sorted by slug.
    pub authors: Vec<Author>,
    /// Sorted by slug.
    pub tags: Vec<Term>,
    /// Sorted by slug.
    pub sections: Vec<Term>,
    /// Newest first.
    pub years: Vec<Year>,
    /// By month and day (January 1 first).
    pub on_this_day: Vec<OnThisDay>,
    /// The date of the next article held back as scheduled (dated after "the present"
    /// of the build), if any: the archive changes when that moment passes.
    pub scheduled: Option<ArticleDate>,
    /// For each article, a hash of what files and sorts it (its `shape`): an
    /// edit that keeps it can be patched in.
    pub shapes: Vec<u64>,
}

/// The archive as the build cache keeps it; the date indexes and the authors' first and
/// last dates are worked out again from the articles when it is read.
#[derive(Debug, Serialize, Deserialize)]
pub struct StoredArchive<'a> {
    #[serde(borrow)]
    articles: Runs<'a>,
    authors: Cow<'a, [Author]>,
    tags: Cow<'a, [Term]>,
    sections: Cow<'a, [Term]>,
    scheduled: Option<ArticleDate>,
    shapes: Cow<'a, [u64]>,
}

/// The articles in runs encoded one by one (borrowed from the bytes read), decoded one
/// after the other into one vector of the exact size (decoding 100,000 articles into a
/// vector grown by doubling, or in parallel runs then copied, costs more in fresh memory
/// than the decoding itself, now that their text borrows from the bytes).
#[derive(Debug)]
struct Runs<'a>(Cow<'a, [Article]>, Vec<&'a [u8]>);

/// Articles per run: few enough that decoding allocates each run's vector once.
const RUN: usize = 2048;

impl Serialize for Runs<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        let mut seq = s.serialize_seq(Some(self.0.len().div_ceil(RUN)))?;
        // Encoded in parallel, a few runs at a time (not the whole archive at once).
        for batch in self.0.chunks(RUN * 16) {
            let runs: Vec<Vec<u8>> = batch
                .par_chunks(RUN)
                .map(postcard::to_allocvec)
                .collect::<Result<_, _>>()
                .map_err(S::Error::custom)?;
            for run in &runs {
                seq.serialize_element(&Bytes(run))?;
            }
        }
        seq.end()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Runs<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Runs(Cow::Owned(Vec::new()), Vec::<&'de [u8]>::deserialize(d)?))
    }
}

impl Runs<'static> {
    /// The articles, decoding the runs read; their text borrows from them.
    fn into_articles(self) -> Option<Vec<Article>> {
        if self.1.is_empty() {
            return Some(self.0.into_owned());
        }
        let mut articles = Vec::with_capacity(self.1.len() * RUN);
        for bytes in self.1 {
            articles.extend(postcard::from_bytes::<Vec<Article>>(bytes).ok()?);
        }
        Some(articles)
    }
}

/// Bytes serialized as bytes, not as a sequence of numbers.
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

/// An article source edited since the archive was built: its fields now, and before if
/// they are known.
#[derive(Debug, Clone, Copy)]
pub struct Edit<'a> {
    pub source: &'a Path,
    pub before: Option<&'a ParsedArticle>,
    pub after: &'a ParsedArticle,
}

/// A hash of what files an article besides its date and slug: its draft flag, bylines,
/// bio, tags, section and aliases (stable across runs: it is kept in the build cache). An
/// edit that keeps it can be patched in: a new slug moves the article's page, a new date
/// its place in the archive too.
fn shape(a: &ParsedArticle) -> u64 {
    crate::render::fingerprint::fingerprint(&("shape 3", a.draft, &a.bylines, &a.bio, &a.tags, &a.section, &a.aliases))
}

/// What `Archive::patch` changed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Patch {
    /// The articles it changed: those edited, and those whose id changed (between the old
    /// and the new place of an article with a new date), by their ids now.
    pub changed: Vec<ArticleId>,
    /// Whether any of them has a new URL (a new slug or date): what lists the site's files
    /// and URLs must be made again for those articles.
    pub moved: bool,
    /// The days articles with a new date were filed under before, and those they are
    /// filed under now (empty when no date changed): their listings and the counts
    /// shown of them change, and the articles' ids between.
    pub redated: Vec<NaiveDate>,
    /// The authors of the articles with a new date (the first and last dates shown of them
    /// may change).
    pub redated_authors: Vec<AuthorId>,
    /// Whether a new date emptied a day or filled one for the first time: the archive's
    /// listings are others.
    pub days_changed: bool,
}

/// The archive's order of articles: newest first, ties in order of source path (no two
/// sources share a path, so the order is total).
fn newest_first(a: (&ArticleDate, &Path), b: (&ArticleDate, &Path)) -> std::cmp::Ordering {
    b.0.at.cmp(&a.0.at).then_with(|| a.1.cmp(b.1))
}

/// An article `Archive::patch` updates: its index, its fields now, and its new slug and
/// path if its slug or date changed.
type Update<'a> = (usize, &'a ParsedArticle, Option<(String, String)>);

impl Archive {
    /// Builds the archive. `root` is the site directory as the user named it (for messages).
    pub fn build(root: &Path, input: BuildInput<'_>, selection: &Selection) -> Result<Archive, Vec<Diagnostic>> {
        let mut problems = Vec::new();
        let BuildInput {
            articles: sources,
            profiles,
        } = input;

        let scheduled = sources
            .par_iter()
            .filter(|(_, _, a)| selection.takes_draft(a) && !selection.takes_date(a))
            .map(|(_, _, a)| a.date)
            .min_by_key(|d| d.at);
        let mut sources: Vec<(&Path, Format, &ParsedArticle)> =
            sources.into_par_iter().filter(|(_, _, a)| selection.takes(a)).collect();
        // No two sources share a path, so the order is total and an unstable sort gives it.
        sources.par_sort_unstable_by(|(pa, _, a), (pb, _, b)| newest_first((&a.date, pa), (&b.date, pb)));
        // Each article and its shape in parallel; then, one by one, its authors, tags and
        // section filed (their ids are given in the order the articles come).
        let (mut articles, shapes): (Vec<Article>, Vec<u64>) = sources
            .par_iter()
            .map(|&(source, format, parsed)| {
                let slug = slug_of(source, parsed);
                let shape = shape(parsed);
                let article = Article {
                    path: Article::path_for(&parsed.date, &slug).into(),
                    source: source.to_path_buf(),
                    format,
                    title: parsed.title.clone().into(),
                    slug: slug.into(),
                    date: parsed.date,
                    updated: parsed.updated,
                    corrections: parsed.corrections.clone(),
                    authors: Vec::new(),
                    tags: Vec::new(),
                    section: None,
                    summary: parsed.summary.clone().into(),
                    draft: parsed.draft,
                    aliases: Vec::new(),
                    aliases_at: parsed.aliases_at,
                    source_hash: parsed.source_hash,
                    source_len: parsed.source_len,
                };
                (article, shape)
            })
            .unzip();

        let mut staff = Staff::from_profiles(root, profiles, &mut problems);
        let mut tags = TermIndex::new("tags");
        let mut sections = TermIndex::new("sections");
        for (id, ((source, _, parsed), article)) in sources.into_iter().zip(&mut articles).enumerate() {
            let id = id as ArticleId;
            article.authors = parsed
                .bylines
                .iter()
                .filter_map(|b| staff.credit(b, parsed.bio.as_deref(), id))
                .map(|i| i as AuthorId)
                .collect();
            article.tags = parsed
                .tags
                .iter()
                .filter_map(|t| tags.add(t, id))
                .map(|i| i as TermId)
                .collect();
            article.section = parsed
                .section
                .as_deref()
                .and_then(|s| sections.add(s, id))
                .map(|i| i as TermId);
            article.aliases.reserve_exact(parsed.aliases.len());
            for alias in &parsed.aliases {
                match normalize_alias(alias) {
                    Ok(a) => article.aliases.push(a),
                    Err(message) => {
                        let (line, column) = parsed.aliases_at;
                        problems.push(Diagnostic::new(
                            shown(root, source),
                            line,
                            column,
                            format!("alias `{alias}`: {message}"),
                        ));
                    }
                }
            }
        }

        problems.extend(duplicate_urls(root, &articles));
        if !problems.is_empty() {
            return Err(problems);
        }

        // Authors, tags and sections sorted by slug; the articles' references renumbered.
        let (authors, author_ids) = staff.finish();
        let (tags, tag_ids) = tags.finish();
        let (sections, section_ids) = sections.finish();
        for article in &mut articles {
            article.authors.iter_mut().for_each(|a| *a = author_ids[*a as usize]);
            article.tags.iter_mut().for_each(|t| *t = tag_ids[*t as usize]);
            if let Some(s) = &mut article.section {
                *s = section_ids[*s as usize];
            }
        }
        Ok(Archive::assemble(articles, authors, tags, sections, scheduled, shapes))
    }

    /// The archive of these articles, authors and terms, with its date indexes.
    fn assemble(
        articles: Vec<Article>,
        authors: Vec<Author>,
        tags: Vec<Term>,
        sections: Vec<Term>,
        scheduled: Option<ArticleDate>,
        shapes: Vec<u64>,
    ) -> Archive {
        let mut archive = Archive {
            articles,
            authors,
            tags,
            sections,
            years: Vec::new(),
            on_this_day: Vec::new(),
            scheduled,
            shapes,
        };
        archive.index_dates();
        archive
    }

    /// Works out what follows from the articles' dates in their order: the authors' first
    /// and last dates, and the date indexes.
    fn index_dates(&mut self) {
        let articles = &self.articles;
        for author in &mut self.authors {
            author.last_published = author.articles.first().map(|&i| articles[i as usize].date.at);
            author.first_published = author.articles.last().map(|&i| articles[i as usize].date.at);
        }
        self.years = date_index(articles);
        self.on_this_day = on_this_day_index(&self.years);
    }

    /// The archive as the build cache keeps it (borrowed).
    pub fn stored(&self) -> StoredArchive<'_> {
        StoredArchive {
            articles: Runs(Cow::Borrowed(&self.articles), Vec::new()),
            authors: Cow::Borrowed(&self.authors),
            tags: Cow::Borrowed(&self.tags),
            sections: Cow::Borrowed(&self.sections),
            scheduled: self.scheduled,
            shapes: Cow::Borrowed(&self.shapes),
        }
    }

    /// The archive the build cache kept; `None` if its references do not hold together.
    pub fn from_stored(stored: StoredArchive<'static>) -> Option<Archive> {
        let (articles, authors) = (stored.articles.into_articles()?, stored.authors.into_owned());
        let (tags, sections) = (stored.tags.into_owned(), stored.sections.into_owned());
        let shapes = stored.shapes.into_owned();
        let n = articles.len();
        let ids_hold = |ids: &[ArticleId]| ids.iter().all(|&i| (i as usize) < n);
        let hold = shapes.len() == n
            && authors.iter().all(|a| ids_hold(&a.articles))
            && tags.iter().chain(&sections).all(|t| ids_hold(&t.articles))
            && articles.iter().all(|a| {
                a.authors.iter().all(|&i| (i as usize) < authors.len())
                    && a.tags.iter().all(|&i| (i as usize) < tags.len())
                    && a.section.is_none_or(|i| (i as usize) < sections.len())
            });
        hold.then(|| Archive::assemble(articles, authors, tags, sections, stored.scheduled, shapes))
    }

    /// Whether this archive, built with `built`, is also the one `selection` gives from the
    /// same sources: the same drafts and scheduled articles are held back.
    pub fn holds_for(&self, built: &Selection, selection: &Selection) -> bool {
        built.drafts == selection.drafts
            && built.future == selection.future
            && (selection.future
                || (self.articles.first().is_none_or(|a| a.date.at <= selection.now)
                    && self.scheduled.is_none_or(|s| selection.now < s.at)))
    }

    /// The id of each article, by the path of its source (as it is spelled: hashed as
    /// bytes, several times faster than `Path` hashes itself component by component).
    pub fn by_source(&self) -> HashMap<&OsStr, ArticleId> {
        self.articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.source.as_os_str(), i as ArticleId))
            .collect()
    }

    /// Applies edits of article sources that change only what articles show (title,
    /// summary, updates, corrections, body), their slug or their date, not whom they
    /// credit or how they are tagged, and returns what it changed; otherwise (or when a
    /// new URL is another article's) returns `None` and leaves the archive as it was, to be
    /// built again. The result is the archive `build` gives.
    pub fn patch(&mut self, edits: &[Edit<'_>], selection: &Selection) -> Option<Patch> {
        let by_source = match edits.len() {
            0 => return Some(Patch::default()),
            1..=8 => HashMap::new(),
            _ => self.by_source(),
        };
        let find = |source: &Path| match by_source.is_empty() {
            true => self.articles.iter().position(|a| a.source == source),
            false => by_source.get(source.as_os_str()).map(|&id| id as usize),
        };
        // Each article edited, its fields now, and its new slug and path if either changed.
        let mut updates: Vec<Update<'_>> = Vec::with_capacity(edits.len());
        for edit in edits {
            match find(edit.source) {
                Some(id) if selection.takes(edit.after) && shape(edit.after) == self.shapes[id] => {
                    let article = &self.articles[id];
                    let slug = slug_of(edit.source, edit.after);
                    let moved = (*article.slug != *slug || article.date != edit.after.date).then(|| {
                        let path = Article::path_for(&edit.after.date, &slug);
                        (slug, path)
                    });
                    updates.push((id, edit.after, moved));
                }
                Some(_) => return None,
                // Held back before and after, due at the same moment.
                None => match edit.before {
                    Some(before)
                        if !selection.takes(before)
                            && !selection.takes(edit.after)
                            && before.date == edit.after.date
                            && before.draft == edit.after.draft => {}
                    _ => return None,
                },
            }
        }
        let redated: Vec<usize> = (updates.iter())
            .filter(|(id, after, _)| self.articles[*id].date != after.date)
            .map(|(id, _, _)| *id)
            .collect();
        let dates: HashMap<usize, &ArticleDate> = match redated.is_empty() {
            true => HashMap::new(),
            false => updates.iter().map(|(id, after, _)| (*id, &after.date)).collect(),
        };
        let date_of = |i: usize| dates.get(&i).copied().unwrap_or(&self.articles[i].date);
        // The articles in their order after the edits (the index each had before, at its
        // place now), if a date changed: sorted as `build` sorts them.
        let order: Option<Vec<usize>> = (!redated.is_empty()).then(|| {
            let mut order: Vec<usize> = (0..self.articles.len()).collect();
            // Nearly sorted: a run or two, merged in linear time.
            let key = |i: usize| (date_of(i), self.articles[i].source.as_path());
            order.sort_by(|&a, &b| newest_first(key(a), key(b)));
            order
        });
        let moved = updates.iter().any(|(_, _, m)| m.is_some());
        if moved && self.new_paths_collide(&updates, order.as_deref(), &date_of) {
            return None;
        }
        let mut patch = Patch {
            moved,
            redated: (redated.iter())
                .flat_map(|&id| [self.articles[id].date.day(), date_of(id).day()])
                .collect(),
            redated_authors: redated
                .iter()
                .flat_map(|&id| self.articles[id].authors.clone())
                .collect(),
            ..Patch::default()
        };
        for (id, after, new_path) in updates {
            patch.changed.push(id as ArticleId);
            let article = &mut self.articles[id];
            article.title = after.title.clone().into();
            article.summary = after.summary.clone().into();
            article.date = after.date;
            article.updated = after.updated;
            after.corrections.clone_into(&mut article.corrections);
            article.aliases_at = after.aliases_at;
            article.source_hash = after.source_hash;
            article.source_len = after.source_len;
            if let Some((slug, path)) = new_path {
                article.slug = slug.into();
                article.path = path.into();
            }
        }
        if let Some(order) = order {
            (patch.changed, patch.days_changed) = self.reorder(&order, &patch.changed);
        }
        Some(patch)
    }

    /// Puts the articles in `order` (the index each had, at its place now) and makes every
    /// reference to them and the date indexes follow; returns the ids now of the articles
    /// `edited` (ids before) and of every article whose id changed, and whether a day
    /// has articles now that had none, or none that had some.
    fn reorder(&mut self, order: &[usize], edited: &[ArticleId]) -> (Vec<ArticleId>, bool) {
        let first = order.iter().enumerate().position(|(i, &o)| i != o).unwrap_or(0);
        let last = order.iter().enumerate().rposition(|(i, &o)| i != o);
        let span = first..last.map_or(first, |last| last + 1);
        // The id each article of the span had, to its id now.
        let mut now_of = vec![0 as ArticleId; span.len()];
        for i in span.clone() {
            now_of[order[i] - first] = i as ArticleId;
        }
        let now = |id: ArticleId| match span.contains(&(id as usize)) {
            true => now_of[id as usize - first],
            false => id,
        };
        let mut moving: Vec<Option<(Article, u64)>> = (self.articles.drain(span.clone()))
            .zip(self.shapes.drain(span.clone()))
            .map(Some)
            .collect();
        let (articles, shapes): (Vec<Article>, Vec<u64>) = (order[span.clone()].iter())
            .map(|&o| moving[o - first].take().expect("each article once"))
            .unzip();
        self.articles.splice(first..first, articles);
        self.shapes.splice(first..first, shapes);
        let lists = (self.authors.iter_mut().map(|a| &mut a.articles))
            .chain(self.tags.iter_mut().map(|t| &mut t.articles))
            .chain(self.sections.iter_mut().map(|t| &mut t.articles));
        for list in lists {
            let touched = list.iter().any(|&id| span.contains(&(id as usize)));
            if touched {
                list.iter_mut().for_each(|id| *id = now(*id));
                list.sort_unstable();
            }
        }
        let days = |years: &[Year]| -> Vec<NaiveDate> {
            let months = years.iter().flat_map(|y| &y.months);
            months.flat_map(|m| m.days.iter().map(|d| d.date)).collect()
        };
        let before = days(&self.years);
        self.index_dates();
        let days_changed = before != days(&self.years);
        let mut changed: Vec<ArticleId> = edited.iter().map(|&id| now(id)).collect();
        changed.extend(span.map(|i| i as ArticleId));
        changed.sort_unstable();
        changed.dedup();
        (changed, days_changed)
    }

    /// Whether an article of `updates` given a new path would share it with another
    /// article: only one of the same day can have it (its date is in the path). Every
    /// article of the day is compared with its path after the updates, in the `order` they
    /// take (if a date changed; `date_of` gives each article's date after the updates).
    fn new_paths_collide<'d>(
        &'d self,
        updates: &[Update<'_>],
        order: Option<&[usize]>,
        date_of: &dyn Fn(usize) -> &'d ArticleDate,
    ) -> bool {
        let new_path: HashMap<usize, &str> = (updates.iter())
            .filter_map(|(id, _, m)| Some((*id, m.as_ref()?.1.as_str())))
            .collect();
        let path_of = |i: usize| new_path.get(&i).copied().unwrap_or(&self.articles[i].path);
        // The article at each place, and the place of each article.
        let at = |k: usize| order.map_or(k, |o| o[k]);
        let place_of: HashMap<usize, usize> = match order {
            Some(order) => (order.iter().enumerate())
                .filter(|(_, o)| new_path.contains_key(o))
                .map(|(k, &o)| (o, k))
                .collect(),
            None => new_path.keys().map(|&id| (id, id)).collect(),
        };
        new_path.iter().any(|(&id, &path)| {
            let day = date_of(id).day();
            let place = place_of[&id];
            let same_day = |k: &usize| date_of(at(*k)).day() == day;
            let newer = (0..place).rev().take_while(same_day);
            let older = (place + 1..self.articles.len()).take_while(same_day);
            newer.chain(older).any(|k| path_of(at(k)) == path)
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

impl Selection {
    /// Whether the build publishes this article.
    pub fn takes(&self, article: &ParsedArticle) -> bool {
        self.takes_draft(article) && self.takes_date(article)
    }

    fn takes_draft(&self, article: &ParsedArticle) -> bool {
        self.drafts || !article.draft
    }

    fn takes_date(&self, article: &ParsedArticle) -> bool {
        self.future || article.date.at <= self.now
    }
}

/// The slug of an article: set in its front matter, or made from its title.
fn slug_of(source: &Path, parsed: &ParsedArticle) -> String {
    match &parsed.slug {
        Some(slug) => slug.clone(),
        None => match slugify(&parsed.title) {
            s if s.is_empty() => format!("article-{}", short_hash(&source.to_string_lossy())),
            s => s,
        },
    }
}

/// An alias as a site-relative path: `old/path/` (a folder) or `old/page.html` (a file).
pub fn normalize_alias(alias: &str) -> Result<String, String> {
    let alias = alias.trim();
    if alias.contains("://") || alias.starts_with("//") {
        return Err("an alias is a path on this site, not a URL".into());
    }
    if alias.contains(['?', '#', '\\']) || alias.chars().any(char::is_whitespace) {
        return Err("an alias must not contain spaces, `?`, `#` or `\\`".into());
    }
    let path = alias.trim_start_matches('/');
    if path.is_empty() {
        return Err("an alias cannot be the home page".into());
    }
    // Hosts and browsers decode `%2e%2e` to `..` before they resolve a path, so an escaped
    // dot segment would leave the folder it names as surely as a plain one; `%2f` and
    // `%5c` would make a segment of two.
    let dot_segment = |segment: &str| {
        let decoded = percent_encoding::percent_decode_str(segment).decode_utf8_lossy();
        decoded == "." || decoded == ".." || (segment.contains('%') && decoded.contains(['/', '\\']))
    };
    if path.split('/').any(dot_segment) {
        return Err("an alias must not contain `.` or `..` segments, plain or percent-encoded (`%2e%2e`), nor an encoded `/` or `\\`".into());
    }
    let last = path.rsplit('/').next().unwrap_or(path);
    if path.ends_with('/') || last.ends_with(".html") || last.ends_with(".htm") {
        Ok(path.to_string())
    } else {
        Ok(format!("{path}/"))
    }
}

fn duplicate_urls(root: &Path, articles: &[Article]) -> Vec<Diagnostic> {
    let mut by_path: HashMap<&str, usize> = HashMap::with_capacity(articles.len());
    let mut problems = Vec::new();
    for (i, article) in articles.iter().enumerate() {
        if let Some(&first) = by_path.get(article.path.as_ref()) {
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

/// Every calendar day of the year that has articles, with those of every year.
fn on_this_day_index(years: &[Year]) -> Vec<OnThisDay> {
    let mut by_day: std::collections::BTreeMap<(u32, u32), Vec<ArticleId>> = std::collections::BTreeMap::new();
    for year in years {
        for month in &year.months {
            for day in &month.days {
                by_day
                    .entry((day.date.month(), day.date.day()))
                    .or_default()
                    .extend(day.articles.clone().map(|i| i as ArticleId));
            }
        }
    }
    by_day
        .into_iter()
        .map(|((month, day), articles)| OnThisDay { month, day, articles })
        .collect()
}

#[cfg(test)]
mod tests;
