//! Deciding, card by card, what an import writes.
//!
//! Anki's side of a matched card (its row in `cards`):
//! - suspended (queue −1), buried (−2, −3) or new (queue 0): nothing changes;
//! - a review card: `!due,interval,ease` with Anki's due day (days since the
//!   creation day, or the original due of a card in a filtered deck), its
//!   interval and its factor (2500 → 250);
//! - a (re)learning card: what the plugin writes for a card answered Again
//!   on the day of its last review: interval 0, due that day, and Anki's
//!   lowered factor (relearning) or the plugin's ease after Again (a card
//!   still learning its first steps);
//! - in an FSRS vault (`algorithm: FSRS`) a card with an FSRS memory state in
//!   an FSRS collection gets an FSRS schedule ([`Write::Fsrs`]): stability,
//!   difficulty, state, reps and lapses as Anki holds them, due on Anki's due
//!   day at the time of day of the last review (a learning card at its due
//!   instant), the learning steps done counted against the plugin's steps.
//!
//! A card with no review in the package changes nothing, and neither does
//! one whose note already holds that schedule. Otherwise the vault's side is
//! compared: its changes are recall's log lines for the card (reviews,
//! grades, reschedules; imports excluded) and the last review its schedule
//! implies (due − interval). When the vault changed the card after the
//! package's first review of it, both sides did: a [`Conflict`]. Under
//! [`Prefer::Latest`] the side that changed it last wins (the vault when it
//! changed the card after the package's last review, or on a later day than
//! its schedule says); `Anki` and `Vault` force a side.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate};

use super::days::Calendar;
use super::matching::{CardKey, Matching};
use super::reviews::{ImportedReview, chain, logged_ids};
use super::{FsrsState, Keep, Prefer, Side, Write, ease_of_factor, segment};
use crate::anki::{Card, Collection, Review};
use crate::clock::When;
use crate::log::{Op, Record};
use crate::parse::CardSchedule;
use crate::schedule::{Ease, Interval, Response, WholeInterval, schedule_card};
use crate::vault::Vault;

/// What happens to one matched card.
#[derive(Debug, Clone, PartialEq)]
pub struct CardPlan {
    pub key: CardKey,
    /// Index into [`Collection::cards`].
    pub card: usize,
    /// The card's schedule in the note now.
    pub before: CardSchedule,
    /// Anki's last review (or manual change) of it, ms since the epoch.
    pub anki_last: Option<i64>,
    pub outcome: Result<Write, Keep>,
}

/// The vault's latest change of a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VaultChange {
    /// A log line at this instant (ms since the epoch).
    Logged(i64),
    /// A log line of this day (its time unreadable).
    LoggedDay(NaiveDate),
    /// The last review its schedule implies.
    Scheduled(NaiveDate),
}

/// A card both sides changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub key: CardKey,
    pub vault: VaultChange,
    /// The package's last review of it (ms since the epoch).
    pub anki_last: i64,
    /// The vault changed it after that.
    pub vault_newer: bool,
    pub winner: Side,
}

/// Everything an import would do.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub matching: Matching,
    /// One per matched card, in collection order.
    pub cards: Vec<CardPlan>,
    pub conflicts: Vec<Conflict>,
    /// Answers to log, in time order.
    pub reviews: Vec<ImportedReview>,
    /// Answers of matched cards already in the log.
    pub already_logged: usize,
}

impl Plan {
    /// The cards whose schedule changes.
    pub fn writes(&self) -> impl Iterator<Item = (&CardPlan, &Write)> {
        self.cards.iter().filter_map(|c| c.outcome.as_ref().ok().map(|w| (c, w)))
    }
}

/// Milliseconds of a log line's time, when readable.
fn record_ms(r: &Record) -> Option<i64> {
    DateTime::parse_from_rfc3339(&r.ts).ok().map(|t| t.timestamp_millis())
}

/// The last review a schedule implies: its due date less its interval.
fn implied_review(s: &CardSchedule, zone: crate::clock::Zone) -> Option<NaiveDate> {
    let (interval, _) = s.interval_ease();
    s.due_date(zone)?.checked_sub_signed(chrono::Duration::try_days(interval?.0)?)
}

