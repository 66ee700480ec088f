//! What `recall optimize` prints: the JSON object and the text (pure).

use std::fmt::Write as _;

use serde::Serialize;

use super::{Fit, Metrics, OWN_WEIGHTS_NOTE, weights_line};

/// `recall optimize --json`: exactly these fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Cards whose history was used.
    pub cards: usize,
    /// Answers in those histories.
    pub reviews: usize,
    /// The fitted weights.
    pub parameters: [f64; 21],
    pub default: Metrics,
    pub fitted: Metrics,
}

impl Report {
    /// The report of `fit` over `cards` cards and `reviews` answers.
    #[must_use]
    pub fn new(cards: usize, reviews: usize, fit: &Fit) -> Report {
        Report { cards, reviews, parameters: fit.parameters, default: fit.default, fitted: fit.fitted }
    }
}

/// What the text report says besides the fit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// Training items (answers on a later day than the card's previous one).
    pub predicted: usize,
    /// Cards left out because they were scheduled before the log began,
    /// and their answers.
    pub started_before_log: (usize, usize),
    /// Unreadable lines of the log (warned about on stderr).
    pub bad_lines: usize,
    /// The vault schedules flashcards with SM-2 (`algorithm`).
    pub sm2_vault: bool,
    /// What `--apply` did.
    pub apply: Apply,
}

/// The outcome of `--apply`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Apply {
    /// Not asked for.
    #[default]
    No,
    /// Written to this file.
    Written(String),
    /// Not written: the fitted weights predict no better than the defaults.
    NotBetter,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The text report.
#[must_use]
pub fn text(r: &Report, c: &Context) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Fitted FSRS-6 weights to {} and {} from the review log;",
        plural(r.cards, "card", "cards"),
        plural(r.reviews, "review", "reviews"),
    );
    let _ = writeln!(
        out,
        "{} came on a later day than the card's previous one (those are what FSRS predicts).",
        plural(c.predicted, "review", "reviews")
    );
    let (left_cards, left_answers) = c.started_before_log;
    if left_cards > 0 {
        let _ = writeln!(
            out,
            "Left out: {} ({}) already scheduled when the log began; FSRS needs a card's history from its first answer.",
            plural(left_cards, "card", "cards"),
            plural(left_answers, "review", "reviews"),
        );
    }
    if c.bad_lines > 0 {
        let _ = writeln!(
            out,
            "Left out: {} of the log that could not be read.",
            plural(c.bad_lines, "line", "lines")
        );
    }
    if c.sm2_vault {
        let _ = writeln!(
            out,
            "This vault schedules with SM-2 (algorithm SM-2-OSR). The fit uses only the answers and their days, which mean\nthe same whatever scheduled them; the weights take effect once the plugin's algorithm is FSRS."
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", weights_line(&r.parameters));
    let _ = writeln!(out);
    let _ = writeln!(out, "How well they predict this history (lower is better):");
    let _ = writeln!(out, "  {:<28} {:>9} {:>12}", "", "log loss", "RMSE (bins)");
    for (label, m) in [("plugin's default weights", &r.default), ("fitted to your reviews", &r.fitted)] {
        let _ = writeln!(out, "  {label:<28} {:>9.4} {:>12.4}", m.log_loss, m.rmse);
    }
    let better = r.fitted.log_loss < r.default.log_loss;
    let _ = writeln!(out);
    match &c.apply {
        Apply::No if better => {
            let _ = writeln!(
                out,
                "To schedule with them: recall optimize --apply (writes the line above to .recall/config.yaml)."
            );
        }
        Apply::No | Apply::NotBetter => {
            let _ = writeln!(
                out,
                "The fitted weights predict your history no better than the defaults: keep the defaults{}.",
                if c.apply == Apply::NotBetter { "; nothing was written" } else { "" }
            );
        }
        Apply::Written(path) => {
            let _ = writeln!(out, "Wrote fsrs-weights to {path}.");
            let _ = writeln!(out, "{}", wrap(OWN_WEIGHTS_NOTE, 100));
        }
    }
    out
}

/// `s` wrapped at spaces to lines of at most `width` characters.
#[must_use]
pub fn wrap(s: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in s.split(' ') {
        if line > 0 && line + 1 + word.len() > width {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::fsrs::DEFAULT_WEIGHTS;

    fn report() -> Report {
        let mut parameters = DEFAULT_WEIGHTS;
        parameters[0] = 0.5;
        Report {
            cards: 12,
            reviews: 80,
            parameters,
            default: Metrics { log_loss: 0.41234, rmse: 0.0812 },
            fitted: Metrics { log_loss: 0.38, rmse: 0.02 },
        }
    }

    #[test]
    fn json_has_exactly_the_documented_fields() {
        let v = serde_json::to_value(report()).expect("json");
        let mut keys: Vec<&String> = v.as_object().expect("object").keys().collect();
        keys.sort();
        assert_eq!(keys, ["cards", "default", "fitted", "parameters", "reviews"]);
        assert_eq!(v["parameters"].as_array().map(Vec::len), Some(21));
        assert_eq!(v["parameters"][0], 0.5);
        assert_eq!(v["parameters"][1], 1.2931);
        assert_eq!(v["default"], serde_json::json!({"log_loss": 0.41234, "rmse": 0.0812}));
    }

    #[test]
    fn text_report() {
        let c = Context { predicted: 60, started_before_log: (3, 9), bad_lines: 1, ..Context::default() };
        let t = text(&report(), &c);
        assert_eq!(
            t,
            "Fitted FSRS-6 weights to 12 cards and 80 reviews from the review log;
60 reviews came on a later day than the card's previous one (those are what FSRS predicts).
Left out: 3 cards (9 reviews) already scheduled when the log began; FSRS needs a card's history from its first answer.
Left out: 1 line of the log that could not be read.

fsrs-weights: [0.5, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334, 3.0194, 0.001, 1.8722, 0.1666, 0.796, 1.4835, 0.0614, 0.2629, 1.6483, 0.6014, 1.8729, 0.5425, 0.0912, 0.0658, 0.1542]

How well they predict this history (lower is better):
                                log loss  RMSE (bins)
  plugin's default weights        0.4123       0.0812
  fitted to your reviews          0.3800       0.0200

To schedule with them: recall optimize --apply (writes the line above to .recall/config.yaml).
"
        );
    }

    #[test]
    fn text_after_apply_and_for_sm2_vaults() {
        let c = Context {
            sm2_vault: true,
            apply: Apply::Written(".recall/config.yaml".into()),
            ..Context::default()
        };
        let t = text(&report(), &c);
        assert!(t.contains("This vault schedules with SM-2 (algorithm SM-2-OSR)."), "{t}");
        assert!(t.contains("Wrote fsrs-weights to .recall/config.yaml.\nrecall now schedules FSRS cards with your own weights"), "{t}");
        assert!(
            t.lines().filter(|l| !l.starts_with("fsrs-weights:")).all(|l| l.chars().count() <= 120),
            "{t}"
        );
        let mut worse = report();
        worse.fitted.log_loss = 0.5;
        let t = text(&worse, &Context { apply: Apply::NotBetter, ..Context::default() });
        assert!(t.ends_with("no better than the defaults: keep the defaults; nothing was written.\n"), "{t}");
    }

    #[test]
    fn wrap_breaks_at_spaces() {
        assert_eq!(wrap("aa bb cc dd", 5), "aa bb\ncc dd");
        assert_eq!(wrap("toolongword x", 4), "toolongword\nx");
    }
}
