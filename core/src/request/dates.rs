//! Deadline arithmetic: how each law counts its periods, as small pure functions over calendar
//! dates (no clock here: the shell passes today's date in).
//!
//! - A period in **days** runs from the day after the event: the day of receipt is not counted
//!   (EU Regulation 1182/71 Art. 3(1); Canada's Interpretation Act s. 27(2); Australia's Acts
//!   Interpretation Act 1901 s. 36(1) item 6; HHS counts HIPAA's 30 days as calendar days after
//!   receipt). So 30 days after 31 January 2025 is 2 March 2025.
//! - A period in **months** ends on the same date in the last month; when that month has no such
//!   date, on its last day (Regulation 1182/71 Art. 3(2)(c); the UK ICO counts the same way;
//!   Canada's Interpretation Act s. 28). One month after 31 January is 28 February, or 29 February
//!   in a leap year.
//! - When the last day falls on a day the law skips ([`Roll`]), the period runs to the next day
//!   that it does not skip. Public holidays are not modelled (they differ by state, province and
//!   country): the computed date can be a holiday, in which case the true deadline is the next
//!   working day, never earlier.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::Serialize;

/// A legal period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Days(u32),
    Months(u32),
}

impl Period {
    /// The same kind of period, `other` longer (both must be of one kind; a day period plus a
    /// month period is counted in days with a month as 30 days, which no rule here needs).
    pub fn plus(self, other: Period) -> Period {
        match (self, other) {
            (Period::Days(a), Period::Days(b)) => Period::Days(a + b),
            (Period::Months(a), Period::Months(b)) => Period::Months(a + b),
            (Period::Days(a), Period::Months(b)) | (Period::Months(b), Period::Days(a)) => {
                Period::Days(a + 30 * b)
            }
        }
    }

    /// The last day of this period counted from `event` (the event's own day not counted), before
    /// any roll-forward. `None` only past the year 262143.
    pub fn end_from(self, event: NaiveDate) -> Option<NaiveDate> {
        match self {
            Period::Days(n) => event.checked_add_days(Days::new(n.into())),
            // chrono clamps to the month's last day when the date does not exist in it, which is
            // exactly Art. 3(2)(c) of Regulation 1182/71
            Period::Months(n) => event.checked_add_months(Months::new(n)),
        }
    }

    /// English words for letters: "30 days", "one month", "2 months".
    pub fn words_en(self) -> String {
        match self {
            Period::Days(1) => "1 day".into(),
            Period::Days(n) => format!("{n} days"),
            Period::Months(1) => "one month".into(),
            Period::Months(2) => "two months".into(),
            Period::Months(n) => format!("{n} months"),
        }
    }

    /// French words: « 30 jours », « un mois ».
    pub fn words_fr(self) -> String {
        match self {
            Period::Days(1) => "1 jour".into(),
            Period::Days(n) => format!("{n} jours"),
            Period::Months(1) => "un mois".into(),
            Period::Months(n) => format!("{n} mois"),
        }
    }
}

/// Which days a deadline that lands on them moves past.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Roll {
    /// The date stands whatever day it is (HIPAA: calendar days).
    None,
    /// Saturday and Sunday move to Monday (EU 1182/71 Art. 3(4); UK ICO; AU s. 36(2)).
    Weekend,
    /// Only Sunday moves to Monday (Canada: a "holiday" includes Sunday but not Saturday,
    /// Interpretation Act ss. 26 and 35; Ontario Legislation Act, 2006 ss. 87 and 89).
    Sunday,
}

impl Roll {
    pub fn apply(self, date: NaiveDate) -> NaiveDate {
        let skip = |d: NaiveDate| match self {
            Roll::None => false,
            Roll::Weekend => matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
            Roll::Sunday => d.weekday() == Weekday::Sun,
        };
        let mut d = date;
        while skip(d) {
            match d.succ_opt() {
                Some(n) => d = n,
                None => break,
            }
        }
        d
    }
}

/// The deadline of `period` from `event` under `roll`.
pub fn deadline(event: NaiveDate, period: Period, roll: Roll) -> Option<NaiveDate> {
    period.end_from(event).map(|d| roll.apply(d))
}

