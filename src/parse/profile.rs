//! Author profiles: `content/authors/<slug>.md`, front matter plus a Markdown bio.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::front_matter::{self, StringList};
use crate::diag::Diagnostic;

/// A link on an author's page (a social profile, an email address, a personal site).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileLink {
    pub name: String,
    pub url: String,
}

/// What an author profile says about its author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorProfile {
    /// The file's stem: the author's slug unless the name says otherwise.
    pub file_slug: String,
    pub name: String,
    /// The bio rendered to HTML (the body, or the `bio` key as text).
    pub bio_html: Option<String>,
    pub photo: Option<String>,
    pub links: Vec<ProfileLink>,
    /// Other spellings of the name that are the same person.
    pub aliases: Vec<String>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: Option<String>,
    bio: Option<String>,
    photo: Option<String>,
    #[serde(default)]
    links: Vec<ProfileLink>,
    #[serde(default)]
    aliases: StringList,
}

/// Parses an author profile.
pub fn parse_profile(path: &Path, bytes: &[u8]) -> Result<AuthorProfile, Diagnostic> {
    let text = super::decode(path, bytes)?;
    let split = front_matter::split(path, &text)?;
    let raw: RawProfile = front_matter::deserialize(path, &split)?;
    let file_slug = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let name = match raw.name.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() => n.to_string(),
        _ => {
            return Err(Diagnostic::new(path, 1, 1, "an author profile needs a `name`")
                .with_hint("the name as it appears in bylines, e.g. name: \"Austin Collins\""));
        }
    };
    if let Some(found) = super::text::forbidden_char(&name) {
        let (line, column) = front_matter::locate(&split, "name");
        return Err(
            Diagnostic::new(path, line, column, super::text::forbidden_message("`name`", found))
                .with_hint(super::text::forbidden_hint(found)),
        );
    }
    for link in &raw.links {
        if link.url.trim().is_empty() || link.name.trim().is_empty() {
            let (line, column) = front_matter::locate(&split, "links");
            return Err(Diagnostic::new(path, line, column, "a link needs a `name` and a `url`"));
        }
    }
    let bio_html = if !split.body.trim().is_empty() {
        Some(super::markdown::render(split.body))
    } else {
        raw.bio
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(|b| super::plain_text::render_paragraphs(&b.split("\n\n").map(str::trim).collect::<Vec<_>>()))
    };
    Ok(AuthorProfile {
        file_slug,
        name,
        bio_html,
        photo: raw.photo.map(|p| p.trim().to_string()).filter(|p| !p.is_empty()),
        links: raw.links,
        aliases: raw
            .aliases
            .0
            .into_iter()
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_with_markdown_bio() {
        let p = parse_profile(
            Path::new("content/authors/austin-collins.md"),
            b"---\nname: Austin Collins\naliases: [A. Collins]\nphoto: /img/ac.jpg\nlinks:\n  - name: Email\n    url: mailto:ac@example.org\n---\nAustin is *our* correspondent.\n",
        )
        .unwrap();
        assert_eq!(p.file_slug, "austin-collins");
        assert_eq!(p.name, "Austin Collins");
        assert_eq!(p.aliases, ["A. Collins"]);
        assert_eq!(
            p.bio_html.as_deref(),
            Some("<p>Austin is <em>our</em> correspondent.</p>\n")
        );
        assert_eq!(p.links[0].url, "mailto:ac@example.org");
    }

    #[test]
    fn profile_bio_key_and_missing_name() {
        let p = parse_profile(Path::new("x.md"), b"+++\nname = 'X'\nbio = 'A & B'\n+++\n").unwrap();
        assert_eq!(p.bio_html.as_deref(), Some("<p>A &amp; B</p>\n"));
        let e = parse_profile(Path::new("x.md"), b"---\nbio: x\n---\n").unwrap_err();
        assert!(e.message.contains("needs a `name`"));
    }
}
