//! `dateline serve`: a server on a free port, fetched over HTTP while the site's files are
//! edited underneath it.

mod common;

use std::time::Duration;

use common::Site;
use common::http::{self, events_until, get, raw, request};
use common::served::{Served, serve_expecting_exit};

const BUDGET: &str = "2025/12/02/parliament-passes-the-budget-whats-in-it/";

#[test]
fn serves_the_site_as_a_static_host_would() {
    let site = Site::fixture("basic");
    let served = Served::start(site.root());
    assert!(
        served.url.starts_with("http://127.0.0.1:") && served.url.ends_with("/archive/"),
        "{}",
        served.url
    );

    let home = get(&served.url);
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(home.body.contains("<h1 class=\"visually-hidden\">Fixture Gazette</h1>"));
    assert!(
        home.body.contains("<script src=\"/__dateline/reload.js\"></script>"),
        "the live-reload script is loaded"
    );
    let script = get(&served.url.replace("/archive/", "/__dateline/reload.js"));
    assert_eq!(script.header("content-type"), Some("text/javascript; charset=utf-8"));
    assert!(
        script.body.contains("new EventSource(\"/__dateline/events\")"),
        "the live-reload script is served"
    );
    let on_disk = std::fs::read_to_string(site.root().join(".dateline/serve/index.html")).unwrap();
    assert!(!on_disk.contains("__dateline"), "the built file itself has no script");
    assert!(
        on_disk.contains(&format!("<link rel=\"canonical\" href=\"{}\">", served.url)),
        "links point at the server"
    );

    assert_eq!(
        get(&served.at("style.css")).header("content-type"),
        Some("text/css; charset=utf-8")
    );
    assert_eq!(
        get(&served.at("files/report.pdf")).header("content-type"),
        Some("application/pdf")
    );
    for (file, ty) in [
        ("atom.xml", "application/atom+xml; charset=utf-8"),
        ("rss.xml", "application/rss+xml; charset=utf-8"),
        ("sitemap.xml", "text/xml; charset=utf-8"),
    ] {
        assert_eq!(get(&served.at(file)).header("content-type"), Some(ty), "{file}");
    }
    assert_eq!(
        get(&served.at("robots.txt")).header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(
        home.header("cache-control"),
        Some("no-store"),
        "an edit is seen at the next load"
    );
    // The headers of the built `_headers`, as the host will send them (but its caching).
    assert!(
        home.header("content-security-policy")
            .is_some_and(|csp| csp.starts_with("default-src 'self'; script-src 'self' 'wasm-unsafe-eval';")),
        "{:?}",
        home.header("content-security-policy")
    );
    assert_eq!(home.header("x-content-type-options"), Some("nosniff"));
    let style = get(&served.at("style.css"));
    assert_eq!(style.header("referrer-policy"), Some("strict-origin-when-cross-origin"));
    assert_eq!(style.header("cache-control"), Some("no-store"));
    // Temporary redirects: browsers keep permanent ones, and the next site served on this
    // port may have another base_url.
    let folder = get(&served.at("2025"));
    assert_eq!(folder.status, 307);
    assert_eq!(folder.header("location"), Some("/archive/2025/"));
    let missing = get(&served.at("no/such/page/"));
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Page not found"), "the site's own 404 page");
    assert!(
        missing.body.contains("<script src=\"/__dateline/reload.js\"></script>"),
        "the 404 page reloads too"
    );
    let outside = get(&served.url.replace("/archive/", "/elsewhere/"));
    assert_eq!(outside.status, 404, "only base_url's path is the site");
    let root = get(&served.url.replace("/archive/", "/"));
    assert_eq!((root.status, root.header("location")), (307, Some("/archive/")));
    let base_without_slash = get(served.url.trim_end_matches('/'));
    assert_eq!(
        (base_without_slash.status, base_without_slash.header("location")),
        (307, Some("/archive/"))
    );
    let head = request("HEAD", &served.url);
    assert_eq!(head.body, "");
    assert_eq!(
        (head.status, head.header("content-type")),
        (200, Some("text/html; charset=utf-8"))
    );
    assert_eq!(
        head.header("content-length"),
        Some(home.body.len().to_string().as_str()),
        "HEAD tells the length GET sends, script included"
    );
    let missing_head = request("HEAD", &served.at("no/such/page/"));
    assert_eq!(
        (missing_head.status, missing_head.header("content-length")),
        (404, Some(missing.body.len().to_string().as_str()))
    );
    assert_eq!(request("POST", &served.url).status, 405);
    assert_eq!(request("DELETE", &served.at("index.html")).status, 405);
}

#[test]
fn nothing_outside_the_output_folder_can_be_read() {
    let site = Site::fixture("basic");
    site.write("secret.txt", "do not serve");
    let served = Served::start(site.root());
    let (host, _) = http::split(&served.url);
    for path in [
        "/archive/../secret.txt",
        "/archive/../../../../etc/passwd",
        "/archive/%2e%2e/secret.txt",
        "/archive/%2E%2E%2Fsecret.txt",
        "/archive/..%2f..%2fdateline.toml",
        "/archive/%2e%2e%5csecret.txt",
        "/archive/.%2e/secret.txt",
        "/archive/%2e./%2e./secret.txt",
        "/archive/2025/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret.txt",
        "/archive//etc/passwd",
        "/archive/%00",
    ] {
        let response = raw(
            &host,
            &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        );
        assert!(matches!(response.status, 400 | 404), "{path}: {}", response.status);
        assert!(
            !response.body.contains("do not serve") && !response.body.contains("root:"),
            "{path} leaked a file"
        );
    }
    // A link inside the output that points outside it is not followed.
    std::os::unix::fs::symlink(
        site.root().join("secret.txt"),
        site.root().join(".dateline/serve/leak.txt"),
    )
    .unwrap();
    let response = get(&served.at("leak.txt"));
    assert!(!response.body.contains("do not serve"), "{}", response.status);
}

#[test]
fn symbolic_links_are_followed_only_inside_the_output_folder() {
    let site = Site::fixture("basic");
    site.write("secret.txt", "do not serve");
    let served = Served::start(site.root());
    let out = site.root().join(".dateline/serve");
    let link = |target: &std::path::Path, name: &str| std::os::unix::fs::symlink(target, out.join(name)).unwrap();
    link(&site.root().join("secret.txt"), "leak.txt");
    link(site.root(), "site-folder");
    link(&out.join("style.css"), "same-style.css");
    link(&out.join("2025"), "same-2025");

    for rel in ["leak.txt", "site-folder/secret.txt", "site-folder/dateline.toml"] {
        let response = get(&served.at(rel));
        assert_eq!(response.status, 404, "{rel}");
        assert!(response.body.contains("Page not found"), "{rel}: the site's 404 page");
        assert!(
            !response.body.contains("do not serve") && !response.body.contains("base_url"),
            "{rel} leaked a file"
        );
    }
    // Links that stay inside are served as what they lead to.
    let style = get(&served.at("same-style.css"));
    assert_eq!(
        (style.status, style.header("content-type")),
        (200, Some("text/css; charset=utf-8"))
    );
    let year = get(&served.at("same-2025/"));
    assert_eq!(year.status, 200);
    assert!(year.body.contains("/__dateline/reload.js"), "{}", year.status);
}

#[test]
fn a_busy_port_is_named() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let site = Site::fixture("basic");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_dateline"))
        .args(["serve", "--port", &port, "-s"])
        .arg(site.root())
        .output()
        .unwrap();
    // 1, not 2: the command line is sound, the machine's state is what is wrong.
    assert_eq!(output.status.code(), Some(1));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains(&format!("127.0.0.1:{port}")) && err.contains("in use"),
        "{err}"
    );
}

