//! Helpers for the unit tests.

/// A temporary folder holding `files` (path relative to it, text), folders made as needed.
pub fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// The configuration (base URL `https://e.org/`) and archive of a site of Markdown
/// articles `texts` (`content/0.md`, `content/1.md`, …), built as of "the present", which
/// is also returned: 2025-02-01.
pub fn site_of(
    texts: &[String],
) -> (
    crate::config::Config,
    crate::model::Archive,
    chrono::DateTime<chrono::FixedOffset>,
) {
    use crate::model::{Archive, BuildInput, Selection};
    use crate::parse::{Format, ParseContext, parse_article};
    use std::path::{Path, PathBuf};
    let config = crate::config::Config::parse(
        Path::new("dateline.toml"),
        "title = \"T\"\nbase_url = \"https://e.org/\"\n",
        None,
    )
    .unwrap();
    let cx = ParseContext {
        timezone: config.timezone,
    };
    let owned: Vec<(PathBuf, Format, _)> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let parsed = parse_article(Path::new("a.md"), text.as_bytes(), Format::Markdown, &cx).unwrap();
            (PathBuf::from(format!("content/{i}.md")), Format::Markdown, parsed)
        })
        .collect();
    let now = chrono::DateTime::parse_from_rfc3339("2025-02-01T00:00:00Z").unwrap();
    let selection = Selection {
        drafts: false,
        future: false,
        now,
    };
    let input = BuildInput {
        articles: owned.iter().map(|(p, f, a)| (p.as_path(), *f, a)).collect(),
        profiles: vec![],
    };
    let archive = Archive::build(Path::new("."), input, &selection).unwrap();
    (config, archive, now)
}

/// The configuration of the property tests: `cases` cases drawn from a fixed seed, so
/// that every run checks the same ones (a failure is reproduced by running the test again),
/// and nothing written to `proptest-regressions/`.
pub fn properties(cases: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x0da7_e11e),
        ..proptest::test_runner::Config::default()
    }
}
