//! Imported bodies: HTML cleaned of scripts, then turned into Markdown where Markdown can
//! say it.
//!
//! **Scripts never reach a page.** A Markdown body may hold raw HTML, which dateline
//! renders as it is, so an import is the one place to stop a script. Every HTML body goes
//! through ammonia (an allow-list sanitizer on html5ever, the field's choice), which drops
//! `<script>` and `<style>` with their content, every `on*=` handler, and URLs other than
//! `http`, `https`, `mailto`, `tel` and relative ones (so `javascript:`). It keeps what
//! news articles hold: text markup, links, images, lists, tables, quotes, figures with
//! captions, and embeds as `<iframe>`, `<video>` and `<audio>`. The source is scanned for
//! what ammonia will remove, so that the import names each item it happened to.
//!
//! **Converted where it converts cleanly.** The cleaned HTML is converted by htmd in its
//! *faithful* mode: an element becomes Markdown only when Markdown says all of it (a
//! paragraph, emphasis, a link with its title, an image with its alt text, a list, a
//! simple table), and stays HTML when it does not: an element with attributes Markdown has
//! no place for (a `class`, an image's `width`), a table whose cells hold blocks, and any
//! element Markdown has no syntax for (`<figure>`, `<iframe>`, `<video>`, `<sup>`). htmd
//! writes such HTML without blank lines inside, so that CommonMark reads it as one HTML
//! block. Nothing is lost, and what Markdown can say is easy to edit.
//!
//! **Paragraphs by blank lines.** WordPress's classic editor stores paragraphs as text
//! separated by blank lines and adds `<p>` when it shows them ("autop"). A WordPress body
//! without `<p>` and without block-editor comments (`<!-- wp:`) gets the same treatment
//! here before it is converted.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// A body converted, and what cleaning removed from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Converted {
    pub markdown: String,
    /// What was removed, for the item's warning: `<script>`, `event handlers (on…=)`,
    /// `javascript: URLs`.
    pub removed: BTreeSet<&'static str>,
}

/// Block elements that only group others.
const WRAPPERS: [&str; 6] = ["div", "section", "article", "main", "header", "footer"];

const SCRIPT: &str = "<script>";
const HANDLERS: &str = "event handlers (on…=)";
const SCRIPT_URLS: &str = "javascript: URLs";

/// The cleaning and conversion of bodies, shared by the threads of an import.
pub struct Cleaner {
    sanitizer: ammonia::Builder<'static>,
    images: Option<Arc<Images>>,
}

thread_local! {
    /// htmd's converter is not shared between threads: one each.
    static CONVERTER: htmd::HtmlToMarkdown = htmd::HtmlToMarkdown::builder()
        .options(htmd::options::Options {
            translation_mode: htmd::options::TranslationMode::Faithful,
            bullet_list_marker: htmd::options::BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            hr_style: htmd::options::HrStyle::Dashes,
            ..Default::default()
        })
        // A wrapper without attributes says nothing Markdown cannot: its content is
        // converted as if it were not there (htmd keeps any element it has no handler
        // for as HTML, so a body wrapped in one `<div>` would stay HTML whole).
        .add_handler(WRAPPERS.to_vec(), |handlers: &dyn htmd::element_handler::Handlers, element: htmd::Element| {
            if !element.attrs.is_empty() {
                return handlers.fallback(element);
            }
            let inner = handlers.walk_children(element.node);
            Some(htmd::element_handler::HandlerResult {
                content: format!("\n\n{}\n\n", inner.content.trim_matches('\n')),
                markdown_translated: inner.markdown_translated,
            })
        })
        .build();
}

impl Cleaner {
    /// A cleaner; with `images`, the `src` of each image found in that folder is rewritten
    /// to the copy the import makes of it.
    pub fn new(images: Option<Images>) -> Cleaner {
        let images = images.map(Arc::new);
        // Links keep what they said (no rel added, which would keep them HTML).
        let mut sanitizer = crate::html::sanitizer();
        if let Some(images) = &images {
            let images = Arc::clone(images);
            sanitizer.attribute_filter(move |element, attribute, value| {
                if element == "img"
                    && attribute == "src"
                    && let Some(link) = images.link(value)
                {
                    return Some(Cow::Owned(link));
                }
                Some(Cow::Borrowed(value))
            });
        }
        Cleaner { sanitizer, images }
    }

