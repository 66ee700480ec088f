//! `recall schedule --json` (hidden): the pure scheduler as a JSON-lines
//! filter, the contract of the conformance corpus's `schedule.jsonl`.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::error::Error;
use crate::parse::CardSchedule;
use crate::parse::comment::{SegmentKind, format_sm2, read_schedule};
use crate::schedule::{Histogram, Response, schedule_card};
use crate::settings::Settings;

#[derive(Deserialize)]
struct Input {
    comment: Option<String>,
    #[serde(default)]
    sibling: usize,
    response: Response,
    today: NaiveDate,
    #[serde(default)]
    settings: Map<String, Value>,
    #[serde(default)]
    histogram: std::collections::HashMap<String, u32>,
}

/// Computes the segment for one input line.
fn segment(line: &str) -> Result<String, String> {
    let input: Input = serde_json::from_str(line).map_err(|e| format!("bad input: {e}"))?;
    let settings = Settings::from_partial(&input.settings).map_err(|e| format!("bad settings: {e}"))?;
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
    Ok(format_sm2(next.due, next.interval, next.ease))
}

pub fn run(input: impl BufRead, out: &mut dyn Write) -> Result<ExitCode, Error> {
    let mut failed = false;
    for line in input.lines() {
        let line = line.map_err(Error::stdin)?;
        if line.trim().is_empty() {
            continue;
        }
        let j = match segment(&line) {
            Ok(s) => json!({ "segment": s }),
            Err(e) => {
                failed = true;
                json!({ "error": e })
            }
        };
        writeln!(out, "{j}").map_err(Error::stdout)?;
    }
    Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_example() {
        let line = r#"{"comment": "<!--SR:!2024-06-18,13,290!2024-06-20,16,290-->", "sibling": 1, "response": "good", "today": "2024-06-20", "settings": {"easyBonus": 1.5}, "histogram": {"46": 3, "45": 1}}"#;
        assert_eq!(segment(line).expect("ok"), "!2024-08-06,47,290");
    }
}
