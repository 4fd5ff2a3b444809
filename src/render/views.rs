//! What templates see: small `Serialize` structs that borrow from the model.
//! docs/templates.md lists every variable; keep the two in step.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use super::format::Locale;
use crate::config::Config;
use crate::model::{Archive, Article, Author, Term};
use crate::parse::date::{ArticleDate, Precision};
use crate::parse::profile::ProfileLink;

/// Everything a view needs to turn model paths and dates into links and text.
pub struct Env<'a> {
    pub config: &'a Config,
    pub archive: &'a Archive,
    pub locale: &'static Locale,
    /// Each author, tag and section as a template value, built once and shared by every
    /// card that names it (a card holds only references to them).
    pub shared: Shared,
}

/// Values shared by many cards, with their fingerprints.
#[derive(Default)]
pub struct Shared {
    pub authors: Vec<(tera::Value, u64)>,
    pub tags: Vec<(tera::Value, u64)>,
    pub sections: Vec<(tera::Value, u64)>,
    /// How each day of the archive is written, for the dates of its articles' cards:
    /// formatting them took a third of the time of making a card. Each written when a
    /// date first needs it: a rebuild of `serve` shows few days, and writing all 3,650
    /// of a ten-year archive was a tenth of it.
    pub days: ahash::AHashMap<NaiveDate, std::sync::OnceLock<DayText>>,
    /// `[content] sanitize`: the bio of each author whose profile has one, its raw HTML
    /// cleaned as Markdown bodies are, by slug (empty when the setting is off). Cleaned
    /// once here: a bio shows on every page of its author.
    pub clean_bios: ahash::AHashMap<String, String>,
    /// The hash of each article's feed entry, made once a build for every feed that lists
    /// it (`Feed::fingerprint`).
    pub feed_entries: Vec<std::sync::OnceLock<u64>>,
    /// When each article last changed (`Article::last_change`), side by side: the
    /// sitemaps read it 7 times an article, which from the articles themselves was 10%
    /// of a rebuild of `serve` at 100,000 articles (a cache miss each).
    pub last_changes: Vec<chrono::DateTime<chrono::FixedOffset>>,
}

/// A day as dates show it (`DateView`).
pub struct DayText {
    date: String,
    short: String,
    long: String,
    day_path: String,
}

impl DayText {
    fn new(env: &Env<'_>, day: NaiveDate) -> DayText {
        DayText {
            date: env.locale.date(day),
            short: env.locale.short_date(day),
            long: env.locale.long_date(day),
            day_path: env.link(&day_path(day)),
        }
    }
}

impl Env<'_> {
    /// An author's bio as pages show it (`Shared::clean_bios`).
    pub fn bio<'a>(&'a self, author: &'a Author) -> Option<&'a str> {
        match self.shared.clean_bios.get(&author.slug) {
            Some(clean) => Some(clean),
            None => author.bio_html.as_deref(),
        }
    }
}

impl Shared {
    /// `sanitizer`: `[content] sanitize`'s cleaner, when it is on.
    pub fn new(env: &Env<'_>, sanitizer: Option<&ammonia::Builder<'static>>) -> Shared {
        fn prebuild<T: Serialize>(view: T) -> (tera::Value, u64) {
            (
                tera::Value::from_serializable(&view),
                super::fingerprint::fingerprint(&view),
            )
        }
        let archive = env.archive;
        Shared {
            authors: archive
                .authors
                .iter()
                .map(|a| prebuild(AuthorLink::new(env, a)))
                .collect(),
            tags: archive.tags.iter().map(|t| prebuild(TermRef::new(env, t))).collect(),
            sections: archive
                .sections
                .iter()
                .map(|t| prebuild(TermRef::new(env, t)))
                .collect(),
            days: (archive.years.iter())
                .flat_map(|y| y.months.iter().flat_map(|m| m.days.iter().map(|d| d.date)))
                .map(|day| (day, std::sync::OnceLock::new()))
                .collect(),
            clean_bios: match sanitizer {
                Some(sanitizer) => (archive.authors.iter())
                    .filter(|a| a.has_profile)
                    .filter_map(|a| Some((a.slug.clone(), sanitizer.clean(a.bio_html.as_deref()?).to_string())))
                    .collect(),
                None => Default::default(),
            },
            feed_entries: (0..archive.articles.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
            last_changes: {
                use rayon::prelude::*;
                archive.articles.par_iter().map(|a| a.last_change().at).collect()
            },
        }
    }

    /// The value at `i` of `list` (`authors`, `tags` or `sections`), shared.
    pub fn get(list: &[(tera::Value, u64)], i: u32) -> Prebuilt {
        let (value, hash) = &list[i as usize];
        Prebuilt {
            value: Some(value.clone()),
            hash: *hash,
        }
    }
}

/// A tag or section named on a card (no count: a card must not change when another
/// article is filed under the same tag).
#[derive(Serialize)]
pub struct TermRef<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub path: String,
    pub url: String,
}

