//! ts-fsrs 5.4.1's scheduler: the FSRS-6 memory model (`FSRSAlgorithm`),
//! the short-term scheduler with learning steps (`BasicScheduler`, what the
//! plugin uses) and the long-term one (`LongTermScheduler`, short-term mode
//! off). Operation order follows ts-fsrs so every `f64` is the same.

// Exact comparisons are the point here: every value must equal JavaScript's
// bit for bit, so no comparison may have a margin.
#![expect(clippy::float_cmp, reason = "ts-fsrs compares these values exactly, and so must we")]

use chrono::{DateTime, Utc};

use super::js::{from_millis, js_clamp, js_max, js_min, js_round, js_to_fixed, millis, round8};
use super::jsmath::{exp, log, pow};
use super::{Card, FsrsError, Parameters, Rating, State};

const S_MIN: f64 = 0.001;
const S_MAX: f64 = 36500.0;

/// `x || 0`: `NaN` and zeros become `+0`.
fn or_zero(x: f64) -> f64 {
    if x.is_nan() || x == 0.0 { 0.0 } else { x }
}

/// `x || default`, as ts-fsrs's `generatorParameters` reads its options.
fn or_default(x: f64, default: f64) -> f64 {
    if x.is_nan() || x == 0.0 { default } else { x }
}

/// ts-fsrs's `clipParameters` for 21 weights.
pub(super) fn clip_weights(w: &[f64; 21], relearning_steps: usize, short_term: bool) -> [f64; 21] {
    let mut bounds: [(f64, f64); 21] = [
        (S_MIN, 100.0),
        (S_MIN, 100.0),
        (S_MIN, 100.0),
        (S_MIN, 100.0),
        (1.0, 10.0),
        (0.001, 4.0),
        (0.001, 4.0),
        (0.001, 0.75),
        (0.0, 4.5),
        (0.0, 0.8),
        (0.001, 3.5),
        (0.001, 5.0),
        (0.001, 0.25),
        (0.001, 0.9),
        (0.0, 4.0),
        (0.0, 1.0),
        (1.0, 6.0),
        (0.0, 2.0),
        (0.0, 2.0),
        (if short_term { 0.01 } else { 0.0 }, 0.8),
        (0.1, 0.8),
    ];
    if relearning_steps > 1 {
        let at = |i: usize| js_clamp(or_zero(w[i]), bounds[i].0, bounds[i].1);
        let value = -(log(at(11)) + log(pow(2.0, at(13)) - 1.0) + at(14) * 0.3) / relearning_steps as f64;
        let ceiling = js_clamp(round8(js_max(value, 0.0).sqrt()), 0.01, 2.0);
        bounds[17].1 = ceiling;
        bounds[18].1 = ceiling;
    }
    std::array::from_fn(|i| js_clamp(or_zero(w[i]), bounds[i].0, bounds[i].1))
}

/// The memory model with the constants ts-fsrs derives from the parameters.
struct Model<'a> {
    p: &'a Parameters,
    decay: f64,
    factor: f64,
    interval_modifier: f64,
    maximum_interval: f64,
}

