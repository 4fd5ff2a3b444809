//! Render: the archive → one job per page → HTML, in parallel; then feeds, sitemaps,
//! redirects and the hosts' `_headers`. The only module that uses tera.
//!
//! Every page is rendered by tera from the site's templates (the default theme's where
//! the site has none of that name): there is no other copy of the theme. What keeps that
//! fast at archive size is what every theme gets: views made once and shared by the pages
//! that show them (`cards`, `views::Memo`), the HTML of components rendered once and
//! reused (`fragments`: `cached` and `cached_each` in templates), and a full build's pages
//! in an order that lets both go as it goes (`order`).

mod asset_url;
mod cards;
mod changes;
mod context;
mod feeds;
pub(crate) mod fingerprint;
mod format;
mod fragments;
mod headers;
mod indexed;
mod jsonld;
mod order;
mod pages;
mod paging;
mod published;
mod redirects;
mod sitemaps;
pub mod theme;
mod views;
mod xml;

use ahash::{AHashMap as HashMap, AHashSet as HashSet};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use tera::Value;

use crate::config::{Config, FeedContent};
use crate::diag::Diagnostic;
use crate::error::{Error, IoError};
use crate::model::{Archive, ArticleId, Patch};
use crate::output::{Emit, Emitted, Output, Records};
use crate::parse::ParseContext;
pub use context::{SEARCH_INDEXES, search_bundle_path};
pub use format::{Locale, counted, rfc2822, rfc3339, thousands};
pub use indexed::ArticleText;
pub use pages::Page;
pub use published::{Kind, Published};
pub use redirects::{Origin, Redirect, Target, nearest_listing};
pub use theme::Theme;
use views::{Env, FeedLink, Shared};

/// What a render needs besides the archive.
pub struct RenderInput<'a> {
    /// The site folder as the user named it.
    pub root: &'a Path,
    pub config: &'a Config,
    pub archive: &'a Archive,
    pub theme: &'a Theme,
    /// What `asset_url` links: the output path of each stylesheet, script, image and font
    /// of the theme and `static/` → its link (to its copy named by its bytes, but under
    /// `serve`).
    pub asset_links: Arc<BTreeMap<String, String>>,
    /// Site-relative paths of the copies named by their bytes (none under `serve`).
    pub named_by_content: Vec<String>,
    /// Link to the stylesheet (`site.stylesheet`), as `asset_url` gives it.
    pub stylesheet: String,
    /// Link to the search page's script, as `asset_url` gives it ("" without search).
    pub search_script: String,
    /// "The present", for the news sitemap.
    pub now: DateTime<FixedOffset>,
    /// Output paths of the files copied as they are (site `static/`, content assets).
    pub assets: HashSet<String>,
}

/// The fingerprint of each page of a plan, in order, and whether it was known already
/// (given by the caller rather than computed).
pub struct Fingerprints {
    pub of: Vec<u64>,
    pub known: Vec<bool>,
}

/// Every file a build will write, known before any is written.
pub struct Plan<'a> {
    renderer: Renderer<'a>,
    pages: Vec<Page>,
    /// The file each page is written to (same order).
    page_files: Vec<String>,
    feeds: Vec<feeds::Feed>,
    /// `published_with_hash`'s hash, once worked out (or given by the memo of the last plan).
    published: OnceLock<u64>,
    /// The key of the copied files (`assets_key`).
    assets_key: u64,
    /// Whether the copied files are known not to collide with a page or redirect: the
    /// last plan found they do not, with the same pages and files.
    assets_checked: bool,
    /// With the last build's memo: the articles changed since (sorted); all else is as
    /// that build had it.
    changed: Option<Vec<ArticleId>>,
    /// The pages that articles given a new date since the last build change besides those
    /// that show them (`pages_of_redated`).
    redated: Vec<Page>,
    /// The files the last plan (its memo) had for pages that have others now: of the
    /// articles with a new URL.
    replaced: Vec<String>,
}

