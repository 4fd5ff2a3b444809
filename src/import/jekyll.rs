//! `dateline import jekyll SITE`: the posts of a Jekyll site.
//!
//! Posts are the files of every `_posts/` folder named `YYYY-MM-DD-slug.md` (or
//! `.markdown`, or `.html`, whose body is converted as a feed's is); drafts, the files of
//! `_drafts/`, are imported with `draft: true`. Pages outside them are not posts.
//!
//! | Jekyll | dateline |
//! |---|---|
//! | `title`, else the file name's slug in words | `title` |
//! | `date`, else the file name's date (a draft's: the file's time) | `date` |
//! | `last_modified_at` | `updated` |
//! | `author`, `authors` | `authors` |
//! | the folders above `_posts`, then `categories` / `category`: the first | `section` |
//! | the other categories, `tags` / `tag` (lists, or words split at spaces) | `tags` |
//! | `excerpt`, else `description` | `summary` |
//! | `slug`, else the file name's | `slug` |
//! | `published: false` | `draft: true` |
//! | `permalink`, `redirect_from` | `aliases` |
//!
//! Every other key (`layout`, `comments`…) is dropped and reported once with the number of
//! posts that had it. The post's old URL, from `permalink` in `_config.yml` (a pattern, or
//! one of the styles `date`, the default, `pretty`, `ordinal`, `weekdate` and `none`), becomes
//! an alias.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

use super::generator::{self, Source};
use super::{Body, ImportError, Item, Sink, unique};
use crate::slug::slugify;

const MAPPED: &[&str] = &[
    "title",
    "date",
    "last_modified_at",
    "author",
    "authors",
    "categories",
    "category",
    "tags",
    "tag",
    "excerpt",
    "description",
    "slug",
    "published",
    "permalink",
    "redirect_from",
];

pub fn import(source: &Arc<Path>, sink: &mut Sink) -> Result<(), ImportError> {
    let site = source.to_path_buf();
    let pattern = permalink(&site);
    let files = generator::walk(&site, &|rel| {
        let in_posts = rel.iter().any(|p| p == "_posts" || p == "_drafts");
        let skipped = rel.iter().any(|p| p == "_site" || p == "node_modules" || p == "vendor");
        in_posts
            && !skipped
            && matches!(
                rel.extension().and_then(|e| e.to_str()),
                Some("md" | "markdown" | "html")
            )
    })?;
    sink.start_progress(files.len());
    for rel in files {
        sink.step();
        let post = match generator::read(&site, &rel, false) {
            Ok(post) => post,
            Err((origin, why)) => {
                sink.fail(&origin, why);
                continue;
            }
        };
        for key in post.front.keys().filter(|k| !MAPPED.contains(&k.as_str())) {
            sink.dropped(key, &post.origin);
        }
        match item(&site, &post, &pattern, sink) {
            Ok(item) => sink.add(item)?,
            Err(why) => sink.fail(&post.origin, why),
        }
    }
    Ok(())
}

/// The permalink pattern of `_config.yml`, the named styles expanded.
fn permalink(site: &Path) -> String {
    let configured = std::fs::read_to_string(site.join("_config.yml"))
        .ok()
        .and_then(|text| serde_saphyr::from_str::<serde_json::Value>(&text).ok())
        .and_then(|c| c.get("permalink").and_then(|p| p.as_str()).map(str::to_string));
    match configured.as_deref().unwrap_or("date") {
        "date" => "/:categories/:year/:month/:day/:title:output_ext".into(),
        "pretty" => "/:categories/:year/:month/:day/:title/".into(),
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext".into(),
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext".into(),
        "none" => "/:categories/:title:output_ext".into(),
        pattern => pattern.into(),
    }
}

