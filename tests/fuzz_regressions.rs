//! Every input of the fuzz targets' seed corpus (`fuzz/seeds/<target>/`) and every crash
//! fuzzing found (`fuzz/regressions/<target>/`), run through the same function as the
//! target (`dateline::fuzzing`): a fixed crash stays fixed, proved by `cargo test` on
//! stable Rust, without cargo-fuzz.

use std::path::Path;

#[test]
fn seeds_and_regressions_run_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut run = 0;
    let mut failed = Vec::new();
    for (target, body) in dateline::fuzzing::TARGETS {
        let mut seeds = 0;
        for folder in ["seeds", "regressions"] {
            let Ok(entries) = std::fs::read_dir(root.join(folder).join(target)) else {
                continue;
            };
            let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
            files.sort();
            for file in files {
                let bytes = std::fs::read(&file).unwrap();
                if std::panic::catch_unwind(|| body(&bytes)).is_err() {
                    failed.push(file.display().to_string());
                }
                run += 1;
                seeds += usize::from(folder == "seeds");
            }
        }
        assert!(seeds > 0, "fuzz/seeds/{target}/ is empty");
    }
    assert!(
        failed.is_empty(),
        "{} of {run} inputs panicked: {failed:#?}",
        failed.len()
    );
}

/// Every target has its folder of seeds, and no folder names a target that is not one.
#[test]
fn every_target_has_seeds_and_a_fuzz_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let names: Vec<&str> = dateline::fuzzing::TARGETS.iter().map(|(n, _)| *n).collect();
    for name in &names {
        assert!(
            root.join("fuzz_targets").join(format!("{name}.rs")).is_file(),
            "fuzz/fuzz_targets/{name}.rs"
        );
    }
    for folder in ["seeds", "regressions", "fuzz_targets"] {
        let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
            assert!(names.contains(&stem.as_str()), "{} is not a target", path.display());
        }
    }
}
