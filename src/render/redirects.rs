//! Redirects from old paths (article `aliases`): a small page at each old path, and
//! `/_redirects` (Netlify and Cloudflare Pages syntax) for hosts that redirect themselves.

use ahash::AHashMap as HashMap;
use std::path::Path;

use super::views::Env;
use crate::diag::{Diagnostic, shown};
use crate::model::{Archive, ArticleId};

/// An old path that redirects to an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// Site-relative: `old/path/` or `old/page.html`.
    pub from: String,
    pub to: Target,
    /// Why the old path redirects.
    pub origin: Origin,
}

/// Where an old path redirects to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Article(ArticleId),
    /// A listing page (site-relative), for a listing page that is no more.
    Listing(String),
}

impl Target {
    /// The article, for a redirect to one.
    pub fn article(&self) -> Option<ArticleId> {
        match self {
            Target::Article(id) => Some(*id),
            Target::Listing(_) => None,
        }
    }
}

/// Why an old path redirects to an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// One of the article's `aliases`.
    Alias,
    /// The record of published URLs (`urls.lock`): the article's URL was this one once.
    Moved,
    /// The record of published URLs: a listing page that is no more (a day without articles
    /// now, a page gone with a change of `paginate`), sent to the nearest that is.
    Listing,
}

impl Redirect {
    /// The file written at the old path.
    pub fn file(&self) -> String {
        if self.from.ends_with('/') {
            format!("{}index.html", self.from)
        } else {
            self.from.clone()
        }
    }
}

/// Every alias of every article, in order of path.
pub fn collect(archive: &Archive) -> Vec<Redirect> {
    let mut list: Vec<Redirect> = archive
        .articles
        .iter()
        .enumerate()
        .flat_map(|(id, a)| {
            a.aliases.iter().map(move |from| Redirect {
                from: from.clone(),
                to: Target::Article(id as ArticleId),
                origin: Origin::Alias,
            })
        })
        .collect();
    list.sort_by(|a, b| a.from.cmp(&b.from));
    list
}

/// Where a listing page that is no more (`from`, site-relative) sends its readers: to the
/// listing's own URL for one of its numbered pages, to the month, year or home page for a
/// day, month or year without articles now, to the home page for a calendar day of "on
/// this day"; `given` tells which pages there are. None for other pages (an author or a
/// tag with no articles left is a removal).
pub fn nearest_listing(from: &str, given: &dyn Fn(&str) -> bool) -> Option<String> {
    if let Some(at) = from.find("page/") {
        let (listing, rest) = from.split_at(at);
        let numbered = rest[5..].strip_suffix('/').is_some_and(|n| n.parse::<usize>().is_ok());
        if numbered && given(listing) {
            return Some(listing.to_string());
        }
    }
    let is_date = |p: &str| !p.is_empty() && p.split('/').all(|part| part.chars().all(|c| c.is_ascii_digit()));
    let mut path = from.strip_suffix('/')?;
    if !(is_date(path) || path.starts_with("on-this-day/") || from.contains("page/")) {
        return None;
    }
    if path.starts_with("on-this-day/") {
        path = "";
    }
    while let Some((parent, _)) = path.rsplit_once('/') {
        path = parent;
        if is_date(path) && given(&format!("{path}/")) {
            return Some(format!("{path}/"));
        }
    }
    Some(String::new())
}

/// Aliases that land on a page, a copied file, or another alias.
pub fn collisions(
    root: &Path,
    archive: &Archive,
    redirects: &[Redirect],
    taken: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut seen: HashMap<String, ArticleId> = HashMap::new();
    for r in redirects {
        let Some(to) = r.to.article() else { continue };
        let article = archive.article(to);
        let (line, column) = article.aliases_at;
        let at = |message: String| Diagnostic::new(shown(root, &article.source), line, column, message);
        let file = r.file();
        if taken(&file) {
            problems.push(at(format!(
                "alias `/{}` is the URL of a page or file of the site",
                r.from
            )));
        } else if let Some(&other) = seen.get(&file) {
            let other = archive.article(other);
            problems.push(at(format!(
                "alias `/{}` is also an alias of {}",
                r.from,
                shown(root, &other.source).display()
            )));
        } else {
            seen.insert(file, to);
        }
    }
    problems
}

/// The problem of a redirect that cannot be written for nginx (`publish::nginx`): at the
/// `aliases` of its article, or in the record of published URLs that keeps it.
pub fn unwritable(root: &Path, archive: &Archive, redirect: Option<&Redirect>, message: String) -> Diagnostic {
    match redirect.and_then(|r| r.to.article().filter(|_| r.origin == Origin::Alias)) {
        Some(id) => {
            let article = archive.article(id);
            let (line, column) = article.aliases_at;
            Diagnostic::new(shown(root, &article.source), line, column, message)
        }
        None => Diagnostic::file(shown(root, Path::new(crate::publish::urls::LOCK_FILE)), message),
    }
}

/// Each redirect as root-relative links, old path and new (`/archive/old/path/`,
/// `/archive/2025/10/26/slug/`): what `_redirects` says, and `nginx-redirects.conf`
/// (`publish::nginx`).
pub fn links<'a>(env: &'a Env<'_>, redirects: &'a [Redirect]) -> impl Iterator<Item = (String, String)> + 'a {
    redirects.iter().map(|r| {
        let to = match &r.to {
            Target::Article(id) => env.link(&env.archive.article(*id).path),
            Target::Listing(path) => env.link(path),
        };
        (env.link(&r.from), to)
    })
}

/// The `_redirects` file: `/old/path /new/path/ 301`, one per line.
pub fn redirects_file(env: &Env<'_>, redirects: &[Redirect]) -> String {
    let mut out = String::new();
    for (from, to) in links(env, redirects) {
        out.push_str(&from);
        out.push(' ');
        out.push_str(&to);
        out.push_str(" 301\n");
    }
    out
}
