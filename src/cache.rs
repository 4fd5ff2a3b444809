//! The build cache, `SITE/.dateline/cache/build.bin`: the parsed sources and what the
//! last build wrote, so that the next `dateline build` re-reads only the sources that
//! changed and writes only the files whose bytes change. Any doubt (another version of
//! dateline, another time zone, an output folder that was touched) means a full build.

use ahash::AHashMap as HashMap;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::output::FileRecord;
use crate::parse::profile::AuthorProfile;
use crate::parse::{Format, ParsedArticle};

/// Where the caches live in a site: one per output folder.
pub const CACHE_DIR: &str = ".dateline/cache";

/// The cache file of builds into `out`, relative to the site.
pub fn cache_file(out: &Path) -> PathBuf {
    let key = crate::slug::short_hash(&out.to_string_lossy());
    Path::new(CACHE_DIR).join(format!("build-{key}.bin"))
}

/// Changes whenever the format or the meaning of what is cached changes.
const VERSION: &str = concat!("dateline ", env!("CARGO_PKG_VERSION"), " / cache 1");

/// A source as the cache keeps it.
#[derive(Debug, Serialize, Deserialize)]
pub enum CachedSource<'a> {
    Article(Format, Cow<'a, ParsedArticle>),
    Profile(Cow<'a, AuthorProfile>),
    Asset,
}

/// A file under `content/`: its size and modification time, and what it parsed to.
#[derive(Debug, Serialize, Deserialize)]
pub struct CachedEntry<'a> {
    pub rel: Cow<'a, str>,
    pub len: u64,
    /// Seconds and nanoseconds since 1970.
    pub modified: Option<(u64, u32)>,
    pub source: CachedSource<'a>,
}

/// What the last build wrote.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct CachedBuild {
    pub out: String,
    pub pages: Vec<(String, u64)>,
    pub files: Vec<(String, FileRecord)>,
}

/// The cache file: a header, the entries in chunks (read and written in parallel), and
/// what the last build wrote.
#[derive(Debug, Serialize, Deserialize)]
struct CacheFile<'a> {
    version: Cow<'a, str>,
    timezone: Cow<'a, str>,
    chunks: Vec<serde_bytes_like::Bytes>,
    last: Option<CachedBuild>,
}

/// Entries per chunk of the cache file.
const CHUNK: usize = 4096;

/// What the cache holds.
#[derive(Debug)]
pub struct Snapshot<'a> {
    /// The time zone the sources were parsed in.
    pub timezone: Cow<'a, str>,
    pub entries: Vec<CachedEntry<'a>>,
    pub last: Option<CachedBuild>,
}

impl<'a> Snapshot<'a> {
    pub fn new(timezone: &'a str, entries: Vec<CachedEntry<'a>>, last: Option<CachedBuild>) -> Snapshot<'a> {
        Snapshot {
            timezone: timezone.into(),
            entries,
            last,
        }
    }

    /// Writes the cache of builds of `site` into `out` (atomically: a new file is renamed
    /// over the old one).
    pub fn save(&self, site: &Path, out: &Path) -> std::io::Result<()> {
        use rayon::prelude::*;
        let path = site.join(cache_file(out));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let chunks = self
            .entries
            .par_chunks(CHUNK)
            .map(|chunk| postcard::to_allocvec(chunk).map(serde_bytes_like::Bytes))
            .collect::<Result<Vec<_>, _>>()
            .map_err(std::io::Error::other)?;
        let file = CacheFile {
            version: VERSION.into(),
            timezone: Cow::Borrowed(&self.timezone),
            chunks,
            last: None,
        };
        let mut bytes = postcard::to_allocvec(&file).map_err(std::io::Error::other)?;
        // The record of the last build goes last, on its own (it is often the biggest part).
        let last = postcard::to_allocvec(&self.last).map_err(std::io::Error::other)?;
        bytes.extend_from_slice(&(last.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&last);
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, &path)
    }
}

/// Reads the cache of builds of `site` into `out`, if there is a usable one.
pub fn load(site: &Path, out: &Path) -> Option<Snapshot<'static>> {
    use rayon::prelude::*;
    let bytes = std::fs::read(site.join(cache_file(out))).ok()?;
    let (file, rest): (CacheFile<'_>, &[u8]) = postcard::take_from_bytes(&bytes).ok()?;
    if file.version != VERSION {
        return None;
    }
    let len = u64::from_le_bytes(rest.get(..8)?.try_into().ok()?) as usize;
    let last: Option<CachedBuild> = postcard::from_bytes(rest.get(8..8 + len)?).ok()?;
    let chunks: Vec<Vec<CachedEntry<'static>>> = file
        .chunks
        .par_iter()
        .map(|chunk| {
            postcard::from_bytes::<Vec<CachedEntry<'_>>>(&chunk.0)
                .map(|list| list.into_iter().map(CachedEntry::into_owned).collect())
        })
        .collect::<Result<_, _>>()
        .ok()?;
    Some(Snapshot {
        timezone: Cow::Owned(file.timezone.into_owned()),
        entries: chunks.into_iter().flatten().collect(),
        last,
    })
}

impl CachedEntry<'_> {
    fn into_owned(self) -> CachedEntry<'static> {
        CachedEntry {
            rel: Cow::Owned(self.rel.into_owned()),
            len: self.len,
            modified: self.modified,
            source: match self.source {
                CachedSource::Article(f, a) => CachedSource::Article(f, Cow::Owned(a.into_owned())),
                CachedSource::Profile(p) => CachedSource::Profile(Cow::Owned(p.into_owned())),
                CachedSource::Asset => CachedSource::Asset,
            },
        }
    }
}

/// Byte strings that postcard writes as they are (not as a list of numbers).
mod serde_bytes_like {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Debug)]
    pub struct Bytes(pub Vec<u8>);

    impl Serialize for Bytes {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(&self.0)
        }
    }

    impl<'de> Deserialize<'de> for Bytes {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = Bytes;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("bytes")
                }
                fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                    Ok(Bytes(v.to_vec()))
                }
                fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                    Ok(Bytes(v))
                }
            }
            d.deserialize_bytes(V)
        }
    }
}

/// A modification time as stored in the cache.
pub fn time_to_parts(time: Option<SystemTime>) -> Option<(u64, u32)> {
    let d = time?.duration_since(UNIX_EPOCH).ok()?;
    Some((d.as_secs(), d.subsec_nanos()))
}

pub fn parts_to_time(parts: Option<(u64, u32)>) -> Option<SystemTime> {
    let (secs, nanos) = parts?;
    UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

/// Whether every file the last build wrote is still in `out`, with its length: if
/// someone changed the output folder, the next build writes it all again.
pub fn output_intact(out: &Path, files: &HashMap<String, FileRecord>) -> bool {
    use rayon::prelude::*;
    files
        .par_iter()
        .all(|(rel, record)| std::fs::metadata(out.join(rel)).is_ok_and(|m| m.len() == record.len))
}

/// A path as stored in the cache.
pub fn rel_string(rel: &Path) -> Cow<'_, str> {
    rel.to_string_lossy()
}

pub fn rel_path(rel: &str) -> PathBuf {
    PathBuf::from(rel)
}
