//! `dateline serve` as something other processes reach: under load from many connections
//! at once, asked for paths that climb out of its folder, held up by clients that never
//! finish their request, and bound to the loopback unless told otherwise (issue 21).
//!
//! The load comes from this test's own client (std only), one connection per request, 64
//! at a time: no error response is allowed, and the server's resident memory after the
//! load may not exceed what it was after a warm-up by more than `RSS_GROWTH`.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::Site;
use common::http::{get, raw, split};
use common::served::Served;

/// Requests of the load, and how many are in flight at once.
const REQUESTS: usize = 20_000;
const AT_ONCE: usize = 64;
/// How much the server's resident memory may grow over the load after a warm-up of
/// `WARM_UP` requests. Nothing of a request outlives its answer, so the memory should stay
/// flat; the bound leaves room for the allocator's arenas and caches settling (a few MB),
/// while a leak of one kilobyte a request (18 MB over the 18,000 after the warm-up) fails.
const RSS_GROWTH_KB: u64 = 16 * 1024;
const WARM_UP: usize = 2_000;

/// The server's resident memory, in kB.
fn rss_kb(pid: u32) -> u64 {
    status_kb(pid, "VmRSS:")
}

/// A figure of `/proc/PID/status` in kB: `VmRSS:` (resident now), `VmHWM:` (the peak).
fn status_kb(pid: u32, key: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{key} in /proc/PID/status"))
}

/// The URL paths of some of the files the server serves (pages by their folder).
fn served_paths(site: &Site, base: &str, count: usize) -> Vec<String> {
    let root = site.root().join(".dateline/serve");
    let mut paths: Vec<String> = walkdir::WalkDir::new(&root)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(&root).unwrap().to_string_lossy().into_owned();
            format!("{base}{}", rel.strip_suffix("index.html").unwrap_or(&rel))
        })
        .filter(|p| !p.contains("/_") && !p.contains("/."))
        .collect();
    paths.truncate(count);
    paths
}

/// Sends `total` GET requests for `paths` in turn from `AT_ONCE` threads; returns the
/// responses that were not 200, as (path, status).
fn load(host: &str, paths: &[String], total: usize) -> Vec<(String, u16)> {
    let next = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..AT_ONCE)
        .map(|_| {
            let (next, host, paths) = (next.clone(), host.to_string(), paths.to_vec());
            std::thread::spawn(move || {
                let mut failed = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        return failed;
                    }
                    let path = &paths[i % paths.len()];
                    let status = fetch_status(&host, path);
                    if status != 200 {
                        failed.push((path.clone(), status));
                    }
                }
            })
        })
        .collect();
    threads.into_iter().flat_map(|t| t.join().unwrap()).collect()
}

