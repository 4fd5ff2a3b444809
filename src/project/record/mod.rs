//! What the last build wrote, as far as the next one may trust it: read from the build
//! cache on threads of their own while the sources are read, or kept from the last build
//! in this process. It tells a build which fingerprints of its pages are known already,
//! whether it patches the output folder or writes it anew, and which files are gone.

use ahash::AHashSet as HashSet;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::thread::JoinHandle;

use crate::cache::{self, CachedBuild};
use crate::diag::Diagnostic;
use crate::model::{ArticleId, Patch};
use crate::output::{Records, Written};
use crate::render::{self, Page, Plan};

/// What the last successful build wrote, to write only what changes next time.
#[derive(Debug)]
struct LastBuild {
    out: PathBuf,
    /// Every file written, with its bytes' record and a page's fingerprint.
    files: Recorded,
    /// What its pages shared besides their articles (`Plan::page_globals`).
    page_globals: Option<u64>,
    /// The fingerprint of each of its pages listed from the archive (its redirects aside),
    /// in the order of its plan (while the archive keeps its shape and `page_globals`
    /// holds, the next plan lists the same pages in the same order).
    pages: Vec<u64>,
}

/// What a build wrote, file by file.
#[derive(Debug)]
enum Recorded {
    /// To look files up in (shared with the check of the output folder).
    Mapped(Arc<Records>),
    /// As a build with no record to go by (a full build) made them: a one-shot build only
    /// saves it, and making it a map of 140,000 files would be most of the end of a full
    /// build that runs on one core. A later build in the same process maps it (`map`).
    Listed(Vec<(String, Written)>),
}

impl Recorded {
    /// Makes it a map, if it is not one yet.
    fn map(&mut self) {
        if let Recorded::Listed(list) = self {
            let map = std::mem::take(list)
                .into_iter()
                .map(|(rel, w)| (rel.into(), w))
                .collect();
            *self = Recorded::Mapped(Arc::new(map));
        }
    }

    /// The map, once `map` made it.
    fn mapped(&self) -> Option<&Records> {
        match self {
            Recorded::Mapped(map) => Some(map),
            Recorded::Listed(_) => None,
        }
    }

    /// Every file and what was written there, in no particular order, as the cache saves
    /// them.
    fn listed(&self) -> Vec<(Cow<'_, str>, Written)> {
        match self {
            Recorded::Mapped(map) => map.iter().map(|(rel, w)| (Cow::Borrowed(rel.as_ref()), *w)).collect(),
            Recorded::Listed(list) => list.iter().map(|(rel, w)| (Cow::Borrowed(rel.as_str()), *w)).collect(),
        }
    }
}

/// The record of the last build, and what changed since.
#[derive(Debug, Default)]
pub(super) struct Record {
    last: Option<LastBuild>,
    /// What the last build wrote, as the build cache recorded it, and whether every file
    /// of it is still in the output folder: read and checked by threads of their own
    /// while the sources are read (`last` once a build needs it).
    reading: Option<(Receiver<LastBuild>, JoinHandle<bool>)>,
    /// Articles patched since the build `last` records (their pages may differ from its
    /// record, the others' not while the archive keeps its shape).
    edits_since: HashSet<ArticleId>,
    /// Whether a patch since that build renumbered articles after some were noted in
    /// `edits_since` (see `patched`).
    ids_renumbered: bool,
    /// Whether it changed since the build cache was saved.
    unsaved: bool,
}

impl Record {
    /// The record the build cache of `site` keeps of the last build into `out`, read and
    /// checked against the output folder beside the reading of the sources: by the
    /// folder's stamp (`cache::out_stamp`), or with `verify` every file looked up (on
    /// `threads` threads).
    pub(super) fn read_aside(site: PathBuf, out: PathBuf, threads: usize, verify: bool) -> Record {
        let (record, recorded) = std::sync::mpsc::sync_channel(1);
        let check = std::thread::spawn(move || {
            let Some(loaded) = cache::load_record(&site, &out) else {
                return false;
            };
            let files = Arc::new(loaded.files);
            let last = LastBuild {
                out: loaded.out,
                files: Recorded::Mapped(Arc::clone(&files)),
                page_globals: loaded.page_globals,
                pages: loaded.pages,
            };
            let out = last.out.clone();
            let _ = record.send(last);
            match verify {
                true => cache::output_intact(&out, &files, threads),
                false => loaded.out_stamp.is_some() && cache::out_stamp(&out) == loaded.out_stamp,
            }
        });
        Record {
            reading: Some((recorded, check)),
            ..Record::default()
        }
    }