/// Parse an ISO calendar date (`YYYY-MM-DD`) strictly.
pub fn parse_iso(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() != 10 || s.as_bytes()[4] != b'-' || s.as_bytes()[7] != b'-' {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A date in English prose: "28 February 2025".
pub fn long_en(d: NaiveDate) -> String {
    const M: [&str; 12] = [
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
    ];
    format!("{} {} {}", d.day(), M[d.month0() as usize], d.year())
}

/// A date in French prose: « 1er mars 2025 », « 28 février 2025 ».
pub fn long_fr(d: NaiveDate) -> String {
    const M: [&str; 12] = [
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
    ];
    let day = if d.day() == 1 {
        "1er".to_string()
    } else {
        d.day().to_string()
    };
    format!("{day} {} {}", M[d.month0() as usize], d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_iso(s).unwrap()
    }

    #[test]
    fn one_month_clamps_to_the_month_end() {
        let m = Period::Months(1);
        assert_eq!(m.end_from(d("2025-01-31")), Some(d("2025-02-28")));
        assert_eq!(
            m.end_from(d("2024-01-31")),
            Some(d("2024-02-29")),
            "leap year"
        );
        assert_eq!(m.end_from(d("2024-01-29")), Some(d("2024-02-29")));
        assert_eq!(m.end_from(d("2025-01-29")), Some(d("2025-02-28")));
        assert_eq!(m.end_from(d("2025-03-31")), Some(d("2025-04-30")));
        assert_eq!(m.end_from(d("2025-02-28")), Some(d("2025-03-28")));
        assert_eq!(
            m.end_from(d("2025-12-31")),
            Some(d("2026-01-31")),
            "year end"
        );
        assert_eq!(
            m.end_from(d("2025-09-03")),
            Some(d("2025-10-03")),
            "ICO's example"
        );
        assert_eq!(
            m.end_from(d("2100-01-31")),
            Some(d("2100-02-28")),
            "2100 is no leap year"
        );
        assert_eq!(
            m.end_from(d("2000-01-31")),
            Some(d("2000-02-29")),
            "2000 is one"
        );
    }

    #[test]
    fn three_months_from_the_event_not_from_the_clamped_date() {
        // one month then two more, counted from the event: 31 Jan -> 30 Apr, not 28 Apr
        assert_eq!(
            Period::Months(1)
                .plus(Period::Months(2))
                .end_from(d("2025-01-31")),
            Some(d("2025-04-30"))
        );
        assert_eq!(
            Period::Months(3).end_from(d("2023-11-30")),
            Some(d("2024-02-29"))
        );
    }

    #[test]
    fn days_exclude_the_day_of_the_event() {
        let p = Period::Days(30);
        assert_eq!(p.end_from(d("2025-01-31")), Some(d("2025-03-02")));
        assert_eq!(
            p.end_from(d("2024-01-31")),
            Some(d("2024-03-01")),
            "leap year"
        );
        assert_eq!(p.end_from(d("2025-12-15")), Some(d("2026-01-14")));
        assert_eq!(
            Period::Days(30)
                .plus(Period::Days(30))
                .end_from(d("2025-01-31")),
            Some(d("2025-04-01"))
        );
        assert_eq!(
            Period::Days(180).end_from(d("2025-03-02")),
            Some(d("2025-08-29"))
        );
    }

    #[test]
    fn rolls_skip_the_days_each_law_skips() {
        let sat = d("2025-03-01");
        let sun = d("2025-03-02");
        let mon = d("2025-03-03");
        assert_eq!(Roll::None.apply(sat), sat);
        assert_eq!(Roll::None.apply(sun), sun);
        assert_eq!(Roll::Weekend.apply(sat), mon);
        assert_eq!(Roll::Weekend.apply(sun), mon);
        assert_eq!(Roll::Weekend.apply(mon), mon);
        assert_eq!(
            Roll::Sunday.apply(sat),
            sat,
            "Saturday is no holiday in Canada"
        );
        assert_eq!(Roll::Sunday.apply(sun), mon);
    }

    #[test]
    fn iso_dates_parse_strictly() {
        assert_eq!(parse_iso("2024-02-29"), Some(d("2024-02-29")));
        for bad in [
            "2025-02-29",
            "2025-2-1",
            "01/02/2025",
            "2025-13-01",
            "",
            "20250101",
            "x",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn prose_dates() {
        assert_eq!(long_en(d("2025-02-28")), "28 February 2025");
        assert_eq!(long_fr(d("2025-03-01")), "1er mars 2025");
        assert_eq!(long_fr(d("2025-08-15")), "15 août 2025");
    }
}
