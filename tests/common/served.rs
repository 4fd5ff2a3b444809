//! `dateline serve` run as a user runs it, on a free port.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Runs `dateline serve --port 0 -s SITE` with `args` before the site, for a start that
/// must fail: its output once it has exited. Panics if it is still serving after 30 s
/// (then it was not stopped by what should have stopped it).
pub fn serve_expecting_exit(site: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dateline"))
        .arg("serve")
        .args(args)
        .args(["--port", "0", "-s"])
        .arg(site)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start dateline serve");
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().expect("wait for dateline serve").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            panic!(
                "dateline serve {args:?} was still running after 30 s; it printed:\n{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

/// A running `dateline serve`, stopped when dropped.
pub struct Served {
    child: Child,
    /// The URL it printed, e.g. `http://127.0.0.1:43123/archive/`.
    pub url: String,
    /// Lines it printed after starting.
    pub lines: mpsc::Receiver<String>,
    /// Lines it printed before its URL (stdout and stderr are read apart, so a warning on
    /// stderr may arrive before or after the URL on stdout).
    pub earlier: Vec<String>,
}

impl Served {
    pub fn start(site: &Path) -> Served {
        Served::start_with(site, &[])
    }

    /// Runs `dateline serve --port 0 ARGS -s SITE`.
    pub fn start_with(site: &Path, args: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dateline"))
            .args(["serve", "--port", "0"])
            .args(args)
            .arg("-s")
            .arg(site)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start dateline serve");
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        let tx2 = tx.clone();
        std::thread::spawn(move || {
            BufReader::new(out)
                .lines()
                .map_while(Result::ok)
                .for_each(|l| drop(tx.send(l)))
        });
        std::thread::spawn(move || {
            BufReader::new(err)
                .lines()
                .map_while(Result::ok)
                .for_each(|l| drop(tx2.send(l)))
        });
        // Held from here on, so the server is stopped whatever happens next.
        let mut served = Served {
            child,
            url: String::new(),
            lines: rx,
            earlier: Vec::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let line = served
                .lines
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("serve printed its URL");
            if let Some(rest) = line.strip_prefix("Serving ") {
                served.url = rest.split_whitespace().next().unwrap().to_string();
                return served;
            }
            served.earlier.push(line);
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The absolute URL of a site path (`2025/` → `http://…/archive/2025/`).
    pub fn at(&self, rel: &str) -> String {
        format!("{}{rel}", self.url)
    }

    /// Waits until `check` holds for the page at `rel`, or panics after 15 s.
    pub fn wait_for(
        &self,
        rel: &str,
        what: &str,
        check: impl Fn(&super::http::Response) -> bool,
    ) -> super::http::Response {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let response = super::http::get(&self.at(rel));
            if check(&response) {
                return response;
            }
            assert!(
                Instant::now() < deadline,
                "waited 15 s for {what} at {rel}; last status {}",
                response.status
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
