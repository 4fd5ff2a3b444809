//! What static hosts refuse or ignore, checked against a built output folder before a
//! deploy fails: `dateline check --host HOST` (or `[deploy] host`), and `dateline deploy`
//! before it uploads anything (`check_host(out, Host::S3)`).
//!
//! Why here and not at the host: a host tells late, or never. Cloudflare Pages refuses a
//! deploy of too many files only after the upload has begun; rules of `_redirects` or
//! `_headers` past a host's limit, or lines too long, are dropped without a word and the
//! old URLs they kept simply stop redirecting; GitHub Pages and object storage serve both
//! files as plain files and read neither. A newsroom should learn that before the
//! archive's 140,000 files are on their way.
//!
//! Every figure is in one table, [`HOSTS`], each with the address of the documentation it
//! comes from; `docs/publishing.md` shows the same table (change both together). A figure a
//! host's current documentation does not give is `None` and not checked, unless a comment
//! says where the figure used instead comes from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Host;
use crate::diag::Diagnostic;
use crate::render::{counted, thousands};

/// A host's limit: the figure, as the host's documentation writes it, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figure {
    /// In files, rules, characters or bytes.
    pub value: u64,
    /// The figure as the documentation writes it (`25 MiB`, `20,000`).
    pub shown: &'static str,
    /// The documentation it comes from.
    pub source: &'static str,
}

/// How a host reads one of the files it is configured by (`_redirects`, `_headers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rules {
    /// The host does not read it: it is served as a plain file, or not at all.
    NotRead { source: &'static str },
    Read {
        /// The most rules it reads (for `_redirects`, of those to fixed paths).
        rules: Option<Figure>,
        /// The most rules with a splat (`*`) or a placeholder (`:name`) it reads.
        dynamic_rules: Option<Figure>,
        /// The longest line it reads, in characters.
        line_chars: Option<Figure>,
        /// A count past which the host advises another way (a note, not an error).
        advised_rules: Option<Figure>,
        source: &'static str,
    },
}

/// What a host takes: one row of [`HOSTS`]. `None` is a figure the host does not limit,
/// or does not document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub host: Host,
    pub name: &'static str,
    /// Files a site may have.
    pub files: Option<Figure>,
    /// Files a site may have on a paid plan, said beside `files`.
    pub files_paid: Option<Figure>,
    /// Files one folder may hold.
    pub files_per_folder: Option<Figure>,
    /// The largest file, in bytes.
    pub file_bytes: Option<Figure>,
    /// A size past which the host says files are not well supported (a note).
    pub file_bytes_advised: Option<Figure>,
    /// The whole site, in bytes.
    pub total_bytes: Option<Figure>,
    /// The longest path (an object's key, with the folder of the bucket), in bytes of UTF-8.
    pub path_bytes: Option<Figure>,
    pub redirects: Rules,
    pub headers: Rules,
}

const GITHUB_PAGES_LIMITS: &str =
    "https://docs.github.com/en/pages/getting-started-with-github-pages/github-pages-limits";
const GITHUB_LARGE_FILES: &str =
    "https://docs.github.com/en/repositories/working-with-files/managing-large-files/about-large-files-on-github";
const CLOUDFLARE_PAGES_LIMITS: &str = "https://developers.cloudflare.com/pages/platform/limits/";
const CLOUDFLARE_PAGES_PAID: &str =
    "https://developers.cloudflare.com/changelog/post/2026-01-23-pages-file-limit-increase/";
const CLOUDFLARE_PAGES_REDIRECTS: &str = "https://developers.cloudflare.com/pages/configuration/redirects/";
const CLOUDFLARE_PAGES_HEADERS: &str = "https://developers.cloudflare.com/pages/configuration/headers/";
const NETLIFY_DEPLOYS: &str = "https://docs.netlify.com/site-deploys/overview/";
const NETLIFY_LARGE_FILES: &str = "https://www.netlify.com/docs/build-gotchas/";
const NETLIFY_REDIRECTS: &str = "https://docs.netlify.com/routing/redirects/";
const NETLIFY_HEADERS: &str = "https://docs.netlify.com/routing/headers/";
const S3_UPLOAD: &str = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html";
const S3_KEYS: &str = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html";
const S3_WEBSITE: &str = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-to-page-redirect.html";

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