#[test]
fn an_address_this_machine_does_not_have_is_a_failure_not_bad_usage() {
    let site = Site::fixture("basic");
    // 192.0.2.0/24 is for documentation (RFC 5737): no machine has it.
    let output = serve_expecting_exit(site.root(), &["--bind", "192.0.2.1"]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("cannot listen on 192.0.2.1:0"), "{err}");
}

#[test]
fn an_output_folder_that_cannot_be_made_stops_serve() {
    let site = Site::fixture("basic");
    // SITE/.dateline is a file, so SITE/.dateline/serve cannot be made (tests run as root:
    // permissions would not stop it).
    site.write(".dateline", "not a folder");
    let output = serve_expecting_exit(site.root(), &[]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cannot create the folder") && err.contains(".dateline/serve"),
        "{err}"
    );
    assert!(!err.contains("still serving"), "{err}");
}

#[test]
fn a_folder_that_is_not_a_site_is_not_served() {
    let empty = tempfile::tempdir().unwrap();
    let output = serve_expecting_exit(empty.path(), &[]);
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{err}");
    assert!(err.contains("no dateline.toml"), "{err}");
    assert_eq!(
        std::fs::read_dir(empty.path()).unwrap().count(),
        0,
        "nothing is made in a folder that is not a site"
    );
}

