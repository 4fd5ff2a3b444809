//! The sources as the cache keeps them: in `CHUNKS` chunks by a hash of their path, each
//! an index of the sources with their stamps (read on every build) and the file of what
//! they parsed to (read only for the sources that changed).

use std::borrow::Cow;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::cache_dir;
use crate::parse::profile::AuthorProfile;
use crate::parse::{Format, ParsedArticle};
use crate::walk::Stamp;

/// The sources are kept in this many files, by a hash of their path: after an edit only
/// the file holding the edited source is written again.
pub const CHUNKS: usize = 64;

/// Which of the `CHUNKS` files keeps the source at `rel`.
pub fn chunk_of(rel: &Path) -> usize {
    (crate::parse::content_hash(rel.as_os_str().as_encoded_bytes()) % CHUNKS as u64) as usize
}

/// A source as the cache keeps it.
#[derive(Debug, Serialize, Deserialize)]
pub enum CachedSource<'a> {
    Article(Format, Cow<'a, Box<ParsedArticle>>),
    Profile(Cow<'a, AuthorProfile>),
    Asset,
}

/// A file under `content/`: its size and modification time, and what it parsed to.
#[derive(Debug, Serialize, Deserialize)]
pub struct CachedEntry<'a> {
    pub rel: Cow<'a, str>,
    pub stamp: Stamp,
    pub source: CachedSource<'a>,
}

/// A source as the index lists it: its size and modification time, and whether it was
/// parsed (an article or a profile, kept in its chunk) or is copied as it is.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Listed<'a> {
    pub rel: Cow<'a, str>,
    pub stamp: Stamp,
    pub parsed: bool,
}

/// Kept as its length, then seconds and nanoseconds since 1970.
impl Serialize for Stamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let since_1970 = self.modified.and_then(|t| t.duration_since(UNIX_EPOCH).ok());
        (self.len, since_1970.map(|d| (d.as_secs(), d.subsec_nanos()))).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Stamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (len, since_1970): (u64, Option<(u64, u32)>) = Deserialize::deserialize(d)?;
        Ok(Stamp {
            len,
            modified: since_1970.and_then(|(secs, nanos)| UNIX_EPOCH.checked_add(Duration::new(secs, nanos))),
        })
    }
}

/// Reads the parsed sources of chunk `n` of the cache of builds of `site` into `out`.
pub fn load_chunk(site: &Path, out: &Path, n: usize) -> Option<Vec<CachedEntry<'static>>> {
    let bytes = std::fs::read(site.join(cache_dir(out)).join(format!("sources-{n:02}.bin"))).ok()?;
    postcard::from_bytes(&bytes).ok()
}
