//! Hostile and broken sources (issue 21): each is refused with a message naming the file
//! and line, or accepted as docs/sources.md ("Hostile and broken input") says, and a build
//! that fails leaves the previous output as it was, with no staging folder beside it.
//!
//! These are the inputs a newsroom's archive really meets (a scraper's mojibake, a file
//! saved by Notepad in UTF-16, a runaway export) and those someone may write to hurt the
//! build (alias bombs, `..` in paths). Each test asserts the exact outcome, so a change of
//! behaviour shows here and in the docs' table together.

mod common;

use std::fs;

use common::{Site, tree};

/// Search off: these tests are about the sources, and the index is slow in debug builds.
const CONFIG: &str = "title = \"Hostile\"\nbase_url = \"https://example.org/\"\n[search]\nenabled = false\n";
const GOOD: &str = "---\ntitle: Good\ndate: 2025-01-02T10:00:00Z\nauthor: Jane Roe\n---\nFine.\n";

/// A site that built once; returns it with the output it produced.
fn site_with_output() -> (Site, Vec<(String, Vec<u8>)>) {
    common::built_with(CONFIG, "content/2025/01/good.md", GOOD)
}

/// No staging or leftover folder of a build in the site or beside its output.
fn assert_no_leftovers(site: &Site) {
    let leftovers: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("dateline-") || n.starts_with(".tmp") || n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left behind: {leftovers:?}");
}

/// Builds, expecting failure: returns the messages (paths relative to the site), and
/// checks the output is untouched and nothing is left beside it.
fn fails(site: &Site, before: &[(String, Vec<u8>)]) -> Vec<String> {
    let err = site.build().expect_err("the build should fail");
    assert_eq!(tree(&site.out()), before, "the output changed");
    assert_no_leftovers(site);
    let root = format!("{}/", site.root().display());
    let list = err
        .problems()
        .unwrap_or_else(|| panic!("not problems of the site's files: {err}"));
    list.iter().map(|d| d.to_string().replace(&root, "")).collect()
}

/// Writes `rel` into a site that built, and returns the one message its build fails with.
fn one_problem(rel: &str, contents: impl AsRef<[u8]>) -> String {
    let (site, before) = site_with_output();
    site.write(rel, contents);
    let messages = fails(&site, &before);
    assert_eq!(messages.len(), 1, "{messages:#?}");
    messages.into_iter().next().unwrap()
}

fn assert_starts(message: &str, expected: &str) {
    assert!(
        message.starts_with(expected),
        "expected {expected:?}\n     got {message:?}"
    );
}

fn md(front: &str, body: &str) -> String {
    format!("---\n{front}\n---\n{body}")
}

// ---------------------------------------------------------------------------------------
// Encodings and sizes

#[test]
fn invalid_utf8_in_front_matter_and_body() {
    let cases: [(&[u8], &str); 3] = [
        (
            b"---\ntitle: Caf\xe9\ndate: 2025-01-02\n---\nx\n",
            "content/2025/01/bad.md:2:11: error: invalid UTF-8",
        ),
        (
            b"---\ntitle: T\ndate: 2025-01-02\n---\nCaf\xe9 au lait\n",
            "content/2025/01/bad.md:5:4: error: invalid UTF-8",
        ),
        (
            b"Title\n\nSun Oct 26 2025\nJane Roe\n\nBody \xff\xfe\n",
            "content/2025/01/bad.txt:6:6: error: invalid UTF-8",
        ),
    ];
    for (bytes, expected) in cases {
        let rel = if expected.contains(".txt") {
            "content/2025/01/bad.txt"
        } else {
            "content/2025/01/bad.md"
        };
        assert_starts(&one_problem(rel, bytes), expected);
    }
}

#[test]
fn utf16_with_a_byte_order_mark_is_named_as_utf16() {
    let text = md("title: T\ndate: 2025-01-02", "Body\n");
    let le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    for (bytes, name) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
        let m = one_problem("content/2025/01/bad.md", bytes);
        assert_starts(
            &m,
            &format!(
                "content/2025/01/bad.md:1:1: error: the file is in {name} (it starts with a byte-order mark); dateline reads UTF-8"
            ),
        );
        assert!(m.contains("hint: save it as UTF-8"), "{m}");
    }
}

