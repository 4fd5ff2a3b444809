//! `dateline check`
//!
//! Says what the check found for the people who fix it: one line a problem on stderr, at
//! the file to edit (an article's source, when its body made the broken link). Errors
//! fail the check; warnings only with `--deny-warnings`; notes never.

use std::io::{IsTerminal, Write};

use clap::Args;

use super::build::BuildArgs;
use super::{Failure, Verbosity};
use crate::check::{self, Checked, Problem};
use crate::config::{Config, Host};
use crate::diag::Severity;
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
        let deny = self.deny_warnings;
        let mut options = self.build.options(verbosity)?;
        // Refuse what `build` refuses, and leave the record to `build`.
        if options.urls == crate::UrlPolicy::Record {
            options.urls = crate::UrlPolicy::Verify;
        }
        let built = crate::build_once(&options, |summary, project| {
            let site = project.archive().map(|archive| check::Site {
                root: project.root(),
                archive,
            });
            let (out, base) = (&summary.output, &summary.base_url);
            let checked = check::check_site(out, out, base, site.as_ref());
            let hosted = host.map(|host| hosts::check_host(out, host));
            (checked, hosted)
        });
        let (summary, (mut checked, hosted)) = match built {
            Ok(done) => done,
            Err(error) => return Err(error.into()),
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
    match warnings {
        0 => line.push_str(": no problems"),
        n => line.push_str(&format!(": no errors, {}", counted(n, "warning"))),
    }
    line
}

/// Says what the host ignores or advises against, one `note:` line each.
fn notes(w: &mut dyn Write, report: &HostReport, color: bool) {
    for note in &report.notes {
        // Nothing more can be said if stderr is gone.
        let _ = super::say(w, "note", note, color);
    }
}