impl<'a> Model<'a> {
    fn new(p: &'a Parameters) -> Result<Model<'a>, FsrsError> {
        let decay = -p.w[20];
        let factor = round8(exp(pow(decay, -1.0) * log(0.9)) - 1.0);
        let retention = or_default(p.request_retention, 0.9);
        if retention <= 0.0 || retention > 1.0 {
            return Err(FsrsError::InvalidRetention(retention));
        }
        let interval_modifier = round8((pow(retention, 1.0 / decay) - 1.0) / factor);
        Ok(Model {
            p,
            decay,
            factor,
            interval_modifier,
            maximum_interval: or_default(p.maximum_interval, 36500.0),
        })
    }

    fn w(&self, i: usize) -> f64 {
        self.p.w[i]
    }

    fn forgetting_curve(&self, elapsed_days: f64, stability: f64) -> f64 {
        round8(pow(1.0 + self.factor * elapsed_days / stability, self.decay))
    }

    fn init_stability(&self, g: f64) -> f64 {
        js_max(self.w(g as usize - 1), 0.1)
    }

    fn init_difficulty(&self, g: f64) -> f64 {
        round8(self.w(4) - exp((g - 1.0) * self.w(5)) + 1.0)
    }

    fn next_interval(&self, stability: f64) -> f64 {
        let ivl = js_min(js_max(1.0, js_round(stability * self.interval_modifier)), self.maximum_interval);
        js_round(ivl)
    }

    fn next_difficulty(&self, d: f64, g: f64) -> f64 {
        let delta_d = -self.w(6) * (g - 3.0);
        let next_d = d + round8(delta_d * (10.0 - d) / 9.0);
        let init = self.init_difficulty(Rating::Easy.grade());
        let reverted = round8(self.w(7) * init + (1.0 - self.w(7)) * next_d);
        js_clamp(reverted, 1.0, 10.0)
    }

    fn next_recall_stability(&self, d: f64, s: f64, r: f64, g: f64) -> f64 {
        let hard_penalty = if g == Rating::Hard.grade() { self.w(15) } else { 1.0 };
        let easy_bound = if g == Rating::Easy.grade() { self.w(16) } else { 1.0 };
        let growth = exp(self.w(8))
            * (11.0 - d)
            * pow(s, -self.w(9))
            * (exp((1.0 - r) * self.w(10)) - 1.0)
            * hard_penalty
            * easy_bound;
        round8(js_clamp(s * (1.0 + growth), S_MIN, S_MAX))
    }

    fn next_forget_stability(&self, d: f64, s: f64, r: f64) -> f64 {
        let sf =
            self.w(11) * pow(d, -self.w(12)) * (pow(s + 1.0, self.w(13)) - 1.0) * exp((1.0 - r) * self.w(14));
        round8(js_clamp(sf, S_MIN, S_MAX))
    }

    fn next_short_term_stability(&self, s: f64, g: f64) -> f64 {
        let sinc = pow(s, -self.w(19)) * exp(self.w(17) * (g - 3.0 + self.w(18)));
        let masked = if g >= Rating::Hard.grade() { js_max(sinc, 1.0) } else { sinc };
        round8(js_clamp(s * masked, S_MIN, S_MAX))
    }

    /// `next_state`: the difficulty and stability after grade `g`, `t` days
    /// after the last review, at retrievability `r` (computed when `None`).
    fn next_state(&self, d: f64, s: f64, t: f64, g: f64, r: Option<f64>) -> Result<(f64, f64), FsrsError> {
        if t < 0.0 {
            return Err(FsrsError::InvalidDeltaT { days: t });
        }
        if d == 0.0 && s == 0.0 {
            return Ok((js_clamp(self.init_difficulty(g), 1.0, 10.0), self.init_stability(g)));
        }
        if d < 1.0 || s < S_MIN {
            return Err(FsrsError::InvalidMemoryState { difficulty: d, stability: s });
        }
        let r = r.unwrap_or_else(|| self.forgetting_curve(t, s));
        let short_term = self.p.enable_short_term;
        let new_s = if t == 0.0 && short_term {
            self.next_short_term_stability(s, g)
        } else if g == Rating::Again.grade() {
            let after_fail = self.next_forget_stability(d, s, r);
            let (w17, w18) = if short_term { (self.w(17), self.w(18)) } else { (0.0, 0.0) };
            js_clamp(round8(s / exp(w17 * w18)), S_MIN, after_fail)
        } else {
            self.next_recall_stability(d, s, r, g)
        };
        Ok((self.next_difficulty(d, g), new_s))
    }
}

/// ts-fsrs's `dateDiffInDays`: UTC calendar days from `last` to `now`.
fn calendar_days(last: DateTime<Utc>, now: DateTime<Utc>) -> f64 {
    (now.date_naive() - last.date_naive()).num_days() as f64
}

/// `date_scheduler(now, t, true)`: `t` days later (or an invalid date).
fn after_days(now: DateTime<Utc>, t: f64) -> Result<DateTime<Utc>, FsrsError> {
    from_millis(millis(now) + t * 24.0 * 60.0 * 60.0 * 1e3).ok_or(FsrsError::InvalidDate)
}

/// `date_scheduler(now, t, false)`: `t` minutes later.
fn after_minutes(now: DateTime<Utc>, t: f64) -> Result<DateTime<Utc>, FsrsError> {
    from_millis(millis(now) + t * 60.0 * 1e3).ok_or(FsrsError::InvalidDate)
}

/// One review in progress: the card as ts-fsrs's `AbstractScheduler`
/// prepares it (`reps + 1`, last review now, elapsed days).
struct Review<'a> {
    model: Model<'a>,
    state: State,
    current: Card,
    now: DateTime<Utc>,
    elapsed: f64,
}

