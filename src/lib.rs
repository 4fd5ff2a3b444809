//! dateline: a static site generator for news archives.
//!
//! The pipeline reads top to bottom: walk the site's files, parse every source in
//! parallel, build the archive model, render every page in parallel, and swap the
//! finished output into place.

pub mod assets;
pub mod check;
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

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use rayon::prelude::*;

use assets::Assets;
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
    /// The base URL the site was built for.
    pub base_url: BaseUrl,
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

    // Walk, parse and load templates, reporting the problems of all three together.
    let mut problems = Vec::new();
    let files = walk::content(root, &mut problems);
    let theme = Theme::load(root).map_err(|list| problems.extend(list)).ok();
    let input = parse_sources(root, &files, &cx, &mut problems);
    let assets = Assets::collect(root, &files.assets, &mut problems);
    let (Some(theme), true) = (theme, problems.is_empty()) else {
        return Err(problems.into());
    };

    let selection = Selection {
        drafts: options.drafts,
        future: options.future,
        now: options.now,
    };
    let archive = Archive::build(root, input, &selection)?;

    let stylesheet = format!(
        "{}style.css?v={}",
        config.base_url.path(),
        assets.version(root, "style.css")
    );
    let out_dir = options.out.clone().unwrap_or_else(|| shown(root, Path::new("public")));

    let render_input = RenderInput {
        root,
        config: &config,
        archive: &archive,
        theme: &theme,
        stylesheet,
        now: options.now,
        assets: assets.targets().map(String::from).collect(),
    };
    let plan = render::plan(&render_input)?;
    assets.check(root, plan.files())?;
    let output = Output::create(&out_dir, root)?;
    let pages = plan.write(&output)?;
    assets.copy(root, &output)?;
    output.commit()?;

    Ok(BuildSummary {
        articles: archive.articles.len(),
        authors: archive.authors.len(),
        pages,
        copied: assets.len(),
        output: out_dir,
        base_url: config.base_url.clone(),
        elapsed: started.elapsed(),
    })
}

fn parse_sources(
    root: &Path,
    files: &walk::ContentFiles,
    cx: &ParseContext,
    problems: &mut Vec<Diagnostic>,
) -> BuildInput {
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
    input
}