#[test]
fn empty_files_are_refused() {
    assert_starts(
        &one_problem("content/2025/01/empty.md", ""),
        "content/2025/01/empty.md:1:1: error: missing front matter\n  hint: a Markdown article starts with a `---` (YAML) or `+++` (TOML) line, then `title` and `date`",
    );
    assert_starts(
        &one_problem("content/2025/01/empty.txt", ""),
        "content/2025/01/empty.txt:1:1: error: not in the plain layout: the first line should be the title",
    );
}

/// A 50 MB article builds (a newsroom does keep the odd full transcript), whole.
#[test]
fn a_50_mb_article_builds_whole() {
    let site = Site::with_config(CONFIG);
    let paragraph = "The council met again today and heard from residents about the harbour. ";
    let mut body = String::with_capacity(51 << 20);
    let mut n = 0;
    while body.len() < 50 << 20 {
        n += 1;
        body.push_str(&format!("Paragraph {n}. "));
        body.push_str(&paragraph.repeat(8));
        body.push_str("\n\n");
    }
    site.write(
        "content/2025/01/transcript.md",
        md("title: Transcript\ndate: 2025-01-02T10:00:00Z", &body),
    );
    site.built();
    let page = fs::read_to_string(site.out().join("2025/01/02/transcript/index.html")).unwrap();
    assert!(page.len() > 50 << 20);
    assert!(
        page.contains(&format!("<p>Paragraph {n}. ")),
        "the last paragraph is missing"
    );
}

// ---------------------------------------------------------------------------------------
// Deep nesting

/// 10,000 levels of blockquote or list: pulldown-cmark nests them without recursion, and the
/// page is written whole (no stack overflow, no hang).
#[test]
fn ten_thousand_nested_blockquotes_and_lists_build() {
    let depth = 10_000;
    let quotes = format!("{} deep\n", ">".repeat(depth));
    let mut list = String::new();
    for level in 0..depth {
        list.push_str(&"  ".repeat(level));
        list.push_str("- item\n");
    }
    let site = Site::with_config(CONFIG);
    site.write(
        "content/2025/01/quotes.md",
        md("title: Quotes\ndate: 2025-01-02T10:00:00Z", &quotes),
    );
    site.write(
        "content/2025/01/list.md",
        md("title: List\ndate: 2025-01-02T11:00:00Z", &list),
    );
    let started = std::time::Instant::now();
    site.built();
    assert!(started.elapsed().as_secs() < 120, "took {:?}", started.elapsed());
    let quotes = fs::read_to_string(site.out().join("2025/01/02/quotes/index.html")).unwrap();
    assert!(quotes.matches("<blockquote>").count() >= 100);
    assert!(quotes.contains("deep"));
    let list = fs::read_to_string(site.out().join("2025/01/02/list/index.html")).unwrap();
    assert!(list.matches("<li>").count() >= 100);
}

