//! The archive of the last successful build, kept for the next build to patch with the
//! articles edited since, instead of building it again; and when the build cache's copy
//! of it is due to be written anew.

use ahash::{AHashMap as HashMap, AHashSet as HashSet};
use std::path::{Path, PathBuf};

use super::sources::Source;
use crate::diag::Diagnostic;
use crate::model::{Archive, ArticleId, BuildInput, Edit, Patch, Selection};
use crate::parse::ParsedArticle;

/// How many article sources may be edited since the build cache's archive was written
/// (each build patches them in again) before it is written anew.
const UNSAVED_EDITS: usize = 32;

/// An archive kept for the next build, with the selection it was built with and the
/// article sources edited since, as they were then.
struct Kept {
    archive: Archive,
    selection: Selection,
    /// Edited article sources with their fields before, where known (not when the edit
    /// came before the build that read the archive from the cache).
    edited: HashMap<PathBuf, Option<Box<ParsedArticle>>>,
}

/// The archive kept between builds, and what the build cache holds of it.
#[derive(Default)]
pub(super) struct KeptArchive {
    /// The archive of the last build, while the sources changed since can patch it.
    kept: Option<Kept>,
    /// Whether the archive was built since the cache was saved.
    built_since_saved: bool,
    /// Articles patched since the cache's archive was written.
    patched_since_saved: HashSet<ArticleId>,
    /// Whether an article patched in since then has a new URL or date. A build from the
    /// cache patches its archive with every edit since it was written, and tells the pages
    /// and files that changed by what that patch changes: of an article moved since and
    /// moved back, it would see no move, though the last build's pages and files have it
    /// moved. So the archive is written again after a move.
    moved_since_saved: bool,
}

/// What a source is to the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// Nothing: no source (gone), or a file copied as it is.
    None,
    /// An article that parsed without problems.
    Article,
    /// Anything else: an author's profile, or a source with problems.
    Other,
}

impl Role {
    pub(super) fn of(source: Option<&Source>) -> Role {
        match source {
            None | Some(Source::Asset) => Role::None,
            Some(Source::Article(_, Ok(_))) => Role::Article,
            Some(_) => Role::Other,
        }
    }
}

/// The kept archive, patched with the articles edited since it was built.
pub(super) struct Patched {
    pub archive: Archive,
    /// What the edits changed.
    pub patch: Patch,
}

impl KeptArchive {
    /// The archive the build cache kept, built with `selection`, and the article sources
    /// `edited` since (patched in by the next build, from what the cache holds of them).
    pub(super) fn from_cache(archive: Archive, selection: Selection, edited: Vec<PathBuf>) -> KeptArchive {
        KeptArchive {
            kept: Some(Kept {
                archive,
                selection,
                edited: edited.into_iter().map(|rel| (rel, None)).collect(),
            }),
            ..KeptArchive::default()
        }
    }

    /// Whether an archive is kept (then it wants to know of every change of a source).
    pub(super) fn is_kept(&self) -> bool {
        self.kept.is_some()
    }

    /// Notes that the source at `rel` was `before` and is now a source of `role`: an
    /// edit of an article is kept to patch the archive with (with the article's fields
    /// the first time it was edited); any other change of an article or a profile means
    /// building it again.
    pub(super) fn note(&mut self, rel: PathBuf, before: Option<Source>, role: Role) {
        let Some(kept) = &mut self.kept else {
            return;
        };
        match (before, role) {
            (None | Some(Source::Asset), Role::None) => {}
            (Some(Source::Article(_, Ok(before))), Role::Article) => {
                kept.edited.entry(rel).or_insert(Some(before));
            }
            _ => self.kept = None,
        }
    }

    /// The archive kept, if any: after a build, the one it made.
    pub(super) fn archive(&self) -> Option<&Archive> {
        self.kept.as_ref().map(|k| &k.archive)
    }

    /// Lets the archive go: it is built again next time.
    pub(super) fn forget(&mut self) {
        self.kept = None;
    }

