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

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::clock::{When, Zone};
use crate::error::Error;
use crate::parse::CardSchedule;
use crate::parse::comment::{SegmentKind, read_schedule};
use crate::schedule::fsrs::{self, Parameters};
use crate::schedule::scheduler::for_settings;
use crate::schedule::{CardContext, Histogram, Response, Schedule};
use crate::settings::{Algorithm, Settings};

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

/// Computes the output object for one input line, in the local time zone.
fn answer(line: &str) -> Result<Value, String> {
    answer_in(line, Zone::Local)
}

/// The sibling's schedule as a note would hold it, dates read in `zone`.
fn card_schedule(input: &Input, zone: Zone) -> CardSchedule {
    let Some(comment) = input.comment.as_deref() else { return CardSchedule::New };
    let mut segments = read_schedule(comment, input.today).1;
    let Some(segment) = segments.get_mut(input.sibling) else { return CardSchedule::New };
    segment.place(zone);
    if segment.is_placeholder() {
        return CardSchedule::New;
    }
    match &segment.kind {
        SegmentKind::Sm2 { due, interval, ease } => {
            CardSchedule::Sm2 { due: *due, interval: *interval, ease: *ease }
        }
        SegmentKind::Fsrs(f) => CardSchedule::Fsrs(f.clone()),
        SegmentKind::Null => CardSchedule::New,
    }
}

/// The plugin's desktop button text for an FSRS outcome (`10 min`,
/// `25 day(s)`, `1.1 month(s)`), as the vectors record it.
fn plugin_text(s: &Schedule, at: &When) -> String {
    match s {
        Schedule::Fsrs(f) => match f.to_card(at.now) {
            Ok(card) => fsrs::button_text(at.now, &card),
            Err(_) => String::new(),
        },
        Schedule::Sm2(x) => crate::schedule::value::days_label(x.interval.0),
    }
}

/// Computes the output object for one input line, dates read in `zone`.
fn answer_in(line: &str, zone: Zone) -> Result<Value, String> {
    let input: Input = serde_json::from_str(line).map_err(|e| format!("bad input: {e}"))?;
    let settings = Settings::from_partial(&input.settings).map_err(|e| format!("bad settings: {e}"))?;
    let mut pairs = Vec::new();
    for (k, v) in &input.histogram {
        pairs.push((k.trim().parse::<i64>().map_err(|_| format!("bad histogram key `{k}`"))?, *v));
    }
    let histogram = Histogram::from_counts(pairs);
    let when = match &input.now {
        Some(s) => When { today: input.today, now: crate::clock::parse_instant(s)?, zone },
        None => When::noon_of(input.today, zone),
    };
    let card = card_schedule(&input, zone);
    let params = Parameters::plugin(settings.fsrs_desired_retention, settings.maximum_interval);
    let scheduler = for_settings(&settings, params);
    let ctx = CardContext { note_ease: None, histogram: Some(&histogram) };
    let answered = scheduler
        .answer(&card, input.response, &when, &ctx)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "reset on a new card changes nothing".to_owned())?;
    if settings.algorithm == Algorithm::Fsrs {
        let [again, hard, good, easy] =
            scheduler.preview(&card, &when, &ctx).map(|s| s.map(|s| plugin_text(&s, &when)));
        let intervals = json!({"again": again, "hard": hard, "good": good, "easy": easy});
        return Ok(json!({ "segment": answered.schedule.segment(), "intervals": intervals }));
    }
    Ok(json!({ "segment": answered.schedule.segment() }))
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
    const UTC: Zone = Zone::Fixed(match chrono::FixedOffset::east_opt(0) {
        Some(o) => o,
        None => panic!("zero offset"),
    });

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
        let ahead = Zone::Fixed(chrono::FixedOffset::east_opt(2 * 3600).expect("offset"));
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
