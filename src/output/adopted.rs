//! A previous build's output folder taken as it is when nothing records what is in it (the
//! build cache was deleted, `--clean`, or `public/` came from another machine): every file
//! is read and hashed, and the build writes only the files whose bytes changed. The
//! others keep their modification time, which `rsync` and `aws s3 sync` compare to send
//! only what changed: a full build that swapped in a new folder would have them send every
//! file.

use std::fs;
use std::io;
use std::path::Path;

use rayon::prelude::*;

use super::{FileRecord, Records, Written};

/// What is in `target`, as a build that wrote it would have recorded it: each file's
/// path, with the hash and length of its bytes. None when it is not worth taking as it is,
/// and a build replaces it whole: it is missing or empty; or it holds a symbolic link or
/// anything else but folders and files (a build writes none, and a link to a folder would
/// lead the files moved in elsewhere); or a file or folder cannot be read.
pub fn records_of(target: &Path) -> Option<Records> {
    let mut files = Vec::new();
    listed(target, "", &mut files).ok()?;
    if files.is_empty() {
        return None;
    }
    // Read and hashed on every core; one file at a time on each, so no more memory than
    // the largest files takes.
    let records: io::Result<Vec<(String, Written)>> = files
        .into_par_iter()
        .map(|rel| {
            let bytes = fs::read(target.join(&rel))?;
            let written = Written {
                file: FileRecord::of(&bytes),
                fingerprint: None,
            };
            Ok((rel, written))
        })
        .collect();
    Some(records.ok()?.into_iter().map(|(rel, w)| (rel.into(), w)).collect())
}

/// Adds the files under `dir` (at `rel` below the folder, `""` or ending in `/`) to
/// `files`; its folders are read in parallel. An error for what a build would not take.
fn listed(dir: &Path, rel: &str, files: &mut Vec<String>) -> io::Result<()> {
    let mut folders = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name
            .to_str()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "a name that is not UTF-8"))?;
        // The type of the entry itself: a link is not followed.
        let kind = entry.file_type()?;
        let path = format!("{rel}{name}");
        if kind.is_file() {
            files.push(path);
        } else if kind.is_dir() {
            folders.push((entry.path(), format!("{path}/")));
        } else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "neither a file nor a folder",
            ));
        }
    }
    let below: io::Result<Vec<Vec<String>>> = folders
        .into_par_iter()
        .map(|(path, rel)| {
            let mut found = Vec::new();
            listed(&path, &rel, &mut found).map(|()| found)
        })
        .collect();
    files.extend(below?.into_iter().flatten());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_is_recorded_with_the_hash_of_its_bytes() {
        let dir = crate::testing::folder_with(&[
            ("index.html", "home"),
            ("2025/10/26/a/index.html", "a"),
            (".well-known/security.txt", "Contact: x"),
            ("style.css", "body {}"),
        ]);
        fs::create_dir(dir.path().join("empty")).unwrap();
        let records = records_of(dir.path()).unwrap();
        let mut paths: Vec<&str> = records.keys().map(|k| k.as_ref()).collect();
        paths.sort();
        assert_eq!(
            paths,
            [
                ".well-known/security.txt",
                "2025/10/26/a/index.html",
                "index.html",
                "style.css"
            ]
        );
        assert_eq!(records["2025/10/26/a/index.html"].file, FileRecord::of(b"a"));
        assert_eq!(records["index.html"].fingerprint, None);
    }

    #[test]
    fn a_folder_with_a_link_or_nothing_in_it_is_not_taken() {
        let dir = crate::testing::folder_with(&[("index.html", "home")]);
        assert!(records_of(&dir.path().join("missing")).is_none());
        fs::create_dir(dir.path().join("empty")).unwrap();
        assert!(records_of(&dir.path().join("empty")).is_none());
        assert!(records_of(dir.path()).is_some());
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("index.html"), dir.path().join("empty/link")).unwrap();
            assert!(records_of(dir.path()).is_none());
        }
    }
}
