//! The default theme's busiest templates, compiled: Rust that writes the very bytes that
//! tera writes from `templates/` (article pages and every listing of cards: all of an
//! archive's pages but a handful of indexes, and most of a build's time in tera's
//! interpreter). Listings are written from the same context tera gets; article pages,
//! two in three of an archive's pages, from their views as they are (`ArticleDoc`), which
//! spares turning each into template values first.
//!
//! The templates stay the source of truth: a page kind is written here only while the
//! site replaces neither its template nor the layout and components it uses
//! (`base.html`, `macros.html`); otherwise tera renders it. A debug build (and so every
//! test) renders each compiled page with tera too and compares the bytes
//! (`assert_same`), and `tests::compiled_equals_tera` reaches every branch: a change to
//! one of these templates that is not made here too fails the tests.
//!
//! Listings show each card as its short value (`short_card`): the few fields these
//! templates read, and the part of the card every listing shows the same, written once.

use std::io::Write;
use std::sync::LazyLock;

use tera::value::Key;
use tera::{Context, Value};

use super::context::{ArticleDoc, ArticlePage};
use super::theme::Theme;
use super::views::{ArticleView, Card, Crumb, DateView, PageView, Prebuilt};

/// The page templates written here.
const COMPILED: &[&str] = &[
    "article.html",
    "home.html",
    "year.html",
    "month.html",
    "day.html",
    "on-this-day.html",
    "author.html",
    "tag.html",
    "section.html",
];

/// The templates every compiled page uses besides its own.
const SHARED: &[&str] = &["base.html", "macros.html"];

/// The compiled templates a site's theme leaves as they are, and the globals they read.
pub struct Compiled {
    covered: Vec<&'static str>,
    site: Value,
    nav: Value,
}

impl Compiled {
    /// The compiled templates `theme` does not replace, with `globals` (tera's global
    /// context: `site` and `nav`). None if the site replaces the shared layout.
    pub fn new(theme: &Theme, globals: &Context) -> Option<Compiled> {
        if SHARED.iter().any(|t| theme.changes(t)) {
            return None;
        }
        Some(Compiled {
            covered: COMPILED.iter().copied().filter(|t| !theme.changes(t)).collect(),
            site: globals.get("site")?.clone(),
            nav: globals.get("nav")?.clone(),
        })
    }

    /// Whether pages of `template` are written here.
    pub fn covers(&self, template: &str) -> bool {
        self.covered.contains(&template)
    }

    /// Writes the page of `template` (which `covers`) from its context; not
    /// `article.html` (see `render_article`).
    pub fn render(&self, template: &str, cx: &Context, out: &mut Vec<u8>) {
        let page = Page {
            cx,
            layout: Layout {
                site: &self.site,
                nav: &self.nav,
                head: Head::of_value(var(cx, "page")),
            },
        };
        let (p, l, w) = (&page, &page.layout, &mut W { out });
        let default_title = |w: &mut W<'_>| p.default_title(w);
        let default_meta = |w: &mut W<'_>| l.default_meta(w);
        match template {
            "home.html" => l.base(w, |w| p.home_title(w), default_meta, |w| p.home(w)),
            "year.html" => l.base(w, default_title, default_meta, |w| p.year(w)),
            "month.html" => l.base(w, default_title, default_meta, |w| p.month(w)),
            "day.html" => l.base(w, default_title, default_meta, |w| p.day(w)),
            "on-this-day.html" => l.base(w, default_title, default_meta, |w| p.on_this_day(w)),
            "author.html" => l.base(w, default_title, default_meta, |w| p.author(w)),
            "tag.html" => l.base(w, default_title, default_meta, |w| p.tag(w)),
            "section.html" => l.base(w, default_title, default_meta, |w| p.section(w)),
            other => unreachable!("{other} is not compiled from a context"),
        }
    }

    /// Writes an article page (`article.html`, which `covers`) from its views as they
    /// are: the busiest template of an archive is spared turning them into template
    /// values first.
    pub fn render_article(&self, doc: &ArticleDoc<'_>, out: &mut Vec<u8>) {
        let layout = Layout {
            site: &self.site,
            nav: &self.nav,
            head: Head::of_view(&doc.page),
        };
        let (l, a) = (&layout, &doc.view.article);
        l.base(
            &mut W { out },
            |w| {
                w.e(a.card.title).t(" – ").v(at(l.site, "title"));
            },
            |w| l.article_meta(w, a),
            |w| article(w, &doc.view),
        );
    }
}

/// A card as the compiled templates show it (`Mode::Compiled`): its link, title and
/// summary, and its middle (date, authors, section: the same on every listing) written
/// once, for every listing to copy (a full build shows each card ~10 times). The link,
/// title and summary are escaped once too, and marked safe.
pub fn short_card(card: &Card<'_>) -> Value {
    let mut middle = Vec::with_capacity(256);
    card_meta(&mut W { out: &mut middle }, card);
    let escaped = |text: &str| {
        let mut html = Vec::with_capacity(text.len() + 16);
        W { out: &mut html }.s(text);
        Value::safe_string(&String::from_utf8(html).expect("escaped UTF-8 is UTF-8"))
    };
    let middle = String::from_utf8(middle).expect("templates write UTF-8");
    let mut map = tera::value::Map::with_capacity(4);
    map.insert(Key::Str("path"), escaped(&card.path));
    map.insert(Key::Str("title"), escaped(card.title));
    map.insert(Key::Str("summary"), escaped(card.summary));
    map.insert(Key::Str("meta"), Value::safe_string(&middle));
    Value::from(map)
}

/// The output, with tera's way of writing values.
struct W<'a> {
    out: &'a mut Vec<u8>,
}

