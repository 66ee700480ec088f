//! A note's next schedule (spec §c.6), pure.
//!
//! A scheduled note is answered with SM-2-OSR from its `sr-interval` and
//! `sr-ease`, with d = max(0, today − due) days of credit (an overdue note
//! gets it, an early one none; the opposite of cards), load balanced over
//! the note histogram. A new note starts from interval 1 and the link
//! contribution: with L the links between the note and notes that have a
//! note-ease entry (both directions, every link counted),
//! lc = maxLinkFactor × min(1, ln(L + 0.5) / ln 64) and
//! ease = round((1 − lc)·baseEase + lc·W), W = Σ(count·rank·ease) /
//! Σ(count·rank) over those links (baseEase when L = 0).
//!
//! recall's decisions where the plugin computes `NaN`: a schedule whose
//! `sr-interval` or `sr-ease` is no number is answered as a new note, and
//! an unreadable `sr-due` gives no credit (d = 0).

use chrono::NaiveDate;

use super::{NoteError, NoteIndex};
use crate::parse::js_round;
use crate::schedule::{Ease, Interval, Response, Sm2, add_days, osr_schedule};
use crate::settings::Settings;

/// The link statistics of a note (the plugin's `calcNoteLinkStat`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LinkStat {
    /// Σ count · rank · ease over links to and from notes with an ease entry.
    pub total: f64,
    /// Σ rank · count over the same links.
    pub rank_total: f64,
    /// The number of those links (L).
    pub count: u32,
}

impl NoteIndex {
    /// The link statistics of the note at `path`: incoming links first (in
    /// path order of their notes), then outgoing ones (in link order), each
    /// summed in the plugin's order.
    #[must_use]
    pub fn link_stat(&self, path: &str) -> LinkStat {
        let mut s = LinkStat::default();
        let mut add = |other: &str, count: u32| {
            let Some(ease) = self.ease_of(other) else { return };
            let rank = self.rank(other);
            let n = f64::from(count);
            // The plugin's order of multiplication, for the last bit.
            s.total += n * rank * ease;
            s.rank_total += rank * n;
            s.count += count;
        };
        for (src, count) in self.incoming.get(path).into_iter().flatten() {
            add(src, *count);
        }
        if let Some(&i) = self.by_path.get(path) {
            for (target, count) in &self.outgoing[i] {
                add(target, *count);
            }
        }
        s
    }

    /// The ease a new note starts from (before the answer changes it).
    #[must_use]
    pub fn new_note_ease(&self, path: &str, settings: &Settings) -> f64 {
        let stat = self.link_stat(path);
        let lc = settings.max_link_factor * ((f64::from(stat.count) + 0.5).ln() / 64f64.ln()).min(1.0);
        let mut ease = (1.0 - lc) * settings.base_ease
            + if stat.count > 0 { (lc * stat.total) / stat.rank_total } else { lc * settings.base_ease };
        // Dead in the plugin for new notes (an entry needs a schedule), but
        // reached by recall's "unreadable numbers answer as new".
        if let Some(own) = self.ease_of(path) {
            ease = f64::midpoint(ease, own);
        }
        js_round(ease)
    }

    /// The next schedule of the note at `path` answered `response` today.
    pub fn schedule(&self, path: &str, response: Response, settings: &Settings) -> Result<Sm2, NoteError> {
        if !matches!(response, Response::Easy | Response::Good | Response::Hard) {
            return Err(NoteError::Response(response));
        }
        let note = self.reviewable(path)?;
        let (interval, ease, delay) = match note.schedule {
            Some(s) if s.readable_numbers() => {
                (s.interval, s.ease, s.due.map_or(0.0, |d| days(self.today, d)))
            }
            _ => (1.0, self.new_note_ease(path, settings), 0.0),
        };
        let (ivl, ease) =
            osr_schedule(response, Interval(interval), Ease(ease), delay, settings, Some(self.histogram()));
        Ok(Sm2 { due: add_days(self.today, ivl.0), interval: ivl, ease })
    }
}

/// Days from `due` to `today` (positive when overdue).
fn days(today: NaiveDate, due: NaiveDate) -> f64 {
    (today - due).num_days() as f64
}
