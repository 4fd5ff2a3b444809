//! The HTTP side of `dateline serve`: the files of the output folder (and nothing else),
//! served by tower-http's `ServeDir` under base_url's path, with a link to the live-reload
//! script added to every HTML page on its way out (the files on disk stay the build's) and
//! the headers of the site's `_headers` to every response (what the host will send); the
//! script, and the event stream it listens to.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;
use tower::ServiceExt;
use tower_http::services::fs::{Backend, TokioBackend, TokioFile};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_status::SetStatus;

use super::{Shared, Status};
use crate::headers::Rules;

/// The path of the event stream; outside any base_url path a site can have in practice.
pub const EVENTS: &str = "/__dateline/events";

/// The path of the live-reload script, beside the event stream.
pub const RELOAD: &str = "/__dateline/reload.js";

/// The live-reload script.
const RELOAD_JS: &str = include_str!("reload.js");

/// The live-reload script, as it goes into a page: a file of the server's, not a script
/// in the page, which a Content-Security-Policy of `script-src 'self'` would refuse.
const SCRIPT: &str = "<script src=\"/__dateline/reload.js\"></script>\n";

/// Bytes written `%XX` in a path handed to `ServeDir`: all but RFC 3986's `pchar` and `/`.
/// `ServeDir` decodes the path once, so it gets back exactly the decoded path.
const NOT_PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@');

/// The server: the event stream, and the site at every other path.
pub fn router(shared: Arc<Shared>) -> Router {
    let site = Arc::new(Site::new(&shared.out, &shared.base_path));
    Router::new()
        .route(EVENTS, get(events))
        .route(RELOAD, get(reload_script))
        .with_state(shared)
        .fallback(move |request: Request| answer(site.clone(), request))
}

/// The site's files, as the server answers them.
struct Site {
    /// The output folder.
    out: PathBuf,
    /// The output folder's files; the 404 page for what is missing or refused.
    files: ServeDir<SetStatus<ServeFile>, OutputFolder>,
    /// The 404 page, for paths outside base_url's path.
    not_found: SetStatus<ServeFile>,
    /// base_url's path (`/archive/`), as requests are compared with it: decoded.
    base_path: String,
    /// The same, as it goes in a `Location`: encoded.
    base_link: String,
}

impl Site {
    fn new(out: &Path, base_path: &str) -> Site {
        let base_link = utf8_percent_encode(base_path, NOT_PATH).to_string();
        let not_found = SetStatus::new(ServeFile::new(out.join("404.html")), StatusCode::NOT_FOUND);
        let files = ServeDir::with_backend(out, OutputFolder { root: out.into() })
            .redirect_path_prefix(base_link.trim_end_matches('/'))
            .fallback(not_found.clone());
        Site {
            out: out.to_path_buf(),
            files,
            not_found,
            base_path: base_path.to_string(),
            base_link,
        }
    }

    /// Where a request path leads, given that the site lives at base_url's path.
    // ServeDir serves a folder at `/`: finding the site's part of the path is left to us.
    fn place(&self, uri: &Uri) -> Place {
        let Ok(path) = percent_decode_str(uri.path()).decode_utf8() else {
            return Place::Outside;
        };
        if let Some(rest) = path.strip_prefix(&self.base_path) {
            let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
            let inner = format!("/{}{query}", utf8_percent_encode(rest, NOT_PATH));
            return inner.parse().map_or(Place::Outside, Place::Site);
        }
        if path == "/" || path == self.base_path.trim_end_matches('/') {
            return Place::Base;
        }
        Place::Outside
    }
}

/// Where a request path leads.
enum Place {
    /// A path of the site, as `ServeDir` is to see it (base_url's path taken off).
    Site(Uri),
    /// The server's root, or base_url's path without its `/`.
    Base,
    Outside,
}

/// Answers every request but the event stream's.
async fn answer(site: Arc<Site>, mut request: Request) -> Response {
    // ServeDir refuses other methods itself; this refuses them for the redirects to
    // base_url's path and the paths outside it too.
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let head = request.method() == Method::HEAD;
    let path = percent_decode_str(request.uri().path())
        .decode_utf8_lossy()
        .into_owned();
    let response = match site.place(request.uri()) {
        Place::Site(inner) => {
            *request.uri_mut() = inner;
            site.files.clone().oneshot(request).await.map(|r| r.map(Body::new))
        }
        Place::Outside => site.not_found.clone().oneshot(request).await.map(|r| r.map(Body::new)),
        Place::Base => Ok(redirect(&site.base_link)),
    };
    let Ok(response) = response;
    let response = for_editing(response, &path, head).await;
    with_site_headers(&site.out, &path, response).await
}