impl W<'_> {
    /// Template text, as it is.
    fn t(&mut self, text: &str) -> &mut Self {
        self.out.extend_from_slice(text.as_bytes());
        self
    }

    /// `{{ value }}`: escaped unless marked safe, as tera's autoescape does.
    fn v(&mut self, value: &Value) -> &mut Self {
        match value.as_str() {
            Some(s) if value.is_safe() => self.out.extend_from_slice(s.as_bytes()),
            Some(s) => self.s(s),
            None if value.is_safe() => {
                let _ = write!(self.out, "{value}");
            }
            None => {
                let shown = value.to_string();
                self.s(&shown);
            }
        }
        self
    }

    /// An escaped string.
    fn s(&mut self, text: &str) {
        let _ = tera::escape_html(text, self.out);
    }

    /// `{{ text }}` for text of dateline's own views (never marked safe): escaped.
    fn e(&mut self, text: &str) -> &mut Self {
        self.s(text);
        self
    }

    /// `{{ n | pluralize }}`
    fn plural(&mut self, n: &Value) -> &mut Self {
        let one = matches!(n.as_i128(), Some(1 | -1));
        self.t(if one { "" } else { "s" })
    }

    /// `{{ list | length | pluralize }}`
    fn plural_n(&mut self, n: usize) -> &mut Self {
        self.t(if n == 1 { "" } else { "s" })
    }

    /// `{{ x }}` for a template value or for text of dateline's own views.
    fn x(&mut self, shown: &(impl Show + ?Sized)) -> &mut Self {
        shown.show(self);
        self
    }

    /// `{{ n }} NOUN{{ n | pluralize }}`: `1 article`, `3 articles`.
    fn counted(&mut self, n: &Value, noun: &str) -> &mut Self {
        self.v(n).t(" ").t(noun).plural(n)
    }

    /// `counted` for a number the page computed (`{{ list | length }}`).
    fn counted_n(&mut self, n: usize, noun: &str) -> &mut Self {
        self.counted(&Value::from(n), noun)
    }

    /// `<time datetime="{{ date.iso }}">{{ date[shown] }}</time>`
    fn time(&mut self, date: &Value, shown: &str) -> &mut Self {
        self.time_at(at(date, "iso"), at(date, shown), None)
    }

    /// `<time datetime="{{ iso }}">{{ shown }}{% if clock %}, {{ clock }}{% endif %}</time>`
    fn time_at<S: Show + ?Sized>(&mut self, iso: &S, shown: &S, clock: Option<&S>) -> &mut Self {
        self.t("<time datetime=\"").x(iso).t("\">").x(shown);
        if let Some(clock) = clock {
            self.t(", ").x(clock);
        }
        self.t("</time>")
    }

    /// `time_at` of a date of dateline's own views, with its time of day if `clock`.
    fn date(&mut self, date: &DateView, shown: &str, clock: bool) -> &mut Self {
        let time = date.time.as_deref().and_then(some).filter(|_| clock);
        self.time_at(date.iso.as_str(), shown, time)
    }
}

/// What a template writes with `{{ … }}`: a template value (escaped unless marked safe),
/// or text of dateline's own views (never marked safe: escaped).
trait Show {
    fn show(&self, w: &mut W<'_>);
}

impl Show for Value {
    fn show(&self, w: &mut W<'_>) {
        w.v(self);
    }
}

impl Show for str {
    fn show(&self, w: &mut W<'_>) {
        w.e(self);
    }
}

static NONE: LazyLock<Value> = LazyLock::new(Value::none);

/// The value of a card, author or term built once and shared (always there when a page
/// is rendered).
fn prebuilt<'v>(p: &Prebuilt<'v>) -> &'v Value {
    p.value.unwrap_or(&NONE)
}

/// Text that tera would show, or test in an `if`: none when empty.
fn some(text: &str) -> Option<&str> {
    (!text.is_empty()).then_some(text)
}

/// `value.key` (none when absent, as tera's lookups in `if` see it). The maps of views
/// are small: a scan of their keys beats hashing the key.
fn at<'v>(value: &'v Value, key: &str) -> &'v Value {
    value
        .as_map()
        .and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some(key)))
        .map_or(&NONE, |(_, v)| v)
}

/// A variable of the page's context.
fn var<'v>(cx: &'v Context, name: &str) -> &'v Value {
    cx.get(name).unwrap_or(&NONE)
}

/// The elements of an array (none for anything else).
fn items(value: &Value) -> &[Value] {
    value.as_array().unwrap_or(&[])
}

fn truthy(value: &Value) -> bool {
    value.is_truthy()
}

fn len(value: &Value) -> usize {
    value.len().unwrap_or(0)
}

fn number(value: &Value) -> i128 {
    value.as_i128().unwrap_or(0)
}

/// What `base.html` shows of any page: the globals, and the fields of `page`.
struct Layout<'a> {
    site: &'a Value,
    nav: &'a Value,
    head: Head<'a>,
}

/// `page`'s fields (`PageView`): all text of dateline's own, but the structured data
/// (marked safe).
struct Head<'a> {
    kind: &'a str,
    title: &'a str,
    description: &'a str,
    path: &'a str,
    url: &'a str,
    /// Each feed's MIME type, title and URL.
    feeds: Vec<[&'a str; 3]>,
    jsonld: &'a str,
}

