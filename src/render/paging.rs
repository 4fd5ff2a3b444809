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
}
