//! The pages of a site: one job per output file, each rendered from a view of the archive.

use super::paging::Paging;
use crate::model::{Archive, ArticleId, AuthorId, TermId};

/// One page to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Page {
    Article(ArticleId),
    /// Home, page `n`: 0 is the listing's own URL (its newest articles), 1 its oldest
    /// page (`page/1/`), and so on (`paging`); so for the other listings.
    Home(usize),
    /// Year `years[y]`, page `n`.
    Year(usize, usize),
    /// Month `months[m]` (in `Index::months`), page `n`.
    Month(usize, usize),
    /// Day `days[d]` (in `Index::days`), page `n`.
    Day(usize, usize),
    /// `Archive::on_this_day[i]`.
    OnThisDay(usize),
    Authors,
    Author(AuthorId, usize),
    Tags,
    Tag(TermId, usize),
    Sections,
    Section(TermId, usize),
    NotFound,
    /// The search page (when the site has one).
    Search,
    /// The redirect page of alias `i` (in the list of redirects).
    Redirect(usize),
}

impl Page {
    /// The template that renders this kind of page.
    pub fn template(&self) -> &'static str {
        match self {
            Page::Article(_) => "article.html",
            Page::Home(_) => "home.html",
            Page::Year(..) => "year.html",
            Page::Month(..) => "month.html",
            Page::Day(..) => "day.html",
            Page::OnThisDay(_) => "on-this-day.html",
            Page::Authors => "authors.html",
            Page::Author(..) => "author.html",
            Page::Tags => "tags.html",
            Page::Tag(..) => "tag.html",
            Page::Sections => "sections.html",
            Page::Section(..) => "section.html",
            Page::NotFound => "404.html",
            Page::Search => "search.html",
            Page::Redirect(_) => "redirect.html",
        }
    }

    /// `page.kind` in templates.
    pub fn kind(&self) -> &'static str {
        match self {
            Page::Article(_) => "article",
            Page::Home(_) => "home",
            Page::Year(..) => "year",
            Page::Month(..) => "month",
            Page::Day(..) => "day",
            Page::OnThisDay(_) => "on-this-day",
            Page::Authors => "authors",
            Page::Author(..) => "author",
            Page::Tags => "tags",
            Page::Tag(..) => "tag",
            Page::Sections => "sections",
            Page::Section(..) => "section",
            Page::NotFound => "404",
            Page::Search => "search",
            Page::Redirect(_) => "redirect",
        }
    }
}

/// The articles of a listing, in its order (0 the newest): a range of archive positions
/// (home, a year, month or day) or a list of articles (an author, tag or section).
pub enum Listing<'a> {
    Positions(std::ops::Range<usize>),
    Ids(&'a [ArticleId]),
}

impl Listing<'_> {
    pub fn len(&self) -> usize {
        match self {
            Listing::Positions(range) => range.len(),
            Listing::Ids(ids) => ids.len(),
        }
    }

    /// Its article at `i`.
    pub fn get(&self, i: usize) -> Option<ArticleId> {
        match self {
            Listing::Positions(range) => (i < range.len()).then(|| (range.start + i) as ArticleId),
            Listing::Ids(ids) => ids.get(i).copied(),
        }
    }
}

impl<'a> super::Renderer<'a> {
    /// The listing `page` is a page of, and its number in it (`paging`); none for pages of
    /// no listing (an article, "on this day", the indexes).
    pub(super) fn listing_of(&self, page: &Page) -> Option<(Listing<'a>, usize)> {
        let archive = self.env.archive;
        Some(match *page {
            Page::Home(n) => (Listing::Positions(0..archive.articles.len()), n),
            Page::Year(y, n) => (Listing::Positions(archive.years[y].articles.clone()), n),
            Page::Month(m, n) => (Listing::Positions(self.month(m).articles.clone()), n),
            Page::Day(d, n) => (Listing::Positions(self.day(d).articles.clone()), n),
            Page::Author(a, n) => (Listing::Ids(&archive.author(a).articles), n),
            Page::Tag(t, n) => (Listing::Ids(&archive.tags[t as usize].articles), n),
            Page::Section(s, n) => (Listing::Ids(&archive.sections[s as usize].articles), n),
            _ => return None,
        })
    }
}

/// Position of a month or day in the archive's nested date index.
#[derive(Debug, Clone, Copy)]
pub struct MonthRef {
    pub y: usize,
    pub m: usize,
}

#[derive(Debug, Clone, Copy)]
pub struct DayRef {
    pub y: usize,
    pub m: usize,
    pub d: usize,
}

/// Flat lists of every month and day, newest first, for paging through periods.
pub struct Index {
    pub months: Vec<MonthRef>,
    pub days: Vec<DayRef>,
}

impl Index {
    pub fn new(archive: &Archive) -> Index {
        let mut months = Vec::new();
        let mut days = Vec::new();
        for (y, year) in archive.years.iter().enumerate() {
            for (m, month) in year.months.iter().enumerate() {
                months.push(MonthRef { y, m });
                for d in 0..month.days.len() {
                    days.push(DayRef { y, m, d });
                }
            }
        }
        Index { months, days }
    }
}

/// Every page of the site but the redirects; `search` whether the site has a search page.
pub fn all_pages(archive: &Archive, index: &Index, per_page: usize, search: bool) -> Vec<Page> {
    let mut pages: Vec<Page> = (0..archive.articles.len() as ArticleId).map(Page::Article).collect();
    let paging = Paging::new(per_page);
    let paged = |pages: &mut Vec<Page>, count: usize, make: &dyn Fn(usize) -> Page| {
        pages.extend(paging.pages(count).map(make));
    };
    paged(&mut pages, archive.articles.len(), &Page::Home);
    for (y, year) in archive.years.iter().enumerate() {
        paged(&mut pages, year.articles.len(), &|n| Page::Year(y, n));
    }
    for (i, r) in index.months.iter().enumerate() {
        paged(&mut pages, archive.years[r.y].months[r.m].articles.len(), &|n| {
            Page::Month(i, n)
        });
    }
    for (i, r) in index.days.iter().enumerate() {
        paged(
            &mut pages,
            archive.years[r.y].months[r.m].days[r.d].articles.len(),
            &|n| Page::Day(i, n),
        );
    }
    pages.extend((0..archive.on_this_day.len()).map(Page::OnThisDay));
    pages.push(Page::Authors);
    for (a, author) in archive.authors.iter().enumerate() {
        paged(&mut pages, author.articles.len(), &|n| Page::Author(a as AuthorId, n));
    }
    pages.push(Page::Tags);
    for (t, tag) in archive.tags.iter().enumerate() {
        paged(&mut pages, tag.articles.len(), &|n| Page::Tag(t as TermId, n));
    }
    pages.push(Page::Sections);
    for (s, section) in archive.sections.iter().enumerate() {
        paged(&mut pages, section.articles.len(), &|n| Page::Section(s as TermId, n));
    }
    pages.push(Page::NotFound);
    if search {
        pages.push(Page::Search);
    }
    pages
}