impl<'a> Head<'a> {
    /// From `page` as a template value.
    fn of_value(page: &'a Value) -> Head<'a> {
        let text = |key| at(page, key).as_str().unwrap_or("");
        Head {
            kind: text("kind"),
            title: text("title"),
            description: text("description"),
            path: text("path"),
            url: text("url"),
            feeds: items(at(page, "feeds"))
                .iter()
                .map(|f| ["mime", "title", "url"].map(|key| at(f, key).as_str().unwrap_or("")))
                .collect(),
            jsonld: text("jsonld"),
        }
    }

    /// From the view.
    fn of_view(page: &'a PageView<'_>) -> Head<'a> {
        Head {
            kind: page.kind,
            title: page.title,
            description: page.description,
            path: &page.path,
            url: &page.url,
            feeds: (page.feeds.site.iter().chain(&page.feeds.own))
                .map(|f| [f.mime, f.title.as_str(), f.url.as_str()])
                .collect(),
            jsonld: page.jsonld.as_str().unwrap_or(""),
        }
    }
}

/// A block of `base.html` that a page template fills.
type Block<'b> = &'b dyn Fn(&mut W<'_>);

impl Layout<'_> {
    /// `base.html`, with the blocks a page template overrides.
    fn base(&self, w: &mut W<'_>, title: impl Fn(&mut W<'_>), meta: impl Fn(&mut W<'_>), main: impl Fn(&mut W<'_>)) {
        self.base_of(w, &title, &meta, &main);
    }

    /// `base`, compiled once rather than once for every page template's blocks.
    fn base_of(&self, w: &mut W<'_>, title: Block<'_>, meta: Block<'_>, main: Block<'_>) {
        let (site, nav, head) = (self.site, self.nav, &self.head);
        w.t("<!doctype html>\n<html lang=\"")
            .v(at(site, "language"))
            .t("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        title(w);
        w.t("</title>\n");
        if let Some(description) = some(head.description) {
            w.t("<meta name=\"description\" content=\"").e(description).t("\">\n");
        }
        w.t("<link rel=\"canonical\" href=\"")
            .e(head.url)
            .t("\">\n<link rel=\"stylesheet\" href=\"")
            .v(at(site, "stylesheet"))
            .t("\">\n");
        for [mime, title, url] in &head.feeds {
            w.t("<link rel=\"alternate\" type=\"")
                .e(mime)
                .t("\" title=\"")
                .e(title)
                .t("\" href=\"")
                .e(url)
                .t("\">\n");
        }
        w.t("<meta name=\"generator\" content=\"")
            .v(at(site, "generator"))
            .t("\">\n");
        meta(w);
        w.t("\n");
        if let Some(jsonld) = some(head.jsonld) {
            // Marked safe: escaped for a `<script>` element already.
            w.t("<script type=\"application/ld+json\">").t(jsonld).t("</script>\n");
        }
        w.t("\n</head>\n<body class=\"kind-")
            .e(head.kind)
            .t("\">\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header class=\"masthead\">\n<div class=\"wrap\">\n<a class=\"site-title\" href=\"")
            .v(at(nav, "home"))
            .t("\">")
            .v(at(site, "title"))
            .t("</a>\n<nav class=\"site-nav\" aria-label=\"Site\">\n<ul>\n<li><a href=\"")
            .v(at(nav, "home"))
            .t("\"");
        let kind = head.kind;
        let current = |w: &mut W<'_>, yes: bool| {
            if yes {
                w.t(" aria-current=\"page\"");
            }
        };
        current(w, kind == "home");
        w.t(">Latest</a></li>\n");
        let sections = at(nav, "sections");
        for s in items(sections).iter().take(6) {
            w.t("<li><a href=\"").v(at(s, "path")).t("\"");
            current(w, at(s, "path").as_str() == Some(head.path));
            w.t(">").v(at(s, "name")).t("</a></li>\n");
        }
        if len(sections) > 6 {
            w.t("<li><a href=\"").v(at(nav, "sections_index")).t("\"");
            current(w, kind == "sections");
            w.t(">More sections</a></li>\n");
        }
        w.t("<li><a href=\"").v(at(nav, "authors")).t("\"");
        current(w, kind == "authors");
        w.t(">Authors</a></li>\n<li><a href=\"").v(at(nav, "tags")).t("\"");
        current(w, kind == "tags");
        w.t(">Tags</a></li>\n</ul>\n");
        let years = at(nav, "years");
        if truthy(years) {
            w.t("<ul class=\"years\" aria-label=\"Years\">\n");
            for y in items(years) {
                w.t("<li><a href=\"").v(at(y, "path")).t("\"");
                current(w, at(y, "path").as_str() == Some(head.path));
                w.t(">").v(at(y, "year")).t("</a></li>\n");
            }
            w.t("</ul>");
        }
        w.t("\n</nav>\n</div>\n</header>\n<main id=\"main\" class=\"wrap\">\n");
        main(w);
        w.t("\n</main>\n<footer class=\"site-footer\">\n<div class=\"wrap\">\n<p><a href=\"")
            .v(at(nav, "home"))
            .t("\">")
            .v(at(site, "title"))
            .t("</a>");
        if truthy(at(site, "description")) {
            w.t(" · ").v(at(site, "description"));
        }
        w.t("</p>\n<p class=\"colophon\">Published by ")
            .v(at(at(site, "publisher"), "name"))
            .t(". Dates and times are in ")
            .v(at(site, "timezone"))
            .t(".");
        for (i, [_, title, url]) in head.feeds.iter().enumerate() {
            if i == 0 {
                w.t(" Feeds:");
            }
            w.t(" <a href=\"").e(url).t("\">").e(title).t("</a>");
            if i + 1 < head.feeds.len() {
                w.t(",");
            }
        }
        w.t("</p>\n</div>\n</footer>\n</body>\n</html>\n");
    }

    /// `base.html`'s meta block.
    fn default_meta(&self, w: &mut W<'_>) {
        let (site, head) = (self.site, &self.head);
        w.t("<meta property=\"og:type\" content=\"website\">\n<meta property=\"og:site_name\" content=\"")
            .v(at(site, "title"))
            .t("\">\n<meta property=\"og:title\" content=\"")
            .e(head.title)
            .t("\">\n<meta property=\"og:url\" content=\"")
            .e(head.url)
            .t("\">\n");
        if let Some(description) = some(head.description) {
            w.t("<meta property=\"og:description\" content=\"")
                .e(description)
                .t("\">\n");
        }
    }

    /// `article.html`'s meta block.
    fn article_meta(&self, w: &mut W<'_>, article: &ArticleView<'_>) {
        let (site, card) = (self.site, &article.card);
        w.t("<meta property=\"og:type\" content=\"article\">\n<meta property=\"og:site_name\" content=\"")
            .v(at(site, "title"))
            .t("\">\n<meta property=\"og:title\" content=\"")
            .e(card.title)
            .t("\">\n<meta property=\"og:url\" content=\"")
            .e(self.head.url)
            .t("\">\n");
        let summary = some(card.summary);
        if let Some(summary) = summary {
            w.t("<meta property=\"og:description\" content=\"")
                .e(summary)
                .t("\">\n");
        }
        let logo = at(at(site, "publisher"), "logo_url");
        if truthy(logo) {
            w.t("<meta property=\"og:image\" content=\"").v(logo).t("\">\n");
        }
        w.t("<meta property=\"article:published_time\" content=\"")
            .e(&card.date.iso)
            .t("\">\n");
        if let Some(modified) = &article.modified {
            w.t("<meta property=\"article:modified_time\" content=\"")
                .e(&modified.iso)
                .t("\">\n");
        }
        for a in &card.authors {
            w.t("<meta property=\"article:author\" content=\"")
                .v(at(prebuilt(a), "url"))
                .t("\">\n");
        }
        if let Some(section) = &card.section {
            w.t("<meta property=\"article:section\" content=\"")
                .v(at(prebuilt(section), "name"))
                .t("\">\n");
        }
        for t in &card.tags {
            w.t("<meta property=\"article:tag\" content=\"")
                .v(at(prebuilt(t), "name"))
                .t("\">\n");
        }
        w.t("<meta name=\"twitter:card\" content=\"summary\">\n<meta name=\"twitter:title\" content=\"")
            .e(card.title)
            .t("\">\n");
        if let Some(summary) = summary {
            w.t("<meta name=\"twitter:description\" content=\"")
                .e(summary)
                .t("\">\n");
        }
    }
}

