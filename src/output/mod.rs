//! The only writer. Everything a build writes goes first into a staging folder beside
//! OUT; only when the whole build has succeeded is it put in place, so a failed build
//! leaves the previous output untouched.
//!
//! A full build stages the whole site and swaps it in (no stale file survives). An
//! incremental build stages only the files whose bytes changed, then moves them into
//! OUT and deletes the files that no longer exist.
//!
//! A full build into a folder that holds a previous build but no record of it patches it
//! too, after reading what is there (`adopted`): files whose bytes did not change keep
//! their modification time.
//!
//! Here: the staging folder and how it is put in place (`Output`). Beside it: the record
//! of what a build wrote (`emitted`), what a previous build's folder holds (`adopted`),
//! the removal of what a build replaced (`removal`), and the clean-up after builds that
//! were stopped (`stopped`).

mod adopted;
mod emitted;
mod patch;
mod removal;
mod stopped;
#[cfg(test)]
mod tests;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::error::{Error, IoError, IoResultExt, Refusal, RefusedOutput};
use removal::{BIG_OUTPUT, discard, remove_tree};
use stopped::clean_up_stopped_builds;

pub use adopted::records_of;
pub use emitted::{Emit, Emitted, FileRecord, Records, Written};
pub(crate) use stopped::stopped_process;

/// How the staged files reach OUT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The staging folder is the whole new site and replaces OUT.
    Replace,
    /// The staging folder holds changed files, moved into OUT one by one.
    Patch,
}

/// An output folder being written.
#[derive(Debug)]
pub struct Output {
    target: PathBuf,
    staging: PathBuf,
    /// The staging folder, to make files in by their path below it.
    staging_dir: crate::walk::Folder,
    mode: Mode,
    /// Whether a patch may remove what stands in the way of a file it moves in: a folder
    /// that nothing recorded, whose files not made again are gone with the patch anyway.
    clears_the_way: bool,
    /// Whether a patch is applied to a tree of links to OUT that then takes its place in
    /// one step (`patch`), rather than in OUT itself.
    atomic: bool,
    /// The markers of patches stopped half-way that the clean-up found (`stopped`): a
    /// commit makes OUT a whole build again, and removes them.
    stopped_commits: Vec<PathBuf>,
    committed: bool,
}

impl Output {
    /// Prepares to replace `target` entirely; refuses folders that hold the site or look
    /// like something other than a previous build.
    pub fn create(target: &Path, site: &Path) -> Result<Output, Error> {
        Output::new(target, site, Mode::Replace)
    }

    /// Prepares to change some files of `target`, a previous build.
    pub fn patch(target: &Path, site: &Path) -> Result<Output, Error> {
        Output::new(target, site, Mode::Patch)
    }

    /// Prepares to change some files of `target`, a previous build that no record tells
    /// (`records_of` read it), into a whole new build: a file or folder that stands where a
    /// file is moved in is removed (a full build would not have kept it either), so that
    /// the patch cannot fail on what a build that failed half-way left.
    pub fn adopt(target: &Path, site: &Path) -> Result<Output, Error> {
        let mut output = Output::new(target, site, Mode::Patch)?;
        output.clears_the_way = true;
        Ok(output)
    }

    /// Whether a patch is put in place all at once (`[output] atomic`): see `patch`.
    pub fn atomic(mut self, atomic: bool) -> Output {
        self.atomic = atomic;
        self
    }

    fn new(target: &Path, site: &Path, mode: Mode) -> Result<Output, Error> {
        check_target(target, site)?;
        let parent = parent_of(target);
        let name = target
            .file_name()
            .ok_or_else(|| refused(target, Refusal::NoName))?
            .to_string_lossy()
            .into_owned();
        fs::create_dir_all(parent).at("create the folder", parent)?;
        let stopped_commits = clean_up_stopped_builds(parent, &name);
        let staging = parent.join(format!(".{name}.dateline-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).at("remove", &staging)?;
        }
        fs::create_dir(&staging).at("create the folder", &staging)?;
        Ok(Output {
            target: target.to_path_buf(),
            staging_dir: crate::walk::Folder::at(&staging),
            staging,
            mode,
            clears_the_way: false,
            atomic: false,
            stopped_commits,
            committed: false,
        })
    }

    /// Writes a file at `rel` (a `/`-separated path); an error names it at its place in
    /// OUT.
    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), IoError> {
        use std::io::Write;
        let written = || -> io::Result<()> {
            if let Some((dir, _)) = rel.rsplit_once('/') {
                // Most pages have a folder of their own, whose parent exists already: one
                // mkdir, instead of create_dir_all's look at the folder and its parent first.
                match self.staging_dir.make_folder(dir) {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
                    Err(_) => fs::create_dir_all(self.staging.join(dir))?,
                }
            }
            self.staging_dir.create_file(rel)?.write_all(bytes)
        };
        written().at("write", &self.target.join(rel))
    }

