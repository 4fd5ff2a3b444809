use super::*;
use std::path::PathBuf;

/// An output of `files` (path, length) and the given `_redirects` and `_headers`, in
/// `public`.
fn output(files: &[(&str, u64)], redirects: Option<&str>, headers: Option<&str>) -> Listing {
    let mut files: Vec<(String, u64)> = files.iter().map(|(f, len)| (f.to_string(), *len)).collect();
    if let Some(text) = redirects {
        files.push((REDIRECTS.into(), text.len() as u64));
    }
    if let Some(text) = headers {
        files.push((crate::headers::FILE.into(), text.len() as u64));
    }
    files.sort();
    Listing {
        out: PathBuf::from("public"),
        files,
        redirects: redirects.map(String::from),
        headers: headers.map(String::from),
        ..Listing::default()
    }
}

/// `n` small pages.
fn pages(n: usize) -> Vec<(String, u64)> {
    (0..n)
        .map(|i| (format!("2025/01/{:05}/index.html", i), 2_000))
        .collect()
}

fn listing(files: Vec<(String, u64)>) -> Listing {
    Listing {
        out: PathBuf::from("public"),
        files,
        ..Listing::default()
    }
}

fn errors(report: &HostReport) -> Vec<String> {
    report.errors.iter().map(ToString::to_string).collect()
}

const HEADERS: &str = "/*\n  X-Content-Type-Options: nosniff\n/style.3f2a.css\n  Cache-Control: immutable\n";

#[test]
fn every_host_has_its_row_and_every_figure_its_source() {
    for host in [Host::GithubPages, Host::CloudflarePages, Host::Netlify, Host::S3] {
        assert_eq!(limits(host).host, host);
    }
    for row in &HOSTS {
        let figures = [
            row.files,
            row.files_paid,
            row.files_per_folder,
            row.file_bytes,
            row.file_bytes_advised,
            row.total_bytes,
            row.path_bytes,
        ];
        for figure in figures.iter().flatten() {
            assert!(figure.source.starts_with("https://"), "{}: {figure:?}", row.name);
            // The figure as written, in the unit written: GitHub and AWS write GB for 2^30
            // bytes (see `HOSTS`), Netlify MB for 10^6.
            let (number, unit) = figure.shown.split_once(' ').unwrap_or((figure.shown, ""));
            let number: u64 = number.replace(',', "").parse().unwrap();
            let unit = match unit {
                "" => 1,
                "MB" => 1_000_000,
                "MiB" => MIB,
                "GB" => GIB,
                other => panic!("{}: unknown unit {other}", row.name),
            };
            assert_eq!(figure.value, number * unit, "{}: {}", row.name, figure.shown);
        }
    }
}

#[test]
fn github_pages_refuses_a_site_over_1_gb_and_a_file_over_100_mib() {
    let mut files = vec![
        ("index.html".to_string(), 5_000),
        ("video/launch.mp4".to_string(), 150 * MIB),
    ];
    files.extend((0..10).map(|i| (format!("scans/{i}.pdf"), 90 * MIB)));
    let report = listing(files).check(Host::GithubPages, "");
    assert_eq!(
        errors(&report),
        [
            "public/video/launch.mp4:1:1: error: 150.0 MiB (157,286,400 bytes); GitHub Pages takes files of at most 100 MiB",
            "public:1:1: error: 1.0 GiB (1,101,009,800 bytes) in 12 files; GitHub Pages publishes sites of at most 1 GB",
        ]
    );
    assert!(!report.is_ok());
    let mut files = vec![("index.html".to_string(), 5_000)];
    files.extend((0..11).map(|i| (format!("scans/{i}.pdf"), 90 * MIB)));
    let small = listing(files).check(Host::GithubPages, "");
    assert!(small.is_ok(), "{:?}", small.errors);
    assert_eq!(
        small.summary(),
        "GitHub Pages: 12 files, 990.0 MiB, the largest /scans/0.pdf (90.0 MiB)"
    );
}

#[test]
fn github_pages_reads_neither_redirects_nor_headers() {
    let report = output(
        &[("index.html", 10), (".nojekyll", 0)],
        Some("/archive/old/ /archive/2025/new/ 301\n/archive/x/ /archive/y/ 301\n"),
        Some(HEADERS),
    )
    .check(Host::GithubPages, "");
    assert!(report.is_ok());
    assert_eq!(
        report.notes,
        [
            "_redirects and _headers are not read by GitHub Pages: the 2 redirect pages do the work (pages that send readers on, not 301s), and responses get the host's own headers"
        ]
    );
    let headers_only =
        output(&[("index.html", 10), (".nojekyll", 0)], None, Some(HEADERS)).check(Host::GithubPages, "");
    assert_eq!(
        headers_only.notes,
        ["_headers is not read by GitHub Pages: responses get the host's own headers"]
    );
}

