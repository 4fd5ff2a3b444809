//! One test per kind of page, on the `basic` fixture site (America/New_York, paginate 2,
//! base_url with a path).

mod common;

use common::{Page, Site};

const SEED: &str = "2025/10/26/japans-pm-takaichi-and-trump-discuss-strengthening-us-japan-alliance/";
const SEED_LINK: &str = "/archive/2025/10/26/japans-pm-takaichi-and-trump-discuss-strengthening-us-japan-alliance/";

fn built() -> Site {
    let site = Site::fixture("basic");
    site.built();
    site
}

/// What every page has: doctype, lang, charset, viewport, title, canonical, navigation.
fn assert_page_basics(page: &Page, canonical: &str) {
    assert!(page.text.starts_with("<!doctype html>"), "doctype");
    assert_eq!(page.attr("html", "lang"), "en");
    assert_eq!(page.count("meta[charset='utf-8']"), 1);
    assert!(
        page.attr("meta[name=viewport]", "content")
            .contains("width=device-width")
    );
    assert!(!page.text("title").is_empty());
    assert_eq!(page.attr("link[rel=canonical]", "href"), canonical);
    let nav = page.attrs("header nav a", "href");
    assert!(nav.contains(&"/archive/".to_string()), "{nav:?}");
    assert!(nav.contains(&"/archive/authors/".to_string()), "{nav:?}");
    assert!(
        nav.contains(&"/archive/2025/".to_string()) && nav.contains(&"/archive/2024/".to_string()),
        "{nav:?}"
    );
    assert_eq!(page.count("h1"), 1, "one h1");
}

#[test]
fn article_page() {
    let site = built();
    let page = site.page(SEED);
    assert_page_basics(&page, &format!("https://news.example.com{SEED_LINK}"));
    assert_eq!(
        page.text("h1"),
        "Japan’s PM Takaichi and Trump Discuss Strengthening US-Japan Alliance"
    );
    assert_eq!(page.attr("article time", "datetime"), "2025-10-26T00:00:00-04:00");
    assert_eq!(page.text("article time"), "Sunday, October 26, 2025");
    assert_eq!(page.attrs(".byline a", "href"), ["/archive/authors/austin-collins/"]);
    let paragraphs = page.texts(".story-body p");
    assert_eq!(paragraphs.len(), 4);
    assert!(
        paragraphs[0].contains(
            "“strengthening the Japan-US Alliance is a top priority of Japan’s foreign and security policy.”"
        )
    );
    // More by the author, and the neighbours in time.
    assert!(page.texts(".more h2").iter().any(|h| h == "More by Austin Collins"));
    assert_eq!(
        page.attr(".prevnext .older", "href"),
        "/archive/2025/10/25/dong-jing-deshou-noy-hui-tan/"
    );
    assert_eq!(
        page.attr(".prevnext .newer", "href"),
        "/archive/2025/12/02/markets-close-higher-bonds-slip/"
    );
    assert_eq!(page.texts(".breadcrumbs a"), ["Home", "2025", "October", "26"]);
}

#[test]
fn markdown_article_with_two_authors_and_time() {
    let site = built();
    let page = site.page("2025/12/02/parliament-passes-the-budget-whats-in-it/");
    assert_eq!(page.text("h1"), "Parliament Passes the Budget: What’s in It");
    assert_eq!(page.texts(".byline a"), ["Jane Roe", "Austin Collins"]);
    assert_eq!(page.text(".byline"), "By Jane Roe and Austin Collins");
    assert_eq!(page.text(".dateline"), "Tuesday, December 2, 2025, 9:30 PM EST");
    assert_eq!(page.attr(".story-body h2", "id"), "what-changes");
    assert_eq!(page.count(".story-body table"), 1);
    assert_eq!(page.texts(".tags li"), ["Budget", "Politics"]);
    assert_eq!(page.text(".kicker"), "Politics");
}

