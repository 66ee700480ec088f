//! Schedule comments the plugin reads wrongly or not at all (spec §b.1):
//! unreadable dates and numbers, dates read as another day, surplus
//! segments, a second comment, legacy and bare forms.

use std::ops::Range;

use chrono::NaiveDate;

use super::text::{excerpt, line_of};
use super::{Code, Ctx, Finding, Severity};
use crate::edit::Edit;
use crate::parse::Question;
use crate::parse::comment::{SegmentKind, find_comment, format_comment, js_trim};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let text = ctx.note.text.as_str();
    for (qi, q) in ctx.note.questions.iter().enumerate() {
        if q.segments.is_empty() {
            continue;
        }
        let Some(span) = q.comment.clone() else {
            out.push(
                Finding::new(
                    q.first_line,
                    Severity::Warning,
                    Code::BareSchedule,
                    format!(
                        "this card has no `<!--SR:` comment, so the plugin reads `!{}` in its text as its schedule",
                        excerpt(q.segment_raw(0, text).unwrap_or(""), 40)
                    ),
                )
                .hint("if that text is not a schedule, change it (e.g. put it in inline code)")
                .question(qi),
            );
            continue;
        };
        let line = line_of(ctx.note, span.start);
        let payload = &text[span.start + 7..span.end - 3];
        if !js_trim(payload).starts_with('!') {
            out.push(
                Finding::new(
                    line,
                    Severity::Info,
                    Code::LegacySchedule,
                    "a schedule comment in the form written before 2021 (no `!`); the plugin still reads it"
                        .into(),
                )
                .hint("it is rewritten in today's form on the next review")
                .question(qi),
            );
        }
        for (i, seg) in q.segments.iter().enumerate().take(q.cards) {
            let raw = text.get(seg.raw.clone()).unwrap_or("");
            let card = if q.cards > 1 { format!(" of card {}", i + 1) } else { String::new() };
            segment_findings(raw, &seg.kind, seg.is_placeholder(), &card, line, qi, out);
            if matches!(seg.kind, SegmentKind::Fsrs(_))
                && ctx.settings.algorithm == crate::settings::Algorithm::Sm2Osr
            {
                out.push(
                    Finding::new(
                        line,
                        Severity::Info,
                        Code::FsrsUnderSm2,
                        format!("an FSRS schedule{card} in a vault set to SM-2: its next answer writes an SM-2 schedule from its difficulty (the plugin does the same)"),
                    )
                    .hint("set `algorithm` to FSRS in the plugin's settings to keep scheduling it with FSRS")
                    .question(qi),
                );
            }
        }
        if q.cards > 0 && q.segments.len() > q.cards {
            out.push(surplus_segments(q, text, span, line).question(qi));
        }
        let qt = q.text(text);
        if let Some(first) = find_comment(qt)
            && let Some(second) = find_comment(&qt[first.end..])
        {
            let second_line = q.first_line + qt[..first.end + second.start].matches('\n').count();
            out.push(
                Finding::new(
                    second_line,
                    Severity::Warning,
                    Code::SecondSchedule,
                    format!(
                        "a second schedule comment in the card; the plugin reads only the first (line {})",
                        crate::parse::LineNo::of_index(line)
                    ),
                )
                .hint("delete the comment that is out of date")
                .question(qi),
            );
        }
    }
}

/// More segments than cards: the plugin ignores the surplus and drops it
/// when it next saves the note; the fix drops it now.
fn surplus_segments(q: &Question, text: &str, span: Range<usize>, line: usize) -> Finding {
    let kept: Vec<String> =
        (0..q.cards).map(|i| format!("!{}", q.segment_raw(i, text).unwrap_or(""))).collect();
    let dropped: Vec<String> =
        (q.cards..q.segments.len()).map(|i| format!("!{}", q.segment_raw(i, text).unwrap_or(""))).collect();
    let new = format_comment(&kept);
    let edit = Edit { range: span.clone(), old: text[span.clone()].to_owned(), new };
    let n = dropped.len();
    Finding::new(
        line,
        Severity::Warning,
        Code::SurplusSegments,
            format!(
                "{} schedule segments for {} card{}: the plugin ignores `{}` and drops it when it next saves the note",
                q.segments.len(),
                q.cards,
                if q.cards == 1 { "" } else { "s" },
                excerpt(&dropped.concat(), 60)
            ),
        )
    .hint("`recall check --fix` drops the surplus")
    .fix(edit, format!("dropped {n} surplus schedule segment{}", if n == 1 { "" } else { "s" }))
}

