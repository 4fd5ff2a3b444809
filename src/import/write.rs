//! The files an import writes: their text (front matter dateline reads fast), and how
//! they reach the disk, whole or not at all.
//!
//! Each file is written beside its place under a hidden name (`.<name>.import-tmp`, which
//! no walk of `content/` reads), then renamed over it: a reader sees the old file or the
//! new one, never half of one, and an import that fails removes what it had begun. A file
//! that already holds the bytes is not touched (its modification time stays, so the next
//! build does not read it again); one that differs is kept unless `force`.

use std::fs;
use std::io::{self, ErrorKind};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::Item;
use crate::error::{IoError, IoResultExt};

/// What became of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Written (or, in a dry run, to be written): it was missing or differed (`--force`).
    Written,
    /// It held these bytes already.
    Unchanged,
    /// It differs from what the import writes, and was kept (no `--force`).
    Kept,
}

/// Writes each `(site-relative path, bytes)` under `site`, in parallel.
pub fn write_all(
    site: &Path,
    files: Vec<(PathBuf, Vec<u8>)>,
    dry_run: bool,
    force: bool,
) -> Result<Vec<(PathBuf, Outcome)>, IoError> {
    files
        .into_par_iter()
        .map(|(rel, bytes)| {
            let outcome = put(&site.join(&rel), &bytes, dry_run, force)?;
            Ok((rel, outcome))
        })
        .collect()
}

/// Copies each `(from, site-relative path)`, as `write_all` writes.
pub fn copy_all(
    site: &Path,
    copies: &[(PathBuf, String)],
    dry_run: bool,
    force: bool,
) -> Result<Vec<(PathBuf, Outcome)>, IoError> {
    copies
        .par_iter()
        .map(|(from, rel)| {
            let bytes = fs::read(from).at("read", from)?;
            let rel = PathBuf::from(rel);
            let outcome = put(&site.join(&rel), &bytes, dry_run, force)?;
            Ok((rel, outcome))
        })
        .collect()
}

/// Puts `bytes` at `path` unless it holds them already, or holds others and `force` is off.
fn put(path: &Path, bytes: &[u8], dry_run: bool, force: bool) -> Result<Outcome, IoError> {
    let outcome = match fs::read(path) {
        Ok(old) if old == bytes => return Ok(Outcome::Unchanged),
        Ok(_) if !force => return Ok(Outcome::Kept),
        Ok(_) => Outcome::Written,
        Err(e) if e.kind() == ErrorKind::NotFound => Outcome::Written,
        Err(e) if e.kind() == ErrorKind::NotADirectory => Outcome::Written,
        Err(e) => return Err(IoError::new("read", path, e)),
    };
    if !dry_run {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).at("create the folder", parent)?;
        }
        write_atomic(path, bytes)?;
    }
    Ok(outcome)
}

/// Writes `bytes` to a hidden file beside `path`, then renames it to `path`; removes the
/// hidden file if either step fails.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.import-tmp"));
    let written = fs::write(&temporary, bytes)
        .at("write", &temporary)
        .and_then(|()| fs::rename(&temporary, path).at("write", path));
    if written.is_err() {
        match fs::remove_file(&temporary) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(IoError::new("remove", &temporary, e)),
        }
    }
    written
}

/// The Markdown source of an item: YAML front matter, then the body.
///
/// Strings are double-quoted and lists written in brackets, one key a line: the shape
/// dateline's fast front matter reader takes (`parse/front_matter.rs`), so a 100,000-article
/// import builds as fast as hand-written sources.
pub fn markdown_source(item: &Item, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 512);
    out.push_str("---\n");
    line(&mut out, "title", &quote(&item.title));
    line(&mut out, "date", &item.date);
    if let Some(updated) = &item.updated {
        line(&mut out, "updated", updated);
    }
    if !item.authors.is_empty() {
        line(&mut out, "authors", &list(&item.authors));
    }
    if !item.tags.is_empty() {
        line(&mut out, "tags", &list(&item.tags));
    }
    if let Some(section) = &item.section {
        line(&mut out, "section", &quote(section));
    }
    if let Some(summary) = &item.summary {
        line(&mut out, "summary", &quote(summary));
    }
    line(&mut out, "slug", &quote(&item.slug));
    if item.draft {
        line(&mut out, "draft", "true");
    }
    if !item.aliases.is_empty() {
        line(&mut out, "aliases", &list(&item.aliases));
    }
    out.push_str("---\n");
    let body = body.trim();
    if !body.is_empty() {
        out.push('\n');
        out.push_str(body);
        out.push('\n');
    }
    out
}

/// An author profile: `name`, then the bio in Markdown.
pub fn profile_source(name: &str, bio: Option<&str>) -> String {
    let mut out = format!("---\nname: {}\n---\n", quote(name));
    if let Some(bio) = bio.map(str::trim).filter(|b| !b.is_empty()) {
        out.push_str(bio);
        out.push('\n');
    }
    out
}

fn line(out: &mut String, key: &str, value: &str) {
    out.push_str(key);
    out.push_str(": ");
    out.push_str(value);
    out.push('\n');
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// A double-quoted YAML string on one line.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_cannot_be_renamed_into_place_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // A folder that is not empty where the file goes: the rename fails, even for root.
        let target = dir.path().join("a.md");
        fs::create_dir_all(target.join("inside")).unwrap();
        let e = write_atomic(&target, b"text").unwrap_err();
        assert!(
            e.to_string().starts_with(&format!("cannot write {}", target.display())),
            "{e}"
        );
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, [std::ffi::OsString::from("a.md")]);
    }

    #[test]
    fn a_file_is_written_then_left_alone_or_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x/y.md");
        assert_eq!(put(&path, b"one", false, false).unwrap(), Outcome::Written);
        assert_eq!(put(&path, b"one", false, false).unwrap(), Outcome::Unchanged);
        assert_eq!(put(&path, b"two", false, false).unwrap(), Outcome::Kept);
        assert_eq!(fs::read(&path).unwrap(), b"one");
        assert_eq!(put(&path, b"two", true, true).unwrap(), Outcome::Written);
        assert_eq!(fs::read(&path).unwrap(), b"one", "a dry run writes nothing");
        assert_eq!(put(&path, b"two", false, true).unwrap(), Outcome::Written);
        assert_eq!(fs::read(&path).unwrap(), b"two");
    }

    #[test]
    fn strings_are_quoted_on_one_line() {
        assert_eq!(quote("A \"B\" \\ C\nD"), "\"A \\\"B\\\" \\\\ C D\"");
        assert_eq!(quote("x\u{1}"), "\"x\\u0001\"");
    }
}
