//! Crash safety: `kill -9` of a build at random moments, and a full disk.
//!
//! Issue 21 asks that a build killed at any moment leaves OUT as the complete previous
//! build or the complete new one, that the next build succeeds and equals a clean build,
//! and that no temporary folder outlives that next build. A killed process runs no
//! destructor and no clean-up: what it leaves is exactly what it had done on disk, which
//! is what these tests look at.
//!
//! The archive is generated here: `CRASH_ARTICLES` articles by default, so that the three
//! runs of 20 kills stay within CI's time in a debug build, and the 10,000 with
//! `DATELINE_CRASH_ARTICLES=10000`. Two versions of it, A and B (B corrects one article
//! and adds one, which moves every page of the listings it joins), are built from nothing
//! once each; their every file is hashed. Then each kill switches the content from one
//! version to the other, starts a build, kills it at a moment drawn (from a fixed seed)
//! over the length of an uninterrupted build of the same kind, and checks what is on disk.
//!
//! What is held by default, and what `--atomic` adds: a build into a folder that holds a
//! previous build (incremental, or `--clean` over it) patches it. By default it moves its
//! changed files in, new files first, then the ones that replace others, then removes
//! those gone: a kill during those moves (a few milliseconds of the build) leaves some
//! files of the new build beside the others of the previous one (`Left::Mixed`), each
//! file whole, none outside the two builds, every link of every page leading to a file,
//! and a marker beside OUT that says so until the next build completes it (`Kind::Commit`
//! kills in those milliseconds on purpose). With `--atomic` the patch is applied to a tree
//! of links beside OUT that takes its place in one exchange of names: no kill leaves a mix.

use std::collections::BTreeMap;
use std::fs;
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Articles in the generated archive unless `DATELINE_CRASH_ARTICLES` says otherwise.
const CRASH_ARTICLES: usize = 100;
/// Kills per kind of build.
const KILLS: usize = 20;

/// Every file of a folder: relative path → (length, hash of the bytes).
type Snapshot = BTreeMap<String, (u64, u64)>;

fn snapshot(dir: &Path) -> Option<Snapshot> {
    if !dir.exists() {
        return None;
    }
    let mut files = Snapshot::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_dir() {
            continue;
        }
        let bytes = fs::read(entry.path()).unwrap();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        hasher.write(&bytes);
        let rel = entry.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        files.insert(rel, (bytes.len() as u64, hasher.finish()));
    }
    Some(files)
}

