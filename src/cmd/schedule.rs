//! `recall schedule --json` (hidden): the pure scheduler as a JSON-lines
//! filter, the contract of the conformance corpus's `schedule.jsonl` and
//! `schedule-fsrs.jsonl`.
//!
//! With `"algorithm": "FSRS"` the sibling is scheduled with ts-fsrs's
//! algorithm at `now` (the input's `now`, else 12:00 UTC of `today`), and
//! the output also holds the four review-button labels the plugin shows
//! for the card at `now`. This is the one place the FSRS path touches the
//! local time zone: an SM-2 date and a zone-less FSRS timestamp mean local
//! time, as moment reads them.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use chrono::{DateTime, Days, Local, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::error::Error;
use crate::parse::CardSchedule;
use crate::parse::comment::{SegmentKind, format_sm2, read_schedule};
use crate::schedule::fsrs::{self, Card, FsrsError, FsrsSegment, Parameters, Rating};
use crate::schedule::{Histogram, Response, schedule_card};
use crate::settings::Settings;

#[derive(Deserialize)]
struct Input {
    comment: Option<String>,
    #[serde(default)]
    sibling: usize,
    response: Response,
    today: NaiveDate,
    /// RFC 3339; FSRS only.
    now: Option<String>,
    #[serde(default)]
    settings: Map<String, Value>,
    #[serde(default)]
    histogram: std::collections::HashMap<String, u32>,
}

/// Where a local date and time lies in time (the caller's time zone).
type Zone = fn(NaiveDateTime) -> Option<DateTime<Utc>>;

/// Computes the output object for one input line, in the local time zone.
fn answer(line: &str) -> Result<Value, String> {
    answer_in(line, local_instant)
}

/// Computes the output object for one input line, dates read in `zone`.
fn answer_in(line: &str, zone: Zone) -> Result<Value, String> {
    let input: Input = serde_json::from_str(line).map_err(|e| format!("bad input: {e}"))?;
    let settings = Settings::from_partial(&input.settings).map_err(|e| format!("bad settings: {e}"))?;
    if settings.algorithm == crate::settings::Algorithm::Fsrs {
        return fsrs_answer(&input, &settings, zone);
    }
    let mut pairs = Vec::new();
    for (k, v) in &input.histogram {
        pairs.push((k.trim().parse::<i64>().map_err(|_| format!("bad histogram key `{k}`"))?, *v));
    }
    let histogram = Histogram::from_counts(pairs);
    let segments = input.comment.as_deref().map(|c| read_schedule(c, input.today).1).unwrap_or_default();
    let schedule = match segments.get(input.sibling) {
        None => CardSchedule::New,
        Some(s) if s.is_placeholder() => CardSchedule::New,
        Some(s) => match s.kind {
            SegmentKind::Sm2 { due, interval, ease } => CardSchedule::Sm2 { due, interval, ease },
            SegmentKind::Fsrs { .. } => return Err("FSRS segments are not scheduled by recall".into()),
        },
    };
    let when = crate::clock::When::noon_of(input.today, crate::clock::Zone::Local);
    let next = schedule_card(&schedule, input.response, &when, &settings, None, Some(&histogram))
        .ok_or_else(|| "reset on a new card changes nothing".to_owned())?;
    Ok(json!({ "segment": format_sm2(next.due, next.interval, next.ease) }))
}

/// An instant for a local date and time, as JavaScript's `Date` picks it
/// (a time skipped by a daylight-saving change moves forward an hour).
fn local_instant(t: NaiveDateTime) -> Option<DateTime<Utc>> {
    Local
        .from_local_datetime(&t)
        .earliest()
        .or_else(|| Local.from_local_datetime(&(t + chrono::Duration::hours(1))).earliest())
        .map(|d| d.with_timezone(&Utc))
}

