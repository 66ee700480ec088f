//! What a session is made of before it starts: the reviewable cards of a
//! note, what the log says was done today, the headings above a card, and a
//! fingerprint to tell whether a note read later is still the one scanned.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::NaiveDate;

use super::queue::{Cards, Phase, QueueCard};
use crate::clock::When;
use crate::deck::deck_matches;
use crate::log::{Op, Record};
use crate::note_path::NotePath;
use crate::parse::{CardState, Note};

/// Which cards a session takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Due and new cards; answers are scheduled and written.
    #[default]
    Normal,
    /// Also the cards due in the next `n` days, scheduled normally (the
    /// plugin's early-review rule gives them their bonus).
    Ahead(u32),
    /// Every card, whatever its due date; nothing is written to the notes
    /// and the answers are logged as cram (the plugin's cram mode).
    Cram,
}

/// One reviewable card as [`visit_cards`] finds it.
struct Found<'a> {
    question: usize,
    sibling: usize,
    deck: &'a String,
    phase: Phase,
}

/// Calls `take` with each reviewable card of `note` in the decks matching
/// `decks` (all when empty), in note order, and `keep` with a question
/// before its first reviewable card (only then: most questions have none
/// today, and `keep` hashes the question): a question `keep` refuses
/// (buried) gives no card, one it keeps hands what `keep` made of it to
/// each of its cards.
fn visit_cards<'a, K>(
    note: &'a Note,
    when: &When,
    mode: Mode,
    decks: &[String],
    mut keep: impl FnMut(&crate::parse::Question) -> Option<K>,
    mut take: impl FnMut(Found<'a>, &K),
) {
    if !note.has_deck {
        return;
    }
    let (today, now) = (when.today, when.now);
    let ahead_until = match mode {
        Mode::Ahead(days) => today.checked_add_days(chrono::Days::new(u64::from(days))),
        _ => None,
    };
    for (qi, q) in note.questions.iter().enumerate() {
        let deck = if decks.is_empty() {
            q.decks.first()
        } else {
            q.decks.iter().find(|d| decks.iter().any(|f| deck_matches(d, f)))
        };
        let Some(deck) = deck else { continue };
        let mut kept: Option<Option<K>> = None;
        for sibling in 0..q.card_count() {
            let schedule = q.schedule(sibling);
            let state = schedule.state(today, now);
            let selected = match (state, mode) {
                (CardState::New | CardState::Due, _) | (CardState::Scheduled, Mode::Cram) => true,
                (CardState::Scheduled, Mode::Ahead(_)) => {
                    schedule.due_date(when.zone).zip(ahead_until).is_some_and(|(d, until)| d <= until)
                }
                (CardState::Scheduled, Mode::Normal) => false,
            };
            if !selected {
                continue;
            }
            let phase = match state {
                CardState::New => Phase::New,
                _ => match &schedule {
                    crate::parse::CardSchedule::Fsrs(f) if f.interval < 1.0 && f.state != 0.0 => {
                        Phase::Learning
                    }
                    _ => Phase::Review,
                },
            };
            let Some(k) = kept.get_or_insert_with(|| keep(q)) else { break };
            take(Found { question: qi, sibling, deck, phase }, k);
        }
    }
}

/// The reviewable cards of one note in the decks matching `decks` (all when
/// empty), not buried today, in note order: due and new cards, and in
/// `mode`'s wider selections the others too. The cards share `path`.
#[must_use]
pub fn note_cards(
    path: &Arc<NotePath>,
    note: &Note,
    when: &When,
    mode: Mode,
    buried: &[crate::parse::QuestionHash],
    decks: &[String],
) -> Cards {
    let mut out = Cards::default();
    let mut last: Option<(&str, u32)> = None;
    visit_cards(
        note,
        when,
        mode,
        decks,
        |q| {
            let hash = q.hash_value(&note.text);
            (!buried.iter().any(|b| b.value() == Some(hash))).then_some(hash)
        },
        |c, &hash| {
            let q = &note.questions[c.question];
            let deck = match last {
                Some((name, i)) if name == c.deck.as_str() => i,
                _ => {
                    let i = out.deck(c.deck);
                    last = Some((c.deck.as_str(), i));
                    i
                }
            };
            out.push(QueueCard::new(
                path.clone(),
                (c.question, c.sibling),
                q.text_line_no(),
                hash,
                c.phase,
                deck,
            ));
        },
    );
    out
}

