//! Front matter: the `---` YAML or `+++` TOML block at the top of a Markdown source.

use std::fmt;
use std::path::Path;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_saphyr::MessageFormatter;

use crate::diag::{Diagnostic, suggest};

/// The language of a front matter block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Yaml,
    Toml,
}

impl Syntax {
    fn delimiter(self) -> &'static str {
        match self {
            Syntax::Yaml => "---",
            Syntax::Toml => "+++",
        }
    }

    fn assignment(self) -> char {
        match self {
            Syntax::Yaml => ':',
            Syntax::Toml => '=',
        }
    }
}

/// A source split into its front matter and its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split<'a> {
    pub syntax: Syntax,
    /// The text between the delimiters.
    pub front: &'a str,
    /// Line number (1-based) of the first line of `front`.
    pub front_line: usize,
    pub body: &'a str,
}

/// Splits `text` (LF line ends) into front matter and body.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let first = text.lines().next().unwrap_or("").trim_end();
    let syntax = match first {
        "---" => Syntax::Yaml,
        "+++" => Syntax::Toml,
        _ => {
            return Err(Diagnostic::new(path, 1, 1, "missing front matter").with_hint(
                "a Markdown article starts with a `---` (YAML) or `+++` (TOML) line, then `title` and `date`",
            ));
        }
    };
    let front_start = text.find('\n').map_or(text.len(), |i| i + 1);
    let mut offset = front_start;
    while offset < text.len() {
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        let line = text[offset..end].trim_end();
        if line == syntax.delimiter() || (syntax == Syntax::Yaml && line == "...") {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                syntax,
                front: &text[front_start..offset],
                front_line: 2,
                body: &text[body_start..],
            });
        }
        offset = end + 1;
    }
    Err(Diagnostic::new(
        path,
        1,
        1,
        format!("front matter opened with `{}` is never closed", syntax.delimiter()),
    )
    .with_hint(format!("end the front matter with a line of `{}`", syntax.delimiter())))
}

