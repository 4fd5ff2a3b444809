//! Progress of a long build on a terminal: one line, rewritten in place, naming the stage
//! and how far it got. Nothing is printed for builds shorter than a second, nor when the
//! output is not a terminal (indicatif draws nothing there), and the line is cleared at
//! the end.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// How long a build goes before its progress is shown.
const SHOWN_AFTER: Duration = Duration::from_secs(1);
/// How often the line is redrawn.
const REDRAWN_EVERY: Duration = Duration::from_millis(200);

/// A counter the build advances, shown by a thread of its own until dropped.
pub struct Progress {
    counter: Arc<Counter>,
    /// Dropping the sender stops the thread that shows the counter.
    shown: Option<(mpsc::Sender<()>, std::thread::JoinHandle<()>)>,
}

#[derive(Default)]
struct Counter {
    stage: Mutex<(&'static str, usize)>,
    /// Advanced by every thread of the build once a step: an atomic add, no more (the bar
    /// is told from the thread that shows it).
    done: AtomicUsize,
}

impl Progress {
    /// Starts showing progress on stderr (after a second) until dropped.
    pub fn start() -> Progress {
        let counter = Arc::new(Counter::default());
        let (stop, stopped) = mpsc::channel::<()>();
        let shown = Arc::clone(&counter);
        let thread = std::thread::spawn(move || {
            if stopped.recv_timeout(SHOWN_AFTER) != Err(RecvTimeoutError::Timeout) {
                return;
            }
            // Hidden until it has a stage to show: each change of it draws the line.
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            bar.set_style(
                ProgressStyle::with_template("{msg} {human_pos} / {human_len} ({done}%)")
                    .expect("a valid template")
                    // Rounded down: indicatif's `percent` says 100% before the last steps.
                    .with_key("done", |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{}", state.pos() * 100 / state.len().unwrap_or(0).max(1));
                    }),
            );
            let mut showing = ("", 0);
            loop {
                let stage = *shown.stage.lock().unwrap_or_else(|e| e.into_inner());
                let (name, total) = stage;
                if total > 0 {
                    if stage != showing {
                        bar.set_message(name);
                        bar.set_length(total as u64);
                        if showing.1 == 0 {
                            bar.set_draw_target(ProgressDrawTarget::stderr());
                        }
                        showing = stage;
                    }
                    bar.set_position(shown.done.load(Ordering::Relaxed).min(total) as u64);
                }
                if stopped.recv_timeout(REDRAWN_EVERY) != Err(RecvTimeoutError::Timeout) {
                    break;
                }
            }
            bar.finish_and_clear();
        });
        Progress {
            counter,
            shown: Some((stop, thread)),
        }
    }

    /// A new stage of `total` steps.
    pub fn stage(&self, name: &'static str, total: usize) {
        *self.counter.stage.lock().unwrap_or_else(|e| e.into_inner()) = (name, total);
        self.counter.done.store(0, Ordering::Relaxed);
    }

    /// One more step done.
    pub fn step(&self) {
        self.counter.done.fetch_add(1, Ordering::Relaxed);
    }
}

/// Stops showing progress, and clears the line before anything else is printed.
impl Drop for Progress {
    fn drop(&mut self) {
        if let Some((stop, thread)) = self.shown.take() {
            drop(stop);
            let _ = thread.join();
        }
    }
}
