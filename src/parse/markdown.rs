//! Markdown bodies: CommonMark with tables, footnotes, strikethrough and heading ids.

use std::cell::Cell;
use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::text::summarize;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders a Markdown body to HTML. Headings get an `id` from their text
/// (unique within the body) unless they set one with `{#id}`.
pub fn render(body: &str) -> String {
    let mut events: Vec<Event<'_>> = Parser::new_ext(body, options()).collect();
    assign_heading_ids(&mut events);
    let mut html = String::with_capacity(body.len() + body.len() / 4);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// The events of a Markdown body with the byte range of the body each comes from, as
/// `render` reads it.
pub fn offset_events(body: &str) -> pulldown_cmark::OffsetIter<'_, pulldown_cmark::DefaultBrokenLinkCallback> {
    Parser::new_ext(body, options()).into_offset_iter()
}

/// Where a stretch of the HTML `render_traced` made comes from in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Traced {
    /// Where the stretch starts in the HTML; it ends where the next one starts.
    pub html: usize,
    /// The range of the body of the event that wrote it.
    pub source: Range<usize>,
    /// The HTML is the body's text itself (raw HTML): an offset into the stretch is as far
    /// into `source`.
    pub verbatim: bool,
    /// For a link or an image, where its destination is written in the body (not in a
    /// reference link, whose destination is defined elsewhere).
    pub destination: Option<usize>,
}

impl Traced {
    /// The offset in the body of the byte `into` bytes into this stretch of HTML: as far
    /// into raw HTML, else where the link's destination is written, else where the event
    /// starts.
    pub fn source_offset(&self, into: usize) -> usize {
        match self.verbatim {
            true => self.source.start + into.min(self.source.len()),
            false => self.destination.unwrap_or(self.source.start),
        }
    }
}

/// `render`, and for each event, where the HTML it wrote starts (in order), so that a
/// place in the HTML can be traced back to the body (`dateline check` reports a broken
/// link of an article's body at its source). pulldown-cmark's writer writes each event as
/// it takes it, so the HTML's length when an event is taken is where that event's HTML
/// starts (an image's alt text, taken while the image is written, starts after its `src`).
pub fn render_traced(body: &str) -> (String, Vec<Traced>) {
    let (mut events, ranges): (Vec<Event<'_>>, Vec<Range<usize>>) = offset_events(body).unzip();
    assign_heading_ids(&mut events);
    let written = Cell::new(0usize);
    let mut traced = Vec::with_capacity(events.len());
    let mut html = String::with_capacity(body.len() + body.len() / 4);
    let taken = events.into_iter().zip(ranges).map(|(event, source)| {
        let destination = match &event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                destination_in(body, &source, dest_url)
            }
            _ => None,
        };
        let verbatim = match &event {
            Event::Html(text) | Event::InlineHtml(text) => body.get(source.clone()) == Some(&**text),
            _ => false,
        };
        traced.push(Traced {
            html: written.get(),
            source,
            verbatim,
            destination,
        });
        event
    });
    let counting = Counting {
        out: &mut html,
        written: &written,
    };
    // Writing into a String cannot fail.
    let _ = pulldown_cmark::html::write_html_fmt(counting, taken);
    (html, traced)
}

/// A `fmt::Write` into a String that says how much it holds.
struct Counting<'a> {
    out: &'a mut String,
    written: &'a Cell<usize>,
}

impl std::fmt::Write for Counting<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.out.push_str(s);
        self.written.set(self.out.len());
        Ok(())
    }
}

/// Where the destination `url` of a link or image is written within its range of `body`:
/// the last place it is (the link's text may say the URL too); none if it is not written
/// as it is (a reference link, escapes).
pub fn destination_in(body: &str, range: &Range<usize>, url: &str) -> Option<usize> {
    let text = body.get(range.clone())?;
    (!url.is_empty())
        .then(|| text.rfind(url))
        .flatten()
        .map(|at| range.start + at)
}

