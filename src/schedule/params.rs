//! The FSRS parameters recall schedules with: the plugin's, with the user's
//! own fitted weights when `.recall/config.yaml` sets `fsrs-weights`
//! (written by `recall optimize --apply`). Pure.

use crate::schedule::fsrs::Parameters;
use crate::settings::{RecallConfig, Settings};

/// The parameters of every FSRS answer, button interval and retrievability:
/// [`Parameters::plugin`] with `fsrsDesiredRetention` and `maximumInterval`,
/// and the weights replaced by `fsrs-weights` when it is set (clipped to
/// ts-fsrs's bounds, as ts-fsrs clips weights it is given). Settings
/// loading has checked there are exactly 21 finite numbers; any other
/// value set here by hand is ignored. Without the key this is exactly the
/// plugin's schedule.
#[must_use]
pub fn fsrs_parameters(settings: &Settings, recall: &RecallConfig) -> Parameters {
    let plugin = Parameters::plugin(settings.fsrs_desired_retention, settings.maximum_interval);
    let own = recall.fsrs_weights.as_deref().and_then(|w| <[f64; 21]>::try_from(w).ok());
    match own {
        Some(w) if w.iter().all(|x| x.is_finite()) => plugin.with_weights(w),
        _ => plugin,
    }
}

#[cfg(test)]
mod tests {
    // The scheduler's values are exact (ts-fsrs's, bit for bit).
    #![expect(clippy::float_cmp, reason = "weights are read back exactly as written")]

    use chrono::{DateTime, Duration, Utc};

    use super::*;
    use crate::schedule::fsrs::{DEFAULT_WEIGHTS, FsrsSegment, Rating, empty_card, next};

    /// A learner's weights unlike the defaults.
    const OWN: [f64; 21] = [
        0.6, 2.1, 4.2, 14.0, 5.8, 0.6, 2.2, 0.03, 1.5, 0.25, 1.1, 1.7, 0.09, 0.35, 1.2, 0.4, 2.4, 0.4, 0.2,
        0.1, 0.28,
    ];

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).expect("RFC 3339").with_timezone(&Utc)
    }

    /// A new card answered Good, Good 10 minutes later, then Good again
    /// after its interval: the segment written last.
    fn three_goods(p: &Parameters) -> String {
        let mut now = at("2024-01-05T09:00:00Z");
        let mut card = empty_card(now);
        for wait in [Duration::zero(), Duration::minutes(10)] {
            now += wait;
            card = next(p, &card, now, Rating::Good).expect("schedulable");
        }
        now += Duration::days(card.scheduled_days as i64);
        card = next(p, &card, now, Rating::Good).expect("schedulable");
        FsrsSegment::from_card(&card).format()
    }

    fn with(weights: Option<Vec<f64>>) -> Parameters {
        let recall = RecallConfig { fsrs_weights: weights, ..RecallConfig::default() };
        fsrs_parameters(&Settings::default(), &recall)
    }

    #[test]
    fn without_the_key_it_is_the_plugins_schedule() {
        let p = with(None);
        assert_eq!(p, Parameters::plugin(0.9, 36525.0));
        assert_eq!(p.w, DEFAULT_WEIGHTS);
        assert_eq!(
            three_goods(&p),
            "!fsrs,2024-01-18T09:10:00.000Z,11,10.97104786,2.1043314,2,3,0,0,2024-01-07T09:10:00.000Z"
        );
    }

    #[test]
    fn own_weights_change_the_answers() {
        let p = with(Some(OWN.to_vec()));
        assert_eq!(p.w, OWN);
        assert_eq!((p.request_retention, p.maximum_interval), (0.9, 36525.0));
        assert_eq!(
            three_goods(&p),
            "!fsrs,2024-01-24T09:10:00.000Z,15,15.35726873,3.31856782,2,3,0,0,2024-01-09T09:10:00.000Z"
        );
        // The optimizer's own model (the fsrs crate, in f32) agrees on the
        // memory after Good, Good the same day, Good 4 days later.
        let w: Vec<f32> = OWN.iter().map(|&x| x as f32).collect();
        let item = fsrs::FSRSItem {
            reviews: [(3, 0), (3, 0), (3, 4)]
                .map(|(rating, delta_t)| fsrs::FSRSReview { rating, delta_t })
                .to_vec(),
        };
        let m = fsrs::FSRS::new(&w).expect("weights").memory_state(item, None).expect("state");
        assert!((f64::from(m.stability) - 15.357_268_73).abs() < 1e-3, "{m:?}");
        assert!((f64::from(m.difficulty) - 3.318_567_82).abs() < 1e-3, "{m:?}");
    }

    #[test]
    fn weights_out_of_bounds_are_clipped_and_a_wrong_count_is_ignored() {
        let mut w = OWN;
        w[4] = 20.0;
        assert_eq!(with(Some(w.to_vec())).w[4], 10.0);
        assert_eq!(with(Some(vec![1.0; 19])).w, DEFAULT_WEIGHTS);
        let mut nan = OWN.to_vec();
        nan[0] = f64::NAN;
        assert_eq!(with(Some(nan)).w, DEFAULT_WEIGHTS);
    }
}