/// Plans the import of `col` into `vault`. `records` are the log's
/// effective records; `matching` is [`super::match_cards`] of the two.
#[must_use]
pub fn plan(
    vault: &Vault,
    col: &Collection,
    matching: Matching,
    records: &[&Record],
    prefer: Prefer,
    cal: &Calendar,
) -> Plan {
    let settings = &vault.config.settings;
    let fsrs_vault = settings.algorithm == crate::settings::Algorithm::Fsrs;
    let logged = logged_ids(records);
    let mut rows: HashMap<i64, Vec<&Review>> = HashMap::new();
    for r in &col.revlog {
        rows.entry(r.cid).or_default().push(r);
    }
    // The vault's own changes, by card (path, question hash, sibling).
    let mut changes: HashMap<(&str, &str, usize), Vec<&Record>> = HashMap::new();
    for r in records.iter().filter(|r| !matches!(r.op, Op::Import | Op::Undo) && !r.path.is_empty()) {
        changes.entry((r.path.as_str(), r.hash.as_str(), r.sibling)).or_default().push(r);
    }
    let mut hashes: HashMap<(usize, usize), crate::parse::QuestionHash> = HashMap::new();

    let mut out = Plan {
        matching: Matching::default(),
        cards: Vec::new(),
        conflicts: Vec::new(),
        reviews: Vec::new(),
        already_logged: 0,
    };
    let mut seen_keys: HashSet<CardKey> = HashSet::new();
    for m in &matching.cards {
        let key = m.key;
        let card = &col.cards[m.card];
        let n = &vault.notes[key.note];
        let q = &n.note.questions[key.question];
        let before = q.schedule(key.sibling);
        let card_rows: &[&Review] = rows.get(&card.id).map_or(&[], Vec::as_slice);
        let (reviews, already) = chain(key, card_rows, &before, settings.base_ease, col.fsrs, cal, &logged);
        out.reviews.extend(reviews);
        out.already_logged += already;
        let (Some(first), Some(last)) = (card_rows.first(), card_rows.last()) else {
            out.cards.push(CardPlan {
                key,
                card: m.card,
                before,
                anki_last: None,
                outcome: Err(Keep::NoReviews),
            });
            continue;
        };
        let mut outcome = target(vault, col, cal, card, key, last.id, fsrs_vault);
        if let Ok(w) = &outcome {
            let same_text =
                q.segment_raw(key.sibling, &n.note.text).is_some_and(|raw| segment(w) == format!("!{raw}"));
            let same_sm2 = matches!(w, Write::Sm2 { due, interval, ease }
                if before == CardSchedule::Sm2 { due: Some(*due), interval: interval.read_back(), ease: ease.read_back() });
            if same_text || same_sm2 {
                outcome = Err(Keep::Same);
            }
        }
        // Two Anki cards for one sibling cannot both win (a hostile package).
        if outcome.is_ok() && !seen_keys.insert(key) {
            outcome = Err(Keep::Unreadable);
        }
        if outcome.is_ok() {
            let hash = hashes.entry((key.note, key.question)).or_insert_with(|| q.hash(&n.note.text));
            let mine: &[&Record] =
                changes.get(&(n.path.as_str(), hash.as_str(), key.sibling)).map_or(&[], Vec::as_slice);
            if let Some(c) = conflict(key, mine, &before, first.id, last.id, cal, prefer) {
                if c.winner == Side::Vault {
                    outcome = Err(Keep::Conflict);
                }
                out.conflicts.push(c);
            }
        }
        out.cards.push(CardPlan { key, card: m.card, before, anki_last: Some(last.id), outcome });
    }
    out.reviews.sort_by_key(|r| (r.anki_id, r.key));
    out.matching = matching;
    out
}