/// A post as an article, or why it cannot be one.
fn item(site: &Path, post: &Source, pattern: &str, sink: &mut Sink) -> Result<Item, String> {
    let f = &post.front;
    let stem = post.rel.file_stem().unwrap_or_default().to_string_lossy().into_owned();
    let draft_folder = post.rel.iter().any(|p| p == "_drafts");
    // `2019-05-03-harbour-budget`: the date, then the slug.
    let named_date = stem
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    let name_slug = match named_date {
        Some(_) => stem[10..].trim_start_matches('-').to_string(),
        None => stem.clone(),
    };
    let title = generator::text(f.get("title")).unwrap_or_else(|| words(&name_slug));
    let date = generator::date(f.get("date"))
        .or_else(|| named_date.map(|d| d.format("%Y-%m-%d").to_string()))
        .or_else(|| {
            draft_folder
                .then(|| std::fs::metadata(site.join(&post.rel)).and_then(|m| m.modified()).ok())
                .flatten()
                .map(|t| DateTime::<Utc>::from(t).format("%Y-%m-%dT%H:%M:%S+00:00").to_string())
        })
        .ok_or_else(|| {
            format!("“{title}” has no date: neither `date` nor a file name such as 2019-05-03-slug.md: not imported")
        })?;
    let html = post.rel.extension().is_some_and(|e| e == "html");
    if let Some(code) = generator::template_code(&post.body, &["{%", "{{"]) {
        sink.warn(&post.origin, format!("“{title}”: Liquid is kept as text (`{code}`)"));
    }
    let body = if html {
        Body::Html {
            html: post.body.clone(),
            autop: false,
        }
    } else {
        Body::Markdown(post.body.clone())
    };
    let mut item = Item::new(post.origin.clone(), title, date, body);
    item.updated = generator::date(f.get("last_modified_at"));
    item.authors = unique(
        generator::texts(f.get("author"))
            .into_iter()
            .chain(generator::texts(f.get("authors"))),
    );
    let words_of = |key: &str| -> Vec<String> {
        match f.get(key) {
            Some(serde_json::Value::String(s)) => s.split_whitespace().map(str::to_string).collect(),
            other => generator::texts(other),
        }
    };
    let folder_categories = post
        .rel
        .iter()
        .take_while(|p| *p != "_posts" && *p != "_drafts")
        .map(|p| p.to_string_lossy().into_owned());
    let categories: Vec<String> = unique(
        folder_categories
            .chain(words_of("categories"))
            .chain(words_of("category")),
    );
    item.section = categories.first().cloned();
    item.tags = unique(
        categories
            .iter()
            .skip(1)
            .cloned()
            .chain(words_of("tags"))
            .chain(words_of("tag")),
    );
    item.summary = generator::text(f.get("excerpt")).or_else(|| generator::text(f.get("description")));
    let slug = generator::text(f.get("slug")).unwrap_or(name_slug);
    item.slug = slugify(&slug);
    item.draft = draft_folder || generator::boolean(f.get("published")) == Some(false);
    item.aliases = generator::texts(f.get("redirect_from"));
    item.aliases.push(match generator::text(f.get("permalink")) {
        Some(own) => own,
        None => old_url(pattern, &item, &categories, &slug, sink.timezone()),
    });
    Ok(item)
}

/// `harbour-budget` → `Harbour budget`, as Jekyll titles a post without a title.
fn words(slug: &str) -> String {
    let text = slug.replace(['-', '_'], " ");
    let mut chars = text.trim().chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The URL Jekyll gave the post.
fn old_url(pattern: &str, item: &Item, categories: &[String], slug: &str, tz: chrono_tz::Tz) -> String {
    let date = crate::parse::date::parse_date(&item.date, tz).ok().map(|d| d.at);
    let categories: Vec<String> = categories.iter().map(|c| slugify(c)).collect();
    generator::expand(pattern, &|token| {
        Some(match token {
            "year" => format!("{:04}", date?.year()),
            "short_year" => format!("{:02}", date?.year() % 100),
            "month" => format!("{:02}", date?.month()),
            "i_month" => date?.month().to_string(),
            "short_month" => date?.format("%b").to_string(),
            "long_month" => date?.format("%B").to_string(),
            "day" => format!("{:02}", date?.day()),
            "i_day" => date?.day().to_string(),
            "y_day" => format!("{:03}", date?.ordinal()),
            "week" => format!("{:02}", date?.iso_week().week()),
            "short_day" => date?.format("%a").to_string(),
            "long_day" => date?.format("%A").to_string(),
            "hour" => date?.format("%H").to_string(),
            "minute" => date?.format("%M").to_string(),
            "second" => date?.format("%S").to_string(),
            "title" => slug.to_string(),
            "slug" => slugify(slug),
            "categories" => categories.join("/"),
            "output_ext" => ".html".to_string(),
            _ => return None,
        })
    })
}
