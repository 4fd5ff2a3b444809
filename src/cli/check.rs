//! `dateline check`

use clap::Args;

use super::build::BuildArgs;
use super::{Failure, Verbosity};
use crate::render::{counted, thousands};

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub build: BuildArgs,
}

impl CheckArgs {
    /// Builds the site as `build` does, then checks what was written.
    pub fn run(self, verbosity: Verbosity) -> Result<(), Failure> {
        let mut options = self.build.options(verbosity)?;
        // Refuse what `build` refuses, and leave the record to `build`.
        if options.urls == crate::UrlPolicy::Record {
            options.urls = crate::UrlPolicy::Verify;
        }
        let (summary, checked) = crate::build_once(&options, |summary| {
            crate::check::check_output(&summary.output, &summary.output, &summary.base_url)
        })?;
        super::report_warnings(&summary);
        let report = checked.map_err(|list| Failure::Check(list.into()))?;
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
        }
        Ok(())
    }
}
