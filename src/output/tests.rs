//! The output folder as builds write it: staged, committed or dropped, patched, refused,
//! and cleaned up after stopped builds.

use super::*;

/// A temporary folder with a site in it (`site`), and the path of its output (`public`).
fn site_and_output() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    fs::create_dir(&site).unwrap();
    let out = dir.path().join("public");
    (dir, site, out)
}

/// `out` made a build of `files` (path, text) from nothing.
fn built(out: &Path, site: &Path, files: &[(&str, &str)]) {
    let o = Output::create(out, site).unwrap();
    for (rel, text) in files {
        o.write(rel, text.as_bytes()).unwrap();
    }
    o.commit(&[] as &[&str], &[]).unwrap();
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
    let removal = super::removal::remove_in_background(&tree).expect("rm starts");
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
    // Being removed by a process of its own, under the name by which the next build
    // finds it, should that process be stopped first (how long `rm` takes is the disk's
    // business: on this disk, a minute at times).
    let trash = format!(".public.dateline-{}.trash", std::process::id());
    let gone = || assert!(leftovers().iter().all(|n| *n == trash), "{:?}", leftovers());
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
    built(
        &out,
        &site,
        &[("index.html", "home"), ("a/index.html", "a"), ("b/c/index.html", "c")],
    );

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

/// A patch of a folder that no record tells clears what stands in its way: a folder where
/// a file goes, a file where a folder goes. A patch of a recorded build fails there.
#[test]
fn an_adopted_folder_is_patched_through_what_stands_in_the_way() {
    let (_dir, site, out) = site_and_output();
    built(
        &out,
        &site,
        &[
            ("index.html", "home"),
            ("x.html/index.html", "a folder"),
            ("y", "a file"),
        ],
    );
    assert!(holds_a_build(&out, &site));
    let found = records_of(&out).unwrap();
    assert_eq!(found.len(), 3);

    let moves = ["x.html", "y/index.html", "y/z/index.html"];
    let p = Output::patch(&out, &site).unwrap();
    for rel in moves {
        p.write(rel, rel.as_bytes()).unwrap();
    }
    let error = p.commit(&moves, &[]).unwrap_err();
    assert_eq!(error.action, "write");

    let p = Output::adopt(&out, &site).unwrap();
    for rel in moves {
        p.write(rel, rel.as_bytes()).unwrap();
    }
    p.commit(&moves, &["x.html/index.html".into(), "y".into()]).unwrap();
    for rel in moves {
        assert_eq!(fs::read(out.join(rel)).unwrap(), rel.as_bytes(), "{rel}");
    }
    assert_eq!(fs::read(out.join("index.html")).unwrap(), b"home");
}

/// A folder a build will not write into is an error that names it and says why, at no
/// line of it; nothing is staged beside it.
#[test]
fn refuses_the_site_itself_and_foreign_folders() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    fs::create_dir_all(site.join("content")).unwrap();
    let refused = |result: Result<Output, Error>, target: &Path| match result {
        Err(Error::RefusedOutput(e)) => {
            assert_eq!(e.folder, target);
            let shown = e.to_string();
            let named = format!("refusing to use {} as the output folder: ", target.display());
            assert!(shown.starts_with(&named), "{shown}");
            (e.reason, shown[named.len()..].to_string())
        }
        other => panic!("{other:?}"),
    };
    let holds_the_site = (
        Refusal::HoldsTheSite,
        "it holds the site itself; choose another folder with `-o OUT`".to_string(),
    );
    assert_eq!(refused(Output::create(&site, &site), &site), holds_the_site);
    assert_eq!(refused(Output::create(dir.path(), &site), dir.path()), holds_the_site);
    assert_eq!(refused(Output::patch(&site, &site), &site), holds_the_site);

    let docs = dir.path().join("docs");
    fs::create_dir(&docs).unwrap();
    fs::write(docs.join("notes.txt"), "mine").unwrap();
    let not_a_build = (
        Refusal::NotABuild,
        "it is not empty and holds no previous build (no index.html); \
         empty it or choose another folder with `-o OUT`"
            .to_string(),
    );
    assert_eq!(refused(Output::create(&docs, &site), &docs), not_a_build);

    let notes = docs.join("notes.txt");
    let a_file = (Refusal::IsAFile, "it is a file, not a folder".to_string());
    assert_eq!(refused(Output::create(&notes, &site), &notes), a_file);

    let unnamed = dir.path().join("missing/..");
    let no_name = (Refusal::NoName, "it needs a name of its own".to_string());
    assert_eq!(refused(Output::create(&unnamed, &site), &unnamed), no_name);

    let mut left: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    left.sort();
    assert_eq!(left, ["docs", "site"], "nothing staged");
    assert_eq!(fs::read_to_string(&notes).unwrap(), "mine");
}

