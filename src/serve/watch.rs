//! The site's files, watched: the paths that changed, in batches, each handed over as soon
//! as its burst of events has been quiet for `SETTLE`.
//!
//! A save is a burst of events within a millisecond or two (an editor's temporary file
//! written and renamed over the source, or the source truncated and written); a checkout
//! or a copy of many files is a longer one. Waiting a fixed time after every event (a
//! debouncer's 40 ms, checked every 10 ms) was about half of what a reader waited for an
//! edit at 10,000 articles (46 ms of a 100 ms median): here the rebuild starts `SETTLE`
//! after the last event, and nothing runs while nothing changes. Events that arrive during
//! a rebuild make the next batch.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::project::WATCHED;

/// How long a burst of events must be quiet before its batch is handed over.
const SETTLE: Duration = Duration::from_millis(5);
/// The longest a batch waits for its burst to end (a checkout of thousands of files).
const LONGEST: Duration = Duration::from_millis(250);

/// The watcher of a site's files.
pub struct Watch {
    watcher: RecommendedWatcher,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    /// The folders watched.
    watched: Vec<PathBuf>,
    /// Set when a change arrives, for whoever wants to know that one waits
    /// (`changes_waiting`).
    arrived: Arc<AtomicBool>,
}

impl Watch {
    pub fn new() -> Result<Watch, String> {
        let (send, events) = mpsc::channel();
        let arrived = Arc::new(AtomicBool::new(false));
        let flag = arrived.clone();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if event.as_ref().is_ok_and(is_change) {
                flag.store(true, Ordering::Release);
            }
            let _ = send.send(event);
        })
        .map_err(|e| e.to_string())?;
        Ok(Watch {
            watcher,
            events,
            watched: Vec::new(),
            arrived,
        })
    }

    /// Watches the site's folder itself (for `dateline.toml`) and every folder a build
    /// reads (`WATCHED`) that exists and is not watched yet (`watched` remembers them:
    /// watching a folder again would walk all its files again); a folder that was deleted
    /// and came back is watched again.
    pub fn site(&mut self, site: &Path) -> Result<(), String> {
        self.watched.retain(|p| p.is_dir());
        if self.watched.is_empty() {
            self.watcher
                .watch(site, RecursiveMode::NonRecursive)
                .map_err(|e| format!("{}: {e}", site.display()))?;
            self.watched.push(site.to_path_buf());
        }
        for dir in WATCHED {
            let path = site.join(dir);
            if path.is_dir() && !self.watched.contains(&path) {
                self.watcher
                    .watch(&path, RecursiveMode::Recursive)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                self.watched.push(path);
            }
        }
        Ok(())
    }

    /// The paths of the next batch of changes: waits for the first, then for the burst to
    /// be quiet for `SETTLE` (at most `LONGEST`). Errors of the watcher are said on
    /// stderr. None when the watcher is gone.
    pub fn next_batch(&self) -> Option<Vec<PathBuf>> {
        let mut paths = Vec::new();
        loop {
            take(self.events.recv().ok()?, &mut paths);
            if !paths.is_empty() {
                break;
            }
        }
        let started = Instant::now();
        while let Ok(event) = self.events.recv_timeout(SETTLE) {
            take(event, &mut paths);
            if started.elapsed() > LONGEST {
                break;
            }
        }
        // What arrives from now on is the next batch's.
        self.arrived.store(false, Ordering::Release);
        for event in self.events.try_iter() {
            take(event, &mut paths);
        }
        paths.sort();
        paths.dedup();
        Some(paths)
    }

    /// Whether a change arrived since the last batch was handed over.
    pub fn changes_waiting(&self) -> bool {
        self.arrived.load(Ordering::Acquire)
    }
}

/// Adds the paths of `event` to `paths` if it is a change; says a watcher's error.
fn take(event: notify::Result<notify::Event>, paths: &mut Vec<PathBuf>) {
    match event {
        Ok(event) if is_change(&event) => paths.extend(event.paths),
        Ok(_) => {}
        Err(error) => eprintln!("watching: {error}"),
    }
}

/// Whether an event is a change: reading a file (as every build does) is an event too.
fn is_change(event: &notify::Event) -> bool {
    !matches!(event.kind, EventKind::Access(_))
}