/// Deserializes a front matter block into `T`, with errors located in the whole file.
pub fn deserialize<T>(path: &Path, split: &Split<'_>) -> Result<T, Diagnostic>
where
    T: for<'de> Deserialize<'de> + PartialEq + fmt::Debug,
{
    match split.syntax {
        Syntax::Yaml => {
            if let Some(fast) = simple::read(split.front) {
                // Every front matter a debug build (and so every test) reads this way is
                // read by serde-saphyr too, and must come out the same.
                #[cfg(debug_assertions)]
                assert_eq!(
                    serde_saphyr::from_str::<T>(split.front).ok().as_ref(),
                    Some(&fast),
                    "the simple YAML reader and serde-saphyr disagree on {}",
                    path.display()
                );
                return Ok(fast);
            }
            serde_saphyr::from_str::<T>(split.front).map_err(|e| {
                let (line, column) = e
                    .location()
                    .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
                let message = serde_saphyr::DefaultMessageFormatter.format_message(e.without_snippet());
                let d = Diagnostic::new(path, split.front_line + line - 1, column, reword(&message));
                hinted::<T>(d, split, line)
            })
        }
        Syntax::Toml => toml::from_str::<T>(split.front).map_err(|e| {
            let (line, column) = crate::diag::line_col(split.front, e.span().map_or(0, |s| s.start));
            let d = Diagnostic::new(path, split.front_line + line - 1, column, reword(e.message()));
            hinted::<T>(d, split, line)
        }),
    }
}

/// `deserialize`, with every problem of the front matter rather than the first: after a
/// problem with a key of one line (an unknown key, a value of the wrong type), that line
/// is blanked and the rest read again, as far as the problems that follow are on later
/// lines (a blanked line that leaves the rest unreadable ends it).
pub fn deserialize_all<T>(path: &Path, split: &Split<'_>) -> Result<T, Vec<Diagnostic>>
where
    T: for<'de> Deserialize<'de> + PartialEq + fmt::Debug,
{
    let mut problems: Vec<Diagnostic> = Vec::new();
    let mut front = std::borrow::Cow::Borrowed(split.front);
    loop {
        let this = Split {
            front: &front,
            ..*split
        };
        let d = match deserialize::<T>(path, &this) {
            Ok(value) if problems.is_empty() => return Ok(value),
            Ok(_) => return Err(problems),
            Err(d) => d,
        };
        let line = d.line.saturating_sub(split.front_line);
        let later = problems.last().is_none_or(|last| d.line > last.line);
        let one_line = (d.message.starts_with("unknown front matter key") || d.message.contains("expected"))
            && front
                .lines()
                .nth(line + 1)
                .is_none_or(|next| !next.starts_with([' ', '\t', '-']));
        if !later {
            return Err(problems);
        }
        problems.push(d);
        if !one_line || problems.len() >= 32 {
            return Err(problems);
        }
        let lines = crate::diag::offset_of(&front, line + 1, 1)..crate::diag::offset_of(&front, line + 2, 1);
        front = crate::diag::blanked(&front, lines).into();
    }
}

/// `d`, a problem at `line` of the front matter, with a hint where one helps: the known key
/// an unknown one is most like (`tag` → "did you mean `tags`?"), or the plural key that
/// takes a list given to a singular one (`author: ["A", "B"]` → `authors`).
fn hinted<'de, T: Deserialize<'de>>(d: Diagnostic, split: &Split<'_>, line: usize) -> Diagnostic {
    let known = suggest::fields_of::<T>();
    if let Some(key) = d.message.strip_prefix("unknown front matter key `") {
        let key = key.trim_end_matches('`');
        return match suggest::did_you_mean(key, known) {
            Some(hint) => d.with_hint(hint),
            None => d,
        };
    }
    let text = split.front.lines().nth(line.saturating_sub(1)).unwrap_or("");
    let key = text.split([':', '=']).next().unwrap_or("").trim();
    let plural = format!("{key}s");
    let a_list = d.message.contains("expected string") || d.message.contains("invalid type: sequence");
    if !key.is_empty() && a_list && known.contains(&plural.as_str()) {
        return d.with_hint(format!("`{key}` takes one; a list goes in `{plural}`"));
    }
    d
}

/// A reader of the YAML that front matter nearly always is, at a fraction of a full YAML
/// parser's cost (which was a tenth of a 100,000-article build): one `key: value` per line,
/// a value being a double-quoted string without escapes, a list of such strings in
/// brackets, `true` or `false`, or a date written plainly. Anything else (comments, block
/// lists, nested maps, escapes, a key twice, a value the type does not take) is left to
/// serde-saphyr, which also words every error.
mod simple {
    use serde::Deserialize;
    use serde::de::value::{BoolDeserializer, BorrowedStrDeserializer, Error, MapDeserializer, SeqDeserializer};
    use serde::de::{self, IntoDeserializer, Visitor};

    /// A value of the subset.
    enum Value<'a> {
        Str(&'a str),
        List(Vec<&'a str>),
        Bool(bool),
    }

    /// `front` as `T`, if it is in the subset and `T` takes it.
    pub fn read<T: for<'de> Deserialize<'de>>(front: &str) -> Option<T> {
        let mut pairs: Vec<(&str, Value<'_>)> = Vec::with_capacity(8);
        for line in front.split('\n').filter(|l| !l.is_empty()) {
            let (key, value) = line.split_once(": ")?;
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                return None;
            }
            if pairs.iter().any(|(k, _)| *k == key) {
                return None;
            }
            let value = value.trim_matches(' ');
            let value = if let Some(text) = quoted(value) {
                Value::Str(text)
            } else if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
                Value::List(list(inner)?)
            } else if value == "true" || value == "false" {
                Value::Bool(value == "true")
            } else if matches!(key, "date" | "updated") && plain_date(value) {
                Value::Str(value)
            } else {
                return None;
            };
            pairs.push((key, value));
        }
        T::deserialize(MapDeserializer::<_, Error>::new(pairs.into_iter())).ok()
    }

    /// The text of a double-quoted string that needs no unescaping.
    fn quoted(value: &str) -> Option<&str> {
        let text = value.strip_prefix('"')?.strip_suffix('"')?;
        plain_text(text).then_some(text)
    }

    /// No quote or backslash, no character YAML treats as a line break (U+0085, U+2028,
    /// U+2029) or as a byte order mark, and none outside YAML 1.2's printable set (C0 and C1
    /// controls but tab, DEL, U+FFFE and U+FFFF), which serde-saphyr refuses: `"m\u{ffff}"`
    /// was read here and refused there (fuzz/regressions/profile/).
    fn plain_text(text: &str) -> bool {
        !text.chars().any(|c| {
            matches!(
                c,
                '"' | '\\' | '\u{0}'..='\u{8}' | '\u{a}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
                    | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
        })
    }

    /// `"a", "b"`: a non-empty list of double-quoted strings.
    fn list(inner: &str) -> Option<Vec<&str>> {
        let mut items = Vec::new();
        let mut rest = inner.trim_matches(' ');
        loop {
            let body = rest.strip_prefix('"')?;
            let end = body.find('"')?;
            let item = &body[..end];
            if !plain_text(item) {
                return None;
            }
            items.push(item);
            rest = body[end + 1..].trim_start_matches(' ');
            if rest.is_empty() {
                return Some(items);
            }
            rest = rest.strip_prefix(',')?.trim_start_matches(' ');
        }
    }

    /// `2025-10-26`, `2025-10-26T14:30:00+09:00`: digits, separators and zone letters.
    /// Bytes, not a `str` slice: the value may have a character across its fourth byte
    /// (`date: ab€…` panicked; fuzz/regressions/front_matter/). Not ending in `:`, which
    /// YAML reads as a key of a map where none may be (`date: 2025-10-26:` is an error).
    fn plain_date(value: &str) -> bool {
        let bytes = value.as_bytes();
        bytes.len() >= 10
            && bytes[..4].iter().all(u8::is_ascii_digit)
            && bytes[4] == b'-'
            && !value.ends_with(':')
            && bytes
                .iter()
                .all(|&b| b.is_ascii_digit() || matches!(b, b'-' | b':' | b'T' | b'Z' | b'+' | b'.'))
    }

    impl<'de> IntoDeserializer<'de, Error> for Value<'de> {
        type Deserializer = Self;
        fn into_deserializer(self) -> Self {
            self
        }
    }

    impl<'de> de::Deserializer<'de> for Value<'de> {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self {
                Value::Str(text) => BorrowedStrDeserializer::new(text).deserialize_any(visitor),
                Value::List(items) => SeqDeserializer::new(items.into_iter()).deserialize_any(visitor),
                Value::Bool(b) => BoolDeserializer::new(b).deserialize_any(visitor),
            }
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.visit_some(self)
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf unit unit_struct newtype_struct seq tuple
            tuple_struct map struct enum identifier ignored_any
        }
    }
}