/// `article.html`'s main block.
fn article(w: &mut W<'_>, page: &ArticlePage<'_, ArticleView<'_>, Vec<Crumb>>) {
    let (article, card) = (&page.article, &page.article.card);
    w.t("\n");
    let crumbs = page.breadcrumbs.iter();
    breadcrumbs(w, crumbs.map(|c| (c.path.as_str(), c.title.as_str())), false);
    w.t("\n<article class=\"story\">\n<header class=\"story-head\">\n");
    if let Some(section) = card.section.as_ref().map(prebuilt) {
        w.t("<p class=\"kicker\"><a href=\"")
            .v(at(section, "path"))
            .t("\">")
            .v(at(section, "name"))
            .t("</a></p>\n");
    }
    w.t("<h1>").e(card.title).t("</h1>\n");
    let authors = &card.authors;
    if !authors.is_empty() {
        w.t("<p class=\"byline\">By ");
        for (i, a) in authors.iter().map(prebuilt).enumerate() {
            if i > 0 {
                w.t(if i + 1 == authors.len() { " and " } else { ", " });
            }
            w.t("<a href=\"")
                .v(at(a, "path"))
                .t("\" rel=\"author\">")
                .v(at(a, "name"))
                .t("</a>");
        }
        w.t("</p>\n");
    }
    w.t("<p class=\"dateline\">").date(&card.date, &card.date.long, true);
    if let Some(modified) = &article.modified {
        w.t(" · Updated ").date(modified, &modified.date, true);
    }
    w.t("</p>\n</header>\n<div class=\"story-body\">\n")
        .v(&page.body)
        .t("\n</div>\n");
    let corrections = &article.corrections;
    if !corrections.is_empty() {
        w.t("<section class=\"corrections\" aria-labelledby=\"corrections\">\n<h2 id=\"corrections\">Correction")
            .plural_n(corrections.len())
            .t("</h2>\n<ul>\n");
        for c in corrections {
            w.t("<li>")
                .date(&c.date, &c.date.date, false)
                .t(": ")
                .e(c.text)
                .t("</li>\n");
        }
        w.t("</ul>\n</section>\n");
    }
    if !card.tags.is_empty() {
        w.t("<ul class=\"tags\" aria-label=\"Tags\">\n");
        for t in card.tags.iter().map(prebuilt) {
            w.t("<li><a href=\"")
                .v(at(t, "path"))
                .t("\" rel=\"tag\">")
                .v(at(t, "name"))
                .t("</a></li>\n");
        }
        w.t("</ul>\n");
    }
    w.t("</article>\n");
    if !page.more.is_empty() {
        w.t("<div class=\"rail\">\n");
        for m in &page.more {
            let author = &m.author;
            w.t("<aside class=\"more\" aria-label=\"More by ")
                .e(author.name)
                .t("\">\n<h2>More by <a href=\"")
                .e(&author.path)
                .t("\">")
                .e(author.name)
                .t("</a></h2>\n");
            card_list(w, m.articles.iter().map(prebuilt), false, 3);
            w.t("\n</aside>\n");
        }
        w.t("</div>\n");
    }
    let (older, newer) = (page.older.as_ref().map(prebuilt), page.newer.as_ref().map(prebuilt));
    if older.is_some() || newer.is_some() {
        w.t("<nav class=\"prevnext\" aria-label=\"Older and newer articles\">\n");
        if let Some(older) = older {
            w.t("<a class=\"older\" rel=\"prev\" href=\"")
                .v(at(older, "path"))
                .t("\"><span class=\"label\">Previous article</span> <span class=\"title\">")
                .v(at(older, "title"))
                .t("</span></a>");
        }
        w.t("\n");
        if let Some(newer) = newer {
            w.t("<a class=\"newer\" rel=\"next\" href=\"")
                .v(at(newer, "path"))
                .t("\"><span class=\"label\">Next article</span> <span class=\"title\">")
                .v(at(newer, "title"))
                .t("</span></a>");
        }
        w.t("\n</nav>\n");
    }
}

