//! `dateline check`: lints a built site. Every internal link and fragment must lead
//! somewhere, feeds and sitemaps must be well-formed XML whose URLs exist.
//!
//! The output is what is checked, because it is what readers get: a link is broken if the
//! built site has no file for it, whoever wrote it. But the people who fix a broken link
//! edit an article, not a page: a problem found on an article's page is traced back to
//! the article's source when its body made the link (`locate`), and the page is named in
//! a note. The sources are linted too (`sources`), and external links may be asked for
//! (`external`). `check_output` is the check of the output alone; `check_site` is all of
//! it, as `dateline check` runs it.

mod external;
mod locate;
pub(crate) mod scan;
mod sources;

use ahash::{AHashMap as HashMap, AHashSet as HashSet};
use std::borrow::Cow;
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::Event;
use rayon::prelude::*;

use crate::config::BaseUrl;
use crate::diag::Diagnostic;
use crate::model::Archive;

pub(crate) use external::External;

/// What a check looked at.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct CheckReport {
    pub pages: usize,
    pub links: usize,
    pub xml_files: usize,
}

/// Checks the built site in `out` (shown in messages as `shown_out`): every problem is
/// at the output file it was found in.
pub fn check_output(out: &Path, shown_out: &Path, base: &BaseUrl) -> Result<CheckReport, Vec<Diagnostic>> {
    let checked = check_pages(out, shown_out, base, false);
    match checked.found.is_empty() {
        true => Ok(checked.report),
        false => Err(checked.found.into_iter().map(|f| f.diagnostic).collect()),
    }
}

/// A problem `dateline check` reports, and the page it was found on, if any (its path
/// from the site's root, as a reader's browser asks for it: `/archive/2025/10/26/x/`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub diagnostic: Diagnostic,
    pub page: Option<String>,
}

/// What the check knows of the site a build made of its sources.
pub(crate) struct Site<'a> {
    /// The site's folder, as the user named it (sources are read, and shown, from there).
    pub root: &'a Path,
    pub archive: &'a Archive,
}

/// What `check_site` did and found.
#[derive(Debug, Default)]
pub struct Checked {
    pub report: CheckReport,
    /// Errors, warnings and notes, sorted.
    pub problems: Vec<Problem>,
    /// How many external URLs were asked for, and how many were known from the cache
    /// (with `--external`).
    pub external: Option<external::Asked>,
}

/// The whole of `dateline check` on the site built into `out` (shown as `shown_out`) from
/// `site`: the output checked, its problems reported at the sources that made them, the
/// sources linted, and with `external`, the links to other sites asked for. Without
/// `site` (a build that made no archive), the output alone.
pub(crate) fn check_site(
    out: &Path,
    shown_out: &Path,
    base: &BaseUrl,
    site: Option<&Site<'_>>,
    external: Option<&External>,
) -> Checked {
    let pages = check_pages(out, shown_out, base, external.is_some());
    let mut found = pages.found;
    let asked = external.map(|options| {
        let (problems, asked) = external::check(options, pages.external, out, shown_out);
        found.extend(problems);
        asked
    });
    let mut problems = locate::at_sources(found, out, base, site);
    let warnings = site.map(|site| sources::lint(site, base)).unwrap_or_default();
    problems.extend(
        warnings
            .into_iter()
            .map(|diagnostic| Problem { diagnostic, page: None }),
    );
    problems.sort();
    problems.dedup();
    Checked {
        report: pages.report,
        problems,
        external: asked,
    }
}

/// A problem of the output, and where on a page it was found (a link's), to be traced
/// back to the source that made it.
#[derive(Debug)]
pub(crate) struct Found {
    pub diagnostic: Diagnostic,
    /// The page (relative to the output folder), and the offset of the link on it.
    pub on: Option<(String, usize)>,
}

impl From<Diagnostic> for Found {
    fn from(diagnostic: Diagnostic) -> Found {
        Found { diagnostic, on: None }
    }
}

/// Every place a URL of another site is linked from: pages (relative to the output
/// folder) and offsets on them.
pub(crate) type ExternalLinks = HashMap<String, Vec<(String, usize)>>;

