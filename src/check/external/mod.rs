//! `dateline check --external`: the links to other sites (`http:`, `https:`) asked for.
//!
//! Each URL is asked for once however many pages link to it, a few at a time: at most
//! `per_host` requests to one host at once (a news archive links to the same few sites
//! thousands of times, and those servers should not see a burst from one check) and
//! `at_once` in all, each with a timeout. A `HEAD` first, as it sends no body; a `GET`
//! when the server refuses `HEAD` (405, 501, and 403, which some servers answer to
//! anything but a browser's `GET`). Redirects are followed by hand, to see the first: a
//! permanent one (301, 308) is said in a note, as the link should say where it leads now.
//!
//! Answers are kept in `SITE/.dateline/external-links` (`cache`): a check within a day of
//! the last asks again only for what it had not asked then. A failure is reported where
//! the link is, at the source of the article whose body made it, as internal links are.

mod cache;

use ahash::{AHashMap as HashMap, AHashSet as HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::header::LOCATION;
use tokio::sync::Semaphore;

use super::{ExternalLinks, Found};
use crate::diag::Diagnostic;
use cache::{Answer, Cache, FILE as CACHE_FILE};

/// How external links are asked for.
#[derive(Debug, Clone)]
pub struct External {
    /// The site's folder (the cache is in its `.dateline/`).
    pub site: PathBuf,
    /// How long a request may take, from connecting to the last byte of the headers.
    pub timeout: Duration,
    /// Requests to one host at once.
    pub per_host: usize,
    /// Requests at once, in all.
    pub at_once: usize,
    /// How long an answer is trusted: URLs answered more recently are not asked again.
    pub max_age: Duration,
}

impl External {
    /// `dateline check --external` for the site at `site`: 10 s, 2 requests a host and 16
    /// in all, answers trusted for a day.
    pub fn new(site: &Path) -> External {
        External {
            site: site.to_path_buf(),
            timeout: Duration::from_secs(10),
            per_host: 2,
            at_once: 16,
            max_age: Duration::from_secs(24 * 60 * 60),
        }
    }
}

/// How many URLs a check asked for, and how many it knew from the cache.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Asked {
    pub asked: usize,
    pub cached: usize,
}

/// The most redirects followed from one URL (browsers follow about 20; a chain of more
/// than 10 is a broken link all the same).
const MAX_REDIRECTS: usize = 10;

/// The URL of a link the check asks for: `http:` and `https:` ones, without the
/// fragment (which the server never sees); none for any other.
pub(super) fn checked_url(url: &str) -> Option<String> {
    let url = url.trim();
    let starts = |scheme: &str| url.get(..scheme.len()).is_some_and(|s| s.eq_ignore_ascii_case(scheme));
    let url = url.split('#').next().unwrap_or(url);
    let host = url.find("//").map_or("", |at| &url[at + 2..]);
    ((starts("https://") || starts("http://")) && !host.is_empty()).then(|| url.to_string())
}

/// Asks for every URL of `links` not answered in the cache lately, and says what is
/// wrong with them where they are: `out` is the output folder, shown as `shown_out`.
pub(super) fn check(options: &External, links: ExternalLinks, out: &Path, shown_out: &Path) -> (Vec<Found>, Asked) {
    let now = SystemTime::now();
    let mut cache = Cache::read(&options.site);
    let mut asked = Asked::default();
    let mut answers: Vec<(String, Result<Answer, String>)> = Vec::with_capacity(links.len());
    let mut to_ask = Vec::new();
    for url in links.keys() {
        match cache.fresh(url, now, options.max_age) {
            Some(answer) => {
                asked.cached += 1;
                answers.push((url.clone(), Ok(answer.clone())));
            }
            None => to_ask.push(url.clone()),
        }
    }
    asked.asked = to_ask.len();
    let mut found = Vec::new();
    if !to_ask.is_empty() {
        match ask_all(options, &to_ask) {
            Ok(list) => answers.extend(to_ask.into_iter().zip(list)),
            // No client, no runtime: nothing can be asked, and the check says so once.
            Err(why) => found.push(Found::from(Diagnostic::file(
                shown_out,
                format!("cannot check external links: {why}"),
            ))),
        }
    }
    for (url, answer) in &answers {
        if let Ok(answer) = answer
            && answer.status != 429
        {
            cache.insert(url.clone(), answer.clone());
        }
    }
    if asked.asked > 0
        && let Err(e) = cache.write(now)
    {
        let path = crate::diag::shown(&options.site, Path::new(CACHE_FILE));
        found.push(Found::from(
            Diagnostic::warning(path, 1, 1, format!("the answers could not be kept: {e}"))
                .with_hint("the next check asks for every external link again"),
        ));
    }
    for (url, answer) in answers {
        if let Some(problem) = problem(&url, &answer, options.timeout) {
            found.extend(at_pages(out, shown_out, &links[&url], &problem));
        }
    }
    (found, asked)
}

