use std::path::{Path, PathBuf};

use chrono::DateTime;
use chrono_tz::Tz;

use super::*;
use crate::parse::date::parse_date;
use crate::parse::profile::AuthorProfile;
use crate::parse::{Byline, Format, ParsedArticle};

fn article(title: &str, date: &str, authors: &[(&str, Option<u32>)]) -> ParsedArticle {
    ParsedArticle {
        title: title.into(),
        date: parse_date(date, Tz::UTC).unwrap(),
        updated: None,
        bylines: authors
            .iter()
            .map(|(n, c)| Byline {
                name: (*n).into(),
                source_count: *c,
            })
            .collect(),
        tags: vec![],
        section: None,
        summary: String::new(),
        slug: None,
        draft: false,
        aliases: vec![],
        aliases_at: (1, 1),
        corrections: vec![],
        bio: None,
        source_hash: 0,
        source_len: 0,
    }
}

/// Parsed sources owned by a test, lent to `Archive::build`.
#[derive(Default, Clone)]
struct Sources {
    articles: Vec<(PathBuf, Format, ParsedArticle)>,
    profiles: Vec<(PathBuf, AuthorProfile)>,
}

impl Sources {
    fn input(&self) -> BuildInput<'_> {
        BuildInput {
            articles: self.articles.iter().map(|(p, f, a)| (p.as_path(), *f, a)).collect(),
            profiles: self.profiles.iter().map(|(p, a)| (p.as_path(), a)).collect(),
        }
    }
}

fn input(list: Vec<(&str, ParsedArticle)>) -> Sources {
    Sources {
        articles: list
            .into_iter()
            .map(|(p, a)| (PathBuf::from(p), Format::Markdown, a))
            .collect(),
        profiles: vec![],
    }
}

fn everything() -> Selection {
    Selection {
        drafts: true,
        future: true,
        now: DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z").unwrap(),
    }
}

#[test]
fn articles_newest_first_with_date_index() {
    let archive = Archive::build(
        Path::new("."),
        input(vec![
            (
                "content/a.md",
                article("Old", "2024-12-31T10:00:00Z", &[("Jane Roe", None)]),
            ),
            (
                "content/b.md",
                article("New", "2025-02-01T10:00:00Z", &[("Jane Roe", None)]),
            ),
            (
                "content/c.md",
                article("Mid", "2025-01-15T10:00:00Z", &[("John Doe", None)]),
            ),
            (
                "content/d.md",
                article("Same day", "2025-01-15T08:00:00Z", &[("John Doe", None)]),
            ),
        ])
        .input(),
        &everything(),
    )
    .unwrap();
    let titles: Vec<&str> = archive.articles.iter().map(|a| a.title.as_ref()).collect();
    assert_eq!(titles, ["New", "Mid", "Same day", "Old"]);
    assert_eq!(archive.articles[0].path, "2025/02/01/new/");
    let years: Vec<(i32, usize)> = archive.years.iter().map(|y| (y.year, y.articles.len())).collect();
    assert_eq!(years, [(2025, 3), (2024, 1)]);
    let jan = &archive.years[0].months[1];
    assert_eq!((jan.month, jan.articles.clone(), jan.days.len()), (1, 1..3, 1));
    assert_eq!(jan.days[0].articles, 1..3);
}

