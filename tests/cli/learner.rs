//! A simulated learner for `recall optimize`: a review log written the way
//! the binary writes it, by a learner whose memory follows FSRS-6 with known
//! weights ([`TRUE_WEIGHTS`], not the defaults).
//!
//! Each day from 09:00 the learner answers every card due that day, new
//! cards included, one every 30 seconds, and same-day steps when they fall
//! due. Whether an answer is recalled is drawn (seeded) with the probability
//! FSRS-6 gives under the true weights after the days elapsed since the
//! card's previous answer; a recalled card is answered Hard, Good or Easy,
//! a forgotten one Again, a new one by a fixed spread of first answers. The
//! next review is scheduled as a user of the plugin would have it: FSRS with
//! the plugin's default weights, or SM-2-OSR.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use recall::log::{Op, Record};
use recall::schedule::fsrs::{self, Card, Parameters, Rating, State};
use recall::schedule::{Ease, Interval, Response, Schedule, Sm2, osr_schedule};
use recall::settings::Settings;

/// The learner's memory: weaker than the defaults assume (lower initial
/// stabilities, slower growth, a steeper forgetting curve), so the
/// plugin's schedule aims at 90% and gets less.
pub(crate) const TRUE_WEIGHTS: [f64; 21] = [
    0.1, 0.6, 1.2, 4.0, 6.5, 0.6, 2.5, 0.03, 1.3, 0.15, 0.9, 1.7, 0.09, 0.35, 1.2, 0.4, 2.0, 0.4, 0.2, 0.1,
    0.3,
];

/// Which scheduler sets the next review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheduler {
    /// FSRS with the plugin's parameters (default weights).
    Fsrs,
    /// The plugin's SM-2-OSR (default settings, no load balancing).
    Sm2,
}

/// What to simulate.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Learner {
    pub cards: usize,
    /// New cards are introduced evenly over the first `new_days` days.
    pub new_days: i64,
    pub days: i64,
    pub seed: u64,
    pub scheduler: Scheduler,
}

/// The first day of every simulation.
pub(crate) fn start_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).expect("date")
}

/// splitmix64: a small seeded generator, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Picks from `(weight, value)` pairs whose weights add up to 1.
    fn pick<T: Copy>(&mut self, choices: &[(f64, T)]) -> T {
        let mut x = self.next();
        for &(w, v) in choices {
            if x < w {
                return v;
            }
            x -= w;
        }
        choices[choices.len() - 1].1
    }
}

/// The schedule a card's next review follows.
#[derive(Debug, Clone)]
enum Sched {
    Fsrs(Card),
    /// SM-2: due, interval, ease (`None` while new).
    Sm2(Option<(DateTime<Utc>, f64, f64)>),
}

struct SimCard {
    sched: Sched,
    truth: Card,
    introduced: i64,
}

/// FSRS-6's probability of recall after `days` with stability `s`.
fn recall_probability(w: &[f64; 21], s: f64, days: f64) -> f64 {
    let decay = -w[20];
    let factor = 0.9f64.powf(1.0 / decay) - 1.0;
    (1.0 + factor * days / s).powf(decay)
}

fn response(r: Rating) -> Response {
    match r {
        Rating::Again => Response::Again,
        Rating::Hard => Response::Hard,
        Rating::Good => Response::Good,
        Rating::Easy => Response::Easy,
    }
}

impl SimCard {
    fn due(&self, start: DateTime<Utc>) -> DateTime<Utc> {
        match &self.sched {
            Sched::Fsrs(c) if c.state == State::New => start,
            Sched::Fsrs(c) => c.due,
            Sched::Sm2(None) => start,
            Sched::Sm2(Some((due, _, _))) => *due,
        }
    }

    /// As the real binary logs it: FSRS answers with their memory state.
    fn logged(&self) -> Option<Schedule> {
        match &self.sched {
            Sched::Fsrs(c) if c.state == State::New => None,
            Sched::Fsrs(c) => Some(Schedule::from_fsrs(c)),
            Sched::Sm2(None) => None,
            Sched::Sm2(Some((due, interval, ease))) => Some(Schedule::Sm2(Sm2 {
                due: due.date_naive(),
                interval: Interval(*interval),
                ease: Ease(*ease),
            })),
        }
    }
}

