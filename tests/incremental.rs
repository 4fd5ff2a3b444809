//! Incremental builds: after any edit, a build of the project in memory writes exactly
//! Builds accept removed URLs (`--accept-removed`): what is tested here is the output.
//! what a clean build would, and re-renders only what the edit touched.

mod common;

use std::path::PathBuf;

use common::{Site, tree};
use dateline::{BuildOptions, Project};

fn options(site: &Site, out: &str) -> BuildOptions {
    let mut o = site.options();
    o.out = Some(site.root().join(out));
    o
}

/// A clean build of the site as it is now, compared with the incremental output.
fn assert_same_as_clean_build(site: &Site, step: &str) {
    let clean = site.root().join("clean");
    let _ = std::fs::remove_dir_all(&clean);
    let mut o = options(site, "clean");
    o.jobs = Some(1);
    dateline::build(&o).unwrap_or_else(|e| panic!("{step}: clean build failed:\n{e}"));
    let a = tree(&site.root().join("public"));
    let b = tree(&clean);
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&a), names(&b), "{step}: the incremental build has other files");
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{step}: {name} differs from a clean build");
    }
}

struct Editor<'a> {
    site: &'a Site,
    project: Project,
}

impl Editor<'_> {
    fn edit(&mut self, rel: &str, text: Option<&str>) -> dateline::BuildSummary {
        match text {
            Some(t) => self.site.write(rel, t),
            None => std::fs::remove_file(self.site.root().join(rel)).unwrap(),
        }
        self.project.update(&[PathBuf::from(rel)]);
        let summary = self
            .project
            .build()
            .unwrap_or_else(|e| panic!("after editing {rel}:\n{e}"));
        assert_same_as_clean_build(self.site, rel);
        summary
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.site.root().join(rel)).unwrap()
    }
}