    /// The images found and to be copied, if the import copies images.
    pub fn images(&self) -> Option<&Images> {
        self.images.as_deref()
    }

    /// An HTML body as Markdown (with HTML where Markdown cannot say it), cleaned.
    pub fn html_to_markdown(&self, html: &str, autop: bool) -> Converted {
        let removed = dangers(html);
        let html = if autop { paragraphs(html) } else { Cow::Borrowed(html) };
        let clean = self.sanitizer.clean(&html).to_string();
        let markdown = CONVERTER.with(|c| c.convert(&clean)).unwrap_or(clean);
        Converted { markdown, removed }
    }

    /// A Markdown body with its raw HTML cleaned, and links to scripts made text.
    pub fn clean_markdown(&self, text: &str) -> Converted {
        let lower = text.to_ascii_lowercase();
        if !lower.contains('<') && !has_script_url(&lower) {
            return Converted {
                markdown: text.to_string(),
                removed: BTreeSet::new(),
            };
        }
        let mut removed = BTreeSet::new();
        // Edits to make, in order: a range of `text` and what replaces it.
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        let mut script_from: Option<usize> = None;
        let mut link: Option<(Range<usize>, String)> = None;
        let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH;
        for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
            if let Some(start) = script_from {
                if let Event::InlineHtml(h) = &event
                    && h.trim_start().to_ascii_lowercase().starts_with("</script")
                {
                    edits.push((start..range.end, String::new()));
                    script_from = None;
                }
                continue;
            }
            match event {
                Event::Start(Tag::HtmlBlock) => {
                    let block = &text[range.clone()];
                    let found = dangers(block);
                    if !found.is_empty() {
                        removed.extend(found);
                        let cleaned = self.sanitizer.clean(block).to_string();
                        edits.push((range, format!("{}\n", cleaned.trim_end())));
                    }
                }
                Event::InlineHtml(h) => {
                    let lower = h.to_ascii_lowercase();
                    if lower.starts_with("<script") {
                        removed.insert(SCRIPT);
                        script_from = Some(range.start);
                    } else {
                        let found = dangers(&h);
                        if !found.is_empty() {
                            removed.extend(found);
                            edits.push((range, self.sanitizer.clean(&h).to_string()));
                        }
                    }
                }
                Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                    if has_script_url(&dest_url.to_ascii_lowercase()) && link.is_none() =>
                {
                    removed.insert(SCRIPT_URLS);
                    link = Some((range, String::new()));
                }
                Event::Text(t) | Event::Code(t) if link.is_some() => {
                    if let Some((_, words)) = &mut link {
                        words.push_str(&t);
                    }
                }
                Event::End(TagEnd::Link | TagEnd::Image) if link.is_some() => {
                    if let Some((range, words)) = link.take() {
                        edits.push((range, words));
                    }
                }
                _ => {}
            }
        }
        if let Some(start) = script_from {
            edits.push((start..text.len(), String::new()));
        }
        edits.sort_by_key(|(r, _)| r.start);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (range, with) in edits {
            if range.start < at {
                continue;
            }
            out.push_str(&text[at..range.start]);
            out.push_str(&with);
            at = range.end;
        }
        out.push_str(&text[at..]);
        Converted { markdown: out, removed }
    }
}

/// What cleaning will remove from `html`: a `<script>`, an `on…=` handler in a tag, a
/// `javascript:` or `vbscript:` URL in a tag.
fn dangers(html: &str) -> BTreeSet<&'static str> {
    let mut found = BTreeSet::new();
    let lower = html.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut i = 0;
    while let Some(open) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + open;
        let end = memchr::memchr(b'>', &bytes[start..]).map_or(bytes.len(), |e| start + e);
        let tag = &lower[start..end];
        if tag.starts_with("<script") {
            found.insert(SCRIPT);
        }
        if has_script_url(tag) {
            found.insert(SCRIPT_URLS);
        }
        if has_handler(tag) {
            found.insert(HANDLERS);
        }
        i = end;
        if i >= bytes.len() {
            break;
        }
    }
    found
}

