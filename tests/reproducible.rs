//! The same sources give the same bytes; the snapshot of the seed article's page.

mod common;

use common::{Site, tree};

#[test]
fn two_builds_give_byte_identical_trees() {
    let site = Site::fixture("basic");
    site.built();
    let first = tree(&site.out());
    let mut options = site.options();
    options.jobs = Some(1);
    dateline::build(&options).unwrap();
    assert_eq!(tree(&site.out()), first, "a second build (on one thread) differs");

    // A copy of the site elsewhere builds to the same bytes too.
    let other = Site::fixture("basic");
    other.built();
    assert_eq!(tree(&other.out()), first);
}

#[test]
fn seed_article_page_snapshot() {
    let site = Site::fixture("basic");
    site.built();
    let page = site.page("2025/10/26/japans-pm-takaichi-and-trump-discuss-strengthening-us-japan-alliance/");
    insta::assert_snapshot!("seed_article_page", page.text);
}
