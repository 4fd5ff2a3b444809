//! What the generator importers (Hugo, Jekyll, Pelican) share: a walk of the site's files
//! in a stable order, front matter read as a map (YAML by serde-saphyr, TOML by toml, as
//! dateline reads its own), dates in the forms generators write, and old URLs made from
//! permalink patterns.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::DateTime;
use serde_json::Value;

use super::Origin;
use crate::error::{IoError, IoResultExt};
use crate::parse::front_matter::{self, Syntax};

/// A source file of another generator, read.
pub struct Source {
    pub origin: Origin,
    /// Its path under the folder walked.
    pub rel: PathBuf,
    /// Its front matter, keys lowercased (Hugo's keys are case-insensitive; the others'
    /// are lowercase).
    pub front: BTreeMap<String, Value>,
    pub body: String,
}

/// The files under `root` (relative to it) that `keep` keeps, sorted; hidden files and
/// folders (`.git`) are not read.
pub fn walk(root: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<Vec<PathBuf>, IoError> {
    let mut found = Vec::new();
    let mut folders = vec![PathBuf::new()];
    while let Some(rel) = folders.pop() {
        let dir = root.join(&rel);
        for entry in fs::read_dir(&dir).at("read the folder", &dir)? {
            let entry = entry.at("read the folder", &dir)?;
            let name = entry.file_name();
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            let path = rel.join(&name);
            let kind = entry.file_type().at("read", &root.join(&path))?;
            let is_dir = kind.is_dir() || (kind.is_symlink() && root.join(&path).is_dir());
            if is_dir {
                folders.push(path);
            } else if keep(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Reads `root/rel`: front matter (optional when `optional`) and body. A problem is its
/// line and message.
pub fn read(root: &Path, rel: &Path, optional: bool) -> Result<Source, (Origin, String)> {
    let path = root.join(rel);
    let shown: Arc<Path> = Arc::from(path.as_path());
    let at = |line: usize| Origin::new(&shown, line);
    let bytes = fs::read(&path).map_err(|e| (at(1), format!("cannot read it: {e}")))?;
    let text = crate::parse::decode(&path, &bytes).map_err(|d| (at(d.line), d.message))?;
    let split = match front_matter::split(&path, &text) {
        Ok(split) => split,
        Err(_) if optional => {
            return Ok(Source {
                origin: at(1),
                rel: rel.to_path_buf(),
                front: BTreeMap::new(),
                body: text.into_owned(),
            });
        }
        Err(d) => return Err((at(d.line), d.message)),
    };
    let value: Value = match split.syntax {
        Syntax::Yaml => serde_saphyr::from_str::<Value>(split.front).map_err(|e| {
            let line = e.location().map_or(1, |l| l.line() as usize);
            (
                at(split.front_line + line - 1),
                format!("front matter is not YAML: {}", e.without_snippet()),
            )
        })?,
        Syntax::Toml => {
            let table = toml::from_str::<toml::Table>(split.front).map_err(|e| {
                let (line, _) = crate::diag::line_col(split.front, e.span().map_or(0, |s| s.start));
                (
                    at(split.front_line + line - 1),
                    format!("front matter is not TOML: {}", e.message()),
                )
            })?;
            from_toml(toml::Value::Table(table))
        }
    };
    let front = match value {
        Value::Object(map) => map.into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect(),
        Value::Null => BTreeMap::new(),
        _ => return Err((at(split.front_line), "front matter is not a map of keys".into())),
    };
    Ok(Source {
        origin: at(1),
        rel: rel.to_path_buf(),
        front,
        body: split.body.to_string(),
    })
}

/// A TOML value as JSON's, dates as their text.
pub fn from_toml(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(from_toml).collect()),
        toml::Value::Table(t) => Value::Object(t.into_iter().map(|(k, v)| (k, from_toml(v))).collect()),
    }
}

/// A value as text: a string, a number or a boolean.
pub fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

/// A list of texts, or one text as a list of one.
pub fn texts(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(|v| text(Some(v))).collect(),
        other => text(other).into_iter().collect(),
    }
}

/// A boolean (`true`, or the text `true`).
pub fn boolean(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A date as dateline's front matter takes it: `2019-05-03 10:00:00 +0200` (Jekyll's
/// form) becomes RFC 3339, other forms stay as written (dateline reads RFC 3339 and local
/// times; anything else is reported as the item's date).
pub fn date(value: Option<&Value>) -> Option<String> {
    let text = text(value)?;
    for form in ["%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M %z", "%Y-%m-%dT%H:%M:%S%.f%z"] {
        if let Ok(at) = DateTime::parse_from_str(&text, form) {
            return Some(at.format("%Y-%m-%dT%H:%M:%S%:z").to_string());
        }
    }
    Some(text)
}

/// A permalink pattern with its `:token`s replaced (`/:year/:month/:slug/`); an unknown
/// token stays as written. Runs of `/` become one.
pub fn expand(pattern: &str, token: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut rest = pattern;
    while let Some(at) = rest.find(':') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let len = after
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        let name = &after[..len];
        match token(name) {
            Some(value) if len > 0 => out.push_str(&value),
            _ => {
                out.push(':');
                out.push_str(name);
            }
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    let mut clean = String::with_capacity(out.len());
    for c in out.chars() {
        if !(c == '/' && clean.ends_with('/')) {
            clean.push(c);
        }
    }
    if !clean.starts_with('/') {
        clean.insert(0, '/');
    }
    clean
}

/// Template code left in a body (Hugo shortcodes, Jekyll's Liquid), which dateline shows
/// as text: the first, for a warning.
pub fn template_code(body: &str, opens: &[&str]) -> Option<String> {
    opens.iter().filter_map(|open| body.find(open)).min().map(|at| {
        let end = body[at..].find('\n').map_or(body.len(), |e| at + e).min(at + 60);
        let mut cut = end;
        while !body.is_char_boundary(cut) {
            cut -= 1;
        }
        body[at..cut].trim().to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permalink_tokens() {
        let token = |name: &str| match name {
            "year" => Some("2019".to_string()),
            "slug" => Some("a-b".to_string()),
            "categories" => Some(String::new()),
            _ => None,
        };
        assert_eq!(expand("/:year/:slug/", &token), "/2019/a-b/");
        assert_eq!(
            expand("/:categories/:year/:slug:output_ext", &token),
            "/2019/a-b:output_ext"
        );
        assert_eq!(expand(":year/x", &token), "/2019/x");
    }

    #[test]
    fn dates_as_dateline_takes_them() {
        let d = |s: &str| date(Some(&Value::String(s.into())));
        assert_eq!(
            d("2019-05-03 10:00:00 +0200").as_deref(),
            Some("2019-05-03T10:00:00+02:00")
        );
        assert_eq!(d("2019-05-03").as_deref(), Some("2019-05-03"));
        assert_eq!(
            d("2019-05-03T10:00:00+02:00").as_deref(),
            Some("2019-05-03T10:00:00+02:00")
        );
    }

    #[test]
    fn template_code_is_found() {
        assert_eq!(
            template_code("Text.\n{{< youtube abc >}}\nMore {% raw %}", &["{{<", "{{%", "{%"]).as_deref(),
            Some("{{< youtube abc >}}")
        );
        assert_eq!(template_code("Plain.", &["{{<"]), None);
    }
}
