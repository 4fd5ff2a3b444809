//! Render: the archive → one job per page → HTML, in parallel; then feeds, sitemaps and
//! redirects. The only module that uses tera.

mod context;
mod feeds;
mod fingerprint;
mod format;
mod jsonld;
mod pages;
mod redirects;
mod sitemaps;
pub mod theme;
mod views;
mod xml;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;
use tera::Value;

use crate::config::{Config, FeedContent};
use crate::diag::Diagnostic;
use crate::model::{Archive, ArticleId};
use crate::output::Output;
use crate::parse::ParseContext;
pub use format::{Locale, thousands};
pub use pages::Page;
use redirects::Redirect;
pub use theme::Theme;
use views::{Card, Env, FeedLink};

/// What a render needs besides the archive.
pub struct RenderInput<'a> {
    /// The site folder as the user named it.
    pub root: &'a Path,
    pub config: &'a Config,
    pub archive: &'a Archive,
    pub theme: &'a Theme,
    /// Link to the stylesheet, versioned.
    pub stylesheet: String,
    /// "The present", for the news sitemap.
    pub now: DateTime<FixedOffset>,
    /// Output paths of the files copied as they are (site `static/`, content assets).
    pub assets: HashSet<String>,
}

/// Every file a build will write, known before any is written.
pub struct Plan<'a> {
    renderer: Renderer<'a>,
    pages: Vec<Page>,
    feeds: Vec<feeds::Feed>,
    /// Site-relative paths of the pages, feeds and other generated files.
    files: HashSet<String>,
}

/// Output files that are not pages.
const SITEMAP_INDEX: &str = "sitemap.xml";
const NEWS_SITEMAP: &str = "news-sitemap.xml";
const ROBOTS: &str = "robots.txt";
const REDIRECTS: &str = "_redirects";

/// Lists every page and file of the site and checks that aliases land on free paths.
pub fn plan<'a>(input: &'a RenderInput<'a>) -> Result<Plan<'a>, Vec<Diagnostic>> {
    let renderer = Renderer::new(input);
    let pages = pages::all_pages(
        input.archive,
        &renderer.index,
        input.config.paginate,
        renderer.redirects.len(),
    );
    let feeds = feeds::all_feeds(&renderer.env);
    let mut files: HashSet<String> = pages
        .iter()
        .filter(|p| !matches!(p, Page::Redirect(_)))
        .map(|p| renderer.file_of(p))
        .chain(feeds.iter().map(|f| f.path.clone()))
        .chain([SITEMAP_INDEX, NEWS_SITEMAP].map(String::from))
        .collect();
    if !renderer.redirects.is_empty() {
        files.insert(REDIRECTS.to_string());
    }
    let taken: HashSet<String> = files.iter().chain(input.assets.iter()).cloned().collect();
    let problems = redirects::collisions(input.root, input.archive, &renderer.redirects, &taken);
    if !problems.is_empty() {
        return Err(problems);
    }
    files.extend(renderer.redirects.iter().map(Redirect::file));
    Ok(Plan {
        renderer,
        pages,
        feeds,
        files,
    })
}

impl Plan<'_> {
    /// Site-relative paths of the files dateline generates (sitemaps under `sitemaps/` aside).
    pub fn files(&self) -> &HashSet<String> {
        &self.files
    }

    /// Writes every page, feed, sitemap and redirect; returns how many HTML pages.
    pub fn write(&self, output: &Output) -> Result<usize, Vec<Diagnostic>> {
        let r = &self.renderer;
        let failed: HashMap<&'static str, AtomicBool> = self
            .pages
            .iter()
            .map(|p| (p.template(), AtomicBool::new(false)))
            .collect();
        let problems: Vec<Diagnostic> = self
            .pages
            .par_iter()
            .filter_map(|page| {
                // After a template fails once, the other pages it renders would fail the same way.
                let flag = &failed[page.template()];
                if flag.load(Ordering::Relaxed) {
                    return None;
                }
                let result = r
                    .render(page)
                    .and_then(|html| output.write(&r.file_of(page), html.as_bytes()));
                if result.is_err() {
                    flag.store(true, Ordering::Relaxed);
                }
                result.err()
            })
            .collect();
        if !problems.is_empty() {
            return Err(problems);
        }

        let env = &r.env;
        let now = r.input.now;
        let body = |id: ArticleId| r.feed_bodies.lock().ok().and_then(|b| b.get(&id).cloned());
        let mut problems: Vec<Diagnostic> = self
            .feeds
            .par_iter()
            .filter_map(|feed| match feed.render(env, now, &body) {
                Ok(bytes) => output.write(&feed.path, &bytes).err(),
                Err(e) => Some(Diagnostic::file(&feed.path, format!("cannot write the feed: {e}"))),
            })
            .collect();
        match sitemaps::sitemaps(env, now) {
            Ok(files) => problems.extend(
                files
                    .into_iter()
                    .filter_map(|(rel, bytes)| output.write(&rel, &bytes).err()),
            ),
            Err(e) => problems.push(Diagnostic::file(
                SITEMAP_INDEX,
                format!("cannot write the sitemaps: {e}"),
            )),
        }
        if !r.input.assets.contains(ROBOTS) {
            problems.extend(output.write(ROBOTS, sitemaps::robots(env).as_bytes()).err());
        }
        if !r.redirects.is_empty() {
            problems.extend(
                output
                    .write(REDIRECTS, redirects::redirects_file(env, &r.redirects).as_bytes())
                    .err(),
            );
        }
        if problems.is_empty() {
            Ok(self.pages.len())
        } else {
            Err(problems)
        }
    }
}

