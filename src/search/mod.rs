//! Search: the articles indexed by Pagefind (in process, through its crate), in parts
//! (`render::search_parts`: the newest day, the rest of its month and of its year, each
//! older year), one
//! index each, which the search page's script merges in the browser.
//!
//! Pagefind cannot change an index in place, and making one costs about 1.2 ms of CPU an
//! article (splitting and stemming its words, then compressing every file at gzip's best
//! level): a year's index is made again only when what it holds of its
//! articles changed (a fingerprint of them, recorded with its files), so an edit costs
//! the index of its year; years are indexed at once as far as cores and memory allow.
//!
//! Each part is a whole Pagefind bundle at `search/index/PART/` (`render::
//! search_bundle_path`): its script and WebAssembly, which only the newest year's are
//! loaded from (merged indexes share them), and its index, filters and fragments.

mod record;

use std::path::Path;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::error::Error;
use crate::output::{Emit, Emitted, Output, Records};
use crate::render::{Plan, SEARCH_INDEXES, search_bundle_path};
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

/// What becomes of a year's index in a build.
enum Year {
    /// Made from what the last build made it from: its files as they are.
    Kept(Vec<Emit>),
    /// Out of date, left for the next build (`When::Later`): its files as they are.
    Pending(Vec<Emit>),
    /// To make, from what `fingerprint` stands for.
    Made { fingerprint: u64 },
}

/// Makes the index of every year whose articles changed since the last build (`previous`:
/// what it wrote) into `output`, and keeps the others.
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
    let parts = plan.search_parts();
    let last = last_indexes(previous);
    let decided: Vec<Year> = (parts.par_iter())
        .map(|part| {
            let fingerprint = plan.articles_fingerprint(part.articles.clone(), FORMAT);
            let Some(files) = last.get(search_bundle_path(&part.name).as_str()) else {
                return Year::Made { fingerprint };
            };
            match files.kept(previous) {
                Some(emits) if files.made_from == fingerprint => Year::Kept(emits),
                Some(emits) if when == When::Later => Year::Pending(emits),
                _ => Year::Made { fingerprint },
            }
        })
        .collect();
    let mut indexed = Indexed::default();
    let mut to_make = Vec::new();
    for (i, year) in decided.into_iter().enumerate() {
        let emits = match year {
            Year::Kept(emits) => {
                indexed.kept += 1;
                emits
            }
            Year::Pending(emits) => {
                indexed.pending += 1;
                emits
            }
            Year::Made { fingerprint } => {
                to_make.push((i, fingerprint));
                continue;
            }
        };
        emitted.gather(emits.into_iter().map(Ok::<_, Error>), &mut Vec::new());
    }
    let made = make(
        &to_make,
        |&(i, fingerprint)| {
            let prefix = search_bundle_path(&parts[i].name);
            (index_year(plan, parts[i].articles.clone())?.into_iter())
                .map(|(name, bytes)| {
                    let emit: Emit = output.emit::<Error>(&format!("{prefix}{name}"), &bytes, previous)?;
                    Ok(emit.made_from(fingerprint))
                })
                .collect::<Result<Vec<Emit>, Error>>()
        },
        |&(i, _)| parts[i].articles.len(),
    );
    let mut problems = Vec::new();
    for ((i, _), result) in to_make.iter().zip(made) {
        match result {
            Ok(emits) => {
                indexed.years += 1;
                indexed.articles += parts[*i].articles.len();
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

/// Runs `job` on every one of `jobs` (of `size`), as many at a time as memory allows
/// (`at_once`), the largest first; each job may itself use every core. The results are in
/// the order of `jobs`.
fn make<J: Sync, T: Send>(jobs: &[J], job: impl Fn(&J) -> T + Sync, size: impl Fn(&J) -> usize) -> Vec<T> {
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(size(&jobs[i])));
    let largest = order.first().map_or(0, |&i| size(&jobs[i]));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let done = std::sync::Mutex::new(Vec::with_capacity(jobs.len()));
    rayon::scope(|scope| {
        for _ in 0..at_once(largest).min(jobs.len()) {
            scope.spawn(|_| {
                while let Some(&i) = order.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                    let result = job(&jobs[i]);
                    done.lock().unwrap_or_else(|e| e.into_inner()).push((i, result));
                }
            });
        }
    });
    let mut done = done.into_inner().unwrap_or_else(|e| e.into_inner());
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, result)| result).collect()
}

/// The files of a year's index as the last build recorded them.
struct LastIndex<'r> {
    /// What its entry file, written last, was made from.
    made_from: u64,
    files: Vec<&'r str>,
}

impl LastIndex<'_> {
    /// Its files, kept as they are; `None` if one of them was not made from what the entry
    /// file was (then the index is made again).
    fn kept(&self, previous: &Records) -> Option<Vec<Emit>> {
        (self.files.iter())
            .map(|file| Emit::kept(file, self.made_from, previous))
            .collect()
    }
}

/// The indexes the last build wrote, by folder (`search/index/YEAR/`), found in one pass
/// over what it wrote; only those whose entry file (written last) is recorded with what it
/// was made from.
fn last_indexes(previous: &Records) -> ahash::AHashMap<&str, LastIndex<'_>> {
    let root = SEARCH_INDEXES;
    let mut found: ahash::AHashMap<&str, Vec<&str>> = ahash::AHashMap::new();
    for file in previous.keys() {
        if let Some(rest) = file.strip_prefix(root)
            && let Some(end) = rest.find('/')
        {
            found.entry(&file[..root.len() + end + 1]).or_default().push(file);
        }
    }
    found
        .into_iter()
        .filter_map(|(folder, files)| {
            let entry = previous.get(format!("{folder}pagefind-entry.json").as_str())?;
            Some((
                folder,
                LastIndex {
                    made_from: entry.fingerprint?,
                    files,
                },
            ))
        })
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
            let html = record_html(plan.language(), &text);
            Ok((text.link, html))
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
