//! The time each stage of a build takes, and the process's memory after it: `-v` prints
//! them.

use std::time::{Duration, Instant};

use crate::Timings;

/// A stage: its name, how long it took, and the memory after it.
pub(super) type Stage = (&'static str, Duration, Option<u64>);

/// The stage `name`, begun at `started` and done now.
pub(super) fn stage(name: &'static str, started: Instant) -> Stage {
    (name, started.elapsed(), resident_memory())
}

/// The stages of a build as it goes, after those of reading the sources since the last
/// build (which count in its time).
pub(super) struct Stopwatch {
    timings: Timings,
    lap: Instant,
    /// The time the stages of reading took.
    read_time: Duration,
}

impl Stopwatch {
    /// Starts now, after the stages `read`.
    pub(super) fn after(read: Vec<Stage>) -> Stopwatch {
        Stopwatch {
            read_time: read.iter().map(|(_, d, _)| *d).sum(),
            timings: Timings(read),
            lap: Instant::now(),
        }
    }

    /// Ends the stage `name`, begun when the last one ended.
    pub(super) fn mark(&mut self, name: &'static str) {
        self.timings.0.push(stage(name, self.lap));
        self.lap = Instant::now();
    }

    /// The time the stages of reading the sources took.
    pub(super) fn read_time(&self) -> Duration {
        self.read_time
    }

    pub(super) fn timings(self) -> Timings {
        self.timings
    }
}

/// The process's resident memory in bytes, where the system tells it (Linux).
pub(crate) fn resident_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_follow_the_reading_of_the_sources() {
        let mut clock = Stopwatch::after(vec![("read", Duration::from_millis(5), None)]);
        clock.mark("plan");
        clock.mark("render");
        assert_eq!(clock.read_time(), Duration::from_millis(5));
        let names: Vec<&str> = clock.timings().0.iter().map(|(name, _, _)| *name).collect();
        assert_eq!(names, ["read", "plan", "render"]);
    }
}
