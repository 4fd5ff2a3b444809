//! WebSub: the feeds' hub (`[feeds] hub`, named in every feed by `<link rel="hub">`) told
//! that feeds changed, so that it fetches them and pushes the new entries to its
//! subscribers at once, rather than readers finding them at their next poll. `dateline
//! deploy` calls [`ping`] with the absolute URLs of the feeds its upload changed, once they
//! are uploaded (a hub fetches a feed as soon as it is told: told earlier, it would fetch
//! the old one).
//!
//! How a publisher tells its hub is left to each hub by the WebSub recommendation (W3C,
//! 2018); the hubs in use take PubSubHubbub's form: a `POST` of
//! `application/x-www-form-urlencoded` `hub.mode=publish&hub.url=FEED`, answered `204 No
//! Content` (Google's <https://pubsubhubbub.appspot.com/>, Superfeedr, websubhub.com, which
//! also reads `hub.topic`). Google's hub also takes several `hub.url` in one request, "to
//! indicate multiple feeds that have been updated", but that is its own extension, which
//! other hubs read as one URL (the last) or refuse: so one request a feed, which every hub
//! takes. A deploy changes a few feeds (the site's two, and those of the authors and tags
//! of the articles it sent), so the requests are sent one after another.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::CONTENT_TYPE;

/// What `application/x-www-form-urlencoded` keeps as it is (the WHATWG URL standard's
/// urlencoded serializer; a space would be `+`, but a feed URL has none).
const FORM: &AsciiSet = &NON_ALPHANUMERIC.remove(b'*').remove(b'-').remove(b'.').remove(b'_');

/// The body of the request that tells a hub `feed` changed.
fn publish_body(feed: &str) -> String {
    format!("hub.mode=publish&hub.url={}", utf8_percent_encode(feed, FORM))
}

/// Tells the WebSub hub at `hub` that each of `feeds` (absolute URLs) changed: one `POST`
/// a feed, in order. A `2xx` answer is a yes. Every feed is tried; if any was not taken,
/// the error names the hub, and for each such feed the hub's status (and the first line it
/// said) or why it could not be reached. The client's timeouts apply; `client` must have
/// been built after a TLS provider was installed (`rustls::crypto::ring::default_provider()
/// .install_default()`), as every HTTPS client of dateline's. No feeds, no request.
// Called by `dateline deploy` (src/publish/deploy), written beside this on another branch.
pub async fn ping(client: &reqwest::Client, hub: &str, feeds: &[String]) -> Result<(), HubError> {
    let mut failures = Vec::new();
    for feed in feeds {
        let sent = client
            .post(hub)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(publish_body(feed))
            .send()
            .await;
        let why = match sent {
            Ok(response) if response.status().is_success() => continue,
            Ok(response) => {
                let status = response.status();
                let said = response.text().await.unwrap_or_default();
                let said = said.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
                Refusal::Status {
                    status: status.to_string(),
                    said: said.chars().take(200).collect(),
                }
            }
            Err(e) => Refusal::Unreachable(crate::error::chain(&e)),
        };
        failures.push((feed.clone(), why));
    }
    match failures.is_empty() {
        true => Ok(()),
        false => Err(HubError {
            hub: hub.to_string(),
            feeds: feeds.len(),
            failures,
        }),
    }
}

/// Feeds a hub was not told of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubError {
    pub hub: String,
    /// How many feeds it was to be told of.
    pub feeds: usize,
    /// Each feed it did not take, and why.
    pub failures: Vec<(String, Refusal)>,
}

/// Why a hub did not take a feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// It answered with this status (`503 Service Unavailable`), and said this.
    Status { status: String, said: String },
    /// It could not be reached: the error, with its causes.
    Unreachable(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Status { status, said } if said.is_empty() => write!(f, "it answered {status}"),
            Refusal::Status { status, said } => write!(f, "it answered {status}: {said}"),
            Refusal::Unreachable(error) => write!(f, "it could not be reached: {error}"),
        }
    }
}

impl fmt::Display for HubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let failed = self.failures.len();
        write!(
            f,
            "the WebSub hub {} was not told of {failed} of the {} feed{} that changed",
            self.hub,
            self.feeds,
            if self.feeds == 1 { "" } else { "s" }
        )?;
        for (feed, why) in &self.failures {
            write!(f, "\n  {feed}: {why}")?;
        }
        Ok(())
    }
}

