//! Escaping of user text for HTML, XML and inline JSON.

/// Appends `text` to `out` with `& < > " '` escaped, safe in element content and attributes.
pub fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(entity);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

/// The allow-list of HTML a newsroom's bodies keep when they are cleaned: ammonia's
/// defaults (text markup, links, images, lists, tables, quotes, figures; no `<script>`,
/// `<style>`, `on*=` handlers or `javascript:` URLs) plus the embeds news articles carry
/// (`<iframe>`, `<video>`, `<audio>`), `id` and `class`. Links keep what they said: no `rel`
/// is added. Shared by `dateline import` (`import/body.rs`) and `[content] sanitize`, so
/// that an imported body and a cleaned one keep the same HTML.
pub fn sanitizer() -> ammonia::Builder<'static> {
    let mut sanitizer = ammonia::Builder::default();
    sanitizer
        .add_tags(["iframe", "video", "audio", "source", "track", "picture"])
        .add_tag_attributes(
            "iframe",
            ["src", "width", "height", "title", "allow", "allowfullscreen", "loading"],
        )
        .add_tag_attributes("video", ["src", "controls", "poster", "width", "height", "preload"])
        .add_tag_attributes("audio", ["src", "controls", "preload"])
        .add_tag_attributes("source", ["src", "srcset", "type", "media", "sizes"])
        .add_tag_attributes("track", ["src", "kind", "srclang", "label"])
        .add_tag_attributes("img", ["srcset", "sizes", "loading"])
        .add_tag_attributes("a", ["title"])
        .add_generic_attributes(["id", "class"])
        .link_rel(None);
    sanitizer
}

/// `text` with `& < > " '` escaped.
#[cfg(test)]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_into(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            super::escape(r#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"
        );
        assert_eq!(super::escape("“curly” ’quotes’"), "“curly” ’quotes’");
    }
}
