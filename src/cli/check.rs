//! `dateline check`
//!
//! Says what the check found for the people who fix it: one line a problem on stderr,
//! at the file to edit (an article's source, when its body made the broken link), or the
//! same as one JSON document on stdout for CI tools (`--format json`). Errors fail the
//! check; warnings only with `--deny-warnings`; notes never.

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};
use serde::Serialize;

use super::build::BuildArgs;
use super::{Failure, Verbosity};
use crate::check::{self, Checked, External, Problem};
use crate::config::{Config, Host};
use crate::diag::{Diagnostic, Severity};
use crate::publish::hosts::{self, HostReport};
use crate::render::{counted, thousands};

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub build: BuildArgs,
    /// Also check what HOST would refuse or ignore of the output: its file count, file and
    /// site sizes, and its reading of _redirects and _headers [default: `[deploy] host`].
    #[arg(long, value_name = "HOST")]
    pub host: Option<Host>,
    /// Fail on warnings too (an article without an author, an image without alt text, …),
    /// not only on errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// How to print the problems: one line each on stderr, or one JSON document on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text, value_name = "FORMAT")]
    pub format: Format,
    /// Also ask other sites for the pages the site links to (a few requests at a time,
    /// answers kept a day in SITE/.dateline/external-links).
    #[arg(long)]
    pub external: bool,
}

/// How `dateline check` prints what it found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `path:line:col: error: message`, one a line, on stderr.
    Text,
    /// One JSON document on stdout (see docs/checking.md).
    Json,
}

impl CheckArgs {
    /// Builds the site as `build` does, then checks what was written, and what the host
    /// would make of it.
    pub fn run(self, verbosity: Verbosity) -> Result<(), Failure> {
        // `[deploy] host` unless `--host` says otherwise. A configuration that cannot be
        // read names no host here: the build reports its problems.
        let host = self.host.or_else(|| {
            Config::load(&self.build.site, None)
                .ok()
                .and_then(|config| config.deploy.host)
        });
        let (format, deny) = (self.format, self.deny_warnings);
        let mut options = self.build.options(verbosity)?;
        // What the output folder holds is checked: every file of it, not its stamp.
        options.verify_output = true;
        // Refuse what `build` refuses, and leave the record to `build`.
        if options.urls == crate::UrlPolicy::Record {
            options.urls = crate::UrlPolicy::Verify;
        }
        let external = self.external.then(|| External::new(&options.site));
        let built = crate::build_once(&options, |summary, project| {
            let site = project.archive().map(|archive| check::Site {
                root: project.root(),
                archive,
            });
            let (out, base) = (&summary.output, &summary.base_url);
            let checked = check::check_site(out, out, base, site.as_ref(), external.as_ref());
            let hosted = host.map(|host| hosts::check_host(out, host));
            (checked, hosted)
        });
        let (summary, (mut checked, hosted)) = match built {
            Ok(done) => done,
            Err(error) => return failed_build(error, format),
        };
        super::report_warnings(&summary);
        // The host's problems beside the others: one list, one exit code.
        let host_errors = hosted.as_ref().map_or(&[][..], |r| r.errors.as_slice());
        checked.problems.extend(host_errors.iter().map(|d| Problem {
            diagnostic: d.clone(),
            page: None,
        }));
        checked.problems.sort();
        let failing = checked.problems.iter().filter(|p| p.diagnostic.fails(deny)).count();
        let failed = format!(
            "{} found; the site was built, but does not pass the check",
            counted(failing, "problem")
        );
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        let mut stderr = std::io::stderr().lock();
        if format == Format::Json {
            print_json(&checked.problems, Some(&checked), failing == 0);
            // What the host ignores is no problem of the site: said beside the JSON.
            if let Some(report) = &hosted
                && verbosity != Verbosity::Quiet
            {
                notes(&mut stderr, report, color);
            }
            return match failing {
                0 => Ok(()),
                _ => Err(Failure::Reported(failed)),
            };
        }
        for problem in &checked.problems {
            let d = &problem.diagnostic;
            // Quiet: nothing but what fails the check.
            if verbosity != Verbosity::Quiet || d.fails(deny) {
                // Nothing more can be said if stderr is gone.
                let _ = super::problem(&mut stderr, d, color);
            }
        }
        if let Some(report) = &hosted
            && verbosity != Verbosity::Quiet
        {
            notes(&mut stderr, report, color);
        }
        if failing > 0 {
            return Err(Failure::Reported(failed));
        }
        if verbosity != Verbosity::Quiet {
            println!("{}", passed(&checked));
            if let Some(report) = &hosted {
                println!("{}: within its limits", report.summary());
            }
        }
        Ok(())
    }
}

/// The line of a check that passed: what it looked at, and its warnings.
fn passed(checked: &Checked) -> String {
    let report = &checked.report;
    let warnings = (checked.problems.iter())
        .filter(|p| p.diagnostic.severity == Severity::Warning)
        .count();
    let mut line = format!(
        "Checked {}, {} and {}",
        counted(report.pages, "page"),
        counted(report.links, "link"),
        match report.xml_files {
            1 => "1 feed or sitemap".to_string(),
            n => format!("{} feeds and sitemaps", thousands(n)),
        }
    );
    if let Some(asked) = &checked.external {
        let urls = asked.asked + asked.cached;
        line.push_str(&format!(", {}", counted(urls, "external URL")));
        if asked.cached > 0 {
            line.push_str(&format!(" ({} answered within a day)", thousands(asked.cached)));
        }
    }
    match warnings {
        0 => line.push_str(": no problems"),
        n => line.push_str(&format!(": no errors, {}", counted(n, "warning"))),
    }
    line
}