/// Where the value of `key` is: line and column in the whole file. Front matter in sources
/// is flat, so the first line that assigns the key is the one.
pub fn locate(split: &Split<'_>, key: &str) -> (usize, usize) {
    for (i, line) in split.front.lines().enumerate() {
        let trimmed = line.trim_start();
        let Some(rest) = trimmed.strip_prefix(key) else {
            continue;
        };
        let after = rest.trim_start();
        if let Some(value) = after.strip_prefix(split.syntax.assignment()) {
            let column = line.len() - value.trim_start().len();
            return (split.front_line + i, line[..column].chars().count() + 1);
        }
    }
    (split.front_line.saturating_sub(1).max(1), 1)
}

fn reword(message: &str) -> String {
    let message = message.trim().replace('\n', " ");
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let key = rest.split_once(", expected").map_or(rest, |(key, _)| key);
        return format!("unknown front matter key {}", key.trim_end_matches(','));
    }
    // toml's and serde-saphyr's depth limits, said the same way.
    if message.contains("recursion") {
        return format!("the front matter is nested too deeply ({message})");
    }
    message
}

/// A front matter value that is a date: a string, or a TOML date-time literal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateText(pub String);

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DateVisitor;
        impl<'de> Visitor<'de> for DateVisitor {
            type Value = DateText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2025-10-26T14:30:00+09:00")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DateText, E> {
                Ok(DateText(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DateText, A::Error> {
                let datetime = toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(DateText(datetime.to_string()))
            }
        }
        deserializer.deserialize_any(DateVisitor)
    }
}