/// Output files that are not pages.
const SITEMAP_INDEX: &str = "sitemap.xml";
const NEWS_SITEMAP: &str = "news-sitemap.xml";
const ROBOTS: &str = "robots.txt";
const REDIRECTS: &str = "_redirects";
const HEADERS: &str = crate::headers::FILE;
const NGINX_REDIRECTS: &str = crate::publish::nginx::FILE;

/// Lists every page and file of the site and checks that aliases land on free paths.
/// (The redirects the record of published URLs keeps are added by `add_redirects`.)
/// `since`: what was patched into the archive since the last build, if it was patched
/// (not built again). With `memo`, the memo of the last build's plan (`serve`, with the
/// same configuration), and a patch that gave no article a new date, its pages and files
/// are taken from the memo rather than listed again (the files of the articles with a
/// new slug made again), and the feeds and sitemaps that list none of the articles
/// patched are taken to be as that build made them.
pub fn plan<'a>(
    input: &'a RenderInput<'a>,
    memo: Option<PlanMemo>,
    since: Option<Patch>,
) -> Result<Plan<'a>, Vec<Diagnostic>> {
    let renderer = Renderer::new(input);
    let assets = assets_key(input.assets.iter());
    let moved = since.as_ref().is_some_and(|p| p.moved);
    // Articles with a new date take other places: the memo's list of pages does not hold.
    let redated = since.as_ref().is_some_and(|p| !p.redated.is_empty());
    // The memo holds for an archive patched to the same listings: with articles given
    // new dates, if it has articles on the same days and lists the same pages.
    let listed_now = || {
        pages::all_pages(
            input.archive,
            &renderer.index,
            input.config.paginate,
            input.config.search,
        )
    };
    let (memo, fresh) = match memo.filter(|_| since.as_ref().is_some_and(|p| !p.days_changed)) {
        Some(memo) if redated => match listed_now() {
            now if now == memo.pages => (Some(memo), None),
            now => (None, Some(now)),
        },
        memo => (memo, None),
    };
    let with_memo = memo.is_some();
    let mut replaced = Vec::new();
    let (mut pages, mut page_files, memo_in) = match memo {
        Some(memo) => {
            let (pages, mut page_files) = (memo.pages, memo.page_files);
            let changed = since.as_ref().map_or(&[][..], |p| &p.changed[..]);
            if moved {
                // Article pages come first, in order of id (`pages::all_pages`).
                for &id in changed {
                    debug_assert_eq!(pages[id as usize], Page::Article(id));
                    let file = renderer.file_of(&Page::Article(id));
                    if file != page_files[id as usize] {
                        replaced.push(std::mem::replace(&mut page_files[id as usize], file));
                    }
                }
            }
            // With new URLs, the hash of what is published is worked out again, and no
            // page or file is known not to collide with a copied file.
            let published = memo.published.filter(|_| !moved);
            (pages, page_files, Some((published, memo.assets)))
        }
        None => {
            let pages = fresh.unwrap_or_else(listed_now);
            let page_files: Vec<String> = pages.par_iter().map(|p| renderer.file_of(p)).collect();
            (pages, page_files, None)
        }
    };
    // The aliases' redirects, always last (few, and `add_redirects` adds to them).
    let listed = pages.len();
    pages.extend((0..renderer.redirects.len()).map(Page::Redirect));
    page_files.extend(pages[listed..].iter().map(|p| renderer.file_of(p)));
    let feeds = feeds::all_feeds(&renderer.env);
    let checked = !moved && memo_in.is_some_and(|(_, checked)| checked == assets);
    let mut plan = Plan {
        renderer,
        pages,
        page_files,
        feeds,
        published: memo_in
            .and_then(|(published, _)| published)
            .map_or_else(OnceLock::new, OnceLock::from),
        assets_key: assets,
        assets_checked: checked,
        changed: since.as_ref().filter(|_| with_memo).map(|since| {
            let mut changed = since.changed.clone();
            changed.sort_unstable();
            changed
        }),
        redated: Vec::new(),
        replaced,
    };
    if let Some(since) = since.filter(|_| redated) {
        plan.redated = plan.pages_of_redated(&since.redated, &since.redated_authors, since.days_changed);
    }
    if !plan.renderer.redirects.is_empty() && !checked {
        let files = plan.files_but_redirects();
        let taken = |file: &str| files.contains(file) || input.assets.contains(file);
        let problems = redirects::collisions(input.root, input.archive, &plan.renderer.redirects, &taken);
        if !problems.is_empty() {
            return Err(problems);
        }
    }
    Ok(plan)
}