#[test]
fn plain_text_is_escaped_not_markdown() {
    let site = built();
    let page = site.page("2025/12/02/markets-close-higher-bonds-slip/");
    assert_eq!(page.text("h1"), "Markets Close Higher & Bonds <Slip>");
    assert_eq!(
        page.texts(".story-body p")[0],
        "Stocks rose on Tuesday, with the “index” up 1% & bonds <lower>."
    );
    assert_eq!(
        page.texts(".story-body p")[1],
        "Traders said *nothing* unusual happened."
    );
    assert_eq!(page.count(".story-body em"), 0);
}

#[test]
fn dates_follow_the_site_time_zone() {
    let site = built();
    // 2025-10-26T09:00+09:00 is still the 25th in New York.
    assert!(site.exists("2025/10/25/dong-jing-deshou-noy-hui-tan/index.html"));
    // 23:30 on New Year's Eve in New York stays in 2025.
    let page = site.page("2025/12/31/late-night-session-ends/");
    assert_eq!(page.attr("article time", "datetime"), "2025-12-31T23:30:00-05:00");
}

#[test]
fn home_page_and_pagination() {
    let site = built();
    let home = site.page("");
    assert_page_basics(&home, "https://news.example.com/archive/");
    assert_eq!(home.text("title"), "Fixture Gazette");
    assert_eq!(home.text(".lead .card-title"), "Late-Night Session Ends");
    // Seven articles, two a page: the home page shows the three that fill no numbered
    // page yet with the newest full page's; `page/1/` holds the oldest two.
    assert_eq!(
        home.texts(".latest .card-title"),
        [
            "Parliament Passes the Budget: What’s in It",
            "Markets Close Higher & Bonds <Slip>"
        ]
    );
    assert_eq!(home.attr(".pager .older", "href"), "/archive/page/2/");
    assert_eq!(home.texts(".pager li"), ["Latest", "2", "1"]);
    let page2 = site.page("page/2/");
    assert_page_basics(&page2, "https://news.example.com/archive/page/2/");
    assert_eq!(page2.text("title"), "Articles (page 2) – Fixture Gazette");
    assert_eq!(
        page2.texts(".card-title"),
        [
            "Japan’s PM Takaichi and Trump Discuss Strengthening US-Japan Alliance",
            "東京で首脳会談"
        ]
    );
    assert_eq!(page2.attr(".pager .newer", "href"), "/archive/");
    assert_eq!(page2.attr(".pager .older", "href"), "/archive/page/1/");
    assert_eq!(page2.text(".pager [aria-current]"), "2");
    let page1 = site.page("page/1/");
    assert_eq!(
        page1.texts(".card-title"),
        ["A Year Earlier: Talks Begin", "An Old Story"]
    );
    assert_eq!(page1.attr(".pager .newer", "href"), "/archive/page/2/");
    assert!(
        page1.attrs(".pager .older", "href").is_empty(),
        "the oldest page has no older link"
    );
    assert!(!site.exists("page/3/index.html"));
}

#[test]
fn year_page_lists_months_with_counts() {
    let site = built();
    let year = site.page("2025/");
    assert_page_basics(&year, "https://news.example.com/archive/2025/");
    assert_eq!(year.text("h1"), "2025");
    assert_eq!(year.text(".count"), "5 articles");
    let months: Vec<String> = year.texts(".months li");
    assert_eq!(months, ["October 2", "December 3"]);
    assert_eq!(
        year.attrs(".months a", "href"),
        ["/archive/2025/10/", "/archive/2025/12/"]
    );
    assert_eq!(year.attr(".periods .older", "href"), "/archive/2024/");
    // Five articles: the newest three on the year's page, the oldest two on `page/1/`,
    // which shows no count (it would change with every new article of the year).
    assert_eq!(year.count(".cards > li"), 3);
    assert_eq!(site.page("2025/page/1/").texts(".count"), ["Page 1"]);
    assert!(!site.exists("2025/page/2/index.html"));
}

