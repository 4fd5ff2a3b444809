//! dateline: a static site generator for news archives.
//!
//! The pipeline reads top to bottom: walk the site's files, parse every source in
//! parallel, build the archive model, render every page in parallel, and swap the
//! finished output into place.

pub mod cli;
pub mod config;
pub mod diag;
pub mod html;
pub mod model;
pub mod output;
pub mod parse;
pub mod render;
pub mod slug;
pub mod walk;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;

use config::{BaseUrl, Config};
use diag::{Diagnostic, Diagnostics, shown};
use model::{Archive, BuildInput, Selection};
use output::Output;
use parse::ParseContext;
use render::{RenderInput, Theme};

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (holds `dateline.toml`).
    pub site: PathBuf,
    /// The output folder; default `SITE/public`.
    pub out: Option<PathBuf>,
    /// Replaces `base_url` from the configuration.
    pub base_url: Option<BaseUrl>,
    /// Include drafts.
    pub drafts: bool,
    /// Include articles dated after `now`.
    pub future: bool,
    /// "The present" for scheduled articles.
    pub now: DateTime<FixedOffset>,
    /// Worker threads; default: one per core.
    pub jobs: Option<usize>,
}

/// What a successful build did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildSummary {
    pub articles: usize,
    pub authors: usize,
    pub pages: usize,
    /// Static files and content assets copied.
    pub copied: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
}

/// Builds a site, or reports every problem found (writing nothing).
pub fn build(options: &BuildOptions) -> Result<BuildSummary, Diagnostics> {
    let jobs = options.jobs.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().map_err(|e| {
        Diagnostics::from(Diagnostic::file(
            "(dateline)",
            format!("cannot start worker threads: {e}"),
        ))
    })?;
    pool.install(|| build_in_pool(options))
}

fn build_in_pool(options: &BuildOptions) -> Result<BuildSummary, Diagnostics> {
    let started = Instant::now();
    let root = options.site.as_path();
    let config = Config::load(root, options.base_url.as_ref())?;
    let cx = ParseContext {
        timezone: config.timezone,
    };

    // Walk and parse; template problems are reported together with content problems.
    let files = walk::content(root)?;
    let theme = Theme::load(root);
    let (input, mut problems) = parse_sources(root, &files, &cx);
    let theme = match theme {
        Ok(theme) => Some(theme),
        Err(list) => {
            problems.extend(list);
            None
        }
    };
    if !problems.is_empty() {
        return Err(problems.into());
    }
    let theme = theme.expect("no problems means the theme loaded");

    let selection = Selection {
        drafts: options.drafts,
        future: options.future,
        now: options.now,
    };
    let archive = Archive::build(root, input, &selection)?;

    let statics = static_files(root, &files.assets)?;
    let stylesheet = format!(
        "{}style.css?v={}",
        config.base_url.path(),
        stylesheet_version(root, &statics)
    );
    let out_dir = options.out.clone().unwrap_or_else(|| root.join("public"));
    let output = Output::create(&out_dir, root)?;

    let render_input = RenderInput {
        root,
        config: &config,
        archive: &archive,
        theme: &theme,
        stylesheet,
    };
    let pages = render::render_site(&render_input, &output)?;
    let copied = copy_statics(root, &statics, &pages, &output)?;
    output.commit()?;

    Ok(BuildSummary {
        articles: archive.articles.len(),
        authors: archive.authors.len(),
        pages: pages.len(),
        copied,
        output: out_dir,
        elapsed: started.elapsed(),
    })
}