    /// Writes a file at `rel` unless `previous` records these very bytes there. The error
    /// is of the kind the caller gathers: an `Error`, or a `Diagnostic` while it gathers
    /// those.
    pub fn emit<E: From<IoError>>(&self, rel: &str, bytes: &[u8], previous: &Records) -> Result<Emit, E> {
        let record = FileRecord::of(bytes);
        let written = previous.get(rel).map(|w| w.file) != Some(record);
        if written {
            self.write(rel, bytes)?;
        }
        Ok(Emit::new(rel, record, written))
    }

    /// Puts the staged files in place. `written` lists them (moved in one by one in patch
    /// mode; their number tells how big the output is), `removed` the files of the previous
    /// build that are gone (patch mode).
    pub fn commit(mut self, written: &[impl AsRef<str> + Sync], removed: &[String]) -> Result<(), IoError> {
        let fail = |e: io::Error| IoError::new("replace", &self.target, e);
        // The previous output is about as big as this one: when that is big, removing it
        // takes longer than writing it did, and nothing waits for it.
        let big = written.len() >= BIG_OUTPUT;
        let remove = |previous: &Path| match big {
            true => discard(previous, &self.beside("trash")),
            false => remove_tree(previous),
        };
        match self.mode {
            Mode::Replace if self.target.exists() => {
                let previous = patch::exchange(&self.staging, &self.target, &self.beside("old")).map_err(fail)?;
                remove(&previous);
            }
            Mode::Replace => fs::rename(&self.staging, &self.target).map_err(fail)?,
            Mode::Patch if self.atomic => {
                let next = self.beside(patch::NEXT);
                let made = patch::link_tree(&self.target, &next)
                    .and_then(|()| patch::apply(&self.staging, &next, written, removed, self.clears_the_way));
                if let Err(e) = made {
                    remove_tree(&next);
                    return Err(e);
                }
                let previous = patch::exchange(&next, &self.target, &self.beside("old")).map_err(fail)?;
                remove(&previous);
            }
            Mode::Patch => {
                let marker = self.beside(patch::COMMITTING);
                fs::write(&marker, b"").at("write", &marker)?;
                // The marker goes below, with those of patches stopped before.
                patch::apply(&self.staging, &self.target, written, removed, self.clears_the_way)?;
            }
        }
        // OUT is a whole build again: what a patch stopped half-way (or one of this
        // process that failed) said is no longer so.
        for marker in self.stopped_commits.iter().chain([&self.beside(patch::COMMITTING)]) {
            let _ = fs::remove_file(marker);
        }
        if self.mode == Mode::Patch {
            // What is left is the staging folder's tree of folders, emptied: one for
            // every file moved, and as slow to remove as they were to move.
            remove(&self.staging);
        }
        self.committed = true;
        Ok(())
    }

    /// `.NAME.dateline-PID.SUFFIX`, beside the staging folder.
    fn beside(&self, suffix: &str) -> PathBuf {
        let mut name = self.staging.file_name().unwrap_or_default().to_os_string();
        name.push(".");
        name.push(suffix);
        self.staging.with_file_name(name)
    }
}

/// The folder `target` is in (`.` for a name alone), where its staging folder and what
/// stopped builds left go.
fn parent_of(target: &Path) -> &Path {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// A patch of the output folder `target` that was stopped while it moved its files in
/// (killed, the power lost): the marker it left, while no build has completed since. The
/// folder then holds some files of the new build and the others of the previous one
/// (every link leads to a file); the next build completes it.
pub fn interrupted(target: &Path) -> Option<PathBuf> {
    let name = target.file_name()?.to_string_lossy();
    stopped::stopped_commits(parent_of(target), &name).into_iter().next()
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Whether `target` holds a previous build that a build may write into (its `index.html`
/// tells, as it does to `check_target`).
pub fn holds_a_build(target: &Path, site: &Path) -> bool {
    target.join("index.html").is_file() && check_target(target, site).is_ok()
}

/// Refuses a `target` that a build must not replace: the site's own folder, a folder of
/// files no build wrote, a file.
fn check_target(target: &Path, site: &Path) -> Result<(), RefusedOutput> {
    let absolute = |p: &Path| fs::canonicalize(p).ok();
    if let (Some(t), Some(s)) = (absolute(target), absolute(site))
        && s.starts_with(&t)
    {
        return Err(refused(target, Refusal::HoldsTheSite));
    }
    if target.is_file() {
        return Err(refused(target, Refusal::IsAFile));
    }
    if let Ok(mut entries) = fs::read_dir(target)
        && entries.next().is_some()
        && !target.join("index.html").is_file()
    {
        return Err(refused(target, Refusal::NotABuild));
    }
    Ok(())
}

/// `target` refused as the output folder, for `reason`.
fn refused(target: &Path, reason: Refusal) -> RefusedOutput {
    RefusedOutput {
        folder: target.to_path_buf(),
        reason,
    }
}
