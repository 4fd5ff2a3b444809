//! A tiny HTTP/1.1 client for the serve tests: requests are sent exactly as written (no
//! normalisation of `..`), so the server's own defences are what is tested.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// `http://host:port/path` → (`host:port`, `/path`).
pub fn split(url: &str) -> (String, String) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let slash = rest.find('/').unwrap_or(rest.len());
    (
        rest[..slash].to_string(),
        if slash == rest.len() {
            "/".into()
        } else {
            rest[slash..].to_string()
        },
    )
}

pub fn request(method: &str, url: &str) -> Response {
    let (host, path) = split(url);
    raw(
        &host,
        &format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
}

pub fn get(url: &str) -> Response {
    request("GET", url)
}

/// Sends `request` as it is and reads the whole response.
pub fn raw(host: &str, request: &str) -> Response {
    let mut stream = TcpStream::connect(host).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut headers = Vec::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((n, v)) = l.split_once(':') {
            headers.push((n.trim().to_string(), v.trim().to_string()));
        }
    }
    let mut body = Vec::new();
    let _ = reader.read_to_end(&mut body);
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked { dechunk(&body) } else { body };
    Response {
        status,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&data[..end]).unwrap_or("0").trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = end + 2;
        out.extend_from_slice(&data[start..(start + size).min(data.len())]);
        data = &data[(start + size + 2).min(data.len())..];
    }
    out
}

/// Reads server-sent events from `url` until `until` accepts one or `timeout` passes;
/// returns the events seen as (name, data).
pub fn events_until(url: &str, timeout: Duration, mut until: impl FnMut(&str, &str) -> bool) -> Vec<(String, String)> {
    let (host, path) = split(url);
    let mut stream = TcpStream::connect(&host).expect("connect");
    stream.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let deadline = std::time::Instant::now() + timeout;
    let mut reader = BufReader::new(stream);
    let mut seen = Vec::new();
    let (mut name, mut data) = (String::new(), String::new());
    let mut line = String::new();
    while std::time::Instant::now() < deadline {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(_) => continue,
        }
        let l = line.trim_end();
        if let Some(v) = l.strip_prefix("event:") {
            name = v.trim().to_string();
        } else if let Some(v) = l.strip_prefix("data:") {
            data = v.trim().to_string();
        } else if l.is_empty() && !name.is_empty() {
            let done = until(&name, &data);
            seen.push((std::mem::take(&mut name), std::mem::take(&mut data)));
            if done {
                break;
            }
        }
    }
    seen
}
