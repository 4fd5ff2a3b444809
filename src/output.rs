//! The only writer. Everything a build writes goes first into a staging folder beside
//! OUT; only when the whole build has succeeded is it put in place, so a failed build
//! leaves the previous output untouched.
//!
//! A full build stages the whole site and swaps it in (no stale file survives). An
//! incremental build stages only the files whose bytes changed, then moves them into
//! OUT and deletes the files that no longer exist.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::error::{Error, IoError, IoResultExt};

/// What is known of a written file: a hash of its bytes and its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileRecord {
    pub hash: u64,
    pub len: u64,
}

impl FileRecord {
    pub fn of(bytes: &[u8]) -> FileRecord {
        FileRecord {
            hash: crate::parse::content_hash(bytes),
            len: bytes.len() as u64,
        }
    }
}

/// What a build wrote at one path: the record of the bytes and, for a page, a feed or a
/// sitemap, the fingerprint of what it was made from (the next build makes it again only
/// if that changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Written {
    pub file: FileRecord,
    pub fingerprint: Option<u64>,
}

/// What the last build wrote: output path → what is there. (Paths read from the build
/// cache borrow from its file, mapped for the rest of the process.)
pub type Records = ahash::AHashMap<std::borrow::Cow<'static, str>, Written>;

/// A file `Output::emit` was given (or `Emit::kept`).
pub struct Emit {
    rel: String,
    record: FileRecord,
    /// Whether its bytes changed, and so were written.
    written: bool,
    fingerprint: Option<u64>,
}

impl Emit {
    /// The file at `rel` as the last build wrote it, if it was made from what `fingerprint`
    /// stands for: it is left as it is, without being made again.
    pub fn kept(rel: &str, fingerprint: u64, previous: &Records) -> Option<Emit> {
        let last = previous.get(rel).filter(|w| w.fingerprint == Some(fingerprint))?;
        Some(Emit {
            rel: rel.to_string(),
            record: last.file,
            written: false,
            fingerprint: Some(fingerprint),
        })
    }

    /// This emit, recording the fingerprint of what the file was made from.
    pub fn made_from(self, fingerprint: u64) -> Emit {
        Emit {
            fingerprint: Some(fingerprint),
            ..self
        }
    }

    /// The file as `Emitted` lists it.
    fn into_file(self) -> (String, Written) {
        let written = Written {
            file: self.record,
            fingerprint: self.fingerprint,
        };
        (self.rel, written)
    }
}

/// Every file a build generated or copied.
#[derive(Debug, Default)]
pub struct Emitted {
    /// Every file, with the hash and length of its bytes (and a fingerprint).
    pub files: Vec<(String, Written)>,
    /// Which of `files` had bytes that changed, and so were written (all of them in a full
    /// build: their places, not copies of their paths).
    written: Vec<usize>,
}

impl Emitted {
    /// Adds what `Output::emit` did; its problems go to `problems`.
    pub fn gather<E>(&mut self, results: impl IntoIterator<Item = Result<Emit, E>>, problems: &mut Vec<E>) {
        let results = results.into_iter();
        self.files.reserve(results.size_hint().0);
        for result in results {
            match result {
                Ok(emit) => {
                    if emit.written {
                        self.written.push(self.files.len());
                    }
                    self.files.push(emit.into_file());
                }
                Err(d) => problems.push(d),
            }
        }
    }

    /// Like `gather`, for a list of results some of which are not there: when nothing
    /// was gathered yet, the list of files is made in the memory of `results`.
    pub fn gather_pages<E>(&mut self, results: Vec<Option<Result<Emit, E>>>, problems: &mut Vec<E>) {
        if !self.files.is_empty() {
            return self.gather(results.into_iter().flatten(), problems);
        }
        let written = &mut self.written;
        written.reserve(results.len());
        let mut at = 0;
        // `filter_map` over the list's own iterator: collected in place (std reuses the
        // allocation when the items it makes are no larger).
        self.files = results
            .into_iter()
            .filter_map(|result| match result? {
                Ok(emit) => {
                    if emit.written {
                        written.push(at);
                    }
                    at += 1;
                    Some(emit.into_file())
                }
                Err(d) => {
                    problems.push(d);
                    None
                }
            })
            .collect();
    }

