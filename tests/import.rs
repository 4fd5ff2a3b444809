//! `dateline import` as a user runs it, on the fixtures of tests/fixtures/import: each
//! importer into a new site (`dateline init`), then the site built and checked.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

use common::{dateline, stderr, stdout};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

/// A new site in a temporary folder: the folder, and the site's path in it.
fn new_site() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let init = dateline(&["init", "site"], dir.path());
    assert!(init.status.success(), "{}", stderr(&init));
    let site = dir.path().join("site");
    (dir, site)
}

fn import(site: &Path, kind: &str, source: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["import", kind, source.to_str().unwrap(), "-s", site.to_str().unwrap()];
    args.extend_from_slice(extra);
    dateline(&args, site.parent().unwrap())
}

fn read(site: &Path, rel: &str) -> String {
    fs::read_to_string(site.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The site builds, and `dateline check` finds no error (warnings on the sources, such as
/// a fixture's short first paragraph, pass).
fn builds_and_checks(site: &Path) {
    let build = dateline(&["build", "-s", site.to_str().unwrap()], site);
    assert!(build.status.success(), "{}{}", stdout(&build), stderr(&build));
    let check = dateline(&["check", "-s", site.to_str().unwrap()], site);
    assert!(check.status.success(), "{}{}", stdout(&check), stderr(&check));
    let said = stdout(&check);
    assert!(said.contains(": no problems") || said.contains(": no errors"), "{said}");
}

/// Every file under `dir`, relative, with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_wordpress_export_imports_builds_and_checks() {
    let (_dir, site) = new_site();
    let uploads = fixture("uploads");
    let out = import(
        &site,
        "wxr",
        &fixture("wxr.xml"),
        &["--images", uploads.to_str().unwrap()],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Imported 3 articles (1 draft), 2 author profiles, 1 image; 3 items skipped (1 attachments, 1 pages, 1 private); 2 warnings\n\
         6 files written, 0 unchanged\n"
    );
    let export = fixture("wxr.xml");
    let export = export.display();
    assert_eq!(
        stderr(&out),
        format!(
            "{export}:41: warning: “Pier Works Begin”: removed <script>, javascript: URLs from its body\n\
             {export}:62: warning: 1 old URL with a query (such as `https://daily.example/?p=13`) not kept as aliases: a static host cannot redirect them\n"
        )
    );
    assert_eq!(
        read(&site, "content/2025/11/council-approves-harbour-budget.md"),
        "---\ntitle: \"Council Approves the Harbour Budget\"\ndate: 2025-11-03T09:30:00+01:00\n\
         authors: [\"Jane Roe\"]\ntags: [\"Budget\", \"Harbour\"]\nsection: \"Politics\"\n\
         summary: \"The budget passed, seven to four.\"\nslug: \"council-approves-harbour-budget\"\n---\n\n\
         The council approved the budget on **Monday**.\n\n\
         It pays for a new pier and for dredging.  \nThe vote was seven to four.\n\n\
         <img class=\"aligncenter size-large\" src=\"/images/2025/11/pier.png\" alt=\"The pier\" width=\"800\" height=\"600\">\n\n\
         ![The pier again](/images/2025/11/pier.png)\n"
    );
    let pier = read(&site, "content/2025/11/pier-works-begin.md");
    assert!(pier.contains("authors: [\"Marta Kowalczyk\"]\n"), "{pier}");
    assert!(!pier.contains("section:"), "Uncategorized is no section: {pier}");
    assert!(!pier.contains("<script") && !pier.contains("javascript"), "{pier}");
    let draft = read(&site, "content/2025/11/ferry-strike-called-off.md");
    assert!(
        draft.contains("date: 2025-11-12 16:00:00\n") && draft.contains("draft: true\n"),
        "{draft}"
    );
    assert_eq!(
        read(&site, "content/authors/jane-roe.md"),
        "---\nname: \"Jane Roe\"\n---\nJane Roe covers the harbour and the council.\n"
    );
    assert_eq!(
        read(&site, "content/authors/marta-kowalczyk.md"),
        "---\nname: \"Marta Kowalczyk\"\n---\n"
    );
    assert_eq!(
        fs::read(site.join("content/images/2025/11/pier.png")).unwrap(),
        fs::read(uploads.join("2025/11/pier.png")).unwrap()
    );
    // No e-mail address of the export reaches the site.
    assert!(
        !snapshot(&site.join("content"))
            .iter()
            .any(|(_, b)| String::from_utf8_lossy(b).contains("@daily"))
    );

    builds_and_checks(&site);
    // The old URL is the new one: no alias needed.
    let old = read(&site, "public/2025/11/03/council-approves-harbour-budget/index.html");
    assert!(
        old.contains("Council Approves the Harbour Budget"),
        "the article keeps its old URL: {old}"
    );
    let moved = read(&site, "public/2025/11/10/pier-works-begin/index.html");
    assert!(moved.contains("Pier Works Begin"), "{moved}");
    let author = read(&site, "public/authors/jane-roe/index.html");
    assert!(author.contains("covers the harbour and the council"), "{author}");

    // Again: the same files, nothing written.
    let before = snapshot(&site.join("content"));
    let again = import(
        &site,
        "wxr",
        &fixture("wxr.xml"),
        &["--images", uploads.to_str().unwrap()],
    );
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).ends_with("0 files written, 6 unchanged\n"),
        "{}",
        stdout(&again)
    );
    assert_eq!(before, snapshot(&site.join("content")));
}