#[test]
fn edits_show_up_without_restarting() {
    let site = Site::fixture("basic");
    let served = Served::start(site.root());
    let source = "content/2025/12/budget-vote.md";
    let text = std::fs::read_to_string(site.root().join(source)).unwrap();

    // A new title (new URL: the old page goes, the new one comes).
    site.write(source, text.replace("What’s in It", "Edited Live"));
    let new_url = "2025/12/02/parliament-passes-the-budget-edited-live/";
    served.wait_for(new_url, "the edited page", |r| {
        r.status == 200 && r.body.contains("Edited Live")
    });
    served.wait_for(BUDGET, "the old page to go", |r| r.status == 404);
    served.wait_for("2025/12/02/", "the listing to follow", |r| {
        r.body.contains("Edited Live")
    });

    // An editor that saves by writing a new file and renaming it over the old one.
    let tmp = site.root().join("content/2025/12/.budget-vote.md.swp");
    std::fs::write(&tmp, text.replace("What’s in It", "Saved By Rename")).unwrap();
    std::fs::rename(&tmp, site.root().join(source)).unwrap();
    served.wait_for(
        "2025/12/02/parliament-passes-the-budget-saved-by-rename/",
        "the renamed save",
        |r| r.status == 200,
    );

    // A new article in a new folder, then deleted.
    site.write(
        "content/2026/01/fresh.md",
        "---\ntitle: Fresh Off The Press\ndate: 2026-01-05T10:00:00Z\n---\nNew.\n",
    );
    served.wait_for("2026/01/05/fresh-off-the-press/", "the new article", |r| {
        r.status == 200
    });
    std::fs::remove_file(site.root().join("content/2026/01/fresh.md")).unwrap();
    served.wait_for("2026/01/05/fresh-off-the-press/", "the deleted article to go", |r| {
        r.status == 404
    });

    // A burst of edits to many files ends in one consistent site.
    for i in 0..20 {
        site.write(
            &format!("content/burst/{i}.md"),
            format!("---\ntitle: Burst {i}\ndate: 2025-06-{:02}T10:00:00Z\n---\nx\n", i + 1),
        );
    }
    served.wait_for("2025/06/", "the burst", |r| r.body.contains("20 articles"));

    // A template and the configuration.
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Lost in the archive</h1>{% endblock main %}",
    );
    served.wait_for("nowhere/", "the new 404 template", |r| {
        r.status == 404 && r.body.contains("Lost in the archive")
    });
    let config = std::fs::read_to_string(site.root().join("dateline.toml")).unwrap();
    site.write("dateline.toml", config.replace("Fixture Gazette", "Renamed Gazette"));
    served.wait_for("", "the new site title", |r| r.body.contains("Renamed Gazette"));
}