#[test]
fn month_page_has_a_calendar_and_lists_days() {
    let site = built();
    let month = site.page("2025/12/");
    assert_eq!(month.text("h1"), "December 2025");
    // Sunday first (English), December 2025 starts on a Monday: one empty cell.
    assert_eq!(
        month.texts(".calendar th"),
        ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    );
    assert_eq!(month.count(".calendar tbody tr:first-child td.pad"), 1);
    assert_eq!(month.count(".calendar td"), 35);
    assert_eq!(
        month.attrs(".calendar a", "href"),
        ["/archive/2025/12/02/", "/archive/2025/12/31/"]
    );
    assert_eq!(
        month.attr(".calendar a", "aria-label"),
        "Tuesday, December 2, 2025: 2 articles"
    );
    assert_eq!(
        month.texts(".day-group h2"),
        ["Wednesday, December 31, 2025", "Tuesday, December 2, 2025"]
    );
    assert_eq!(month.attr(".periods .older", "href"), "/archive/2025/10/");
    assert_eq!(month.texts(".breadcrumbs a"), ["Home", "2025", "December"]);
}

#[test]
fn day_page_lists_its_articles() {
    let site = built();
    let day = site.page("2025/12/02/");
    assert_page_basics(&day, "https://news.example.com/archive/2025/12/02/");
    assert_eq!(day.text("h1"), "Tuesday, December 2, 2025");
    assert_eq!(
        day.texts(".card-title"),
        [
            "Parliament Passes the Budget: What’s in It",
            "Markets Close Higher & Bonds <Slip>"
        ]
    );
    assert_eq!(day.attr(".periods .newer", "href"), "/archive/2025/12/31/");
    assert_eq!(day.attr(".periods .older", "href"), "/archive/2025/10/26/");
}

#[test]
fn authors_index_lists_every_author_with_counts() {
    let site = built();
    let page = site.page("authors/");
    assert_page_basics(&page, "https://news.example.com/archive/authors/");
    assert_eq!(
        page.texts(".author-list .name"),
        ["Austin Collins", "Jane Roe", "John Doe"]
    );
    assert_eq!(
        page.texts(".author-list .n"),
        ["3 articles", "2 articles", "3 articles"]
    );
}

#[test]
fn author_page_has_bio_counts_dates_and_articles() {
    let site = built();
    let page = site.page("authors/austin-collins/");
    assert_page_basics(&page, "https://news.example.com/archive/authors/austin-collins/");
    assert_eq!(page.text("h1"), "Austin Collins");
    assert!(
        page.text(".bio")
            .starts_with("Austin Collins is our Europe, Asia, & Middle East Correspondent.")
    );
    let stats = page.texts(".stats dd");
    assert_eq!(
        stats,
        ["3 articles", "671 articles", "October 26, 2025", "December 2, 2025"]
    );
    // Three articles, two a page: one page shows them all (no page would be full
    // without the newest).
    assert_eq!(page.count(".cards > li"), 3);
    assert_eq!(page.count(".pager"), 0);
    assert!(!site.exists("authors/austin-collins/page/1/index.html"));
}

#[test]
fn author_profile_merges_aliases() {
    let site = built();
    let page = site.page("authors/jane-roe/");
    assert_eq!(page.text(".bio p"), "Jane Roe covers politics from the capital.");
    assert_eq!(page.attrs(".links a", "href"), ["mailto:jane@example.com"]);
    assert_eq!(
        page.texts(".card-title"),
        ["Late-Night Session Ends", "Parliament Passes the Budget: What’s in It"]
    );
    assert!(!site.exists("authors/j-roe/index.html"));
}

#[test]
fn not_found_page() {
    let site = built();
    let page = site.page("404.html");
    assert_page_basics(&page, "https://news.example.com/archive/404.html");
    assert_eq!(page.text("h1"), "Page not found");
}

