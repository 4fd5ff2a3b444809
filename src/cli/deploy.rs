//! `dateline deploy`

use std::path::PathBuf;

use clap::Args;

use super::{Failure, Verbosity};
use crate::publish::deploy::{self, DeployError, Known, Options, Report};
use crate::render::{counted, thousands};

#[derive(Debug, Args)]
pub struct DeployArgs {
    /// The site folder (holds dateline.toml).
    #[arg(short, long, default_value = ".", value_name = "SITE")]
    pub site: PathBuf,
    /// The output folder to deploy, as built [default: SITE/public].
    #[arg(short, long, value_name = "OUT")]
    pub out: Option<PathBuf>,
    /// Where: s3://BUCKET[/PREFIX] [default: `to` under [deploy] in dateline.toml].
    #[arg(long, value_name = "s3://BUCKET[/PREFIX]")]
    pub to: Option<String>,
    /// The store's address, for S3-compatible stores other than AWS (R2, B2, MinIO).
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// The store's region [default: [deploy] region, AWS_REGION, else us-east-1].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// List what would be sent and deleted, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Compare with a listing of the bucket (and every file's MD5) rather than the last
    /// deploy's manifest: for a bucket changed by other means.
    #[arg(long)]
    pub full: bool,
}

impl DeployArgs {
    pub fn run(self, verbosity: Verbosity) -> Result<(), Failure> {
        let options = Options {
            site: self.site,
            out: self.out,
            to: self.to,
            endpoint: self.endpoint,
            region: self.region,
            dry_run: self.dry_run,
            full: self.full,
            progress: std::io::IsTerminal::is_terminal(&std::io::stderr()) && verbosity != Verbosity::Quiet,
        };
        let report = deploy::deploy(&options).map_err(|e| match e {
            DeployError::Config(list) => Failure::Problems(list),
            other => Failure::Deploy(other),
        })?;
        if verbosity == Verbosity::Verbose {
            for note in &report.notes {
                eprintln!("note: {note}");
            }
        }
        if let Some(warning) = &report.hub_warning {
            eprintln!("warning: the WebSub hub was not told of the feeds that changed: {warning}");
        }
        if verbosity != Verbosity::Quiet {
            print!("{}", summary(&report, verbosity == Verbosity::Verbose));
        }
        Ok(())
    }
}

/// What the deploy did, as printed.
fn summary(report: &Report, verbose: bool) -> String {
    let mut text = String::new();
    if report.dry_run || verbose {
        for (rel, new) in &report.sent {
            let verb = match (report.dry_run, new) {
                (true, true) => "would send (new)",
                (true, false) => "would send (changed)",
                (false, true) => "sent (new)",
                (false, false) => "sent (changed)",
            };
            text.push_str(&format!("{verb}: {rel}\n"));
        }
        for rel in &report.deleted {
            text.push_str(&format!(
                "{}: {rel}\n",
                if report.dry_run { "would delete" } else { "deleted" }
            ));
        }
    }
    let size = human_bytes(report.bytes);
    if report.dry_run {
        text.push_str(&format!(
            "Would deploy {} ({size}) to {}, delete {}, {} unchanged; nothing was changed\n",
            counted(report.sent.len(), "file"),
            report.target,
            thousands(report.deleted.len()),
            thousands(report.unchanged),
        ));
        return text;
    }
    text.push_str(&format!(
        "Deployed {} ({size}) to {}, deleted {}, {} unchanged, in {:.1} s\n",
        counted(report.sent.len(), "file"),
        report.target,
        thousands(report.deleted.len()),
        thousands(report.unchanged),
        report.elapsed.as_secs_f64(),
    ));
    if report.hub_pinged > 0 {
        text.push_str(&format!(
            "Told the WebSub hub of {} that changed\n",
            counted(report.hub_pinged, "feed")
        ));
    }
    if verbose {
        text.push_str(&format!(
            "{} ({} sent after compression); the output's files {}; {}\n",
            counted(report.requests, "request"),
            human_bytes(report.bytes_sent),
            match report.known {
                Some(Known::FromRecord) => "known from the build's record",
                _ => "read and hashed (no record of a build into this folder, or it changed since)",
            },
            match report.listed {
                true => "compared with a listing of the bucket, each by its MD5",
                false => "compared with the last deploy's manifest, without a listing",
            },
        ));
    }
    text
}

/// `412 KB`, `1.7 GB` (powers of 1,000).
fn human_bytes(n: u64) -> String {
    match n {
        0..1_000 => format!("{n} bytes"),
        1_000..1_000_000 => format!("{} KB", n / 1_000),
        1_000_000..1_000_000_000 => format!("{:.1} MB", n as f64 / 1e6),
        _ => format!("{:.2} GB", n as f64 / 1e9),
    }
}