impl<'a> TermRef<'a> {
    pub fn new(env: &Env<'_>, term: &'a Term) -> Self {
        TermRef {
            name: &term.name,
            slug: &term.slug,
            path: env.link(&term.path),
            url: env.url(&term.path),
        }
    }
}

impl Env<'_> {
    pub fn link(&self, rel: &str) -> String {
        self.config.base_url.link(rel)
    }

    pub fn url(&self, rel: &str) -> String {
        self.config.base_url.join(rel)
    }
}

/// `site`: the site's configuration (every template).
#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub language: &'a str,
    pub timezone: &'a str,
    pub publisher: PublisherView<'a>,
    /// Link to the theme's stylesheet, with a version for caches.
    pub stylesheet: String,
    pub generator: &'static str,
}

#[derive(Serialize)]
pub struct PublisherView<'a> {
    pub name: &'a str,
    /// Link to the logo.
    pub logo: Option<String>,
    /// Absolute URL of the logo.
    pub logo_url: Option<String>,
}

/// `nav`: links every page shows (every template).
#[derive(Serialize)]
pub struct NavView<'a> {
    pub home: String,
    pub authors: String,
    pub tags: String,
    pub sections_index: String,
    /// The search page, or "" when the site has none.
    pub search: String,
    /// Every section, the one with most articles first. No counts here: every page shows
    /// the navigation, so what is in it must change rarely.
    pub sections: Vec<NavLink<'a>>,
    /// Newest first.
    pub years: Vec<YearLink>,
}

#[derive(Serialize)]
pub struct YearLink {
    pub year: i32,
    pub path: String,
}

/// A link to a section in the navigation.
#[derive(Serialize)]
pub struct NavLink<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub path: String,
}

/// A year with its number of articles (on the 404 page).
#[derive(Serialize)]
pub struct YearCount {
    pub year: i32,
    pub path: String,
    pub count: usize,
}

/// `page`: the page being rendered (every template).
#[derive(Serialize)]
pub struct PageView<'a> {
    /// `article`, `home`, `year`, `month`, `day`, `on-this-day`, `authors`, `author`, `tags`,
    /// `tag`, `sections`, `section`, `404` or `redirect`.
    pub kind: &'static str,
    pub title: &'a str,
    pub description: &'a str,
    /// Root-relative link to this page.
    pub path: String,
    /// Absolute URL of this page (its canonical URL).
    pub url: String,
    /// Feeds to announce with `<link rel="alternate">`.
    pub feeds: Feeds<'a>,
    /// Structured data (JSON-LD), escaped for a `<script>` element.
    pub jsonld: tera::Value,
}

/// `page.feeds`: the site's feeds, then the page's own if it has one. In a fingerprint
/// the site's feeds stand for their fingerprint.
pub struct Feeds<'a> {
    pub site: &'a [FeedLink],
    pub site_hash: u64,
    /// `site` as one template value, shared by every page that has no feed of its own.
    pub site_value: &'a tera::Value,
    pub own: Option<FeedLink>,
}

impl Serialize for Feeds<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (super::fingerprint::hashing(), &self.own) {
            (true, _) => (self.site_hash, &self.own).serialize(serializer),
            (false, None) => self.site_value.serialize(serializer),
            (false, Some(own)) => serializer.collect_seq(self.site.iter().chain([own])),
        }
    }
}

