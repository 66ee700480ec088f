//! Settings: the plugin's `data.json` merged over its defaults, then recall's
//! own `.recall/config.yaml`, then command-line flags.
//!
//! The merge is the plugin's (spec §f): one upgrade step (a missing
//! `clozePatterns` is rebuilt from the `convert*ToClozes` booleans, a missing
//! boolean counting as false), then `{...DEFAULT_SETTINGS, ...saved}` key by
//! key. Unknown keys are ignored here and never written back: recall does not
//! write `data.json`.
//!
//! [`keys`] holds the one table of every key recall reads and checks each
//! value against it; [`load`] reads the files (every wrong value is an error
//! naming the file and the key, an unknown key of `.recall/config.yaml` a
//! warning); [`state`] checks recall's own state files.

pub mod keys;
pub mod load;
pub mod state;

pub use load::load;

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Where the plugin keeps its settings, relative to the vault.
pub const PLUGIN_DATA: &str = ".obsidian/plugins/obsidian-spaced-repetition/data.json";
/// recall's own settings file, relative to the vault.
pub const RECALL_CONFIG: &str = ".recall/config.yaml";

/// The plugin settings recall reads (names as in `data.json`).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub flashcard_tags: Vec<String>,
    pub flashcard_tags_to_ignore: Vec<String>,
    pub convert_folders_to_decks: bool,
    pub bury_sibling_cards: bool,
    pub flashcard_card_order: CardOrder,
    pub flashcard_deck_order: DeckOrder,
    pub cloze_patterns: Vec<String>,
    pub single_line_card_separator: String,
    pub single_line_reversed_card_separator: String,
    pub multiline_card_separator: String,
    pub multiline_reversed_card_separator: String,
    pub multiline_card_end_marker: String,
    pub tags_to_review: Vec<String>,
    pub note_tags_to_ignore: Vec<String>,
    pub note_folders_to_ignore: Vec<String>,
    pub show_context_in_cards: bool,
    pub use_callouts_for_scheduling_comments: bool,
    pub algorithm: Algorithm,
    pub base_ease: f64,
    pub lapses_interval_change: f64,
    pub easy_bonus: f64,
    pub load_balance: bool,
    pub maximum_interval: f64,
    /// FSRS's `request_retention` (used when `algorithm` is `FSRS`).
    pub fsrs_desired_retention: f64,
    pub max_link_factor: f64,
    pub card_comment_on_same_line: bool,
    pub start_of_day: String,
}

/// The scheduler of flashcards (`algorithm`); notes always use SM-2-OSR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum Algorithm {
    #[serde(rename = "SM-2-OSR")]
    Sm2Osr,
    #[serde(rename = "FSRS")]
    Fsrs,
}

/// The plugin's `flashcardCardOrder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum CardOrder {
    NewFirstSequential,
    NewFirstRandom,
    DueFirstSequential,
    DueFirstRandom,
    EveryCardRandomDeckAndCard,
}

/// The plugin's `flashcardDeckOrder`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum DeckOrder {
    #[serde(rename = "PrevDeckComplete_Sequential")]
    Sequential,
    #[serde(rename = "PrevDeckComplete_Random")]
    Random,
}

/// The plugin's defaults (`settings.ts`), as JSON so merging is key by key.
fn defaults() -> Value {
    json!({
        "flashcardTags": ["#flashcards"],
        "flashcardTagsToIgnore": [],
        "convertFoldersToDecks": false,
        "burySiblingCards": false,
        "flashcardCardOrder": "DueFirstRandom",
        "flashcardDeckOrder": "PrevDeckComplete_Sequential",
        "convertHighlightsToClozes": true,
        "convertBoldTextToClozes": false,
        "convertCurlyBracketsToClozes": false,
        "clozePatterns": ["==[123;;]answer[;;hint]=="],
        "singleLineCardSeparator": "::",
        "singleLineReversedCardSeparator": ":::",
        "multilineCardSeparator": "?",
        "multilineReversedCardSeparator": "??",
        "multilineCardEndMarker": "",
        "tagsToReview": ["#review"],
        "noteTagsToIgnore": [],
        "noteFoldersToIgnore": ["**/*.excalidraw.md"],
        "showContextInCards": true,
        "useCalloutsForSchedulingComments": false,
        "algorithm": "SM-2-OSR",
        "baseEase": 250,
        "lapsesIntervalChange": 0.5,
        "easyBonus": 1.3,
        "loadBalance": true,
        "maximumInterval": 36525,
        "fsrsDesiredRetention": 0.9,
        "maxLinkFactor": 1.0,
        "cardCommentOnSameLine": false,
        "startOfDay": "00:00:00",
    })
}

