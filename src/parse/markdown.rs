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
    let mut text = String::new();
    let mut depth = 0usize;
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Start(Tag::Paragraph) => depth += 1,
            Event::End(TagEnd::Paragraph) if depth > 0 => {
                if !text.trim().is_empty() {
                    break;
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
    summarize(&text, super::text::SUMMARY_CHARS)
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

    #[test]
    fn summary_is_the_first_paragraph_as_text() {
        let s = summary("## Heading\n\nThe *first* paragraph\nwith [a link](https://x.org) and `code`.\n\nSecond.\n");
        assert_eq!(s, "The first paragraph with a link and code.");
        assert_eq!(summary(""), "");
    }
}
