//! The one table of every settings key recall reads, with what each key
//! holds, and the checks that turn a wrong value into a message in plain
//! words (pure; no I/O).
//!
//! Every value is checked against its key's [`Kind`] before the settings are
//! deserialised, so a wrong type, a value out of range and an unknown enum
//! value all read alike: `baseEase should be a number from 130 up, not -5`.
//! Keys recall does not know get a "did you mean" from [`closest`].

use serde_json::Value;

/// What a key holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// `true` or `false`.
    Bool,
    /// A number within `min` and `max`.
    Number { min: Bound, max: Bound },
    /// A whole number from `min` up, at most `max` when given.
    Integer { min: i64, max: Option<i64> },
    /// Any string; `example` is shown in messages.
    Text { example: &'static str },
    /// A time of day, `HH:MM:SS`.
    Time,
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// A list of tags (`["#flashcards"]`).
    Tags,
    /// A list of strings; `example` is shown in messages.
    Strings { example: &'static str },
    /// A list of cloze patterns (`["==[123;;]answer[;;hint]=="]`).
    Patterns,
    /// A mapping of plugin settings (`.recall/config.yaml`'s `plugin:`).
    Map,
    /// A list of finite numbers, `count` of them (`fsrs-weights`; the count
    /// is checked after reading, with the fix in its message).
    Numbers { count: usize },
}

/// One end of a number's range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// No limit on this side.
    Open,
    /// This value is allowed.
    Incl(f64),
    /// Only values beyond this one are allowed.
    Excl(f64),
}

/// One settings key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Key {
    /// The key as written in the file (`baseEase`, `new-per-day`).
    pub name: &'static str,
    pub kind: Kind,
}

const fn key(name: &'static str, kind: Kind) -> Key {
    Key { name, kind }
}

const BOOL: Kind = Kind::Bool;
const TAGS: Kind = Kind::Tags;

/// The values of `flashcardCardOrder` (the plugin's names).
pub const CARD_ORDERS: &[&str] = &[
    "NewFirstSequential",
    "NewFirstRandom",
    "DueFirstSequential",
    "DueFirstRandom",
    "EveryCardRandomDeckAndCard",
];
/// The values of `flashcardDeckOrder`.
pub const DECK_ORDERS: &[&str] = &["PrevDeckComplete_Sequential", "PrevDeckComplete_Random"];
/// The values of `algorithm`.
pub const ALGORITHMS: &[&str] = &["SM-2-OSR", "FSRS"];
/// The values of `.recall/config.yaml`'s `order` (the review's `--order`).
pub const REVIEW_ORDERS: &[&str] =
    &["new-first", "new-first-random", "due-first", "due-first-random", "random"];

