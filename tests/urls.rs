//! The record of published URLs (`urls.lock`): a URL, once published, keeps working. An
//! article that moves leaves a redirect; a URL that nothing gives any more fails the build
//! until it is given again or its removal is accepted.

mod common;

use std::fs;

use common::Site;
use dateline::{Error, UrlPolicy};

const CONFIG: &str = "title = \"Record\"\nbase_url = \"https://example.org/news/\"\n";

fn article(title: &str, date: &str, extra: &str) -> String {
    format!("---\ntitle: \"{title}\"\ndate: {date}\nauthor: Ann Lee\ntags: [harbour]\n{extra}---\nThe harbour.\n")
}

fn site() -> Site {
    let site = Site::with_config(CONFIG);
    site.write("content/ferry.md", article("Ferry Returns", "2025-03-01 10:00", ""));
    site.write("content/bridge.md", article("Bridge Opens", "2025-03-02 10:00", ""));
    site.built();
    site
}

fn record(site: &Site) -> String {
    fs::read_to_string(site.root().join("urls.lock")).expect("urls.lock is written")
}

fn lines(site: &Site) -> Vec<String> {
    record(site)
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(String::from)
        .collect()
}

fn problems(error: &Error) -> Vec<String> {
    let list = error
        .problems()
        .unwrap_or_else(|| panic!("not problems of the site: {error}"));
    list.iter().map(|d| d.to_string()).collect()
}

#[test]
fn a_build_records_every_page_and_feed_with_what_gives_it() {
    let site = site();
    let lines = lines(&site);
    for line in [
        "/\tsite\tdateline.toml",
        "/2025/03/01/ferry-returns/\tarticle\tcontent/ferry.md",
        "/2025/03/02/bridge-opens/\tarticle\tcontent/bridge.md",
        "/2025/03/\tlisting\tcontent/ferry.md",
        "/authors/ann-lee/\tlisting\tcontent/ferry.md",
        "/authors/ann-lee/atom.xml\tfeed\tcontent/ferry.md",
        "/atom.xml\tsite\tdateline.toml",
        "/404.html\tsite\tdateline.toml",
        "/search/\tsite\tdateline.toml",
    ] {
        assert!(lines.iter().any(|l| l == line), "{line} not in:\n{}", lines.join("\n"));
    }
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "sorted by URL");
    // A build that publishes the same URLs leaves the record as it was, byte for byte.
    let before = record(&site);
    site.built();
    assert_eq!(record(&site), before);
}

#[test]
fn a_retitled_article_keeps_its_old_url_as_a_redirect_for_good() {
    let site = site();
    site.write(
        "content/ferry.md",
        article("Ferry Service Returns", "2025-03-01 10:00", ""),
    );
    let summary = site.built();
    assert_eq!(summary.urls.moved.len(), 1);
    let moved = &summary.urls.moved[0];
    assert_eq!(
        (moved.from.as_str(), moved.to.as_str(), moved.source.as_str()),
        (
            "2025/03/01/ferry-returns/",
            "2025/03/01/ferry-service-returns/",
            "content/ferry.md"
        )
    );
    let redirect = site.page("2025/03/01/ferry-returns/");
    assert!(
        redirect.text.contains("/news/2025/03/01/ferry-service-returns/"),
        "the old URL's page sends readers on:\n{}",
        redirect.text
    );
    let redirects = fs::read_to_string(site.out().join("_redirects")).unwrap();
    assert!(redirects.contains("/news/2025/03/01/ferry-returns/ /news/2025/03/01/ferry-service-returns/ 301"));
    assert!(lines(&site).contains(&"/2025/03/01/ferry-returns/\tmoved\tcontent/ferry.md".to_string()));

    // Later builds keep the redirect, and it follows the article if it moves again.
    let summary = site.built();
    assert!(summary.urls.moved.is_empty(), "said once");
    assert!(site.exists("2025/03/01/ferry-returns/index.html"));
    site.write(
        "content/ferry.md",
        article("Ferry Service Returns", "2025-03-03 09:00", ""),
    );
    let summary = site.built();
    assert_eq!(
        summary.urls.moved[0].to, "2025/03/03/ferry-service-returns/",
        "re-dated"
    );
    let redirects = fs::read_to_string(site.out().join("_redirects")).unwrap();
    assert!(redirects.contains("/news/2025/03/01/ferry-returns/ /news/2025/03/03/ferry-service-returns/ 301"));
    assert!(redirects.contains("/news/2025/03/01/ferry-service-returns/ /news/2025/03/03/ferry-service-returns/ 301"));
}