/// One listing page being written: its context, and what every page shows.
struct Page<'a> {
    cx: &'a Context,
    layout: Layout<'a>,
}

impl<'a> Page<'a> {
    fn var(&self, name: &str) -> &'a Value {
        var(self.cx, name)
    }

    /// `base.html`'s title block.
    fn default_title(&self, w: &mut W<'_>) {
        w.e(self.layout.head.title);
        let pagination = self.var("pagination");
        if truthy(pagination) && number(at(pagination, "current")) > 1 {
            w.t(" (page ").v(at(pagination, "current")).t(")");
        }
        w.t(" – ").v(at(self.layout.site, "title"));
    }

    fn home_title(&self, w: &mut W<'_>) {
        let current = at(self.var("pagination"), "current");
        if number(current) == 1 {
            w.v(at(self.layout.site, "title"));
        } else {
            w.t("Latest articles (page ")
                .v(current)
                .t(") – ")
                .v(at(self.layout.site, "title"));
        }
    }

    /// `home.html`'s main block.
    fn home(&self, w: &mut W<'_>) {
        let pagination = self.var("pagination");
        let articles = items(self.var("articles"));
        w.t("\n");
        if number(at(pagination, "current")) == 1 {
            w.t("<h1 class=\"visually-hidden\">")
                .v(at(self.layout.site, "title"))
                .t("</h1>\n");
            if let Some((lead, rest)) = articles.split_first() {
                w.t("<section class=\"lead\" aria-label=\"Lead story\">\n");
                article_card(w, lead, true, 2);
                w.t("\n</section>\n");
                if !rest.is_empty() {
                    w.t("<section class=\"latest\" aria-labelledby=\"latest\">\n<h2 id=\"latest\">Latest</h2>\n");
                    card_list(w, rest, true, 3);
                    w.t("\n</section>\n");
                }
            } else {
                w.t("<p class=\"empty\">No articles yet.</p>\n");
            }
        } else {
            w.t("<h1>Latest articles</h1>\n");
            card_list(w, articles, true, 2);
            w.t("\n");
        }
        pager(w, pagination);
        w.t("\n");
    }

    /// `year.html`'s main block.
    fn year(&self, w: &mut W<'_>) {
        let year = self.var("year");
        let pagination = self.var("pagination");
        w.t("\n");
        listing_crumbs(w, self.var("breadcrumbs"));
        w.t("\n<h1>").v(at(year, "year")).t("</h1>\n<p class=\"count\">");
        w.counted(at(year, "count"), "article").t("</p>\n");
        if number(at(pagination, "current")) == 1 {
            w.t("<nav class=\"months\" aria-label=\"Months of ")
                .v(at(year, "year"))
                .t("\">\n<ul>\n");
            for m in items(at(year, "months")).iter().rev() {
                w.t("<li><a href=\"")
                    .v(at(m, "path"))
                    .t("\">")
                    .v(at(m, "name"))
                    .t("</a> <span class=\"n\">")
                    .v(at(m, "count"))
                    .t("</span></li>\n");
            }
            w.t("</ul>\n</nav>\n");
        }
        self.day_groups(w);
        pager(w, pagination);
        w.t("\n");
        periods(w, at(year, "newer"), at(year, "older"), "Other years");
        w.t("\n");
    }

    /// The `groups` of a year's or a month's page.
    fn day_groups(&self, w: &mut W<'_>) {
        for g in items(self.var("groups")) {
            w.t("<section class=\"day-group\">\n<h2><a href=\"")
                .v(at(g, "path"))
                .t("\">")
                .v(at(g, "long"))
                .t("</a></h2>\n");
            card_list(w, items(at(g, "articles")), true, 3);
            w.t("\n</section>\n");
        }
    }

    /// `month.html`'s main block.
    fn month(&self, w: &mut W<'_>) {
        let month = self.var("month");
        let pagination = self.var("pagination");
        w.t("\n");
        listing_crumbs(w, self.var("breadcrumbs"));
        w.t("\n<h1>")
            .v(at(month, "name"))
            .t("</h1>\n<p class=\"count\">")
            .counted(at(month, "count"), "article")
            .t(" on ")
            .counted_n(len(at(month, "days")), "day")
            .t("</p>\n");
        if number(at(pagination, "current")) == 1 {
            let calendar = at(month, "calendar");
            w.t("<table class=\"calendar\">\n<caption class=\"visually-hidden\">")
                .v(at(month, "name"))
                .t(": days with articles are links</caption>\n<thead><tr>");
            for d in items(at(calendar, "weekdays")) {
                w.t("<th scope=\"col\">").v(d).t("</th>");
            }
            w.t("</tr></thead>\n<tbody>\n");
            for week in items(at(calendar, "weeks")) {
                w.t("<tr>");
                for d in items(week) {
                    if truthy(at(d, "path")) {
                        w.t("<td class=\"has\"><a href=\"")
                            .v(at(d, "path"))
                            .t("\" aria-label=\"")
                            .v(at(d, "date"))
                            .t(": ")
                            .counted(at(d, "count"), "article")
                            .t("\">")
                            .v(at(d, "day"))
                            .t("<span class=\"n\">")
                            .v(at(d, "count"))
                            .t("</span></a></td>");
                    } else if truthy(at(d, "day")) {
                        w.t("<td>").v(at(d, "day")).t("</td>");
                    } else {
                        w.t("<td class=\"pad\"></td>");
                    }
                }
                w.t("</tr>\n");
            }
            w.t("</tbody>\n</table>\n");
        }
        self.day_groups(w);
        pager(w, pagination);
        w.t("\n");
        periods(w, at(month, "newer"), at(month, "older"), "Other months");
        w.t("\n");
    }

    /// `day.html`'s main block.
    fn day(&self, w: &mut W<'_>) {
        let day = self.var("day");
        w.t("\n");
        listing_crumbs(w, self.var("breadcrumbs"));
        w.t("\n<h1>")
            .v(at(day, "long"))
            .t("</h1>\n<p class=\"count\">")
            .counted(at(day, "count"), "article");
        let other_years = at(day, "on_this_day");
        if truthy(other_years) {
            w.t(" · <a href=\"")
                .v(at(other_years, "path"))
                .t("\">")
                .v(at(other_years, "title"))
                .t(" in other years</a>");
        }
        w.t("</p>\n");
        card_list(w, items(self.var("articles")), true, 2);
        w.t("\n");
        pager(w, self.var("pagination"));
        w.t("\n");
        periods(w, at(day, "newer"), at(day, "older"), "Other days");
        w.t("\n");
    }

    /// `on-this-day.html`'s main block.
    fn on_this_day(&self, w: &mut W<'_>) {
        let otd = self.var("on_this_day");
        w.t("\n");
        listing_crumbs(w, self.var("breadcrumbs"));
        let years = items(at(otd, "years"));
        w.t("\n<h1>On this day: ")
            .v(at(otd, "name"))
            .t("</h1>\n<p class=\"count\">")
            .counted(at(otd, "count"), "article")
            .t(" from ")
            .counted_n(years.len(), "year")
            .t("</p>\n");
        for y in years {
            w.t("<section class=\"day-group\">\n<h2><a href=\"")
                .v(at(y, "path"))
                .t("\">")
                .v(at(otd, "name"))
                .t(", ")
                .v(at(y, "year"))
                .t("</a></h2>\n");
            card_list(w, items(at(y, "articles")), false, 3);
            w.t("\n</section>\n");
        }
        w.t("<nav class=\"periods\" aria-label=\"Other days of the year\">\n");
        let previous = at(otd, "previous");
        if truthy(previous) {
            w.t("<a class=\"older\" href=\"")
                .v(at(previous, "path"))
                .t("\">← ")
                .v(at(previous, "title"))
                .t("</a>");
        }
        w.t("\n");
        let next = at(otd, "next");
        if truthy(next) {
            w.t("<a class=\"newer\" href=\"")
                .v(at(next, "path"))
                .t("\">")
                .v(at(next, "title"))
                .t(" →</a>");
        }
        w.t("\n</nav>\n");
    }

    /// `author.html`'s main block.
    fn author(&self, w: &mut W<'_>) {
        let author = self.var("author");
        w.t("\n");
        listing_crumbs(w, self.var("breadcrumbs"));
        w.t("\n<header class=\"author-head\">\n");
        let photo = at(author, "photo");
        if truthy(photo) {
            w.t("<img class=\"photo\" src=\"")
                .v(photo)
                .t("\" alt=\"")
                .v(at(author, "name"))
                .t("\" width=\"96\" height=\"96\">\n");
        }
        w.t("<h1>").v(at(author, "name")).t("</h1>\n");
        let bio = at(author, "bio");
        if truthy(bio) {
            // `| safe`
            w.t("<div class=\"bio\">\n");
            match bio.as_str() {
                Some(html) => w.t(html),
                None => w.v(bio),
            };
            w.t("\n</div>\n");
        }
        w.t("<dl class=\"stats\">\n<div><dt>In this archive</dt><dd>")
            .counted(at(author, "count"), "article")
            .t("</dd></div>\n");
        let source_count = at(author, "source_count");
        if truthy(source_count) {
            w.t("<div><dt>At the source</dt><dd>")
                .counted(source_count, "article")
                .t("</dd></div>\n");
        }
        let first = at(author, "first_published");
        if truthy(first) {
            w.t("<div><dt>First article</dt><dd>")
                .time(first, "date")
                .t("</dd></div>\n<div><dt>Latest article</dt><dd>")
                .time(at(author, "last_published"), "date")
                .t("</dd></div>\n");
        }
        w.t("</dl>\n");
        let links = at(author, "links");
        if truthy(links) {
            w.t("<ul class=\"links\">\n");
            for l in items(links) {
                w.t("<li><a href=\"")
                    .v(at(l, "url"))
                    .t("\" rel=\"me\">")
                    .v(at(l, "name"))
                    .t("</a></li>\n");
            }
            w.t("</ul>\n");
        }
        w.t("</header>\n");
        let articles = items(self.var("articles"));
        if articles.is_empty() {
            w.t("<p class=\"empty\">No articles yet.</p>\n");
        } else {
            w.t("<section aria-labelledby=\"articles\">\n<h2 id=\"articles\">Articles</h2>\n");
            card_list(w, articles, true, 3);
            w.t("\n</section>\n");
        }
        pager(w, self.var("pagination"));
        w.t("\n");
    }

    /// `tag.html`'s main block.
    fn tag(&self, w: &mut W<'_>) {
        self.term(w, true);
    }

    /// `section.html`'s main block.
    fn section(&self, w: &mut W<'_>) {
        self.term(w, false);
    }

    fn term(&self, w: &mut W<'_>, tag: bool) {
        let term = self.var("term");
        w.t("\n");
        listing_crumbs(w, self.var("breadcrumbs"));
        w.t("\n<h1>")
            .v(at(term, "name"))
            .t("</h1>\n<p class=\"count\">")
            .counted(at(term, "count"), "article");
        if tag {
            w.t(" tagged “").v(at(term, "name")).t("”");
        }
        w.t("</p>\n");
        card_list(w, items(self.var("articles")), true, 2);
        w.t("\n");
        pager(w, self.var("pagination"));
        w.t("\n");
    }
}