/// The FSRS card the plugin would schedule for the sibling, or `None` for
/// a new card.
fn fsrs_card(input: &Input, now: DateTime<Utc>, zone: Zone) -> Result<Option<Card>, String> {
    let midnight = |d: NaiveDate| zone(d.and_time(NaiveTime::MIN));
    let Some(comment) = input.comment.as_deref() else { return Ok(None) };
    let segments = read_schedule(comment, input.today).1;
    let Some(segment) = segments.get(input.sibling) else { return Ok(None) };
    if segment.is_placeholder() {
        return Ok(None);
    }
    match segment.kind {
        SegmentKind::Sm2 { due: Some(date), interval: Some(interval), ease: Some(ease) } => {
            // The plugin counts `interval` days back from local midnight of
            // the SM-2 date, in local calendar days.
            let i = fsrs::sm2_interval(Some(interval as f64));
            let last = date.checked_sub_days(Days::new(i as u64)).and_then(midnight);
            let (Some(due), Some(last)) = (midnight(date), last) else {
                return Err("the SM-2 schedule's dates are out of range".into());
            };
            Ok(Some(fsrs::from_sm2_at(due, last, Some(interval as f64), Some(ease as f64), now)))
        }
        // An unreadable SM-2 date, interval or ease: new (spec README).
        SegmentKind::Sm2 { .. } => Ok(None),
        SegmentKind::Fsrs { .. } => match FsrsSegment::parse(&comment[segment.raw.clone()]) {
            None => Ok(None),
            Some(seg) => seg.placed(zone).to_card(now).map(Some).map_err(|e| e.to_string()),
        },
    }
}

/// The FSRS path: the written segment and the four button labels.
fn fsrs_answer(input: &Input, settings: &Settings, zone: Zone) -> Result<Value, String> {
    let now = match &input.now {
        Some(s) => {
            DateTime::parse_from_rfc3339(s).map_err(|e| format!("bad now `{s}`: {e}"))?.with_timezone(&Utc)
        }
        None => input.today.and_hms_opt(12, 0, 0).unwrap_or_default().and_utc(),
    };
    let params = Parameters::plugin(settings.fsrs_desired_retention, settings.maximum_interval);
    let card = fsrs_card(input, now, zone)?.unwrap_or_else(|| fsrs::empty_card(now));
    let label = |r: Rating| fsrs::next(&params, &card, now, r).ok().map(|c| fsrs::button_text(now, &c));
    let intervals = json!({
        "again": label(Rating::Again),
        "hard": label(Rating::Hard),
        "good": label(Rating::Good),
        "easy": label(Rating::Easy),
    });
    let rating = match input.response {
        Response::Reset => {
            let segment = FsrsSegment::from_card(&fsrs::reset_card(now)).format();
            return Ok(json!({ "segment": segment, "intervals": intervals }));
        }
        Response::Again => Rating::Again,
        Response::Hard => Rating::Hard,
        Response::Good => Rating::Good,
        Response::Easy => Rating::Easy,
    };
    let next = match fsrs::next(&params, &card, now, rating) {
        // The plugin cannot answer a card last reviewed after now; recall
        // answers it as if last reviewed now (spec README).
        Err(FsrsError::InvalidDeltaT { .. }) => {
            fsrs::next(&params, &Card { last_review: Some(now), ..card.clone() }, now, rating)
        }
        other => other,
    }
    .map_err(|e| e.to_string())?;
    Ok(json!({ "segment": FsrsSegment::from_card(&next).format(), "intervals": intervals }))
}

