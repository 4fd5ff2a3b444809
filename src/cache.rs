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

use ahash::AHashMap as HashMap;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::diag::shown;
use crate::error::{IoError, IoResultExt};
use crate::model::{Archive, Selection, StoredArchive};
use crate::output::{Records, Written};
use crate::parse::profile::AuthorProfile;
use crate::parse::{Format, ParsedArticle};
use crate::walk::{Folder, Stamp};

/// Where the caches live in a site: one folder per output folder.
pub const CACHE_DIR: &str = ".dateline/cache";

/// The cache folder of builds into `out`, relative to the site.
pub fn cache_dir(out: &Path) -> PathBuf {
    let key = crate::slug::short_hash(&out.to_string_lossy());
    Path::new(CACHE_DIR).join(format!("build-{key}"))
}

/// Changes whenever the format or the meaning of what is cached changes.
const VERSION: &str = concat!("dateline ", env!("CARGO_PKG_VERSION"), " / cache 7");

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
    fn reconcile(&self, archive: &Archive, index: &[Listed<'_>]) -> Option<(Selection, Vec<PathBuf>)> {
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

/// What the last build wrote, as saved (borrowed); `load_record` reads it back straight
/// into a map.
#[derive(Debug, Serialize)]
pub struct CachedBuild<'a> {
    pub out: Cow<'a, str>,
    /// What its pages shared besides their articles (`Plan::page_globals`).
    pub page_globals: Option<u64>,
    /// The fingerprint of each of its pages, in the order of its plan.
    pub pages: &'a [u64],
    pub files: Vec<(Cow<'a, str>, Written)>,
}

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

/// Reads what the last build into `out` wrote, if the cache of builds of `site` into
/// `out` recorded it: the output folder it wrote, what its pages shared, and its
/// files.
pub fn load_record(site: &Path, out: &Path) -> Option<Record> {
    let dir = site.join(cache_dir(out));
    let header = std::fs::read(dir.join("header.bin")).ok()?;
    if postcard::from_bytes::<Header<'_>>(&header).ok()?.version != VERSION {
        return None;
    }
    let bytes = mapped(&dir.join("output.bin"))?;
    let (out, rest) = postcard::take_from_bytes::<&str>(bytes).ok()?;
    let (page_globals, rest) = postcard::take_from_bytes::<Option<u64>>(rest).ok()?;
    let (pages, rest) = postcard::take_from_bytes::<Vec<u64>>(rest).ok()?;
    // Straight into a map of the size the record gives (no larger than its bytes allow).
    let mut de = postcard::Deserializer::from_bytes(rest);
    let files = serde::de::DeserializeSeed::deserialize(RecordSeed { max: rest.len() }, &mut de).ok()?;
    Some(Record {
        out: PathBuf::from(out),
        page_globals,
        pages,
        files,
    })
}

/// What the last build wrote, as `load_record` reads it.
pub struct Record {
    pub out: PathBuf,
    pub page_globals: Option<u64>,
    pub pages: Vec<u64>,
    pub files: Records,
}

/// Decodes the files of a `CachedBuild` into a map allocated once.
struct RecordSeed {
    max: usize,
}

impl<'de: 'static> serde::de::DeserializeSeed<'de> for RecordSeed {
    type Value = Records;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Records, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de: 'static> serde::de::Visitor<'de> for RecordSeed {
    type Value = Records;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("the files of a build")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Records, A::Error> {
        let mut files = Records::with_capacity(seq.size_hint().unwrap_or(0).min(self.max));
        while let Some((rel, written)) = seq.next_element::<(&'static str, Written)>()? {
            files.insert(Cow::Borrowed(rel), written);
        }
        Ok(files)
    }
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

/// Reads the parsed sources of chunk `n` of the cache of builds of `site` into `out`.
pub fn load_chunk(site: &Path, out: &Path, n: usize) -> Option<Vec<CachedEntry<'static>>> {
    let bytes = std::fs::read(site.join(cache_dir(out)).join(format!("sources-{n:02}.bin"))).ok()?;
    postcard::from_bytes(&bytes).ok()
}

/// Forgets what the last build into `out` wrote, before a build changes `out`: should
/// that build stop before `save` records what it wrote, the next one starts afresh
/// instead of trusting a record that no longer tells what is in `out`.
pub fn forget_output(site: &Path, out: &Path) -> Result<(), IoError> {
    remove_if_there(&shown(site, &cache_dir(out)).join("output.bin"))
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
        let mut file = std::io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&tmp)?);
        // postcard tells a failed write as a full buffer: the file system's reason (a full
        // disk) is what a second try to write the rest says.
        if let Err(e) = postcard::to_io(value, &mut file).map(drop) {
            return Err(file.flush().err().unwrap_or_else(|| std::io::Error::other(e)));
        }
        file.flush()?;
        drop(file);
        std::fs::rename(&tmp, path)
    };
    written().at("write", path)
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

