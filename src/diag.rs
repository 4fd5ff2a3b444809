//! The one diagnostic type every stage reports problems with: `path:line:col: error: message`.
//!
//! A build knows only errors: a site with one is not built. `dateline check` also says
//! what is worth fixing but publishes fine (warnings, which fail the check only when asked)
//! and what is worth knowing (notes, which never do), so the level is part of the
//! diagnostic; notes attached to a diagnostic say where else it shows (the page a broken
//! link of an article's body is on).

use std::fmt;
use std::path::{Path, PathBuf};

pub mod suggest;

/// How much a diagnostic matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The site is wrong: the build, or the check, fails.
    Error,
    /// Worth fixing, but the site works: fails `dateline check` only with `--deny-warnings`.
    Warning,
    /// For information (a link that moved for good): never fails anything.
    Note,
}

impl Severity {
    /// As messages and JSON say it: `error`, `warning`, `note`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A problem with a user's file, located by path, line and column (both 1-based).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
    /// `Error` unless made otherwise (`warning`, `note`).
    pub severity: Severity,
    /// Lines said under it, `note: …` each (where else the problem shows).
    pub notes: Vec<String>,
    /// The text of the line it is at, shown under it with a caret at its column (boxed:
    /// most diagnostics have none, and every `Result` carrying one stays small).
    pub source_line: Option<Box<SourceLine>>,
}

/// The text of a line of a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceLine(pub String);

impl Diagnostic {
    /// A problem at `line:column` of `path`.
    pub(crate) fn new(path: impl Into<PathBuf>, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.into(),
            line: line.max(1),
            column: column.max(1),
            message: message.into(),
            hint: None,
            severity: Severity::Error,
            notes: Vec::new(),
            source_line: None,
        }
    }

    /// A warning at `line:column` of `path`.
    pub(crate) fn warning(path: impl Into<PathBuf>, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::new(path, line, column, message)
        }
    }

    /// A note at `line:column` of `path`.
    pub(crate) fn note(path: impl Into<PathBuf>, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::new(path, line, column, message)
        }
    }

    /// A problem with a whole file (reported at its first line).
    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic::new(path, 1, 1, message)
    }

    /// A problem at a byte offset of `text`, the contents of `path`.
    pub(crate) fn at_offset(path: impl Into<PathBuf>, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_col(text, offset);
        Diagnostic::new(path, line, column, message)
    }

    /// Adds a hint that says how to fix the problem.
    pub(crate) fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Shows its line of `text` (the whole file) under it, with a caret at its column.
    pub(crate) fn with_source_line(mut self, text: &str) -> Self {
        self.source_line = (text.lines().nth(self.line - 1)).map(|l| Box::new(SourceLine(l.trim_end().to_string())));
        self
    }

    /// Adds a note said under the diagnostic.
    pub(crate) fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Whether it fails a build or a check (with `deny_warnings`, warnings do too).
    pub fn fails(&self, deny_warnings: bool) -> bool {
        match self.severity {
            Severity::Error => true,
            Severity::Warning => deny_warnings,
            Severity::Note => false,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.severity.as_str(),
            self.message
        )?;
        if let Some(SourceLine(text)) = self.source_line.as_deref() {
            // The caret under the column's character: tabs kept, so that it lines up.
            let number = self.line.to_string();
            let pad = " ".repeat(number.len());
            let before: String = (text.chars().take(self.column.saturating_sub(1)))
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            write!(f, "\n{pad} |\n{number} | {text}\n{pad} | {before}^")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        for note in &self.notes {
            write!(f, "\n  note: {note}")?;
        }
        Ok(())
    }
}

/// The byte offset of 1-based `line` and `column` (in characters) in `text`: `line_col`
/// the other way (the end of the text past its last line, the end of the line past its
/// last character).
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start = match line {
        0 | 1 => 0,
        n => text.match_indices('\n').nth(n - 2).map_or(text.len(), |(i, _)| i + 1),
    };
    let rest = &text[start..];
    let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
    start
        + line_text
            .chars()
            .take(column.saturating_sub(1))
            .map(char::len_utf8)
            .sum::<usize>()
}

