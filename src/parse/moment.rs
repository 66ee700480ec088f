//! moment.js's lenient parsing of the plugin's date formats
//! `["YYYY-MM-DD", "DD-MM-YYYY", "ddd MMM DD YYYY"]`, as the plugin calls
//! `moment(s, formats)` on schedule comments and note front matter: each
//! format tried in turn, each token found anywhere in what is left, missing
//! parts defaulted, the best-scoring valid reading kept.

use std::ops::Range;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

#[derive(Clone, Copy)]
enum Tok {
    Year,
    Month,
    Day,
    Weekday,
    MonthName,
    Lit(&'static str),
}

const FORMATS: [&[Tok]; 3] = [
    &[Tok::Year, Tok::Lit("-"), Tok::Month, Tok::Lit("-"), Tok::Day],
    &[Tok::Day, Tok::Lit("-"), Tok::Month, Tok::Lit("-"), Tok::Year],
    &[Tok::Weekday, Tok::Lit(" "), Tok::MonthName, Tok::Lit(" "), Tok::Day, Tok::Lit(" "), Tok::Year],
];

const WEEKDAYS: [[&str; 3]; 7] = [
    ["sunday", "sun", "su"],
    ["monday", "mon", "mo"],
    ["tuesday", "tue", "tu"],
    ["wednesday", "wed", "we"],
    ["thursday", "thu", "th"],
    ["friday", "fri", "fr"],
    ["saturday", "sat", "sa"],
];

const MONTHS: [[&str; 2]; 12] = [
    ["january", "jan"],
    ["february", "feb"],
    ["march", "mar"],
    ["april", "apr"],
    ["may", "may"],
    ["june", "jun"],
    ["july", "jul"],
    ["august", "aug"],
    ["september", "sep"],
    ["october", "oct"],
    ["november", "nov"],
    ["december", "dec"],
];

struct Attempt {
    date: Option<NaiveDate>,
    score: usize,
}

/// Reads a date the way the plugin's `moment(s, formats)` does, non-strict.
///
/// moment tries each format, finds each token's pattern *anywhere* in what is
/// left of the input (skipping what comes before), defaults missing parts,
/// rejects overflowing months and days, and keeps the first valid format
/// unless a later one leaves fewer characters and tokens unused. This is why
/// `2024-13-45` reads as 2024-01-20 and `2024-02-30` as 2030-02-20.
#[must_use]
pub fn parse_moment_date(input: &str, today: NaiveDate) -> Option<NaiveDate> {
    // Fast path: a canonical valid `YYYY-MM-DD` parses with score 0 in the
    // first format, which no later format can beat.
    let b = input.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            b[r].iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
        };
        if let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10))
            && let Some(date) = NaiveDate::from_ymd_opt(y as i32, m, d)
        {
            return Some(date);
        }
    }
    let mut best: Option<Attempt> = None;
    let mut best_valid = false;
    for format in FORMATS {
        let attempt = try_format(input, format, today);
        let valid = attempt.date.is_some();
        match &best {
            _ if !best_valid => {
                let beat = best.as_ref().is_none_or(|b| attempt.score < b.score) || valid;
                if beat {
                    best_valid = valid;
                    best = Some(attempt);
                }
            }
            Some(b) if attempt.score < b.score => best = Some(attempt),
            Some(_) | None => {}
        }
    }
    best.and_then(|b| b.date)
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

static MATCH_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)[0-9]{0,256}['a-z\x{00A0}-\x{05FF}\x{0700}-\x{D7FF}\x{F900}-\x{FDCF}\x{FDF0}-\x{FF07}\x{FF10}-\x{FFEF}]{1,256}|[\x{0600}-\x{06FF}/]{1,256}(\s*?[\x{0600}-\x{06FF}]{1,256}){1,2}",
    )
    .expect("valid regex")
});

fn find_digits(s: &str, max: usize) -> Option<Range<usize>> {
    let b = s.as_bytes();
    let start = b.iter().position(u8::is_ascii_digit)?;
    let mut end = start;
    while end < b.len() && end - start < max && b[end].is_ascii_digit() {
        end += 1;
    }
    Some(start..end)
}

