//! `dateline import hugo SITE`: the pages of a Hugo site's `content/`.
//!
//! Every Markdown page (`.md`, `.markdown`) is an article, a page bundle's `index.md`
//! included (its folder's name is its file name). List pages (`_index.md`) are skipped,
//! and so are pages at the root of `content/` without a date (an "About" page).
//!
//! | Hugo (YAML or TOML; keys in any case) | dateline |
//! |---|---|
//! | `title` | `title` |
//! | `date`, else `publishDate` | `date` |
//! | `lastmod` | `updated` |
//! | `author` (a string or a list), `authors` | `authors` |
//! | `categories`: the first | `section` |
//! | `categories`: the others, `tags` | `tags` |
//! | `summary`, else `description` | `summary` |
//! | `slug` | `slug` |
//! | `draft` | `draft` |
//! | `aliases` | `aliases` |
//! | `url` | an alias (the page's old URL) |
//!
//! Every other key is dropped and reported once with the number of pages that had it.
//! The page's old URL, from `url` or else from `[permalinks]` in `hugo.toml` (or
//! `config.toml`, `hugo.yaml`, `config.yaml`) for its section (`:year`, `:month`, `:day`,
//! `:slug`, `:title`, `:filename`, `:section`, `:sections`, `:slugorfilename`), or else
//! Hugo's default (`/<section>/<slug or file name>/`), becomes an alias.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::Datelike;
use serde_json::Value;

use super::generator::{self, Source};
use super::{Body, ImportError, Item, Sink, unique};
use crate::slug::slugify;

/// The keys dateline maps; any other is reported as dropped.
const MAPPED: &[&str] = &[
    "title",
    "date",
    "publishdate",
    "lastmod",
    "author",
    "authors",
    "categories",
    "tags",
    "summary",
    "description",
    "slug",
    "draft",
    "aliases",
    "url",
];

pub fn import(source: &Arc<Path>, sink: &mut Sink) -> Result<(), ImportError> {
    let site = source.to_path_buf();
    let content = if site.join("content").is_dir() {
        site.join("content")
    } else {
        site.clone()
    };
    let permalinks = permalinks(&site);
    let files = generator::walk(&content, &|rel| {
        matches!(rel.extension().and_then(|e| e.to_str()), Some("md" | "markdown"))
    })?;
    sink.start_progress(files.len());
    for rel in files {
        sink.step();
        let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
        if stem == "_index" {
            sink.skip("list pages");
            continue;
        }
        let page = match generator::read(&content, &rel, false) {
            Ok(page) => page,
            Err((origin, why)) => {
                sink.fail(&origin, why);
                continue;
            }
        };
        let at_root = rel.parent().is_none_or(|p| p.as_os_str().is_empty());
        if at_root && !page.front.contains_key("date") && !page.front.contains_key("publishdate") {
            sink.skip("pages");
            continue;
        }
        for key in page.front.keys().filter(|k| !MAPPED.contains(&k.as_str())) {
            sink.dropped(key, &page.origin);
        }
        match item(&page, &permalinks, sink) {
            Ok(item) => sink.add(item)?,
            Err(why) => sink.fail(&page.origin, why),
        }
    }
    Ok(())
}

/// `[permalinks]` of the site's configuration: section → pattern (Hugo 0.120's
/// `[permalinks.page]` too).
fn permalinks(site: &Path) -> Vec<(String, String)> {
    let names = [
        "hugo.toml",
        "config.toml",
        "hugo.yaml",
        "hugo.yml",
        "config.yaml",
        "config.yml",
    ];
    let Some((name, text)) = names
        .iter()
        .find_map(|n| std::fs::read_to_string(site.join(n)).ok().map(|t| (*n, t)))
    else {
        return Vec::new();
    };
    let config: Option<Value> = if name.ends_with(".toml") {
        toml::from_str::<toml::Table>(&text)
            .ok()
            .map(|t| generator::from_toml(toml::Value::Table(t)))
    } else {
        serde_saphyr::from_str::<Value>(&text).ok()
    };
    let Some(Value::Object(table)) = config.as_ref().and_then(|c| c.get("permalinks")) else {
        return Vec::new();
    };
    let table = match table.get("page") {
        Some(Value::Object(page)) => page,
        _ => table,
    };
    table
        .iter()
        .filter_map(|(section, pattern)| Some((section.clone(), pattern.as_str()?.to_string())))
        .collect()
}