/// `macros.html`: `article_card`.
fn article_card(w: &mut W<'_>, a: &Value, summary: bool, level: u8) {
    w.t("<article class=\"card\">\n");
    let (open, close) = match level {
        2 => ("<h2 class=\"card-title\"><a href=\"", "</a></h2>"),
        _ => ("<h3 class=\"card-title\"><a href=\"", "</a></h3>"),
    };
    // A short card (`short_card`): its middle is written already.
    w.t(open)
        .v(at(a, "path"))
        .t("\">")
        .v(at(a, "title"))
        .t(close)
        .v(at(a, "meta"));
    if summary && truthy(at(a, "summary")) {
        w.t("<p class=\"summary\">").v(at(a, "summary")).t("</p>");
    }
    w.t("\n</article>");
}

/// The middle of `article_card`: date, authors and section.
fn card_meta(w: &mut W<'_>, card: &Card<'_>) {
    w.t("\n<p class=\"meta\">").date(&card.date, &card.date.date, false);
    let authors: Vec<&Value> = card.authors.iter().filter_map(|a| a.value).collect();
    if !authors.is_empty() {
        w.t(" · <span class=\"by\">");
        for (i, au) in authors.into_iter().enumerate() {
            if i > 0 {
                w.t(", ");
            }
            w.t("<a href=\"").v(at(au, "path")).t("\">").v(at(au, "name")).t("</a>");
        }
        w.t("</span>");
    }
    if let Some(section) = card.section.as_ref().and_then(|s| s.value) {
        w.t(" · <a class=\"section\" href=\"")
            .v(at(section, "path"))
            .t("\">")
            .v(at(section, "name"))
            .t("</a>");
    }
    w.t("</p>\n");
}

