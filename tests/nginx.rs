//! `nginx-redirects.conf` in a real nginx: `nginx -t` accepts a configuration that includes
//! it inside a `server {}` block, and nginx, serving the built site on a loopback port,
//! answers every old path, odd characters and all, with a 301 to its article.
//!
//! Needs nginx (Debian: `nginx`). Without it the tests are reported as ignored, not as
//! passed, unless `DATELINE_REQUIRE_NGINX` is set (as `.ci/run` does), which makes a missing
//! nginx fail. Rust's own test harness cannot decide at run time that a test did not run,
//! so this file has its own (libtest-mimic; `harness = false` in Cargo.toml).

mod common;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Site;
use libtest_mimic::{Arguments, Completion, Failed, Trial};

fn main() {
    let arguments = Arguments::from_args();
    let tests = vec![
        with_nginx(
            "nginx_t_accepts_the_snippet_in_a_server_block",
            nginx_t_accepts_the_snippet_in_a_server_block,
        ),
        with_nginx(
            "nginx_answers_every_old_path_with_a_301",
            nginx_answers_every_old_path_with_a_301,
        ),
    ];
    libtest_mimic::run(&arguments, tests).exit();
}

/// The nginx binary: on the PATH, or where Debian puts it (`/usr/sbin`, which a user's PATH
/// may not hold).
fn find_nginx() -> Option<PathBuf> {
    ["nginx", "/usr/sbin/nginx", "/usr/local/sbin/nginx"]
        .into_iter()
        .map(PathBuf::from)
        .find(|binary| {
            Command::new(binary)
                .arg("-v")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
}

/// A test that runs `test` with nginx: ignored (and said so) when there is none, a failure
/// when there is none and `DATELINE_REQUIRE_NGINX` is set.
fn with_nginx(name: &str, test: fn(&Path)) -> Trial {
    Trial::ignorable_test(name, move || {
        let Some(nginx) = find_nginx() else {
            if std::env::var_os("DATELINE_REQUIRE_NGINX").is_some() {
                return Err(Failed::from("DATELINE_REQUIRE_NGINX is set, but no nginx was found"));
            }
            return Ok(Completion::ignored_with(
                "no nginx found (set DATELINE_REQUIRE_NGINX to make that a failure)",
            ));
        };
        test(&nginx);
        Ok(Completion::Completed)
    })
}

/// The fixture site with `[deploy] nginx_redirects = true` and an article whose aliases
/// hold what nginx reads otherwise than written: an encoded `é` and space, `;`, `{`, `}`,
/// quotes, `$`.
fn built_site() -> Site {
    let site = Site::fixture("basic");
    let config = std::fs::read_to_string(site.root().join("dateline.toml")).unwrap();
    site.write("dateline.toml", format!("{config}\n[deploy]\nnginx_redirects = true\n"));
    site.write(
        "content/2025/12/odd-old-paths.md",
        "---\ntitle: Odd Old Paths\ndate: 2025-12-01\nauthor: Jane Roe\n\
         aliases: ['/caf%C3%A9%20noir/', '/a;b{c}/', '/say-\"hi\"/', '/$price/', \"/it's-1.html\"]\n---\nBody.\n",
    );
    site.built();
    site
}

/// A configuration of nginx in `dir` that serves `out` on `port` with the snippet
/// included, every path it writes inside `dir`.
fn configuration(dir: &Path, out: &Path, port: u16) -> PathBuf {
    let d = dir.display();
    let conf = format!(
        "pid {d}/nginx.pid;\n\
         error_log {d}/error.log;\n\
         master_process off;\n\
         daemon off;\n\
         events {{}}\n\
         http {{\n\
         \x20   access_log off;\n\
         \x20   client_body_temp_path {d}/body;\n\
         \x20   proxy_temp_path {d}/proxy;\n\
         \x20   fastcgi_temp_path {d}/fastcgi;\n\
         \x20   uwsgi_temp_path {d}/uwsgi;\n\
         \x20   scgi_temp_path {d}/scgi;\n\
         \x20   server {{\n\
         \x20       listen 127.0.0.1:{port};\n\
         \x20       root {out};\n\
         \x20       include {out}/nginx-redirects.conf;\n\
         \x20   }}\n\
         }}\n",
        out = out.display()
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    path
}

/// `nginx -t` on `conf`, with its prefix and error log in `dir`.
fn nginx_t(nginx: &Path, dir: &Path, conf: &Path) -> std::process::Output {
    Command::new(nginx)
        .arg("-t")
        .arg("-p")
        .arg(dir)
        .arg("-e")
        .arg(dir.join("error.log"))
        .arg("-c")
        .arg(conf)
        .output()
        .expect("run nginx -t")
}

fn nginx_t_accepts_the_snippet_in_a_server_block(nginx: &Path) {
    let site = built_site();
    let snippet = std::fs::read_to_string(site.out().join("nginx-redirects.conf")).unwrap();
    // The fixture's own alias, and the odd ones quoted.
    assert!(
        snippet.contains("location = /archive/old/talks-begin/ { return 301 /archive/2024/10/"),
        "{snippet}"
    );
    assert!(snippet.contains(r#"location = "/archive/say-\"hi\"/""#), "{snippet}");
    let dir = tempfile::tempdir().unwrap();
    let conf = configuration(dir.path(), &site.out(), free_port());
    let checked = nginx_t(nginx, dir.path(), &conf);
    let said = String::from_utf8_lossy(&checked.stderr);
    assert!(
        checked.status.success(),
        "nginx -t refused the snippet:\n{said}\n{snippet}"
    );
    assert!(said.contains("test is successful"), "{said}");

    // And a snippet nginx refuses is refused: the test can fail.
    std::fs::write(
        site.out().join("nginx-redirects.conf"),
        "location = /a b { return 301 /c; }\n",
    )
    .unwrap();
    let refused = nginx_t(nginx, dir.path(), &conf);
    assert!(!refused.status.success(), "nginx -t accepted a broken snippet");
}

fn nginx_answers_every_old_path_with_a_301(nginx: &Path) {
    let site = built_site();
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let conf = configuration(dir.path(), &site.out(), port);
    let server = Server(
        Command::new(nginx)
            .arg("-p")
            .arg(dir.path())
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start nginx"),
    );
    let address = SocketAddr::from(([127, 0, 0, 1], port));
    let started = Instant::now();
    while TcpStream::connect(address).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nginx did not listen on {address}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let article = "/archive/2025/12/01/odd-old-paths/";
    for old in [
        "/archive/caf%C3%A9%20noir/",
        "/archive/a;b%7Bc%7D/",
        "/archive/say-%22hi%22/",
        "/archive/$price/",
        "/archive/it's-1.html",
    ] {
        let response = common::http::get(&format!("http://{address}{old}"));
        assert_eq!(response.status, 301, "{old}: {}", response.body);
        let location = response.header("Location").unwrap_or_default();
        assert!(location.ends_with(article), "{old} → {location}");
    }
    // A path with no redirect is no redirect.
    assert_eq!(
        common::http::get(&format!("http://{address}/archive/nothing-here/")).status,
        404
    );
    drop(server);
}

/// A port on the loopback address that nothing listens on (just now).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// nginx, stopped when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