/// Whether every file the last build wrote is still in `out`, with its length: if
/// someone changed the output folder, the next build writes it all again. Runs on the
/// calling thread and `threads - 1` more (beside the walk of the sources, it keeps the
/// two cores of a small machine busy until both are done).
pub fn output_intact(out: &Path, files: &Records, threads: usize) -> bool {
    let Some(root) = Folder::open(out) else {
        return false;
    };
    // Files are looked up from the folder two levels above them (`2025/10/26` for
    // `2025/10/26/slug/index.html`), opened once for all of its files: the kernel then
    // walks two names per file, not the whole path.
    let mut groups: HashMap<&str, Vec<(&str, u64)>> = HashMap::new();
    for (rel, written) in files {
        let bytes = rel.as_bytes();
        let (dir, rest) = memchr::memrchr(b'/', bytes)
            .and_then(|last| memchr::memrchr(b'/', &bytes[..last]))
            .map_or(("", rel.as_ref()), |at| (&rel[..at], &rel[at + 1..]));
        groups.entry(dir).or_default().push((rest, written.file.len));
    }
    // The folders are shared out among `threads` threads; one that finds a file missing
    // or changed stops the others.
    let groups: Vec<(&str, Vec<(&str, u64)>)> = groups.into_iter().collect();
    let changed = std::sync::atomic::AtomicBool::new(false);
    let check = |part: &[(&str, Vec<(&str, u64)>)]| {
        for (dir, list) in part {
            let all_there = |folder: &Folder| list.iter().all(|(rel, len)| folder.len_of(rel) == Some(*len));
            let intact = match *dir {
                "" => all_there(&root),
                dir => root.folder(dir).is_some_and(|folder| all_there(&folder)),
            };
            if !intact {
                changed.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            if changed.load(std::sync::atomic::Ordering::Relaxed) {
                return;
            }
        }
    };
    let per_thread = groups.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|s| {
        let mut parts = groups.chunks(per_thread);
        let first = parts.next().unwrap_or_default();
        for part in parts {
            s.spawn(move || check(part));
        }
        check(first);
    });
    !changed.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::FileRecord;

    #[test]
    fn a_site_keeps_its_latest_caches() {
        let site = tempfile::tempdir().unwrap();
        let caches = site.path().join(CACHE_DIR);
        let made: Vec<PathBuf> = (0..6).map(|n| caches.join(format!("build-{n}"))).collect();
        let base = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        for (n, dir) in made.iter().enumerate() {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join("header.bin"), "x").unwrap();
            // build-0 is the newest, build-5 the oldest.
            let when = base - Duration::from_secs(60 * n as u64);
            std::fs::File::open(dir).unwrap().set_modified(when).unwrap();
        }
        std::fs::write(caches.join("build-file"), "not a cache folder").unwrap();
        std::fs::create_dir_all(caches.join("other")).unwrap();
        prune(&caches, &caches.join("build-4"), 4);
        let mut left: Vec<String> = std::fs::read_dir(&caches)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            ["build-0", "build-1", "build-2", "build-4", "build-file", "other"]
        );
    }

    #[test]
    fn a_new_cache_makes_room() {
        let site = tempfile::tempdir().unwrap();
        let save_into = |out: &str| {
            let changes = Changes {
                chunks: Vec::new(),
                archive: None,
                last: None,
                new_header: true,
            };
            save(site.path(), Path::new(out), "UTC", changes).unwrap();
        };
        for n in 0..KEPT_CACHES + 2 {
            save_into(&format!("/tmp/out-{n}"));
        }
        let count = std::fs::read_dir(site.path().join(CACHE_DIR)).unwrap().count();
        assert_eq!(count, KEPT_CACHES);
        assert!(is_current(
            site.path(),
            Path::new(&format!("/tmp/out-{}", KEPT_CACHES + 1)),
            "UTC"
        ));
    }

    /// A save removes what a save stopped half-way left (its process gone), and leaves
    /// what a running process writes.
    #[cfg(unix)]
    #[test]
    fn a_save_removes_what_stopped_saves_left() {
        let site = tempfile::tempdir().unwrap();
        let out = Path::new("/tmp/out");
        let dir = site.path().join(cache_dir(out));
        std::fs::create_dir_all(&dir).unwrap();
        // No system hands out the first process id (Linux's largest is 2^22); 1 always runs.
        let (left, kept) = ("archive.tmp-4194999", "sources-03.tmp-1");
        for name in [left, kept] {
            std::fs::write(dir.join(name), "half").unwrap();
        }
        let changes = Changes {
            chunks: Vec::new(),
            archive: None,
            last: None,
            new_header: true,
        };
        save(site.path(), out, "UTC", changes).unwrap();
        assert!(!dir.join(left).exists());
        assert!(dir.join(kept).exists());
        assert!(dir.join("header.bin").exists());
    }

    /// A cache that cannot be written is an error naming the file or folder.
    #[test]
    fn a_cache_that_cannot_be_written_names_its_folder() {
        let site = tempfile::tempdir().unwrap();
        // A file where the folder of caches goes.
        std::fs::create_dir_all(site.path().join(".dateline")).unwrap();
        std::fs::write(site.path().join(CACHE_DIR), "not a folder").unwrap();
        let changes = Changes {
            chunks: Vec::new(),
            archive: None,
            last: None,
            new_header: true,
        };
        let out = Path::new("/tmp/out");
        let error = save(site.path(), out, "UTC", changes).unwrap_err().to_string();
        let shown = format!(
            "cannot create the folder {}: ",
            site.path().join(cache_dir(out)).display()
        );
        assert!(error.starts_with(&shown), "{error}");
    }

    #[test]
    fn output_is_intact_while_every_file_is_there_with_its_length() {
        let written = [
            ("index.html", "home"),
            ("feed.xml", "<feed/>"),
            ("tags/x/index.html", "tag x"),
            ("2025/10/26/a/index.html", "article a"),
            ("2025/10/26/b/index.html", "article b"),
            ("2025/10/27/c/index.html", "article c"),
        ];
        let dir = crate::testing::folder_with(&written);
        let out = dir.path();
        let files: Records = written
            .iter()
            .map(|(rel, text)| {
                let file = FileRecord::of(text.as_bytes());
                (
                    Cow::Borrowed(*rel),
                    Written {
                        file,
                        fingerprint: None,
                    },
                )
            })
            .collect();
        assert!(output_intact(out, &files, 2));

        std::fs::write(out.join("2025/10/26/b/index.html"), "article bb").unwrap();
        assert!(!output_intact(out, &files, 2), "a length changed");
        std::fs::write(out.join("2025/10/26/b/index.html"), "article b").unwrap();
        assert!(output_intact(out, &files, 2));

        std::fs::remove_dir_all(out.join("2025/10/27")).unwrap();
        assert!(!output_intact(out, &files, 2), "a folder is gone");
        std::fs::create_dir_all(out.join("2025/10/27/c")).unwrap();
        std::fs::write(out.join("2025/10/27/c/index.html"), "article c").unwrap();
        std::fs::remove_file(out.join("feed.xml")).unwrap();
        assert!(!output_intact(out, &files, 2), "a top-level file is gone");
        assert!(!output_intact(&out.join("nowhere"), &files, 2));
    }
}
