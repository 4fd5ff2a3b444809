//! The site's redirects as an nginx snippet, `nginx-redirects.conf`, written beside
//! `_redirects` when `[deploy] nginx_redirects = true`: for a site served by nginx (over
//! `rsync`), which reads no `_redirects`. Included inside the site's `server {}` block, it
//! answers every old path with a real 301, where the redirect pages could only send
//! readers on.
//!
//! It is made from the very list `_redirects` is made from (`render::redirects::links`):
//! one `location = PATH { return 301 TARGET; }` a redirect, paths under base_url's path.
//! Exact locations (`=`) are the first nginx looks at and the cheapest to match, whatever
//! their number. The snippet is written even when the site has no redirects (comments
//! only), so that an `include` of it never fails.
//!
//! nginx matches a location against the request's path decoded (`%C3%A9` is `é`), and
//! `_redirects` paths are written encoded: each path is decoded for its location. A path
//! that nginx would read otherwise than written (a space, `;`, `{`, `}`, quotes, `#`, `$`)
//! is quoted, `"` and `\` escaped; one with a control character once decoded, or that is no
//! UTF-8, cannot be written and is refused. A target is percent-encoded outside the
//! characters of a path that nginx reads as they are, so that no `$` in it is taken for a
//! variable.

use std::collections::HashSet;
use std::fmt::Write;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// The file's name, at the root of the output folder.
pub const FILE: &str = "nginx-redirects.conf";

/// What a target keeps as it is: the unreserved characters of RFC 3986, `/`, and `%` (a
/// target that holds `%XX` is encoded already).
const TARGET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/')
    .remove(b'%');

/// A redirect that cannot be written for nginx: its place in the list, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unwritable {
    pub index: usize,
    pub message: String,
}

/// The snippet of `redirects` (root-relative old path → root-relative new path, as
/// `_redirects` has them). A path given twice (once decoded) keeps its first target, as the
/// hosts that read `_redirects` do.
pub fn snippet<I, S>(redirects: I) -> Result<String, Unwritable>
where
    I: IntoIterator<Item = (S, S)>,
    S: AsRef<str>,
{
    let mut out = String::from(
        "# The site's redirects for nginx, written by dateline from the list /_redirects holds.\n\
         # Include this file inside the site's server {} block:\n\
         #     include /path/to/the/site/nginx-redirects.conf;\n",
    );
    let mut seen: HashSet<String> = HashSet::new();
    for (index, (from, to)) in redirects.into_iter().enumerate() {
        let (from, to) = (from.as_ref(), to.as_ref());
        let unwritable = |why: &str| Unwritable {
            index,
            message: format!("the redirect from {from} cannot be written to {FILE}: {why}"),
        };
        let decoded = percent_decode_str(from)
            .decode_utf8()
            .map_err(|_| unwritable("decoded, it is no UTF-8"))?;
        if decoded.chars().any(char::is_control) {
            return Err(unwritable("decoded, it holds a control character"));
        }
        if !seen.insert(decoded.to_string()) {
            continue;
        }
        let target = utf8_percent_encode(to, TARGET).to_string();
        // Writing to a String cannot fail.
        let _ = writeln!(out, "location = {} {{ return 301 {target}; }}", token(&decoded));
    }
    Ok(out)
}

/// `text` as one nginx token: as it is if nginx reads it so, else quoted.
fn token(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-._~/%!*+,:=@&".contains(c) || !c.is_ascii();
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_string();
    }
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<&str> {
        text.lines().filter(|l| !l.starts_with('#')).collect()
    }

    #[test]
    fn one_exact_location_a_redirect() {
        let text = snippet([
            ("/archive/old/talks-begin/", "/archive/2024/10/15/talks-begin/"),
            ("/archive/legacy/story-123.html", "/archive/2024/10/15/talks-begin/"),
        ])
        .unwrap();
        assert!(text.starts_with("# The site's redirects for nginx"), "{text}");
        assert_eq!(
            lines(&text),
            [
                "location = /archive/old/talks-begin/ { return 301 /archive/2024/10/15/talks-begin/; }",
                "location = /archive/legacy/story-123.html { return 301 /archive/2024/10/15/talks-begin/; }",
            ]
        );
    }

    #[test]
    fn no_redirects_is_comments_only() {
        let text = snippet(Vec::<(String, String)>::new()).unwrap();
        assert!(!text.is_empty());
        assert_eq!(lines(&text), Vec::<&str>::new());
    }

    #[test]
    fn paths_nginx_would_misread_are_quoted_and_targets_encoded() {
        let text = snippet([
            ("/a;b{c}/", "/x/"),
            ("/say-\"hi\"/", "/y/"),
            ("/back\\slash/", "/z/"),
            ("/$price/", "/deals/$5/"),
            ("/it's #1/", "/n/"),
            ("/caf%C3%A9%20noir/", "/café/"),
        ])
        .unwrap();
        assert_eq!(
            lines(&text),
            [
                r#"location = "/a;b{c}/" { return 301 /x/; }"#,
                r#"location = "/say-\"hi\"/" { return 301 /y/; }"#,
                r#"location = "/back\\slash/" { return 301 /z/; }"#,
                r#"location = "/$price/" { return 301 /deals/%245/; }"#,
                r#"location = "/it's #1/" { return 301 /n/; }"#,
                r#"location = "/café noir/" { return 301 /caf%C3%A9/; }"#,
            ]
        );
    }

    #[test]
    fn a_path_given_twice_keeps_its_first_target() {
        let text = snippet([("/caf%C3%A9/", "/one/"), ("/café/", "/two/")]).unwrap();
        assert_eq!(lines(&text), ["location = /café/ { return 301 /one/; }"]);
    }

    #[test]
    fn control_characters_and_broken_utf8_are_refused() {
        let err = snippet([("/ok/", "/x/"), ("/a%0Ab/", "/y/")]).unwrap_err();
        assert_eq!(
            err,
            Unwritable {
                index: 1,
                message: "the redirect from /a%0Ab/ cannot be written to nginx-redirects.conf: decoded, it holds a control character".into()
            }
        );
        let err = snippet([("/a%FFb/", "/y/")]).unwrap_err();
        assert_eq!(err.index, 0);
        assert!(err.message.ends_with("decoded, it is no UTF-8"), "{}", err.message);
    }
}