/// Simulates `l` and returns the log records, in the order they were made.
pub(crate) fn simulate(l: &Learner) -> Vec<Record> {
    let mut rng = Rng(l.seed);
    let plugin = Parameters::plugin(0.9, 36525.0);
    let truth_params = Parameters::plugin(0.9, 36525.0).with_weights(TRUE_WEIGHTS);
    let settings = Settings { load_balance: false, ..Settings::default() };
    let origin = Utc.from_utc_datetime(&start_day().and_hms_opt(9, 0, 0).expect("time"));
    let mut cards: Vec<SimCard> = (0..l.cards)
        .map(|i| SimCard {
            sched: match l.scheduler {
                Scheduler::Fsrs => Sched::Fsrs(fsrs::empty_card(origin)),
                Scheduler::Sm2 => Sched::Sm2(None),
            },
            truth: fsrs::empty_card(origin),
            introduced: i as i64 * l.new_days / l.cards as i64,
        })
        .collect();
    let mut records = Vec::new();
    for day in 0..l.days {
        let start = origin + Duration::days(day);
        let end = start + Duration::hours(14);
        let mut clock = start;
        loop {
            let next = cards
                .iter()
                .enumerate()
                .filter(|(_, c)| c.introduced <= day)
                .map(|(i, c)| (c.due(start), i))
                .filter(|(due, _)| *due <= end)
                .min();
            let Some((due, i)) = next else { break };
            let now = clock.max(due);
            clock = now + Duration::seconds(30);
            let card = &mut cards[i];
            let rating = if card.truth.state == State::New {
                rng.pick(&[
                    (0.2, Rating::Again),
                    (0.1, Rating::Hard),
                    (0.6, Rating::Good),
                    (0.1, Rating::Easy),
                ])
            } else {
                let last = card.truth.last_review.expect("reviewed").date_naive();
                let days = (now.date_naive() - last).num_days() as f64;
                let p = recall_probability(&TRUE_WEIGHTS, card.truth.stability, days);
                if rng.next() < p {
                    rng.pick(&[(0.1, Rating::Hard), (0.8, Rating::Good), (0.1, Rating::Easy)])
                } else {
                    Rating::Again
                }
            };
            let before = card.logged();
            card.truth = fsrs::next(&truth_params, &card.truth, now, rating).expect("true memory");
            card.sched = match &card.sched {
                Sched::Fsrs(c) => Sched::Fsrs(fsrs::next(&plugin, c, now, rating).expect("plugin FSRS")),
                Sched::Sm2(s) => {
                    let (interval, ease, delay) = match s {
                        None => (1.0, settings.base_ease, 0.0),
                        Some((due, i, e)) => {
                            (*i, *e, (due.date_naive() - now.date_naive()).num_days() as f64)
                        }
                    };
                    let (Interval(ivl), Ease(ease)) = osr_schedule(
                        response(rating),
                        Interval(interval),
                        Ease(ease),
                        delay,
                        &settings,
                        None,
                    );
                    // Again (interval 0) comes back at the end of today's session.
                    let due = if ivl < 1.0 {
                        now + Duration::minutes(10)
                    } else {
                        start + Duration::days(ivl.round() as i64)
                    };
                    Sched::Sm2(Some((due, ivl, ease)))
                }
            };
            let after = card.logged();
            records.push(Record {
                id: format!("sim-{}", records.len()),
                ts: now.to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
                day: now.date_naive(),
                op: Op::Review,
                path: format!("cards/deck{}.md", i / 25).into(),
                line: recall::parse::LineNo::new((i % 25) * 2 + 3),
                hash: format!("{:012x}", (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 16).into(),
                sibling: 0,
                response: Some(response(rating)),
                before,
                after,
                ms: Some(2000 + (rng.next() * 8000.0) as u64),
                decks: vec!["#flashcards".into()],
                undoes: None,
                detail: None,
            });
        }
    }
    records
}

/// The records as the log's lines.
pub(crate) fn log_text(records: &[Record]) -> String {
    records.iter().map(|r| serde_json::to_string(r).expect("json") + "\n").collect()
}
