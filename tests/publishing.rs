//! Publishing: `dateline check --host HOST` and `[deploy] host` (what a host would refuse
//! makes the check fail, at the file it is about; what it ignores is said in a note);
//! `[deploy] nginx_redirects` (`nginx-redirects.conf`, written and recorded as the build's
//! other files are; tests/nginx.rs runs it in nginx); `[feeds] hub` (every feed names the
//! WebSub hub); and the recipes of `examples/` (they parse, and say what matters).

mod common;

use std::path::Path;

use common::Site;

use common::{dateline, stderr, stdout};

const NOW: [&str; 2] = ["--now", "2026-01-15T12:00:00Z"];

#[test]
fn github_pages_takes_the_fixture_and_reads_neither_redirects_nor_headers() {
    let site = Site::fixture("basic");
    let o = dateline(&["check", NOW[0], NOW[1], "--host", "github-pages"], site.root());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The fixture's two aliases are its redirects.
    assert!(
        stderr(&o)
            .contains("note: _redirects and _headers are not read by GitHub Pages: the 2 redirect pages do the work"),
        "{}",
        stderr(&o)
    );
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.starts_with("GitHub Pages: "))
        .unwrap_or_else(|| panic!("no line for the host: {out}"));
    assert!(line.ends_with(": within its limits"), "{line}");
    assert!(line.contains(" files, "), "{line}");
    // Quiet: no notes, no summary.
    let quiet = dateline(&["check", "-q", NOW[0], NOW[1], "--host", "github-pages"], site.root());
    assert_eq!(quiet.status.code(), Some(0), "{}", stderr(&quiet));
    assert_eq!((stdout(&quiet).as_str(), stderr(&quiet).as_str()), ("", ""));
}

#[test]
fn a_file_the_host_refuses_fails_the_check_at_that_file() {
    let site = Site::fixture("basic");
    // 26 MiB of nothing (a sparse file): over Cloudflare Pages' 25 MiB.
    let big = std::fs::File::create(site.root().join("static/recording.wav")).unwrap();
    big.set_len(26 * 1024 * 1024).unwrap();
    let config = std::fs::read_to_string(site.root().join("dateline.toml")).unwrap();
    site.write(
        "dateline.toml",
        format!("{config}\n[deploy]\nhost = \"cloudflare-pages\"\n"),
    );

    let o = dateline(&["check", NOW[0], NOW[1]], site.root());
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let err = stderr(&o);
    let problem = err
        .lines()
        .find(|l| l.contains("recording.wav"))
        .unwrap_or_else(|| panic!("no problem named: {err}"));
    assert!(
        problem.ends_with(
            "public/recording.wav:1:1: error: 26.0 MiB (27,262,976 bytes); Cloudflare Pages takes files of at most 25 MiB"
        ),
        "{problem}"
    );
    assert!(
        err.contains("1 problem found; the site was built, but does not pass the check"),
        "{err}"
    );

    // `--host` says otherwise than `[deploy] host`: Netlify takes the file (with a note).
    let o = dateline(&["check", NOW[0], NOW[1], "--host", "netlify"], site.root());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("note: 1 file over 10 MB, the largest /recording.wav (26.0 MiB"),
        "{}",
        stderr(&o)
    );
    assert!(stdout(&o).contains("Netlify: "), "{}", stdout(&o));
}

#[test]
fn an_unknown_host_is_bad_usage_and_so_is_one_in_the_configuration() {
    let site = Site::fixture("basic");
    let o = dateline(&["check", "--host", "geocities"], site.root());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("possible values: github-pages, cloudflare-pages, netlify, s3"),
        "{}",
        stderr(&o)
    );

    let config = std::fs::read_to_string(site.root().join("dateline.toml")).unwrap();
    site.write("dateline.toml", format!("{config}\n[deploy]\nhost = \"geocities\"\n"));
    let o = dateline(&["check", NOW[0], NOW[1]], site.root());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("dateline.toml:12:8: error: unknown variant `geocities`"),
        "{}",
        stderr(&o)
    );
}

