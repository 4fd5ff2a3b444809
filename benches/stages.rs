//! The stages of a build, timed with divan: parsing a source, rendering a body, and a
//! whole build (read, render, write) of a generated site, full and after one edit.
//!
//! `cargo bench --bench stages`. The archive-scale comparison with Hugo, Zola and the
//! floor is `scripts/bench-archive.py`.

use std::path::{Path, PathBuf};

use chrono::DateTime;
use dateline::internals::{Format, ParseContext, parse_article, render_markdown};

fn main() {
    divan::main();
}

const WORDS: &[&str] = &[
    "council", "budget", "harbour", "approved", "the", "regional", "vote", "in", "Lisbon", "on", "Monday", "after",
    "talks", "with", "ministry", "tariff", "reform", "court", "ruling", "strike", "port",
];

/// A sentence of `n` words, deterministic in `seed`.
fn words(seed: usize, n: usize) -> String {
    (0..n)
        .map(|i| WORDS[(seed * 31 + i * 17) % WORDS.len()])
        .collect::<Vec<_>>()
        .join(" ")
}

fn markdown_source(i: usize) -> String {
    let body: Vec<String> = (0..6).map(|p| format!("{}.", words(i + p, 90))).collect();
    format!(
        "---\ntitle: \"Article {i}: {}\"\ndate: 2025-{:02}-{:02}T10:{:02}:00+02:00\nauthors: [\"Writer {}\"]\ntags: [\"Tag {}\", \"Tag {}\"]\nsection: \"News\"\n---\n\n{}\n",
        words(i, 6),
        1 + i % 12,
        1 + i % 28,
        i % 60,
        i % 40,
        i % 25,
        i % 7,
        body.join("\n\n*Emphasis* and a [link](https://example.org/).\n\n")
    )
}

fn plain_source(i: usize) -> String {
    let body: Vec<String> = (0..6).map(|p| format!("{}.", words(i + p, 90))).collect();
    format!(
        "Article {i}\n\nSun Oct 26 2025\nWriter {} (12 articles)\nArticle {i}\n\n{}\n\nWriter {0}\n\nWriter {0}\n\nWriter {0} is a correspondent.",
        i % 40,
        body.join("\n\n")
    )
}

fn cx() -> ParseContext {
    ParseContext {
        timezone: chrono_tz::Tz::UTC,
    }
}

#[divan::bench]
fn parse_markdown(bencher: divan::Bencher) {
    let source = markdown_source(7);
    bencher.bench(|| {
        parse_article(
            Path::new("a.md"),
            divan::black_box(source.as_bytes()),
            Format::Markdown,
            &cx(),
        )
        .unwrap()
    });
}

#[divan::bench]
fn parse_plain_text(bencher: divan::Bencher) {
    let source = plain_source(7);
    bencher.bench(|| {
        parse_article(
            Path::new("a.txt"),
            divan::black_box(source.as_bytes()),
            Format::PlainText,
            &cx(),
        )
        .unwrap()
    });
}

#[divan::bench]
fn render_markdown_body(bencher: divan::Bencher) {
    let source = markdown_source(7);
    let body = source.splitn(3, "---\n").nth(2).unwrap().to_string();
    bencher.bench(|| render_markdown(divan::black_box(&body)));
}

/// A generated site of `n` Markdown articles in a temporary folder.
fn site(n: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    std::fs::write(
        root.join("dateline.toml"),
        "title = \"Bench\"\nbase_url = \"https://example.org/\"\n",
    )
    .unwrap();
    for i in 0..n {
        let path = root.join(format!("content/{}/{i}.md", i % 12));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, markdown_source(i)).unwrap();
    }
    (dir, root)
}

fn options(root: &Path) -> dateline::BuildOptions {
    let mut o = dateline::BuildOptions::new(root, DateTime::parse_from_rfc3339("2026-01-01T00:00:00Z").unwrap());
    o.out = Some(root.join("public"));
    o.use_cache = false;
    o
}

/// Read, parse, render and write a site of 2,000 articles (about 3,700 pages).
#[divan::bench(sample_count = 10)]
fn full_build_2000_articles(bencher: divan::Bencher) {
    let (_dir, root) = site(2000);
    bencher.bench(|| dateline::build(&options(&root)).unwrap());
}

/// The same site kept in memory (as `dateline serve` does): one article edited, then built.
#[divan::bench(sample_count = 20)]
fn rebuild_after_one_edit_2000_articles(bencher: divan::Bencher) {
    let (_dir, root) = site(2000);
    let mut project = dateline::Project::open(options(&root));
    project.build().unwrap();
    let path = root.join("content/3/3.md");
    let original = std::fs::read_to_string(&path).unwrap();
    let mut n = 0;
    bencher.bench_local(|| {
        n += 1;
        std::fs::write(&path, original.replace("council", &format!("council{n}"))).unwrap();
        project.update(std::slice::from_ref(&path));
        project.build().unwrap()
    });
}
