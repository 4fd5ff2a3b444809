//! The files of an output folder, and what a host would make of them (the checks of
//! `HostReport`, by the figures of `HOSTS`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{HostReport, Limits, REDIRECTS, Rules, limits, size};
use crate::config::Host;
use crate::diag::Diagnostic;
use crate::render::{counted, thousands};

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

impl Listing {
    /// Lists every file of `out` (those whose names start with a dot too), with its length.
    pub fn read(out: &Path) -> Listing {
        let mut problems = Vec::new();
        if !out.is_dir() {
            problems.push(Diagnostic::file(out, "no output folder here: build the site first"));
        }
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
        for name in [REDIRECTS, crate::headers::FILE] {
            if !listing.files.iter().any(|(f, _)| f == name) {
                continue;
            }
            let text = match std::fs::read(out.join(name)) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(e) => {
                    listing
                        .problems
                        .push(Diagnostic::file(out.join(name), format!("cannot read: {e}")));
                    continue;
                }
            };
            match name {
                REDIRECTS => listing.redirects = Some(text),
                _ => listing.headers = Some(text),
            }
        }
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
