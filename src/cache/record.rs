//! The record of what the last build wrote, as the cache keeps it, and the check that the
//! output folder still holds it.

use ahash::AHashMap as HashMap;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Header, VERSION, cache_dir, mapped, remove_if_there};
use crate::diag::shown;
use crate::error::IoError;
use crate::output::{Records, Written};
use crate::walk::Folder;

/// What the last build wrote, as saved (borrowed); `load_record` reads it back straight
/// into a map.
#[derive(Debug, Serialize)]
pub struct CachedBuild<'a> {
    pub out: Cow<'a, str>,
    /// What its pages shared besides their articles (`Plan::page_globals`).
    pub page_globals: Option<u64>,
    /// The fingerprint of each of its pages, in the order of its plan.
    pub pages: &'a [u64],
    /// The output folder's stamp once the build was in place (`out_stamp`).
    pub out_stamp: Option<u64>,
    pub files: Vec<(Cow<'a, str>, Written)>,
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
    let (out_stamp, rest) = postcard::take_from_bytes::<Option<u64>>(rest).ok()?;
    // Straight into a map of the size the record gives (no larger than its bytes allow).
    let mut de = postcard::Deserializer::from_bytes(rest);
    let files = serde::de::DeserializeSeed::deserialize(RecordSeed { max: rest.len() }, &mut de).ok()?;
    Some(Record {
        out: PathBuf::from(out),
        page_globals,
        pages,
        out_stamp,
        files,
    })
}

/// What the last build wrote, as `load_record` reads it.
pub struct Record {
    pub out: PathBuf,
    pub page_globals: Option<u64>,
    pub pages: Vec<u64>,
    pub out_stamp: Option<u64>,
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

/// Forgets what the last build into `out` wrote, before a build changes `out`: should
/// that build stop before `save` records what it wrote, the next one starts afresh
/// instead of trusting a record that no longer tells what is in `out`.
pub fn forget_output(site: &Path, out: &Path) -> Result<(), IoError> {
    remove_if_there(&shown(site, &cache_dir(out)).join("output.bin"))
}

/// The stamp of the output folder `out`, which a build trusts the folder by: the folder's
/// own identity and modification time, and those of every folder and file at its top
/// (`2025/`, `authors/`, `index.html`, `atom.xml`…). A folder's modification time
/// changes when a name in it is added, removed or renamed, so this sees the folder
/// replaced or moved, and a file or folder of its top level deleted, added or replaced
/// (`rm -rf public/authors`, an `rsync --delete` from elsewhere); it does not see a file
/// deleted or changed deeper down by hand, which `build --verify-output` (every file
/// looked up, as `output_intact` does) and `dateline check` find. About 30 lookups,
/// instead of one per file (162,965 at 100,000 articles: the largest part of a one-edit
/// rebuild's reading).
pub fn out_stamp(out: &Path) -> Option<u64> {
    use std::hash::Hasher;
    #[cfg(unix)]
    use std::os::unix::fs::MetadataExt;
    let add = |hasher: &mut xxhash_rust::xxh3::Xxh3, meta: &std::fs::Metadata| {
        #[cfg(unix)]
        {
            hasher.write_u64(meta.dev());
            hasher.write_u64(meta.ino());
        }
        hasher.write_u64(meta.len());
        if let Ok(modified) = meta.modified() {
            hasher.write_u128(
                modified
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_nanos(),
            );
        }
    };
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    add(&mut hasher, &std::fs::symlink_metadata(out).ok()?);
    let mut entries: Vec<std::fs::DirEntry> = std::fs::read_dir(out).ok()?.collect::<Result<_, _>>().ok()?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        hasher.write(entry.file_name().as_encoded_bytes());
        add(&mut hasher, &entry.metadata().ok()?);
    }
    Some(hasher.finish())
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