/// A small deterministic generator (xorshift64*): the kill times are the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A fraction in [0, 1).
    fn fraction(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const WORDS: &[&str] = &[
    "council",
    "harbour",
    "budget",
    "minister",
    "river",
    "election",
    "market",
    "school",
    "bridge",
    "court",
    "strike",
    "museum",
    "railway",
    "festival",
    "hospital",
    "parliament",
    "farmers",
    "storm",
    "port",
    "mayor",
];

/// The generated site: `n` articles over ten years, forty authors and five sections.
struct Archive {
    dir: tempfile::TempDir,
    n: usize,
}

impl Archive {
    fn new(n: usize) -> Archive {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::write(
            root.join("dateline.toml"),
            "title = \"Crash Gazette\"\nbase_url = \"https://crash.example.org/\"\ntimezone = \"UTC\"\npaginate = 20\n",
        )
        .unwrap();
        let mut rng = Rng(0x5eed_0021);
        for i in 0..n {
            let (year, month, day) = (2015 + i % 10, 1 + (i / 10) % 12, 1 + (i / 120) % 28);
            let words: Vec<&str> = (0..120)
                .map(|_| WORDS[(rng.next() % WORDS.len() as u64) as usize])
                .collect();
            let body = words.chunks(40).map(|c| c.join(" ")).collect::<Vec<_>>().join(".\n\n");
            let article = format!(
                "+++\ntitle = \"Report {i}: the {} and the {}\"\ndate = {year}-{month:02}-{day:02}T{:02}:{:02}:00Z\nauthor = \"Writer {}\"\nsection = \"Section {}\"\ntags = [\"Tag {}\"]\n+++\n\n{body}.\n",
                words[0],
                words[1],
                i % 24,
                i % 60,
                i % 40,
                i % 5,
                i % 30,
            );
            let path = root.join(format!("content/{year}/{month:02}/report-{i}.md"));
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, article).unwrap();
        }
        Archive { dir, n }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn out(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Switches the content to version B (`true`) or A.
    fn version(&self, b: bool) {
        let first = self.root().join("content/2015/01/report-0.md");
        let text = fs::read_to_string(&first).unwrap();
        // The body, not the title: a new title is a new URL, which urls.lock keeps a
        // redirect for, and a build from nothing would not have it.
        const CORRECTION: &str = "\nCorrection: an earlier version misspelt the harbour's name.\n";
        let text = match b {
            true => format!("{text}{CORRECTION}"),
            false => text.replacen(CORRECTION, "", 1),
        };
        fs::write(&first, text).unwrap();
        let extra = self.root().join("content/late-edition.md");
        match b {
            true => fs::write(
                &extra,
                "+++\ntitle = \"A late edition\"\ndate = 2024-12-31T23:00:00Z\nauthor = \"Writer 1\"\nsection = \"Section 1\"\n+++\n\nThe presses ran late.\n",
            )
            .unwrap(),
            false => fs::remove_file(&extra).unwrap(),
        }
    }

    fn command(&self, kind: Kind) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dateline"));
        command
            .arg("build")
            // Version A no longer has the article B adds: its URL may go.
            .arg("--accept-removed")
            .arg("--site")
            .arg(self.root())
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if kind.clean() {
            command.arg("--clean");
        }
        if kind.atomic() {
            command.arg("--atomic");
        }
        command
    }

    /// Runs a build to its end; it must succeed. Returns how long it took.
    fn build(&self, kind: Kind) -> Duration {
        let started = Instant::now();
        let output = self.command(kind).output().unwrap();
        assert!(
            output.status.success(),
            "build failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        started.elapsed()
    }

    /// Removes the output and the cache: the next build starts from nothing.
    fn wipe(&self) {
        let _ = fs::remove_dir_all(self.out());
        let _ = fs::remove_dir_all(self.root().join(".dateline"));
    }

    /// What builds leave only while they run: staging folders and previous outputs beside
    /// OUT (`.public.dateline-PID…`), a cache file being saved (`….tmp-PID`) in `.dateline`.
    fn leftovers(&self) -> Vec<String> {
        let mut found = Vec::new();
        for entry in fs::read_dir(self.root()).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            if name.contains(".dateline-") {
                found.push(name);
            }
        }
        let cache = self.root().join(".dateline");
        if cache.exists() {
            for entry in walkdir::WalkDir::new(&cache) {
                let entry = entry.unwrap();
                if entry.file_name().to_string_lossy().contains(".tmp-") {
                    found.push(entry.path().display().to_string());
                }
            }
        }
        found
    }

    /// Whether a cache file is being saved (`….tmp-PID` in `.dateline/cache/build-*`).
    fn saving_cache(&self) -> bool {
        let Ok(caches) = fs::read_dir(self.root().join(".dateline/cache")) else {
            return false;
        };
        caches.filter_map(Result::ok).any(|cache| {
            fs::read_dir(cache.path()).is_ok_and(|files| {
                files
                    .filter_map(Result::ok)
                    .any(|f| f.file_name().to_string_lossy().contains(".tmp-"))
            })
        })
    }

    /// The next build succeeds, equals `new` (a clean build), and leaves nothing behind;
    /// `after` says which build it is in a failure's message.
    fn assert_next_build_is(&self, new: &Snapshot, previous: &Snapshot, after: &str) {
        self.build(Kind::Incremental);
        let out = snapshot(&self.out());
        assert!(
            out.as_ref() == Some(new),
            "{after} differs from a clean one: {}",
            describe(out.as_ref(), previous, new)
        );
        self.assert_no_leftovers();
    }

    /// No leftovers once the build that followed a kill is done. A big previous output
    /// is removed by a process of its own after the build returns (`rm -rf` at a low
    /// priority, which on a busy machine and a slow disk can take minutes): one that such
    /// a process is removing is not left, and the others are given a little time.
    fn assert_no_leftovers(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let left = || -> Vec<String> {
            let removing = being_removed();
            self.leftovers()
                .into_iter()
                .filter(|name| !(name.ends_with(".trash") && removing.iter().any(|r| r.ends_with(name.as_str()))))
                .collect()
        };
        let mut found = left();
        while !found.is_empty() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
            found = left();
        }
        assert!(found.is_empty(), "left after a complete build: {found:?}");
    }
}

