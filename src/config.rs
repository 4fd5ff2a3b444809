//! `dateline.toml`: the site's configuration, read strictly (unknown keys are errors).

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::Deserialize;
use toml::Spanned;

use crate::diag::suggest;

use crate::diag::Diagnostic;

/// Name of the configuration file at the root of a site.
pub const CONFIG_FILE: &str = "dateline.toml";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Spanned<String>,
    base_url: Spanned<String>,
    #[serde(default)]
    description: String,
    language: Option<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    paginate: Option<Spanned<i64>>,
    feed_limit: Option<Spanned<i64>>,
    #[serde(default)]
    feed_content: FeedContent,
    publisher: Option<RawPublisher>,
    #[serde(default)]
    search: RawSearch,
    #[serde(default)]
    deploy: RawDeploy,
    #[serde(default)]
    feeds: RawFeeds,
    #[serde(default)]
    content: RawContent,
    #[serde(default)]
    output: RawOutput,
}

/// `[output]`: how a build puts its files in the output folder.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawOutput {
    #[serde(default)]
    atomic: bool,
}

/// `[content]`: how article sources are read.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawContent {
    #[serde(default)]
    sanitize: bool,
}

/// What feed entries carry besides title, date, authors and summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedContent {
    /// The summary only (readers follow the link for the article).
    #[default]
    Summary,
    /// The whole article as HTML.
    Full,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPublisher {
    name: Option<String>,
    logo: Option<String>,
}

/// `[search]`: the search page and its index.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSearch {
    #[serde(default = "yes")]
    enabled: bool,
}

impl Default for RawSearch {
    fn default() -> Self {
        RawSearch { enabled: yes() }
    }
}

/// `[deploy]`: where and how `dateline deploy` publishes the output folder.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDeploy {
    to: Option<Spanned<String>>,
    endpoint: Option<Spanned<String>>,
    region: Option<String>,
    concurrency: Option<Spanned<i64>>,
    #[serde(default)]
    compress: Compression,
    host: Option<Host>,
    #[serde(default)]
    nginx_redirects: bool,
}

/// `[feeds]`: what every feed announces.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFeeds {
    hub: Option<Spanned<String>>,
}

/// How `dateline deploy` stores text files (HTML, CSS, JavaScript, XML, JSON, text).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// As they are.
    #[default]
    None,
    /// Gzip-compressed, sent with `Content-Encoding: gzip`.
    Gzip,
    /// Brotli-compressed, sent with `Content-Encoding: br`.
    Br,
}

/// A static host whose limits `dateline check --host` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Host {
    GithubPages,
    CloudflarePages,
    Netlify,
    S3,
}

/// `[deploy]`, validated.
#[derive(Debug, Clone, Default)]
pub struct Deploy {
    /// `s3://BUCKET[/PREFIX]`, checked to have that form.
    pub to: Option<String>,
    /// The store's endpoint (`https://…`), for stores other than AWS S3.
    pub endpoint: Option<String>,
    pub region: Option<String>,
    /// Requests in flight at once.
    pub concurrency: usize,
    pub compress: Compression,
    /// The host whose limits `dateline check` checks by default.
    pub host: Option<Host>,
    /// Whether a build writes `nginx-redirects.conf` into the output folder.
    pub nginx_redirects: bool,
}

/// Requests `dateline deploy` keeps in flight unless `[deploy] concurrency` says otherwise.
pub const DEFAULT_CONCURRENCY: usize = 16;

fn yes() -> bool {
    true
}

/// The validated configuration of a site.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub base_url: BaseUrl,
    pub description: String,
    /// BCP 47 language tag of the site, e.g. `en` or `pt-BR`.
    pub language: String,
    pub timezone: Tz,
    /// Articles per listing page.
    pub paginate: usize,
    /// Entries per feed.
    pub feed_limit: usize,
    pub feed_content: FeedContent,
    pub publisher: Publisher,
    /// Whether the site has a search page (`/search/`) and its index (`[search] enabled`).
    pub search: bool,
    pub deploy: Deploy,
    /// The WebSub hub every feed names (`[feeds] hub`), an absolute URL.
    pub hub: Option<String>,
    /// Whether the raw HTML of Markdown bodies is cleaned (`[content] sanitize`): off, a
    /// body's HTML is the newsroom's own and kept as written.
    pub sanitize: bool,
    /// Whether a build that changes some files of the output folder puts them all in place
    /// at once (`[output] atomic`), at the price of a link per file of the folder.
    pub atomic_output: bool,
}