/// What a plan lists that follows from the archive's shape (where each article is filed,
/// under which URL) and the configuration alone, kept from one build to the next by
/// `serve`: the files of 140,000 pages and the hash of every published URL at 100,000
/// articles were ~40 ms of a rebuild that changes neither.
pub struct PlanMemo {
    /// The pages but the redirects, and their files.
    pages: Vec<Page>,
    page_files: Vec<String>,
    /// `Plan::published_with_hash`'s hash, if it was worked out.
    published: Option<u64>,
    /// The copied files (`assets_key`) found not to collide with a page or redirect.
    assets: u64,
}

/// A key of the output paths of copied files (the copies named by their bytes among
/// them), in any order.
fn assets_key<'s>(paths: impl Iterator<Item = &'s String>) -> u64 {
    let each = paths.map(|a| xxhash_rust::xxh3::xxh3_64(a.as_bytes()) | 1);
    each.fold(0, |key: u64, h| key.wrapping_add(h.wrapping_mul(0x9e37_79b9_7f4a_7c15)))
}

impl Plan<'_> {
    /// A hash of every URL the plan publishes and what gives it (`published`), before
    /// the redirects the record of published URLs adds; with the list it was made from if
    /// it was made now (not known from the memo of the last plan), for the comparison
    /// that needs it next.
    pub fn published_with_hash(&self) -> (Option<Vec<Published<'_>>>, u64) {
        if let Some(&hash) = self.published.get() {
            return (None, hash);
        }
        use std::hash::{Hash, Hasher};
        let list = self.published();
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for p in &list {
            (p.path, p.kind).hash(&mut hasher);
            p.source.map(|s| s.as_os_str().as_encoded_bytes()).hash(&mut hasher);
        }
        let hash = *self.published.get_or_init(|| hasher.finish());
        (Some(list), hash)
    }

    /// Whether the copied files were found not to collide with any page or redirect by
    /// the last plan, the same as this one (`serve`).
    pub fn assets_checked(&self) -> bool {
        self.assets_checked
    }

    /// What the next plan can take from this one if the archive keeps its shape and the
    /// configuration stays the same.
    pub fn into_memo(mut self) -> PlanMemo {
        let listed = self.listed_count();
        let published = self.published.into_inner();
        self.pages.truncate(listed);
        self.page_files.truncate(listed);
        PlanMemo {
            pages: self.pages,
            page_files: self.page_files,
            published,
            assets: self.assets_key,
        }
    }

    /// The fingerprint the last build's file at `rel` was made from, if this build makes it
    /// from the same: the plan was made from the last build's memo (nothing but the
    /// articles `changed` is different since), and the file lists none of those
    /// (`lists_changed`).
    fn unchanged_since_last(
        &self,
        rel: &str,
        lists_changed: impl FnOnce(&[ArticleId]) -> bool,
        previous: &Records,
    ) -> Option<u64> {
        let changed = self.changed.as_deref()?;
        match lists_changed(changed) {
            true => None,
            false => previous.get(rel)?.fingerprint,
        }
    }

    /// Adds `more` redirects (the record of published URLs keeps them: of articles that
    /// moved, of listing pages that are no more; at paths no page has), unless a copied
    /// file or an alias has their path; redirects stay in order of path.
    pub fn add_redirects(&mut self, more: Vec<Redirect>) {
        let first = self.listed_count();
        self.pages.truncate(first);
        self.page_files.truncate(first);
        let redirects = &mut self.renderer.redirects;
        let aliases: HashSet<String> = redirects.iter().map(Redirect::file).collect();
        for redirect in more {
            let file = redirect.file();
            if !aliases.contains(&file) && !self.renderer.input.assets.contains(&file) {
                redirects.push(redirect);
            }
        }
        redirects.sort_by(|a, b| a.from.cmp(&b.from));
        redirects.dedup_by(|a, b| a.from == b.from);
        self.pages.extend((0..redirects.len()).map(Page::Redirect));
        let files: Vec<String> = self.pages[first..].iter().map(|p| self.renderer.file_of(p)).collect();
        self.page_files.extend(files);
    }

    /// Site-relative paths of the files dateline generates (sitemaps under `sitemaps/`,
    /// `robots.txt` and `_headers` aside, which a site's file may replace): its pages, feeds,
    /// and the files of its redirects. Gathered when
    /// asked (a build without a previous one to compare with never does), borrowed.
    pub fn files(&self) -> HashSet<&str> {
        self.generated().collect()
    }

    /// `files`, one by one.
    pub fn generated(&self) -> impl Iterator<Item = &str> {
        self.page_files.iter().map(String::as_str).chain(self.other_files())
    }

    /// How many of the plan's files `last` (the last build's) does not have, given that
    /// it has the file of every page whose fingerprint was `known` from its record: the
    /// other pages' files and those that are not pages are looked up.
    pub fn files_not_in(&self, last: &Records, known: &[bool]) -> usize {
        let pages = (self.page_files.iter().zip(known)).filter(|(_, known)| !**known);
        let pages = pages.filter(|(file, _)| !last.contains_key(file.as_str())).count();
        pages + self.other_files().filter(|file| !last.contains_key(*file)).count()
    }

    /// Files the last build's plan had for pages whose file is another now (known when
    /// this plan was made from its memo): the old files of articles with a new URL, which
    /// are gone unless a redirect has them now.
    pub fn replaced_files(&self) -> &[String] {
        &self.replaced
    }

    /// `files`, less those of the redirects (which may not take any of these).
    fn files_but_redirects(&self) -> HashSet<&str> {
        let pages = self.pages.iter().zip(&self.page_files);
        let pages = pages.filter(|(p, _)| !matches!(p, Page::Redirect(_)));
        pages.map(|(_, file)| file.as_str()).chain(self.other_files()).collect()
    }

    /// The generated files that are not pages (sitemaps under `sitemaps/` aside).
    fn other_files(&self) -> impl Iterator<Item = &str> {
        let redirects = !self.renderer.redirects.is_empty();
        // Written with or without redirects, when asked: an nginx `include` of it must
        // not fail.
        let nginx = self.renderer.input.config.deploy.nginx_redirects;
        (self.feeds.iter().map(|f| f.path.as_str()))
            .chain([SITEMAP_INDEX, NEWS_SITEMAP])
            .chain(redirects.then_some(REDIRECTS))
            .chain(nginx.then_some(NGINX_REDIRECTS))
    }

    /// How many pages the site has.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// How many of its pages are listed from the archive: all but the redirects (which
    /// come last).
    pub fn listed_count(&self) -> usize {
        self.pages.len() - self.renderer.redirects.len()
    }

    /// The file each page is written to, in order.
    pub fn page_files(&self) -> &[String] {
        &self.page_files
    }

    /// The pages, in order.
    pub fn pages(&self) -> &[Page] {
        &self.pages
    }

    /// Renders the pages `which` (indices into the pages, in order), and every feed,
    /// sitemap and redirect file; writes those whose bytes differ from `previous` (file →
    /// content hash). Adds everything generated to `generated`, each page with its
    /// fingerprint from `fingerprints` (one per page of the plan). Calls `step` after each
    /// page (to show progress).
    pub fn generate(
        &self,
        output: &Output,
        which: &[usize],
        fingerprints: &[u64],
        previous: &Records,
        step: &(dyn Fn() + Sync),
        generated: &mut Emitted,
    ) -> Result<(), Error> {
        let r = &self.renderer;
        let failed: HashMap<&'static str, AtomicBool> = which
            .iter()
            .map(|&i| (self.pages[i].template(), AtomicBool::new(false)))
            .collect();
        let emit = |rel: &str, bytes: &[u8]| output.emit(rel, bytes, previous);
        let render = |i: usize| -> Option<Result<Emit, Failed>> {
            let page = &self.pages[i];
            // After a template fails once, the other pages it renders would fail the same way.
            let flag = &failed[page.template()];
            if flag.load(Ordering::Relaxed) {
                return None;
            }
            let result = (r.render(page).map_err(Failed::from))
                .and_then(|html| emit(&self.page_files[i], &html))
                .map(|e| e.made_from(fingerprints[i]));
            step();
            if result.is_err() {
                flag.store(true, Ordering::Relaxed);
            }
            Some(result)
        };
        // A full build renders every page, newest articles first, in batches, and lets go
        // of the cards and fragments it no longer needs after each (`order`). Results stay
        // in the order of `which`, which `gather_pages` makes the list of files in place.
        let full = which.len() == self.pages.len();
        let batches = match full {
            true => r.render_batches(&self.pages, which),
            false => vec![(0..which.len()).collect()],
        };
        let mut results: Vec<Option<Result<Emit, Failed>>> = Vec::with_capacity(which.len());
        results.resize_with(which.len(), || None);
        for batch in &batches {
            // Pieces of at most PAGES_A_PIECE pages: a core that is done can always take
            // some from the other, so neither waits long at the end of a batch.
            let done: Vec<Option<Result<Emit, Failed>>> = batch
                .par_iter()
                .with_max_len(PAGES_A_PIECE)
                .map(|&k| render(which[k]))
                .collect();
            for (&k, result) in batch.iter().zip(done) {
                results[k] = result;
            }
            if full {
                r.cards.advance();
                r.fragments.advance();
            }
        }
        let mut problems: Vec<Failed> = Vec::new();
        generated.gather_pages(results, &mut problems);
        if !problems.is_empty() {
            return Err(Failed::error(problems));
        }

        let env = &r.env;
        let now = r.input.now;
        let body = |id: ArticleId| r.feed_body(id);
        // Feeds and sitemaps made from what the last build made them from are kept as they are.
        let results: Vec<Result<Emit, Failed>> = self
            .feeds
            .par_iter()
            .map(|feed| {
                // An empty feed is dated "now": it is made again.
                let listed = |changed: &[ArticleId]| {
                    feed.articles.is_empty() || feed.articles.iter().any(|id| changed.binary_search(id).is_ok())
                };
                let kept = self.unchanged_since_last(&feed.path, listed, previous);
                if let Some(kept) = kept.and_then(|made_from| Emit::kept(&feed.path, made_from, previous)) {
                    return Ok(kept);
                }
                let made_from = feed.fingerprint(env, now);
                if let Some(kept) = Emit::kept(&feed.path, made_from, previous) {
                    return Ok(kept);
                }
                match feed.render(env, now, &body) {
                    Ok(bytes) => emit(&feed.path, &bytes).map(|e| e.made_from(made_from)),
                    Err(e) => Err(Failed::Problem(Diagnostic::file(
                        &feed.path,
                        format!("cannot write the feed: {e}"),
                    ))),
                }
            })
            .collect();
        generated.gather(results, &mut problems);
        let keep = |rel: &str, made_from: u64| Emit::kept(rel, made_from, previous).is_some();
        let unchanged = |rel: &str, ids: std::ops::Range<usize>| {
            // Or next to them: a listing that an article with a new date left ends (or
            // starts) where the articles that took other ids begin (or end).
            let listed = |changed: &[ArticleId]| {
                let first = changed.partition_point(|&id| (id as usize) + 1 < ids.start);
                changed.get(first).is_some_and(|&id| (id as usize) <= ids.end)
            };
            self.unchanged_since_last(rel, listed, previous)
        };
        match sitemaps::sitemaps(env, now, &keep, &unchanged) {
            Ok(files) => {
                let results = files.par_iter().map(|file| match (&file.bytes, file.made_from) {
                    (Some(bytes), made_from) => emit(&file.rel, bytes).map(|e| match made_from {
                        Some(f) => e.made_from(f),
                        None => e,
                    }),
                    (None, made_from) => made_from
                        .and_then(|f| Emit::kept(&file.rel, f, previous))
                        .ok_or_else(|| {
                            Failed::Problem(Diagnostic::file(
                                &file.rel,
                                "the sitemap kept from the last build is not recorded",
                            ))
                        }),
                });
                generated.gather(results.collect::<Vec<_>>(), &mut problems);
            }
            Err(e) => problems.push(Failed::Problem(Diagnostic::file(
                SITEMAP_INDEX,
                format!("cannot write the sitemaps: {e}"),
            ))),
        }
        let mut others: Vec<(String, Vec<u8>)> = Vec::new();
        if !r.input.assets.contains(ROBOTS) {
            others.push((ROBOTS.to_string(), sitemaps::robots(env).into_bytes()));
        }
        // A site's own `static/_headers` replaces it, as its `robots.txt` does.
        if !r.input.assets.contains(HEADERS) {
            let years: Vec<i32> = r.input.archive.years.iter().map(|y| y.year).collect();
            let site = headers::Site {
                base_path: env.config.base_url.path(),
                named_by_content: &r.input.named_by_content,
                search: self.has_search(),
                years: &years,
            };
            others.push((HEADERS.to_string(), headers::file(&site).into_bytes()));
        }
        if !r.redirects.is_empty() {
            others.push((
                REDIRECTS.to_string(),
                redirects::redirects_file(env, &r.redirects).into_bytes(),
            ));
        }
        // From the same list as `_redirects`.
        if env.config.deploy.nginx_redirects {
            match crate::publish::nginx::snippet(redirects::links(env, &r.redirects)) {
                Ok(text) => others.push((NGINX_REDIRECTS.to_string(), text.into_bytes())),
                Err(unwritable) => problems.push(Failed::Problem(redirects::unwritable(
                    r.input.root,
                    r.input.archive,
                    r.redirects.get(unwritable.index),
                    unwritable.message,
                ))),
            }
        }
        generated.gather(others.iter().map(|(rel, bytes)| emit(rel, bytes)), &mut problems);
        match problems.is_empty() {
            true => Ok(()),
            false => Err(Failed::error(problems)),
        }
    }
}