/// What [`note_cards`] gives in [`Mode::Normal`], counted by phase without
/// building the cards (`recall due` without daily limits), leaving out the
/// questions whose hash value ([`crate::parse::Question::hash_value`]) is in
/// `buried`; a question's hash is computed only when something is buried.
#[must_use]
pub fn note_due_counts<S: std::hash::BuildHasher>(
    note: &Note,
    when: &When,
    buried: &HashSet<u64, S>,
    decks: &[String],
) -> super::due::DueCounts {
    let mut counts = super::due::DueCounts::default();
    visit_cards(
        note,
        when,
        Mode::Normal,
        decks,
        |q| (buried.is_empty() || !buried.contains(&q.hash_value(&note.text))).then_some(()),
        |c, ()| {
            counts.due += 1;
            match c.phase {
                Phase::New => counts.new += 1,
                Phase::Learning => counts.learning += 1,
                Phase::Review => counts.review += 1,
            }
        },
    );
    counts
}

/// New cards and reviews already done on `day`, from the review log (undone
/// answers do not count; a card counts once; cram answers do not count).
#[must_use]
pub fn done_today(records: &[Record], day: NaiveDate) -> (usize, usize) {
    let mut new = HashSet::new();
    let mut reviews = HashSet::new();
    for r in crate::log::effective(records) {
        if r.day != day || !matches!(r.op, Op::Review | Op::Grade) {
            continue;
        }
        let key = (r.path.as_str(), r.hash.as_str(), r.sibling);
        if r.before.is_none() {
            new.insert(key);
        } else if !new.contains(&key) {
            reviews.insert(key);
        }
    }
    (new.len(), reviews.len())
}

/// A fingerprint of a note's text, to tell whether a note read later is
/// still the one its cards were queued from.
#[must_use]
pub fn fingerprint(text: &str) -> u64 {
    // Eight bytes a step (FxHash's step: rotate, xor, multiply by an odd
    // constant), about a tenth of SipHash's work over a vault's text. Every
    // step is a bijection of the state, so texts of one length that differ
    // in one eight-byte word never collide; the value is only compared
    // within one run.
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let step = |h: u64, word: &[u8]| {
        let mut w = [0u8; 8];
        w[..word.len()].copy_from_slice(word);
        (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K)
    };
    let mut words = text.as_bytes().chunks_exact(8);
    let mut h = (text.len() as u64).wrapping_mul(K);
    for w in &mut words {
        h = step(h, w);
    }
    h = step(h, words.remainder());
    h ^ (h >> 32)
}

/// The headings above line `line` (0-based), outermost first: the plugin's
/// `showContextInCards` breadcrumb.
#[must_use]
pub fn headings_above(note: &Note, line: usize) -> Vec<String> {
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut fence = crate::parse::tags::FenceState::default();
    let from = note.frontmatter.as_ref().map_or(0, |f| f.end_line + 1);
    for i in from..line.min(note.lines.len()) {
        let l = note.line(i);
        if fence.in_code(l) {
            continue;
        }
        let level = l.bytes().take_while(|&b| b == b'#').count();
        if (1..=6).contains(&level) && l.as_bytes().get(level) == Some(&b' ') {
            stack.retain(|(lv, _)| *lv < level);
            stack.push((level, l[level + 1..].trim().to_owned()));
        }
    }
    stack.into_iter().map(|(_, h)| h).collect()
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn a_fingerprint_changes_with_any_byte_and_with_the_length() {
        let text = "#flashcards\nWhat is ISR?::in-sync replicas\n<!--SR:!2026-01-15,3,250-->\n";
        let copy = String::from(text);
        assert_eq!(fingerprint(text), fingerprint(&copy), "the bytes count, not where they are");
        let mut seen = std::collections::HashSet::new();
        assert!(seen.insert(fingerprint(text)));
        for i in 0..text.len() {
            let mut changed = text.as_bytes().to_vec();
            changed[i] ^= 1;
            let changed = String::from_utf8(changed).expect("ascii");
            assert!(seen.insert(fingerprint(&changed)), "byte {i}");
        }
        for tail in ["", "\0", "\0\0", "\0\0\0\0\0\0\0\0"] {
            assert!(seen.insert(fingerprint(&format!("a{tail}"))), "{tail:?}");
        }
        assert_ne!(fingerprint(""), fingerprint("\0"));
    }
}
