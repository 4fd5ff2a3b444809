//! Collects a site's files: article sources, author profiles and files to copy.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::{Diagnostic, shown};
use crate::parse::Format;

/// Folder of article sources, relative to the site root.
pub const CONTENT_DIR: &str = "content";
/// Folder of author profiles, relative to the content folder.
pub const AUTHORS_DIR: &str = "authors";
/// Folder copied verbatim to the output, relative to the site root.
pub const STATIC_DIR: &str = "static";
/// Folder of templates that replace the default theme's, relative to the site root.
pub const TEMPLATES_DIR: &str = "templates";

/// What a file under `content/` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentKind {
    Article(Format),
    /// Markdown right in `content/authors/`.
    Profile,
    /// Any other file: copied to the same path under the output folder.
    Asset,
}

/// What the file at `rel` (relative to the site root, under `content/`) is.
pub fn classify(rel: &Path) -> ContentKind {
    let in_authors = rel
        .parent()
        .and_then(|dir| dir.strip_prefix(CONTENT_DIR).ok())
        .is_some_and(|dir| dir == Path::new(AUTHORS_DIR));
    match Format::of(rel) {
        Some(Format::Markdown) if in_authors => ContentKind::Profile,
        Some(format) => ContentKind::Article(format),
        None => ContentKind::Asset,
    }
}

/// Whether a path goes through a hidden file or folder (`.name`) or is an editor backup
/// (`name~`): walks skip those.
pub fn is_ignored(rel: &Path) -> bool {
    rel.components().any(|c| is_ignored_name(c.as_os_str()))
}

/// Every file under `root/dir`, relative to `root`, sorted; a missing folder has none.
/// Entries that cannot be read are added to `problems`.
pub fn files_under(root: &Path, dir: &Path, problems: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let base = root.join(dir);
    if !base.exists() {
        return Vec::new();
    }
    let mut files = Vec::new();
    let walker = WalkDir::new(&base)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(e.file_name()));
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() => {
                let rel = entry.path().strip_prefix(root).unwrap_or(entry.path()).to_path_buf();
                files.push(rel);
            }
            Ok(_) => {}
            Err(e) => {
                let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| base.clone());
                let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                let reason = match (e.loop_ancestor(), e.io_error()) {
                    (Some(_), _) => "a symbolic link loops back to a folder above it".to_string(),
                    (_, Some(io)) => io.to_string(),
                    _ => e.to_string(),
                };
                problems.push(Diagnostic::file(shown(root, &rel), format!("cannot read: {reason}")));
            }
        }
    }
    files
}

fn is_ignored_name(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.ends_with('~')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_and_classifies_content() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "content/2025/10/b.md",
            "content/2025/10/a.txt",
            "content/authors/jane-roe.md",
            "content/authors/photos/jane.jpg",
            "content/2025/img.png",
            "content/.hidden/x.md",
            "content/2025/.swp.md",
            "content/2025/x.md~",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let mut problems = Vec::new();
        let files = files_under(root, Path::new(CONTENT_DIR), &mut problems);
        assert!(problems.is_empty());
        let of_kind = |wanted: fn(ContentKind) -> bool| -> Vec<&Path> {
            files
                .iter()
                .filter(|p| wanted(classify(p)))
                .map(PathBuf::as_path)
                .collect()
        };
        let articles: Vec<_> = of_kind(|k| matches!(k, ContentKind::Article(_)))
            .iter()
            .map(|p| p.to_str().unwrap())
            .collect();
        assert_eq!(articles, ["content/2025/10/a.txt", "content/2025/10/b.md"]);
        assert_eq!(
            of_kind(|k| k == ContentKind::Profile),
            [PathBuf::from("content/authors/jane-roe.md")]
        );
        let assets: Vec<_> = of_kind(|k| k == ContentKind::Asset)
            .iter()
            .map(|p| p.to_str().unwrap())
            .collect();
        assert_eq!(assets, ["content/2025/img.png", "content/authors/photos/jane.jpg"]);
    }

    #[test]
    fn missing_folder_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let mut problems = Vec::new();
        assert!(files_under(dir.path(), Path::new(CONTENT_DIR), &mut problems).is_empty());
        assert!(problems.is_empty());
    }
}
