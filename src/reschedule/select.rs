//! The card side of `recall reschedule`, pure: which cards of a note the
//! command selects, the changes planned for them, what the due chart looks
//! like afterwards, and each changed note's edits.
//!
//! The command reads the vault twice. On the first pass each note is
//! reduced on the worker threads to a [`Scanned`]: its histogram entries
//! and its selected cards, each with what is needed of it once the note is
//! gone (question, sibling, line, hash, schedule). [`plan_changes`] then
//! plans over the whole selection, and only the notes with changes are
//! read again and given their edits ([`plan_note`]). The vault is never
//! held whole.

use crate::note_path::NotePath;
use crate::parse::QuestionHash;
use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::exam::{ExamPlan, plan_exam};
use super::fsrs::{fsrs_note, plan};
use super::{Change, Operation, Target};
use crate::clock::When;
use crate::deck::deck_matches;
use crate::edit::Edit;
use crate::edit::plan::{SiblingChange, plan_siblings};
use crate::log::{Op, Record};
use crate::parse::{CardSchedule, CardState, Note};
use crate::schedule::{Histogram, Schedule, histogram_key};
use crate::settings::Settings;
use crate::vault::Vault;

/// What selects a card, besides its note being in the vault and having a deck.
#[derive(Debug, Clone, Copy)]
pub struct Filter<'a> {
    /// The resolved `--deck` filters (none: every deck).
    pub decks: &'a [String],
    pub state: Option<CardState>,
    /// Only cards due before / after these days (exclusive).
    pub due_before: Option<NaiveDate>,
    pub due_after: Option<NaiveDate>,
    /// Vault-relative scopes of the PATH arguments (none: the whole vault).
    pub scopes: &'a [String],
    pub op: Operation,
}

/// Card → the schedule an interrupted run of the same command gave it.
pub type Done = HashMap<(NotePath, QuestionHash, usize), Option<Schedule>>;

/// What an interrupted run of the command whose log detail is `detail`
/// already did (empty when that run completed). A card is skipped only
/// when it still has exactly that schedule, so a run killed between a
/// note's write and its log line neither repeats nor loses a change.
#[must_use]
pub fn already_done(effective: &[&Record], detail: &str) -> Done {
    let complete = format!("{detail} | complete");
    if effective.iter().any(|r| r.op == Op::Reschedule && r.detail.as_deref() == Some(complete.as_str())) {
        return HashMap::new();
    }
    effective
        .iter()
        .filter(|r| r.op == Op::Reschedule && r.detail.as_deref() == Some(detail))
        .map(|r| ((r.path.clone(), r.hash.clone(), r.sibling), r.after.clone()))
        .collect()
}

/// A card the first pass selected, with what is needed of its question
/// once the note is gone (its hash, for the log, is taken again from the
/// note when it is written).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub question: usize,
    pub sibling: usize,
    /// The question's first line (0-based).
    pub line: usize,
    pub schedule: CardSchedule,
}

/// What the first pass keeps of a note.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Scanned {
    /// The histogram entries of every scheduled card (in scope or not).
    pub keys: Vec<i64>,
    pub cards: Vec<Candidate>,
    /// Selected FSRS cards the operation leaves alone.
    pub fsrs_skipped: usize,
    /// Cards an interrupted run of the same command already did.
    pub resumed: usize,
}

/// The first pass over one note at `path`.
#[must_use]
pub fn select_note(path: &str, note: &Note, filter: &Filter<'_>, already: &Done, when: &When) -> Scanned {
    let mut s = Scanned::default();
    if !note.has_deck {
        return s;
    }
    for q in &note.questions {
        for i in 0..q.card_count() {
            let sc = q.schedule(i);
            if !matches!(sc, CardSchedule::New)
                && let Some(k) = histogram_key(&sc, when.today, when.now)
            {
                s.keys.push(k);
            }
        }
    }
    if !Vault::in_scope(path, filter.scopes) {
        return s;
    }
    let fsrs_left_alone = fsrs_note(filter.op).is_some();
    for (qi, q) in note.questions.iter().enumerate() {
        if !filter.decks.is_empty()
            && !q.decks.iter().any(|d| filter.decks.iter().any(|f| deck_matches(d, f)))
        {
            continue;
        }
        // Only a resumed run looks cards up by their hash.
        let hash = if already.is_empty() { QuestionHash::default() } else { q.hash(&note.text) };
        for sibling in 0..q.card_count() {
            let schedule = q.schedule(sibling);
            if filter.state.is_some_and(|w| schedule.state(when.today, when.now) != w) {
                continue;
            }
            let due = schedule.due_date(when.zone);
            if filter.due_before.is_some_and(|b| due.is_none_or(|d| d >= b))
                || filter.due_after.is_some_and(|a| due.is_none_or(|d| d <= a))
            {
                continue;
            }
            if fsrs_left_alone && matches!(schedule, CardSchedule::Fsrs { .. }) {
                s.fsrs_skipped += 1;
            }
            if !already.is_empty()
                && let Some(after) = already.get(&(NotePath::from(path), hash.clone(), sibling))
                && *after == schedule.to_schedule()
            {
                s.resumed += 1;
                continue;
            }
            s.cards.push(Candidate { question: qi, sibling, line: q.first_line, schedule });
        }
    }
    s
}

