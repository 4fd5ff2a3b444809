//! Search: the articles indexed by Pagefind (in process, through its crate), one index
//! for each year of the archive, which the search page's script merges in the browser.
//!
//! Pagefind cannot change an index in place, and making one costs about 1.2 ms of CPU an
//! article (splitting and stemming its words, then compressing every file at gzip's best
//! level): a year's index is made again only when what it holds of its
//! articles changed (a fingerprint of them, recorded with its files), so an edit costs
//! the index of its year; years are indexed at once as far as cores and memory allow.
//!
//! Each year is a whole Pagefind bundle at `search/index/YEAR/` (`render::
//! search_bundle_path`): its script and WebAssembly, which only the newest year's are
//! loaded from (merged indexes share them), and its index, filters and fragments.

mod record;

use std::path::Path;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::output::{Emit, Emitted, Output, Records};
use crate::render::{Plan, search_bundle_path};
use record::record_html;

/// Pagefind's files a bundle does not need: its own user interfaces (the theme has its
/// own).
const LEFT_OUT: &[&str] = &[
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

/// Pagefind's WebAssembly for pages in no language it stems.
const UNKNOWN_WASM: &str = "wasm.unknown.pagefind";

/// At most this many fragment files (what a result shows of its article) in a year's
/// index: past it, Pagefind puts several articles' fragments in one file. Hosts limit a
/// site's files, and a year of a large archive has many thousands of articles; groups
/// of a few articles keep the bytes a result costs small (a fragment is ~1.3 KB).
const MAX_FRAGMENTS: u32 = 2000;

/// The memory Pagefind holds for each article while it makes an index (measured: 1.66 GB
/// for 8,700 generated articles, 189 MB for 1,000).
const BYTES_PER_ARTICLE: u64 = 190 * 1024;

/// How many years' indexes to make at once, the largest holding `largest` articles: one a
/// core, while they fit in half the memory the system has available, and at least one. At
/// 100,000 articles on two cores, two at once took 44.5 s and 2.76 GB, one at a time 72.9 s
/// and 1.57 GB: where memory allows, two.
fn at_once(largest: usize) -> usize {
    let each = (largest as u64 * BYTES_PER_ARTICLE).max(1);
    let room = available_memory().map_or(2 * each, |bytes| bytes / 2);
    usize::try_from(room / each)
        .unwrap_or(usize::MAX)
        .clamp(1, rayon::current_num_threads())
}

/// The memory the system can give without swapping (Linux: `MemAvailable`).
fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The version of the index's format: Pagefind's, and how records are made from articles.
/// A new one makes every year's index again.
const FORMAT: &str = concat!(
    "pagefind 1.6.0, dateline ",
    env!("CARGO_PKG_VERSION"),
    ", records 5, max 2000"
);

/// When a build makes the index of the years whose articles changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum When {
    /// In the build.
    #[default]
    Now,
    /// In a build that follows: this one keeps the last build's index of such a year as it
    /// is (out of date, and recorded so), and makes only the index of a year that has none.
    Later,
}

/// What the search stage did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Indexed {
    /// Years whose index was made (the others were kept as the last build wrote them).
    pub years: usize,
    /// Articles indexed.
    pub articles: usize,
    /// Years whose index was kept.
    pub kept: usize,
    /// Files of the indexes whose bytes changed, and so were written.
    pub written: usize,
    /// Years whose articles changed but whose index was kept as it was (`When::Later`).
    pub pending: usize,
}

/// A year's index: its files, and the articles indexed (or `KEPT`, or `PENDING`).
type YearDone = Result<(Vec<Emit>, usize), Error>;
const KEPT: usize = usize::MAX;
const PENDING: usize = usize::MAX - 1;

