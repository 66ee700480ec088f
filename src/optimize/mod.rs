//! `recall optimize`'s core: FSRS-6 weights fitted to the user's own review
//! log with the `fsrs` crate (the optimizer Anki uses), and how well the
//! default and the fitted weights predict that history.
//!
//! [`history`] turns the log into the crate's training items (pure);
//! [`fit`] runs the crate's `compute_parameters` and `evaluate` on them;
//! [`report`] draws the result; [`config_edit`] writes `fsrs-weights` into
//! `.recall/config.yaml` with a minimal edit of its text.
//!
//! The fit is deterministic: the crate's training is single-threaded (its
//! thread pool is only used by functions recall does not call), shuffles its
//! batches with a generator seeded from [`FIT_SEED`], and groups items in
//! ordered maps; the items themselves come in a fixed order (time, then card).
//! The one exception is the crate's RMSE, which sums its bins in hash-map
//! order: it can differ between two runs in its last bits. (The crate reads
//! the `FSRS_NO_OUTLIER` variable, which turns its outlier filter off.)

pub mod config_edit;
pub mod history;
pub mod report;

use std::sync::{Arc, Mutex};

use fsrs::{CombinedProgressState, ComputeParametersInput, FSRS, FSRSError, FSRSItem, TrainingConfig};
use serde::Serialize;

use history::Dataset;

pub use config_edit::{set_fsrs_weights, weights_line};

/// The fewest training items the crate fits all 21 weights from (with
/// fewer, it fits only the four initial stabilities, and with fewer than 8
/// none).
pub const MIN_REVIEWS: usize = 64;

/// The seed of the crate's batch shuffling (its own default, named here so
/// the fit does not change if the crate's default does).
pub const FIT_SEED: u64 = 2023;

/// What recall tells the user once their own weights are in use (`recall
/// optimize --help`, `recall stats` and the README say the same).
pub const OWN_WEIGHTS_NOTE: &str = "recall now schedules FSRS cards with your own weights \
(fsrs-weights in .recall/config.yaml) while Obsidian's plugin keeps its default weights, so \
the two give different dates for the same answer; delete the fsrs-weights line to return to \
the plugin's schedule.";

/// How well weights predict a history: the crate's evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Metrics {
    /// Log loss (binary cross-entropy) of the predicted recall, weighted
    /// towards recent answers as the crate weights them.
    pub log_loss: f64,
    /// Root mean square error between predicted and actual recall over
    /// bins of similar reviews (interval, review count, lapses).
    pub rmse: f64,
}

/// The outcome of a fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fit {
    pub parameters: [f64; 21],
    pub default: Metrics,
    pub fitted: Metrics,
}

impl Fit {
    /// True when the fitted weights predict the history better (lower log
    /// loss) than the defaults.
    #[must_use]
    pub fn improves(&self) -> bool {
        self.fitted.log_loss < self.default.log_loss
    }
}

/// Why there is no fit.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum OptimizeError {
    /// Fewer training items than the crate needs.
    #[error(
        "too little review history to fit FSRS: {usable} usable review(s), {needed} needed ({} more){}",
        needed - usable,
        if *set_aside > 0 { format!("; the optimizer set aside {set_aside} with unusual first intervals") } else { String::new() }
    )]
    TooLittle { usable: usize, needed: usize, set_aside: usize },
    /// Every card has been answered on at most two different days: the
    /// crate can then fit only the initial stabilities.
    #[error("too little review history to fit FSRS: no card has been answered on three different days yet")]
    NoLongHistory,
    /// The crate failed.
    #[error("the FSRS optimizer failed: {0}")]
    Fsrs(FSRSError),
}

impl From<FSRSError> for OptimizeError {
    fn from(e: FSRSError) -> Self {
        OptimizeError::Fsrs(e)
    }
}

/// Checks that `dataset` is enough for the crate to fit all 21 weights,
/// with the crate's own outlier filter (which sets aside first intervals
/// that few cards share).
pub fn check_enough(dataset: &Dataset) -> Result<(), OptimizeError> {
    let usable_before_filter = dataset.items.len();
    if usable_before_filter < MIN_REVIEWS {
        return Err(OptimizeError::TooLittle {
            usable: usable_before_filter,
            needed: MIN_REVIEWS,
            set_aside: 0,
        });
    }
    let first: Vec<FSRSItem> =
        dataset.items.iter().filter(|i| i.long_term_review_cnt() == 1).cloned().collect();
    let (first, train) = fsrs::filter_outlier(first, dataset.items.clone());
    if train.len() < MIN_REVIEWS {
        return Err(OptimizeError::TooLittle {
            usable: train.len(),
            needed: MIN_REVIEWS,
            set_aside: usable_before_filter - train.len(),
        });
    }
    if train.len() == first.len() {
        return Err(OptimizeError::NoLongHistory);
    }
    Ok(())
}

/// The crate's progress, shared with a thread that draws it.
pub type Progress = Arc<Mutex<CombinedProgressState>>;

/// Fits FSRS-6 weights to `dataset` (after [`check_enough`]) and evaluates
/// the default and the fitted weights on it. `progress` is updated as the
/// crate trains.
pub fn fit(dataset: &Dataset, progress: Option<Progress>) -> Result<Fit, OptimizeError> {
    check_enough(dataset)?;
    let input = ComputeParametersInput {
        train_set: dataset.items.clone(),
        card_ids: Some(dataset.card_ids.clone()),
        progress,
        // The plugin schedules with short-term (same-day) steps and one
        // relearning step.
        enable_short_term: true,
        num_relearning_steps: Some(1),
        training_config: Some(TrainingConfig { seed: FIT_SEED, ..TrainingConfig::default() }),
    };
    let fitted = fsrs::compute_parameters(input)?;
    let parameters = widen(&fitted).ok_or(OptimizeError::Fsrs(FSRSError::InvalidParameters))?;
    let default = evaluate(&dataset.items, &dataset.card_ids, &crate::schedule::fsrs::DEFAULT_WEIGHTS)?;
    let fitted = evaluate(&dataset.items, &dataset.card_ids, &parameters)?;
    Ok(Fit { parameters, default, fitted })
}

/// How well `weights` predict `items` (the crate's evaluation; `card_ids`
/// aligned with `items`).
pub fn evaluate(items: &[FSRSItem], card_ids: &[i64], weights: &[f64; 21]) -> Result<Metrics, OptimizeError> {
    let w: Vec<f32> = weights.iter().map(|&x| x as f32).collect();
    let model = FSRS::new(&w)?;
    let e = model.evaluate_with_card_ids(items.to_vec(), card_ids.to_vec(), |_| true)?;
    Ok(Metrics { log_loss: widen_one(e.log_loss), rmse: widen_one(e.rmse_bins) })
}

/// An `f32` as the `f64` with the same shortest decimal form (`0.212f32`
/// becomes `0.212`, not `0.21199999749660492`), so weights read the same in
/// the config file, the JSON and the crate.
fn widen_one(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(f64::from(x))
}

/// The crate's 21 weights as `f64`s ([`widen_one`]); `None` unless there
/// are 21 finite ones.
fn widen(w: &[f32]) -> Option<[f64; 21]> {
    let w: [f32; 21] = w.try_into().ok()?;
    w.iter().all(|x| x.is_finite()).then(|| w.map(widen_one))
}

#[cfg(test)]
mod tests;
