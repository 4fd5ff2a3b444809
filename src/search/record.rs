//! The record Pagefind indexes for an article: a small HTML page of what the article's
//! page shows a reader, marked with what Pagefind keeps beside the words (`data-pagefind-*`).
//!
//! The title, byline and section are metadata: Pagefind searches the words of metadata
//! too (weighing the title's above the body's), and shows them with each result, so they
//! are left out of the text that excerpts are cut from (`data-pagefind-ignore`, which
//! still reads an element's metadata, filters and sort keys).

use crate::html::escape_into;
use crate::render::ArticleText;

/// The record of `text`, in `language`.
pub fn record_html(language: &str, text: &ArticleText) -> String {
    let mut html = String::with_capacity(text.body.len() + 1024);
    html.push_str("<html lang=\"");
    escape_into(&mut html, language);
    html.push_str("\"><body><article data-pagefind-body>");
    let hidden = "data-pagefind-ignore";
    element(
        &mut html,
        "h1",
        &format!("{hidden} data-pagefind-meta=\"title\""),
        &text.title,
    );
    let byline = text.authors.join(", ");
    element(
        &mut html,
        "p",
        &format!("{hidden} data-pagefind-meta=\"byline\""),
        &byline,
    );
    if let Some(section) = &text.section {
        element(
            &mut html,
            "p",
            &format!("{hidden} data-pagefind-meta=\"section\""),
            section,
        );
    }
    // The date as words ("October 26, 2025") is left out: Pagefind searches the words of
    // metadata, and "October" would find every article of every October. The search page
    // writes it from the ISO time.
    element(
        &mut html,
        "span",
        &format!("{hidden} data-pagefind-meta=\"iso\""),
        &text.iso,
    );
    element(
        &mut html,
        "span",
        &format!("{hidden} data-pagefind-sort=\"date\""),
        &text.iso,
    );
    element(
        &mut html,
        "span",
        &format!("{hidden} data-pagefind-filter=\"year\""),
        &text.year.to_string(),
    );
    for author in &text.authors {
        element(
            &mut html,
            "span",
            &format!("{hidden} data-pagefind-filter=\"author\""),
            author,
        );
    }
    if let Some(section) = &text.section {
        element(
            &mut html,
            "span",
            &format!("{hidden} data-pagefind-filter=\"section\""),
            section,
        );
    }
    element(&mut html, "p", "", &text.summary);
    html.push_str(&text.body);
    if !text.tags.is_empty() {
        element(&mut html, "p", "", &text.tags.join(", "));
    }
    html.push_str("</article></body></html>");
    html
}

/// `<name attributes>text</name>`, the text escaped.
fn element(html: &mut String, name: &str, attributes: &str, text: &str) {
    html.push('<');
    html.push_str(name);
    if !attributes.is_empty() {
        html.push(' ');
        html.push_str(attributes);
    }
    html.push('>');
    escape_into(html, text);
    html.push_str("</");
    html.push_str(name);
    html.push('>');
}