/// Every key of the plugin's `data.json` that recall reads, the booleans
/// and legacy key of the plugin's upgrade step included.
pub const PLUGIN_KEYS: &[Key] = &[
    key("flashcardTags", TAGS),
    key("flashcardTagsToIgnore", TAGS),
    key("convertFoldersToDecks", BOOL),
    key("burySiblingCards", BOOL),
    key("flashcardCardOrder", Kind::Enum(CARD_ORDERS)),
    key("flashcardDeckOrder", Kind::Enum(DECK_ORDERS)),
    key("randomizeCardOrder", BOOL),
    key("convertHighlightsToClozes", BOOL),
    key("convertBoldTextToClozes", BOOL),
    key("convertCurlyBracketsToClozes", BOOL),
    key("clozePatterns", Kind::Patterns),
    key("singleLineCardSeparator", Kind::Text { example: "::" }),
    key("singleLineReversedCardSeparator", Kind::Text { example: ":::" }),
    key("multilineCardSeparator", Kind::Text { example: "?" }),
    key("multilineReversedCardSeparator", Kind::Text { example: "??" }),
    key("multilineCardEndMarker", Kind::Text { example: "" }),
    key("tagsToReview", TAGS),
    key("noteTagsToIgnore", TAGS),
    key("noteFoldersToIgnore", Kind::Strings { example: r#"["Templates", "**/*.excalidraw.md"]"# }),
    key("showContextInCards", BOOL),
    key("useCalloutsForSchedulingComments", BOOL),
    key("algorithm", Kind::Enum(ALGORITHMS)),
    key("baseEase", Kind::Number { min: Bound::Incl(130.0), max: Bound::Open }),
    key("lapsesIntervalChange", Kind::Number { min: Bound::Excl(0.0), max: Bound::Incl(1.0) }),
    key("easyBonus", Kind::Number { min: Bound::Incl(1.0), max: Bound::Open }),
    key("loadBalance", BOOL),
    key("maximumInterval", Kind::Number { min: Bound::Incl(1.0), max: Bound::Open }),
    key("fsrsDesiredRetention", Kind::Number { min: Bound::Excl(0.0), max: Bound::Excl(1.0) }),
    key("maxLinkFactor", Kind::Number { min: Bound::Incl(0.0), max: Bound::Open }),
    key("cardCommentOnSameLine", BOOL),
    key("startOfDay", Kind::Time),
];

/// The keys of `.recall/config.yaml`.
pub const RECALL_KEYS: &[Key] = &[
    key("new-per-day", Kind::Integer { min: 0, max: None }),
    key("reviews-per-day", Kind::Integer { min: 0, max: None }),
    key("order", Kind::Enum(REVIEW_ORDERS)),
    key("reading-width", Kind::Integer { min: super::MIN_READING_WIDTH as i64, max: Some(u16::MAX as i64) }),
    key("plugin", Kind::Map),
    key("fsrs-weights", Kind::Numbers { count: super::FSRS_WEIGHT_COUNT }),
];

/// Keys of the plugin's settings (spec §f) that recall does not read: they
/// only change Obsidian's screens, so an override of one has no effect.
pub const PLUGIN_ONLY_KEYS: &[&str] = &[
    "convertClozePatternsToInputs",
    "editLaterTag",
    "enableReviewReminders",
    "reviewReminderIntervalMinutes",
    "reviewReminderCheckOnStartup",
    "reviewReminderMessage",
    "reviewReminderAutoOpen",
    "reviewReminderShowNotice",
    "reviewReminderPlaySound",
    "reviewReminderBounceDock",
    "enableNoteReviewPaneOnStartup",
    "openRandomNote",
    "autoNextNote",
    "disableFileMenuReviewOptions",
    "showFileMenuReviewOptions",
    "deleteTagsOnSchedulingDataDeletion",
    "maxNDaysNotesReviewQueue",
    "showRibbonIcon",
    "showStatusBar",
    "showCardStatusBarItem",
    "showNoteStatusBarItem",
    "showUpdateAvailableStatusBarItem",
    "initiallyExpandAllSubdecksInTree",
    "showIntervalInReviewButtons",
    "flashcardHeightPercentage",
    "flashcardWidthPercentage",
    "flashcardHeightPercentageMobile",
    "flashcardWidthPercentageMobile",
    "flashcardAgainText",
    "flashcardEasyText",
    "flashcardGoodText",
    "flashcardHardText",
    "reviewButtonDelay",
    "showDeleteButtonInCardView",
    "showDeleteButtonInFileMenu",
    "openViewInNewTab",
    "openViewInNewTabMobile",
    "useCustomHotkeys",
    "dataStore",
    "scheduleDataVaultLocation",
    "showSchedulingDebugMessages",
    "showParserDebugMessages",
    "preferredDateFormatForNoteReviewQueue",
    "preferredLocale",
];

/// The key named `name` in `keys`.
#[must_use]
pub fn find(keys: &[Key], name: &str) -> Option<Key> {
    keys.iter().find(|k| k.name == name).copied()
}

/// Checks `value` against `key`: `Err` holds the whole message
/// (`flashcardTags should be a list of tags such as ["#flashcards"], not a string`).
pub fn check(key: &Key, value: &Value) -> Result<(), String> {
    if fits(key.kind, value) {
        Ok(())
    } else {
        Err(format!("{} should be {}, not {}", key.name, expected(key.kind), found(key.kind, value)))
    }
}

fn fits(kind: Kind, v: &Value) -> bool {
    let strings = |v: &Value| v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
    match kind {
        Kind::Bool => v.is_boolean(),
        Kind::Number { min, max } => v.as_f64().is_some_and(|x| {
            x.is_finite()
                && match min {
                    Bound::Open => true,
                    Bound::Incl(m) => x >= m,
                    Bound::Excl(m) => x > m,
                }
                && match max {
                    Bound::Open => true,
                    Bound::Incl(m) => x <= m,
                    Bound::Excl(m) => x < m,
                }
        }),
        Kind::Integer { min, max } => {
            v.as_i64().is_some_and(|n| n >= min && max.is_none_or(|m| n <= m))
                || (min <= 0 && max.is_none() && v.as_u64().is_some())
        }
        Kind::Text { .. } => v.is_string(),
        Kind::Time => v.as_str().is_some_and(is_time),
        Kind::Enum(values) => v.as_str().is_some_and(|s| values.contains(&s)),
        Kind::Tags | Kind::Strings { .. } | Kind::Patterns => strings(v),
        Kind::Map => v.is_object() || v.is_null(),
        Kind::Numbers { .. } => {
            v.as_array().is_some_and(|a| a.iter().all(|x| x.as_f64().is_some_and(f64::is_finite)))
        }
    }
}

/// `HH:MM:SS` (one or two digits each) naming a time of day.
fn is_time(s: &str) -> bool {
    let parts: Vec<&str> = s.split(':').collect();
    let [h, m, sec] = parts[..] else { return false };
    let num = |p: &str, max: u32| {
        (1..=2).contains(&p.len())
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| n <= max)
    };
    num(h, 23) && num(m, 59) && num(sec, 59)
}

fn number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 { format!("{}", x as i64) } else { format!("{x}") }
}

