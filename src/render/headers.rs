//! `/_headers`: the response headers a site asks of Netlify and Cloudflare Pages (and of
//! the other hosts that read the file): security headers on every response, and how long
//! caches may keep each kind of file. A site's own `static/_headers` replaces it.
//!
//! Both hosts give a response the headers of every rule that matches its path, and a
//! header given by two rules ends up with both values (Cloudflare joins them, which makes
//! `max-age=300, max-age=31536000`: no age at all to a cache) or one of them (Netlify).
//! So every path matches at most one rule that gives `Cache-Control`, and the rule for
//! every path (`/*`) gives only what is the same everywhere. Neither host can say "every
//! path but these", so pages are matched by the kinds of path dateline gives them, and a
//! copy named by its bytes that one of those would match is cached as a page is.

use crate::headers;

/// What every response says, besides its type and cache rule.
///
/// - `X-Content-Type-Options: nosniff`: a file is only what its type says (no script made
///   of an image).
/// - `Referrer-Policy: strict-origin-when-cross-origin`: other sites are told which site a
///   reader came from, not which article.
/// - The Content-Security-Policy is what the default theme and its search need, and no
///   more. Scripts come from the site only (no inline script: the theme has none, and
///   `<script type="application/ld+json">` is data, not run); the search index is
///   Pagefind's WebAssembly, which needs `'wasm-unsafe-eval'` (compiling it, not `eval`),
///   run in a worker loaded from the site (`worker-src` falls back to `script-src`) that
///   fetches the index from the site (`connect-src`, from `default-src`). Stylesheets come
///   from the site; `style` attributes are allowed (`style-src-attr`), since article
///   bodies may hold them (a Markdown table's alignment is one), and an attribute styles
///   one element only, while a `<style>` element is refused. Images may come from any
///   https address or a `data:` URL: articles show pictures kept elsewhere, and an image
///   runs nothing. No plugins, no `<base>` elsewhere, forms sent to the site only (the
///   search box), and no framing by other sites.
pub const SECURITY: &[(&str, &str)] = &[
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         style-src-attr 'unsafe-inline'; img-src 'self' https: data:; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'self'",
    ),
];

/// Files named by their bytes: kept for a year (the most HTTP caches take), never asked
/// for again.
pub const FOR_GOOD: &str = "public, max-age=31536000, immutable";

/// Pages, feeds and sitemaps, and the search index's files that keep their names: five
/// minutes. A cache then saves readers who move about the archive from asking again for
/// the same pages, and a correction reaches every reader within five minutes of the
/// upload. Links to files named by their bytes change with those files, and a cache
/// holds the page a short while only: when a build removes the copy a page linked, the
/// page that links it has left the caches within five minutes too.
pub const A_WHILE: &str = "public, max-age=300";

/// Pagefind's files named by their bytes (a hash of what they hold: its `fragment/`,
/// `index/` and `filter/` files and the `.pf_meta`), in every part of the index.
const SEARCH_NAMED_BY_CONTENT: &[&str] = &["fragment/*", "index/*", "filter/*", "*.pf_meta"];

/// Pagefind's files that keep their names from build to build: its entry (which it asks
/// for with a query of the time, so no cache answers it anyway), its scripts and its
/// WebAssembly (`wasm.en.pagefind`, `wasm.unknown.pagefind`).
const SEARCH_NAMED_THE_SAME: &[&str] = &["pagefind-entry.json", "pagefind.js", "pagefind-worker.js", "wasm.*"];

/// The pages, feeds and sitemaps of every site, by path (the home page is `""`).
const PAGES: &[&str] = &[
    "",
    "page/*",
    "authors/*",
    "tags/*",
    "sections/*",
    "on-this-day/*",
    "404.html",
    "atom.xml",
    "rss.xml",
    super::SITEMAP_INDEX,
    super::NEWS_SITEMAP,
    "sitemaps/*",
    super::ROBOTS,
];

/// What a site's `_headers` depends on.
pub struct Site<'a> {
    /// base_url's path (`/` or `/archive/`).
    pub base_path: &'a str,
    /// The site-relative paths of the copies named by their bytes.
    pub named_by_content: &'a [String],
    /// Whether it has a search page and index.
    pub search: bool,
    /// The archive's years.
    pub years: &'a [i32],
}

/// The `_headers` of `site`.
pub fn file(site: &Site<'_>) -> String {
    let base = site.base_path;
    let mut out = String::from(
        "# Response headers for Netlify and Cloudflare Pages, written by dateline; a site's own\n\
         # static/_headers replaces this file. Each host gives a response the headers of every\n\
         # rule that matches its path: no path matches two rules that give Cache-Control.\n\n",
    );
    rule(&mut out, &format!("{base}*"), SECURITY);

    // What the pages' rules match is cached as a page, even a copy named by its bytes.
    let mut pages: Vec<String> = PAGES.iter().map(|p| format!("{base}{p}")).collect();
    if site.search {
        pages.push(format!("{base}{}", super::context::SEARCH_PATH));
    }
    // The years' pages: every path that starts with the first digit of a year (one rule a
    // digit, where a rule a year would pass the hundred rules Cloudflare reads for an
    // archive of a century).
    let mut digits: Vec<char> = site.years.iter().filter_map(|y| y.to_string().chars().next()).collect();
    digits.sort();
    digits.dedup();
    pages.extend(digits.iter().map(|d| format!("{base}{d}*")));
    let search = |names: &[&str]| -> Vec<String> {
        let index = format!("{base}{}:part/", super::SEARCH_INDEXES);
        names.iter().map(|n| format!("{index}{n}")).collect()
    };
    let (search_for_good, search_a_while) = match site.search {
        true => (search(SEARCH_NAMED_BY_CONTENT), search(SEARCH_NAMED_THE_SAME)),
        false => (Vec::new(), Vec::new()),
    };

    let copies: Vec<String> = (site.named_by_content.iter())
        .map(|rel| format!("{base}{rel}"))
        .filter(|path| {
            let cached = pages.iter().chain(&search_a_while).chain(&search_for_good);
            !cached.into_iter().any(|p| headers::matches(p, path))
        })
        .collect();
    // The copies last: Cloudflare reads a hundred rules, and a copy without its rule is
    // only asked for again more often.
    out.push_str("# Pages, feeds and sitemaps, and the search index's files that keep their names.\n");
    for path in pages.iter().chain(&search_a_while) {
        rule(&mut out, path, &[("Cache-Control", A_WHILE)]);
    }
    if site.search {
        out.push_str("# The files of the search index named by their bytes, in each part of the index.\n");
        for path in &search_for_good {
            rule(&mut out, path, &[("Cache-Control", FOR_GOOD)]);
        }
    }
    out.push_str("# Copies named by their bytes: new bytes get a new name.\n");
    for path in &copies {
        rule(&mut out, path, &[("Cache-Control", FOR_GOOD)]);
    }
    out
}

