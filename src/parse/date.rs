//! Publication dates: RFC 3339 with an offset, local times in the site's time zone,
//! and the plain layout's date line (`Sun Oct 26 2025`).

use chrono::{DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike, Weekday};
use chrono_tz::Tz;

/// How much of the time of publication the source gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub enum Precision {
    /// Only the day: the time is midnight in the site's time zone.
    Day,
    /// Day and time of day.
    Time,
}

/// A moment of publication, expressed in the site's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ArticleDate {
    pub at: DateTime<FixedOffset>,
    pub precision: Precision,
}

/// Stored (in the build cache) as seconds since the epoch, offset and precision.
impl serde::Serialize for ArticleDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (
            self.at.timestamp(),
            self.at.timestamp_subsec_nanos(),
            self.at.offset().local_minus_utc(),
            self.precision,
        )
            .serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for ArticleDate {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let (seconds, nanos, offset, precision): (i64, u32, i32, Precision) = serde::Deserialize::deserialize(d)?;
        let offset = FixedOffset::east_opt(offset).ok_or_else(|| serde::de::Error::custom("offset out of range"))?;
        let at = DateTime::from_timestamp(seconds, nanos)
            .ok_or_else(|| serde::de::Error::custom("time out of range"))?
            .with_timezone(&offset);
        Ok(ArticleDate { at, precision })
    }
}

impl ArticleDate {
    /// The calendar day in the site's time zone (the day in the article's URL).
    pub fn day(&self) -> NaiveDate {
        self.at.date_naive()
    }
}

/// What a front matter `date` may look like, for hints.
pub const ACCEPTED_FORMS: &str =
    "use RFC 3339 such as 2025-10-26T14:30:00+09:00, or 2025-10-26 14:30 or 2025-10-26 in the site's time zone";

/// Parses a front matter date. Dates without an offset are in `tz`.
pub fn parse_date(input: &str, tz: Tz) -> Result<ArticleDate, String> {
    let s = input.trim();
    if s.is_empty() {
        return Err("the date is empty".into());
    }
    if let Some(at) = parse_with_offset(s) {
        return in_range(at.with_timezone(&tz).fixed_offset(), Precision::Time);
    }
    const LOCAL_FORMS: [&str; 4] = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ];
    for form in LOCAL_FORMS {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, form) {
            return in_range(localize(naive, tz)?, Precision::Time);
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return start_of_day(day, tz);
    }
    Err(format!("`{s}` is not a date"))
}

fn parse_with_offset(s: &str) -> Option<DateTime<FixedOffset>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(s) {
        return Some(at);
    }
    // "2025-10-26 14:30:00+09:00": RFC 3339 allows a space between date and time.
    if s.len() > 10 && s.as_bytes()[10] == b' ' {
        let mut t = s.to_string();
        t.replace_range(10..11, "T");
        if let Ok(at) = DateTime::parse_from_rfc3339(&t) {
            return Some(at);
        }
    }
    // "2025-10-26T14:30+09:00": seconds left out.
    DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M%:z")
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%d %H:%M%:z"))
        .ok()
}

/// Midnight of `day` in `tz`, with day precision.
pub fn start_of_day(day: NaiveDate, tz: Tz) -> Result<ArticleDate, String> {
    let naive = day.and_hms_opt(0, 0, 0).expect("midnight exists");
    // Where a time zone skips midnight (a DST change at 00:00), the day starts at 01:00.
    let at = localize(naive, tz).or_else(|_| localize(naive + chrono::Duration::hours(1), tz))?;
    in_range(at, Precision::Day)
}

fn localize(naive: NaiveDateTime, tz: Tz) -> Result<DateTime<FixedOffset>, String> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(at) => Ok(at.fixed_offset()),
        // Clocks went back: the first of the two moments.
        LocalResult::Ambiguous(first, _) => Ok(first.fixed_offset()),
        LocalResult::None => Err(format!(
            "{} does not exist in the time zone {} (the clocks moved forward)",
            naive.format("%Y-%m-%d %H:%M"),
            tz.name()
        )),
    }
}

fn in_range(at: DateTime<FixedOffset>, precision: Precision) -> Result<ArticleDate, String> {
    // chrono takes a second of 60 in any minute (`14:30:60`), as a leap second, which it
    // writes as a second of 59, or of 60 only in the minute of the offset it is in: as
    // the next second, it is written and read back as one moment (fuzz/regressions/date/).
    let at = match at.nanosecond() {
        n if n >= 1_000_000_000 => {
            at.with_nanosecond(n - 1_000_000_000).expect("in range") + chrono::TimeDelta::seconds(1)
        }
        _ => at,
    };
    if !(1..=9999).contains(&at.year()) {
        return Err(format!("the year {} is out of range", at.year()));
    }
    Ok(ArticleDate { at, precision })
}

