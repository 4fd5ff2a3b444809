//! Date archives: year, month (with its calendar), day, and on this day.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::Year;
use crate::render::pages::Page;
use crate::render::views::*;
use crate::render::{Mode, Prepared, Renderer};

/// `on-this-day/10-26/`
pub fn on_this_day_path(month: u32, day: u32) -> String {
    format!("on-this-day/{month:02}-{day:02}/")
}

/// Articles of one day within a page of a date listing (`groups` on year and month pages).
#[derive(Serialize)]
struct DayGroup {
    date: String,
    long: String,
    path: String,
    articles: Vec<Prebuilt>,
}

#[derive(Serialize)]
struct YearPage {
    /// A `YearView`, the same on every page of the year.
    year: Prebuilt,
    groups: Vec<DayGroup>,
    pagination: PaginationView,
    breadcrumbs: Vec<Crumb>,
}

#[derive(Serialize)]
struct YearView {
    year: i32,
    path: String,
    /// The count and the months are absent on the year's numbered pages, which show
    /// nothing that changes with a new article (`paging`).
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    months: Option<Vec<MonthLink>>,
    newer: Option<Crumb>,
    older: Option<Crumb>,
}

#[derive(Serialize)]
struct MonthPage {
    /// A `MonthView`, the same on every page of the month.
    month: Prebuilt,
    groups: Vec<DayGroup>,
    pagination: PaginationView,
    breadcrumbs: Vec<Crumb>,
}

#[derive(Serialize)]
struct MonthView {
    year: i32,
    month: u32,
    name: String,
    path: String,
    /// The count, days and calendar are absent on the month's numbered pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    days: Option<Vec<DayLink>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    calendar: Option<CalendarView>,
    newer: Option<Crumb>,
    older: Option<Crumb>,
}

/// A month as a grid of weeks; days with articles carry a link.
#[derive(Serialize)]
struct CalendarView {
    /// Short weekday names, in the order of the columns.
    weekdays: Vec<&'static str>,
    weeks: Vec<Vec<CalendarDay>>,
}

#[derive(Serialize)]
struct CalendarDay {
    /// Absent for the cells before the 1st and after the last day.
    day: Option<u32>,
    /// `October 26, 2025`.
    date: Option<String>,
    /// Link to the day's page, when it has articles.
    path: Option<String>,
    count: usize,
}

#[derive(Serialize)]
struct DayPage {
    day: DayView,
    articles: Vec<Prebuilt>,
    pagination: PaginationView,
    breadcrumbs: Vec<Crumb>,
}

#[derive(Serialize)]
struct DayView {
    date: String,
    long: String,
    path: String,
    /// Absent on the day's numbered pages.
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<usize>,
    newer: Option<Crumb>,
    older: Option<Crumb>,
    /// The same day of the year in every year, when other years have articles on it.
    on_this_day: Option<Crumb>,
}

#[derive(Serialize)]
struct OnThisDayPage {
    on_this_day: OnThisDayView,
    breadcrumbs: Vec<Crumb>,
}

#[derive(Serialize)]
struct OnThisDayView {
    month: u32,
    day: u32,
    /// `October 26`
    name: String,
    path: String,
    count: usize,
    /// Newest year first.
    years: Vec<YearGroup>,
    /// The previous and next days of the calendar that have articles.
    previous: Option<Crumb>,
    next: Option<Crumb>,
}

#[derive(Serialize)]
struct YearGroup {
    year: i32,
    path: String,
    articles: Vec<Prebuilt>,
}

