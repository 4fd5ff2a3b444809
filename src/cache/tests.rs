//! Saving a cache: the caches a site keeps, what stopped saves left, a cache that cannot
//! be written.

use std::time::Duration;

use super::*;

/// What a first save writes when there is nothing to cache yet: a header.
fn header_only() -> Changes<'static> {
    Changes {
        chunks: Vec::new(),
        archive: None,
        last: None,
        new_header: true,
    }
}

#[test]
fn a_site_keeps_its_latest_caches() {
    let site = tempfile::tempdir().unwrap();
    let caches = site.path().join(CACHE_DIR);
    let made: Vec<PathBuf> = (0..6).map(|n| caches.join(format!("build-{n}"))).collect();
    let base = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    for (n, dir) in made.iter().enumerate() {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("header.bin"), "x").unwrap();
        // build-0 is the newest, build-5 the oldest.
        let when = base - Duration::from_secs(60 * n as u64);
        std::fs::File::open(dir).unwrap().set_modified(when).unwrap();
    }
    std::fs::write(caches.join("build-file"), "not a cache folder").unwrap();
    std::fs::create_dir_all(caches.join("other")).unwrap();
    prune(&caches, &caches.join("build-4"), 4);
    let mut left: Vec<String> = std::fs::read_dir(&caches)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        ["build-0", "build-1", "build-2", "build-4", "build-file", "other"]
    );
}

#[test]
fn a_new_cache_makes_room() {
    let site = tempfile::tempdir().unwrap();
    let save_into = |out: &str| {
        save(site.path(), Path::new(out), "UTC", header_only()).unwrap();
    };
    for n in 0..KEPT_CACHES + 2 {
        save_into(&format!("/tmp/out-{n}"));
    }
    let count = std::fs::read_dir(site.path().join(CACHE_DIR)).unwrap().count();
    assert_eq!(count, KEPT_CACHES);
    assert!(is_current(
        site.path(),
        Path::new(&format!("/tmp/out-{}", KEPT_CACHES + 1)),
        "UTC"
    ));
}

/// A save removes what a save stopped half-way left (its process gone), and leaves
/// what a running process writes.
#[cfg(unix)]
#[test]
fn a_save_removes_what_stopped_saves_left() {
    let site = tempfile::tempdir().unwrap();
    let out = Path::new("/tmp/out");
    let dir = site.path().join(cache_dir(out));
    std::fs::create_dir_all(&dir).unwrap();
    // No system hands out the first process id (Linux's largest is 2^22); 1 always runs.
    let (left, kept) = ("archive.tmp-4194999", "sources-03.tmp-1");
    for name in [left, kept] {
        std::fs::write(dir.join(name), "half").unwrap();
    }
    save(site.path(), out, "UTC", header_only()).unwrap();
    assert!(!dir.join(left).exists());
    assert!(dir.join(kept).exists());
    assert!(dir.join("header.bin").exists());
}

/// A cache that cannot be written is an error naming the file or folder.
#[test]
fn a_cache_that_cannot_be_written_names_its_folder() {
    let site = tempfile::tempdir().unwrap();
    // A file where the folder of caches goes.
    std::fs::create_dir_all(site.path().join(".dateline")).unwrap();
    std::fs::write(site.path().join(CACHE_DIR), "not a folder").unwrap();
    let out = Path::new("/tmp/out");
    let error = save(site.path(), out, "UTC", header_only()).unwrap_err().to_string();
    let shown = format!(
        "cannot create the folder {}: ",
        site.path().join(cache_dir(out)).display()
    );
    assert!(error.starts_with(&shown), "{error}");
}
