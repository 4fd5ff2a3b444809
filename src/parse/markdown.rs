//! Markdown bodies: CommonMark with tables, footnotes, strikethrough and heading ids.

use std::collections::HashSet;

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
