//! What a plan publishes, for the record of published URLs (`urls.lock`): the URL of every
//! page and feed, and the source that gives it.

use std::path::Path;

use super::pages::Page;
use super::{Origin, Plan};
use crate::model::ArticleId;

/// What gives a published URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// An article's page: its source gives it.
    Article,
    /// A page of a listing (a date, author, tag, section, on this day): the oldest article
    /// it shows gives it (on a listing's own URL, the oldest of the listing), so that the
    /// source a page is recorded with stays the same while the page does.
    Listing,
    /// A feed of an author or tag: the source that gives its listing.
    Feed,
    /// A page or feed every site has (home, indexes, search, 404, the site's feeds): the
    /// configuration gives it.
    Site,
    /// An old path in an article's `aliases`.
    Alias,
    /// An old URL of an article that moved, kept by the record.
    Moved,
    /// A listing page that is no more, sent to the nearest that is (kept by the record).
    Redirect,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 7] = [
        Kind::Article,
        Kind::Listing,
        Kind::Feed,
        Kind::Site,
        Kind::Alias,
        Kind::Moved,
        Kind::Redirect,
    ];

    /// The word of the record.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::Listing => "listing",
            Kind::Feed => "feed",
            Kind::Site => "site",
            Kind::Alias => "alias",
            Kind::Moved => "moved",
            Kind::Redirect => "redirect",
        }
    }

    pub fn from_word(word: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.word() == word)
    }
}

/// A URL a build publishes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Published<'a> {
    /// Site-relative, as linked: `2025/10/26/slug/`, `` for the home page, `atom.xml`.
    pub path: &'a str,
    pub kind: Kind,
    /// The source that gives it (relative to the site root); none for the site's own pages.
    pub source: Option<&'a Path>,
}

impl Plan<'_> {
    /// Every page and feed the plan publishes, in the plan's order.
    pub fn published(&self) -> Vec<Published<'_>> {
        let r = &self.renderer;
        let archive = r.env.archive;
        let source = |id: ArticleId| Some(archive.article(id).source.as_path());
        let mut list: Vec<Published<'_>> = self
            .pages
            .iter()
            .zip(&self.page_files)
            .map(|(page, file)| {
                let path = file.strip_suffix("index.html").unwrap_or(file);
                let (kind, by) = match *page {
                    Page::Article(id) => (Kind::Article, source(id)),
                    Page::Redirect(i) => {
                        let to = r.redirects[i].to.article();
                        match r.redirects[i].origin {
                            Origin::Alias => (Kind::Alias, to.and_then(source)),
                            Origin::Moved => (Kind::Moved, to.and_then(source)),
                            Origin::Listing => (Kind::Redirect, None),
                        }
                    }
                    Page::Home(0) | Page::Authors | Page::Tags | Page::Sections | Page::NotFound | Page::Search => {
                        (Kind::Site, None)
                    }
                    _ => (Kind::Listing, self.oldest_shown(page).and_then(source)),
                };
                Published { path, kind, source: by }
            })
            .collect();
        list.extend(self.feeds.iter().map(|feed| {
            let (kind, source) = match feed.page.is_empty() {
                true => (Kind::Site, None),
                false => (Kind::Feed, feed.given_by.and_then(source)),
            };
            Published {
                path: &feed.path,
                kind,
                source,
            }
        }));
        list
    }

    /// The oldest article a listing page shows: on a numbered page, the oldest of the page
    /// (which it shows for ever); on a listing's own URL, the oldest of the listing.
    fn oldest_shown(&self, page: &Page) -> Option<ArticleId> {
        let r = &self.renderer;
        if let Page::OnThisDay(i) = *page {
            return r.env.archive.on_this_day[i].articles.iter().copied().max();
        }
        let (listing, n) = r.listing_of(page)?;
        let end = match n {
            0 => listing.len(),
            n => r.paging().slice(listing.len(), n).end,
        };
        listing.get(end.checked_sub(1)?)
    }
}
