//! `dateline serve`: builds the site, serves it on the local machine, watches its files,
//! rebuilds what an edit changed and tells open pages to reload. A bad edit shows its
//! problems in the terminal and over the page, and the last good build stays served.

mod http;
mod watch;

use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::response::sse::Event;
use tokio::sync::broadcast;

use crate::config::{BaseUrl, Config};
use crate::diag::Diagnostics;
use crate::error::{Error, IoError, IoResultExt};
use crate::project::Project;
use crate::render::counted;
use crate::search::When as SearchWhen;
use crate::{BuildOptions, BuildSummary};

/// Folder (in the site) that holds the served build.
pub const SERVE_DIR: &str = ".dateline/serve";

/// What `dateline serve` needs.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub site: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub open: bool,
    pub drafts: bool,
    pub future: bool,
    pub jobs: Option<usize>,
    pub quiet: bool,
}

/// Why serving could not start, or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The folder has no `dateline.toml`: the problem a build reports for it.
    #[error("{0}")]
    NotASite(Diagnostics),
    #[error("cannot listen on {addr}: the port is in use (pass --port 0 to pick a free one)")]
    PortInUse { addr: SocketAddr },
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: io::Error },
    /// The folder the site is built into for serving cannot be made.
    #[error(transparent)]
    Output(#[from] IoError),
    #[error("cannot watch the site's files: {0}")]
    Watch(String),
    #[error("cannot start the server: {0}")]
    Runtime(io::Error),
    #[error("the server stopped: {0}")]
    Server(io::Error),
}

/// The state pages and the rebuild loop share.
pub struct Shared {
    out: PathBuf,
    base_path: String,
    events: broadcast::Sender<Event>,
    status: Mutex<Status>,
}

/// Whether the last build worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// The problems of the last build; the one before it is being served.
    Broken(Vec<String>),
}

/// Serves the site until interrupted (Ctrl-C).
pub fn serve(options: ServeOptions) -> Result<(), ServeError> {
    // A broken configuration is shown like any problem, and served once fixed; a folder
    // with none at all is no site, and gets no .dateline folder either.
    let config = match Config::load(&options.site, None) {
        Ok(config) => Some(config),
        Err(problems) if !crate::config::is_site(&options.site) => {
            return Err(ServeError::NotASite(Diagnostics::from(problems)));
        }
        Err(_) => None,
    };
    let base_path = config
        .as_ref()
        .map_or("/".to_string(), |c| c.base_url.path().to_string());
    let addr = SocketAddr::new(options.bind, options.port);
    let listener = TcpListener::bind(addr).map_err(|source| match source.kind() {
        io::ErrorKind::AddrInUse => ServeError::PortInUse { addr },
        _ => ServeError::Listen { addr, source },
    })?;
    let local = listener
        .local_addr()
        .map_err(|source| ServeError::Listen { addr, source })?;
    listener.set_nonblocking(true).map_err(ServeError::Runtime)?;
    let host = match local.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let url = format!("http://{host}:{}{base_path}", local.port());
    let base_url = BaseUrl::parse(&url).map_err(|e| ServeError::Runtime(io::Error::other(e)))?;

    let out = options.site.join(SERVE_DIR);
    // Made here, so that a folder that cannot be made stops serve with its name, instead of
    // failing every build while serving nothing.
    std::fs::create_dir_all(&out).at("create the folder", &out)?;
    let build_options = BuildOptions {
        site: options.site.clone(),
        out: Some(out.clone()),
        base_url: Some(base_url),
        drafts: options.drafts,
        future: options.future,
        now: chrono::Utc::now().fixed_offset(),
        jobs: options.jobs,
        versioned_assets: false,
        use_cache: false,
        progress: false,
        quiet: options.quiet,
        urls: crate::UrlPolicy::Preview,
        atomic: false,
        verify_output: false,
    };
    let (events, _) = broadcast::channel(64);
    let shared = Arc::new(Shared {
        out: out.clone(),
        base_path,
        events,
        status: Mutex::new(Status::Ok),
    });

    let say = |line: String| {
        if !options.quiet {
            println!("{line}");
        }
    };
    let started = Instant::now();
    let mut project = Project::open(build_options);
    report(&shared, project_build(&mut project), started, &say, true);
    // After an edit, its pages first; the search index of its year (seconds in a large
    // archive) in a build of its own right after.
    project.set_search(SearchWhen::Later);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let listener = {
        let _guard = runtime.enter();
        tokio::net::TcpListener::from_std(listener).map_err(ServeError::Runtime)?
    };
    let app = http::router(shared.clone());

    let mut watch = watch::Watch::new().map_err(ServeError::Watch)?;
    let site = options.site.clone();
    watch.site(&site).map_err(ServeError::Watch)?;
    let loop_shared = shared.clone();
    let quiet = options.quiet;
    std::thread::spawn(move || {
        let say = |line: String| {
            if !quiet {
                println!("{line}");
            }
        };
        project.ready_for_edits();
        while let Some(paths) = watch.next_batch() {
            let started = Instant::now();
            if !project.update(&paths) {
                continue;
            }
            // A folder that appeared (templates/ in a new site) is watched from now on.
            let _ = watch.site(&site);
            let result = project_build(&mut project);
            let pending = matches!(&result, Ok(s) if s.search_indexed.pending > 0);
            report(&loop_shared, result, started, &say, false);
            // Not while another edit waits: its pages first (the index is made after it).
            if pending && !watch.changes_waiting() {
                let started = Instant::now();
                project.set_search(SearchWhen::Now);
                let result = project_build(&mut project);
                project.set_search(SearchWhen::Later);
                report_search(&loop_shared, result, started, &say);
            }
        }
    });

    say(format!("Serving {url} (Ctrl-C to stop)"));
    // The loopback is the default: a preview server answers anyone who can reach it, with
    // drafts and unpublished pages. Any other address is said, even with --quiet.
    if !local.ip().is_loopback() {
        eprintln!("{}", exposed_warning(local));
    }
    if options.open {
        open_browser(&url);
    }
    runtime.block_on(async move {
        let server = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        });
        server.await.map_err(ServeError::Server)
    })
}