/// `text` with the bytes of `range` (whole characters) made spaces, its line ends kept: read
/// again, the rest has the lines, columns and offsets it had (a line set aside).
pub fn blanked(text: &str, range: std::ops::Range<usize>) -> String {
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..range.start]);
    for c in text[range.clone()].chars() {
        match c {
            '\n' => out.push('\n'),
            c => out.extend(std::iter::repeat_n(' ', c.len_utf8())),
        }
    }
    out.push_str(&text[range.end..]);
    out
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Every problem a build found, sorted by path, line and column, without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub(crate) fn new(mut list: Vec<Diagnostic>) -> Self {
        list.sort();
        list.dedup();
        Diagnostics(list)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(list: Vec<Diagnostic>) -> Self {
        Diagnostics::new(list)
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// How a path is shown in messages: relative to the working directory the user gave.
pub fn shown(root: &Path, rel: &Path) -> PathBuf {
    if root.as_os_str().is_empty() || root == Path::new(".") {
        rel.to_path_buf()
    } else {
        root.join(rel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `offset_of` is `line_col` the other way, and a blanked range leaves every other
    /// offset where it was.
    #[test]
    fn offsets_lines_and_columns_and_blanked_text() {
        let text = "a: 1\nnmae: \"Zoë\"\ncity: x\n";
        for offset in [0, 3, 5, 11, 16, 18, 23] {
            let (line, column) = line_col(text, offset);
            assert_eq!(offset_of(text, line, column), offset, "{offset}");
        }
        assert_eq!(offset_of(text, 9, 1), text.len());
        let line = offset_of(text, 2, 1)..offset_of(text, 3, 1);
        let blanked = blanked(text, line);
        assert_eq!(blanked.len(), text.len());
        assert_eq!(blanked, format!("a: 1\n{}\ncity: x\n", " ".repeat(12)));
    }

    #[test]
    fn line_and_column_count_characters() {
        let text = "ab\ncé\nxyz";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        // 'é' is two bytes; the column after it is 3.
        assert_eq!(line_col(text, 6), (2, 3));
        assert_eq!(line_col(text, 8), (3, 2));
        assert_eq!(line_col(text, 999), (3, 4));
    }

    #[test]
    fn display_has_path_line_column_and_hint() {
        let d = Diagnostic::new("content/a.md", 3, 7, "bad date").with_hint("use RFC 3339");
        assert_eq!(d.to_string(), "content/a.md:3:7: error: bad date\n  hint: use RFC 3339");
    }

    #[test]
    fn warnings_and_notes_say_their_level_and_notes_follow_the_hint() {
        let d = Diagnostic::warning("content/a.md", 2, 1, "no author")
            .with_hint("add `author`")
            .with_note("on /a/");
        assert_eq!(
            d.to_string(),
            "content/a.md:2:1: warning: no author\n  hint: add `author`\n  note: on /a/"
        );
        assert!(!d.fails(false) && d.fails(true));
        let n = Diagnostic::note("content/a.md", 3, 4, "moved");
        assert_eq!(n.to_string(), "content/a.md:3:4: note: moved");
        assert!(!n.fails(true));
    }

    #[test]
    fn diagnostics_are_sorted_and_deduplicated() {
        let list = Diagnostics::new(vec![
            Diagnostic::new("b.md", 1, 1, "x"),
            Diagnostic::new("a.md", 9, 1, "y"),
            Diagnostic::new("a.md", 2, 1, "z"),
            Diagnostic::new("b.md", 1, 1, "x"),
        ]);
        let lines: Vec<String> = list
            .iter()
            .map(|d| format!("{}:{}", d.path.display(), d.line))
            .collect();
        assert_eq!(lines, ["a.md:2", "a.md:9", "b.md:1"]);
    }
}