/// The folders that an `rm -rf` of some process is removing (its last argument), as
/// `/proc` tells.
fn being_removed() -> Vec<String> {
    let Ok(processes) = fs::read_dir("/proc") else {
        return Vec::new();
    };
    processes
        .filter_map(Result::ok)
        .filter_map(|p| fs::read(p.path().join("cmdline")).ok())
        .filter_map(|cmdline| {
            let args: Vec<String> = cmdline
                .split(|&b| b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect();
            (args.first().is_some_and(|a| a == "rm") && args.iter().any(|a| a == "-rf"))
                .then(|| args.last().cloned())
                .flatten()
        })
        .collect()
}

/// What a kill left in OUT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Left {
    /// The complete previous build.
    Previous,
    /// The complete new build.
    New,
    /// Some files of the previous build and some of the new one, each whole: a patch
    /// stopped while it moved its files in.
    Mixed,
    /// The build had ended before the kill.
    Finished,
}

/// The kinds of build that are killed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `dateline build --clean`: no trust in the cache; OUT is read and patched.
    Clean,
    /// `dateline build` after an edit: the cache tells what changed.
    Incremental,
    /// `dateline build` after an edit, killed while it saves its cache (after OUT is done).
    CacheWrite,
    /// `dateline build` after an edit, killed while it moves its files into OUT.
    Commit,
    /// `dateline build --clean --atomic`.
    AtomicClean,
    /// `dateline build --atomic` after an edit.
    AtomicIncremental,
    /// `dateline build --atomic` after an edit, killed while it makes the new tree beside
    /// OUT, patches it and exchanges it with OUT.
    AtomicCommit,
}

impl Kind {
    fn clean(self) -> bool {
        matches!(self, Kind::Clean | Kind::AtomicClean)
    }

    fn atomic(self) -> bool {
        matches!(self, Kind::AtomicClean | Kind::AtomicIncremental | Kind::AtomicCommit)
    }

    /// What marks the moment of the build that a kill aims at, beside OUT: the marker of
    /// the moves into OUT, the new tree of an atomic patch.
    fn aim(self, staging: &Path) -> Option<PathBuf> {
        let suffix = match self {
            Kind::Commit => ".committing",
            Kind::AtomicCommit => ".next",
            _ => return None,
        };
        let mut name = staging.file_name().unwrap().to_os_string();
        name.push(suffix);
        Some(staging.with_file_name(name))
    }
}

struct Outcomes {
    kind: Kind,
    left: BTreeMap<Left, usize>,
    /// Kills that landed after OUT was in place, while the cache was being saved.
    during_cache_write: usize,
    /// Of those, kills that found a cache file half-written (`….tmp-PID`).
    cache_file_open: usize,
    /// Kills that found the staging folder of the build beside OUT.
    while_staging: usize,
    /// Kills that landed while the files were moved into OUT.
    during_commit: usize,
}