impl Default for Settings {
    fn default() -> Self {
        serde_json::from_value(defaults()).unwrap_or_else(|_| unreachable!("defaults deserialize"))
    }
}

impl Settings {
    /// Merges a saved `settings` object over the defaults, the plugin's way
    /// (its upgrade step included).
    pub fn from_saved(saved: &Map<String, Value>) -> Result<Settings, serde_json::Error> {
        let mut saved = saved.clone();
        upgrade(&mut saved);
        Settings::merged(saved)
    }

    /// Merges a partial settings object over the defaults, without the
    /// upgrade step (for scheduling vectors and overrides).
    pub fn from_partial(partial: &Map<String, Value>) -> Result<Settings, serde_json::Error> {
        Settings::merged(partial.clone())
    }

    fn merged(saved: Map<String, Value>) -> Result<Settings, serde_json::Error> {
        let mut merged = defaults();
        if let Value::Object(m) = &mut merged {
            for (k, v) in saved {
                m.insert(k, v);
            }
        }
        serde_json::from_value(merged)
    }

    /// Applies overrides (camelCase keys) on top of these settings.
    pub fn with_overrides(&self, overrides: &Map<String, Value>) -> Result<Settings, serde_json::Error> {
        let mut merged = serde_json::to_value(SettingsView(self))?;
        if let Value::Object(m) = &mut merged {
            for (k, v) in overrides {
                m.insert(k.clone(), v.clone());
            }
        }
        serde_json::from_value(merged)
    }

    /// True when `tag` (with `#`) is one of `flashcardTags` or a sub-tag of one.
    #[must_use]
    pub fn is_flashcard_tag(&self, tag: &str) -> bool {
        tag_matches_any(tag, &self.flashcard_tags)
    }
}

/// `tag` equals one of `list` or is below one of them (`#a/b` under `#a`).
/// Case-sensitive, as the plugin compares.
#[must_use]
pub fn tag_matches_any(tag: &str, list: &[String]) -> bool {
    list.iter().any(|t| {
        !t.is_empty()
            && tag.starts_with(t.as_str())
            && (tag.len() == t.len() || tag.as_bytes()[t.len()] == b'/')
    })
}

/// Serializes settings back to the camelCase map (for overrides).
struct SettingsView<'a>(&'a Settings);

impl serde::Serialize for SettingsView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = &self.0;
        json!({
            "flashcardTags": v.flashcard_tags,
            "flashcardTagsToIgnore": v.flashcard_tags_to_ignore,
            "convertFoldersToDecks": v.convert_folders_to_decks,
            "burySiblingCards": v.bury_sibling_cards,
            "flashcardCardOrder": v.flashcard_card_order,
            "flashcardDeckOrder": v.flashcard_deck_order,
            "clozePatterns": v.cloze_patterns,
            "singleLineCardSeparator": v.single_line_card_separator,
            "singleLineReversedCardSeparator": v.single_line_reversed_card_separator,
            "multilineCardSeparator": v.multiline_card_separator,
            "multilineReversedCardSeparator": v.multiline_reversed_card_separator,
            "multilineCardEndMarker": v.multiline_card_end_marker,
            "tagsToReview": v.tags_to_review,
            "noteTagsToIgnore": v.note_tags_to_ignore,
            "noteFoldersToIgnore": v.note_folders_to_ignore,
            "showContextInCards": v.show_context_in_cards,
            "useCalloutsForSchedulingComments": v.use_callouts_for_scheduling_comments,
            "algorithm": v.algorithm,
            "baseEase": v.base_ease,
            "lapsesIntervalChange": v.lapses_interval_change,
            "easyBonus": v.easy_bonus,
            "loadBalance": v.load_balance,
            "maximumInterval": v.maximum_interval,
            "fsrsDesiredRetention": v.fsrs_desired_retention,
            "maxLinkFactor": v.max_link_factor,
            "cardCommentOnSameLine": v.card_comment_on_same_line,
            "startOfDay": v.start_of_day,
        })
        .serialize(s)
    }
}