    /// Notes articles patched into the archive since the build recorded. A patch that gave
    /// articles new dates changed the ids of others: the ids noted before it no longer
    /// name the articles edited, and no page's fingerprint is known until a build records.
    pub(super) fn patched(&mut self, patch: &Patch) {
        if !patch.redated.is_empty() && !self.edits_since.is_empty() {
            self.ids_renumbered = true;
        }
        self.edits_since.extend(&patch.changed);
    }

    /// The fingerprint of every page of `plan`, for a build into `out`: those the last
    /// build recorded where they still hold (see `known_pages`; `kept_shape`: the archive
    /// was patched, not built again), the others computed.
    pub(super) fn fingerprints(
        &mut self,
        plan: &Plan<'_>,
        kept_shape: bool,
        out: &Path,
    ) -> Result<PageFingerprints, Vec<Diagnostic>> {
        self.receive();
        let page_globals = plan.page_globals();
        let pages = plan.pages();
        let listed = plan.listed_count();
        let known = self.known_pages(kept_shape, out, page_globals, listed, |edited| {
            plan.pages_showing(edited)
        });
        let render::Fingerprints { of, known: kept } =
            plan.fingerprints(&|i| known.as_ref()?.fingerprint(i, &pages[i]))?;
        Ok(PageFingerprints {
            of,
            known: kept,
            same_pages: known.is_some(),
            page_globals,
            listed,
        })
    }

    /// Waits for the record read aside, if it is not here yet.
    fn receive(&mut self) {
        if self.last.is_none()
            && let Some((recorded, _)) = &self.reading
        {
            self.last = recorded.recv().ok();
        }
    }

    /// The pages whose fingerprints the last build recorded still: while the archive
    /// keeps its shape (`kept_shape`), the build writes the same folder (`out`) and pages
    /// share what they shared (`page_globals`), the plan lists the same `listed` pages in
    /// the same order (redirects, which come after them, may be more or fewer: an article
    /// with a new URL adds one), and the article pages and listings that show no article
    /// edited since (`showing` tells which do) keep their fingerprints.
    fn known_pages(
        &self,
        kept_shape: bool,
        out: &Path,
        page_globals: u64,
        listed: usize,
        showing: impl FnOnce(&[ArticleId]) -> HashSet<Page>,
    ) -> Option<KnownPages<'_>> {
        let last = self.last.as_ref().filter(|l| {
            let same = l.out == out && l.page_globals == Some(page_globals) && l.pages.len() == listed;
            kept_shape && !self.ids_renumbered && same
        })?;
        let edited: Vec<ArticleId> = self.edits_since.iter().copied().collect();
        Some(KnownPages {
            showing: showing(&edited),
            pages: &last.pages,
        })
    }

    /// What the last build wrote into `out`, if it is still there: the build then patches
    /// the folder (writing only what changed), else it writes it anew.
    pub(super) fn trusted(&mut self, out: &Path) -> Option<&Records> {
        self.settle();
        self.last
            .as_ref()
            .filter(|l| l.out == out && out.join("index.html").is_file())
            .and_then(|l| l.files.mapped())
    }

    /// Waits for the check of the output folder read aside, if there is one, and forgets
    /// the record if the check failed; maps the record's files. Whether the folder no
    /// longer held what the recorded build wrote (the record was read, and the check
    /// failed): true once, from the call that waited.
    pub(super) fn settle(&mut self) -> bool {
        let mut changed = false;
        if let Some((_, check)) = self.reading.take()
            && !check.join().unwrap_or(false)
        {
            changed = self.last.is_some();
            self.last = None;
        }
        if let Some(last) = self.last.as_mut() {
            last.files.map();
        }
        changed
    }

    /// Records what a build into `out` wrote: every file it made (`files`, pages with
    /// their fingerprints) and its `pages`. A build that patched the folder (`patched`)
    /// adds them to the record of the last one, less the files `removed`: unchanged pages
    /// keep their records.
    pub(super) fn replace(
        &mut self,
        out: PathBuf,
        patched: bool,
        removed: &[String],
        files: Vec<(String, Written)>,
        pages: PageFingerprints,
    ) {
        let files = match patched.then(|| self.last.take()).flatten().map(|l| l.files) {
            Some(Recorded::Mapped(last)) => {
                let mut kept = Arc::try_unwrap(last).unwrap_or_else(|shared| (*shared).clone());
                for file in removed {
                    kept.remove(file.as_str());
                }
                for (rel, written) in files {
                    kept.insert(rel.into(), written);
                }
                Recorded::Mapped(Arc::new(kept))
            }
            // A full build (a record it patched was mapped by `trusted`).
            _ => Recorded::Listed(files),
        };
        let mut listed = pages.of;
        listed.truncate(pages.listed);
        self.last = Some(LastBuild {
            out,
            files,
            page_globals: Some(pages.page_globals),
            pages: listed,
        });
        self.edits_since.clear();
        self.ids_renumbered = false;
        self.unsaved = true;
    }

    /// The record as the build cache saves it, if it changed since the cache was saved.
    pub(super) fn unsaved(&self) -> Option<CachedBuild<'_>> {
        let last = self.last.as_ref().filter(|_| self.unsaved)?;
        Some(CachedBuild {
            out: last.out.to_string_lossy(),
            page_globals: last.page_globals,
            pages: &last.pages,
            out_stamp: cache::out_stamp(&last.out),
            files: last.files.listed(),
        })
    }

    /// Notes that the build cache holds the record now.
    pub(super) fn saved(&mut self) {
        self.unsaved = false;
    }
}

