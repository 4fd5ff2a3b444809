//! The HTTP side of `dateline serve`: files of the output folder (and nothing else),
//! with the live-reload script in every HTML page, and the event stream it listens to.

use std::convert::Infallible;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use super::{Shared, Status};

/// The path of the event stream; outside any base_url path a site can have in practice.
pub const EVENTS: &str = "/__dateline/events";
const SCRIPT: &str = include_str!("reload.js");

/// Answers every request.
pub async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD");
    }
    if request.uri().path() == EVENTS {
        return events(&shared).into_response();
    }
    let head = request.method() == Method::HEAD;
    let path = request.uri().path().to_string();
    let response = match resolve(&shared.out, &shared.base_path, &path) {
        Resolved::File(file) => file_response(&file, StatusCode::OK, &shared),
        Resolved::Redirect(to) => redirect(&to),
        Resolved::NotFound => file_response(&shared.out.join("404.html"), StatusCode::NOT_FOUND, &shared),
        Resolved::Refused => plain(StatusCode::BAD_REQUEST, "bad path"),
    };
    if head {
        let (parts, _) = response.into_parts();
        return Response::from_parts(parts, Body::empty());
    }
    response
}

fn events(shared: &Shared) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>> + use<>> {
    // The current state first, so a page opened while a build is broken shows why.
    let current = match &*shared.status.lock().unwrap_or_else(|e| e.into_inner()) {
        Status::Ok => Event::default().event("ok").data("{}"),
        Status::Broken(problems) => error_event(problems),
    };
    let updates = BroadcastStream::new(shared.events.subscribe()).filter_map(|message| message.ok());
    let stream = tokio_stream::once(current).chain(updates).map(Ok);
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// The event telling pages about build problems.
pub fn error_event(problems: &[String]) -> Event {
    let json = serde_json::to_string(problems).unwrap_or_else(|_| "[]".into());
    Event::default().event("error").data(json)
}

/// What a request path leads to.
#[derive(Debug, PartialEq, Eq)]
pub enum Resolved {
    File(PathBuf),
    /// A folder asked for without its `/`.
    Redirect(String),
    NotFound,
    /// A path that tries to leave the output folder, or cannot be a file name.
    Refused,
}

/// Maps a request path to a file of `out`, which it may never leave.
pub fn resolve(out: &Path, base_path: &str, request: &str) -> Resolved {
    let Some(decoded) = percent_decode(request) else {
        return Resolved::Refused;
    };
    if decoded.contains(['\0', '\\']) {
        return Resolved::Refused;
    }
    let Some(rel) = decoded
        .strip_prefix(base_path)
        .or_else(|| (decoded == base_path.trim_end_matches('/')).then_some(""))
    else {
        return if decoded == "/" {
            Resolved::Redirect(base_path.to_string())
        } else {
            Resolved::NotFound
        };
    };
    if decoded.len() < base_path.len() {
        return Resolved::Redirect(base_path.to_string());
    }
    let rel_path = Path::new(rel);
    if rel_path.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Resolved::Refused;
    }
    let mut file = out.join(rel_path);
    if rel.is_empty() || rel.ends_with('/') {
        file = file.join("index.html");
    } else if file.is_dir() {
        return Resolved::Redirect(format!("{request}/"));
    }
    // No symbolic link may lead out of the output folder.
    match (file.canonicalize(), out.canonicalize()) {
        (Ok(real), Ok(root)) if real.starts_with(&root) && real.is_file() => Resolved::File(real),
        (Ok(_), Ok(_)) => Resolved::Refused,
        _ => Resolved::NotFound,
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn file_response(file: &Path, status: StatusCode, shared: &Shared) -> Response {
    let Ok(mut bytes) = std::fs::read(file) else {
        return plain(StatusCode::NOT_FOUND, "not found");
    };
    let mime = mime_guess::from_path(file).first_or_octet_stream();
    let is_html = mime.essence_str() == "text/html";
    if is_html {
        bytes = inject(&bytes);
    }
    let content_type = if mime.type_() == mime_guess::mime::TEXT || is_xml(file) {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    };
    let _ = shared;
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))
        .body(Body::from(bytes))
        .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "cannot answer"))
}

fn is_xml(file: &Path) -> bool {
    file.extension().is_some_and(|e| e == "xml")
}

/// The page with the live-reload script before `</body>` (served pages only; the files
/// on disk are the build's, untouched).
fn inject(html: &[u8]) -> Vec<u8> {
    let script = format!("<script>{SCRIPT}</script>\n");
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

fn redirect(to: &str) -> Response {
    Response::builder()
        .status(StatusCode::MOVED_PERMANENTLY)
        .header(header::LOCATION, to)
        .body(Body::empty())
        .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "cannot answer"))
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_in_the_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(out.join("index.html"), "home").unwrap();
        std::fs::write(out.join("a/index.html"), "a").unwrap();
        std::fs::write(out.join("style.css"), "css").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "secret").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret.txt"), out.join("link.txt")).unwrap();
        let out_real = out.canonicalize().unwrap();

        assert_eq!(resolve(&out, "/", "/"), Resolved::File(out_real.join("index.html")));
        assert_eq!(resolve(&out, "/", "/a/"), Resolved::File(out_real.join("a/index.html")));
        assert_eq!(resolve(&out, "/", "/a"), Resolved::Redirect("/a/".into()));
        assert_eq!(
            resolve(&out, "/", "/style.css"),
            Resolved::File(out_real.join("style.css"))
        );
        assert_eq!(resolve(&out, "/", "/missing/"), Resolved::NotFound);
        for bad in [
            "/../secret.txt",
            "/a/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/a/%2e%2e/%2e%2e/secret.txt",
            "/link.txt",
            "/..%5csecret.txt",
            "/%00",
        ] {
            assert!(
                matches!(resolve(&out, "/", bad), Resolved::Refused | Resolved::NotFound),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_base_path_is_honoured() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::write(out.join("index.html"), "home").unwrap();
        let real = out.canonicalize().unwrap();
        assert_eq!(
            resolve(out, "/archive/", "/archive/"),
            Resolved::File(real.join("index.html"))
        );
        assert_eq!(
            resolve(out, "/archive/", "/archive"),
            Resolved::Redirect("/archive/".into())
        );
        assert_eq!(resolve(out, "/archive/", "/"), Resolved::Redirect("/archive/".into()));
        assert_eq!(resolve(out, "/archive/", "/other/"), Resolved::NotFound);
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let page = inject(b"<html><body><p>x</p></body></html>");
        let text = String::from_utf8(page).unwrap();
        assert!(text.contains("<p>x</p><script>"), "{text}");
        assert!(text.ends_with("</script>\n</body></html>"));
    }
}
