//! `dateline deploy`: the output folder sent to S3-compatible object storage, only what
//! changed.
//!
//! The bucket keeps a manifest of what the last deploy sent ([`manifest`]); the output
//! folder's files and hashes come from the build's own record ([`local`]); the two
//! compared give what to send and what to delete ([`plan`]), without listing the bucket or
//! reading an unchanged file. Without a manifest (a first deploy, or one from elsewhere),
//! or with `--full`, the bucket is listed and every file compared by its MD5 with the
//! object's ETag, as `hugo deploy` does every time. Each object is stored with its headers
//! ([`meta`]); the requests go through `object_store` ([`store`]), made and counted by a
//! [`job::Job`].

mod job;
mod local;
mod manifest;
mod meta;
pub(crate) use meta::content_type;
mod plan;
mod store;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::{Compression, Config, Host};
use crate::diag::Diagnostics;
use crate::error::IoError;
use crate::headers::Rules;
use crate::publish::hosts::{HostReport, Listing, REDIRECTS};
use job::Job;
pub use local::Known;
use local::LocalFile;
use meta::Meta;
use plan::Plan;
pub use store::Settings;

/// What `dateline deploy` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub site: PathBuf,
    /// The output folder; `SITE/public` if not given.
    pub out: Option<PathBuf>,
    /// `s3://BUCKET[/PREFIX]`, else `[deploy] to`.
    pub to: Option<String>,
    pub endpoint: Option<String>,
    pub region: Option<String>,
    /// Say what would be sent and deleted, and do nothing.
    pub dry_run: bool,
    /// Compare with a listing of the bucket rather than the manifest.
    pub full: bool,
    /// Show a progress line.
    pub progress: bool,
}

/// What a deploy did (or, dry, would do).
#[derive(Debug, Default)]
pub struct Report {
    pub target: String,
    /// The files sent, in the order they were: `(path, new)`.
    pub sent: Vec<(String, bool)>,
    /// Bytes read from the output folder for them.
    pub bytes: u64,
    /// Bytes sent for them (compressed where `[deploy] compress` says).
    pub bytes_sent: u64,
    pub deleted: Vec<String>,
    pub unchanged: usize,
    /// Requests made to the store (each retry of one not counted again).
    pub requests: usize,
    pub known: Option<Known>,
    /// Whether the bucket was listed (a first deploy, or `--full`).
    pub listed: bool,
    pub dry_run: bool,
    /// Feeds the WebSub hub was told of, and a warning if it could not be.
    pub hub_pinged: usize,
    pub hub_warning: Option<String>,
    /// What object storage ignores of the site (`_redirects`, `_headers`).
    pub notes: Vec<String>,
    pub elapsed: Duration,
}

/// Why a deploy failed.
#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error("{0}")]
    Config(Diagnostics),
    #[error(
        "no place to deploy to: give `--to s3://BUCKET[/PREFIX]`, or `to = \"s3://BUCKET\"` under [deploy] in dateline.toml"
    )]
    NoTarget,
    #[error("invalid `--to`: {0}")]
    Target(String),
    #[error(
        "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with a profile of ~/.aws/credentials; nothing was sent"
    )]
    NoCredentials,
    #[error("{0}; nothing was sent")]
    Credentials(String),
    #[error("cannot set up the connection to the store: {0}")]
    Setup(String),
    #[error(transparent)]
    Io(#[from] IoError),
    #[error("{0}\nnothing was sent")]
    Limits(String),
    #[error(
        "{}: a build was stopped while it put its files in place ({}): the folder holds some files of the new build and the others of the previous one; run `dateline build` to complete it; nothing was sent",
        out.display(),
        marker.display()
    )]
    Interrupted { out: PathBuf, marker: PathBuf },
    #[error("the bucket `{bucket}` does not exist{at}; nothing was sent")]
    NoBucket { bucket: String, at: String },
    #[error("the store refused the credentials ({0}); nothing was sent")]
    Refused(String),
    #[error(
        "the deploy manifest in the bucket ({key}) cannot be read: {message}; `--full` deploys by a listing of the bucket instead"
    )]
    Manifest { key: String, message: String },
    #[error("cannot {action} `{key}`: {message}\n{outcome}")]
    Store {
        action: &'static str,
        key: String,
        message: String,
        /// What the stopped deploy left.
        outcome: String,
    },
}