/// Writes a rule for `pattern`.
fn rule(out: &mut String, pattern: &str, headers: &[(&str, &str)]) {
    out.push_str(pattern);
    out.push('\n');
    for (name, value) in headers {
        out.push_str("  ");
        out.push_str(name);
        out.push_str(": ");
        out.push_str(value);
        out.push('\n');
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::headers::Rules;

    fn example(base_path: &str, named_by_content: &[&str]) -> Rules {
        let named: Vec<String> = named_by_content.iter().map(|s| s.to_string()).collect();
        Rules::parse(&file(&Site {
            base_path,
            named_by_content: &named,
            search: true,
            years: &[1999, 2024, 2025],
        }))
    }

    fn cache(rules: &Rules, path: &str) -> Option<String> {
        let headers = rules.for_path(path);
        let mut caching = headers.iter().filter(|(n, _)| n == "Cache-Control");
        let first = caching.next().map(|(_, v)| v.clone());
        assert!(caching.next().is_none(), "{path}: {headers:?}");
        first
    }

    #[test]
    fn every_response_has_the_security_headers_and_one_cache_rule_at_most() {
        let copies = [
            "style.3f2a9c1b.css",
            "img/logo.0a1b2c3d.png",
            "2025/chart.1a2b3c4d.png",
            "pagerank.1a2b3c4d.png",
        ];
        let rules = example("/archive/", &copies);
        let paths = [
            ("/archive/", Some(A_WHILE)),
            ("/archive/page/2/", Some(A_WHILE)),
            ("/archive/2025/10/26/slug/", Some(A_WHILE)),
            ("/archive/1999/", Some(A_WHILE)),
            ("/archive/authors/jane-roe/atom.xml", Some(A_WHILE)),
            ("/archive/on-this-day/10-26/", Some(A_WHILE)),
            ("/archive/atom.xml", Some(A_WHILE)),
            ("/archive/sitemaps/2025.xml", Some(A_WHILE)),
            ("/archive/404.html", Some(A_WHILE)),
            ("/archive/search/", Some(A_WHILE)),
            ("/archive/search/index/2025/pagefind-entry.json", Some(A_WHILE)),
            ("/archive/search/index/2025/pagefind.js", Some(A_WHILE)),
            ("/archive/search/index/2025/wasm.en.pagefind", Some(A_WHILE)),
            (
                "/archive/search/index/2025/fragment/en_1982fa8.pf_fragment",
                Some(FOR_GOOD),
            ),
            ("/archive/search/index/2025/index/en_9ce9ae2.pf_index", Some(FOR_GOOD)),
            ("/archive/search/index/2025/filter/en_4d9cb47.pf_filter", Some(FOR_GOOD)),
            (
                "/archive/search/index/2025/pagefind.en_e555f769ce.pf_meta",
                Some(FOR_GOOD),
            ),
            ("/archive/style.3f2a9c1b.css", Some(FOR_GOOD)),
            ("/archive/img/logo.0a1b2c3d.png", Some(FOR_GOOD)),
            // A copy under a year's folder is cached as the year's pages are.
            ("/archive/2025/chart.1a2b3c4d.png", Some(A_WHILE)),
            // And one Netlify's `/archive/page/*` matches (its slash is optional).
            ("/archive/pagerank.1a2b3c4d.png", Some(A_WHILE)),
            // A file's own name: the host's default.
            ("/archive/style.css", None),
            ("/archive/img/logo.png", None),
        ];
        for (path, expected) in paths {
            assert_eq!(cache(&rules, path).as_deref(), expected, "{path}");
            let headers = rules.for_path(path);
            for (name, value) in SECURITY {
                assert!(
                    headers.contains(&(name.to_string(), value.to_string())),
                    "{path}: {headers:?}"
                );
            }
        }
        assert!(rules.for_path("/other/").is_empty(), "nothing outside base_url's path");
    }

    #[test]
    fn paths_are_under_base_urls_path() {
        let rules = example("/", &["style.3f2a9c1b.css"]);
        assert_eq!(cache(&rules, "/").as_deref(), Some(A_WHILE));
        assert_eq!(cache(&rules, "/style.3f2a9c1b.css").as_deref(), Some(FOR_GOOD));
        assert_eq!(cache(&rules, "/2025/").as_deref(), Some(A_WHILE));
        assert_eq!(rules.for_path("/anything").len(), SECURITY.len());
    }
}
