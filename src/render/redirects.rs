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
    pub to: ArticleId,
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
                to: id as ArticleId,
            })
        })
        .collect();
    list.sort_by(|a, b| a.from.cmp(&b.from));
    list
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
        let article = archive.article(r.to);
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
            seen.insert(file, r.to);
        }
    }
    problems
}

/// The `_redirects` file: `/old/path /new/path/ 301`, one per line.
pub fn redirects_file(env: &Env<'_>, redirects: &[Redirect]) -> String {
    let mut out = String::new();
    for r in redirects {
        out.push_str(&env.link(&r.from));
        out.push(' ');
        out.push_str(&env.link(&env.archive.article(r.to).path));
        out.push_str(" 301\n");
    }
    out
}
