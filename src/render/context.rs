//! The context of each kind of page: which views a template receives.

use serde::Serialize;
use tera::{Context, Value};

use super::Renderer;
use super::pages::{Page, page_count};
use super::views::*;
use crate::diag::{Diagnostic, shown};
use crate::model::{ArticleId, Day, Month, Year};

/// Variables every template sees: `site` and `nav`.
pub fn globals(env: &Env<'_>, stylesheet: &str, cx: &mut Context) {
    let config = env.config;
    cx.insert(
        "site",
        &SiteView {
            title: &config.title,
            description: &config.description,
            base_url: config.base_url.as_str(),
            base_path: config.base_url.path(),
            language: &config.language,
            timezone: config.timezone.name(),
            publisher: PublisherView {
                name: &config.publisher.name,
                logo: config.publisher.logo.as_deref().map(|l| resolve(env, l)),
            },
            stylesheet: stylesheet.to_string(),
            generator: concat!("dateline ", env!("CARGO_PKG_VERSION")),
        },
    );
    cx.insert(
        "nav",
        &NavView {
            home: env.link(""),
            authors: env.link("authors/"),
            years: env
                .archive
                .years
                .iter()
                .map(|y| YearLink {
                    year: y.year,
                    path: env.link(&year_path(y.year)),
                    count: y.articles.len(),
                })
                .collect(),
        },
    );
}

#[derive(Serialize)]
struct ArticlePage<'a> {
    page: PageView<'a>,
    article: ArticleView<'a>,
    body: Value,
    /// The next newer and older articles of the archive.
    newer: Option<&'a Value>,
    older: Option<&'a Value>,
    /// Other articles by each author, around this one in time.
    more: Vec<MoreBy<'a>>,
    breadcrumbs: Vec<Crumb>,
}

#[derive(Serialize)]
struct MoreBy<'a> {
    author: AuthorLink<'a>,
    articles: Vec<&'a Value>,
}

#[derive(Serialize)]
struct ListingPage<'a> {
    page: PageView<'a>,
    articles: &'a [Value],
    pagination: PaginationView,
}

#[derive(Serialize)]
struct YearPage<'a> {
    page: PageView<'a>,
    year: YearView,
    groups: Vec<DayGroup<'a>>,
    pagination: PaginationView,
    breadcrumbs: Vec<Crumb>,
}

#[derive(Serialize)]
struct YearView {
    year: i32,
    path: String,
    count: usize,
    months: Vec<MonthLink>,
    newer: Option<Crumb>,
    older: Option<Crumb>,
}

#[derive(Serialize)]
struct MonthPage<'a> {
    page: PageView<'a>,
    month: MonthView,
    groups: Vec<DayGroup<'a>>,
    pagination: PaginationView,
    breadcrumbs: Vec<Crumb>,
}

#[derive(Serialize)]
struct MonthView {
    year: i32,
    month: u32,
    name: String,
    path: String,
    count: usize,
    days: Vec<DayLink>,
    newer: Option<Crumb>,
    older: Option<Crumb>,
}

#[derive(Serialize)]
struct DayPage<'a> {
    page: PageView<'a>,
    day: DayView,
    articles: &'a [Value],
    pagination: PaginationView,
    breadcrumbs: Vec<Crumb>,
}

#[derive(Serialize)]
struct DayView {
    date: String,
    long: String,
    path: String,
    count: usize,
    newer: Option<Crumb>,
    older: Option<Crumb>,
}

#[derive(Serialize)]
struct AuthorsPage<'a> {
    page: PageView<'a>,
    authors: Vec<AuthorView<'a>>,
}

#[derive(Serialize)]
struct AuthorPage<'a> {
    page: PageView<'a>,
    author: AuthorView<'a>,
    articles: Vec<&'a Value>,
    pagination: PaginationView,
}

#[derive(Serialize)]
struct PlainPage<'a> {
    page: PageView<'a>,
}

