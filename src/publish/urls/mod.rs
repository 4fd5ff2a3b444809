//! The record of what a site has published: `urls.lock` at the site root, committed with
//! the site, one URL a line with what gives it. Archives are cited for decades, so a URL,
//! once published, keeps working:
//!
//! - an article whose URL changes (retitled with a new slug, re-dated) leaves a redirect at
//!   its old URL, recorded as `moved` so that it survives later builds;
//! - a URL that nothing gives any more (a deleted article, an author with no article left,
//!   a listing page gone with a change of `paginate`) fails the build, naming it and the
//!   source that last gave it, until it is given again (the source restored, or an alias
//!   of another article) or its removal is accepted (`--accept-removed`, recorded as
//!   `removed`).
//!
//! `dateline build` updates the record after each successful build; `check` refuses what
//! `build` refuses and writes nothing; `serve` warns and previews. Builds with drafts or
//! articles from the future read the record but do not write it: what they show is not
//! published.

mod lock;
#[cfg(test)]
mod tests;

use std::cell::OnceCell;
use std::path::Path;
use std::sync::Arc;

use ahash::AHashMap as HashMap;
use rayon::slice::ParallelSliceMut;

use crate::diag::{Diagnostic, shown};
use crate::error::{IoError, IoResultExt};
use crate::model::{Archive, ArticleId};
use crate::render::{Kind, Origin, Plan, Published, Redirect, Target};
use crate::walk::Stamp;
pub use lock::{LOCK_FILE, Lock, State};

/// What a build does with the record of published URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UrlPolicy {
    /// Refuse a URL that nothing gives any more; record what the build published
    /// (`dateline build`).
    #[default]
    Record,
    /// Accept that the URLs nothing gives any more are removed, and record them as such
    /// (`dateline build --accept-removed`).
    AcceptRemovals,
    /// Refuse as `Record` does, and leave the record as it is (`dateline check`).
    Verify,
    /// Warn of a URL that nothing gives any more, build anyway, and leave the record as it
    /// is (`dateline serve`).
    Preview,
}

/// Problems listed one by one before they are counted: a change of `paginate` can take
/// thousands of listing pages away at once.
const LISTED: usize = 50;

/// An article's URL that changed since the record: its old URL now redirects to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// Site-relative, as linked (`2025/10/26/old-slug/`).
    pub from: String,
    pub to: String,
    /// The article's source.
    pub source: String,
}

/// What the record says of a build.
#[derive(Debug, Clone, Default)]
pub struct UrlReport {
    /// Articles whose URL changed in this build.
    pub moved: Vec<Move>,
    /// URLs whose removal this build accepted.
    pub removed: usize,
    /// URLs published for the first time.
    pub added: usize,
    /// Under `serve`: the URLs nothing gives any more, which a build would refuse.
    pub warnings: Vec<String>,
}

/// The record of published URLs (`SITE/urls.lock`) as the last build read it, with the
/// file's stamp then: a process that builds again and again (`serve`) reads and parses it
/// again only when it changed (17 MB at 100,000 articles).
#[derive(Default)]
pub struct KeptLock(Option<(Option<Stamp>, Arc<Lock>)>);

impl KeptLock {
    /// The record as the file holds it now: the one kept, if the file has the same stamp
    /// (or was missing and still is: the empty record again).
    pub fn read(&mut self, root: &Path) -> Result<Arc<Lock>, crate::error::Error> {
        let stamp = Stamp::of(&root.join(LOCK_FILE));
        if let Some((read, lock)) = &self.0
            && *read == stamp
        {
            return Ok(lock.clone());
        }
        let lock = Arc::new(Lock::read(root)?);
        self.0 = Some((stamp, lock.clone()));
        Ok(lock)
    }
}

/// What `record` found for a build, kept by a process that builds again and again and
/// writes no record (`serve`): while the record read and what the site publishes are the
/// same, so is what the next build finds (at 100,000 articles the comparison sorts and
/// walks 140,000 URLs on every rebuild).
#[derive(Default)]
pub struct Memo {
    /// The record compared, and what was compared with it (a hash of the published URLs
    /// and the policy).
    key: Option<(Arc<Lock>, u64)>,
    redirects: Vec<Redirect>,
    report: UrlReport,
    /// The published URLs compared, in order of path (`sorted_by_path`).
    order: Vec<u32>,
}