/// `macros.html`: `card_list`.
fn card_list<'v>(w: &mut W<'_>, articles: impl IntoIterator<Item = &'v Value>, summary: bool, level: u8) {
    w.t("<ul class=\"cards\">\n");
    for a in articles {
        w.t("<li>");
        article_card(w, a, summary, level);
        w.t("</li>\n");
    }
    w.t("</ul>");
}

/// `macros.html`: `pager`.
fn pager(w: &mut W<'_>, p: &Value) {
    let total = number(at(p, "total"));
    if total <= 1 {
        return;
    }
    w.t("<nav class=\"pager\" aria-label=\"Pages\">\n");
    if truthy(at(p, "newer")) {
        w.t("<a class=\"newer\" rel=\"prev\" href=\"")
            .v(at(p, "newer"))
            .t("\">← Newer</a>");
    }
    w.t("\n<ol>\n");
    let window = items(at(p, "window"));
    let first = window.first().map_or(0, |l| number(at(l, "number")));
    let last = window.last().map_or(0, |l| number(at(l, "number")));
    if first > 1 {
        w.t("<li><a href=\"").v(at(p, "first")).t("\">1</a></li>");
        if first > 2 {
            w.t("<li class=\"gap\">…</li>");
        }
    }
    w.t("\n");
    for l in window {
        w.t("<li>");
        if truthy(at(l, "current")) {
            w.t("<span aria-current=\"page\">").v(at(l, "number")).t("</span>");
        } else {
            w.t("<a href=\"").v(at(l, "path")).t("\">").v(at(l, "number")).t("</a>");
        }
        w.t("</li>\n");
    }
    w.t("\n");
    if last < total {
        if last < total - 1 {
            w.t("<li class=\"gap\">…</li>");
        }
        w.t("<li><a href=\"")
            .v(at(p, "last"))
            .t("\">")
            .v(at(p, "total"))
            .t("</a></li>");
    }
    w.t("\n</ol>\n");
    if truthy(at(p, "older")) {
        w.t("<a class=\"older\" rel=\"next\" href=\"")
            .v(at(p, "older"))
            .t("\">Older →</a>");
    }
    w.t("\n</nav>");
}

/// `macros.html`: `breadcrumbs`, of each crumb's link and title.
fn breadcrumbs<'v, S: Show + ?Sized + 'v>(
    w: &mut W<'_>,
    crumbs: impl ExactSizeIterator<Item = (&'v S, &'v S)>,
    here: bool,
) {
    w.t("<nav class=\"breadcrumbs\" aria-label=\"Breadcrumb\">\n<ol>\n");
    let last = crumbs.len();
    for (i, (path, title)) in crumbs.enumerate() {
        w.t("<li><a href=\"").x(path).t("\"");
        if here && i + 1 == last {
            w.t(" aria-current=\"page\"");
        }
        w.t(">").x(title).t("</a></li>\n");
    }
    w.t("</ol>\n</nav>");
}

/// `breadcrumbs` of the crumbs of a listing's context.
fn listing_crumbs(w: &mut W<'_>, crumbs: &Value) {
    breadcrumbs(w, items(crumbs).iter().map(|c| (at(c, "path"), at(c, "title"))), true);
}