#[test]
fn edits_give_the_same_output_as_clean_builds() {
    let site = Site::fixture("basic").accept_removals();
    let mut ed = Editor {
        site: &site,
        project: Project::open(options(&site, "public")),
    };
    let first = ed.project.build().unwrap();
    assert_eq!(first.rendered, first.pages, "the first build renders everything");

    // A change to the body of one article: only its page.
    let budget = "content/2025/12/budget-vote.md";
    let text = ed.read(budget).replace("narrow", "comfortable");
    let s = ed.edit(budget, Some(&text));
    assert_eq!(s.rendered, 1, "only the article's page: {s:?}");
    assert_eq!(s.written - s.search_indexed.written, 1, "{s:?}");
    let search = (s.search_indexed.years, s.search_indexed.kept);
    assert_eq!(
        search,
        (1, 3),
        "the search index of its part (the rest of the newest month) alone is made again: {s:?}"
    );

    // Nothing changed: nothing rendered or written.
    ed.project.update(&[PathBuf::from(budget)]);
    let s = ed.project.build().unwrap();
    assert_eq!((s.rendered, s.written, s.removed), (0, 0, 0), "{s:?}");

    // A new summary, then a correction: the article's card, wherever it is shown; the
    // archive of the last build is patched, not built again.
    let patched = |s: &dateline::BuildSummary| s.timings.0.iter().any(|(stage, _, _)| *stage == "patch");
    let text = ed
        .read(budget)
        .replace("passed late on Tuesday", "passed on Tuesday night");
    let s = ed.edit(budget, Some(&text));
    assert!(patched(&s) && s.rendered > 1 && s.rendered < s.pages / 2, "{s:?}");
    let text = ed.read(budget).replacen(
        "summary:",
        "corrections:\n  - date: 2026-01-02T10:00:00Z\n    text: A vote count.\nsummary:",
        1,
    );
    let s = ed.edit(budget, Some(&text));
    assert!(patched(&s), "{s:?}");

    // A new title: the article, every listing and neighbour that shows its card.
    let text = ed.read(budget).replace("What’s in It", "What Changes");
    let s = ed.edit(budget, Some(&text));
    assert!(s.rendered > 1 && s.rendered < s.pages / 2, "{s:?}");
    assert!(s.removed > 0, "the old URL's page is gone: {s:?}");
    assert!(patched(&s), "a new URL on the same day: the archive is patched: {s:?}");

    // A new article, with a new tag and author; then it moves to another day; then it goes.
    let new = "content/2025/11/new.md";
    ed.edit(
        new,
        Some("---\ntitle: Brand New\ndate: 2025-11-15T10:00:00Z\nauthor: Zoe Writer\ntags: [Fresh]\n---\nNew.\n"),
    );
    ed.edit(new, Some("---\ntitle: Brand New\ndate: 2024-02-29T10:00:00Z\nauthor: Zoe Writer\ntags: [Fresh, Politics]\n---\nNew.\n"));
    let s = ed.edit(new, None);
    assert!(s.removed > 0, "{s:?}");

    // An alias, a correction, a renamed author in a profile, a plain-text article.
    let late = "content/2025/12/late-night.md";
    let text = ed.read(late).replace("+++\n\n", "aliases = [\"/old/late/\"]\n[[corrections]]\ndate = 2026-01-03T09:00:00-05:00\ntext = \"Fixed a name.\"\n+++\n\n");
    ed.edit(late, Some(&text));
    let profile = "content/authors/jane-roe.md";
    let text = ed.read(profile).replace("name: \"Jane Roe\"", "name: \"Jane Q. Roe\"");
    ed.edit(profile, Some(&text));
    let plain = "content/2025/12/markets-close.txt";
    let text = ed
        .read(plain)
        .replace("Austin Collins (671 articles)", "Austin Collins (672 articles)");
    ed.edit(plain, Some(&text));

    // Templates: a page template re-renders its pages only; static files are copied.
    let s = ed.edit(
        "templates/tag.html",
        Some("{% extends \"base.html\" %}{% block main %}<h1>{{ term.name }}</h1>{% endblock main %}"),
    );
    assert!(s.rendered > 0 && s.rendered < 10, "only tag pages: {s:?}");
    ed.edit("static/extra.css", Some("body { color: red }"));
    ed.edit("static/extra.css", None);
    ed.edit("content/files/report.pdf", Some("%PDF-1.4 changed\n"));

    // The configuration: everything may change.
    let config = ed.read("dateline.toml").replace("paginate = 2", "paginate = 3");
    site.write("dateline.toml", &config);
    ed.project.update(&[PathBuf::from("dateline.toml")]);
    ed.project.build().unwrap();
    assert_same_as_clean_build(&site, "dateline.toml");

    // Body edits between which the site's title and address change, with the same pages:
    // what a build keeps of the last one's list of pages, feeds and sitemaps (`serve`)
    // holds only while the configuration is the same.
    let text = ed.read(budget).replace("comfortable", "narrow");
    ed.edit(budget, Some(&text));
    let config = (ed.read("dateline.toml"))
        .replace("Fixture Gazette", "Fixture Herald")
        .replace("https://news.example.com/archive/", "https://herald.example.org/");
    site.write("dateline.toml", &config);
    ed.project.update(&[PathBuf::from("dateline.toml")]);
    ed.project.build().unwrap();
    assert_same_as_clean_build(&site, "dateline.toml (title and address)");
    let text = ed.read(budget).replace("narrow", "slim");
    let s = ed.edit(budget, Some(&text));
    assert!(patched(&s), "{s:?}");
}

#[test]
fn a_failed_incremental_build_writes_nothing() {
    let site = Site::fixture("basic").accept_removals();
    let mut project = Project::open(options(&site, "public"));
    project.build().unwrap();
    let before = tree(&site.out());
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}{% block main %}{{ nope }}{% endblock main %}",
    );
    project.update(&[PathBuf::from("templates/article.html")]);
    assert!(project.build().is_err());
    site.write("content/2025/12/bad.md", "---\ntitle: Bad\n---\n");
    project.update(&[PathBuf::from("content/2025/12/bad.md")]);
    assert!(project.build().is_err());
    assert_eq!(
        tree(&site.out()),
        before,
        "the output is as the last good build left it"
    );

    // Once fixed, the build still knows what the last good one wrote: nothing to write.
    std::fs::remove_file(site.root().join("templates/article.html")).unwrap();
    std::fs::remove_file(site.root().join("content/2025/12/bad.md")).unwrap();
    project.update(&[
        PathBuf::from("templates/article.html"),
        PathBuf::from("content/2025/12/bad.md"),
    ]);
    let fixed = project.build().unwrap();
    assert_eq!((fixed.rendered, fixed.written, fixed.removed), (0, 0, 0), "{fixed:?}");
    assert_eq!(tree(&site.out()), before);
}

