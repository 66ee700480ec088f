//! FSRS in `recall stats` (pure): true retention from the log against the
//! plugin's `fsrsDesiredRetention`, and whether recall schedules with the
//! user's own weights (`fsrs-weights`), shown for vaults whose algorithm is
//! FSRS; and the memory of the cards that have an FSRS segment (stability
//! and difficulty histograms, average retrievability), whenever there are
//! such cards.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Distribution, LogStats, Tally};
use crate::optimize::OWN_WEIGHTS_NOTE;
use crate::optimize::report::wrap;
use crate::schedule::fsrs::MemoryView;

/// The FSRS part of the statistics (`fsrs` in `stats --json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FsrsStats {
    /// The retention FSRS schedules for (`fsrsDesiredRetention`).
    pub desired_retention: f64,
    /// True retention over the last 30 days (null without answers to
    /// learned cards).
    pub true_retention_30d: Option<f64>,
    /// True retention over the whole log.
    pub true_retention_all: Option<f64>,
    /// `fsrs-weights` is set: recall schedules with the user's own weights.
    pub own_weights: bool,
}

/// The FSRS statistics from the log's retention rows.
#[must_use]
pub fn fsrs_stats(log: &LogStats, desired_retention: f64, own_weights: bool) -> FsrsStats {
    let total = |period: &str| -> Option<f64> {
        log.retention.iter().find(|r| r.period == period).and_then(|r| r.total.rate)
    };
    FsrsStats {
        desired_retention,
        true_retention_30d: total("30d"),
        true_retention_all: total("all"),
        own_weights,
    }
}

/// The memory of the FSRS cards (`fsrs_memory` in `stats --json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FsrsMemory {
    /// Cards with an FSRS segment.
    pub cards: usize,
    /// Stability in days (rounded to whole days for the buckets; the
    /// average is of the exact values).
    pub stability: Distribution,
    /// Difficulty, 1 to 10.
    pub difficulty: Distribution,
    /// The average probability of recall now, over the cards that have
    /// been reviewed (null without any).
    pub average_retrievability: Option<f64>,
}

/// Counts FSRS memory states as they come (see [`super::CardTally`]).
#[derive(Debug, Clone)]
pub struct MemoryTally {
    cards: usize,
    stability: Tally,
    stability_sum: f64,
    difficulty: Tally,
    difficulty_sum: f64,
    retrievability: (usize, f64),
}

impl Default for MemoryTally {
    fn default() -> MemoryTally {
        MemoryTally::new()
    }
}

/// Difficulty buckets: `1–2` … `9–10` (a value on a boundary goes up,
/// 10 into the last).
fn difficulty_buckets() -> Vec<(i64, Option<i64>, String)> {
    (1..=9).map(|d| (d, Some(d), format!("{d}–{}", d + 1))).collect()
}

impl MemoryTally {
    /// Nothing counted yet.
    #[must_use]
    pub fn new() -> MemoryTally {
        let days = super::INTERVAL_BUCKETS.iter().map(|(a, b, l)| (*a, *b, (*l).to_owned())).collect();
        MemoryTally {
            cards: 0,
            stability: Tally::new(days),
            stability_sum: 0.0,
            difficulty: Tally::new(difficulty_buckets()),
            difficulty_sum: 0.0,
            retrievability: (0, 0.0),
        }
    }

    /// Counts one FSRS card (a view of an SM-2 card counts nothing).
    pub fn add(&mut self, m: &MemoryView) {
        if m.fsrs_state.is_none() {
            return;
        }
        self.cards += 1;
        if let Some(s) = m.stability.filter(|s| *s > 0.0) {
            self.stability.add(s.round() as i64);
            self.stability_sum += s;
        }
        if let Some(d) = m.difficulty.filter(|d| *d > 0.0) {
            self.difficulty.add((d.floor() as i64).clamp(1, 9));
            self.difficulty_sum += d;
        }
        if let Some(r) = m.retrievability {
            self.retrievability.0 += 1;
            self.retrievability.1 += r;
        }
    }

