//! Files whose names start with a dot: hosts read `/.well-known/` (security.txt, app
//! links) and `/.nojekyll`, so `static/` copies them; editor and version-control files
//! (`.git/`, `.DS_Store`, `name~`, `.name.swp`) stay out of the output, and hidden files
//! under `content/` are no articles.

mod common;

use std::path::PathBuf;

use common::{Site, tree};
use dateline::Project;

/// The basic fixture with dot-files beside its files: the ones a host reads, and an
/// editor's and a version-control system's.
fn site_with_dot_files() -> Site {
    let site = Site::fixture("basic");
    for (rel, text) in [
        (
            "static/.well-known/security.txt",
            "Contact: mailto:security@example.org\n",
        ),
        ("static/.nojekyll", ""),
        ("static/.DS_Store", "finder"),
        ("static/x~", "backup"),
        ("static/.logo.png.swp", "vim"),
        ("static/.git/config", "[core]\n"),
        ("static/.git/HEAD", "ref: refs/heads/main\n"),
        ("static/.gitignore", "*.tmp\n"),
        ("static/Thumbs.db", "explorer"),
        // A content asset under .well-known: copied (a .txt there would be too, where
        // elsewhere under content/ it is an article).
        ("content/.well-known/assetlinks.json", "[]\n"),
        (
            "content/.well-known/pgp-key.txt",
            "-----BEGIN PGP PUBLIC KEY BLOCK-----\n",
        ),
        // Hidden under content/: no article, and not copied.
        ("content/2025/10/.notes.md", "---\ntitle: Notes\n---\nmine\n"),
        ("content/.drafts/idea.md", "---\ntitle: Idea\n---\nmine\n"),
        (
            "content/2025/11/disclosure.md",
            "---\ntitle: How to report a flaw\ndate: 2025-11-02T10:00:00Z\nauthor: Jane Roe\n---\nSee [our policy](/archive/.well-known/security.txt).\n",
        ),
    ] {
        site.write(rel, text);
    }
    site
}

fn names(dir: &std::path::Path) -> Vec<String> {
    tree(dir).into_iter().map(|(name, _)| name).collect()
}

#[test]
fn static_copies_dot_files_but_not_editor_and_version_control_files() {
    let site = site_with_dot_files();
    let summary = site.built();
    let out = site.out();
    let read = |rel: &str| std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert_eq!(
        read(".well-known/security.txt"),
        "Contact: mailto:security@example.org\n"
    );
    assert_eq!(read(".nojekyll"), "");
    assert_eq!(read(".well-known/assetlinks.json"), "[]\n");
    assert_eq!(
        read(".well-known/pgp-key.txt"),
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
    );
    let written = names(&out);
    for left_out in [
        ".DS_Store",
        "x~",
        ".logo.png.swp",
        ".git/config",
        ".git/HEAD",
        ".gitignore",
        "Thumbs.db",
        "2025/10/.notes.md",
        ".drafts/idea.md",
    ] {
        assert!(!written.iter().any(|w| w == left_out), "{left_out} was copied");
    }
    // Hidden Markdown under content/ is no article.
    assert!(
        !written.iter().any(|w| w.contains("notes") || w.contains("idea")),
        "{written:#?}"
    );
    assert!(site.exists("2025/11/02/how-to-report-a-flaw/index.html"));
    let bare = Site::fixture("basic");
    assert_eq!(
        summary.articles,
        bare.built().articles + 1,
        "one more article: {summary:?}"
    );
}

/// `dateline check` sees the dot-files of the output: a link to one is not broken.
#[test]
fn check_finds_the_dot_files_it_links_to() {
    let site = site_with_dot_files();
    let summary = site.built();
    let report = dateline::check_output(&summary.output, &summary.output, &summary.base_url)
        .unwrap_or_else(|list| panic!("{}", dateline::Diagnostics::from(list)));
    assert!(report.pages > 0);
}

/// Dot-files come and go with incremental builds as with clean ones; a build from the
/// cache keeps them.
#[test]
fn incremental_builds_copy_and_remove_dot_files() {
    let site = Site::fixture("basic");
    let clean_build = || {
        let mut o = site.options();
        o.out = Some(site.root().join("clean"));
        o.use_cache = false;
        let _ = std::fs::remove_dir_all(site.root().join("clean"));
        dateline::build(&o).unwrap_or_else(|e| panic!("clean build failed:\n{e}"));
        tree(&site.root().join("clean"))
    };
    let mut project = Project::open(site.options());
    project.build().unwrap();
    let mut edit = |rel: &str, text: Option<&str>| {
        match text {
            Some(t) => site.write(rel, t),
            None => std::fs::remove_file(site.root().join(rel)).unwrap(),
        }
        project.update(&[PathBuf::from(rel)]);
        project.build().unwrap_or_else(|e| panic!("after editing {rel}:\n{e}"));
        let built = tree(&site.out());
        assert!(
            built == clean_build(),
            "after editing {rel}: not what a clean build writes"
        );
        names(&site.out())
    };
    let written = edit("static/.well-known/security.txt", Some("Contact: a\n"));
    assert!(written.contains(&".well-known/security.txt".to_string()));
    let written = edit("static/.nojekyll", Some(""));
    assert!(written.contains(&".nojekyll".to_string()));
    let written = edit("content/.well-known/assetlinks.json", Some("[]"));
    assert!(written.contains(&".well-known/assetlinks.json".to_string()));
    let written = edit("static/.DS_Store", Some("finder"));
    assert!(!written.contains(&".DS_Store".to_string()));
    let written = edit("static/.well-known/security.txt", None);
    assert!(!written.iter().any(|w| w.contains("security")), "{written:#?}");
    let written = edit("content/.well-known/assetlinks.json", None);
    assert!(!written.iter().any(|w| w.starts_with(".well-known")), "{written:#?}");

    // A build from the cache (its record lists the dot-files) writes nothing new.
    drop(project);
    site.built();
    let summary = site.built();
    assert_eq!((summary.written, summary.removed), (0, 0), "{summary:?}");
    assert!(site.exists(".nojekyll"));
}