#[test]
fn authors_merge_across_articles_with_counts_and_dates() {
    let mut a = article("One", "2025-01-01T10:00:00Z", &[("Austin Collins", Some(600))]);
    a.bio = Some("Old bio.".into());
    let mut b = article(
        "Two",
        "2025-03-01T10:00:00Z",
        &[("Austin  Collins", Some(670)), ("Jane Roe", None)],
    );
    b.bio = Some("New bio.\n\nSecond paragraph.".into());
    let archive = Archive::build(
        Path::new("."),
        input(vec![("content/a.txt", a), ("content/b.txt", b)]).input(),
        &everything(),
    )
    .unwrap();
    assert_eq!(archive.authors.len(), 2);
    let austin = &archive.authors[0];
    assert_eq!(
        (austin.slug.as_str(), austin.name.as_str()),
        ("austin-collins", "Austin  Collins")
    );
    assert_eq!(austin.source_count, Some(670), "the newest byline's count");
    assert_eq!(austin.articles, [0, 1]);
    assert_eq!(
        austin.bio_html.as_deref(),
        Some("<p>New bio.</p>\n<p>Second paragraph.</p>\n")
    );
    assert_eq!(
        austin.first_published.unwrap().to_rfc3339(),
        "2025-01-01T10:00:00+00:00"
    );
    assert_eq!(austin.last_published.unwrap().to_rfc3339(), "2025-03-01T10:00:00+00:00");
    assert_eq!(archive.articles[0].authors, [0, 1]);
    assert_eq!(archive.authors[1].path, "authors/jane-roe/");
}

#[test]
fn profiles_own_name_bio_and_aliases() {
    let mut inp = input(vec![(
        "content/a.md",
        article("One", "2025-01-01T10:00:00Z", &[("A. Collins", None)]),
    )]);
    inp.profiles.push((
        PathBuf::from("content/authors/austin-collins.md"),
        AuthorProfile {
            file_slug: "austin-collins".into(),
            name: "Austin Collins".into(),
            bio_html: Some("<p>Profile bio.</p>".into()),
            photo: None,
            links: vec![],
            aliases: vec!["A. Collins".into()],
        },
    ));
    let archive = Archive::build(Path::new("."), inp.input(), &everything()).unwrap();
    assert_eq!(archive.authors.len(), 1);
    assert_eq!(archive.authors[0].name, "Austin Collins");
    assert_eq!(archive.authors[0].articles, [0]);
    assert!(archive.authors[0].has_profile);
}

#[test]
fn drafts_and_scheduled_articles_are_left_out() {
    let mut draft = article("Draft", "2025-01-01T10:00:00Z", &[]);
    draft.draft = true;
    let future = article("Future", "2025-06-01T10:00:00Z", &[]);
    let now = DateTime::parse_from_rfc3339("2025-03-01T00:00:00Z").unwrap();
    let build = |drafts, future_ok| {
        let inp = input(vec![("content/a.md", draft.clone()), ("content/b.md", future.clone())]);
        let archive = Archive::build(
            Path::new("."),
            inp.input(),
            &Selection {
                drafts,
                future: future_ok,
                now,
            },
        )
        .unwrap();
        archive.articles.iter().map(|a| a.title.clone()).collect::<Vec<_>>()
    };
    assert!(build(false, false).is_empty());
    assert_eq!(build(true, false), ["Draft"]);
    assert_eq!(build(false, true), ["Future"]);
}

#[test]
fn two_sources_claiming_one_url_is_an_error_naming_both() {
    let err = Archive::build(
        Path::new("site"),
        input(vec![
            ("content/b.md", article("Same Title", "2025-01-01T10:00:00Z", &[])),
            ("content/a.md", article("Same title!", "2025-01-01T12:00:00Z", &[])),
        ])
        .input(),
        &everything(),
    )
    .unwrap_err();
    assert_eq!(err.len(), 1);
    assert_eq!(
        err[0].to_string().lines().next().unwrap(),
        "site/content/b.md:1:1: error: the URL /2025/01/01/same-title/ is claimed by both site/content/a.md and site/content/b.md"
    );
}

#[test]
fn empty_slugs_fall_back_to_a_hash_of_the_path() {
    let archive = Archive::build(
        Path::new("."),
        input(vec![("content/x.md", article("???", "2025-01-01T10:00:00Z", &[]))]).input(),
        &everything(),
    )
    .unwrap();
    let slug = &archive.articles[0].slug;
    assert!(
        slug.starts_with("article-") && slug.len() == "article-".len() + 8,
        "{slug}"
    );
}