#[test]
fn one_thread_builds_the_same_bytes() {
    let site = Site::fixture("basic").accept_removals();
    site.built();
    let parallel = tree(&site.out());
    let mut o = site.options();
    o.jobs = Some(1);
    o.out = Some(site.root().join("serial"));
    dateline::build(&o).unwrap();
    assert!(parallel == tree(&site.root().join("serial")));
}

/// The build cache keeps paths as text: a source whose name is not UTF-8 is not kept
/// there, and is read again by every build, which still equals a clean one.
#[cfg(unix)]
#[test]
fn a_source_whose_name_is_not_utf8_is_read_by_every_build() {
    use std::os::unix::ffi::OsStrExt;
    let site = Site::fixture("basic").accept_removals();
    let budget = std::fs::read_to_string(site.root().join("content/2025/12/budget-vote.md")).unwrap();
    let name = std::ffi::OsStr::from_bytes(b"content/2025/12/budget-caf\xe9.md");
    std::fs::write(
        site.root().join(name),
        budget.replace("title: \"", "title: \"Caf\u{e9}: "),
    )
    .unwrap();
    let first = site.built();
    assert_eq!(first.rendered, first.pages);
    for step in ["a second build", "a third build"] {
        let next = site.built();
        assert_eq!(next.articles, first.articles, "{step}");
        assert_eq!(next.written, 0, "{step}: {next:?}");
        assert_same_as_clean_build(&site, step);
    }
}

#[test]
fn the_build_cache_makes_the_next_build_incremental() {
    let site = Site::fixture("basic").accept_removals();
    let first = site.built();
    assert_eq!(first.rendered, first.pages);
    let caches = std::fs::read_dir(site.root().join(".dateline/cache")).unwrap().count();
    assert_eq!(caches, 1, "one cache for the one output folder");

    // A body edit: the next build (a new process, as far as it knows) renders one page.
    let budget = "content/2025/12/budget-vote.md";
    let text = std::fs::read_to_string(site.root().join(budget))
        .unwrap()
        .replace("narrow", "comfortable");
    site.write(budget, &text);
    let second = site.built();
    let pages_written = second.written - second.search_indexed.written;
    assert_eq!((second.rendered, pages_written), (1, 1), "{second:?}");
    assert_eq!(second.search_indexed.years, 1, "{second:?}");
    assert_same_as_clean_build(&site, "after a cached build");

    // Nothing changed: nothing rendered or written.
    let third = site.built();
    assert_eq!((third.rendered, third.written, third.removed), (0, 0, 0), "{third:?}");

    // A source deleted and another added: one page gone, one new, as a clean build has it.
    let text = std::fs::read_to_string(site.root().join(budget)).unwrap();
    std::fs::remove_file(site.root().join(budget)).unwrap();
    site.write(
        "content/2025/12/budget-vote-moved.md",
        text.replace("title: \"", "title: \"Moved: "),
    );
    let moved = site.built();
    assert!(moved.removed >= 1 && moved.rendered < moved.pages, "{moved:?}");
    assert_same_as_clean_build(&site, "after a source was deleted and another added");

    // Someone deleted the 404 page of the output: the cache is not trusted, everything is written.
    std::fs::remove_file(site.out().join("404.html")).unwrap();
    let fourth = site.built();
    assert_eq!(fourth.rendered, fourth.pages, "{fourth:?}");
    assert!(site.out().join("404.html").is_file());

    // A damaged cache is ignored.
    let cache = site.root().join(dateline::internals::cache_dir(&site.out()));
    assert!(cache.join("header.bin").is_file(), "{}", cache.display());
    for entry in std::fs::read_dir(&cache).unwrap() {
        std::fs::write(entry.unwrap().path(), b"not a cache").unwrap();
    }
    let fifth = site.built();
    assert_eq!(fifth.rendered, fifth.pages, "{fifth:?}");
    assert_same_as_clean_build(&site, "after a damaged cache");

    // --clean (use_cache: false) reads and writes everything.
    let mut o = site.options();
    o.use_cache = false;
    let clean = dateline::build(&o).unwrap();
    assert_eq!(clean.rendered, clean.pages);
}

