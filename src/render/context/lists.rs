//! Home, authors, tags, sections, the 404 page and redirect pages.

use serde::Serialize;

use super::Meta;
use crate::diag::Diagnostic;
use crate::model::{AuthorId, TermId};
use crate::render::feeds;
use crate::render::jsonld;
use crate::render::pages::Page;
use crate::render::views::*;
use crate::render::{Mode, Prepared, Renderer};

#[derive(Serialize)]
struct HomePage {
    articles: Vec<Prebuilt>,
    pagination: PaginationView,
}

#[derive(Serialize)]
struct AuthorsPage<'a> {
    authors: Vec<AuthorView<'a>>,
    breadcrumbs: Vec<Crumb>,
}

#[derive(Serialize)]
struct AuthorPage<'a> {
    author: AuthorView<'a>,
    articles: Vec<Prebuilt>,
    pagination: PaginationView,
    breadcrumbs: Vec<Crumb>,
}

#[derive(Serialize)]
struct TermsPage<'a> {
    /// `tags` or `sections`.
    terms: Vec<TermLink<'a>>,
    breadcrumbs: Vec<Crumb>,
}

#[derive(Serialize)]
struct TermPage<'a> {
    /// The tag or section.
    term: TermLink<'a>,
    articles: Vec<Prebuilt>,
    pagination: PaginationView,
    breadcrumbs: Vec<Crumb>,
}

#[derive(Serialize)]
struct RedirectPage {
    /// The article the old path moved to.
    target: Prebuilt,
}

/// The page at a listing's URL that is no more: `target` (`title`, `path`, `url`) is the
/// listing it sends readers to; `listing` tells it from an article's redirect.
#[derive(Serialize)]
struct ListingRedirectPage {
    target: ListingTarget,
    listing: bool,
}

#[derive(Serialize)]
struct ListingTarget {
    title: String,
    path: String,
    url: String,
}

#[derive(Serialize)]
struct NotFoundPage {
    /// Every year, with its number of articles.
    years: Vec<YearCount>,
}

/// Where the search page is (site-relative).
pub const SEARCH_PATH: &str = "search/";

/// Where the search indexes are (site-relative): one folder a year.
pub const SEARCH_INDEXES: &str = "search/index/";

/// Where a part of the search index is (site-relative): a Pagefind bundle (`search_parts`).
pub fn search_bundle_path(part: &str) -> String {
    format!("{SEARCH_INDEXES}{part}/")
}

/// The search page: `search`, what its script needs.
#[derive(Serialize)]
struct SearchPage {
    search: SearchView,
}

#[derive(Serialize)]
struct SearchView {
    /// The index of each year (links to its folder, ending in `/`), newest first.
    bundles: Vec<String>,
    /// The year of each, in the same order.
    years: Vec<i32>,
    /// The name of each (`2026-07`, `2026`), in the same order.
    parts: Vec<String>,
    /// Pagefind's script, in the newest year's index (empty when there is no article).
    script: String,
    /// The theme's search script (`search.js`), versioned.
    module: String,
    /// The site's language, which the index was made for.
    language: String,
}

