//! Stable listings: a listing's numbered pages hold the same articles for ever once full,
//! so a new article changes its listings' own pages and leaves their numbered pages as
//! they were, byte for byte.

mod common;

use std::collections::BTreeMap;

use common::{Site, tree};

const CONFIG: &str = "title = \"Stable\"\nbase_url = \"https://example.org/\"\npaginate = 3\n";

/// An article of day `day` of March 2025, by one author, with one tag and section.
fn article(day: u32) -> String {
    format!(
        "---\ntitle: \"Story {day}\"\ndate: 2025-03-{day:02} 10:00\nauthor: Ann Lee\ntags: [harbour]\nsection: City\n---\nThe harbour, day {day}.\n"
    )
}

fn site_with(days: std::ops::RangeInclusive<u32>) -> Site {
    let site = Site::with_config(CONFIG);
    for day in days {
        site.write(&format!("content/story-{day}.md"), article(day));
    }
    site
}

/// The numbered pages (`…/page/N/index.html`) of the output, path → bytes.
fn numbered_pages(site: &Site) -> BTreeMap<String, Vec<u8>> {
    tree(&site.out())
        .into_iter()
        .filter(|(name, _)| name.contains("page/"))
        .collect()
}

/// The listings with a numbered page: home, the year, the month, the author, tag and
/// section.
const LISTINGS: [&str; 6] = [
    "",
    "2025/",
    "2025/03/",
    "authors/ann-lee/",
    "tags/harbour/",
    "sections/city/",
];

#[test]
fn numbered_pages_hold_the_oldest_articles_and_the_listing_the_newest() {
    let site = site_with(1..=11);
    site.built();
    for listing in LISTINGS {
        // Eleven articles, three a page: the oldest six on pages 1 and 2, the newest five
        // on the listing's own page.
        let own = site.page(listing);
        let titles = |p: &common::Page| -> Vec<String> { p.texts(".card-title") };
        assert_eq!(
            titles(&own),
            ["Story 11", "Story 10", "Story 9", "Story 8", "Story 7"],
            "/{listing}"
        );
        assert_eq!(
            titles(&site.page(&format!("{listing}page/2/"))),
            ["Story 6", "Story 5", "Story 4"]
        );
        assert_eq!(
            titles(&site.page(&format!("{listing}page/1/"))),
            ["Story 3", "Story 2", "Story 1"]
        );
        assert!(!site.exists(&format!("{listing}page/3/index.html")));
        assert_eq!(own.attr(".pager .older", "href"), format!("/{listing}page/2/"));
        let page1 = site.page(&format!("{listing}page/1/"));
        assert_eq!(page1.attr(".pager .newer", "href"), format!("/{listing}page/2/"));
        assert_eq!(page1.texts(".pager li"), ["Latest", "2", "1"]);
        assert_eq!(page1.text(".pager [aria-current]"), "1");
    }
}

#[test]
fn a_new_article_leaves_full_pages_as_they_were() {
    let site = site_with(1..=19);
    site.built();
    let before = numbered_pages(&site);
    assert_eq!(before.len(), LISTINGS.len() * 5, "pages 1 to 5 of each listing");

    // The twentieth article fills no page: every numbered page is the same, byte for byte.
    site.write("content/story-20.md", article(20));
    site.built();
    let changed: Vec<&String> = before
        .keys()
        .filter(|k| numbered_pages(&site).get(*k) != before.get(*k))
        .collect();
    assert!(changed.is_empty(), "changed: {changed:?}");

    // The twenty-first fills one: page 6 is made of stories 16 to 18; the pages before it
    // keep their articles, and only the newest three change, in their links to it.
    site.write("content/story-21.md", article(21));
    site.built();
    let after = numbered_pages(&site);
    for listing in LISTINGS {
        let page = |n: usize| format!("{listing}page/{n}/index.html");
        for n in 1..=5 {
            let same = after.get(&page(n)) == before.get(&page(n));
            assert_eq!(same, n < 3, "/{listing}page/{n}/ (only pages 3 to 5 link to page 6)");
        }
        let titles = |n: usize| site.page(&format!("{listing}page/{n}/")).texts(".card-title");
        assert_eq!(titles(5), ["Story 15", "Story 14", "Story 13"]);
        assert_eq!(titles(6), ["Story 18", "Story 17", "Story 16"]);
        assert_eq!(
            site.page(listing).texts(".card-title"),
            ["Story 21", "Story 20", "Story 19"]
        );
        assert_eq!(
            site.page(&format!("{listing}page/5/")).attr(".pager .newer", "href"),
            format!("/{listing}page/6/")
        );
    }
}

#[test]
fn a_page_of_an_old_listing_shows_nothing_that_changes_with_new_articles() {
    let site = site_with(1..=13);
    site.built();
    let page = site.page("authors/ann-lee/page/1/");
    assert_eq!(page.count(".stats"), 0, "counts and dates are on the author's own page");
    assert_eq!(page.text("h1"), "Ann Lee");
    assert_eq!(site.page("authors/ann-lee/").text(".stats dd"), "13 articles");
    for listing in ["2025/", "2025/03/", "tags/harbour/", "sections/city/"] {
        let numbered = site.page(&format!("{listing}page/1/"));
        assert_eq!(numbered.texts(".count"), ["Page 1"], "/{listing}page/1/: no count");
        assert!(
            site.page(listing).text(".count").starts_with("13 articles"),
            "/{listing}"
        );
    }
}