fn try_format(input: &str, format: &[Tok], today: NaiveDate) -> Attempt {
    let mut rest = input;
    let mut parsed_len = 0;
    let mut unused_tokens = 0;
    let mut any_token = false;
    let (mut year, mut month, mut day): (Option<i64>, Option<i64>, Option<i64>) = (None, None, None);
    let mut weekday: Option<u32> = None;
    let mut invalid = false;
    for &tok in format {
        let found = match tok {
            Tok::Year => find_digits(rest, 4),
            Tok::Month | Tok::Day => find_digits(rest, 2),
            Tok::Weekday | Tok::MonthName => MATCH_WORD.find(rest).map(|m| m.range()),
            Tok::Lit(l) => rest.find(l).map(|i| i..i + l.len()),
        };
        let piece = found.as_ref().map(|r| &rest[r.clone()]);
        if let (Some(r), Some(p)) = (&found, piece) {
            parsed_len += utf16_len(p);
            let p = p.to_owned();
            rest = &rest[r.end..];
            match tok {
                Tok::Year => {
                    let v: i64 = p.parse().unwrap_or(0);
                    year = Some(if p.len() == 2 { v + if v > 68 { 1900 } else { 2000 } } else { v });
                }
                Tok::Month => month = Some(p.parse::<i64>().unwrap_or(0) - 1),
                Tok::Day => day = Some(p.parse().unwrap_or(0)),
                Tok::Weekday => {
                    let lower = p.to_lowercase();
                    match WEEKDAYS.iter().position(|names| names.iter().any(|n| lower.starts_with(n))) {
                        Some(i) => weekday = Some(i as u32),
                        None => invalid = true,
                    }
                }
                Tok::MonthName => {
                    let lower = p.to_lowercase();
                    match MONTHS.iter().position(|names| names.iter().any(|n| lower.starts_with(n))) {
                        Some(i) => month = Some(i as i64),
                        None => invalid = true,
                    }
                }
                Tok::Lit(_) => {}
            }
            if !matches!(tok, Tok::Lit(_)) {
                any_token = true;
            }
        } else if !matches!(tok, Tok::Lit(_)) {
            unused_tokens += 1;
        }
    }
    let score = utf16_len(input).saturating_sub(parsed_len) + unused_tokens * 10;
    if invalid || !any_token {
        return Attempt { date: None, score };
    }
    // Default leading missing parts to today, the rest to January / the 1st.
    let current = [i64::from(today.year()), i64::from(today.month0()), i64::from(today.day())];
    let mut parts = [year, month, day];
    let mut i = 0;
    while i < 3 && parts[i].is_none() {
        parts[i] = Some(current[i]);
        i += 1;
    }
    let y = parts[0].unwrap_or(current[0]);
    let m = parts[1].unwrap_or(0);
    let d = parts[2].unwrap_or(1);
    let date = if (0..=11).contains(&m) && d >= 1 {
        i32::try_from(y).ok().and_then(|y| NaiveDate::from_ymd_opt(y, (m + 1) as u32, d as u32))
    } else {
        None
    };
    let date = date.filter(|dt| weekday.is_none_or(|w| dt.weekday().num_days_from_sunday() == w));
    Attempt { date, score }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid")
    }

    const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2024, 6, 20) {
        Some(d) => d,
        None => panic!(),
    };

    #[test]
    fn moment_reads_what_the_plugin_reads() {
        let cases = [
            ("2024-06-05", Some(d(2024, 6, 5))),
            ("2024-6-5", Some(d(2024, 6, 5))),
            ("05-06-2024", Some(d(2024, 6, 5))),
            ("20240605", Some(d(2024, 6, 5))),
            ("2024/06/05", Some(d(2024, 6, 5))),
            ("Wed Jun 05 2024", Some(d(2024, 6, 5))),
            ("2024-13-45", Some(d(2024, 1, 20))),
            ("2024-02-30", Some(d(2030, 2, 20))),
            ("not-a-date", None),
            ("someday", None),
            ("", None),
            ("Thu Jun 05 2024", None),
            (" 2024-06-19 ", Some(d(2024, 6, 19))),
        ];
        for (input, want) in cases {
            assert_eq!(parse_moment_date(input, TODAY), want, "input {input:?}");
        }
    }
}