fn parse_sources(root: &Path, files: &walk::ContentFiles, cx: &ParseContext) -> (BuildInput, Vec<Diagnostic>) {
    let read = |rel: &Path| {
        let path = shown(root, rel);
        match std::fs::read(root.join(rel)) {
            Ok(bytes) => Ok((path, bytes)),
            Err(e) => Err(vec![Diagnostic::file(path, format!("cannot read: {e}"))]),
        }
    };
    let articles: Vec<_> = files
        .articles
        .par_iter()
        .map(|(rel, format)| {
            let (path, bytes) = read(rel)?;
            parse::parse_article(&path, &bytes, *format, cx).map(|a| (rel.clone(), *format, a))
        })
        .collect();
    let profiles: Vec<_> = files
        .profiles
        .par_iter()
        .map(|rel| {
            let (path, bytes) = read(rel)?;
            parse::profile::parse_profile(&path, &bytes)
                .map(|p| (rel.clone(), p))
                .map_err(|d| vec![d])
        })
        .collect();

    let mut input = BuildInput::default();
    let mut problems = Vec::new();
    for result in articles {
        match result {
            Ok(a) => input.articles.push(a),
            Err(list) => problems.extend(list),
        }
    }
    for result in profiles {
        match result {
            Ok(p) => input.profiles.push(p),
            Err(list) => problems.extend(list),
        }
    }
    (input, problems)
}

/// A file copied into the output: where it goes and where it comes from.
enum StaticSource {
    Theme(&'static [u8]),
    File(PathBuf),
}

/// The theme's static files, then the site's `static/` over them, then content assets.
fn static_files(root: &Path, assets: &[PathBuf]) -> Result<Vec<(String, StaticSource)>, Vec<Diagnostic>> {
    let mut files: Vec<(String, StaticSource)> = render::theme::DEFAULT_STATIC
        .iter()
        .map(|(rel, bytes)| (rel.to_string(), StaticSource::Theme(bytes)))
        .collect();
    let mut claimed: std::collections::HashMap<String, PathBuf> = std::collections::HashMap::new();
    let mut problems = Vec::new();
    let static_dir = Path::new(walk::STATIC_DIR);
    let content_dir = Path::new(walk::CONTENT_DIR);
    let site_files = walk::files_under(root, static_dir)?
        .into_iter()
        .map(|rel| (rel.strip_prefix(static_dir).unwrap_or(&rel).to_path_buf(), rel))
        .chain(
            assets
                .iter()
                .map(|rel| (rel.strip_prefix(content_dir).unwrap_or(rel).to_path_buf(), rel.clone())),
        );
    for (target, source) in site_files {
        let target = target.to_string_lossy().replace('\\', "/");
        if let Some(other) = claimed.get(&target) {
            problems.push(Diagnostic::file(
                shown(root, &source),
                format!(
                    "/{target} is claimed by both {} and {}",
                    shown(root, other).display(),
                    shown(root, &source).display()
                ),
            ));
            continue;
        }
        claimed.insert(target.clone(), source.clone());
        match files.iter_mut().find(|(t, _)| *t == target) {
            Some(slot) => slot.1 = StaticSource::File(source),
            None => files.push((target, StaticSource::File(source))),
        }
    }
    if problems.is_empty() { Ok(files) } else { Err(problems) }
}

fn stylesheet_version(root: &Path, statics: &[(String, StaticSource)]) -> String {
    let bytes: Vec<u8> = match statics.iter().find(|(t, _)| t == "style.css") {
        Some((_, StaticSource::Theme(b))) => b.to_vec(),
        Some((_, StaticSource::File(p))) => std::fs::read(root.join(p)).unwrap_or_default(),
        None => Vec::new(),
    };
    slug::short_hash(&String::from_utf8_lossy(&bytes))
}

fn copy_statics(
    root: &Path,
    statics: &[(String, StaticSource)],
    pages: &[String],
    output: &Output,
) -> Result<usize, Vec<Diagnostic>> {
    let pages: HashSet<&str> = pages.iter().map(String::as_str).collect();
    let results: Vec<Result<(), Diagnostic>> = statics
        .par_iter()
        .map(|(target, source)| match source {
            StaticSource::File(rel) if pages.contains(target.as_str()) => Err(Diagnostic::file(
                shown(root, rel),
                format!("/{target} is also a page that dateline writes"),
            )
            .with_hint("rename or remove the file")),
            StaticSource::File(rel) => output.copy(target, &root.join(rel)),
            StaticSource::Theme(bytes) => output.write(target, bytes),
        })
        .collect();
    let problems: Vec<Diagnostic> = results.into_iter().filter_map(Result::err).collect();
    if problems.is_empty() {
        Ok(statics.len())
    } else {
        Err(problems)
    }
}