/// The names in `dir` other than the site and its output: what builds left beside them.
fn beside_output(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "site" && n != "public")
        .collect();
    names.sort();
    names
}

/// A full build over a previous one exchanges the two in one step, and removes the
/// previous one: nothing is left beside the output.
#[test]
fn a_replaced_output_leaves_nothing_beside_it() {
    let (dir, site, out) = site_and_output();
    for text in ["one", "two"] {
        let o = Output::create(&out, &site).unwrap();
        o.write("index.html", text.as_bytes()).unwrap();
        o.commit(&["index.html"], &[]).unwrap();
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), text);
        assert_eq!(beside_output(dir.path()), Vec::<String>::new());
    }
}

/// An atomic patch applies the changes to a tree of links to the output, which then takes
/// its place: the result is the one a patch in place gives, the files it did not change
/// are the same files (their modification time kept), and nothing is left beside it.
#[cfg(unix)]
#[test]
fn an_atomic_patch_takes_the_place_of_the_output_at_once() {
    use std::os::unix::fs::MetadataExt;
    let (dir, site, out) = site_and_output();
    built(
        &out,
        &site,
        &[("index.html", "home"), ("a/index.html", "a"), ("b/c/index.html", "c")],
    );
    std::os::unix::fs::symlink("a/index.html", out.join("link.html")).unwrap();
    let home = fs::metadata(out.join("index.html")).unwrap().ino();

    let p = Output::patch(&out, &site).unwrap().atomic(true);
    p.write("a/index.html", b"a2").unwrap();
    p.write("d/index.html", b"d").unwrap();
    p.commit(&["a/index.html", "d/index.html"], &["b/c/index.html".into()])
        .unwrap();
    assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"a2");
    assert_eq!(fs::read(out.join("d/index.html")).unwrap(), b"d");
    assert_eq!(fs::read(out.join("index.html")).unwrap(), b"home");
    assert_eq!(
        fs::metadata(out.join("index.html")).unwrap().ino(),
        home,
        "the same file"
    );
    assert_eq!(fs::read_link(out.join("link.html")).unwrap(), Path::new("a/index.html"));
    assert!(!out.join("b").exists(), "emptied folders are removed");
    assert_eq!(beside_output(dir.path()), Vec::<String>::new());
}

/// A patch stopped while it moved files in leaves its marker, which says so until a build
/// completes; the new tree of an atomic patch stopped before it took the output's place
/// goes when the next build starts. Those of a running process stay.
#[cfg(unix)]
#[test]
fn a_patch_stopped_half_way_is_known_until_a_build_completes() {
    let (dir, site, out) = site_and_output();
    built(&out, &site, &[("index.html", "home")]);
    assert_eq!(interrupted(&out), None);

    let gone = 4_194_999;
    let marker = dir.path().join(format!(".public.dateline-{gone}.committing"));
    let running = dir.path().join(".public.dateline-1.committing");
    let next = dir.path().join(format!(".public.dateline-{gone}.next"));
    fs::write(&marker, "").unwrap();
    fs::write(&running, "").unwrap();
    fs::create_dir_all(next.join("a")).unwrap();
    assert_eq!(interrupted(&out), Some(marker.clone()));

    // A build that starts, and one that fails, leave the marker.
    drop(Output::patch(&out, &site).unwrap());
    assert!(!next.exists(), "an unfinished atomic patch is removed");
    assert_eq!(interrupted(&out), Some(marker.clone()));
    // One that completes removes it.
    let p = Output::patch(&out, &site).unwrap();
    p.write("index.html", b"home 2").unwrap();
    p.commit(&["index.html"], &[]).unwrap();
    assert_eq!(interrupted(&out), None);
    assert!(running.exists(), "a running build's marker stays");
}