/// What the check of the output found.
struct Pages {
    report: CheckReport,
    found: Vec<Found>,
    /// With `external`: the links to other sites (`http:`, `https:`).
    external: ExternalLinks,
}

/// Checks the output (`check_output`); with `external`, also lists the links to other sites.
fn check_pages(out: &Path, shown_out: &Path, base: &BaseUrl, external: bool) -> Pages {
    let mut problems = Vec::new();
    // Every file, those whose names start with a dot too (`.well-known/`).
    let files: Vec<String> = crate::walk::listed_under(out, Path::new(""), crate::walk::Skip::Nothing, &mut problems)
        .into_iter()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    let mut found: Vec<Found> = problems.into_iter().map(Found::from).collect();
    let existing: HashSet<&str> = files.iter().map(String::as_str).collect();
    let shown = |rel: &str| shown_out.join(rel);

    // Every page is read and scanned once, in parallel, and its text let go: a built
    // archive is gigabytes of HTML. A link is checked there and then, but for a fragment
    // of another page, which waits until every page's ids are known.
    let scanned: Vec<Scanned<'_>> = files
        .par_iter()
        .filter(|f| f.ends_with(".html"))
        .map(|f| match read_text(out, f, &shown(f)) {
            Ok(text) => scan_page(f, &text, &shown(f), base, &existing, external),
            Err(problem) => Scanned::unread(f, problem),
        })
        .collect();
    let pages = scanned.len();
    let link_count: usize = scanned.iter().map(|s| s.links).sum();
    let mut ids: HashMap<&str, HashSet<String>> = HashMap::with_capacity(scanned.len());
    let mut waiting = Vec::new();
    let mut external_links = ExternalLinks::new();
    for page in scanned {
        found.extend(page.problems);
        waiting.extend(page.waiting);
        for (url, offset) in page.external {
            external_links
                .entry(url)
                .or_default()
                .push((page.file.to_string(), offset));
        }
        ids.insert(page.file, page.ids);
    }
    found.extend(waiting.into_iter().filter_map(|w| {
        let found = ids.get(w.file.as_str()).is_some_and(|set| set.contains(&w.fragment));
        (!found).then_some(w.problem)
    }));

    // Feeds and sitemaps: well-formed, and their URLs of this site exist.
    let xml_files: Vec<&String> = files.iter().filter(|f| f.ends_with(".xml")).collect();
    let xml_problems: Vec<Diagnostic> = xml_files
        .par_iter()
        .flat_map_iter(|f| check_xml(out, f, &shown(f), base, &existing))
        .collect();
    found.extend(xml_problems.into_iter().map(Found::from));

    Pages {
        report: CheckReport {
            pages,
            links: link_count,
            xml_files: xml_files.len(),
        },
        found,
        external: external_links,
    }
}

/// What a page holds for the check, once its text is let go.
struct Scanned<'f> {
    file: &'f str,
    /// The fragment ids it offers.
    ids: HashSet<String>,
    links: usize,
    problems: Vec<Found>,
    /// Its links to a fragment of another page.
    waiting: Vec<Waiting>,
    /// Its links to other sites (when asked for), and their offsets.
    external: Vec<(String, usize)>,
}