/// Articles of a page of a date listing, grouped by day.
#[derive(Serialize)]
pub struct DayGroup<'a> {
    pub date: String,
    pub long: String,
    pub path: String,
    pub articles: &'a [Value],
}

impl Renderer<'_> {
    /// Site-relative path of a page (`2025/10/`, `authors/jane-roe/page/2/`).
    pub fn rel_path(&self, page: &Page) -> String {
        let archive = self.env.archive;
        match *page {
            Page::Article(id) => archive.article(id).path.clone(),
            Page::Home(n) => page_path("", n),
            Page::Year(y, n) => page_path(&year_path(archive.years[y].year), n),
            Page::Month(i, n) => {
                let month = self.month(i);
                page_path(&month_path(month.year, month.month), n)
            }
            Page::Day(i, n) => page_path(&day_path(self.day(i).date), n),
            Page::Authors => "authors/".to_string(),
            Page::Author(a, n) => page_path(&archive.author(a).path, n),
            Page::NotFound => String::new(),
        }
    }

    fn month(&self, i: usize) -> &Month {
        let r = self.index.months[i];
        &self.env.archive.years[r.y].months[r.m]
    }

    fn day(&self, i: usize) -> &Day {
        let r = self.index.days[i];
        &self.env.archive.years[r.y].months[r.m].days[r.d]
    }

    fn page_view<'s>(&self, page: &Page, title: &'s str, description: &'s str) -> PageView<'s> {
        let rel = self.rel_path(page);
        let rel = if *page == Page::NotFound {
            "404.html".to_string()
        } else {
            rel
        };
        PageView {
            kind: page.kind(),
            title,
            description,
            path: self.env.link(&rel),
            url: self.env.url(&rel),
        }
    }

    /// The slice of `range` shown on page `n`.
    fn page_slice(&self, range: &std::ops::Range<usize>, n: usize) -> std::ops::Range<usize> {
        let per = self.env.config.paginate;
        let start = (range.start + (n - 1) * per).min(range.end);
        start..(start + per).min(range.end)
    }

    fn groups(&self, slice: std::ops::Range<usize>) -> Vec<DayGroup<'_>> {
        let archive = self.env.archive;
        let mut groups: Vec<DayGroup<'_>> = Vec::new();
        let mut start = slice.start;
        while start < slice.end {
            let day = archive.articles[start].date.day();
            let mut end = start + 1;
            while end < slice.end && archive.articles[end].date.day() == day {
                end += 1;
            }
            groups.push(DayGroup {
                date: self.env.locale.date(day),
                long: self.env.locale.long_date(day),
                path: self.env.link(&day_path(day)),
                articles: &self.cards[start..end],
            });
            start = end;
        }
        groups
    }

    fn crumb(&self, title: String, rel: &str) -> Crumb {
        Crumb {
            title,
            path: self.env.link(rel),
        }
    }

    fn year_crumbs(&self, year: i32) -> Vec<Crumb> {
        vec![
            self.crumb("Home".into(), ""),
            self.crumb(year.to_string(), &year_path(year)),
        ]
    }

    fn month_crumbs(&self, year: i32, month: u32) -> Vec<Crumb> {
        let mut crumbs = self.year_crumbs(year);
        crumbs.push(self.crumb(self.env.locale.month(month).to_string(), &month_path(year, month)));
        crumbs
    }

    fn day_crumbs(&self, day: chrono::NaiveDate) -> Vec<Crumb> {
        use chrono::Datelike;
        let mut crumbs = self.month_crumbs(day.year(), day.month());
        crumbs.push(self.crumb(day.day().to_string(), &day_path(day)));
        crumbs
    }

    fn article_context(&self, id: ArticleId) -> Result<Context, Diagnostic> {
        let env = &self.env;
        let archive = env.archive;
        let article = archive.article(id);
        let source = shown(self.input.root, &article.source);
        let bytes = std::fs::read(self.input.root.join(&article.source))
            .map_err(|e| Diagnostic::file(&source, format!("cannot read: {e}")))?;
        let body = crate::parse::body_html(&source, &bytes, article.format, &self.parse_cx)?;
        let i = id as usize;
        let more = article
            .authors
            .iter()
            .map(|&a| {
                let author = archive.author(a);
                MoreBy {
                    author: AuthorLink::new(env, author),
                    articles: neighbours(&author.articles, id, 4)
                        .map(|j| &self.cards[j as usize])
                        .collect(),
                }
            })
            .filter(|m| !m.articles.is_empty())
            .collect();
        let view = ArticlePage {
            page: self.page_view(&Page::Article(id), &article.title, &article.summary),
            article: ArticleView {
                card: Card::new(env, article),
                updated: article.updated.as_ref().map(|d| DateView::new(env, d)),
                source: source.to_string_lossy().into_owned(),
            },
            body: Value::safe_string(&body),
            newer: i.checked_sub(1).map(|j| &self.cards[j]),
            older: self.cards.get(i + 1),
            more,
            breadcrumbs: self.day_crumbs(article.date.day()),
        };
        to_context(&view)
    }

    fn year_context(&self, y: usize, n: usize) -> Result<Context, Diagnostic> {
        let env = &self.env;
        let years = &env.archive.years;
        let year: &Year = &years[y];
        let base = year_path(year.year);
        let title = year.year.to_string();
        let year_link = |other: Option<&Year>| other.map(|o| self.crumb(o.year.to_string(), &year_path(o.year)));
        let view = YearPage {
            page: self.page_view(&Page::Year(y, n), &title, &env.config.description),
            year: YearView {
                year: year.year,
                path: env.link(&base),
                count: year.articles.len(),
                months: year
                    .months
                    .iter()
                    .map(|m| MonthLink {
                        month: m.month,
                        name: env.locale.month(m.month),
                        path: env.link(&month_path(m.year, m.month)),
                        count: m.articles.len(),
                    })
                    .collect(),
                newer: year_link(y.checked_sub(1).map(|j| &years[j])),
                older: year_link(years.get(y + 1)),
            },
            groups: self.groups(self.page_slice(&year.articles, n)),
            pagination: PaginationView::new(env, &base, n, page_count(year.articles.len(), env.config.paginate)),
            breadcrumbs: self.year_crumbs(year.year),
        };
        to_context(&view)
    }

    fn month_context(&self, i: usize, n: usize) -> Result<Context, Diagnostic> {
        use chrono::Datelike;
        let env = &self.env;
        let month = self.month(i);
        let base = month_path(month.year, month.month);
        let name = env.locale.month_year(month.year, month.month);
        let month_link = |j: Option<usize>| {
            j.filter(|&j| j < self.index.months.len()).map(|j| {
                let m = self.month(j);
                self.crumb(env.locale.month_year(m.year, m.month), &month_path(m.year, m.month))
            })
        };
        let view = MonthPage {
            page: self.page_view(&Page::Month(i, n), &name, &env.config.description),
            month: MonthView {
                year: month.year,
                month: month.month,
                path: env.link(&base),
                count: month.articles.len(),
                days: month
                    .days
                    .iter()
                    .map(|d| DayLink {
                        day: d.date.day(),
                        weekday: env.locale.weekday(d.date.weekday()),
                        date: env.locale.date(d.date),
                        path: env.link(&day_path(d.date)),
                        count: d.articles.len(),
                    })
                    .collect(),
                newer: month_link(i.checked_sub(1)),
                older: month_link(Some(i + 1)),
                name: name.clone(),
            },
            groups: self.groups(self.page_slice(&month.articles, n)),
            pagination: PaginationView::new(env, &base, n, page_count(month.articles.len(), env.config.paginate)),
            breadcrumbs: self.month_crumbs(month.year, month.month),
        };
        to_context(&view)
    }

    fn day_context(&self, i: usize, n: usize) -> Result<Context, Diagnostic> {
        let env = &self.env;
        let day = self.day(i);
        let base = day_path(day.date);
        let date = env.locale.date(day.date);
        let day_link = |j: Option<usize>| {
            j.filter(|&j| j < self.index.days.len()).map(|j| {
                let d = self.day(j);
                self.crumb(env.locale.date(d.date), &day_path(d.date))
            })
        };
        let view = DayPage {
            page: self.page_view(&Page::Day(i, n), &date, &env.config.description),
            day: DayView {
                long: env.locale.long_date(day.date),
                path: env.link(&base),
                count: day.articles.len(),
                newer: day_link(i.checked_sub(1)),
                older: day_link(Some(i + 1)),
                date: date.clone(),
            },
            articles: &self.cards[self.page_slice(&day.articles, n)],
            pagination: PaginationView::new(env, &base, n, page_count(day.articles.len(), env.config.paginate)),
            breadcrumbs: self.day_crumbs(day.date),
        };
        to_context(&view)
    }
}