pub fn run(input: impl BufRead, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let mut failed = false;
    for line in input.lines() {
        let line = line.map_err(Error::stdin)?;
        if line.trim().is_empty() {
            continue;
        }
        let j = match answer(&line) {
            Ok(v) => v,
            Err(e) => {
                failed = true;
                json!({ "error": e })
            }
        };
        writeln!(out, "{}", crate::json::to_string(&j).map_err(Error::json_out)?).map_err(Error::stdout)?;
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_example() {
        let line = r#"{"comment": "<!--SR:!2024-06-18,13,290!2024-06-20,16,290-->", "sibling": 1, "response": "good", "today": "2024-06-20", "settings": {"easyBonus": 1.5}, "histogram": {"46": 3, "45": 1}}"#;
        assert_eq!(answer(line).expect("ok"), json!({"segment": "!2024-08-06,47,290"}));
    }

    /// Dates read in UTC, as check.py runs the binary.
    const UTC: Zone = |t| Some(t.and_utc());

    /// Every vector of the shared corpus's `schedule-fsrs.jsonl` (made with
    /// the plugin's code, TZ=UTC): the segment and the button labels.
    #[test]
    fn every_fsrs_vector() {
        let text = include_str!("../../tests/conformance/schedule-fsrs.jsonl");
        let mut failures = Vec::new();
        let mut count = 0;
        for (n, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
            let v: Value = serde_json::from_str(line).expect("vector JSON");
            count += 1;
            match answer_in(line, UTC) {
                Ok(got) if got["segment"] == v["expected"] && got["intervals"] == v["intervals"] => {}
                Ok(got) => failures.push(format!(
                    "line {}: expected {} {}, got {got}",
                    n + 1,
                    v["expected"],
                    v["intervals"]
                )),
                Err(e) => failures.push(format!("line {}: {e}", n + 1)),
            }
        }
        assert_eq!(count, 191);
        assert!(failures.is_empty(), "{} vectors failed:\n{}", failures.len(), failures.join("\n"));
    }

    #[test]
    fn fsrs_worked_examples_and_zones() {
        let run = |comment: &str, response: &str, zone: Zone| {
            let line = json!({"comment": comment, "response": response, "today": "2024-01-05",
                "now": "2024-01-05T09:00:00Z", "settings": {"algorithm": "FSRS"}});
            answer_in(&line.to_string(), zone).expect("ok")["segment"].clone()
        };
        assert_eq!(
            run("", "good", UTC),
            "!fsrs,2024-01-05T09:10:00.000Z,0,2.3065,2.11810397,1,1,0,1,2024-01-05T09:00:00.000Z"
        );
        assert_eq!(
            run("<!--SR:!2024-01-01,10,250-->", "good", UTC),
            "!fsrs,2024-02-09T09:00:00.000Z,35,35.43659773,5.48972837,2,4,0,0,2024-01-05T09:00:00.000Z"
        );
        // Two hours ahead of UTC (checked with the plugin's code under
        // TZ=Etc/GMT-2): local midnight of 2024-01-01 is 22:00 the day
        // before, so the last review falls a UTC day earlier.
        let ahead: Zone = |t| Some(t.and_utc() - chrono::Duration::hours(2));
        assert_eq!(
            run("<!--SR:!2024-01-01,10,250-->", "good", ahead),
            "!fsrs,2024-02-11T09:00:00.000Z,37,36.60622769,5.48972837,2,4,0,0,2024-01-05T09:00:00.000Z"
        );
        assert_eq!(run("<!--SR:!2024-01-01,x,250-->", "easy", UTC), run("", "easy", UTC));
        assert_eq!(run("<!--SR:!fsrs,-,0,0,0,0,0,0,0,--->", "hard", UTC), run("", "hard", UTC));
        assert_eq!(
            run("<!--SR:!2024-01-01,10,250-->", "reset", UTC),
            "!fsrs,2024-01-05T09:00:00.000Z,0,0,0,0,0,0,0,-"
        );
        // Last reviewed after now: the plugin fails, recall answers as if the
        // last review were now.
        let line = json!({"comment": "<!--SR:!2024-03-01,2,250-->", "response": "good", "today": "2024-01-05",
            "now": "2024-01-05T09:00:00Z", "settings": {"algorithm": "FSRS"}});
        let got = answer_in(&line.to_string(), UTC).expect("ok");
        assert_eq!(got["intervals"], json!({"again": null, "hard": null, "good": null, "easy": null}));
        assert_eq!(
            got["segment"],
            "!fsrs,2024-01-08T09:00:00.000Z,3,2.0077488,5.48972837,2,3,0,0,2024-01-05T09:00:00.000Z"
        );
        let bad = json!({"comment": "<!--SR:!fsrs,2024-01-05T09:00:00Z,1,1,5,9,1,0,0,--->", "response": "good",
            "today": "2024-01-05", "settings": {"algorithm": "FSRS"}});
        assert!(answer_in(&bad.to_string(), UTC).is_err());
    }
}
