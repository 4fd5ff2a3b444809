//! `dateline import`: another system's archive turned into dateline sources.
//!
//! Newsrooms come with an archive: a WordPress export (WXR), an RSS or Atom feed, or a
//! Hugo, Jekyll or Pelican site. Each importer (one file per kind) reads its source into
//! [`Item`]s, the fields a dateline article has; everything after that is shared and lives
//! here, so that every importer keeps the same promises ([importing](../../docs/importing.md)):
//!
//! - **One Markdown source per article**, `content/YYYY/MM/<slug>.md`, its date in the
//!   site's time zone, with an explicit `slug` so that a later edit of the title does not
//!   move the article.
//! - **Old links keep working**: the item's old URL becomes an `aliases` entry (a path on
//!   the site), unless it is the article's new URL already.
//! - **Scripts never reach a page**: every HTML body goes through ammonia, which removes
//!   `<script>`, `on*=` handlers and `javascript:` URLs; a Markdown body's raw HTML is
//!   cleaned the same way (`body.rs`). Each item it happened to is named in a warning.
//! - **Nothing half-written**: each file is written beside its place under a hidden name,
//!   then renamed (`write.rs`); a file that fails is removed, never left.
//! - **Idempotent**: the same input gives byte-identical files, in the same places (two
//!   items with one slug in one month are told apart by `-2`, `-3` in the order of the
//!   source, and reported). A file already holding those bytes is left alone. A file that
//!   differs was edited since (or comes from elsewhere): it is kept and reported, unless
//!   `--force`; a newsroom re-runs an import to add what is new, not to lose its edits.
//! - **Bounded memory**: items are handled in batches of [`BATCH`], their bodies converted
//!   and their files written in parallel (rayon) while nothing of the earlier batches but
//!   the claimed paths is kept; a WordPress export of hundreds of megabytes is read as a
//!   stream (`xml.rs`).
//!
//! A problem of one item (no title, no date, a date that is not one) is an error at its
//! file and line; the item is left out and the others are imported. Malformed XML stops
//! the import before anything is written (the file is read once through first).

mod atom;
mod body;
mod generator;
mod hugo;
mod jekyll;
mod pelican;
mod rss;
mod write;
mod wxr;
mod xml;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono_tz::Tz;
use rayon::prelude::*;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::error::IoError;
use crate::model::{Article, normalize_alias};
use crate::parse::date::parse_date;
use crate::progress::Progress;
use crate::render::counted;
use crate::slug::slugify;
pub(crate) use write::Outcome;

/// Items converted and written together: enough to keep both cores busy, few enough that
/// their bodies take a few megabytes.
pub(crate) const BATCH: usize = 2048;

/// The kinds of source `dateline import` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// An RSS 2.0 feed (a file).
    Rss,
    /// An Atom feed (a file).
    Atom,
    /// A WordPress export, WXR (a file).
    Wxr,
    /// A Hugo site (a folder).
    Hugo,
    /// A Jekyll site (a folder).
    Jekyll,
    /// A Pelican site (a folder).
    Pelican,
}

impl Kind {
    /// Whether the source is one XML file (else a site's folder).
    pub fn is_feed(self) -> bool {
        matches!(self, Kind::Rss | Kind::Atom | Kind::Wxr)
    }
}

/// What to import, and where.
#[derive(Debug, Clone)]
pub struct Options {
    pub kind: Kind,
    /// The file or folder to import, as the user named it.
    pub source: PathBuf,
    /// The dateline site to write into.
    pub site: PathBuf,
    /// List what would be written, write nothing.
    pub dry_run: bool,
    /// Replace files that differ from what the import writes.
    pub force: bool,
    /// A folder to copy linked images from (feeds and WordPress exports).
    pub images: Option<PathBuf>,
    /// Show a progress line on a terminal.
    pub progress: bool,
}

/// How serious a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Warning,
    Error,
}

