//! `dateline new "TITLE"`

use std::fs;
use std::path::PathBuf;

use chrono::Datelike;
use clap::Args;

use super::{Failure, Verbosity, resolve_now};
use crate::config::Config;
use crate::diag::{Diagnostic, shown};
use crate::error::IoResultExt;
use crate::slug::slugify;

#[derive(Debug, Args)]
pub struct NewArgs {
    /// The article's title.
    #[arg(value_name = "TITLE")]
    pub title: String,
    /// An author (repeat for several).
    #[arg(long = "author", value_name = "NAME")]
    pub authors: Vec<String>,
    /// A tag (repeat for several).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// The article's slug, for its file name and its URL (default: made from the title).
    #[arg(long, value_name = "SLUG")]
    pub slug: Option<String>,
    /// The site folder.
    #[arg(short, long, default_value = ".", value_name = "SITE")]
    pub site: PathBuf,
}

impl NewArgs {
    pub fn run(self, verbosity: Verbosity) -> Result<(), Failure> {
        let title = self.title.trim();
        let slug = slugify(self.slug.as_deref().unwrap_or(title));
        if slug.is_empty() {
            return Err(Failure::Usage(match &self.slug {
                Some(given) => format!("the slug `{given}` has no letters or digits to make a file name from"),
                None => format!("the title `{title}` has no letters or digits to make a file name from"),
            }));
        }
        let config = Config::load(&self.site, None).map_err(|list| Failure::Problems(list.into()))?;
        let now = resolve_now(None)?.with_timezone(&config.timezone);
        let rel = PathBuf::from(format!("content/{:04}/{:02}/{slug}.md", now.year(), now.month()));
        let path = self.site.join(&rel);
        if path.exists() {
            // A problem of the site's content, not of the command line: exit code 1.
            let d = Diagnostic::file(shown(&self.site, &rel), "an article with this file name already exists")
                .with_hint("give the new one another file name and URL with `--slug SLUG`");
            return Err(Failure::Problems(vec![d].into()));
        }
        let list = |items: &[String]| items.iter().map(|s| quote(s.trim())).collect::<Vec<_>>().join(", ");
        let slug_line = match &self.slug {
            Some(_) => format!("slug: {}\n", quote(&slug)),
            None => String::new(),
        };
        let text = format!(
            "---\ntitle: {}\n{slug_line}date: {}\nauthors: [{}]\ntags: [{}]\n---\n\n",
            quote(title),
            now.format("%Y-%m-%dT%H:%M:%S%:z"),
            list(&self.authors),
            list(&self.tags)
        );
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).at("create the folder", parent)?;
        }
        fs::write(&path, text).at("write", &path)?;
        if verbosity != Verbosity::Quiet {
            println!("{}", shown(&self.site, &rel).display());
        }
        Ok(())
    }
}

/// A double-quoted YAML string.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