/// The three date formats the plugin reads, strictly.
fn strict_date(s: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d-%m-%Y", "%a %b %d %Y"].iter().find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

#[expect(
    clippy::too_many_lines,
    reason = "one branch per way a segment can go wrong, in the plugin's reading order"
)]
fn segment_findings(
    raw: &str,
    kind: &SegmentKind,
    placeholder: bool,
    card: &str,
    line: usize,
    qi: usize,
    out: &mut Vec<Finding>,
) {
    let push = |out: &mut Vec<Finding>, severity, code, message: String, hint: &str| {
        out.push(Finding::new(line, severity, code, message).hint(hint).question(qi));
    };
    match kind {
        SegmentKind::Fsrs(f) if f.due.instant().is_none() => push(
            out,
            Severity::Error,
            Code::InvalidDate,
            format!("the FSRS schedule{card} has a due time the plugin cannot read (`{}`)", excerpt(raw, 40)),
            "write the due time as the plugin does (2024-07-02T08:30:00.000Z), or delete the segment",
        ),
        SegmentKind::Fsrs(f) => {
            let mut bad: Vec<&str> = Vec::new();
            for (name, v) in [
                ("interval", f.interval),
                ("stability", f.stability),
                ("difficulty", f.difficulty),
                ("reps", f.reps),
                ("lapses", f.lapses),
                ("learning steps", f.learning_steps),
            ] {
                if !v.is_finite() {
                    bad.push(name);
                }
            }
            if crate::schedule::fsrs::State::from_number(f.state).is_none() {
                bad.push("state (0 to 3)");
            }
            if f.state != 0.0 && f.last_review.as_ref().is_some_and(|r| r.instant().is_none()) {
                bad.push("last review");
            }
            if !bad.is_empty() {
                push(
                    out,
                    Severity::Error,
                    Code::BadFsrs,
                    format!(
                        "the FSRS schedule{card} has a {} the plugin cannot schedule (`{}`)",
                        bad.join(", "),
                        excerpt(raw, 60)
                    ),
                    "the segment is `!fsrs,due,interval,stability,difficulty,state,reps,lapses,learning-steps,last-review`; fix the field or delete the segment (the card becomes new)",
                );
            }
        }
        SegmentKind::Null => {}
        SegmentKind::Sm2 { due, interval, ease } => {
            if placeholder {
                return;
            }
            let fields: Vec<&str> = raw.split(',').map(js_trim).collect();
            let date = fields.first().copied().unwrap_or("");
            match due {
                None => push(
                    out,
                    Severity::Error,
                    Code::InvalidDate,
                    format!(
                        "the plugin cannot read the date `{}`{card}: the card never comes due, and reviewing a sibling in the plugin writes `0NaN-NaN-NaN`",
                        excerpt(date, 30)
                    ),
                    "write the date as YYYY-MM-DD, or delete the segment to make the card new",
                ),
                Some(d) if strict_date(date) != Some(*d) => push(
                    out,
                    Severity::Warning,
                    Code::OddDate,
                    format!(
                        "the plugin reads the date `{}`{card} as {}",
                        excerpt(date, 30),
                        d.format("%Y-%m-%d")
                    ),
                    "write the date as YYYY-MM-DD",
                ),
                Some(_) => {}
            }
            let (interval, ease) = (interval.map(|i| i.0), ease.map(|e| e.0));
            for (name, value, field) in [("interval", interval, fields.get(1)), ("ease", ease, fields.get(2))]
            {
                match (value, field) {
                    (None, f) => push(
                        out,
                        Severity::Error,
                        Code::BadNumber,
                        match f {
                            Some(f) => format!("the {name}{card} `{}` is not a number", excerpt(f, 20)),
                            None => format!("the {name}{card} is missing"),
                        },
                        "a segment is `!YYYY-MM-DD,interval,ease`, e.g. `!2024-06-18,13,250`",
                    ),
                    (Some(v), Some(f)) if f.parse::<i64>().ok() != Some(v) => push(
                        out,
                        Severity::Warning,
                        Code::BadNumber,
                        format!("the plugin reads the {name}{card} `{}` as {v}", excerpt(f, 20)),
                        "write whole numbers",
                    ),
                    _ => {}
                }
            }
            if fields.len() > 3 {
                push(
                    out,
                    Severity::Warning,
                    Code::BadNumber,
                    format!(
                        "the schedule{card} has {} fields; the plugin ignores all after the third",
                        fields.len()
                    ),
                    "a segment is `!YYYY-MM-DD,interval,ease`",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    fn card(comment: &str) -> String {
        format!("#flashcards\n\nQ::A\n{comment}\n")
    }

    /// The codes found, less the note that FSRS segments are scheduled by
    /// SM-2 in an SM-2 vault (the tests' default).
    fn codes_of(comment: &str) -> Vec<(&'static str, Severity)> {
        findings(&card(comment))
            .iter()
            .map(|f| (f.code.name(), f.severity))
            .filter(|(c, _)| *c != "fsrs-under-sm2")
            .collect()
    }

    #[test]
    fn fsrs_segments_with_unreadable_fields_and_fsrs_under_sm2() {
        let all =
            |c: &str| -> Vec<&'static str> { findings(&card(c)).iter().map(|f| f.code.name()).collect() };
        assert_eq!(
            all("<!--SR:!fsrs,2024-07-02T08:30:00.000Z,14,14.2,5.1,2,3,0,0,2024-06-18T08:30:00.000Z-->"),
            ["fsrs-under-sm2"]
        );
        assert_eq!(
            codes_of("<!--SR:!fsrs,2024-07-02T08:30:00.000Z,x,14.2,5.1,9,3,0,0,2024-06-18T08:30:00.000Z-->"),
            [("bad-fsrs", Severity::Error)]
        );
        assert_eq!(
            codes_of("<!--SR:!fsrs,2024-07-02T08:30:00.000Z,14,14.2,5.1,2,3,0,0,yesterday-->"),
            [("bad-fsrs", Severity::Error)]
        );
    }

    #[test]
    fn clean_comments_pass() {
        assert!(codes_of("<!--SR:!2024-06-18,13,290-->").is_empty());
        assert!(codes_of("<!--SR:!2000-01-01,1,250-->").is_empty());
        assert!(codes_of("<!--SR: !2024-06-19 , 3 , 250 -->").is_empty());
        assert!(
            codes_of("<!--SR:!fsrs,2024-07-02T08:30:00.000Z,14,14.2,5.1,2,3,0,0,2024-06-18T08:30:00.000Z-->")
                .is_empty()
        );
    }

    #[test]
    fn invalid_dates() {
        assert_eq!(codes_of("<!--SR:!someday,3,250-->"), vec![("invalid-date", Severity::Error)]);
        assert_eq!(
            codes_of("<!--SR:!fsrs,notatime,14,14.2,5.1,2,3,0,0,--->"),
            vec![("invalid-date", Severity::Error)]
        );
    }

    #[test]
    fn dates_read_as_another_day() {
        let f = only(&card("<!--SR:!2024-02-30,3,250-->"), Code::OddDate);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("as 2030-02-20"), "{}", f[0].message);
        assert!(codes_of("<!--SR:!20-06-2024,3,250-->").is_empty());
    }

    #[test]
    fn bad_numbers() {
        assert_eq!(codes_of("<!--SR:!2024-06-18,x,250-->"), vec![("bad-number", Severity::Error)]);
        assert_eq!(codes_of("<!--SR:!2024-06-18,3-->"), vec![("bad-number", Severity::Error)]);
        assert_eq!(codes_of("<!--SR:!2024-06-18,3.7,250-->"), vec![("bad-number", Severity::Warning)]);
        assert_eq!(codes_of("<!--SR:!2024-06-18,3,250,9-->"), vec![("bad-number", Severity::Warning)]);
    }

    #[test]
    fn surplus_segments_are_dropped_by_the_fix() {
        let text = card("<!--SR:!2024-06-10,10,250!2024-06-30,5,230!2024-07-01,3,210-->");
        let f = only(&text, Code::SurplusSegments);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("3 schedule segments for 1 card"), "{}", f[0].message);
        assert_eq!(fixed(&text), card("<!--SR:!2024-06-10,10,250-->"));
        // Reversed cards have two: fine.
        assert!(findings("#flashcards\n\nA:::B\n<!--SR:!2024-06-10,10,250!2024-06-30,5,230-->\n").is_empty());
    }

    #[test]
    fn legacy_bare_and_second_comments() {
        assert_eq!(codes_of("<!--SR:2021-08-11,4,270-->"), vec![("legacy-schedule", Severity::Info)]);
        let bare = findings("#flashcards\n\nQ::looks like !2024-06-01,3,250 here\n");
        assert_eq!(bare.iter().map(|f| f.code).collect::<Vec<_>>(), vec![Code::BareSchedule]);
        let two = findings(
            "#flashcards\n\nFront\n?\nBack <!--SR:!2024-06-18,3,250-->\n<!--SR:!2024-06-30,5,250-->\n",
        );
        assert_eq!(
            two.iter().map(|f| (f.code, f.line)).collect::<Vec<_>>(),
            vec![(Code::SecondSchedule, Some(6))]
        );
    }
}
