//! How a listing (home, a year, month or day, an author, a tag, a section) is split into
//! pages so that a page, once full, keeps the same articles for ever.
//!
//! Pages are numbered from the oldest: `page/1/` holds a listing's oldest `per` articles,
//! `page/2/` the next, and so on. The listing's own URL (page 0 here) shows the newest:
//! the articles that fill no numbered page yet, with the newest full page's, so that it
//! shows between `per` and `2 × per - 1` of them (all of them when there are fewer). A new
//! article joins the listing's own URL; a numbered page never changes, except for the
//! links of the newest few to the pages made after them. Numbered from the newest, as
//! before, a new article moved every article of every page down by one: at 100,000
//! articles one new article rewrote 6,374 pages.
//!
//! Positions are in the listing's order, 0 the newest.

use std::ops::Range;

/// The paging of listings of `per` articles a page.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    per: usize,
}

impl Paging {
    pub fn new(per: usize) -> Paging {
        Paging { per: per.max(1) }
    }

    /// How many numbered pages (`page/N/`) a listing of `count` articles has: every full
    /// page but the newest, which its own URL shows.
    pub fn numbered(&self, count: usize) -> usize {
        (count / self.per).saturating_sub(1)
    }

    /// The pages of a listing of `count` articles: 0 (its own URL), then 1 to `numbered`.
    pub fn pages(&self, count: usize) -> std::ops::RangeInclusive<usize> {
        0..=self.numbered(count)
    }

    /// The positions page `n` of a listing of `count` articles shows (empty for a page the
    /// listing does not have).
    pub fn slice(&self, count: usize, n: usize) -> Range<usize> {
        let numbered = self.numbered(count);
        match n {
            0 => 0..count - numbered * self.per,
            n if n <= numbered => count - n * self.per..count - (n - 1) * self.per,
            _ => count..count,
        }
    }

    /// The page of a listing of `count` articles that shows position `i`.
    pub fn page_of(&self, count: usize, i: usize) -> usize {
        let from_oldest = count.saturating_sub(i + 1);
        let n = from_oldest / self.per + 1;
        if n > self.numbered(count) { 0 } else { n }
    }
}

#[cfg(test)]
mod tests {
    use super::Paging;

    #[test]
    fn every_article_is_on_one_page_and_the_page_that_says_so() {
        let paging = Paging::new(3);
        for count in 0..20 {
            let mut seen = vec![0; count];
            for n in paging.pages(count) {
                let slice = paging.slice(count, n);
                if n > 0 {
                    assert_eq!(slice.len(), 3, "a numbered page is full ({count} articles, page {n})");
                } else if count >= 3 {
                    assert!((3..6).contains(&slice.len()), "{count} articles: {slice:?}");
                }
                for i in slice {
                    seen[i] += 1;
                    assert_eq!(paging.page_of(count, i), n, "{count} articles, position {i}");
                }
            }
            assert!(seen.iter().all(|&s| s == 1), "{count} articles: {seen:?}");
        }
    }

    #[test]
    fn a_full_page_keeps_its_articles_when_newer_ones_arrive() {
        let paging = Paging::new(20);
        // Articles by age, 0 the oldest: what page n shows of `count`.
        let shown = |count: usize, n: usize| -> Vec<usize> { paging.slice(count, n).map(|i| count - 1 - i).collect() };
        for count in 40..200 {
            for n in 1..=paging.numbered(count) {
                assert_eq!(shown(count, n), shown(count + 1, n), "page {n} of {count}");
            }
            assert!(paging.numbered(count + 1) >= paging.numbered(count));
        }
        assert_eq!(shown(45, 1), (0..20).rev().collect::<Vec<_>>());
        assert_eq!(paging.slice(45, 0), 0..25);
        assert_eq!(paging.slice(19, 0), 0..19);
        assert_eq!(paging.numbered(0), 0);
        assert_eq!(paging.slice(0, 0), 0..0);
    }

    /// For any number of articles and any page size: every position is on exactly one
    /// page, the page `page_of` names; numbered pages are full, the listing's own page
    /// shows the newest `per` to `2 × per - 1` (all when there are fewer), and is empty only
    /// for an empty listing; pages follow each other without a gap (page 0 the newest, then
    /// the highest numbered down to page 1, the oldest); and a new article changes no
    /// numbered page.
    mod properties {
        use super::Paging;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(crate::testing::properties(512))]

            #[test]
            fn every_position_is_on_exactly_one_page(count in 0..3000usize, per in 1..60usize) {
                let paging = Paging::new(per);
                let numbered = paging.numbered(count);
                prop_assert_eq!(paging.pages(count), 0..=numbered);
                let mut seen = vec![0u8; count];
                let mut newest_first = Vec::new();
                for n in std::iter::once(0).chain((1..=numbered).rev()) {
                    let slice = paging.slice(count, n);
                    if n == 0 {
                        prop_assert_eq!(slice.start, 0);
                        if count < per {
                            prop_assert_eq!(slice.len(), count);
                        } else {
                            prop_assert!((per..2 * per).contains(&slice.len()), "page 0 of {}: {:?}", count, slice);
                        }
                    } else {
                        prop_assert_eq!(slice.len(), per, "page {} of {}", n, count);
                    }
                    prop_assert!(!slice.is_empty() || count == 0);
                    for i in slice.clone() {
                        seen[i] += 1;
                        prop_assert_eq!(paging.page_of(count, i), n, "position {} of {}", i, count);
                    }
                    newest_first.push(slice);
                }
                prop_assert!(seen.iter().all(|&s| s == 1));
                prop_assert!(newest_first.windows(2).all(|w| w[0].end == w[1].start));
                prop_assert_eq!(newest_first.last().map_or(0, |s| s.end), count);
                prop_assert_eq!(paging.slice(count, numbered + 1), count..count);
            }