#[test]
fn an_rss_feed_imports_builds_and_checks() {
    let (_dir, site) = new_site();
    let out = import(&site, "rss", &fixture("rss.xml"), &[]);
    let feed = fixture("rss.xml");
    let feed = feed.display();
    assert_eq!(out.status.code(), Some(1), "one item has no date: {}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Imported 4 articles, 0 author profiles; 1 item not imported (errors above); 2 warnings\n4 files written, 0 unchanged\n"
    );
    assert_eq!(
        stderr(&out),
        format!(
            "{feed}:23: warning: “Ferry & Rail Timetables Change in December”: removed <script> from its body\n\
             {feed}:39: warning: “Festival Returns to the Quay” has the slug `festival-returns-to-the-quay` of \
             “Festival Returns to the Quay” ({feed}:31), in the same month: written as `festival-returns-to-the-quay-2`\n\
             {feed}:47: error: “Untimed Notice” has no date (`pubDate` or `dc:date`): not imported\n\
             error: 1 item not imported (their problems are above); the others were\n"
        )
    );
    let budget = read(&site, "content/2025/11/harbour-budget-passes-after-late-vote.md");
    assert!(budget.contains("date: 2025-11-18T21:30:00-05:00\n"), "{budget}");
    assert!(
        budget.contains("aliases: [\"/news/2025/11/harbour-budget.html\"]\n"),
        "{budget}"
    );
    assert!(
        budget.contains("summary: \"The council approved the harbour budget after midnight.\"\n"),
        "{budget}"
    );
    assert!(
        budget.contains("\n## What it pays for\n\n- A new pier\n- Dredging the channel\n"),
        "{budget}"
    );
    assert!(
        budget.contains("<table class=\"figures\">"),
        "a table with a class stays HTML: {budget}"
    );
    let festival = read(&site, "content/2025/11/festival-returns-to-the-quay.md");
    assert!(
        festival.contains("<figure><iframe src=\"https://www.youtube.com/embed/abc123\""),
        "{festival}"
    );
    assert!(site.join("content/2025/11/festival-returns-to-the-quay-2.md").is_file());
    let ferry = read(&site, "content/2025/11/ferry-rail-timetables-change-in-december.md");
    assert!(ferry.contains("authors: [\"Austin Collins\"]\n"), "{ferry}");
    assert!(!ferry.contains("track()"), "{ferry}");

    builds_and_checks(&site);
    let redirect = read(&site, "public/news/2025/11/harbour-budget.html");
    assert!(
        redirect.contains("/2025/11/19/harbour-budget-passes-after-late-vote/"),
        "{redirect}"
    );
}

