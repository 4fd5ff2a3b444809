//! `dateline deploy`, against a local S3-compatible server: moto (`pip install
//! "moto[server]"`, its `moto_server`), and small servers of the tests' own for what moto
//! cannot be made to do (refuse credentials, fail and recover).
//!
//! Without moto, its tests are reported as ignored, not passed, unless
//! `DATELINE_REQUIRE_MOTO` is set (as `.ci/run` does), which makes that a failure.

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Site;
use futures::TryStreamExt;
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as Key;
use object_store::{Attribute, ObjectStore, ObjectStoreExt};

fn main() {
    let arguments = Arguments::from_args();
    let tests = vec![
        with_moto(
            "deploys_send_what_changed_and_delete_what_is_gone",
            deploys_send_what_changed_and_delete_what_is_gone,
        ),
        with_moto(
            "an_interrupted_deploy_leaves_the_old_site_and_the_next_finishes_it",
            an_interrupted_deploy_leaves_the_old_site_and_the_next_finishes_it,
        ),
        with_moto(
            "a_full_deploy_finds_what_was_changed_in_the_bucket",
            a_full_deploy_finds_what_was_changed_in_the_bucket,
        ),
        with_moto(
            "a_deploy_tells_the_websub_hub_of_the_feeds_it_sent",
            a_deploy_tells_the_websub_hub_of_the_feeds_it_sent,
        ),
        with_moto(
            "text_is_stored_compressed_when_asked",
            text_is_stored_compressed_when_asked,
        ),
        with_moto(
            "a_missing_bucket_is_named_and_nothing_is_sent",
            a_missing_bucket_is_named_and_nothing_is_sent,
        ),
        plain(
            "refused_credentials_are_said_and_nothing_is_sent_or_deleted",
            refused_credentials_are_said_and_nothing_is_sent_or_deleted,
        ),
        plain("server_errors_are_tried_again", server_errors_are_tried_again),
        plain(
            "a_refused_upload_stops_the_deploy_and_says_what_it_left",
            a_refused_upload_stops_the_deploy_and_says_what_it_left,
        ),
        plain(
            "what_s3_would_refuse_stops_the_deploy_before_any_request",
            what_s3_would_refuse_stops_the_deploy_before_any_request,
        ),
        plain(
            "no_credentials_stop_the_deploy_before_any_request",
            no_credentials_stop_the_deploy_before_any_request,
        ),
    ];
    libtest_mimic::run(&arguments, tests).exit();
}

/// A test that needs nothing but the servers it starts.
fn plain(name: &str, test: fn()) -> Trial {
    Trial::test(name, move || {
        test();
        Ok(())
    })
}

/// A test that needs moto: ignored (and said so) without it, a failure without it when
/// `DATELINE_REQUIRE_MOTO` is set.
fn with_moto(name: &str, test: fn(&Moto)) -> Trial {
    Trial::ignorable_test(name, move || {
        let Some(moto) = Moto::start() else {
            if std::env::var_os("DATELINE_REQUIRE_MOTO").is_some() {
                return Err(Failed::from(
                    "DATELINE_REQUIRE_MOTO is set, but moto_server was not found",
                ));
            }
            return Ok(Completion::ignored_with(
                "no moto_server found (pip install \"moto[server]\"; set DATELINE_REQUIRE_MOTO to make that a failure)",
            ));
        };
        test(&moto);
        Ok(Completion::Completed)
    })
}