#[test]
fn github_pages_says_what_jekyll_would_leave_out_without_nojekyll() {
    let files = [
        ("index.html", 10),
        (".well-known/security.txt", 10),
        ("_assets/x.css", 10),
    ];
    let report = output(&files, None, Some(HEADERS)).check(Host::GithubPages, "");
    assert_eq!(report.notes.len(), 2, "{:?}", report.notes);
    assert!(
        report.notes[1].starts_with("no /.nojekyll: published from a branch, GitHub Pages runs Jekyll, which leaves out 2 files whose names start with `_` or `.` (/.well-known/security.txt)"),
        "{}",
        report.notes[1]
    );
    let with = [("index.html", 10), (".well-known/security.txt", 10), (".nojekyll", 0)];
    let report = output(&with, None, None).check(Host::GithubPages, "");
    assert!(report.notes.is_empty(), "{:?}", report.notes);
}

#[test]
fn cloudflare_pages_counts_files_and_names_the_search_index() {
    let mut files = pages(20_000);
    files.push(("search/index/2025/fragment/a.pf_fragment".into(), 100));
    files.push(("search/index/2025/fragment/b.pf_fragment".into(), 100));
    let report = listing(files).check(Host::CloudflarePages, "");
    let problems = errors(&report);
    assert_eq!(
        problems,
        [
            "public:1:1: error: 20,002 files; Cloudflare Pages takes at most 20,000 per site on the free plan (100,000 on a paid one)\n  hint: the search index is 2 of them (`[search] enabled = false` leaves it out), or publish to object storage (`dateline deploy`)"
        ]
    );
    let report = listing(pages(139_128)).check(Host::CloudflarePages, "");
    assert_eq!(
        report.errors[0].message,
        "139,128 files; Cloudflare Pages takes at most 20,000 per site (100,000 on a paid plan)"
    );
    assert!(report.errors[0].hint.is_none());
    assert!(listing(pages(20_000)).check(Host::CloudflarePages, "").is_ok());
}

#[test]
fn cloudflare_pages_refuses_a_file_over_25_mib() {
    let report = output(
        &[("index.html", 10), ("a.pdf", 25 * MIB), ("b.pdf", 25 * MIB + 1)],
        None,
        None,
    )
    .check(Host::CloudflarePages, "");
    assert_eq!(
        errors(&report),
        ["public/b.pdf:1:1: error: 25.0 MiB (26,214,401 bytes); Cloudflare Pages takes files of at most 25 MiB"]
    );
}

#[test]
fn cloudflare_pages_reads_2000_static_and_100_dynamic_redirects_of_1000_characters() {
    let mut text = String::from("# moved articles\n\n");
    for i in 0..2_001 {
        text.push_str(&format!("/old/{i}/ /new/{i}/ 301\n"));
    }
    for i in 0..101 {
        text.push_str(&format!("/tag-{i}/* /tags/{i}/:splat 301\n"));
    }
    text.push_str(&format!("/{} /x/ 301\n", "a".repeat(1_000)));
    let report = output(&[("index.html", 10)], Some(&text), None).check(Host::CloudflarePages, "");
    assert_eq!(
        errors(&report),
        [
            "public/_redirects:1:1: error: 2,002 static rules; Cloudflare Pages reads at most 2,000\n  hint: the rules past it would be dropped and their redirect pages answer instead (not with a 301): publish without public/_redirects to rely on the pages alone, or elsewhere",
            "public/_redirects:1:1: error: 101 dynamic rules (with `*` or `:name`); Cloudflare Pages reads at most 100",
            "public/_redirects:2105:1: error: a rule of 1,009 characters; Cloudflare Pages reads rules of at most 1,000",
        ]
    );
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    let fine = output(&[("index.html", 10)], Some("/a/ /b/ 301\n/c/:id /d/:id 301\n"), None);
    assert!(fine.check(Host::CloudflarePages, "").is_ok());
}

#[test]
fn cloudflare_pages_reads_100_header_rules_of_2000_character_lines() {
    let mut text = String::new();
    for i in 0..101 {
        text.push_str(&format!("/copy-{i}.css\n  Cache-Control: immutable\n"));
    }
    text.push_str(&format!("/*\n  Content-Security-Policy: {}\n", "x".repeat(2_000)));
    let report = output(&[("index.html", 10)], None, Some(&text)).check(Host::CloudflarePages, "");
    assert_eq!(
        errors(&report),
        [
            "public/_headers:1:1: error: 102 rules; Cloudflare Pages reads at most 100",
            "public/_headers:204:1: error: a line of 2,027 characters; Cloudflare Pages reads lines of at most 2,000",
        ]
    );
    assert!(
        output(&[], None, Some(HEADERS))
            .check(Host::CloudflarePages, "")
            .is_ok()
    );
}

#[test]
fn netlify_counts_files_per_folder_not_per_site() {
    let folder = |dir: &'static str, n: usize| (0..n).map(move |i| (format!("{dir}/{i}.pf_fragment"), 10));
    let mut files: Vec<(String, u64)> = folder("search/index/2025/fragment", 54_001).collect();
    files.extend(folder("search/index/2024/fragment", 54_000));
    files.extend(pages(60_000));
    let report = listing(files).check(Host::Netlify, "");
    assert_eq!(
        errors(&report),
        [
            "public/search/index/2025/fragment:1:1: error: 54,001 files in this folder; Netlify takes at most 54,000 in one folder"
        ]
    );
}