/// Builds the context of any page.
pub fn page_context(r: &Renderer<'_>, page: &Page) -> Result<Context, Diagnostic> {
    let env = &r.env;
    let config = env.config;
    match *page {
        Page::Article(id) => r.article_context(id),
        Page::Home(n) => to_context(&ListingPage {
            page: r.page_view(page, &config.title, &config.description),
            articles: &r.cards[r.page_slice(&(0..r.cards.len()), n)],
            pagination: PaginationView::new(env, "", n, page_count(r.cards.len(), config.paginate)),
        }),
        Page::Year(y, n) => r.year_context(y, n),
        Page::Month(i, n) => r.month_context(i, n),
        Page::Day(i, n) => r.day_context(i, n),
        Page::Authors => to_context(&AuthorsPage {
            page: r.page_view(page, "Authors", &config.description),
            authors: env.archive.authors.iter().map(|a| AuthorView::new(env, a)).collect(),
        }),
        Page::Author(a, n) => {
            let author = env.archive.author(a);
            let slice = r.page_slice(&(0..author.articles.len()), n);
            to_context(&AuthorPage {
                page: r.page_view(page, &author.name, &config.description),
                author: AuthorView::new(env, author),
                articles: author.articles[slice].iter().map(|&id| &r.cards[id as usize]).collect(),
                pagination: PaginationView::new(
                    env,
                    &author.path,
                    n,
                    page_count(author.articles.len(), config.paginate),
                ),
            })
        }
        Page::NotFound => to_context(&PlainPage {
            page: r.page_view(page, "Page not found", &config.description),
        }),
    }
}