/// Why a file of the site could not be made: a problem of the site's own files (a
/// template's mistake), or what the file system refused.
enum Failed {
    Problem(Diagnostic),
    Io(IoError),
}

impl From<Diagnostic> for Failed {
    fn from(d: Diagnostic) -> Failed {
        Failed::Problem(d)
    }
}

impl From<IoError> for Failed {
    fn from(e: IoError) -> Failed {
        Failed::Io(e)
    }
}

impl Failed {
    /// The error of a build whose files failed so: what the file system refused, if it
    /// refused anything (the rest would fail the same way), else every problem.
    fn error(failures: Vec<Failed>) -> Error {
        let mut problems = Vec::new();
        for failure in failures {
            match failure {
                Failed::Io(e) => return Error::Io(e),
                Failed::Problem(d) => problems.push(d),
            }
        }
        Error::from(problems)
    }
}

/// The most pages a thread renders before another may take the rest of its share.
const PAGES_A_PIECE: usize = 16;

/// Whether a page is rendered, or only fingerprinted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Render,
    Fingerprint,
}

impl Mode {
    /// Whether the page is rendered (not only fingerprinted).
    pub fn renders(self) -> bool {
        self != Mode::Fingerprint
    }
}

/// A page ready to render, or its fingerprint.
pub enum Prepared {
    Context(tera::Context),
    Fingerprint(u64),
}

