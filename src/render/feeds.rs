//! Atom and RSS 2.0 feeds: the site's, and one per author and per tag. Each holds the
//! newest `feed_limit` articles, so its cost does not grow with the archive.

use std::io;

use chrono::{DateTime, FixedOffset};

use super::jsonld::absolute;
use super::views::{Env, FeedLink};
use super::xml::{self, Xml, text};
use crate::config::FeedContent;
use crate::model::{ArticleId, Author, Term};

/// One feed to write.
pub struct Feed {
    pub format: FeedFormat,
    /// Site-relative path of the feed file.
    pub path: String,
    pub title: String,
    /// Site-relative path of the page the feed belongs to.
    pub page: String,
    /// Its entries: the newest `feed_limit` articles, newest first.
    pub articles: Vec<ArticleId>,
    /// The article that gives its listing (the listing's oldest), for the record of
    /// published URLs; none for the site's feeds, which every site has.
    pub given_by: Option<ArticleId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    Atom,
    Rss,
}

impl FeedFormat {
    pub fn mime(self) -> &'static str {
        match self {
            FeedFormat::Atom => "application/atom+xml",
            FeedFormat::Rss => "application/rss+xml",
        }
    }
}

/// The site's Atom and RSS feeds.
pub fn site_feeds(env: &Env<'_>) -> [Feed; 2] {
    let newest: Vec<ArticleId> = (0..env.archive.articles.len().min(env.config.feed_limit) as ArticleId).collect();
    let site = &env.config.title;
    [
        Feed {
            format: FeedFormat::Atom,
            path: "atom.xml".into(),
            title: site.clone(),
            page: String::new(),
            articles: newest.clone(),
            given_by: None,
        },
        Feed {
            format: FeedFormat::Rss,
            path: "rss.xml".into(),
            title: site.clone(),
            page: String::new(),
            articles: newest,
            given_by: None,
        },
    ]
}

/// Every feed of the site: its own, and one per author and per tag.
pub fn all_feeds(env: &Env<'_>) -> Vec<Feed> {
    let mut feeds = Vec::from(site_feeds(env));
    feeds.extend(
        env.archive
            .authors
            .iter()
            .filter(|a| !a.articles.is_empty())
            .map(|a| author_feed(env, a)),
    );
    feeds.extend(env.archive.tags.iter().map(|t| tag_feed(env, t)));
    feeds
}

pub fn author_feed(env: &Env<'_>, author: &Author) -> Feed {
    Feed {
        format: FeedFormat::Atom,
        path: format!("{}atom.xml", author.path),
        title: format!("{} – {}", author.name, env.config.title),
        page: author.path.clone(),
        articles: newest(env, &author.articles),
        given_by: author.articles.last().copied(),
    }
}

pub fn tag_feed(env: &Env<'_>, tag: &Term) -> Feed {
    Feed {
        format: FeedFormat::Atom,
        path: format!("{}atom.xml", tag.path),
        title: format!("{} – {}", tag.name, env.config.title),
        page: tag.path.clone(),
        articles: newest(env, &tag.articles),
        given_by: tag.articles.last().copied(),
    }
}

fn newest(env: &Env<'_>, ids: &[ArticleId]) -> Vec<ArticleId> {
    ids[..ids.len().min(env.config.feed_limit)].to_vec()
}

impl Feed {
    /// How pages announce this feed.
    pub fn link(&self, env: &Env<'_>) -> FeedLink {
        let kind = match self.format {
            FeedFormat::Atom => "Atom",
            FeedFormat::Rss => "RSS",
        };
        FeedLink {
            title: format!("{} ({kind})", self.title),
            url: env.url(&self.path),
            mime: self.format.mime(),
        }
    }