/// `record` for a build that writes no record, through `memo`: the redirects and the
/// report of the last build that compared the same record with the same URLs.
pub fn record_again(
    root: &Path,
    lock: &Arc<Lock>,
    plan: &mut Plan<'_>,
    archive: &Archive,
    policy: UrlPolicy,
    memo: &mut Memo,
) -> Result<UrlReport, Vec<Diagnostic>> {
    let (list, hash) = plan.published_with_hash();
    let published = hash ^ (policy as u64);
    if let Some((last, hash)) = &memo.key
        && Arc::ptr_eq(last, lock)
        && *hash == published
    {
        plan.add_redirects(memo.redirects.clone());
        return Ok(memo.report.clone());
    }
    memo.key = None;
    // The list the hash was made of, if it was made now, compared once: the report of a
    // comparison that finds redirects is the one a second would give.
    let articles = Articles::of(archive);
    let list = list.unwrap_or_else(|| plan.published());
    let compared = compare(
        root,
        lock,
        &list,
        policy,
        &|s| articles.find(s),
        Text::Unused,
        &mut memo.order,
    )?;
    drop(list);
    let (report, redirects) = match compared {
        Compared::Done(_, report) => (report, Vec::new()),
        Compared::Redirect(redirects, report) => {
            plan.add_redirects(redirects.clone());
            (report, redirects)
        }
    };
    memo.redirects = redirects;
    memo.report = report.clone();
    memo.key = Some((lock.clone(), published));
    Ok(report)
}

/// The record after a build of `plan`, and what it says of the build. The old URLs of
/// articles that moved (found now, or kept as `moved`) and the listing pages that are no
/// more (`redirect`) get their redirects in `plan` first; the URLs the record has that
/// nothing gives any more are problems unless `policy` accepts or only warns of them.
pub fn record(
    root: &Path,
    lock: &Lock,
    plan: &mut Plan<'_>,
    archive: &Archive,
    policy: UrlPolicy,
) -> Result<(Option<String>, UrlReport), Vec<Diagnostic>> {
    let articles = Articles::of(archive);
    let article = |source: &str| articles.find(source);
    let text = Text::Made;
    match compare(root, lock, &plan.published(), policy, &article, text, &mut Vec::new())? {
        Compared::Done(text, report) => Ok((text, report)),
        Compared::Redirect(redirects, first) => {
            plan.add_redirects(redirects);
            match compare(root, lock, &plan.published(), policy, &article, text, &mut Vec::new())? {
                Compared::Done(text, report) => {
                    debug_assert_eq!((report.added, report.removed), (first.added, first.removed));
                    let moved = first.moved;
                    Ok((text, UrlReport { moved, ..report }))
                }
                Compared::Redirect(..) => unreachable!("every redirect is in the plan"),
            }
        }
    }
}

/// Whether `compare` makes the record's text (`serve`, which writes no record, does not
/// need it: 17 MB at 100,000 articles, and a second comparison after redirects).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Text {
    Made,
    Unused,
}

/// The article of a source, and its URL, for `compare`.
struct Articles<'a> {
    archive: &'a Archive,
    /// Made only when the record names an article's URL that nothing gives: a moved one.
    by_source: OnceCell<HashMap<&'a [u8], ArticleId>>,
}

impl<'a> Articles<'a> {
    fn of(archive: &'a Archive) -> Self {
        Articles {
            archive,
            by_source: OnceCell::new(),
        }
    }

    fn find(&self, source: &str) -> Option<(ArticleId, &'a str)> {
        let archive = self.archive;
        let map = self.by_source.get_or_init(|| {
            (archive.articles.iter().enumerate())
                .map(|(id, a)| (a.source.as_os_str().as_encoded_bytes(), id as ArticleId))
                .collect()
        });
        map.get(source.as_bytes()).map(|&id| (id, &*archive.article(id).path))
    }
}

/// What the record says of a build.
enum Compared {
    /// The record after the build (none if it is the same), and what it says of the build.
    Done(Option<String>, UrlReport),
    /// Redirects the plan is to have (from the old URLs of articles that moved, and from
    /// listing pages that are no more), and what the record says of the build (with the
    /// articles that moved): the plan gets the redirects, and is compared again if the
    /// record's text is wanted.
    Redirect(Vec<Redirect>, UrlReport),
}