/// A feed of the site.
#[derive(Serialize, Clone)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
    /// MIME type: `application/atom+xml` or `application/rss+xml`.
    pub mime: &'static str,
}

/// A link to a tag or section.
#[derive(Serialize)]
pub struct TermLink<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub path: String,
    pub url: String,
    /// Absent on a listing's numbered pages, which show nothing that changes with a new
    /// article (`paging`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
}

impl<'a> TermLink<'a> {
    pub fn new(env: &Env<'_>, term: &'a Term) -> Self {
        TermLink {
            name: &term.name,
            slug: &term.slug,
            path: env.link(&term.path),
            url: env.url(&term.path),
            count: Some(term.articles.len()),
        }
    }

    /// Without what changes with a new article (for a numbered page).
    pub fn lasting(self) -> Self {
        TermLink { count: None, ..self }
    }
}

/// A value built once and shared by every page that shows it (an article's card, an
/// author's link). In a fingerprint it stands for its own fingerprint, so pages hash
/// cheaply and independently of how the value is stored.
#[derive(Clone)]
pub struct Prebuilt {
    /// Absent when only a fingerprint is wanted (cards are built on first use). Shared,
    /// not copied: a list or map value is a reference to its contents.
    pub value: Option<tera::Value>,
    pub hash: u64,
}

impl Serialize for Prebuilt {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.value {
            Some(value) if !super::fingerprint::hashing() => value.serialize(serializer),
            _ => serializer.serialize_u64(self.hash),
        }
    }
}

/// A view that every page of one listing shows the same (a month with its calendar, a
/// year with its months): built once per listing, not once per page, and shared.
#[derive(Default)]
pub struct Memo {
    hash: std::sync::OnceLock<u64>,
    value: std::sync::OnceLock<tera::Value>,
}

impl Memo {
    /// The view `build` makes, as a page needs it in `mode`.
    pub fn get<T: Serialize>(&self, mode: super::Mode, build: impl FnOnce() -> T) -> Prebuilt {
        match mode {
            super::Mode::Render => Prebuilt {
                value: Some(
                    self.value
                        .get_or_init(|| tera::Value::from_serializable(&build()))
                        .clone(),
                ),
                hash: 0,
            },
            super::Mode::Fingerprint => Prebuilt {
                value: None,
                hash: *self.hash.get_or_init(|| super::fingerprint::fingerprint(&build())),
            },
        }
    }
}

/// A date, ready to show.
#[derive(Serialize)]
pub struct DateView {
    /// RFC 3339 timestamp with offset, for `<time datetime>`.
    pub iso: String,
    /// `October 26, 2025`
    pub date: String,
    /// `Oct 26, 2025`
    pub short: String,
    /// `Sunday, October 26, 2025`
    pub long: String,
    /// `2:30 PM JST`, absent when the source gave only the day.
    pub time: Option<String>,
    /// Link to the day's archive page.
    pub day_path: String,
}

impl DateView {
    pub fn new(env: &Env<'_>, date: &ArticleDate) -> DateView {
        let day = date.day();
        let made;
        let text = match env.shared.days.get(&day) {
            Some(text) => text.get_or_init(|| DayText::new(env, day)),
            None => {
                made = DayText::new(env, day);
                &made
            }
        };
        DateView {
            iso: crate::render::rfc3339(&date.at),
            date: text.date.clone(),
            short: text.short.clone(),
            long: text.long.clone(),
            time: (date.precision == Precision::Time).then(|| env.locale.time(&date.at, env.config.timezone)),
            day_path: text.day_path.clone(),
        }
    }

    pub fn from_moment(env: &Env<'_>, at: &DateTime<FixedOffset>) -> DateView {
        DateView::new(
            env,
            &ArticleDate {
                at: *at,
                precision: Precision::Day,
            },
        )
    }
}

/// `2025/10/26/`
pub fn day_path(day: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}/{:02}/{:02}/", day.year(), day.month(), day.day())
}

/// `2025/10/`
pub fn month_path(year: i32, month: u32) -> String {
    format!("{year:04}/{month:02}/")
}

/// `2025/`
pub fn year_path(year: i32) -> String {
    format!("{year:04}/")
}

#[derive(Serialize)]
pub struct AuthorLink<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub path: String,
    pub url: String,
}

