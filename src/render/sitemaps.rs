//! Sitemaps: an index at `/sitemap.xml` pointing to one sitemap per year (split in parts
//! past 50,000 URLs) and one for the other pages; the Google News sitemap of the last
//! 48 hours; and `robots.txt` naming them.

use std::borrow::Cow;
use std::io;

use chrono::{DateTime, Duration, FixedOffset};
use rayon::prelude::*;

use super::views::{Env, day_path, month_path, year_path};
use super::xml::{self, text};
use crate::model::{ArticleId, Term};

/// Most URLs one sitemap file may hold.
pub const MAX_URLS: usize = 50_000;
/// Most articles in the news sitemap.
pub const MAX_NEWS: usize = 1_000;

/// A URL of a sitemap and when its page last changed.
struct Entry<'a> {
    rel: Cow<'a, str>,
    lastmod: DateTime<FixedOffset>,
}

/// A sitemap file: where it goes, its bytes (`None` where the file the last build made
/// from the same URLs is kept), and a fingerprint of its URLs (for the files of URLs).
pub struct SitemapFile {
    pub rel: String,
    pub bytes: Option<Vec<u8>>,
    pub made_from: Option<u64>,
}

/// Whether the file at a path, made from what a fingerprint stands for, is kept as the
/// last build made it.
pub type Keep<'k> = dyn Fn(&str, u64) -> bool + Sync + 'k;

/// The fingerprint the last build's file at a path was made from, when this build is known
/// to make it from the same, listing the articles in the range (`serve`: none of them
/// changed since, nor anything else a sitemap shows).
pub type Unchanged<'k> = dyn Fn(&str, std::ops::Range<usize>) -> Option<u64> + Sync + 'k;

/// Every sitemap file, the index included.
pub fn sitemaps(
    env: &Env<'_>,
    now: DateTime<FixedOffset>,
    keep: &Keep<'_>,
    unchanged: &Unchanged<'_>,
) -> io::Result<Vec<SitemapFile>> {
    sitemaps_of_at_most(env, now, MAX_URLS, keep, unchanged)
}

/// A year's URLs, or the file the last build made of them, kept: its path, the fingerprint
/// it was made from and their latest change (for the index).
enum Group<'a> {
    Listed(Vec<Entry<'a>>),
    Kept(String, u64, DateTime<FixedOffset>),
}

