//! `urls.lock`, the file: a comment, then one published URL a line, sorted, each with
//! what gives it and the source it came from, separated by tabs:
//!
//! ```text (→ is a tab)
//! /2025/10/26/takaichi-trump-call/→article→content/2025/10/takaichi.txt
//! /authors/austin-collins/→listing→content/2025/10/takaichi.txt
//! /2025/10/26/old-slug/→moved→content/2025/10/takaichi.txt
//! /2024/01/02/withdrawn/→removed→content/2024/withdrawn.md
//! ```

use std::ops::Range;
use std::path::Path;

use crate::diag::{Diagnostic, shown};
use crate::error::{Error, IoError};
use crate::render::{Kind, Published};

/// The record's file, at the site root.
pub const LOCK_FILE: &str = "urls.lock";

/// The source of what every site has (home, indexes, the site's feeds).
pub const SITE_SOURCE: &str = "dateline.toml";

const HEADER: &str = "# The URLs this site has published, and what gives each. dateline keeps this file:
# commit it with the site. A URL here that nothing gives any more fails the build
# (docs/publishing.md#the-record-of-published-urls).
";

/// What the record says of a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Published, given by a source of this kind.
    Given(Kind),
    /// Published once, then removed on purpose (`--accept-removed`).
    Removed,
}

/// One line of the record.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// Site-relative, as linked (`2025/10/26/slug/`; empty for the home page).
    pub path: &'a str,
    pub state: State,
    pub source: &'a str,
    /// Its line in the file.
    pub line: usize,
}

struct Line {
    path: Range<usize>,
    state: State,
    source: Range<usize>,
    line: usize,
}

/// The record as read (empty when the site has none yet).
#[derive(Default)]
pub struct Lock {
    text: String,
    lines: Vec<Line>,
}

impl Lock {
    /// Reads `SITE/urls.lock`; a site without one has published nothing yet. A line that
    /// is not a record's is a problem at its line.
    pub fn read(root: &Path) -> Result<Lock, Error> {
        let path = root.join(LOCK_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Lock::default()),
            Err(e) => return Err(IoError::new("read", shown(root, Path::new(LOCK_FILE)), e).into()),
        };
        Lock::parse(root, text).map_err(Error::from)
    }

    pub(crate) fn parse(root: &Path, text: String) -> Result<Lock, Vec<Diagnostic>> {
        // At 100,000 articles the record is some 140,000 lines (17 MB), read by every build:
        // one pass over its bytes, each line cut at its tabs, nothing copied.
        let bytes = text.as_bytes();
        let mut lines = Vec::with_capacity(bytes.len() / 96);
        let mut problems = Vec::new();
        let (mut start, mut number) = (0, 0);
        while start < bytes.len() {
            number += 1;
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |n| start + n);
            let line = start..if end > start && bytes[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            start = end + 1;
            if line.is_empty() || bytes[line.start] == b'#' {
                continue;
            }
            let mut tabs = memchr::memchr_iter(b'\t', &bytes[line.clone()]).map(|t| line.start + t);
            let parsed = match (tabs.next(), tabs.next()) {
                (Some(a), Some(b)) if bytes[line.start] == b'/' && b + 1 < line.end => {
                    let state = match &text[a + 1..b] {
                        "removed" => Some(State::Removed),
                        word => Kind::from_word(word).map(State::Given),
                    };
                    state.map(|state| Line {
                        path: line.start + 1..a,
                        state,
                        source: b + 1..line.end,
                        line: number,
                    })
                }
                _ => None,
            };
            match parsed {
                Some(parsed) => lines.push(parsed),
                None => problems.push(
                    Diagnostic::new(
                        shown(root, Path::new(LOCK_FILE)),
                        number,
                        1,
                        format!("not a line of the record: `{}`", &text[line]),
                    )
                    .with_hint("each line is `/PATH<tab>KIND<tab>SOURCE` (KIND: article, listing, feed, site, alias, moved, redirect or removed); dateline writes this file"),
                ),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut lock = Lock { text, lines };
        let sorted = lock
            .lines
            .windows(2)
            .all(|w| lock.text[w[0].path.clone()] <= lock.text[w[1].path.clone()]);
        if !sorted {
            let text = &lock.text;
            lock.lines
                .sort_by(|a, b| text[a.path.clone()].cmp(&text[b.path.clone()]));
        }
        Ok(lock)
    }

    /// Every line of the record, by path.
    pub fn entries(&self) -> impl Iterator<Item = Entry<'_>> {
        self.lines.iter().map(|l| Entry {
            path: &self.text[l.path.clone()],
            state: l.state,
            source: &self.text[l.source.clone()],
            line: l.line,
        })
    }

    /// The file as read ("" if there was none).
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// The record of `now` (sorted by path, one each) and of the URLs `removed` (path, source).
pub(super) fn text(now: &[&Published<'_>], removed: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(HEADER.len() + 90 * (now.len() + removed.len()));
    out.push_str(HEADER);
    let mut removed = removed.iter().peekable();
    let line = |out: &mut String, path: &str, word: &str, source: &str| {
        for part in ["/", path, "\t", word, "\t", source, "\n"] {
            out.push_str(part);
        }
    };
    for p in now {
        while let Some((path, source)) = removed.next_if(|(path, _)| *path < p.path) {
            line(&mut out, path, "removed", source);
        }
        let source = p.source.map(Path::to_string_lossy);
        line(
            &mut out,
            p.path,
            p.kind.word(),
            source.as_deref().unwrap_or(SITE_SOURCE),
        );
    }
    for (path, source) in removed {
        line(&mut out, path, "removed", source);
    }
    out
}
