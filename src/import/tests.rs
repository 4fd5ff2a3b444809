//! An import as a whole, on small sources written here: the files it writes, what it says
//! of each item, and that running it again changes nothing.

use std::fs;
use std::path::{Path, PathBuf};

use super::*;

const CONFIG: &str = "title = \"T\"\nbase_url = \"https://example.org/\"\ntimezone = \"Europe/Berlin\"\n";

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("dateline.toml"), CONFIG).unwrap();
    dir
}

fn options(site: &Path, kind: Kind, source: &Path) -> Options {
    Options {
        kind,
        source: source.to_path_buf(),
        site: site.to_path_buf(),
        dry_run: false,
        force: false,
        images: None,
        progress: false,
    }
}

fn rss(items: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n<title>F</title>\n{items}</channel>\n</rss>\n"
    )
}

fn item(title: &str, date: &str, link: &str, body: &str) -> String {
    format!(
        "<item>\n<title>{title}</title>\n<link>{link}</link>\n<pubDate>{date}</pubDate>\n\
         <dc:creator>Jane Roe</dc:creator>\n<category>City</category>\n\
         <content:encoded><![CDATA[{body}]]></content:encoded>\n</item>\n"
    )
}

/// Imports `text` as an RSS feed into a new site: the site, and the report.
fn import_rss(text: &str) -> (tempfile::TempDir, Report) {
    let site = site();
    let feed = site.path().join("feed.xml");
    fs::write(&feed, text).unwrap();
    let report = run(&options(site.path(), Kind::Rss, &feed)).unwrap();
    (site, report)
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                found.push(path.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn an_rss_item_becomes_a_markdown_source_that_dateline_reads() {
    let (site, report) = import_rss(&rss(&item(
        "Harbour Budget Passes",
        "Tue, 02 Dec 2025 23:30:00 -0500",
        "https://old.example/news/harbour-budget.html",
        "<p>The budget <strong>passed</strong>.</p>",
    )));
    assert_eq!(report.summary.articles, 1);
    assert!(report.notices.is_empty(), "{:?}", report.notices);
    // 23:30 in New York is 05:30 the next day in Berlin: the site's calendar day.
    let path = site.path().join("content/2025/12/harbour-budget-passes.md");
    let text = fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        "---\ntitle: \"Harbour Budget Passes\"\ndate: 2025-12-02T23:30:00-05:00\nauthors: [\"Jane Roe\"]\n\
         section: \"City\"\nslug: \"harbour-budget-passes\"\naliases: [\"/news/harbour-budget.html\"]\n---\n\n\
         The budget **passed**.\n"
    );
    let parsed = crate::parse::parse_article(
        &path,
        text.as_bytes(),
        crate::parse::Format::Markdown,
        &crate::parse::ParseContext {
            timezone: chrono_tz::Europe::Berlin,
        },
    )
    .unwrap();
    assert_eq!(parsed.title, "Harbour Budget Passes");
    assert_eq!(parsed.date.at.to_rfc3339(), "2025-12-03T05:30:00+01:00");
    assert_eq!(parsed.aliases, ["/news/harbour-budget.html"]);
}

#[test]
fn items_without_a_title_or_a_date_are_errors_at_their_lines_and_the_others_are_imported() {
    let text = rss(&format!(
        "{}<item>\n<link>https://old.example/x/</link>\n<pubDate>Tue, 02 Dec 2025 21:30:00 GMT</pubDate>\n</item>\n\
         <item>\n<title>No Date</title>\n</item>\n<item>\n<title>Bad Date</title>\n<dc:date>2025-02-30</dc:date>\n</item>\n",
        item("Good", "Tue, 02 Dec 2025 21:30:00 GMT", "", "<p>x</p>")
    ));
    let (site, report) = import_rss(&text);
    assert_eq!(report.summary.articles, 1);
    assert_eq!(report.summary.failed, 3);
    let said: Vec<String> = report.notices.iter().map(ToString::to_string).collect();
    let feed = site.path().join("feed.xml");
    let feed = feed.display();
    assert_eq!(
        said,
        [
            format!("{feed}:13: error: the item https://old.example/x/ has no title: not imported"),
            format!("{feed}:17: error: “No Date” has no date (`pubDate` or `dc:date`): not imported"),
            format!("{feed}:20: error: “Bad Date” is not imported: its date `2025-02-30` is not a date"),
        ]
    );
}

#[test]
fn malformed_xml_is_one_error_at_its_line_and_nothing_is_written() {
    let text = rss(&format!(
        "{}<item>\n<title>Broken</title>\n<link>x</lnk>\n</item>\n",
        item("Good", "Tue, 02 Dec 2025 21:30:00 GMT", "", "<p>x</p>")
    ));
    let site = site();
    let feed = site.path().join("feed.xml");
    fs::write(&feed, text).unwrap();
    let Err(ImportError::Problems(list)) = run(&options(site.path(), Kind::Rss, &feed)) else {
        panic!("malformed XML is a problem");
    };
    let d = list.iter().next().unwrap();
    assert_eq!(d.line, 15, "{d}");
    assert!(d.message.starts_with("malformed XML"), "{d}");
    assert!(!site.path().join("content").exists(), "nothing was written");
}

#[test]
fn two_items_with_one_slug_in_a_month_are_told_apart_and_reported() {
    let text = rss(&format!(
        "{}{}{}",
        item(
            "Budget",
            "Tue, 02 Dec 2025 12:00:00 GMT",
            "https://old.example/a/",
            "<p>One</p>"
        ),
        item(
            "Budget",
            "Wed, 03 Dec 2025 12:00:00 GMT",
            "https://old.example/b/",
            "<p>Two</p>"
        ),
        item(
            "Budget",
            "Wed, 03 Jan 2024 12:00:00 GMT",
            "https://old.example/c/",
            "<p>Other month</p>"
        ),
    ));
    let (site, report) = import_rss(&text);
    assert_eq!(report.summary.articles, 3);
    let content = site.path().join("content");
    assert!(content.join("2025/12/budget.md").is_file());
    assert!(content.join("2025/12/budget-2.md").is_file());
    assert!(content.join("2024/01/budget.md").is_file());
    assert!(
        fs::read_to_string(content.join("2025/12/budget-2.md"))
            .unwrap()
            .contains("slug: \"budget-2\"\n")
    );
    assert_eq!(report.notices.len(), 1, "{:?}", report.notices);
    let said = report.notices[0].to_string();
    assert!(
        said.contains(":13: warning: “Budget” has the slug `budget` of “Budget” ("),
        "{said}"
    );
    assert!(
        said.contains("feed.xml:5), in the same month: written as `budget-2`"),
        "{said}"
    );
}

#[test]
fn scripts_are_removed_and_each_item_named() {
    let text = rss(&format!(
        "{}{}",
        item(
            "Scripted",
            "Tue, 02 Dec 2025 12:00:00 GMT",
            "",
            "<p onmouseover=\"x()\">Hi</p><script>document.cookie</script>"
        ),
        item("Clean", "Tue, 02 Dec 2025 12:00:00 GMT", "", "<p>Fine</p>"),
    ));
    let (site, report) = import_rss(&text);
    assert_eq!(report.summary.warnings, 1);
    let said = report.notices[0].to_string();
    assert!(
        said.ends_with(":5: warning: “Scripted”: removed <script>, event handlers (on…=) from its body"),
        "{said}"
    );
    let text = fs::read_to_string(site.path().join("content/2025/12/scripted.md")).unwrap();
    assert!(
        !text.contains("<script") && !text.contains("cookie") && !text.contains("onmouseover"),
        "{text}"
    );
}

#[test]
fn a_second_run_writes_nothing_and_edits_are_kept_unless_forced() {
    let text = rss(&format!(
        "{}{}",
        item(
            "One",
            "Tue, 02 Dec 2025 12:00:00 GMT",
            "https://old.example/1/",
            "<p>One</p>"
        ),
        item(
            "Two",
            "Tue, 02 Dec 2025 12:00:00 GMT",
            "https://old.example/2/",
            "<p>Two</p>"
        ),
    ));
    let (site, first) = import_rss(&text);
    assert_eq!((first.summary.written, first.summary.unchanged), (2, 0));
    let before: Vec<(PathBuf, Vec<u8>)> = files_under(site.path())
        .into_iter()
        .map(|p| (p.clone(), fs::read(site.path().join(&p)).unwrap()))
        .collect();
    let feed = site.path().join("feed.xml");
    let again = run(&options(site.path(), Kind::Rss, &feed)).unwrap();
    assert_eq!(
        (again.summary.written, again.summary.unchanged, again.summary.kept),
        (0, 2, 0)
    );
    let after: Vec<(PathBuf, Vec<u8>)> = files_under(site.path())
        .into_iter()
        .map(|p| (p.clone(), fs::read(site.path().join(&p)).unwrap()))
        .collect();
    assert_eq!(before, after, "the same files, nothing duplicated");

    let edited = site.path().join("content/2025/12/one.md");
    fs::write(&edited, "---\ntitle: \"One, edited\"\ndate: 2025-12-02\n---\n").unwrap();
    let kept = run(&options(site.path(), Kind::Rss, &feed)).unwrap();
    assert_eq!(
        (kept.summary.written, kept.summary.unchanged, kept.summary.kept),
        (0, 1, 1)
    );
    assert!(fs::read_to_string(&edited).unwrap().contains("One, edited"));
    let forced = run(&Options {
        force: true,
        ..options(site.path(), Kind::Rss, &feed)
    })
    .unwrap();
    assert_eq!((forced.summary.written, forced.summary.kept), (1, 0));
    assert!(!fs::read_to_string(&edited).unwrap().contains("One, edited"));
}

#[test]
fn a_dry_run_lists_and_writes_nothing() {
    let site = site();
    let feed = site.path().join("feed.xml");
    fs::write(
        &feed,
        rss(&item("One", "Tue, 02 Dec 2025 12:00:00 GMT", "", "<p>One</p>")),
    )
    .unwrap();
    let report = run(&Options {
        dry_run: true,
        ..options(site.path(), Kind::Rss, &feed)
    })
    .unwrap();
    assert_eq!(report.summary.written, 1);
    assert_eq!(
        report.files,
        [(PathBuf::from("content/2025/12/one.md"), Outcome::Written)]
    );
    assert_eq!(
        report.summary.headline(),
        "Would import 1 article, 0 author profiles; 0 warnings"
    );
    assert!(report.summary.files().ends_with("(dry run: nothing was written)"));
    assert!(!site.path().join("content").exists());
}

#[test]
fn a_folder_that_cannot_be_written_is_a_clear_error_and_leaves_no_temporary_file() {
    let site = site();
    let feed = site.path().join("feed.xml");
    fs::write(
        &feed,
        rss(&format!(
            "{}{}",
            item("One", "Tue, 02 Dec 2025 12:00:00 GMT", "", "<p>One</p>"),
            item("Two", "Tue, 02 Dec 2025 12:00:00 GMT", "", "<p>Two</p>")
        )),
    )
    .unwrap();
    let month = site.path().join("content/2025/12");
    fs::create_dir_all(&month).unwrap();
    // A folder where the file goes fails for anyone, root too; a read-only folder fails
    // for anyone else.
    fs::create_dir_all(month.join("two.md/in-the-way")).unwrap();
    let Err(ImportError::Io(e)) = run(&options(site.path(), Kind::Rss, &feed)) else {
        panic!("the import fails");
    };
    assert!(e.to_string().contains("two.md"), "{e}");
    let temporary: Vec<PathBuf> = files_under(site.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("import-tmp"))
        .collect();
    assert!(temporary.is_empty(), "{temporary:?}");

    #[cfg(unix)]
    if !rustix::process::geteuid().is_root() {
        use std::os::unix::fs::PermissionsExt;
        fs::remove_dir_all(month.join("two.md")).unwrap();
        fs::remove_file(month.join("one.md")).ok();
        fs::set_permissions(&month, fs::Permissions::from_mode(0o555)).unwrap();
        let Err(ImportError::Io(e)) = run(&options(site.path(), Kind::Rss, &feed)) else {
            panic!("the import fails");
        };
        fs::set_permissions(&month, fs::Permissions::from_mode(0o755)).unwrap();
        assert!(e.to_string().starts_with("cannot write "), "{e}");
        assert!(files_under(&month).is_empty(), "{:?}", files_under(&month));
    }
}

#[test]
fn old_urls_become_aliases_on_the_site() {
    assert_eq!(
        old_path("https://old.example/2019/05/caf%C3%A9/"),
        OldPath::Path("/2019/05/café/".into())
    );
    assert_eq!(old_path("https://old.example/?p=123"), OldPath::Query);
    assert_eq!(old_path("https://old.example/"), OldPath::None);
    assert_eq!(old_path("/news/a.html#top"), OldPath::Path("/news/a.html".into()));
    // An old URL that is the article's new one is no alias; one with a query is reported
    // once for all.
    let text = rss(&format!(
        "{}{}{}",
        item(
            "Same",
            "Tue, 02 Dec 2025 12:00:00 GMT",
            "https://old.example/2025/12/02/same/",
            ""
        ),
        item("Query", "Tue, 02 Dec 2025 12:00:00 GMT", "https://old.example/?p=1", ""),
        item(
            "Query 2",
            "Tue, 02 Dec 2025 12:00:00 GMT",
            "https://old.example/?p=2",
            ""
        ),
    ));
    let (site, report) = import_rss(&text);
    let same = fs::read_to_string(site.path().join("content/2025/12/same.md")).unwrap();
    assert!(!same.contains("aliases"), "{same}");
    let said: Vec<String> = report.notices.iter().map(ToString::to_string).collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].ends_with(
            "warning: 2 old URLs with a query (such as `https://old.example/?p=1`) not kept as aliases: \
             a static host cannot redirect them"
        ),
        "{said:?}"
    );
}