/// A list of strings that may also be written as one string (`author: Jane Doe`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StringList(pub Vec<String>);

impl<'de> Deserialize<'de> for StringList {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = StringList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<StringList, E> {
                Ok(StringList(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<StringList, A::Error> {
                let mut list = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    list.push(item);
                }
                Ok(StringList(list))
            }
        }
        deserializer.deserialize_any(ListVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Probe {
        #[allow(dead_code)]
        title: String,
        date: Option<DateText>,
        #[serde(default)]
        tags: StringList,
    }

    fn p() -> &'static Path {
        Path::new("a.md")
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Front {
        title: Option<String>,
        date: Option<DateText>,
        #[serde(default)]
        tags: StringList,
        #[serde(default)]
        draft: bool,
    }

    /// The simple reader takes what it can read exactly as serde-saphyr does, and leaves
    /// everything else to it.
    #[test]
    fn the_simple_reader_reads_as_serde_saphyr_or_not_at_all() {
        let taken = [
            "title: \"A\"\n",
            "title:   \"  Spaced, “curly” – ‘quotes’: é  \"   \ndraft: true\n",
            "title: \"tab\there: # not a comment\"\n",
            "date: 2025-10-26\ntags: [\"A\", \"B & C\"]\n",
            "date: 2025-10-26T14:30:00+09:00\ntags: [ \"A\" ,\"B\" ]\ndraft: false\n",
            "date: 2025-10-26T05:30:00.5Z\ntags: \"Only\"\n",
            "\ntitle: \"\"\n\n",
        ];
        for front in taken {
            let fast = simple::read::<Front>(front);
            assert!(fast.is_some(), "{front:?} is read");
            assert_eq!(fast, Some(serde_saphyr::from_str::<Front>(front).unwrap()), "{front:?}");
        }
        let left = [
            "title: A\n",
            "title: \"A\" # comment\n",
            "title: \"A \\\"quoted\\\"\"\n",
            "title: 'A'\n",
            "title: 2025-10-26\n",
            "tags: []\n",
            "tags: [\"A\",]\n",
            "tags: [A, B]\n",
            "tags:\n  - A\n",
            "draft: yes\n",
            "draft: \"true\"\n",
            "title: \"A\"\ntitle: \"B\"\n",
            "other: \"A\"\n",
            "title: \"A\"\r\n",
            "date: 2025-10-26 # noon\n",
            "title: &a \"A\"\n",
            "title: \"line\u{2028}break\"\n",
            "date: ab€xxxxxxxx\n",
            "date: 202€-10-26\n",
            "date: 2025-10-26:\n",
        ];
        for front in left {
            assert!(
                simple::read::<Front>(front).is_none(),
                "{front:?} is left to serde-saphyr"
            );
        }
    }

    /// Every character at the edges of YAML's printable set, alone in a title: the simple
    /// reader takes it only if serde-saphyr reads the same title (`deserialize` asserts it
    /// in every test build; this says so without a panic's noise).
    #[test]
    fn the_simple_reader_refuses_what_yaml_does_not_print() {
        let edges = (0..=0x100u32).chain([
            0x2027, 0x2028, 0x2029, 0xd7ff, 0xe000, 0xfeff, 0xfffd, 0xfffe, 0xffff, 0x10000, 0x10ffff,
        ]);
        for c in edges.filter_map(char::from_u32) {
            let front = format!("title: \"a{c}b\"\n");
            if let Some(fast) = simple::read::<Front>(&front) {
                assert_eq!(
                    serde_saphyr::from_str::<Front>(&front).ok(),
                    Some(fast),
                    "U+{:04X}",
                    u32::from(c)
                );
            }
        }
    }

    #[test]
    fn splits_yaml_and_toml() {
        let s = split(p(), "---\ntitle: A\n---\nBody\n").unwrap();
        assert_eq!((s.syntax, s.front, s.body), (Syntax::Yaml, "title: A\n", "Body\n"));
        let s = split(p(), "+++\ntitle = 'A'\n+++\n").unwrap();
        assert_eq!((s.syntax, s.front, s.body), (Syntax::Toml, "title = 'A'\n", ""));
        let s = split(p(), "---  \ntitle: A\n---").unwrap();
        assert_eq!(s.body, "");
    }

    #[test]
    fn unterminated_and_missing_front_matter() {
        let e = split(p(), "---\ntitle: A\nBody\n").unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (1, "front matter opened with `---` is never closed")
        );
        let e = split(p(), "# Just Markdown\n").unwrap_err();
        assert_eq!(e.message, "missing front matter");
    }

