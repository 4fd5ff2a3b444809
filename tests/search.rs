//! The search index: what it holds of each article, where it is, and that a build makes
//! again only the index of the years whose articles changed. (The search page itself, in
//! a browser, is tested in `tests/browser.rs`.)

mod common;

use std::io::Read;
use std::path::Path;

use common::Site;
use serde_json::Value;

/// Every record of the index at `bundle` (a year's folder of the output): the fragments
/// Pagefind wrote, decompressed.
fn records(bundle: &Path) -> Vec<Value> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(bundle.join("fragment")).expect("the index has fragments") {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        let mut text = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_end(&mut text).unwrap();
        let json = text.strip_prefix(b"pagefind_dcd").expect("Pagefind's signature");
        found.push(serde_json::from_slice(json).unwrap());
    }
    found.sort_by_key(|r: &Value| r["url"].as_str().unwrap_or_default().to_string());
    found
}

fn record<'a>(records: &'a [Value], url: &str) -> &'a Value {
    (records.iter().find(|r| r["url"] == url)).unwrap_or_else(|| panic!("no record of {url} in {records:#?}"))
}

#[test]
fn each_part_of_the_archive_has_an_index_of_what_readers_see_of_its_articles() {
    let site = Site::fixture("basic");
    site.built();
    let index = site.out().join("search/index");
    let mut years: Vec<String> = (std::fs::read_dir(&index).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    years.sort();
    // The newest day alone, the rest of its month, the rest of its year, the older years.
    assert_eq!(years, ["2024", "2025", "2025-12", "2025-12-31"]);
    for year in &years {
        let bundle = index.join(year);
        for file in ["pagefind.js", "pagefind-entry.json", "wasm.en.pagefind"] {
            assert!(bundle.join(file).is_file(), "{year}/{file}");
        }
        assert!(!bundle.join("pagefind-ui.js").exists(), "Pagefind's own UI is left out");
    }

    let all = records(&index.join("2025"));
    // Published articles only (no draft, nothing scheduled), at their links under the
    // site's base path.
    assert_eq!(all.len(), 2, "{all:#?}");
    assert_eq!(records(&index.join("2025-12")).len(), 2);
    assert_eq!(records(&index.join("2025-12-31")).len(), 1);
    let seed = record(
        &all,
        "/archive/2025/10/26/japans-pm-takaichi-and-trump-discuss-strengthening-us-japan-alliance/",
    );
    let meta = &seed["meta"];
    assert_eq!(
        meta["title"],
        "Japan’s PM Takaichi and Trump Discuss Strengthening US-Japan Alliance"
    );
    assert_eq!(meta["byline"], "Austin Collins");
    assert_eq!(meta.get("date"), None, "no month names among the words searched");
    assert_eq!(meta["iso"], "2025-10-26T00:00:00-04:00", "in the site's time zone");
    assert_eq!(seed["filters"]["author"], serde_json::json!(["Austin Collins"]));
    assert_eq!(seed["filters"].get("year"), None, "the page gives each index its year");
    let content = seed["content"].as_str().unwrap();
    assert!(content.contains("Emperor Naruhito"), "the body is indexed: {content}");
    assert!(
        !content.contains("Austin Collins") && !content.contains("Discuss Strengthening"),
        "title and byline are searched as metadata, not cut into excerpts: {content}"
    );
    assert!(
        !content.contains("October 26, 2025"),
        "dates are kept beside the words, not in them"
    );

    let tokyo = record(&all, "/archive/2025/10/25/dong-jing-deshou-noy-hui-tan/");
    assert_eq!(tokyo["meta"]["title"], "東京で首脳会談");
    assert_eq!(
        tokyo["meta"]["cjk"], "東京 京で で首 首脳 脳会 会談",
        "every word of the title"
    );
    assert!(tokyo["content"].as_str().unwrap().contains("Talks in Tokyo"));

    let older = records(&index.join("2024"));
    assert_eq!(older.len(), 2, "{older:#?}");

    // The search page names the indexes, newest first, and the script that searches them.
    let page = site.page("search/");
    let bundles = page.attr(".search-app", "data-bundles");
    assert_eq!(
        bundles,
        "/archive/search/index/2025-12-31/ /archive/search/index/2025-12/ /archive/search/index/2025/ /archive/search/index/2024/"
    );
    assert_eq!(page.attr(".search-app", "data-years"), "2025 2025 2025 2024");
    assert_eq!(page.attr(".search-app", "data-parts"), "2025-12-31 2025-12 2025 2024");
    assert!(site.exists("search.js"));
}

#[test]
fn an_edit_makes_again_only_the_index_of_its_part() {
    let site = Site::fixture("basic");
    let first = site.built();
    assert_eq!((first.search_indexed.years, first.search_indexed.kept), (4, 0));
    let older = ["2024", "2025", "2025-12-31"].map(|part| site.out().join("search/index").join(part));
    let before: Vec<_> = older.iter().map(|b| common::tree(b)).collect();

    let budget = "content/2025/12/budget-vote.md";
    let text = std::fs::read_to_string(site.root().join(budget)).unwrap();
    site.write(budget, text.replace("narrow", "quinquennial"));
    let second = site.built();
    assert_eq!(
        (second.search_indexed.years, second.search_indexed.kept),
        (1, 3),
        "{second:?}"
    );
    assert!(second.search_indexed.written > 0);
    let after: Vec<_> = older.iter().map(|b| common::tree(b)).collect();
    assert!(after == before, "the indexes of the other parts are as they were");
    let all = records(&site.out().join("search/index/2025-12"));
    assert!(
        all.iter()
            .any(|r| r["content"].as_str().unwrap().contains("quinquennial")),
        "the edit is in the index"
    );
    // Files of the old index that the new one does not have are gone.
    let fragments = std::fs::read_dir(site.out().join("search/index/2025-12/fragment"))
        .unwrap()
        .count();
    assert_eq!(fragments, all.len());

    // Nothing changed: no index is made again.
    let third = site.built();
    assert_eq!(
        (third.search_indexed.years, third.search_indexed.written),
        (0, 0),
        "{third:?}"
    );
}

#[test]
fn a_site_without_search_has_no_index_page_or_link() {
    let site = Site::fixture("basic").accept_removals();
    site.built();
    assert!(site.exists("search/index.html"));
    let config = std::fs::read_to_string(site.root().join("dateline.toml")).unwrap();
    site.write("dateline.toml", format!("{config}\n[search]\nenabled = false\n"));
    let off = site.built();
    assert_eq!(off.search_indexed, Default::default());
    assert!(
        !site.out().join("search").exists(),
        "the index of the last build is removed"
    );
    assert!(!site.exists("search.js"));
    let home = site.page("");
    assert_eq!(
        home.count("a[href$='/search/']"),
        0,
        "no link to a page that does not exist"
    );
    assert_eq!(home.count("form[role=search]"), 0);
}

/// `serve` shows an edit's pages first: its build keeps the year's index as it was, and
/// the build that follows makes it.
#[test]
fn the_index_of_an_edit_can_be_left_to_the_next_build() {
    let site = Site::fixture("basic");
    let mut project = dateline::Project::open(site.options());
    project.build().unwrap();
    project.set_search(dateline::SearchWhen::Later);
    let budget = "content/2025/12/budget-vote.md";
    let text = std::fs::read_to_string(site.root().join(budget)).unwrap();
    site.write(budget, text.replace("narrow", "quinquennial"));
    project.update(&[std::path::PathBuf::from(budget)]);

    let pages = project.build().unwrap();
    let s = pages.search_indexed;
    assert_eq!((s.years, s.pending, s.kept), (0, 1, 3), "{pages:?}");
    assert_eq!(pages.rendered, 1, "the article's page is rendered now");
    let bundle = site.out().join("search/index/2025-12");
    let edited = |r: &Value| r["content"].as_str().unwrap().contains("quinquennial");
    assert!(!records(&bundle).iter().any(edited), "the index is the last build's");

    project.set_search(dateline::SearchWhen::Now);
    let search = project.build().unwrap();
    let s = search.search_indexed;
    assert_eq!((s.years, s.pending), (1, 0), "{search:?}");
    assert_eq!(search.rendered, 0);
    assert!(records(&bundle).iter().any(edited), "the edit is found");
}