/// A `javascript:` or `vbscript:` URL (in lowercase text), spaces allowed before the colon
/// as browsers allow them.
fn has_script_url(lower: &str) -> bool {
    ["javascript", "vbscript"].iter().any(|scheme| {
        lower
            .match_indices(scheme)
            .any(|(at, _)| lower[at + scheme.len()..].trim_start().starts_with(':'))
    })
}

/// An `on…=` attribute in a tag (lowercase): `on` after a space, a quote or a slash, then
/// letters, then `=`.
fn has_handler(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    tag.match_indices("on").any(|(at, _)| {
        at > 0 && matches!(bytes[at - 1], b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'"' | b'\'') && {
            let rest = &tag[at + 2..];
            let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
            letters > 0 && rest[letters..].trim_start().starts_with('=')
        }
    })
}

/// WordPress's "autop", as much as an archive needs: a body without `<p>` and without
/// block-editor comments has its paragraphs separated by blank lines, and its line breaks
/// inside a paragraph are `<br>`. A part that starts with a block element is left as it is.
fn paragraphs(html: &str) -> Cow<'_, str> {
    let lower = html.to_ascii_lowercase();
    if lower.contains("<p>") || lower.contains("<p ") || lower.contains("<!-- wp:") || !html.contains("\n\n") {
        return Cow::Borrowed(html);
    }
    const BLOCKS: [&str; 38] = [
        "table",
        "thead",
        "tfoot",
        "caption",
        "col",
        "tbody",
        "tr",
        "td",
        "th",
        "div",
        "dl",
        "dd",
        "dt",
        "ul",
        "ol",
        "li",
        "pre",
        "form",
        "blockquote",
        "address",
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "nav",
        "figure",
        "iframe",
        "video",
        "audio",
    ];
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    for part in html.replace("\r\n", "\n").split("\n\n") {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let starts_block = part.strip_prefix('<').is_some_and(|rest| {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            BLOCKS.contains(&name.as_str()) || rest.starts_with("!--")
        });
        if starts_block {
            out.push_str(part);
        } else {
            out.push_str("<p>");
            out.push_str(&part.replace('\n', "<br>"));
            out.push_str("</p>");
        }
        out.push('\n');
    }
    Cow::Owned(out)
}

