//! `dateline build`

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use clap::Args;

use super::{Failure, Verbosity, parse_now, resolve_now};
use crate::config::BaseUrl;
use crate::render::counted;

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The site folder (holds dateline.toml).
    #[arg(short, long, default_value = ".", value_name = "SITE")]
    pub site: PathBuf,
    /// The output folder [default: SITE/public].
    #[arg(short, long, value_name = "OUT")]
    pub out: Option<PathBuf>,
    /// Build for another address than base_url (e.g. a staging host).
    #[arg(long, value_name = "URL", value_parser = BaseUrl::parse)]
    pub base_url: Option<BaseUrl>,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include articles dated after now.
    #[arg(long)]
    pub future: bool,
    /// "The present", RFC 3339 [default: SOURCE_DATE_EPOCH, else the clock].
    #[arg(long, value_name = "TIME", value_parser = parse_now)]
    pub now: Option<DateTime<FixedOffset>>,
    /// Worker threads [default: one per core].
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Ignore the build cache: read every source and write every file.
    #[arg(long)]
    pub clean: bool,
    /// Accept that URLs the site published (urls.lock) are no longer published, and record
    /// their removal.
    #[arg(long)]
    pub accept_removed: bool,
    /// Put the files that changed in the output folder all at once, as `[output] atomic`
    /// does: a link per file of the folder beside it, then one exchange of names.
    #[arg(long)]
    pub atomic: bool,
    /// Look up every file of the output folder, rather than trust it by its stamp (the
    /// folder and its top level): a file deleted or changed by hand deep in it is found
    /// and written again. `dateline check` always does.
    #[arg(long)]
    pub verify_output: bool,
}

impl BuildArgs {
    /// The build these arguments ask for, saying as much as `verbosity` lets it.
    pub fn options(self, verbosity: Verbosity) -> Result<crate::BuildOptions, Failure> {
        Ok(crate::BuildOptions {
            now: resolve_now(self.now)?,
            site: self.site,
            out: self.out,
            base_url: self.base_url,
            drafts: self.drafts,
            future: self.future,
            jobs: self.jobs,
            versioned_assets: true,
            use_cache: !self.clean,
            progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            quiet: verbosity == Verbosity::Quiet,
            urls: match self.accept_removed {
                true => crate::UrlPolicy::AcceptRemovals,
                false => crate::UrlPolicy::Record,
            },
            atomic: self.atomic,
            verify_output: self.verify_output,
        })
    }

    pub fn run(self, verbosity: Verbosity) -> Result<(), Failure> {
        let options = self.options(verbosity)?;
        let (summary, ()) = crate::build_once(&options, |_, _| ())?;
        super::report_warnings(&summary);
        super::report_urls(&summary, verbosity);
        if verbosity != Verbosity::Quiet {
            let seconds = summary.elapsed.as_secs_f64();
            let precision = if seconds < 1.0 { 3 } else { 2 };
            println!(
                "Built {} → {} in {seconds:.precision$} s",
                counted(summary.articles, "article"),
                counted(summary.pages, "page"),
            );
            if verbosity == Verbosity::Verbose {
                println!("Stages: {}", summary.timings);
                println!(
                    "{} rendered, {} written, {} removed",
                    counted(summary.rendered, "page"),
                    counted(summary.written, "file"),
                    counted(summary.removed, "file"),
                );
                println!(
                    "{} by {}; {} copied; output in {}",
                    counted(summary.articles, "article"),
                    counted(summary.authors, "author"),
                    counted(summary.copied, "file"),
                    summary.output.display()
                );
                if summary.search_indexed.years > 0 {
                    println!(
                        "Search: indexed {} of {} ({} unchanged, kept)",
                        counted(summary.search_indexed.articles, "article"),
                        counted(summary.search_indexed.years, "part"),
                        counted(summary.search_indexed.kept, "part"),
                    );
                }
            }
        }
        Ok(())
    }
}
