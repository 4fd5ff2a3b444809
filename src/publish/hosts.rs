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

use std::path::Path;

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

/// A figure of `HOSTS`, on one line.
const fn fig(value: u64, shown: &'static str, source: &'static str) -> Figure {
    Figure { value, shown, source }
}

/// The file of redirects that Netlify and Cloudflare Pages read.
pub const REDIRECTS: &str = "_redirects";

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
        // GitHub blocks files larger than 100 MiB in a repository, and a site published from
        // a branch holds its files in the repository. (The Actions workflow uploads a tar archive instead;
        // GitHub documents no other limit for one file, so this one is kept for both.)
        file_bytes: Some(fig(100 * MIB, "100 MiB", GITHUB_LARGE_FILES)),
        file_bytes_advised: None,
        // "Published GitHub Pages sites may be no larger than 1 GB". actions/deploy-pages
        // warns past 1,073,741,824 bytes (`ONE_GIGABYTE` in src/internal/deployment.js).
        total_bytes: Some(fig(GIB, "1 GB", GITHUB_PAGES_LIMITS)),
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
        // 20,000 files a site on the Free plan (limits, Files); "Paid plans can now have up to
        // 100,000 files per Pages site" since January 2026 (with
        // PAGES_WRANGLER_MAJOR_VERSION=4 set in the project).
        files: Some(fig(20_000, "20,000", CLOUDFLARE_PAGES_LIMITS)),
        files_paid: Some(fig(100_000, "100,000", CLOUDFLARE_PAGES_PAID)),
        files_per_folder: None,
        // 25 MiB a file (limits, File size).
        file_bytes: Some(fig(25 * MIB, "25 MiB", CLOUDFLARE_PAGES_LIMITS)),
        file_bytes_advised: None,
        // Documented nowhere: the file count and the size of each bound it.
        total_bytes: None,
        path_bytes: None,
        // "A project is limited to 2,000 static redirects and 100 dynamic redirects, for a
        // combined total of 2,100 redirects. Each redirect declaration has a 1,000-character
        // limit."
        redirects: Rules::Read {
            rules: Some(fig(2_000, "2,000", CLOUDFLARE_PAGES_REDIRECTS)),
            dynamic_rules: Some(fig(100, "100", CLOUDFLARE_PAGES_REDIRECTS)),
            line_chars: Some(fig(1_000, "1,000", CLOUDFLARE_PAGES_REDIRECTS)),
            advised_rules: None,
            source: CLOUDFLARE_PAGES_REDIRECTS,
        },
        // "A project is limited to 100 header rules. Each line in the _headers file has a
        // 2,000 character limit. The entire line, including spacing, header name, and value,
        // counts towards this limit."
        headers: Rules::Read {
            rules: Some(fig(100, "100", CLOUDFLARE_PAGES_HEADERS)),
            dynamic_rules: None,
            line_chars: Some(fig(2_000, "2,000", CLOUDFLARE_PAGES_HEADERS)),
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
        files_per_folder: Some(fig(54_000, "54,000", NETLIFY_DEPLOYS)),
        // Netlify's current documentation gives no limit for one file. Its older pages
        // (still served) say: "Files over 10 MByte in size are not well-supported by our CDN
        // and will likely fail to upload": the figure commonly cited, said as a note.
        file_bytes: None,
        file_bytes_advised: Some(fig(10_000_000, "10 MB", NETLIFY_LARGE_FILES)),
        total_bytes: None,
        path_bytes: None,
        // No count is documented: "If you need to set up 10,000 redirects or more, we
        // recommend using wildcards or placeholders as much as possible."
        redirects: Rules::Read {
            rules: None,
            dynamic_rules: None,
            line_chars: None,
            advised_rules: Some(fig(10_000, "10,000", NETLIFY_REDIRECTS)),
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
        // One PUT uploads an object of up to 5 GB (larger ones take a multipart upload). AWS
        // writes GB and means 2^30 bytes, as the 5 GiB of its largest part says.
        file_bytes: Some(fig(5 * GIB, "5 GB", S3_UPLOAD)),
        file_bytes_advised: None,
        total_bytes: None,
        // "The object key name consists of a sequence of Unicode characters encoded in UTF-8,
        // with a maximum length of 1,024 bytes", the prefix (the bucket's folder) included.
        path_bytes: Some(fig(1_024, "1,024", S3_KEYS)),
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

mod listing;
#[cfg(test)]
mod tests;

pub use listing::Listing;