#[test]
fn a_build_that_stops_before_saving_its_record_is_not_trusted_next_time() {
    let site = Site::fixture("basic").accept_removals();
    site.built();
    let budget = "content/2025/12/budget-vote.md";
    let original = std::fs::read_to_string(site.root().join(budget)).unwrap();

    // A build writes the output, then stops before the cache records what it wrote (as
    // if killed): the record on disk is the last build's. (A word of the same length:
    // the lengths of the output's files alone cannot tell.)
    site.write(budget, original.replace("narrow", "modest"));
    let mut project = Project::open_cached(site.options());
    project.build().unwrap();
    drop(project);

    // Back to the first text: the last saved record matches it, the output does not.
    site.write(budget, &original);
    site.built();
    assert_same_as_clean_build(&site, "after a build that was not recorded");
}

#[test]
fn every_cached_build_records_what_it_changed() {
    // Each build records what it wrote: an edit, then its revert, must each be recorded,
    // or the revert would be taken for "nothing to do".
    let site = Site::fixture("basic").accept_removals();
    site.built();
    for (rel, from, to) in [
        ("content/2025/12/budget-vote.md", "narrow", "modest"),
        (
            "content/2025/12/late-night.md",
            "[\"politics\", \"Budget\"]",
            "[\"politics\", \"Night\"]",
        ),
        ("content/2025/12/markets-close.txt", "(671 articles)", "(672 articles)"),
    ] {
        let original = std::fs::read_to_string(site.root().join(rel)).unwrap();
        assert!(original.contains(from), "{rel}");
        site.write(rel, original.replacen(from, to, 1));
        let edited = site.built();
        assert!(edited.rendered < edited.pages, "{rel}: {edited:?}");
        assert_same_as_clean_build(&site, &format!("{rel} edited"));
        site.write(rel, &original);
        let reverted = site.built();
        assert!(reverted.written > 0, "{rel}: the revert is written: {reverted:?}");
        assert_same_as_clean_build(&site, &format!("{rel} reverted"));
    }
}

/// Whether a build patched the archive it kept (or read from the cache) instead of
/// building it again.
fn patched(summary: &dateline::BuildSummary) -> bool {
    summary.timings.0.iter().any(|(stage, _, _)| *stage == "patch")
}

