//! The sources as builds read them: which changed, which went, what the kept archive and
//! the build cache are told.

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use tempfile::TempDir;

use super::Sources;
use crate::cache::{self, Changes};
use crate::model::{Archive, Selection};
use crate::project::build_cache::BuildCache;
use crate::project::kept::KeptArchive;

const BUDGET: &str = "content/2025/12/budget.md";
const LATE: &str = "content/2025/12/late.md";
const JANE: &str = "content/authors/jane-roe.md";
const REPORT: &str = "content/files/report.pdf";

fn article(title: &str, day: u32, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2025-12-{day:02}T10:00:00Z\nauthor: Jane Roe\n---\n{body}\n")
}

/// A site of two articles, a profile and a file to copy, with its sources read.
struct Site {
    dir: TempDir,
    sources: Sources,
    kept: KeptArchive,
    cache: BuildCache,
}

impl Site {
    fn new() -> Site {
        let dir = crate::testing::folder_with(&[
            (BUDGET, &article("Budget", 2, "It passed.")),
            (LATE, &article("Late", 3, "It ended.")),
            (JANE, "---\nname: Jane Roe\n---\nShe covers politics.\n"),
            (REPORT, "%PDF-1.4\n"),
        ]);
        let cache = BuildCache::new(dir.path(), &dir.path().join("public"));
        let mut site = Site {
            sources: Sources::new(dir.path()),
            kept: KeptArchive::default(),
            cache,
            dir,
        };
        site.rescan();
        site
    }

    fn rescan(&mut self) {
        self.sources.rescan(Tz::UTC, &self.cache, &mut self.kept);
    }

    fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.dir.path().join(rel), text).unwrap();
    }

    /// The chunks of the build cache that hold sources read since it was saved.
    fn unsaved_chunks(&self) -> Vec<usize> {
        (0..cache::CHUNKS).filter(|&n| self.sources.unsaved[n]).collect()
    }

    /// Keeps the archive built from the sources as they are.
    fn keep_archive(&mut self) {
        let selection = selection();
        let archive = Archive::build(self.dir.path(), self.sources.build_input(), &selection).unwrap();
        self.kept.keep(archive, selection);
    }
}

fn selection() -> Selection {
    Selection {
        drafts: false,
        future: false,
        now: chrono::DateTime::parse_from_rfc3339("2026-01-15T12:00:00Z").unwrap(),
    }
}

fn chunks_of(rels: &[&str]) -> Vec<usize> {
    let mut chunks: Vec<usize> = rels.iter().map(|rel| cache::chunk_of(Path::new(rel))).collect();
    chunks.sort();
    chunks.dedup();
    chunks
}

#[test]
fn a_walk_reads_the_files_whose_size_or_time_changed() {
    let mut site = Site::new();
    assert_eq!(site.sources.title_of(BUDGET).as_deref(), Some("Budget"));
    assert_eq!(site.unsaved_chunks(), chunks_of(&[BUDGET, LATE, JANE, REPORT]));
    site.sources.saved();

    site.rescan();
    assert!(site.unsaved_chunks().is_empty(), "nothing changed");

    // The same size and time: not read again (the stamp says it did not change).
    let path = site.dir.path().join(BUDGET);
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    site.write(BUDGET, &article("Bidget", 2, "It passed."));
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    site.rescan();
    assert_eq!(site.sources.title_of(BUDGET).as_deref(), Some("Budget"));

    site.write(BUDGET, &article("Budget Vote", 2, "It passed."));
    site.rescan();
    assert_eq!(site.sources.title_of(BUDGET).as_deref(), Some("Budget Vote"));
    assert_eq!(site.unsaved_chunks(), chunks_of(&[BUDGET]));

    site.sources.saved();
    std::fs::remove_file(site.dir.path().join(LATE)).unwrap();
    site.rescan();
    assert_eq!(site.sources.title_of(LATE), None);
    assert_eq!(site.unsaved_chunks(), chunks_of(&[LATE]));
}

#[test]
fn a_new_time_zone_reads_every_source_again() {
    let mut site = Site::new();
    site.keep_archive();
    site.sources.saved();
    assert!(site.sources.parsed_in(Tz::UTC));
    assert!(site.sources.need_walk(&[], Tz::Europe__Paris));
    site.sources.rescan(Tz::Europe__Paris, &site.cache, &mut site.kept);
    assert!(site.sources.parsed_in(Tz::Europe__Paris));
    assert_eq!(site.unsaved_chunks(), chunks_of(&[BUDGET, LATE, JANE, REPORT]));
    assert!(!site.kept.is_kept(), "every date may have moved");
}