/// Where a site is deployed: `s3://BUCKET[/PREFIX]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub bucket: String,
    /// The folder of the bucket that holds the site: empty, or ending in `/`.
    pub prefix: String,
}

impl Target {
    /// Parses `s3://BUCKET[/PREFIX]`.
    pub fn parse(text: &str) -> Result<Target, String> {
        let text = text.trim();
        let rest = text
            .strip_prefix("s3://")
            .ok_or_else(|| format!("`{text}` is not of the form s3://BUCKET[/PREFIX]"))?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
            && !bucket.starts_with(['-', '.'])
            && !bucket.ends_with(['-', '.']);
        if !valid_bucket {
            return Err(format!(
                "`{bucket}` is not a bucket name (3 to 63 lowercase letters, digits, `-` and `.`)"
            ));
        }
        let prefix = prefix.trim_matches('/');
        if prefix.split('/').any(|part| part == "." || part == "..") || prefix.contains("//") {
            return Err(format!("`{prefix}` is not a folder of a bucket"));
        }
        Ok(Target {
            bucket: bucket.to_string(),
            prefix: if prefix.is_empty() {
                String::new()
            } else {
                format!("{prefix}/")
            },
        })
    }
}

/// What S3 would refuse of the output, checked before anything is sent: each file's size
/// and key (with the bucket's folder) against S3's limits (`hosts::HOSTS`), from the
/// lengths the deploy knows already (no file looked at again). Gives the text of
/// `_headers` too, read once here for the objects' headers.
fn host_check(out: &Path, files: &[LocalFile], target: &Target) -> Result<(HostReport, Option<String>), DeployError> {
    let text = |name: &str| match files.iter().any(|f| f.rel == name) {
        true => std::fs::read(out.join(name))
            .map(|b| Some(String::from_utf8_lossy(&b).into_owned()))
            .map_err(|e| IoError::new("read", out.join(name), e)),
        false => Ok(None),
    };
    let listing = Listing {
        out: out.to_path_buf(),
        files: files.iter().map(|f| (f.rel.clone(), f.len)).collect(),
        redirects: text(REDIRECTS)?,
        headers: text(crate::headers::FILE)?,
        ..Listing::default()
    };
    let report = listing.check(Host::S3, &target.prefix);
    if !report.is_ok() {
        let lines: Vec<String> = report.errors.iter().map(ToString::to_string).collect();
        return Err(DeployError::Limits(lines.join("\n")));
    }
    Ok((report, listing.headers))
}

/// How text is stored, as the manifest names it.
fn storage_name(compress: Compression) -> &'static str {
    match compress {
        Compression::None => "none",
        Compression::Gzip => "gzip",
        Compression::Br => "br",
    }
}

