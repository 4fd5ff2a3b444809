//! Warnings on the sources: what builds and works, but is worth an editor's look before
//! it is published. None fails the check unless it is run with `--deny-warnings`: an
//! archive of scraped articles may hold thousands, and the site is still right.
//!
//! They are read from the archive the build made (titles, dates, authors, summaries) and,
//! for Markdown articles, from the body's events, each at its line and column in the
//! source: an article without an author, an empty body, no summary where the first
//! paragraph is too short to serve as one, a title over 110 characters, two articles of
//! one day with one title, an author profile no article names, an image without alt text,
//! and on an `https://` site, a link or image by `http://`. A plain-text article's body
//! is text alone (no links, no images) and its byline is required: only its title is
//! looked at.

use ahash::AHashMap as HashMap;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{Event, Tag, TagEnd};
use rayon::prelude::*;

use super::{Site, scan};
use crate::config::BaseUrl;
use crate::diag::{Diagnostic, line_col, shown};
use crate::model::{Archive, Article, ArticleId};
use crate::parse::{Format, front_matter, markdown};
use crate::walk::{AUTHORS_DIR, CONTENT_DIR};

/// The longest title without a warning, in characters: Google's documentation of article
/// structured data said a headline "should not exceed 110 characters" until January 2023,
/// and still advises concise titles, "as long titles may be truncated on some devices"
/// (<https://developers.google.com/search/docs/appearance/structured-data/article>).
pub const TITLE_CHARS: usize = 110;

/// The shortest first paragraph that serves as a summary, in characters, when the front
/// matter sets none: shorter ones ("Talks in Tokyo.", a dateline alone) say too little in
/// listings, feeds, search results and link previews.
pub const SUMMARY_CHARS: usize = 50;

/// The warnings of the sources of `site` (built for `base`).
pub(super) fn lint(site: &Site<'_>, base: &BaseUrl) -> Vec<Diagnostic> {
    let https = base.as_str().starts_with("https://");
    let archive = site.archive;
    let same = same_titles(archive);
    let mut warnings: Vec<Diagnostic> = (0..archive.articles.len())
        .into_par_iter()
        .flat_map_iter(|i| {
            let first = same.get(&(i as ArticleId)).map(|&j| archive.article(j));
            article(site.root, archive.article(i as ArticleId), first, https)
        })
        .collect();
    warnings.extend(idle_profiles(site.root, archive));
    warnings
}

/// For each article with the title of an earlier one (by source path) of the same day,
/// that one.
fn same_titles(archive: &Archive) -> HashMap<ArticleId, ArticleId> {
    let mut first: HashMap<(chrono::NaiveDate, String), ArticleId> = HashMap::new();
    let mut same = HashMap::new();
    let mut order: Vec<ArticleId> = (0..archive.articles.len() as ArticleId).collect();
    order.sort_by(|a, b| archive.article(*a).source.cmp(&archive.article(*b).source));
    for id in order {
        let article = archive.article(id);
        let key = (article.date.day(), article.title.to_lowercase());
        match first.get(&key) {
            Some(&earlier) => {
                same.insert(id, earlier);
            }
            None => {
                first.insert(key, id);
            }
        }
    }
    same
}

/// A warning of the source `path` (as shown) of `text`, at a byte offset of it.
struct At<'a> {
    path: &'a Path,
    text: &'a str,
}

impl At<'_> {
    fn warning(&self, offset: usize, message: String, hint: &str) -> Diagnostic {
        let (line, column) = line_col(self.text, offset);
        Diagnostic::warning(self.path, line, column, message).with_hint(hint)
    }
}

