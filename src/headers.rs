//! The `_headers` file of Netlify and Cloudflare Pages, read as those hosts read it: rules
//! of a path pattern and the response headers of the paths it matches. `dateline serve`
//! answers with the headers of the built `_headers` (a preview of the host's), and a
//! build checks that no two rules it writes give one path the same header.
//!
//! The format: a line that starts at its first column is a path pattern; the indented
//! lines under it are its headers (`Name: value`), or Cloudflare's `! Name`, which takes
//! off a header that an earlier rule gave; `#` starts a comment line. In a pattern, `*`
//! matches anything (slashes too) and `:name` one part of the path (no slash). A response
//! gets the headers of every rule whose pattern matches its path, in the file's order; a
//! header that two rules give has their values joined by `, `, as Cloudflare Pages says it
//! does (Netlify may keep one of them instead: a file that both read the same gives no path
//! a header twice). Netlify matches letters of either case and a path with or without its
//! last `/`, Cloudflare as written: here a pattern matches where either host's would, so a
//! check finds every path that either host would give a header twice.

/// The file's name, at the root of the output folder.
pub const FILE: &str = "_headers";

/// A rule: a path pattern, and what it does to the headers of the paths it matches.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    pattern: String,
    headers: Vec<Header>,
}

/// What a rule does to one header.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Header {
    /// Gives it (joined to the value an earlier rule gave).
    Set(String, String),
    /// Takes it off (Cloudflare's `! Name`).
    Detach(String),
}

/// The rules of a `_headers` file, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    rules: Vec<Rule>,
}

impl Rules {
    /// Reads the rules of a `_headers` file. What the hosts would refuse (a header before
    /// any path, a line that is no header) is left out, as a host leaves it: this reads a
    /// file to preview it, and the host has the last word on it.
    pub fn parse(text: &str) -> Rules {
        let mut rules: Vec<Rule> = Vec::new();
        for line in text.lines() {
            let content = line.trim();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            if !line.starts_with([' ', '\t']) {
                rules.push(Rule {
                    pattern: content.to_string(),
                    headers: Vec::new(),
                });
                continue;
            }
            let Some(rule) = rules.last_mut() else { continue };
            if let Some(name) = content.strip_prefix('!') {
                rule.headers.push(Header::Detach(name.trim().to_string()));
            } else if let Some((name, value)) = content.split_once(':') {
                rule.headers
                    .push(Header::Set(name.trim().to_string(), value.trim().to_string()));
            }
        }
        Rules { rules }
    }

    /// The headers of a response at `path` (as requested, decoded: `/archive/2025/`), each
    /// named as the first rule that gives it names it, in the order they are first given.
    /// A rule for another host (`https://example.org/*`) gives none: the request names no
    /// host that the preview could compare.
    pub fn for_path(&self, path: &str) -> Vec<(String, String)> {
        let mut headers: Vec<(String, String)> = Vec::new();
        for rule in self
            .rules
            .iter()
            .filter(|r| r.pattern.starts_with('/') && matches(&r.pattern, path))
        {
            for header in &rule.headers {
                match header {
                    Header::Set(name, value) => match headers.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(name)) {
                        Some((_, joined)) => {
                            joined.push_str(", ");
                            joined.push_str(value);
                        }
                        None => headers.push((name.clone(), value.clone())),
                    },
                    Header::Detach(name) => headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name)),
                }
            }
        }
        headers
    }

    /// How many rules (path patterns) the file holds: what Cloudflare Pages counts against
    /// its limit (`publish::hosts`).
    pub fn len(&self) -> usize {
        self.rules.len()
    }
}

/// Whether `pattern` matches `path` for either host (see the module's comment).
pub fn matches(pattern: &str, path: &str) -> bool {
    if !may_match(pattern, path) {
        return false;
    }
    // Either with or without its last slash (but the root's).
    let trim = |s: &str| -> String {
        match s.len() > 1 {
            true => s.strip_suffix('/').unwrap_or(s).to_string(),
            false => s.to_string(),
        }
    };
    let paths = [path.to_string(), trim(path), format!("{}/", trim(path))];
    // Netlify makes the slash before a `*` that is a whole part optional: `/page/*` matches
    // `/pagefoo` too.
    let loose = pattern.strip_suffix("/*").map(|p| format!("{p}*"));
    let patterns = [Some(pattern.to_string()), Some(trim(pattern)), loose];
    let patterns = patterns.iter().flatten();
    patterns
        .into_iter()
        .any(|p| paths.iter().any(|s| glob(p.as_bytes(), s.as_bytes())))
}