/// The organisation that publishes the archive (used in structured data).
#[derive(Debug, Clone)]
pub struct Publisher {
    pub name: String,
    pub logo: Option<String>,
}

/// The absolute URL the site is served from, always ending in `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    full: String,
    path_start: usize,
}

impl BaseUrl {
    /// Parses an absolute `http(s)://host[:port][/path]` URL.
    pub fn parse(input: &str) -> Result<BaseUrl, String> {
        let input = input.trim();
        let rest = input
            .strip_prefix("https://")
            .or_else(|| input.strip_prefix("http://"))
            .ok_or_else(|| format!("`{input}` is not an absolute http:// or https:// URL"))?;
        if input.contains(['?', '#']) || input.chars().any(char::is_whitespace) {
            return Err(format!("`{input}` must not contain spaces, a query or a fragment"));
        }
        let host_len = rest.find('/').unwrap_or(rest.len());
        if host_len == 0 {
            return Err(format!("`{input}` has no host name"));
        }
        let path_start = input.len() - rest.len() + host_len;
        let mut full = input.to_string();
        if !full.ends_with('/') {
            full.push('/');
        }
        Ok(BaseUrl { full, path_start })
    }

    /// The whole URL, ending in `/`.
    pub fn as_str(&self) -> &str {
        &self.full
    }

    /// The path part, starting and ending in `/` (just `/` at a domain's root).
    pub(crate) fn path(&self) -> &str {
        &self.full[self.path_start..]
    }

    /// The absolute URL of a site-relative path (`2025/` → `https://example.org/2025/`).
    pub(crate) fn join(&self, rel: &str) -> String {
        let mut url = String::with_capacity(self.full.len() + rel.len());
        url.push_str(&self.full);
        url.push_str(rel.trim_start_matches('/'));
        url
    }

    /// The root-relative link of a site-relative path (`2025/` → `/archive/2025/`).
    pub(crate) fn link(&self, rel: &str) -> String {
        let base = self.path();
        let mut link = String::with_capacity(base.len() + rel.len());
        link.push_str(base);
        link.push_str(rel.trim_start_matches('/'));
        link
    }
}

/// Whether `site` is a site: a folder with a `dateline.toml`. One that is not gets no
/// lock and no `.dateline` folder: what uses it says what is wrong, and leaves nothing.
pub fn is_site(site: &Path) -> bool {
    site.join(CONFIG_FILE).is_file()
}

impl Config {
    /// Reads `SITE/dateline.toml`. `base_url` replaces the configured base URL (from `--base-url`).
    pub fn load(site: &Path, base_url: Option<&BaseUrl>) -> Result<Config, Vec<Diagnostic>> {
        let path = crate::diag::shown(site, Path::new(CONFIG_FILE));
        let text = match std::fs::read(site.join(CONFIG_FILE)) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
                vec![Diagnostic::at_offset(
                    &path,
                    &String::from_utf8_lossy(&e.as_bytes()[..e.utf8_error().valid_up_to()]),
                    e.utf8_error().valid_up_to(),
                    "invalid UTF-8",
                )]
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !site.as_os_str().is_empty() && !site.is_dir() => {
                let what = match site.exists() {
                    true => "is not a folder",
                    false => "does not exist",
                };
                return Err(vec![
                    Diagnostic::file(site, format!("the site folder {} {what}", shown_dir(site)))
                        .with_hint("pass the site's folder with `-s SITE`, or make one with `dateline init DIR`"),
                ]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(vec![
                    Diagnostic::file(
                        &path,
                        format!("no {CONFIG_FILE}: {} is not a dateline site", shown_dir(site)),
                    )
                    .with_hint("create one with `dateline init DIR`, or pass the site with `-s SITE`"),
                ]);
            }
            Err(e) => return Err(vec![Diagnostic::file(&path, format!("cannot read: {e}"))]),
        };
        Config::parse(&path, &text, base_url)
    }