/// Every host's limits, as their documentation gave them in December 2026.
pub const HOSTS: [Limits; 4] = [
    Limits {
        host: Host::GithubPages,
        name: "GitHub Pages",
        files: None,
        files_paid: None,
        files_per_folder: None,
        // "GitHub blocks files larger than 100 MiB": a site published from a branch holds its
        // files in the repository. (The Actions workflow uploads a tar archive instead;
        // GitHub documents no other limit for one file, so this one is kept for both.)
        file_bytes: Some(Figure {
            value: 100 * MIB,
            shown: "100 MiB",
            source: GITHUB_LARGE_FILES,
        }),
        file_bytes_advised: None,
        // "Published GitHub Pages sites may be no larger than 1 GB". actions/deploy-pages
        // warns past 1,073,741,824 bytes (`ONE_GIGABYTE` in src/internal/deployment.js).
        total_bytes: Some(Figure {
            value: GIB,
            shown: "1 GB",
            source: GITHUB_PAGES_LIMITS,
        }),
        path_bytes: None,
        // GitHub Pages has no redirect or header configuration of any kind: its
        // documentation names neither file, and the pages are served as they are.
        redirects: Rules::NotRead {
            source: GITHUB_PAGES_LIMITS,
        },
        headers: Rules::NotRead {
            source: GITHUB_PAGES_LIMITS,
        },
    },
    Limits {
        host: Host::CloudflarePages,
        name: "Cloudflare Pages",
        // "Sites on the Free plan can have up to 20,000 files per site"; paid plans 100,000
        // since January 2026 (with PAGES_WRANGLER_MAJOR_VERSION=4 set in the project).
        files: Some(Figure {
            value: 20_000,
            shown: "20,000",
            source: CLOUDFLARE_PAGES_LIMITS,
        }),
        files_paid: Some(Figure {
            value: 100_000,
            shown: "100,000",
            source: CLOUDFLARE_PAGES_PAID,
        }),
        files_per_folder: None,
        // "The maximum file size for a single Cloudflare Pages site asset is 25 MiB."
        file_bytes: Some(Figure {
            value: 25 * MIB,
            shown: "25 MiB",
            source: CLOUDFLARE_PAGES_LIMITS,
        }),
        file_bytes_advised: None,
        // Documented nowhere: the file count and the size of each bound it.
        total_bytes: None,
        path_bytes: None,
        // "A project is limited to 2,000 static redirects and 100 dynamic redirects, for a
        // combined total of 2,100 redirects. Each redirect declaration has a 1,000-character
        // limit."
        redirects: Rules::Read {
            rules: Some(Figure {
                value: 2_000,
                shown: "2,000",
                source: CLOUDFLARE_PAGES_REDIRECTS,
            }),
            dynamic_rules: Some(Figure {
                value: 100,
                shown: "100",
                source: CLOUDFLARE_PAGES_REDIRECTS,
            }),
            line_chars: Some(Figure {
                value: 1_000,
                shown: "1,000",
                source: CLOUDFLARE_PAGES_REDIRECTS,
            }),
            advised_rules: None,
            source: CLOUDFLARE_PAGES_REDIRECTS,
        },
        // "A project is limited to 100 header rules. Each line in the _headers file has a
        // 2,000 character limit. The entire line, including spacing, header name, and value,
        // counts towards this limit."
        headers: Rules::Read {
            rules: Some(Figure {
                value: 100,
                shown: "100",
                source: CLOUDFLARE_PAGES_HEADERS,
            }),
            dynamic_rules: None,
            line_chars: Some(Figure {
                value: 2_000,
                shown: "2,000",
                source: CLOUDFLARE_PAGES_HEADERS,
            }),
            advised_rules: None,
            source: CLOUDFLARE_PAGES_HEADERS,
        },
    },
    Limits {
        host: Host::Netlify,
        name: "Netlify",
        // "While Netlify doesn't have a limit on the number of files per deploy, we do have a
        // limit of 54,000 files per directory."
        files: None,
        files_paid: None,
        files_per_folder: Some(Figure {
            value: 54_000,
            shown: "54,000",
            source: NETLIFY_DEPLOYS,
        }),
        // Netlify's current documentation gives no limit for one file. Its older pages
        // (still served) say: "Files over 10 MByte in size are not well-supported by our CDN
        // and will likely fail to upload": the figure commonly cited, said as a note.
        file_bytes: None,
        file_bytes_advised: Some(Figure {
            value: 10_000_000,
            shown: "10 MB",
            source: NETLIFY_LARGE_FILES,
        }),
        total_bytes: None,
        path_bytes: None,
        // No count is documented: "If you need to set up 10,000 redirects or more, we
        // recommend using wildcards or placeholders as much as possible."
        redirects: Rules::Read {
            rules: None,
            dynamic_rules: None,
            line_chars: None,
            advised_rules: Some(Figure {
                value: 10_000,
                shown: "10,000",
                source: NETLIFY_REDIRECTS,
            }),
            source: NETLIFY_REDIRECTS,
        },
        headers: Rules::Read {
            rules: None,
            dynamic_rules: None,
            line_chars: None,
            advised_rules: None,
            source: NETLIFY_HEADERS,
        },
    },
    Limits {
        host: Host::S3,
        name: "S3",
        files: None,
        files_paid: None,
        files_per_folder: None,
        // "you can upload a single object up to 5 GB in size" in one PUT (larger ones take a
        // multipart upload, which `dateline deploy` does not make). AWS writes GB and means
        // 2^30 bytes, as the 5 GiB of its largest part says.
        file_bytes: Some(Figure {
            value: 5 * GIB,
            shown: "5 GB",
            source: S3_UPLOAD,
        }),
        file_bytes_advised: None,
        total_bytes: None,
        // "The object key name consists of a sequence of Unicode characters encoded in UTF-8,
        // with a maximum length of 1,024 bytes", the prefix (the bucket's folder) included.
        path_bytes: Some(Figure {
            value: 1_024,
            shown: "1,024",
            source: S3_KEYS,
        }),
        // Object storage redirects only by each object's own redirect metadata or a
        // website configuration's routing rules: neither file is read.
        redirects: Rules::NotRead { source: S3_WEBSITE },
        headers: Rules::NotRead { source: S3_WEBSITE },
    },
];

