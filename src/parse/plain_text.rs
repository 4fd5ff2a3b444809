//! The plain-text layout of scraped news articles:
//!
//! ```text
//! TITLE
//!
//! Sun Oct 26 2025
//! Austin Collins (670 articles)
//! TITLE                      (repeated; optional)
//!
//! PARAGRAPH …                (separated by blank lines)
//! AUTHOR NAME
//!
//! AUTHOR NAME
//!
//! BIO PARAGRAPH …            (the trailer is optional)
//! ```

use std::path::Path;

use chrono_tz::Tz;

use super::date::{ArticleDate, parse_date_line};
use crate::diag::Diagnostic;

const LAYOUT_HINT: &str = "a .txt article is: the title, a blank line, a date line such as `Sun Oct 26 2025`, \
     a byline such as `Austin Collins (670 articles)`, then paragraphs separated by blank lines";

/// The name and article count of a plain byline (`Austin Collins (670 articles)`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Byline {
    pub name: String,
    /// How many articles the source credits the author with.
    pub source_count: Option<u32>,
}

/// A plain-text article taken apart, borrowing from the source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout<'a> {
    pub title: &'a str,
    pub date: ArticleDate,
    pub byline: Byline,
    pub paragraphs: Vec<&'a str>,
    pub bio: Vec<&'a str>,
}

struct Line<'a> {
    number: usize,
    text: &'a str,
}

impl Line<'_> {
    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    fn indent(&self) -> usize {
        self.text.len() - self.text.trim_start().len() + 1
    }
}

/// Takes a plain-text article (LF line ends) apart.
pub fn layout<'a>(path: &Path, text: &'a str, tz: Tz) -> Result<Layout<'a>, Diagnostic> {
    let mut lines = text
        .split('\n')
        .enumerate()
        .map(|(i, text)| Line { number: i + 1, text });
    let not_plain = |line: usize, column: usize, message: String| {
        Diagnostic::new(path, line, column, format!("not in the plain layout: {message}")).with_hint(LAYOUT_HINT)
    };

    let title_line = lines.next().filter(|l| !l.is_blank());
    let Some(title_line) = title_line else {
        return Err(not_plain(1, 1, "the first line should be the title".into()));
    };
    let title = title_line.text.trim();
    forbidden(path, &title_line, "the title")?;

    let mut next = lines.next();
    match &next {
        Some(l) if l.is_blank() => {}
        Some(l) => return Err(not_plain(l.number, 1, "expected a blank line after the title".into())),
        None => return Err(not_plain(2, 1, "the file ends after the title".into())),
    }
    while next.as_ref().is_some_and(Line::is_blank) {
        next = lines.next();
    }
    let Some(date_line) = next else {
        return Err(not_plain(
            title_line.number + 2,
            1,
            "the file ends before the date line".into(),
        ));
    };
    let date = parse_date_line(date_line.text, tz).map_err(|m| not_plain(date_line.number, date_line.indent(), m))?;

    let byline = match lines.next() {
        Some(l) if !l.is_blank() => {
            forbidden(path, &l, "the byline")?;
            parse_byline(l.text.trim())
        }
        other => {
            let number = other.map_or(date_line.number + 1, |l| l.number);
            return Err(not_plain(
                number,
                1,
                "expected a byline such as `Austin Collins (670 articles)` after the date".into(),
            ));
        }
    };

    // The rest: an optional repeat of the title, then paragraphs separated by blank lines.
    let rest_start = crate::diag::offset_of(text, date_line.number + 2, 1);
    let mut blocks = paragraphs(&text[rest_start..]);
    if blocks.first() == Some(&title) {
        blocks.remove(0);
    }
    if blocks.is_empty() {
        return Err(Diagnostic::new(
            path,
            date_line.number + 2,
            1,
            "the article has no text after the byline",
        ));
    }
    let name = byline.name.as_str();
    let trailer = (1..blocks.len().saturating_sub(1)).find(|&i| blocks[i] == name && blocks[i + 1] == name);
    let (paragraphs, bio) = match trailer {
        Some(i) => (blocks[..i].to_vec(), blocks[i + 2..].to_vec()),
        None => (blocks, Vec::new()),
    };
    Ok(Layout {
        title,
        date,
        byline,
        paragraphs,
        bio,
    })
}

/// A character the title or byline must not hold (`text::forbidden_char`), at its column.
fn forbidden(path: &Path, line: &Line<'_>, what: &str) -> Result<(), Diagnostic> {
    let Some(found) = super::text::forbidden_char(line.text) else {
        return Ok(());
    };
    let column = line.text.chars().take_while(|&c| c != found.0).count() + 1;
    Err(
        Diagnostic::new(path, line.number, column, super::text::forbidden_message(what, found))
            .with_hint(super::text::forbidden_hint(found)),
    )
}

/// Blocks of non-blank lines, trimmed.
fn paragraphs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut offset = 0;
    for line in text.split('\n') {
        if line.trim().is_empty() {
            if let Some(s) = start.take() {
                out.push(text[s..end].trim());
            }
        } else {
            start.get_or_insert(offset);
            end = offset + line.len();
        }
        offset += line.len() + 1;
    }
    if let Some(s) = start {
        out.push(text[s..end].trim());
    }
    out
}

