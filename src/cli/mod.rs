//! The command line: one `Args` struct with a `run` per subcommand.

mod build;
mod check;
mod init;
mod new;
mod serve;

use std::io::IsTerminal;

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use clap::{Parser, Subcommand};

use crate::diag::Diagnostics;

/// Exit code of a build or check that found problems in the site.
pub const EXIT_PROBLEMS: i32 = 1;
/// Exit code of a command line that makes no sense (clap uses it too).
pub const EXIT_USAGE: i32 = 2;

/// dateline: a static site generator for news archives.
#[derive(Debug, Parser)]
#[command(name = "dateline", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// Print nothing but errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about what is done.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into its output folder.
    Build(build::BuildArgs),
    /// Build the site, then check every link, fragment, feed and sitemap of the output.
    Check(check::CheckArgs),
    /// Create a new site in DIR.
    Init(init::InitArgs),
    /// Write a new Markdown article dated now.
    New(new::NewArgs),
    /// Build, serve on this machine, and rebuild and reload on every edit.
    Serve(serve::ServeArgs),
}

/// How much to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// mimalloc's option `purge_delay`: its place in `mi_option_t`, the same in mimalloc 2
/// and 3 as libmimalloc-sys 0.1.49 builds them (the crate does not name it; look again
/// when it is upgraded: `MIMALLOC_VERBOSE=1` lists the options and their values).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Memory a command frees stays with the process for its next allocations, instead of
/// going back to the system (mimalloc purges it after a delay) to be asked for again and
/// cleared by the kernel once more. A build frees and allocates again the memory of every
/// page it writes: at 100,000 articles mimalloc gave back 265 MiB that way, and clearing
/// pages fell from 12% to 6% of a profile's samples without it. Not for `serve`: a server
/// that lives on gives memory back.
fn keep_freed_memory() {
    // SAFETY: sets one of mimalloc's options, before the command starts any thread.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    if !matches!(cli.command, Command::Serve(_)) {
        keep_freed_memory();
    }
    let result = match cli.command {
        Command::Build(args) => args.run(verbosity),
        Command::Check(args) => args.run(verbosity),
        Command::Init(args) => args.run(verbosity),
        Command::New(args) => args.run(verbosity),
        Command::Serve(args) => args.run(verbosity),
    };
    match result {
        Ok(()) => 0,
        Err(Failure::Problems(list)) => {
            report(&list, "nothing was written");
            EXIT_PROBLEMS
        }
        Err(Failure::Check(list)) => {
            report(&list, "the site was built, but does not pass the check");
            EXIT_PROBLEMS
        }
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            EXIT_USAGE
        }
    }
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Problems in the site's files.
    #[error("{0}")]
    Problems(#[from] Diagnostics),
    /// Problems found in a built site by `check`.
    #[error("{0}")]
    Check(Diagnostics),
    /// A command line that cannot be carried out.
    #[error("{0}")]
    Usage(String),
}

fn report(list: &Diagnostics, outcome: &str) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in list.iter() {
        let line = d.to_string();
        if color {
            let (head, rest) = line.split_once(": error: ").unwrap_or((&line, ""));
            eprintln!("\x1b[1m{head}:\x1b[0m \x1b[1;31merror:\x1b[0m {rest}");
        } else {
            eprintln!("{line}");
        }
    }
    let n = list.len();
    eprintln!("{n} problem{} found; {outcome}", if n == 1 { "" } else { "s" });
}

/// "The present": `--now`, else `SOURCE_DATE_EPOCH`, else the clock.
pub fn resolve_now(now: Option<DateTime<FixedOffset>>) -> Result<DateTime<FixedOffset>, Failure> {
    if let Some(now) = now {
        return Ok(now);
    }
    if let Some(epoch) = std::env::var_os("SOURCE_DATE_EPOCH") {
        let text = epoch.to_string_lossy();
        let seconds: i64 = text
            .trim()
            .parse()
            .map_err(|_| Failure::Usage(format!("SOURCE_DATE_EPOCH is `{text}`, not a number of seconds")))?;
        return Utc
            .timestamp_opt(seconds, 0)
            .single()
            .map(|t| t.fixed_offset())
            .ok_or_else(|| Failure::Usage(format!("SOURCE_DATE_EPOCH {seconds} is out of range")));
    }
    Ok(Utc::now().fixed_offset())
}

/// Parses `--now`.
pub fn parse_now(text: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(text)
        .map_err(|e| format!("`{text}` is not an RFC 3339 time such as 2025-10-26T12:00:00Z ({e})"))
}
