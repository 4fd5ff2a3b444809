//! The build cache, `SITE/.dateline/cache/build-<output>/`: the parsed sources, the
//! archive built from them and what the last build wrote, so that the next `dateline
//! build` re-reads only the sources that changed, patches the archive instead of building
//! it again when it can, and writes only the files whose bytes change. Any doubt (another
//! version of dateline, another time zone, an output folder that was touched) means a
//! full build.
//!
//! - `header.bin`: the version of dateline and the time zone the sources were parsed in;
//! - `index-NN.bin` and `sources-NN.bin`: the sources in `CHUNKS` chunks by a hash of
//!   their path; the index lists each with its size and modification time (read on every
//!   build), the sources file holds what they parsed to (read only for the sources that
//!   changed, or all of them when the archive is built again);
//! - `archive.bin`: the archive of the last full build, with the stamps of the sources it
//!   was built from (later builds patch it with the articles edited since, and write it
//!   again after a full build or 32 edits);
//! - `output.bin`: every file the last build wrote (read and checked against the output
//!   folder beside the walk of the sources).
//!
//! Here: where a cache lives, its header, and loading and saving it whole. Beside it: the
//! sources' chunks and their index (`sources`), the archive and what it was built from
//! (`archive`), the record of the output and the check of the output folder (`record`).

mod archive;
mod record;
mod sources;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::shown;
use crate::error::{IoError, IoResultExt};
use crate::model::{Archive, Selection};
use archive::{BuiltFrom, CachedArchive};
pub use record::{CachedBuild, forget_output, load_record, out_stamp, output_intact};
pub use sources::{CHUNKS, CachedEntry, CachedSource, Listed, chunk_of, load_chunk};

/// Where the caches live in a site: one folder per output folder.
pub const CACHE_DIR: &str = ".dateline/cache";

/// The cache folder of builds into `out`, relative to the site.
pub fn cache_dir(out: &Path) -> PathBuf {
    let key = crate::slug::short_hash(&out.to_string_lossy());
    Path::new(CACHE_DIR).join(format!("build-{key}"))
}

/// Changes whenever the format or the meaning of what is cached changes.
const VERSION: &str = concat!("dateline ", env!("CARGO_PKG_VERSION"), " / cache 9");

#[derive(Debug, Serialize, Deserialize)]
struct Header<'a> {
    version: Cow<'a, str>,
    /// The time zone the sources were parsed in.
    timezone: Cow<'a, str>,
}

/// What a cache folder holds, less the parsed sources (see `load_chunk`) and the record
/// of the output (`load_record`).
#[derive(Debug)]
pub struct Loaded {
    pub index: Vec<Listed<'static>>,
    /// The chunk of each source of the index (the file that listed it).
    pub chunks: Vec<u8>,
    /// The archive of the last build written to the cache, its selection, and the article
    /// sources of the index edited since (to patch it with).
    pub archive: Option<(Archive, Selection, Vec<PathBuf>)>,
}

/// Reads the cache of builds of `site` into `out`, if there is one of sources parsed in
/// `timezone`.
pub fn load(site: &Path, out: &Path, timezone: &str) -> Option<Loaded> {
    if !is_current(site, out, timezone) {
        return None;
    }
    let dir = site.join(cache_dir(out));
    let read = |name: &str| std::fs::read(dir.join(name)).ok();
    // Loading gives owned values: nothing borrows from the bytes read.
    let (index, archive) = rayon::join(
        || -> Option<Vec<Vec<Listed<'static>>>> {
            use rayon::prelude::*;
            (0..CHUNKS)
                .into_par_iter()
                .map(|n| postcard::from_bytes(&read(&format!("index-{n:02}.bin"))?).ok())
                .collect()
        },
        || -> Option<(BuiltFrom<'static>, Archive)> {
            let bytes = mapped(&dir.join("archive.bin"))?;
            let cached = postcard::from_bytes::<CachedArchive<'static>>(bytes).ok()?;
            Some((cached.built_from, Archive::from_stored(cached.archive)?))
        },
    );
    let chunks = index?;
    let mut index = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
    let mut chunk_of_listed = Vec::with_capacity(index.capacity());
    for (n, chunk) in chunks.into_iter().enumerate() {
        chunk_of_listed.extend(std::iter::repeat_n(n as u8, chunk.len()));
        index.extend(chunk);
    }
    let archive = archive.and_then(|(built_from, archive)| {
        let (selection, edited) = built_from.reconcile(&archive, &index)?;
        Some((archive, selection, edited))
    });
    Some(Loaded {
        index,
        chunks: chunk_of_listed,
        archive,
    })
}