            #[test]
            fn a_new_article_changes_no_numbered_page(count in 0..3000usize, per in 1..60usize, more in 1..100usize) {
                let paging = Paging::new(per);
                // Articles by age, 0 the oldest.
                let shown = |count: usize, n: usize| -> Vec<usize> { paging.slice(count, n).map(|i| count - 1 - i).collect() };
                prop_assert!(paging.numbered(count + more) >= paging.numbered(count));
                for n in 1..=paging.numbered(count) {
                    prop_assert_eq!(shown(count, n), shown(count + more, n), "page {} of {}", n, count);
                }
            }
        }

        /// The same over a built archive: each listing (home, years, months, days,
        /// authors, tags, sections) gets its pages 0 to `numbered`, and shows each of its
        /// articles on exactly one of them.
        #[test]
        fn every_article_is_on_one_page_of_each_listing() {
            use crate::render::pages::{Index, Page, all_pages};
            let config = crate::testing::properties(24);
            let articles = proptest::collection::vec((0..700i64, 0..4usize, 0..5usize, 0..3usize), 0..80);
            proptest::test_runner::TestRunner::new(config)
                .run(&(articles, 1..8usize), |(articles, per)| {
                    let texts: Vec<String> = articles
                        .iter()
                        .enumerate()
                        .map(|(i, (hours, author, tag, section))| {
                            let at = chrono::DateTime::UNIX_EPOCH + chrono::Duration::days(19_000) + chrono::Duration::hours(*hours);
                            format!(
                                "---\ntitle: \"Article {i}\"\ndate: {}\nauthors: [\"Author {author}\"]\ntags: [\"Tag {tag}\", \"Tag {}\"]\nsection: \"Section {section}\"\n---\nBody.\n",
                                at.to_rfc3339(),
                                tag + 1,
                            )
                        })
                        .collect();
                    let (_, archive, _) = crate::testing::site_of(&texts);
                    let index = Index::new(&archive);
                    let pages = all_pages(&archive, &index, per, false);
                    let paging = Paging::new(per);
                    let home: Vec<usize> = (0..archive.articles.len()).collect();
                    let mut listings: Vec<(String, Vec<usize>, Vec<usize>)> = vec![("home".into(), home, Vec::new())];
                    let ids = |v: &[u32]| v.iter().map(|&i| i as usize).collect::<Vec<_>>();
                    listings.extend(archive.years.iter().map(|y| ("year".into(), y.articles.clone().collect(), Vec::new())));
                    for y in &archive.years {
                        listings.extend(y.months.iter().map(|m| ("month".into(), m.articles.clone().collect(), Vec::new())));
                    }
                    for y in &archive.years {
                        for m in &y.months {
                            listings.extend(m.days.iter().map(|d| ("day".into(), d.articles.clone().collect(), Vec::new())));
                        }
                    }
                    let first = [1, 1 + archive.years.len(), 1 + archive.years.len() + index.months.len(), 1 + archive.years.len() + index.months.len() + index.days.len()];
                    let first_author = listings.len();
                    listings.extend(archive.authors.iter().map(|a| ("author".into(), ids(&a.articles), Vec::new())));
                    let first_tag = listings.len();
                    listings.extend(archive.tags.iter().map(|t| ("tag".into(), ids(&t.articles), Vec::new())));
                    let first_section = listings.len();
                    listings.extend(archive.sections.iter().map(|s| ("section".into(), ids(&s.articles), Vec::new())));
                    for page in &pages {
                        let (listing, n) = match *page {
                            Page::Home(n) => (0, n),
                            Page::Year(y, n) => (first[0] + y, n),
                            Page::Month(i, n) => (first[1] + i, n),
                            Page::Day(i, n) => (first[2] + i, n),
                            Page::Author(a, n) => (first_author + a as usize, n),
                            Page::Tag(t, n) => (first_tag + t as usize, n),
                            Page::Section(s, n) => (first_section + s as usize, n),
                            _ => continue,
                        };
                        listings[listing].2.push(n);
                    }
                    prop_assert_eq!(first[3], first_author);
                    for (what, articles, numbers) in &listings {
                        prop_assert_eq!(numbers, &paging.pages(articles.len()).collect::<Vec<_>>(), "{} {:?}", what, articles);
                        let mut shown: Vec<usize> = numbers
                            .iter()
                            .flat_map(|&n| paging.slice(articles.len(), n).map(|i| articles[i]))
                            .collect();
                        shown.sort_unstable();
                        let mut all = articles.clone();
                        all.sort_unstable();
                        prop_assert_eq!(shown, all, "{}", what);
                    }
                    Ok(())
                })
                .unwrap();
        }
    }
}
