//! The note front-matter editor (`notes::plan_edit`) on any note and any
//! schedule: the edit replaces what it says it replaces, only the `sr-` lines
//! (or, in one-line JSON, only the `sr-` values) change, and the result
//! parses back — through the note parser — as exactly that schedule, in
//! each of the three shapes: YAML, one-line JSON, none.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use recall::edit::splice;
use recall::notes::plan_edit;
use recall::parse::Note;
use recall::parse::comment::js_number;
use recall::schedule::{Ease, Interval, Sm2};
use recall_fuzz::Case;

/// A schedule from 12 bytes: any date in years 1–9999; the numbers either
/// whole (as the scheduler writes them) or any double, NaN included.
fn schedule(b: &[u8]) -> Option<Sm2> {
    let n = |i: usize| u64::from(*b.get(i).unwrap_or(&0));
    let year = ((n(0) << 8 | n(1)) % 9999 + 1) as i32;
    let due = NaiveDate::from_yo_opt(year, (n(2) << 8 | n(3)) as u32 % 366 + 1)
        .or_else(|| NaiveDate::from_yo_opt(year, 365))?;
    let raw = |i: usize| f64::from_bits((0..8).fold(0u64, |acc, k| acc << 8 | n(i + k)));
    let (interval, ease) = if n(4) & 1 == 0 {
        (((n(5) << 8 | n(6)) % 40_000) as f64, ((n(7) << 8 | n(8)) % 10_000) as f64)
    } else {
        (raw(5), f64::from_bits(raw(5).to_bits().rotate_left(17) ^ n(11)))
    };
    Some(Sm2 { due, interval: Interval(interval), ease: Ease(ease) })
}

/// A top-level `sr-due:` / `sr-interval:` / `sr-ease:` line, key plain or
/// quoted (written independently of the editor's own test).
fn is_sr_line(l: &str) -> bool {
    let l = l.strip_prefix(['"', '\'']).unwrap_or(l);
    ["sr-due", "sr-interval", "sr-ease"].iter().any(|k| {
        l.strip_prefix(k).is_some_and(|r| {
            let r = r.strip_prefix(['"', '\'']).unwrap_or(r).trim_start_matches([' ', '\t']);
            r.strip_prefix(':').is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
        })
    })
}

/// The lines (with terminators) of `note` in `range`, minus `sr-` key lines
/// and the indented lines that continue their values.
fn without_sr(note: &Note, range: std::ops::Range<usize>) -> Vec<&str> {
    let mut out = Vec::new();
    let mut in_sr = false;
    for l in &note.lines[range] {
        let content = &note.text[l.start..l.end];
        if is_sr_line(content) {
            in_sr = true;
        } else if !(in_sr && content.starts_with([' ', '\t'])) {
            in_sr = false;
            out.push(&note.text[l.start..l.next]);
        }
    }
    out
}

fn whole(note: &Note, range: std::ops::Range<usize>) -> Vec<&str> {
    note.lines[range].iter().map(|l| &note.text[l.start..l.next]).collect()
}

fn json_without_sr(line: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let mut map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line).ok()?;
    for k in ["sr-due", "sr-interval", "sr-ease"] {
        map.remove(k);
    }
    Some(map)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 12 {
        return;
    }
    let Some(next) = schedule(&data[..12]) else { return };
    let Some(case) = Case::decode(&data[12..]) else { return };
    let old = case.parse(case.text.clone());
    let edits = match plan_edit(&old.text, &next) {
        Ok(e) => e,
        Err(e) => {
            // A note with no front matter always takes new front matter.
            assert!(old.frontmatter.is_some(), "refused without front matter: {e}");
            return;
        }
    };
    for e in &edits {
        assert_eq!(old.text.get(e.range.clone()), Some(e.old.as_str()), "an edit's old text");
    }
    let new = case.parse(splice(&old.text, &edits));

    // It reads back as the schedule, through the note parser.
    let fm = new.frontmatter.as_ref().expect("the edited note has front matter");
    assert!(fm.error.is_none(), "{:?}", fm.error);
    let due = next.due.format("%Y-%m-%d").to_string();
    let (ivl, ease) = (js_number(next.interval.0), js_number(next.ease.0));
    assert_eq!(fm.sr_keys.due.as_deref(), Some(due.as_str()));
    assert_eq!(fm.sr_keys.interval.as_deref(), Some(ivl.as_str()));
    assert_eq!(fm.sr_keys.ease.as_deref(), Some(ease.as_str()));
    let s = fm.note_schedule.as_ref().expect("a complete note schedule");
    assert_eq!(s.date, Some(next.due));
    let same = |a: f64, b: f64| (a.is_nan() && b.is_nan()) || a == b;
    assert!(same(s.interval, next.interval.0) && same(s.ease, next.ease.0), "{s:?} vs {next:?}");
    assert_eq!(new.questions.len(), old.questions.len(), "the note keeps its questions");

    // Only the sr- lines change.
    match &old.frontmatter {
        None => {
            let bom = old.bom;
            let inserted = new.text.len() - old.text.len();
            assert_eq!(&new.text[..bom], &old.text[..bom]);
            assert_eq!(&new.text[bom + inserted..], &old.text[bom..], "text after the new front matter");
            let block = &new.text[bom..bom + inserted];
            assert!(block.starts_with("---") && block.matches("---").count() >= 2, "{block:?}");
            assert_eq!(fm.end_line, 4, "three lines between the fences: {block:?}");
        }
        Some(ofm) => {
            let (oc, nc) = (ofm.end_line, fm.end_line);
            assert_eq!(whole(&old, 0..1), whole(&new, 0..1), "the opening line");
            assert_eq!(
                whole(&old, oc..old.lines.len()),
                whole(&new, nc..new.lines.len()),
                "the closing line and the body of the note"
            );
            let one_line_json =
                oc == 2 && old.text[old.lines[1].start..old.lines[1].end].trim_start().starts_with('{');
            if one_line_json {
                assert_eq!(nc, 2, "one-line JSON stays on one line");
                let (ol, nl) = (&old.lines[1], &new.lines[1]);
                assert_eq!(ol.terminator(&old.text), nl.terminator(&new.text));
                if let Some(o) = json_without_sr(&old.text[ol.start..ol.end])
                    && next.interval.0.is_finite()
                    && next.ease.0.is_finite()
                {
                    let n = json_without_sr(&new.text[nl.start..nl.end]).expect("still JSON");
                    assert_eq!(o, n, "only the sr- values change");
                }
            } else {
                assert_eq!(without_sr(&old, 1..oc), without_sr(&new, 1..nc), "only the sr- lines change");
            }
        }
    }
});