fn assign_heading_ids(events: &mut [Event<'_>]) {
    let mut used: HashSet<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            let base = match crate::slug::slugify(&text) {
                s if s.is_empty() => "section".to_string(),
                s => s,
            };
            let mut id = base.clone();
            let mut n = 1;
            while !used.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(CowStr::from(id));
            }
            i = j;
        }
        i += 1;
    }
}

/// The text of the first paragraph, shortened to a summary (Markdown and HTML removed).
pub fn summary(body: &str) -> String {
    summary_from(body, PREFIX)
}

/// How much of a body `summary` parses first, in bytes: up to the first blank line after
/// this (a body is rarely more than a few times that).
const PREFIX: usize = 1024;

/// `summary`, parsing first the body up to the first blank line at or after `prefix`
/// bytes. Markdown is parsed forwards: the blocks before a blank line are the same in
/// that part as in the whole, and a paragraph ends at a blank line. So the first paragraph
/// found there is the body's, unless it has a `[` (a link or footnote whose definition
/// may come later). (A list still open at the cut may be tight there and loose in the
/// whole, but then nothing of the part comes after it; a paragraph in one of its items
/// makes it loose in both.) When the paragraph has a `[`, or the part none with text,
/// the whole body is parsed.
fn summary_from(body: &str, prefix: usize) -> String {
    let cut = body
        .get(prefix..)
        .and_then(|rest| memchr::memmem::find(rest.as_bytes(), b"\n\n"))
        .map(|at| prefix + at + 2);
    let text = cut
        .and_then(|cut| first_paragraph(&body[..cut], true))
        .or_else(|| first_paragraph(body, false))
        .unwrap_or_default();
    summarize(&text, super::text::SUMMARY_CHARS)
}

