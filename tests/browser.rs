//! `dateline serve` in a real browser: headless Chromium, driven over the DevTools
//! protocol. An open article follows an edit of its source without a manual reload, and a
//! broken edit shows its problems over the page until it is fixed; the search page finds
//! articles, and says without JavaScript that it needs it; the theme's pages and search
//! work under the Content-Security-Policy of the built `_headers`, which serve sends.
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
    let tests = vec![
        in_a_browser(
            "an_open_page_follows_edits_and_shows_build_errors",
            an_open_page_follows_edits_and_shows_build_errors,
        ),
        in_a_browser(
            "search_finds_articles_under_a_base_path",
            search_finds_articles_under_a_base_path,
        ),
        in_a_browser(
            "search_finds_articles_at_the_root_of_a_host",
            search_finds_articles_at_the_root_of_a_host,
        ),
        in_a_browser(
            "the_theme_and_search_work_under_the_content_security_policy",
            the_theme_and_search_work_under_the_content_security_policy,
        ),
        in_a_browser(
            "the_search_page_without_javascript_says_it_needs_it",
            the_search_page_without_javascript_says_it_needs_it,
        ),
    ];
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
    /// The events the browser sent while the tab waited for answers, in order (from the
    /// tab and from the workers it started, once `watch` was called).
    events: Vec<Value>,
}

impl Tab {
    fn open(browser: &Browser, url: &str) -> Tab {
        let target = common::http::request("PUT", &format!("http://{}/json/new?{url}", browser.devtools));
        let info: Value = serde_json::from_str(&target.body).unwrap_or_else(|e| panic!("{e}: {}", target.body));
        let ws = info["webSocketDebuggerUrl"].as_str().expect("the tab's WebSocket");
        let (socket, _) = tungstenite::connect(ws).expect("connect to the tab");
        Tab {
            socket,
            next_id: 1,
            events: Vec::new(),
        }
    }