/// Kills `KILLS` builds of `kind`, switching the archive between versions A and B, and
/// checks each time what was left and that the next build puts it right. The archive's
/// content and OUT are at version `*b` (complete) on entry, and are again on return.
fn kill_builds(archive: &Archive, kind: Kind, a: &Snapshot, b: &Snapshot, at_b: &mut bool, rng: &mut Rng) -> Outcomes {
    // The length of an uninterrupted build of this kind, over which kills are spread: the
    // shorter of two (the machine may be busy with something else during one).
    let mut length = Duration::MAX;
    for _ in 0..2 {
        *at_b = !*at_b;
        archive.version(*at_b);
        length = length.min(archive.build(kind));
    }
    let mut outcomes = Outcomes {
        kind,
        left: BTreeMap::new(),
        during_cache_write: 0,
        cache_file_open: 0,
        while_staging: 0,
        during_commit: 0,
    };
    for round in 0..KILLS {
        let (previous, new) = match *at_b {
            true => (b, a),
            false => (a, b),
        };
        *at_b = !*at_b;
        archive.version(*at_b);
        let mut child: Child = archive.command(kind).spawn().unwrap();
        let pid = child.id();
        let staging = archive.root().join(format!(".public.dateline-{pid}"));
        let marker = archive.root().join(format!(".public.dateline-{pid}.committing"));
        let started = Instant::now();
        let finished = match kind {
            Kind::Clean | Kind::Incremental | Kind::AtomicClean | Kind::AtomicIncremental => {
                // Over the first 75% of it: a kill after the end tells nothing (and a busy
                // machine makes some builds shorter than the one measured).
                let at = length.mul_f64(0.75 * rng.fraction());
                let mut finished = false;
                while started.elapsed() < at {
                    if child.try_wait().unwrap().is_some() {
                        finished = true;
                        break;
                    }
                    std::thread::sleep(Duration::from_micros(200));
                }
                if !finished && staging.exists() {
                    outcomes.while_staging += 1;
                }
                finished
            }
            Kind::CacheWrite => {
                // Polled as fast as it can be: the cache is saved in a few milliseconds,
                // after OUT is in place and the staging folder gone.
                let mut finished = false;
                let mut staged = false;
                loop {
                    let staging_now = staging.exists();
                    if archive.saving_cache() || (staged && !staging_now) {
                        // A little later, at times: the save has several files.
                        if rng.next().is_multiple_of(2) {
                            std::thread::sleep(Duration::from_micros(rng.next() % 2_000));
                        }
                        outcomes.during_cache_write += 1;
                        if archive.saving_cache() {
                            outcomes.cache_file_open += 1;
                        }
                        break;
                    }
                    staged |= staging_now;
                    if child.try_wait().unwrap().is_some() {
                        finished = true;
                        break;
                    }
                    if started.elapsed() > length * 20 {
                        panic!("round {round}: the build runs far longer than the first");
                    }
                }
                finished
            }
            Kind::Commit | Kind::AtomicCommit => {
                // Polled as fast as it can be: the moves take a few milliseconds.
                let aim = kind.aim(&staging).unwrap();
                let mut finished = false;
                while !aim.exists() {
                    if child.try_wait().unwrap().is_some() {
                        finished = true;
                        break;
                    }
                    if started.elapsed() > length * 20 {
                        panic!("round {round}: the build runs far longer than the first");
                    }
                }
                if !finished {
                    // A little later, at times: the moves are in three groups; an atomic
                    // patch makes a tree of links first.
                    let later = match kind {
                        Kind::AtomicCommit => 20_000,
                        _ => 1_000,
                    };
                    if rng.next().is_multiple_of(2) {
                        std::thread::sleep(Duration::from_micros(rng.next() % later));
                    }
                    outcomes.during_commit += 1;
                }
                finished
            }
        };
        // SIGKILL on Unix: no destructor, no clean-up.
        let _ = child.kill();
        let status = child.wait().unwrap();
        let finished = finished || status.success();
        let out = snapshot(&archive.out());
        let left = if finished {
            Left::Finished
        } else if out.as_ref() == Some(previous) {
            Left::Previous
        } else if out.as_ref() == Some(new) {
            Left::New
        } else if !kind.atomic()
            && kind != Kind::CacheWrite
            && let Some(out) = out.as_ref().filter(|out| whole_files(out, previous, new))
        {
            // A patch moves its files into OUT one by one (see the module's note): in an
            // order that leaves no link broken, and says so beside OUT.
            assert!(
                marker.exists(),
                "{kind:?} round {round}: OUT holds two builds and nothing says so"
            );
            let broken = broken_links(&archive.out(), out);
            assert!(
                broken.is_empty(),
                "{kind:?} round {round}: a kill while the files were moved in left links to nothing: {:?}",
                &broken[..broken.len().min(5)]
            );
            Left::Mixed
        } else {
            panic!(
                "{kind:?} round {round}: a kill after {:?} left OUT neither the previous build nor the new one: {}",
                started.elapsed(),
                describe(out.as_ref(), previous, new)
            );
        };
        *outcomes.left.entry(left).or_default() += 1;
        archive.assert_next_build_is(
            new,
            previous,
            &format!("{kind:?} round {round}: the build after the kill"),
        );
    }
    outcomes
}