    /// The kept archive, patched for `selection` with the articles edited since it was
    /// built (`parsed` gives each source's fields now); `None` if it must be built again.
    /// Either way it is no longer kept: a build keeps the archive it made (`keep`).
    pub(super) fn patch<'a>(
        &mut self,
        selection: &Selection,
        parsed: impl Fn(&Path) -> Option<&'a ParsedArticle>,
    ) -> Option<Patched> {
        let mut kept = self.kept.take()?;
        if !kept.archive.holds_for(&kept.selection, selection) {
            return None;
        }
        let mut edits = Vec::with_capacity(kept.edited.len());
        for (rel, before) in &kept.edited {
            edits.push(Edit {
                source: rel,
                before: before.as_deref(),
                after: parsed(rel)?,
            });
        }
        let patch = kept.archive.patch(&edits, selection)?;
        self.patched_since_saved.extend(&patch.changed);
        self.moved_since_saved |= patch.moved;
        Some(Patched {
            archive: kept.archive,
            patch,
        })
    }

    /// Keeps `archive`, built for `selection` from the sources as they are now.
    pub(super) fn keep(&mut self, archive: Archive, selection: Selection) {
        self.kept = Some(Kept {
            archive,
            selection,
            edited: HashMap::new(),
        });
    }

    /// Keeps the archive a build `patched`, if it did, when the build goes no further:
    /// the next one patches it with what is edited since.
    pub(super) fn keep_patched(&mut self, patched: Option<Patched>, selection: Selection) {
        if let Some(patched) = patched {
            self.keep(patched.archive, selection);
        }
    }

    /// Builds the archive again for `selection`, from every parsed source (`input`; `root`
    /// is the site's folder, for messages): the build cache's archive is then out of date.
    pub(super) fn build(
        &mut self,
        root: &Path,
        input: BuildInput<'_>,
        selection: &Selection,
    ) -> Result<Archive, Vec<Diagnostic>> {
        let archive = Archive::build(root, input, selection)?;
        self.built_since_saved = true;
        self.patched_since_saved.clear();
        self.moved_since_saved = false;
        Ok(archive)
    }

    /// The archive for the build cache to write, and its selection: when it was built
    /// again since the cache was saved, when an article moved since (`moved_since_saved`),
    /// or when so many edits were patched in since that every build would have to patch
    /// them in again. Not while edits wait to be patched
    /// in: the cache's archive is one a build made.
    pub(super) fn unsaved(&self) -> Option<(&Archive, &Selection)> {
        let due = self.built_since_saved || self.moved_since_saved || self.patched_since_saved.len() > UNSAVED_EDITS;
        let kept = self.kept.as_ref().filter(|k| k.edited.is_empty() && due)?;
        Some((&kept.archive, &kept.selection))
    }

    /// Notes that the build cache holds the archive now.
    pub(super) fn saved(&mut self) {
        self.built_since_saved = false;
        self.moved_since_saved = false;
        self.patched_since_saved.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{Format, ParseContext, parse_article};

    const BUDGET: &str = "content/budget.md";
    const LATE: &str = "content/late.md";

    /// An article by Jane Roe, dated `date` (RFC 3339).
    fn article(title: &str, date: &str, body: &str) -> Box<ParsedArticle> {
        let text = format!("---\ntitle: {title}\ndate: {date}\nauthor: Jane Roe\n---\n{body}\n");
        let cx = ParseContext {
            timezone: chrono_tz::Tz::UTC,
        };
        Box::new(parse_article(Path::new("a.md"), text.as_bytes(), Format::Markdown, &cx).unwrap())
    }

    fn budget() -> Box<ParsedArticle> {
        article("Budget", "2025-12-02T10:00:00Z", "It passed.")
    }

    fn late() -> Box<ParsedArticle> {
        article("Late", "2025-12-03T10:00:00Z", "It ended.")
    }

    fn selection(drafts: bool) -> Selection {
        Selection {
            drafts,
            future: false,
            now: chrono::DateTime::parse_from_rfc3339("2026-01-15T12:00:00Z").unwrap(),
        }
    }

    fn input<'a>(budget: &'a ParsedArticle, late: &'a ParsedArticle) -> BuildInput<'a> {
        BuildInput {
            articles: vec![
                (Path::new(BUDGET), Format::Markdown, budget),
                (Path::new(LATE), Format::Markdown, late),
            ],
            profiles: vec![],
        }
    }

    /// The archive of `BUDGET` and `LATE` as they are first, kept.
    fn kept() -> KeptArchive {
        let (budget, late) = (budget(), late());
        let archive = Archive::build(Path::new("."), input(&budget, &late), &selection(false)).unwrap();
        let mut kept = KeptArchive::default();
        kept.keep(archive, selection(false));
        kept
    }

    fn edited(kept: &KeptArchive) -> Vec<(&Path, Option<&str>)> {
        let list = &kept.kept.as_ref().expect("kept").edited;
        let mut list: Vec<_> = list
            .iter()
            .map(|(rel, before)| (rel.as_path(), before.as_ref().map(|a| a.title.as_str())))
            .collect();
        list.sort();
        list
    }

    fn was_article(a: Box<ParsedArticle>) -> Option<Source> {
        Some(Source::Article(Format::Markdown, Ok(a)))
    }

    #[test]
    fn an_edit_of_what_an_article_shows_is_patched_in() {
        let mut kept = kept();
        kept.note(BUDGET.into(), was_article(budget()), Role::Article);
        let now = article("Budget", "2025-12-02T10:00:00Z", "It passed, narrowly.");
        let patched = kept
            .patch(&selection(false), |rel| (rel == Path::new(BUDGET)).then_some(&*now))
            .expect("patched");
        let id = patched.archive.by_source()[Path::new(BUDGET).as_os_str()];
        assert_eq!(patched.patch.changed, [id]);
        assert_eq!(patched.archive.article(id).source_hash, now.source_hash);
        assert!(!kept.is_kept(), "the build keeps the archive it makes");
    }

    #[test]
    fn the_fields_before_are_those_of_the_first_edit() {
        let mut kept = kept();
        kept.note(BUDGET.into(), was_article(budget()), Role::Article);
        let between = article("Budget Between", "2025-12-02T10:00:00Z", "It passed.");
        kept.note(BUDGET.into(), was_article(between), Role::Article);
        assert_eq!(edited(&kept), [(Path::new(BUDGET), Some("Budget"))]);
    }

    #[test]
    fn an_edit_that_files_an_article_elsewhere_builds_the_archive_again() {
        let mut kept = kept();
        kept.note(LATE.into(), was_article(late()), Role::Article);
        let mut tagged = late();
        tagged.tags.push("Night".into());
        assert!(kept.patch(&selection(false), |_| Some(&*tagged)).is_none());
    }

    #[test]
    fn an_edit_that_moves_an_article_to_another_day_is_patched_in() {
        let mut kept = kept();
        kept.note(LATE.into(), was_article(late()), Role::Article);
        let moved = article("Late", "2025-12-01T10:00:00Z", "It ended.");
        let patched = kept.patch(&selection(false), |_| Some(&*moved)).expect("patched");
        assert_eq!(patched.patch.changed, [0, 1], "both articles have other ids now");
        assert_eq!(patched.archive.articles[1].date, moved.date);
    }

    #[test]
    fn an_edited_source_that_is_no_article_now_builds_the_archive_again() {
        let mut kept = kept();
        kept.note(LATE.into(), was_article(late()), Role::Article);
        assert!(kept.patch(&selection(false), |_| None).is_none());
    }

    #[test]
    fn another_selection_builds_the_archive_again() {
        let mut kept = kept();
        assert!(kept.patch(&selection(true), |_| None).is_none(), "drafts now");
        let mut kept = self::kept();
        assert!(kept.patch(&selection(false), |_| None).is_some(), "the same");
    }

    #[test]
    fn copied_files_leave_the_archive_as_it_is() {
        let mut kept = kept();
        kept.note("content/report.pdf".into(), None, Role::None);
        kept.note("content/report.pdf".into(), Some(Source::Asset), Role::None);
        assert!(kept.is_kept());
        assert!(edited(&kept).is_empty());
    }

    #[test]
    fn any_other_change_of_an_article_or_a_profile_builds_the_archive_again() {
        let profile = || Some(Source::Profile(Box::new(Err(crate::diag::Diagnostic::file("p", "x")))));
        let changes: [(&str, Option<Source>, Role); 5] = [
            ("a new article", None, Role::Article),
            ("an article gone", was_article(late()), Role::None),
            ("an article with problems now", was_article(late()), Role::Other),
            ("a copied file now an article", Some(Source::Asset), Role::Article),
            ("a profile edited", profile(), Role::Other),
        ];
        for (change, before, role) in changes {
            let mut kept = kept();
            kept.note(LATE.into(), before, role);
            assert!(!kept.is_kept(), "{change}");
        }
    }

    #[test]
    fn the_cache_writes_the_archive_when_built_again_or_after_many_edits() {
        let mut kept = kept();
        assert!(kept.unsaved().is_none(), "as the cache has it");
        let (first, then) = (budget(), late());
        let built = kept.build(Path::new("."), input(&first, &then), &selection(false));
        kept.keep(built.unwrap(), selection(false));
        assert!(kept.unsaved().is_some(), "built again");
        kept.note(BUDGET.into(), was_article(budget()), Role::Article);
        assert!(kept.unsaved().is_none(), "an edit waits to be patched in");
        let now = article("Budget", "2025-12-02T10:00:00Z", "It passed, narrowly.");
        let patched = kept.patch(&selection(false), |_| Some(&*now)).unwrap();
        kept.keep(patched.archive, selection(false));
        assert!(kept.unsaved().is_some(), "built since the cache was saved, and patched");
        kept.saved();
        assert!(kept.unsaved().is_none());

        kept.patched_since_saved.extend(0..UNSAVED_EDITS as ArticleId);
        assert!(
            kept.unsaved().is_none(),
            "{UNSAVED_EDITS} edits are patched in by each build"
        );
        kept.patched_since_saved.insert(UNSAVED_EDITS as ArticleId);
        assert!(kept.unsaved().is_some(), "one more: the archive is written");
        let built = kept.build(Path::new("."), input(&first, &then), &selection(false));
        kept.keep(built.unwrap(), selection(false));
        assert!(kept.patched_since_saved.is_empty(), "a new archive has no edits since");
        kept.saved();
        kept.note(BUDGET.into(), was_article(budget()), Role::Article);
        let retitled = article("Budget Fails", "2025-12-02T10:00:00Z", "It passed.");
        let patched = kept.patch(&selection(false), |_| Some(&*retitled)).unwrap();
        kept.keep(patched.archive, selection(false));
        assert!(kept.unsaved().is_some(), "an article moved: written after one edit");
        kept.forget();
        assert!(kept.unsaved().is_none(), "no archive to write");
    }
}