impl<'a> Renderer<'a> {
    fn groups(&self, slice: std::ops::Range<usize>, mode: Mode) -> Vec<DayGroup> {
        let archive = self.env.archive;
        let mut groups: Vec<DayGroup> = Vec::new();
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
                articles: self.cards_in(start..end, mode),
            });
            start = end;
        }
        groups
    }

    pub(super) fn year_crumbs(&self, year: i32) -> Vec<Crumb> {
        vec![self.home_crumb(), self.crumb(year.to_string(), &year_path(year))]
    }

    pub(super) fn month_crumbs(&self, year: i32, month: u32) -> Vec<Crumb> {
        let mut crumbs = self.year_crumbs(year);
        crumbs.push(self.crumb(self.env.locale.month(month), &month_path(year, month)));
        crumbs
    }

    pub(super) fn day_crumbs(&self, day: NaiveDate) -> Vec<Crumb> {
        let mut crumbs = self.month_crumbs(day.year(), day.month());
        crumbs.push(self.crumb(day.day().to_string(), &day_path(day)));
        crumbs
    }

    /// The breadcrumbs of the day of article `i` (`crumbs`) as a template value, made once
    /// for the day and shared by its articles' pages (so that `cached` finds their HTML).
    pub(super) fn day_crumbs_value(&self, i: usize, crumbs: &[Crumb]) -> Prebuilt {
        let days = &self.index.days;
        let starts = |d: &super::super::pages::DayRef| self.env.archive.years[d.y].months[d.m].days[d.d].articles.start;
        let d = days.partition_point(|d| starts(d) <= i).saturating_sub(1);
        self.day_crumbs_views[d].get(Mode::Render, || crumbs)
    }

    pub(super) fn year_context(&self, y: usize, n: usize, mode: Mode) -> Result<Prepared, Diagnostic> {
        let env = &self.env;
        let years = &env.archive.years;
        let year: &Year = &years[y];
        let base = year_path(year.year);
        let title = year.year.to_string();
        let year_link = |other: Option<&Year>| other.map(|o| self.crumb(o.year.to_string(), &year_path(o.year)));
        let breadcrumbs = self.year_crumbs(year.year);
        let page = Page::Year(y, n);
        let own = n == 0;
        let meta = self.collection(mode, &title, &page, &breadcrumbs);
        let view = YearPage {
            year: self.year_views[y][usize::from(own)].get(mode, || YearView {
                year: year.year,
                path: env.link(&base),
                count: own.then_some(year.articles.len()),
                months: own.then(|| {
                    (year.months.iter())
                        .map(|m| MonthLink {
                            month: m.month,
                            name: env.locale.month(m.month),
                            path: env.link(&month_path(m.year, m.month)),
                            count: m.articles.len(),
                        })
                        .collect()
                }),
                newer: year_link(y.checked_sub(1).map(|j| &years[j])),
                older: year_link(years.get(y + 1)),
            }),
            groups: self.groups(self.page_slice(&year.articles, n), mode),
            pagination: self.pagination(&base, n, year.articles.len()),
            breadcrumbs,
        };
        self.finish(mode, &page, &title, &env.config.description, meta, view)
    }

    pub(super) fn month_context(&self, i: usize, n: usize, mode: Mode) -> Result<Prepared, Diagnostic> {
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
        let breadcrumbs = self.month_crumbs(month.year, month.month);
        let page = Page::Month(i, n);
        let own = n == 0;
        let meta = self.collection(mode, &name, &page, &breadcrumbs);
        let view = MonthPage {
            month: self.month_views[i][usize::from(own)].get(mode, || MonthView {
                year: month.year,
                month: month.month,
                path: env.link(&base),
                count: own.then_some(month.articles.len()),
                days: own.then(|| {
                    (month.days.iter())
                        .map(|d| DayLink {
                            day: d.date.day(),
                            weekday: env.locale.weekday(d.date.weekday()),
                            date: env.locale.date(d.date),
                            path: env.link(&day_path(d.date)),
                            count: d.articles.len(),
                        })
                        .collect()
                }),
                calendar: own.then(|| self.calendar(month)),
                newer: month_link(i.checked_sub(1)),
                older: month_link(Some(i + 1)),
                name: name.clone(),
            }),
            groups: self.groups(self.page_slice(&month.articles, n), mode),
            pagination: self.pagination(&base, n, month.articles.len()),
            breadcrumbs,
        };
        self.finish(mode, &page, &name, &env.config.description, meta, view)
    }

    fn calendar(&self, month: &crate::model::Month) -> CalendarView {
        let env = &self.env;
        let first = NaiveDate::from_ymd_opt(month.year, month.month, 1).expect("a month of the archive exists");
        let next_month = if month.month == 12 {
            NaiveDate::from_ymd_opt(month.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(month.year, month.month + 1, 1)
        };
        let length = next_month.map_or(31, |next| (next - first).num_days() as u32);
        let lead = (7 + first.weekday().num_days_from_monday() - env.locale.first_weekday().num_days_from_monday()) % 7;
        let mut cells: Vec<CalendarDay> = (0..lead)
            .map(|_| CalendarDay {
                day: None,
                date: None,
                path: None,
                count: 0,
            })
            .collect();
        for d in 1..=length {
            let date = first + Duration::days(i64::from(d) - 1);
            let count = month
                .days
                .iter()
                .find(|x| x.date == date)
                .map_or(0, |x| x.articles.len());
            cells.push(CalendarDay {
                day: Some(d),
                date: Some(env.locale.long_date(date)),
                path: (count > 0).then(|| env.link(&day_path(date))),
                count,
            });
        }
        while !cells.len().is_multiple_of(7) {
            cells.push(CalendarDay {
                day: None,
                date: None,
                path: None,
                count: 0,
            });
        }
        let mut weeks = Vec::with_capacity(cells.len() / 7);
        let mut cells = cells.into_iter().peekable();
        while cells.peek().is_some() {
            weeks.push(cells.by_ref().take(7).collect());
        }
        CalendarView {
            weekdays: env.locale.calendar_weekdays(),
            weeks,
        }
    }

    pub(super) fn day_context(&self, i: usize, n: usize, mode: Mode) -> Result<Prepared, Diagnostic> {
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
        let on_this_day = env
            .archive
            .on_this_day
            .iter()
            .find(|o| o.month == day.date.month() && o.day == day.date.day())
            .filter(|o| o.articles.len() > day.articles.len())
            .map(|o| self.crumb(env.locale.day_month(day.date), &on_this_day_path(o.month, o.day)));
        let breadcrumbs = self.day_crumbs(day.date);
        let page = Page::Day(i, n);
        let meta = self.collection(mode, &date, &page, &breadcrumbs);
        let view = DayPage {
            day: DayView {
                long: env.locale.long_date(day.date),
                path: env.link(&base),
                count: (n == 0).then_some(day.articles.len()),
                newer: day_link(i.checked_sub(1)),
                older: day_link(Some(i + 1)),
                on_this_day,
                date: date.clone(),
            },
            articles: self.cards_in(self.page_slice(&day.articles, n), mode),
            pagination: self.pagination(&base, n, day.articles.len()),
            breadcrumbs,
        };
        self.finish(mode, &page, &date, &env.config.description, meta, view)
    }

    pub(super) fn on_this_day_context(&self, i: usize, mode: Mode) -> Result<Prepared, Diagnostic> {
        let env = &self.env;
        let all = &env.archive.on_this_day;
        let entry = &all[i];
        // Any leap year names every calendar day, February 29 included.
        let label = |m: u32, d: u32| {
            NaiveDate::from_ymd_opt(2000, m, d)
                .map(|x| env.locale.day_month(x))
                .unwrap_or_default()
        };
        let name = label(entry.month, entry.day);
        let mut years: Vec<YearGroup> = Vec::new();
        for &id in &entry.articles {
            let year = env.archive.article(id).date.day().year();
            if years.last().is_none_or(|g| g.year != year) {
                let date = NaiveDate::from_ymd_opt(year, entry.month, entry.day).expect("an article's day exists");
                years.push(YearGroup {
                    year,
                    path: env.link(&day_path(date)),
                    articles: Vec::new(),
                });
            }
            years
                .last_mut()
                .expect("pushed above")
                .articles
                .push(self.card(id as usize, mode));
        }
        let neighbour = |j: usize| {
            all.get(j)
                .map(|o| self.crumb(label(o.month, o.day), &on_this_day_path(o.month, o.day)))
        };
        let title = format!("On this day: {name}");
        let breadcrumbs = vec![
            self.home_crumb(),
            self.crumb(name.clone(), &on_this_day_path(entry.month, entry.day)),
        ];
        let page = Page::OnThisDay(i);
        let meta = self.collection(mode, &title, &page, &breadcrumbs);
        let view = OnThisDayPage {
            on_this_day: OnThisDayView {
                month: entry.month,
                day: entry.day,
                path: env.link(&on_this_day_path(entry.month, entry.day)),
                count: entry.articles.len(),
                years,
                previous: i.checked_sub(1).and_then(neighbour),
                next: neighbour(i + 1),
                name,
            },
            breadcrumbs,
        };
        self.finish(mode, &page, &title, &env.config.description, meta, view)
    }
}
