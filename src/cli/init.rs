//! `dateline init DIR`

use std::fs;
use std::path::PathBuf;

use chrono::Datelike;
use clap::Args;

use super::{Failure, Verbosity, resolve_now};
use crate::error::{IoError, IoResultExt};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder of the new site (created if missing; must be empty).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

impl InitArgs {
    pub fn run(self, verbosity: Verbosity) -> Result<(), Failure> {
        let dir = &self.dir;
        if let Ok(mut entries) = fs::read_dir(dir)
            && entries.next().is_some()
        {
            return Err(Failure::Usage(format!(
                "{} is not empty; dateline init only writes into an empty folder",
                dir.display()
            )));
        }
        if dir.is_file() {
            return Err(Failure::Usage(format!("{} is a file", dir.display())));
        }
        let now = resolve_now(None)?;
        let name = dir
            .canonicalize()
            .ok()
            .or_else(|| Some(dir.clone()))
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .filter(|n| !n.is_empty() && n != ".")
            .unwrap_or_else(|| "News Archive".into());
        let article = format!("content/{:04}/{:02}/welcome-to-the-archive.md", now.year(), now.month());
        let files: [(&str, String); 3] = [
            ("dateline.toml", config(&name)),
            (".gitignore", "/public/\n/.dateline/\n".into()),
            (&article, welcome(&now.format("%Y-%m-%dT%H:%M:%S%:z").to_string())),
        ];
        let write = |rel: &str, text: &str| -> Result<(), IoError> {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).at("create the folder", parent)?;
            }
            fs::write(&path, text).at("write", &path)
        };
        for (rel, text) in &files {
            write(rel, text)?;
        }
        for empty in ["templates", "static"] {
            let folder = dir.join(empty);
            fs::create_dir_all(&folder).at("create the folder", &folder)?;
        }
        if verbosity != Verbosity::Quiet {
            println!("Created a site in {}", dir.display());
            println!(
                "Put articles (.md or .txt) under {}, then run: dateline build -s {}",
                dir.join("content").display(),
                dir.display()
            );
        }
        Ok(())
    }
}

fn config(name: &str) -> String {
    let title = name.replace(['\\', '"'], "");
    format!(
        r#"# The site's configuration; docs/configuration.md lists every key.
title = "{title}"
base_url = "https://example.org/"
description = "The archive of {title}"
language = "en"
# IANA time zone: dates without an offset are in it, and URLs use its calendar days.
timezone = "UTC"
# Articles per listing page, and entries per feed.
paginate = 20
feed_limit = 50

[publisher]
name = "{title}"
"#
    )
}

fn welcome(date: &str) -> String {
    format!(
        r#"---
title: "Welcome to the archive"
date: {date}
authors: ["The Newsroom"]
tags: ["Announcements"]
section: "News"
summary: "This site is built with dateline."
---

This article was written by `dateline init`. Replace it with your own articles:
Markdown files with front matter like this one, or scraped articles in the plain-text
layout (`.txt`), anywhere under `content/`.
"#
    )
}