    /// A fingerprint of everything `render` reads: the feed's own fields, the site's, and
    /// those of each entry (its body by the hash of its source, when feeds carry it).
    pub fn fingerprint(&self, env: &Env<'_>, now: DateTime<FixedOffset>) -> u64 {
        let (config, archive) = (env.config, env.archive);
        let moment = |at: DateTime<FixedOffset>| {
            (
                at.timestamp(),
                at.timestamp_subsec_nanos(),
                at.offset().local_minus_utc(),
            )
        };
        let full = config.feed_content == FeedContent::Full;
        // Each article's entry is hashed once a build, whichever feeds list it (the site's,
        // its authors', its section's and tags', Atom and RSS): every feed is fingerprinted
        // on every rebuild, and hashing each of their entries was a fifth of a rebuild of
        // `serve` at 10,000 articles.
        let entry = |id: ArticleId| {
            let a = archive.article(id);
            let authors: Vec<(&str, &str)> = a
                .authors
                .iter()
                .map(|&i| (archive.author(i).name.as_str(), archive.author(i).path.as_str()))
                .collect();
            let sections = a.section.iter().map(|&s| (&archive.sections[s as usize], "s"));
            let tags = a.tags.iter().map(|&t| (&archive.tags[t as usize], "t"));
            let terms: Vec<(&str, &str, &str)> = sections
                .chain(tags)
                .map(|(term, kind)| (term.slug.as_str(), term.name.as_str(), kind))
                .collect();
            super::fingerprint::fingerprint(&(
                (
                    &a.title,
                    &a.path,
                    &a.summary,
                    moment(a.date.at),
                    moment(a.last_change().at),
                ),
                (
                    authors,
                    terms,
                    full.then_some((super::fingerprint::body(config, a.source_hash), a.format)),
                ),
            ))
        };
        let entries: Vec<u64> = (self.articles.iter())
            .map(|&id| match env.shared.feed_entries.get(id as usize) {
                Some(memo) => *memo.get_or_init(|| entry(id)),
                None => entry(id),
            })
            .collect();
        super::fingerprint::fingerprint(&(
            (self.format == FeedFormat::Atom, &self.path, &self.title, &self.page),
            (
                config.base_url.as_str(),
                &config.title,
                &config.description,
                &config.language,
            ),
            (&config.publisher.name, &config.publisher.logo, full, &config.hub),
            entries,
            self.articles.is_empty().then(|| moment(now)),
        ))
    }

    /// The feed's XML. `body` gives an article's HTML when feeds carry full content.
    pub fn render(
        &self,
        env: &Env<'_>,
        now: DateTime<FixedOffset>,
        body: &dyn Fn(ArticleId) -> Option<String>,
    ) -> io::Result<Vec<u8>> {
        let entries = &self.articles;
        let updated = entries
            .iter()
            .map(|&i| env.archive.article(i).last_change().at)
            .max()
            .unwrap_or(now);
        match self.format {
            FeedFormat::Atom => self.atom(env, entries, updated, body),
            FeedFormat::Rss => self.rss(env, entries, updated, body),
        }
    }