/// What to say of the answer for `url`, if anything: its message, hint and severity.
fn problem(url: &str, answer: &Result<Answer, String>, timeout: Duration) -> Option<Diagnostic> {
    let answer = match answer {
        Ok(answer) => answer,
        Err(why) => {
            let why = match why.as_str() {
                "timeout" if timeout.subsec_millis() == 0 => format!("no answer within {} s", timeout.as_secs()),
                "timeout" => format!("no answer within {} ms", timeout.as_millis()),
                other => other.to_string(),
            };
            return Some(Diagnostic::file(
                "",
                format!("external link not reached: {url} ({why})"),
            ));
        }
    };
    let status = reqwest::StatusCode::from_u16(answer.status).ok();
    let reason = match status.and_then(|s| s.canonical_reason()) {
        Some(reason) => format!("{} {reason}", answer.status),
        None => answer.status.to_string(),
    };
    match answer.status {
        200..=299 => answer.moved_to.as_ref().map(|to| {
            Diagnostic::note("", 1, 1, format!("external link moved for good: {url} → {to}"))
                .with_hint(format!("link to {to}"))
        }),
        429 => Some(
            Diagnostic::warning("", 1, 1, format!("external link not checked: {url} ({reason})"))
                .with_hint("the server asks for fewer requests; the next check asks again"),
        ),
        _ => Some(Diagnostic::file("", format!("broken external link: {url} ({reason})"))),
    }
}

/// `problem` at each of `places` (pages of `out` and offsets on them), each page read
/// again for the line and column.
fn at_pages(out: &Path, shown_out: &Path, places: &[(String, usize)], problem: &Diagnostic) -> Vec<Found> {
    let mut pages: HashMap<&str, Vec<usize>> = HashMap::new();
    for (file, offset) in places {
        pages.entry(file).or_default().push(*offset);
    }
    let mut found = Vec::new();
    for (file, offsets) in pages {
        let shown = shown_out.join(file);
        let text = std::fs::read_to_string(out.join(file)).unwrap_or_default();
        let unique: HashSet<usize> = offsets.into_iter().collect();
        for offset in unique {
            let (line, column) = crate::diag::line_col(&text, offset);
            found.push(Found {
                diagnostic: Diagnostic {
                    path: shown.clone(),
                    line,
                    column,
                    ..problem.clone()
                },
                on: Some((file.to_string(), offset)),
            });
        }
    }
    found
}

/// Asks for each of `urls`, in order; an error if no request can be made at all.
fn ask_all(options: &External, urls: &[String]) -> Result<Vec<Result<Answer, String>>, String> {
    crate::net::use_ring();
    let client = reqwest::Client::builder()
        .timeout(options.timeout)
        .connect_timeout(options.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("dateline/", env!("CARGO_PKG_VERSION"), " (link check)"))
        .build()
        .map_err(|e| e.to_string())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let all = Arc::new(Semaphore::new(options.at_once.max(1)));
    let mut hosts: HashMap<String, Arc<Semaphore>> = HashMap::new();
    let asks = urls.iter().map(|url| {
        let host = host_of(url);
        let host = Arc::clone(
            hosts
                .entry(host)
                .or_insert_with(|| Arc::new(Semaphore::new(options.per_host.max(1)))),
        );
        let (all, client) = (Arc::clone(&all), client.clone());
        async move {
            // Semaphores that are never closed: acquiring cannot fail.
            let _host = host.acquire_owned().await.ok();
            let _all = all.acquire_owned().await.ok();
            let checked = cache::seconds(SystemTime::now());
            ask(&client, url).await.map(|(status, moved_to)| Answer {
                status,
                checked,
                moved_to,
            })
        }
    });
    let asks: Vec<_> = asks.collect();
    Ok(runtime.block_on(futures::future::join_all(asks)))
}

/// `host:port` of a URL (the whole URL if it has none: one at a time then).
fn host_of(url: &str) -> String {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| {
            u.host_str()
                .map(|h| format!("{h}:{}", u.port_or_known_default().unwrap_or(0)))
        })
        .unwrap_or_else(|| url.to_string())
}

/// The last status of `url` (after redirects) and, if its first answer was a permanent
/// redirect, where it leads; or why no answer came (`timeout` for a timeout).
async fn ask(client: &reqwest::Client, url: &str) -> Result<(u16, Option<String>), String> {
    let mut current = reqwest::Url::parse(url).map_err(|e| format!("not a URL: {e}"))?;
    let mut permanent = None;
    for hop in 0..=MAX_REDIRECTS {
        let mut response = client.head(current.clone()).send().await.map_err(|e| cause(&e))?;
        if matches!(response.status().as_u16(), 403 | 405 | 501) {
            response = client.get(current.clone()).send().await.map_err(|e| cause(&e))?;
        }
        let status = response.status();
        let location = (response.headers().get(LOCATION)).and_then(|l| l.to_str().ok());
        match location {
            Some(location) if status.is_redirection() => {
                let next =
                    (current.join(location)).map_err(|e| format!("a redirect to `{location}`, not a URL: {e}"))?;
                if hop == 0 {
                    permanent = Some(matches!(status.as_u16(), 301 | 308));
                }
                current = next;
            }
            _ => {
                let moved_to = permanent.unwrap_or(false).then(|| current.to_string());
                return Ok((status.as_u16(), moved_to));
            }
        }
    }
    Err(format!("more than {MAX_REDIRECTS} redirects"))
}