impl<'a> AuthorLink<'a> {
    pub fn new(env: &Env<'_>, author: &'a Author) -> Self {
        AuthorLink {
            name: &author.name,
            slug: &author.slug,
            path: env.link(&author.path),
            url: env.url(&author.path),
        }
    }
}

/// An article in a listing (`articles`, `prev`, `next`, `more`).
#[derive(Serialize)]
pub struct Card<'a> {
    pub title: &'a str,
    pub path: String,
    pub url: String,
    pub date: DateView,
    pub authors: Vec<Prebuilt>,
    pub summary: &'a str,
    pub section: Option<Prebuilt>,
    pub tags: Vec<Prebuilt>,
}

impl<'a> Card<'a> {
    pub fn new(env: &'a Env<'a>, article: &'a Article) -> Self {
        let shared = &env.shared;
        Card {
            title: &article.title,
            path: env.link(&article.path),
            url: env.url(&article.path),
            date: DateView::new(env, &article.date),
            authors: article
                .authors
                .iter()
                .map(|&a| Shared::get(&shared.authors, a))
                .collect(),
            summary: &article.summary,
            section: article.section.map(|s| Shared::get(&shared.sections, s)),
            tags: article.tags.iter().map(|&t| Shared::get(&shared.tags, t)).collect(),
        }
    }
}

/// The fingerprint of what a card depends on: the environment (base URL, language and
/// time zone, which shape links and dates).
pub fn env_fingerprint(env: &Env<'_>) -> u64 {
    let config = env.config;
    super::fingerprint::fingerprint(&(config.base_url.as_str(), &config.language, config.timezone.name()))
}

/// The fingerprint of an article's card, from what `Card::new` reads (not from the card,
/// which is only built when a page is rendered). Keep the two in step.
pub fn card_fingerprint(env: &Env<'_>, article: &Article, env_hash: u64) -> u64 {
    let shared = &env.shared;
    let hashes = |list: &[(tera::Value, u64)], ids: &mut dyn Iterator<Item = u32>| -> Vec<u64> {
        ids.map(|i| list.get(i as usize).map_or(0, |(_, h)| *h)).collect()
    };
    super::fingerprint::fingerprint(&(
        env_hash,
        &article.title,
        &article.path,
        &article.summary,
        article.date,
        hashes(&shared.authors, &mut article.authors.iter().copied()),
        hashes(&shared.sections, &mut article.section.into_iter()),
        hashes(&shared.tags, &mut article.tags.iter().copied()),
    ))
}

/// What `article` on an article page has besides its card: what only its own page shows.
#[derive(Serialize)]
pub struct ArticleOwn<'a> {
    /// The `updated` date of the front matter.
    pub updated: Option<DateView>,
    /// The last change: the latest of `updated` and the corrections.
    pub modified: Option<DateView>,
    /// Oldest first.
    pub corrections: Vec<CorrectionView<'a>>,
    /// The source file, relative to the site.
    pub source: String,
}

#[derive(Serialize)]
pub struct CorrectionView<'a> {
    pub date: DateView,
    pub text: &'a str,
}

/// `pagination` on listing pages. Pages are numbered from the oldest (`paging`), and a
/// numbered page shows nothing that changes when newer articles arrive (not how many pages
/// there are), so that it stays the same for ever once full.
#[derive(Serialize)]
pub struct PaginationView {
    /// The number of this page (`page/N/`; 1 is the oldest), or none on the listing's own
    /// URL, which shows its newest articles.
    pub number: Option<usize>,
    /// Whether this is the listing's own URL.
    pub latest: bool,
    /// Links to the listing's own URL and to its oldest page (none if it has no numbered
    /// page).
    pub first: String,
    pub oldest: Option<String>,
    /// Links to the page of the next newer articles, and of the next older.
    pub newer: Option<String>,
    pub older: Option<String>,
    /// Numbered pages around this one, newest first; on the listing's own URL, the newest
    /// numbered pages.
    pub window: Vec<PageLink>,
    /// Whether numbered pages newer than the window's come before it (then the pager shows
    /// a gap before them).
    pub newer_gap: bool,
    /// How many numbered pages the listing has: on its own URL only.
    pub pages: Option<usize>,
}