impl<'f> Scanned<'f> {
    /// A page that could not be read: its problem, and no ids.
    fn unread(file: &'f str, problem: Diagnostic) -> Scanned<'f> {
        Scanned {
            file,
            ids: HashSet::default(),
            links: 0,
            problems: vec![problem.into()],
            waiting: Vec::new(),
            external: Vec::new(),
        }
    }
}

/// The text of the output file `rel` (shown as `shown`); a file that cannot be read or
/// is not UTF-8 is a problem, at its first byte that is not.
fn read_text(out: &Path, rel: &str, shown: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(out.join(rel)).map_err(|e| Diagnostic::file(shown, format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let text = std::str::from_utf8(&e.as_bytes()[..valid]).unwrap_or_default();
        Diagnostic::at_offset(shown, text, valid, "invalid UTF-8: the file cannot be checked")
    })
}

/// A link to a fragment of another page: the problem it is, unless that page has the id.
struct Waiting {
    file: String,
    fragment: String,
    problem: Found,
}

/// Scans the page `file` (shown as `shown`) and checks its links; with `external`, lists
/// its links to other sites.
fn scan_page<'f>(
    file: &'f str,
    text: &str,
    shown: &Path,
    base: &BaseUrl,
    existing: &HashSet<&str>,
    external: bool,
) -> Scanned<'f> {
    let found = scan::scan(text);
    let ids: HashSet<String> = found.ids.into_iter().map(Cow::into_owned).collect();
    let (mut problems, mut waiting, mut elsewhere) = (Vec::new(), Vec::new(), Vec::new());
    let mut scratch = String::new();
    for link in &found.links {
        let at = |message: String| Found {
            diagnostic: Diagnostic::at_offset(shown, text, link.offset, message),
            on: Some((file.to_string(), link.offset)),
        };
        match check_link(base, file, &link.url, existing, &mut scratch) {
            Link::Fine => {}
            Link::External => {
                if external && let Some(url) = external::checked_url(&link.url) {
                    elsewhere.push((url, link.offset));
                }
            }
            Link::Broken(message) => problems.push(at(message)),
            Link::Fragment { file: target, fragment } => {
                // Worded only when it may be a problem: most pages link to their own ids.
                let problem = || {
                    let url = link.url.trim();
                    at(format!("broken link: {url} (no id=\"{fragment}\" on /{target})"))
                };
                match target == file {
                    true if ids.contains(&fragment) => {}
                    true => problems.push(problem()),
                    false => waiting.push(Waiting {
                        problem: problem(),
                        file: target,
                        fragment,
                    }),
                }
            }
        }
    }
    Scanned {
        file,
        ids,
        links: found.links.len(),
        problems,
        waiting,
        external: elsewhere,
    }
}

/// What a link found on a page is.
enum Link {
    Fine,
    /// Of another site (or `mailto:`, `tel:`, `data:`, …).
    External,
    Broken(String),
    /// Fine if the page `file` has the id `fragment` (decoded).
    Fragment {
        file: String,
        fragment: String,
    },
}

/// Checks a link found on page `from`, but for the fragment of a page.
fn check_link(base: &BaseUrl, from: &str, url: &str, existing: &HashSet<&str>, scratch: &mut String) -> Link {
    let url = url.trim();
    let (target, fragment) = match url.split_once('#') {
        Some((t, f)) => (t, Some(f)),
        None => (url, None),
    };
    let target = target.split('?').next().unwrap_or(target);
    // Most links of a site are of its own pages from its root (`/2025/10/26/`), with
    // nothing to decode or resolve: the path below the base's is the file's.
    let plain =
        target.starts_with('/') && !target.contains(['%', '\\']) && !target.contains("//") && !target.contains("/.");
    let below_base = target.strip_prefix(base.path()).filter(|_| plain);
    let file = match below_base {
        _ if target.is_empty() => from,
        Some(rel) => match existing_file(rel, existing, scratch) {
            Some(file) => file,
            None => return Link::Broken(format!("broken link: {url} (no /{rel} in the output)")),
        },
        None => match resolve(base, from, target) {
            Resolved::External => return Link::External,
            Resolved::OutsideSite(path) => {
                return Link::Broken(format!(
                    "link to {path}, which is outside the site (base_url path {})",
                    base.path()
                ));
            }
            Resolved::Inside(rel) => match existing_file(&rel, existing, scratch) {
                Some(file) => file,
                None => return Link::Broken(format!("broken link: {url} (no /{rel} in the output)")),
            },
        },
    };
    match fragment {
        Some(f) if !f.is_empty() && file.ends_with(".html") => Link::Fragment {
            file: file.to_string(),
            fragment: percent_decode(f),
        },
        _ => Link::Fine,
    }
}

enum Resolved {
    External,
    OutsideSite(String),
    /// A site-relative path (no leading `/`).
    Inside(String),
}

