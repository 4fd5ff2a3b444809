//! The context of each kind of page: which views a template receives.

mod article;
mod dates;
mod lists;

use serde::Serialize;
use tera::{Context, Value};

pub use article::shown_with;
pub use dates::on_this_day_path;
pub use lists::{SEARCH_INDEXES, SEARCH_PATH, search_bundle_path};

use super::fingerprint;
use super::jsonld::{self, Trail};
use super::pages::Page;
use super::paging::Paging;
use super::views::*;
use super::{Mode, Prepared, Renderer};
use crate::diag::Diagnostic;

/// Variables every template sees: `site` and `nav`. Returns their fingerprint.
pub fn globals(env: &Env<'_>, stylesheet: &str, cx: &mut Context) -> u64 {
    let config = env.config;
    let site = SiteView {
        title: &config.title,
        description: &config.description,
        base_url: config.base_url.as_str(),
        base_path: config.base_url.path(),
        language: &config.language,
        timezone: config.timezone.name(),
        publisher: PublisherView {
            name: &config.publisher.name,
            logo: config.publisher.logo.as_deref().map(|l| resolve(env, l)),
            logo_url: config.publisher.logo.as_deref().map(|l| jsonld::absolute(env, l)),
        },
        stylesheet: stylesheet.to_string(),
        generator: concat!("dateline ", env!("CARGO_PKG_VERSION")),
    };
    let mut by_size: Vec<&crate::model::Term> = env.archive.sections.iter().collect();
    by_size.sort_by(|a, b| {
        b.articles
            .len()
            .cmp(&a.articles.len())
            .then_with(|| a.slug.cmp(&b.slug))
    });
    let sections = by_size
        .into_iter()
        .map(|s| NavLink {
            name: &s.name,
            slug: &s.slug,
            path: env.link(&s.path),
        })
        .collect();
    let nav = NavView {
        home: env.link(""),
        authors: env.link("authors/"),
        tags: env.link("tags/"),
        sections_index: env.link("sections/"),
        search: match env.config.search {
            true => env.link(SEARCH_PATH),
            false => String::new(),
        },
        sections,
        years: env
            .archive
            .years
            .iter()
            .map(|y| YearLink {
                year: y.year,
                path: env.link(&year_path(y.year)),
            })
            .collect(),
    };
    cx.insert("site", &site);
    cx.insert("nav", &nav);
    fingerprint::combine(&[fingerprint::fingerprint(&site), fingerprint::fingerprint(&nav)])
}

/// Builds the context of any page, or only its fingerprint.
pub fn prepare(r: &Renderer<'_>, page: &Page, mode: Mode) -> Result<Prepared, Diagnostic> {
    match *page {
        Page::Article(id) => r.article_context(id, mode),
        Page::Year(y, n) => r.year_context(y, n, mode),
        Page::Month(i, n) => r.month_context(i, n, mode),
        Page::Day(i, n) => r.day_context(i, n, mode),
        Page::OnThisDay(i) => r.on_this_day_context(i, mode),
        Page::Home(n) => r.home_context(n, mode),
        Page::Authors => r.authors_context(mode),
        Page::Author(a, n) => r.author_context(a, n, mode),
        Page::Tags | Page::Sections => r.terms_context(page, mode),
        Page::Tag(t, n) => r.term_context(page, t, n, mode),
        Page::Section(s, n) => r.term_context(page, s, n, mode),
        Page::NotFound => r.not_found_context(mode),
        Page::Search => r.search_context(mode),
        Page::Redirect(i) => r.redirect_context(i, mode),
    }
}

/// What every page context has: `page`, plus the page's own views (flattened).
#[derive(Serialize)]
struct WithPage<'a, T: Serialize> {
    page: PageView<'a>,
    #[serde(flatten)]
    rest: T,
}

impl<'a> Renderer<'a> {
    /// Site-relative path of a page (`2025/10/`, `authors/jane-roe/page/2/`).
    pub fn rel_path(&self, page: &Page) -> String {
        let archive = self.env.archive;
        match *page {
            Page::Article(id) => archive.article(id).path.to_string(),
            Page::Home(n) => page_path("", n),
            Page::Year(y, n) => page_path(&year_path(archive.years[y].year), n),
            Page::Month(i, n) => {
                let month = self.month(i);
                page_path(&month_path(month.year, month.month), n)
            }
            Page::Day(i, n) => page_path(&day_path(self.day(i).date), n),
            Page::OnThisDay(i) => {
                let d = &archive.on_this_day[i];
                on_this_day_path(d.month, d.day)
            }
            Page::Authors => "authors/".to_string(),
            Page::Author(a, n) => page_path(&archive.author(a).path, n),
            Page::Tags => "tags/".to_string(),
            Page::Tag(t, n) => page_path(&archive.tags[t as usize].path, n),
            Page::Sections => "sections/".to_string(),
            Page::Section(s, n) => page_path(&archive.sections[s as usize].path, n),
            Page::NotFound => "404.html".to_string(),
            Page::Search => SEARCH_PATH.to_string(),
            Page::Redirect(i) => self.redirects[i].from.clone(),
        }
    }