/// The snippet's `location` lines.
fn locations(site: &Site) -> Vec<String> {
    let text = std::fs::read_to_string(site.out().join("nginx-redirects.conf")).unwrap();
    text.lines()
        .filter(|l| l.starts_with("location"))
        .map(String::from)
        .collect()
}

#[test]
fn nginx_redirects_is_written_beside_redirects_when_asked_and_removed_when_not() {
    let site = Site::fixture("basic");
    site.built();
    assert!(site.exists("_redirects"));
    assert!(!site.exists("nginx-redirects.conf"), "not asked for");

    let config = std::fs::read_to_string(site.root().join("dateline.toml")).unwrap();
    site.write("dateline.toml", format!("{config}\n[deploy]\nnginx_redirects = true\n"));
    site.built();
    let redirects = std::fs::read_to_string(site.out().join("_redirects")).unwrap();
    // One location a line of `_redirects`, the same paths and targets.
    let from_redirects: Vec<String> = redirects
        .lines()
        .map(|line| {
            let parts: Vec<&str> = line.split(' ').collect();
            format!("location = {} {{ return 301 {}; }}", parts[0], parts[1])
        })
        .collect();
    assert_eq!(from_redirects.len(), 2, "{redirects}");
    assert_eq!(locations(&site), from_redirects);

    // An edit keeps it, with the new alias; a rebuild with nothing changed writes nothing.
    let story = site.root().join("content/2024/03/old-story.md");
    let text = std::fs::read_to_string(&story).unwrap();
    std::fs::write(
        &story,
        text.replace("author: John Doe", "author: John Doe\naliases: [\"/older/\"]"),
    )
    .unwrap();
    site.built();
    assert_eq!(locations(&site).len(), 3, "{:?}", locations(&site));
    assert!(
        locations(&site)
            .iter()
            .any(|l| l.starts_with("location = /archive/older/ { return 301 /archive/2024/03/"))
    );
    assert_eq!(site.built().written, 0);

    // Asked no more: the next build removes it.
    site.write(
        "dateline.toml",
        format!("{config}\n[deploy]\nnginx_redirects = false\n"),
    );
    let summary = site.built();
    assert!(!site.exists("nginx-redirects.conf"));
    assert_eq!(summary.removed, 1);
}

#[test]
fn nginx_redirects_without_redirects_is_comments_only_and_a_site_file_cannot_take_its_name() {
    let site =
        Site::with_config("title = \"T\"\nbase_url = \"https://example.org/\"\n[deploy]\nnginx_redirects = true\n");
    site.write("content/a.md", "---\ntitle: A\ndate: 2025-01-05\n---\nBody.\n");
    site.built();
    assert!(!site.exists("_redirects"));
    assert_eq!(locations(&site), Vec::<String>::new());
    assert!(site.out().join("nginx-redirects.conf").metadata().unwrap().len() > 0);

    site.write("static/nginx-redirects.conf", "location = /x/ { return 301 /; }\n");
    let failed = site.build().expect_err("a site file at the snippet's path");
    assert!(
        failed.to_string().contains(
            "static/nginx-redirects.conf:1:1: error: /nginx-redirects.conf is also a page or file that dateline writes"
        ),
        "{failed}"
    );
}

