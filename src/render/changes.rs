//! What an incremental build asks of the plan: what pages share besides their articles,
//! which pages show an edited article, and the fingerprint of every page, to tell which
//! changed since the last build.

use ahash::AHashSet as HashSet;
use rayon::prelude::*;
use tera::Value;

use super::pages::Page;
use super::{Fingerprints, Plan, context, fingerprint, theme, views};
use crate::diag::Diagnostic;
use crate::model::ArticleId;

impl Plan<'_> {
    /// A fingerprint of all that article pages and listings show besides their articles:
    /// the templates, the site's globals and feeds, the environment of links and dates,
    /// the site's folder (in messages), the authors, tags and sections as cards show them,
    /// the paging, and how each article is filed (its shape, in any order). While
    /// it stays the same, those pages change only with the articles they show
    /// (`pages_showing`).
    pub fn page_globals(&self) -> u64 {
        let r = &self.renderer;
        let shared = &r.env.shared;
        let hashes =
            |list: &[(Value, u64)]| fingerprint::fingerprint(&list.iter().map(|(_, h)| *h).collect::<Vec<_>>());
        let templates: Vec<u64> = theme::PAGE_TEMPLATES.iter().map(|t| r.template_version(t)).collect();
        fingerprint::combine(&[
            fingerprint::fingerprint(&templates),
            r.env.config.paginate as u64,
            // `[content] sanitize` changes every Markdown article's body.
            u64::from(r.env.config.sanitize),
            r.globals_hash,
            r.site_feeds_hash,
            views::env_fingerprint(&r.env),
            fingerprint::fingerprint(&r.input.root.to_string_lossy()),
            hashes(&shared.authors),
            hashes(&shared.tags),
            hashes(&shared.sections),
            // In any order: an article with a new date takes another place, and the pages
            // that changes are those that show the articles between (`pages_showing`).
            (r.env.archive.shapes.iter()).fold(0u64, |sum, &shape| sum.wrapping_add(shape)),
        ])
    }

    /// The pages that show any of `articles`, of the kinds whose other content
    /// `page_globals` covers: the article pages of the articles themselves, of the next
    /// newer and older, and of those that show them among more by an author; and the page
    /// of each listing that holds them (home, year, month, day, author, tag, section, and
    /// their calendar day).
    pub fn pages_showing(&self, articles: &[ArticleId]) -> HashSet<Page> {
        let mut showing = self.pages_showing_each(articles);
        showing.extend(self.redated.iter().copied());
        showing
    }

    /// Every page of the listings of `days` (the days, months and years articles were
    /// filed under before a new date and are now, and their calendar days), whose counts
    /// and calendars change though they may show no article whose id changed; every page
    /// of `authors` (the first and last dates shown of them); the search page. If a day
    /// was emptied or filled for the first time (`days_changed`), every page of every day,
    /// month, year and calendar day: their links to the days, months and years before and
    /// after them change.
    pub(super) fn pages_of_redated(
        &self,
        days: &[chrono::NaiveDate],
        authors: &[crate::model::AuthorId],
        days_changed: bool,
    ) -> Vec<Page> {
        use chrono::Datelike;
        let r = &self.renderer;
        let archive = r.env.archive;
        let paging = r.paging();
        let mut pages = vec![Page::Search];
        if days_changed {
            let by_date =
                |p: &&Page| matches!(p, Page::Year(..) | Page::Month(..) | Page::Day(..) | Page::OnThisDay(_));
            pages.extend(self.pages.iter().filter(by_date));
        }
        let mut all = |count: usize, page: &dyn Fn(usize) -> Page| pages.extend(paging.pages(count).map(page));
        for day in days {
            for (y, year) in archive.years.iter().enumerate().filter(|(_, y)| y.year == day.year()) {
                all(year.articles.len(), &|n| Page::Year(y, n));
            }
            for (i, m) in r.index.months.iter().enumerate() {
                let month = &archive.years[m.y].months[m.m];
                if (month.year, month.month) == (day.year(), day.month()) {
                    all(month.articles.len(), &|n| Page::Month(i, n));
                }
            }
            for (i, d) in r.index.days.iter().enumerate() {
                let entry = &archive.years[d.y].months[d.m].days[d.d];
                if entry.date == *day {
                    all(entry.articles.len(), &|n| Page::Day(i, n));
                }
            }
            let calendar_day = archive
                .on_this_day
                .iter()
                .position(|o| (o.month, o.day) == (day.month(), day.day()));
            // A listing of one page (it has no numbered pages).
            if let Some(o) = calendar_day {
                all(0, &|_| Page::OnThisDay(o));
            }
        }
        for &a in authors {
            all(archive.author(a).articles.len(), &|n| Page::Author(a, n));
        }
        pages
    }

    /// `pages_showing`, of the articles alone.
    fn pages_showing_each(&self, articles: &[ArticleId]) -> HashSet<Page> {
        use chrono::Datelike;
        let r = &self.renderer;
        let archive = r.env.archive;
        let paging = r.paging();
        let page_of = |range: &std::ops::Range<usize>, i: usize| paging.page_of(range.len(), i - range.start);
        let mut showing = HashSet::new();
        for &id in articles {
            let i = id as usize;
            let article = archive.article(id);
            let around = (i.saturating_sub(1)..=i + 1).filter(|&j| j < archive.articles.len());
            showing.extend(around.map(|j| Page::Article(j as ArticleId)));
            showing.insert(Page::Home(page_of(&(0..archive.articles.len()), i)));
            for &a in &article.authors {
                let list = &archive.author(a).articles;
                showing.extend(context::shown_with(list, id).map(Page::Article));
                if let Ok(at) = list.binary_search(&id) {
                    showing.insert(Page::Author(a, paging.page_of(list.len(), at)));
                }
            }
            let tags = article
                .tags
                .iter()
                .map(|&t| (&archive.tags[t as usize], Page::Tag as fn(_, _) -> _, t));
            let sections = article
                .section
                .iter()
                .map(|&s| (&archive.sections[s as usize], Page::Section as fn(_, _) -> _, s));
            for (term, page, t) in tags.chain(sections) {
                if let Ok(at) = term.articles.binary_search(&id) {
                    showing.insert(page(t, paging.page_of(term.articles.len(), at)));
                }
            }
            if let Some(y) = archive.years.iter().position(|y| y.articles.contains(&i)) {
                showing.insert(Page::Year(y, page_of(&archive.years[y].articles, i)));
            }
            let months = r.index.months.iter().map(|m| &archive.years[m.y].months[m.m].articles);
            if let Some((m, range)) = months.enumerate().find(|(_, range)| range.contains(&i)) {
                showing.insert(Page::Month(m, page_of(range, i)));
            }
            let days = r
                .index
                .days
                .iter()
                .map(|d| &archive.years[d.y].months[d.m].days[d.d].articles);
            if let Some((d, range)) = days.enumerate().find(|(_, range)| range.contains(&i)) {
                showing.insert(Page::Day(d, page_of(range, i)));
            }
            let (month, day) = (article.date.day().month(), article.date.day().day());
            if let Some(o) = archive
                .on_this_day
                .iter()
                .position(|o| (o.month, o.day) == (month, day))
            {
                showing.insert(Page::OnThisDay(o));
            }
        }
        showing
    }

    /// The fingerprint of every page, in order, and whether it was known: `known(i)` gives
    /// those known already (a debug build checks them).
    pub fn fingerprints(&self, known: &(dyn Fn(usize) -> Option<u64> + Sync)) -> Result<Fingerprints, Vec<Diagnostic>> {
        let r = &self.renderer;
        let fingerprint = |i: usize| -> Result<(u64, bool), Box<Diagnostic>> {
            let page = &self.pages[i];
            match known(i) {
                Some(f) => {
                    #[cfg(debug_assertions)]
                    if let Ok(computed) = r.fingerprint(page) {
                        assert_eq!(f, computed, "the fingerprint known for {page:?} is not its own");
                    }
                    Ok((f, true))
                }
                None => r.fingerprint(page).map(|f| (f, false)).map_err(Box::new),
            }
        };
        // Boxed: a problem is large, and there is a result for each of 142,000 pages.
        let results: Vec<Result<(u64, bool), Box<Diagnostic>>> =
            (0..self.pages.len()).into_par_iter().map(fingerprint).collect();
        let mut list = Fingerprints {
            of: Vec::with_capacity(results.len()),
            known: Vec::with_capacity(results.len()),
        };
        let mut problems = Vec::new();
        for result in results {
            match result {
                Ok((f, known)) => {
                    list.of.push(f);
                    list.known.push(known);
                }
                Err(d) => problems.push(*d),
            }
        }
        if problems.is_empty() { Ok(list) } else { Err(problems) }
    }
}
