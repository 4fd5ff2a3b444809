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
    fn summaries_cut_at_words() {
        assert_eq!(summarize("one  two\nthree", 100), "one two three");
        assert_eq!(summarize("alpha beta gamma", 11), "alpha beta…");
        assert_eq!(summarize("alpha, beta gamma", 8), "alpha…");
        assert_eq!(summarize("abcdefghij", 5), "abcd…");
    }
}
