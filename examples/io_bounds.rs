//! What the file system alone costs a build, for the benchmarks: lower bounds that no
//! amount of work on dateline's own code can go under.
//!
//! - `io_bounds files TREE OUT`: creates at OUT a copy of the tree of files at TREE (the
//!   same paths and sizes, every byte `x`) on every core, one folder and one write a file
//!   as a build does; times that alone (listing TREE is not timed). With TREE a site
//!   dateline built, it is the cost of writing that site without making any of it.
//! - `io_bounds stats SITE OUT`: what an incremental build must ask the file system
//!   before it knows what changed: the size and time of every file under `SITE/content`
//!   (read folder by folder, each file looked up from its folder) and the size of every
//!   file under OUT (looked up from the folder two levels above it, as dateline checks the
//!   output of its last build), both spread over every core. Listing OUT is not timed.
//!
//! Each prints one line: what it did, and `in S s`.
//!
//! `cargo run --release --example io_bounds -- files public /tmp/copy`

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match &args[1..] {
        [mode, tree, out] if mode == "files" => files(Path::new(tree), Path::new(out)),
        [mode, site, out] if mode == "stats" => stats(Path::new(site), Path::new(out)),
        _ => {
            eprintln!("usage: io_bounds files TREE OUT | io_bounds stats SITE OUT");
            std::process::exit(2);
        }
    }
}

/// Every file under `root`: its path relative to `root`, and its size.
fn list(root: &Path) -> Vec<(String, u64)> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(root).ok()?.to_str()?.to_string();
            Some((rel, e.metadata().ok()?.len()))
        })
        .collect()
}

fn files(tree: &Path, out: &Path) {
    let files = list(tree);
    let longest = files.iter().map(|(_, len)| *len).max().unwrap_or(0);
    let bytes = vec![b'x'; longest as usize];
    let started = Instant::now();
    files.par_iter().for_each(|(rel, len)| {
        let path = out.join(rel);
        let dir = path.parent().expect("a file is in a folder");
        if std::fs::create_dir(dir).is_err() {
            std::fs::create_dir_all(dir).expect("cannot make a folder");
        }
        std::fs::write(&path, &bytes[..*len as usize]).expect("cannot write a file");
    });
    let total: u64 = files.iter().map(|(_, len)| len).sum();
    println!(
        "{} files, {} bytes written in {:.3} s",
        files.len(),
        total,
        started.elapsed().as_secs_f64()
    );
}

fn stats(site: &Path, out: &Path) {
    let written = list(out);
    let started = Instant::now();
    let (sources, outputs) = rayon::join(|| walk(&site.join("content")), || check(out, &written));
    println!(
        "{sources} sources and {outputs} output files looked up in {:.3} s",
        started.elapsed().as_secs_f64()
    );
}

/// The files under `dir` whose size and time were read.
fn walk(dir: &Path) -> usize {
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)
        .expect("cannot read a folder")
        .filter_map(Result::ok)
        .collect();
    entries
        .par_iter()
        .map(|entry| match entry.file_type() {
            Ok(kind) if kind.is_dir() => walk(&entry.path()),
            Ok(_) => entry
                .metadata()
                .map(|m| usize::from(m.len() > 0 || m.modified().is_ok()))
                .unwrap_or(0),
            Err(_) => 0,
        })
        .sum()
}

/// How many of `files` are under `out` with their size.
fn check(out: &Path, files: &[(String, u64)]) -> usize {
    use std::collections::HashMap;
    let mut groups: HashMap<&str, Vec<(&str, u64)>> = HashMap::new();
    for (rel, len) in files {
        let (dir, rest) = rel
            .rfind('/')
            .and_then(|last| rel[..last].rfind('/'))
            .map_or(("", rel.as_str()), |at| (&rel[..at], &rel[at + 1..]));
        groups.entry(dir).or_default().push((rest, *len));
    }
    let groups: Vec<(&str, Vec<(&str, u64)>)> = groups.into_iter().collect();
    groups
        .par_iter()
        .map(|(dir, list)| {
            let Ok(folder) = std::fs::File::open(out.join(dir)) else {
                return 0;
            };
            list.iter()
                .filter(|(rel, len)| size_at(&folder, rel) == Some(*len))
                .count()
        })
        .sum()
}

#[cfg(unix)]
fn size_at(folder: &std::fs::File, rel: &str) -> Option<u64> {
    use std::os::fd::AsRawFd;
    let name = std::ffi::CString::new(rel).ok()?;
    let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `name` is NUL-terminated; `stat` is read only when fstatat filled it.
    let found = unsafe { libc::fstatat(folder.as_raw_fd(), name.as_ptr(), stat.as_mut_ptr(), 0) } == 0;
    found.then(|| unsafe { stat.assume_init() }.st_size as u64)
}

#[cfg(not(unix))]
fn size_at(_: &std::fs::File, _: &str) -> Option<u64> {
    None
}