impl Review<'_> {
    /// `next_ds`: the card with the memory state after grade `g`.
    fn next_ds(&self, t: f64, g: Rating, r: Option<f64>) -> Result<Card, FsrsError> {
        let (d, s) =
            self.model.next_state(self.current.difficulty, self.current.stability, t, g.grade(), r)?;
        Ok(Card { difficulty: d, stability: s, ..self.current.clone() })
    }

    /// `BasicLearningStepsStrategy` for one grade: `(minutes, next step)`.
    fn step_for(&self, cur_step: f64, g: Rating) -> Result<Option<(f64, f64)>, FsrsError> {
        let relearning = matches!(self.state, State::Relearning | State::Review);
        let steps = if relearning { &self.model.p.relearning_steps } else { &self.model.p.learning_steps };
        let len = steps.len() as f64;
        if steps.is_empty() || cur_step >= len {
            return Ok(None);
        }
        // `learning_steps[index]`: nothing for a negative, fractional or
        // too-large index.
        let at = |i: f64| (i >= 0.0 && i < len && i.fract() == 0.0).then(|| steps[i as usize].as_f64());
        if self.state == State::Review {
            let minutes = at(js_max(0.0, cur_step)).ok_or(FsrsError::InvalidLearningStep(cur_step))?;
            return Ok((g == Rating::Again).then_some((minutes, 0.0)));
        }
        let first = steps[0].as_f64();
        Ok(match g {
            Rating::Again => Some((first, 0.0)),
            Rating::Hard => {
                let hard = if steps.len() == 1 {
                    js_round(first * 1.5)
                } else {
                    // ts-fsrs: Math.round((first + second) / 2), exact for minutes.
                    js_round(f64::midpoint(first, steps[1].as_f64()))
                };
                Some((hard, cur_step))
            }
            Rating::Good => at(cur_step + 1.0).filter(|&m| m != 0.0).map(|m| (js_round(m), cur_step + 1.0)),
            Rating::Easy => None,
        })
    }

    /// `applyLearningSteps`: a (re)learning step, or graduation to Review.
    fn apply_learning_steps(&self, next: &mut Card, g: Rating, to_state: State) -> Result<(), FsrsError> {
        let cur_step = or_zero(self.current.learning_steps);
        let step = self.step_for(cur_step, g)?;
        let minutes = js_max(0.0, step.map_or(0.0, |s| s.0));
        let next_step = js_max(0.0, step.map_or(0.0, |s| s.1));
        if minutes > 0.0 && minutes < 1440.0 {
            next.learning_steps = next_step;
            next.scheduled_days = 0.0;
            next.state = to_state;
            next.due = after_minutes(self.now, js_round(minutes))?;
        } else {
            next.state = State::Review;
            if minutes >= 1440.0 {
                next.learning_steps = next_step;
                next.due = after_minutes(self.now, js_round(minutes))?;
                next.scheduled_days = (minutes / 1440.0).floor();
            } else {
                next.learning_steps = 0.0;
                let interval = self.model.next_interval(next.stability);
                next.scheduled_days = interval;
                next.due = after_days(self.now, interval)?;
            }
        }
        Ok(())
    }

    /// The chosen card graduated to Review with `interval` days.
    fn graduate(&self, mut card: Card, interval: f64) -> Result<Card, FsrsError> {
        card.scheduled_days = interval;
        card.due = after_days(self.now, interval)?;
        card.state = State::Review;
        card.learning_steps = 0.0;
        Ok(card)
    }

    /// `BasicScheduler`: learning steps in minutes, then days.
    fn short_term(self, g: Rating) -> Result<Card, FsrsError> {
        match self.state {
            State::New | State::Learning | State::Relearning => {
                let to_state = if self.state == State::New { State::Learning } else { self.state };
                let mut next = self.next_ds(self.elapsed, g, None)?;
                self.apply_learning_steps(&mut next, g, to_state)?;
                Ok(next)
            }
            State::Review => {
                let t = self.elapsed;
                let r = self.model.forgetting_curve(t, self.current.stability);
                let [again, hard, good, easy] = Rating::ALL.map(|g| self.next_ds(t, g, Some(r)));
                let (mut again, hard, good, easy) = (again?, hard?, good?, easy?);
                // ts-fsrs prepares Again's relearning step whatever the answer.
                self.step_for(or_zero(self.current.learning_steps), Rating::Again)?;
                if g == Rating::Again {
                    self.apply_learning_steps(&mut again, Rating::Again, State::Relearning)?;
                    again.lapses += 1.0;
                    return Ok(again);
                }
                let m = &self.model;
                let good_ivl = m.next_interval(good.stability);
                let hard_ivl = js_min(m.next_interval(hard.stability), good_ivl);
                let good_ivl = js_max(good_ivl, hard_ivl + 1.0);
                let easy_ivl = js_max(m.next_interval(easy.stability), good_ivl + 1.0);
                match g {
                    Rating::Hard => self.graduate(hard, hard_ivl),
                    Rating::Good => self.graduate(good, good_ivl),
                    _ => self.graduate(easy, easy_ivl),
                }
            }
        }
    }

    /// `LongTermScheduler`: every answer is scheduled in whole days.
    fn long_term(mut self, g: Rating) -> Result<Card, FsrsError> {
        let (t, r) = if self.state == State::New {
            self.current.scheduled_days = 0.0;
            self.current.elapsed_days = 0.0;
            (0.0, None)
        } else {
            (self.elapsed, Some(self.model.forgetting_curve(self.elapsed, self.current.stability)))
        };
        let [again, hard, good, easy] = Rating::ALL.map(|g| self.next_ds(t, g, r));
        let (mut again, hard, good, easy) = (again?, hard?, good?, easy?);
        let m = &self.model;
        let hard_ivl = m.next_interval(hard.stability);
        let again_ivl = js_min(m.next_interval(again.stability), hard_ivl);
        let hard_ivl = js_max(hard_ivl, again_ivl + 1.0);
        let good_ivl = js_max(m.next_interval(good.stability), hard_ivl + 1.0);
        let easy_ivl = js_max(m.next_interval(easy.stability), good_ivl + 1.0);
        if self.state != State::New {
            again.lapses += 1.0;
        }
        match g {
            Rating::Again => self.graduate(again, again_ivl),
            Rating::Hard => self.graduate(hard, hard_ivl),
            Rating::Good => self.graduate(good, good_ivl),
            Rating::Easy => self.graduate(easy, easy_ivl),
        }
    }
}