/// The warning for a server bound to `local`, an address other than the loopback.
fn exposed_warning(local: SocketAddr) -> String {
    format!(
        "warning: listening on {local}, not the loopback: other machines that can reach this one can read the site (drafts included); use --bind 127.0.0.1 to keep it to this machine"
    )
}

fn project_build(project: &mut Project) -> Result<BuildSummary, Error> {
    let _lock = crate::lock::SiteLock::for_build(project.options())?;
    project.set_now(chrono::Utc::now().fixed_offset());
    crate::with_threads(project.options().jobs, || project.build())
}

/// Tells the terminal and the open pages how a build went.
fn report(shared: &Shared, result: Result<BuildSummary, Error>, started: Instant, say: &dyn Fn(String), first: bool) {
    let mut status = shared.status.lock().unwrap_or_else(|e| e.into_inner());
    match result {
        Ok(summary) => {
            let ms = started.elapsed().as_millis();
            if first {
                say(format!(
                    "Built {} → {} in {ms} ms",
                    counted(summary.articles, "article"),
                    counted(summary.pages, "page")
                ));
            } else {
                say(format!(
                    "Rebuilt in {ms} ms: {} rendered, {} written, {} removed ({})",
                    counted(summary.rendered, "page"),
                    counted(summary.written, "file"),
                    summary.removed,
                    summary.timings
                ));
            }
            // What a build would refuse is previewed, and said.
            for warning in &summary.urls.warnings {
                say(format!("warning: {warning} (`dateline build` would refuse it)"));
            }
            // A mistyped template or a site without articles: said once, on the first build.
            if first {
                for warning in &summary.warnings {
                    say(warning.to_string());
                }
            }
            let was_broken = *status != Status::Ok;
            *status = Status::Ok;
            if was_broken {
                let _ = shared.events.send(Event::default().event("ok").data("{}"));
            }
            if !first && (summary.written > 0 || summary.removed > 0 || was_broken) {
                let only_styles = summary.removed == 0 && summary.only_stylesheets_written;
                let kind = if only_styles && !was_broken { "css" } else { "reload" };
                let _ = shared.events.send(Event::default().event(kind).data("{}"));
            }
        }
        Err(error) => {
            let (lines, outcome) = failure_lines(&error);
            for line in &lines {
                eprintln!("{line}");
            }
            eprintln!("{outcome}");
            let _ = shared.events.send(http::error_event(&lines));
            *status = Status::Broken(lines);
        }
    }
}

