//! A problem found on an article's page, reported at the article's source.
//!
//! The check reads the output, so a broken link is first known as a place on a built
//! page (`public/2025/10/26/x/index.html:63:17`). Whoever fixes it edits the article,
//! though, or the theme if the theme made the link. So for each page with problems that
//! shows an article, the article's body is rendered again from its source as the build
//! rendered it, with the place in the source each stretch of HTML comes from
//! (`markdown::render_traced`), and looked for on the page: a link within it is the
//! body's, reported at its line and column in the source with the page in a note; a link
//! outside it is the theme's, reported at the page with a note saying so. Only pages with
//! problems are read again, and only their articles' sources: a site that passes costs
//! nothing here.
//!
//! A theme that changes the body before showing it (a filter on `body`) leaves no copy of
//! it on the page: the body's links are then matched by URL, each to the first of the
//! body's links with that URL not matched yet.

use ahash::{AHashMap as HashMap, AHashSet as HashSet};
use std::path::{Path, PathBuf};

use super::{Found, Problem, Site, scan};
use crate::config::BaseUrl;
use crate::diag::{Diagnostic, line_col, shown};
use crate::model::Article;
use crate::parse::markdown::{self, Traced};
use crate::parse::{Format, front_matter};
use crate::render::Page;

/// Every problem `found`, those on an article's page that its body made at the article's
/// source; `out` is the output folder.
pub(super) fn at_sources(found: Vec<Found>, out: &Path, base: &BaseUrl, site: Option<&Site<'_>>) -> Vec<Problem> {
    let mut problems = Vec::with_capacity(found.len());
    let mut by_page: HashMap<String, Vec<(usize, Diagnostic)>> = HashMap::new();
    for f in found {
        match f.on {
            Some((file, offset)) => by_page.entry(file).or_default().push((offset, f.diagnostic)),
            None => problems.push(Problem {
                diagnostic: f.diagnostic,
                page: None,
            }),
        }
    }
    if by_page.is_empty() {
        return problems;
    }
    // An article's page is its path's index.html: one pass over the articles finds those
    // of the pages with problems.
    let wanted: HashSet<&str> = by_page.keys().filter_map(|f| f.strip_suffix("index.html")).collect();
    let articles: HashMap<&str, &Article> = (site.iter())
        .flat_map(|site| &site.archive.articles)
        .filter(|a| wanted.contains(&*a.path))
        .map(|a| (&*a.path, a))
        .collect();
    for (file, mut list) in by_page {
        let folder = file.strip_suffix("index.html");
        let page = base.link(folder.unwrap_or(&file));
        let article = folder.and_then(|f| articles.get(f));
        let traced = (site.zip(article)).and_then(|(site, a)| TracedPage::read(out, &file, site.root, a));
        list.sort_by_key(|(offset, _)| *offset);
        let mut matched = Vec::new();
        for (offset, diagnostic) in list {
            let diagnostic = match &traced {
                Some(traced) => traced.locate(offset, diagnostic, &page, &mut matched),
                None => diagnostic,
            };
            problems.push(Problem {
                diagnostic,
                page: Some(page.clone()),
            });
        }
    }
    problems
}

/// An article's page, read again, and its source.
struct TracedPage {
    /// The page's text.
    page: String,
    /// The source, as messages name it, and its text (decoded).
    source: PathBuf,
    text: String,
    /// Where the body starts in `text`.
    body_start: usize,
    body: Body,
}

/// Where an article's body is on its page.
enum Body {
    /// Its HTML is on the page from `start`: a link within it leads back to the source.
    At {
        start: usize,
        len: usize,
        traced: Vec<Traced>,
    },
    /// Not on the page as rendered (the theme changed it): the body's links, each with
    /// its offset in the body, to match by URL.
    Links(Vec<(String, usize)>),
    /// A plain-text body: text alone, no links.
    Text,
}

impl TracedPage {
    /// The page `file` of the output folder `out`, which shows `article` of the site at
    /// `root`; none if either cannot be read (the problems then stay at the page).
    fn read(out: &Path, file: &str, root: &Path, article: &Article) -> Option<TracedPage> {
        let page = std::fs::read_to_string(out.join(file)).ok()?;
        let source = shown(root, &article.source);
        let bytes = std::fs::read(root.join(&article.source)).ok()?;
        let text = crate::parse::decode(&source, &bytes).ok()?.into_owned();
        let (body_start, body) = match article.format {
            Format::PlainText => (0, Body::Text),
            Format::Markdown => {
                let split = front_matter::split(&source, &text).ok()?;
                let body_start = split.body.as_ptr() as usize - text.as_ptr() as usize;
                let (html, traced) = markdown::render_traced(split.body);
                let body = match page.find(&html).filter(|_| !html.is_empty()) {
                    Some(start) => Body::At {
                        start,
                        len: html.len(),
                        traced,
                    },
                    None => Body::Links(
                        scan::scan(&html)
                            .links
                            .into_iter()
                            .map(|link| (link.url.into_owned(), source_offset(&traced, link.offset)))
                            .collect(),
                    ),
                };
                (body_start, body)
            }
        };
        Some(TracedPage {
            page,
            source,
            text,
            body_start,
            body,
        })
    }

    /// `diagnostic`, of the link at `offset` of the page (`page`, its path from the site's
    /// root): at the source if the body made the link, with a note naming the page; at
    /// the page, with a note saying so, if the theme did. `matched` holds the body's links
    /// matched by URL so far.
    fn locate(&self, offset: usize, diagnostic: Diagnostic, page: &str, matched: &mut Vec<usize>) -> Diagnostic {
        let in_body = match &self.body {
            Body::At { start, len, traced } => (*start..start + len)
                .contains(&offset)
                .then(|| source_offset(traced, offset - start)),
            Body::Links(links) => {
                let url = scan::scan(&self.page).links.into_iter().find(|l| l.offset == offset);
                url.and_then(|url| {
                    let i = (0..links.len()).find(|i| links[*i].0 == url.url && !matched.contains(i))?;
                    matched.push(i);
                    Some(links[i].1)
                })
            }
            Body::Text => None,
        };
        match in_body {
            Some(at) => {
                let (line, column) = line_col(&self.text, self.body_start + at);
                let on_page = format!(
                    "on {page} ({}:{}:{})",
                    diagnostic.path.display(),
                    diagnostic.line,
                    diagnostic.column
                );
                Diagnostic {
                    path: self.source.clone(),
                    line,
                    column,
                    ..diagnostic
                }
                .with_note(on_page)
            }
            // Not matched by URL: the body may have made it all the same.
            None if matches!(self.body, Body::Links(_)) => diagnostic,
            None => diagnostic.with_note(format!(
                "not in the body of {}: the theme's {} (or a template it includes) made it",
                self.source.display(),
                Page::Article(0).template()
            )),
        }
    }
}

/// The offset in the body of the byte `at` of the HTML traced as `traced`.
fn source_offset(traced: &[Traced], at: usize) -> usize {
    let i = traced.partition_point(|t| t.html <= at);
    match i.checked_sub(1).map(|i| &traced[i]) {
        Some(t) => t.source_offset(at - t.html),
        None => 0,
    }
}