impl std::error::Error for HubError {}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::thread::JoinHandle;

    use super::*;

    /// A request the hub of the test received.
    #[derive(Debug)]
    struct Received {
        request_line: String,
        content_type: String,
        body: String,
    }

    /// A hub of the test's own on a loopback port: it answers each of the requests it takes
    /// with the next of `answers` (a status and its text), and then stops, handing back
    /// what it received.
    fn hub(answers: Vec<(u16, &'static str)>) -> (String, JoinHandle<Vec<Received>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hub", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let mut received = Vec::new();
            for (status, text) in answers {
                let (stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream);
                let mut request_line = String::new();
                reader.read_line(&mut request_line).unwrap();
                let (mut length, mut content_type) = (0, String::new());
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    let (name, value) = line.split_once(':').unwrap();
                    match name.to_ascii_lowercase().as_str() {
                        "content-length" => length = value.trim().parse().unwrap(),
                        "content-type" => content_type = value.trim().to_string(),
                        _ => {}
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let answer = format!(
                    "HTTP/1.1 {status} {text}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                    if status == 204 { 0 } else { text.len() },
                    if status == 204 { "" } else { text }
                );
                reader.get_mut().write_all(answer.as_bytes()).unwrap();
                received.push(Received {
                    request_line: request_line.trim_end().to_string(),
                    content_type,
                    body: String::from_utf8(body).unwrap(),
                });
            }
            received
        });
        (url, handle)
    }

    /// A client as `dateline deploy` makes one.
    fn client() -> reqwest::Client {
        crate::net::use_ring();
        reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .unwrap()
    }

    fn feeds(urls: &[&str]) -> Vec<String> {
        urls.iter().map(|u| u.to_string()).collect()
    }

    #[tokio::test]
    async fn each_feed_is_one_form_post_of_publish_and_its_url() {
        let (url, hub) = hub(vec![(204, "No Content"), (202, "Accepted")]);
        let changed = feeds(&[
            "https://news.example/archive/atom.xml",
            "https://news.example/archive/tags/c++ & co/atom.xml",
        ]);
        ping(&client(), &url, &changed).await.unwrap();
        let received = hub.join().unwrap();
        let bodies: Vec<&str> = received.iter().map(|r| r.body.as_str()).collect();
        assert_eq!(
            bodies,
            [
                "hub.mode=publish&hub.url=https%3A%2F%2Fnews.example%2Farchive%2Fatom.xml",
                "hub.mode=publish&hub.url=https%3A%2F%2Fnews.example%2Farchive%2Ftags%2Fc%2B%2B%20%26%20co%2Fatom.xml",
            ]
        );
        for r in &received {
            assert_eq!(r.request_line, "POST /hub HTTP/1.1");
            assert_eq!(r.content_type, "application/x-www-form-urlencoded");
        }
    }

    #[tokio::test]
    async fn a_refusal_names_the_hub_the_feed_and_the_status() {
        let (url, hub) = hub(vec![(204, "No Content"), (503, "Service Unavailable")]);
        let changed = feeds(&["https://e.org/atom.xml", "https://e.org/rss.xml"]);
        let error = ping(&client(), &url, &changed).await.unwrap_err();
        assert_eq!(hub.join().unwrap().len(), 2, "every feed is tried");
        assert_eq!(
            error.to_string(),
            format!(
                "the WebSub hub {url} was not told of 1 of the 2 feeds that changed\n  https://e.org/rss.xml: it answered 503 Service Unavailable: Service Unavailable"
            )
        );
    }

    #[tokio::test]
    async fn a_hub_out_of_reach_is_said_with_the_cause() {
        // A port nothing listens on (just now).
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}/");
        let error = ping(&client(), &url, &feeds(&["https://e.org/atom.xml"]))
            .await
            .unwrap_err();
        let said = error.to_string();
        assert!(
            said.starts_with(&format!("the WebSub hub {url} was not told of 1 of the 1 feed that changed\n  https://e.org/atom.xml: it could not be reached: ")),
            "{said}"
        );
        assert!(said.to_lowercase().contains("connect"), "{said}");
    }

    #[tokio::test]
    async fn no_feeds_no_request() {
        // Nothing listens there: a request would fail.
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        ping(&client(), &format!("http://127.0.0.1:{port}/"), &[])
            .await
            .unwrap();
    }
}