#[test]
fn events_read_again_the_files_they_name() {
    let mut site = Site::new();
    site.sources.saved();
    let budget = PathBuf::from(BUDGET);
    assert!(!site.sources.need_walk(std::slice::from_ref(&budget), Tz::UTC));
    assert!(
        site.sources.need_walk(&[PathBuf::from("content/2025")], Tz::UTC),
        "a folder"
    );
    site.write(BUDGET, &article("Budget Vote", 2, "It passed."));
    site.sources
        .reread(vec![budget.clone(), budget], Tz::UTC, &site.cache, &mut site.kept);
    assert_eq!(site.sources.title_of(BUDGET).as_deref(), Some("Budget Vote"));
    assert_eq!(site.unsaved_chunks(), chunks_of(&[BUDGET]));

    // A folder gone: every source under it.
    std::fs::remove_dir_all(site.dir.path().join("content/2025")).unwrap();
    let gone = vec![PathBuf::from("content/2025")];
    site.sources.reread(gone, Tz::UTC, &site.cache, &mut site.kept);
    assert_eq!(
        (site.sources.title_of(BUDGET), site.sources.title_of(LATE)),
        (None, None)
    );
    assert_eq!(site.sources.build_input().profiles.len(), 1);
}

#[test]
fn the_kept_archive_is_told_of_every_change() {
    let mut site = Site::new();
    site.keep_archive();
    site.write(BUDGET, &article("Budget", 2, "It passed, narrowly."));
    site.rescan();
    assert!(site.kept.is_kept(), "an edit of what the article shows");
    site.write(REPORT, "%PDF-1.4 changed\n");
    site.rescan();
    assert!(site.kept.is_kept(), "a file copied as it is");
    let sources = &site.sources;
    let patched = site
        .kept
        .patch(&selection(), |rel| sources.article(rel))
        .expect("patched");
    assert_eq!(patched.patch.changed.len(), 1, "the budget article");

    site.keep_archive();
    site.write(JANE, "---\nname: Jane Q. Roe\n---\nShe covers politics.\n");
    site.rescan();
    assert!(!site.kept.is_kept(), "a profile edited: the archive is built again");
}

#[test]
fn problems_and_the_files_to_copy_are_gathered() {
    let mut site = Site::new();
    let (problems, assets) = site.sources.problems_and_assets();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(assets, [PathBuf::from(REPORT)]);
    site.write(LATE, "---\ndate: 2025-12-03T10:00:00Z\n---\nNo title.\n");
    site.rescan();
    let (problems, _) = site.sources.problems_and_assets();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].path.ends_with(LATE), "{problems:?}");
    assert_eq!(site.sources.build_input().articles.len(), 1);
}

#[test]
fn sources_listed_in_the_cache_are_read_from_it_only_when_needed() {
    let mut site = Site::new();
    // A new cache is written whole.
    site.sources.all_unsaved();
    let (chunks, _) = site.sources.unsaved(false);
    assert_eq!(chunks.len(), cache::CHUNKS);
    let changes = Changes {
        chunks,
        archive: None,
        last: None,
        new_header: true,
    };
    site.cache.save(Tz::UTC, changes).unwrap();

    let loaded = site.cache.load(Tz::UTC).expect("a cache");
    let mut cached = Sources::new(site.dir.path());
    cached.listed_in_cache(loaded.index, loaded.chunks, Tz::UTC);
    assert!(cached.parsed_in(Tz::UTC));
    assert_eq!(cached.title_of(BUDGET), None, "listed, not read yet");
    cached.resolve(&chunks_of(&[BUDGET]), Tz::UTC, &site.cache, &mut site.kept);
    assert_eq!(cached.title_of(BUDGET).as_deref(), Some("Budget"));
    assert!(
        cached.unsaved.iter().all(|u| !u),
        "read from the cache: nothing to save"
    );

    // A chunk the cache lost: its sources are read from their files, and any kept
    // archive is built again.
    site.keep_archive();
    let chunk = cache::chunk_of(Path::new(LATE));
    let dir = site.dir.path().join(cache::cache_dir(&site.dir.path().join("public")));
    std::fs::remove_file(dir.join(format!("sources-{chunk:02}.bin"))).unwrap();
    cached.resolve_all(Tz::UTC, &site.cache, &mut site.kept);
    assert_eq!(cached.title_of(LATE).as_deref(), Some("Late"));
    assert!(!site.kept.is_kept());
    let (problems, assets) = cached.problems_and_assets();
    assert!(problems.is_empty() && assets == [PathBuf::from(REPORT)]);
}

impl Sources {
    fn title_of(&self, rel: &str) -> Option<String> {
        self.article(Path::new(rel)).map(|a| a.title.clone())
    }
}
