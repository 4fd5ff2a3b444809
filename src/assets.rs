//! Files copied into the output as they are: the theme's static files, then the site's
//! `static/` over them, then the files under `content/` that are not articles. The
//! stylesheets, scripts, images and fonts of the theme and of `static/` are copied a second
//! time under a name that carries a hash of their bytes (`style.3f2a9c1b.css`): templates
//! link that copy (`asset_url`), and caches may keep it for good, since new bytes get a new
//! name.

use std::borrow::Cow;
use std::collections::BTreeMap;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Diagnostic, shown};
use crate::error::{IoError, IoResultExt};
use crate::output::{Emit, Emitted, FileRecord, Output, Records};
use crate::walk;

/// Where a copied file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssetSource {
    /// A file of the default theme, compiled in.
    Theme(&'static [u8]),
    /// A file of the site's `static/`, relative to the site root.
    Static(PathBuf),
    /// A file under `content/` that is no article, relative to the site root.
    Content(PathBuf),
}

/// The extensions of the files that get a copy named by their bytes: what a page loads
/// as it is shown (stylesheets, scripts, images, fonts). Not `content/`'s files: an
/// article links its own images by their place beside it, and no template asks for them.
///
/// Every such file of the theme and `static/` gets its copy, not only those that templates
/// ask for: which files a build's templates ask for is known only once every page is
/// rendered, and an incremental build renders few of them, so the set of copies would have
/// to be recorded page by page to stay right. Copying all of them keeps every build's
/// output that of a clean build, at the cost of a second copy of a few small files; a
/// change to one of them changes the links that every page may hold, so every page is
/// rendered again (as a change to the stylesheet always did).
pub const NAMED_BY_CONTENT: &[&str] = &[
    "css", "js", "mjs", "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "woff", "woff2",
];

/// How many hexadecimal digits of a file's hash its copy's name carries: 32 bits. A
/// cache that holds an older file under the very name of a new one would show the old
/// one; for one file that changes, that is a chance in four billion.
const HASH_DIGITS: usize = 8;

/// Whether the file at output path `target` gets a copy named by its bytes (when it is
/// the theme's or `static/`'s): by its extension, of `NAMED_BY_CONTENT`.
pub fn named_by_content(target: &str) -> bool {
    let name = target.rsplit('/').next().unwrap_or(target);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => NAMED_BY_CONTENT.iter().any(|known| known.eq_ignore_ascii_case(ext)),
        _ => false,
    }
}

/// The output path of the copy of `target` named by `bytes`: their hash before the
/// extension (`img/logo.png` → `img/logo.0a1b2c3d.png`).
pub fn hashed_path(target: &str, bytes: &[u8]) -> String {
    let hash = format!("{:016x}", crate::parse::content_hash(bytes));
    let hash = &hash[..HASH_DIGITS];
    match target.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{target}.{hash}"),
    }
}

/// Every file to copy, by site-relative output path.
#[derive(Debug, Default)]
pub struct Assets {
    files: BTreeMap<String, AssetSource>,
    /// The files of `files` copied a second time under a name of their bytes, once
    /// `name_by_content` has read them: the output path of each copy.
    hashed: BTreeMap<String, Named>,
}

