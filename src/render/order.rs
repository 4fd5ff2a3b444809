//! The order a full build renders its pages in: by the newest article each page shows,
//! every kind of page mixed, in batches. An article's card is shown by its own page, its
//! neighbours' and its listings (home, year, month, day, author, tags, section): in this
//! order those pages come close together, so a card and its HTML are made once, used by
//! all of them, and let go of after (`Cards::advance`, `Fragments::advance`), rather than
//! kept for the whole build.

use super::Renderer;
use super::pages::Page;

/// Pages rendered between two clean-ups of what pages share. Small enough that little is
/// held (at 100,000 articles, the cards of a few thousand), large enough that the cores
/// seldom wait for each other at the end of a batch.
const BATCH: usize = 4096;

/// How many batches a card or fragment is kept after the last that used it: an author's
/// or tag's listing page shows articles of several batches (at 100,000 articles, a page
/// of an author with 400 spans some 5,000 of them, nearly two batches).
pub const KEPT_FOR: u32 = 3;

/// Pages of "on this day" a batch holds. Each shows that calendar day's articles of every
/// year, a few hundred cards from all over the archive that no other page of the batch
/// shows: they come last, a few at a time.
const ON_THIS_DAY_BATCH: usize = 16;

impl Renderer<'_> {
    /// The positions of `which` (indices into `pages`) in batches, in the order to render
    /// them.
    pub(super) fn render_batches(&self, pages: &[Page], which: &[usize]) -> Vec<Vec<usize>> {
        let on_this_day = |k: &usize| matches!(pages[which[*k]], Page::OnThisDay(_));
        let mut order: Vec<(usize, usize)> = (0..which.len())
            .filter(|k| !on_this_day(k))
            .map(|k| (self.newest_shown(&pages[which[k]]), k))
            .collect();
        order.sort_unstable();
        let order: Vec<usize> = order.into_iter().map(|(_, k)| k).collect();
        let last: Vec<usize> = (0..which.len()).filter(on_this_day).collect();
        let batches = order.chunks(BATCH).chain(last.chunks(ON_THIS_DAY_BATCH));
        batches.map(<[usize]>::to_vec).collect()
    }

    /// The archive position (0 is the newest) of the newest article a page shows, or
    /// about: an article page's own; 0 for pages that show no article.
    fn newest_shown(&self, page: &Page) -> usize {
        if let Some((listing, n)) = self.listing_of(page) {
            let first = self.paging().slice(listing.len(), n).start;
            return listing.get(first).map_or(0, |id| id as usize);
        }
        match *page {
            Page::Article(id) => id as usize,
            Page::Redirect(i) => self.redirects[i].to.article().map_or(0, |id| id as usize),
            _ => 0,
        }
    }
}