/// The status of a GET of `path`, its whole answer read; 0 if the connection failed.
fn fetch_status(host: &str, path: &str) -> u16 {
    let Ok(mut stream) = TcpStream::connect(host) else {
        return 0;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return 0;
    }
    let mut answer = Vec::new();
    if stream.read_to_end(&mut answer).is_err() {
        return 0;
    }
    let line = answer.split(|&b| b == b'\r').next().unwrap_or_default();
    String::from_utf8_lossy(line)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[test]
fn answers_20000_requests_64_at_a_time_without_an_error_and_in_flat_memory() {
    let site = Site::fixture("basic");
    let served = Served::start(site.root());
    let (host, base) = split(&served.url);
    let paths = served_paths(&site, &base, 40);
    assert!(paths.len() >= 20, "{paths:?}");
    let started = Instant::now();
    // Memory taken once (worker threads, allocator arenas, connection buffers at 64 at a
    // time) is taken over the warm-up and the first half of the load, however long that
    // takes on a loaded machine; a leak grows in the second half as in the first.
    let mut failed = load(&host, &paths, WARM_UP);
    let half = (REQUESTS - WARM_UP) / 2;
    failed.extend(load(&host, &paths, half));
    let before = rss_kb(served.pid());
    failed.extend(load(&host, &paths, REQUESTS - WARM_UP - half));
    let after = rss_kb(served.pid());
    let peak = status_kb(served.pid(), "VmHWM:");
    eprintln!(
        "{REQUESTS} requests, {AT_ONCE} at a time, in {:.2?}: {} errors; VmRSS {before} kB after the warm-up and half the load, {after} kB after the rest; peak {peak} kB",
        started.elapsed(),
        failed.len()
    );
    assert!(
        failed.is_empty(),
        "{} error responses, e.g. {:?}",
        failed.len(),
        &failed[..failed.len().min(5)]
    );
    assert!(
        after <= before + RSS_GROWTH_KB,
        "VmRSS grew from {before} kB to {after} kB over the last {} requests",
        REQUESTS - WARM_UP - half
    );
}

#[test]
fn refuses_every_path_that_climbs_out_of_its_folder() {
    let site = Site::fixture("basic");
    // Beside the served folder (.dateline/serve), in the site, and above the site.
    let marker = "SECRET-MARKER-21";
    site.write("secret.txt", marker);
    site.write(".dateline/secret.txt", marker);
    let served = Served::start(site.root());
    let (host, base) = split(&served.url);
    let climbs = [
        "../secret.txt",
        "../../secret.txt",
        "../../../secret.txt",
        "%2e%2e/secret.txt",
        "%2e%2e/%2e%2e/secret.txt",
        "%2E%2E%2F%2E%2E%2Fsecret.txt",
        "%252e%252e/%252e%252e/secret.txt",
        "..%2fsecret.txt",
        "..%2f..%2fsecret.txt",
        "..\\..\\secret.txt",
        "..%5c..%5csecret.txt",
        "%c0%ae%c0%ae/%c0%ae%c0%ae/secret.txt",
        "%c0%ae%c0%ae%c0%af%c0%ae%c0%ae%c0%afsecret.txt",
        "index.html%00.txt",
        "%00../../secret.txt",
        "....//....//secret.txt",
        "/..//../secret.txt",
    ];
    for climb in climbs {
        for prefix in [base.as_str(), "/"] {
            let path = format!("{prefix}{climb}");
            let response = raw(
                &host,
                &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
            );
            assert!(
                [400, 403, 404].contains(&response.status),
                "GET {path} answered {}, not refused",
                response.status
            );
            assert!(
                !response.body.contains(marker),
                "GET {path} served a file outside the site's folder"
            );
        }
    }
    // The same paths as a client that does not normalize them sends them, after a
    // redirect too: nothing answered 200 with the marker.
    assert_eq!(get(&served.url).status, 200, "the server still answers");
}

#[test]
fn clients_that_never_finish_their_request_do_not_hold_up_others() {
    let site = Site::fixture("basic");
    let served = Served::start(site.root());
    let (host, _) = split(&served.url);
    let stalled: Vec<TcpStream> = (0..50)
        .map(|i| {
            let mut stream = TcpStream::connect(&host).unwrap();
            // A request line and part of a header, and then nothing.
            let partial = format!("GET /{i} HTTP/1.1\r\nHost: {host}\r\nX-Slow: ");
            stream.write_all(partial.as_bytes()).unwrap();
            stream
        })
        .collect();
    for _ in 0..3 {
        let started = Instant::now();
        let home = get(&served.url);
        assert_eq!(home.status, 200);
        // A server that waited on the stalled clients would not answer at all; the bound is
        // far above a loaded machine's answer (milliseconds), so the test does not depend on
        // the machine's speed.
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "a request took {:.2?} while 50 clients stalled",
            started.elapsed()
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    drop(stalled);
}

#[test]
fn binds_to_the_loopback_unless_told_and_says_when_it_is_not() {
    let site = Site::fixture("basic");
    let local = Served::start(site.root());
    assert!(local.url.starts_with("http://127.0.0.1:"), "{}", local.url);
    let quiet = local.lines.recv_timeout(Duration::from_millis(500));
    assert!(
        !quiet.as_deref().is_ok_and(|l| l.contains("warning")) && !local.earlier.iter().any(|l| l.contains("warning")),
        "a warning on the loopback: {quiet:?} {:?}",
        local.earlier
    );
    drop(local);

    let exposed = Served::start_with(site.root(), &["--bind", "0.0.0.0"]);
    // Said on stderr, before or after the URL on stdout.
    let warning = match exposed.earlier.iter().find(|l| l.starts_with("warning:")) {
        Some(line) => line.clone(),
        None => exposed
            .lines
            .recv_timeout(Duration::from_secs(10))
            .expect("a warning for 0.0.0.0"),
    };
    assert!(
        warning.starts_with("warning: listening on 0.0.0.0:") && warning.contains("other machines"),
        "{warning}"
    );
    assert_eq!(get(&exposed.url).status, 200, "served on the loopback too");
}
