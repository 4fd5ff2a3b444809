//! The sources as the build cache keeps them: listed in its index with their stamps, and
//! their parsed form read from its chunks only when a build needs it (`resolve`).

use std::borrow::Cow;
use std::ffi::OsStr;
use std::path::PathBuf;

use chrono_tz::Tz;

use super::{Entry, Source, SourcePath, Sources};
use crate::cache::{self, CachedEntry, CachedSource, Listed};
use crate::project::build_cache::BuildCache;
use crate::project::kept::KeptArchive;

/// A chunk of the build cache to write: its number, its index and its parsed sources.
pub(in crate::project) type Chunk<'a> = (usize, Vec<Listed<'a>>, Vec<CachedEntry<'a>>);

impl Sources {
    /// Takes the sources the build cache's index lists (`index`, with the `chunks` that
    /// listed them), parsed in `timezone`: each is `Cached` (or an asset) until a build
    /// needs it (`resolve`).
    pub(in crate::project) fn listed_in_cache(&mut self, index: Vec<Listed<'static>>, chunks: Vec<u8>, timezone: Tz) {
        self.parsed_in = Some(timezone);
        self.entries = index
            .into_iter()
            .zip(chunks)
            .map(|(listed, chunk)| {
                let source = if listed.parsed { Source::Cached } else { Source::Asset };
                (
                    SourcePath::listed_in(PathBuf::from(listed.rel.into_owned()), chunk),
                    Entry {
                        stamp: Some(listed.stamp),
                        source,
                    },
                )
            })
            .collect();
    }

    /// Reads the parsed sources of these chunks from the build cache, for the entries that
    /// are still `Cached`. Those it cannot read there (a chunk missing, or not the one the
    /// index listed) are read from their files (in `timezone`); the kept archive is then
    /// built again.
    pub(in crate::project) fn resolve(
        &mut self,
        chunks: &[usize],
        timezone: Tz,
        cache: &BuildCache,
        kept: &mut KeptArchive,
    ) {
        let mut wanted = [false; cache::CHUNKS];
        chunks.iter().for_each(|&n| wanted[n] = true);
        let mut cached = [false; cache::CHUNKS];
        for rel in self
            .entries
            .iter()
            .filter(|(_, e)| matches!(e.source, Source::Cached))
            .map(|(rel, _)| rel)
        {
            cached[rel.chunk()] |= wanted[rel.chunk()];
        }
        let chunks: Vec<usize> = (0..cache::CHUNKS).filter(|&n| cached[n]).collect();
        if chunks.is_empty() {
            return;
        }
        for cached in cache.sources(&chunks).into_iter().flatten() {
            let Some(entry) = self.entries.get_mut(OsStr::new(cached.rel.as_ref())) else {
                continue;
            };
            if !matches!(entry.source, Source::Cached) || entry.stamp != Some(cached.stamp) {
                continue;
            }
            entry.source = match cached.source {
                CachedSource::Article(format, article) => Source::Article(format, Ok(article.into_owned())),
                CachedSource::Profile(profile) => Source::Profile(Box::new(Ok(profile.into_owned()))),
                CachedSource::Asset => Source::Asset,
            };
        }
        let missing: Vec<PathBuf> = self
            .entries
            .iter()
            .filter(|(rel, e)| matches!(e.source, Source::Cached) && cached[rel.chunk()])
            .map(|(rel, _)| rel.path.clone())
            .collect();
        if missing.is_empty() {
            return;
        }
        kept.forget();
        for (rel, entry) in self.read_files(missing, timezone) {
            self.set(rel, Some(entry), kept);
        }
    }

    /// `resolve` for every chunk.
    pub(in crate::project) fn resolve_all(&mut self, timezone: Tz, cache: &BuildCache, kept: &mut KeptArchive) {
        self.resolve(&(0..cache::CHUNKS).collect::<Vec<_>>(), timezone, cache, kept);
    }

    /// Marks every chunk of the build cache to be written (a new cache).
    pub(in crate::project) fn all_unsaved(&mut self) {
        self.unsaved = vec![true; cache::CHUNKS];
    }

    /// The chunks of the build cache to write (those that hold sources read since it was
    /// saved), gathered in one pass, and the whole index if `whole_index` (to write with
    /// an archive, which records the stamps of its sources).
    pub(in crate::project) fn unsaved(&self, whole_index: bool) -> (Vec<Chunk<'_>>, Vec<Listed<'_>>) {
        let mut chunks: Vec<Chunk<'_>> = (0..cache::CHUNKS).map(|n| (n, Vec::new(), Vec::new())).collect();
        let mut index = Vec::new();
        for (rel, entry) in &self.entries {
            let n = rel.chunk();
            if !self.unsaved[n] && !whole_index {
                continue;
            }
            // The cache keeps paths as text: one that is not UTF-8 is not kept (read again
            // by every build).
            let Some(text) = rel.to_str() else {
                continue;
            };
            let Some(listed) = listed(text, entry) else {
                continue;
            };
            if self.unsaved[n] {
                chunks[n].1.push(listed.clone());
                chunks[n].2.extend(cached_entry(text, entry));
            }
            if whole_index {
                index.push(listed);
            }
        }
        chunks.retain(|(n, _, _)| self.unsaved[*n]);
        (chunks, index)
    }

    /// Notes that the build cache holds every source as it is now.
    pub(in crate::project) fn saved(&mut self) {
        self.unsaved = vec![false; cache::CHUNKS];
    }
}

/// An entry as the build cache keeps it (sources with problems are not kept).
fn cached_entry<'a>(rel: &'a str, entry: &'a Entry) -> Option<CachedEntry<'a>> {
    let stamp = entry.stamp?;
    let source = match &entry.source {
        Source::Article(format, Ok(article)) => CachedSource::Article(*format, Cow::Borrowed(article)),
        Source::Profile(profile) => CachedSource::Profile(Cow::Borrowed(profile.as_ref().as_ref().ok()?)),
        Source::Asset => CachedSource::Asset,
        _ => return None,
    };
    Some(CachedEntry {
        rel: Cow::Borrowed(rel),
        stamp,
        source,
    })
}

/// How the index of the build cache lists an entry (sources with problems are not kept).
fn listed<'a>(rel: &'a str, entry: &Entry) -> Option<Listed<'a>> {
    let stamp = entry.stamp?;
    let parsed = match &entry.source {
        Source::Article(_, Ok(_)) | Source::Cached => true,
        Source::Profile(profile) if profile.is_ok() => true,
        Source::Asset => false,
        _ => return None,
    };
    Some(Listed {
        rel: Cow::Borrowed(rel),
        stamp,
        parsed,
    })
}