/// The text of the first paragraph of `body` that has any, if there is one. With
/// `part`, `body` is the start of a longer one: none when the paragraph found could read
/// otherwise there (see `summary_from`).
fn first_paragraph(body: &str, part: bool) -> Option<String> {
    let mut text = String::new();
    let (mut depth, mut from) = (0usize, 0);
    for (event, range) in Parser::new_ext(body, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Paragraph) => {
                depth += 1;
                from = range.start;
            }
            Event::End(TagEnd::Paragraph) if depth > 0 => {
                if !text.trim().is_empty() {
                    let unsure = memchr::memchr(b'[', &body.as_bytes()[from..range.end]).is_some();
                    return (!part || !unsure).then_some(text);
                }
                depth -= 1;
            }
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => {}
            Event::Text(t) | Event::Code(t) if depth > 0 => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if depth > 0 => text.push(' '),
            _ => {}
        }
    }
    (!part).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_commonmark_with_extensions() {
        let html =
            render("Text with ~~strike~~ and a note[^1].\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n[^1]: The note.\n");
        assert!(html.contains("<del>strike</del>"), "{html}");
        assert!(html.contains("<table>"), "{html}");
        assert!(html.contains("footnote-definition"), "{html}");
    }

    #[test]
    fn headings_get_unique_ids() {
        let html = render("## The Talks\n\n## The Talks\n\n## Custom {#mine}\n\n### Café & Co\n");
        assert!(html.contains(r#"<h2 id="the-talks">"#), "{html}");
        assert!(html.contains(r#"<h2 id="the-talks-1">"#), "{html}");
        assert!(html.contains(r#"<h2 id="mine">"#), "{html}");
        assert!(html.contains(r#"<h3 id="cafe-co">"#), "{html}");
    }

    /// The traced HTML is the HTML, and each link in it leads back to where its
    /// destination is written: inline, in an image, in raw HTML (block and inline), and a
    /// reference link at the link itself.
    #[test]
    fn traced_html_leads_back_to_the_body() {
        let body = "## Heading\n\nSee [the *budget*](/2099/01/01/gone/ \"t\") and ![a\nchart](/img/c.png).\n\n\
                    <div class=\"box\">\n  <a href=\"/raw/\">raw</a>\n</div>\n\n\
                    Inline <a href=\"/inline/\">x</a> and [ref][r] and <https://e.org/auto>.\n\n\
                    | a | b |\n|---|---|\n| [c](/cell/) | d |\n\n[r]: /defined/\n";
        let (html, traced) = render_traced(body);
        assert_eq!(html, render(body));
        assert!(traced.windows(2).all(|w| w[0].html <= w[1].html));
        let back = |url: &str| {
            let at = html
                .find(&format!("\"{url}\""))
                .unwrap_or_else(|| panic!("{url} in {html}"))
                + 1;
            let t = traced.iter().rev().find(|t| t.html <= at).unwrap();
            let offset = t.source_offset(at - t.html);
            &body[offset..]
        };
        assert!(back("/2099/01/01/gone/").starts_with("/2099/01/01/gone/ \"t\")"));
        assert!(back("/img/c.png").starts_with("/img/c.png)"));
        assert!(back("/raw/").starts_with("/raw/\">raw"));
        assert!(back("/inline/").starts_with("/inline/\">x"));
        assert!(back("/defined/").starts_with("[ref][r]"));
        assert!(back("https://e.org/auto").starts_with("https://e.org/auto>"));
        assert!(back("/cell/").starts_with("/cell/)"));
    }

    #[test]
    fn raw_text_is_escaped_but_markup_renders() {
        let html = render("Fish & chips < 5 *pounds*\n");
        assert_eq!(html, "<p>Fish &amp; chips &lt; 5 <em>pounds</em></p>\n");
    }

    /// The summary from the start of a body is the summary from the whole, for bodies
    /// made of blocks that read otherwise in part (lists tight or loose, fences and HTML
    /// left open, links and notes defined further on, setext headings, tables), cut at
    /// every blank line.
    #[test]
    fn summary_from_the_start_is_the_summary_of_the_whole() {
        const BLOCKS: &[&str] = &[
            "## Heading",
            "# Title",
            "Plain paragraph with *emphasis* & more.",
            "   ",
            "",
            "- item one\n- item two",
            "- item\n\n- loose item",
            "1. first\n2. second",
            "```\ncode\n\nmore code\n```",
            "```\nan open fence",
            "<div>\nhtml block\n</div>",
            "<!--\ncomment\n\nstill comment\n-->",
            "> quoted paragraph",
            "> quote\ncontinued lazily",
            "Text with [a link](https://x.org).",
            "Text with [a reference][ref].",
            "Text with [shortcut].",
            "[ref]: https://example.org",
            "[shortcut]: https://example.org",
            "Text with a note[^1].",
            "[^1]: The note.",
            "| a | b |\n|---|---|\n| 1 | 2 |",
            "Setext heading\n===",
            "Para before\n---",
            "***",
            "    indented code",
            "Line one\nline two",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut cuts = 0;
        for _ in 0..4000 {
            let mut body = String::new();
            for _ in 0..1 + next(6) {
                body.push_str(BLOCKS[next(BLOCKS.len())]);
                body.push_str(["\n\n", "\n", "\n\n\n"][next(3)]);
            }
            let whole = summary_from(&body, usize::MAX);
            for (at, _) in body.match_indices("\n\n") {
                assert_eq!(summary_from(&body, at), whole, "cut at {at} of {body:?}");
                cuts += 1;
            }
        }
        assert!(cuts > 4000, "{cuts}");
    }

    #[test]
    fn summary_is_the_first_paragraph_as_text() {
        let s = summary("## Heading\n\nThe *first* paragraph\nwith [a link](https://x.org) and `code`.\n\nSecond.\n");
        assert_eq!(s, "The first paragraph with a link and code.");
        assert_eq!(summary(""), "");
    }
}