/// Whether a page is rendered, or only fingerprinted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Render,
    Fingerprint,
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
    /// One prebuilt card per article (same order), shared by every listing.
    cards: Vec<Value>,
    /// The fingerprint of each card.
    card_hashes: Vec<u64>,
    /// The fingerprint of `site` and `nav`.
    globals_hash: u64,
    redirects: Vec<Redirect>,
    /// The site's feeds, announced on every page.
    site_feeds: Vec<FeedLink>,
    /// Articles whose body goes into a feed, and the bodies once rendered.
    in_feeds: HashSet<ArticleId>,
    feed_bodies: Mutex<HashMap<ArticleId, String>>,
    parse_cx: ParseContext,
    tera: tera::Tera,
}

impl<'a> Renderer<'a> {
    pub fn new(input: &'a RenderInput<'a>) -> Self {
        let config = input.config;
        let env = Env {
            config,
            archive: input.archive,
            locale: Locale::for_language(&config.language),
        };
        let (cards, card_hashes) = input
            .archive
            .articles
            .par_iter()
            .map(|a| {
                let card = Card::new(&env, a);
                (Value::from_serializable(&card), fingerprint::fingerprint(&card))
            })
            .unzip();
        let site_feeds = feeds::site_feeds(&env).iter().map(|f| f.link(&env)).collect();
        let in_feeds = match config.feed_content {
            FeedContent::Summary => HashSet::new(),
            FeedContent::Full => feeds::all_feeds(&env)
                .iter()
                .flat_map(|f| f.articles.iter().copied())
                .collect(),
        };
        let mut tera = input.theme.tera.clone();
        let globals_hash = context::globals(&env, &input.stylesheet, tera.global_context());
        Renderer {
            index: pages::Index::new(input.archive),
            redirects: redirects::collect(input.archive),
            parse_cx: ParseContext {
                timezone: config.timezone,
            },
            feed_bodies: Mutex::new(HashMap::with_capacity(in_feeds.len())),
            in_feeds,
            site_feeds,
            input,
            env,
            cards,
            card_hashes,
            globals_hash,
            tera,
        }
    }

    /// The site-relative file a page is written to.
    pub fn file_of(&self, page: &Page) -> String {
        match page {
            Page::NotFound => "404.html".to_string(),
            Page::Redirect(i) => self.redirects[*i].file(),
            _ => format!("{}index.html", self.rel_path(page)),
        }
    }

    /// Renders one page to HTML.
    pub fn render(&self, page: &Page) -> Result<String, Diagnostic> {
        match context::prepare(self, page, Mode::Render)? {
            Prepared::Context(cx) => self
                .tera
                .render(page.template(), &cx)
                .map_err(|e| self.input.theme.diagnostic(&e)),
            Prepared::Fingerprint(_) => unreachable!("render mode gives a context"),
        }
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

    /// Keeps an article's body if a feed carries it in full.
    fn keep_for_feeds(&self, id: ArticleId, body: String) {
        if self.in_feeds.contains(&id)
            && let Ok(mut bodies) = self.feed_bodies.lock()
        {
            bodies.insert(id, body);
        }
    }
}
