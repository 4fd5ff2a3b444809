//! The record of the last build, on its own: what it trusts, what it keeps, what is gone.

use super::*;
use crate::output::FileRecord;

fn written(text: &str) -> Written {
    Written {
        file: FileRecord::of(text.as_bytes()),
        fingerprint: None,
    }
}

fn records(files: &[&str]) -> Records {
    files.iter().map(|f| (Cow::Owned(f.to_string()), written(f))).collect()
}

fn made(files: &[&str]) -> Vec<(String, Written)> {
    files.iter().map(|f| (f.to_string(), written(f))).collect()
}

/// A record of a build into `out` of four pages, with `edited` articles patched since.
fn record_of(out: &Path, files: Recorded, edited: &[ArticleId]) -> Record {
    let mut record = Record {
        last: Some(LastBuild {
            out: out.to_path_buf(),
            files,
            page_globals: Some(7),
            pages: vec![10, 11, 12, 13],
        }),
        ..Record::default()
    };
    record.patched(&crate::model::Patch {
        changed: edited.to_vec(),
        ..Default::default()
    });
    record
}

#[test]
fn a_full_builds_list_of_files_becomes_a_map_when_a_later_build_needs_one() {
    let mut files = Recorded::Listed(made(&["index.html", "feed.xml"]));
    assert!(files.mapped().is_none());
    let listed = |f: &Recorded| sorted(f.listed().into_iter().map(|(rel, _)| rel.into_owned()).collect());
    assert_eq!(listed(&files), ["feed.xml", "index.html"]);
    files.map();
    let map = files.mapped().expect("mapped");
    assert_eq!(map.get("feed.xml"), Some(&written("feed.xml")));
    assert_eq!(listed(&files), ["feed.xml", "index.html"]);
}

#[test]
fn fingerprints_are_known_only_while_the_pages_are_the_same() {
    let out = Path::new("/site/public");
    let record = record_of(out, Recorded::Listed(Vec::new()), &[1]);
    let none = |_: &[ArticleId]| HashSet::new();
    assert!(record.known_pages(true, out, 7, 4, none).is_some());
    assert!(
        record.known_pages(false, out, 7, 4, none).is_none(),
        "the archive was built again"
    );
    assert!(
        record.known_pages(true, Path::new("/elsewhere"), 7, 4, none).is_none(),
        "another folder"
    );
    assert!(
        record.known_pages(true, out, 8, 4, none).is_none(),
        "pages share something else"
    );
    assert!(
        record.known_pages(true, out, 7, 5, none).is_none(),
        "another number of pages"
    );
    assert!(
        Record::default().known_pages(true, out, 7, 4, none).is_none(),
        "no record"
    );
}

#[test]
fn pages_that_show_an_edited_article_and_lists_of_everything_are_computed() {
    let out = Path::new("/site/public");
    let record = record_of(out, Recorded::Listed(Vec::new()), &[1]);
    let known = record
        .known_pages(true, out, 7, 4, |edited| {
            assert_eq!(edited, [1], "the articles edited since the record");
            [Page::Article(1), Page::Home(1)].into_iter().collect()
        })
        .expect("known pages");
    assert_eq!(known.fingerprint(0, &Page::Article(0)), Some(10));
    assert_eq!(
        known.fingerprint(1, &Page::Article(1)),
        None,
        "shows the edited article"
    );
    assert_eq!(known.fingerprint(2, &Page::Home(1)), None, "lists the edited article");
    assert_eq!(known.fingerprint(2, &Page::Home(2)), Some(12));
    for page in [
        Page::Authors,
        Page::Tags,
        Page::Sections,
        Page::NotFound,
        Page::Redirect(0),
    ] {
        assert_eq!(known.fingerprint(3, &page), None, "{page:?}");
    }
}

#[test]
fn the_output_folder_is_patched_only_while_it_holds_what_the_record_says() {
    let dir = crate::testing::folder_with(&[("public/index.html", "home")]);
    let out = dir.path().join("public");
    let mut record = record_of(&out, Recorded::Listed(made(&["index.html"])), &[]);
    assert!(record.trusted(Path::new("/elsewhere")).is_none(), "another folder");
    let files = record.trusted(&out).expect("the same folder, with its home page");
    assert!(files.contains_key("index.html"));

    std::fs::remove_file(out.join("index.html")).unwrap();
    assert!(record.trusted(&out).is_none(), "no home page");

    // The check of the output folder beside the reading of the sources found it changed.
    std::fs::write(out.join("index.html"), "home").unwrap();
    let (send, recorded) = std::sync::mpsc::sync_channel(1);
    send.send(record.last.take().unwrap()).unwrap();
    let mut record = Record {
        reading: Some((recorded, std::thread::spawn(|| false))),
        ..Record::default()
    };
    record.receive();
    let none = |_: &[ArticleId]| HashSet::new();
    assert!(
        record.known_pages(true, &out, 7, 4, none).is_some(),
        "read before it was checked"
    );
    assert!(record.trusted(&out).is_none(), "the check failed");
    assert!(record.last.is_none());
}

