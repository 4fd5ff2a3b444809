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

/// The files under `content/`, each relative to the site root, in path order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ContentFiles {
    pub articles: Vec<(PathBuf, Format)>,
    pub profiles: Vec<PathBuf>,
    /// Any other file: copied to the same path under the output folder.
    pub assets: Vec<PathBuf>,
}

/// Walks `SITE/content/`. Hidden files and folders (`.name`) and editor backups
/// (`name~`) are skipped; an entry that cannot be read is added to `problems`.
pub fn content(root: &Path, problems: &mut Vec<Diagnostic>) -> ContentFiles {
    let mut files = ContentFiles::default();
    let authors = Path::new(CONTENT_DIR).join(AUTHORS_DIR);
    for rel in files_under(root, Path::new(CONTENT_DIR), problems) {
        if rel.parent() == Some(authors.as_path()) && Format::of(&rel) == Some(Format::Markdown) {
            files.profiles.push(rel);
        } else if let Some(format) = Format::of(&rel) {
            files.articles.push((rel, format));
        } else {
            files.assets.push(rel);
        }
    }
    files
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
        .filter_entry(|e| e.depth() == 0 || !is_ignored(e.file_name()));
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

fn is_ignored(name: &std::ffi::OsStr) -> bool {
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
        let files = content(root, &mut problems);
        assert!(problems.is_empty());
        let articles: Vec<_> = files.articles.iter().map(|(p, _)| p.to_str().unwrap()).collect();
        assert_eq!(articles, ["content/2025/10/a.txt", "content/2025/10/b.md"]);
        assert_eq!(files.profiles, [PathBuf::from("content/authors/jane-roe.md")]);
        let assets: Vec<_> = files.assets.iter().map(|p| p.to_str().unwrap()).collect();
        assert_eq!(assets, ["content/2025/img.png", "content/authors/photos/jane.jpg"]);
    }

    #[test]
    fn missing_folder_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let mut problems = Vec::new();
        assert_eq!(content(dir.path(), &mut problems), ContentFiles::default());
        assert!(problems.is_empty());
    }
}
