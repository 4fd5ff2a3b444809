//! Decoding of source bytes and small text helpers shared by the parsers.

use std::borrow::Cow;

/// Where invalid UTF-8 starts: 1-based line and column.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid UTF-8 at line {line}, column {column}")]
pub struct InvalidUtf8 {
    pub line: usize,
    pub column: usize,
}

/// Source bytes as text: UTF-8 checked, byte-order mark removed, CRLF turned into LF
/// (line numbers stay the same).
pub fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, InvalidUtf8> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
        let (line, column) = crate::diag::line_col(valid, valid.len());
        InvalidUtf8 { line, column }
    })?;
    if memchr_cr(text) {
        Ok(Cow::Owned(text.replace("\r\n", "\n")))
    } else {
        Ok(Cow::Borrowed(text))
    }
}

fn memchr_cr(text: &str) -> bool {
    text.as_bytes().contains(&b'\r')
}

/// A character a title, name, tag or section must not hold, and why.
///
/// Control characters (C0 but tab and line ends, DEL, C1) are invisible, and XML 1.0 forbids
/// most of them: one in a title would make every feed and sitemap that holds it unreadable.
/// The bidi embeddings and overrides (U+202A–U+202E) reorder the text shown after them,
/// beyond the title itself, which is how a name is made to read as another; Unicode
/// recommends the isolates (U+2066–U+2069) and marks (U+200E, U+200F, U+061C) instead, and
/// those right-to-left text needs are accepted.
pub fn forbidden_char(text: &str) -> Option<(char, &'static str)> {
    text.chars().find_map(|c| match c {
        '\t' | '\n' | '\r' => None,
        '\u{0}'..='\u{1F}' | '\u{7F}'..='\u{9F}' => Some((c, "a control character")),
        '\u{202A}'..='\u{202E}' => Some((c, "a bidi embedding or override, which reorders the text after it")),
        _ => None,
    })
}

/// The message for `forbidden_char`'s find in `what` (`` `title` ``).
pub fn forbidden_message(what: &str, (c, kind): (char, &str)) -> String {
    format!("{what} holds U+{:04X}, {kind}", u32::from(c))
}

/// What to do about a character `forbidden_char` found.
pub fn forbidden_hint((c, _): (char, &str)) -> &'static str {
    match c {
        '\u{202A}'..='\u{202E}' => {
            "remove it; right-to-left text may use the marks U+200E and U+200F or the isolates U+2066–U+2069"
        }
        _ => "remove it (a scraper or a copy from a terminal leaves such characters)",
    }
}

/// The longest a derived summary gets, in characters.
pub const SUMMARY_CHARS: usize = 280;

/// Shortens `text` to at most `max` characters at a word boundary, adding `…` when cut;
/// runs of whitespace become one space.
pub fn summarize(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max * 2));
    let mut chars = 0;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if chars + len + usize::from(chars > 0) > max {
            if chars == 0 {
                out.extend(word.chars().take(max.saturating_sub(1)));
            }
            let trimmed = out.trim_end_matches([',', ';', ':', '.', '-', '–', '—']).len();
            out.truncate(trimmed);
            out.push('…');
            return out;
        }
        if chars > 0 {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += len;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_strips_bom_and_crlf() {
        assert_eq!(decode(b"\xEF\xBB\xBFa\r\nb\r\n").unwrap(), "a\nb\n");
        assert!(matches!(decode(b"plain\n").unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn decode_reports_where_invalid_utf8_starts() {
        assert_eq!(decode(b"ok\nab\xFFc").unwrap_err(), InvalidUtf8 { line: 2, column: 3 });
    }

    #[test]
    fn forbidden_characters() {
        assert_eq!(forbidden_char("Plain\ttitle\n"), None);
        assert_eq!(forbidden_char("שלום \u{200F}\u{2067}x\u{2069}"), None);
        assert_eq!(forbidden_char("Bell\u{7}").map(|f| f.0), Some('\u{7}'));
        assert_eq!(forbidden_char("C1\u{85}").map(|f| f.0), Some('\u{85}'));
        assert_eq!(forbidden_char("a\u{202E}b").map(|f| f.0), Some('\u{202E}'));
    }

    #[test]
    fn summaries_cut_at_words() {
        assert_eq!(summarize("one  two\nthree", 100), "one two three");
        assert_eq!(summarize("alpha beta gamma", 11), "alpha beta…");
        assert_eq!(summarize("alpha, beta gamma", 8), "alpha…");
        assert_eq!(summarize("abcdefghij", 5), "abcd…");
    }
}