#[test]
fn drafts_and_scheduled_articles_are_not_published() {
    let site = built();
    assert!(!site.exists("2025/10/20/a-draft/index.html"));
    assert!(!site.exists("2026/06/01/scheduled-for-later/index.html"));
    let mut options = site.options();
    options.drafts = true;
    options.future = true;
    dateline::build(&options).unwrap();
    assert!(site.exists("2025/10/20/a-draft/index.html"));
    assert!(site.exists("2026/06/01/scheduled-for-later/index.html"));
}

#[test]
fn assets_and_theme_are_copied() {
    let site = built();
    assert_eq!(
        std::fs::read(site.out().join("files/report.pdf")).unwrap(),
        b"%PDF-1.4 fixture\n"
    );
    assert!(
        !std::fs::read_dir(site.out().join("files")).unwrap().any(|e| {
            let name = e.unwrap().file_name();
            name != "report.pdf"
        }),
        "a file of content/ is copied once"
    );
    // The theme's stylesheet under its own name, and under a name of its bytes, which
    // pages link.
    let style = std::fs::read(site.out().join("style.css")).unwrap();
    assert_eq!(style, include_bytes!("../static/style.css"));
    let home = site.page("");
    let link = home.attr("link[rel=stylesheet]", "href");
    let copy = named_by_content(&link, "/archive/style.", ".css");
    assert_eq!(std::fs::read(site.out().join(copy)).unwrap(), style);
    // The search page's script too.
    let search = site.page("search/");
    let script = search.attr("script[type=module]", "src");
    let copy = named_by_content(&script, "/archive/search.", ".js");
    assert_eq!(
        std::fs::read(site.out().join(copy)).unwrap(),
        include_bytes!("../static/search.js")
    );
    // The site's logo: linked by its own name where other sites read it (structured data),
    // and copied under a name of its bytes as well.
    assert!(home.text.contains("\"https://news.example.com/archive/logo.png\""));
    let logos: Vec<String> = std::fs::read_dir(site.out())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("logo."))
        .collect();
    assert_eq!(logos.len(), 2, "{logos:?}");
}

/// The part of `link` after `prefix` and before `extension` is 8 hexadecimal digits;
/// returns the file's path in the output.
fn named_by_content<'l>(link: &'l str, prefix: &str, extension: &str) -> &'l str {
    let hash = link
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_suffix(extension))
        .unwrap_or_else(|| panic!("{link} is not {prefix}HASH{extension}"));
    assert!(
        hash.len() == 8 && hash.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
        "{link}"
    );
    &link["/archive/".len()..]
}

/// A site's stylesheet replaces the theme's under a name of its own bytes; `asset_url`
/// links any stylesheet, script, image or font of `static/`, and `site.stylesheet` is the
/// stylesheet's link too.
#[test]
fn a_site_stylesheet_replaces_the_theme_with_a_name_of_its_own() {
    let site = built();
    let theme = site.page("").attr("link[rel=stylesheet]", "href");
    site.write("static/style.css", "body { color: navy }");
    site.write(
        "templates/home.html",
        "{% extends \"base.html\" %}{% block main %}<h1>Home</h1><p class=\"s\">{{ site.stylesheet }}</p><img src=\"{{ asset_url(path='logo.png') }}\" alt=\"\">{% endblock main %}",
    );
    site.built();
    let home = site.page("");
    let link = home.attr("link[rel=stylesheet]", "href");
    assert_ne!(link, theme);
    let copy = named_by_content(&link, "/archive/style.", ".css");
    assert_eq!(
        std::fs::read_to_string(site.out().join(copy)).unwrap(),
        "body { color: navy }"
    );
    assert!(!site.exists(&theme["/archive/".len()..]), "the theme's copy is gone");
    assert_eq!(home.text("p.s"), link);
    let logo = home.attr("img", "src");
    let copy = named_by_content(&logo, "/archive/logo.", ".png");
    assert_eq!(
        std::fs::read(site.out().join(copy)).unwrap(),
        std::fs::read(site.root().join("static/logo.png")).unwrap()
    );
}

