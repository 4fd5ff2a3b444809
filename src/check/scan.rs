//! A small HTML scanner for the link check: finds the URLs a page points to and the ids
//! it defines, with their byte offsets. Comments and the text of `<script>` and `<style>`
//! are skipped; attribute values are entity-decoded.

use std::borrow::Cow;

/// A URL found in a page (borrowed from it unless it had entities to decode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundLink<'a> {
    pub url: Cow<'a, str>,
    /// Byte offset of the attribute value in the page.
    pub offset: usize,
}

/// What a page links to and which fragment targets it has.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scan<'a> {
    pub links: Vec<FoundLink<'a>>,
    pub ids: Vec<Cow<'a, str>>,
}

/// Scans a page. Nothing is copied but attribute values with entities: a site's pages
/// hold millions of tags.
pub fn scan(html: &str) -> Scan<'_> {
    let mut out = Scan::default();
    tags(html, |tag, _, attrs| collect(tag, attrs, &mut out));
    out
}

/// Calls `each` with every tag of `html` but closing ones: its name, the offset of its
/// `<`, and its attributes (values decoded, to be taken if wanted). Comments and the text
/// of `<script>`, `<style>`, `<textarea>` and `<title>` are skipped.
pub fn tags<'a>(html: &'a str, mut each: impl FnMut(&'a str, usize, &mut [Attr<'a>])) {
    let bytes = html.as_bytes();
    let mut attrs = Vec::new();
    let mut i = 0;
    while let Some(rel) = memchr::memchr(b'<', &bytes[i..]) {
        let lt = i + rel;
        let rest = &html[lt..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(html.len(), |e| lt + e + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") || rest.starts_with("</") {
            i = memchr::memchr(b'>', rest.as_bytes()).map_or(html.len(), |e| lt + e + 1);
            continue;
        }
        let name_len = rest[1..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
            .count();
        if name_len == 0 {
            i = lt + 1;
            continue;
        }
        let tag = &rest[1..=name_len];
        let end = attributes(html, lt + 1 + name_len, &mut attrs);
        each(tag, lt, &mut attrs);
        i = end;
        if let Some(close) = ["</script", "</style", "</textarea", "</title"]
            .into_iter()
            .find(|close| tag.eq_ignore_ascii_case(&close[2..]))
        {
            // Raw text: skip to the closing tag.
            i = find_ignore_case(&bytes[end..], close.as_bytes()).map_or(html.len(), |p| end + p);
        }
    }
}

/// An attribute of a tag.
pub struct Attr<'a> {
    /// As written (compare it ignoring case).
    pub name: &'a str,
    pub value: Cow<'a, str>,
    /// Where its value starts (where its name ends, if it has none).
    pub offset: usize,
}

/// Attributes from `start` (just after the tag name) to the end of the tag, into `attrs`
/// (emptied first); returns the offset after `>`.
fn attributes<'a>(html: &'a str, start: usize, attrs: &mut Vec<Attr<'a>>) -> usize {
    let bytes = html.as_bytes();
    attrs.clear();
    let mut i = start;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return bytes.len();
        }
        if bytes[i] == b'>' {
            return i + 1;
        }
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = &html[name_start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let (value_start, value_end, next) = match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let close = memchr::memchr(q, &bytes[i + 1..]).map_or(bytes.len(), |e| i + 1 + e);
                    (i + 1, close, (close + 1).min(bytes.len()))
                }
                _ => {
                    let mut e = i;
                    while e < bytes.len() && !bytes[e].is_ascii_whitespace() && bytes[e] != b'>' {
                        e += 1;
                    }
                    (i, e, e)
                }
            };
            attrs.push(Attr {
                name,
                value: decode_entities(&html[value_start..value_end]),
                offset: value_start,
            });
            i = next;
        } else if !name.is_empty() {
            attrs.push(Attr {
                name,
                value: Cow::Borrowed(""),
                offset: i,
            });
        } else {
            i += 1;
        }
    }
}