/// A file's copy named by its bytes: its output path, and the record of the bytes it was
/// named by.
#[derive(Debug)]
struct Named {
    path: String,
    record: FileRecord,
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
        let target = |rel: &Path, dir: &Path| {
            rel.strip_prefix(dir)
                .unwrap_or(rel)
                .to_string_lossy()
                .replace('\\', "/")
        };
        let site_files = walk::listed_under(root, static_dir, walk::Skip::LeftBehind, problems)
            .into_iter()
            .map(|rel| (target(&rel, static_dir), AssetSource::Static(rel)))
            .chain(
                content_assets
                    .iter()
                    .map(|rel| (target(rel, content_dir), AssetSource::Content(rel.clone()))),
            );
        for (target, source) in site_files {
            match (files.get(&target).and_then(AssetSource::site_file), source.site_file()) {
                (Some(other), Some(rel)) => problems.push(Diagnostic::file(
                    shown(root, rel),
                    format!(
                        "/{target} is claimed by both {} and {}",
                        shown(root, other).display(),
                        shown(root, rel).display()
                    ),
                )),
                // A site file replaces the theme's file of the same name.
                _ => {
                    files.insert(target, source);
                }
            }
        }
        Assets {
            files,
            hashed: BTreeMap::new(),
        }
    }

    /// Reads the stylesheets, scripts, images and fonts of the theme and `static/` (all at
    /// once), and names the copy of each by its bytes. A file that cannot be read is an
    /// error naming it (the first in order of output path).
    pub fn name_by_content(&mut self, root: &Path) -> Result<(), IoError> {
        let read: Vec<Result<(String, Named), IoError>> = (self.files.par_iter())
            .filter(|(target, source)| linked(target, source))
            .map(|(target, source)| {
                let bytes = source.read(root)?;
                let path = hashed_path(target, &bytes);
                Ok((
                    target.clone(),
                    Named {
                        path,
                        record: FileRecord::of(&bytes),
                    },
                ))
            })
            .collect();
        self.hashed = read.into_iter().collect::<Result<_, _>>()?;
        Ok(())
    }

    /// The files that templates link with `asset_url`, by output path, each with the
    /// output path its links lead to: its copy named by its bytes, once `name_by_content`
    /// named it; else the file itself (`serve`, where an edited stylesheet then changes no
    /// page and is taken by open pages without a reload).
    pub fn links(&self) -> impl Iterator<Item = (&str, &str)> {
        (self.files.iter())
            .filter(|(target, source)| linked(target, source))
            .map(|(target, _)| {
                let to = self
                    .hashed
                    .get(target)
                    .map_or(target.as_str(), |copy| copy.path.as_str());
                (target.as_str(), to)
            })
    }

    /// The copies named by their bytes, by the output path of the file each copies.
    pub fn hashed(&self) -> impl Iterator<Item = (&str, &str)> {
        self.hashed
            .iter()
            .map(|(target, copy)| (target.as_str(), copy.path.as_str()))
    }

    /// How many files there are, with the copies named by their bytes.
    pub fn len(&self) -> usize {
        self.files.len() + self.hashed.len()
    }

    /// Output paths of every file to copy, with the copies named by their bytes.
    pub fn targets(&self) -> impl Iterator<Item = &str> {
        (self.files.keys().map(String::as_str)).chain(self.hashed.values().map(|copy| copy.path.as_str()))
    }

    /// A site file at the path of a file dateline writes is a problem (`robots.txt` and
    /// `_headers` aside: the site's replaces the generated one), and so is one at the path
    /// of a copy named by its bytes.
    pub fn check<'g>(&self, root: &Path, generated: impl Iterator<Item = &'g str>) -> Result<(), Vec<Diagnostic>> {
        let clash = |target: &str, what: String| {
            let rel = self.files.get(target).and_then(AssetSource::site_file)?;
            Some(Diagnostic::file(shown(root, rel), what).with_hint("rename or remove the file"))
        };
        let pages = generated
            .filter_map(|target| clash(target, format!("/{target} is also a page or file that dateline writes")));
        let copies = self.hashed.iter().filter_map(|(target, copy)| {
            let copy = &copy.path;
            clash(
                copy,
                format!("/{copy} is also the copy of /{target} named by its bytes"),
            )
        });
        let problems: Vec<Diagnostic> = pages.chain(copies).collect();
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// Copies into `output` every file whose bytes differ from `previous` (output path →
    /// hash of the bytes written last time), and the copies named by their bytes. A file
    /// that cannot be read or written stops the build: the first in order of output path
    /// is the error.
    pub fn copy(&self, root: &Path, output: &Output, previous: &Records, copied: &mut Emitted) -> Result<(), IoError> {
        let results: Vec<[Option<Result<Emit, IoError>>; 2]> = (self.files.par_iter())
            .map(|(target, source)| {
                // A file named by its bytes was read for its name: when the last build wrote
                // those very bytes under both names, it is not read a second time.
                if let Some(copy) = self.hashed.get(target)
                    && let Some(file) = Emit::unchanged(target, copy.record, previous)
                    && let Some(named) = Emit::unchanged(&copy.path, copy.record, previous)
                {
                    return [Some(Ok(file)), Some(Ok(named))];
                }
                let bytes = match source.read(root) {
                    Ok(bytes) => bytes,
                    Err(e) => return [Some(Err(e)), None],
                };
                let copy = self.hashed.get(target).map(|copy| {
                    // Read again (one file at a time is held, not all): a file saved since
                    // its name was given would put new bytes under the old bytes' name,
                    // which caches keep for good.
                    match FileRecord::of(&bytes) == copy.record {
                        true => output.emit(&copy.path, &bytes, previous),
                        false => Err(changed(root, source)),
                    }
                });
                [Some(output.emit(target, &bytes, previous)), copy]
            })
            .collect();
        let mut problems = Vec::new();
        copied.gather(results.into_iter().flatten().flatten(), &mut problems);
        problems.into_iter().next().map_or(Ok(()), Err)
    }
}