/// The limits of `host`.
pub fn limits(host: Host) -> &'static Limits {
    // `every_host_has_its_row` checks that each row is where this says.
    let row = match host {
        Host::GithubPages => 0,
        Host::CloudflarePages => 1,
        Host::Netlify => 2,
        Host::S3 => 3,
    };
    &HOSTS[row]
}

/// The files of a built output folder, as a host would take them.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    /// The output folder, as shown in messages.
    pub out: PathBuf,
    /// Every file: its path relative to the folder (`/` between folders), and its length.
    pub files: Vec<(String, u64)>,
    /// Files whose names are not UTF-8 (shown with `�` where they are not).
    pub not_utf8: Vec<String>,
    /// The text of `/_redirects` and `/_headers`, where the folder has them.
    pub redirects: Option<String>,
    pub headers: Option<String>,
    /// What could not be read.
    pub problems: Vec<Diagnostic>,
}

/// The file of redirects that Netlify and Cloudflare Pages read.
const REDIRECTS: &str = "_redirects";

impl Listing {
    /// Lists every file of `out` (those whose names start with a dot too), with its length.
    pub fn read(out: &Path) -> Listing {
        let mut problems = Vec::new();
        let paths = crate::walk::listed_under(out, Path::new(""), crate::walk::Skip::Nothing, &mut problems);
        let found: Vec<Result<(String, u64, bool), Diagnostic>> = paths
            .par_iter()
            .map(|rel| {
                let name = rel.to_string_lossy().replace('\\', "/");
                let utf8 = rel.to_str().is_some();
                match std::fs::metadata(out.join(rel)) {
                    Ok(meta) => Ok((name, meta.len(), utf8)),
                    Err(e) => Err(Diagnostic::file(out.join(rel), format!("cannot read: {e}"))),
                }
            })
            .collect();
        let mut listing = Listing {
            out: out.to_path_buf(),
            problems,
            ..Listing::default()
        };
        for entry in found {
            match entry {
                Ok((name, len, utf8)) => {
                    if !utf8 {
                        listing.not_utf8.push(name.clone());
                    }
                    listing.files.push((name, len));
                }
                Err(problem) => listing.problems.push(problem),
            }
        }
        listing.files.sort();
        let text = |name: &str| match std::fs::read(out.join(name)) {
            Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
            Err(_) => None,
        };
        let has = |name: &str| listing.files.iter().any(|(f, _)| f == name);
        listing.redirects = has(REDIRECTS).then(|| text(REDIRECTS)).flatten();
        listing.headers = has(crate::headers::FILE).then(|| text(crate::headers::FILE)).flatten();
        listing
    }