    /// The files whose bytes changed, and so were written.
    pub fn written(&self) -> impl ExactSizeIterator<Item = &str> {
        self.written.iter().map(|&i| self.files[i].0.as_str())
    }
}

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

    fn new(target: &Path, site: &Path, mode: Mode) -> Result<Output, Error> {
        check_target(target, site)?;
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| Diagnostic::file(target, "the output folder needs a name"))?
            .to_string_lossy()
            .into_owned();
        fs::create_dir_all(&parent).at("create the folder", &parent)?;
        clean_up_stopped_builds(&parent, &name);
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
        Ok(Emit {
            rel: rel.to_string(),
            record,
            written,
            fingerprint: None,
        })
    }

    /// Puts the staged files in place. `written` lists them (moved in one by one in patch
    /// mode; their number tells how big the output is), `removed` the files of the previous
    /// build that are gone (patch mode).
    pub fn commit(mut self, written: &[impl AsRef<str> + Sync], removed: &[String]) -> Result<(), IoError> {
        let fail = |e: io::Error| IoError::new("replace", &self.target, e);
        match self.mode {
            Mode::Replace => {
                if self.target.exists() {
                    let old = self.staging.with_extension("old");
                    fs::rename(&self.target, &old).map_err(fail)?;
                    if let Err(e) = fs::rename(&self.staging, &self.target) {
                        // Put the previous build back rather than leave no output at all.
                        let _ = fs::rename(&old, &self.target);
                        return Err(fail(e));
                    }
                    // The previous output is about as big as this one: when that is big,
                    // removing it takes longer than writing it did, and nothing waits for it.
                    match written.len() >= BIG_OUTPUT {
                        true => discard(&old, &self.staging.with_extension("trash")),
                        false => remove_tree(&old),
                    }
                } else {
                    fs::rename(&self.staging, &self.target).map_err(fail)?;
                }
            }
            Mode::Patch => {
                use rayon::prelude::*;
                // On every core: a new article moves every page of the listings it joins
                // down by one, and thousands of files change. A file's folder is made
                // only if the move finds it missing.
                written.par_iter().try_for_each(|rel| {
                    let (from, to) = (self.staging.join(rel.as_ref()), self.target.join(rel.as_ref()));
                    match fs::rename(&from, &to) {
                        Err(e) if e.kind() == io::ErrorKind::NotFound && from.exists() => {
                            if let Some(dir) = to.parent() {
                                fs::create_dir_all(dir).at("create the folder", dir)?;
                            }
                            fs::rename(&from, &to)
                        }
                        moved => moved,
                    }
                    .at("write", &to)
                })?;
                for rel in removed {
                    let path = self.target.join(rel);
                    match fs::remove_file(&path) {
                        Ok(()) => prune_empty_parents(&self.target, &path),
                        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                        Err(e) => return Err(IoError::new("remove", path, e)),
                    }
                }
                // What is left is the staging folder's tree of folders, emptied: one for
                // every file moved, and as slow to remove as they were to move.
                match written.len() >= BIG_OUTPUT {
                    true => discard(&self.staging, &self.staging.with_extension("trash")),
                    false => {
                        let _ = fs::remove_dir_all(&self.staging);
                    }
                }
            }
        }
        self.committed = true;
        Ok(())
    }
}