/// Three articles by two authors, tagged, one of them scheduled after `now`.
fn edited_site() -> Sources {
    let mut a = article("Budget passes", "2025-01-02T10:00:00Z", &[("Jane Roe", Some(3))]);
    a.tags = vec!["Politics".into(), "Money".into()];
    a.summary = "The budget passed.".into();
    let mut b = article("Storm warning", "2025-01-01T08:00:00Z", &[("John Doe", None)]);
    b.section = Some("Weather".into());
    b.slug = Some("storm".into());
    let c = article("Coming soon", "2025-06-01T10:00:00Z", &[("Jane Roe", None)]);
    input(vec![("content/a.md", a), ("content/b.md", b), ("content/c.md", c)])
}

fn in_march() -> Selection {
    Selection {
        drafts: false,
        future: false,
        now: DateTime::parse_from_rfc3339("2025-03-01T00:00:00Z").unwrap(),
    }
}

/// Edits source `i` of `site` with `edit`; returns whether the archive took it as a patch,
/// having checked that a patched archive is the one built from the edited sources.
fn patched(site: &Sources, i: usize, edit: impl FnOnce(&mut ParsedArticle)) -> bool {
    let mut archive = built(site);
    let before = archive.articles.clone();
    let mut edited = site.clone();
    edit(&mut edited.articles[i].2);
    if archive
        .patch(&[edit_of(site, i, &edited.articles[i].2)], &in_march())
        .is_none()
    {
        assert_eq!(archive.articles, before, "a refused patch changes nothing");
        return false;
    }
    assert_eq!(archive, built(&edited));
    true
}

/// The archive of `site`, as `in_march` selects its articles.
fn built(site: &Sources) -> Archive {
    Archive::build(Path::new("."), site.input(), &in_march()).unwrap()
}

/// An edit of source `i` of `site`, from its fields there to `after`.
fn edit_of<'a>(site: &'a Sources, i: usize, after: &'a ParsedArticle) -> Edit<'a> {
    Edit {
        source: &site.articles[i].0,
        before: Some(&site.articles[i].2),
        after,
    }
}

#[test]
fn edits_of_what_an_article_shows_patch_the_archive() {
    let site = edited_site();
    assert!(patched(&site, 0, |a| a.summary = "The budget passed at last.".into()));
    assert!(patched(&site, 0, |a| a.source_hash = 7), "the body");
    assert!(patched(&site, 0, |a| a.updated = Some(a.date)));
    assert!(
        patched(&site, 1, |a| a.title = "Storm warning lifted".into()),
        "the slug is set"
    );
    assert!(
        patched(&site, 0, |a| a.title = "Budget Passes!".into()),
        "the same slug"
    );
    assert!(
        patched(&site, 2, |a| a.title = "Coming later".into()),
        "still scheduled"
    );
    assert!(patched(&site, 0, |a| a.title = "Budget fails".into()), "a new slug");
    assert!(patched(&site, 1, |a| a.slug = Some("storm-2".into())), "a slug set");
    assert!(patched(&site, 1, |a| a.slug = None), "the title's slug now");
}

#[test]
fn a_new_date_moves_the_article_in_the_archive() {
    let site = dated_site();
    let date = |d: &str| parse_date(d, Tz::UTC).unwrap();
    let cases = [
        (0, "2025-01-05T09:00:00Z", "later the same day"),
        (0, "2025-01-04T09:00:00Z", "to the day before, which has articles"),
        (0, "2025-01-01T09:00:00Z", "to a day with none yet"),
        (3, "2025-01-05T23:00:00Z", "past several articles"),
        (4, "2024-12-31T23:30:00Z", "to another month and year"),
        (5, "2025-02-10T10:00:00Z", "the oldest article becomes the newest"),
        (1, "2025-01-05T08:00:00Z", "to the same instant as another: by source"),
    ];
    for (i, when, what) in cases {
        assert!(patched(&site, i, |a| a.date = date(when)), "{what}");
    }
    assert!(
        patched(&site, 0, |a| {
            a.date = date("2025-01-03T07:00:00Z");
            a.title = "Moved and retitled".into();
        }),
        "a new date and title"
    );
    assert!(
        !patched(&site, 0, |a| {
            a.date = date("2025-01-04T12:00:00Z");
            a.title = "Night shift".into();
        }),
        "the URL of another article of the new day"
    );
}