/// Renders pages; holds what every page shares.
pub struct Renderer<'a> {
    input: &'a RenderInput<'a>,
    env: Env<'a>,
    index: pages::Index,
    /// One card per article (same order), built the first time a page shows it and
    /// shared by every page that does.
    cards: cards::Cards,
    /// The fingerprint of each card.
    card_hashes: Vec<OnceLock<u64>>,
    /// The fingerprint of what shapes every card (`views::env_fingerprint`).
    env_hash: u64,
    /// The view of each year and of each month (in `Index::months`), shared by its pages.
    /// (Each twice: for the listing's own page, and for its numbered pages, which show less.)
    year_views: Vec<[views::Memo; 2]>,
    month_views: Vec<[views::Memo; 2]>,
    /// The breadcrumbs of each day (in `Index::days`), shared by its articles' pages.
    day_crumbs_views: Vec<views::Memo>,
    /// The fingerprint of `site` and `nav`.
    globals_hash: u64,
    redirects: Vec<Redirect>,
    /// The site's feeds, announced on every page.
    site_feeds: Vec<FeedLink>,
    site_feeds_hash: u64,
    /// The site's feeds as a template value: `page.feeds` of every page without a feed of
    /// its own, shared (so that `cached` finds the HTML of what shows them again).
    site_feeds_value: Value,
    /// Articles whose body goes into a feed, and the bodies once rendered.
    in_feeds: HashSet<ArticleId>,
    feed_bodies: Mutex<HashMap<ArticleId, String>>,
    parse_cx: ParseContext,
    /// `[content] sanitize`'s cleaner of Markdown bodies' HTML, when it is on.
    sanitizer: Option<ammonia::Builder<'static>>,
    /// The site's folder, to read sources again from.
    site: crate::walk::Folder,
    tera: Arc<tera::Tera>,
    /// What `cached(…)` rendered in this build's templates.
    fragments: Arc<fragments::Fragments>,
}

