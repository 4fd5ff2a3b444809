use std::path::Path;

use super::lock::Lock;
use super::{Compared, State, UrlPolicy, UrlReport};
use crate::render::{Kind, Published};

/// The record after a build and what it says, for a build that redirects no listing.
fn compare(
    root: &Path,
    lock: &Lock,
    published: &[Published<'_>],
    policy: UrlPolicy,
) -> Result<(Option<String>, UrlReport), Vec<crate::diag::Diagnostic>> {
    match super::compare(
        root,
        lock,
        published,
        policy,
        &|_| None,
        super::Text::Made,
        &mut Vec::new(),
    )? {
        Compared::Done(text, report) => Ok((text, report)),
        Compared::Redirect(..) => panic!("no redirect here"),
    }
}

fn lock(text: &str) -> Lock {
    Lock::parse(Path::new("site"), text.to_string()).unwrap_or_else(|p| panic!("{p:?}"))
}

fn page<'a>(path: &'a str, kind: Kind, source: Option<&'a str>) -> Published<'a> {
    Published {
        path,
        kind,
        source: source.map(Path::new),
    }
}

#[test]
fn the_record_is_sorted_and_reads_back_as_written() {
    let published = [
        page("b/", Kind::Article, Some("content/b.md")),
        page("", Kind::Site, None),
        page("a/", Kind::Listing, Some("content/a.md")),
    ];
    let (text, report) = compare(Path::new("site"), &Lock::default(), &published, UrlPolicy::Record).unwrap();
    let text = text.expect("a first record");
    let lines: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        lines,
        [
            "/\tsite\tdateline.toml",
            "/a/\tlisting\tcontent/a.md",
            "/b/\tarticle\tcontent/b.md"
        ]
    );
    assert_eq!(report.added, 3);
    let read = lock(&text);
    let entries: Vec<(&str, State, &str)> = read.entries().map(|e| (e.path, e.state, e.source)).collect();
    assert_eq!(
        entries,
        [
            ("", State::Given(Kind::Site), "dateline.toml"),
            ("a/", State::Given(Kind::Listing), "content/a.md"),
            ("b/", State::Given(Kind::Article), "content/b.md")
        ]
    );
    let (again, report) = compare(Path::new("site"), &read, &published, UrlPolicy::Record).unwrap();
    assert_eq!(again, None, "the same build, the same record");
    assert_eq!(report.added, 0);
}

#[test]
fn a_line_that_is_not_a_record_is_a_problem_at_its_line() {
    let problems = Lock::parse(
        Path::new("site"),
        "# comment\n/a/\tarticle\tcontent/a.md\n/b/ article content/b.md\n/c/\tnonsense\tx\n".into(),
    )
    .err()
    .unwrap();
    let lines: Vec<String> = problems
        .iter()
        .map(|d| d.to_string().lines().next().unwrap().to_string())
        .collect();
    assert_eq!(
        lines,
        [
            "site/urls.lock:3:1: error: not a line of the record: `/b/ article content/b.md`",
            "site/urls.lock:4:1: error: not a line of the record: `/c/\tnonsense\tx`"
        ]
    );
}

#[test]
fn a_url_nothing_gives_is_refused_accepted_or_warned_of() {
    let record = lock("/a/\tarticle\tcontent/a.md\n/gone/\tarticle\tcontent/gone.md\n");
    let published = [page("a/", Kind::Article, Some("content/a.md"))];
    let refused = compare(Path::new("site"), &record, &published, UrlPolicy::Record).unwrap_err();
    assert_eq!(refused.len(), 1);
    assert_eq!(
        refused[0].to_string().lines().next().unwrap(),
        "site/urls.lock:2:1: error: /gone/ (an article) is no longer published: content/gone.md, which gave it, is gone"
    );
    assert!(refused[0].hint.as_deref().unwrap().contains("--accept-removed"));
    assert!(compare(Path::new("site"), &record, &published, UrlPolicy::Verify).is_err());

    let (text, report) = compare(Path::new("site"), &record, &published, UrlPolicy::AcceptRemovals).unwrap();
    let text = text.unwrap();
    assert_eq!(report.removed, 1);
    assert!(
        text.ends_with("/a/\tarticle\tcontent/a.md\n/gone/\tremoved\tcontent/gone.md\n"),
        "{text}"
    );
    // Recorded as removed, it is no problem any more; given again, it is published again.
    let (_, report) = compare(Path::new("site"), &lock(&text), &published, UrlPolicy::Record).unwrap();
    assert_eq!(report.removed, 0);
    let back = [
        published[0].clone(),
        page("gone/", Kind::Article, Some("content/gone.md")),
    ];
    let (text, _) = compare(Path::new("site"), &lock(&text), &back, UrlPolicy::Record).unwrap();
    let text = text.unwrap();
    assert!(text.ends_with("/gone/\tarticle\tcontent/gone.md\n"), "{text}");

    let (_, report) = compare(Path::new("site"), &record, &published, UrlPolicy::Preview).unwrap();
    assert_eq!(report.warnings.len(), 1);
}