/// Up to `count` of `list` (an author's article ids, ascending) nearest to `id`, without it.
fn neighbours(list: &[ArticleId], id: ArticleId, count: usize) -> impl Iterator<Item = ArticleId> + '_ {
    let at = list.binary_search(&id).unwrap_or_else(|i| i);
    let after = if list.get(at) == Some(&id) { at + 1 } else { at };
    let newer = at.min(count / 2).max(count.saturating_sub(list.len() - after));
    let start = at.saturating_sub(newer);
    let before = list[start..at].iter();
    let rest = count - (at - start);
    before.chain(list[after..].iter().take(rest)).copied()
}

fn to_context<T: Serialize>(view: &T) -> Result<Context, Diagnostic> {
    Context::from_serialize(view)
        .map_err(|e| Diagnostic::file("(dateline)", format!("internal error building a page: {e}")))
}

#[cfg(test)]
mod tests {
    use super::neighbours;

    #[test]
    fn neighbours_fill_from_both_sides() {
        let list = [1, 3, 5, 7, 9, 11, 13];
        let around = |id| neighbours(&list, id, 4).collect::<Vec<_>>();
        assert_eq!(around(7), [3, 5, 9, 11]);
        assert_eq!(around(1), [3, 5, 7, 9]);
        assert_eq!(around(13), [5, 7, 9, 11]);
        assert_eq!(around(11), [5, 7, 9, 13]);
        assert_eq!(neighbours(&[4], 4, 4).count(), 0);
        assert_eq!(neighbours(&[4, 8], 8, 4).collect::<Vec<_>>(), [4]);
    }
}