/// A TOML front matter nested 10,000 deep is an error at its line, not a stack overflow.
#[test]
fn deeply_nested_toml_is_refused() {
    let depth = 10_000;
    let front = format!(
        "+++\ntitle = 'T'\ndate = 2025-01-02\nextra = {}{}\n+++\nx\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let m = one_problem("content/2025/01/deep.md", front);
    assert_starts(
        &m,
        "content/2025/01/deep.md:4:89: error: the front matter is nested too deeply",
    );
}

#[test]
fn deeply_nested_yaml_is_refused() {
    let depth = 10_000;
    let front = format!(
        "---\ntitle: T\ndate: 2025-01-02\ntags: {}{}\n---\nx\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let m = one_problem("content/2025/01/deep.md", front);
    assert_starts(
        &m,
        "content/2025/01/deep.md:4:262: error: the front matter is nested too deeply",
    );
}

/// Anchors and aliases are YAML, and work; an alias bomb (billion laughs) is refused by
/// serde-saphyr's budget before it expands.
#[test]
fn yaml_anchors_work_and_an_alias_bomb_is_refused() {
    let site = Site::with_config(CONFIG);
    site.write(
        "content/2025/01/anchored.md",
        md(
            "title: &t Anchored\ndate: 2025-01-02T10:00:00Z\nauthors: [&a Jane Roe]\ntags: [*a, *t]",
            "x\n",
        ),
    );
    site.built();
    let page = site.page("2025/01/02/anchored/");
    assert_eq!(page.text("h1"), "Anchored");

    // Nine levels of nine aliases each: a billion "lol"s, were it expanded. Under `tags`, a
    // key the front matter has, so that no unknown key stops it first.
    let mut bomb =
        String::from("---\ntitle: T\ndate: 2025-01-02\ntags:\n  - &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut prev = "a";
    for name in names {
        bomb.push_str(&format!("  - &{name} [{}]\n", vec![format!("*{prev}"); 9].join(", ")));
        prev = name;
    }
    bomb.push_str("---\nx\n");
    let started = std::time::Instant::now();
    let m = one_problem("content/2025/01/bomb.md", &bomb);
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
    assert_starts(&m, "content/2025/01/bomb.md:5:8: error: expected string scalar");

    // No key of the front matter takes nested lists, so the type stops the bomb above at
    // its first list; serde-saphyr's alias budget is the defence beneath, should one ever.
    let front = bomb.trim_start_matches("---\n").trim_end_matches("---\nx\n");
    let started = std::time::Instant::now();
    let err = serde_saphyr::from_str::<serde_json::Value>(front).expect_err("the bomb expanded");
    assert!(started.elapsed().as_secs() < 10, "took {:?}", started.elapsed());
    assert!(err.to_string().contains("budget breached"), "{err}");
}

// ---------------------------------------------------------------------------------------
// Volume

/// 10,000 articles on one day, or `DATELINE_ONE_DAY_ARTICLES` (the 100,000 take
/// the same paths: `DATELINE_ONE_DAY_ARTICLES=100000 cargo test --release --test hostile
/// one_day`; a debug build of a tenth takes about 20 s of a test run): the day's own URL
/// and its numbered pages link every one of them.
#[test]
fn many_articles_on_one_day() {
    let site = Site::with_config(CONFIG);
    let n: usize = std::env::var("DATELINE_ONE_DAY_ARTICLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    for i in 0..n {
        site.write(
            &format!("content/2025/01/a{i:06}.md"),
            format!(
                "---\ntitle: Story {i}\ndate: 2025-01-02T{:02}:{:02}:{:02}Z\n---\nx\n",
                i / 3600 % 24,
                i / 60 % 60,
                i % 60
            ),
        );
    }
    let started = std::time::Instant::now();
    site.built();
    let mut linked = std::collections::HashSet::new();
    // The day's own URL, then its numbered pages from the oldest (`page/1/`).
    let mut page = 0;
    loop {
        let rel = match page {
            0 => "2025/01/02/".to_string(),
            n => format!("2025/01/02/page/{n}/"),
        };
        if !site.exists(&format!("{rel}index.html")) {
            break;
        }
        for href in site.page(&rel).attrs("a[href^='/2025/01/02/story-']", "href") {
            linked.insert(href);
        }
        page += 1;
    }
    assert_eq!(linked.len(), n, "articles linked from the day's pages");
    eprintln!(
        "{n} articles on one day: built in {:.2?}, {page} pages of the day",
        started.elapsed()
    );
}

// ---------------------------------------------------------------------------------------
// Titles and names

/// A 10,000-character title builds and is shown whole (a newsroom's headline is its own
/// to write); its slug is cut at a word, to 80 bytes.
#[test]
fn a_ten_thousand_character_title_is_shown_whole() {
    let site = Site::with_config(CONFIG);
    let title = "Harbour ".repeat(1250);
    let title = title.trim();
    assert!(title.chars().count() >= 9_999);
    site.write(
        "content/2025/01/long.md",
        md(&format!("title: \"{title}\"\ndate: 2025-01-02T10:00:00Z"), "x\n"),
    );
    site.built();
    let slug = "harbour-".repeat(10);
    let slug = slug.trim_end_matches('-');
    let page = site.page(&format!("2025/01/02/{slug}/"));
    assert_eq!(page.text("h1"), title);
}

/// Control characters and bidi overrides in titles, names, tags and sections are refused
/// at their line; the marks and isolates right-to-left text uses are kept.
#[test]
fn control_characters_and_bidi_overrides_are_refused() {
    let cases: [(&str, &str, &str); 7] = [
        (
            "content/2025/01/bad.md",
            "---\ntitle: \"Bell\\a\"\ndate: 2025-01-02\n---\nx\n",
            "content/2025/01/bad.md:2:8: error: `title` holds U+0007, a control character",
        ),
        (
            "content/2025/01/bad.md",
            "---\ntitle: \"Price \\u202E01$\"\ndate: 2025-01-02\n---\nx\n",
            "content/2025/01/bad.md:2:8: error: `title` holds U+202E, a bidi embedding or override, which reorders the text after it",
        ),
        (
            "content/2025/01/bad.md",
            "---\ntitle: T\ndate: 2025-01-02\nauthors: [\"Jane \\u202ERoe\"]\n---\nx\n",
            "content/2025/01/bad.md:4:10: error: an author's name holds U+202E",
        ),
        (
            "content/2025/01/bad.md",
            "---\ntitle: T\ndate: 2025-01-02\ntags: [\"x\\x1b[31m\"]\n---\nx\n",
            "content/2025/01/bad.md:4:7: error: a tag holds U+001B, a control character",
        ),
        (
            "content/2025/01/bad.md",
            "---\ntitle: T\ndate: 2025-01-02\nsection: \"Ne\\x85ws\"\n---\nx\n",
            "content/2025/01/bad.md:4:10: error: `section` holds U+0085, a control character",
        ),
        (
            "content/2025/01/bad.txt",
            "Bell\u{7} title\n\nSun Oct 26 2025\nJane Roe\n\nBody.\n",
            "content/2025/01/bad.txt:1:5: error: the title holds U+0007, a control character",
        ),
        (
            "content/authors/jane.md",
            "---\nname: \"Jane \\u202DRoe\"\n---\nBio.\n",
            "content/authors/jane.md:2:7: error: `name` holds U+202D, a bidi embedding or override",
        ),
    ];
    for (rel, text, expected) in cases {
        let m = one_problem(rel, text);
        assert_starts(&m, expected);
        assert!(m.contains("\n  hint: remove it"), "{m}");
    }

    let site = Site::with_config(CONFIG);
    let title = "\u{5e9}\u{5dc}\u{5d5}\u{5dd} \u{200F}\u{2067}Tel Aviv\u{2069}";
    site.write(
        "content/2025/01/rtl.md",
        md(
            &format!("title: \"{title}\"\nslug: rtl\ndate: 2025-01-02T10:00:00Z"),
            "x\n",
        ),
    );
    site.built();
    assert_eq!(site.page("2025/01/02/rtl/").text("h1"), title);
}

/// Two authors whose names slug alike are one author (`José Díaz` and `Jose Diaz`), as
/// bylines are merged; two profiles that claim one slug are an error naming both.
#[test]
fn names_that_slug_alike() {
    let site = Site::with_config(CONFIG);
    site.write(
        "content/2025/01/a.md",
        md("title: A\ndate: 2025-01-02T10:00:00Z\nauthor: José Díaz", "x\n"),
    );
    site.write(
        "content/2025/01/b.md",
        md("title: B\ndate: 2025-01-01T10:00:00Z\nauthor: Jose Diaz", "x\n"),
    );
    site.built();
    let page = site.page("authors/jose-diaz/");
    assert_eq!(page.text("h1"), "José Díaz");
    assert_eq!(page.count("a[href^='/2025/01/']"), 2);

    let (site, before) = site_with_output();
    site.write("content/authors/jose.md", "---\nname: José Díaz\n---\nOne.\n");
    site.write("content/authors/jose-2.md", "---\nname: Jose Diaz\n---\nTwo.\n");
    let m = fails(&site, &before);
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(m[0].contains("jose-2.md") && m[0].contains("jose.md"), "{m:#?}");
}

// ---------------------------------------------------------------------------------------
// Dates

/// Year 0001 and year 9999 build, at their own paths (9999 with `--future`: without it a
/// dated-ahead article waits, as every future article does).
#[test]
fn dates_in_year_0001_and_9999() {
    let site = Site::with_config(CONFIG);
    site.write("content/old.md", md("title: Old\ndate: 0001-01-01T12:00:00Z", "x\n"));
    site.write("content/far.md", md("title: Far\ndate: 9999-12-31T12:00:00Z", "x\n"));
    site.built();
    assert!(site.exists("0001/01/01/old/index.html"));
    assert!(!site.exists("9999/12/31/far/index.html"));
    let mut options = site.options();
    options.future = true;
    dateline::build(&options).unwrap();
    assert!(site.exists("9999/12/31/far/index.html"));
    let atom = fs::read_to_string(site.out().join("atom.xml")).unwrap();
    assert!(atom.contains("9999-12-31T12:00:00"), "{atom}");
    assert!(fs::read_to_string(site.out().join("sitemap.xml")).is_ok());
}

// ---------------------------------------------------------------------------------------
// Paths

/// A slug is made a slug: `../`, `%2e%2e/` and the like cannot leave the article's folder.
#[test]
fn dot_segments_in_slugs_stay_inside_the_output() {
    let site = Site::with_config(CONFIG);
    for (i, slug) in ["../../escape", "%2e%2e/%2e%2e/escape", "..\\\\escape", "/etc/passwd"]
        .into_iter()
        .enumerate()
    {
        site.write(
            &format!("content/2025/01/s{i}.md"),
            md(
                &format!("title: S{i}\ndate: 2025-01-0{}T10:00:00Z\nslug: \"{slug}\"", i + 1),
                "x\n",
            ),
        );
    }
    site.built();
    assert!(site.exists("2025/01/01/escape/index.html"));
    assert!(site.exists("2025/01/02/2e-2e-2e-2e-escape/index.html"));
    assert!(site.exists("2025/01/03/escape/index.html"));
    assert!(site.exists("2025/01/04/etc-passwd/index.html"));
    let outside: Vec<_> = fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("escape"))
        .collect();
    assert!(outside.is_empty(), "{outside:?}");
}

/// `..` in an alias, plain or percent-encoded, is refused at the alias's line.
#[test]
fn dot_segments_in_aliases_are_refused() {
    for alias in [
        "../../escape/",
        "/old/../../x",
        "/%2e%2e/%2E%2E/escape/",
        "/a/%2e/b",
        "/a%2f..%2fb/",
    ] {
        let m = one_problem(
            "content/2025/01/bad.md",
            md(&format!("title: T\ndate: 2025-01-02\naliases: [\"{alias}\"]"), "x\n"),
        );
        assert_starts(&m, "content/2025/01/bad.md:4:");
        assert!(
            m.contains("an alias must not contain `.` or `..` segments"),
            "{alias}: {m}"
        );
    }
}

/// Windows' reserved names (`con`, `aux`, `nul`) are ordinary slugs on the web hosts a
/// site is published to, so they build: the page is the folder `con/` and its `index.html`.
#[test]
fn windows_reserved_names_are_ordinary_slugs() {
    let site = Site::with_config(CONFIG);
    site.write(
        "content/2025/01/a.md",
        md("title: Con\ndate: 2025-01-02T10:00:00Z\nauthor: Aux", "x\n"),
    );
    site.write(
        "content/2025/01/b.md",
        md(
            "title: B\ndate: 2025-01-02T11:00:00Z\nslug: nul\naliases: [/prn/]",
            "x\n",
        ),
    );
    site.built();
    assert!(site.exists("2025/01/02/con/index.html"));
    assert!(site.exists("2025/01/02/nul/index.html"));
    assert!(site.exists("authors/aux/index.html"));
    assert!(site.exists("prn/index.html"));
}

// ---------------------------------------------------------------------------------------
// The file system

#[test]
fn a_symlink_loop_is_refused() {
    let (site, before) = site_with_output();
    std::os::unix::fs::symlink(site.root().join("content"), site.root().join("content/2025/loop")).unwrap();
    let m = fails(&site, &before);
    assert_eq!(m.len(), 1, "{m:#?}");
    assert_starts(
        &m[0],
        "content/2025/loop:1:1: error: cannot read: a symbolic link loops back to a folder above it",
    );
}

/// A link to a file outside the site is followed: the newsroom put it there (a shared
/// archive mounted elsewhere), and the site's files are the newsroom's own.
#[test]
fn a_symlink_to_a_file_outside_the_site_is_followed() {
    let site = Site::with_config(CONFIG);
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("shared.md");
    fs::write(
        &target,
        md("title: Shared\ndate: 2025-01-02T10:00:00Z", "From elsewhere.\n"),
    )
    .unwrap();
    fs::create_dir_all(site.root().join("content/2025")).unwrap();
    std::os::unix::fs::symlink(&target, site.root().join("content/2025/shared.md")).unwrap();
    site.built();
    assert_eq!(site.page("2025/01/02/shared/").text("h1"), "Shared");
}

/// A folder that cannot be read is an error naming it. Run as root, permissions do not
/// stop reads, so the build runs as `nobody` through `setpriv` (`common::run_shut_out`).
#[test]
fn a_folder_without_read_permission_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let (site, before) = site_with_output();
    let locked = site.root().join("content/locked");
    fs::create_dir_all(&locked).unwrap();
    fs::write(locked.join("a.md"), GOOD.replace("Good", "Locked")).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let output = common::run_shut_out(site.root(), &locked, &["build", "--now", "2026-01-15T12:00:00Z"]);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    let stderr = common::site_stderr(site.root(), &output);
    assert!(!output.status.success(), "{stderr}");
    assert!(
        stderr.contains("content/locked:1:1: error: cannot read: Permission denied"),
        "{stderr}"
    );
    assert_eq!(tree(&site.out()), before, "the output changed");
    assert_no_leftovers(&site);
}
