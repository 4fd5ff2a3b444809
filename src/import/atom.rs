//! `dateline import atom FEED`: the entries of an Atom feed.
//!
//! | Atom | dateline |
//! |---|---|
//! | `title` (text or HTML) | `title` |
//! | `published`, else `updated` | `date`, its offset kept |
//! | `updated`, when later than `published` | `updated` |
//! | `author/name` (else the feed's) | `authors` |
//! | `category/@term` (or `@label`): the first | `section` |
//! | `category`: the others | `tags` |
//! | `content` (`html`, `xhtml` or `text`), else `summary` | the body |
//! | `summary` when there is `content` | `summary` |
//! | `link rel="alternate"` (or without `rel`) | an alias (its path) |
//!
//! Everything else (`id`, `rights`, `source`, `contributor`) is dropped.

use std::path::Path;
use std::sync::Arc;

use chrono::DateTime;

use super::body::html_text;
use super::xml::{self, Element};
use super::{Body, ImportError, Item, Origin, Sink, unique};

/// Entries, and the feed's own authors (the authors of entries that name none).
const RECORDS: &[&str] = &["entry", "author"];

pub fn import(source: &Arc<Path>, sink: &mut Sink) -> Result<(), ImportError> {
    let total = xml::open(source, RECORDS, false)?.check()?;
    sink.start_progress(total);
    let mut feed_authors: Vec<String> = Vec::new();
    for record in xml::open(source, RECORDS, true)? {
        let element = record?;
        sink.step();
        if element.name == "author" {
            feed_authors.extend(element.text_of("name").map(str::to_string));
            continue;
        }
        let origin = Origin::new(source, element.line);
        match entry(&element, origin.clone(), &feed_authors) {
            Ok(item) => sink.add(item)?,
            Err(why) => sink.fail(&origin, why),
        }
    }
    Ok(())
}

/// The HTML of a text construct (`title`, `summary`, `content`) by its `type`.
fn html_of(e: &Element) -> String {
    match e.attr("type") {
        Some("html") => e.text.clone(),
        Some("xhtml") => e.inner_html(),
        _ => {
            // Text: paragraphs by blank lines, nothing in it read as markup.
            let escaped = quick_xml::escape::escape(e.text.trim()).into_owned();
            escaped
                .split("\n\n")
                .map(|p| format!("<p>{}</p>", p.trim()))
                .collect::<Vec<_>>()
                .join("\n")
        }
    }
}

/// An Atom entry as an article, or why it cannot be one.
fn entry(e: &Element, origin: Origin, feed_authors: &[String]) -> Result<Item, String> {
    let link = link(e);
    let title = e
        .child("title")
        .map(|t| html_text(&html_of(t)))
        .filter(|t| !t.is_empty())
        .ok_or_else(|| match &link {
            Some(link) => format!("the entry {link} has no title: not imported"),
            None => "an entry without a title: not imported".to_string(),
        })?;
    let published = e.text_of("published").and_then(rfc3339);
    let updated = e.text_of("updated").and_then(rfc3339);
    let date = published
        .clone()
        .or_else(|| updated.clone())
        .ok_or_else(|| format!("“{title}” has no date (`published` or `updated`): not imported"))?;
    let (body, summary) = match (e.child("content"), e.child("summary")) {
        (Some(content), summary) => (html_of(content), summary.map(html_of)),
        (None, Some(summary)) => (html_of(summary), None),
        (None, None) => (String::new(), None),
    };
    let mut item = Item::new(
        origin,
        title,
        date,
        Body::Html {
            html: body,
            autop: false,
        },
    );
    if published.is_some() && updated > published {
        item.updated = updated;
    }
    item.summary = summary;
    let authors: Vec<String> = e
        .children("author")
        .filter_map(|a| a.text_of("name"))
        .map(str::to_string)
        .collect();
    item.authors = unique(if authors.is_empty() {
        feed_authors.to_vec()
    } else {
        authors
    });
    (item.section, item.tags) = super::rss::section_and_tags(
        e.children("category")
            .filter_map(|c| c.attr("label").or(c.attr("term")))
            .map(str::to_string),
    );
    item.aliases = link.into_iter().collect();
    Ok(item)
}

/// The entry's own page: `link rel="alternate"`, or a link without `rel`.
fn link(e: &Element) -> Option<String> {
    e.children("link")
        .find(|l| matches!(l.attr("rel"), None | Some("alternate")))
        .and_then(|l| l.attr("href"))
        .map(str::to_string)
}

/// An RFC 3339 date, checked, as written (its offset kept).
fn rfc3339(text: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|at| at.format("%Y-%m-%dT%H:%M:%S%:z").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(text: &str) -> Element {
        let path: Arc<Path> = Arc::from(Path::new("atom.xml"));
        xml::records(text.as_bytes(), &path, RECORDS, true)
            .next()
            .unwrap()
            .unwrap()
    }

    fn origin() -> Origin {
        Origin::new(&Arc::from(Path::new("atom.xml")), 1)
    }

    #[test]
    fn an_entry_maps_to_an_article() {
        let e = element(
            "<entry><title type=\"html\">Harbour &amp;amp; Budget</title>\
             <link rel=\"alternate\" href=\"https://news.example/harbour.html\"/><link rel=\"self\" href=\"x\"/>\
             <published>2025-11-03T08:00:00+09:00</published><updated>2025-11-04T08:00:00+09:00</updated>\
             <category term=\"city\" label=\"City\"/><category term=\"harbour\"/>\
             <summary>Short.</summary>\
             <content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>One <em>two</em> &amp; three.</p></div></content>\
             </entry>",
        );
        let item = entry(&e, origin(), &["Feed Author".to_string()]).unwrap();
        assert_eq!(item.title, "Harbour & Budget");
        assert_eq!(item.date, "2025-11-03T08:00:00+09:00");
        assert_eq!(item.updated.as_deref(), Some("2025-11-04T08:00:00+09:00"));
        assert_eq!(item.authors, ["Feed Author"]);
        assert_eq!(item.section.as_deref(), Some("City"));
        assert_eq!(item.tags, ["harbour"]);
        assert_eq!(item.aliases, ["https://news.example/harbour.html"]);
        assert_eq!(
            item.body,
            Body::Html {
                html: "<div><p>One <em>two</em> &amp; three.</p></div>".into(),
                autop: false
            }
        );
    }

    #[test]
    fn an_entry_without_a_date_is_not_imported() {
        let e = element("<entry><title>A</title><author><name>X</name></author></entry>");
        assert_eq!(
            entry(&e, origin(), &[]).unwrap_err(),
            "“A” has no date (`published` or `updated`): not imported"
        );
    }
}
