//! `dateline import wxr EXPORT.xml`: a WordPress export (WXR, "Tools → Export").
//!
//! A WXR file is an RSS feed with WordPress's own elements. Only posts are articles
//! (`wp:post_type` `post`); pages, attachments, menu items and other types are counted as
//! skipped. `wp:status` `publish` and `future` are articles, `draft` and `pending` drafts
//! (`draft: true`); `private`, `trash` and the rest are skipped and counted.
//!
//! | WXR | dateline |
//! |---|---|
//! | `title` | `title` |
//! | `wp:post_date` with `wp:post_date_gmt` | `date`, with the offset the two give (the site's own at the time) |
//! | else `pubDate`, else `wp:post_date` alone | `date` (UTC; the site's time zone) |
//! | `dc:creator` (a login) | `authors`: the login's `wp:author_display_name` |
//! | `category domain="category"`: the first | `section` (`Uncategorized` left out) |
//! | the other categories, `category domain="post_tag"` | `tags` |
//! | `wp:post_name` | `slug` (percent-decoded), else from the title |
//! | `content:encoded` | the body, paragraphs by blank lines as WordPress shows them |
//! | `excerpt:encoded` | `summary` |
//! | `link` | an alias (its path; `?p=123` links cannot be one) |
//!
//! Each `wp:author` credited on an imported post becomes an author profile,
//! `content/authors/<slug>.md`: `wp:author_display_name` (else first and last name, else
//! the login) as `name`, and the bio if the export has one (`wp:author_description`, which
//! some export plugins write; WordPress's own does not). E-mail addresses are not
//! published. Comments, post meta, `wp:post_id`, `wp:post_parent`, `wp:menu_order`,
//! `wp:is_sticky` and `guid` are dropped.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDateTime;

use super::xml::{self, Element};
use super::{Body, ImportError, Item, Origin, Sink, rss, unique};
use crate::slug::slugify;

/// Posts, and the authors listed before them.
const RECORDS: &[&str] = &["item", "wp:author"];

/// A WordPress user, from `wp:author`.
struct Author {
    name: String,
    bio: Option<String>,
}