/// The bytes of the file at `path`, mapped into memory for the rest of the process: the
/// archive read from them borrows its articles' text from them, so a cached build
/// allocates none for the articles it does not show. The cache replaces its files by
/// renaming new ones over them, so mapped bytes never change under a build.
fn mapped(path: &Path) -> Option<&'static [u8]> {
    let file = std::fs::File::open(path).ok()?;
    let len = usize::try_from(file.metadata().ok()?.len()).ok()?;
    if len == 0 {
        return Some(&[]);
    }
    // The length given, memmap2 asks the file system for none: one mmap (private, read-only).
    // SAFETY: the file is never written in place (see above), so the mapping's bytes never
    // change; it is never unmapped.
    let map = unsafe { memmap2::MmapOptions::new().len(len).map_copy_read_only(&file) }.ok()?;
    Some(Box::leak(Box::new(map)))
}

fn remove_if_there(path: &Path) -> Result<(), IoError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(IoError::new("remove", path, e)),
        _ => Ok(()),
    }
}

/// Removes the files that saves stopped half-way (a build killed while it wrote the cache)
/// left in the cache folder `dir`: `NAME.tmp-PID` of processes that are gone.
fn remove_stopped_saves(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let left = name
            .to_str()
            .and_then(|n| n.rsplit_once(".tmp-"))
            .is_some_and(|(_, pid)| crate::output::stopped_process(pid));
        if left {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Writes `value` encoded to `path` whole or not at all, streaming it (no copy of the
/// whole): into `path.tmp-PID`, then renamed.
fn save_atomically<T: Serialize + ?Sized>(path: &Path, value: &T) -> Result<(), IoError> {
    use std::io::Write;
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let written = || -> std::io::Result<()> {
        let file = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&tmp)?);
        // postcard tells a failed write as a full buffer ("The serialize buffer is full"):
        // the file system's reason (a full disk, a file too large) is the one kept here.
        let mut file = KeepsError {
            inner: file,
            error: None,
        };
        if let Err(e) = postcard::to_io(value, &mut file).map(drop) {
            return Err(file.error.take().unwrap_or_else(|| std::io::Error::other(e)));
        }
        file.flush()?;
        drop(file);
        std::fs::rename(&tmp, path)
    };
    written().at("write", path)
}

/// A writer that keeps the first error of the one it wraps, for a caller (postcard) that
/// replaces it with its own.
struct KeepsError<W> {
    inner: W,
    error: Option<std::io::Error>,
}

impl<W: std::io::Write> KeepsError<W> {
    fn kept<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        result.map_err(|e| {
            let kind = e.kind();
            self.error.get_or_insert(e);
            std::io::Error::from(kind)
        })
    }
}

impl<W: std::io::Write> std::io::Write for KeepsError<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.inner.write(buf);
        self.kept(result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.inner.flush();
        self.kept(result)
    }
}

/// What changed in a cache since it was saved, to be written.
pub struct Changes<'a> {
    /// The chunks to write: their number, and the index and parsed sources of each.
    pub chunks: Vec<(usize, Vec<Listed<'a>>, Vec<CachedEntry<'a>>)>,
    /// An archive to write, the selection it was built with, and the whole index.
    pub archive: Option<(&'a Archive, &'a Selection, Vec<Listed<'a>>)>,
    /// A new record of what the last build wrote.
    pub last: Option<CachedBuild<'a>>,
    /// Whether the header is new (another version of dateline or time zone than the
    /// cache's, or no cache yet): then every chunk is in `chunks`.
    pub new_header: bool,
}