/// `Austin Collins (670 articles)` → name and count; a line without a count is all name.
pub fn parse_byline(line: &str) -> Byline {
    if let Some(open) = line.rfind('(')
        && let Some(inner) = line[open + 1..].strip_suffix(')')
    {
        let mut words = inner.split_whitespace();
        let count = words
            .next()
            .and_then(|n| n.replace([',', '.', '\u{a0}'], "").parse::<u32>().ok());
        let unit = words.next();
        if let (Some(count), Some("article" | "articles" | "Article" | "Articles"), None) = (count, unit, words.next())
        {
            return Byline {
                name: line[..open].trim().to_string(),
                source_count: Some(count),
            };
        }
    }
    Byline {
        name: line.to_string(),
        source_count: None,
    }
}

/// The body as HTML: each paragraph in `<p>`, its text escaped (plain text is not Markdown).
pub fn render_paragraphs(paragraphs: &[&str]) -> String {
    let mut html = String::with_capacity(paragraphs.iter().map(|p| p.len() + 9).sum());
    for p in paragraphs {
        html.push_str("<p>");
        crate::html::escape_into(&mut html, p);
        html.push_str("</p>\n");
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Layout<'_>, Diagnostic> {
        layout(Path::new("a.txt"), text, Tz::UTC)
    }

    const SEED_LIKE: &str = "Japan’s PM Meets Trump\n\nSun Oct 26 2025\nAustin Collins (670 articles)\nJapan’s PM Meets Trump\n\nFirst “quoted” paragraph.\n\nSecond & <last>.\n\nAustin Collins\n\nAustin Collins\n\nAustin Collins is our correspondent. He is based in Dubai";

    #[test]
    fn seed_like_article() {
        let l = parse(SEED_LIKE).unwrap();
        assert_eq!(l.title, "Japan’s PM Meets Trump");
        assert_eq!(l.date.day().to_string(), "2025-10-26");
        assert_eq!(
            l.byline,
            Byline {
                name: "Austin Collins".into(),
                source_count: Some(670)
            }
        );
        assert_eq!(l.paragraphs, ["First “quoted” paragraph.", "Second & <last>."]);
        assert_eq!(l.bio, ["Austin Collins is our correspondent. He is based in Dubai"]);
    }

    #[test]
    fn without_trailer_and_without_repeated_title() {
        let l = parse("T\n\nTue Dec 2 2025\nJane Roe (1 article)\n\nOnly paragraph.\n").unwrap();
        assert_eq!(
            l.byline,
            Byline {
                name: "Jane Roe".into(),
                source_count: Some(1)
            }
        );
        assert_eq!(l.paragraphs, ["Only paragraph."]);
        assert!(l.bio.is_empty());
        assert_eq!(l.date.day().to_string(), "2025-12-02");
    }

    #[test]
    fn bio_of_two_paragraphs() {
        let l = parse(
            "T\n\nTue Dec 02 2025\nJane Roe (1 articles)\nT\n\nBody.\n\nJane Roe\n\nJane Roe\n\nBio one.\n\nBio two.\n",
        )
        .unwrap();
        assert_eq!(l.paragraphs, ["Body."]);
        assert_eq!(l.bio, ["Bio one.", "Bio two."]);
        assert_eq!(l.byline.source_count, Some(1));
    }

    #[test]
    fn bylines() {
        assert_eq!(
            parse_byline("A B (1,234 articles)"),
            Byline {
                name: "A B".into(),
                source_count: Some(1234)
            }
        );
        assert_eq!(
            parse_byline("A B"),
            Byline {
                name: "A B".into(),
                source_count: None
            }
        );
        assert_eq!(
            parse_byline("A B (Reuters)"),
            Byline {
                name: "A B (Reuters)".into(),
                source_count: None
            }
        );
    }

    #[test]
    fn paragraphs_are_escaped_text() {
        let html = render_paragraphs(&["Tom & Jerry <b>*not bold*</b> “quoted”"]);
        assert_eq!(html, "<p>Tom &amp; Jerry &lt;b&gt;*not bold*&lt;/b&gt; “quoted”</p>\n");
    }

    #[test]
    fn files_not_in_the_layout() {
        let cases: [(&str, usize, &str); 6] = [
            ("", 1, "the first line should be the title"),
            ("Title\nSun Oct 26 2025\n", 2, "expected a blank line after the title"),
            ("Title\n\nJust some notes\n", 3, "is not a date line"),
            ("Title\n\nSun Oct 26 2025\n\nBody\n", 4, "expected a byline"),
            (
                "Title\n\nSun Oct 26 2025\nA B (2 articles)\n",
                5,
                "no text after the byline",
            ),
            (
                "Title\n\nMon Oct 26 2025\nA B\n\nBody\n",
                3,
                "is a Sunday, not a Monday",
            ),
        ];
        for (text, line, message) in cases {
            let e = parse(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(e.message.contains(message), "{text:?}: {e}");
        }
    }
}