#[test]
fn a_patch_adds_to_the_last_record_and_a_full_build_starts_a_new_one() {
    let out = PathBuf::from("/site/public");
    let pages = |of: Vec<u64>| PageFingerprints {
        known: vec![false; of.len()],
        listed: of.len(),
        of,
        same_pages: false,
        page_globals: 9,
    };
    let mut record = record_of(
        &out,
        Recorded::Mapped(Arc::new(records(&["index.html", "a/index.html", "b/index.html"]))),
        &[2],
    );
    record.replace(
        out.clone(),
        true,
        &["b/index.html".to_string()],
        vec![
            ("index.html".to_string(), written("new home")),
            ("c/index.html".to_string(), written("c/index.html")),
        ],
        pages(vec![20, 21, 22]),
    );
    let saved = record.unsaved().expect("a new record to save");
    assert_eq!((saved.page_globals, saved.pages), (Some(9), &[20, 21, 22][..]));
    let mut files: Vec<(String, Written)> = saved.files.into_iter().map(|(rel, w)| (rel.into_owned(), w)).collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        files,
        [
            ("a/index.html".to_string(), written("a/index.html")),
            ("c/index.html".to_string(), written("c/index.html")),
            ("index.html".to_string(), written("new home")),
        ]
    );
    assert!(record.edits_since.is_empty(), "edits are counted from the new record");
    record.saved();
    assert!(record.unsaved().is_none());

    record.replace(out, false, &[], made(&["index.html"]), pages(vec![30]));
    assert!(matches!(&record.last.as_ref().unwrap().files, Recorded::Listed(list) if list.len() == 1));
    assert!(record.unsaved().is_some());
}

/// `files_gone` of a build whose plan lists `plan`, that made `made`, with `fresh` and
/// `replaced` as `Generated` has them.
fn gone(
    last: &Records,
    plan: &[&str],
    made: &[(String, Written)],
    fresh: Option<usize>,
    replaced: &[&str],
) -> Vec<String> {
    let replaced: Vec<String> = replaced.iter().map(|f| f.to_string()).collect();
    let generated = Generated {
        plan: plan.iter().copied().collect(),
        made,
        fresh,
        replaced: &replaced,
    };
    sorted(files_gone(last, &generated))
}

#[test]
fn files_the_build_no_longer_makes_are_gone() {
    let last = records(&["index.html", "a/index.html", "feed.xml", "logo.png", "old.png"]);
    let plan = ["index.html", "a/index.html", "feed.xml"];
    let now = made(&["index.html", "logo.png"]);
    for fresh in [None, Some(0)] {
        assert_eq!(gone(&last, &plan, &now, fresh, &[]), ["old.png"], "{fresh:?}");
    }
    let plan = ["index.html", "feed.xml"];
    assert_eq!(gone(&last, &plan, &now, None, &[]), ["a/index.html", "old.png"]);
    let last = records(&["index.html", "feed.xml", "logo.png"]);
    assert!(gone(&last, &plan, &now, Some(0), &[]).is_empty());
    assert!(gone(&last, &plan, &now, None, &[]).is_empty());

    // An article with a new URL: its page's new file is not in the last record; the old
    // one (which the plan replaced) is gone, or a redirect's now.
    let last = records(&["index.html", "2025/old/index.html", "feed.xml"]);
    let plan = ["index.html", "2025/new/index.html", "feed.xml"];
    let old = ["2025/old/index.html"];
    assert_eq!(gone(&last, &plan, &[], Some(1), &old), old);
    assert_eq!(
        gone(&last, &plan, &[], Some(1), &[]),
        old,
        "found by looking at every file"
    );
    let plan = ["index.html", "2025/new/index.html", "2025/old/index.html", "feed.xml"];
    assert!(gone(&last, &plan, &[], Some(1), &old).is_empty());
    // A copied file new to the folder.
    assert!(gone(&last, &plan, &made(&["new.png"]), Some(1), &old).is_empty());
}
