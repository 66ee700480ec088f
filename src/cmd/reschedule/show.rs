//! What `recall reschedule` shows: the summary in words or as JSON
//! (written as it goes), and the before / after chart of due cards, which
//! `reschedule --notes` draws too.

use std::io::Write;

use chrono::{Days, NaiveDate};
use serde_json::json;

use super::{CardChange, Selection};
use crate::error::Error;
use crate::reschedule::Operation;
use crate::reschedule::exam::ExamPlan;

use super::super::terminal_width;

/// Days shown in the before / after chart.
const CHART_DAYS: i64 = 30;

/// How the run went, for the summary.
pub(super) struct Summary<'a> {
    pub(super) op: Operation,
    pub(super) applied: bool,
    pub(super) cards: usize,
    pub(super) notes: usize,
    pub(super) written: usize,
    pub(super) interrupted: bool,
    pub(super) fsrs_skipped: usize,
    pub(super) exam: Option<&'a (NaiveDate, ExamPlan)>,
    pub(super) days: Vec<(NaiveDate, u32, u32)>,
}

/// The `--json` summary, written as it goes: the same bytes as the one
/// JSON value (keys in order) without building it, which took 2 GB for
/// every card of a 50,000-note vault.
pub(super) fn write_json(
    out: &mut dyn Write,
    o: &Summary<'_>,
    sel: &Selection,
    changes: &[CardChange],
) -> Result<(), Error> {
    fn field(w: &mut impl Write, sep: &str, key: &str, v: &serde_json::Value) -> Result<(), Error> {
        write!(w, "{sep}\"{key}\":").map_err(Error::stdout)?;
        crate::json::to_writer(&mut *w, v).map_err(Error::json_out)
    }
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    field(&mut w, "{", "applied", &json!(o.applied))?;
    field(&mut w, ",", "cards", &json!(o.cards))?;
    w.write_all(b",\"changes\":[").map_err(Error::stdout)?;
    for (i, (c, change)) in changes.iter().enumerate() {
        let card = &sel.cards[*c];
        let v = json!({
            "path": sel.notes[card.note].path,
            "line": crate::parse::LineNo::of_index(card.line),
            "sibling": card.sibling,
            "before": sel.schedule(*c).to_schedule(),
            "after": change.applied(sel.schedule(*c)),
        });
        if i > 0 {
            w.write_all(b",").map_err(Error::stdout)?;
        }
        crate::json::to_writer(&mut w, &v).map_err(Error::json_out)?;
    }
    w.write_all(b"]").map_err(Error::stdout)?;
    let days: Vec<_> =
        o.days.iter().map(|(d, b, a)| json!({"day": d.to_string(), "before": b, "after": a})).collect();
    field(&mut w, ",", "days", &json!(days))?;
    let exam = o.exam.map(|(date, p)| {
        json!({"date": date.to_string(), "days": p.days, "new_cards": p.new_cards, "new_per_day": p.new_per_day})
    });
    field(&mut w, ",", "exam", &json!(exam))?;
    field(&mut w, ",", "fsrs_skipped", &json!(o.fsrs_skipped))?;
    field(&mut w, ",", "interrupted", &json!(o.interrupted))?;
    field(&mut w, ",", "notes", &json!(o.notes))?;
    field(&mut w, ",", "operation", &json!(o.op.describe()))?;
    field(&mut w, ",", "written", &json!(o.written))?;
    w.write_all(b"}\n").map_err(Error::stdout)?;
    w.flush().map_err(Error::stdout)
}

/// The summary in words, then the chart.
pub(super) fn write_text(out: &mut dyn Write, o: &Summary<'_>) -> std::io::Result<()> {
    let (cards, notes) = (o.cards, o.notes);
    let verb = if o.applied { "changed" } else { "would change" };
    writeln!(
        out,
        "reschedule {}: {cards} card{} in {notes} note{} {verb}.",
        o.op.describe(),
        if cards == 1 { "" } else { "s" },
        if notes == 1 { "" } else { "s" }
    )?;
    if let Some((date, plan)) = o.exam {
        writeln!(out, "{}", exam_line(*date, plan))?;
    }
    if o.applied {
        writeln!(out, "{} of {notes} notes written.", o.written)?;
    } else if cards > 0 {
        writeln!(out, "Dry run: nothing was written. --diff shows the changes, --apply writes them.")?;
    }
    if o.interrupted {
        writeln!(
            out,
            "Interrupted: run the same command again to finish the other {} notes.",
            notes - o.written
        )?;
    }
    writeln!(out)?;
    chart(out, &o.days)
}

/// What `--exam` says about the new cards of the selection.
fn exam_line(date: NaiveDate, plan: &ExamPlan) -> String {
    let days = format!("{} day{}", plan.days, if plan.days == 1 { "" } else { "s" });
    match plan.new_per_day {
        Some(n) => format!(
            "Before the exam on {date} ({days}, today included): learn {n} new card{} a day to see all {} new card{}.",
            if n == 1 { "" } else { "s" },
            plan.new_cards,
            if plan.new_cards == 1 { "" } else { "s" }
        ),
        None => format!("Before the exam on {date} ({days}, today included): no new cards to learn."),
    }
}

/// The chart's days: each with its due count before and after.
pub(in crate::cmd) fn chart_days(
    before: &crate::schedule::Histogram,
    after: &crate::schedule::Histogram,
    today: NaiveDate,
) -> Vec<(NaiveDate, u32, u32)> {
    let (load_before, load_after) = (due_per_day(before, CHART_DAYS), due_per_day(after, CHART_DAYS));
    (0..CHART_DAYS)
        .map(|d| {
            let date = today.checked_add_days(Days::new(d as u64)).unwrap_or(today);
            (date, load_before[d as usize], load_after[d as usize])
        })
        .collect()
}