    fn atom(
        &self,
        env: &Env<'_>,
        entries: &[ArticleId],
        updated: DateTime<FixedOffset>,
        body: &dyn Fn(ArticleId) -> Option<String>,
    ) -> io::Result<Vec<u8>> {
        let config = env.config;
        let archive = env.archive;
        let self_url = env.url(&self.path);
        let mut w = xml::document()?;
        w.create_element("feed")
            .with_attribute(("xmlns", "http://www.w3.org/2005/Atom"))
            .with_attribute(("xml:lang", config.language.as_str()))
            .write_inner_content(|w| {
                text(w, "title", &self.title)?;
                if !config.description.is_empty() {
                    text(w, "subtitle", &config.description)?;
                }
                link(w, &self_url, "self", FeedFormat::Atom.mime())?;
                link(w, &env.url(&self.page), "alternate", "text/html")?;
                hub(w, "link", config.hub.as_deref())?;
                text(w, "id", &self_url)?;
                text(w, "updated", &crate::render::rfc3339(&updated))?;
                w.create_element("author")
                    .write_inner_content(|w| text(w, "name", &config.publisher.name))?;
                if let Some(logo) = &config.publisher.logo {
                    text(w, "logo", &absolute(env, logo))?;
                }
                w.create_element("generator")
                    .with_attribute(("version", env!("CARGO_PKG_VERSION")))
                    .write_text_content(quick_xml::events::BytesText::new("dateline"))?;
                for &id in entries {
                    let article = archive.article(id);
                    let url = env.url(&article.path);
                    w.create_element("entry").write_inner_content(|w| {
                        text(w, "title", &article.title)?;
                        link(w, &url, "alternate", "text/html")?;
                        text(w, "id", &url)?;
                        text(w, "published", &crate::render::rfc3339(&article.date.at))?;
                        text(w, "updated", &crate::render::rfc3339(&article.last_change().at))?;
                        for &a in &article.authors {
                            let author = archive.author(a);
                            w.create_element("author").write_inner_content(|w| {
                                text(w, "name", &author.name)?;
                                text(w, "uri", &env.url(&author.path))
                            })?;
                        }
                        let sections = article
                            .section
                            .iter()
                            .map(|&s| (&archive.sections[s as usize], "sections/"));
                        let tags = article.tags.iter().map(|&t| (&archive.tags[t as usize], "tags/"));
                        for (term, folder) in sections.chain(tags) {
                            w.create_element("category")
                                .with_attribute(("term", term.slug.as_str()))
                                .with_attribute(("scheme", env.url(folder).as_str()))
                                .with_attribute(("label", term.name.as_str()))
                                .write_empty()?;
                        }
                        if !article.summary.is_empty() {
                            w.create_element("summary")
                                .with_attribute(("type", "text"))
                                .write_text_content(quick_xml::events::BytesText::new(&article.summary))?;
                        }
                        if config.feed_content == FeedContent::Full
                            && let Some(html) = body(id)
                        {
                            w.create_element("content")
                                .with_attribute(("type", "html"))
                                .write_text_content(quick_xml::events::BytesText::new(&absolute_links(
                                    &html,
                                    origin(env),
                                )))?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(xml::finish(w))
    }

    fn rss(
        &self,
        env: &Env<'_>,
        entries: &[ArticleId],
        updated: DateTime<FixedOffset>,
        body: &dyn Fn(ArticleId) -> Option<String>,
    ) -> io::Result<Vec<u8>> {
        let config = env.config;
        let archive = env.archive;
        let mut w = xml::document()?;
        w.create_element("rss")
            .with_attribute(("version", "2.0"))
            .with_attribute(("xmlns:atom", "http://www.w3.org/2005/Atom"))
            .with_attribute(("xmlns:dc", "http://purl.org/dc/elements/1.1/"))
            .write_inner_content(|w| {
                w.create_element("channel").write_inner_content(|w| {
                    text(w, "title", &self.title)?;
                    text(w, "link", &env.url(&self.page))?;
                    let description = if config.description.is_empty() {
                        &config.title
                    } else {
                        &config.description
                    };
                    text(w, "description", description)?;
                    text(w, "language", &config.language)?;
                    text(w, "lastBuildDate", &crate::render::rfc2822(&updated))?;
                    text(w, "generator", concat!("dateline ", env!("CARGO_PKG_VERSION")))?;
                    w.create_element("atom:link")
                        .with_attribute(("href", env.url(&self.path).as_str()))
                        .with_attribute(("rel", "self"))
                        .with_attribute(("type", FeedFormat::Rss.mime()))
                        .write_empty()?;
                    hub(w, "atom:link", config.hub.as_deref())?;
                    for &id in entries {
                        let article = archive.article(id);
                        let url = env.url(&article.path);
                        w.create_element("item").write_inner_content(|w| {
                            text(w, "title", &article.title)?;
                            text(w, "link", &url)?;
                            w.create_element("guid")
                                .with_attribute(("isPermaLink", "true"))
                                .write_text_content(quick_xml::events::BytesText::new(&url))?;
                            text(w, "pubDate", &crate::render::rfc2822(&article.date.at))?;
                            for &a in &article.authors {
                                text(w, "dc:creator", &archive.author(a).name)?;
                            }
                            for t in article
                                .section
                                .iter()
                                .map(|&s| &archive.sections[s as usize])
                                .chain(article.tags.iter().map(|&t| &archive.tags[t as usize]))
                            {
                                text(w, "category", &t.name)?;
                            }
                            let description = match (config.feed_content, body(id)) {
                                (FeedContent::Full, Some(html)) => absolute_links(&html, origin(env)),
                                _ => article.summary.to_string(),
                            };
                            text(w, "description", &description)
                        })?;
                    }
                    Ok(())
                })?;
                Ok(())
            })?;
        Ok(xml::finish(w))
    }
}

fn link(w: &mut Xml, href: &str, rel: &str, mime: &str) -> io::Result<()> {
    w.create_element("link")
        .with_attribute(("href", href))
        .with_attribute(("rel", rel))
        .with_attribute(("type", mime))
        .write_empty()?;
    Ok(())
}

/// The WebSub hub readers may subscribe at for the feed's updates (`[feeds] hub`), as
/// `element` (`link` in Atom, `atom:link` in RSS): `<link rel="hub" href="HUB"/>`.
/// Nothing without one.
fn hub(w: &mut Xml, element: &str, hub: Option<&str>) -> io::Result<()> {
    if let Some(hub) = hub {
        w.create_element(element)
            .with_attribute(("rel", "hub"))
            .with_attribute(("href", hub))
            .write_empty()?;
    }
    Ok(())
}

/// `https://example.org` of `https://example.org/archive/`.
fn origin<'e>(env: &'e Env<'_>) -> &'e str {
    let base = env.config.base_url.as_str();
    base.strip_suffix(env.config.base_url.path()).unwrap_or(base)
}

/// Feed readers have no page to resolve links against: root-relative `href` and `src`
/// attributes become absolute.
pub fn absolute_links(html: &str, origin: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some(i) = find_root_relative(rest) {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        out.push_str(origin);
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Position just after `href="` or `src="` where a root-relative URL (`/x`, not `//x`) starts.
fn find_root_relative(html: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut from = 0;
    while let Some(pos) = html[from..].find("=\"/") {
        let at = from + pos;
        let attr_ok = html[..at].ends_with("href") || html[..at].ends_with("src");
        let start = at + 2;
        if attr_ok && bytes.get(start + 1) != Some(&b'/') {
            return Some(start);
        }
        from = start;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fingerprint of the site's Atom feed of articles made from `texts`.
    fn site_feed_fingerprint(texts: &[String]) -> u64 {
        let (config, archive, now) = crate::testing::site_of(texts);
        let env = Env {
            config: &config,
            archive: &archive,
            locale: super::super::Locale::for_language("en"),
            shared: Default::default(),
        };
        let [atom, _] = site_feeds(&env);
        atom.fingerprint(&env, now)
    }

    #[test]
    fn a_feed_fingerprint_changes_with_what_the_feed_shows() {
        let article = |title: &str, summary: &str, body: &str| {
            format!(
                "---\ntitle: {title}\ndate: 2025-01-05T10:00:00Z\nauthor: Jane Roe\nsummary: {summary}\n---\n{body}\n"
            )
        };
        let base = site_feed_fingerprint(&[article("A", "S", "Body.")]);
        assert_eq!(base, site_feed_fingerprint(&[article("A", "S", "Body.")]));
        assert_ne!(base, site_feed_fingerprint(&[article("A2", "S", "Body.")]), "title");
        assert_ne!(base, site_feed_fingerprint(&[article("A", "S2", "Body.")]), "summary");
        let with_author = article("A", "S", "Body.").replace("Jane Roe", "John Doe");
        assert_ne!(base, site_feed_fingerprint(&[with_author]), "author");
    }

    /// The site's Atom and RSS feeds of one article, with `hub` as `[feeds] hub`, and the
    /// fingerprint of the Atom feed.
    fn feeds_with_hub(hub: Option<&str>) -> (String, String, u64) {
        let text = "---\ntitle: A\ndate: 2025-01-05T10:00:00Z\nauthor: Jane Roe\n---\nBody.\n".to_string();
        let (mut config, archive, now) = crate::testing::site_of(&[text]);
        config.hub = hub.map(String::from);
        let env = Env {
            config: &config,
            archive: &archive,
            locale: super::super::Locale::for_language("en"),
            shared: Default::default(),
        };
        let [atom, rss] = site_feeds(&env);
        let render = |feed: &Feed| String::from_utf8(feed.render(&env, now, &|_| None).unwrap()).unwrap();
        (render(&atom), render(&rss), atom.fingerprint(&env, now))
    }

    #[test]
    fn feeds_name_the_hub_only_when_there_is_one() {
        let (atom, rss, with) = feeds_with_hub(Some("https://hub.example.org/"));
        assert!(
            atom.contains(r#"<link rel="hub" href="https://hub.example.org/"/>"#),
            "{atom}"
        );
        assert!(
            rss.contains(r#"<atom:link rel="hub" href="https://hub.example.org/"/>"#),
            "{rss}"
        );
        let (atom, rss, without) = feeds_with_hub(None);
        assert!(!atom.contains("hub") && !rss.contains("hub"), "{atom}\n{rss}");
        assert_ne!(with, without, "a feed is written again when its hub changes");
    }

    #[test]
    fn root_relative_links_become_absolute() {
        let html = r#"<a href="/2025/x/">a</a> <img src="/img/a.png"> <a href="//cdn.example/x">b</a> <a href="https://e.org/">c</a> <a title="/not">d</a>"#;
        assert_eq!(
            absolute_links(html, "https://news.example"),
            r#"<a href="https://news.example/2025/x/">a</a> <img src="https://news.example/img/a.png"> <a href="//cdn.example/x">b</a> <a href="https://e.org/">c</a> <a title="/not">d</a>"#
        );
    }
}