/// What to do with an item, by its type and status.
#[derive(Debug, PartialEq, Eq)]
enum Fate {
    Article { draft: bool },
    Skip(&'static str),
}

pub fn import(source: &Arc<Path>, sink: &mut Sink) -> Result<(), ImportError> {
    let total = xml::open(source, RECORDS, false)?.check()?;
    sink.start_progress(total);
    let mut authors: HashMap<String, Author> = HashMap::new();
    let mut credited: BTreeSet<String> = BTreeSet::new();
    for record in xml::open(source, RECORDS, true)? {
        let element = record?;
        sink.step();
        if element.name == "wp:author" {
            if let Some((login, author)) = author(&element) {
                authors.insert(login, author);
            }
            continue;
        }
        let draft = match fate(&element) {
            Fate::Article { draft } => draft,
            Fate::Skip(why) => {
                sink.skip(why);
                continue;
            }
        };
        let origin = Origin::new(source, element.line);
        match item(&element, origin.clone(), &authors, &mut credited) {
            Ok(mut item) => {
                item.draft = draft;
                sink.add(item)?;
            }
            Err(why) => sink.fail(&origin, why),
        }
    }
    for login in credited {
        if let Some(author) = authors.remove(&login) {
            sink.profile(&author.name, author.bio);
        }
    }
    Ok(())
}

/// A `wp:author`: the login, and the name and bio of its profile.
fn author(e: &Element) -> Option<(String, Author)> {
    let login = e.text_of("wp:author_login")?.to_string();
    let full = [e.text_of("wp:author_first_name"), e.text_of("wp:author_last_name")]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let name = e
        .text_of("wp:author_display_name")
        .map(str::to_string)
        .or(Some(full).filter(|f| !f.is_empty()))
        .unwrap_or_else(|| login.clone());
    let bio = e.text_of("wp:author_description").map(str::to_string);
    Some((login, Author { name, bio }))
}

/// Whether an item is imported, and as what.
fn fate(e: &Element) -> Fate {
    match e.text_of("wp:post_type").unwrap_or("post") {
        "post" => {}
        "page" => return Fate::Skip("pages"),
        "attachment" => return Fate::Skip("attachments"),
        "nav_menu_item" => return Fate::Skip("menu items"),
        _ => return Fate::Skip("of other post types"),
    }
    match e.text_of("wp:status").unwrap_or("publish") {
        "publish" | "future" => Fate::Article { draft: false },
        "draft" | "pending" => Fate::Article { draft: true },
        "private" => Fate::Skip("private"),
        "trash" => Fate::Skip("trashed"),
        _ => Fate::Skip("auto-drafts and revisions"),
    }
}

/// A WordPress post as an article, or why it cannot be one.
fn item(
    e: &Element,
    origin: Origin,
    authors: &HashMap<String, Author>,
    credited: &mut BTreeSet<String>,
) -> Result<Item, String> {
    let title = rss::title(e)?;
    let date = date(e).ok_or_else(|| format!("“{title}” has no date (`wp:post_date` or `pubDate`): not imported"))?;
    let mut item = Item::new(
        origin,
        title,
        date,
        Body::Html {
            html: e.text_of("content:encoded").unwrap_or_default().to_string(),
            autop: true,
        },
    );
    item.summary = e.text_of("excerpt:encoded").map(str::to_string);
    item.authors = unique(e.children("dc:creator").map(|c| {
        let login = c.text.trim();
        match authors.get(login) {
            Some(author) => {
                credited.insert(login.to_string());
                author.name.clone()
            }
            None => login.to_string(),
        }
    }));
    let categories = e
        .children("category")
        .filter(|c| c.attr("domain") == Some("category"))
        .filter(|c| c.attr("nicename") != Some("uncategorized") && c.text.trim() != "Uncategorized")
        .map(|c| c.text.clone());
    let (section, mut tags) = rss::section_and_tags(categories);
    tags.extend(
        e.children("category")
            .filter(|c| c.attr("domain") == Some("post_tag"))
            .map(|c| c.text.clone()),
    );
    item.section = section;
    item.tags = unique(tags);
    item.slug = e
        .text_of("wp:post_name")
        .map(|name| slugify(&percent_encoding::percent_decode_str(name).decode_utf8_lossy()))
        .unwrap_or_default();
    item.aliases = e.text_of("link").map(str::to_string).into_iter().collect();
    Ok(item)
}

/// The post's date: the local time with the offset its GMT time gives, else `pubDate`,
/// else the local time alone (in the site's time zone).
fn date(e: &Element) -> Option<String> {
    let read = |name| {
        e.text_of(name)
            .filter(|t| !t.starts_with("0000"))
            .and_then(|t| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").ok())
    };
    let local = read("wp:post_date");
    if let (Some(local), Some(gmt)) = (local, read("wp:post_date_gmt")) {
        let offset = (local - gmt).num_seconds();
        if let Ok(offset) = i32::try_from(offset)
            && let Some(offset) = chrono::FixedOffset::east_opt(offset)
            && let Some(at) = local.and_local_timezone(offset).single()
        {
            return Some(at.format("%Y-%m-%dT%H:%M:%S%:z").to_string());
        }
    }
    e.text_of("pubDate")
        .and_then(rss::rfc2822)
        .or_else(|| local.map(|l| l.format("%Y-%m-%d %H:%M:%S").to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element(text: &str) -> Element {
        let path: Arc<Path> = Arc::from(Path::new("wxr.xml"));
        xml::records(text.as_bytes(), &path, RECORDS, true)
            .next()
            .unwrap()
            .unwrap()
    }

    #[test]
    fn a_post_maps_to_an_article() {
        let author = element(
            "<wp:author><wp:author_login><![CDATA[jroe]]></wp:author_login>\
             <wp:author_email>jroe@example.org</wp:author_email>\
             <wp:author_display_name><![CDATA[Jane Roe]]></wp:author_display_name></wp:author>",
        );
        let (login, profile) = author_of(&author);
        assert_eq!((login.as_str(), profile.name.as_str()), ("jroe", "Jane Roe"));
        let authors = HashMap::from([(login, profile)]);
        let e = element(
            "<item><title>Caf&#233; Opens</title><link>https://old.example/2019/05/cafe-opens/</link>\
             <pubDate>Fri, 03 May 2019 08:00:00 +0000</pubDate><dc:creator><![CDATA[jroe]]></dc:creator>\
             <content:encoded><![CDATA[Para one.\n\nPara two.]]></content:encoded>\
             <excerpt:encoded><![CDATA[]]></excerpt:encoded>\
             <wp:post_date>2019-05-03 10:00:00</wp:post_date><wp:post_date_gmt>2019-05-03 08:00:00</wp:post_date_gmt>\
             <wp:post_name><![CDATA[caf%c3%a9-opens]]></wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\
             <category domain=\"category\" nicename=\"uncategorized\"><![CDATA[Uncategorized]]></category>\
             <category domain=\"category\" nicename=\"city\"><![CDATA[City]]></category>\
             <category domain=\"category\" nicename=\"food\"><![CDATA[Food]]></category>\
             <category domain=\"post_tag\" nicename=\"coffee\"><![CDATA[Coffee]]></category></item>",
        );
        assert_eq!(fate(&e), Fate::Article { draft: false });
        let mut credited = BTreeSet::new();
        let item = item(
            &e,
            Origin::new(&Arc::from(Path::new("wxr.xml")), 1),
            &authors,
            &mut credited,
        )
        .unwrap();
        assert_eq!(item.title, "Café Opens");
        assert_eq!(item.date, "2019-05-03T10:00:00+02:00");
        assert_eq!(item.authors, ["Jane Roe"]);
        assert_eq!(item.section.as_deref(), Some("City"));
        assert_eq!(item.tags, ["Food", "Coffee"]);
        assert_eq!(item.slug, "cafe-opens");
        assert_eq!(item.summary, None);
        assert_eq!(item.aliases, ["https://old.example/2019/05/cafe-opens/"]);
        assert!(credited.contains("jroe"));
    }

    fn author_of(e: &Element) -> (String, Author) {
        author(e).unwrap()
    }

    #[test]
    fn types_and_statuses() {
        let fate_of = |t: &str, s: &str| {
            fate(&element(&format!(
                "<item><wp:post_type>{t}</wp:post_type><wp:status>{s}</wp:status></item>"
            )))
        };
        assert_eq!(fate_of("post", "publish"), Fate::Article { draft: false });
        assert_eq!(fate_of("post", "draft"), Fate::Article { draft: true });
        assert_eq!(fate_of("post", "private"), Fate::Skip("private"));
        assert_eq!(fate_of("post", "trash"), Fate::Skip("trashed"));
        assert_eq!(fate_of("page", "publish"), Fate::Skip("pages"));
        assert_eq!(fate_of("attachment", "inherit"), Fate::Skip("attachments"));
    }

    #[test]
    fn a_draft_has_its_local_date() {
        let e = element(
            "<item><pubDate>Mon, 30 Nov -0001 00:00:00 +0000</pubDate>\
             <wp:post_date>2019-05-03 10:00:00</wp:post_date><wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt></item>",
        );
        assert_eq!(date(&e).as_deref(), Some("2019-05-03 10:00:00"));
    }
}
