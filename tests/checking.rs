//! `dateline check` for the people who fix things: a broken link of an article's body at
//! its source line and column, a link the theme made at the page; the warnings on the
//! sources and `--deny-warnings`; `--format json`; `--external` against a server of the
//! test's own, and its cache.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use common::Site;

fn dateline(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .expect("run dateline")
}

use common::{stderr, stdout};

const NOW: [&str; 2] = ["--now", "2026-01-15T12:00:00Z"];

/// The budget article of the fixture, and its page.
const BUDGET: &str = "content/2025/12/budget-vote.md";
const BUDGET_PAGE: &str = "2025/12/02/parliament-passes-the-budget-whats-in-it/";

/// The fixture with the budget article's first paragraph (line 10) replaced by `line`.
fn with_budget_line(line: &str) -> Site {
    let site = Site::fixture("basic");
    let text = std::fs::read_to_string(site.root().join(BUDGET)).unwrap();
    let text = text.replace("The budget passed by a **narrow** margin.", line);
    assert_eq!(text.lines().nth(9), Some(line));
    site.write(BUDGET, text);
    site
}

#[test]
fn a_broken_link_of_a_body_is_reported_at_its_source_line_and_column() {
    let site = with_budget_line(
        "It passed; see [the vote](/archive/2099/01/01/nowhere/), [the table](#nope) and <a href=\"/archive/raw/\">this</a>.",
    );
    let o = dateline(&["check", NOW[0], NOW[1]], site.root());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let page = format!("public/{BUDGET_PAGE}index.html");
    let lines: Vec<&str> = err.lines().collect();
    let at = |start: &str| {
        let i = (lines.iter().position(|l| l.starts_with(start))).unwrap_or_else(|| panic!("no {start}:\n{err}"));
        (lines[i], lines[i + 1])
    };
    let (problem, note) = at("content/2025/12/budget-vote.md:10:27: ");
    assert_eq!(
        problem,
        "content/2025/12/budget-vote.md:10:27: error: broken link: /archive/2099/01/01/nowhere/ (no /2099/01/01/nowhere/ in the output)"
    );
    assert!(
        note.starts_with(&format!("  note: on /archive/{BUDGET_PAGE} ({page}:")) && note.ends_with(')'),
        "{note}"
    );
    let (problem, _) = at("content/2025/12/budget-vote.md:10:70: ");
    assert!(problem.ends_with("error: broken link: #nope (no id=\"nope\" on /2025/12/02/parliament-passes-the-budget-whats-in-it/index.html)"), "{problem}");
    // Raw HTML in the body: at the attribute's value.
    let (problem, _) = at("content/2025/12/budget-vote.md:10:90: ");
    assert!(problem.contains("error: broken link: /archive/raw/"), "{problem}");
    // The page the note names has the link at that line and column.
    let place = note.rsplit_once(&format!("{page}:")).unwrap().1.trim_end_matches(')');
    let (line, column) = place.split_once(':').unwrap();
    let html = std::fs::read_to_string(site.out().join(BUDGET_PAGE).join("index.html")).unwrap();
    let on_page = html.lines().nth(line.parse::<usize>().unwrap() - 1).unwrap();
    let rest: String = on_page.chars().skip(column.parse::<usize>().unwrap() - 1).collect();
    assert!(rest.starts_with("/archive/2099/01/01/nowhere/\""), "{rest}");
    assert!(
        err.ends_with("3 problems found; the site was built, but does not pass the check\n"),
        "{err}"
    );
}