    /// Sends a command to the tab (or to a worker it started, by `session`): its id.
    fn send(&mut self, session: Option<&str>, method: &str, params: Value) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        let mut command = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            command["sessionId"] = json!(session);
        }
        self.socket.send(Message::text(command.to_string())).unwrap();
        id
    }

    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.send(None, method, params);
        loop {
            let message = self.socket.read().expect("DevTools answer");
            if let Message::Text(text) = message {
                let v: Value = serde_json::from_str(&text).unwrap();
                if v["id"] == id {
                    return v;
                }
                if v.get("method").is_some() {
                    self.event(v);
                }
            }
        }
    }

    /// Keeps an event. A worker the tab starts waits until its console and log are
    /// listened to too (see `watch`).
    fn event(&mut self, event: Value) {
        if event["method"] == "Target.attachedToTarget"
            && let Some(session) = event["params"]["sessionId"].as_str().map(String::from)
        {
            for method in ["Runtime.enable", "Log.enable", "Runtime.runIfWaitingForDebugger"] {
                self.send(Some(&session), method, json!({}));
            }
        }
        self.events.push(event);
    }

    /// Listens to what the tab's pages and their workers say (console, log, exceptions),
    /// and records every Content-Security-Policy violation of a page in
    /// `window.__violations` (from the start of each document).
    fn watch(&mut self) {
        self.call("Page.enable", json!({}));
        self.call("Runtime.enable", json!({}));
        self.call("Log.enable", json!({}));
        self.call(
            "Target.setAutoAttach",
            json!({ "autoAttach": true, "waitForDebuggerOnStart": true, "flatten": true }),
        );
        self.call(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": "window.__violations = []; \
                document.addEventListener('securitypolicyviolation', \
                  (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));" }),
        );
    }

    /// Loads `url` in this tab.
    fn go(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
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

/// The search page's result count, and the titles and bylines of the results shown, once
/// the search is done.
const RESULTS: &str = "(() => { const c = document.querySelector('.search-count'); \
    const list = document.querySelector('.search-results'); \
    if (!c || !c.textContent || !list || list.getAttribute('aria-busy')) return null; \
    return { count: c.textContent, \
      titles: [...list.querySelectorAll('.card-title a')].map(a => a.textContent), \
      links: [...list.querySelectorAll('.card-title a')].map(a => a.getAttribute('href')), \
      bylines: [...list.querySelectorAll('.card')].map(a => (a.querySelector('.by') || {}).textContent || ''), \
      dates: [...list.querySelectorAll('.card time')].map(t => t.textContent) }; })()";

const SEED: &str = "Japan’s PM Takaichi and Trump Discuss Strengthening US-Japan Alliance";
const SEED_PATH: &str = "2025/10/26/japans-pm-takaichi-and-trump-discuss-strengthening-us-japan-alliance/";

/// Searches `query` on the search page of `served`, and waits for what it finds.
fn search(tab: &mut Tab, served: &Served, query: &str, what: &str) -> Value {
    tab.go(&served.at(&format!("search/?{query}")));
    tab.wait_for(RESULTS, what, |v| {
        v.is_object() && (v["count"] == "No results" || !v["titles"].as_array().unwrap().is_empty())
    })
}

/// The number a result count starts with ("3 results for …"); 0 for "No results".
fn count(results: &Value) -> usize {
    let text = results["count"].as_str().unwrap();
    text.split(' ').next().unwrap().replace(',', "").parse().unwrap_or(0)
}

fn search_finds_articles_under_a_base_path(browser: &Browser) {
    searches_in(browser, Site::fixture("basic"), "/archive/");
}

fn search_finds_articles_at_the_root_of_a_host(browser: &Browser) {
    let site = Site::fixture("basic");
    let config = std::fs::read_to_string(site.root().join("dateline.toml")).unwrap();
    site.write(
        "dateline.toml",
        config.replace("https://news.example.com/archive/", "https://news.example.com/"),
    );
    searches_in(browser, site, "/");
}

/// What the search page finds on the fixture site served by `dateline serve` under
/// `base` (its base_url's path).
fn searches_in(browser: &Browser, site: Site, base: &str) {
    let late = "content/2025/12/late-night.md";
    let text = std::fs::read_to_string(site.root().join(late)).unwrap();
    site.write(late, format!("{text}\nThe talks moved to the Café Schönbrunn.\n"));
    let served = Served::start(site.root());
    let mut tab = Tab::open(browser, "about:blank");

    // A word only in the seed article's body: the seed first, with its byline, linked
    // under the base path.
    let found = search(&mut tab, &served, "q=Naruhito", "the seed article");
    assert_eq!(found["titles"][0], SEED, "{found}");
    assert_eq!(found["bylines"][0], "Austin Collins", "{found}");
    assert_eq!(
        found["dates"][0], "October 26, 2025",
        "the day of the site's calendar: {found}"
    );
    let link = found["links"][0].as_str().unwrap();
    assert!(link.starts_with(&format!("{base}2025/10/26/")), "{link}");

    // A word of a CJK title, wherever it is in the title.
    for word in ["東京", "首脳会談", "会談"] {
        let found = search(&mut tab, &served, &format!("q={word}"), "the Tokyo article");
        assert_eq!(found["titles"][0], "東京で首脳会談", "{word}: {found}");
    }

    // Accented words, typed with or without their accents.
    for query in ["q=cafe", "q=caf%C3%A9", "q=schonbrunn"] {
        let found = search(&mut tab, &served, query, "the article with the café");
        assert_eq!(count(&found), 1, "{query}: {found}");
        assert!(
            found["titles"][0].as_str().unwrap().contains("Late"),
            "{query}: {found}"
        );
    }

    // A filter narrows the results.
    let all = search(&mut tab, &served, "q=the", "every article");
    let in_2024 = search(&mut tab, &served, "q=the&year=2024", "the articles of 2024");
    assert!(count(&all) > count(&in_2024) && count(&in_2024) > 0, "{all} {in_2024}");
    let by = search(&mut tab, &served, "q=the&author=John%20Doe", "John Doe's articles");
    assert!(count(&by) < count(&all) && count(&by) > 0, "{by}");
    assert!(
        by["bylines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b.as_str().unwrap().contains("John Doe")),
        "{by}"
    );

    // A month's name finds the articles that name it, not every article of the month.
    let october = search(&mut tab, &served, "q=october", "articles naming October");
    assert_eq!(count(&october), 1, "{october}");
    assert_eq!(october["titles"][0], SEED, "{october}");

    // Newest first, across the years' indexes, with the year facet's counts.
    let newest = search(&mut tab, &served, "q=the&sort=date", "the articles, newest first");
    let days: Vec<String> = (newest["links"].as_array().unwrap().iter())
        .map(|l| l.as_str().unwrap()[base.len()..base.len() + 10].to_string())
        .collect();
    assert_eq!(days.len(), count(&all).min(10), "{newest}");
    assert!(days.windows(2).all(|w| w[0] >= w[1]), "newest first: {days:?}");
    assert!(days.last().unwrap().starts_with("2024"), "both years: {days:?}");
    let years = tab.eval("[...document.querySelectorAll('#search-year option')].map(o => o.textContent)");
    assert_eq!(years, json!(["All years", "2025 (4)", "2024 (1)"]), "{years}");

    // A word in no article.
    let none = search(&mut tab, &served, "q=zyzzyvas", "no results");
    assert_eq!(none["count"], "No results", "{none}");

    // After an edit, search finds the new text.
    let source = "content/2025/12/budget-vote.md";
    let text = std::fs::read_to_string(site.root().join(source)).unwrap();
    site.write(source, text.replace("narrow", "quinquennial"));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found = search(&mut tab, &served, "q=quinquennial", "the edited article");
        if count(&found) == 1 {
            assert!(
                found["titles"][0]
                    .as_str()
                    .unwrap()
                    .starts_with("Parliament Passes the Budget"),
                "{found}"
            );
            break;
        }
        assert!(Instant::now() < deadline, "search never found the edit: {found}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Without JavaScript, the search page hides its form and says that search needs it, with
/// links to browse the archive instead: the stylesheet does it, no style in the page.
fn the_search_page_without_javascript_says_it_needs_it(browser: &Browser) {
    let site = Site::fixture("basic");
    let served = Served::start(site.root());
    let mut tab = Tab::open(browser, "about:blank");
    tab.call("Emulation.setScriptExecutionDisabled", json!({ "value": true }));
    tab.go(&served.at("search/"));
    let shown = "(() => { const s = (c) => { const e = document.querySelector(c); \
        return e ? getComputedStyle(e).display : null; }; \
        return document.readyState === 'complete' && document.styleSheets.length > 0 \
          ? [s('.search-app'), s('.search-nojs'), s('.search-browse')] : null; })()";
    let seen = tab.wait_for(shown, "the search page without JavaScript", |v| v.is_array());
    assert_eq!(seen, json!(["none", "block", "block"]), "{seen}");
    assert!(
        tab.eval("document.querySelector('.search-browse a').getAttribute('href')")
            .as_str()
            .is_some_and(|href| href.starts_with("/archive/")),
        "links to browse the archive"
    );
}

/// The default theme's pages and a search work under the Content-Security-Policy of the
/// built `_headers`, which `dateline serve` sends as the host would: no violation in a
/// page or in Pagefind's worker, which runs (no fall-back to the page's thread).
fn the_theme_and_search_work_under_the_content_security_policy(browser: &Browser) {
    let site = Site::fixture("basic");
    let served = Served::start(site.root());
    let home = common::http::get(&served.url);
    let policy = home.header("content-security-policy").unwrap_or_default().to_string();
    assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval'"), "{policy}");
    let mut tab = Tab::open(browser, "about:blank");
    tab.watch();

    let styled = "document.readyState === 'complete' && document.styleSheets.length > 0 \
        && document.styleSheets[0].cssRules.length > 0";
    for page in ["", SEED_PATH, "authors/", "2025/12/", "no/such/page/"] {
        tab.go(&served.at(page));
        tab.wait_for(styled, &format!("/{page} with its stylesheet"), |v| v == true);
        assert_eq!(tab.eval("window.__violations"), json!([]), "/{page}");
    }
    let found = search(&mut tab, &served, "q=Naruhito", "the seed article");
    assert_eq!(found["titles"][0], SEED, "{found}");
    let every = search(&mut tab, &served, "q=the&sort=date", "every article");
    assert!(count(&every) > 1, "{every}");
    assert_eq!(tab.eval("window.__violations"), json!([]), "the search page");

    let worker = tab.events.iter().any(|e| {
        e["method"] == "Target.attachedToTarget"
            && (e["params"]["targetInfo"]["url"].as_str()).is_some_and(|url| url.ends_with("/pagefind-worker.js"))
    });
    assert!(worker, "Pagefind's worker ran");
    let said: Vec<String> = (tab.events.iter())
        .filter_map(|e| {
            let p = &e["params"];
            match e["method"].as_str()? {
                "Log.entryAdded" => Some(format!("log {}: {}", p["entry"]["source"], p["entry"]["text"])),
                "Runtime.consoleAPICalled" => Some(format!("console.{}: {}", p["type"], p["args"])),
                "Runtime.exceptionThrown" => Some(format!("exception: {}", p["exceptionDetails"])),
                _ => None,
            }
        })
        .collect();
    let refused: Vec<&String> = (said.iter())
        .filter(|s| s.contains("Content Security Policy") || s.contains("\"security\"") || s.contains("falling back"))
        .collect();
    assert!(refused.is_empty(), "{refused:#?}");
}
