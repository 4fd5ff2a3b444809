//! A small HTML scanner for the link check: finds the URLs a page points to and the ids
//! it defines, with their byte offsets. Comments and the text of `<script>` and `<style>`
//! are skipped; attribute values are entity-decoded.

/// A URL found in a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundLink {
    pub url: String,
    /// Byte offset of the attribute value in the page.
    pub offset: usize,
}

/// What a page links to and which fragment targets it has.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scan {
    pub links: Vec<FoundLink>,
    pub ids: Vec<String>,
}

/// Scans a page.
pub fn scan(html: &str) -> Scan {
    let bytes = html.as_bytes();
    let mut out = Scan::default();
    let mut i = 0;
    while let Some(rel) = html[i..].find('<') {
        let lt = i + rel;
        let rest = &html[lt..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(html.len(), |e| lt + e + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") || rest.starts_with("</") {
            i = rest.find('>').map_or(html.len(), |e| lt + e + 1);
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
        let tag = rest[1..=name_len].to_ascii_lowercase();
        let (attrs, end) = attributes(html, lt + 1 + name_len);
        collect(&tag, &attrs, &mut out);
        i = end;
        if matches!(tag.as_str(), "script" | "style" | "textarea" | "title") {
            // Raw text: skip to the closing tag.
            let close = format!("</{tag}");
            i = find_ignore_case(&bytes[end..], close.as_bytes()).map_or(html.len(), |p| end + p);
        }
    }
    out
}

struct Attr {
    name: String,
    value: String,
    offset: usize,
}

/// Attributes from `start` (just after the tag name) to the end of the tag; returns them
/// and the offset after `>`.
fn attributes(html: &str, start: usize) -> (Vec<Attr>, usize) {
    let bytes = html.as_bytes();
    let mut attrs = Vec::new();
    let mut i = start;
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return (attrs, bytes.len());
        }
        if bytes[i] == b'>' {
            return (attrs, i + 1);
        }
        let name_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = html[name_start..i].to_ascii_lowercase();
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
                    let close = html[i + 1..].find(q as char).map_or(bytes.len(), |e| i + 1 + e);
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
                value: String::new(),
                offset: i,
            });
        } else {
            i += 1;
        }
    }
}

fn collect(tag: &str, attrs: &[Attr], out: &mut Scan) {
    let get = |name: &str| attrs.iter().find(|a| a.name == name);
    for attr in attrs {
        match attr.name.as_str() {
            "id" => out.ids.push(attr.value.clone()),
            "name" if tag == "a" => out.ids.push(attr.value.clone()),
            "href" if tag != "base" => out.links.push(FoundLink {
                url: attr.value.clone(),
                offset: attr.offset,
            }),
            "src" | "poster" => out.links.push(FoundLink {
                url: attr.value.clone(),
                offset: attr.offset,
            }),
            "srcset" => {
                for candidate in attr.value.split(',') {
                    if let Some(url) = candidate.split_whitespace().next() {
                        out.links.push(FoundLink {
                            url: url.to_string(),
                            offset: attr.offset,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    // <meta http-equiv="refresh" content="0; url=/new/">
    if tag == "meta"
        && get("http-equiv").is_some_and(|a| a.value.eq_ignore_ascii_case("refresh"))
        && let Some(content) = get("content")
        && let Some(pos) = content.value.to_ascii_lowercase().find("url=")
    {
        out.links.push(FoundLink {
            url: content.value[pos + 4..].trim().to_string(),
            offset: content.offset,
        });
    }
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// `&amp;` `&lt;` `&gt;` `&quot;` `&#39;` and numeric references.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
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
    out
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
        let urls: Vec<&str> = s.links.iter().map(|l| l.url.as_str()).collect();
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
    fn entities() {
        assert_eq!(
            decode_entities("a&amp;b &lt;c&gt; &#39;d&#x27; &nope; &"),
            "a&b <c> 'd' &nope; &"
        );
    }
}