#[test]
fn the_cached_archive_is_patched_until_an_edit_files_an_article_elsewhere() {
    let site = Site::fixture("basic").accept_removals();
    assert!(!patched(&site.built()));
    let edit = |rel: &str, from: &str, to: &str| {
        let text = std::fs::read_to_string(site.root().join(rel)).unwrap();
        assert!(text.contains(from), "{rel}: {from}");
        site.write(rel, text.replacen(from, to, 1));
        let summary = site.built();
        assert_same_as_clean_build(&site, &format!("{rel}: {from} → {to}"));
        summary
    };
    let budget = "content/2025/12/budget-vote.md";
    let late = "content/2025/12/late-night.md";

    // What articles show: each later build (a new process) patches the cache's archive
    // with every article edited since it was written.
    let s = edit(budget, "passed late on Tuesday", "passed on Tuesday night");
    assert!(patched(&s) && s.rendered > 1, "{s:?}");
    let s = edit(
        late,
        "updated = 2026-01-02T10:00:00-05:00",
        "updated = 2026-01-03T10:00:00-05:00",
    );
    assert!(patched(&s), "{s:?}");
    let s = edit(budget, "narrow", "comfortable");
    assert!(patched(&s) && s.rendered == 1, "{s:?}");

    // A new date moves the article in the cache's archive: patched too, then the body.
    let s = edit(
        budget,
        "date: 2025-12-02T21:30:00-05:00",
        "date: 2025-12-01T21:30:00-05:00",
    );
    assert!(patched(&s), "{s:?}");
    let s = edit(budget, "comfortable", "wide");
    assert!(patched(&s) && s.rendered == 1, "{s:?}");
    // A new title and the old one back, a day and back: each build from the cache sees
    // the move the last build made (the cache's archive is written after a move).
    for (from, to) in [("What’s in It", "What Changes"), ("What Changes", "What’s in It")] {
        assert!(patched(&edit(budget, from, to)));
    }
    for (from, to) in [
        ("2025-12-01T21:30", "2025-12-03T21:30"),
        ("2025-12-03T21:30", "2025-12-01T21:30"),
    ] {
        assert!(patched(&edit(budget, from, to)));
    }

    // A new tag files the article elsewhere: the archive is built again, and written.
    let s = edit(
        late,
        "[\"politics\", \"Budget\"]",
        "[\"politics\", \"Budget\", \"Night\"]",
    );
    assert!(!patched(&s), "{s:?}");
    let s = edit(late, "ended at half past eleven", "ended at 11:30");
    assert!(patched(&s), "{s:?}");

    // Without the archive in the cache, or with a damaged one, it is built again.
    let cache = site.root().join(dateline::internals::cache_dir(&site.out()));
    std::fs::remove_file(cache.join("archive.bin")).unwrap();
    let s = edit(budget, "wide", "narrow");
    assert!(!patched(&s), "{s:?}");
    std::fs::write(cache.join("archive.bin"), b"not an archive").unwrap();
    let s = edit(budget, "narrow", "comfortable");
    assert!(!patched(&s), "{s:?}");

    // A new article, then an edit of a profile: built again each time.
    site.write(
        "content/2025/12/new.md",
        "---\ntitle: Brand New\ndate: 2025-12-30T10:00:00Z\nauthor: Jane Roe\n---\nNew.\n",
    );
    let s = site.built();
    assert!(!patched(&s), "{s:?}");
    assert_same_as_clean_build(&site, "a new article");
    let s = edit(
        "content/authors/jane-roe.md",
        "name: \"Jane Roe\"",
        "name: \"Jane Q. Roe\"",
    );
    assert!(!patched(&s), "{s:?}");
}

#[test]
fn a_scheduled_article_falling_due_builds_the_archive_again() {
    let site = Site::fixture("basic").accept_removals();
    site.write(
        "content/2026/02/soon.md",
        "---\ntitle: Coming Soon\ndate: 2026-02-01T10:00:00Z\nauthor: Jane Roe\n---\nSoon.\n",
    );
    site.built();
    assert!(!site.out().join("2026/02/01/coming-soon/index.html").exists());
    let mut later = site.options();
    later.now = chrono::DateTime::parse_from_rfc3339("2026-02-01T10:00:00Z").unwrap();
    let s = dateline::build(&later).unwrap();
    assert!(!patched(&s), "{s:?}");
    assert!(site.out().join("2026/02/01/coming-soon/index.html").is_file());
}