/// A message about one item of the source: `FILE:LINE: warning: …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub path: PathBuf,
    pub line: usize,
    pub level: Level,
    pub message: String,
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Warning => "warning",
            Level::Error => "error",
        };
        write!(f, "{}:{}: {level}: {}", self.path.display(), self.line, self.message)
    }
}

/// Where an item is in its source: the file as the user named it, and a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub path: Arc<Path>,
    pub line: usize,
}

impl Origin {
    pub fn new(path: &Arc<Path>, line: usize) -> Origin {
        Origin {
            path: Arc::clone(path),
            line,
        }
    }

    fn notice(&self, level: Level, message: impl Into<String>) -> Notice {
        Notice {
            path: self.path.to_path_buf(),
            line: self.line,
            level,
            message: message.into(),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)
    }
}

/// The body of an item, as the source has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// HTML, converted to Markdown where it converts cleanly. `autop`: paragraphs may be
    /// separated by blank lines alone, as WordPress's classic editor stores them.
    Html { html: String, autop: bool },
    /// Markdown already (a generator's source): kept, its raw HTML cleaned.
    Markdown(String),
}

/// One article to write, as an importer read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub origin: Origin,
    pub title: String,
    /// The date in a form dateline's front matter takes (RFC 3339 with the source's
    /// offset, or a local time in the site's time zone).
    pub date: String,
    pub updated: Option<String>,
    pub authors: Vec<String>,
    pub tags: Vec<String>,
    pub section: Option<String>,
    pub summary: Option<String>,
    /// The slug the importer chose (a slug already, or empty for one from the title).
    pub slug: String,
    pub draft: bool,
    /// Old paths or URLs of the item, to keep working as redirects.
    pub aliases: Vec<String>,
    pub body: Body,
}

impl Item {
    /// An item with its title and date, and nothing else yet.
    pub fn new(origin: Origin, title: String, date: String, body: Body) -> Item {
        Item {
            origin,
            title,
            date,
            updated: None,
            authors: Vec::new(),
            tags: Vec::new(),
            section: None,
            summary: None,
            slug: String::new(),
            draft: false,
            aliases: Vec::new(),
            body,
        }
    }
}

/// What an import did, for its closing lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub articles: usize,
    pub drafts: usize,
    pub profiles: usize,
    pub images: usize,
    /// Items left out on purpose, by why (`pages`, `attachments`, `private`).
    pub skipped: BTreeMap<&'static str, usize>,
    /// Items left out for a problem (each has an error notice).
    pub failed: usize,
    pub warnings: usize,
    pub written: usize,
    pub unchanged: usize,
    /// Files that differ from what the import writes, kept as they are (no `--force`).
    pub kept: usize,
    pub dry_run: bool,
}

impl Summary {
    /// `Imported 1,234 articles (12 drafts), 8 author profiles; 3 items skipped (pages); 2 warnings`
    pub fn headline(&self) -> String {
        let mut line = format!(
            "{} {}",
            if self.dry_run { "Would import" } else { "Imported" },
            counted(self.articles, "article")
        );
        if self.drafts > 0 {
            line.push_str(&format!(" ({})", counted(self.drafts, "draft")));
        }
        line.push_str(&format!(", {}", counted(self.profiles, "author profile")));
        if self.images > 0 {
            line.push_str(&format!(", {}", counted(self.images, "image")));
        }
        let skipped: usize = self.skipped.values().sum();
        if skipped > 0 {
            let why: Vec<String> = self
                .skipped
                .iter()
                .map(|(why, n)| format!("{} {why}", crate::render::thousands(*n)))
                .collect();
            line.push_str(&format!("; {} skipped ({})", counted(skipped, "item"), why.join(", ")));
        }
        if self.failed > 0 {
            line.push_str(&format!(
                "; {} not imported (errors above)",
                counted(self.failed, "item")
            ));
        }
        line.push_str(&format!("; {}", counted(self.warnings, "warning")));
        line
    }