/// ts-fsrs's `scheduler.next(card, now, rating).card`: the card after
/// answering `rating` at `now`.
pub fn next(params: &Parameters, card: &Card, now: DateTime<Utc>, rating: Rating) -> Result<Card, FsrsError> {
    let model = Model::new(params)?;
    let elapsed = match card.last_review {
        Some(last) if card.state != State::New => calendar_days(last, now),
        _ => 0.0,
    };
    let mut current = card.clone();
    current.last_review = Some(now);
    current.elapsed_days = elapsed;
    current.reps += 1.0;
    let review = Review { model, state: card.state, current, now, elapsed };
    if params.enable_short_term { review.short_term(rating) } else { review.long_term(rating) }
}

/// ts-fsrs's `get_retrievability(card, now, false)`: the probability of
/// recall now (0 for a new card), from whole 24-hour days since the last
/// review.
pub fn retrievability(params: &Parameters, card: &Card, now: DateTime<Utc>) -> Result<f64, FsrsError> {
    if card.state == State::New {
        return Ok(0.0);
    }
    let model = Model::new(params)?;
    let last = card.last_review.ok_or(FsrsError::NoLastReview)?;
    let t = js_max(((millis(now) - millis(last)) / 86_400_000.0).floor(), 0.0);
    Ok(model.forgetting_curve(t, js_to_fixed(card.stability, 8)))
}