/// `sitemaps`, with at most `max_urls` URLs per file.
fn sitemaps_of_at_most(
    env: &Env<'_>,
    now: DateTime<FixedOffset>,
    max_urls: usize,
    keep: &Keep<'_>,
    unchanged: &Unchanged<'_>,
) -> io::Result<Vec<SitemapFile>> {
    // A group of URLs per year (its listings and articles), then the other pages; each
    // group in files of at most `max_urls`. Years are gathered and files written in parallel.
    let mut groups: Vec<(String, Group<'_>)> = env
        .archive
        .years
        .par_iter()
        .map(|year| {
            let name = format!("{:04}", year.year);
            let days: usize = year.months.iter().map(|m| m.days.len()).sum();
            let urls = 1 + year.months.len() + days + year.articles.len();
            // A year of one file that the last build made from the same URLs: its URLs are
            // not gathered again (a rebuild of `serve` needs a few of 100,000).
            let rel = format!("sitemaps/{name}.xml");
            if urls <= max_urls
                && let Some(made_from) = unchanged(&rel, year.articles.clone())
            {
                return (
                    name,
                    Group::Kept(rel, made_from, latest(env, year.articles.clone(), now)),
                );
            }
            let mut entries = Vec::with_capacity(urls);
            entries.push(Entry {
                rel: year_path(year.year).into(),
                lastmod: latest(env, year.articles.clone(), now),
            });
            for month in &year.months {
                entries.push(Entry {
                    rel: month_path(month.year, month.month).into(),
                    lastmod: latest(env, month.articles.clone(), now),
                });
                for day in &month.days {
                    entries.push(Entry {
                        rel: day_path(day.date).into(),
                        lastmod: latest(env, day.articles.clone(), now),
                    });
                }
            }
            for id in year.articles.clone() {
                let article = &env.archive.articles[id];
                entries.push(Entry {
                    rel: Cow::Borrowed(&article.path),
                    lastmod: env.shared.last_changes[id],
                });
            }
            (name, Group::Listed(entries))
        })
        .collect();
    groups.push(("pages".to_string(), Group::Listed(other_pages(env, now))));

    // The files of each group, and the index's entry of each, in the order of the groups.
    let mut chunks: Vec<(String, &[Entry<'_>])> = Vec::new();
    let mut kept: Vec<SitemapFile> = Vec::new();
    let mut index: Vec<Entry> = Vec::new();
    for (name, group) in &groups {
        let entries = match group {
            Group::Listed(entries) => entries,
            Group::Kept(rel, made_from, lastmod) => {
                index.push(Entry {
                    rel: rel.clone().into(),
                    lastmod: *lastmod,
                });
                kept.push(SitemapFile {
                    rel: rel.clone(),
                    bytes: None,
                    made_from: Some(*made_from),
                });
                continue;
            }
        };
        let parts = entries.len().div_ceil(max_urls).max(1);
        for (n, chunk) in entries.chunks(max_urls).enumerate() {
            let rel = if parts == 1 {
                format!("sitemaps/{name}.xml")
            } else {
                format!("sitemaps/{name}-{}.xml", n + 1)
            };
            index.push(Entry {
                rel: rel.clone().into(),
                lastmod: chunk.iter().map(|e| e.lastmod).max().unwrap_or(now),
            });
            chunks.push((rel, chunk));
        }
    }
    let mut files = chunks
        .par_iter()
        .map(|(rel, chunk)| {
            let made_from = fingerprint_of(env, chunk);
            let bytes = match keep(rel, made_from) {
                true => None,
                false => Some(urlset(env, chunk)?),
            };
            Ok(SitemapFile {
                rel: rel.clone(),
                bytes,
                made_from: Some(made_from),
            })
        })
        .collect::<io::Result<Vec<SitemapFile>>>()?;
    files.append(&mut kept);
    let made = |rel: &str, bytes: Vec<u8>| SitemapFile {
        rel: rel.to_string(),
        bytes: Some(bytes),
        made_from: None,
    };
    files.push(made("sitemap.xml", sitemap_index(env, &index)?));
    files.push(made("news-sitemap.xml", news_sitemap(env, now)?));
    Ok(files)
}

/// A fingerprint of what `urlset` reads.
fn fingerprint_of(env: &Env<'_>, entries: &[Entry<'_>]) -> u64 {
    struct Urls<'e, 'a>(&'e [Entry<'a>]);
    impl serde::Serialize for Urls<'_, '_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().map(|e| {
                let at = e.lastmod;
                (
                    e.rel.as_ref(),
                    at.timestamp(),
                    at.timestamp_subsec_nanos(),
                    at.offset().local_minus_utc(),
                )
            }))
        }
    }
    super::fingerprint::fingerprint(&(env.config.base_url.as_str(), Urls(entries)))
}

/// `robots.txt`: everything may be crawled; where the sitemaps are.
pub fn robots(env: &Env<'_>) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\nSitemap: {}\n",
        env.url("sitemap.xml"),
        env.url("news-sitemap.xml")
    )
}

fn latest(env: &Env<'_>, range: std::ops::Range<usize>, now: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    env.shared.last_changes[range].iter().copied().max().unwrap_or(now)
}

fn latest_of(env: &Env<'_>, ids: &[ArticleId], now: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    let of = &env.shared.last_changes;
    ids.iter().map(|&i| of[i as usize]).max().unwrap_or(now)
}

/// Home, the indexes of authors, tags and sections and their pages, and on-this-day pages.
fn other_pages<'a>(env: &Env<'a>, now: DateTime<FixedOffset>) -> Vec<Entry<'a>> {
    let archive = env.archive;
    let newest = latest(env, 0..archive.articles.len(), now);
    let mut entries = vec![
        Entry {
            rel: "".into(),
            lastmod: newest,
        },
        Entry {
            rel: "authors/".into(),
            lastmod: newest,
        },
    ];
    for author in &archive.authors {
        entries.push(Entry {
            rel: Cow::Borrowed(&author.path),
            lastmod: latest_of(env, &author.articles, now),
        });
    }
    let terms = |entries: &mut Vec<Entry<'a>>, index: &str, terms: &'a [Term]| {
        if !terms.is_empty() {
            entries.push(Entry {
                rel: Cow::Owned(index.to_string()),
                lastmod: newest,
            });
        }
        for t in terms {
            entries.push(Entry {
                rel: Cow::Borrowed(&t.path),
                lastmod: latest_of(env, &t.articles, now),
            });
        }
    };
    terms(&mut entries, "tags/", &archive.tags);
    terms(&mut entries, "sections/", &archive.sections);
    for day in &archive.on_this_day {
        entries.push(Entry {
            rel: super::context::on_this_day_path(day.month, day.day).into(),
            lastmod: latest_of(env, &day.articles, now),
        });
    }
    entries
}

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