const WXR: &str = r#"<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
<wp:author><wp:author_login><![CDATA[jroe]]></wp:author_login><wp:author_email><![CDATA[jroe@example.org]]></wp:author_email><wp:author_display_name><![CDATA[Jane Roe]]></wp:author_display_name><wp:author_description><![CDATA[Jane covers the harbour.]]></wp:author_description></wp:author>
<wp:author><wp:author_login><![CDATA[nobody]]></wp:author_login><wp:author_display_name><![CDATA[No Posts]]></wp:author_display_name></wp:author>
<item>
<title>Harbour Opens</title>
<link>https://old.example/2019/05/harbour-opens/</link>
<dc:creator><![CDATA[jroe]]></dc:creator>
<content:encoded><![CDATA[First.

Second.]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_date><![CDATA[2019-05-03 10:00:00]]></wp:post_date>
<wp:post_date_gmt><![CDATA[2019-05-03 08:00:00]]></wp:post_date_gmt>
<wp:post_name><![CDATA[harbour-opens]]></wp:post_name>
<wp:status><![CDATA[publish]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
</item>
<item>
<title>About</title>
<wp:status><![CDATA[publish]]></wp:status>
<wp:post_type><![CDATA[page]]></wp:post_type>
</item>
<item>
<title>Secret</title>
<wp:status><![CDATA[private]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
</item>
<item>
<title>Coming</title>
<dc:creator><![CDATA[jroe]]></dc:creator>
<wp:post_date><![CDATA[2019-06-01 09:00:00]]></wp:post_date>
<wp:post_date_gmt><![CDATA[0000-00-00 00:00:00]]></wp:post_date_gmt>
<wp:status><![CDATA[draft]]></wp:status>
<wp:post_type><![CDATA[post]]></wp:post_type>
</item>
</channel>
</rss>
"#;

#[test]
fn a_wordpress_export_gives_posts_drafts_and_the_profiles_of_their_authors() {
    let site = site();
    let export = site.path().join("wxr.xml");
    fs::write(&export, WXR).unwrap();
    let report = run(&options(site.path(), Kind::Wxr, &export)).unwrap();
    assert_eq!(
        report.summary.headline(),
        "Imported 2 articles (1 draft), 1 author profile; 2 items skipped (1 pages, 1 private); 0 warnings"
    );
    let content = site.path().join("content");
    assert_eq!(
        fs::read_to_string(content.join("2019/05/harbour-opens.md")).unwrap(),
        "---\ntitle: \"Harbour Opens\"\ndate: 2019-05-03T10:00:00+02:00\nauthors: [\"Jane Roe\"]\n\
         slug: \"harbour-opens\"\naliases: [\"/2019/05/harbour-opens/\"]\n---\n\nFirst.\n\nSecond.\n"
    );
    assert_eq!(
        fs::read_to_string(content.join("2019/06/coming.md")).unwrap(),
        "---\ntitle: \"Coming\"\ndate: 2019-06-01 09:00:00\nauthors: [\"Jane Roe\"]\nslug: \"coming\"\ndraft: true\n---\n"
    );
    assert_eq!(
        fs::read_to_string(content.join("authors/jane-roe.md")).unwrap(),
        "---\nname: \"Jane Roe\"\n---\nJane covers the harbour.\n"
    );
    assert!(!content.join("authors/no-posts.md").exists());
}

#[test]
fn generator_keys_are_mapped_or_reported_as_dropped() {
    let hugo = crate::testing::folder_with(&[
        ("hugo.toml", "[permalinks]\nposts = \"/:year/:month/:slug/\"\n"),
        (
            "content/posts/harbour.md",
            "+++\ntitle = \"Harbour\"\ndate = 2019-05-03T10:00:00+02:00\nlastmod = 2019-05-04T10:00:00+02:00\n\
             author = \"Jane Roe\"\ncategories = [\"City\", \"Port\"]\ntags = [\"ships\"]\nweight = 3\n\
             aliases = [\"/old/harbour/\"]\nslug = \"the-harbour\"\n+++\nBody {{< youtube x >}}\n",
        ),
        ("content/about.md", "---\ntitle: About\n---\nUs.\n"),
        ("content/posts/_index.md", "---\ntitle: Posts\n---\n"),
    ]);
    let site = site();
    let report = run(&options(site.path(), Kind::Hugo, hugo.path())).unwrap();
    assert_eq!(report.summary.articles, 1);
    assert_eq!(report.summary.skipped.values().sum::<usize>(), 2);
    let text = fs::read_to_string(site.path().join("content/2019/05/the-harbour.md")).unwrap();
    assert_eq!(
        text,
        "---\ntitle: \"Harbour\"\ndate: 2019-05-03T10:00:00+02:00\nupdated: 2019-05-04T10:00:00+02:00\n\
         authors: [\"Jane Roe\"]\ntags: [\"Port\", \"ships\"]\nsection: \"City\"\nslug: \"the-harbour\"\n\
         aliases: [\"/old/harbour/\", \"/2019/05/the-harbour/\"]\n---\n\nBody {{< youtube x >}}\n"
    );
    let said: Vec<String> = report.notices.iter().map(|n| n.message.clone()).collect();
    assert_eq!(
        said,
        [
            "“Harbour”: Hugo shortcodes are kept as text (`{{< youtube x >}}`)",
            "front matter key `weight` dropped (1 file): dateline has no such key",
        ]
    );
}
