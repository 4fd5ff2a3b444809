//! Files copied into the output as they are: the theme's static files, then the site's
//! `static/` over them, then the files under `content/` that are not articles.

use std::collections::BTreeMap;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Diagnostic, shown};
use crate::error::{IoError, IoResultExt};
use crate::output::{Emit, Emitted, Output, Records};
use crate::walk;

/// Where a copied file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetSource {
    /// A file of the default theme, compiled in.
    Theme(&'static [u8]),
    /// A file of the site, relative to the site root.
    File(PathBuf),
}

/// Every file to copy, by site-relative output path.
#[derive(Debug, Default)]
pub struct Assets {
    files: BTreeMap<String, AssetSource>,
}

impl Assets {
    /// Collects the files to copy (the theme's search script only if the site has
    /// `search`); two site files claiming one output path are a problem.
    pub fn collect(root: &Path, content_assets: &[PathBuf], search: bool, problems: &mut Vec<Diagnostic>) -> Assets {
        let mut files: BTreeMap<String, AssetSource> = crate::render::theme::DEFAULT_STATIC
            .iter()
            .filter(|(rel, _)| search || *rel != crate::render::theme::SEARCH_SCRIPT)
            .map(|(rel, bytes)| (rel.to_string(), AssetSource::Theme(bytes)))
            .collect();
        let static_dir = Path::new(walk::STATIC_DIR);
        let content_dir = Path::new(walk::CONTENT_DIR);
        let site_files = walk::listed_under(root, static_dir, walk::Skip::LeftBehind, problems)
            .into_iter()
            .map(|rel| (rel.strip_prefix(static_dir).unwrap_or(&rel).to_path_buf(), rel))
            .chain(
                content_assets
                    .iter()
                    .map(|rel| (rel.strip_prefix(content_dir).unwrap_or(rel).to_path_buf(), rel.clone())),
            );
        for (target, source) in site_files {
            let target = target.to_string_lossy().replace('\\', "/");
            match files.get(&target) {
                Some(AssetSource::File(other)) => problems.push(Diagnostic::file(
                    shown(root, &source),
                    format!(
                        "/{target} is claimed by both {} and {}",
                        shown(root, other).display(),
                        shown(root, &source).display()
                    ),
                )),
                // A site file replaces the theme's file of the same name.
                _ => {
                    files.insert(target, AssetSource::File(source));
                }
            }
        }
        Assets { files }
    }

    /// How many files there are.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// A short hash of a file's bytes, to version links to it (`style.css?v=…`); a file
    /// of the site that cannot be read is an error.
    pub fn version(&self, root: &Path, target: &str) -> Result<String, IoError> {
        let bytes: std::borrow::Cow<'_, [u8]> = match self.files.get(target) {
            Some(AssetSource::Theme(b)) => (*b).into(),
            Some(AssetSource::File(p)) => std::fs::read(root.join(p)).at("read", &shown(root, p))?.into(),
            None => (&[][..]).into(),
        };
        Ok(crate::slug::short_hash(&String::from_utf8_lossy(&bytes)))
    }

    /// Output paths of every file to copy.
    pub fn targets(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// A site file at the path of a file dateline writes is a problem (`robots.txt` aside:
    /// the site's replaces the generated one).
    pub fn check<'g>(&self, root: &Path, generated: impl Iterator<Item = &'g str>) -> Result<(), Vec<Diagnostic>> {
        let problems: Vec<Diagnostic> = generated
            .filter_map(|target| match self.files.get(target) {
                Some(AssetSource::File(rel)) => Some(
                    Diagnostic::file(
                        shown(root, rel),
                        format!("/{target} is also a page or file that dateline writes"),
                    )
                    .with_hint("rename or remove the file"),
                ),
                _ => None,
            })
            .collect();
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// Copies into `output` every file whose bytes differ from `previous` (output path →
    /// hash of the bytes written last time). A file that cannot be read or written stops
    /// the build: the first in order of output path is the error.
    pub fn copy(&self, root: &Path, output: &Output, previous: &Records, copied: &mut Emitted) -> Result<(), IoError> {
        let results: Vec<Result<Emit, IoError>> = self
            .files
            .par_iter()
            .map(|(target, source)| {
                let bytes: std::borrow::Cow<'_, [u8]> = match source {
                    AssetSource::Theme(bytes) => (*bytes).into(),
                    AssetSource::File(rel) => std::fs::read(root.join(rel)).at("read", &shown(root, rel))?.into(),
                };
                output.emit(target, &bytes, previous)
            })
            .collect();
        let mut problems = Vec::new();
        copied.gather(results, &mut problems);
        problems.into_iter().next().map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_files_replace_the_theme_and_clash_with_each_other() {
        let files = [
            "static/style.css",
            "static/img/logo.png",
            "content/img/logo.png",
            "content/files/a.pdf",
        ];
        let dir = crate::testing::folder_with(&files.map(|f| (f, f)));
        let root = dir.path();
        let mut problems = Vec::new();
        let content = [
            PathBuf::from("content/img/logo.png"),
            PathBuf::from("content/files/a.pdf"),
        ];
        let assets = Assets::collect(root, &content, false, &mut problems);
        assert_eq!(
            assets.files.get("style.css"),
            Some(&AssetSource::File("static/style.css".into()))
        );
        assert_eq!(assets.len(), 3, "the search script only with search");
        let mut again = Vec::new();
        assert_eq!(Assets::collect(root, &content, true, &mut again).len(), 4);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].message.contains("/img/logo.png is claimed by both"),
            "{}",
            problems[0]
        );
    }

    /// A stylesheet that cannot be read is an error naming it, not the version of an
    /// empty file.
    #[test]
    fn an_unreadable_stylesheet_is_an_error_naming_it() {
        let dir = crate::testing::folder_with(&[("static/style.css", "body {}")]);
        let root = dir.path();
        let assets = Assets::collect(root, &[], true, &mut Vec::new());
        assert_eq!(
            assets.version(root, "style.css").unwrap(),
            crate::slug::short_hash("body {}")
        );
        // A folder where the walk found the file.
        std::fs::remove_file(root.join("static/style.css")).unwrap();
        std::fs::create_dir(root.join("static/style.css")).unwrap();
        let error = assets.version(root, "style.css").unwrap_err().to_string();
        let shown = format!("cannot read {}: ", root.join("static/style.css").display());
        assert!(error.starts_with(&shown), "{error}");
    }
}