/// The `href` of every `rel="hub"` link that is a child of the feed itself (Atom's
/// `<feed>`, RSS's `<channel>`), not of an entry.
fn hubs_of(xml: &str) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut hubs = Vec::new();
    loop {
        let event = reader.read_event().unwrap_or_else(|e| panic!("{e}: {xml}"));
        let (element, empty) = match &event {
            Event::Start(e) => (Some(e.clone()), false),
            Event::Empty(e) => (Some(e.clone()), true),
            Event::End(_) => {
                path.pop();
                continue;
            }
            Event::Eof => return hubs,
            _ => continue,
        };
        let Some(element) = element else { continue };
        let name = AsRef::<str>::as_ref(&element.name()).to_string();
        let parent = path.last().map(String::as_str);
        let in_feed = matches!(parent, Some("feed") | Some("channel"));
        if in_feed && (name == "link" || name == "atom:link") {
            let attr = |key: &str| {
                element
                    .attributes()
                    .flatten()
                    .find(|a| AsRef::<str>::as_ref(&a.key) == key)
                    .map(|a| a.value.into_owned())
            };
            if attr("rel").as_deref() == Some("hub") {
                hubs.push(attr("href").unwrap_or_default());
            }
        }
        if !empty {
            path.push(name);
        }
    }
}