    /// The histograms; `None` when no card has an FSRS segment.
    #[must_use]
    pub fn finish(self) -> Option<FsrsMemory> {
        if self.cards == 0 {
            return None;
        }
        let exact = |mut d: Distribution, sum: f64| {
            d.average = (d.count > 0).then(|| sum / d.count as f64);
            d
        };
        let (n, sum) = self.retrievability;
        Some(FsrsMemory {
            cards: self.cards,
            stability: exact(self.stability.finish(), self.stability_sum),
            difficulty: exact(self.difficulty.finish(), self.difficulty_sum),
            average_retrievability: (n > 0).then(|| sum / n as f64),
        })
    }
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// The lines `recall stats` draws for FSRS.
#[must_use]
pub fn render(f: &FsrsStats) -> String {
    let mut out = String::new();
    let aim = format!("FSRS aims at {} retention (fsrsDesiredRetention)", pct(f.desired_retention));
    let _ = match (f.true_retention_30d, f.true_retention_all) {
        (None, None) => writeln!(out, "{aim}; there are no answers to learned cards yet to compare."),
        (last, all) => {
            let part = |x: Option<f64>, label: &str| x.map(|x| format!("{} {label}", pct(x)));
            let parts: Vec<String> = [part(last, "over the last 30 days"), part(all, "over all time")]
                .into_iter()
                .flatten()
                .collect();
            let gap = last.or(all).map(|x| {
                let points = 100.0 * (x - f.desired_retention);
                if points.abs() < 0.05 {
                    " (on target)".to_owned()
                } else {
                    format!(" ({:.1} points {})", points.abs(), if points < 0.0 { "below" } else { "above" })
                }
            });
            writeln!(out, "{aim}: true retention {}{}.", parts.join(", "), gap.unwrap_or_default())
        }
    };
    if f.own_weights {
        let _ = writeln!(out, "{}", wrap(OWN_WEIGHTS_NOTE, 90));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{Rate, Retention};

    fn rate(passed: usize, failed: usize) -> Rate {
        Rate { passed, failed, rate: Some(passed as f64 / (passed + failed) as f64) }
    }

    fn log(rows: &[(&'static str, Option<Rate>)]) -> LogStats {
        let mut l = crate::stats::log_stats(&[], true, 0, chrono::NaiveDate::MIN, 1);
        l.retention = rows
            .iter()
            .map(|&(period, total)| Retention {
                period,
                from: None,
                young: Rate::default(),
                mature: Rate::default(),
                total: total.unwrap_or_default(),
            })
            .collect();
        l
    }

    #[test]
    fn true_retention_against_the_desired_one() {
        let l = log(&[("7d", Some(rate(1, 1))), ("30d", Some(rate(7, 1))), ("all", Some(rate(9, 1)))]);
        let f = fsrs_stats(&l, 0.9, false);
        assert_eq!(f.true_retention_30d, Some(0.875));
        assert_eq!(f.true_retention_all, Some(0.9));
        assert_eq!(
            render(&f),
            "FSRS aims at 90.0% retention (fsrsDesiredRetention): true retention 87.5% over the last 30 days, 90.0% over all time (2.5 points below).\n"
        );
        let f = fsrs_stats(&l, 0.875, true);
        let text = render(&f);
        assert!(text.starts_with("FSRS aims at 87.5% retention (fsrsDesiredRetention): true retention 87.5% over the last 30 days, 90.0% over all time (on target).\nrecall now schedules FSRS cards with your own weights"), "{text}");
    }

    #[test]
    fn without_answers_there_is_nothing_to_compare() {
        let f = fsrs_stats(&log(&[("30d", None), ("all", None)]), 0.85, false);
        assert_eq!((f.true_retention_30d, f.true_retention_all), (None, None));
        assert_eq!(
            render(&f),
            "FSRS aims at 85.0% retention (fsrsDesiredRetention); there are no answers to learned cards yet to compare.\n"
        );
        let only_old = fsrs_stats(&log(&[("30d", None), ("all", Some(rate(3, 1)))]), 0.9, false);
        assert_eq!(
            render(&only_old),
            "FSRS aims at 90.0% retention (fsrsDesiredRetention): true retention 75.0% over all time (15.0 points below).\n"
        );
    }
}