/// The warnings of one article; `first` is the earlier article of its day with its title.
fn article(root: &Path, article: &Article, first: Option<&Article>, https: bool) -> Vec<Diagnostic> {
    let path = shown(root, &article.source);
    let mut warnings = Vec::new();
    let title_chars = article.title.chars().count();
    let long_title = (title_chars > TITLE_CHARS).then(|| {
        format!(
            "the title is {title_chars} characters long, over {TITLE_CHARS}: news apps and search results cut it short"
        )
    });
    let same_title = first.map(|first| {
        format!(
            "{} has this title too, on the same day ({})",
            shown(root, &first.source).display(),
            article.date.day()
        )
    });
    const LONG: &str = "keep the headline to its news; the rest can go in the summary";
    const SAME: &str = "readers and search engines tell stories apart by their titles: make one more specific";
    if article.format == Format::PlainText {
        // The title is the first line.
        let at = |message: String, hint: &str| Diagnostic::warning(&path, 1, 1, message).with_hint(hint);
        warnings.extend(long_title.map(|m| at(m, LONG)));
        warnings.extend(same_title.map(|m| at(m, SAME)));
        return warnings;
    }
    let text = match std::fs::read(root.join(&article.source)) {
        Ok(bytes) => match crate::parse::decode(&path, &bytes) {
            Ok(text) => text.into_owned(),
            Err(problem) => return vec![problem],
        },
        Err(e) => return vec![Diagnostic::file(&path, format!("cannot read: {e}"))],
    };
    let split = match front_matter::split(&path, &text) {
        Ok(split) => split,
        Err(problem) => return vec![problem],
    };
    let at = At {
        path: &path,
        text: &text,
    };
    let (title_line, title_column) = front_matter::locate(&split, "title");
    let at_title =
        |message: String, hint: &str| Diagnostic::warning(&path, title_line, title_column, message).with_hint(hint);
    warnings.extend(long_title.map(|m| at_title(m, LONG)));
    warnings.extend(same_title.map(|m| at_title(m, SAME)));
    if article.authors.is_empty() {
        warnings.push(
            Diagnostic::warning(
                &path,
                1,
                1,
                "no author: the front matter has neither `author` nor `authors`",
            )
            .with_hint("add `author: \"Jane Roe\"`: bylines make the author pages and the feeds' authors"),
        );
    }
    let body_start = split.body.as_ptr() as usize - text.as_ptr() as usize;
    let body = Body::read(split.body, https);
    if split.body.trim().is_empty() {
        warnings.push(at.warning(
            body_start,
            "the body is empty".into(),
            "write the story under the front matter, or set `draft: true` until it is written",
        ));
    } else if article.summary.chars().count() < SUMMARY_CHARS && summary_from_body(&split, article) {
        let first = body.first_paragraph.unwrap_or(0);
        warnings.push(at.warning(
            body_start + first,
            format!(
                "no summary, and the first paragraph is too short to serve as one ({} characters, fewer than {SUMMARY_CHARS})",
                article.summary.chars().count()
            ),
            "add `summary: …` to the front matter: listings, feeds, search results and link previews show it",
        ));
    }
    for (offset, message, hint) in body.warnings {
        warnings.push(at.warning(body_start + offset, message, hint));
    }
    warnings
}

/// Whether `article`'s summary is its first paragraph's: the front matter sets none (or an
/// empty one).
fn summary_from_body(split: &front_matter::Split<'_>, article: &Article) -> bool {
    let has_key = front_matter::locate(split, "summary").0 >= split.front_line;
    !has_key || *article.summary == markdown::summary(split.body)
}

/// What the events of a Markdown body say.
#[derive(Debug, Default)]
struct Body {
    /// Where the first paragraph starts.
    first_paragraph: Option<usize>,
    /// Each warning's offset in the body, message and hint.
    warnings: Vec<(usize, String, &'static str)>,
}

const ALT: &str = "describe the image in the brackets, as in ![The harbour at dawn](harbour.jpg): screen readers read it, and it shows when the image does not load";
const ALT_HTML: &str = "add alt=\"…\" describing the image (alt=\"\" if it is only decoration)";
const HTTPS: &str = "use https:// if the other site offers it: an https:// page that loads or links by http:// is marked not secure, or its images blocked";

impl Body {
    /// Reads `body`; `https`: the site is served by `https://`, so `http://` links and
    /// images are worth a warning.
    fn read(body: &str, https: bool) -> Body {
        let mut out = Body::default();
        // The image being read: where its destination is, the destination, its alt text.
        let mut image: Option<(usize, String, String)> = None;
        let mut in_html_block = false;
        for (event, range) in markdown::offset_events(body) {
            match event {
                Event::Start(Tag::Paragraph) if out.first_paragraph.is_none() => {
                    out.first_paragraph = Some(range.start);
                }
                Event::Start(Tag::Link { dest_url, .. }) => {
                    let at = markdown::destination_in(body, &range, &dest_url).unwrap_or(range.start);
                    out.insecure(https, at, &dest_url, "link");
                }
                Event::Start(Tag::Image { dest_url, .. }) => {
                    let at = markdown::destination_in(body, &range, &dest_url).unwrap_or(range.start);
                    out.insecure(https, at, &dest_url, "image");
                    image = Some((at, dest_url.to_string(), String::new()));
                }
                Event::Text(text) | Event::Code(text) => {
                    if let Some((_, _, alt)) = &mut image {
                        alt.push_str(&text);
                    }
                }
                Event::End(TagEnd::Image) => {
                    if let Some((at, url, alt)) = image.take()
                        && alt.trim().is_empty()
                    {
                        out.warnings.push((at, format!("image without alt text: {url}"), ALT));
                    }
                }
                Event::Start(Tag::HtmlBlock) => {
                    in_html_block = true;
                    out.html(body, range, https);
                }
                Event::End(TagEnd::HtmlBlock) => in_html_block = false,
                Event::InlineHtml(_) if !in_html_block => out.html(body, range, https),
                _ => {}
            }
        }
        out
    }