impl<'a> Renderer<'a> {
    pub fn new(input: &'a RenderInput<'a>) -> Self {
        let config = input.config;
        let mut env = Env {
            config,
            archive: input.archive,
            locale: Locale::for_language(&config.language),
            shared: Shared::default(),
        };
        let sanitizer = config.sanitize.then(crate::html::sanitizer);
        env.shared = Shared::new(&env, sanitizer.as_ref());
        let env_hash = views::env_fingerprint(&env);
        // Worked out on first use: a rebuild fingerprints few pages, so needs few cards.
        let card_hashes = (0..input.archive.articles.len()).map(|_| OnceLock::new()).collect();
        let cards = cards::Cards::new(input.archive.articles.len());
        let site_feeds: Vec<FeedLink> = feeds::site_feeds(&env).iter().map(|f| f.link(&env)).collect();
        let site_feeds_hash = fingerprint::fingerprint(&site_feeds);
        let site_feeds_value = Value::from_serializable(&site_feeds);
        let in_feeds = match config.feed_content {
            FeedContent::Summary => HashSet::new(),
            FeedContent::Full => feeds::all_feeds(&env)
                .iter()
                .flat_map(|f| f.articles.iter().copied())
                .collect(),
        };
        let mut tera = input.theme.tera.clone();
        let globals_hash = fingerprint::combine(&[
            context::globals(&env, &input.stylesheet, tera.global_context()),
            // Any page may call `asset_url`.
            asset_url::links_fingerprint(&input.asset_links),
        ]);
        let fragments = fragments::Fragments::new();
        fragments.register(&mut tera);
        asset_url::register(&mut tera, &input.asset_links);
        let tera = Arc::new(tera);
        fragments.attach(&tera);
        let index = pages::Index::new(input.archive);
        Renderer {
            year_views: input.archive.years.iter().map(|_| Default::default()).collect(),
            month_views: index.months.iter().map(|_| Default::default()).collect(),
            day_crumbs_views: index.days.iter().map(|_| views::Memo::default()).collect(),
            index,
            redirects: redirects::collect(input.archive),
            site: crate::walk::Folder::at(input.root),
            parse_cx: ParseContext {
                timezone: config.timezone,
            },
            sanitizer,
            feed_bodies: Mutex::new(HashMap::with_capacity(in_feeds.len())),
            in_feeds,
            site_feeds,
            site_feeds_hash,
            site_feeds_value,
            input,
            env,
            cards,
            card_hashes,
            env_hash,
            globals_hash,
            tera,
            fragments,
        }
    }