/// Cleans up after builds into `PARENT/NAME` that were stopped before they could
/// (killed, out of memory, the power lost), and whose process is gone: a build of another
/// site into the same folder may be running. Their staging folders `.NAME.dateline-PID`
/// go. `.NAME.dateline-PID.old` is the previous output that a build was replacing: moved
/// back to `NAME` if the build was stopped before its own output took that place (the
/// site then keeps its last complete build), otherwise removed. `.NAME.dateline-PID.trash`
/// is a previous output that was being removed (`remove_in_background`): it goes.
fn clean_up_stopped_builds(parent: &Path, name: &str) {
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
        let (pid, previous_output) = match (rest.strip_suffix(".old"), rest.strip_suffix(".trash")) {
            (Some(pid), _) => (pid, true),
            (None, Some(pid)) => (pid, false),
            (None, None) => (rest, false),
        };
        if !stopped_process(pid) {
            continue;
        }
        if previous_output && !target.exists() && fs::rename(entry.path(), &target).is_ok() {
            continue;
        }
        remove_tree(&entry.path());
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

/// Removes a previous build, its top-level folders in parallel (a big archive has
/// hundreds of thousands of files).
fn remove_tree(dir: &Path) {
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
fn discard(old: &Path, trash: &Path) {
    match fs::rename(old, trash) {
        Ok(()) if remove_in_background(trash).is_some() => {}
        Ok(()) => remove_tree(trash),
        Err(_) => remove_tree(old),
    }
}

/// Files written from which what a build leaves behind (the output a full build replaced,
/// the emptied staging folders of a patch) is removed in the background: below it,
/// removing takes a fraction of the build.
const BIG_OUTPUT: usize = 5_000;

/// Starts removing `dir` in a process of its own, which goes on once this one has
/// finished: removing the 140,000 files of the output a clean build replaced takes longer
/// than writing them, and the new output is complete already. Runs `rm -rf` at a low
/// priority, in a session of its own (an interrupt of the terminal's foreground jobs does
/// not stop it). None if it cannot be started; if it is stopped before it is done, the
/// next build removes the rest (`clean_up_stopped_builds`, by the build's process id in
/// the folder's name).
#[cfg(unix)]
fn remove_in_background(dir: &Path) -> Option<Removal> {
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
fn remove_in_background(_: &Path) -> Option<Removal> {
    None
}

/// A removal in the background: its end, for whoever wants to wait for it.
type Removal = std::thread::JoinHandle<io::Result<std::process::ExitStatus>>;

/// Removes the folders above `file` that became empty, up to `root`.
fn prune_empty_parents(root: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == root || !d.starts_with(root) || fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

fn check_target(target: &Path, site: &Path) -> Result<(), Diagnostic> {
    let absolute = |p: &Path| fs::canonicalize(p).ok();
    if let (Some(t), Some(s)) = (absolute(target), absolute(site))
        && s.starts_with(&t)
    {
        return Err(Diagnostic::file(
            target,
            "refusing to replace the output folder: it holds the site itself",
        )
        .with_hint("choose another folder with `-o OUT`"));
    }
    if target.is_file() {
        return Err(Diagnostic::file(target, "the output path is a file, not a folder"));
    }
    if let Ok(mut entries) = fs::read_dir(target)
        && entries.next().is_some()
        && !target.join("index.html").is_file()
    {
        return Err(Diagnostic::file(
            target,
            "refusing to replace the output folder: it is not empty and holds no previous build (no index.html)",
        )
        .with_hint("empty it or choose another folder with `-o OUT`"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A temporary folder with a site in it (`site`), and the path of its output (`public`).
    fn site_and_output() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        fs::create_dir(&site).unwrap();
        let out = dir.path().join("public");
        (dir, site, out)
    }

    /// What stopped builds left beside the output is cleaned up when the next build starts:
    /// staging folders go, and so does a previous output being replaced, unless the output
    /// is missing, when it comes back. What running builds stage, and anything else, stays.
    #[cfg(unix)]
    #[test]
    fn a_build_cleans_up_after_stopped_builds() {
        let (dir, site, out) = site_and_output();
        let folder = |name: &str, page: &str| {
            fs::create_dir_all(dir.path().join(name).join("2025")).unwrap();
            fs::write(dir.path().join(name).join("2025/index.html"), page).unwrap();
            fs::write(dir.path().join(name).join("index.html"), page).unwrap();
        };
        let page = |name: &str| fs::read_to_string(dir.path().join(name).join("2025/index.html")).ok();
        // No system hands out this process id (Linux's largest is 2^22), and 1 always runs.
        let gone = 4_194_999;
        let (staged, previous, trash) = (
            format!(".public.dateline-{gone}"),
            format!(".public.dateline-{gone}.old"),
            format!(".public.dateline-{gone}.trash"),
        );
        let kept = [
            ".public.dateline-1".to_string(),
            ".public.dateline-1.old".to_string(),
            ".public.dateline-1.trash".to_string(),
            format!(".other.dateline-{gone}"),
            ".public.dateline-x".to_string(),
        ];
        folder(&staged, "half");
        folder(&trash, "being removed");
        folder(&previous, "last complete build");
        for name in &kept {
            folder(name, "x");
        }

        // Stopped between moving the output aside and its own in: the output comes back.
        drop(Output::create(&out, &site).unwrap());
        assert_eq!(page("public").as_deref(), Some("last complete build"));
        assert_eq!(page(&staged), None);
        assert_eq!(page(&previous), None);
        assert_eq!(page(&trash), None);

        // Stopped while removing the output it replaced: that goes.
        folder(&previous, "older build");
        let o = Output::create(&out, &site).unwrap();
        o.write("index.html", b"new").unwrap();
        o.commit(&[] as &[&str], &[]).unwrap();
        assert_eq!(page(&previous), None);
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"new");
        for name in &kept {
            assert_eq!(page(name).as_deref(), Some("x"), "{name}");
        }
    }

    #[test]
    fn commit_replaces_and_drop_discards() {
        let (dir, site, out) = site_and_output();

        let o = Output::create(&out, &site).unwrap();
        o.write("index.html", b"one").unwrap();
        o.write("a/b/index.html", b"ab").unwrap();
        o.commit(&[] as &[&str], &[]).unwrap();
        assert_eq!(fs::read(out.join("a/b/index.html")).unwrap(), b"ab");

        let o = Output::create(&out, &site).unwrap();
        o.write("index.html", b"two").unwrap();
        drop(o);
        assert_eq!(
            fs::read(out.join("index.html")).unwrap(),
            b"one",
            "a dropped build leaves the old output"
        );

        let o = Output::create(&out, &site).unwrap();
        o.write("index.html", b"three").unwrap();
        o.commit(&[] as &[&str], &[]).unwrap();
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"three");
        assert!(!out.join("a").exists(), "stale files are gone");
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 2, "{leftovers:?}");
    }

    #[test]
    fn a_file_that_cannot_be_written_is_named_in_the_output() {
        let (_dir, site, out) = site_and_output();
        let o = Output::create(&out, &site).unwrap();
        o.write("a/b/c/index.html", b"deep").unwrap();
        o.write("a/b/c/index.html", b"again").unwrap();
        assert_eq!(fs::read(o.staging.join("a/b/c/index.html")).unwrap(), b"again");
        // A file where a page's folder would be.
        o.write("x", b"a file").unwrap();
        let problem = o.write("x/y/index.html", b"page").unwrap_err().to_string();
        assert!(
            problem.contains(&out.join("x/y/index.html").display().to_string()),
            "{problem}"
        );
        assert!(problem.contains("cannot write"), "{problem}");
        // Said as what could not be done to which file, at no line of it.
        let shown = format!("cannot write {}: ", out.join("x/y/index.html").display());
        assert!(problem.starts_with(&shown), "{problem}");
        let problem = o.write("x/index.html", b"page").unwrap_err().to_string();
        assert!(
            problem.contains(&out.join("x/index.html").display().to_string()),
            "{problem}"
        );
    }

    /// The output a big build replaces is removed by a process of its own, which this one
    /// does not wait for.
    #[cfg(unix)]
    #[test]
    fn a_big_output_replaced_is_removed_in_the_background() {
        let (dir, site, out) = site_and_output();
        let tree = dir.path().join("old");
        for i in 0..50 {
            fs::create_dir_all(tree.join(format!("{i}/sub"))).unwrap();
            fs::write(tree.join(format!("{i}/sub/index.html")), "x").unwrap();
        }
        let removal = super::remove_in_background(&tree).expect("rm starts");
        assert!(removal.join().unwrap().unwrap().success());
        assert!(!tree.exists());

        // Through a build: the new output is in place when the commit returns, and the
        // previous one goes.
        let mut files = vec!["index.html".to_string()];
        files.extend((1..super::BIG_OUTPUT).map(|i| format!("{}/{i}/index.html", i % 10)));
        let build = |text: &str| {
            let o = Output::create(&out, &site).unwrap();
            for rel in &files {
                o.write(rel, text.as_bytes()).unwrap();
            }
            o.commit(&files, &[]).unwrap();
        };
        build("one");
        build("two");
        assert_eq!(fs::read(out.join("3/3/index.html")).unwrap(), b"two");
        let leftovers = || -> Vec<_> {
            fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.contains("dateline-"))
                .collect()
        };
        let gone = || {
            assert!(leftovers().iter().all(|n| n.ends_with(".trash")), "{:?}", leftovers());
            // rm takes well under a second for these files; a minute allows any machine.
            let started = std::time::Instant::now();
            while !leftovers().is_empty() && started.elapsed() < std::time::Duration::from_secs(60) {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            assert_eq!(leftovers(), Vec::<String>::new());
        };
        gone();

        // A big patch (a new article moves every page of a long listing): its files are in
        // place when the commit returns, in folders it made where there were none, and the
        // emptied staging folders go the same way.
        let mut patched: Vec<String> = files[..super::BIG_OUTPUT / 2].to_vec();
        patched.extend((0..super::BIG_OUTPUT / 2).map(|i| format!("new/{}/{i}/index.html", i % 7)));
        let p = Output::patch(&out, &site).unwrap();
        for rel in &patched {
            p.write(rel, b"three").unwrap();
        }
        p.commit(&patched, &[]).unwrap();
        for rel in &patched {
            assert_eq!(fs::read(out.join(rel)).unwrap(), b"three", "{rel}");
        }
        assert_eq!(fs::read(out.join(&files[super::BIG_OUTPUT - 1])).unwrap(), b"two");
        gone();
    }

    #[test]
    fn a_patch_moves_changed_files_in_and_removes_gone_ones() {
        let (_dir, site, out) = site_and_output();
        let o = Output::create(&out, &site).unwrap();
        for (rel, text) in [("index.html", "home"), ("a/index.html", "a"), ("b/c/index.html", "c")] {
            o.write(rel, text.as_bytes()).unwrap();
        }
        o.commit(&[] as &[&str], &[]).unwrap();

        let p = Output::patch(&out, &site).unwrap();
        p.write("a/index.html", b"a2").unwrap();
        p.write("d/index.html", b"d").unwrap();
        drop(p);
        assert_eq!(
            fs::read(out.join("a/index.html")).unwrap(),
            b"a",
            "a dropped patch changes nothing"
        );
        assert!(!out.join("d").exists());

        let p = Output::patch(&out, &site).unwrap();
        p.write("a/index.html", b"a2").unwrap();
        p.write("d/index.html", b"d").unwrap();
        p.commit(&["a/index.html", "d/index.html"], &["b/c/index.html".into()])
            .unwrap();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"a2");
        assert_eq!(fs::read(out.join("d/index.html")).unwrap(), b"d");
        assert_eq!(
            fs::read(out.join("index.html")).unwrap(),
            b"home",
            "untouched files stay"
        );
        assert!(!out.join("b").exists(), "emptied folders are removed");
    }

    #[test]
    fn refuses_the_site_itself_and_foreign_folders() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        fs::create_dir_all(site.join("content")).unwrap();
        assert!(Output::create(&site, &site).is_err());
        assert!(Output::create(dir.path(), &site).is_err());
        let docs = dir.path().join("docs");
        fs::create_dir(&docs).unwrap();
        fs::write(docs.join("notes.txt"), "mine").unwrap();
        let e = Output::create(&docs, &site).unwrap_err();
        assert!(e.to_string().contains("not empty"), "{e}");
    }
}