/// Each target's change (`None`: left as it is), and with `--exam` the
/// exam's plan (`None` when it has none).
#[must_use]
pub fn plan_changes(
    op: Operation,
    targets: &[Target],
    when: &When,
    settings: &Settings,
    histogram: &Histogram,
    seed: u64,
) -> (Vec<Option<Change>>, Option<(NaiveDate, ExamPlan)>) {
    match op {
        Operation::Exam { date, zone } => {
            let p = plan_exam(targets, when.today, date, zone, histogram);
            let changes = p.as_ref().map_or_else(|| vec![None; targets.len()], |p| p.changes.clone());
            (changes, p.map(|p| (date, p)))
        }
        _ => (plan(op, targets, when, settings, histogram, seed), None),
    }
}

/// The histogram once `change` is made to a card with schedule `before`.
pub fn move_card(after: &mut Histogram, before: &CardSchedule, change: &Change, when: &When) {
    if let Some(k) = histogram_key(before, when.today, when.now) {
        after.decrement(k);
    }
    let day = |d: NaiveDate| (d - when.today).num_days();
    match change {
        Change::Set { due, .. } => after.increment(day(*due)),
        Change::FsrsDue { due } => after.increment(day(when.zone.date(*due))),
        Change::Fsrs(seg) => {
            if let Some(d) = seg.due.instant() {
                after.increment(day(when.zone.date(d)));
            }
        }
        Change::MakeNew => {}
    }
}

/// One note's card changes by question, as [`plan_note`] takes them, from
/// `(question, sibling, change)` in selection order.
#[must_use]
pub fn by_question<'a>(
    changes: impl IntoIterator<Item = (usize, usize, &'a Change)>,
) -> BTreeMap<usize, Vec<(usize, Change)>> {
    let mut out: BTreeMap<usize, Vec<(usize, Change)>> = BTreeMap::new();
    for (question, sibling, change) in changes {
        out.entry(question).or_default().push((sibling, change.clone()));
    }
    out
}

fn sibling_change(c: &Change, before: &CardSchedule) -> SiblingChange {
    match c.applied(before) {
        Some(s) => SiblingChange::Set(s.segment()),
        None => SiblingChange::New,
    }
}

