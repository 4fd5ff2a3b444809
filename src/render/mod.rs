//! Render: the archive → one job per page → HTML, in parallel. The only module that
//! uses tera.

mod context;
mod format;
mod pages;
pub mod theme;
mod views;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use tera::Value;

use crate::config::Config;
use crate::diag::Diagnostic;
use crate::model::Archive;
use crate::output::Output;
use crate::parse::ParseContext;
pub use format::{Locale, thousands};
pub use pages::Page;
pub use theme::Theme;
use views::{Card, Env};

/// What a render needs besides the archive.
pub struct RenderInput<'a> {
    /// The site folder as the user named it.
    pub root: &'a Path,
    pub config: &'a Config,
    pub archive: &'a Archive,
    pub theme: &'a Theme,
    /// Link to the stylesheet, versioned.
    pub stylesheet: String,
}

/// Renders every page into `output`; returns the site-relative paths of the files written.
pub fn render_site(input: &RenderInput<'_>, output: &Output) -> Result<Vec<String>, Vec<Diagnostic>> {
    let renderer = Renderer::new(input);
    let pages = pages::all_pages(input.archive, &renderer.index, input.config.paginate);
    let failed_templates: Vec<(&str, AtomicBool)> = theme::DEFAULT_TEMPLATES
        .iter()
        .map(|(name, _)| (*name, AtomicBool::new(false)))
        .collect();
    let failed = |name: &str| failed_templates.iter().find(|(n, _)| *n == name).map(|(_, f)| f);

    let results: Vec<Result<String, Diagnostic>> = pages
        .par_iter()
        .filter_map(|page| {
            // After a template fails once, the other pages it renders would fail the same way.
            let flag = failed(page.template());
            if flag.is_some_and(|f| f.load(Ordering::Relaxed)) {
                return None;
            }
            let file = renderer.file_of(page);
            let result = renderer
                .render(page)
                .and_then(|html| output.write(&file, html.as_bytes()).map(|()| file));
            if result.is_err()
                && let Some(f) = flag
            {
                f.store(true, Ordering::Relaxed);
            }
            Some(result)
        })
        .collect();

    let mut files = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(d) => problems.push(d),
        }
    }
    if problems.is_empty() { Ok(files) } else { Err(problems) }
}

/// Renders pages; holds what every page shares.
pub struct Renderer<'a> {
    input: &'a RenderInput<'a>,
    env: Env<'a>,
    index: pages::Index,
    /// One prebuilt card per article (same order), shared by every listing.
    cards: Vec<Value>,
    parse_cx: ParseContext,
    tera: tera::Tera,
}

impl<'a> Renderer<'a> {
    pub fn new(input: &'a RenderInput<'a>) -> Self {
        let env = Env {
            config: input.config,
            archive: input.archive,
            locale: Locale::for_language(&input.config.language),
        };
        let cards = input
            .archive
            .articles
            .par_iter()
            .map(|a| Value::from_serializable(&Card::new(&env, a)))
            .collect();
        let mut tera = input.theme.tera.clone();
        context::globals(&env, &input.stylesheet, tera.global_context());
        Renderer {
            index: pages::Index::new(input.archive),
            parse_cx: ParseContext {
                timezone: input.config.timezone,
            },
            input,
            env,
            cards,
            tera,
        }
    }

    /// The site-relative file a page is written to.
    pub fn file_of(&self, page: &Page) -> String {
        match page {
            Page::NotFound => "404.html".to_string(),
            _ => format!("{}index.html", self.rel_path(page)),
        }
    }

    /// Renders one page to HTML.
    pub fn render(&self, page: &Page) -> Result<String, Diagnostic> {
        let cx = context::page_context(self, page)?;
        self.tera
            .render(page.template(), &cx)
            .map_err(|e| self.input.theme.diagnostic(&e))
    }
}