/// The plugin's `upgradeSettings` steps that change what the parser sees.
fn upgrade(saved: &mut Map<String, Value>) {
    if !saved.contains_key("clozePatterns") {
        let on = |k: &str| saved.get(k).and_then(Value::as_bool).unwrap_or(false);
        let mut patterns = Vec::new();
        if on("convertHighlightsToClozes") {
            patterns.push("==[123;;]answer[;;hint]==");
        }
        if on("convertBoldTextToClozes") {
            patterns.push("**[123;;]answer[;;hint]**");
        }
        if on("convertCurlyBracketsToClozes") {
            patterns.push("{{[123;;]answer[;;hint]}}");
        }
        saved.insert("clozePatterns".into(), json!(patterns));
    }
    if let Some(Value::Bool(random)) = saved.get("randomizeCardOrder").cloned()
        && !saved.contains_key("flashcardCardOrder")
    {
        {
            let order = if random { "DueFirstRandom" } else { "DueFirstSequential" };
            saved.insert("flashcardCardOrder".into(), json!(order));
        }
    }
}

/// recall's own options, from `.recall/config.yaml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RecallConfig {
    /// New cards introduced per day in a review session (default: no limit).
    pub new_per_day: Option<usize>,
    /// Reviews per day (default: no limit).
    pub reviews_per_day: Option<usize>,
    /// Review order: overrides the plugin's `flashcardCardOrder`.
    pub order: Option<String>,
    /// The widest the full-screen review's reading column gets, in
    /// terminal columns (default [`READING_WIDTH`]; at least
    /// [`MIN_READING_WIDTH`]).
    pub reading_width: Option<u16>,
    /// Overrides of plugin settings, camelCase keys as in `data.json`.
    #[serde(default)]
    pub plugin: Map<String, Value>,
    /// The user's own FSRS-6 weights (21 numbers, written by `recall
    /// optimize --apply`), used instead of the plugin's defaults; see
    /// [`crate::schedule::params::fsrs_parameters`].
    pub fsrs_weights: Option<Vec<f64>>,
}

/// The number of FSRS-6 weights.
pub const FSRS_WEIGHT_COUNT: usize = 21;

/// Checks `fsrs-weights`: exactly 21 finite numbers. The message names the
/// key and says what to do.
pub fn check_fsrs_weights(w: &[f64]) -> Result<(), String> {
    let fix = "run `recall optimize --apply` to write them, or delete the key to use the plugin's weights";
    if w.len() != FSRS_WEIGHT_COUNT {
        return Err(format!(
            "fsrs-weights: {} number(s); FSRS-6 needs exactly {FSRS_WEIGHT_COUNT} ({fix})",
            w.len()
        ));
    }
    if let Some(i) = w.iter().position(|x| !x.is_finite()) {
        return Err(format!("fsrs-weights: number {} is not a finite number ({fix})", i + 1));
    }
    Ok(())
}

/// The full-screen review's reading column when `reading-width` is not set.
pub const READING_WIDTH: u16 = 100;
/// The narrowest `reading-width` accepted.
pub const MIN_READING_WIDTH: u16 = 20;

/// Everything a command needs to know about how to read and schedule a vault.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    pub settings: Settings,
    pub recall: RecallConfig,
    /// Files the settings came from, for messages.
    pub sources: Vec<PathBuf>,
    /// Problems that do not stop the command (an unknown key in
    /// `.recall/config.yaml`, a state file set aside), each naming its file;
    /// printed once, before the vault's own warnings.
    pub warnings: Vec<String>,
}