    /// A page's context (`page` built from the arguments, the rest from `view`), or its
    /// fingerprint: the same values hashed, with the page's templates and the globals.
    fn finish<T: Serialize>(
        &self,
        mode: Mode,
        page: &Page,
        title: &str,
        description: &str,
        extra: Meta,
        view: T,
    ) -> Result<Prepared, Diagnostic> {
        let template = page.template();
        let data = WithPage {
            page: self.page_view(page, title, description, extra),
            rest: view,
        };
        match mode {
            Mode::Render => Ok(Prepared::Context(to_context(&data))),
            Mode::Fingerprint => Ok(Prepared::Fingerprint(fingerprint::combine(&[
                fingerprint::fingerprint(&data),
                self.template_version(template),
                self.globals_hash,
            ]))),
        }
    }

    /// `page`: what every template is told of the page it renders.
    fn page_view<'s>(&'s self, page: &Page, title: &'s str, description: &'s str, extra: Meta) -> PageView<'s> {
        let rel = self.rel_path(page);
        let feeds = Feeds {
            site: &self.site_feeds,
            site_hash: self.site_feeds_hash,
            site_value: &self.site_feeds_value,
            own: extra.feed,
        };
        let jsonld = match &extra.jsonld {
            Some(text) => Value::safe_string(text),
            None => Value::from(""),
        };
        PageView {
            kind: page.kind(),
            title,
            description,
            path: self.env.link(&rel),
            url: self.env.url(&rel),
            feeds,
            jsonld,
        }
    }

    /// JSON-LD of a listing page whose visible breadcrumbs are `crumbs` (ending at the page).
    /// Made of values the page's view holds, so a fingerprint need not build it.
    fn collection(&self, mode: Mode, name: &str, page: &Page, crumbs: &[Crumb]) -> Meta {
        let jsonld = mode.renders().then(|| {
            let url = self.env.url(&self.rel_path(page));
            jsonld::collection_page(&self.env, name, &url, &trail(crumbs))
        });
        Meta { jsonld, feed: None }
    }

    pub(in crate::render) fn month(&self, i: usize) -> &'a crate::model::Month {
        let r = self.index.months[i];
        &self.env.archive.years[r.y].months[r.m]
    }

    pub(in crate::render) fn day(&self, i: usize) -> &'a crate::model::Day {
        let r = self.index.days[i];
        &self.env.archive.years[r.y].months[r.m].days[r.d]
    }

    /// The slice of `range` shown on page `n`.
    fn page_slice(&self, range: &std::ops::Range<usize>, n: usize) -> std::ops::Range<usize> {
        let slice = self.paging().slice(range.len(), n);
        range.start + slice.start..range.start + slice.end
    }

    fn pagination(&self, base: &str, n: usize, count: usize) -> PaginationView {
        PaginationView::new(&self.env, base, n, self.paging().numbered(count))
    }

    pub(in crate::render) fn paging(&self) -> Paging {
        Paging::new(self.env.config.paginate)
    }

    fn crumb(&self, title: impl Into<String>, rel: &str) -> Crumb {
        Crumb {
            title: title.into(),
            path: self.env.link(rel),
            url: self.env.url(rel),
        }
    }

    fn home_crumb(&self) -> Crumb {
        self.crumb("Home", "")
    }

    /// Cards of the articles `ids` (shared, not copied).
    fn cards_of(&self, ids: &[crate::model::ArticleId], mode: Mode) -> Vec<Prebuilt> {
        ids.iter().map(|&id| self.card(id as usize, mode)).collect()
    }

    /// The card of article `i`: its fingerprint, and when rendering its value (built the
    /// first time a page needs it).
    pub(super) fn card(&self, i: usize, mode: Mode) -> Prebuilt {
        let card = || Card::new(&self.env, &self.env.archive.articles[i]);
        let value = match mode {
            Mode::Render => Some(self.cards.get(i, || Value::from_serializable(&card()))),
            Mode::Fingerprint => None,
        };
        Prebuilt {
            value,
            hash: self.card_hash(i),
        }
    }

    /// The fingerprint of the card of article `i` (worked out the first time it is needed).
    pub(super) fn card_hash(&self, i: usize) -> u64 {
        *self.card_hashes[i].get_or_init(|| card_fingerprint(&self.env, &self.env.archive.articles[i], self.env_hash))
    }

    /// The cards of a range of articles.
    fn cards_in(&self, range: std::ops::Range<usize>, mode: Mode) -> Vec<Prebuilt> {
        range.map(|i| self.card(i, mode)).collect()
    }
}

/// Structured data and an extra feed of one page.
#[derive(Default)]
struct Meta {
    /// Structured data, ready for a `<script>` element.
    jsonld: Option<String>,
    feed: Option<FeedLink>,
}

/// A page's context: its views as template values, each a variable of its own (not
/// flattened into one map first, which serde does slowly and tera copies again).
fn to_context<T: Serialize>(data: &WithPage<'_, T>) -> Context {
    let mut cx = Context::new();
    cx.insert_value("page", Value::from_serializable(&data.page));
    let rest = Value::from_serializable(&data.rest);
    for (key, value) in rest.into_map().expect("a page's views are a struct") {
        match key {
            tera::value::Key::Str(name) => cx.insert_value(name, value),
            other => cx.insert_value(other.to_string(), value),
        }
    }
    cx
}

fn trail(crumbs: &[Crumb]) -> Vec<Trail<'_>> {
    crumbs
        .iter()
        .map(|c| Trail {
            name: &c.title,
            url: c.url.clone(),
        })
        .collect()
}
