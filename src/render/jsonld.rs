//! Structured data (schema.org JSON-LD) for search engines, escaped so that no text can
//! end the `<script>` element it sits in.
//!
//! Page fingerprints do not build structured data: everything used here must also be in
//! the page's view or in the globals (`site`), so that a change to it changes the page's
//! fingerprint.

use serde_json::{Value, json};

use super::views::Env;
use crate::model::{Article, Author};

/// A breadcrumb trail entry: name and absolute URL.
pub struct Trail<'a> {
    pub name: &'a str,
    pub url: String,
}

/// JSON text that is safe inside `<script type="application/ld+json">`: `<`, `>` and `&`
/// are written as `\u` escapes (so `</script>` cannot appear), as are U+2028 and U+2029.
pub fn script_safe(value: &Value) -> String {
    let text = value.to_string();
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 16);
    let mut last = 0;
    // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8.
    for (i, &b) in bytes.iter().enumerate() {
        let (escape, len) = match b {
            b'<' => ("\\u003c", 1),
            b'>' => ("\\u003e", 1),
            b'&' => ("\\u0026", 1),
            0xE2 if bytes.get(i + 1..i + 3) == Some(&[0x80, 0xA8]) => ("\\u2028", 3),
            0xE2 if bytes.get(i + 1..i + 3) == Some(&[0x80, 0xA9]) => ("\\u2029", 3),
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(escape);
        last = i + len;
    }
    out.push_str(&text[last..]);
    out
}

/// The publishing organisation.
pub fn publisher(env: &Env<'_>) -> Value {
    let config = env.config;
    let mut org = json!({
        "@type": "Organization",
        "name": config.publisher.name,
        "url": config.base_url.as_str(),
    });
    if let Some(logo) = &config.publisher.logo {
        org["logo"] = json!({ "@type": "ImageObject", "url": absolute(env, logo) });
    }
    org
}

fn person(env: &Env<'_>, author: &Author) -> Value {
    json!({ "@type": "Person", "name": author.name, "url": env.url(&author.path) })
}

/// `BreadcrumbList` of a trail that ends at the current page.
pub fn breadcrumbs(trail: &[Trail<'_>]) -> Value {
    let items: Vec<Value> = trail
        .iter()
        .enumerate()
        .map(|(i, t)| json!({ "@type": "ListItem", "position": i + 1, "name": t.name, "item": t.url }))
        .collect();
    json!({ "@type": "BreadcrumbList", "itemListElement": items })
}

/// An article page: `NewsArticle` and its breadcrumbs.
pub fn news_article(env: &Env<'_>, article: &Article, trail: &[Trail<'_>]) -> Value {
    let archive = env.archive;
    let url = env.url(&article.path);
    let mut news = json!({
        "@type": "NewsArticle",
        "headline": article.title,
        "url": url,
        "mainEntityOfPage": { "@type": "WebPage", "@id": url },
        "datePublished": article.date.at.to_rfc3339(),
        "dateModified": article.last_change().at.to_rfc3339(),
        "author": article.authors.iter().map(|&a| person(env, archive.author(a))).collect::<Vec<_>>(),
        "publisher": publisher(env),
        "inLanguage": env.config.language,
    });
    if !article.summary.is_empty() {
        news["description"] = json!(article.summary);
    }
    if !article.tags.is_empty() {
        let keywords: Vec<&str> = article
            .tags
            .iter()
            .map(|&t| archive.tags[t as usize].name.as_str())
            .collect();
        news["keywords"] = json!(keywords);
    }
    if let Some(s) = article.section {
        news["articleSection"] = json!(archive.sections[s as usize].name);
    }
    if let Some(logo) = &env.config.publisher.logo {
        news["image"] = json!([absolute(env, logo)]);
    }
    graph(vec![news, breadcrumbs(trail)])
}

/// A listing page (archive, tag, section, home): `CollectionPage` and its breadcrumbs.
pub fn collection_page(env: &Env<'_>, name: &str, url: &str, trail: &[Trail<'_>]) -> Value {
    let page = json!({
        "@type": "CollectionPage",
        "name": name,
        "url": url,
        "inLanguage": env.config.language,
        "isPartOf": { "@type": "WebSite", "name": env.config.title, "url": env.config.base_url.as_str() },
        "publisher": publisher(env),
    });
    graph(vec![page, breadcrumbs(trail)])
}

/// An author's page: `ProfilePage` about a `Person`, and its breadcrumbs.
pub fn profile_page(env: &Env<'_>, author: &Author, trail: &[Trail<'_>]) -> Value {
    let mut who = person(env, author);
    if let Some(photo) = &author.photo {
        who["image"] = json!(absolute(env, photo));
    }
    let same_as: Vec<&str> = author
        .links
        .iter()
        .map(|l| l.url.as_str())
        .filter(|u| u.starts_with("http"))
        .collect();
    if !same_as.is_empty() {
        who["sameAs"] = json!(same_as);
    }
    let page = json!({
        "@type": "ProfilePage",
        "url": env.url(&author.path),
        "mainEntity": who,
        "inLanguage": env.config.language,
    });
    graph(vec![page, breadcrumbs(trail)])
}

fn graph(nodes: Vec<Value>) -> Value {
    json!({ "@context": "https://schema.org", "@graph": nodes })
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
        let v = json!({ "headline": "</script><script>alert(1)</script> & \u{2028}" });
        let s = script_safe(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'), "{s}");
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v, "still the same JSON");
    }
}
