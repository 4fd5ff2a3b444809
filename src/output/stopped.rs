//! What builds that were stopped before they could clean up (killed, out of memory, the
//! power lost) left beside their output, and whether the process that left a file is gone.

use std::fs;
use std::path::{Path, PathBuf};

use super::patch::COMMITTING;
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
/// build completes (`Output::commit`): those found are returned.
pub(super) fn clean_up_stopped_builds(parent: &Path, name: &str) -> Vec<PathBuf> {
    let target = parent.join(name);
    let mut markers = Vec::new();
    for (path, suffix) in left_by_stopped_builds(parent, name) {
        match suffix.as_str() {
            "old" if !target.exists() && fs::rename(&path, &target).is_ok() => {}
            "" | "old" | "trash" | "next" => remove_tree(&path),
            COMMITTING => markers.push(path),
            _ => {}
        }
    }
    markers
}

/// The markers of patches into `PARENT/NAME` that were stopped while they moved their
/// files in (`COMMITTING`): OUT holds files of two builds.
pub(super) fn stopped_commits(parent: &Path, name: &str) -> Vec<PathBuf> {
    (left_by_stopped_builds(parent, name).into_iter())
        .filter(|(_, suffix)| suffix == COMMITTING)
        .map(|(path, _)| path)
        .collect()
}

/// What builds into `PARENT/NAME` whose process is gone left beside it
/// (`.NAME.dateline-PID[.SUFFIX]`): each path, with the suffix after the process id (empty
/// for a staging folder).
fn left_by_stopped_builds(parent: &Path, name: &str) -> Vec<(PathBuf, String)> {
    let prefix = format!(".{name}.dateline-");
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let file_name = entry.file_name();
            let rest = file_name.to_str()?.strip_prefix(&prefix)?;
            let (pid, suffix) = rest.split_once('.').unwrap_or((rest, ""));
            stopped_process(pid).then(|| (entry.path(), suffix.to_string()))
        })
        .collect()
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