/// Deploys the output folder of `options.site` to its bucket.
pub fn deploy(options: &Options) -> Result<Report, DeployError> {
    let started = Instant::now();
    let config = Config::load(&options.site, None).map_err(|list| DeployError::Config(list.into()))?;
    let to = options
        .to
        .clone()
        .or_else(|| config.deploy.to.clone())
        .ok_or(DeployError::NoTarget)?;
    let target = Target::parse(&to).map_err(DeployError::Target)?;
    let settings = Settings {
        endpoint: options.endpoint.clone().or_else(|| config.deploy.endpoint.clone()),
        region: options.region.clone().or_else(|| config.deploy.region.clone()),
    };
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| crate::diag::shown(&options.site, Path::new("public")));
    // No build replaces the output folder while it is sent.
    let _lock = crate::lock::SiteLock::take(&options.site, || {
        eprintln!("Waiting for the build of this site to finish…");
    })?;
    if !out.join("index.html").is_file() {
        return Err(DeployError::Io(IoError::new(
            "deploy",
            &out,
            std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "no built site there (no index.html): run `dateline build` first",
            ),
        )));
    }
    if let Some(marker) = crate::output::interrupted(&out) {
        return Err(DeployError::Interrupted { out, marker });
    }
    let (files, known) = local::files(&options.site, &out)?;
    let (host, headers) = host_check(&out, &files, &target)?;
    let compress = config.deploy.compress;
    let rules = Rules::parse(headers.as_deref().unwrap_or_default());
    let base = config.base_url.path().to_string();
    // Each file's headers, by the rules of `_headers`: on every core (matching 160,000
    // paths against the rules was half of a deploy's own time on one).
    let metas: Vec<Meta> = files
        .par_iter()
        .map(|f| Meta::of(&f.rel, &base, &rules, compress))
        .collect();
    let meta_hashes: Vec<u64> = metas.par_iter().map(Meta::hash).collect();

    let store = store::open(&target, &settings)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| DeployError::Setup(e.to_string()))?;
    let job = Job {
        store,
        target: target.clone(),
        out,
        compress,
        requests: Arc::new(AtomicUsize::new(0)),
        endpoint: settings.endpoint.clone(),
    };
    let mut report = Report {
        notes: host.notes,
        target: to,
        known: Some(known),
        dry_run: options.dry_run,
        ..Report::default()
    };
    runtime.block_on(async {
        let remote = match options.full {
            true => None,
            false => job.manifest().await?,
        };
        let plan = match remote {
            Some(manifest) => Plan::new(&files, &meta_hashes, &manifest, storage_name(compress)),
            None => {
                report.listed = true;
                job.plan_by_listing(&files, &meta_hashes, &metas).await?
            }
        };
        report.unchanged = plan.unchanged;
        report.bytes = plan.bytes();
        if options.dry_run {
            report.sent = plan.uploads.iter().map(|u| (u.rel.clone(), u.new)).collect();
            report.deleted = plan.deletions.clone();
            return Ok(());
        }
        let by_rel: HashMap<&str, &Meta> = files.iter().zip(&metas).map(|(f, m)| (f.rel.as_str(), m)).collect();
        let concurrency = config.deploy.concurrency;
        job.send(&plan, &by_rel, concurrency, options.progress, &mut report)
            .await?;
        job.delete(&plan, &mut report).await?;
        job.save_manifest(&plan, &report).await?;
        if let Some(hub) = &config.hub {
            let feeds: Vec<String> = report
                .sent
                .iter()
                .filter(|(rel, _)| rel.ends_with("atom.xml") || rel.ends_with("rss.xml"))
                .map(|(rel, _)| config.base_url.join(rel))
                .collect();
            if !feeds.is_empty() {
                match job.ping(hub, &feeds).await {
                    Ok(()) => report.hub_pinged = feeds.len(),
                    Err(message) => report.hub_warning = Some(message),
                }
            }
        }
        Ok::<(), DeployError>(())
    })?;
    report.requests = job.requests.load(Ordering::Relaxed);
    report.elapsed = started.elapsed();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_a_bucket_and_a_folder() {
        let t = Target::parse("s3://news-archive").unwrap();
        assert_eq!((t.bucket.as_str(), t.prefix.as_str()), ("news-archive", ""));
        let t = Target::parse("s3://news-archive/site/2026/").unwrap();
        assert_eq!((t.bucket.as_str(), t.prefix.as_str()), ("news-archive", "site/2026/"));
        assert!(Target::parse("news-archive").is_err());
        assert!(Target::parse("s3://News").is_err());
        assert!(Target::parse("s3://ab").is_err());
        assert!(Target::parse("s3://archive/../x").is_err());
    }
}
