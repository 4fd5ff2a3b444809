//! `dateline import pelican SITE`: the articles of a Pelican site's `content/`.
//!
//! Every Markdown file (`.md`, `.markdown`) is an article, except those under `pages/`
//! (Pelican's pages) which are skipped; reStructuredText files are skipped and counted
//! (dateline reads Markdown). Metadata are the `Key: value` lines at the top of the file,
//! up to the first blank line (keys in any case); a file with front matter between `---`
//! lines is read as well.
//!
//! | Pelican | dateline |
//! |---|---|
//! | `Title` | `title` |
//! | `Date` | `date` |
//! | `Modified` | `updated` |
//! | `Author`, `Authors` (split at `,` or `;`) | `authors` |
//! | `Category`, else the file's folder | `section` |
//! | `Tags` (split at `,`) | `tags` |
//! | `Summary` | `summary` |
//! | `Slug`, else from the title | `slug` |
//! | `Status: draft` or `hidden` | `draft: true` |
//!
//! Every other key (`Lang`, `Template`, `Save_as`…) is dropped and reported once with the
//! number of articles that had it. The article's old URL, from `ARTICLE_URL` in
//! `pelicanconf.py` (read with a plain pattern: a string literal; `{slug}`, `{category}`,
//! `{author}`, `{lang}` and `{date:%Y}`-like fields) or Pelican's default `{slug}.html`,
//! becomes an alias.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use serde_json::Value;

use super::generator::{self, Source};
use super::{Body, ImportError, Item, Origin, Sink, unique};
use crate::slug::slugify;

const MAPPED: &[&str] = &[
    "title", "date", "modified", "author", "authors", "category", "tags", "summary", "slug", "status",
];

pub fn import(source: &Arc<Path>, sink: &mut Sink) -> Result<(), ImportError> {
    let site = source.to_path_buf();
    let content = if site.join("content").is_dir() {
        site.join("content")
    } else {
        site.clone()
    };
    let pattern = article_url(&site);
    let files = generator::walk(&content, &|rel| {
        matches!(
            rel.extension().and_then(|e| e.to_str()),
            Some("md" | "markdown" | "rst")
        )
    })?;
    sink.start_progress(files.len());
    for rel in files {
        sink.step();
        if rel.extension().is_some_and(|e| e == "rst") {
            sink.skip("reStructuredText files");
            continue;
        }
        if rel.iter().next().is_some_and(|first| first == "pages") {
            sink.skip("pages");
            continue;
        }
        let article = match read(&content, &rel) {
            Ok(article) => article,
            Err((origin, why)) => {
                sink.fail(&origin, why);
                continue;
            }
        };
        for key in article.front.keys().filter(|k| !MAPPED.contains(&k.as_str())) {
            sink.dropped(key, &article.origin);
        }
        match item(&article, &pattern, sink) {
            Ok(item) => sink.add(item)?,
            Err(why) => sink.fail(&article.origin, why),
        }
    }
    Ok(())
}

/// `ARTICLE_URL = '…'` of `pelicanconf.py`, else Pelican's default.
fn article_url(site: &Path) -> String {
    std::fs::read_to_string(site.join("pelicanconf.py"))
        .ok()
        .and_then(|text| {
            text.lines().find_map(|line| {
                let rest = line
                    .trim()
                    .strip_prefix("ARTICLE_URL")?
                    .trim_start()
                    .strip_prefix('=')?
                    .trim();
                let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
                let inner = &rest[1..];
                inner.find(quote).map(|end| inner[..end].to_string())
            })
        })
        .unwrap_or_else(|| "{slug}.html".to_string())
}

/// A Pelican Markdown file: its `Key: value` lines (or front matter), then the body.
fn read(root: &Path, rel: &Path) -> Result<Source, (Origin, String)> {
    let mut source = generator::read(root, rel, true)?;
    if !source.front.is_empty() {
        return Ok(source);
    }
    let mut front: BTreeMap<String, Value> = BTreeMap::new();
    let mut last: Option<String> = None;
    let mut consumed = 0;
    for line in source.body.split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            consumed += line.len();
            break;
        }
        if line.starts_with([' ', '\t'])
            && let Some(key) = &last
            && let Some(Value::String(value)) = front.get_mut(key)
        {
            value.push(' ');
            value.push_str(trimmed.trim());
        } else {
            let Some((key, value)) = trimmed.split_once(':') else {
                break;
            };
            if key.is_empty() || !key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
                break;
            }
            let key = key.to_lowercase();
            front.insert(key.clone(), Value::String(value.trim().to_string()));
            last = Some(key);
        }
        consumed += line.len();
    }
    source.body = source.body[consumed..].to_string();
    source.front = front;
    Ok(source)
}

/// A Pelican article as a dateline one, or why it cannot be one.
fn item(article: &Source, pattern: &str, sink: &mut Sink) -> Result<Item, String> {
    let f = &article.front;
    let title = generator::text(f.get("title"))
        .ok_or_else(|| format!("{} has no `Title:`: not imported", article.rel.display()))?;
    let date = generator::date(f.get("date")).ok_or_else(|| format!("“{title}” has no `Date:`: not imported"))?;
    let mut item = Item::new(
        article.origin.clone(),
        title,
        date,
        Body::Markdown(article.body.clone()),
    );
    item.updated = generator::date(f.get("modified"));
    let split = |key: &str, by: &[char]| -> Vec<String> {
        generator::texts(f.get(key))
            .iter()
            .flat_map(|v| v.split(by).map(str::trim).map(str::to_string).collect::<Vec<_>>())
            .collect()
    };
    item.authors = unique(split("author", &[';']).into_iter().chain(split("authors", &[',', ';'])));
    let folder = article
        .rel
        .parent()
        .and_then(|p| p.iter().next())
        .map(|p| p.to_string_lossy().into_owned());
    item.section = generator::text(f.get("category")).or(folder);
    item.tags = unique(split("tags", &[',']));
    item.summary = generator::text(f.get("summary"));
    item.slug = slugify(&generator::text(f.get("slug")).unwrap_or_else(|| item.title.clone()));
    item.draft = matches!(
        generator::text(f.get("status")).map(|s| s.to_lowercase()).as_deref(),
        Some("draft" | "hidden")
    );
    let date = crate::parse::date::parse_date(&item.date, sink.timezone())
        .ok()
        .map(|d| d.at);
    let author = item.authors.first().map(|a| slugify(a)).unwrap_or_default();
    let category = item.section.as_deref().map(slugify).unwrap_or_default();
    let url = fields(pattern, &|name| {
        Some(match name.split_once(':') {
            Some(("date", format)) => date?.format(format).to_string(),
            _ => match name {
                "slug" => item.slug.clone(),
                "category" => category.clone(),
                "author" => author.clone(),
                "lang" => generator::text(f.get("lang")).unwrap_or_else(|| "en".into()),
                _ => return None,
            },
        })
    });
    item.aliases = vec![format!("/{}", url.trim_start_matches('/'))];
    Ok(item)
}

/// A Python format string's `{field}`s replaced; an unknown one stays as written.
fn fields(pattern: &str, value: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let name = &rest[open + 1..open + close];
        match value(name) {
            Some(v) => out.push_str(&v),
            None => out.push_str(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_fields() {
        let value = |name: &str| match name {
            "slug" => Some("a-b".to_string()),
            "date:%Y" => Some("2019".to_string()),
            _ => None,
        };
        assert_eq!(fields("{date:%Y}/{slug}.html", &value), "2019/a-b.html");
        assert_eq!(fields("{other}/{slug}/", &value), "{other}/a-b/");
    }
}