/// Command-line overrides of settings.
#[derive(Debug, Clone, Default)]
pub struct CliOverrides {
    pub tags: Vec<String>,
    pub folders_as_decks: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_plugin() {
        let s = Settings::default();
        assert_eq!(s.flashcard_tags, vec!["#flashcards"]);
        assert_eq!(s.cloze_patterns, vec!["==[123;;]answer[;;hint]=="]);
        assert!((s.base_ease - 250.0).abs() < f64::EPSILON);
        assert!(s.load_balance);
        assert!((s.fsrs_desired_retention - 0.9).abs() < f64::EPSILON);
    }

    #[test]
    fn missing_cloze_patterns_are_rebuilt_from_booleans() {
        let saved = json!({"flashcardTags": ["#x"]});
        let s = Settings::from_saved(saved.as_object().expect("object")).expect("ok");
        assert!(s.cloze_patterns.is_empty());
        let saved = json!({"convertBoldTextToClozes": true});
        let s = Settings::from_saved(saved.as_object().expect("object")).expect("ok");
        assert_eq!(s.cloze_patterns, vec!["**[123;;]answer[;;hint]**"]);
    }

    #[test]
    fn flashcard_tags_match_whole_segments() {
        let list = vec!["#flashcards".to_owned()];
        assert!(tag_matches_any("#flashcards", &list));
        assert!(tag_matches_any("#flashcards/a/b", &list));
        assert!(!tag_matches_any("#flashcardsX", &list));
        assert!(!tag_matches_any("#Flashcards", &list));
    }

    #[test]
    fn every_setting_read_is_in_the_key_table() {
        // A key missing from the table would go unchecked in data.json and be
        // dropped (with a warning) from `plugin:` overrides.
        let all = serde_json::to_value(SettingsView(&Settings::default())).expect("json");
        for k in all.as_object().expect("object").keys() {
            assert!(keys::find(keys::PLUGIN_KEYS, k).is_some(), "{k} is not in keys::PLUGIN_KEYS");
        }
    }

    #[test]
    fn fsrs_weights_are_read_and_checked() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join(".recall")).expect("mkdir");
        let write = |text: &str| std::fs::write(dir.path().join(RECALL_CONFIG), text).expect("write");
        let load = || load(dir.path(), &CliOverrides::default());
        let w: Vec<String> = (1..=21).map(|i| format!("0.{i}")).collect();
        write(&format!("new-per-day: 5\nfsrs-weights: [{}]\n", w.join(", ")));
        let cfg = load().expect("loads");
        assert_eq!(cfg.recall.fsrs_weights.as_deref().map(<[f64]>::len), Some(21));
        assert_eq!(cfg.recall.fsrs_weights.as_ref().map(|w| w[20]), Some(0.21));
        write(&format!("fsrs-weights: [{}]\n", w[..20].join(", ")));
        let e = load().expect_err("20 numbers");
        assert!(e.to_string().contains("fsrs-weights: 20 number(s); FSRS-6 needs exactly 21"), "{e}");
        assert!(e.to_string().contains(".recall/config.yaml"), "{e}");
        write(&format!("fsrs-weights: [.nan, {}]\n", w[1..].join(", ")));
        let e = load().expect_err("NaN");
        assert!(e.to_string().contains("fsrs-weights should be a list of exactly 21 numbers"), "{e}");
        write("fsrs-weights: [a, b]\n");
        let e = load().expect_err("not numbers");
        assert!(e.to_string().contains("fsrs-weights"), "{e}");
        write("new-per-day: 5\n");
        assert_eq!(load().expect("loads").recall.fsrs_weights, None);
    }

    #[test]
    fn overrides_replace_keys() {
        let s = Settings::default();
        let o = json!({"baseEase": 300, "fsrsDesiredRetention": 0.85});
        let s2 = s.with_overrides(o.as_object().expect("object")).expect("ok");
        assert!((s2.base_ease - 300.0).abs() < f64::EPSILON);
        assert!((s2.fsrs_desired_retention - 0.85).abs() < f64::EPSILON);
        let back = s2.with_overrides(&Map::new()).expect("ok");
        assert_eq!(back, s2);
        assert_eq!(s2.flashcard_tags, s.flashcard_tags);
    }
}