/// Cards due on each of the next `days` days (0 is today) by a due-date
/// histogram: overdue cards are due today, so they count on day 0.
fn due_per_day(h: &crate::schedule::Histogram, days: i64) -> Vec<u32> {
    let mut out = vec![0u32; usize::try_from(days).unwrap_or(0)];
    for (d, n) in h.sorted() {
        if let Some(slot) = usize::try_from(d.max(0)).ok().and_then(|i| out.get_mut(i)) {
            *slot += n;
        }
    }
    out
}

/// The before / after due counts per day as two bar columns.
pub(in crate::cmd) fn chart(out: &mut dyn Write, days: &[(NaiveDate, u32, u32)]) -> std::io::Result<()> {
    let max = days.iter().map(|&(_, b, a)| b.max(a)).max().unwrap_or(0).max(1);
    let width = (terminal_width().saturating_sub(30) / 2).clamp(5, 40);
    let bar = |n: u32| -> String {
        let cells = (f64::from(n) / f64::from(max) * width as f64).ceil() as usize;
        "█".repeat(cells.min(width))
    };
    writeln!(out, "due per day      {:>5} {:<width$}  {:>5}", "before", "", "after")?;
    for (date, b, a) in days {
        writeln!(out, "{:<15}  {b:>5} {:<width$}  {a:>5} {}", date.format("%a %d %b"), bar(*b), bar(*a))?;
    }
    writeln!(out, "(today counts the overdue cards too)")
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::{Seen, Selected};
    use super::*;
    use crate::parse::CardSchedule;
    use crate::reschedule::{Change, Target};
    use crate::schedule::{Ease, Histogram, Interval, WholeEase, WholeInterval};

    #[test]
    fn overdue_cards_are_due_today() {
        let h = crate::schedule::Histogram::from_counts([(-30, 4), (-1, 2), (0, 1), (2, 5), (40, 9)]);
        assert_eq!(due_per_day(&h, 4), vec![7, 0, 5, 0]);
        assert_eq!(due_per_day(&crate::schedule::Histogram::default(), 2), vec![0, 0]);
    }

    /// The summary as one JSON value, built whole as it was before it was
    /// streamed.
    fn as_one_value(o: &Summary<'_>, sel: &Selection, changes: &[CardChange]) -> String {
        let j = json!({
            "operation": o.op.describe(),
            "applied": o.applied,
            "cards": o.cards,
            "notes": o.notes,
            "written": o.written,
            "interrupted": o.interrupted,
            "fsrs_skipped": o.fsrs_skipped,
            "exam": o.exam.map(|(date, p)| json!({
                "date": date.to_string(),
                "days": p.days,
                "new_cards": p.new_cards,
                "new_per_day": p.new_per_day,
            })),
            "days": o.days.iter().map(|(d, b, a)| json!({"day": d.to_string(), "before": b, "after": a})).collect::<Vec<_>>(),
            "changes": changes.iter().map(|(c, change)| {
                let card = &sel.cards[*c];
                json!({
                    "path": sel.notes[card.note].path,
                    "line": crate::parse::LineNo::of_index(card.line),
                    "sibling": card.sibling,
                    "before": sel.schedule(*c).to_schedule(),
                    "after": change.applied(sel.schedule(*c)),
                })
            }).collect::<Vec<_>>(),
        });
        format!("{}\n", crate::json::to_string(&j).expect("json"))
    }

    fn streamed(o: &Summary<'_>, sel: &Selection, changes: &[CardChange]) -> String {
        let mut out = Vec::new();
        write_json(&mut out, o, sel, changes).expect("written");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn the_streamed_json_is_the_bytes_of_the_whole_value() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        let seen = |path: &str| Seen { path: path.into(), abs: PathBuf::from(path), fingerprint: 0 };
        let card = |note, line| Selected { note, question: 0, sibling: line % 2, line };
        let sm2 = CardSchedule::Sm2 {
            due: Some(day("2026-01-10")),
            interval: Some(WholeInterval(4)),
            ease: Some(WholeEase(250)),
        };
        let sel = Selection {
            notes: vec![seen("a/\u{202e}b.md"), seen("c \"d\".md")],
            cards: vec![card(0, 2), card(0, 5), card(1, 7)],
            targets: [sm2.clone(), CardSchedule::New, sm2]
                .into_iter()
                .map(|schedule| Target { schedule })
                .collect(),
            histogram: Histogram::default(),
            fsrs_skipped: 3,
            resumed: 0,
        };
        let changes = vec![
            (0, Change::Set { due: day("2026-01-17"), interval: Interval(4.0), ease: Ease(250.0) }),
            (2, Change::MakeNew),
        ];
        let plan = ExamPlan { days: 5, new_cards: 2, new_per_day: Some(1), changes: Vec::new() };
        let exam = (day("2026-01-20"), plan);
        let mut o = Summary {
            op: Operation::Shift(7),
            applied: true,
            cards: 2,
            notes: 2,
            written: 1,
            interrupted: true,
            fsrs_skipped: 3,
            exam: Some(&exam),
            days: vec![(day("2026-01-15"), 3, 1), (day("2026-01-16"), 0, 2)],
        };
        assert_eq!(streamed(&o, &sel, &changes), as_one_value(&o, &sel, &changes));
        o.exam = None;
        o.days.clear();
        assert_eq!(streamed(&o, &sel, &[]), as_one_value(&o, &sel, &[]));
        assert!(streamed(&o, &sel, &[]).contains(r#""changes":[],"days":[],"exam":null,"#));
    }
}
