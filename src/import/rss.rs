//! `dateline import rss FEED`: the items of an RSS 2.0 feed.
//!
//! | RSS | dateline |
//! |---|---|
//! | `title` | `title` (HTML in it made text) |
//! | `pubDate` (RFC 2822), else `dc:date` | `date`, its offset kept |
//! | `dc:creator`, `author` (`mail (Name)`: the name) | `authors` |
//! | `category`: the first | `section` |
//! | `category`: the others | `tags` |
//! | `content:encoded`, else `description` | the body, HTML converted |
//! | `description` when there is `content:encoded` | `summary` |
//! | `link`, else a permalink `guid` | an alias (its path) |
//!
//! Everything else of an item (`comments`, `enclosure`, `source`) is dropped.

use std::path::Path;
use std::sync::Arc;

use chrono::DateTime;

use super::body::html_text;
use super::xml::{self, Element};
use super::{Body, ImportError, Item, Origin, Sink, unique};

/// The records of an RSS feed.
const RECORDS: &[&str] = &["item"];

pub fn import(source: &Arc<Path>, sink: &mut Sink) -> Result<(), ImportError> {
    let total = xml::open(source, RECORDS, false)?.check()?;
    sink.start_progress(total);
    for record in xml::open(source, RECORDS, true)? {
        let element = record?;
        sink.step();
        let origin = Origin::new(source, element.line);
        match item(&element, origin.clone()) {
            Ok(item) => sink.add(item)?,
            Err(why) => sink.fail(&origin, why),
        }
    }
    Ok(())
}

/// An RSS item as an article, or why it cannot be one.
fn item(e: &Element, origin: Origin) -> Result<Item, String> {
    let title = title(e)?;
    let date = e
        .text_of("pubDate")
        .and_then(rfc2822)
        .or_else(|| e.text_of("dc:date").map(str::to_string))
        .ok_or_else(|| format!("“{title}” has no date (`pubDate` or `dc:date`): not imported"))?;
    let (body, summary) = match e.text_of("content:encoded") {
        Some(content) => (content, e.text_of("description")),
        None => (e.text_of("description").unwrap_or_default(), None),
    };
    let mut item = Item::new(
        origin,
        title,
        date,
        Body::Html {
            html: body.to_string(),
            autop: false,
        },
    );
    item.summary = summary.map(str::to_string);
    item.authors = unique(
        e.children("dc:creator")
            .map(|c| c.text.clone())
            .chain(e.children("author").filter_map(|a| author_name(&a.text))),
    );
    (item.section, item.tags) = section_and_tags(e.children("category").map(|c| c.text.clone()));
    item.aliases = link(e).into_iter().collect();
    Ok(item)
}

/// The title of an item, as text.
pub fn title(e: &Element) -> Result<String, String> {
    e.text_of("title")
        .map(html_text)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| match link(e) {
            Some(link) => format!("the item {link} has no title: not imported"),
            None => "an item without a title: not imported".to_string(),
        })
}

/// The item's own URL: `link`, else a `guid` that is a permalink.
pub fn link(e: &Element) -> Option<String> {
    e.text_of("link")
        .or_else(|| {
            e.child("guid")
                .filter(|g| g.attr("isPermaLink") != Some("false"))
                .map(|g| g.text.trim())
                .filter(|g| g.starts_with("http://") || g.starts_with("https://"))
        })
        .map(str::to_string)
}

/// An RFC 2822 date (`Tue, 02 Dec 2025 21:30:00 -0500`) as RFC 3339, its offset kept.
pub fn rfc2822(text: &str) -> Option<String> {
    DateTime::parse_from_rfc2822(text.trim())
        .ok()
        .map(|at| at.format("%Y-%m-%dT%H:%M:%S%:z").to_string())
}

/// RSS's `author` is an address with the name in brackets: `jane@example.org (Jane Roe)`.
/// An address alone names nobody, and is not published.
fn author_name(text: &str) -> Option<String> {
    let text = text.trim();
    match text.split_once('(') {
        Some((_, rest)) => rest.strip_suffix(')').map(|n| n.trim().to_string()),
        None if !text.contains('@') => Some(text.to_string()),
        None => None,
    }
    .filter(|n| !n.is_empty())
}

/// The first category is the section, the others are tags.
pub fn section_and_tags(categories: impl Iterator<Item = String>) -> (Option<String>, Vec<String>) {
    let mut all = unique(categories);
    if all.is_empty() {
        return (None, all);
    }
    let section = all.remove(0);
    (Some(section), all)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(text: &str) -> Element {
        let path: Arc<Path> = Arc::from(Path::new("feed.xml"));
        xml::records(text.as_bytes(), &path, RECORDS, true)
            .next()
            .unwrap()
            .unwrap()
    }

    fn origin() -> Origin {
        Origin::new(&Arc::from(Path::new("feed.xml")), 1)
    }

    #[test]
    fn an_item_maps_to_an_article() {
        let e = element(
            "<item><title>Budget &amp;amp; Tax</title><link>https://news.example/2025/12/budget/</link>\
             <pubDate>Tue, 02 Dec 2025 21:30:00 -0500</pubDate><dc:creator>Jane Roe</dc:creator>\
             <author>ed@example.org (Ed Itor)</author><author>x@example.org</author>\
             <category>Politics</category><category>Budget</category><category>politics</category>\
             <description>The &lt;b&gt;short&lt;/b&gt; one.</description>\
             <content:encoded><![CDATA[<p>Body.</p>]]></content:encoded></item>",
        );
        let item = item(&e, origin()).unwrap();
        assert_eq!(item.title, "Budget & Tax");
        assert_eq!(item.date, "2025-12-02T21:30:00-05:00");
        assert_eq!(item.authors, ["Jane Roe", "Ed Itor"]);
        assert_eq!(item.section.as_deref(), Some("Politics"));
        assert_eq!(item.tags, ["Budget"]);
        assert_eq!(item.summary.as_deref(), Some("The <b>short</b> one."));
        assert_eq!(item.aliases, ["https://news.example/2025/12/budget/"]);
        assert_eq!(
            item.body,
            Body::Html {
                html: "<p>Body.</p>".into(),
                autop: false
            }
        );
    }

    #[test]
    fn an_item_without_a_title_or_a_date_is_not_imported() {
        let e = element(
            "<item><link>https://news.example/a/</link><pubDate>Tue, 02 Dec 2025 21:30:00 GMT</pubDate></item>",
        );
        assert_eq!(
            item(&e, origin()).unwrap_err(),
            "the item https://news.example/a/ has no title: not imported"
        );
        let e = element("<item><title>A</title><pubDate>yesterday</pubDate></item>");
        assert_eq!(
            item(&e, origin()).unwrap_err(),
            "“A” has no date (`pubDate` or `dc:date`): not imported"
        );
        let e = element("<item><title>A</title><pubDate>Tue, 02 Dec 2025 21:30:00 GMT</pubDate></item>");
        assert_eq!(item(&e, origin()).unwrap().date, "2025-12-02T21:30:00+00:00");
    }
}