    /// Parses the text of a configuration file; `path` is only used in messages.
    pub fn parse(path: &Path, text: &str, base_url: Option<&BaseUrl>) -> Result<Config, Vec<Diagnostic>> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // Every unknown key is reported, and the rest of the file checked as if its line
        // were not there (blanked, so every other offset stays where it was).
        let mut problems = Vec::new();
        let mut read = std::borrow::Cow::Borrowed(text);
        let raw: RawConfig = loop {
            let e = match toml::from_str(&read) {
                Ok(raw) => break raw,
                Err(e) => e,
            };
            let offset = e.span().map_or(0, |s| s.start);
            match unknown_key(path, &read, offset, e.message()) {
                Some((unknown, lines)) if problems.len() < 64 => {
                    problems.push(unknown);
                    read = crate::diag::blanked(&read, lines).into();
                }
                _ => {
                    problems.push(Diagnostic::at_offset(path, text, offset, toml_message(e.message())));
                    return Err(problems);
                }
            }
        };
        let at = |span: std::ops::Range<usize>, message: String| Diagnostic::at_offset(path, text, span.start, message);

        if raw.title.get_ref().trim().is_empty() {
            problems.push(at(raw.title.span(), "`title` is empty".into()));
        }
        let parsed_base = match base_url {
            Some(url) => Some(url.clone()),
            None => match BaseUrl::parse(raw.base_url.get_ref()) {
                Ok(url) => Some(url),
                Err(message) => {
                    problems.push(
                        at(raw.base_url.span(), format!("invalid `base_url`: {message}"))
                            .with_hint("for example base_url = \"https://news.example.org/archive/\""),
                    );
                    None
                }
            },
        };
        let timezone = match &raw.timezone {
            None => Some(Tz::UTC),
            Some(name) => match name.get_ref().parse::<Tz>() {
                Ok(tz) => Some(tz),
                Err(_) => {
                    problems.push(
                        at(name.span(), format!("unknown time zone `{}`", name.get_ref()))
                            .with_hint("use an IANA name such as \"UTC\", \"Europe/Paris\" or \"Asia/Tokyo\""),
                    );
                    None
                }
            },
        };
        let language = match &raw.language {
            None => "en".to_string(),
            Some(lang) => {
                let tag = lang.get_ref().trim();
                let valid = !tag.is_empty()
                    && tag.split('-').all(|part| {
                        !part.is_empty() && part.len() <= 8 && part.chars().all(|c| c.is_ascii_alphanumeric())
                    });
                if !valid {
                    problems.push(
                        at(lang.span(), format!("`{tag}` is not a language tag"))
                            .with_hint("use a BCP 47 tag such as \"en\", \"fr\" or \"pt-BR\""),
                    );
                }
                tag.to_string()
            }
        };
        let mut positive = |value: &Option<Spanned<i64>>, key: &str, default: usize| match value {
            None => default,
            Some(v) if *v.get_ref() >= 1 && *v.get_ref() <= 100_000 => *v.get_ref() as usize,
            Some(v) => {
                problems.push(at(v.span(), format!("`{key}` must be between 1 and 100000")));
                default
            }
        };
        let paginate = positive(&raw.paginate, "paginate", 20);
        let feed_limit = positive(&raw.feed_limit, "feed_limit", 50);
        let concurrency = match &raw.deploy.concurrency {
            None => DEFAULT_CONCURRENCY,
            Some(v) if (1..=256).contains(v.get_ref()) => *v.get_ref() as usize,
            Some(v) => {
                problems.push(at(v.span(), "`concurrency` must be between 1 and 256".into()));
                DEFAULT_CONCURRENCY
            }
        };
        if let Some(to) = &raw.deploy.to
            && let Err(message) = crate::publish::deploy::Target::parse(to.get_ref())
        {
            problems.push(at(to.span(), format!("invalid `to`: {message}")));
        }
        let absolute = |value: &Option<Spanned<String>>, key: &str, problems: &mut Vec<Diagnostic>| {
            let value = value.as_ref()?;
            match BaseUrl::parse(value.get_ref()) {
                Ok(_) => Some(value.get_ref().trim().to_string()),
                Err(message) => {
                    problems.push(at(value.span(), format!("invalid `{key}`: {message}")));
                    None
                }
            }
        };
        let endpoint = absolute(&raw.deploy.endpoint, "endpoint", &mut problems);
        let hub = absolute(&raw.feeds.hub, "hub", &mut problems);