    /// `1,242 files written, 0 unchanged, 0 kept as edited`
    pub fn files(&self) -> String {
        let verb = if self.dry_run { "to write" } else { "written" };
        let mut line = format!(
            "{} {verb}, {} unchanged",
            counted(self.written, "file"),
            crate::render::thousands(self.unchanged)
        );
        if self.kept > 0 {
            line.push_str(&format!(
                ", {} kept as they are (they differ from the import; --force replaces them)",
                crate::render::thousands(self.kept)
            ));
        }
        if self.dry_run {
            line.push_str(" (dry run: nothing was written)");
        }
        line
    }
}

/// An import that ran to its end, with what it said of its items.
#[derive(Debug)]
pub struct Report {
    pub summary: Summary,
    /// Every warning and error about an item, in the order of the source.
    pub notices: Vec<Notice>,
    /// Each file to write or written, and what became of it, in order (for `--dry-run`
    /// and `-v`).
    pub files: Vec<(PathBuf, Outcome)>,
}

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The source cannot be read as its kind (malformed XML, a missing folder): nothing
    /// was written.
    #[error("{0}")]
    Problems(Diagnostics),
    /// The file system refused something.
    #[error(transparent)]
    Io(#[from] IoError),
}

impl From<Diagnostic> for ImportError {
    fn from(d: Diagnostic) -> ImportError {
        ImportError::Problems(Diagnostics::from(d))
    }
}

/// Runs an import.
pub fn run(options: &Options) -> Result<Report, ImportError> {
    let config = Config::load(&options.site, None).map_err(|list| ImportError::Problems(list.into()))?;
    let mut sink = Sink::new(options, &config)?;
    let source: Arc<Path> = Arc::from(options.source.as_path());
    match options.kind {
        Kind::Rss => rss::import(&source, &mut sink)?,
        Kind::Atom => atom::import(&source, &mut sink)?,
        Kind::Wxr => wxr::import(&source, &mut sink)?,
        Kind::Hugo => hugo::import(&source, &mut sink)?,
        Kind::Jekyll => jekyll::import(&source, &mut sink)?,
        Kind::Pelican => pelican::import(&source, &mut sink)?,
    }
    sink.finish()
}

/// An item ready to be written: its body converted, its date read.
struct Prepared {
    item: Item,
    /// The year, month and day of the date in the site's time zone.
    day: chrono::NaiveDate,
    /// The Markdown body.
    body: String,
    notices: Vec<Notice>,
}

/// Where importers put what they read: items are converted and written in batches, and
/// everything said about them collected.
pub struct Sink {
    options: Options,
    timezone: Tz,
    /// base_url's path: old URLs under it become aliases relative to it.
    base_path: String,
    cleaner: body::Cleaner,
    pending: Vec<Item>,
    /// Each file claimed so far (site-relative), with the item that claimed it.
    claimed: HashMap<String, (String, Origin)>,
    /// Each alias claimed so far, with the item that claimed it.
    aliases: HashMap<String, Origin>,
    /// Author profiles to write: file slug → (name, bio in Markdown).
    profiles: BTreeMap<String, (String, Option<String>)>,
    /// Old URLs with a query, which no static host can redirect: how many, and the first.
    query_urls: Option<(usize, String, Origin)>,
    /// Front matter keys of another generator that dateline has none for: how many
    /// files had each, and the first.
    dropped: BTreeMap<String, (usize, Origin)>,
    summary: Summary,
    notices: Vec<Notice>,
    files: Vec<(PathBuf, Outcome)>,
    progress: Option<Progress>,
}

