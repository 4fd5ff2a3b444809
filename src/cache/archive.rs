//! The archive of the last full build as the cache keeps it, with what it was built from,
//! so that a later build patches it with the articles edited since.

use ahash::AHashMap as HashMap;
use std::borrow::Cow;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Listed;
use crate::model::{Archive, Selection, StoredArchive};
use crate::walk::Stamp;

/// The archive of a build, and what it was built from.
#[derive(Debug, Serialize, Deserialize)]
pub struct CachedArchive<'a> {
    pub built_from: BuiltFrom<'a>,
    #[serde(borrow)]
    pub archive: StoredArchive<'a>,
}

/// What an archive was built from: the selection, the stamp of each article's source (in
/// the order of the articles), and of every other parsed source (profiles, and articles
/// held back as drafts or scheduled), with their count. The index of a later build tells
/// from these which articles were edited since: they are patched in.
#[derive(Debug, Serialize, Deserialize)]
pub struct BuiltFrom<'a> {
    drafts: bool,
    future: bool,
    /// "The present" of the build: seconds since 1970 and offset from UTC.
    now: (i64, i32),
    stamps: Vec<Stamp>,
    #[serde(borrow)]
    others: Vec<(Cow<'a, str>, Stamp)>,
    parsed: u64,
}

impl<'a> CachedArchive<'a> {
    /// The cache's form of `archive`, built with `selection` from the parsed sources of
    /// `index`; `None` if an article's source is not there.
    pub fn new(archive: &'a Archive, selection: &Selection, index: &[Listed<'a>]) -> Option<CachedArchive<'a>> {
        let by_source = archive.by_source();
        let mut stamps = vec![None; archive.articles.len()];
        let mut others = Vec::new();
        let mut parsed = 0;
        for listed in index.iter().filter(|l| l.parsed) {
            parsed += 1;
            match by_source.get(std::ffi::OsStr::new(listed.rel.as_ref())) {
                Some(&i) => stamps[i as usize] = Some(listed.stamp),
                None => others.push((listed.rel.clone(), listed.stamp)),
            }
        }
        let built_from = BuiltFrom {
            drafts: selection.drafts,
            future: selection.future,
            now: (selection.now.timestamp(), selection.now.offset().local_minus_utc()),
            stamps: stamps.into_iter().collect::<Option<_>>()?,
            others,
            parsed,
        };
        Some(CachedArchive {
            built_from,
            archive: archive.stored(),
        })
    }
}

impl BuiltFrom<'_> {
    /// The selection `archive` was built with, and the article sources of `index` edited
    /// since; `None` if any other parsed source came, went or changed.
    pub(super) fn reconcile(&self, archive: &Archive, index: &[Listed<'_>]) -> Option<(Selection, Vec<PathBuf>)> {
        if self.stamps.len() != archive.articles.len() {
            return None;
        }
        let offset = chrono::FixedOffset::east_opt(self.now.1)?;
        let selection = Selection {
            drafts: self.drafts,
            future: self.future,
            now: chrono::DateTime::from_timestamp(self.now.0, 0)?.with_timezone(&offset),
        };
        let by_source = archive.by_source();
        let others: HashMap<&str, Stamp> = self.others.iter().map(|(rel, s)| (rel.as_ref(), *s)).collect();
        let mut edited = Vec::new();
        let mut parsed = 0;
        for listed in index.iter().filter(|l| l.parsed) {
            parsed += 1;
            let rel = listed.rel.as_ref();
            match by_source.get(std::ffi::OsStr::new(rel)) {
                Some(&i) if self.stamps[i as usize] != listed.stamp => edited.push(PathBuf::from(rel)),
                Some(_) => {}
                None if others.get(rel) == Some(&listed.stamp) => {}
                None => return None,
            }
        }
        (parsed == self.parsed).then_some((selection, edited))
    }
}