#[test]
fn a_broken_edit_is_reported_and_the_last_good_build_stays() {
    let site = Site::fixture("basic");
    let served = Served::start(site.root());
    let events = served.at("../__dateline/events").replace("/archive/../", "/");
    let source = "content/2025/12/budget-vote.md";
    let good = std::fs::read_to_string(site.root().join(source)).unwrap();

    let breaker = {
        let site_root = site.root().to_path_buf();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(500));
            std::fs::write(
                site_root.join("content/2025/12/budget-vote.md"),
                "---\ntitle: Broken\ndate: not-a-date\n---\n",
            )
            .unwrap();
        })
    };
    let seen = events_until(&events, Duration::from_secs(15), |name, _| name == "error");
    breaker.join().unwrap();
    let (_, data) = seen.iter().find(|(n, _)| n == "error").expect("an error event");
    assert!(
        data.contains("content/2025/12/budget-vote.md:3:7: error: invalid `date`"),
        "{data}"
    );
    // Still serving the last good build.
    let page = get(&served.at(BUDGET));
    assert_eq!(page.status, 200);
    // A page opened now learns of the problem at once.
    let now = events_until(&events, Duration::from_secs(5), |_, _| true);
    assert_eq!(now[0].0, "error");

    let fixer = {
        let site_root = site.root().to_path_buf();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(500));
            std::fs::write(
                site_root.join("content/2025/12/budget-vote.md"),
                good.replace("narrow", "healthy"),
            )
            .unwrap();
        })
    };
    let seen = events_until(&events, Duration::from_secs(15), |name, _| name == "reload");
    fixer.join().unwrap();
    let names: Vec<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"ok") && names.contains(&"reload"), "{names:?}");
    served.wait_for(BUDGET, "the fixed page", |r| r.body.contains("healthy"));
}

/// What the file system refuses a rebuild is one plain line naming the file, in the
/// terminal and over the page: not a problem at line 1 of a file.
#[test]
fn a_rebuild_the_file_system_refuses_is_one_line_naming_the_file() {
    let site = Site::fixture("basic");
    let served = Served::start(site.root());
    let events = served.url.replace("/archive/", "/__dateline/events");
    // A folder stands where the edited article's page is to be moved in.
    let page = site.root().join(".dateline/serve").join(BUDGET).join("index.html");
    std::fs::remove_file(&page).unwrap();
    std::fs::create_dir_all(page.join("in-the-way")).unwrap();

    let editor = {
        let source = site.root().join("content/2025/12/budget-vote.md");
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(500));
            let text = std::fs::read_to_string(&source).unwrap();
            std::fs::write(&source, text.replace("narrow", "healthy")).unwrap();
        })
    };
    let seen = events_until(&events, Duration::from_secs(15), |name, _| name == "error");
    editor.join().unwrap();
    let (_, data) = seen.iter().find(|(n, _)| n == "error").expect("an error event");
    let shown: Vec<String> = serde_json::from_str(data).unwrap();
    let line = format!("cannot write {}: ", page.display());
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(shown[0].starts_with(&line), "{shown:?}");
    assert!(!shown[0].contains(":1:1"), "{shown:?}");

    // The terminal says the same line, then what is served.
    let mut said = Vec::new();
    while let Ok(l) = served.lines.recv_timeout(Duration::from_secs(15)) {
        let done = l.starts_with("the build failed; ");
        said.push(l);
        if done {
            break;
        }
    }
    let at = said
        .iter()
        .position(|l| *l == shown[0])
        .unwrap_or_else(|| panic!("{said:#?}"));
    assert_eq!(
        said.get(at + 1).map(String::as_str),
        Some("the build failed; the served folder may be partly updated"),
        "{said:#?}"
    );
    assert!(!said.iter().any(|l| l.contains(":1:1")), "{said:#?}");
}

#[test]
fn a_stylesheet_edit_reloads_styles_only() {
    let site = Site::fixture("basic");
    let served = Served::start(site.root());
    let events = served.url.replace("/archive/", "/__dateline/events");
    let writer = {
        let root = site.root().to_path_buf();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(500));
            std::fs::create_dir_all(root.join("static")).unwrap();
            std::fs::write(root.join("static/style.css"), "body { color: rebeccapurple }").unwrap();
        })
    };
    let seen = events_until(&events, Duration::from_secs(15), |name, _| {
        name == "css" || name == "reload"
    });
    writer.join().unwrap();
    assert_eq!(seen.last().map(|(n, _)| n.as_str()), Some("css"), "{seen:?}");
    assert!(get(&served.at("style.css")).body.contains("rebeccapurple"));
}