impl Sink {
    fn new(options: &Options, config: &Config) -> Result<Sink, ImportError> {
        let images = match &options.images {
            Some(dir) if !dir.is_dir() => {
                return Err(ImportError::Io(IoError::new(
                    "read the images folder",
                    dir,
                    std::io::Error::from(std::io::ErrorKind::NotFound),
                )));
            }
            Some(dir) => Some(body::Images::new(dir.clone(), config.base_url.path())),
            None => None,
        };
        Ok(Sink {
            options: options.clone(),
            timezone: config.timezone,
            base_path: config.base_url.path().to_string(),
            cleaner: body::Cleaner::new(images),
            pending: Vec::with_capacity(BATCH),
            claimed: HashMap::new(),
            aliases: HashMap::new(),
            profiles: BTreeMap::new(),
            query_urls: None,
            dropped: BTreeMap::new(),
            summary: Summary {
                dry_run: options.dry_run,
                ..Summary::default()
            },
            notices: Vec::new(),
            files: Vec::new(),
            progress: None,
        })
    }

    /// The site's time zone (for dates written without an offset).
    pub fn timezone(&self) -> Tz {
        self.timezone
    }

    /// Shows progress through `total` steps (items or files), on a terminal.
    pub fn start_progress(&mut self, total: usize) {
        if self.options.progress && !self.options.dry_run {
            let progress = Progress::start();
            progress.stage("Importing", total);
            self.progress = Some(progress);
        }
    }

    /// One item or file of the source read.
    pub fn step(&self) {
        if let Some(p) = &self.progress {
            p.step();
        }
    }