fn urlset(env: &Env<'_>, entries: &[Entry<'_>]) -> io::Result<Vec<u8>> {
    let mut w = xml::document()?;
    w.create_element("urlset")
        .with_attribute(("xmlns", SITEMAP_NS))
        .write_inner_content(|w| {
            for e in entries {
                w.create_element("url").write_inner_content(|w| {
                    text(w, "loc", &env.url(&e.rel))?;
                    text(w, "lastmod", &crate::render::rfc3339(&e.lastmod))
                })?;
            }
            Ok(())
        })?;
    Ok(xml::finish(w))
}

fn sitemap_index(env: &Env<'_>, files: &[Entry<'_>]) -> io::Result<Vec<u8>> {
    let mut w = xml::document()?;
    w.create_element("sitemapindex")
        .with_attribute(("xmlns", SITEMAP_NS))
        .write_inner_content(|w| {
            for f in files {
                w.create_element("sitemap").write_inner_content(|w| {
                    text(w, "loc", &env.url(&f.rel))?;
                    text(w, "lastmod", &crate::render::rfc3339(&f.lastmod))
                })?;
            }
            Ok(())
        })?;
    Ok(xml::finish(w))
}

/// Articles published in the 48 hours before `now`, newest first, at most 1,000.
pub fn news_articles(env: &Env<'_>, now: DateTime<FixedOffset>) -> Vec<ArticleId> {
    let since = now - Duration::hours(48);
    let articles = &env.archive.articles;
    // Newest first: skip what is after `now` (scheduled articles built with --future).
    let start = articles.partition_point(|a| a.date.at > now);
    articles[start..]
        .iter()
        .take_while(|a| a.date.at >= since)
        .take(MAX_NEWS)
        .enumerate()
        .map(|(i, _)| (start + i) as ArticleId)
        .collect()
}