/// Tells the terminal how the build that made the search index after an edit went. Open
/// pages are not reloaded: the one being edited already shows the edit, and a search
/// finds it from now on.
fn report_search(shared: &Shared, result: Result<BuildSummary, Error>, started: Instant, say: &dyn Fn(String)) {
    match result {
        Ok(summary) => say(format!(
            "Search index updated in {} ms: {} of {}",
            started.elapsed().as_millis(),
            counted(summary.search_indexed.articles, "article"),
            counted(summary.search_indexed.years, "year"),
        )),
        // Only the file system can fail here (the sources built a moment ago): reported
        // like any build's failure.
        Err(error) => report(shared, Err(error), started, say, false),
    }
}

/// Why a build failed, as the terminal and the open pages show it: every problem of the
/// site's files, each at its line, or else the one thing that failed (what the file system
/// refused, naming its path: `cannot write PATH: …`). Then the line the terminal says
/// after them: what is served now.
fn failure_lines(error: &Error) -> (Vec<String>, String) {
    // A patch that failed half-way may have left some of its files in the served folder.
    let served = match error {
        Error::PartlyPublished(_) => "the served folder may be partly updated",
        _ => "still serving the last good build",
    };
    match error.problems() {
        Some(problems) => {
            let n = problems.len();
            let lines = problems.iter().map(ToString::to_string).collect();
            (
                lines,
                format!("{n} problem{} found; {served}", if n == 1 { "" } else { "s" }),
            )
        }
        None => (vec![error.cause().to_string()], format!("the build failed; {served}")),
    }
}

/// Opens `url` in the desktop's browser, if there is one.
fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        ("open", vec![url])
    } else if cfg!(windows) {
        ("cmd", vec!["/C", "start", url])
    } else {
        ("xdg-open", vec![url])
    };
    if std::process::Command::new(command.0).args(&command.1).spawn().is_err() {
        eprintln!("cannot open a browser; open {url}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Diagnostic;

    fn refused(path: &str) -> Error {
        Error::Io(IoError::new("write", path, io::Error::from(io::ErrorKind::StorageFull)))
    }

    #[test]
    fn what_the_file_system_refused_is_one_plain_line_naming_the_file() {
        let (lines, outcome) = failure_lines(&refused(".dateline/serve/index.html"));
        assert_eq!(lines, ["cannot write .dateline/serve/index.html: no storage space"]);
        assert_eq!(outcome, "the build failed; still serving the last good build");
    }

    #[test]
    fn a_patch_that_failed_half_way_may_have_changed_the_served_folder() {
        let failed = Error::PartlyPublished(Box::new(refused(".dateline/serve/2025/index.html")));
        let (lines, outcome) = failure_lines(&failed);
        assert_eq!(
            lines,
            ["cannot write .dateline/serve/2025/index.html: no storage space"]
        );
        assert_eq!(outcome, "the build failed; the served folder may be partly updated");
    }

    #[test]
    fn problems_of_the_site_are_listed_each_at_its_line() {
        let failed = Error::from(vec![
            Diagnostic::new("content/b.md", 3, 7, "invalid `date`"),
            Diagnostic::file("content/a.md", "missing `title`"),
        ]);
        let (lines, outcome) = failure_lines(&failed);
        assert_eq!(
            lines,
            [
                "content/a.md:1:1: error: missing `title`",
                "content/b.md:3:7: error: invalid `date`"
            ]
        );
        assert_eq!(outcome, "2 problems found; still serving the last good build");
    }
}