/// Plans the edits of one note: one per changed question; the error names
/// the (1-based) line of the question that cannot be edited.
pub fn plan_note(
    note: &Note,
    changes: &BTreeMap<usize, Vec<(usize, Change)>>,
    settings: &Settings,
) -> Result<Vec<Edit>, String> {
    let mut edits = Vec::new();
    for (&qi, sibs) in changes {
        let Some(q) = note.questions.get(qi) else { continue };
        let sc: Vec<(usize, SiblingChange)> =
            sibs.iter().map(|(s, c)| (*s, sibling_change(c, &q.schedule(*s)))).collect();
        match plan_siblings(note, q, &sc, settings) {
            Ok(Some(e)) => edits.push(e),
            Ok(None) => {}
            Err(e) => return Err(format!("line {}: {e}", q.first_line_no())),
        }
    }
    Ok(edits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Zone;
    use crate::parse::cloze::Clozes;
    use crate::parse::{ParseOptions, parse_note};

    fn when() -> When {
        When::noon_of(NaiveDate::from_ymd_opt(2024, 6, 20).expect("date"), Zone::utc())
    }

    fn parse(text: &str) -> Note {
        let settings = Settings::default();
        let clozes = Clozes::new(&settings.cloze_patterns);
        let w = when();
        let opts = ParseOptions {
            settings: &settings,
            clozes: &clozes,
            today: w.today,
            now: w.now,
            zone: w.zone,
            detail: crate::parse::Detail::Full,
        };
        parse_note(text.to_owned(), None, &opts, false)
    }

    const NOTE: &str = "#flashcards/a\n\nQ1::A1\n<!--SR:!2024-06-18,3,250-->\n\nQ2::A2\n\n#flashcards/b\nQ3:::A3\n<!--SR:!2024-06-25,10,250!2024-06-30,20,270-->\n";

    fn filter(decks: &[String], scopes: &[String]) -> Filter<'static> {
        let (decks, scopes) = (decks.to_vec().leak(), scopes.to_vec().leak());
        Filter { decks, state: None, due_before: None, due_after: None, scopes, op: Operation::Shift(7) }
    }

    #[test]
    fn every_card_is_selected_and_every_scheduled_one_counted() {
        let note = parse(NOTE);
        let s = select_note("x.md", &note, &filter(&[], &[]), &Done::new(), &when());
        let mut keys = s.keys.clone();
        keys.sort_unstable();
        assert_eq!(keys, vec![-2, 5, 10]);
        let picked: Vec<(usize, usize, usize)> =
            s.cards.iter().map(|c| (c.question, c.sibling, c.line)).collect();
        assert_eq!(picked, vec![(0, 0, 2), (1, 0, 5), (2, 0, 8), (2, 1, 8)]);
        assert_eq!(s.cards[3].schedule, note.questions[2].schedule(1));
    }

    #[test]
    fn filters_leave_cards_out_but_the_histogram_whole() {
        let note = parse(NOTE);
        let w = when();
        let f = Filter { state: Some(CardState::New), ..filter(&[], &[]) };
        let s = select_note("x.md", &note, &f, &Done::new(), &w);
        assert_eq!(s.cards.iter().map(|c| c.question).collect::<Vec<_>>(), vec![1]);
        assert_eq!(s.keys.len(), 3);
        let f = Filter { due_after: Some(w.today), ..filter(&["flashcards/b".to_owned()], &[]) };
        let s = select_note("x.md", &note, &f, &Done::new(), &w);
        assert_eq!(s.cards.iter().map(|c| (c.question, c.sibling)).collect::<Vec<_>>(), vec![(2, 0), (2, 1)]);
        let s = select_note("x.md", &note, &filter(&[], &["other".to_owned()]), &Done::new(), &w);
        assert!(s.cards.is_empty());
        assert_eq!(s.keys.len(), 3);
    }

    #[test]
    fn a_card_an_interrupted_run_did_is_skipped_only_with_that_schedule() {
        let note = parse(NOTE);
        let hash = note.questions[0].hash(&note.text);
        let now = note.questions[0].schedule(0).to_schedule();
        let done: Done = [(("x.md".into(), hash.clone(), 0), now)].into_iter().collect();
        let s = select_note("x.md", &note, &filter(&[], &[]), &done, &when());
        assert_eq!((s.resumed, s.cards.len()), (1, 3));
        let other: Done = [(("x.md".into(), hash, 0), None)].into_iter().collect();
        let s = select_note("x.md", &note, &filter(&[], &[]), &other, &when());
        assert_eq!((s.resumed, s.cards.len()), (0, 4));
    }

    #[test]
    fn a_note_without_a_deck_gives_nothing() {
        let note = parse("Q1::A1\n<!--SR:!2024-06-18,3,250-->\n");
        assert_eq!(select_note("x.md", &note, &filter(&[], &[]), &Done::new(), &when()), Scanned::default());
    }

    #[test]
    fn the_planned_edits_rewrite_the_changed_comments() {
        let note = parse(NOTE);
        let w = when();
        let s = select_note("x.md", &note, &filter(&[], &[]), &Done::new(), &w);
        let targets: Vec<Target> = s.cards.iter().map(|c| Target { schedule: c.schedule.clone() }).collect();
        let settings = Settings::default();
        let (changes, exam) =
            plan_changes(Operation::Shift(7), &targets, &w, &settings, &Histogram::default(), 1);
        assert!(exam.is_none());
        let mut after = Histogram::from_counts(s.keys.iter().map(|&k| (k, 1)));
        let picked = s.cards.iter().zip(&changes).filter_map(|(c, ch)| Some((c, ch.as_ref()?)));
        for (c, ch) in picked.clone() {
            move_card(&mut after, &c.schedule, ch, &w);
        }
        assert_eq!(after.sorted(), vec![(-2, 0), (5, 1), (10, 0), (12, 1), (17, 1)]);
        let edits =
            plan_note(&note, &by_question(picked.map(|(c, ch)| (c.question, c.sibling, ch))), &settings)
                .expect("plans");
        let new = crate::edit::splice(&note.text, &edits);
        assert_eq!(
            new,
            NOTE.replace("2024-06-18,3", "2024-06-25,3")
                .replace("2024-06-25,10,250!2024-06-30", "2024-07-02,10,250!2024-07-07")
        );
    }
}