    /// What `host` would refuse or ignore of these files, uploaded under `key_prefix`
    /// (the folder of a bucket, `site/` of `s3://bucket/site/`; empty for other hosts).
    pub fn check(&self, host: Host, key_prefix: &str) -> HostReport {
        let limits = limits(host);
        let mut report = HostReport {
            host,
            name: limits.name,
            errors: self.problems.clone(),
            notes: Vec::new(),
            files: self.files.len(),
            bytes: self.files.iter().map(|(_, len)| len).sum(),
            largest: self
                .files
                .iter()
                .max_by_key(|(name, len)| (*len, std::cmp::Reverse(name.as_str())))
                .cloned(),
        };
        self.check_files(limits, key_prefix, &mut report);
        let redirects = self.redirects.as_deref().map(redirect_rules);
        if let Rules::Read { .. } = limits.redirects
            && let Some(rules) = &redirects
        {
            self.check_redirects(limits, rules, &mut report);
        }
        if let Rules::Read { .. } = limits.headers
            && let Some(text) = &self.headers
        {
            self.check_headers(limits, text, &mut report);
        }
        self.not_read(limits, redirects.as_deref(), &mut report);
        if host == Host::GithubPages {
            self.without_jekyll(&mut report);
        }
        report
    }

    /// Files: how many, how large, how many in one folder, their names.
    fn check_files(&self, limits: &Limits, key_prefix: &str, report: &mut HostReport) {
        let name = limits.name;
        let whole = |message: String| Diagnostic::file(&self.out, message);
        if let Some(most) = limits.files
            && report.files as u64 > most.value
        {
            let paid = match limits.files_paid {
                Some(paid) if report.files as u64 <= paid.value => {
                    format!(" on the free plan ({} on a paid one)", paid.shown)
                }
                Some(paid) => format!(" ({} on a paid plan)", paid.shown),
                None => String::new(),
            };
            let mut problem = whole(format!(
                "{}; {name} takes at most {} per site{paid}",
                counted(report.files, "file"),
                most.shown
            ));
            let search = self.files.iter().filter(|(f, _)| f.starts_with("search/")).count();
            if search > 0 {
                problem = problem.with_hint(format!(
                    "the search index is {} of them (`[search] enabled = false` leaves it out), or publish to object storage (`dateline deploy`)",
                    thousands(search)
                ));
            }
            report.errors.push(problem);
        }
        if let Some(most) = limits.files_per_folder {
            let mut per_folder: BTreeMap<&str, usize> = BTreeMap::new();
            for (file, _) in &self.files {
                *per_folder
                    .entry(file.rsplit_once('/').map_or("", |(dir, _)| dir))
                    .or_default() += 1;
            }
            for (dir, n) in per_folder.into_iter().filter(|&(_, n)| n as u64 > most.value) {
                report.errors.push(Diagnostic::file(
                    self.out.join(dir),
                    format!(
                        "{} in this folder; {name} takes at most {} in one folder",
                        counted(n, "file"),
                        most.shown
                    ),
                ));
            }
        }
        if let Some(most) = limits.file_bytes {
            for (file, len) in self.files.iter().filter(|(_, len)| *len > most.value) {
                report.errors.push(Diagnostic::file(
                    self.out.join(file),
                    format!("{}; {name} takes files of at most {}", size(*len), most.shown),
                ));
            }
        }
        if let Some(advised) = limits.file_bytes_advised {
            let over: Vec<&(String, u64)> = self.files.iter().filter(|(_, len)| *len > advised.value).collect();
            if let Some((file, len)) = over.iter().max_by_key(|(_, len)| *len) {
                report.notes.push(format!(
                    "{} over {}, the largest /{file} ({}): {name} says files over {} are not well supported by its CDN and will likely fail to upload",
                    counted(over.len(), "file"),
                    advised.shown,
                    size(*len),
                    advised.shown
                ));
            }
        }
        if let Some(most) = limits.total_bytes
            && report.bytes > most.value
        {
            report.errors.push(whole(format!(
                "{} in {}; {name} publishes sites of at most {}",
                size(report.bytes),
                counted(report.files, "file"),
                most.shown
            )));
        }
        if let Some(most) = limits.path_bytes {
            for (file, _) in &self.files {
                let len = key_prefix.len() + file.len();
                if len as u64 > most.value {
                    report.errors.push(Diagnostic::file(
                        self.out.join(file),
                        format!(
                            "a key of {} bytes{}; {name} takes keys of at most {} bytes",
                            thousands(len),
                            match key_prefix.is_empty() {
                                true => String::new(),
                                false => format!(" under `{key_prefix}`"),
                            },
                            most.shown
                        ),
                    ));
                }
            }
            for file in &self.not_utf8 {
                report.errors.push(Diagnostic::file(
                    self.out.join(file),
                    format!("the name is not UTF-8; {name} keys are UTF-8"),
                ));
            }
        }
    }