/// What a key of `kind` should hold, in words.
#[must_use]
pub fn expected(kind: Kind) -> String {
    match kind {
        Kind::Bool => "true or false".into(),
        Kind::Number { min, max } => {
            let lo = match min {
                Bound::Open => None,
                Bound::Incl(m) => Some(format!("from {}", number(m))),
                Bound::Excl(m) => Some(format!("above {}", number(m))),
            };
            let hi = match max {
                Bound::Open => None,
                Bound::Incl(m) => Some(format!("at most {}", number(m))),
                Bound::Excl(m) => Some(format!("below {}", number(m))),
            };
            match (lo, hi) {
                (Some(lo), None) if lo.starts_with("from") => format!("a number {lo} up"),
                (Some(lo), None) => format!("a number {lo}"),
                (None, Some(hi)) => format!("a number {hi}"),
                (Some(lo), Some(hi)) => format!("a number {lo} and {hi}"),
                (None, None) => "a number".into(),
            }
        }
        Kind::Integer { min, max: Some(max) } => format!("a whole number from {min} to {max}"),
        Kind::Integer { min, max: None } => format!("a whole number from {min} up"),
        Kind::Text { example } => format!("a string such as {}", quoted(example)),
        Kind::Time => r#"a time of day HH:MM:SS such as "04:00:00""#.into(),
        Kind::Enum(values) => {
            let list: Vec<String> = values.iter().map(|v| quoted(v)).collect();
            format!("one of {}", list.join(", "))
        }
        Kind::Tags => r##"a list of tags such as ["#flashcards"]"##.into(),
        Kind::Strings { example } => format!("a list of strings such as {example}"),
        Kind::Patterns => r#"a list of cloze patterns such as ["==[123;;]answer[;;hint]=="]"#.into(),
        Kind::Map => "a mapping of plugin settings such as {baseEase: 250}".into(),
        Kind::Numbers { count } => format!(
            "a list of exactly {count} numbers (run `recall optimize --apply` to write them, or delete the key to use the plugin's weights)"
        ),
    }
}

/// A string as JSON writes it, cut when long.
fn quoted(s: &str) -> String {
    let cut: String = s.chars().take(40).collect();
    let cut = if cut.len() < s.len() { format!("{cut}…") } else { cut };
    serde_json::to_string(&cut).unwrap_or_else(|_| format!("\"{cut}\""))
}

/// What a value is, in words: the value itself where the kind is right but
/// the value is not (`-5`, `"sideways"`), else its type (`a string`).
fn found(kind: Kind, v: &Value) -> String {
    let same_type = match kind {
        Kind::Number { .. } | Kind::Integer { .. } => v.is_number(),
        Kind::Time | Kind::Enum(_) => v.is_string(),
        _ => false,
    };
    match v {
        Value::Null => "null (empty)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) if same_type => n.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if same_type => quoted(s),
        Value::String(_) => "a string".into(),
        Value::Array(a) if matches!(kind, Kind::Numbers { .. }) => match a.iter().find(|x| !x.is_number()) {
            Some(x) => format!("a list holding {}", found(Kind::Bool, x).trim_start_matches("the number ")),
            None => format!("a list of {} numbers", a.len()),
        },
        Value::Array(a) => match a.iter().find(|x| !x.is_string()) {
            Some(x) => format!("a list holding {}", found(Kind::Bool, x).trim_start_matches("the number ")),
            None => "a list".into(),
        },
        Value::Object(_) => "a mapping".into(),
    }
}

