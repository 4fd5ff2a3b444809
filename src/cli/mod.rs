//! The command line: one `Args` struct with a `run` per subcommand.

mod build;
mod check;
mod deploy;
mod import;
mod init;
mod new;
mod serve;

use std::io::{IsTerminal, Write};

use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use clap::{Parser, Subcommand};

use crate::BuildSummary;
use crate::diag::Diagnostics;
use crate::error::{Error, IoError};

/// Exit code of a command that failed: problems in the site, or what the file system
/// refused.
pub(crate) const EXIT_PROBLEMS: i32 = 1;
/// Exit code of a command line that makes no sense (clap uses it too).
pub(crate) const EXIT_USAGE: i32 = 2;

/// dateline: a static site generator for news archives.
#[derive(Debug, Parser)]
#[command(name = "dateline", version, about, long_about = None, propagate_version = true)]
pub(crate) struct Cli {
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
pub(crate) enum Command {
    /// Build the site into its output folder.
    Build(build::BuildArgs),
    /// Build the site, then check every link, fragment, feed and sitemap of the output.
    Check(check::CheckArgs),
    /// Send the built site to S3-compatible object storage: only what changed.
    Deploy(deploy::DeployArgs),
    /// Import an archive: an RSS or Atom feed, a WordPress export, a Hugo, Jekyll or Pelican site.
    Import(import::ImportArgs),
    /// Create a new site in DIR.
    Init(init::InitArgs),
    /// Write a new Markdown article dated now.
    New(new::NewArgs),
    /// Build, serve on this machine, and rebuild and reload on every edit.
    Serve(serve::ServeArgs),
}

/// How much to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verbosity {
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
        Command::Deploy(args) => args.run(verbosity),
        Command::Import(args) => args.run(verbosity),
        Command::Init(args) => args.run(verbosity),
        Command::New(args) => args.run(verbosity),
        Command::Serve(args) => args.run(verbosity),
    };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut stderr = std::io::stderr().lock();
    let said = match &result {
        Ok(()) => Ok(()),
        Err(Failure::Problems(list)) => report(&mut stderr, list, "nothing was written", color),
        Err(Failure::Build(error)) => report_failed_build(&mut stderr, error, color),
        Err(Failure::Reported(line)) => writeln!(stderr, "{line}"),
        Err(Failure::Io(error)) => say(&mut stderr, "error", &error.to_string(), color),
        Err(Failure::Serve(error)) => say(&mut stderr, "error", &error.to_string(), color),
        Err(Failure::Deploy(error)) => say(&mut stderr, "error", &error.to_string(), color),
        Err(Failure::Usage(message)) => say(&mut stderr, "error", message, color),
        Err(Failure::Import(message)) => say(&mut stderr, "error", message, color),
    };
    // Nothing more can be said if stderr is gone.
    drop(said);
    match result {
        Ok(()) => 0,
        Err(Failure::Usage(_)) => EXIT_USAGE,
        Err(_) => EXIT_PROBLEMS,
    }
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// Problems in the site's files.
    #[error("{0}")]
    Problems(#[from] Diagnostics),
    /// A build that failed: problems in the site's files, or what the file system refused.
    #[error("{0}")]
    Build(#[from] Error),
    /// What the file system refused a command that writes files of its own (`init`, `new`).
    #[error("{0}")]
    Io(#[from] IoError),
    /// Problems the command said already (`check`, as text or JSON): the last line to say.
    #[error("{0}")]
    Reported(String),
    /// `serve` could not go on: the address, the watcher or the server failed.
    #[error("{0}")]
    Serve(crate::serve::ServeError),
    /// `deploy` failed: what the store or the file system refused, and what it left.
    #[error("{0}")]
    Deploy(crate::publish::deploy::DeployError),
    /// A command line that cannot be carried out.
    #[error("{0}")]
    Usage(String),
    /// `import` left out items for their problems (each said above); it wrote the others.
    #[error("{0}")]
    Import(String),
}

/// Says why a build failed: every problem of the site's files, or the one thing the file
/// system refused; the build cache beside it if it could not be saved either; and what
/// the build left.
fn report_failed_build(w: &mut dyn Write, error: &Error, color: bool) -> std::io::Result<()> {
    let cause = error.cause();
    match cause {
        Error::Problems(list) => problems(w, list, color)?,
        other => say(w, "error", &other.to_string(), color)?,
    }
    if let Some(cache) = error.cache_not_saved() {
        say(w, "warning", &cache.to_string(), color)?;
    }
    match cause {
        Error::Problems(list) => found(w, list, error.outcome()),
        _ => writeln!(w, "{}", error.outcome()),
    }
}

/// Says a build's warnings: a build cache it could not save, a template that looks
/// mistyped, a site without articles.
pub(crate) fn report_warnings(summary: &BuildSummary) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    if summary.output_changed {
        let note = format!(
            "{} was changed since the last build (a file missing or of another length): every file was compared with the build, and those that differed written again",
            summary.output.display()
        );
        let _ = say(&mut std::io::stderr().lock(), "note", &note, color);
    }
    if let Some(cache) = &summary.cache_not_saved {
        // Nothing more can be said if stderr is gone.
        let _ = say(&mut std::io::stderr().lock(), "warning", &cache.to_string(), color);
    }
    for warning in &summary.warnings {
        eprintln!("{warning}");
    }
}

/// Says what the record of published URLs says of a build: the articles that moved (their
/// old URLs redirect), and the removals it accepted.
pub(crate) fn report_urls(summary: &BuildSummary, verbosity: Verbosity) {
    if verbosity == Verbosity::Quiet {
        return;
    }
    let base = summary.base_url.path();
    for m in &summary.urls.moved {
        println!(
            "Moved: {base}{} → {base}{} ({}); the old URL redirects",
            m.from, m.to, m.source
        );
    }
    if summary.urls.removed > 0 {
        println!(
            "Removed {} the site had published, as asked (recorded in urls.lock)",
            crate::render::counted(summary.urls.removed, "URL")
        );
    }
}

/// Lists `list`, then how many problems it holds and what the command left (`outcome`).
fn report(w: &mut dyn Write, list: &Diagnostics, outcome: &str, color: bool) -> std::io::Result<()> {
    problems(w, list, color)?;
    found(w, list, outcome)
}

/// Each problem of `list`, one a line (and its hint and notes).
fn problems(w: &mut dyn Write, list: &Diagnostics, color: bool) -> std::io::Result<()> {
    for d in list.iter() {
        problem(w, d, color)?;
    }
    Ok(())
}

/// One problem: `path:line:col: LEVEL: message`, then its hint and notes.
pub(crate) fn problem(w: &mut dyn Write, d: &crate::diag::Diagnostic, color: bool) -> std::io::Result<()> {
    let line = d.to_string();
    if !color {
        return writeln!(w, "{line}");
    }
    let level = d.severity.as_str();
    let (head, rest) = line.split_once(&format!(": {level}: ")).unwrap_or((&line, ""));
    let paint = match d.severity {
        crate::diag::Severity::Error => "1;31",
        crate::diag::Severity::Warning => "1;33",
        crate::diag::Severity::Note => "1;36",
    };
    writeln!(w, "\x1b[1m{head}:\x1b[0m \x1b[{paint}m{level}:\x1b[0m {rest}")
}

/// How many problems `list` holds, and what the command left.
fn found(w: &mut dyn Write, list: &Diagnostics, outcome: &str) -> std::io::Result<()> {
    let n = list.len();
    writeln!(w, "{n} problem{} found; {outcome}", if n == 1 { "" } else { "s" })
}

/// One line: `error: message` or `warning: message`.
fn say(w: &mut dyn Write, level: &str, message: &str, color: bool) -> std::io::Result<()> {
    match (color, level) {
        (true, "error") => writeln!(w, "\x1b[1;31merror:\x1b[0m {message}"),
        (true, _) => writeln!(w, "\x1b[1;33m{level}:\x1b[0m {message}"),
        (false, _) => writeln!(w, "{level}: {message}"),
    }
}

/// "The present": `--now`, else `SOURCE_DATE_EPOCH`, else the clock.
pub(crate) fn resolve_now(now: Option<DateTime<FixedOffset>>) -> Result<DateTime<FixedOffset>, Failure> {
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
pub(crate) fn parse_now(text: &str) -> Result<DateTime<FixedOffset>, String> {
    DateTime::parse_from_rfc3339(text)
        .map_err(|e| format!("`{text}` is not an RFC 3339 time such as 2025-10-26T12:00:00Z ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;
    use crate::error::CacheNotSaved;

    fn reported(error: Error) -> String {
        let mut out = Vec::new();
        report_failed_build(&mut out, &error, false).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn refused(action: &'static str, path: &str) -> IoError {
        IoError::new(action, path, std::io::Error::from(std::io::ErrorKind::StorageFull))
    }

    #[test]
    fn what_the_file_system_refused_is_one_line_then_the_outcome() {
        assert_eq!(
            reported(Error::Io(refused("write", "public/index.html"))),
            "error: cannot write public/index.html: no storage space\nnothing was written\n"
        );
    }

    #[test]
    fn problems_are_listed_and_counted() {
        let failed = Error::from(vec![
            Diagnostic::file("content/b.md", "missing `title`"),
            Diagnostic::file("content/a.md", "missing `date`"),
        ]);
        assert_eq!(
            reported(failed),
            "content/a.md:1:1: error: missing `date`\n\
             content/b.md:1:1: error: missing `title`\n\
             2 problems found; nothing was written\n"
        );
    }

    #[test]
    fn problems_are_listed_and_counted_with_the_cache_beside_them() {
        let cache = CacheNotSaved::from(Error::Io(refused("write the build cache", ".dateline/cache/build-1")));
        let failed = Error::CacheNotSaved {
            failed: Box::new(Error::from(vec![
                Diagnostic::file("content/b.md", "missing `title`"),
                Diagnostic::file("content/a.md", "missing `date`"),
            ])),
            cache,
        };
        assert_eq!(
            reported(failed),
            "content/a.md:1:1: error: missing `date`\n\
             content/b.md:1:1: error: missing `title`\n\
             warning: cannot write the build cache .dateline/cache/build-1: no storage space; \
             the next build will read and write everything again\n\
             2 problems found; nothing was written\n"
        );
    }

    #[test]
    fn a_patch_that_failed_may_have_left_some_files() {
        let failed = Error::PartlyPublished(Box::new(Error::Io(refused("move", "public/2025/index.html"))));
        assert_eq!(
            reported(failed),
            "error: cannot move public/2025/index.html: no storage space\n\
             the output folder may be partly updated; the next build writes it all again\n"
        );
    }
}