/// The text of an HTML fragment (a summary, a title): tags removed, entities decoded,
/// whitespace collapsed.
pub fn html_text(html: &str) -> String {
    let text = if html.contains(['<', '&']) {
        let mut builder = ammonia::Builder::empty();
        builder.clean_content_tags(["script", "style"].into_iter().collect());
        // html5ever's serializer escapes these four alone in text.
        builder
            .clean(html)
            .to_string()
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&nbsp;", "\u{a0}")
            .replace("&amp;", "&")
    } else {
        html.to_string()
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The images an import copies from a folder (`--images DIR`): an image whose URL's path
/// ends in a path of a file in DIR (`https://old.example/wp-content/uploads/2019/05/a.jpg`
/// and `DIR/2019/05/a.jpg`) is copied to `content/images/2019/05/a.jpg`, and linked there.
pub struct Images {
    dir: PathBuf,
    /// base_url's path, which links start with.
    base: String,
    /// Each URL looked up: the file found and the site-relative path of its copy.
    found: Mutex<HashMap<String, Option<(PathBuf, String)>>>,
}

impl Images {
    pub fn new(dir: PathBuf, base: &str) -> Images {
        Images {
            dir,
            base: base.to_string(),
            found: Mutex::new(HashMap::new()),
        }
    }

    /// The link to the copy of the image at `url`, if the folder has it.
    fn link(&self, url: &str) -> Option<String> {
        let mut found = self.found.lock().unwrap_or_else(|e| e.into_inner());
        let hit = found.entry(url.to_string()).or_insert_with(|| self.look_up(url));
        hit.as_ref()
            .map(|(_, rel)| format!("{}{}", self.base, rel.trim_start_matches("content/")))
    }

    fn look_up(&self, url: &str) -> Option<(PathBuf, String)> {
        let path = url
            .split_once("://")
            .map_or(url, |(_, rest)| rest.find('/').map_or("", |i| &rest[i..]));
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let path = percent_encoding::percent_decode_str(path).decode_utf8().ok()?;
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        if parts.iter().any(|p| *p == "." || *p == ".." || p.starts_with('.')) {
            return None;
        }
        (0..parts.len()).find_map(|i| {
            let rel = parts[i..].join("/");
            let file = self.dir.join(&rel);
            file.is_file().then(|| (file, format!("content/images/{rel}")))
        })
    }

    /// Each image found: the file, and the site-relative path of its copy, sorted.
    pub fn found(&self) -> Vec<(PathBuf, String)> {
        let found = self.found.lock().unwrap_or_else(|e| e.into_inner());
        let mut copies: Vec<(PathBuf, String)> = found.values().flatten().cloned().collect();
        copies.sort_by(|a, b| a.1.cmp(&b.1));
        copies.dedup_by(|a, b| a.1 == b.1);
        copies
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(html: &str) -> Converted {
        Cleaner::new(None).html_to_markdown(html, false)
    }

    #[test]
    fn what_markdown_says_becomes_markdown() {
        let c = md(
            "<p>A <strong>bold</strong> and <em>quiet</em> <a href=\"https://example.org/x\">link</a>.</p>\
             <h2>Then</h2><ul><li>one</li><li>two</li></ul><blockquote><p>Said.</p></blockquote>\
             <p><img src=\"/img/a.jpg\" alt=\"A picture\"></p>",
        );
        assert_eq!(
            c.markdown,
            "A **bold** and *quiet* [link](https://example.org/x).\n\n## Then\n\n- one\n- two\n\n> Said.\n\n![A picture](/img/a.jpg)"
        );
        assert!(c.removed.is_empty());
    }

    #[test]
    fn what_markdown_cannot_say_stays_html_in_one_block() {
        let c = md(
            "<p>Before.</p><figure><img src=\"/a.jpg\" alt=\"A\"><figcaption>The caption</figcaption></figure>\
             <p>Between.</p><iframe src=\"https://www.youtube.com/embed/x\" width=\"560\" height=\"315\"></iframe><p>After.</p>",
        );
        assert!(
            c.markdown
                .contains("<figure><img src=\"/a.jpg\" alt=\"A\"><figcaption>The caption</figcaption></figure>"),
            "{}",
            c.markdown
        );
        assert!(
            c.markdown
                .contains("<iframe src=\"https://www.youtube.com/embed/x\" width=\"560\" height=\"315\"></iframe>"),
            "{}",
            c.markdown
        );
        assert!(c.markdown.starts_with("Before.\n\n"), "{}", c.markdown);
        // A wrapper without attributes is no reason to keep its content HTML.
        assert_eq!(
            md("<div><p>One <em>two</em>.</p><div><p>Three.</p></div></div>").markdown,
            "One *two*.\n\nThree."
        );
        assert_eq!(
            md("<div class=\"box\"><p>Kept.</p></div>").markdown,
            "<div class=\"box\"><p>Kept.</p></div>"
        );
        // Rendered, the HTML is there as it was.
        let html = crate::parse::markdown::render(&c.markdown);
        assert!(html.contains("<figcaption>The caption</figcaption>"), "{html}");
        assert!(html.contains("<p>After.</p>"), "{html}");
    }

    #[test]
    fn scripts_handlers_and_script_urls_are_removed_and_named() {
        let c = md(
            "<p onclick=\"steal()\">Hi <a href=\"javascript:alert(1)\">there</a></p>\
             <script>alert('x')</script><img src=x onerror=alert(1)>",
        );
        assert_eq!(
            c.removed.into_iter().collect::<Vec<_>>(),
            [SCRIPT, HANDLERS, SCRIPT_URLS]
        );
        let lower = c.markdown.to_ascii_lowercase();
        for bad in ["script", "onclick", "onerror", "javascript", "alert"] {
            assert!(!lower.contains(bad), "{bad} in {}", c.markdown);
        }
        assert!(c.markdown.contains("Hi"), "{}", c.markdown);
    }

    #[test]
    fn prose_about_scripts_is_not_a_script() {
        let c = md("<p>The word onion = layered; javascript: a language.</p>");
        assert!(c.removed.is_empty(), "{:?}", c.removed);
    }

    #[test]
    fn markdown_bodies_lose_their_scripts_and_keep_the_rest() {
        let cleaner = Cleaner::new(None);
        let text = "Intro with <span onclick=\"x()\">a span</span>.\n\n<script>\nalert(1)\n</script>\n\n\
                    Inline <script>alert(2)</script> gone. [Click](javascript:alert(3)) and [ok](/fine/).\n\n\
                    <div class=\"box\">Kept</div>\n";
        let c = cleaner.clean_markdown(text);
        assert_eq!(
            c.removed.iter().copied().collect::<Vec<_>>(),
            [SCRIPT, HANDLERS, SCRIPT_URLS]
        );
        let html = crate::parse::markdown::render(&c.markdown);
        let lower = html.to_ascii_lowercase();
        for bad in ["<script", "onclick", "javascript", "alert"] {
            assert!(!lower.contains(bad), "{bad} in {html}");
        }
        for kept in [
            "a span",
            "Click",
            "<a href=\"/fine/\">ok</a>",
            "<div class=\"box\">Kept</div>",
        ] {
            assert!(html.contains(kept), "{kept} in {html}");
        }
        let plain = "Just *Markdown*, [a link](https://example.org/).\n";
        assert_eq!(cleaner.clean_markdown(plain).markdown, plain);
    }

    #[test]
    fn wordpress_paragraphs_by_blank_lines() {
        let c = Cleaner::new(None).html_to_markdown(
            "First line\nsecond line.\n\nSecond <em>para</em>.\n\n<ul><li>x</li></ul>",
            true,
        );
        assert_eq!(c.markdown, "First line  \nsecond line.\n\nSecond *para*.\n\n- x");
        // With <p> already, nothing is added.
        assert_eq!(paragraphs("<p>a</p>\n\nb"), "<p>a</p>\n\nb");
    }

    #[test]
    fn text_of_html() {
        assert_eq!(html_text("<p>A &amp; B</p>\n<p>1 &lt; 2</p>"), "A & B 1 < 2");
        assert_eq!(html_text("Rock &#8217;n&#8217; roll"), "Rock ’n’ roll");
        assert_eq!(html_text("  plain   text "), "plain text");
    }

    #[test]
    fn images_found_in_the_folder_are_linked_to_their_copies() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("2019/05")).unwrap();
        std::fs::write(dir.path().join("2019/05/a.jpg"), b"jpg").unwrap();
        let cleaner = Cleaner::new(Some(Images::new(dir.path().to_path_buf(), "/archive/")));
        let c = cleaner.html_to_markdown(
            "<p><img src=\"https://old.example/wp-content/uploads/2019/05/a.jpg\" alt=\"A\">\
             <img src=\"https://elsewhere.example/b.jpg\" alt=\"B\"></p>",
            false,
        );
        assert!(
            c.markdown.contains("![A](/archive/images/2019/05/a.jpg)"),
            "{}",
            c.markdown
        );
        assert!(
            c.markdown.contains("![B](https://elsewhere.example/b.jpg)"),
            "{}",
            c.markdown
        );
        let found = cleaner.images().unwrap().found();
        assert_eq!(
            found,
            [(
                dir.path().join("2019/05/a.jpg"),
                "content/images/2019/05/a.jpg".to_string()
            )]
        );
    }
}
