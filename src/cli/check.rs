//! `dateline check`

use std::io::IsTerminal;

use clap::Args;

use super::build::BuildArgs;
use super::{Failure, Verbosity};
use crate::config::{Config, Host};
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
        let mut options = self.build.options(verbosity)?;
        // Refuse what `build` refuses, and leave the record to `build`.
        if options.urls == crate::UrlPolicy::Record {
            options.urls = crate::UrlPolicy::Verify;
        }
        let (summary, (checked, hosted)) = crate::build_once(&options, |summary| {
            let checked = crate::check::check_output(&summary.output, &summary.output, &summary.base_url);
            let hosted = host.map(|host| hosts::check_host(&summary.output, host));
            (checked, hosted)
        })?;
        super::report_warnings(&summary);
        if let Some(report) = &hosted
            && verbosity != Verbosity::Quiet
        {
            notes(report);
        }
        // The host's problems beside the others: one list, one exit code.
        let host_errors = hosted.as_ref().map_or(&[][..], |r| r.errors.as_slice());
        let report = match checked {
            Ok(report) if hosted.as_ref().is_none_or(HostReport::is_ok) => report,
            Ok(_) => return Err(Failure::Check(host_errors.to_vec().into())),
            Err(mut list) => {
                list.extend_from_slice(host_errors);
                return Err(Failure::Check(list.into()));
            }
        };
        if verbosity != Verbosity::Quiet {
            println!(
                "Checked {}, {} and {}: no problems",
                counted(report.pages, "page"),
                counted(report.links, "link"),
                match report.xml_files {
                    1 => "1 feed or sitemap".to_string(),
                    n => format!("{} feeds and sitemaps", thousands(n)),
                }
            );
            if let Some(report) = &hosted {
                println!("{}: within its limits", report.summary());
            }
        }
        Ok(())
    }
}

/// Says what the host ignores or advises against, one `note:` line each.
fn notes(report: &HostReport) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut stderr = std::io::stderr().lock();
    for note in &report.notes {
        // Nothing more can be said if stderr is gone.
        let _ = super::say(&mut stderr, "note", note, color);
    }
}
