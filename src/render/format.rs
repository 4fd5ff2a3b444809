//! Dates as readers see them, in the site's language.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Weekday};
use chrono_tz::Tz;

/// Names and date order of one language.
#[derive(Debug)]
pub struct Locale {
    months: [&'static str; 12],
    months_short: [&'static str; 12],
    weekdays: [&'static str; 7],
    weekdays_short: [&'static str; 7],
    order: Order,
    twelve_hour: bool,
    /// Whether calendars start the week on Sunday (else Monday).
    sunday_first: bool,
}

#[derive(Debug, Clone, Copy)]
enum Order {
    /// October 26, 2025
    MonthFirst,
    /// 26 octobre 2025
    DayFirst,
    /// 26. Oktober 2025
    DayDotMonth,
    /// 26 de octubre de 2025
    DayDeMonth,
}

static EN: Locale = Locale {
    months: [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    months_short: [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ],
    weekdays: [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ],
    weekdays_short: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    order: Order::MonthFirst,
    twelve_hour: true,
    sunday_first: true,
};
static EN_GB: Locale = Locale {
    order: Order::DayFirst,
    twelve_hour: false,
    sunday_first: false,
    ..EN
};
static FR: Locale = Locale {
    months: [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
    months_short: [
        "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.",
    ],
    weekdays: ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    weekdays_short: ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."],
    order: Order::DayFirst,
    twelve_hour: false,
    sunday_first: false,
};
static DE: Locale = Locale {
    months: [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ],
    months_short: [
        "Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez.",
    ],
    weekdays: [
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
    ],
    weekdays_short: ["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"],
    order: Order::DayDotMonth,
    twelve_hour: false,
    sunday_first: false,
};
static ES: Locale = Locale {
    months: [
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
    ],
    months_short: [
        "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic",
    ],
    weekdays: ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"],
    weekdays_short: ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"],
    order: Order::DayDeMonth,
    twelve_hour: false,
    sunday_first: false,
};
static PT: Locale = Locale {
    months: [
        "janeiro",
        "fevereiro",
        "março",
        "abril",
        "maio",
        "junho",
        "julho",
        "agosto",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
    ],
    months_short: [
        "jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov", "dez",
    ],
    weekdays: [
        "segunda-feira",
        "terça-feira",
        "quarta-feira",
        "quinta-feira",
        "sexta-feira",
        "sábado",
        "domingo",
    ],
    weekdays_short: ["seg", "ter", "qua", "qui", "sex", "sáb", "dom"],
    order: Order::DayDeMonth,
    twelve_hour: false,
    sunday_first: false,
};
static IT: Locale = Locale {
    months: [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ],
    months_short: [
        "gen", "feb", "mar", "apr", "mag", "giu", "lug", "ago", "set", "ott", "nov", "dic",
    ],
    weekdays: [
        "lunedì",
        "martedì",
        "mercoledì",
        "giovedì",
        "venerdì",
        "sabato",
        "domenica",
    ],
    weekdays_short: ["lun", "mar", "mer", "gio", "ven", "sab", "dom"],
    order: Order::DayFirst,
    twelve_hour: false,
    sunday_first: false,
};
static NL: Locale = Locale {
    months: [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    months_short: [
        "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec",
    ],
    weekdays: [
        "maandag",
        "dinsdag",
        "woensdag",
        "donderdag",
        "vrijdag",
        "zaterdag",
        "zondag",
    ],
    weekdays_short: ["ma", "di", "wo", "do", "vr", "za", "zo"],
    order: Order::DayFirst,
    twelve_hour: false,
    sunday_first: false,
};

impl Locale {
    /// The locale of a language tag; English for languages without one.
    pub fn for_language(tag: &str) -> &'static Locale {
        let lower = tag.to_ascii_lowercase();
        let primary = lower.split('-').next().unwrap_or("");
        match (primary, lower.as_str()) {
            ("en", "en-us" | "en") => &EN,
            ("en", _) => &EN_GB,
            ("fr", _) => &FR,
            ("de", _) => &DE,
            ("es", _) => &ES,
            ("pt", _) => &PT,
            ("it", _) => &IT,
            ("nl", _) => &NL,
            _ => &EN,
        }
    }

    pub fn month(&self, month: u32) -> &'static str {
        self.months[(month as usize).clamp(1, 12) - 1]
    }

    pub fn weekday(&self, day: Weekday) -> &'static str {
        self.weekdays[day.num_days_from_monday() as usize]
    }

    /// The first day of the week in calendars.
    pub fn first_weekday(&self) -> Weekday {
        if self.sunday_first { Weekday::Sun } else { Weekday::Mon }
    }

    /// `Sun`, `Mon`, … in calendar order (from `first_weekday`).
    pub fn calendar_weekdays(&self) -> Vec<&'static str> {
        let start = self.first_weekday().num_days_from_monday() as usize;
        (0..7).map(|i| self.weekdays_short[(start + i) % 7]).collect()
    }

    /// `October 26, 2025`
    pub fn date(&self, day: NaiveDate) -> String {
        self.day_month_year(day.day(), self.month(day.month()), day.year())
    }

    /// `Oct 26, 2025`
    pub fn short_date(&self, day: NaiveDate) -> String {
        self.day_month_year(day.day(), self.months_short[day.month0() as usize], day.year())
    }

    /// `Sunday, October 26, 2025`
    pub fn long_date(&self, day: NaiveDate) -> String {
        let weekday = self.weekday(day.weekday());
        match self.order {
            Order::MonthFirst => format!("{weekday}, {}", self.date(day)),
            _ => format!("{weekday} {}", self.date(day)),
        }
    }

    /// `October 2025`
    pub fn month_year(&self, year: i32, month: u32) -> String {
        match self.order {
            Order::DayDeMonth => format!("{} de {year}", self.month(month)),
            _ => format!("{} {year}", self.month(month)),
        }
    }

    /// `October 26`
    pub fn day_month(&self, day: NaiveDate) -> String {
        let month = self.month(day.month());
        match self.order {
            Order::MonthFirst => format!("{month} {}", day.day()),
            Order::DayFirst => format!("{} {month}", day.day()),
            Order::DayDotMonth => format!("{}. {month}", day.day()),
            Order::DayDeMonth => format!("{} de {month}", day.day()),
        }
    }

    /// `2:30 PM EDT` or `14:30 CEST`, in `tz`.
    pub fn time(&self, at: &DateTime<FixedOffset>, tz: Tz) -> String {
        let local = at.with_timezone(&tz);
        let zone = local.format("%Z").to_string();
        if self.twelve_hour {
            let (pm, hour) = local.hour12();
            format!("{hour}:{:02} {} {zone}", local.minute(), if pm { "PM" } else { "AM" })
        } else {
            format!("{:02}:{:02} {zone}", local.hour(), local.minute())
        }
    }

    fn day_month_year(&self, day: u32, month: &str, year: i32) -> String {
        match self.order {
            Order::MonthFirst => format!("{month} {day}, {year}"),
            Order::DayFirst => format!("{day} {month} {year}"),
            Order::DayDotMonth => format!("{day}. {month} {year}"),
            Order::DayDeMonth => format!("{day} de {month} de {year}"),
        }
    }
}

/// A moment as RFC 3339, as feeds, sitemaps, JSON-LD and `<time datetime>` write it: in
/// its own offset, or in UTC when that offset has seconds, which RFC 3339 cannot write (the
/// local mean time of a zone before it kept standard time, such as New York's -04:56:02
/// before 1883): rounded to the minute, the offset would name another moment, and read
/// back at midnight, another day.
pub fn rfc3339(at: &DateTime<FixedOffset>) -> String {
    writable(at).to_rfc3339()
}

/// `rfc3339` for RFC 2822 (RSS), whose offsets are minutes too.
pub fn rfc2822(at: &DateTime<FixedOffset>) -> String {
    writable(at).to_rfc2822()
}

fn writable(at: &DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    match at.offset().local_minus_utc() % 60 {
        0 => *at,
        _ => at.with_timezone(&FixedOffset::east_opt(0).expect("UTC")),
    }
}

/// `1,234,567`: counts as readers read them.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n` things in the messages of the command line: `1 page`, `2,345 pages`.
pub fn counted(n: usize, noun: &str) -> String {
    format!("{} {noun}{}", thousands(n), if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_for_messages() {
        assert_eq!(counted(1, "page"), "1 page");
        assert_eq!(counted(0, "file"), "0 files");
        assert_eq!(counted(2345, "article"), "2,345 articles");
    }

    #[test]
    fn english_and_other_languages() {
        let day = NaiveDate::from_ymd_opt(2025, 10, 26).unwrap();
        let en = Locale::for_language("en");
        assert_eq!(en.date(day), "October 26, 2025");
        assert_eq!(en.short_date(day), "Oct 26, 2025");
        assert_eq!(en.long_date(day), "Sunday, October 26, 2025");
        assert_eq!(en.month_year(2025, 10), "October 2025");
        assert_eq!(Locale::for_language("en-GB").date(day), "26 October 2025");
        assert_eq!(Locale::for_language("fr").long_date(day), "dimanche 26 octobre 2025");
        assert_eq!(Locale::for_language("de").date(day), "26. Oktober 2025");
        assert_eq!(Locale::for_language("es").date(day), "26 de octubre de 2025");
        assert_eq!(Locale::for_language("ja").date(day), "October 26, 2025");
    }

    #[test]
    fn times_in_the_site_time_zone() {
        let at = DateTime::parse_from_rfc3339("2025-10-26T05:30:00+00:00").unwrap();
        assert_eq!(Locale::for_language("en").time(&at, Tz::Asia__Tokyo), "2:30 PM JST");
        assert_eq!(Locale::for_language("fr").time(&at, Tz::Europe__Paris), "06:30 CET");
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    /// Found by fuzzing (fuzz/regressions/date/): before 1883 New York kept its local mean
    /// time, -04:56:02, which `to_rfc3339` rounded to -04:56, so an article of 1 January
    /// 1870 at midnight was published, in feeds and sitemaps, two seconds before it: on 31
    /// December 1869 when read back.
    #[test]
    fn moments_in_local_mean_time_are_written_exactly() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let day = crate::parse::date::start_of_day(NaiveDate::from_ymd_opt(1870, 1, 1).unwrap(), ny).unwrap();
        assert_eq!(day.at.offset().local_minus_utc(), -(4 * 3600 + 56 * 60 + 2));
        assert_eq!(rfc3339(&day.at), "1870-01-01T04:56:02+00:00");
        assert_eq!(rfc2822(&day.at), "Sat, 1 Jan 1870 04:56:02 +0000");
        let back = crate::parse::date::parse_date(&rfc3339(&day.at), ny).unwrap();
        assert_eq!((back.at, back.day()), (day.at, day.day()));
        // Offsets in minutes are written as they are.
        let tokyo = DateTime::parse_from_rfc3339("2025-10-26T14:30:00+09:00").unwrap();
        assert_eq!(rfc3339(&tokyo), "2025-10-26T14:30:00+09:00");
        assert_eq!(rfc2822(&tokyo), "Sun, 26 Oct 2025 14:30:00 +0900");
    }
}
