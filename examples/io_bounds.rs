//! What the file system alone costs a build, for the benchmarks: lower bounds that no
//! amount of work on dateline's own code can go under.
//!
//! - `io_bounds files TREE OUT`: creates at OUT a copy of the tree of files at TREE (the
//!   same paths and sizes, every byte `x`) on every core, one folder and one write a file
//!   as a build does; times that alone (listing TREE is not timed). With TREE a site
//!   dateline built, it is the cost of writing that site without making any of it.
//! - `io_bounds stats SITE OUT`: what an incremental build must ask the file system
//!   before it knows what changed, with dateline's own code for it: the walk of
//!   `SITE/content` (the size and time of every file) and the check that every file under
//!   OUT is still there with its length, side by side as a rebuild runs them. Listing OUT
//!   is not timed.
//! - `io_bounds calls SITE OUT` (Unix): the same lookups with none of dateline's code, one
//!   `fstatat` a file relative to SITE or OUT on one thread: what each costs the kernel,
//!   and so the least any rebuild that checks them spends on two cores (half of it).
//! - `io_bounds walk SITE HOW`: lists the sources under `SITE/content` as a build does
//!   (sorted, hidden files and backups left out, links followed), HOW being `dateline`
//!   (its walk, for a full build: no stamps), `dateline-stamped` (for a rebuild: the size
//!   and time of every file), or the same with `walkdir`: `walkdir`, `walkdir-stamped`.
//!   Run them taking turns to compare.
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
        #[cfg(unix)]
        [mode, site, out] if mode == "calls" => calls(Path::new(site), Path::new(out)),
        [mode, site, how] if mode == "walk" => walk(Path::new(site), how),
        _ => {
            eprintln!(
                "usage: io_bounds files TREE OUT | io_bounds stats SITE OUT | io_bounds calls SITE OUT | io_bounds walk SITE dateline|dateline-stamped|walkdir|walkdir-stamped"
            );
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
    use dateline::internals::{CONTENT_DIR, FileRecord, Records, Stamps, Written, found_under};
    // What a build records of its output: only the lengths are checked.
    let written: Records = list(out)
        .into_iter()
        .map(|(rel, len)| {
            let file = FileRecord { hash: 0, len };
            (
                rel.into(),
                Written {
                    file,
                    fingerprint: None,
                },
            )
        })
        .collect();
    // As a rebuild does it: the output checked by threads of its own, the sources walked
    // on the pool, side by side.
    let started = Instant::now();
    let threads = rayon::current_num_threads();
    let (sources, intact) = std::thread::scope(|s| {
        let check = s.spawn(|| dateline::internals::output_intact(out, &written, threads));
        let mut problems = Vec::new();
        let sources = found_under(site, Path::new(CONTENT_DIR), &mut problems, Stamps::Taken);
        (sources.len(), check.join().expect("the check ran"))
    });
    assert!(intact, "{} is not as listed", out.display());
    println!(
        "{sources} sources and {} output files looked up in {:.3} s",
        written.len(),
        started.elapsed().as_secs_f64()
    );
}

/// One `fstatat` for every source and every output file, by its path relative to the
/// folder, on one thread.
#[cfg(unix)]
fn calls(site: &Path, out: &Path) {
    use std::ffi::CString;
    let content = site.join(dateline::internals::CONTENT_DIR);
    let mut named: Vec<(std::fs::File, Vec<CString>)> = Vec::new();
    for (root, under) in [(site, content.as_path()), (out, out)] {
        let folder = std::fs::File::open(root).expect("the folder opens");
        let names = list(under)
            .into_iter()
            .map(|(rel, _)| {
                let rel = under.strip_prefix(root).unwrap_or(Path::new("")).join(rel);
                CString::new(rel.to_str().expect("UTF-8 paths")).expect("no NUL in paths")
            })
            .collect();
        named.push((folder, names));
    }
    let count: usize = named.iter().map(|(_, names)| names.len()).sum();
    let started = Instant::now();
    let mut found = 0;
    for (folder, names) in &named {
        for name in names {
            // A `CStr` goes to the kernel as it is: nothing copied, one system call.
            if rustix::fs::statat(folder, name.as_c_str(), rustix::fs::AtFlags::empty()).is_ok() {
                found += 1;
            }
        }
    }
    let took = started.elapsed().as_secs_f64();
    assert_eq!(found, count, "every file listed is there");
    // The benchmark reads the first `in S s`: the calls shared by two cores.
    println!(
        "{count} fstatat calls, {:.2} µs each: in {:.3} s on two cores ({took:.3} s on one thread)",
        1e6 * took / count as f64,
        took / 2.0
    );
}

/// The sources under `SITE/content`, listed `how` (see the module's doc).
fn walk(site: &Path, how: &str) {
    use dateline::internals::{CONTENT_DIR, Stamp, Stamps, found_under};
    let content = Path::new(CONTENT_DIR);
    let started = Instant::now();
    let mut problems = Vec::new();
    let found: Vec<(std::path::PathBuf, Option<Stamp>)> = match how {
        "dateline" => found_under(site, content, &mut problems, Stamps::Skipped),
        "dateline-stamped" => found_under(site, content, &mut problems, Stamps::Taken),
        "walkdir" | "walkdir-stamped" => {
            let stamped = how == "walkdir-stamped";
            let listed = walkdir::WalkDir::new(site.join(content))
                .follow_links(true)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !dateline::internals::is_ignored(Path::new(e.file_name())));
            let mut found = Vec::new();
            for entry in listed {
                match entry {
                    Ok(e) if e.file_type().is_file() => {
                        let rel = e.path().strip_prefix(site).expect("below the site").to_path_buf();
                        let stamp = stamped.then(|| Stamp::of(e.path())).flatten();
                        found.push((rel, stamp));
                    }
                    Ok(_) => {}
                    Err(e) => problems.push(dateline::Diagnostic::file(site, e.to_string())),
                }
            }
            found
        }
        _ => {
            eprintln!("HOW is dateline, dateline-stamped, walkdir or walkdir-stamped");
            std::process::exit(2);
        }
    };
    let took = started.elapsed().as_secs_f64();
    assert!(problems.is_empty(), "{problems:?}");
    let stamped = found.iter().filter(|(_, stamp)| stamp.is_some()).count();
    println!(
        "{} sources ({stamped} stamped) listed by {how} in {took:.3} s",
        found.len()
    );
}
