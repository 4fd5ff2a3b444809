//! The server answered in memory (no socket): a small output folder, and requests as a
//! browser or a hostile client sends them.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Request, StatusCode};
use tokio::sync::broadcast;
use tower::ServiceExt;

use super::{RELOAD, RELOAD_JS, SCRIPT, router, with_reload_script};
use crate::serve::{Shared, Status};

const HOME: &str = "<!doctype html><html><body><p>home</p></body></html>";
const LOST: &str = "<!doctype html><html><body><p>Page not found</p></body></html>";

/// An output folder beside a secret, with links out of it and inside it.
struct Served {
    dir: tempfile::TempDir,
    router: Router,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

fn served(base_path: &str) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let write = |rel: &str, text: &str| {
        let path = out.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("index.html", HOME);
    write("404.html", LOST);
    write("2025/index.html", "<html><body>2025</body></html>");
    write("style.css", "body {}");
    write("feed.xml", "<feed/>");
    write("atom.xml", "<feed/>");
    write("authors/jane-roe/rss.xml", "<rss/>");
    write("100%.html", "<p>all</p>");
    write("a b/index.html", "<p>spaced</p>");
    std::fs::write(dir.path().join("secret.txt"), "do not serve").unwrap();
    let link = |target: &std::path::Path, name: &str| std::os::unix::fs::symlink(target, out.join(name)).unwrap();
    link(&dir.path().join("secret.txt"), "leak.txt");
    link(dir.path(), "up");
    link(&out.join("style.css"), "same-style.css");
    link(&out.join("2025"), "same-2025");
    let (events, _) = broadcast::channel(1);
    let shared = Arc::new(Shared {
        out,
        base_path: base_path.to_string(),
        events,
        status: Mutex::new(Status::Ok),
    });
    Served {
        router: router(shared),
        dir,
    }
}

impl Served {
    async fn ask(&self, method: &str, path: &str) -> Answer {
        let request = Request::builder().method(method).uri(path).body(Body::empty()).unwrap();
        let response = self.router.clone().oneshot(request).await.unwrap();
        let (parts, body) = response.into_parts();
        let body = to_bytes(body, usize::MAX).await.unwrap();
        Answer {
            status: parts.status,
            headers: parts.headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    async fn get(&self, path: &str) -> Answer {
        self.ask("GET", path).await
    }
}

#[tokio::test]
async fn pages_get_the_script_and_other_files_do_not() {
    let site = served("/");
    let home = site.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(home.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(home.header("cache-control"), Some("no-store"));
    assert_eq!(
        home.body,
        String::from_utf8(with_reload_script(HOME.as_bytes())).unwrap()
    );
    assert_eq!(
        home.header("content-length"),
        Some(home.body.len().to_string().as_str())
    );
    assert_eq!(
        std::fs::read_to_string(site.dir.path().join("out/index.html")).unwrap(),
        HOME,
        "the file on disk has no script"
    );

    // The script is a file of the server's, which the page loads.
    assert!(SCRIPT.contains(&format!("src=\"{RELOAD}\"")), "{SCRIPT}");
    let script = site.get(RELOAD).await;
    assert_eq!(script.status, StatusCode::OK);
    assert_eq!(script.header("content-type"), Some("text/javascript; charset=utf-8"));
    assert_eq!(script.header("cache-control"), Some("no-store"));
    assert_eq!(script.body, RELOAD_JS);

    let style = site.get("/style.css").await;
    assert_eq!(style.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(style.body, "body {}");
    assert_eq!(
        site.get("/feed.xml").await.header("content-type"),
        Some("text/xml; charset=utf-8")
    );
    // Feeds get their own types, as hosts send them.
    assert_eq!(
        site.get("/atom.xml").await.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    assert_eq!(
        site.get("/authors/jane-roe/rss.xml").await.header("content-type"),
        Some("application/rss+xml; charset=utf-8")
    );
}

#[tokio::test]
async fn head_answers_as_get_would_without_the_body() {
    let site = served("/");
    for path in ["/", "/2025/", "/style.css", "/missing"] {
        let get = site.get(path).await;
        let head = site.ask("HEAD", path).await;
        assert_eq!(head.status, get.status, "{path}");
        assert_eq!(head.body, "", "{path}");
        for name in ["content-type", "content-length"] {
            assert_eq!(head.header(name), get.header(name), "{path}: {name}");
        }
        assert_eq!(head.header("content-length"), Some(get.body.len().to_string().as_str()));
    }
}

#[tokio::test]
async fn missing_files_get_the_sites_404_page_with_the_script() {
    let site = served("/");
    for path in [
        "/missing",
        "/missing/",
        "/2025/missing.html",
        "/style.css/",
        "/index.html/x",
    ] {
        let missing = site.get(path).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(missing.header("content-type"), Some("text/html; charset=utf-8"));
        assert!(
            missing.body.contains("Page not found") && missing.body.contains(SCRIPT),
            "{path}"
        );
    }
}

#[tokio::test]
async fn folders_get_their_index_and_a_redirect_without_their_slash() {
    let site = served("/");
    assert!(site.get("/2025/").await.body.contains("2025"));
    let folder = site.get("/2025").await;
    assert_eq!(folder.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(folder.header("location"), Some("/2025/"));
    assert_eq!(site.get("/2025?page=2").await.header("location"), Some("/2025/?page=2"));
}

#[tokio::test]
async fn the_site_lives_at_base_urls_path() {
    let site = served("/archive/");
    assert!(site.get("/archive/").await.body.contains("home"));
    for (path, to) in [
        ("/archive/2025", "/archive/2025/"),
        ("/archive", "/archive/"),
        ("/", "/archive/"),
    ] {
        let redirect = site.get(path).await;
        assert_eq!(
            (redirect.status, redirect.header("location")),
            (StatusCode::TEMPORARY_REDIRECT, Some(to)),
            "{path}"
        );
    }
    for path in ["/other/", "/index.html", "/archivex/", "/2025/"] {
        let outside = site.get(path).await;
        assert_eq!(outside.status, StatusCode::NOT_FOUND, "{path}");
        assert!(outside.body.contains("Page not found") && outside.body.contains(SCRIPT));
    }
}

#[tokio::test]
async fn paths_are_matched_decoded() {
    let site = served("/archív/");
    assert!(site.get("/arch%C3%ADv/").await.body.contains("home"));
    assert_eq!(site.get("/arch%C3%ADv").await.header("location"), Some("/arch%C3%ADv/"));
    assert_eq!(
        site.get("/arch%C3%ADv/2025").await.header("location"),
        Some("/arch%C3%ADv/2025/")
    );
    assert!(site.get("/arch%C3%ADv/a%20b/").await.body.contains("spaced"));
    assert!(site.get("/arch%C3%ADv/100%25.html").await.body.contains("all"));
    assert_eq!(
        site.get("/arch%C3%ADv/100%2525.html").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn nothing_outside_the_output_folder_is_served() {
    let site = served("/");
    for path in [
        "/../secret.txt",
        "/2025/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/.%2e/secret.txt",
        "/2025/%2e%2e/%2e%2e/secret.txt",
        "/..%5csecret.txt",
        "/%00",
        "/%ff",
        "//secret.txt",
        "/leak.txt",
        "/up/secret.txt",
        "/up/",
    ] {
        let answer = site.get(path).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!answer.body.contains("do not serve"), "{path} leaked a file");
    }
    // A link that stays inside is served as what it leads to.
    let style = site.get("/same-style.css").await;
    assert_eq!((style.status, style.body.as_str()), (StatusCode::OK, "body {}"));
    assert!(site.get("/same-2025/").await.body.contains("2025"));
}

#[tokio::test]
async fn only_get_and_head_are_answered() {
    let site = served("/archive/");
    for path in ["/archive/", "/archive/style.css", "/archive/missing", "/", "/other"] {
        for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
            let answer = site.ask(method, path).await;
            assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        }
    }
    assert_eq!(
        site.ask("POST", super::EVENTS).await.status,
        StatusCode::METHOD_NOT_ALLOWED
    );
}

#[test]
fn the_script_goes_before_the_end_of_the_body() {
    let page = with_reload_script(b"<html><body><p>x</p></body></html>");
    let text = String::from_utf8(page).unwrap();
    assert!(text.contains("<p>x</p><script src="), "{text}");
    assert!(text.ends_with("</script>\n</body></html>"));
    let bare = String::from_utf8(with_reload_script(b"<p>x</p>")).unwrap();
    assert!(bare.starts_with("<p>x</p><script src="), "{bare}");
}

/// Every response gets the headers the output folder's `_headers` gives its path, as the
/// host would send them, but `Cache-Control`: nothing is cached while editing.
#[tokio::test]
async fn responses_get_the_headers_of_the_sites_headers_file() {
    let site = served("/archive/");
    let answer = site.get("/archive/").await;
    assert_eq!(answer.header("content-security-policy"), None, "no _headers, none");
    std::fs::write(
        site.dir.path().join("out/_headers"),
        "/archive/*\n  Content-Security-Policy: default-src 'self'\n  X-Content-Type-Options: nosniff\n\n\
         /archive/style.css\n  Cache-Control: public, max-age=31536000, immutable\n  X-Extra: 1\n",
    )
    .unwrap();
    for path in ["/archive/", "/archive/style.css", "/archive/missing", "/archive/2025"] {
        let answer = site.get(path).await;
        assert_eq!(
            answer.header("content-security-policy"),
            Some("default-src 'self'"),
            "{path}"
        );
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"), "{path}");
        assert_eq!(answer.header("cache-control"), Some("no-store"), "{path}");
    }
    assert_eq!(site.get("/archive/style.css").await.header("x-extra"), Some("1"));
    assert_eq!(site.get("/archive/").await.header("x-extra"), None);
    for outside in ["/other", RELOAD] {
        let answer = site.get(outside).await;
        assert_eq!(answer.header("content-security-policy"), None, "{outside}");
    }
}
