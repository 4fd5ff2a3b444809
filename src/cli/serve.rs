//! `dateline serve`

use std::net::IpAddr;
use std::path::PathBuf;

use clap::Args;

use super::{Failure, Verbosity};
use crate::serve::{ServeError, ServeOptions, serve};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The site folder (holds dateline.toml).
    #[arg(short, long, default_value = ".", value_name = "SITE")]
    pub site: PathBuf,
    /// Address to listen on; loopback unless you want other machines to see the site.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
    pub bind: IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Open the site in the browser.
    #[arg(long)]
    pub open: bool,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include articles dated after now.
    #[arg(long)]
    pub future: bool,
    /// Worker threads [default: one per core].
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,
}

impl ServeArgs {
    pub fn run(self, verbosity: Verbosity) -> Result<(), Failure> {
        serve(ServeOptions {
            site: self.site,
            bind: self.bind,
            port: self.port,
            open: self.open,
            drafts: self.drafts,
            future: self.future,
            jobs: self.jobs,
            quiet: verbosity == Verbosity::Quiet,
        })
        .map_err(|e| match e {
            ServeError::NotASite(problems) => Failure::Problems(problems),
            // Not bad usage (exit 2, which clap gives a command line that makes no sense):
            // every other error is the machine's state when serve runs, and the same
            // command can work another time. That includes a busy port, even one the user
            // chose: the default one can be just as busy, and it was not a mistake to
            // leave it.
            e => Failure::Serve(e),
        })
    }
}