#[test]
fn a_deleted_article_fails_the_build_until_its_removal_is_accepted() {
    let site = site();
    let before = record(&site);
    let page = fs::read(site.out().join("index.html")).unwrap();
    fs::remove_file(site.root().join("content/ferry.md")).unwrap();
    let error = site.build().unwrap_err();
    let problems = problems(&error);
    let line = |url: &str| {
        problems
            .iter()
            .find(|p| p.contains(url))
            .unwrap_or_else(|| panic!("{url} not named in {problems:#?}"))
            .clone()
    };
    let article = line("/2025/03/01/ferry-returns/ ");
    assert!(
        article.contains("urls.lock:")
            && article.contains("(an article) is no longer published: content/ferry.md, which gave it, is gone"),
        "{article}"
    );
    assert!(
        article.contains("hint: restore what gave it") && article.contains("--accept-removed"),
        "{article}"
    );
    assert_eq!(
        problems.len(),
        1,
        "the listing pages that went with it redirect: {problems:#?}"
    );
    assert_eq!(record(&site), before, "the record is left as it was");
    assert_eq!(
        fs::read(site.out().join("index.html")).unwrap(),
        page,
        "nothing was written"
    );

    // `check` refuses it too.
    let mut options = site.options();
    options.urls = UrlPolicy::Verify;
    assert!(dateline::build(&options).is_err());

    // `serve` warns and previews it.
    let mut options = site.options();
    options.urls = UrlPolicy::Preview;
    options.out = Some(site.root().join("preview"));
    let summary = dateline::build(&options).unwrap();
    assert_eq!(summary.urls.warnings.len(), 1, "{:?}", summary.urls.warnings);
    assert_eq!(record(&site), before, "a preview records nothing");

    // Accepted: recorded as removed, and later builds build.
    let mut options = site.options();
    options.urls = UrlPolicy::AcceptRemovals;
    let summary = dateline::build(&options).unwrap();
    assert_eq!(summary.urls.removed, 1);
    let lines = lines(&site);
    assert!(lines.contains(&"/2025/03/01/ferry-returns/\tremoved\tcontent/ferry.md".to_string()));
    site.built();
    assert!(!site.exists("2025/03/01/ferry-returns/index.html"));
    // The day and its calendar day have no article now: they send readers to the month,
    // and to the home page.
    assert!(
        lines.contains(&"/2025/03/01/\tredirect\tdateline.toml".to_string()),
        "{lines:#?}"
    );
    assert!(site.page("2025/03/01/").text.contains("url=/news/2025/03/\""));
    assert!(site.page("on-this-day/03-01/").text.contains("url=/news/\""));
    let redirects = fs::read_to_string(site.out().join("_redirects")).unwrap();
    assert!(
        redirects.contains("/news/2025/03/01/ /news/2025/03/ 301"),
        "{redirects}"
    );
}

#[test]
fn an_alias_on_another_article_keeps_a_deleted_articles_url() {
    let site = site();
    fs::remove_file(site.root().join("content/ferry.md")).unwrap();
    site.write(
        "content/bridge.md",
        article(
            "Bridge Opens",
            "2025-03-02 10:00",
            "aliases: [\"/2025/03/01/ferry-returns/\", \"/2025/03/01/\"]\n",
        ),
    );
    site.built();
    let lines = lines(&site);
    assert!(
        lines.contains(&"/2025/03/01/ferry-returns/\talias\tcontent/bridge.md".to_string()),
        "{lines:#?}"
    );
}

#[test]
fn a_build_of_drafts_or_of_the_future_records_nothing() {
    let site = site();
    let before = record(&site);
    site.write(
        "content/draft.md",
        article("Draft Story", "2025-03-04 10:00", "draft: true\n"),
    );
    let mut options = site.options();
    options.drafts = true;
    options.out = Some(site.root().join("drafts"));
    dateline::build(&options).unwrap();
    assert_eq!(record(&site), before);
}

#[test]
fn a_record_that_is_not_one_is_a_problem_at_its_line() {
    let site = site();
    let mut text = record(&site);
    text.push_str("/oops/ article content/x.md\n");
    fs::write(site.root().join("urls.lock"), &text).unwrap();
    let problems = problems(&site.build().unwrap_err());
    let n = text.lines().count();
    assert!(
        problems[0].contains(&format!("urls.lock:{n}:1: error: not a line of the record")),
        "{problems:#?}"
    );
}