fn collect<'a>(tag: &str, attrs: &mut [Attr<'a>], out: &mut Scan<'a>) {
    let is = |a: &Attr<'_>, name: &str| a.name.eq_ignore_ascii_case(name);
    let tag_is = |name: &str| tag.eq_ignore_ascii_case(name);
    for attr in attrs.iter_mut() {
        if is(attr, "id") || (is(attr, "name") && tag_is("a")) {
            out.ids.push(std::mem::take(&mut attr.value));
        } else if (is(attr, "href") && !tag_is("base")) || is(attr, "src") || is(attr, "poster") {
            out.links.push(FoundLink {
                url: std::mem::take(&mut attr.value),
                offset: attr.offset,
            });
        } else if is(attr, "srcset") {
            let offset = attr.offset;
            let link = |url| FoundLink { url, offset };
            match std::mem::take(&mut attr.value) {
                Cow::Borrowed(text) => out.links.extend(srcset_urls(text).map(|u| link(Cow::Borrowed(u)))),
                Cow::Owned(text) => out
                    .links
                    .extend(srcset_urls(&text).map(|u| link(Cow::Owned(u.to_string())))),
            }
        }
    }
    // <meta http-equiv="refresh" content="0; url=/new/">
    if tag_is("meta")
        && attrs
            .iter()
            .any(|a| is(a, "http-equiv") && a.value.eq_ignore_ascii_case("refresh"))
        && let Some(content) = attrs.iter().find(|a| is(a, "content"))
        && let Some(pos) = content.value.to_ascii_lowercase().find("url=")
    {
        let url = match &content.value {
            Cow::Borrowed(text) => Cow::Borrowed(text[pos + 4..].trim()),
            Cow::Owned(text) => Cow::Owned(text[pos + 4..].trim().to_string()),
        };
        out.links.push(FoundLink {
            url,
            offset: content.offset,
        });
    }
}

/// The URLs of a `srcset` (each candidate's first word).
fn srcset_urls(srcset: &str) -> impl Iterator<Item = &str> {
    srcset.split(',').filter_map(|c| c.split_whitespace().next())
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// `&amp;` `&lt;` `&gt;` `&quot;` `&#39;` and numeric references.
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    if memchr::memchr(b'&', text.as_bytes()).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let semi = tail.find(';').filter(|&s| s <= 10);
        let decoded = semi.and_then(|s| {
            let name = &tail[1..s];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                n if n.starts_with("#x") || n.starts_with("#X") => {
                    u32::from_str_radix(&n[2..], 16).ok().and_then(char::from_u32)
                }
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, s))
        });
        match decoded {
            Some((c, s)) => {
                out.push(c);
                rest = &tail[s + 1..];
            }
            None => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_links_and_ids() {
        let html = r#"<!doctype html><html><head><link rel="stylesheet" href="/s.css?v=1">
<!-- <a href="/commented-out/"> -->
<script>var x = "<a href='/in-script/'>";</script>
<meta http-equiv="refresh" content="0; url=/moved/">
</head><body><h2 id="top">T</h2><a name=legacy></a>
<a href="/a/?x=1&amp;y=2#top">a</a> <img src='/i.png' srcset="/i-1x.png 1x, /i-2x.png 2x" alt="">
<A HREF=/upper/>u</A></body></html>"#;
        let s = scan(html);
        let urls: Vec<&str> = s.links.iter().map(|l| l.url.as_ref()).collect();
        assert_eq!(
            urls,
            [
                "/s.css?v=1",
                "/moved/",
                "/a/?x=1&y=2#top",
                "/i.png",
                "/i-1x.png",
                "/i-2x.png",
                "/upper/"
            ]
        );
        assert_eq!(s.ids, ["top", "legacy"]);
        assert_eq!(&html[s.links[3].offset..s.links[3].offset + 6], "/i.png");
    }

    #[test]
    fn tags_have_their_offsets_and_attributes() {
        let html = "<p>x</p><!-- <img> --><IMG src=\"/a.png\" alt><img src=/b.png>";
        let mut seen = Vec::new();
        tags(html, |tag, at, attrs| {
            let names: Vec<&str> = attrs.iter().map(|a| a.name).collect();
            seen.push((tag.to_string(), at, names.join(" ")));
        });
        assert_eq!(
            seen,
            [
                ("p".to_string(), 0, String::new()),
                ("IMG".to_string(), 22, "src alt".to_string()),
                ("img".to_string(), 44, "src".to_string()),
            ]
        );
    }

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a&amp;b &lt;c&gt; &#39;d&#x27; &nope; &"),
            "a&b <c> 'd' &nope; &"
        );
    }
}