#[test]
fn an_atom_feed_imports() {
    let (_dir, site) = new_site();
    let out = import(&site, "atom", &fixture("atom.xml"), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("atom.xml:26: error: an entry without a title: not imported"),
        "{err}"
    );
    assert!(
        err.contains("atom.xml:7: warning: “Tides & the New Sea Wall”: removed event handlers (on…=) from its body"),
        "{err}"
    );
    let tides = read(&site, "content/2025/11/tides-the-new-sea-wall.md");
    assert!(
        tides.contains("date: 2025-11-03T08:00:00+09:00\nupdated: 2025-11-04T10:00:00+09:00\n"),
        "{tides}"
    );
    assert!(
        tides.contains("authors: [\"Mariko Sato\"]\ntags: [\"sea-wall\"]\nsection: \"Science\"\n"),
        "{tides}"
    );
    assert!(tides.contains("The wall *changes* the tides."), "{tides}");
    let plankton = read(&site, "content/2025/11/plankton-counts-rise.md");
    assert!(
        plankton.contains("authors: [\"Science Desk\"]\n"),
        "the feed's author: {plankton}"
    );
    assert!(plankton.contains("Counts rose by **a third**."), "{plankton}");
    builds_and_checks(&site);
}

#[test]
fn a_hugo_site_imports() {
    let (_dir, site) = new_site();
    let out = import(&site, "hugo", &fixture("hugo"), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .starts_with("Imported 3 articles (1 draft), 0 author profiles; 2 items skipped (1 list pages, 1 pages)"),
        "{}",
        stdout(&out)
    );
    let err = stderr(&out);
    assert!(
        err.contains("no-date.md:1: error: “A Post Without a Date” has no `date`: not imported"),
        "{err}"
    );
    assert!(err.contains("harbour-budget.md:1: warning: “Harbour Budget Passes”: Hugo shortcodes are kept as text (`{{< youtube abc123 >}}`)"), "{err}");
    assert!(
        err.contains("warning: front matter key `images` dropped (1 file): dateline has no such key"),
        "{err}"
    );
    assert!(
        err.contains("warning: front matter key `weight` dropped (1 file): dateline has no such key"),
        "{err}"
    );
    assert!(
        err.contains("index.md:1: warning: “Pier Works Begin”: removed event handlers (on…=) from its body"),
        "{err}"
    );
    let budget = read(&site, "content/2025/11/harbour-budget-passes.md");
    assert!(
        budget.starts_with(
            "---\ntitle: \"Harbour Budget Passes\"\ndate: 2025-11-18T21:30:00-05:00\nupdated: 2025-11-19T09:00:00-05:00\n\
             authors: [\"Jane Roe\"]\ntags: [\"Harbour\", \"budget\"]\nsection: \"Politics\"\n\
             summary: \"The council approved the harbour budget.\"\nslug: \"harbour-budget-passes\"\n\
             aliases: [\"/2025/11/harbour-budget-passes/\"]\n---\n"
        ),
        "{budget}"
    );
    let pier = read(&site, "content/2025/11/pier-works.md");
    assert!(
        pier.contains("authors: [\"Marta Kowalczyk\", \"Jane Roe\"]\n"),
        "{pier}"
    );
    assert!(
        pier.contains("aliases: [\"/old/pier/\", \"/2025/11/pier-works/\"]\n"),
        "{pier}"
    );
    assert!(!pier.contains("onclick"), "{pier}");
    let ferry = read(&site, "content/2025/11/ferry-strike-called-off.md");
    assert!(
        ferry.contains("summary: \"The strike is off.\"\n") && ferry.contains("draft: true\n"),
        "{ferry}"
    );
    assert!(ferry.contains("aliases: [\"/ferry-strike-off.html\"]\n"), "{ferry}");
    builds_and_checks(&site);
}