    /// `_redirects`, for a host that reads it.
    fn check_redirects(&self, limits: &Limits, rules: &[RedirectRule], report: &mut HostReport) {
        let Rules::Read {
            rules: most,
            dynamic_rules: most_dynamic,
            line_chars,
            advised_rules,
            ..
        } = limits.redirects
        else {
            return;
        };
        let name = limits.name;
        let file = self.out.join(REDIRECTS);
        let dynamic = rules.iter().filter(|r| r.dynamic).count();
        let fixed = rules.len() - dynamic;
        if let Some(most) = most
            && fixed as u64 > most.value
        {
            let kind = if most_dynamic.is_some() { "static " } else { "" };
            report.errors.push(
                Diagnostic::file(
                    &file,
                    format!("{} {kind}rules; {name} reads at most {}", thousands(fixed), most.shown),
                )
                .with_hint("the rules past it would be dropped and their redirect pages answer instead (not with a 301): publish without public/_redirects to rely on the pages alone, or elsewhere"),
            );
        }
        if let Some(most) = most_dynamic
            && dynamic as u64 > most.value
        {
            report.errors.push(Diagnostic::file(
                &file,
                format!(
                    "{} dynamic rules (with `*` or `:name`); {name} reads at most {}",
                    thousands(dynamic),
                    most.shown
                ),
            ));
        }
        if let Some(most) = line_chars {
            for rule in rules.iter().filter(|r| r.chars as u64 > most.value) {
                report.errors.push(Diagnostic::new(
                    &file,
                    rule.line,
                    1,
                    format!(
                        "a rule of {} characters; {name} reads rules of at most {}",
                        thousands(rule.chars),
                        most.shown
                    ),
                ));
            }
        }
        if let Some(advised) = advised_rules
            && rules.len() as u64 >= advised.value
        {
            report.notes.push(format!(
                "/_redirects has {}: {name} advises wildcards or placeholders from {} on, and may fail a deploy whose rules are too large",
                counted(rules.len(), "rule"),
                advised.shown
            ));
        }
    }

    /// `_headers`, for a host that reads it.
    fn check_headers(&self, limits: &Limits, text: &str, report: &mut HostReport) {
        let Rules::Read {
            rules: most,
            line_chars,
            ..
        } = limits.headers
        else {
            return;
        };
        let name = limits.name;
        let file = self.out.join(crate::headers::FILE);
        let count = crate::headers::Rules::parse(text).len();
        if let Some(most) = most
            && count as u64 > most.value
        {
            report.errors.push(Diagnostic::file(
                &file,
                format!("{}; {name} reads at most {}", counted(count, "rule"), most.shown),
            ));
        }
        if let Some(most) = line_chars {
            for (i, line) in text.lines().enumerate() {
                let chars = line.chars().count();
                if chars as u64 > most.value {
                    report.errors.push(Diagnostic::new(
                        &file,
                        i + 1,
                        1,
                        format!(
                            "a line of {} characters; {name} reads lines of at most {}",
                            thousands(chars),
                            most.shown
                        ),
                    ));
                }
            }
        }
    }

    /// What a host that reads neither `_redirects` nor `_headers` makes of them.
    fn not_read(&self, limits: &Limits, redirects: Option<&[RedirectRule]>, report: &mut HostReport) {
        let redirects_ignored = matches!(limits.redirects, Rules::NotRead { .. }) && redirects.is_some();
        let headers_ignored = matches!(limits.headers, Rules::NotRead { .. }) && self.headers.is_some();
        let name = limits.name;
        let files = match (redirects_ignored, headers_ignored) {
            (true, true) => "_redirects and _headers are",
            (true, false) => "_redirects is",
            (false, true) => "_headers is",
            (false, false) => return,
        };
        let mut note = format!("{files} not read by {name}");
        if let Some(rules) = redirects.filter(|_| redirects_ignored) {
            note.push_str(&match rules.len() {
                1 => ": the redirect page does the work (a page that sends readers on, not a 301)".to_string(),
                n => format!(
                    ": the {} redirect pages do the work (pages that send readers on, not 301s)",
                    thousands(n)
                ),
            });
        }
        if headers_ignored {
            let sep = if redirects_ignored { ", and" } else { ":" };
            note.push_str(&match limits.host {
                Host::S3 => format!("{sep} responses get each object's metadata (or the CDN's headers) instead"),
                _ => format!("{sep} responses get the host's own headers"),
            });
        }
        report.notes.push(note);
    }