/// The known key closest to `name` (same letters in another case, or a
/// small typo), for "did you mean".
#[must_use]
pub fn closest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).clamp(1, 3);
    known
        .into_iter()
        .map(|k| (distance(&lower, &k.to_lowercase()), k))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// Levenshtein distance by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn msg(name: &str, v: &Value) -> Option<String> {
        let k = find(PLUGIN_KEYS, name).or_else(|| find(RECALL_KEYS, name)).expect("a known key");
        check(&k, v).err()
    }

    #[test]
    fn messages_name_the_key_and_say_what_was_expected() {
        assert_eq!(
            msg("flashcardTags", &json!("#flashcards")).as_deref(),
            Some(r##"flashcardTags should be a list of tags such as ["#flashcards"], not a string"##)
        );
        assert_eq!(
            msg("baseEase", &json!(-5)).as_deref(),
            Some("baseEase should be a number from 130 up, not -5")
        );
        assert_eq!(
            msg("baseEase", &json!("250")).as_deref(),
            Some("baseEase should be a number from 130 up, not a string")
        );
        assert_eq!(
            msg("fsrsDesiredRetention", &json!(1)).as_deref(),
            Some("fsrsDesiredRetention should be a number above 0 and below 1, not 1")
        );
        assert_eq!(
            msg("lapsesIntervalChange", &json!(0)).as_deref(),
            Some("lapsesIntervalChange should be a number above 0 and at most 1, not 0")
        );
        assert_eq!(
            msg("algorithm", &json!("sm2")).as_deref(),
            Some(r#"algorithm should be one of "SM-2-OSR", "FSRS", not "sm2""#)
        );
        assert_eq!(
            msg("new-per-day", &json!(-1)).as_deref(),
            Some("new-per-day should be a whole number from 0 up, not -1")
        );
        assert_eq!(
            msg("new-per-day", &json!(1.5)).as_deref(),
            Some("new-per-day should be a whole number from 0 up, not 1.5")
        );
        assert_eq!(
            msg("reading-width", &json!(5)).as_deref(),
            Some("reading-width should be a whole number from 20 to 65535, not 5")
        );
        assert_eq!(
            msg("startOfDay", &json!("4am")).as_deref(),
            Some(r#"startOfDay should be a time of day HH:MM:SS such as "04:00:00", not "4am""#)
        );
        assert_eq!(
            msg("clozePatterns", &json!(["==x==", 3])).as_deref(),
            Some(
                r#"clozePatterns should be a list of cloze patterns such as ["==[123;;]answer[;;hint]=="], not a list holding 3"#
            )
        );
        assert_eq!(
            msg("loadBalance", &json!("yes")).as_deref(),
            Some("loadBalance should be true or false, not a string")
        );
        assert_eq!(
            msg("maximumInterval", &json!(0)).as_deref(),
            Some("maximumInterval should be a number from 1 up, not 0")
        );
        assert_eq!(
            msg("easyBonus", &json!(0.5)).as_deref(),
            Some("easyBonus should be a number from 1 up, not 0.5")
        );
    }

    #[test]
    fn good_values_pass() {
        for (name, v) in [
            ("baseEase", json!(130)),
            ("fsrsDesiredRetention", json!(0.9)),
            ("lapsesIntervalChange", json!(1)),
            ("startOfDay", json!("04:01:01")),
            ("startOfDay", json!("0:00:00")),
            ("flashcardTags", json!([])),
            ("order", json!("due-first")),
            ("new-per-day", json!(0)),
            ("reading-width", json!(20)),
            ("plugin", json!({"baseEase": 1})),
        ] {
            assert_eq!(msg(name, &v), None, "{name}: {v}");
        }
        assert!(msg("startOfDay", &json!("24:00:00")).is_some());
        assert!(msg("startOfDay", &json!("04:00")).is_some());
    }

    #[test]
    fn every_default_fits_its_key() {
        let defaults = super::super::defaults();
        for k in PLUGIN_KEYS {
            if let Some(v) = defaults.get(k.name) {
                assert_eq!(check(k, v), Ok(()), "{}", k.name);
            }
        }
    }

    #[test]
    fn enum_values_are_the_ones_recall_understands() {
        for v in CARD_ORDERS {
            assert!(serde_json::from_value::<super::super::CardOrder>(json!(v)).is_ok(), "{v}");
        }
        for v in DECK_ORDERS {
            assert!(serde_json::from_value::<super::super::DeckOrder>(json!(v)).is_ok(), "{v}");
        }
        for v in ALGORITHMS {
            assert!(serde_json::from_value::<super::super::Algorithm>(json!(v)).is_ok(), "{v}");
        }
        let names: Vec<&str> = crate::session::Order::NAMES.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, REVIEW_ORDERS);
    }

    #[test]
    fn no_key_is_both_read_and_plugin_only() {
        for k in PLUGIN_ONLY_KEYS {
            assert!(find(PLUGIN_KEYS, k).is_none(), "{k}");
        }
    }

    #[test]
    fn closest_keys() {
        let plugin = || PLUGIN_KEYS.iter().map(|k| k.name);
        assert_eq!(closest("baseease", plugin()), Some("baseEase"));
        assert_eq!(closest("flashcardTag", plugin()), Some("flashcardTags"));
        assert_eq!(closest("maximumInterva1", plugin()), Some("maximumInterval"));
        assert_eq!(closest("zzz", plugin()), None);
        let recall = || RECALL_KEYS.iter().map(|k| k.name);
        assert_eq!(closest("new_per_day", recall()), Some("new-per-day"));
        assert_eq!(closest("readingwidth", recall()), Some("reading-width"));
    }
}
