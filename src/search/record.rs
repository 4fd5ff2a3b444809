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
    // Kept beside the words (metadata, sort keys, filters), not cut into excerpts.
    let mut kept = |name: &str, attribute: &str, value: &str| {
        element(&mut html, name, &["data-pagefind-ignore", attribute], value)
    };
    kept("h1", "data-pagefind-meta=\"title\"", text.title);
    // Chinese and Japanese titles, as pairs of characters: the search page searches a
    // query's CJK runs as their pairs too (`static/search.js`), so that any word of a title
    // finds it, where Pagefind would find an unspaced run by its beginning only.
    let pairs = cjk_pairs(text.title);
    if !pairs.is_empty() {
        kept("span", "data-pagefind-meta=\"cjk\"", &pairs);
    }
    kept("p", "data-pagefind-meta=\"byline\"", &text.authors.join(", "));
    if let Some(section) = text.section {
        kept("p", "data-pagefind-meta=\"section\"", section);
    }
    // The date as words ("October 26, 2025") is left out: Pagefind searches the words of
    // metadata, and "October" would find every article of every October. The search page
    // writes it from the ISO time.
    kept("span", "data-pagefind-meta=\"iso\"", &text.iso);
    kept("span", "data-pagefind-sort=\"date\"", &text.iso);
    // No `year` filter: each year has an index of its own, and the search page gives each
    // index its year as a filter of all its pages (Pagefind's `mergeFilter`), which costs
    // no download, where a stored one listed every page (18 KB a year at 100,000 articles).
    for author in &text.authors {
        kept("span", "data-pagefind-filter=\"author\"", author);
    }
    if let Some(section) = text.section {
        kept("span", "data-pagefind-filter=\"section\"", section);
    }
    element(&mut html, "p", &[], text.summary);
    html.push_str(&text.body);
    if !text.tags.is_empty() {
        element(&mut html, "p", &[], &text.tags.join(", "));
    }
    html.push_str("</article></body></html>");
    html
}

/// `<name attribute…>text</name>`, the text escaped.
fn element(html: &mut String, name: &str, attributes: &[&str], text: &str) {
    html.push('<');
    html.push_str(name);
    for attribute in attributes {
        html.push(' ');
        html.push_str(attribute);
    }
    html.push('>');
    escape_into(html, text);
    html.push_str("</");
    html.push_str(name);
    html.push('>');
}

/// Whether `c` is written without spaces between words: Han, Hiragana, Katakana, Hangul.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK Compatibility Ideographs
        | 0x20000..=0x3134F) // CJK Extensions B to G
}

/// The overlapping pairs of characters of each run of two or more CJK characters in
/// `text`, separated by spaces: `東京で首脳会談` → `東京 京で で首 首脳 脳会 会談`.
fn cjk_pairs(text: &str) -> String {
    let mut pairs = String::new();
    let mut previous: Option<char> = None;
    for c in text.chars() {
        if let (Some(p), true) = (previous, is_cjk(c)) {
            if !pairs.is_empty() {
                pairs.push(' ');
            }
            pairs.push(p);
            pairs.push(c);
        }
        previous = is_cjk(c).then_some(c);
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::cjk_pairs;

    #[test]
    fn cjk_runs_become_overlapping_pairs() {
        assert_eq!(cjk_pairs("東京で首脳会談"), "東京 京で で首 首脳 脳会 会談");
        assert_eq!(cjk_pairs("Talks in 東京, 大阪"), "東京 大阪");
        assert_eq!(cjk_pairs("Budget 2025: 一"), "", "a single character makes no pair");
        assert_eq!(cjk_pairs("No CJK here"), "");
    }
}