/// Whether `path` can match `pattern` by the pattern's literal start (up to its first `*`
/// or `:name`), without a slash it may lose: a test without allocation that turns down
/// most rules for most paths (a deploy of 160,000 files asks it for each rule).
fn may_match(pattern: &str, path: &str) -> bool {
    let literal = pattern.find(['*', ':']).map_or(pattern, |at| &pattern[..at]);
    let literal = match literal.len() > 1 {
        true => literal.strip_suffix('/').unwrap_or(literal),
        false => literal,
    };
    let path = match path.len() > 1 {
        true => path.strip_suffix('/').unwrap_or(path),
        false => path,
    };
    let (shorter, longer) = match path.len() >= literal.len() {
        true => (literal, path),
        false => (path, literal),
    };
    longer.as_bytes()[..shorter.len()].eq_ignore_ascii_case(shorter.as_bytes())
}

/// `matches`, on the pattern and path as they are: `*`, `:name`, letters of either case.
fn glob(pattern: &[u8], path: &[u8]) -> bool {
    match pattern {
        [] => path.is_empty(),
        [b'*', rest @ ..] => (0..=path.len()).any(|at| glob(rest, &path[at..])),
        [b':', first, ..] if first.is_ascii_alphabetic() => {
            let name = 1 + pattern[1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
            let part = path.iter().take_while(|c| **c != b'/').count();
            (1..=part).any(|at| glob(&pattern[name..], &path[at..]))
        }
        [c, rest @ ..] => path.first().is_some_and(|d| d.eq_ignore_ascii_case(c)) && glob(rest, &path[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_as_the_hosts_do() {
        let cases = [
            ("/*", "/", true),
            ("/*", "/2025/10/26/a/", true),
            ("/archive/*", "/archive/style.css", true),
            ("/archive/*", "/archive/", true),
            ("/archive/*", "/archive", true),
            ("/archive/*", "/other/", false),
            ("/archive/*", "/archived.css", true),
            ("/", "/", true),
            ("/", "/a/", false),
            ("/search/", "/search/", true),
            ("/search/", "/search", true),
            ("/search", "/search/", true),
            ("/search/", "/search/index/2025/pagefind.js", false),
            ("/2*", "/2025/10/", true),
            ("/2*", "/authors/", false),
            (
                "/search/index/:part/fragment/*",
                "/search/index/2025/fragment/en_1.pf_fragment",
                true,
            ),
            (
                "/search/index/:part/fragment/*",
                "/search/index/fragment/en_1.pf_fragment",
                false,
            ),
            (
                "/search/index/:part/*.pf_meta",
                "/search/index/2025/pagefind.en_1.pf_meta",
                true,
            ),
            ("/search/index/:part/*.pf_meta", "/search/index/2025/pagefind.js", false),
            (
                "/search/index/:part/wasm.*",
                "/search/index/2025/wasm.en.pagefind",
                true,
            ),
            ("/Style.CSS", "/style.css", true),
            ("/style.css", "/style.1a2b3c4d.css", false),
        ];
        for (pattern, path, expected) in cases {
            assert_eq!(matches(pattern, path), expected, "{pattern} on {path}");
        }
    }

    #[test]
    fn a_response_gets_the_headers_of_every_rule_that_matches() {
        let rules = Rules::parse(
            "# comment\n/*\n  X-Content-Type-Options: nosniff\n  Content-Security-Policy: default-src 'self'\n\n\
             /style.*.css\n  Cache-Control: public, max-age=31536000, immutable\n\
             /*.jpg\n  ! Content-Security-Policy\n  X-Robots-Tag: noindex\n\
             /photos/*\n  x-robots-tag: nosnippet\n\
             https://example.org/*\n  X-Other: host\n",
        );
        let got = |path: &str| rules.for_path(path);
        assert_eq!(
            got("/style.1a2b3c4d.css"),
            [
                ("X-Content-Type-Options", "nosniff"),
                ("Content-Security-Policy", "default-src 'self'"),
                ("Cache-Control", "public, max-age=31536000, immutable"),
            ]
            .map(|(n, v)| (n.to_string(), v.to_string()))
        );
        assert_eq!(
            got("/photos/a.jpg"),
            [
                ("X-Content-Type-Options", "nosniff"),
                ("X-Robots-Tag", "noindex, nosnippet"),
            ]
            .map(|(n, v)| (n.to_string(), v.to_string())),
            "detached, and joined"
        );
        assert_eq!(got("/").len(), 2, "no rule for another host");
    }
}