    /// An item to import.
    pub fn add(&mut self, item: Item) -> Result<(), ImportError> {
        self.pending.push(item);
        if self.pending.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// An item left out on purpose, counted under `why` (a plural: `pages`).
    pub fn skip(&mut self, why: &'static str) {
        *self.summary.skipped.entry(why).or_default() += 1;
    }

    /// An item left out for a problem.
    pub fn fail(&mut self, origin: &Origin, message: impl Into<String>) {
        self.summary.failed += 1;
        self.notices.push(origin.notice(Level::Error, message));
    }

    /// A warning about an item that was imported all the same.
    pub fn warn(&mut self, origin: &Origin, message: impl Into<String>) {
        self.summary.warnings += 1;
        self.notices.push(origin.notice(Level::Warning, message));
    }

    /// A front matter key of another generator that dateline has no place for.
    pub fn dropped(&mut self, key: &str, origin: &Origin) {
        self.dropped
            .entry(key.to_string())
            .and_modify(|(n, _)| *n += 1)
            .or_insert_with(|| (1, origin.clone()));
    }

    /// An author profile to write, `content/authors/<slug of name>.md`, with a Markdown bio.
    pub fn profile(&mut self, name: &str, bio: Option<String>) {
        let slug = slugify(name);
        if !slug.is_empty() {
            self.profiles.entry(slug).or_insert_with(|| (name.to_string(), bio));
        }
    }

    /// Converts and writes the pending items.
    fn flush(&mut self) -> Result<(), ImportError> {
        let items = std::mem::take(&mut self.pending);
        let timezone = self.timezone;
        let cleaner = &self.cleaner;
        let prepared: Vec<Result<Prepared, Notice>> = items
            .into_par_iter()
            .map(|item| prepare(item, timezone, cleaner))
            .collect();
        let mut files = Vec::with_capacity(prepared.len());
        for result in prepared {
            match result {
                Err(notice) => {
                    self.summary.failed += 1;
                    self.notices.push(notice);
                }
                Ok(prepared) => {
                    for n in &prepared.notices {
                        if n.level == Level::Warning {
                            self.summary.warnings += 1;
                        }
                    }
                    let notices = prepared.notices.clone();
                    self.notices.extend(notices);
                    files.push(self.place(prepared));
                }
            }
        }
        let outcomes = write::write_all(&self.options.site, files, self.options.dry_run, self.options.force)?;
        self.record(outcomes);
        Ok(())
    }

    /// Counts what became of each file, and reports those kept.
    fn record(&mut self, outcomes: Vec<(PathBuf, Outcome)>) {
        for (rel, outcome) in outcomes {
            match outcome {
                Outcome::Written => self.summary.written += 1,
                Outcome::Unchanged => self.summary.unchanged += 1,
                Outcome::Kept => self.summary.kept += 1,
            }
            self.files.push((rel, outcome));
        }
    }

    /// Gives a prepared item its file (one no earlier item claimed) and its aliases (those
    /// no earlier item claimed, and not its own URL); returns the file and its text.
    fn place(&mut self, mut p: Prepared) -> (PathBuf, Vec<u8>) {
        use chrono::Datelike;
        let base = match p.item.slug.as_str() {
            "" => match slugify(&p.item.title) {
                s if s.is_empty() => format!("article-{}", crate::slug::short_hash(&p.item.title)),
                s => s,
            },
            s => s.to_string(),
        };
        let folder = format!("content/{:04}/{:02}/", p.day.year(), p.day.month());
        let mut slug = base.clone();
        let mut n = 1;
        while self.claimed.contains_key(&format!("{folder}{slug}.md")) {
            n += 1;
            slug = format!("{base}-{n}");
        }
        if n > 1 {
            let (title, first) = &self.claimed[&format!("{folder}{base}.md")];
            let message = format!(
                "“{}” has the slug `{base}` of “{title}” ({first}), in the same month: written as `{slug}`",
                p.item.title
            );
            self.warn(&p.item.origin.clone(), message);
        }
        let rel = format!("{folder}{slug}.md");
        self.claimed
            .insert(rel.clone(), (p.item.title.clone(), p.item.origin.clone()));
        p.item.slug = slug;
        if p.item.draft {
            self.summary.drafts += 1;
        }
        self.summary.articles += 1;

        let own = Article::path_for(
            &parse_date(&p.item.date, self.timezone).expect("read in prepare"),
            &p.item.slug,
        );
        let mut aliases = Vec::new();
        for old in std::mem::take(&mut p.item.aliases) {
            if let Some(alias) = self.alias(&old, &own, &p.item.origin) {
                aliases.push(alias);
            }
        }
        p.item.aliases = aliases;
        let text = write::markdown_source(&p.item, &p.body);
        (PathBuf::from(rel), text.into_bytes())
    }

    /// The alias an old URL or path gives, if it gives one: relative to base_url's path,
    /// not the article's own URL (`own`), and not claimed by an earlier item.
    fn alias(&mut self, old: &str, own: &str, origin: &Origin) -> Option<String> {
        let path = match old_path(old) {
            OldPath::Path(path) => path,
            OldPath::Query => {
                match &mut self.query_urls {
                    Some((n, _, _)) => *n += 1,
                    None => self.query_urls = Some((1, old.to_string(), origin.clone())),
                }
                return None;
            }
            OldPath::None => return None,
        };
        let relative = path
            .strip_prefix(self.base_path.as_str())
            .map(|p| format!("/{p}"))
            .unwrap_or(path);
        let alias = match normalize_alias(&relative) {
            Ok(alias) => alias,
            Err(why) => {
                if relative.trim_matches('/').is_empty() {
                    return None;
                }
                self.warn(origin, format!("the old URL `{old}` is not kept as an alias: {why}"));
                return None;
            }
        };
        if alias == own {
            return None;
        }
        if let Some(first) = self.aliases.get(&alias) {
            let message =
                format!("the old URL `{old}` is the alias of an earlier item ({first}) already: not kept here");
            self.warn(origin, message);
            return None;
        }
        self.aliases.insert(alias.clone(), origin.clone());
        Some(format!("/{alias}"))
    }

    /// Writes what is left: the last batch, the author profiles, the copied images.
    fn finish(mut self) -> Result<Report, ImportError> {
        self.flush()?;
        let mut files = Vec::new();
        for (slug, (name, bio)) in std::mem::take(&mut self.profiles) {
            let rel = PathBuf::from(format!("content/authors/{slug}.md"));
            files.push((rel, write::profile_source(&name, bio.as_deref()).into_bytes()));
        }
        self.summary.profiles = files.len();
        let outcomes = write::write_all(&self.options.site, files, self.options.dry_run, self.options.force)?;
        self.record(outcomes);
        if let Some(images) = self.cleaner.images() {
            let copies = images.found();
            self.summary.images = copies.len();
            let outcomes = write::copy_all(&self.options.site, &copies, self.options.dry_run, self.options.force)?;
            self.record(outcomes);
        }
        if let Some((n, first, origin)) = self.query_urls.take() {
            let message = format!(
                "{} with a query (such as `{first}`) not kept as aliases: a static host cannot redirect them",
                counted(n, "old URL")
            );
            self.warn(&origin, message);
        }
        for (key, (n, first)) in std::mem::take(&mut self.dropped) {
            let message = format!(
                "front matter key `{key}` dropped ({}): dateline has no such key",
                counted(n, "file")
            );
            self.warn(&first, message);
        }
        self.progress = None;
        // In the order of the source, whenever each was found.
        self.notices.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        Ok(Report {
            summary: self.summary,
            notices: self.notices,
            files: self.files,
        })
    }
}

/// Reads an item's date and converts its body: the part of an import that runs in
/// parallel.
fn prepare(mut item: Item, timezone: Tz, cleaner: &body::Cleaner) -> Result<Prepared, Notice> {
    let date = parse_date(&item.date, timezone).map_err(|why| {
        item.origin.notice(
            Level::Error,
            format!("“{}” is not imported: its date {why}", item.title),
        )
    })?;
    if let Some(updated) = &item.updated
        && parse_date(updated, timezone).is_err()
    {
        item.updated = None;
    }
    let mut notices = Vec::new();
    let converted = match &item.body {
        Body::Html { html, autop } => cleaner.html_to_markdown(html, *autop),
        Body::Markdown(text) => cleaner.clean_markdown(text),
    };
    if !converted.removed.is_empty() {
        let removed: Vec<&str> = converted.removed.iter().copied().collect();
        notices.push(item.origin.notice(
            Level::Warning,
            format!("“{}”: removed {} from its body", item.title, removed.join(", ")),
        ));
    }
    if let Some(summary) = &item.summary {
        let text = body::html_text(summary);
        item.summary = Some(text).filter(|s| !s.is_empty());
    }
    item.body = Body::Markdown(String::new());
    Ok(Prepared {
        item,
        day: date.day(),
        body: converted.markdown,
        notices,
    })
}

/// What an old URL gives as an alias.
#[derive(Debug, PartialEq, Eq)]
enum OldPath {
    /// A path, percent-decoded when it decodes to text.
    Path(String),
    /// A URL with a query (`/?p=123`): no static host redirects it.
    Query,
    /// Nothing (no URL, or the home page).
    None,
}

/// The path of an old URL (`https://example.com/2019/05/old-post/` → `/2019/05/old-post/`),
/// or of a path itself.
fn old_path(old: &str) -> OldPath {
    let old = old.trim();
    let rest = match old.split_once("://") {
        Some((_, rest)) => match rest.find('/') {
            Some(i) => &rest[i..],
            None => return OldPath::None,
        },
        None if old.starts_with('/') => old,
        None => return OldPath::None,
    };
    let rest = rest.split_once('#').map_or(rest, |(p, _)| p);
    if let Some((path, query)) = rest.split_once('?') {
        if !query.is_empty() {
            return OldPath::Query;
        }
        return old_path(path);
    }
    if rest.trim_matches('/').is_empty() {
        return OldPath::None;
    }
    let decoded = percent_encoding::percent_decode_str(rest)
        .decode_utf8()
        .ok()
        .filter(|d| !d.chars().any(|c| c.is_whitespace() || matches!(c, '?' | '#' | '\\')))
        .map_or_else(|| rest.to_string(), |d| d.into_owned());
    OldPath::Path(decoded)
}

/// A list with each name once (by slug), in order, trimmed, without empty ones.
pub(crate) fn unique(names: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    names
        .into_iter()
        .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|n| !n.is_empty() && seen.insert(slugify(n)))
        .collect()
}

#[cfg(test)]
mod tests;