/// `response` to a request for `path`, with the headers that the output folder's
/// `_headers` gives it (a build's, or the site's own), as Netlify or Cloudflare Pages
/// would send them: a preview of what the host will do, its Content-Security-Policy first.
/// All but `Cache-Control`: while editing, nothing is cached. The file is read at each
/// request: a build may replace it at any moment, and it is small.
async fn with_site_headers(out: &Path, path: &str, mut response: Response) -> Response {
    let Ok(text) = tokio::fs::read_to_string(out.join(crate::headers::FILE)).await else {
        return response;
    };
    for (name, value) in Rules::parse(&text).for_path(path) {
        let name = HeaderName::from_bytes(name.as_bytes());
        let value = HeaderValue::from_str(&value);
        if let (Ok(name), Ok(value)) = (name, value)
            && name != header::CACHE_CONTROL
        {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

/// A response as serving while editing needs it: never cached, text in UTF-8, and pages
/// (200 and 404) with the live-reload script.
async fn for_editing(response: Response, path: &str, head: bool) -> Response {
    let (mut parts, body) = response.into_parts();
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // Feeds as hosts serve them and feed readers expect them (`dateline deploy` sends the
    // same types), not as `text/xml` by their extension.
    if parts.status == StatusCode::OK && matches!(path.rsplit('/').next(), Some("atom.xml" | "rss.xml")) {
        let feed = crate::publish::deploy::content_type(path);
        parts
            .headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(feed));
    }
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    // ServeDir names the type alone (`text/css`); a build writes all its text in UTF-8.
    if content_type.starts_with("text/")
        && !content_type.contains(';')
        && let Ok(value) = HeaderValue::from_str(&format!("{content_type}; charset=utf-8"))
    {
        parts.headers.insert(header::CONTENT_TYPE, value);
    }
    let page = content_type == "text/html" && matches!(parts.status, StatusCode::OK | StatusCode::NOT_FOUND);
    if !page {
        return Response::from_parts(parts, body);
    }
    // They describe the file on disk, not the page with the script.
    for name in [header::ETAG, header::LAST_MODIFIED, header::ACCEPT_RANGES] {
        parts.headers.remove(name);
    }
    if head {
        let length = parts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if let Some(length) = length {
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(length + SCRIPT.len()));
        }
        return Response::from_parts(parts, body);
    }
    let Ok(html) = to_bytes(body, usize::MAX).await else {
        return plain(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the page");
    };
    let html = with_reload_script(&html);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(html.len()));
    Response::from_parts(parts, Body::from(html))
}

/// `ServeDir`'s file system: the output folder, where no symbolic link leads out of it.
/// (`ServeDir` itself follows links anywhere.) A file outside is answered as missing.
#[derive(Clone)]
struct OutputFolder {
    root: Arc<Path>,
}

type IoFuture<T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send>>;

impl Backend for OutputFolder {
    type File = TokioFile;
    type Metadata = std::fs::Metadata;
    type OpenFuture = IoFuture<TokioFile>;
    type MetadataFuture = IoFuture<std::fs::Metadata>;

    fn open(&self, path: PathBuf) -> Self::OpenFuture {
        let root = self.root.clone();
        Box::pin(async move { TokioBackend.open(inside(&root, &path).await?).await })
    }

    fn metadata(&self, path: PathBuf) -> Self::MetadataFuture {
        let root = self.root.clone();
        Box::pin(async move { TokioBackend.metadata(inside(&root, &path).await?).await })
    }
}

/// The real path of `path`, if it is inside the real `root` (a build replaces folders, so
/// both are looked up each time); else a "not found" error.
async fn inside(root: &Path, path: &Path) -> io::Result<PathBuf> {
    let root = tokio::fs::canonicalize(root).await?;
    let real = tokio::fs::canonicalize(path).await?;
    if real.starts_with(&root) {
        Ok(real)
    } else {
        Err(io::Error::new(io::ErrorKind::NotFound, "outside the output folder"))
    }
}

async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>> + use<>> {
    // The current state first, so a page opened while a build is broken shows why.
    let current = match &*shared.status.lock().unwrap_or_else(|e| e.into_inner()) {
        Status::Ok => Event::default().event("ok").data("{}"),
        Status::Broken(problems) => error_event(problems),
    };
    let updates = BroadcastStream::new(shared.events.subscribe()).filter_map(|message| message.ok());
    let stream = tokio_stream::once(current).chain(updates).map(Ok);
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// The live-reload script, never cached: the next `serve` may have another.
async fn reload_script() -> Response {
    let headers = [
        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    (headers, RELOAD_JS).into_response()
}

/// The event telling pages about build problems.
pub fn error_event(problems: &[String]) -> Event {
    let json = serde_json::to_string(problems).unwrap_or_else(|_| "[]".into());
    Event::default().event("error").data(json)
}

/// The page with the live-reload script before `</body>` (or at its end, without one).
fn with_reload_script(html: &[u8]) -> Vec<u8> {
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + SCRIPT.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(SCRIPT.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|w| w.eq_ignore_ascii_case(needle))
}

/// A temporary redirect: browsers keep a permanent one for good, and the next site served
/// on this port may have another base_url.
fn redirect(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(location) => (StatusCode::TEMPORARY_REDIRECT, [(header::LOCATION, location)]).into_response(),
        Err(_) => plain(StatusCode::INTERNAL_SERVER_ERROR, "cannot answer"),
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response()
}

#[cfg(test)]
mod tests;