#[test]
fn a_new_date_says_which_days_and_articles_changed() {
    let site = dated_site();
    let mut archive = built(&site);
    let mut redated = site.articles[0].2.clone();
    redated.date = parse_date("2025-01-04T09:00:00Z", Tz::UTC).unwrap();
    let patch = archive.patch(&[edit_of(&site, 0, &redated)], &in_march()).unwrap();
    // Newest first: the edited article was second (id 1) and is third now (id 2), after
    // the night shift of Jan 4, which moves up one place.
    assert_eq!(patch.changed, [1, 2]);
    assert!(patch.moved);
    let day = |d: u32| NaiveDate::from_ymd_opt(2025, 1, d).unwrap();
    assert_eq!(patch.redated, [day(5), day(4)]);
    assert_eq!(patch.redated_authors.len(), 1);
}

/// Six articles over a few days of January 2025 (and one in February), by two authors.
fn dated_site() -> Sources {
    let list = [
        ("content/a.md", "Morning report", "2025-01-05T08:00:00Z", "Jane Roe"),
        ("content/b.md", "Noon report", "2025-01-05T12:00:00Z", "John Doe"),
        ("content/c.md", "Night shift", "2025-01-04T23:00:00Z", "Jane Roe"),
        ("content/d.md", "Early shift", "2025-01-04T06:00:00Z", "John Doe"),
        ("content/e.md", "New year", "2025-01-02T10:00:00Z", "Jane Roe"),
        ("content/f.md", "First", "2025-01-01T00:30:00Z", "John Doe"),
    ];
    let mut site = input(
        list.iter()
            .map(|(path, title, date, author)| (*path, article(title, date, &[(author, None)])))
            .collect(),
    );
    site.articles[1].2.tags = vec!["Noon".into()];
    site.articles[4].2.tags = vec!["Noon".into()];
    site
}

#[test]
fn a_new_slug_moves_the_article_page_and_says_so() {
    let site = edited_site();
    let mut archive = built(&site);
    let mut retitled = site.articles[0].2.clone();
    retitled.title = "Budget fails".into();
    let edit = |after| edit_of(&site, 0, after);
    let selection = in_march();
    let patch = archive.patch(&[edit(&retitled)], &selection).unwrap();
    assert_eq!((patch.changed, patch.moved), (vec![0], true));
    assert_eq!(&*archive.articles[0].path, "2025/01/02/budget-fails/");
    let mut summary = retitled.clone();
    summary.summary = "Another summary.".into();
    let patch = archive.patch(&[edit(&summary)], &selection).unwrap();
    assert_eq!((patch.changed, patch.moved), (vec![0], false), "the same slug as now");
}