/// A build with no record of the output folder (its build cache deleted, `--clean`, or
/// `public/` from another machine) writes only the files whose bytes changed: the others
/// keep their modification time, which `rsync` and `aws s3 sync` compare. Files no longer
/// made are removed, and the output is a clean build's.
#[test]
fn a_build_without_its_cache_keeps_the_unchanged_files_of_the_output() {
    use std::time::{Duration, SystemTime};
    let site = Site::fixture("basic");
    site.built();
    // Every file last changed long ago, whatever the clock and the file system's precision.
    let long_ago = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    let out = site.out();
    let changed = |rel: &str| {
        let modified = std::fs::metadata(out.join(rel)).unwrap().modified().unwrap();
        modified != long_ago
    };
    let age = || {
        for (rel, _) in tree(&out) {
            let file = std::fs::File::options().write(true).open(out.join(rel)).unwrap();
            file.set_modified(long_ago).unwrap();
        }
    };
    age();
    site.write("public/2019/old-story/index.html", "gone since");
    std::fs::remove_dir_all(site.root().join(".dateline")).unwrap();
    let budget = "content/2025/12/budget-vote.md";
    let text = std::fs::read_to_string(site.root().join(budget)).unwrap();
    site.write(budget, text.replace("narrow", "comfortable"));

    let summary = site.built();
    assert_eq!(summary.rendered, summary.pages, "every page is rendered: {summary:?}");
    let page = "2025/12/02/parliament-passes-the-budget-whats-in-it/index.html";
    assert!(changed(page), "the edited article's page is written");
    let seed = "2025/10/26/japans-pm-takaichi-and-trump-discuss-strengthening-us-japan-alliance/index.html";
    for kept in [
        seed,
        "index.html",
        "style.css",
        "2024/index.html",
        "atom.xml",
        "_headers",
    ] {
        assert!(!changed(kept), "{kept} keeps its modification time");
    }
    let written: Vec<String> = (tree(&out).into_iter().map(|(rel, _)| rel))
        .filter(|rel| changed(rel))
        .collect();
    assert_eq!(written.len(), summary.written, "{written:#?}");
    assert!(written.len() < 10, "only what the edit changed: {written:#?}");
    assert!(!site.exists("2019"), "a file no longer made is removed, and its folder");
    assert!(
        summary.removed > 1,
        "and the search index's files that changed names: {summary:?}"
    );
    assert_same_as_clean_build(&site, "a build without its cache");

    // `--clean` does the same: no change, nothing written.
    age();
    let mut clean = site.options();
    clean.use_cache = false;
    let summary = dateline::build(&clean).unwrap();
    assert_eq!((summary.written, summary.removed), (0, 0), "{summary:?}");
    assert!(tree(&out).iter().all(|(rel, _)| !changed(rel)));
}