    /// The site-relative file a page is written to.
    fn file_of(&self, page: &Page) -> String {
        match page {
            Page::NotFound => "404.html".to_string(),
            Page::Redirect(i) => self.redirects[*i].file(),
            _ => format!("{}index.html", self.rel_path(page)),
        }
    }

    /// Renders one page to HTML (bytes, as written: no second pass to check UTF-8).
    pub fn render(&self, page: &Page) -> Result<Vec<u8>, Diagnostic> {
        let mut html = Vec::with_capacity(24 * 1024);
        self.tera_render(page.template(), &self.context(page, Mode::Render)?, &mut html)?;
        Ok(html)
    }

    /// The context of a page to render in `mode`.
    fn context(&self, page: &Page, mode: Mode) -> Result<tera::Context, Diagnostic> {
        match context::prepare(self, page, mode)? {
            Prepared::Context(cx) => Ok(cx),
            Prepared::Fingerprint(_) => unreachable!("{mode:?} gives a context"),
        }
    }

    /// Renders a page's context with tera's template. An error inside a component that
    /// `cached(…)` rendered is reported where it is, not only where it was called.
    fn tera_render(&self, template: &str, cx: &tera::Context, out: &mut Vec<u8>) -> Result<(), Diagnostic> {
        self.tera.render_to(template, cx, out).map_err(|e| {
            let inner = self.fragments.failure();
            self.input.theme.diagnostic(inner.as_ref().unwrap_or(&e))
        })
    }