#[derive(Serialize)]
pub struct PageLink {
    pub number: usize,
    pub path: String,
    pub current: bool,
}

/// How many numbered pages a pager shows on each side of the current one.
const WINDOW: usize = 2;

impl PaginationView {
    /// Pagination of a listing at `base` (site-relative) on page `current` (0 is its own
    /// URL) of a listing with `numbered` numbered pages.
    pub fn new(env: &Env<'_>, base: &str, current: usize, numbered: usize) -> Self {
        let link = |n: usize| env.link(&page_path(base, n));
        let (top, bottom) = match current {
            0 => (numbered, numbered.saturating_sub(2 * WINDOW).max(1)),
            n => ((n + WINDOW).min(numbered), n.saturating_sub(WINDOW).max(1)),
        };
        PaginationView {
            number: (current > 0).then_some(current),
            latest: current == 0,
            first: link(0),
            oldest: (numbered > 0).then(|| link(1)),
            newer: match current {
                0 => None,
                n if n == numbered => Some(link(0)),
                n => Some(link(n + 1)),
            },
            older: match current {
                0 => (numbered > 0).then(|| link(numbered)),
                1 => None,
                n => Some(link(n - 1)),
            },
            window: (bottom..=top)
                .rev()
                .filter(|_| numbered > 0)
                .map(|n| PageLink {
                    number: n,
                    path: link(n),
                    current: n == current,
                })
                .collect(),
            newer_gap: current > 0 && top < numbered,
            pages: (current == 0).then_some(numbered),
        }
    }
}

/// Site-relative path of page `n` of a listing at `base` (0 is the listing's own URL).
pub fn page_path(base: &str, n: usize) -> String {
    if n == 0 {
        base.to_string()
    } else {
        format!("{base}page/{n}/")
    }
}

/// A link with a label, for breadcrumbs and period navigation.
#[derive(Serialize, Clone)]
pub struct Crumb {
    pub title: String,
    pub path: String,
    pub url: String,
}

/// `author` on an author page; each entry of `authors` on the authors index.
#[derive(Serialize)]
pub struct AuthorView<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub path: String,
    pub url: String,
    /// HTML.
    pub bio: Option<&'a str>,
    pub photo: Option<String>,
    pub links: &'a [ProfileLink],
    /// Articles in this archive (absent on an author's numbered pages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<usize>,
    /// Articles the source credited the author with.
    pub source_count: Option<u32>,
    pub first_published: Option<DateView>,
    /// Absent on an author's numbered pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_published: Option<DateView>,
}

impl<'a> AuthorView<'a> {
    pub fn new(env: &'a Env<'_>, author: &'a Author) -> Self {
        AuthorView {
            name: &author.name,
            slug: &author.slug,
            path: env.link(&author.path),
            url: env.url(&author.path),
            bio: env.bio(author),
            photo: author.photo.as_deref().map(|p| resolve(env, p)),
            links: &author.links,
            count: Some(author.articles.len()),
            source_count: author.source_count,
            first_published: author.first_published.as_ref().map(|d| DateView::from_moment(env, d)),
            last_published: author.last_published.as_ref().map(|d| DateView::from_moment(env, d)),
        }
    }

    /// Without what changes with a new article (for a numbered page): the count and the
    /// latest article's date.
    pub fn lasting(self) -> Self {
        AuthorView {
            count: None,
            last_published: None,
            ..self
        }
    }
}

/// A site path (`/img/a.jpg`) under base_url's path; absolute URLs stay as they are.
pub fn resolve(env: &Env<'_>, target: &str) -> String {
    if target.contains("://") || target.starts_with("//") || target.starts_with("data:") {
        target.to_string()
    } else {
        env.link(target)
    }
}

/// A month in a year's list of months.
#[derive(Serialize)]
pub struct MonthLink {
    pub month: u32,
    pub name: &'static str,
    pub path: String,
    pub count: usize,
}

/// A day in a month's list of days.
#[derive(Serialize)]
pub struct DayLink {
    pub day: u32,
    pub weekday: &'static str,
    pub date: String,
    pub path: String,
    pub count: usize,
}