/// A process that builds again and again without writing `urls.lock` (`serve`) compares
/// the record with what the site publishes only when one of them changed: the warning of
/// a URL no longer published holds through an edit that changes no URL, and goes when the
/// URL is given again.
#[test]
fn a_preview_keeps_warning_of_a_url_no_longer_published() {
    let site = Site::fixture("basic");
    // A build that records the URLs.
    dateline::build(&site.options()).unwrap();
    let mut options = options(&site, "preview");
    options.urls = dateline::UrlPolicy::Preview;
    let mut project = Project::open(options);
    assert_eq!(project.build().unwrap().urls.warnings, Vec::<String>::new());

    let mut articles: Vec<PathBuf> = walkdir::WalkDir::new(site.root().join("content"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.to_string_lossy().contains("/authors/"))
        .collect();
    articles.sort();
    let (article, other) = (articles[0].clone(), articles[articles.len() - 1].clone());
    let rel = article.strip_prefix(site.root()).unwrap().to_path_buf();
    let text = std::fs::read_to_string(&article).unwrap();
    assert_ne!(article, other);
    let other_rel = other.strip_prefix(site.root()).unwrap().to_path_buf();

    std::fs::remove_file(&article).unwrap();
    project.update(std::slice::from_ref(&rel));
    let gone = project.build().unwrap().urls.warnings;
    assert_eq!(gone.len(), 1, "{gone:?}");
    // An edit of another article's body: no URL changes, the warning stays.
    let body = std::fs::read_to_string(&other).unwrap();
    std::fs::write(&other, format!("{body}\nOne more line.\n")).unwrap();
    project.update(std::slice::from_ref(&other_rel));
    assert_eq!(project.build().unwrap().urls.warnings, gone);
    // The article back: no warning.
    std::fs::write(&article, text).unwrap();
    project.update(&[rel]);
    assert_eq!(project.build().unwrap().urls.warnings, Vec::<String>::new());
}

/// A new title under `serve`'s policy (the record of published URLs read, not written):
/// the archive is patched, the article's page moves to its new URL, its old URL (in the
/// record) becomes a redirect to it, and only the pages that show it are made again; the
/// output is a clean build's, before and after another edit.
#[test]
fn a_new_title_is_patched_in_and_its_old_url_redirects() {
    let site = Site::fixture("basic");
    dateline::build(&site.options()).unwrap();
    let mut o = options(&site, "public");
    o.urls = dateline::UrlPolicy::Preview;
    let mut ed = Editor {
        site: &site,
        project: Project::open(o),
    };
    ed.project.build().unwrap();
    let budget = "content/2025/12/budget-vote.md";
    let text = ed.read(budget).replace("What’s in It", "What Changes");
    let s = ed.edit(budget, Some(&text));
    assert!(patched(&s) && s.rendered > 1 && s.rendered < s.pages / 2, "{s:?}");
    assert_eq!(s.urls.moved.len(), 1, "{s:?}");
    let moved = &s.urls.moved[0];
    assert!(
        moved.to.ends_with("/parliament-passes-the-budget-what-changes/"),
        "{moved:?}"
    );
    let old = ed.read(&format!("public/{}index.html", moved.from));
    assert!(old.contains(&moved.to), "the old URL redirects to the new one:\n{old}");

    // Then the body: the archive is patched, and only the article's page made again.
    let text = ed.read(budget).replace("narrow", "comfortable");
    let s = ed.edit(budget, Some(&text));
    assert!(patched(&s) && s.rendered == 1, "{s:?}");
    // And the title back: its first URL is the article's again, and the second (which
    // the clean builds beside recorded) redirects to it.
    let (first, second) = (moved.from.clone(), moved.to.clone());
    let text = ed.read(budget).replace("What Changes", "What’s in It");
    let s = ed.edit(budget, Some(&text));
    assert!(patched(&s), "{s:?}");
    let moves: Vec<(&str, &str)> = s.urls.moved.iter().map(|m| (m.from.as_str(), m.to.as_str())).collect();
    assert_eq!(moves, [(second.as_str(), first.as_str())]);
}

/// New dates, under `serve`'s policy and under `build`'s: each is patched in (the article
/// moves in the archive, the articles between take other ids), and the output is a clean
/// build's: later the same day, to a day with no article yet, to a day with another, to
/// another month and year, to the newest of all, and back. (A debug build also checks
/// that every page whose fingerprint was taken as known has it.)
#[test]
fn new_dates_are_patched_in() {
    for policy in [dateline::UrlPolicy::Preview, dateline::UrlPolicy::AcceptRemovals] {
        let site = Site::fixture("basic");
        dateline::build(&site.options()).unwrap();
        let mut o = options(&site, "public");
        o.urls = policy;
        let mut ed = Editor {
            site: &site,
            project: Project::open(o),
        };
        ed.project.build().unwrap();
        let budget = "content/2025/12/budget-vote.md";
        let original = ed.read(budget);
        // With whether every page changes: a year the archive did not have is in the
        // navigation of every page.
        let dates = [
            ("2025-12-02T23:30:00-05:00", false),
            ("2025-12-01T10:00:00-05:00", false),
            ("2025-12-31T20:00:00-05:00", false),
            ("2024-10-25T10:00:00-04:00", false),
            ("2026-01-01T10:00:00-05:00", true),
        ];
        for (date, every_page) in dates {
            let text = original.replace("date: 2025-12-02T21:30:00-05:00", &format!("date: {date}"));
            assert_ne!(text, original);
            let s = ed.edit(budget, Some(&text));
            assert!(patched(&s), "{policy:?} {date}: {s:?}");
            assert_eq!(s.rendered == s.pages, every_page, "{policy:?} {date}: {s:?}");
        }
        let s = ed.edit(budget, Some(&original));
        assert!(patched(&s), "{policy:?} back: {s:?}");

        // With another article on its day, a move to a day that has one too leaves the
        // archive's days as they were: the list of pages is kept from the last build.
        let second = "content/2025/12/second.md";
        let text = "---\ntitle: Second Vote\ndate: 2025-12-02T08:00:00-05:00\nauthor: Jane Roe\n---\nAgain.\n";
        ed.edit(second, Some(text));
        let moved = original.replace("date: 2025-12-02T21:30:00-05:00", "date: 2025-12-31T20:00:00-05:00");
        for text in [&moved, &original] {
            let s = ed.edit(budget, Some(text));
            assert!(patched(&s) && s.rendered < s.pages, "{policy:?}: {s:?}");
        }
    }
}