/// The record after a build that publishes `published`, and what it says of the build;
/// the URLs the record has that nothing gives any more are problems unless `policy`
/// accepts or only warns of them (articles that moved and listing pages redirect,
/// `Compared::Redirect`); `article` finds the article of a source, and its URL.
fn compare<'a>(
    root: &Path,
    lock: &Lock,
    published: &[Published<'_>],
    policy: UrlPolicy,
    article: &dyn Fn(&str) -> Option<(ArticleId, &'a str)>,
    text: Text,
    order: &mut Vec<u32>,
) -> Result<Compared, Vec<Diagnostic>> {
    sort_by_path(published, order);
    let mut now: Vec<&Published<'_>> = order.iter().map(|&i| &published[i as usize]).collect();
    now.dedup_by(|a, b| a.path == b.path);
    let given = |path: &str| now.binary_search_by(|p| p.path.cmp(path)).is_ok();

    let mut report = UrlReport::default();
    let mut gone: Vec<Diagnostic> = Vec::new();
    let mut gone_count = 0;
    let mut redirects = Vec::new();
    let mut removed: Vec<(&str, &str)> = Vec::new();
    // Whether the record changes: a URL added, gone, or given by something else.
    let mut changed = false;
    let mut next = 0;
    for e in lock.entries() {
        while next < now.len() && now[next].path < e.path {
            report.added += 1;
            changed = true;
            next += 1;
        }
        let p = now.get(next).filter(|p| p.path == e.path);
        if p.is_some() {
            next += 1;
        }
        match (e.state, p) {
            (State::Given(before), Some(p)) => {
                let source = p
                    .source
                    .map_or(lock::SITE_SOURCE.as_bytes(), |s| s.as_os_str().as_encoded_bytes());
                changed |= before != p.kind || source != e.source.as_bytes();
            }
            (State::Given(before), None) => {
                changed = true;
                // An article's source that gives another URL now: the article moved (now,
                // or before, as the record keeps it).
                if matches!(before, Kind::Article | Kind::Moved)
                    && let Some((id, to)) = article(e.source)
                {
                    if before == Kind::Article {
                        report.moved.push(Move {
                            from: e.path.to_string(),
                            to: to.to_string(),
                            source: e.source.to_string(),
                        });
                    }
                    redirects.push(Redirect {
                        from: e.path.to_string(),
                        to: Target::Article(id),
                        origin: Origin::Moved,
                    });
                    continue;
                }
                if matches!(before, Kind::Listing | Kind::Redirect)
                    && let Some(to) = crate::render::nearest_listing(e.path, &given)
                {
                    redirects.push(Redirect {
                        from: e.path.to_string(),
                        to: Target::Listing(to),
                        origin: Origin::Listing,
                    });
                    continue;
                }
                match policy {
                    UrlPolicy::AcceptRemovals => {
                        removed.push((e.path, e.source));
                        report.removed += 1;
                    }
                    UrlPolicy::Preview => report
                        .warnings
                        .push(no_longer_published(root, e.path, before, e.source)),
                    UrlPolicy::Record | UrlPolicy::Verify => {
                        gone_count += 1;
                        if gone.len() < LISTED {
                            gone.push(
                                Diagnostic::new(
                                    shown(root, Path::new(LOCK_FILE)),
                                    e.line,
                                    1,
                                    no_longer_published(root, e.path, before, e.source),
                                )
                                .with_hint(format!(
                                    "restore what gave it, give it to another article (`aliases: [\"/{}\"]`), or accept its removal: `dateline build --accept-removed`",
                                    e.path
                                )),
                            );
                        }
                    }
                }
            }
            (State::Removed, Some(_)) => changed = true,
            (State::Removed, None) => removed.push((e.path, e.source)),
        }
    }
    report.added += now.len() - next;
    changed |= next < now.len();
    if gone_count > gone.len() {
        gone.push(Diagnostic::file(
            shown(root, Path::new(LOCK_FILE)),
            format!(
                "and {} more URLs the site published are no longer published",
                crate::render::thousands(gone_count - gone.len())
            ),
        ));
    }
    if !gone.is_empty() {
        return Err(gone);
    }
    if !redirects.is_empty() {
        return Ok(Compared::Redirect(redirects, report));
    }
    let wanted = text == Text::Made && (changed || lock.text().is_empty());
    Ok(Compared::Done(wanted.then(|| lock::text(&now, &removed)), report))
}

/// Makes `order` the indices of `published` in order of path (ties in order of index).
/// If it holds the order of the last list compared, a list of as many URLs (`serve`: the
/// same pages but an article's or two), it is sorted from there: a list nearly in order
/// takes one pass (~3 ms at 140,000 URLs) instead of a sort (~20 ms on 2 cores).
fn sort_by_path(published: &[Published<'_>], order: &mut Vec<u32>) {
    let by_path = |a: &u32, b: &u32| {
        let (x, y) = (&published[*a as usize], &published[*b as usize]);
        x.path.cmp(y.path).then(a.cmp(b))
    };
    match order.len() == published.len() {
        true => order.sort_by(by_path),
        false => {
            *order = (0..published.len() as u32).collect();
            order.par_sort_by(by_path);
        }
    }
}

/// Writes the record `text` (`record` gives it when it changed), in one step: a new file
/// renamed over the old.
pub fn write(root: &Path, text: &str) -> Result<(), IoError> {
    let path = root.join(LOCK_FILE);
    let partial = root.join(format!(".{LOCK_FILE}.{}", std::process::id()));
    std::fs::write(&partial, text).at("write", &shown(root, Path::new(LOCK_FILE)))?;
    std::fs::rename(&partial, &path)
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&partial);
        })
        .at("write", &shown(root, Path::new(LOCK_FILE)))?;
    Ok(())
}

/// "/PATH (an article) is no longer published: SOURCE, which gave it, is gone".
fn no_longer_published(root: &Path, path: &str, kind: Kind, source: &str) -> String {
    let what = match kind {
        Kind::Article => "an article",
        Kind::Listing => "a listing page",
        Kind::Feed => "a feed",
        Kind::Site => "a page of the site",
        Kind::Alias => "an alias",
        Kind::Moved => "the old URL of a moved article",
        Kind::Redirect => "a redirect from a listing page",
    };
    let why = match source {
        lock::SITE_SOURCE => "the site no longer has it".to_string(),
        _ if root.join(source).exists() => format!("{source}, which gave it, no longer does"),
        _ => format!("{source}, which gave it, is gone"),
    };
    format!("/{path} ({what}) is no longer published: {why}")
}