    /// The fingerprint of a page: equal fingerprints, equal HTML.
    pub fn fingerprint(&self, page: &Page) -> Result<u64, Diagnostic> {
        match context::prepare(self, page, Mode::Fingerprint)? {
            Prepared::Fingerprint(f) => Ok(f),
            Prepared::Context(_) => unreachable!("fingerprint mode gives a fingerprint"),
        }
    }

    /// A version of the templates a page kind is rendered with.
    fn template_version(&self, template: &str) -> u64 {
        self.input.theme.version(template)
    }

    /// An article's body for a feed: kept from rendering its page, or rendered now (an
    /// incremental build does not render unchanged pages).
    fn feed_body(&self, id: ArticleId) -> Option<String> {
        if let Some(body) = self.feed_bodies.lock().ok().and_then(|b| b.get(&id).cloned()) {
            return Some(body);
        }
        let article = self.env.archive.article(id);
        self.body_of(article, &crate::diag::shown(self.input.root, &article.source))
            .ok()
    }

    /// An article's body as HTML, its source read again (bodies are not kept); `source`
    /// is its path as messages show it.
    fn body_of(&self, article: &crate::model::Article, source: &Path) -> Result<String, Diagnostic> {
        let bytes = (self.site.read_known(&article.source, article.source_len))
            .map_err(|e| Diagnostic::file(source, format!("cannot read: {e}")))?;
        let html = crate::parse::body_html(source, &bytes, article.format, &self.parse_cx)?;
        // `[content] sanitize`: a Markdown body's raw HTML cleaned, once, here, where pages,
        // feeds and the search index all take bodies from. Plain-text bodies are escaped
        // text already.
        Ok(match (&self.sanitizer, article.format) {
            (Some(sanitizer), crate::parse::Format::Markdown) => sanitizer.clean(&html).to_string(),
            _ => html,
        })
    }

    /// Keeps an article's body if a feed carries it in full.
    fn keep_for_feeds(&self, id: ArticleId, body: String) {
        if self.in_feeds.contains(&id)
            && let Ok(mut bodies) = self.feed_bodies.lock()
        {
            bodies.insert(id, body);
        }
    }
}