#[test]
fn summary_counts_articles_and_pages() {
    let site = Site::fixture("basic");
    let summary = site.built();
    assert_eq!(summary.articles, 7);
    assert_eq!(summary.authors, 3);
    // Every page counted is an HTML file written.
    let html_files = common::tree(&site.out())
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .count();
    assert_eq!(summary.pages, html_files);
}

/// A site with its own copy of the theme gets the very pages the default theme makes:
/// the theme is rendered the same way whoever wrote it (there is no faster copy of the
/// default theme beside it).
#[test]
fn a_copy_of_the_default_theme_makes_the_same_pages() {
    let default = Site::fixture("basic");
    default.built();
    let copy = Site::fixture("basic");
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/templates")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if name == "base.html" {
            text = text.replacen("<!doctype html>", "<!doctype html>\n<!-- our newsroom -->", 1);
        }
        copy.write(&format!("templates/{name}"), text);
    }
    copy.built();
    let pages = common::tree(&default.out());
    let copied = common::tree(&copy.out());
    assert_eq!(pages.len(), copied.len());
    let mut compared = 0;
    for ((path, bytes), (copy_path, copy_bytes)) in pages.iter().zip(&copied) {
        assert_eq!(path, copy_path);
        let text = String::from_utf8_lossy(copy_bytes).replacen("<!-- our newsroom -->\n", "", 1);
        assert_eq!(String::from_utf8_lossy(bytes), text, "{path}");
        compared += path.ends_with(".html") as usize;
    }
    assert!(compared > 20, "{compared} pages compared");
}

/// `/_headers` gives every response the security headers, the copies named by their bytes
/// a cache rule for good, and pages one for five minutes; a site's own replaces it.
#[test]
fn headers_for_hosts() {
    let site = built();
    let headers = std::fs::read_to_string(site.out().join("_headers")).unwrap();
    let rule = |pattern: &str| -> Vec<String> {
        let at = headers
            .find(&format!("\n{pattern}\n"))
            .unwrap_or_else(|| panic!("no rule for {pattern}:\n{headers}"));
        (headers[at + pattern.len() + 2..].lines())
            .take_while(|l| l.starts_with("  "))
            .map(|l| l.trim().to_string())
            .collect()
    };
    let every = rule("/archive/*");
    assert_eq!(every.len(), 3, "{every:?}");
    assert_eq!(every[0], "X-Content-Type-Options: nosniff");
    assert_eq!(every[1], "Referrer-Policy: strict-origin-when-cross-origin");
    assert!(
        every[2].starts_with("Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval';"),
        "{every:?}"
    );
    let for_good = ["Cache-Control: public, max-age=31536000, immutable".to_string()];
    let a_while = ["Cache-Control: public, max-age=300".to_string()];
    let home = site.page("");
    let style = home.attr("link[rel=stylesheet]", "href");
    assert_eq!(rule(&style), for_good);
    let script = site.page("search/").attr("script[type=module]", "src");
    assert_eq!(rule(&script), for_good);
    assert_eq!(rule("/archive/search/index/:part/fragment/*"), for_good);
    for pages in [
        "/archive/",
        "/archive/authors/*",
        "/archive/2*",
        "/archive/search/",
        "/archive/atom.xml",
    ] {
        assert_eq!(rule(pages), a_while, "{pages}");
    }
    assert!(
        !headers.contains("\n/archive/style.css\n"),
        "the stylesheet's own name: the host's default"
    );

    // A site's own replaces it, as its robots.txt does.
    site.write("static/_headers", "/*\n  X-Frame-Options: DENY\n");
    site.built();
    assert_eq!(
        std::fs::read_to_string(site.out().join("_headers")).unwrap(),
        "/*\n  X-Frame-Options: DENY\n"
    );
}
