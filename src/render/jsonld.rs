//! Structured data (schema.org JSON-LD) for search engines, escaped so that no text can
//! end the `<script>` element it sits in.
//!
//! Page fingerprints do not build structured data: everything used here must also be in
//! the page's view or in the globals (`site`), so that a change to it changes the page's
//! fingerprint.

use serde::Serialize;

use super::views::Env;
use crate::model::{Article, Author};

/// A breadcrumb trail entry: name and absolute URL.
pub struct Trail<'a> {
    pub name: &'a str,
    pub url: String,
}

// The nodes below are written as they are declared: their fields are in the order of
// their names (as a JSON object with sorted keys would be), and absent ones are left out.

#[derive(Serialize)]
struct Graph<'a, A: Serialize> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: (A, BreadcrumbList<'a>),
}

#[derive(Serialize)]
struct Typed<'a> {
    #[serde(skip_serializing_if = "Option::is_none", rename = "@id")]
    id: Option<&'a str>,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct Organization<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<Typed<'a>>,
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    name: &'a str,
    #[serde(rename = "sameAs", skip_serializing_if = "Vec::is_empty")]
    same_as: Vec<&'a str>,
    url: String,
}

#[derive(Serialize)]
struct BreadcrumbList<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    items: Vec<ListItem<'a>>,
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: &'a str,
    name: &'a str,
    position: usize,
}

#[derive(Serialize)]
struct NewsArticle<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "articleSection", skip_serializing_if = "Option::is_none")]
    section: Option<&'a str>,
    author: Vec<Person<'a>>,
    #[serde(rename = "dateModified")]
    modified: String,
    #[serde(rename = "datePublished")]
    published: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    headline: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<[String; 1]>,
    #[serde(rename = "inLanguage")]
    language: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    keywords: Vec<&'a str>,
    #[serde(rename = "mainEntityOfPage")]
    main_entity: Typed<'a>,
    publisher: Organization<'a>,
    url: &'a str,
}

#[derive(Serialize)]
struct CollectionPage<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "inLanguage")]
    language: &'a str,
    #[serde(rename = "isPartOf")]
    part_of: Typed<'a>,
    name: &'a str,
    publisher: Organization<'a>,
    url: &'a str,
}

#[derive(Serialize)]
struct ProfilePage<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "inLanguage")]
    language: &'a str,
    #[serde(rename = "mainEntity")]
    main_entity: Person<'a>,
    url: String,
}

/// A node and the breadcrumbs of its page, as JSON text that is safe inside
/// `<script type="application/ld+json">`: `<`, `>` and `&` are written as `\u` escapes
/// (so `</script>` cannot appear), as are U+2028 and U+2029.
fn script_safe<A: Serialize>(node: A, trail: &[Trail<'_>]) -> String {
    let graph = Graph {
        context: "https://schema.org",
        graph: (node, breadcrumbs(trail)),
    };
    // Every value here is a string, a number or a list: writing it cannot fail.
    let json = serde_json::to_vec(&graph).expect("structured data is plain JSON");
    String::from_utf8(escape_for_script(json)).expect("JSON is UTF-8")
}

/// `json` with what could end a `<script>` element escaped. Such bytes are rare: the
/// text is searched for them (SIMD) and returned as it is when there are none.
fn escape_for_script(json: Vec<u8>) -> Vec<u8> {
    // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
    let separators = |bytes: &[u8]| {
        memchr::memmem::find_iter(bytes, b"\xE2\x80").any(|i| matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)))
    };
    if memchr::memchr3(b'<', b'>', b'&', &json).is_none() && !separators(&json) {
        return json;
    }
    let mut out = Vec::with_capacity(json.len() + 32);
    let mut last = 0;
    for (i, &b) in json.iter().enumerate() {
        let (escape, len): (&[u8], usize) = match b {
            b'<' => (b"\\u003c", 1),
            b'>' => (b"\\u003e", 1),
            b'&' => (b"\\u0026", 1),
            0xE2 if json.get(i + 1..i + 3) == Some(&[0x80, 0xA8]) => (b"\\u2028", 3),
            0xE2 if json.get(i + 1..i + 3) == Some(&[0x80, 0xA9]) => (b"\\u2029", 3),
            _ => continue,
        };
        out.extend_from_slice(&json[last..i]);
        out.extend_from_slice(escape);
        last = i + len;
    }
    out.extend_from_slice(&json[last..]);
    out
}

/// The absolute URL of the publisher's logo, if it has one.
fn logo_url(env: &Env<'_>) -> Option<String> {
    env.config.publisher.logo.as_deref().map(|l| absolute(env, l))
}

/// The publishing organisation, with the absolute URL of its logo (`logo_url`).
fn publisher<'a>(env: &'a Env<'_>, logo: Option<&'a str>) -> Organization<'a> {
    let config = env.config;
    Organization {
        kind: "Organization",
        logo: logo.map(|url| Typed {
            id: None,
            kind: "ImageObject",
            name: None,
            url: Some(url),
        }),
        name: &config.publisher.name,
        url: config.base_url.as_str(),
    }
}

fn person<'a>(env: &Env<'_>, author: &'a Author) -> Person<'a> {
    Person {
        kind: "Person",
        image: None,
        name: &author.name,
        same_as: Vec::new(),
        url: env.url(&author.path),
    }
}