#[test]
fn a_broken_link_the_theme_made_is_reported_at_the_page() {
    let site = Site::fixture("basic");
    let article =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates/article.html")).unwrap();
    let article = article.replace(
        "<div class=\"story-body\">",
        "<p class=\"promo\"><a href=\"/archive/no-such-offer/\">Subscribe</a></p>\n<div class=\"story-body\">",
    );
    site.write("templates/article.html", article);
    let o = dateline(&["check", NOW[0], NOW[1]], site.root());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with(&format!("public/{BUDGET_PAGE}index.html:")))
        .unwrap_or_else(|| panic!("not at the page:\n{err}"));
    assert!(
        lines[i].ends_with(": error: broken link: /archive/no-such-offer/ (no /no-such-offer/ in the output)"),
        "{}",
        lines[i]
    );
    assert_eq!(
        lines[i + 1],
        "  note: not in the body of content/2025/12/budget-vote.md: the theme's article.html (or a template it includes) made it"
    );
    // A plain-text article's page too; and never at a source.
    assert!(
        err.contains("  note: not in the body of content/2025/10/takaichi-trump-call.txt: the theme's article.html"),
        "{err}"
    );
    assert!(
        !err.lines()
            .any(|l| l.starts_with("content/") && l.contains("no-such-offer")),
        "{err}"
    );
}

#[test]
fn warnings_pass_unless_denied() {
    let site = with_budget_line("It passed, with ![](/archive/logo.png) as proof.");
    let o = dateline(&["check", NOW[0], NOW[1]], site.root());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "content/2025/12/budget-vote.md:10:21: warning: image without alt text: /archive/logo.png\n  hint: "
        ),
        "{err}"
    );
    assert!(
        err.contains("content/2025/10/tokyo.md:7:1: warning: no summary, and the first paragraph is too short"),
        "{err}"
    );
    assert!(
        stdout(&o).trim_end().ends_with(": no errors, 4 warnings"),
        "{}",
        stdout(&o)
    );

    let denied = dateline(&["check", NOW[0], NOW[1], "--deny-warnings"], site.root());
    assert_eq!(denied.status.code(), Some(1), "{}", stderr(&denied));
    assert!(
        stderr(&denied).ends_with("4 problems found; the site was built, but does not pass the check\n"),
        "{}",
        stderr(&denied)
    );
    assert_eq!(stdout(&denied), "");

    // Quiet: warnings are not said, unless they fail the check.
    let quiet = dateline(&["check", "-q", NOW[0], NOW[1]], site.root());
    assert_eq!(
        (quiet.status.code(), stderr(&quiet).as_str(), stdout(&quiet).as_str()),
        (Some(0), "", "")
    );
    let quiet = dateline(&["check", "-q", "--deny-warnings", NOW[0], NOW[1]], site.root());
    assert_eq!(stderr(&quiet).matches(": warning: ").count(), 4, "{}", stderr(&quiet));
}

#[test]
fn json_has_every_problem_with_its_fields() {
    let site = with_budget_line("It passed; see [the vote](/archive/2099/01/01/nowhere/).");
    let o = dateline(&["check", NOW[0], NOW[1], "--format", "json"], site.root());
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "1 problem found; the site was built, but does not pass the check\n"
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON on stdout");
    assert_eq!(
        (json["errors"].as_u64(), json["warnings"].as_u64()),
        (Some(1), Some(3)),
        "{json:#}"
    );
    assert_eq!(json["passed"], false);
    assert!(json["checked"]["pages"].as_u64().unwrap() > 10, "{json:#}");
    let problems = json["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 4);
    for p in problems {
        for field in ["severity", "file", "line", "column", "message", "hint", "notes", "page"] {
            assert!(p.get(field).is_some(), "no {field} in {p}");
        }
    }
    let broken = problems.iter().find(|p| p["severity"] == "error").unwrap();
    assert_eq!(broken["file"], BUDGET);
    assert_eq!(
        (broken["line"].as_u64(), broken["column"].as_u64()),
        (Some(10), Some(27))
    );
    assert_eq!(
        broken["message"],
        "broken link: /archive/2099/01/01/nowhere/ (no /2099/01/01/nowhere/ in the output)"
    );
    assert_eq!(broken["page"], format!("/archive/{BUDGET_PAGE}"));
    assert!(
        broken["notes"][0].as_str().unwrap().starts_with("on /archive/"),
        "{broken}"
    );
    let warning = problems.iter().find(|p| p["severity"] == "warning").unwrap();
    assert!(warning["hint"].is_string() && warning["page"].is_null(), "{warning}");

    // A site that does not build: its problems, and nothing checked.
    site.write(
        "content/2025/12/bad.md",
        "---\ntitle: Bad\ndate: 2025-02-30\n---\nBody.\n",
    );
    let o = dateline(&["check", NOW[0], NOW[1], "--format", "json"], site.root());
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("JSON on stdout");
    assert!(json["checked"].is_null());
    assert_eq!(json["problems"][0]["file"], "content/2025/12/bad.md");
    assert_eq!(json["problems"][0]["line"], 3);
    assert_eq!(stderr(&o), "1 problem found; nothing was written\n");
}

/// A server of the test's own: `/ok` 200, `/gone` 404, `/moved` a 301 to `/ok`, `/no-head`
/// 405 to `HEAD` and 200 to `GET`. Each request is noted as `METHOD /path`.
fn serve() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let noted = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut header = String::new();
            while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                header.clear();
            }
            let mut words = request.split_whitespace();
            let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            noted.lock().unwrap().push(format!("{method} {path}"));
            let (status, extra) = match (method, path) {
                (_, "/ok") | ("GET", "/no-head") => ("200 OK", ""),
                (_, "/moved") => ("301 Moved Permanently", "Location: /ok\r\n"),
                (_, "/no-head") => ("405 Method Not Allowed", ""),
                _ => ("404 Not Found", ""),
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\n{extra}Content-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
    });
    (address, seen)
}