impl Renderer<'_> {
    pub(super) fn search_context(&self, mode: Mode) -> Result<Prepared, Diagnostic> {
        let env = &self.env;
        let parts = crate::render::indexed::search_parts(env.archive);
        let years: Vec<i32> = parts.iter().map(|p| p.year).collect();
        let bundles: Vec<String> = parts.iter().map(|p| env.link(&search_bundle_path(&p.name))).collect();
        let names: Vec<String> = parts.into_iter().map(|p| p.name).collect();
        let view = SearchPage {
            search: SearchView {
                script: bundles.first().map(|b| format!("{b}pagefind.js")).unwrap_or_default(),
                bundles,
                module: self.input.search_script.clone(),
                years,
                parts: names,
                language: env.config.language.clone(),
            },
        };
        self.finish(
            mode,
            &Page::Search,
            "Search",
            &env.config.description,
            Meta::default(),
            view,
        )
    }

    pub(super) fn home_context(&self, n: usize, mode: Mode) -> Result<Prepared, Diagnostic> {
        let config = self.env.config;
        let page = Page::Home(n);
        let crumbs = [self.home_crumb()];
        let meta = self.collection(mode, &config.title, &page, &crumbs);
        let view = HomePage {
            articles: self.cards_in(self.page_slice(&(0..self.cards.len()), n), mode),
            pagination: self.pagination("", n, self.cards.len()),
        };
        self.finish(mode, &page, &config.title, &config.description, meta, view)
    }

    pub(super) fn authors_context(&self, mode: Mode) -> Result<Prepared, Diagnostic> {
        let env = &self.env;
        let breadcrumbs = vec![self.home_crumb(), self.crumb("Authors", "authors/")];
        let meta = self.collection(mode, "Authors", &Page::Authors, &breadcrumbs);
        let view = AuthorsPage {
            authors: env.archive.authors.iter().map(|a| AuthorView::new(env, a)).collect(),
            breadcrumbs,
        };
        self.finish(mode, &Page::Authors, "Authors", &env.config.description, meta, view)
    }

    pub(super) fn author_context(&self, a: AuthorId, n: usize, mode: Mode) -> Result<Prepared, Diagnostic> {
        let env = &self.env;
        let author = env.archive.author(a);
        let page = Page::Author(a, n);
        let breadcrumbs = vec![
            self.home_crumb(),
            self.crumb("Authors", "authors/"),
            self.crumb(author.name.as_str(), &author.path),
        ];
        let meta = Meta {
            jsonld: mode
                .renders()
                .then(|| jsonld::profile_page(env, author, &super::trail(&breadcrumbs))),
            feed: (!author.articles.is_empty()).then(|| feeds::author_feed(env, author).link(env)),
        };
        let slice = self.page_slice(&(0..author.articles.len()), n);
        let description = match env.bio(author) {
            Some(bio) => crate::parse::text::summarize(&strip_tags(bio), 200),
            None => format!("Articles by {} in {}", author.name, env.config.title),
        };
        let view = AuthorPage {
            author: match n {
                0 => AuthorView::new(env, author),
                _ => AuthorView::new(env, author).lasting(),
            },
            articles: self.cards_of(&author.articles[slice], mode),
            pagination: self.pagination(&author.path, n, author.articles.len()),
            breadcrumbs,
        };
        self.finish(mode, &page, &author.name, &description, meta, view)
    }

    /// The index of tags or of sections.
    pub(super) fn terms_context(&self, page: &Page, mode: Mode) -> Result<Prepared, Diagnostic> {
        let env = &self.env;
        let (title, rel, terms) = match page {
            Page::Tags => ("Tags", "tags/", &env.archive.tags),
            _ => ("Sections", "sections/", &env.archive.sections),
        };
        let breadcrumbs = vec![self.home_crumb(), self.crumb(title, rel)];
        let meta = self.collection(mode, title, page, &breadcrumbs);
        let mut links: Vec<TermLink<'_>> = terms.iter().map(|t| TermLink::new(env, t)).collect();
        links.sort_by(|a, b| {
            a.name
                .to_lowercase()
                .cmp(&b.name.to_lowercase())
                .then_with(|| a.slug.cmp(b.slug))
        });
        self.finish(
            mode,
            page,
            title,
            &env.config.description,
            meta,
            TermsPage {
                terms: links,
                breadcrumbs,
            },
        )
    }

    /// A tag's or a section's page `n`.
    pub(super) fn term_context(&self, page: &Page, id: TermId, n: usize, mode: Mode) -> Result<Prepared, Diagnostic> {
        let env = &self.env;
        let (index_title, index_rel, term) = match page {
            Page::Tag(..) => ("Tags", "tags/", &env.archive.tags[id as usize]),
            _ => ("Sections", "sections/", &env.archive.sections[id as usize]),
        };
        let breadcrumbs = vec![
            self.home_crumb(),
            self.crumb(index_title, index_rel),
            self.crumb(term.name.as_str(), &term.path),
        ];
        let mut meta = self.collection(mode, &term.name, page, &breadcrumbs);
        if let Page::Tag(..) = page {
            meta.feed = Some(feeds::tag_feed(env, term).link(env));
        }
        let slice = self.page_slice(&(0..term.articles.len()), n);
        let view = TermPage {
            term: match n {
                0 => TermLink::new(env, term),
                _ => TermLink::new(env, term).lasting(),
            },
            articles: self.cards_of(&term.articles[slice], mode),
            pagination: self.pagination(&term.path, n, term.articles.len()),
            breadcrumbs,
        };
        let description = format!("Articles filed under {} in {}", term.name, env.config.title);
        self.finish(mode, page, &term.name, &description, meta, view)
    }

    pub(super) fn not_found_context(&self, mode: Mode) -> Result<Prepared, Diagnostic> {
        let env = &self.env;
        let years = env
            .archive
            .years
            .iter()
            .map(|y| YearCount {
                year: y.year,
                path: env.link(&year_path(y.year)),
                count: y.articles.len(),
            })
            .collect();
        let view = NotFoundPage { years };
        self.finish(
            mode,
            &Page::NotFound,
            "Page not found",
            &env.config.description,
            Meta::default(),
            view,
        )
    }

    pub(super) fn redirect_context(&self, i: usize, mode: Mode) -> Result<Prepared, Diagnostic> {
        let to = match &self.redirects[i].to {
            crate::render::Target::Article(id) => *id,
            crate::render::Target::Listing(path) => {
                let view = ListingRedirectPage {
                    target: ListingTarget {
                        title: self.env.link(path),
                        path: self.env.link(path),
                        url: self.env.url(path),
                    },
                    listing: true,
                };
                let description = &self.env.config.description;
                return self.finish(mode, &Page::Redirect(i), "Moved", description, Meta::default(), view);
            }
        };
        let article = self.env.archive.article(to);
        let view = RedirectPage {
            target: self.card(to as usize, mode),
        };
        self.finish(
            mode,
            &Page::Redirect(i),
            &article.title,
            &article.summary,
            Meta::default(),
            view,
        )
    }
}

/// The text of an HTML fragment.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}