fn resolve(base: &BaseUrl, from: &str, target: &str) -> Resolved {
    let path = if let Some(rest) = target.strip_prefix(base.as_str()) {
        format!("{}{rest}", base.path())
    } else if has_scheme(target) || target.starts_with("//") {
        // http:, https:, mailto:, tel:, data:, … elsewhere.
        return Resolved::External;
    } else if target.starts_with('/') {
        target.to_string()
    } else {
        // Relative to the page's folder.
        let dir = match from.rfind('/') {
            Some(i) => &from[..=i],
            None => "",
        };
        format!("{}{dir}{target}", base.path())
    };
    let path = normalize(&percent_decode(&path));
    match path.strip_prefix(base.path()) {
        Some(rel) => Resolved::Inside(rel.to_string()),
        None if path.len() + 1 == base.path().len() && base.path().starts_with(&path) => {
            Resolved::Inside(String::new())
        }
        None => Resolved::OutsideSite(path),
    }
}

fn has_scheme(url: &str) -> bool {
    url.find(':').is_some_and(|i| {
        i > 0
            && url[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// Removes `.` and `..` segments.
fn normalize(path: &str) -> String {
    let trailing = path.ends_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = format!("/{}", parts.join("/"));
    if trailing && out.len() > 1 {
        out.push('/');
    }
    out
}

/// The output file a site-relative path is served from, as a static host would;
/// `scratch` holds the names tried.
fn existing_file<'e>(rel: &str, existing: &HashSet<&'e str>, scratch: &mut String) -> Option<&'e str> {
    let tried = |name: &str| existing.get(name).copied();
    let folder = |scratch: &mut String, slash: &str| {
        scratch.clear();
        scratch.push_str(rel);
        scratch.push_str(slash);
        scratch.push_str("index.html");
    };
    if rel.is_empty() || rel.ends_with('/') {
        folder(scratch, "");
        tried(scratch)
    } else {
        tried(rel).or_else(|| {
            folder(scratch, "/");
            tried(scratch)
        })
    }
}

/// `text` with its `%XX` escapes decoded (what is not UTF-8 then shown as U+FFFD).
fn percent_decode(text: &str) -> String {
    // Most links have nothing to decode, which a search for `%` tells sooner than the
    // crate's look at each byte: checking a 10,000-article site, decoding took 15 million
    // instructions so, 41 million without (callgrind).
    if !text.contains('%') {
        return text.to_string();
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Problems of one XML file (shown as `shown`).
fn check_xml(out: &Path, rel: &str, shown: &Path, base: &BaseUrl, existing: &HashSet<&str>) -> Vec<Diagnostic> {
    let text = match read_text(out, rel, shown) {
        Ok(t) => t,
        Err(problem) => return vec![problem],
    };
    let mut problems = Vec::new();
    let mut reader = Reader::from_str(&text);
    let mut in_url_element = false;
    let mut url = String::new();
    loop {
        let position = reader.buffer_position() as usize;
        match reader.read_event() {
            Err(e) => {
                problems.push((position, format!("not well-formed XML: {e}")));
                break;
            }
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                in_url_element = matches!(e.name().as_ref(), "loc" | "id" | "link" | "uri");
                url.clear();
            }
            Ok(Event::Empty(e)) if e.name().as_ref() == "link" => {
                if let Some(href) = e.attributes().flatten().find(|a| a.key.as_ref() == "href") {
                    let href = scan::decode_entities(&href.value);
                    if let Some(m) = missing(base, &href, existing) {
                        problems.push((position, m));
                    }
                }
            }
            Ok(Event::Text(t)) if in_url_element => url.push_str(&t),
            Ok(Event::GeneralRef(r)) if in_url_element => url.push_str(&scan::decode_entities(&format!("&{};", &*r))),
            Ok(Event::End(_)) => {
                if in_url_element && let Some(m) = missing(base, url.trim(), existing) {
                    problems.push((position, m));
                }
                in_url_element = false;
            }
            Ok(_) => {}
        }
    }
    // Each problem placed in the text here, not given a copy of it: a sitemap is
    // megabytes, and one whose pages went may have thousands of problems.
    problems
        .into_iter()
        .map(|(offset, m)| Diagnostic::at_offset(shown, &text, offset, m))
        .collect()
}

fn missing(base: &BaseUrl, url: &str, existing: &HashSet<&str>) -> Option<String> {
    let rel = url.strip_prefix(base.as_str())?;
    let rel = rel.split(['?', '#']).next().unwrap_or(rel);
    existing_file(&percent_decode(rel), existing, &mut String::new())
        .is_none()
        .then(|| format!("{url} does not exist in the output"))
}

#[cfg(test)]
mod tests;