/// A Hugo page as an article, or why it cannot be one.
fn item(page: &Source, permalinks: &[(String, String)], sink: &mut Sink) -> Result<Item, String> {
    let f = &page.front;
    let title = generator::text(f.get("title"))
        .ok_or_else(|| format!("{} has no `title`: not imported", page.rel.display()))?;
    let date = generator::date(f.get("date"))
        .or_else(|| generator::date(f.get("publishdate")))
        .ok_or_else(|| format!("“{title}” has no `date`: not imported"))?;
    if let Some(code) = generator::template_code(&page.body, &["{{<", "{{%"]) {
        sink.warn(
            &page.origin,
            format!("“{title}”: Hugo shortcodes are kept as text (`{code}`)"),
        );
    }
    let mut item = Item::new(page.origin.clone(), title, date, Body::Markdown(page.body.clone()));
    item.updated = generator::date(f.get("lastmod"));
    item.authors = unique(
        generator::texts(f.get("author"))
            .into_iter()
            .chain(generator::texts(f.get("authors"))),
    );
    let mut categories = generator::texts(f.get("categories")).into_iter();
    item.section = categories.next();
    item.tags = unique(categories.chain(generator::texts(f.get("tags"))));
    item.summary = generator::text(f.get("summary")).or_else(|| generator::text(f.get("description")));
    item.slug = generator::text(f.get("slug")).map(|s| slugify(&s)).unwrap_or_default();
    item.draft = generator::boolean(f.get("draft")).unwrap_or(false);
    item.aliases = generator::texts(f.get("aliases"));
    item.aliases.push(match generator::text(f.get("url")) {
        Some(url) => url,
        None => old_url(&page.rel, &item, permalinks, sink.timezone()),
    });
    Ok(item)
}

/// The URL Hugo gave the page: its section's permalink pattern, or Hugo's default.
fn old_url(rel: &Path, item: &Item, permalinks: &[(String, String)], tz: chrono_tz::Tz) -> String {
    let folders: Vec<String> = rel
        .parent()
        .map(|p| p.iter().map(|s| s.to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    let bundle = rel.file_stem().is_some_and(|s| s == "index");
    let (sections, filename): (&[String], String) = if bundle && !folders.is_empty() {
        (&folders[..folders.len() - 1], folders[folders.len() - 1].clone())
    } else {
        (
            &folders[..],
            rel.file_stem().unwrap_or_default().to_string_lossy().into_owned(),
        )
    };
    let section = sections.first().cloned().unwrap_or_default();
    let slug_or_title = if item.slug.is_empty() {
        slugify(&item.title)
    } else {
        item.slug.clone()
    };
    let slug_or_filename = if item.slug.is_empty() {
        filename.clone()
    } else {
        item.slug.clone()
    };
    let Some((_, pattern)) = permalinks.iter().find(|(s, _)| *s == section) else {
        let mut path = PathBuf::from("/");
        path.extend(sections);
        path.push(&slug_or_filename);
        return format!("{}/", path.display());
    };
    let date = crate::parse::date::parse_date(&item.date, tz).ok();
    generator::expand(pattern, &|token| {
        let day = date.map(|d| d.at);
        Some(match token {
            "year" => format!("{:04}", day?.year()),
            "month" => format!("{:02}", day?.month()),
            "monthname" => day?.format("%B").to_string().to_lowercase(),
            "day" => format!("{:02}", day?.day()),
            "weekday" => day?.weekday().num_days_from_sunday().to_string(),
            "weekdayname" => day?.format("%A").to_string().to_lowercase(),
            "yearday" => day?.ordinal().to_string(),
            "slug" => slug_or_title.clone(),
            "slugorfilename" => slug_or_filename.clone(),
            "title" => slugify(&item.title),
            "filename" | "contentbasename" => filename.clone(),
            "section" => section.clone(),
            "sections" => sections.join("/"),
            _ => return None,
        })
    })
}
