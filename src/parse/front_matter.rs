//! Front matter: the `---` YAML or `+++` TOML block at the top of a Markdown source.

use std::fmt;
use std::path::Path;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_saphyr::MessageFormatter;

use crate::diag::Diagnostic;

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
pub fn deserialize<T: for<'de> Deserialize<'de>>(path: &Path, split: &Split<'_>) -> Result<T, Diagnostic> {
    match split.syntax {
        Syntax::Yaml => serde_saphyr::from_str::<T>(split.front).map_err(|e| {
            let (line, column) = e
                .location()
                .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
            let message = serde_saphyr::DefaultMessageFormatter.format_message(e.without_snippet());
            Diagnostic::new(path, split.front_line + line - 1, column, reword(&message))
        }),
        Syntax::Toml => toml::from_str::<T>(split.front).map_err(|e| {
            let (line, column) = crate::diag::line_col(split.front, e.span().map_or(0, |s| s.start));
            Diagnostic::new(path, split.front_line + line - 1, column, reword(e.message()))
        }),
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

    #[derive(Debug, Deserialize)]
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