/// A moto server on a port of its own, stopped when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Moto {
    fn start() -> Option<Moto> {
        let port = free_port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < Duration::from_secs(30), "moto_server did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(moto)
    }

    /// Makes a bucket (moto takes an unsigned request).
    fn bucket(&self, name: &str) {
        let (host, _) = common::http::split(&self.endpoint);
        let mut stream = TcpStream::connect(host).unwrap();
        write!(
            stream,
            "PUT /{name} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }

    fn store(&self, bucket: &str) -> Arc<dyn ObjectStore> {
        #[allow(deprecated)] // As dateline does it (src/publish/deploy/store.rs).
        let _ = rustls::crypto::ring::default_provider().install_default();
        Arc::new(
            AmazonS3Builder::new()
                .with_endpoint(&self.endpoint)
                .with_allow_http(true)
                .with_bucket_name(bucket)
                .with_region("us-east-1")
                .with_access_key_id("test")
                .with_secret_access_key("test")
                .build()
                .unwrap(),
        )
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// `dateline deploy` of `site` with test credentials.
fn deploy(site: &Site, endpoint: &str, to: &str, more: &[&str]) -> Output {
    deploy_command(site, endpoint, to, more).output().unwrap()
}

fn deploy_command(site: &Site, endpoint: &str, to: &str, more: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dateline"));
    command
        .args(["deploy", "-s"])
        .arg(site.root())
        .args(["--to", to, "--endpoint", endpoint])
        .args(more)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env_remove("AWS_PROFILE")
        .env("HOME", site.root());
    command
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn succeeded(output: &Output) -> String {
    assert!(
        output.status.success(),
        "deploy failed:\n{}\n{}",
        stdout(output),
        stderr(output)
    );
    stdout(output)
}

/// Every file of the output folder and its bytes.
fn files_of(out: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(out).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Every object under `prefix` and its bytes, less the manifest.
fn objects_of(store: &Arc<dyn ObjectStore>, prefix: &str) -> BTreeMap<String, Vec<u8>> {
    runtime().block_on(async {
        let listed: Vec<_> = store
            .list(Some(&Key::from(prefix.trim_end_matches('/'))))
            .try_collect()
            .await
            .unwrap();
        let mut objects = BTreeMap::new();
        for meta in listed {
            let rel = meta.location.as_ref()[prefix.len()..].to_string();
            if rel.starts_with(".dateline/") {
                continue;
            }
            let bytes = store.get(&meta.location).await.unwrap().bytes().await.unwrap();
            objects.insert(rel, bytes.to_vec());
        }
        objects
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The "Deployed N files …, deleted D, U unchanged" figures of a deploy's output.
fn figures(text: &str) -> (usize, usize, usize) {
    let line = text
        .lines()
        .find(|l| l.starts_with("Deployed "))
        .unwrap_or_else(|| panic!("no summary in {text}"));
    let number = |after: &str| -> usize {
        let rest = &line[line.find(after).unwrap_or_else(|| panic!("{after} in {line}")) + after.len()..];
        rest.split(|c: char| !c.is_ascii_digit() && c != ',')
            .next()
            .unwrap()
            .replace(',', "")
            .parse()
            .unwrap()
    };
    let before = line.split(" unchanged").next().unwrap();
    let unchanged = before.rsplit(' ').next().unwrap().replace(',', "").parse().unwrap();
    (number("Deployed "), number("deleted "), unchanged)
}

/// Files that differ between two snapshots of the output: (sent, deleted).
fn difference(before: &BTreeMap<String, Vec<u8>>, after: &BTreeMap<String, Vec<u8>>) -> (usize, usize) {
    let sent = after
        .iter()
        .filter(|(rel, bytes)| before.get(*rel) != Some(bytes))
        .count();
    let deleted = before.keys().filter(|rel| !after.contains_key(*rel)).count();
    (sent, deleted)
}

const NEW_ARTICLE: &str = "---\ntitle: \"Harbour Reopens\"\ndate: 2025-12-14T09:00:00-05:00\nauthor: Jane Roe\n---\n\nThe harbour reopened on Sunday.\n";

fn deploys_send_what_changed_and_delete_what_is_gone(moto: &Moto) {
    moto.bucket("archive-one");
    let store = moto.store("archive-one");
    let site = Site::fixture("basic").accept_removals();
    site.built();
    let to = "s3://archive-one/news";

    // A dry run changes nothing.
    let dry = succeeded(&deploy(&site, &moto.endpoint, to, &["--dry-run"]));
    assert!(dry.contains("Would deploy"), "{dry}");
    assert!(objects_of(&store, "news/").is_empty());

    // The first deploy sends every file, with its headers.
    let first = files_of(&site.out());
    let said = succeeded(&deploy(&site, &moto.endpoint, to, &[]));
    assert_eq!(figures(&said), (first.len(), 0, 0), "{said}");
    assert_eq!(objects_of(&store, "news/"), first);
    runtime().block_on(async {
        let page = store.get(&Key::from("news/index.html")).await.unwrap();
        assert_eq!(
            page.attributes.get(&Attribute::ContentType).map(|v| v.as_ref()),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(
            page.attributes.get(&Attribute::CacheControl).map(|v| v.as_ref()),
            Some("public, max-age=300")
        );
        let css = first
            .keys()
            .find(|k| k.starts_with("style.") && k.ends_with(".css") && *k != "style.css")
            .unwrap();
        let css = store.get(&Key::from(format!("news/{css}"))).await.unwrap();
        assert_eq!(
            css.attributes.get(&Attribute::CacheControl).map(|v| v.as_ref()),
            Some("public, max-age=31536000, immutable")
        );
        let feed = store.get(&Key::from("news/atom.xml")).await.unwrap();
        assert_eq!(
            feed.attributes.get(&Attribute::ContentType).map(|v| v.as_ref()),
            Some("application/atom+xml; charset=utf-8")
        );
    });

    // Nothing changed: nothing sent, one request.
    let again = succeeded(&deploy(&site, &moto.endpoint, to, &["-v"]));
    assert_eq!(figures(&again), (0, 0, first.len()), "{again}");
    assert!(again.contains("1 request "), "{again}");

    // A new article: exactly the files the build changed are sent.
    site.write("content/2025/12/harbour-reopens.md", NEW_ARTICLE);
    site.built();
    let second = files_of(&site.out());
    let (changed, gone) = difference(&first, &second);
    assert!(changed > 0);
    let said = succeeded(&deploy(&site, &moto.endpoint, to, &["-v"]));
    assert_eq!(figures(&said), (changed, gone, second.len() - changed), "{said}");
    assert!(said.contains("known from the build's record"), "{said}");
    assert!(
        said.contains("sent (new): 2025/12/14/harbour-reopens/index.html"),
        "{said}"
    );
    assert_eq!(objects_of(&store, "news/"), second);

    // An article deleted (its removal accepted): its files are deleted from the bucket.
    std::fs::remove_file(site.root().join("content/2025/12/harbour-reopens.md")).unwrap();
    site.built();
    let third = files_of(&site.out());
    let (changed, gone) = difference(&second, &third);
    assert!(gone > 0, "the article's page is gone");
    let said = succeeded(&deploy(&site, &moto.endpoint, to, &[]));
    assert_eq!(figures(&said), (changed, gone, third.len() - changed), "{said}");
    assert_eq!(objects_of(&store, "news/"), third);
}

fn an_interrupted_deploy_leaves_the_old_site_and_the_next_finishes_it(moto: &Moto) {
    moto.bucket("archive-two");
    let store = moto.store("archive-two");
    let site = Site::fixture("basic").accept_removals();
    // One request at a time, so that the deploy is stopped on its way.
    let config = std::fs::read_to_string(site.root().join("dateline.toml")).unwrap();
    std::fs::write(
        site.root().join("dateline.toml"),
        format!("{config}\n[deploy]\nconcurrency = 1\n"),
    )
    .unwrap();
    site.built();
    let to = "s3://archive-two/";
    succeeded(&deploy(&site, &moto.endpoint, to, &[]));
    let manifest = || {
        runtime().block_on(async {
            store
                .get(&Key::from(".dateline/deploy-manifest"))
                .await
                .unwrap()
                .bytes()
                .await
                .unwrap()
        })
    };
    let first_manifest = manifest();

    // A new article, then a deploy killed once it has sent a file.
    site.write("content/2025/12/harbour-reopens.md", NEW_ARTICLE);
    site.built();
    let after = files_of(&site.out());
    let before_kill = objects_of(&store, "");
    let keys = || -> Vec<String> {
        runtime().block_on(async {
            let listed: Vec<_> = store.list(None).try_collect().await.unwrap();
            listed.into_iter().map(|m| m.location.to_string()).collect()
        })
    };
    let keys_before: Vec<String> = keys();
    let mut child = deploy_command(&site, &moto.endpoint, to, &[])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        // Listed only (the deploy may delete what a read would ask for).
        if keys() != keys_before || child.try_wait().unwrap().is_some() {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the deploy sent nothing");
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.kill();
    let status = child.wait().unwrap();
    if !status.success() {
        // Stopped on its way: the old manifest is still there, nothing was deleted, and
        // every page of the old site is still there.
        assert_eq!(manifest(), first_manifest);
        let now = objects_of(&store, "");
        assert!(before_kill.keys().all(|k| now.contains_key(k)), "nothing deleted");
    }
    // The next deploy finishes the work.
    succeeded(&deploy(&site, &moto.endpoint, to, &[]));
    assert_eq!(objects_of(&store, ""), after);
    let said = succeeded(&deploy(&site, &moto.endpoint, to, &[]));
    assert_eq!(figures(&said), (0, 0, after.len()), "{said}");
}

fn a_full_deploy_finds_what_was_changed_in_the_bucket(moto: &Moto) {
    moto.bucket("archive-three");
    let store = moto.store("archive-three");
    let site = Site::fixture("basic");
    site.built();
    let to = "s3://archive-three/site";
    succeeded(&deploy(&site, &moto.endpoint, to, &[]));
    // Changed by other means: a page overwritten, a stray object added.
    runtime().block_on(async {
        store
            .put(&Key::from("site/index.html"), "defaced".into())
            .await
            .unwrap();
        store.put(&Key::from("site/stray.html"), "stray".into()).await.unwrap();
    });
    let files = files_of(&site.out());
    // Without the build's record (its cache gone), every file is read and hashed: the
    // same files, nothing to send.
    std::fs::remove_dir_all(site.root().join(".dateline")).unwrap();
    let said = succeeded(&deploy(&site, &moto.endpoint, to, &["-v"]));
    assert_eq!(figures(&said), (0, 0, files.len()), "{said}");
    assert!(said.contains("read and hashed"), "{said}");
    // The manifest does not know of it…
    let said = succeeded(&deploy(&site, &moto.endpoint, to, &[]));
    assert_eq!(figures(&said), (0, 0, files.len()), "{said}");
    // …a listing does.
    let said = succeeded(&deploy(&site, &moto.endpoint, to, &["--full", "-v"]));
    assert_eq!(figures(&said), (1, 1, files.len() - 1), "{said}");
    assert!(said.contains("sent (changed): index.html"), "{said}");
    assert!(said.contains("deleted: stray.html"), "{said}");
    assert_eq!(objects_of(&store, "site/"), files);
}

fn a_deploy_tells_the_websub_hub_of_the_feeds_it_sent(moto: &Moto) {
    moto.bucket("archive-four");
    let hub = FakeStore::start(|_, _, _| (204, String::new()));
    let site = Site::fixture("basic");
    let config = std::fs::read_to_string(site.root().join("dateline.toml")).unwrap();
    std::fs::write(
        site.root().join("dateline.toml"),
        format!("{config}\n[feeds]\nhub = \"{}/hub\"\n", hub.endpoint),
    )
    .unwrap();
    site.built();
    let to = "s3://archive-four/";
    let said = succeeded(&deploy(&site, &moto.endpoint, to, &[]));
    let feeds = files_of(&site.out())
        .keys()
        .filter(|k| k.ends_with("atom.xml") || k.ends_with("rss.xml"))
        .count();
    assert!(
        said.contains(&format!("Told the WebSub hub of {feeds} feeds")),
        "{said}"
    );
    let pinged = hub.bodies.lock().unwrap().clone();
    assert_eq!(pinged.len(), feeds);
    assert!(
        pinged.contains(&"hub.mode=publish&hub.url=https%3A%2F%2Fnews.example.com%2Farchive%2Fatom.xml".to_string()),
        "{pinged:?}"
    );

    // A new article: only the feeds it changed are announced.
    hub.bodies.lock().unwrap().clear();
    site.write("content/2025/12/harbour-reopens.md", NEW_ARTICLE);
    site.built();
    succeeded(&deploy(&site, &moto.endpoint, to, &[]));
    let pinged = hub.bodies.lock().unwrap().clone();
    assert!(!pinged.is_empty() && pinged.len() < feeds, "{pinged:?}");
    assert!(pinged.iter().all(|b| b.starts_with("hub.mode=publish&hub.url=")));
}

fn text_is_stored_compressed_when_asked(moto: &Moto) {
    moto.bucket("archive-five");
    let store = moto.store("archive-five");
    let site = Site::fixture("basic");
    site.built();
    let to = "s3://archive-five/";
    let files = files_of(&site.out());
    succeeded(&deploy(&site, &moto.endpoint, to, &[]));
    let config = std::fs::read_to_string(site.root().join("dateline.toml")).unwrap();
    for (compress, encoding) in [("gzip", "gzip"), ("br", "br")] {
        std::fs::write(
            site.root().join("dateline.toml"),
            format!("{config}\n[deploy]\ncompress = \"{compress}\"\n"),
        )
        .unwrap();
        // Another way of storing text: every file is sent again.
        let said = succeeded(&deploy(&site, &moto.endpoint, to, &[]));
        assert_eq!(figures(&said), (files.len(), 0, 0), "{said}");
        runtime().block_on(async {
            let page = store.get(&Key::from("index.html")).await.unwrap();
            assert_eq!(
                page.attributes.get(&Attribute::ContentEncoding).map(|v| v.as_ref()),
                Some(encoding)
            );
            let stored = page.bytes().await.unwrap();
            let mut text = Vec::new();
            match encoding {
                "gzip" => {
                    flate2::read::GzDecoder::new(&stored[..])
                        .read_to_end(&mut text)
                        .unwrap();
                }
                _ => {
                    brotli::Decompressor::new(&stored[..], 4096)
                        .read_to_end(&mut text)
                        .unwrap();
                }
            }
            assert_eq!(text, files["index.html"]);
            // Images are stored as they are.
            let logo = store.get(&Key::from("logo.png")).await.unwrap();
            assert_eq!(logo.attributes.get(&Attribute::ContentEncoding), None);
            assert_eq!(logo.bytes().await.unwrap().to_vec(), files["logo.png"]);
        });
    }
}

fn a_missing_bucket_is_named_and_nothing_is_sent(moto: &Moto) {
    let site = Site::fixture("basic");
    site.built();
    let output = deploy(&site, &moto.endpoint, "s3://no-such-bucket/site", &[]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("the bucket `no-such-bucket` does not exist") && err.contains("nothing was sent"),
        "{err}"
    );
}

/// A server of the test's own: answers each request with what `answer` gives for its
/// method and path, and keeps the requests it was sent.
struct FakeStore {
    endpoint: String,
    requests: Arc<Mutex<Vec<String>>>,
    bodies: Arc<Mutex<Vec<String>>>,
}

impl FakeStore {
    fn start(answer: impl Fn(&str, &str, usize) -> (u16, String) + Send + Sync + 'static) -> FakeStore {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let (seen, kept) = (Arc::clone(&requests), Arc::clone(&bodies));
        let answer = Arc::new(answer);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let (seen, kept) = (Arc::clone(&seen), Arc::clone(&kept));
                let answer = Arc::clone(&answer);
                std::thread::spawn(move || serve(stream, &seen, &kept, &*answer));
            }
        });
        FakeStore {
            endpoint,
            requests,
            bodies,
        }
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(
    stream: TcpStream,
    seen: &Mutex<Vec<String>>,
    bodies: &Mutex<Vec<String>>,
    answer: &dyn Fn(&str, &str, usize) -> (u16, String),
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, path) = (
            parts.next().unwrap_or("").to_string(),
            parts.next().unwrap_or("").to_string(),
        );
        let mut length = 0;
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).unwrap();
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        bodies.lock().unwrap().push(String::from_utf8_lossy(&body).into_owned());
        let n = {
            let mut seen = seen.lock().unwrap();
            seen.push(format!("{method} {path}"));
            seen.iter().filter(|r| **r == format!("{method} {path}")).count()
        };
        let (status, body) = answer(&method, &path, n);
        let reason = match status {
            200 => "OK",
            204 => "No Content",
            403 => "Forbidden",
            404 => "Not Found",
            _ => "Service Unavailable",
        };
        let _ = write!(
            stream,
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nETag: \"0\"\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
    }
}

fn s3_error(code: &str, message: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>")
}

fn refused_credentials_are_said_and_nothing_is_sent_or_deleted() {
    let store = FakeStore::start(|_, _, _| {
        (
            403,
            s3_error(
                "InvalidAccessKeyId",
                "The AWS Access Key Id you provided does not exist in our records.",
            ),
        )
    });
    let site = Site::fixture("basic");
    site.built();
    let output = deploy(&site, &store.endpoint, "s3://archive/site", &[]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("the store refused the credentials") && err.contains("InvalidAccessKeyId"),
        "{err}"
    );
    assert!(err.contains("nothing was sent"), "{err}");
    let requests = store.requests();
    assert!(
        requests.iter().all(|r| r.starts_with("GET ")),
        "only reads were tried: {requests:?}"
    );
}

fn server_errors_are_tried_again() {
    // No manifest and an empty bucket; the first PUT of every file fails with a 503.
    let store = FakeStore::start(|method, path, n| {
        match method {
        "GET" if path.contains("list-type") => (
            200,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>"
                .into(),
        ),
        "GET" => (404, s3_error("NoSuchKey", "The specified key does not exist.")),
        "PUT" if n == 1 => (503, s3_error("SlowDown", "Please reduce your request rate.")),
        _ => (200, String::new()),
    }
    });
    let site = Site::fixture("basic");
    site.built();
    let files = files_of(&site.out());
    let said = succeeded(&deploy(&site, &store.endpoint, "s3://archive/site", &[]));
    assert_eq!(figures(&said), (files.len(), 0, 0), "{said}");
    let puts = store.requests().iter().filter(|r| r.starts_with("PUT ")).count();
    // Each file twice (a 503, then its retry), and the manifest twice.
    assert_eq!(puts, 2 * (files.len() + 1));
}

fn no_credentials_stop_the_deploy_before_any_request() {
    let store = FakeStore::start(|_, _, _| (200, String::new()));
    let site = Site::fixture("basic");
    site.built();
    let output = deploy_command(&site, &store.endpoint, "s3://archive/site", &[])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("no credentials"), "{}", stderr(&output));
    assert!(store.requests().is_empty());
}

fn what_s3_would_refuse_stops_the_deploy_before_any_request() {
    let store = FakeStore::start(|_, _, _| (200, String::new()));
    let site = Site::fixture("basic");
    // A file whose key, under the bucket's folder, is longer than S3's 1,024 bytes.
    let deep = ["a", "b", "c", "d", "e"].map(|c| c.repeat(250)).join("/");
    site.write(&format!("static/{deep}/notes.txt"), "deep");
    site.built();
    let output = deploy(&site, &store.endpoint, "s3://archive/site", &[]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("1,024") && err.contains("notes.txt"), "{err}");
    assert!(err.contains("nothing was sent"), "{err}");
    assert!(store.requests().is_empty(), "{:?}", store.requests());
}

fn a_refused_upload_stops_the_deploy_and_says_what_it_left() {
    // An empty bucket that takes every file but pages.
    let store = FakeStore::start(|method, path, _| {
        match method {
        "GET" if path.contains("list-type") => (
            200,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>"
                .into(),
        ),
        "GET" => (404, s3_error("NoSuchKey", "The specified key does not exist.")),
        "PUT" if path.ends_with(".html") => (403, s3_error("AccessDenied", "Access Denied")),
        _ => (200, String::new()),
    }
    });
    let site = Site::fixture("basic");
    site.built();
    let files = files_of(&site.out());
    // Every file but the pages goes (the pages' group is sent whole, each page refused).
    let taken = files.keys().filter(|k| !k.ends_with(".html")).count();
    let output = deploy(&site, &store.endpoint, "s3://archive/site", &[]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("AccessDenied"), "{err}");
    assert!(
        err.contains(&format!(
            "the deploy stopped after sending {taken} of {} files",
            files.len()
        )),
        "{err}"
    );
    assert!(err.contains("nothing was deleted"), "{err}");
    let requests = store.requests();
    assert!(
        !requests
            .iter()
            .any(|r| r.starts_with("DELETE") || r.starts_with("POST")),
        "{requests:?}"
    );
    assert!(
        !requests
            .iter()
            .any(|r| r.contains("deploy-manifest") && r.starts_with("PUT")),
        "no manifest written"
    );
}
