//! The headers an object is stored with: its `Content-Type`, the `Cache-Control` that the
//! site's `_headers` gives its path, and its `Content-Encoding` when text is stored
//! compressed. Object storage keeps these with the object and sends them with it; other
//! headers of `_headers` (the Content-Security-Policy, say) need the CDN's own rules.

use crate::config::Compression;
use crate::headers::Rules;

/// The headers of one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub content_type: &'static str,
    pub cache_control: Option<String>,
    /// `gzip` or `br` when the object is stored compressed.
    pub encoding: Option<&'static str>,
}

impl Meta {
    /// The headers of the file at `rel` in the output folder, served at `base` (the path of
    /// `base_url`) + `rel`.
    pub fn of(rel: &str, base: &str, rules: &Rules, compress: Compression) -> Meta {
        let content_type = content_type(rel);
        // A folder's index.html is asked for by the folder's URL.
        let served = rel.strip_suffix("index.html").unwrap_or(rel);
        let path = format!("{base}{served}");
        let cache_control = rules
            .for_path(&path)
            .into_iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("cache-control"))
            .map(|(_, value)| value);
        let encoding = match (compress, is_text(content_type)) {
            (Compression::Gzip, true) => Some("gzip"),
            (Compression::Br, true) => Some("br"),
            _ => None,
        };
        Meta {
            content_type,
            cache_control,
            encoding,
        }
    }

    /// A hash of the headers: the manifest keeps it, so that new headers are sent too.
    pub fn hash(&self) -> u64 {
        let text = format!(
            "{}\n{}\n{}",
            self.content_type,
            self.cache_control.as_deref().unwrap_or(""),
            self.encoding.unwrap_or("")
        );
        xxhash_rust::xxh3::xxh3_64(text.as_bytes())
    }
}

/// Whether a file of this type is worth compressing (text; not images, fonts or the search
/// index's files, which are compressed already).
fn is_text(content_type: &str) -> bool {
    content_type.starts_with("text/")
        || content_type.starts_with("application/javascript")
        || content_type.starts_with("application/json")
        || content_type.starts_with("application/manifest+json")
        || content_type.starts_with("application/xml")
        || content_type.starts_with("application/atom+xml")
        || content_type.starts_with("application/rss+xml")
        || content_type.starts_with("image/svg+xml")
        || content_type.starts_with("application/wasm")
}

/// The `Content-Type` of a file by its name, with the charset of text (dateline writes
/// UTF-8). Feeds get their own types, as `dateline serve` sends them.
pub fn content_type(rel: &str) -> &'static str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if name == "atom.xml" {
        return "application/atom+xml; charset=utf-8";
    }
    if name == "rss.xml" {
        return "application/rss+xml; charset=utf-8";
    }
    let ext = name.rsplit_once('.').map_or("", |(_, ext)| ext).to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "application/javascript; charset=utf-8",
        "json" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" | "xsl" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "wasm" => "application/wasm",
        // Pagefind's index files: compressed by Pagefind, read by its script.
        "pf_meta" | "pf_index" | "pf_fragment" | "pf_filter" => "application/octet-stream",
        // The rest by the common table (images, fonts, audio, video, PDF…).
        _ => mime_guess::from_ext(&ext)
            .first_raw()
            .unwrap_or("application/octet-stream"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADERS: &str = "/*\n  X-Content-Type-Options: nosniff\n/2*\n  Cache-Control: public, max-age=300\n/style.*.css\n  Cache-Control: public, max-age=31536000, immutable\n";

    #[test]
    fn types_and_cache_rules_follow_the_file() {
        let rules = Rules::parse(HEADERS);
        let page = Meta::of("2025/10/26/a/index.html", "/", &rules, Compression::None);
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        assert_eq!(page.cache_control.as_deref(), Some("public, max-age=300"));
        assert_eq!(page.encoding, None);
        let css = Meta::of("style.1234abcd.css", "/", &rules, Compression::Gzip);
        assert_eq!(
            css.cache_control.as_deref(),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(css.encoding, Some("gzip"));
        let png = Meta::of("logo.png", "/", &rules, Compression::Br);
        assert_eq!((png.content_type, png.encoding), ("image/png", None));
        assert_eq!(
            content_type("authors/x/atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(content_type("rss.xml"), "application/rss+xml; charset=utf-8");
        assert_eq!(
            content_type("search/index/2025/fragment/x.pf_fragment"),
            "application/octet-stream"
        );
        // Under a base_url with a path, the rules name the whole path.
        let rules = Rules::parse("/archive/2*\n  Cache-Control: no-cache\n");
        let page = Meta::of("2025/index.html", "/archive/", &rules, Compression::None);
        assert_eq!(page.cache_control.as_deref(), Some("no-cache"));
        assert_ne!(
            page.hash(),
            Meta::of("2025/index.html", "/", &rules, Compression::None).hash()
        );
    }
}