/// A build that failed: with `--format json`, its problems as the check's (if problems
/// are why it failed).
fn failed_build(error: crate::Error, format: Format) -> Result<(), Failure> {
    match error.problems() {
        Some(list) if format == Format::Json => {
            let problems: Vec<Problem> = (list.iter())
                .map(|d| Problem {
                    diagnostic: d.clone(),
                    page: None,
                })
                .collect();
            print_json(&problems, None, false);
            if let Some(cache) = error.cache_not_saved() {
                let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
                // Nothing more can be said if stderr is gone.
                let _ = super::say(&mut std::io::stderr().lock(), "warning", &cache.to_string(), color);
            }
            Err(Failure::Reported(format!(
                "{} found; {}",
                counted(list.len(), "problem"),
                error.outcome()
            )))
        }
        _ => Err(error.into()),
    }
}

/// Says what the host ignores or advises against, one `note:` line each.
fn notes(w: &mut dyn Write, report: &HostReport, color: bool) {
    for note in &report.notes {
        // Nothing more can be said if stderr is gone.
        let _ = super::say(w, "note", note, color);
    }
}

/// The JSON document of `--format json`: every problem, how many of each severity,
/// whether the check passed, and what it looked at (none if the site did not build).
#[derive(Debug, Serialize)]
struct JsonReport<'a> {
    problems: Vec<JsonProblem<'a>>,
    errors: usize,
    warnings: usize,
    notes: usize,
    passed: bool,
    checked: Option<JsonChecked>,
}

#[derive(Debug, Serialize)]
struct JsonProblem<'a> {
    severity: &'static str,
    file: String,
    line: usize,
    column: usize,
    message: &'a str,
    hint: Option<&'a str>,
    notes: &'a [String],
    page: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct JsonChecked {
    pages: usize,
    links: usize,
    feeds_and_sitemaps: usize,
    external_urls: Option<usize>,
}

impl<'a> JsonReport<'a> {
    fn new(problems: &'a [Problem], checked: Option<&Checked>, passed: bool) -> JsonReport<'a> {
        let of = |s: Severity| problems.iter().filter(|p| p.diagnostic.severity == s).count();
        JsonReport {
            problems: problems.iter().map(JsonProblem::new).collect(),
            errors: of(Severity::Error),
            warnings: of(Severity::Warning),
            notes: of(Severity::Note),
            passed,
            checked: checked.map(|c| JsonChecked {
                pages: c.report.pages,
                links: c.report.links,
                feeds_and_sitemaps: c.report.xml_files,
                external_urls: c.external.map(|a| a.asked + a.cached),
            }),
        }
    }
}

impl<'a> JsonProblem<'a> {
    fn new(problem: &'a Problem) -> JsonProblem<'a> {
        let d: &'a Diagnostic = &problem.diagnostic;
        JsonProblem {
            severity: d.severity.as_str(),
            file: d.path.to_string_lossy().into_owned(),
            line: d.line,
            column: d.column,
            message: &d.message,
            hint: d.hint.as_deref(),
            notes: &d.notes,
            page: problem.page.as_deref(),
        }
    }
}

/// Prints the JSON document of `problems` on stdout.
fn print_json(problems: &[Problem], checked: Option<&Checked>, passed: bool) {
    let report = JsonReport::new(problems, checked, passed);
    let mut stdout = std::io::stdout().lock();
    // Serializing plain fields cannot fail; nothing more can be said if stdout is gone.
    if serde_json::to_writer_pretty(&mut stdout, &report).is_ok() {
        let _ = writeln!(stdout);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_has_every_field_of_each_problem_and_the_counts() {
        let problems = vec![
            Problem {
                diagnostic: Diagnostic::new("content/a.md", 3, 7, "broken link: /x/")
                    .with_note("on /a/ (public/a/index.html:9:2)"),
                page: Some("/a/".into()),
            },
            Problem {
                diagnostic: Diagnostic::warning("content/b.md", 1, 1, "no author").with_hint("add `author`"),
                page: None,
            },
        ];
        let text = serde_json::to_string(&JsonReport::new(&problems, None, false)).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            (
                json["errors"].as_u64(),
                json["warnings"].as_u64(),
                json["notes"].as_u64()
            ),
            (Some(1), Some(1), Some(0))
        );
        assert_eq!(json["passed"], false);
        assert!(json["checked"].is_null());
        let first = &json["problems"][0];
        assert_eq!(first["severity"], "error");
        assert_eq!(first["file"], "content/a.md");
        assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(3), Some(7)));
        assert_eq!(first["message"], "broken link: /x/");
        assert!(first["hint"].is_null());
        assert_eq!(first["notes"][0], "on /a/ (public/a/index.html:9:2)");
        assert_eq!(first["page"], "/a/");
        let second = &json["problems"][1];
        assert_eq!(second["severity"], "warning");
        assert_eq!(second["hint"], "add `author`");
        assert!(second["page"].is_null());
    }
}