#[test]
fn a_jekyll_site_imports() {
    let (_dir, site) = new_site();
    let out = import(&site, "jekyll", &fixture("jekyll"), &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("Imported 4 articles (2 drafts)"),
        "{}",
        stdout(&out)
    );
    let err = stderr(&out);
    assert!(err.contains("2025-11-03-harbour-budget.md:1: warning: “Harbour Budget Passes”: Liquid is kept as text (`{% include figure.html %}`)"), "{err}");
    assert!(
        err.contains("warning: front matter key `layout` dropped (2 files): dateline has no such key"),
        "{err}"
    );
    assert!(
        err.contains(
            "2025-11-10-pier-works-begin.markdown:1: warning: “Pier works begin”: removed <script> from its body"
        ),
        "{err}"
    );
    let budget = read(&site, "content/2025/11/harbour-budget.md");
    assert!(
        budget.starts_with(
            "---\ntitle: \"Harbour Budget Passes\"\ndate: 2025-11-03T09:30:00+01:00\nauthors: [\"Jane Roe\"]\n\
             tags: [\"harbour\", \"budget\", \"council\"]\nsection: \"news\"\nsummary: \"The budget passed, seven to four.\"\n\
             slug: \"harbour-budget\"\naliases: [\"/budget/\", \"/news/harbour/2025/11/03/harbour-budget/\"]\n---\n"
        ),
        "{budget}"
    );
    let pier = read(&site, "content/2025/11/pier-works-begin.md");
    assert!(
        pier.contains("title: \"Pier works begin\"\ndate: 2025-11-10\n"),
        "{pier}"
    );
    assert!(pier.contains("section: \"politics\"\n"), "{pier}");
    assert!(
        pier.contains("aliases: [\"/politics/2025/11/10/pier-works-begin/\"]\n"),
        "{pier}"
    );
    assert!(!pier.contains("<script"), "{pier}");
    let ferry = read(&site, "content/2025/11/ferry.md");
    assert!(
        ferry.contains("draft: true\naliases: [\"/ferry-strike.html\"]\n"),
        "{ferry}"
    );
    assert!(ferry.contains("The strike is *off*."), "{ferry}");
    let festival = read(&site, "content/2025/11/harbour-festival.md");
    assert!(festival.contains("draft: true\n"), "{festival}");
    builds_and_checks(&site);
}

#[test]
fn a_pelican_site_imports() {
    let (_dir, site) = new_site();
    let out = import(&site, "pelican", &fixture("pelican"), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with(
            "Imported 2 articles (1 draft), 0 author profiles; 2 items skipped (1 pages, 1 reStructuredText files)"
        ),
        "{}",
        stdout(&out)
    );
    let err = stderr(&out);
    assert!(
        err.contains("no-title.md:1: error: no-title.md has no `Title:`: not imported"),
        "{err}"
    );
    assert!(
        err.contains("warning: front matter key `lang` dropped (1 file): dateline has no such key"),
        "{err}"
    );
    assert_eq!(
        read(&site, "content/2025/11/harbour-budget-passes.md"),
        "---\ntitle: \"Harbour Budget Passes\"\ndate: 2025-11-03 09:30\nupdated: 2025-11-04 10:00\n\
         authors: [\"Jane Roe\", \"Austin Collins\"]\ntags: [\"budget\", \"council\"]\nsection: \"Politics\"\n\
         summary: \"The budget passed, seven to four.\"\nslug: \"harbour-budget-passes\"\n\
         aliases: [\"/posts/2025/11/harbour-budget-passes/\"]\n---\n\nThe council approved the **budget**.\n"
    );
    let pier = read(&site, "content/2025/11/pier-works.md");
    assert!(
        pier.contains("section: \"harbour\"\n") && pier.contains("draft: true\n"),
        "{pier}"
    );
    builds_and_checks(&site);
}

#[test]
fn a_dry_run_lists_what_it_would_write_and_writes_nothing() {
    let (_dir, site) = new_site();
    let before = snapshot(&site);
    let out = import(&site, "wxr", &fixture("wxr.xml"), &["--dry-run"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stdout(&out);
    assert!(said.starts_with("would write "), "{said}");
    assert!(
        said.contains("content/2025/11/council-approves-harbour-budget.md\n"),
        "{said}"
    );
    assert!(
        said.contains("Would import 3 articles (1 draft), 2 author profiles;"),
        "{said}"
    );
    assert!(
        said.ends_with("5 files to write, 0 unchanged (dry run: nothing was written)\n"),
        "{said}"
    );
    assert_eq!(before, snapshot(&site));
}

#[test]
fn malformed_xml_says_where_and_writes_nothing() {
    let (dir, site) = new_site();
    let broken = dir.path().join("broken.xml");
    // The ferry item's `wp:post_name`, line 69, closed with a typo.
    let text = fs::read_to_string(fixture("wxr.xml")).unwrap().replace(
        "<wp:post_name><![CDATA[]]></wp:post_name>",
        "<wp:post_name><![CDATA[]]></wp:post_nam>",
    );
    fs::write(&broken, text).unwrap();
    let before = snapshot(&site);
    let out = import(&site, "wxr", &broken, &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!("{}:69:1: error: malformed XML: ", broken.display())),
        "{err}"
    );
    assert!(err.ends_with("1 problem found; nothing was written\n"), "{err}");
    assert_eq!(before, snapshot(&site));
}
