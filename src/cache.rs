//! The build cache, `SITE/.dateline/cache/build-<output>/`: the parsed sources and what
//! the last build wrote, so that the next `dateline build` re-reads only the sources that
//! changed and writes only the files whose bytes change. Any doubt (another version of
//! dateline, another time zone, an output folder that was touched) means a full build.

use ahash::AHashMap as HashMap;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::output::{Records, Written};
use crate::parse::profile::AuthorProfile;
use crate::parse::{Format, ParsedArticle};

/// Where the caches live in a site: one folder per output folder.
pub const CACHE_DIR: &str = ".dateline/cache";

/// The cache folder of builds into `out`, relative to the site.
pub fn cache_dir(out: &Path) -> PathBuf {
    let key = crate::slug::short_hash(&out.to_string_lossy());
    Path::new(CACHE_DIR).join(format!("build-{key}"))
}

/// Changes whenever the format or the meaning of what is cached changes.
const VERSION: &str = concat!("dateline ", env!("CARGO_PKG_VERSION"), " / cache 3");

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
    pub len: u64,
    /// Seconds and nanoseconds since 1970.
    pub modified: Option<(u64, u32)>,
    pub source: CachedSource<'a>,
}

/// What the last build wrote (borrowed when saved; loading gives owned strings).
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct CachedBuild<'a> {
    pub out: Cow<'a, str>,
    pub files: Vec<(Cow<'a, str>, Written)>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Header<'a> {
    version: Cow<'a, str>,
    /// The time zone the sources were parsed in.
    timezone: Cow<'a, str>,
}

/// What a cache folder holds.
#[derive(Debug)]
pub struct Loaded {
    pub timezone: String,
    pub entries: Vec<CachedEntry<'static>>,
    pub last: Option<CachedBuild<'static>>,
}

/// Reads the cache of builds of `site` into `out`, if there is a usable one.
pub fn load(site: &Path, out: &Path) -> Option<Loaded> {
    use rayon::prelude::*;
    let dir = site.join(cache_dir(out));
    let header_bytes = std::fs::read(dir.join("header.bin")).ok()?;
    let header: Header<'_> = postcard::from_bytes(&header_bytes).ok()?;
    if header.version != VERSION {
        return None;
    }
    // Loading gives owned values: nothing borrows from the bytes read.
    let chunks: Vec<Vec<CachedEntry<'static>>> = (0..CHUNKS)
        .into_par_iter()
        .map(|n| {
            let bytes = std::fs::read(dir.join(format!("sources-{n:02}.bin"))).ok()?;
            postcard::from_bytes(&bytes).ok()
        })
        .collect::<Option<_>>()?;
    let last = std::fs::read(dir.join("output.bin"))
        .ok()
        .and_then(|b| postcard::from_bytes(&b).ok());
    Some(Loaded {
        timezone: header.timezone.into_owned(),
        entries: {
            let mut all = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
            chunks.into_iter().for_each(|chunk| all.extend(chunk));
            all
        },
        last,
    })
}

/// Forgets what the last build into `out` wrote, before a build changes `out`: should
/// that build stop before `save` records what it wrote, the next one starts afresh
/// instead of trusting a record that no longer tells what is in `out`.
pub fn forget_output(site: &Path, out: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(site.join(cache_dir(out)).join("output.bin")) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Writes `bytes` to `path` atomically (a new file renamed over the old one).
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Writes the cache of builds of `site` into `out`: the chunks of sources marked in
/// `dirty` (`chunk(n)` gives the entries of chunk `n`), and the record of the last
/// build if there is a new one.
pub fn save<'a>(
    site: &Path,
    out: &Path,
    timezone: &str,
    dirty: &[bool],
    chunk: &(dyn Fn(usize) -> Vec<CachedEntry<'a>> + Sync),
    last: Option<&CachedBuild<'_>>,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let dir = site.join(cache_dir(out));
    std::fs::create_dir_all(&dir)?;
    let header = Header {
        version: VERSION.into(),
        timezone: timezone.into(),
    };
    let header_path = dir.join("header.bin");
    let header_bytes = postcard::to_allocvec(&header).map_err(std::io::Error::other)?;
    // A new header (another version or time zone) makes every chunk dirty.
    let all = std::fs::read(&header_path).ok().as_deref() != Some(header_bytes.as_slice());
    (0..CHUNKS)
        .into_par_iter()
        .filter(|&n| all || dirty[n])
        .try_for_each(|n| {
            let bytes = postcard::to_allocvec(&chunk(n)).map_err(std::io::Error::other)?;
            write_atomically(&dir.join(format!("sources-{n:02}.bin")), &bytes)
        })?;
    if let Some(last) = last {
        let bytes = postcard::to_allocvec(last).map_err(std::io::Error::other)?;
        write_atomically(&dir.join("output.bin"), &bytes)?;
    }
    if all {
        write_atomically(&header_path, &header_bytes)?;
    }
    Ok(())
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
/// someone changed the output folder, the next build writes it all again. Runs on the
/// calling thread only (it is meant to run beside a build, not to compete with it).
pub fn output_intact(out: &Path, files: &Records) -> bool {
    let Some(root) = Folder::open(out) else {
        return false;
    };
    // Files are looked up from the folder two levels above them (`2025/10/26` for
    // `2025/10/26/slug/index.html`), opened once for all of its files: the kernel then
    // walks two names per file, not the whole path.
    let mut groups: HashMap<&str, Vec<(&str, u64)>> = HashMap::new();
    for (rel, written) in files {
        let (dir, rest) = rel
            .rfind('/')
            .and_then(|last| rel[..last].rfind('/'))
            .map_or(("", rel.as_str()), |at| (&rel[..at], &rel[at + 1..]));
        groups.entry(dir).or_default().push((rest, written.file.len));
    }
    groups.iter().all(|(dir, list)| {
        let all_there = |folder: &Folder| list.iter().all(|(rel, len)| folder.len_of(rel) == Some(*len));
        match *dir {
            "" => all_there(&root),
            dir => root.folder(dir).is_some_and(|folder| all_there(&folder)),
        }
    })
}

/// An open folder, to look up files relative to it: the kernel then resolves only the
/// part of each path below it.
struct Folder {
    #[cfg(unix)]
    dir: std::fs::File,
    #[cfg(not(unix))]
    path: PathBuf,
}

impl Folder {
    fn open(path: &Path) -> Option<Folder> {
        #[cfg(unix)]
        return std::fs::File::open(path).ok().map(|dir| Folder { dir });
        #[cfg(not(unix))]
        return Some(Folder {
            path: path.to_path_buf(),
        });
    }

    /// The folder at `rel` below this one.
    #[cfg(unix)]
    fn folder(&self, rel: &str) -> Option<Folder> {
        use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
        let rel = std::ffi::CString::new(rel).ok()?;
        let flags = libc::O_RDONLY | libc::O_DIRECTORY | libc::O_CLOEXEC;
        // SAFETY: `rel` is a NUL-terminated path; the descriptor returned is owned here.
        let fd = unsafe { libc::openat(self.dir.as_raw_fd(), rel.as_ptr(), flags) };
        // SAFETY: a non-negative result is a new descriptor nothing else owns.
        (fd >= 0).then(|| Folder {
            dir: std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) }),
        })
    }

    #[cfg(not(unix))]
    fn folder(&self, rel: &str) -> Option<Folder> {
        Some(Folder {
            path: self.path.join(rel),
        })
    }

    /// The length of the file at `rel` (following links), if there is one.
    #[cfg(unix)]
    fn len_of(&self, rel: &str) -> Option<u64> {
        use std::os::fd::AsRawFd;
        let rel = std::ffi::CString::new(rel).ok()?;
        let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: `rel` is a NUL-terminated path, `stat` is written by the call before it is read.
        let found = unsafe { libc::fstatat(self.dir.as_raw_fd(), rel.as_ptr(), stat.as_mut_ptr(), 0) } == 0;
        // SAFETY: fstatat filled `stat` when it returned 0.
        found.then(|| unsafe { stat.assume_init() }.st_size as u64)
    }

    #[cfg(not(unix))]
    fn len_of(&self, rel: &str) -> Option<u64> {
        std::fs::metadata(self.path.join(rel)).ok().map(|m| m.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::FileRecord;

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
                (rel.to_string(), Written { file, page: None })
            })
            .collect();
        assert!(output_intact(out, &files));

        std::fs::write(out.join("2025/10/26/b/index.html"), "article bb").unwrap();
        assert!(!output_intact(out, &files), "a length changed");
        std::fs::write(out.join("2025/10/26/b/index.html"), "article b").unwrap();
        assert!(output_intact(out, &files));

        std::fs::remove_dir_all(out.join("2025/10/27")).unwrap();
        assert!(!output_intact(out, &files), "a folder is gone");
        std::fs::create_dir_all(out.join("2025/10/27/c")).unwrap();
        std::fs::write(out.join("2025/10/27/c/index.html"), "article c").unwrap();
        std::fs::remove_file(out.join("feed.xml")).unwrap();
        assert!(!output_intact(out, &files), "a top-level file is gone");
        assert!(!output_intact(&out.join("nowhere"), &files));
    }
}