fn news_sitemap(env: &Env<'_>, now: DateTime<FixedOffset>) -> io::Result<Vec<u8>> {
    let language = news_language(&env.config.language);
    let mut w = xml::document()?;
    w.create_element("urlset")
        .with_attribute(("xmlns", SITEMAP_NS))
        .with_attribute(("xmlns:news", "http://www.google.com/schemas/sitemap-news/0.9"))
        .write_inner_content(|w| {
            for id in news_articles(env, now) {
                let article = env.archive.article(id);
                w.create_element("url").write_inner_content(|w| {
                    text(w, "loc", &env.url(&article.path))?;
                    w.create_element("news:news").write_inner_content(|w| {
                        w.create_element("news:publication").write_inner_content(|w| {
                            text(w, "news:name", &env.config.publisher.name)?;
                            text(w, "news:language", &language)
                        })?;
                        text(w, "news:publication_date", &crate::render::rfc3339(&article.date.at))?;
                        text(w, "news:title", &article.title)
                    })?;
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(xml::finish(w))
}

/// Google News wants ISO 639 codes, with `zh-cn` and `zh-tw` for Chinese.
fn news_language(tag: &str) -> String {
    let lower = tag.to_ascii_lowercase();
    match lower.as_str() {
        "zh-cn" | "zh-hans" | "zh-sg" => "zh-cn".into(),
        "zh-tw" | "zh-hant" | "zh-hk" => "zh-tw".into(),
        _ => lower.split('-').next().unwrap_or("en").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the sitemaps of `archive` are made with, in English.
    fn env_of<'a>(config: &'a crate::config::Config, archive: &'a crate::model::Archive) -> Env<'a> {
        let mut env = Env {
            config,
            archive,
            locale: super::super::Locale::for_language("en"),
            shared: Default::default(),
        };
        env.shared = super::super::views::Shared::new(&env, None);
        env
    }

    /// A year the last build made from the same URLs is not gathered again: its file is
    /// kept with the fingerprint it was made from, and the index still lists it, dated.
    #[test]
    fn a_year_unchanged_since_the_last_build_is_kept() {
        let texts = [
            "---\ntitle: New\ndate: 2025-01-03T10:00:00Z\n---\nx\n".to_string(),
            "---\ntitle: Old\ndate: 2024-07-09T10:00:00Z\nupdated: 2024-08-01T08:00:00Z\n---\nx\n".to_string(),
        ];
        let (config, archive, now) = crate::testing::site_of(&texts);
        let env = env_of(&config, &archive);
        let asked = std::sync::Mutex::new(Vec::new());
        let unchanged = |rel: &str, ids: std::ops::Range<usize>| {
            asked.lock().unwrap().push((rel.to_string(), ids));
            (rel == "sitemaps/2024.xml").then_some(42)
        };
        let files = sitemaps_of_at_most(&env, now, 100, &|_, _| false, &unchanged).unwrap();
        let mut asked = asked.into_inner().unwrap();
        asked.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            asked,
            [
                ("sitemaps/2024.xml".to_string(), 1..2),
                ("sitemaps/2025.xml".to_string(), 0..1)
            ]
        );
        let of = |rel: &str| files.iter().find(|f| f.rel == rel).unwrap();
        assert!(of("sitemaps/2024.xml").bytes.is_none() && of("sitemaps/2024.xml").made_from == Some(42));
        assert!(of("sitemaps/2025.xml").bytes.is_some());
        let index = String::from_utf8(of("sitemap.xml").bytes.clone().unwrap()).unwrap();
        let (new, old) = (
            index.find("sitemaps/2025.xml").unwrap(),
            index.find("sitemaps/2024.xml").unwrap(),
        );
        assert!(new < old, "years newest first: {index}");
        assert!(
            index
                .contains("<loc>https://e.org/sitemaps/2024.xml</loc>\n  <lastmod>2024-08-01T08:00:00+00:00</lastmod>"),
            "{index}"
        );
    }

    #[test]
    fn a_year_past_the_limit_is_split_into_numbered_parts() {
        let texts: Vec<String> = (1..=5)
            .map(|d| format!("---\ntitle: Day {d}\ndate: 2025-01-0{d}T10:00:00Z\n---\nx\n"))
            .collect();
        let (config, archive, now) = crate::testing::site_of(&texts);
        let env = env_of(&config, &archive);
        // 2025: the year, January, 5 days, 5 articles = 12 URLs → parts of 5, 5 and 2.
        let files = sitemaps_of_at_most(&env, now, 5, &|_, _| false, &|_, _| None).unwrap();
        let names: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(
            names,
            [
                "sitemaps/2025-1.xml",
                "sitemaps/2025-2.xml",
                "sitemaps/2025-3.xml",
                "sitemaps/pages-1.xml",
                "sitemaps/pages-2.xml",
                "sitemap.xml",
                "news-sitemap.xml"
            ]
        );
        let index = String::from_utf8(files[5].bytes.clone().unwrap()).unwrap();
        assert_eq!(index.matches("<loc>").count(), 5);
        assert!(index.contains("<loc>https://e.org/sitemaps/2025-3.xml</loc>"));
        let part3 = String::from_utf8(files[2].bytes.clone().unwrap()).unwrap();
        assert_eq!(part3.matches("<url>").count(), 2);

        // A file made from the same URLs as last time is kept, not made again.
        let made_from = files[2].made_from.unwrap();
        let again = sitemaps_of_at_most(
            &env,
            now,
            5,
            &|rel, f| rel == "sitemaps/2025-3.xml" && f == made_from,
            &|_, _| None,
        )
        .unwrap();
        assert!(again[2].bytes.is_none() && again[2].made_from == Some(made_from));
        assert!(again.iter().enumerate().all(|(i, f)| i == 2 || f.bytes.is_some()));
    }

    #[test]
    fn news_languages() {
        assert_eq!(news_language("en-GB"), "en");
        assert_eq!(news_language("pt-BR"), "pt");
        assert_eq!(news_language("zh-Hant"), "zh-tw");
        assert_eq!(news_language("fr"), "fr");
    }
}