/// Makes the index of every year whose articles changed since the last build (`previous`:
/// what it wrote) into `output`, and keeps the others; `root` is the site folder, for
/// messages.
pub fn publish(
    plan: &Plan<'_>,
    output: &Output,
    previous: &Records,
    when: When,
    emitted: &mut Emitted,
) -> Result<Indexed, Error> {
    if !plan.has_search() {
        return Ok(Indexed::default());
    }
    let years: Vec<(i32, std::ops::Range<usize>)> = plan.years().collect();
    let year = |(year, articles): &(i32, std::ops::Range<usize>)| -> YearDone {
        let prefix = search_bundle_path(*year);
        let fingerprint = plan.articles_fingerprint(articles.clone(), FORMAT);
        if let Some(kept) = kept(&prefix, Some(fingerprint), previous) {
            return Ok((kept, KEPT));
        }
        if when == When::Later
            && let Some(stale) = kept(&prefix, None, previous)
        {
            return Ok((stale, PENDING));
        }
        let files = index_year(plan, articles.clone())?;
        let emits = (files.into_iter())
            .map(|(name, bytes)| {
                let emit: Emit = output.emit::<Error>(&format!("{prefix}{name}"), &bytes, previous)?;
                Ok(emit.made_from(fingerprint))
            })
            .collect::<Result<Vec<Emit>, Error>>()?;
        Ok((emits, articles.len()))
    };
    // As many years at a time as memory allows (`at_once`), the largest first; the bodies
    // of each are read on every core.
    let mut order: Vec<usize> = (0..years.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(years[i].1.len()));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<YearDone>>> = years.iter().map(|_| std::sync::Mutex::new(None)).collect();
    let largest = years.iter().map(|(_, articles)| articles.len()).max().unwrap_or(0);
    let workers = at_once(largest).min(years.len());
    rayon::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|_| {
                loop {
                    let at = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&i) = order.get(at) else { break };
                    let result = year(&years[i]);
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(result);
                    }
                }
            });
        }
    });
    let results = slots.into_iter().filter_map(|slot| slot.into_inner().ok().flatten());
    let mut indexed = Indexed::default();
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok((emits, articles)) => {
                match articles {
                    KEPT => indexed.kept += 1,
                    PENDING => indexed.pending += 1,
                    _ => {
                        indexed.years += 1;
                        indexed.articles += articles;
                    }
                }
                indexed.written += emits.iter().filter(|e| e.is_written()).count();
                emitted.gather(emits.into_iter().map(Ok), &mut problems);
            }
            Err(e) => problems.push(e),
        }
    }
    match problems.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(indexed),
    }
}

/// The files of the index at `prefix` as the last build wrote them, if it made them from
/// what `fingerprint` stands for, or from anything if `None` (and wrote its entry file, so
/// it got that far).
fn kept(prefix: &str, fingerprint: Option<u64>, previous: &Records) -> Option<Vec<Emit>> {
    let entry = format!("{prefix}pagefind-entry.json");
    let made_from = previous.get(entry.as_str())?.fingerprint?;
    if fingerprint.is_some_and(|f| f != made_from) {
        return None;
    }
    (previous.keys())
        .filter(|file| file.starts_with(prefix))
        .map(|file| Emit::kept(file, made_from, previous))
        .collect()
}

/// The files of the index of the articles `ids` (names in the bundle, bytes).
fn index_year(plan: &Plan<'_>, ids: std::ops::Range<usize>) -> Result<Vec<(String, Vec<u8>)>, Error> {
    // Reading and rendering the bodies again runs on every core; Pagefind takes one
    // record at a time.
    let records: Vec<(String, String)> = ids
        .into_par_iter()
        .map(|id| {
            let text = plan.article_text(id as crate::model::ArticleId)?;
            Ok((text.link.clone(), record_html(plan.language(), &text)))
        })
        .collect::<Result<_, Diagnostic>>()
        .map_err(|d| Error::Problems(Diagnostics::from(vec![d])))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| crate::error::IoError::new("start the search indexer", Path::new("."), e))?;
    let language = plan.language().to_string();
    runtime.block_on(async move {
        let options = pagefind::options::PagefindServiceConfig::builder()
            .force_language(language)
            .max_fragments(MAX_FRAGMENTS)
            .build();
        let mut index = pagefind::api::PagefindIndex::new(Some(options)).map_err(engine_error)?;
        for (link, html) in records {
            index
                .add_html_file(None, Some(link), html)
                .await
                .map_err(engine_error)?;
        }
        let files = index.get_files().await.map_err(engine_error)?;
        let mut files: Vec<(String, Vec<u8>)> = (files.into_iter())
            .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
            .filter(|(name, _)| !LEFT_OUT.contains(&name.as_str()))
            .collect();
        // The WebAssembly for pages of no known language, when the index has one of its own.
        let wasm = |name: &str| name.starts_with("wasm.") && name.ends_with(".pagefind");
        if files.iter().any(|(name, _)| wasm(name) && name != UNKNOWN_WASM) {
            files.retain(|(name, _)| name != UNKNOWN_WASM);
        }
        Ok(files)
    })
}

/// Pagefind's own failures (none is expected from records dateline makes).
fn engine_error(e: impl std::fmt::Display) -> Error {
    Error::Search(format!("{e:#}"))
}
