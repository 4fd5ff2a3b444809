//! What builds that were stopped before they could clean up (killed, out of memory, the
//! power lost) left beside their output, and whether the process that left a file is gone.

use std::fs;
use std::path::Path;

use super::removal::remove_tree;

/// Cleans up after builds into `PARENT/NAME` that were stopped before they could
/// (killed, out of memory, the power lost), and whose process is gone: a build of another
/// site into the same folder may be running. Their staging folders `.NAME.dateline-PID`
/// go, and so do the new trees of atomic patches (`.NAME.dateline-PID.next`): before
/// they took OUT's place they were incomplete, after it they hold the previous build.
/// `.NAME.dateline-PID.old` is the previous output that a build was replacing: moved
/// back to `NAME` if the build was stopped before its own output took that place (the
/// site then keeps its last complete build), otherwise removed. `.NAME.dateline-PID.trash`
/// is a previous output that was being removed (`remove_in_background`): it goes. The
/// marker of a patch stopped half-way (`.NAME.dateline-PID.committing`) stays until a
/// build completes (`Output::commit`).
pub(super) fn clean_up_stopped_builds(parent: &Path, name: &str) {
    let prefix = format!(".{name}.dateline-");
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let target = parent.join(name);
    for entry in entries.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let Some(rest) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let (pid, suffix) = rest.split_once('.').unwrap_or((rest, ""));
        if !stopped_process(pid) {
            continue;
        }
        match suffix {
            "old" if !target.exists() && fs::rename(entry.path(), &target).is_ok() => {}
            "" | "old" | "trash" | "next" => remove_tree(&entry.path()),
            _ => {}
        }
    }
}

/// Whether `pid`, the process id in the name of a file a build writes beside its target
/// (`….dateline-PID`, `NAME.tmp-PID`), is of a process that is gone: not this one, nor
/// any that runs. What such a process left can go.
pub(crate) fn stopped_process(pid: &str) -> bool {
    pid.parse::<u32>()
        .is_ok_and(|pid| pid != std::process::id() && process_gone(pid))
}

/// Whether no process `pid` exists (never said where it cannot be known).
#[cfg(unix)]
fn process_gone(pid: u32) -> bool {
    let pid = i32::try_from(pid).ok().and_then(rustix::process::Pid::from_raw);
    // Signal 0 sends nothing; it only checks that the process exists.
    pid.is_some_and(|pid| rustix::process::test_kill_process(pid) == Err(rustix::io::Errno::SRCH))
}

#[cfg(not(unix))]
fn process_gone(_: u32) -> bool {
    false
}