/// `macros.html`: `periods`.
fn periods(w: &mut W<'_>, newer: &Value, older: &Value, label: &str) {
    if !truthy(newer) && !truthy(older) {
        return;
    }
    w.t("<nav class=\"periods\" aria-label=\"").t(label).t("\">\n");
    if truthy(older) {
        w.t("<a class=\"older\" href=\"")
            .v(at(older, "path"))
            .t("\">← ")
            .v(at(older, "title"))
            .t("</a>");
    }
    w.t("\n");
    if truthy(newer) {
        w.t("<a class=\"newer\" href=\"")
            .v(at(newer, "path"))
            .t("\">")
            .v(at(newer, "title"))
            .t(" →</a>");
    }
    w.t("\n</nav>");
}

/// Panics, showing where they part, unless the compiled template wrote what tera did.
#[cfg(debug_assertions)]
pub fn assert_same(page: &super::Page, compiled: &[u8], tera: &[u8]) {
    if compiled == tera {
        return;
    }
    let at = compiled.iter().zip(tera).take_while(|(a, b)| a == b).count();
    let around = |bytes: &[u8]| {
        let from = at.saturating_sub(120);
        String::from_utf8_lossy(&bytes[from..(at + 120).min(bytes.len())]).into_owned()
    };
    panic!(
        "the compiled {} differs from tera's for {page:?} at byte {at}:\n--- compiled:\n{}\n--- tera:\n{}",
        page.template(),
        around(compiled),
        around(tera)
    );
}

#[cfg(test)]
mod tests {
    use crate::render::{RenderInput, Theme, plan};

    /// A site's template replaces the compiled one of its name; a new layout or new
    /// components replace them all; a copy of the default changes nothing.
    #[test]
    fn the_sites_templates_come_first() {
        use super::Compiled;
        let globals = || {
            let mut cx = tera::Context::new();
            cx.insert("site", &1);
            cx.insert("nav", &2);
            cx
        };
        let compiled = |files: &[(&str, &str)]| {
            let root = crate::testing::folder_with(files);
            Compiled::new(&Theme::load(root.path()).unwrap(), &globals())
        };
        let tag = include_str!("../../templates/tag.html");
        let all = compiled(&[("templates/tag.html", tag)]).unwrap();
        assert!(super::COMPILED.iter().all(|t| all.covers(t)));
        let some = compiled(&[("templates/tag.html", &tag.replace("<h1>", "<h1 class=\"t\">"))]).unwrap();
        assert!(!some.covers("tag.html") && some.covers("section.html") && some.covers("article.html"));
        let base = include_str!("../../templates/base.html").replace("<body", "<body data-x");
        assert!(compiled(&[("templates/base.html", &base)]).is_none());
        let macros = include_str!("../../templates/macros.html").replace("class=\"card\"", "class=\"tile\"");
        assert!(compiled(&[("templates/macros.html", &macros)]).is_none());
    }

    /// Every page of a site that reaches each branch of the compiled templates (eight
    /// sections, paged listings with gaps, corrections and updates, several authors, text
    /// to escape), rendered by the compiled templates and by tera: the same bytes.
    #[test]
    fn compiled_equals_tera() {
        let sections = [
            "News", "Politics", "Business", "World", "Markets", "Science", "Sport", "Arts",
        ];
        let texts: Vec<String> = (0..90)
            .map(|i| {
                let authors = match i % 3 {
                    0 => "authors: [\"Ann O'Neil\"]",
                    1 => "authors: [\"Ann O'Neil\", \"Bo <Bold>\", \"Cy\"]",
                    _ => "authors: []",
                };
                let extra = match i % 10 {
                    0 => "updated: 2025-01-20T10:00:00Z\ncorrections:\n  - date: 2025-01-21T10:00:00Z\n    text: \"A name was <misspelt> & fixed.\"\n",
                    5 => "corrections:\n  - date: 2025-01-21T10:00:00Z\n    text: \"One.\"\n  - date: 2025-01-22T10:00:00Z\n    text: \"Two.\"\n",
                    1 | 6 => "summary: \"\"\n",
                    _ => "",
                };
                format!(
                    "---\ntitle: \"Story {i} & “quotes” <b>\"\ndate: 20{:02}-{:02}-{:02}{}\n{authors}\ntags: [\"Tag {}\", \"T&T\"]\nsection: \"{}\"\n{extra}---\n\nBody of story {i} & \"co\", with *emphasis* and <em>markup</em>.\n",
                    20 + i % 4,
                    1 + i % 12,
                    1 + i % 3,
                    if i % 2 == 0 { "T10:00:00Z" } else { "" },
                    i % 7,
                    sections[i % sections.len()],
                )
            })
            .collect();
        let (mut config, archive, now) = crate::testing::site_of(&texts);
        config.paginate = 2;
        let files: Vec<(String, &str)> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("content/{i}.md"), t.as_str()))
            .collect();
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), *t)).collect();
        let root = crate::testing::folder_with(&files);
        let theme = Theme::load(root.path()).unwrap();
        let input = RenderInput {
            root: root.path(),
            config: &config,
            archive: &archive,
            theme: &theme,
            stylesheet: "/style.css".to_string(),
            now,
            assets: Default::default(),
        };
        let plan = plan(&input).unwrap();
        let renderer = &plan.renderer;
        let compiled = renderer.compiled.as_ref().expect("the default theme is compiled");
        let mut checked = std::collections::BTreeMap::new();
        for page in plan.pages() {
            if !compiled.covers(page.template()) {
                continue;
            }
            let html = renderer.render(page).unwrap();
            assert_eq!(
                String::from_utf8(html).unwrap(),
                String::from_utf8(renderer.render_with_tera(page).unwrap()).unwrap()
            );
            *checked.entry(page.kind()).or_insert(0) += 1;
        }
        assert_eq!(
            checked.len(),
            super::COMPILED.len(),
            "every compiled template checked: {checked:?}"
        );
        assert!(checked["article"] == 90 && checked["home"] == 45, "{checked:?}");
    }
}