/// Why a request failed, in a few words: `timeout`, or the innermost cause.
fn cause(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "timeout".into();
    }
    let mut source: &dyn std::error::Error = error;
    while let Some(inner) = source.source() {
        source = inner;
    }
    source.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_links_are_asked_for_and_without_their_fragment() {
        assert_eq!(checked_url(" https://e.org/a#b "), Some("https://e.org/a".into()));
        assert_eq!(checked_url("HTTP://e.org/"), Some("HTTP://e.org/".into()));
        assert_eq!(checked_url("mailto:a@e.org"), None);
        assert_eq!(checked_url("ftp://e.org/file"), None);
        assert_eq!(checked_url("http:/"), None);
        assert_eq!(checked_url("http://"), None);
        assert_eq!(checked_url("httpé://x"), None);
    }

    /// A server that answers every request with 200 after `delay` (never, for
    /// `/silent`), one thread a connection; it notes the most requests it had at once,
    /// in all and to each of its two names (`127.0.0.1` and `localhost` are two hosts).
    fn slow_server(delay: Duration) -> (u16, Arc<std::sync::Mutex<(usize, usize)>>) {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        // (now, most at once)
        let load = Arc::new(std::sync::Mutex::new((0usize, 0usize)));
        let shared = Arc::clone(&load);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let load = Arc::clone(&shared);
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut line = String::new();
                    let _ = reader.read_line(&mut line);
                    let mut header = String::new();
                    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                        header.clear();
                    }
                    if line.contains("/silent") {
                        std::thread::sleep(Duration::from_secs(5));
                        return;
                    }
                    {
                        let mut l = load.lock().unwrap();
                        l.0 += 1;
                        l.1 = l.1.max(l.0);
                    }
                    std::thread::sleep(delay);
                    load.lock().unwrap().0 -= 1;
                    let mut stream = stream;
                    let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    );
                });
            }
        });
        (port, load)
    }

    fn options(per_host: usize, at_once: usize, timeout: Duration) -> External {
        External {
            per_host,
            at_once,
            timeout,
            ..External::new(Path::new("."))
        }
    }

    #[test]
    fn requests_to_one_host_are_limited_and_so_are_all() {
        let (port, load) = slow_server(Duration::from_millis(150));
        let urls: Vec<String> = (0..6).map(|i| format!("http://127.0.0.1:{port}/{i}")).collect();
        let answers = ask_all(&options(2, 16, Duration::from_secs(10)), &urls).unwrap();
        assert!(
            answers.iter().all(|a| a.as_ref().is_ok_and(|a| a.status == 200)),
            "{answers:?}"
        );
        assert_eq!(load.lock().unwrap().1, 2, "two at a time to one host");

        let (port, load) = slow_server(Duration::from_millis(150));
        let urls: Vec<String> = (0..6)
            .map(|i| match i % 2 {
                0 => format!("http://127.0.0.1:{port}/{i}"),
                _ => format!("http://localhost:{port}/{i}"),
            })
            .collect();
        ask_all(&options(2, 3, Duration::from_secs(10)), &urls).unwrap();
        assert_eq!(load.lock().unwrap().1, 3, "three at a time in all");
    }

    #[test]
    fn a_server_that_does_not_answer_times_out() {
        let (port, _) = slow_server(Duration::ZERO);
        let url = format!("http://127.0.0.1:{port}/silent");
        let timeout = Duration::from_millis(300);
        let answers = ask_all(&options(2, 16, timeout), std::slice::from_ref(&url)).unwrap();
        let said = problem(&url, &answers[0], timeout).unwrap();
        assert_eq!(
            said.message,
            format!("external link not reached: {url} (no answer within 300 ms)")
        );
    }

    #[test]
    fn answers_are_worded_by_status() {
        let answer = |status, moved_to: Option<&str>| {
            Ok(Answer {
                status,
                checked: 0,
                moved_to: moved_to.map(String::from),
            })
        };
        let t = Duration::from_secs(10);
        let said = |a: &Result<Answer, String>| problem("https://e.org/", a, t).map(|d| d.to_string());
        assert_eq!(said(&answer(200, None)), None);
        assert_eq!(
            said(&answer(200, Some("https://e.net/"))).as_deref(),
            Some(
                ":1:1: note: external link moved for good: https://e.org/ → https://e.net/\n  hint: link to https://e.net/"
            )
        );
        assert_eq!(
            said(&answer(404, None)).as_deref(),
            Some(":1:1: error: broken external link: https://e.org/ (404 Not Found)")
        );
        assert!(
            said(&answer(429, None))
                .unwrap()
                .contains("warning: external link not checked")
        );
        assert_eq!(
            said(&Err("timeout".into())).as_deref(),
            Some(":1:1: error: external link not reached: https://e.org/ (no answer within 10 s)")
        );
    }
}