/// The links of the pages of `dir` (whose files `files` lists) that lead to no file of
/// it: `href` and `src` attributes that name a path of the site.
fn broken_links(dir: &Path, files: &Snapshot) -> Vec<String> {
    let mut broken = Vec::new();
    for page in files.keys().filter(|p| p.ends_with(".html")) {
        let html = fs::read_to_string(dir.join(page)).unwrap();
        for attribute in ["href=\"", "src=\""] {
            for (at, _) in html.match_indices(attribute) {
                let rest = &html[at + attribute.len()..];
                let link = &rest[..rest.find('"').unwrap_or(rest.len())];
                let Some(path) = link
                    .strip_prefix("https://crash.example.org")
                    .or_else(|| link.strip_prefix('/').map(|_| link))
                    .filter(|p| p.starts_with('/'))
                else {
                    continue;
                };
                let path = path.split(['#', '?']).next().unwrap_or_default();
                let file = match path.ends_with('/') {
                    true => format!("{}index.html", &path[1..]),
                    false => path[1..].to_string(),
                };
                if !files.contains_key(&file) {
                    broken.push(format!("{page} → {link}"));
                }
            }
        }
    }
    broken
}

/// Whether every file of `out` is whole: the bytes of the same path in `previous` or in
/// `new`, and nothing else.
fn whole_files(out: &Snapshot, previous: &Snapshot, new: &Snapshot) -> bool {
    out.iter()
        .all(|(path, file)| previous.get(path) == Some(file) || new.get(path) == Some(file))
}

/// How `out` differs from the builds it should be one of, in a few paths.
fn describe(out: Option<&Snapshot>, previous: &Snapshot, new: &Snapshot) -> String {
    let Some(out) = out else {
        return "OUT is missing".into();
    };
    let differ = |other: &Snapshot| {
        let mut paths: Vec<&String> = out
            .iter()
            .filter(|(p, v)| other.get(*p) != Some(v))
            .map(|(p, _)| p)
            .chain(other.keys().filter(|p| !out.contains_key(*p)))
            .collect();
        let count = paths.len();
        paths.truncate(5);
        format!("{count} paths, e.g. {paths:?}")
    };
    format!("vs previous: {}; vs new: {}", differ(previous), differ(new))
}