/// `BreadcrumbList` of a trail that ends at the current page.
fn breadcrumbs<'a>(trail: &'a [Trail<'_>]) -> BreadcrumbList<'a> {
    BreadcrumbList {
        kind: "BreadcrumbList",
        items: trail
            .iter()
            .enumerate()
            .map(|(i, t)| ListItem {
                kind: "ListItem",
                item: &t.url,
                name: t.name,
                position: i + 1,
            })
            .collect(),
    }
}

/// An article page: `NewsArticle` and its breadcrumbs.
pub fn news_article(env: &Env<'_>, article: &Article, trail: &[Trail<'_>]) -> String {
    let archive = env.archive;
    let url = env.url(&article.path);
    let logo = logo_url(env);
    let news = NewsArticle {
        kind: "NewsArticle",
        section: article.section.map(|s| archive.sections[s as usize].name.as_str()),
        author: article
            .authors
            .iter()
            .map(|&a| person(env, archive.author(a)))
            .collect(),
        modified: crate::render::rfc3339(&article.last_change().at),
        published: crate::render::rfc3339(&article.date.at),
        description: &article.summary,
        headline: &article.title,
        image: logo.clone().map(|l| [l]),
        language: &env.config.language,
        keywords: article
            .tags
            .iter()
            .map(|&t| archive.tags[t as usize].name.as_str())
            .collect(),
        main_entity: Typed {
            id: Some(&url),
            kind: "WebPage",
            name: None,
            url: None,
        },
        publisher: publisher(env, logo.as_deref()),
        url: &url,
    };
    script_safe(news, trail)
}

/// A listing page (archive, tag, section, home): `CollectionPage` and its breadcrumbs.
pub fn collection_page(env: &Env<'_>, name: &str, url: &str, trail: &[Trail<'_>]) -> String {
    let config = env.config;
    let logo = logo_url(env);
    let page = CollectionPage {
        kind: "CollectionPage",
        language: &config.language,
        part_of: Typed {
            id: None,
            kind: "WebSite",
            name: Some(&config.title),
            url: Some(config.base_url.as_str()),
        },
        name,
        publisher: publisher(env, logo.as_deref()),
        url,
    };
    script_safe(page, trail)
}

/// An author's page: `ProfilePage` about a `Person`, and its breadcrumbs.
pub fn profile_page(env: &Env<'_>, author: &Author, trail: &[Trail<'_>]) -> String {
    let mut who = person(env, author);
    who.image = author.photo.as_deref().map(|p| absolute(env, p));
    who.same_as = author
        .links
        .iter()
        .map(|l| l.url.as_str())
        .filter(|u| u.starts_with("http"))
        .collect();
    let page = ProfilePage {
        kind: "ProfilePage",
        language: &env.config.language,
        main_entity: who,
        url: env.url(&author.path),
    };
    script_safe(page, trail)
}

/// An absolute URL for a site path or a URL.
pub fn absolute(env: &Env<'_>, target: &str) -> String {
    if target.contains("://") {
        target.to_string()
    } else if let Some(rest) = target.strip_prefix("//") {
        format!("https://{rest}")
    } else {
        env.url(target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_can_close_the_script() {
        let text = "</script><script>alert(1)</script> & \u{2028} \u{2029} – ok";
        let trail = [Trail {
            name: text,
            url: "https://e.org/?a=1&b=<2>".to_string(),
        }];
        let s = script_safe(serde_json::json!({ "headline": text }), &trail);
        assert!(!s.contains(['<', '>', '&', '\u{2028}', '\u{2029}']), "{s}");
        assert!(s.contains("\\u003c/script\\u003e") && s.contains("– ok"), "{s}");
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["@graph"][0]["headline"], text, "still the same JSON");
        assert_eq!(back["@graph"][1]["itemListElement"][0]["name"], text);
        assert_eq!(
            back["@graph"][1]["itemListElement"][0]["item"],
            "https://e.org/?a=1&b=<2>"
        );
    }

    /// Keys come out sorted, as a JSON object writes them, whatever is left out.
    #[test]
    fn nodes_write_their_keys_in_order() {
        let texts = [
            "---\ntitle: A\ndate: 2025-01-02\nauthors: [Ann]\ntags: [X, Y]\nsection: News\nsummary: S\n---\n\nBody\n"
                .to_string(),
        ];
        let (mut config, archive, _) = crate::testing::site_of(&texts);
        config.publisher.logo = Some("/logo.png".to_string());
        let env = Env {
            config: &config,
            archive: &archive,
            locale: crate::render::Locale::for_language("en"),
            shared: Default::default(),
        };
        let trail = [Trail {
            name: "Home",
            url: "https://e.org/".to_string(),
        }];
        let article = archive.article(0);
        let logo = "\"logo\":{\"@type\":\"ImageObject\",\"url\":\"https://e.org/logo.png\"}";
        for (text, published) in [
            (news_article(&env, article, &trail), true),
            (collection_page(&env, "Tags", "https://e.org/tags/", &trail), true),
            (profile_page(&env, archive.author(0), &trail), false),
        ] {
            // Parsed into maps that sort their keys, then written again: the same text.
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), text);
            assert_eq!(text.contains(logo), published, "{text}");
        }
    }
}