    #[test]
    fn yaml_errors_point_into_the_file() {
        let s = split(p(), "---\ntitle: A\ntags: [x, y\n---\n").unwrap();
        let e = deserialize::<Probe>(p(), &s).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        let s = split(p(), "---\ntitle: A\ntitel: B\n---\n").unwrap();
        let e = deserialize::<Probe>(p(), &s).unwrap_err();
        assert_eq!((e.line, e.column), (3, 1));
        assert_eq!(e.message, "unknown front matter key `titel`");
    }

    #[test]
    fn toml_errors_point_into_the_file() {
        let s = split(p(), "+++\ntitle = 'A'\n\ndate = = 3\n+++\n").unwrap();
        let e = deserialize::<Probe>(p(), &s).unwrap_err();
        assert_eq!(e.line, 4, "{e}");
    }

    #[test]
    fn dates_from_yaml_strings_and_toml_literals() {
        let s = split(p(), "---\ntitle: A\ndate: 2025-10-26T14:30:00+09:00\ntags: one\n---\n").unwrap();
        let v: Probe = deserialize(p(), &s).unwrap();
        assert_eq!(v.date, Some(DateText("2025-10-26T14:30:00+09:00".into())));
        assert_eq!(v.tags.0, ["one"]);
        let s = split(
            p(),
            "+++\ntitle = 'A'\ndate = 2025-10-26T14:30:00+09:00\ntags = ['a', 'b']\n+++\n",
        )
        .unwrap();
        let v: Probe = deserialize(p(), &s).unwrap();
        assert_eq!(v.date, Some(DateText("2025-10-26T14:30:00+09:00".into())));
        assert_eq!(v.tags.0, ["a", "b"]);
        let s = split(p(), "+++\ntitle = 'A'\ndate = 2025-10-26\n+++\n").unwrap();
        let v: Probe = deserialize(p(), &s).unwrap();
        assert_eq!(v.date, Some(DateText("2025-10-26".into())));
    }

    #[test]
    fn locate_finds_the_value_of_a_key() {
        let s = split(p(), "---\ntitle: A\ndate:   2025-13-01\n---\n").unwrap();
        assert_eq!(locate(&s, "date"), (3, 9));
        let s = split(p(), "+++\ntitle = 'A'\ndate = 'x'\n+++\n").unwrap();
        assert_eq!(locate(&s, "date"), (3, 8));
        assert_eq!(locate(&s, "missing"), (1, 1));
    }
}