/// The error of a file of `source` whose bytes changed while the build read it.
fn changed(root: &Path, source: &AssetSource) -> IoError {
    let path = source.site_file().map_or_else(PathBuf::new, |rel| shown(root, rel));
    let why = std::io::Error::other("it changed while the build read it; build again");
    IoError::new("copy", path, why)
}

impl AssetSource {
    /// The site file it is, relative to the site root (none for the theme's).
    fn site_file(&self) -> Option<&Path> {
        match self {
            AssetSource::Theme(_) => None,
            AssetSource::Static(rel) | AssetSource::Content(rel) => Some(rel),
        }
    }

    /// Its bytes; a site file that cannot be read is an error naming it.
    fn read(&self, root: &Path) -> Result<Cow<'static, [u8]>, IoError> {
        match self {
            AssetSource::Theme(bytes) => Ok(Cow::Borrowed(bytes)),
            AssetSource::Static(rel) | AssetSource::Content(rel) => {
                Ok(Cow::Owned(std::fs::read(root.join(rel)).at("read", &shown(root, rel))?))
            }
        }
    }
}

/// Whether the file at `target` is linked by `asset_url` (and so copied under a name of
/// its bytes): a stylesheet, script, image or font of the theme or `static/`, or a file
/// under `content/` that takes the place of one of the theme's.
fn linked(target: &str, source: &AssetSource) -> bool {
    let theirs = match source {
        AssetSource::Theme(_) | AssetSource::Static(_) => true,
        AssetSource::Content(_) => (crate::render::theme::DEFAULT_STATIC.iter()).any(|(rel, _)| *rel == target),
    };
    theirs && named_by_content(target)
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
            Some(&AssetSource::Static("static/style.css".into()))
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

    #[test]
    fn copies_are_named_by_a_hash_of_their_bytes_before_the_extension() {
        let hash = &format!("{:016x}", crate::parse::content_hash(b"body {}"))[..8];
        assert_eq!(hashed_path("style.css", b"body {}"), format!("style.{hash}.css"));
        assert_eq!(
            hashed_path("img/jquery.min.js", b"body {}"),
            format!("img/jquery.min.{hash}.js")
        );
        assert_ne!(
            hashed_path("style.css", b"body {}"),
            hashed_path("style.css", b"body { }")
        );
        for linked in [
            "style.css",
            "a/b.JS",
            "m.mjs",
            "logo.png",
            "x.woff2",
            "favicon.ico",
            "i.svg",
        ] {
            assert!(named_by_content(linked), "{linked}");
        }
        for other in [
            "robots.txt",
            "a.pdf",
            ".css",
            "css",
            "feed.xml",
            "dir.css/file",
            ".well-known/security.txt",
        ] {
            assert!(!named_by_content(other), "{other}");
        }
    }

    /// The site's stylesheet replaces the theme's, with a name of its own bytes; the
    /// theme's search script keeps its; a content file is copied once.
    #[test]
    fn stylesheets_scripts_and_images_of_the_theme_and_static_are_named_by_content() {
        let dir = crate::testing::folder_with(&[
            ("static/style.css", "body { color: navy }"),
            ("static/img/logo.png", "PNG"),
            ("static/robots.txt", "User-agent: *"),
            ("content/img/photo.jpg", "JPEG"),
        ]);
        let root = dir.path();
        let content = [PathBuf::from("content/img/photo.jpg")];
        let mut assets = Assets::collect(root, &content, true, &mut Vec::new());
        let plain: Vec<(String, String)> = (assets.links()).map(|(a, b)| (a.into(), b.into())).collect();
        assert_eq!(
            plain,
            [
                ("img/logo.png", "img/logo.png"),
                ("search.js", "search.js"),
                ("style.css", "style.css")
            ]
            .map(|(a, b)| (a.to_string(), b.to_string())),
            "before they are read, links lead to the files themselves"
        );
        assets.name_by_content(root).unwrap();
        let links: BTreeMap<&str, &str> = assets.links().collect();
        assert_eq!(links["style.css"], hashed_path("style.css", b"body { color: navy }"));
        assert_ne!(
            links["style.css"],
            hashed_path("style.css", crate::render::theme::DEFAULT_STATIC[0].1),
            "not the theme's"
        );
        let search = crate::render::theme::DEFAULT_STATIC[1];
        assert_eq!(links["search.js"], hashed_path(search.0, search.1));
        assert_eq!(links["img/logo.png"], hashed_path("img/logo.png", b"PNG"));
        assert_eq!(links.len(), 3, "no robots.txt, no content file: {links:?}");
        assert_eq!(assets.len(), 5 + 3);
        assert!(assets.targets().any(|t| t == links["img/logo.png"]));
    }

    /// A stylesheet that cannot be read is an error naming it, not the hash of an empty
    /// file.
    #[test]
    fn an_unreadable_stylesheet_is_an_error_naming_it() {
        let dir = crate::testing::folder_with(&[("static/style.css", "body {}")]);
        let root = dir.path();
        let mut assets = Assets::collect(root, &[], true, &mut Vec::new());
        // A folder where the walk found the file.
        std::fs::remove_file(root.join("static/style.css")).unwrap();
        std::fs::create_dir(root.join("static/style.css")).unwrap();
        let error = assets.name_by_content(root).unwrap_err().to_string();
        let shown = format!("cannot read {}: ", root.join("static/style.css").display());
        assert!(error.starts_with(&shown), "{error}");
    }

    /// Both copies of a file are written from the same bytes; a file saved between its
    /// naming and its copying stops the build rather than put new bytes under the old
    /// bytes' name.
    #[test]
    fn copies_hold_what_their_names_say() {
        let dir = crate::testing::folder_with(&[("site/static/style.css", "body {}")]);
        let (site, out) = (dir.path().join("site"), dir.path().join("public"));
        let mut assets = Assets::collect(&site, &[], false, &mut Vec::new());
        assets.name_by_content(&site).unwrap();
        let copy = hashed_path("style.css", b"body {}");
        let output = Output::create(&out, &site).unwrap();
        let mut copied = Emitted::default();
        assets.copy(&site, &output, &Records::default(), &mut copied).unwrap();
        let mut written: Vec<&str> = copied.written().collect();
        written.sort();
        assert_eq!(written, [copy.as_str(), "style.css"]);
        output.commit(&written, &[]).unwrap();
        assert_eq!(std::fs::read(out.join(&copy)).unwrap(), b"body {}");

        std::fs::write(site.join("static/style.css"), "body { color: red }").unwrap();
        std::fs::write(out.join("index.html"), "a build").unwrap();
        let output = Output::patch(&out, &site).unwrap();
        let error = (assets.copy(&site, &output, &Records::default(), &mut Emitted::default()))
            .unwrap_err()
            .to_string();
        let shown = format!(
            "cannot copy {}: it changed while",
            site.join("static/style.css").display()
        );
        assert!(error.starts_with(&shown), "{error}");
    }

    #[test]
    fn a_site_file_at_the_name_of_a_copy_is_a_problem() {
        let copy = hashed_path("style.css", b"body {}");
        let dir = crate::testing::folder_with(&[("static/style.css", "body {}"), (&format!("static/{copy}"), "x")]);
        let root = dir.path();
        let mut assets = Assets::collect(root, &[], false, &mut Vec::new());
        assert!(assets.check(root, std::iter::empty()).is_ok(), "not named yet");
        assets.name_by_content(root).unwrap();
        let problems = assets.check(root, ["index.html"].into_iter()).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].message,
            format!("/{copy} is also the copy of /style.css named by its bytes")
        );
        assert_eq!(problems[0].path, root.join("static").join(&copy));
    }
}
