//! `dateline import rss|atom|wxr FILE`, `dateline import hugo|jekyll|pelican DIR`

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::Args;

use super::{Failure, Verbosity};
use crate::diag::shown;
use crate::import::{self, ImportError, Kind, Level, Outcome};
use crate::render::counted;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What SOURCE is: a feed or export file (rss, atom, wxr), or a site's folder (hugo,
    /// jekyll, pelican).
    #[arg(value_enum, value_name = "KIND")]
    pub kind: Kind,
    /// The file or folder to import.
    #[arg(value_name = "SOURCE")]
    pub source: PathBuf,
    /// The dateline site to write into.
    #[arg(short, long, default_value = ".", value_name = "SITE")]
    pub site: PathBuf,
    /// List the files that would be written; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Replace files that differ from what the import writes (edited since the last import).
    #[arg(long)]
    pub force: bool,
    /// Copy the images the items link from this folder (such as a copy of WordPress's
    /// wp-content/uploads) into content/images/, and link the copies (rss, atom, wxr).
    #[arg(long, value_name = "DIR")]
    pub images: Option<PathBuf>,
}

impl ImportArgs {
    pub fn run(self, verbosity: Verbosity) -> Result<(), Failure> {
        if self.kind.is_feed() {
            if !self.source.is_file() {
                return Err(Failure::Usage(format!("{} is not a file", self.source.display())));
            }
        } else {
            if !self.source.is_dir() {
                return Err(Failure::Usage(format!("{} is not a folder", self.source.display())));
            }
            if self.images.is_some() {
                return Err(Failure::Usage(
                    "--images copies the images of feeds and WordPress exports; a site's own images are in its folder"
                        .into(),
                ));
            }
        }
        let options = import::Options {
            kind: self.kind,
            source: self.source,
            site: self.site.clone(),
            dry_run: self.dry_run,
            force: self.force,
            images: self.images,
            progress: verbosity != Verbosity::Quiet,
        };
        let report = import::run(&options).map_err(|e| match e {
            ImportError::Problems(list) => Failure::Problems(list),
            ImportError::Io(e) => Failure::Io(e),
        })?;
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        {
            let mut stderr = std::io::stderr().lock();
            for notice in &report.notices {
                if verbosity == Verbosity::Quiet && notice.level == Level::Warning {
                    continue;
                }
                let line = notice.to_string();
                // Nothing more can be said if stderr is gone.
                let _ = if color {
                    let (level, paint) = match notice.level {
                        Level::Warning => ("warning", "1;33"),
                        Level::Error => ("error", "1;31"),
                    };
                    let (head, rest) = line.split_once(&format!(": {level}: ")).unwrap_or((&line, ""));
                    writeln!(stderr, "\x1b[1m{head}:\x1b[0m \x1b[{paint}m{level}:\x1b[0m {rest}")
                } else {
                    writeln!(stderr, "{line}")
                };
            }
        }
        if verbosity != Verbosity::Quiet {
            let mut stdout = std::io::stdout().lock();
            if self.dry_run || verbosity == Verbosity::Verbose {
                for (rel, outcome) in &report.files {
                    let path = shown(&self.site, rel);
                    let said = match (outcome, self.dry_run) {
                        (Outcome::Written, true) => format!("would write {}", path.display()),
                        (Outcome::Written, false) => format!("wrote {}", path.display()),
                        (Outcome::Kept, _) => format!("kept {} (it differs; --force replaces it)", path.display()),
                        (Outcome::Unchanged, _) if verbosity == Verbosity::Verbose => {
                            format!("unchanged {}", path.display())
                        }
                        (Outcome::Unchanged, _) => continue,
                    };
                    let _ = writeln!(stdout, "{said}");
                }
            }
            let _ = writeln!(stdout, "{}", report.summary.headline());
            let _ = writeln!(stdout, "{}", report.summary.files());
        }
        if report.summary.failed > 0 {
            return Err(Failure::Import(format!(
                "{} not imported (their problems are above); the others were",
                counted(report.summary.failed, "item")
            )));
        }
        Ok(())
    }
}
