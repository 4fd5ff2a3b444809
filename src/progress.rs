//! Progress of a long build on a terminal: one line, rewritten in place, naming the stage
//! and how far it got. Nothing is printed for builds shorter than a second, nor when the
//! output is not a terminal.

use std::io::Write;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// A counter the build advances, shared with the thread that prints it.
#[derive(Default)]
pub struct Progress {
    stage: Mutex<(&'static str, usize)>,
    done: AtomicUsize,
    finished: AtomicBool,
}

impl Progress {
    /// Starts printing progress to stderr (after a second) until `finish` is called.
    pub fn start() -> Arc<Progress> {
        let progress = Arc::new(Progress::default());
        let shown = progress.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(1));
            let mut printed = false;
            while !shown.finished.load(Ordering::Relaxed) {
                let (stage, total) = *shown.stage.lock().unwrap_or_else(|e| e.into_inner());
                if total > 0 {
                    let done = shown.done.load(Ordering::Relaxed).min(total);
                    eprint!(
                        "\r\x1b[2K{stage} {} / {} ({}%)",
                        crate::render::thousands(done),
                        crate::render::thousands(total),
                        done * 100 / total
                    );
                    let _ = std::io::stderr().flush();
                    printed = true;
                }
                std::thread::sleep(Duration::from_millis(200));
            }
            if printed {
                eprint!("\r\x1b[2K");
                let _ = std::io::stderr().flush();
            }
        });
        progress
    }

    /// A new stage of `total` steps.
    pub fn stage(&self, name: &'static str, total: usize) {
        *self.stage.lock().unwrap_or_else(|e| e.into_inner()) = (name, total);
        self.done.store(0, Ordering::Relaxed);
    }

    /// One more step done.
    pub fn step(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    /// Stops printing and clears the line.
    pub fn finish(&self) {
        self.finished.store(true, Ordering::Relaxed);
    }
}
