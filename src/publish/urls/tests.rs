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
    match super::compare(root, lock, published, policy, &|_| None)? {
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