/// The fingerprint of each page of a plan, in its order; whether each was known from the
/// last build's record (and not computed); whether that record held for the same pages.
pub(super) struct PageFingerprints {
    pub of: Vec<u64>,
    pub known: Vec<bool>,
    pub same_pages: bool,
    /// What the pages share besides their articles (`Plan::page_globals`).
    pub page_globals: u64,
    /// How many pages are listed from the archive (the redirects after them are not).
    pub listed: usize,
}

/// The fingerprints a plan takes from the last build's record.
struct KnownPages<'a> {
    /// The pages that show an article edited since.
    showing: HashSet<Page>,
    /// The fingerprint of each page of the last build, in its order.
    pages: &'a [u64],
}

impl KnownPages<'_> {
    /// The fingerprint of `page`, page `i` of the plan, if it is known: lists of authors,
    /// tags and sections, the 404 page and redirects are always computed.
    fn fingerprint(&self, i: usize, page: &Page) -> Option<u64> {
        match page {
            Page::Authors | Page::Tags | Page::Sections | Page::NotFound | Page::Redirect(_) => None,
            _ if self.showing.contains(page) => None,
            _ => Some(self.pages[i]),
        }
    }
}

/// What a build generates, for `files_gone`.
pub(super) struct Generated<'a> {
    /// The files of its plan.
    pub plan: HashSet<&'a str>,
    /// Every file it made (pages, copied files, robots.txt, the parts of the sitemap).
    pub made: &'a [(String, Written)],
    /// While pages keep their fingerprints (the archive was patched and pages share what
    /// they shared), how many of the plan's files the last build's record does not have
    /// (`Plan::files_not_in`, which looks up only the pages made again and the files that
    /// are not pages).
    pub fresh: Option<usize>,
    /// Files the last build had for pages that have other files now (`Plan::replaced_files`).
    pub replaced: &'a [String],
}

/// The files of the last build (`last`) that this one no longer generates: neither the
/// files of its plan nor among those it made.
pub(super) fn files_gone(last: &Records, now: &Generated<'_>) -> Vec<String> {
    let made: HashSet<&str> = now.made.iter().map(|(f, _)| f.as_str()).collect();
    let generated = |file: &str| now.plan.contains(file) || made.contains(file);
    let gone = || -> Vec<String> { last.keys().filter(|f| !generated(f)).map(|f| f.to_string()).collect() };
    // `last` holds every file generated but those it does not have, and as many more as
    // are gone: a file the plan does not list (a copied file, robots.txt, a part of the
    // sitemap) is looked up, and the plan tells its own. When the files it replaced account
    // for those gone, they are; when none is gone, none is looked for.
    let unlisted: Vec<&str> = made.iter().copied().filter(|f| !now.plan.contains(*f)).collect();
    let gone_count = now.fresh.and_then(|fresh| {
        let fresh = fresh + unlisted.iter().filter(|f| !last.contains_key(**f)).count();
        (last.len() + fresh).checked_sub(now.plan.len() + unlisted.len())
    });
    let replaced = || -> Vec<String> {
        let mut list: Vec<String> = (now.replaced.iter())
            .filter(|f| last.contains_key(f.as_str()) && !generated(f))
            .cloned()
            .collect();
        list.sort_unstable();
        list.dedup();
        list
    };
    match gone_count {
        Some(0) => {
            debug_assert_eq!(gone(), Vec::<String>::new(), "files gone from a plan of the same pages");
            Vec::new()
        }
        Some(count) => match replaced() {
            list if list.len() == count => {
                debug_assert_eq!(sorted(gone()), list, "the replaced files are those gone");
                list
            }
            _ => gone(),
        },
        None => gone(),
    }
}

/// `list`, sorted (to compare lists of files).
fn sorted(mut list: Vec<String>) -> Vec<String> {
    list.sort_unstable();
    list
}

#[cfg(test)]
mod tests;