/// Every feed of the built site: its path, and its text.
fn feeds(site: &Site) -> Vec<(String, String)> {
    let mut feeds: Vec<(String, String)> = common::tree(&site.out())
        .into_iter()
        .filter(|(path, _)| path.ends_with("atom.xml") || path.ends_with("rss.xml"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect();
    feeds.sort();
    feeds
}

#[test]
fn every_feed_names_the_hub_when_there_is_one() {
    let site = Site::fixture("basic");
    site.built();
    let before = feeds(&site);
    assert!(
        before.len() > 4,
        "{:?}",
        before.iter().map(|(p, _)| p).collect::<Vec<_>>()
    );
    for (path, xml) in &before {
        assert_eq!(hubs_of(xml), Vec::<String>::new(), "{path}");
    }

    let config = std::fs::read_to_string(site.root().join("dateline.toml")).unwrap();
    site.write(
        "dateline.toml",
        format!("{config}\n[feeds]\nhub = \"https://hub.example.org/publish\"\n"),
    );
    site.built();
    let after = feeds(&site);
    assert_eq!(after.len(), before.len());
    for (path, xml) in &after {
        assert_eq!(hubs_of(xml), ["https://hub.example.org/publish"], "{path}");
    }
    let rss = &after.iter().find(|(p, _)| p == "rss.xml").unwrap().1;
    assert!(
        rss.contains(r#"<atom:link rel="hub" href="https://hub.example.org/publish"/>"#),
        "{rss}"
    );
    assert!(rss.contains(r#"xmlns:atom="http://www.w3.org/2005/Atom""#), "{rss}");

    let o = dateline(&["build", NOW[0], NOW[1]], site.root());
    assert!(o.status.success(), "{}", stderr(&o));
    site.write(
        "dateline.toml",
        format!("{config}\n[feeds]\nhub = \"hub.example.org\"\n"),
    );
    let o = dateline(&["build", NOW[0], NOW[1]], site.root());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(
            "dateline.toml:12:7: error: invalid `hub`: `hub.example.org` is not an absolute http:// or https:// URL"
        ),
        "{}",
        stderr(&o)
    );
}

/// A file of `examples/`.
fn example(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_github_pages_workflow_builds_with_dateline_and_publishes_public() {
    use serde_json::Value;
    let workflow: Value = serde_saphyr::from_str(&example("github-pages.yml")).expect("the workflow is YAML");
    // `on` is a key, not YAML 1.1's `true`.
    assert!(workflow["on"]["push"].is_object(), "{:#}", workflow["on"]);
    let permissions = &workflow["permissions"];
    assert_eq!(permissions["pages"], "write");
    assert_eq!(permissions["id-token"], "write");

    let jobs = workflow["jobs"].as_object().expect("jobs");
    let steps: Vec<&Value> = jobs
        .values()
        .flat_map(|job| job["steps"].as_array().expect("steps"))
        .collect();
    let uses = |action: &str| -> Vec<&Value> {
        steps
            .iter()
            .copied()
            .filter(|s| s["uses"].as_str().is_some_and(|u| u.starts_with(&format!("{action}@"))))
            .collect()
    };
    let runs: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert_eq!(uses("actions/checkout").len(), 1);
    assert_eq!(uses("dtolnay/rust-toolchain").len(), 1);
    assert!(
        runs.iter().any(|r| r.starts_with("cargo install --locked --git")),
        "{runs:?}"
    );
    assert!(runs.contains(&"dateline build"), "{runs:?}");
    assert!(runs.contains(&"dateline check --host github-pages"), "{runs:?}");
    let upload = uses("actions/upload-pages-artifact");
    assert_eq!(upload.len(), 1);
    assert_eq!(upload[0]["with"]["path"], "public");
    assert_eq!(uses("actions/deploy-pages").len(), 1);
    // The deploy job waits for the build, and is the github-pages environment.
    let deploy = jobs.values().find(|job| {
        job["steps"][0]["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("actions/deploy-pages@"))
    });
    let deploy = deploy.expect("a job that deploys");
    assert_eq!(deploy["needs"], "build");
    assert_eq!(deploy["environment"]["name"], "github-pages");
}

#[test]
fn the_netlify_configuration_builds_with_dateline_and_publishes_public() {
    let config: toml::Table = toml::from_str(&example("netlify.toml")).expect("netlify.toml is TOML");
    let build = config["build"].as_table().expect("[build]");
    assert_eq!(build["publish"].as_str(), Some("public"));
    let command = build["command"].as_str().expect("a build command");
    let steps: Vec<&str> = command.split("&&").map(str::trim).collect();
    let at = |step: &str| steps.iter().position(|s| s.starts_with(step));
    let installed = at("cargo install --locked --git \"$DATELINE_GIT\" dateline").expect(command);
    let built = at("dateline build").expect(command);
    let checked = at("dateline check --host netlify").expect(command);
    assert!(installed < built && built < checked, "{command}");
    // Rust is installed where the image has none, and its cargo is on the PATH after.
    assert!(
        steps[0].starts_with("(command -v cargo >/dev/null || curl"),
        "{command}"
    );
    assert!(
        build["environment"]["DATELINE_GIT"]
            .as_str()
            .is_some_and(|url| url.starts_with("https://")),
        "{build:?}"
    );
    let preview = config["context"]["deploy-preview"]["command"]
        .as_str()
        .expect("a preview command");
    assert!(
        preview.ends_with("dateline build --base-url \"$DEPLOY_PRIME_URL\""),
        "{preview}"
    );
}

/// A build stopped while it moved its files into the output folder leaves a marker beside
/// it (src/output/patch.rs; tests/crash.rs kills builds there): `dateline deploy` will not
/// send a folder that holds files of two builds, and says how to complete it; the next
/// build does, and removes the marker.
#[test]
fn deploy_refuses_an_output_a_stopped_build_left_between_two_builds() {
    let site = Site::fixture("basic");
    let built = dateline(&["build", NOW[0], NOW[1]], site.root());
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    // No system hands out this process id (Linux's largest is 2^22).
    let marker = site.root().join(".public.dateline-4194999.committing");
    std::fs::write(&marker, "").unwrap();
    let deploy = || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_dateline"));
        command
            .args(["deploy", "--dry-run", "--to", "s3://bucket"])
            .current_dir(site.root())
            .env("HOME", site.root())
            .env("NO_COLOR", "1");
        for var in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
        ] {
            command.env_remove(var);
        }
        command.output().unwrap()
    };
    let refused = deploy();
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    let err = stderr(&refused);
    assert!(
        err.contains("a build was stopped while it put its files in place")
            && err.contains(".public.dateline-4194999.committing")
            && err.contains("run `dateline build` to complete it; nothing was sent"),
        "{err}"
    );

    let built = dateline(&["build", NOW[0], NOW[1]], site.root());
    assert_eq!(built.status.code(), Some(0), "{}", stderr(&built));
    assert!(!marker.exists(), "a complete build removes the marker");
    // Past that check now: to the credentials, which this test has none of.
    let err = stderr(&deploy());
    assert!(!err.contains("a build was stopped"), "{err}");
}