    /// A warning if `url` is by `http://` on an `https://` site.
    fn insecure(&mut self, https: bool, at: usize, url: &str, what: &str) {
        if https && url.get(..7).is_some_and(|s| s.eq_ignore_ascii_case("http://")) {
            let message = format!("{what} by http:// on an https:// site: {url}");
            self.warnings.push((at, message, HTTPS));
        }
    }

    /// The warnings of the raw HTML at `range` of `body`: images without `alt`, links and
    /// images by `http://`.
    fn html(&mut self, body: &str, range: Range<usize>, https: bool) {
        let Some(html) = body.get(range.clone()) else {
            return;
        };
        scan::tags(html, |tag, lt, attrs| {
            let is_img = tag.eq_ignore_ascii_case("img");
            if is_img && !attrs.iter().any(|a| a.name.eq_ignore_ascii_case("alt")) {
                let src = attrs.iter().find(|a| a.name.eq_ignore_ascii_case("src"));
                let url = src.map_or("", |a| &a.value);
                let message = format!("image without alt text: {url}");
                self.warnings
                    .push((range.start + lt, message.trim_end_matches(": ").into(), ALT_HTML));
            }
            for attr in attrs.iter() {
                if attr.name.eq_ignore_ascii_case("href") || attr.name.eq_ignore_ascii_case("src") {
                    let what = if is_img { "image" } else { "link" };
                    self.insecure(https, range.start + attr.offset, &attr.value, what);
                }
            }
        });
    }
}

/// The author profiles (`content/authors/*.md`) of authors with no article in `archive`.
fn idle_profiles(root: &Path, archive: &Archive) -> Vec<Diagnostic> {
    let folder = Path::new(CONTENT_DIR).join(AUTHORS_DIR);
    let Ok(entries) = std::fs::read_dir(root.join(&folder)) else {
        return Vec::new();
    };
    let mut warnings = Vec::new();
    for entry in entries.flatten() {
        let rel = folder.join(entry.file_name());
        let is_profile = matches!(crate::walk::classify(&rel), crate::walk::ContentKind::Profile);
        if !is_profile || crate::walk::is_ignored(&rel) || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = shown(root, &rel);
        let Ok(bytes) = std::fs::read(root.join(&rel)) else {
            continue;
        };
        // The build read the profile without problems a moment ago.
        let Ok(profile) = crate::parse::profile::parse_profile(&path, &bytes) else {
            continue;
        };
        let slug = match crate::slug::slugify(&profile.file_slug) {
            s if s.is_empty() => crate::slug::slugify(&profile.name),
            s => s,
        };
        let author = archive.authors.iter().find(|a| a.slug == slug);
        if author.is_some_and(|a| !a.articles.is_empty()) {
            continue;
        }
        let (line, column) = crate::parse::decode(&path, &bytes)
            .ok()
            .and_then(|text| {
                front_matter::split(&path, &text)
                    .ok()
                    .map(|s| front_matter::locate(&s, "name"))
            })
            .unwrap_or((1, 1));
        warnings.push(
            Diagnostic::warning(
                &path,
                line,
                column,
                format!("no article names {} as its author", profile.name),
            )
            .with_hint("a byline must say the profile's `name` or one of its `aliases`; or remove the profile"),
        );
    }
    warnings
}

#[cfg(test)]
mod tests;