#[test]
fn external_links_are_asked_for_once_a_day() {
    let (server, seen) = serve();
    let site = Site::fixture("basic");
    let body = format!(
        "Links: [ok]({server}/ok), [gone]({server}/gone#part),\n[moved]({server}/moved) and [no head]({server}/no-head).\n"
    );
    site.write(
        "content/2025/12/links.md",
        format!("---\ntitle: Links\ndate: 2025-12-05T10:00:00Z\nauthor: Jane Roe\nsummary: A story that links to other sites, some of them gone.\n---\n{body}"),
    );
    let check = || dateline(&["check", NOW[0], NOW[1], "--external"], site.root());
    let o = check();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    let gone_at = format!("Links: [ok]({server}/ok), [gone](").len() + 1;
    assert!(
        err.contains(&format!(
            "content/2025/12/links.md:7:{gone_at}: error: broken external link: {server}/gone (404 Not Found)\n  note: on /archive/2025/12/05/links/ (public/2025/12/05/links/index.html:"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "content/2025/12/links.md:8:9: note: external link moved for good: {server}/moved → {server}/ok\n  hint: link to {server}/ok"
        )),
        "{err}"
    );
    // `/no-head` answered `GET`: nothing to say of it but that it is by http://.
    let no_head: Vec<&str> = err.lines().filter(|l| l.contains("/no-head")).collect();
    assert_eq!(no_head.len(), 1, "{err}");
    assert!(
        no_head[0].contains(": warning: link by http:// on an https:// site: "),
        "{err}"
    );
    let mut asked = seen.lock().unwrap().clone();
    asked.sort();
    assert_eq!(
        asked,
        [
            "GET /no-head",
            "HEAD /gone",
            "HEAD /moved",
            "HEAD /no-head",
            "HEAD /ok",
            "HEAD /ok"
        ]
    );
    assert!(site.root().join(".dateline/external-links").is_file());

    // Within the day: nothing is asked again, and the same is said.
    seen.lock().unwrap().clear();
    let again = check();
    assert_eq!(again.status.code(), Some(1));
    assert!(seen.lock().unwrap().is_empty(), "{:?}", seen.lock().unwrap());
    assert_eq!(
        stderr(&again)
            .lines()
            .filter(|l| l.contains(&server))
            .collect::<Vec<_>>(),
        err.lines().filter(|l| l.contains(&server)).collect::<Vec<_>>()
    );

    // An answer older than a day is asked for again: the others are not.
    let cache = site.root().join(".dateline/external-links");
    let mut kept: serde_json::Value = serde_json::from_slice(&std::fs::read(&cache).unwrap()).unwrap();
    kept["links"][format!("{server}/gone")]["checked"] = 1_000.into();
    std::fs::write(&cache, serde_json::to_vec(&kept).unwrap()).unwrap();
    let o = check();
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(*seen.lock().unwrap(), ["HEAD /gone"]);
}