    /// GitHub Pages publishing from a branch runs Jekyll, which leaves out names that start
    /// with `_` or `.` unless the site has `/.nojekyll`.
    fn without_jekyll(&self, report: &mut HostReport) {
        if self.files.iter().any(|(f, _)| f == ".nojekyll") {
            return;
        }
        let hidden = |f: &str| f.split('/').any(|part| part.starts_with(['_', '.']));
        let left_out: Vec<&str> = self
            .files
            .iter()
            .map(|(f, _)| f.as_str())
            .filter(|f| hidden(f) && *f != REDIRECTS && *f != crate::headers::FILE)
            .collect();
        if let Some(first) = left_out.first() {
            report.notes.push(format!(
                "no /.nojekyll: published from a branch, GitHub Pages runs Jekyll, which leaves out {} whose names start with `_` or `.` (/{first}); put an empty static/.nojekyll in the site, or publish with the workflow of examples/github-pages.yml",
                counted(left_out.len(), "file"),
            ));
        }
    }
}

/// What `host` would refuse or ignore of the output folder `out`: every problem at the
/// file (and line) it is about. For `dateline check --host`, and for `dateline deploy`
/// before it uploads (`check_host(out, Host::S3)`; with the bucket's folder,
/// `Listing::read(out).check(Host::S3, &target.prefix)`).
pub fn check_host(out: &Path, host: Host) -> HostReport {
    Listing::read(out).check(host, "")
}

/// What a host would do with an output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostReport {
    pub host: Host,
    /// The host's name, as messages say it.
    pub name: &'static str,
    /// What the host refuses, or drops: each a problem of the file (and line) it is about.
    pub errors: Vec<Diagnostic>,
    /// What the host ignores or advises against, which a deploy survives.
    pub notes: Vec<String>,
    /// The output's files, their bytes, and the largest.
    pub files: usize,
    pub bytes: u64,
    pub largest: Option<(String, u64)>,
}

impl HostReport {
    /// Whether the host takes the output as it is.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// One line on what was checked: `Cloudflare Pages: 1,234 files, 45.6 MiB, the largest
    /// /search/pagefind.js (1.2 MiB)`.
    pub fn summary(&self) -> String {
        let mut line = format!(
            "{}: {}, {}",
            self.name,
            counted(self.files, "file"),
            short_size(self.bytes)
        );
        if let Some((file, len)) = &self.largest {
            line.push_str(&format!(", the largest /{file} ({})", short_size(*len)));
        }
        line
    }
}

/// A rule of `_redirects`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RedirectRule {
    /// 1-based.
    line: usize,
    chars: usize,
    /// With a splat (`*`) or a placeholder (`:name`) in its source path.
    dynamic: bool,
}

/// The rules of a `_redirects` file: every line but blank ones and `#` comments.
fn redirect_rules(text: &str) -> Vec<RedirectRule> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
        .map(|(i, line)| {
            let source = line.split_whitespace().next().unwrap_or("");
            RedirectRule {
                line: i + 1,
                chars: line.chars().count(),
                dynamic: source.contains('*') || source.split('/').any(|part| part.starts_with(':')),
            }
        })
        .collect()
}

/// A size for messages: bytes up to 10 KiB, then KiB, MiB or GiB with a decimal, and the
/// bytes beside it (`1.4 GiB (1,503,238,553 bytes)`) past 1 MiB, so that a size just over
/// a limit does not read as the limit.
pub fn size(bytes: u64) -> String {
    match bytes >= MIB {
        true => format!("{} ({} bytes)", short_size(bytes), thousands(bytes as usize)),
        false => short_size(bytes),
    }
}

/// `size` without the bytes beside it.
fn short_size(bytes: u64) -> String {
    let (unit, name) = match bytes {
        b if b >= GIB => (GIB, "GiB"),
        b if b >= MIB => (MIB, "MiB"),
        b if b >= 10 * 1024 => (1024, "KiB"),
        _ => return counted(bytes as usize, "byte"),
    };
    format!("{:.1} {name}", bytes as f64 / unit as f64)
}

#[cfg(test)]
mod tests;