        match (parsed_base, timezone) {
            (Some(base_url), Some(timezone)) if problems.is_empty() => {
                let title = raw.title.into_inner().trim().to_string();
                let publisher = raw.publisher.unwrap_or(RawPublisher { name: None, logo: None });
                Ok(Config {
                    publisher: Publisher {
                        name: publisher.name.unwrap_or_else(|| title.clone()),
                        logo: publisher.logo,
                    },
                    title,
                    base_url,
                    description: raw.description.trim().to_string(),
                    language,
                    timezone,
                    paginate,
                    feed_limit,
                    feed_content: raw.feed_content,
                    search: raw.search.enabled,
                    deploy: Deploy {
                        to: raw.deploy.to.map(|to| to.into_inner().trim().to_string()),
                        endpoint: endpoint.map(|e| e.trim_end_matches('/').to_string()),
                        region: raw.deploy.region,
                        concurrency,
                        compress: raw.deploy.compress,
                        host: raw.deploy.host,
                        nginx_redirects: raw.deploy.nginx_redirects,
                    },
                    hub,
                    sanitize: raw.content.sanitize,
                    atomic_output: raw.output.atomic,
                })
            }
            _ => Err(problems),
        }
    }
}

fn shown_dir(site: &Path) -> String {
    let shown: PathBuf = if site.as_os_str().is_empty() {
        ".".into()
    } else {
        site.to_path_buf()
    };
    format!("`{}`", shown.display())
}

/// The unknown key the toml crate's `message` is about (at `offset` of `text`, the file at
/// `path`), named with the table it is in and the known key most like it; and the byte
/// range of its line (of its whole table, for a table). `None` if the message is about
/// something else.
fn unknown_key(path: &Path, text: &str, offset: usize, message: &str) -> Option<(Diagnostic, std::ops::Range<usize>)> {
    let rest = message.trim().strip_prefix("unknown field `")?;
    let key = &rest[..rest.find('`')?];
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let is_header = |line: &str| line.trim_start().starts_with('[');
    if is_header(&text[start..end]) {
        // A table of its own: it goes whole, to the next table.
        let mut next = end;
        while next < text.len() {
            let line_end = text[next + 1..].find('\n').map_or(text.len(), |i| next + 1 + i);
            if is_header(&text[next + 1..line_end]) {
                break;
            }
            next = line_end;
        }
        let unknown = Diagnostic::at_offset(path, text, offset, format!("unknown table `[{key}]` in {CONFIG_FILE}"));
        let unknown = match suggest::closest(key, suggest::fields_of::<RawConfig>()) {
            Some(k) => unknown.with_hint(format!("did you mean `[{k}]`?")),
            None => unknown,
        };
        return Some((unknown, start..next.min(text.len())));
    }
    // The table it is in: the last `[table]` header before it, if any.
    let table = text[..start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('[') && !l.starts_with("[["))
        .map(|l| l.trim_matches(['[', ']']).trim().to_string());
    let known = match table.as_deref() {
        None => suggest::fields_of::<RawConfig>(),
        Some("publisher") => suggest::fields_of::<RawPublisher>(),
        Some("search") => suggest::fields_of::<RawSearch>(),
        Some("deploy") => suggest::fields_of::<RawDeploy>(),
        Some("feeds") => suggest::fields_of::<RawFeeds>(),
        Some("content") => suggest::fields_of::<RawContent>(),
        Some("output") => suggest::fields_of::<RawOutput>(),
        Some(_) => &[],
    };
    let place = match &table {
        Some(table) => format!("[{table}]"),
        None => CONFIG_FILE.to_string(),
    };
    let unknown = Diagnostic::at_offset(path, text, offset, format!("unknown key `{key}` in {place}"));
    let unknown = match suggest::did_you_mean(key, known) {
        Some(hint) => unknown.with_hint(hint),
        None => unknown,
    };
    Some((unknown, start..end))
}