/// Whether the cache of builds of `site` into `out` holds sources parsed by this version
/// of dateline in `timezone`: if not, `save` must write every chunk and a new header.
pub fn is_current(site: &Path, out: &Path, timezone: &str) -> bool {
    let header = std::fs::read(site.join(cache_dir(out)).join("header.bin")).ok();
    header.is_some_and(|h| {
        postcard::from_bytes::<Header<'_>>(&h).is_ok_and(|h| h.version == VERSION && h.timezone == timezone)
    })
}

/// Writes the cache of builds of `site` into `out`: what `changes` holds, the chunks and
/// the record of the output in parallel. A chunk's index is written after its sources,
/// with their stamps: a save cut short leaves sources whose stamps differ from the
/// index, which the next build notices (and builds the archive again). The archive,
/// which records the stamps of the index, comes after every chunk.
pub fn save(site: &Path, out: &Path, timezone: &str, changes: Changes<'_>) -> Result<(), IoError> {
    use rayon::prelude::*;
    let Changes {
        chunks,
        archive,
        last,
        new_header,
    } = changes;
    // As messages show it: relative to where dateline runs.
    let dir = shown(site, &cache_dir(out));
    std::fs::create_dir_all(&dir).at("create the folder", &dir)?;
    remove_stopped_saves(&dir);
    // The three parts side by side: the archive and the record are one file each.
    let (written, (archived, recorded)) = rayon::join(
        || {
            chunks.par_iter().try_for_each(|(n, index, sources)| {
                save_atomically(&dir.join(format!("sources-{n:02}.bin")), sources)?;
                save_atomically(&dir.join(format!("index-{n:02}.bin")), index)
            })
        },
        || {
            rayon::join(
                || match archive {
                    Some((archive, selection, index)) => match CachedArchive::new(archive, selection, &index) {
                        Some(cached) => save_atomically(&dir.join("archive.bin"), &cached),
                        None => remove_if_there(&dir.join("archive.bin")),
                    },
                    None => Ok(()),
                },
                || match &last {
                    Some(last) => save_atomically(&dir.join("output.bin"), last),
                    None => Ok(()),
                },
            )
        },
    );
    written?;
    archived?;
    recorded?;
    if new_header {
        let header = Header {
            version: VERSION.into(),
            timezone: timezone.into(),
        };
        save_atomically(&dir.join("header.bin"), &header)?;
        // A cache folder is new: the site may be built into ever new output folders
        // (`-o` to a fresh temporary folder, say), each leaving a cache as large as its
        // archive's metadata. The oldest go.
        prune(&site.join(CACHE_DIR), &dir, KEPT_CACHES);
    }
    Ok(())
}

/// How many caches a site keeps (one per output folder, the most recently saved).
pub const KEPT_CACHES: usize = 4;

/// Removes all but the `keep` most recently saved caches in `caches` (the folder of a
/// site's caches), `current` always among them. A cache is saved by renaming files into
/// its folder, so the folder's modification time tells when. Nothing but `build-*`
/// folders is touched, and a cache that cannot be removed is left: at worst the next
/// build into its output is a full one.
fn prune(caches: &Path, current: &Path, keep: usize) {
    let Ok(read) = std::fs::read_dir(caches) else {
        return;
    };
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = read
        .filter_map(Result::ok)
        .filter(|e| e.file_name().as_encoded_bytes().starts_with(b"build-"))
        .filter(|e| Some(e.file_name().as_os_str()) != current.file_name())
        .filter_map(|e| {
            let meta = e.metadata().ok().filter(|m| m.is_dir())?;
            Some((meta.modified().ok()?, e.path()))
        })
        .collect();
    // Newest first; the same time orders by name, so that which are kept is determined.
    found.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    for (_, old) in found.into_iter().skip(keep.saturating_sub(1)) {
        let _ = std::fs::remove_dir_all(old);
    }
}