#[test]
fn netlify_says_large_files_and_many_redirects_are_advised_against() {
    let mut text = String::new();
    for i in 0..10_000 {
        text.push_str(&format!("/old/{i}/ /new/{i}/ 301\n"));
    }
    let report = output(
        &[("index.html", 10), ("a.mp4", 10_000_001), ("b.mp4", 30_000_000)],
        Some(&text),
        Some(HEADERS),
    )
    .check(Host::Netlify, "");
    assert!(report.is_ok(), "{:?}", report.errors);
    assert_eq!(
        report.notes,
        [
            "2 files over 10 MB, the largest /b.mp4 (28.6 MiB (30,000,000 bytes)): Netlify says files over 10 MB are not well supported by its CDN and will likely fail to upload",
            "/_redirects has 10,000 rules: Netlify advises wildcards or placeholders from 10,000 on, and may fail a deploy whose rules are too large",
        ]
    );
    let small = output(&[("index.html", 10)], Some("/a/ /b/ 301\n"), Some(HEADERS)).check(Host::Netlify, "");
    assert!(small.is_ok() && small.notes.is_empty(), "{small:?}");
}

#[test]
fn s3_takes_objects_of_5_gb_and_keys_of_1024_bytes_with_the_prefix() {
    let long = format!("{}/index.html", "a".repeat(1_010));
    let report = output(
        &[("index.html", 10), (&long, 10), ("dump.tar", 5 * GIB + 1)],
        None,
        None,
    )
    .check(Host::S3, "");
    assert_eq!(
        errors(&report),
        ["public/dump.tar:1:1: error: 5.0 GiB (5,368,709,121 bytes); S3 takes files of at most 5 GB"]
    );
    let report = output(&[("index.html", 10), (&long, 10)], None, None).check(Host::S3, "archive/site/");
    assert_eq!(
        errors(&report),
        [format!(
            "public/{long}:1:1: error: a key of 1,034 bytes under `archive/site/`; S3 takes keys of at most 1,024 bytes"
        )]
    );
    let mut odd = output(&[("index.html", 10), ("caf\u{fffd}.html", 10)], None, None);
    odd.not_utf8.push("caf\u{fffd}.html".into());
    assert_eq!(
        errors(&odd.check(Host::S3, "")),
        ["public/caf\u{fffd}.html:1:1: error: the name is not UTF-8; S3 keys are UTF-8"]
    );
}

#[test]
fn s3_serves_the_redirect_pages_and_reads_neither_file() {
    let report = output(&[("index.html", 10)], Some("/a/ /b/ 301\n"), Some(HEADERS)).check(Host::S3, "");
    assert!(report.is_ok());
    assert_eq!(
        report.notes,
        [
            "_redirects and _headers are not read by S3: the redirect page does the work (a page that sends readers on, not a 301), and responses get each object's metadata (or the CDN's headers) instead"
        ]
    );
}

#[test]
fn a_real_folder_is_listed_with_its_lengths_and_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path();
    std::fs::create_dir_all(out.join("2025/x")).unwrap();
    std::fs::write(out.join("index.html"), "<p>hi</p>").unwrap();
    std::fs::write(out.join("2025/x/index.html"), "").unwrap();
    std::fs::write(out.join("_redirects"), "/old/ /2025/x/ 301\n").unwrap();
    std::fs::write(out.join(".nojekyll"), "").unwrap();
    // A sparse file: 26 MiB long, nothing written.
    let big = std::fs::File::create(out.join("big.bin")).unwrap();
    big.set_len(26 * MIB).unwrap();
    let listing = Listing::read(out);
    let names: Vec<&str> = listing.files.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        names,
        [".nojekyll", "2025/x/index.html", "_redirects", "big.bin", "index.html"]
    );
    assert_eq!(listing.redirects.as_deref(), Some("/old/ /2025/x/ 301\n"));
    assert_eq!(listing.headers, None);
    let report = check_host(out, Host::CloudflarePages);
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert_eq!(report.errors[0].path, out.join("big.bin"));
    assert_eq!(report.largest, Some(("big.bin".to_string(), 26 * MIB)));
    assert_eq!(
        check_host(out, Host::GithubPages).notes,
        [
            "_redirects is not read by GitHub Pages: the redirect page does the work (a page that sends readers on, not a 301)"
        ]
    );
}

#[test]
fn a_missing_folder_is_a_problem_not_an_empty_site() {
    let dir = tempfile::tempdir().unwrap();
    let report = check_host(&dir.path().join("public"), Host::S3);
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].message, "no output folder here: build the site first");
}

#[test]
fn sizes_read_as_bytes_then_binary_units() {
    assert_eq!(size(0), "0 bytes");
    assert_eq!(size(1), "1 byte");
    assert_eq!(size(10_239), "10,239 bytes");
    assert_eq!(size(10_240), "10.0 KiB");
    assert_eq!(size(MIB + MIB / 2), "1.5 MiB (1,572,864 bytes)");
    assert_eq!(size(GIB + 1), "1.0 GiB (1,073,741,825 bytes)");
}
