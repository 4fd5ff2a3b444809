//! `dateline serve` in a real browser: headless Chromium, driven over the DevTools
//! protocol. An open article follows an edit of its source without a manual reload, and a
//! broken edit shows its problems over the page until it is fixed.
//!
//! Needs Chromium (Debian: `chromium`). Without one the test is reported as ignored, not
//! as passed, unless `DATELINE_REQUIRE_BROWSER` is set (as `.ci/run` does), which makes a
//! missing browser fail. Rust's own test harness cannot decide at run time that a test did
//! not run, so this file has its own (libtest-mimic; `harness = false` in Cargo.toml).

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Site;
use common::served::Served;
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket, stream::MaybeTlsStream};

struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
    devtools: String,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_chromium() -> Option<String> {
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .map(String::from)
}

fn main() {
    let arguments = Arguments::from_args();
    let tests = vec![in_a_browser(
        "an_open_page_follows_edits_and_shows_build_errors",
        an_open_page_follows_edits_and_shows_build_errors,
    )];
    libtest_mimic::run(&arguments, tests).exit();
}

/// A test that runs `test` with a browser: ignored (and said so) when there is none, a
/// failure when there is none and `DATELINE_REQUIRE_BROWSER` is set.
fn in_a_browser(name: &str, test: fn(&Browser)) -> Trial {
    Trial::ignorable_test(name, move || {
        let Some(binary) = find_chromium() else {
            if std::env::var_os("DATELINE_REQUIRE_BROWSER").is_some() {
                return Err(Failed::from(
                    "DATELINE_REQUIRE_BROWSER is set, but no Chromium was found",
                ));
            }
            return Ok(Completion::ignored_with(
                "no Chromium found (set DATELINE_REQUIRE_BROWSER to make that a failure)",
            ));
        };
        test(&launch(&binary));
        Ok(Completion::Completed)
    })
}

fn launch(binary: &str) -> Browser {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(binary)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start Chromium");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(url) = line.split("DevTools listening on ").nth(1) {
                let _ = tx.send(url.trim().to_string());
            }
        }
    });
    let ws = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("Chromium's DevTools address");
    let devtools = ws.trim_start_matches("ws://").split('/').next().unwrap().to_string();
    Browser {
        child,
        _profile: profile,
        devtools,
    }
}

/// One tab, spoken to over its DevTools WebSocket.
struct Tab {
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
}

impl Tab {
    fn open(browser: &Browser, url: &str) -> Tab {
        let target = common::http::request("PUT", &format!("http://{}/json/new?{url}", browser.devtools));
        let info: Value = serde_json::from_str(&target.body).unwrap_or_else(|e| panic!("{e}: {}", target.body));
        let ws = info["webSocketDebuggerUrl"].as_str().expect("the tab's WebSocket");
        let (socket, _) = tungstenite::connect(ws).expect("connect to the tab");
        Tab { socket, next_id: 1 }
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.socket
            .send(Message::text(
                json!({ "id": id, "method": method, "params": params }).to_string(),
            ))
            .unwrap();
        loop {
            let message = self.socket.read().expect("DevTools answer");
            if let Message::Text(text) = message {
                let v: Value = serde_json::from_str(&text).unwrap();
                if v["id"] == id {
                    return v;
                }
            }
        }
    }

    /// Evaluates a JavaScript expression in the page.
    fn eval(&mut self, expression: &str) -> Value {
        let v = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        );
        v["result"]["result"]["value"].clone()
    }

    /// Waits until `expression` gives `expected`, or panics.
    fn wait_for(&mut self, expression: &str, what: &str, check: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let value = self.eval(expression);
            if check(&value) {
                return value;
            }
            assert!(
                Instant::now() < deadline,
                "waited 20 s for {what}; the page says {value}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

const H1: &str = "document.querySelector('h1') ? document.querySelector('h1').textContent : null";
const OVERLAY: &str = "document.getElementById('dateline-error-overlay') ? document.getElementById('dateline-error-overlay').textContent : null";

fn an_open_page_follows_edits_and_shows_build_errors(browser: &Browser) {
    let site = Site::fixture("basic");
    let source = "content/2025/12/budget-vote.md";
    // A fixed slug keeps the URL while the title changes.
    let original = std::fs::read_to_string(site.root().join(source))
        .unwrap()
        .replace("section: Politics\n", "section: Politics\nslug: budget\n");
    site.write(source, &original);
    let served = Served::start(site.root());
    let mut tab = Tab::open(browser, &served.at("2025/12/02/budget/"));
    tab.wait_for(H1, "the article", |v| v == "Parliament Passes the Budget: What’s in It");
    // Mark the document: a live reload replaces it, a typed reload would be a test of nothing.
    tab.eval("window.__opened_by_test = true");

    site.write(source, original.replace("What’s in It", "Edited in the Newsroom"));
    tab.wait_for(H1, "the new title", |v| {
        v == "Parliament Passes the Budget: Edited in the Newsroom"
    });
    assert_eq!(
        tab.eval("window.__opened_by_test === true"),
        json!(false),
        "the page reloaded itself"
    );

    site.write(
        source,
        original.replace("date: 2025-12-02T21:30:00-05:00", "date: 2025-12-32"),
    );
    let overlay = tab.wait_for(OVERLAY, "the error overlay", |v| v.is_string());
    let text = overlay.as_str().unwrap();
    assert!(
        text.contains("content/2025/12/budget-vote.md:3:7: error: invalid `date`"),
        "{text}"
    );
    assert_eq!(
        tab.eval(H1),
        json!("Parliament Passes the Budget: Edited in the Newsroom"),
        "the last good build stays"
    );

    site.write(source, original.replace("What’s in It", "Fixed Again"));
    tab.wait_for(OVERLAY, "the overlay to go", Value::is_null);
    tab.wait_for(H1, "the fixed title", |v| {
        v == "Parliament Passes the Budget: Fixed Again"
    });
}