#[test]
fn thousands_of_urls_gone_are_listed_fifty_and_counted() {
    let text: String = (0..120)
        .map(|i| format!("/tags/t{i:03}/\tlisting\tcontent/a.md\n"))
        .collect();
    let refused = compare(Path::new("site"), &lock(&text), &[], UrlPolicy::Record).unwrap_err();
    assert_eq!(refused.len(), 51);
    assert_eq!(
        refused[50].message,
        "and 70 more URLs the site published are no longer published"
    );
}

/// The record written reads back as written, whatever order its lines are in; and a build
/// keeps every URL the record had: published again, recorded as removed when the removal
/// is accepted, or refused. A build that publishes the same again leaves it as it is.
mod properties {
    use std::collections::BTreeMap;
    use std::path::Path;

    use proptest::prelude::*;

    use super::super::lock::{self, Lock};
    use super::super::{Compared, State, UrlPolicy};
    use crate::render::{Kind, Published};

    const KINDS: [Kind; 7] = Kind::ALL;

    /// Site-relative paths as the site links them (`2025/10/26/slug/`, `tags/x/page/2/`,
    /// `atom.xml`, `` for the home page), and any text without a tab or a line end.
    fn paths() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "([0-9a-z-]{1,12}/){1,5}",
            "[a-z]{1,8}\\.xml",
            "[^\t\n\r]{0,40}",
        ]
    }

    /// What a record holds: by path, the state (a kind, or `None` for removed) and source.
    fn records() -> impl Strategy<Value = BTreeMap<String, (Option<usize>, String)>> {
        let state = prop_oneof![4 => (0..KINDS.len()).prop_map(Some), 1 => Just(None)];
        let source = prop_oneof![
            Just(lock::SITE_SOURCE.to_string()),
            "content/[^\t\n\r]{1,30}\\.(md|txt)"
        ];
        proptest::collection::btree_map(paths(), (state, source), 0..40)
    }

    fn entries(lock: &Lock) -> Vec<(String, State, String)> {
        lock.entries()
            .map(|e| (e.path.to_string(), e.state, e.source.to_string()))
            .collect()
    }

    fn expected(record: &BTreeMap<String, (Option<usize>, String)>) -> Vec<(String, State, String)> {
        record
            .iter()
            .map(|(path, (kind, source))| {
                let state = kind.map_or(State::Removed, |k| State::Given(KINDS[k]));
                (path.clone(), state, source.clone())
            })
            .collect()
    }

    /// The record's text, as a build writes it.
    fn written(record: &BTreeMap<String, (Option<usize>, String)>) -> String {
        let given: Vec<Published<'_>> = record
            .iter()
            .filter_map(|(path, (kind, source))| {
                Some(Published {
                    path,
                    kind: KINDS[(*kind)?],
                    source: (source != lock::SITE_SOURCE).then(|| Path::new(source.as_str())),
                })
            })
            .collect();
        let removed: Vec<(&str, &str)> = record
            .iter()
            .filter(|(_, (kind, _))| kind.is_none())
            .map(|(path, (_, source))| (path.as_str(), source.as_str()))
            .collect();
        lock::text(&given.iter().collect::<Vec<_>>(), &removed)
    }

    fn read(text: &str) -> Result<Lock, TestCaseError> {
        Lock::parse(Path::new("site"), text.to_string()).map_err(|p| TestCaseError::fail(format!("{p:?}")))
    }

    proptest! {
        #![proptest_config(crate::testing::properties(256))]

        #[test]
        fn the_record_reads_back_as_written_in_any_order(record in records(), seed in any::<u64>()) {
            let text = written(&record);
            let lock = read(&text)?;
            prop_assert_eq!(entries(&lock), expected(&record));
            // Lines in another order (a merge, an edit by hand) read the same, by path.
            let mut lines: Vec<&str> = text.lines().collect();
            let mut state = seed | 1;
            for i in (1..lines.len()).rev() {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                lines.swap(i, (state % (i as u64 + 1)) as usize);
            }
            let shuffled = lines.join("\r\n");
            prop_assert_eq!(entries(&read(&shuffled)?), expected(&record));
        }

        #[test]
        fn a_build_keeps_every_url_of_the_record(
            record in records(),
            now in proptest::collection::btree_map(paths(), (0..KINDS.len(), "content/[a-z]{1,8}\\.md"), 0..40),
            accept in any::<bool>(),
        ) {
            let lock = read(&written(&record))?;
            let published: Vec<Published<'_>> = now
                .iter()
                .map(|(path, (kind, source))| Published { path, kind: KINDS[*kind], source: Some(Path::new(source.as_str())) })
                .collect();
            let policy = if accept { UrlPolicy::AcceptRemovals } else { UrlPolicy::Record };
            let gone: Vec<&String> = record
                .iter()
                .filter(|(path, (kind, _))| kind.is_some() && !now.contains_key(*path))
                .map(|(path, _)| path)
                .collect();
            match super::super::compare(Path::new("site"), &lock, &published, policy, &|_| None, super::super::Text::Made, &mut Vec::new()) {
                Err(problems) => {
                    prop_assert!(!accept, "{problems:?}");
                    prop_assert!(!gone.is_empty());
                }
                // Listing pages gone are sent to the nearest listing left, then compared again.
                Ok(Compared::Redirect(redirects, _)) => {
                    for r in &redirects {
                        prop_assert!(gone.contains(&&r.from), "{} is not gone", r.from);
                    }
                }
                Ok(Compared::Done(text, _)) => {
                    prop_assert!(accept || gone.is_empty(), "{gone:?} gone, and no problem");
                    let after = match &text {
                        Some(text) => entries(&read(text)?),
                        None => entries(&lock),
                    };
                    let after: BTreeMap<String, (State, String)> =
                        after.into_iter().map(|(p, s, src)| (p, (s, src))).collect();
                    for (path, (kind, source)) in &now {
                        prop_assert_eq!(&after[path], &(State::Given(KINDS[*kind]), source.clone()));
                    }
                    for (path, (_, source)) in &record {
                        if !now.contains_key(path) {
                            prop_assert_eq!(&after[path], &(State::Removed, source.clone()), "{}", path);
                        }
                    }
                    prop_assert_eq!(after.len(), now.keys().chain(record.keys()).collect::<std::collections::BTreeSet<_>>().len());
                    // The same build again changes nothing.
                    if let Some(text) = &text {
                        let again = super::super::compare(Path::new("site"), &read(text)?, &published, UrlPolicy::Record, &|_| None, super::super::Text::Made, &mut Vec::new());
                        prop_assert!(matches!(again, Ok(Compared::Done(None, _))), "{text}");
                    }
                }
            }
        }
    }
}

#[test]
fn urls_sorted_from_the_last_order_are_sorted_as_afresh() {
    let list = vec![
        page("b/", Kind::Article, Some("content/b.md")),
        page("a/", Kind::Article, Some("content/a.md")),
        page("c/", Kind::Listing, None),
        page("a/", Kind::Alias, Some("content/c.md")),
    ];
    let mut order = Vec::new();
    super::sort_by_path(&list, &mut order);
    assert_eq!(order, [1, 3, 0, 2], "ties by index");
    let mut moved = list.clone();
    moved[0].path = "d/";
    moved[2].path = "0/";
    let mut fresh = Vec::new();
    super::sort_by_path(&moved, &mut fresh);
    super::sort_by_path(&moved, &mut order);
    assert_eq!(order, fresh, "sorted from the last order");
}
