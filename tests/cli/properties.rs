//! Property tests over generated notes: grading any card changes only that
//! question's comment (or inserts one), and re-parsing gives the new
//! schedule and the same questions.

use chrono::NaiveDate;
use proptest::prelude::*;

use recall::edit::plan::plan_schedule;
use recall::edit::splice;
use recall::parse::cloze::Clozes;
use recall::parse::{CardSchedule, Note, ParseOptions, parse_note};
use recall::schedule::{Histogram, Response, sm2_answer};
use recall::settings::Settings;

fn word() -> impl Strategy<Value = String> {
    "[a-z]{1,8}( [a-z]{1,8}){0,2}"
}

fn segment() -> impl Strategy<Value = String> {
    (0u32..400, 1u32..200, 130u32..350).prop_map(|(day, ivl, ease)| {
        let due = NaiveDate::from_ymd_opt(2024, 1, 1).expect("date") + chrono::Days::new(u64::from(day));
        format!("!{},{ivl},{ease}", due.format("%Y-%m-%d"))
    })
}

fn comment(siblings: usize) -> impl Strategy<Value = Option<String>> {
    proptest::option::of(proptest::collection::vec(segment(), 1..=siblings))
        .prop_map(|segs| segs.map(|s| format!("<!--SR:{}-->", s.concat())))
}

/// One block of a note (a card or prose), without its trailing newline.
fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        (word(), word(), comment(1)).prop_map(|(q, a, c)| with_comment(format!("{q}::{a}"), c)),
        (word(), word(), comment(2)).prop_map(|(q, a, c)| with_comment(format!("{q}:::{a}"), c)),
        (word(), word(), word(), comment(1))
            .prop_map(|(q, a, b, c)| with_comment(format!("{q}\n?\n{a}\n{b}"), c)),
        (word(), word(), comment(2)).prop_map(|(q, a, c)| with_comment(format!("{q}\n??\n{a}"), c)),
        (word(), word(), word(), comment(2))
            .prop_map(|(a, b, d, c)| with_comment(format!("{a} =={b}== and =={d}== end"), c)),
        (word(), word()).prop_map(|(q, code)| format!("{q}\n?\n```\n{code}\n```")),
        (word(), word()).prop_map(|(a, b)| format!("{a} {b}.")),
    ]
}

fn with_comment(card: String, c: Option<String>) -> String {
    match c {
        Some(c) => format!("{card}\n{c}"),
        None => card,
    }
}

/// A whole note: blocks separated by blank lines (sometimes by one newline),
/// LF or CRLF, maybe a BOM, trailing blanks and no final newline.
fn note() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec((block(), any::<bool>()), 1..8),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(blocks, crlf, bom, final_newline, trailing)| {
            let mut text = String::from("#flashcards\n\n");
            for (i, (b, tight)) in blocks.iter().enumerate() {
                if i > 0 {
                    text.push_str(if *tight && !b.contains('\n') { "\n" } else { "\n\n" });
                }
                text.push_str(b);
            }
            if trailing {
                text = text.replace("::", "::  ").replace("\n?\n", "\n?  \n");
            }
            if final_newline {
                text.push('\n');
            }
            if crlf {
                text = text.replace('\n', "\r\n");
            }
            if bom {
                text.insert(0, '\u{feff}');
            }
            text
        })
}

fn parse(text: &str, settings: &Settings, clozes: &Clozes, today: NaiveDate) -> Note {
    let opts = ParseOptions {
        settings,
        clozes,
        today,
        now: recall::clock::When::noon_of(today, recall::clock::Zone::utc()).now,
        zone: recall::clock::Zone::utc(),
        detail: recall::parse::Detail::Full,
    };
    parse_note(text.to_owned(), None, &opts, false)
}

fn shape(note: &Note, settings: &Settings, clozes: &Clozes) -> Vec<(String, Vec<(String, String)>)> {
    note.questions.iter().map(|q| (q.kind.name().to_owned(), q.sides(&note.text, settings, clozes))).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn grading_changes_only_the_comment(
        text in note(),
        pick in any::<prop::sample::Index>(),
        response in prop_oneof![Just(Response::Again), Just(Response::Hard), Just(Response::Good), Just(Response::Easy), Just(Response::Reset)],
        same_line in any::<bool>(),
    ) {
        let settings = Settings { card_comment_on_same_line: same_line, ..Settings::default() };
        let clozes = Clozes::new(&settings.cloze_patterns);
        let today = NaiveDate::from_ymd_opt(2024, 6, 20).expect("date");
        let before = parse(&text, &settings, &clozes, today);
        let cards: Vec<(usize, usize)> = before
            .questions
            .iter()
            .enumerate()
            .flat_map(|(qi, q)| (0..q.card_count()).map(move |s| (qi, s)))
            .collect();
        prop_assume!(!cards.is_empty());
        let (qi, sibling) = cards[pick.index(cards.len())];
        let q = &before.questions[qi];
        let old = q.schedule(sibling);
        let Some(next) = sm2_answer(&old, response, &recall::clock::When::noon_of(today, recall::clock::Zone::utc()), &settings, None, Some(&Histogram::default())) else {
            prop_assert!(matches!(old, CardSchedule::New));
            return Ok(());
        };
        let edit = plan_schedule(&before, q, sibling, &recall::schedule::Schedule::Sm2(next), &settings)
            .expect("plan");
        let after_text = splice(&before.text, std::slice::from_ref(&edit));

        // Only the edited range differs.
        prop_assert_eq!(&after_text[..edit.range.start], &text[..edit.range.start]);
        prop_assert_eq!(&after_text[edit.range.start + edit.new.len()..], &text[edit.range.end..]);
        if let Some(span) = &q.comment {
                prop_assert_eq!(edit.range.clone(), span.clone());
                prop_assert!(edit.new.starts_with("<!--SR:") && edit.new.ends_with("-->"));
            } else {
                prop_assert!(edit.range.is_empty());
                let inserted = edit.new.trim_start_matches(['\r', '\n', ' ']);
                prop_assert!(inserted.starts_with("<!--SR:") && inserted.ends_with("-->"));
                prop_assert!(!inserted.contains('\n'));
            }
        // The file keeps its line endings: no new kind of terminator appears.
        let terminators = |t: &str| {
            let lf = t.replace("\r\n", "").contains('\n');
            (t.contains("\r\n"), lf)
        };
        let (crlf_before, lf_before) = terminators(&text);
        let (crlf_after, lf_after) = terminators(&after_text);
        prop_assert!(crlf_after <= crlf_before && lf_after <= lf_before, "line endings changed");

        // Re-parsing finds the same questions and the new schedule.
        let after = parse(&after_text, &settings, &clozes, today);
        prop_assert_eq!(shape(&after, &settings, &clozes), shape(&before, &settings, &clozes));
        let q2 = &after.questions[qi];
        let want = CardSchedule::Sm2 {
            due: Some(next.due),
            interval: next.interval.read_back(),
            ease: next.ease.read_back(),
        };
        prop_assert_eq!(q2.schedule(sibling), want);
        for s in 0..q.card_count() {
            if s != sibling {
                prop_assert_eq!(q2.schedule(s), q.schedule(s));
            }
        }
    }
}
