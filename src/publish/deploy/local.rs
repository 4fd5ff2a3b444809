//! The files of the output folder, with the hash of their bytes: taken from the record
//! the last build kept of what it wrote (no file read), when that record is there and the
//! output folder still holds it (every file with its length, as the next build checks it);
//! else every file is read and hashed.

use std::path::Path;

use rayon::prelude::*;

use crate::cache;
use crate::error::{IoError, IoResultExt};

/// A file of the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    /// Its path in the output folder, with `/` between folders.
    pub rel: String,
    /// The xxh3 of its bytes (as the build record keeps it).
    pub hash: u64,
    pub len: u64,
}

/// Where the hashes of the files came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// The build record: no file was read.
    FromRecord,
    /// Every file was read (no record of a build into this folder, or the folder changed
    /// since).
    Hashed,
}

/// The files of `out`, sorted by path, and how their hashes were known. Files the build
/// writes for a server rather than for the site (`nginx-redirects.conf`) are left out.
pub fn files(site: &Path, out: &Path) -> Result<(Vec<LocalFile>, Known), IoError> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    if let Some(record) = cache::load_record(site, out)
        && record.out == out
        && cache::output_intact(out, &record.files, threads)
    {
        let mut files: Vec<LocalFile> = record
            .files
            .iter()
            .filter(|(rel, _)| deployed(rel))
            .map(|(rel, written)| LocalFile {
                rel: rel.to_string(),
                hash: written.file.hash,
                len: written.file.len,
            })
            .collect();
        files.par_sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
        return Ok((files, Known::FromRecord));
    }
    // Every file, by the walk `dateline check` and `check --host` read the output with.
    let mut problems = Vec::new();
    let listed = crate::walk::listed_under(out, Path::new(""), crate::walk::Skip::Nothing, &mut problems);
    if let Some(problem) = problems.first() {
        return Err(IoError::new("list", out, std::io::Error::other(problem.to_string())));
    }
    let rels = listed
        .into_iter()
        .map(|rel| {
            rel.to_str().map(|r| r.replace('\\', "/")).ok_or_else(|| {
                IoError::new(
                    "deploy",
                    out.join(&rel),
                    std::io::Error::new(std::io::ErrorKind::InvalidData, "its name is not UTF-8"),
                )
            })
        })
        .collect::<Result<Vec<String>, IoError>>()?;
    let mut files = rels
        .into_par_iter()
        .filter(|rel| deployed(rel))
        .map(|rel| {
            let path = out.join(&rel);
            let bytes = std::fs::read(&path).at("read", &path)?;
            Ok(LocalFile {
                hash: crate::parse::content_hash(&bytes),
                len: bytes.len() as u64,
                rel,
            })
        })
        .collect::<Result<Vec<_>, IoError>>()?;
    files.par_sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
    Ok((files, Known::Hashed))
}

/// Whether a file of the output folder goes to the bucket.
fn deployed(rel: &str) -> bool {
    rel != crate::publish::nginx::FILE
}
