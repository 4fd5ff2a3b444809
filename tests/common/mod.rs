//! Helpers shared by the integration tests: fixture sites copied to a temporary folder,
//! builds with a fixed "now", and HTML read with a real parser.

#![allow(dead_code)]

pub mod http;
pub mod served;

use std::fs;
use std::path::{Path, PathBuf};

use chrono::DateTime;
use dateline::{BuildOptions, BuildSummary, Error};
use scraper::{Html, Selector};
use tempfile::TempDir;

/// A copy of a fixture site in a temporary folder.
pub struct Site {
    pub dir: TempDir,
    /// Builds accept that URLs the site published are removed (`--accept-removed`): for
    /// tests of other things than the record of published URLs.
    pub accepting_removals: std::cell::Cell<bool>,
}

impl Site {
    /// Copies `tests/sites/NAME`.
    pub fn fixture(name: &str) -> Site {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites").join(name);
        let dir = tempfile::tempdir().expect("temp dir");
        copy_tree(&from, dir.path());
        Site {
            dir,
            accepting_removals: Default::default(),
        }
    }

    /// An empty site with just a configuration.
    pub fn with_config(config: &str) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(dir.path().join("dateline.toml"), config).unwrap();
        Site {
            dir,
            accepting_removals: Default::default(),
        }
    }

    /// Lets builds remove URLs the site published (see `accepting_removals`).
    pub fn accept_removals(self) -> Site {
        self.accepting_removals.set(true);
        self
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn out(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Writes a file of the site (creating folders).
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    pub fn options(&self) -> BuildOptions {
        BuildOptions {
            site: self.root().to_path_buf(),
            out: None,
            base_url: None,
            drafts: false,
            future: false,
            now: DateTime::parse_from_rfc3339("2026-01-15T12:00:00Z").unwrap(),
            jobs: None,
            versioned_assets: true,
            use_cache: true,
            progress: false,
            quiet: false,
            urls: match self.accepting_removals.get() {
                true => dateline::UrlPolicy::AcceptRemovals,
                false => dateline::UrlPolicy::Record,
            },
            atomic: false,
            verify_output: false,
        }
    }

    pub fn build(&self) -> Result<BuildSummary, Error> {
        dateline::build(&self.options())
    }

    pub fn built(&self) -> BuildSummary {
        self.build().unwrap_or_else(|e| panic!("build failed:\n{e}"))
    }

    /// A built page (`2025/10/` reads `public/2025/10/index.html`).
    pub fn page(&self, rel: &str) -> Page {
        let file = if rel.ends_with(".html") {
            rel.to_string()
        } else {
            format!("{rel}index.html")
        };
        let path = self.out().join(file);
        let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Page {
            html: Html::parse_document(&text),
            text,
        }
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.out().join(rel).exists()
    }
}

/// A parsed HTML page.
pub struct Page {
    pub html: Html,
    pub text: String,
}

impl Page {
    /// Text of every element matching `css`, whitespace collapsed.
    pub fn texts(&self, css: &str) -> Vec<String> {
        let sel = Selector::parse(css).unwrap_or_else(|_| panic!("bad selector {css}"));
        self.html
            .select(&sel)
            .map(|e| collapse(&e.text().collect::<String>()))
            .collect()
    }

    /// Text of the first element matching `css`.
    pub fn text(&self, css: &str) -> String {
        self.texts(css)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no element matches {css}"))
    }

    /// Attribute `attr` of every element matching `css`.
    pub fn attrs(&self, css: &str, attr: &str) -> Vec<String> {
        let sel = Selector::parse(css).unwrap_or_else(|_| panic!("bad selector {css}"));
        self.html
            .select(&sel)
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    pub fn attr(&self, css: &str, attr: &str) -> String {
        self.attrs(css, attr)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no {attr} on {css}"))
    }

    pub fn count(&self, css: &str) -> usize {
        let sel = Selector::parse(css).unwrap();
        self.html.select(&sel).count()
    }
}

pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Copies a site, without the build cache a local build may have left in it.
pub fn copy_tree(from: &Path, to: &Path) {
    let walk = walkdir::WalkDir::new(from)
        .into_iter()
        .filter_entry(|e| e.file_name() != ".dateline");
    for entry in walk {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `dir`, relative path → bytes.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Runs `dateline ARGS -s SITE` as the user `nobody` (through `setpriv`), for tests of what
/// permissions stop: run as root, as CI runs, a mode of 0 stops no read. The site is opened
/// to `nobody`, all but `locked` (a file or folder the test closed). Panics without
/// `setpriv` (util-linux, on every Debian), so that such a test never passes unrun.
pub fn run_as_nobody(site: &Path, locked: &Path, args: &[&str]) -> std::process::Output {
    use std::os::unix::fs::PermissionsExt;
    let setpriv = Path::new("/usr/bin/setpriv");
    assert!(
        setpriv.exists(),
        "running as root without setpriv: permissions cannot stop a read, so this test cannot run"
    );
    for entry in walkdir::WalkDir::new(site)
        .into_iter()
        .filter_entry(|e| e.path() != locked)
    {
        let entry = entry.unwrap();
        let mode = if entry.file_type().is_dir() { 0o777 } else { 0o666 };
        fs::set_permissions(entry.path(), fs::Permissions::from_mode(mode)).unwrap();
    }
    let mut ancestor = site.parent();
    while let Some(dir) = ancestor {
        let mode = fs::metadata(dir).unwrap().permissions().mode();
        assert!(mode & 0o001 != 0, "{} is closed to nobody", dir.display());
        ancestor = dir.parent();
    }
    std::process::Command::new(setpriv)
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_dateline"))
        .args(args)
        .arg("-s")
        .arg(site)
        .output()
        .unwrap()
}

/// Runs `dateline ARGS -s SITE` where a mode of 0 stops it reading `closed`: as `nobody`
/// when this process reads anything (`run_as_nobody`), else as this process's user.
pub fn run_shut_out(site: &Path, closed: &Path, args: &[&str]) -> std::process::Output {
    if reads_anything(closed) {
        return run_as_nobody(site, closed, args);
    }
    std::process::Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(args)
        .arg("-s")
        .arg(site)
        .output()
        .unwrap()
}

/// The stderr of `output`, with the paths under `site` made relative to it.
pub fn site_stderr(site: &Path, output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).replace(&format!("{}/", site.display()), "")
}

/// Whether this process reads what a mode of 0 closes (it runs as root).
pub fn reads_anything(closed: &Path) -> bool {
    fs::read(closed).is_ok() || fs::read_dir(closed).is_ok()
}

/// Runs the dateline binary in `cwd`, "the present" fixed at 2026-01-01 by
/// `SOURCE_DATE_EPOCH` (a `--now` given wins), without colours.
pub fn dateline(args: &[&str], cwd: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(args)
        .current_dir(cwd)
        .env("SOURCE_DATE_EPOCH", "1767225600") // 2026-01-01T00:00:00Z
        .env("NO_COLOR", "1")
        .output()
        .expect("run dateline")
}

/// What a command printed on stdout, as text.
pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// What a command printed on stderr, as text.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A site of `config` with one source (`rel`, `text`), built once; returns it with every
/// file of the output it produced, for tests that check a later build leaves it as it was.
pub fn built_with(config: &str, rel: &str, text: &str) -> (Site, Vec<(String, Vec<u8>)>) {
    let site = Site::with_config(config);
    site.write(rel, text);
    site.built();
    let before = tree(&site.out());
    assert!(!before.is_empty());
    (site, before)
}