/// Parses the date line of the plain layout: weekday, month, day and year, such as
/// `Sun Oct 26 2025` or `Tue Dec 2 2025` (full names and commas are accepted too).
pub fn parse_date_line(line: &str, tz: Tz) -> Result<ArticleDate, String> {
    let words: Vec<&str> = line.split([' ', ',', '\t']).filter(|w| !w.is_empty()).collect();
    let not_a_date_line = || format!("`{}` is not a date line such as `Sun Oct 26 2025`", line.trim());
    let [weekday, month, day, year] = words[..] else {
        return Err(not_a_date_line());
    };
    let weekday = weekday_from_name(weekday).ok_or_else(not_a_date_line)?;
    let month = month_from_name(month).ok_or_else(|| format!("`{month}` is not a month"))?;
    let day: u32 = day.parse().map_err(|_| format!("`{day}` is not a day of the month"))?;
    let year: i32 = year
        .parse()
        .ok()
        .filter(|y| (1..=9999).contains(y))
        .ok_or_else(|| format!("`{year}` is not a year"))?;
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(|| {
        format!(
            "{} {day} {year} does not exist",
            MONTH_ABBREVIATIONS[month as usize - 1]
        )
    })?;
    if date.weekday() != weekday {
        return Err(format!(
            "{} {day} {year} is a {}, not a {}",
            MONTH_ABBREVIATIONS[month as usize - 1],
            weekday_name(date.weekday()),
            weekday_name(weekday)
        ));
    }
    start_of_day(date, tz)
}

const MONTH_ABBREVIATIONS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTH_NAMES: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_from_name(word: &str) -> Option<u32> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    if w == "sept" {
        return Some(9);
    }
    MONTH_NAMES
        .iter()
        .position(|m| w.len() >= 3 && (*m == w || (w.len() == 3 && m.starts_with(&w))))
        .map(|i| i as u32 + 1)
}

