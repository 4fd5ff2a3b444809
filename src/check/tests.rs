use std::path::Path;

use super::*;

use crate::testing::folder_with as site;

fn problems(dir: &Path, base: &str) -> Vec<String> {
    match check_output(dir, Path::new("public"), &BaseUrl::parse(base).unwrap()) {
        Ok(_) => Vec::new(),
        Err(list) => {
            let mut lines: Vec<String> = list.iter().map(ToString::to_string).collect();
            lines.sort();
            lines
        }
    }
}

#[test]
fn good_links_pass() {
    let dir = site(&[
        (
            "index.html",
            r##"<a href="/news/a/">a</a> <a href="a/#x">x</a> <a href="https://elsewhere.org/">e</a> <a href="mailto:x@y.z">m</a> <a href="#top" id="top">t</a> <link rel="canonical" href="https://e.org/news/">"##,
        ),
        (
            "a/index.html",
            r#"<h2 id="x">X</h2><a href="../">up</a> <img src="/news/img/p%20q.png"> <a href="/news/a">no slash</a>"#,
        ),
        ("img/p q.png", "png"),
        (
            "sitemap.xml",
            "<?xml version=\"1.0\"?><urlset><url><loc>https://e.org/news/a/</loc></url></urlset>",
        ),
    ]);
    assert_eq!(problems(dir.path(), "https://e.org/news/"), Vec::<String>::new());
}

#[test]
fn broken_links_fragments_and_xml_are_reported_with_lines() {
    let dir = site(&[
        (
            "index.html",
            "<p>\n  <a href=\"/news/gone/\">gone</a>\n<a href=\"/news/a/#nope\">frag</a> <a href=\"/elsewhere/\">out</a></p>\n<a href=\"#here\">here</a> <a href=\"#there\" id=\"there\">there</a>",
        ),
        ("a/index.html", "<h2 id=\"x\">X</h2>"),
        (
            "atom.xml",
            "<?xml version=\"1.0\"?><feed><entry><id>https://e.org/news/missing/</id></entry></feed>",
        ),
        ("bad.xml", "<?xml version=\"1.0\"?><a><b></a>"),
    ]);
    let p = problems(dir.path(), "https://e.org/news/");
    assert_eq!(p.len(), 6, "{p:#?}");
    assert!(p[0].starts_with("public/atom.xml:1:"), "{}", p[0]);
    assert!(p[0].contains("https://e.org/news/missing/ does not exist"), "{}", p[0]);
    assert!(
        p[1].starts_with("public/bad.xml:1:") && p[1].contains("not well-formed"),
        "{}",
        p[1]
    );
    assert!(
        p.contains(&"public/index.html:2:12: error: broken link: /news/gone/ (no /gone/ in the output)".to_string()),
        "{p:#?}"
    );
    assert!(
        p.iter().any(|l| l.starts_with(
            "public/index.html:3:10: error: broken link: /news/a/#nope (no id=\"nope\" on /a/index.html)"
        )),
        "{p:#?}"
    );
    assert!(
        p.iter()
            .any(|l| l.contains("link to /elsewhere/, which is outside the site")),
        "{p:#?}"
    );
    assert!(
        p.contains(&"public/index.html:4:10: error: broken link: #here (no id=\"here\" on /index.html)".to_string()),
        "{p:#?}"
    );
}

/// Escapes are decoded as a browser decodes them: `%` and two hex digits, nothing else,
/// whatever follows (a `%` before a letter of two bytes once stopped the check).
#[test]
fn escaped_links_are_decoded_and_stray_percent_signs_are_kept() {
    let dir = site(&[
        (
            "index.html",
            "<h2 id=\"café\">C</h2><a href=\"#caf%C3%A9\">c</a> <a href=\"/news/100%/\">p</a>\n<a href=\"/news/%aé/\">a</a> <a href=\"/news/%+1/\">b</a>",
        ),
        ("100%/index.html", ""),
    ]);
    let p = problems(dir.path(), "https://e.org/news/");
    assert_eq!(
        p,
        [
            "public/index.html:2:10: error: broken link: /news/%aé/ (no /%aé/ in the output)",
            "public/index.html:2:37: error: broken link: /news/%+1/ (no /%+1/ in the output)",
        ]
    );
}

/// A page that is not UTF-8 cannot be checked: it is a problem at its first byte that is
/// not, never a page left out.
#[test]
fn a_page_that_cannot_be_decoded_is_a_problem() {
    let dir = site(&[("index.html", "<a href=\"/bad.html\">b</a>"), ("bad.html", "")]);
    std::fs::write(
        dir.path().join("bad.html"),
        b"<p>ok</p>\n<p>caf\xe9 <a href=\"/gone/\">gone</a>",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("feed.xml"),
        b"<?xml version=\"1.0\"?>\n<feed>\xff</feed>",
    )
    .unwrap();
    assert_eq!(
        problems(dir.path(), "https://e.org/"),
        [
            "public/bad.html:2:7: error: invalid UTF-8: the file cannot be checked",
            "public/feed.xml:2:7: error: invalid UTF-8: the file cannot be checked",
        ]
    );
}

/// Files whose names start with a dot are part of the output like any other.
#[test]
fn links_to_dot_files_of_the_output_are_not_broken() {
    let dir = site(&[
        (
            "index.html",
            "<a href=\"/.well-known/security.txt\">s</a> <a href=\"/.nojekyll\">n</a>",
        ),
        (".well-known/security.txt", "Contact: mailto:s@e.org"),
        (".nojekyll", ""),
    ]);
    assert_eq!(problems(dir.path(), "https://e.org/"), Vec::<String>::new());
}
