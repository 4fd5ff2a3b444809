//! Removing what a build leaves behind: the output a full build replaced, the emptied
//! staging folders of a patch. A big one is removed in the background.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Removes a previous build, its top-level folders in parallel (a big archive has
/// hundreds of thousands of files).
pub(super) fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    if let Ok(entries) = fs::read_dir(dir) {
        let paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.par_iter().for_each(|p| {
            let _ = if p.is_dir() {
                fs::remove_dir_all(p)
            } else {
                fs::remove_file(p)
            };
        });
    }
    let _ = fs::remove_dir_all(dir);
}

/// Removes `old`, a previous output: renamed `trash` and removed in the background, or
/// here and now if either cannot be done.
pub(super) fn discard(old: &Path, trash: &Path) {
    match fs::rename(old, trash) {
        Ok(()) if remove_in_background(trash).is_some() => {}
        Ok(()) => remove_tree(trash),
        Err(_) => remove_tree(old),
    }
}

/// Files written from which what a build leaves behind (the output a full build replaced,
/// the emptied staging folders of a patch) is removed in the background: below it,
/// removing takes a fraction of the build.
pub(super) const BIG_OUTPUT: usize = 5_000;

/// Starts removing `dir` in a process of its own, which goes on once this one has
/// finished: removing the 140,000 files of the output a clean build replaced takes longer
/// than writing them, and the new output is complete already. Runs `rm -rf` at a low
/// priority, in a session of its own (an interrupt of the terminal's foreground jobs does
/// not stop it). None if it cannot be started; if it is stopped before it is done, the
/// next build removes the rest (`clean_up_stopped_builds`, by the build's process id in
/// the folder's name).
#[cfg(unix)]
pub(super) fn remove_in_background(dir: &Path) -> Option<Removal> {
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    let mut command = Command::new("rm");
    command
        .arg("-rf")
        .arg("--")
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    // SAFETY: between fork and exec the child only makes two system calls, both
    // async-signal-safe, and allocates nothing.
    unsafe {
        command.pre_exec(|| {
            let _ = rustix::process::setsid();
            let _ = rustix::process::setpriority_process(None, 10);
            Ok(())
        });
    }
    let mut child = command.spawn().ok()?;
    // Reaped when it ends, should this process (`dateline serve`) outlive it.
    Some(std::thread::spawn(move || child.wait()))
}

#[cfg(not(unix))]
pub(super) fn remove_in_background(_: &Path) -> Option<Removal> {
    None
}

/// A removal in the background: its end, for whoever wants to wait for it.
pub(super) type Removal = std::thread::JoinHandle<io::Result<std::process::ExitStatus>>;