#[test]
fn kill_9_leaves_a_complete_build() {
    let n = std::env::var("DATELINE_CRASH_ARTICLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(CRASH_ARTICLES);
    let archive = Archive::new(n);
    // The two versions, each built from nothing.
    archive.version(true);
    let from_nothing = archive.build(Kind::Incremental);
    let b = snapshot(&archive.out()).unwrap();
    // The check of links that a kill while files move in must pass holds of whole builds.
    assert_eq!(broken_links(&archive.out(), &b), Vec::<String>::new());
    archive.wipe();
    archive.version(false);
    archive.build(Kind::Incremental);
    let a = snapshot(&archive.out()).unwrap();
    assert_eq!(broken_links(&archive.out(), &a), Vec::<String>::new());
    assert_ne!(a, b);

    eprintln!(
        "{} articles: {} files, built from nothing in {from_nothing:.2?}",
        archive.n,
        a.len()
    );
    let mut rng = Rng(0xdead_0021);
    let mut at_b = false;
    let mut table = Vec::new();
    let kinds = [
        Kind::Clean,
        Kind::Incremental,
        Kind::CacheWrite,
        Kind::Commit,
        Kind::AtomicClean,
        Kind::AtomicIncremental,
        Kind::AtomicCommit,
    ];
    for kind in kinds {
        let outcomes = kill_builds(&archive, kind, &a, &b, &mut at_b, &mut rng);
        eprintln!(
            "{:?}: {KILLS} kills: {:?}; {} while staging, {} while moving files in, {} while saving the cache ({} with a cache file half-written)",
            outcomes.kind,
            outcomes.left,
            outcomes.while_staging,
            outcomes.during_commit,
            outcomes.during_cache_write,
            outcomes.cache_file_open
        );
        table.push(outcomes);
    }
    // The kills hit running builds, not only ones that had ended.
    for outcomes in &table {
        let finished = outcomes.left.get(&Left::Finished).copied().unwrap_or(0);
        assert!(
            finished <= KILLS / 2,
            "{:?}: {finished} of {KILLS} builds ended before their kill",
            outcomes.kind
        );
    }
    for commits in table
        .iter()
        .filter(|o| matches!(o.kind, Kind::Commit | Kind::AtomicCommit))
    {
        assert!(
            commits.during_commit >= KILLS / 2,
            "{:?}: only {} kills landed while files were moved in",
            commits.kind,
            commits.during_commit
        );
    }
    let cache_writes = table.iter().find(|o| o.kind == Kind::CacheWrite).unwrap();
    assert!(
        cache_writes.during_cache_write >= KILLS / 2,
        "only {} kills landed while the cache was saved",
        cache_writes.during_cache_write
    );
}

/// A build that meets a full disk (here: a file size limit, `ulimit -f`, with SIGXFSZ
/// ignored so that the write fails with EFBIG instead of killing the process, as a full
/// disk fails it with ENOSPC) says which file it could not write and why, exits 1 if it
/// could not write the site (and leaves the previous one) or 0 with a warning if only the
/// cache could not be saved, and leaves the cache usable: the next build, with room,
/// equals a clean build.
#[test]
fn a_full_disk_fails_clearly_and_leaves_the_previous_site() {
    let archive = Archive::new(300);
    archive.version(true);
    archive.build(Kind::Incremental);
    let b = snapshot(&archive.out()).unwrap();
    archive.wipe();
    archive.version(false);
    archive.build(Kind::Incremental);
    let a = snapshot(&archive.out()).unwrap();
    let largest_page = a.values().map(|(len, _)| *len).max().unwrap();
    let cache = snapshot(&archive.root().join(".dateline")).unwrap();
    let largest_cache = cache.values().map(|(len, _)| *len).max().unwrap();
    eprintln!("largest file of OUT: {largest_page} bytes; of the cache: {largest_cache} bytes");

    // In kB, `ulimit -f`'s unit in bash: small enough to stop the output, then (if the
    // cache has a file larger than every page) one to stop only the cache.
    let mut limits = vec![(8, "the output")];
    if largest_cache > largest_page + 2048 {
        limits.push((largest_page / 1024 + 1, "the cache"));
    }
    let mut at_b = false;
    for (limit_kb, stopped) in limits {
        let (previous, new) = match at_b {
            true => (&b, &a),
            false => (&a, &b),
        };
        at_b = !at_b;
        archive.version(at_b);
        let mut command = Command::new("bash");
        command
            .arg("-c")
            .arg(format!("trap '' XFSZ; ulimit -f {limit_kb}; exec \"$0\" \"$@\""))
            .arg(env!("CARGO_BIN_EXE_dateline"))
            .args(["build", "--accept-removed", "--site"])
            .arg(archive.root())
            .env("SOURCE_DATE_EPOCH", "1767225600")
            .env("NO_COLOR", "1");
        let output = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        eprintln!("limit {limit_kb} kB ({stopped}): {stderr}");
        // A cache that cannot be saved is a warning: the site is built, and the next build
        // reads and writes everything again.
        let (code, says) = match stopped {
            "the output" => (1, "error: cannot write "),
            _ => (0, "warning: cannot write "),
        };
        assert_eq!(output.status.code(), Some(code), "limit {limit_kb} kB: {stderr}");
        assert!(
            stderr.starts_with(says) && stderr.contains("File too large (os error 27)"),
            "limit {limit_kb} kB: the message names the file and why: {stderr}"
        );
        let out = snapshot(&archive.out());
        match stopped {
            // The output is put in place only when it is complete.
            "the output" => assert!(
                out.as_ref() == Some(previous),
                "a full disk changed the previous site: {}",
                describe(out.as_ref(), previous, new)
            ),
            // The cache is saved after the output is in place: the output is the new one.
            _ => assert!(
                out.as_ref() == Some(new),
                "a cache that could not be saved changed the new site: {}",
                describe(out.as_ref(), previous, new)
            ),
        }
        archive.assert_next_build_is(new, previous, "the build after a full disk");
    }
}