/// Rewords the messages of the toml crate that new users meet most.
fn toml_message(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let key = rest.split(',').next().unwrap_or(rest);
        return format!("unknown key {key} in {CONFIG_FILE}");
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return format!("missing required key {rest}");
    }
    message.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<String>> {
        Config::parse(Path::new("dateline.toml"), text, None)
            .map_err(|list| list.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = parse("title = \"Archive\"\nbase_url = \"https://example.org\"\n").unwrap();
        assert_eq!(c.base_url.as_str(), "https://example.org/");
        assert_eq!(c.base_url.path(), "/");
        assert_eq!(c.language, "en");
        assert_eq!(c.timezone, Tz::UTC);
        assert_eq!(
            (c.paginate, c.feed_limit, c.feed_content),
            (20, 50, FeedContent::Summary)
        );
        assert_eq!(c.publisher.name, "Archive");
        assert!(c.search);
    }

    #[test]
    fn search_can_be_turned_off_and_its_keys_are_checked() {
        let c = parse("title = \"A\"\nbase_url = \"https://e.org/\"\n[search]\nenabled = false\n").unwrap();
        assert!(!c.search);
        let err = parse("title = \"A\"\nbase_url = \"https://e.org/\"\n[search]\nenable = false\n").unwrap_err();
        assert!(
            err[0].starts_with("dateline.toml:4:1: error: unknown key `enable`"),
            "{}",
            err[0]
        );
    }

    #[test]
    fn base_url_with_a_path() {
        let url = BaseUrl::parse("https://example.org/archive").unwrap();
        assert_eq!(url.path(), "/archive/");
        assert_eq!(url.join("2025/"), "https://example.org/archive/2025/");
        assert_eq!(url.link("2025/"), "/archive/2025/");
        assert_eq!(url.link(""), "/archive/");
        assert!(BaseUrl::parse("example.org").is_err());
        assert!(BaseUrl::parse("https:///x").is_err());
        assert!(BaseUrl::parse("https://example.org/?q=1").is_err());
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let err = parse("title = \"A\"\nbase_url = \"https://e.org/\"\npagniate = 10\n").unwrap_err();
        assert_eq!(err.len(), 1);
        assert!(
            err[0].starts_with("dateline.toml:3:1: error: unknown key `pagniate`"),
            "{}",
            err[0]
        );
    }

    #[test]
    fn bad_values_are_all_reported() {
        let err = parse(
            "title = \"A\"\nbase_url = \"example.org\"\ntimezone = \"Mars/Olympus\"\npaginate = 0\nlanguage = \"en us\"\n",
        )
        .unwrap_err();
        assert_eq!(err.len(), 4, "{err:?}");
        assert!(
            err.iter()
                .any(|e| e.starts_with("dateline.toml:2:12: error: invalid `base_url`"))
        );
        assert!(
            err.iter()
                .any(|e| e.starts_with("dateline.toml:3:12: error: unknown time zone `Mars/Olympus`"))
        );
        assert!(
            err.iter()
                .any(|e| e.starts_with("dateline.toml:4:12: error: `paginate`"))
        );
        assert!(
            err.iter()
                .any(|e| e.starts_with("dateline.toml:5:12: error: `en us` is not a language tag"))
        );
    }

    #[test]
    fn missing_title_and_syntax_errors() {
        let err = parse("base_url = \"https://e.org/\"\n").unwrap_err();
        assert!(err[0].contains("missing required key `title`"), "{}", err[0]);
        let err = parse("title = \"A\nbase_url = 1\n").unwrap_err();
        assert!(err[0].starts_with("dateline.toml:1:"), "{}", err[0]);
    }

    #[test]
    fn content_sanitize_is_off_unless_set() {
        let base = "title = \"A\"\nbase_url = \"https://e.org/\"\n";
        assert!(!parse(base).unwrap().sanitize);
        assert!(parse(&format!("{base}[content]\nsanitize = true\n")).unwrap().sanitize);
        assert!(parse(&format!("{base}[content]\nclean = true\n")).is_err());
    }

    #[test]
    fn feed_content_is_summary_or_full() {
        let c = parse("title = \"A\"\nbase_url = \"https://e.org/\"\nfeed_content = \"full\"\n").unwrap();
        assert_eq!(c.feed_content, FeedContent::Full);
        let err = parse("title = \"A\"\nbase_url = \"https://e.org/\"\nfeed_content = \"all\"\n").unwrap_err();
        assert!(
            err[0].starts_with("dateline.toml:3:16: error: unknown variant `all`"),
            "{}",
            err[0]
        );
    }

    #[test]
    fn base_url_override_wins() {
        let url = BaseUrl::parse("http://127.0.0.1:1111/").unwrap();
        let c = Config::parse(
            Path::new("x"),
            "title = \"A\"\nbase_url = \"https://e.org/\"\n",
            Some(&url),
        )
        .unwrap();
        assert_eq!(c.base_url.as_str(), "http://127.0.0.1:1111/");
    }
}