/// Anki's schedule of `card` as recall writes it, or why there is none.
fn target(
    vault: &Vault,
    col: &Collection,
    cal: &Calendar,
    card: &Card,
    key: CardKey,
    last_ms: i64,
    fsrs_vault: bool,
) -> Result<Write, Keep> {
    let settings = &vault.config.settings;
    let review = match (card.queue, card.kind) {
        (-1, _) => return Err(Keep::Suspended),
        (-3 | -2, _) => return Err(Keep::Buried),
        (0, _) | (4, 0) => return Err(Keep::NewInAnki),
        (2, _) | (4, 2) => true,
        (1 | 3, _) | (4, 1 | 3) => false,
        _ => return Err(Keep::Unreadable),
    };
    let day_number = if card.odid != 0 && card.odue != 0 { card.odue } else { card.due };
    if fsrs_vault
        && col.fsrs
        && let Some(m) = card.memory
    {
        let last_review = card.last_review.map_or(Some(last_ms), |s| s.checked_mul(1000));
        let last_review = last_review.and_then(DateTime::from_timestamp_millis);
        let due = if review {
            let date = cal.date_of_day(day_number).ok_or(Keep::Unreadable)?;
            cal.on_day_at(date, last_review.unwrap_or_else(|| cal.zone.midnight(date)))
        } else {
            DateTime::from_timestamp(day_number, 0).ok_or(Keep::Unreadable)?
        };
        // The plugin's steps: two to learn (1m, 10m), one to relearn (10m).
        let steps = match card.kind {
            1 => 2,
            3 => 1,
            _ => 0,
        };
        return Ok(Write::Fsrs(FsrsState {
            due,
            interval: WholeInterval(if review { card.ivl.max(1) } else { 0 }),
            stability: m.stability,
            difficulty: m.difficulty,
            state: u8::try_from(card.kind.clamp(0, 3)).unwrap_or(0),
            reps: card.reps,
            lapses: card.lapses,
            learning_steps: (steps - card.left.rem_euclid(1000)).max(0),
            last_review,
        }));
    }
    let anki_ease = (card.factor > 0).then(|| ease_of_factor(card.factor));
    if review {
        let due = cal.date_of_day(day_number).ok_or(Keep::Unreadable)?;
        let n = &vault.notes[key.note];
        let current = n.note.questions[key.question].schedule(key.sibling);
        let ease = anki_ease
            .unwrap_or_else(|| current.interval_ease().1.map_or(Ease(settings.base_ease), Ease::from));
        return Ok(Write::Sm2 {
            due,
            interval: Interval::from(WholeInterval(card.ivl.clamp(1, 36_500))),
            ease,
        });
    }
    // (Re)learning: the plugin's Again on the day of the last review. A
    // card Anki never gave an ease was new there: the plugin's ease after
    // Again on a new card (not on the note's schedule now, which an
    // earlier import of the same package may have written).
    let day = cal.day_of(last_ms).ok_or(Keep::Unreadable)?;
    let ease = anki_ease.unwrap_or_else(|| {
        let note_ease = crate::schedule::note_ease(&vault.notes[key.note].note, settings);
        let when = When::noon_of(day, cal.zone);
        schedule_card(&CardSchedule::New, Response::Again, &when, settings, note_ease, None)
            .map_or(Ease(settings.base_ease), |next| next.ease())
    });
    Ok(Write::Sm2 { due: day, interval: Interval(0.0), ease })
}

/// Whether the vault changed the card too, and who wins.
fn conflict(
    key: CardKey,
    mine: &[&Record],
    before: &CardSchedule,
    anki_first: i64,
    anki_last: i64,
    cal: &Calendar,
    prefer: Prefer,
) -> Option<Conflict> {
    let first_day = cal.day_of(anki_first)?;
    let last_day = cal.day_of(anki_last)?;
    // The latest change after Anki's first review, and whether it is after the last.
    let mut latest: Option<(VaultChange, bool)> = None;
    let mut consider = |change: VaultChange, after_first: bool, after_last: bool| {
        if !after_first {
            return;
        }
        let replace = match latest {
            None => true,
            Some((_, was_after_last)) => after_last || !was_after_last,
        };
        if replace {
            latest = Some((change, after_last));
        }
    };
    for r in mine {
        match record_ms(r) {
            Some(ms) => consider(VaultChange::Logged(ms), ms > anki_first, ms > anki_last),
            None => consider(VaultChange::LoggedDay(r.day), r.day > first_day, r.day > last_day),
        }
    }
    // A schedule that moved without a log line (the plugin, an editor):
    // only a later day than Anki's last review says so.
    if let Some(day) = implied_review(before, cal.zone)
        && day > last_day
    {
        consider(VaultChange::Scheduled(day), true, true);
    }
    let (vault, vault_newer) = latest?;
    let winner = match prefer {
        Prefer::Latest if vault_newer => Side::Vault,
        Prefer::Latest | Prefer::Anki => Side::Anki,
        Prefer::Vault => Side::Vault,
    };
    Some(Conflict { key, vault, anki_last, vault_newer, winner })
}