#[test]
fn a_new_slug_that_another_article_of_the_day_has_is_built_again() {
    let first = article("Morning report", "2025-01-02T08:00:00Z", &[("Jane Roe", None)]);
    let second = article("Evening report", "2025-01-02T18:00:00Z", &[("Jane Roe", None)]);
    let next_day = article("Night report", "2025-01-03T01:00:00Z", &[("Jane Roe", None)]);
    let site = input(vec![
        ("content/a.md", first),
        ("content/b.md", second),
        ("content/c.md", next_day),
    ]);
    assert!(
        !patched(&site, 0, |a| a.title = "Evening report".into()),
        "the evening report's URL"
    );
    assert!(
        patched(&site, 0, |a| a.title = "Night report".into()),
        "the same slug on another day is another URL"
    );
    // Two articles of the day swapping slugs at once take each other's old URL.
    let mut archive = built(&site);
    let mut edited = site.clone();
    let [a, b, ..] = &mut edited.articles[..] else {
        unreachable!()
    };
    std::mem::swap(&mut a.2.title, &mut b.2.title);
    let edits = [
        edit_of(&site, 0, &edited.articles[0].2),
        edit_of(&site, 1, &edited.articles[1].2),
    ];
    assert!(archive.patch(&edits, &in_march()).is_some());
    assert_eq!(archive, built(&edited));
}

#[test]
fn edits_that_move_or_file_an_article_elsewhere_are_built_again() {
    let site = edited_site();
    assert!(!patched(&site, 0, |a| a.tags.push("Tax".into())));
    assert!(
        !patched(&site, 0, |a| a.tags[0] = "politics".into()),
        "a spelling counts"
    );
    assert!(!patched(&site, 0, |a| a.bylines[0].source_count = Some(4)));
    assert!(!patched(&site, 1, |a| a.section = None));
    assert!(!patched(&site, 1, |a| a.draft = true));
    assert!(!patched(&site, 1, |a| a.aliases.push("old/storm/".into())));
    assert!(!patched(&site, 1, |a| a.bio = Some("Reporter.".into())));
    assert!(
        !patched(&site, 2, |a| a.date =
            parse_date("2025-05-01T10:00:00Z", Tz::UTC).unwrap()),
        "due sooner"
    );
}

#[test]
fn an_archive_holds_until_a_scheduled_article_is_due() {
    let built = in_march();
    let archive = Archive::build(Path::new("."), edited_site().input(), &built).unwrap();
    assert_eq!(archive.articles.len(), 2);
    let at = |now: &str| Selection {
        now: DateTime::parse_from_rfc3339(now).unwrap(),
        ..built
    };
    assert!(archive.holds_for(&built, &at("2025-05-31T23:59:59Z")));
    assert!(!archive.holds_for(&built, &at("2025-06-01T10:00:00Z")), "due");
    assert!(archive.holds_for(&built, &at("2025-01-02T10:00:00Z")));
    assert!(
        !archive.holds_for(&built, &at("2025-01-02T09:59:59Z")),
        "the newest is not out yet"
    );
    assert!(!archive.holds_for(&built, &Selection { drafts: true, ..built }));
}

#[test]
fn the_stored_archive_reads_back_as_it_was() {
    let archive = Archive::build(Path::new("."), edited_site().input(), &in_march()).unwrap();
    // The text of the articles read borrows from the bytes, which must outlive it.
    let bytes = postcard::to_allocvec(&archive.stored()).unwrap().leak();
    let stored: StoredArchive<'static> = postcard::from_bytes(bytes).unwrap();
    let read = Archive::from_stored(stored).unwrap();
    assert_eq!(read, archive);
    assert!(matches!(read.articles[0].title, std::borrow::Cow::Borrowed(_)));
}

#[test]
fn without_the_fields_before_only_published_articles_are_patched() {
    let site = edited_site();
    let selection = in_march();
    let mut archive = Archive::build(Path::new("."), site.input(), &selection).unwrap();
    let mut after = site.articles[0].2.clone();
    after.summary = "New summary.".into();
    let edit = Edit {
        source: &site.articles[0].0,
        before: None,
        after: &after,
    };
    assert!(
        archive.patch(&[edit], &selection).is_some(),
        "a published article: its shape is known"
    );
    let scheduled = site.articles[2].2.clone();
    let edit = Edit {
        source: &site.articles[2].0,
        before: None,
        after: &scheduled,
    };
    assert!(
        archive.patch(&[edit], &selection).is_none(),
        "held back: when it was due is not known"
    );
}