fn weekday_from_name(word: &str) -> Option<Weekday> {
    let w = word.trim_end_matches('.').to_ascii_lowercase();
    const DAYS: [(&str, Weekday); 7] = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    DAYS.iter()
        .find(|(name, _)| w.len() >= 3 && (*name == w || (w.len() <= 4 && name.starts_with(&w))))
        .map(|&(_, d)| d)
}

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(d: &ArticleDate) -> String {
        d.at.to_rfc3339()
    }

    #[test]
    fn front_matter_dates() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let cases: [(&str, Tz, &str, Precision); 8] = [
            (
                "2025-10-26T14:30:00+09:00",
                Tz::UTC,
                "2025-10-26T05:30:00+00:00",
                Precision::Time,
            ),
            (
                "2025-10-26 14:30:00+09:00",
                Tz::Asia__Tokyo,
                "2025-10-26T14:30:00+09:00",
                Precision::Time,
            ),
            (
                "2025-10-26T14:30+09:00",
                Tz::Asia__Tokyo,
                "2025-10-26T14:30:00+09:00",
                Precision::Time,
            ),
            ("2025-10-26 14:30", ny, "2025-10-26T14:30:00-04:00", Precision::Time),
            ("2025-12-26T14:30:05", ny, "2025-12-26T14:30:05-05:00", Precision::Time),
            ("2025-10-26", ny, "2025-10-26T00:00:00-04:00", Precision::Day),
            (
                "2025-12-31T23:30:00-05:00",
                ny,
                "2025-12-31T23:30:00-05:00",
                Precision::Time,
            ),
            (
                "2025-12-31T23:30:00-05:00",
                Tz::UTC,
                "2026-01-01T04:30:00+00:00",
                Precision::Time,
            ),
        ];
        for (input, tz, expected, precision) in cases {
            let d = parse_date(input, tz).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(iso(&d), expected, "{input} in {tz}");
            assert_eq!(d.precision, precision, "{input}");
        }
    }

    /// Found by fuzzing: chrono takes `:60` in any minute, as a leap second, and one of
    /// a zone in local mean time (`-04:42:45`) was written in UTC a second early, on
    /// another moment than was read. The second is the next one.
    #[test]
    fn a_second_of_60_is_the_next_second() {
        let cases = [
            ("2016-12-31T23:59:60Z", Tz::UTC, "2017-01-01T00:00:00"),
            ("2025-10-26 14:30:60", Tz::UTC, "2025-10-26T14:31:00"),
            (
                "2025-10-26T14:30:60.5+09:00",
                Tz::Asia__Tokyo,
                "2025-10-26T14:31:00.500",
            ),
            ("0525-10-26 04:09:60", Tz::America__Santiago, "0525-10-26T04:10:00"),
        ];
        for (input, tz, expected) in cases {
            let d = parse_date(input, tz).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(d.at.format("%Y-%m-%dT%H:%M:%S%.f").to_string(), expected, "{input}");
            assert!(d.at.nanosecond() < 1_000_000_000, "{input}");
        }
    }

    #[test]
    fn url_day_is_the_local_day() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let d = parse_date("2025-12-31T23:30:00-05:00", ny).unwrap();
        assert_eq!(d.day().to_string(), "2025-12-31");
        let d = parse_date("2025-12-31T23:30:00-05:00", Tz::UTC).unwrap();
        assert_eq!(d.day().to_string(), "2026-01-01");
    }

    #[test]
    fn bad_front_matter_dates() {
        for input in ["", "yesterday", "2025-13-01", "2025-02-30", "26/10/2025", "10000-01-01"] {
            assert!(parse_date(input, Tz::UTC).is_err(), "{input:?} should fail");
        }
        // 02:30 does not exist in New York on the day clocks spring forward.
        let err = parse_date("2025-03-09 02:30", "America/New_York".parse().unwrap()).unwrap_err();
        assert!(err.contains("does not exist"), "{err}");
    }

    #[test]
    fn plain_date_lines() {
        let cases = [
            ("Sun Oct 26 2025", "2025-10-26"),
            ("Tue Dec 2 2025", "2025-12-02"),
            ("Tue Dec 02 2025", "2025-12-02"),
            ("Tuesday, December 2, 2025", "2025-12-02"),
            ("  Thu Sep 4 2025  ", "2025-09-04"),
            ("Thu Sept 4 2025", "2025-09-04"),
        ];
        for (input, day) in cases {
            let d = parse_date_line(input, Tz::UTC).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(d.day().to_string(), day, "{input}");
            assert_eq!(d.precision, Precision::Day);
        }
        let tokyo = parse_date_line("Sun Oct 26 2025", Tz::Asia__Tokyo).unwrap();
        assert_eq!(iso(&tokyo), "2025-10-26T00:00:00+09:00");
    }

    /// Dates as dateline writes them read back as the same moment, in the same offset, on
    /// the same day: RFC 3339 (feeds, sitemaps, JSON-LD), `%Y-%m-%dT%H:%M:%S%:z` (`dateline
    /// new`, imports), the local time imports write without an offset, the day alone, the
    /// plain layout's date line, and the build cache's form; years 1 to 9999.
    mod properties {
        use super::*;
        use chrono::{NaiveTime, Offset, Timelike};
        use proptest::prelude::*;

        /// Zones without changes, with changes at midnight, by half an hour, far east and
        /// west, and at a quarter hour.
        const ZONES: [Tz; 8] = [
            Tz::UTC,
            Tz::America__New_York,
            Tz::America__Santiago,
            Tz::Australia__Lord_Howe,
            Tz::Asia__Kolkata,
            Tz::Pacific__Kiritimati,
            Tz::Pacific__Pago_Pago,
            Tz::Asia__Kathmandu,
        ];

        fn years() -> impl Strategy<Value = i32> {
            prop_oneof![1 => Just(1), 1 => Just(9999), 1 => 1..=30i32, 1 => 9970..=9999i32, 6 => 1..=9999i32]
        }

        fn days() -> impl Strategy<Value = NaiveDate> {
            (years(), 1..=12u32, 1..=31u32)
                .prop_filter_map("a day of the calendar", |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d))
        }

        fn times() -> impl Strategy<Value = NaiveTime> {
            (
                0..24u32,
                0..60u32,
                0..60u32,
                prop_oneof![Just(0u32), 0..1_000_000_000u32],
            )
                .prop_map(|(h, m, s, nanos)| NaiveTime::from_hms_nano_opt(h, m, s, nanos).unwrap())
        }

        /// A moment in `tz` as a build holds it (an `ArticleDate`): the local time, the
        /// first of two when clocks go back, none when clocks skip it.
        fn moment(day: NaiveDate, time: NaiveTime, tz: Tz) -> Option<DateTime<FixedOffset>> {
            let at = tz.from_local_datetime(&day.and_time(time)).earliest()?.fixed_offset();
            (1..=9999).contains(&at.year()).then_some(at)
        }

        proptest! {
            #![proptest_config(crate::testing::properties(512))]

            #[test]
            fn written_dates_read_back(day in days(), time in times(), zone in 0..ZONES.len()) {
                let tz = ZONES[zone];
                let Some(at) = moment(day, time, tz) else { return Ok(()) };
                let whole_seconds = at.with_nanosecond(0).unwrap();
                let mut forms = vec![(crate::render::rfc3339(&at), at)];
                // `%:z` writes an offset in minutes: the local mean time of a zone before it
                // kept standard time (offsets with seconds) is written by `rfc3339` alone.
                if at.offset().local_minus_utc() % 60 == 0 {
                    forms.push((whole_seconds.format("%Y-%m-%dT%H:%M:%S%:z").to_string(), whole_seconds));
                    forms.push((whole_seconds.format("%Y-%m-%d %H:%M:%S%:z").to_string(), whole_seconds));
                }
                for (written, expected) in forms {
                    let read = parse_date(&written, tz).map_err(|e| TestCaseError::fail(format!("{written}: {e}")))?;
                    prop_assert_eq!(read.at, expected, "{}", written);
                    prop_assert_eq!(read.at.offset(), expected.offset(), "{}", written);
                    prop_assert_eq!(read.day(), expected.date_naive(), "{}", written);
                    prop_assert_eq!(read.precision, Precision::Time);
                }
            }

            #[test]
            fn local_times_read_in_the_site_zone(day in days(), time in times(), zone in 0..ZONES.len()) {
                let tz = ZONES[zone];
                let time = time.with_nanosecond(0).unwrap();
                let written = day.and_time(time).format("%Y-%m-%d %H:%M:%S").to_string();
                match (moment(day, time, tz), parse_date(&written, tz)) {
                    (Some(at), Ok(read)) => {
                        prop_assert_eq!(read.at, at, "{}", written);
                        prop_assert_eq!(read.day(), day, "{}", written);
                    }
                    (None, Err(e)) => prop_assert!(e.contains("does not exist"), "{}: {}", written, e),
                    (expected, read) => prop_assert!(false, "{written} in {tz}: {expected:?}, read {read:?}"),
                }
            }

            #[test]
            fn days_and_date_lines_read_back(day in days(), zone in 0..ZONES.len()) {
                let tz = ZONES[zone];
                let forms = [
                    (day.format("%Y-%m-%d").to_string(), false),
                    (day.format("%a %b %-d %Y").to_string(), true),
                    (day.format("%a %b %d %Y").to_string(), true),
                    (day.format("%A, %B %-d, %Y").to_string(), true),
                ];
                for (written, line) in forms {
                    let read = if line { parse_date_line(&written, tz) } else { parse_date(&written, tz) };
                    let read = read.map_err(|e| TestCaseError::fail(format!("{written}: {e}")))?;
                    prop_assert_eq!(read.day(), day, "{}", written);
                    prop_assert_eq!(read.precision, Precision::Day);
                    // Midnight, or 01:00 where the zone skips midnight that day.
                    prop_assert!(read.at.hour() <= 1 && read.at.minute() == 0, "{written}: {}", read.at);
                    prop_assert_eq!(read.at.offset().local_minus_utc(), tz.offset_from_utc_datetime(&read.at.naive_utc()).fix().local_minus_utc());
                }
            }

            #[test]
            fn the_cache_keeps_a_date(day in days(), time in times(), zone in 0..ZONES.len(), exact in any::<bool>()) {
                let tz = ZONES[zone];
                let Some(at) = moment(day, time, tz) else { return Ok(()) };
                let date = ArticleDate { at, precision: if exact { Precision::Time } else { Precision::Day } };
                let bytes = postcard::to_stdvec(&date).unwrap();
                let back: ArticleDate = postcard::from_bytes(&bytes).unwrap();
                prop_assert_eq!(back, date);
                prop_assert_eq!(back.at.offset(), date.at.offset());
            }
        }
    }

    #[test]
    fn bad_plain_date_lines() {
        let cases = [
            ("Austin Collins (670 articles)", "not a"),
            ("Mon Oct 26 2025", "is a Sunday, not a Monday"),
            ("Sun Foo 26 2025", "not a month"),
            ("Sun Feb 30 2025", "does not exist"),
            ("Sun Oct 26", "not a date line"),
        ];
        for (input, message) in cases {
            let err = parse_date_line(input, Tz::UTC).unwrap_err();
            assert!(err.contains(message), "{input}: {err}");
        }
    }
}
