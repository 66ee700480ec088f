//! Reading a vault's settings files: the plugin's `data.json`, then
//! `.recall/config.yaml`, each checked key by key against [`super::keys`]
//! before it is deserialised.
//!
//! A wrong value is an error naming the file and the key. `data.json` is
//! the plugin's and holds many keys recall does not read: those are passed
//! over in silence. In `.recall/config.yaml`, which people write by hand, an
//! unknown key (top level or under `plugin:`) is a warning with the closest
//! known key, and is otherwise ignored.

use std::path::Path;

use serde_json::{Map, Value};

use super::keys::{self, Key, PLUGIN_KEYS, PLUGIN_ONLY_KEYS, RECALL_KEYS};
use super::{CliOverrides, Config, PLUGIN_DATA, RECALL_CONFIG, RecallConfig, Settings};
use crate::error::Error;

/// Loads the settings of the vault at `root`.
pub fn load(root: &Path, cli: &CliOverrides) -> Result<Config, Error> {
    let mut sources = Vec::new();
    let mut warnings = Vec::new();
    let data_path = root.join(PLUGIN_DATA);
    let saved = match std::fs::read(&data_path) {
        Ok(bytes) => {
            sources.push(data_path.clone());
            read_plugin_data(&data_path, &bytes)?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(&data_path, e)),
    };
    let mut settings = match &saved {
        Some(saved) => Settings::from_saved(saved),
        None => Ok(Settings::default()),
    }
    .map_err(|e| settings_error(&data_path, format!("a setting cannot be read: {e}")))?;

    let config_path = root.join(RECALL_CONFIG);
    let recall = match std::fs::read_to_string(&config_path) {
        Ok(text) => {
            sources.push(config_path.clone());
            let (cfg, w) = read_recall_config(&config_path, &text)?;
            if let Some(w) = &cfg.fsrs_weights {
                super::check_fsrs_weights(w).map_err(|m| settings_error(&config_path, m))?;
            }
            warnings.extend(w.into_iter().map(|w| format!("{RECALL_CONFIG}: {w}")));
            if !cfg.plugin.is_empty() {
                settings = settings
                    .with_overrides(&cfg.plugin)
                    .map_err(|e| settings_error(&config_path, format!("plugin: {e}")))?;
            }
            cfg
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => RecallConfig::default(),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            return Err(settings_error(&config_path, "not valid UTF-8 text".into()));
        }
        Err(e) => return Err(Error::io(&config_path, e)),
    };

    if !cli.tags.is_empty() {
        settings.flashcard_tags =
            cli.tags.iter().map(|t| if t.starts_with('#') { t.clone() } else { format!("#{t}") }).collect();
    }
    if cli.folders_as_decks {
        settings.convert_folders_to_decks = true;
    }
    Ok(Config { settings, recall, sources, warnings })
}

fn settings_error(path: &Path, message: String) -> Error {
    Error::Settings { path: path.to_path_buf(), message }
}

/// The `settings` object of `data.json`, every key recall reads checked.
fn read_plugin_data(path: &Path, bytes: &[u8]) -> Result<Option<Map<String, Value>>, Error> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| settings_error(path, format!("not valid JSON: {e}")))?;
    let Value::Object(mut top) = value else {
        return Err(settings_error(path, "the top level should be a JSON object ({…})".into()));
    };
    let saved = match top.remove("settings") {
        Some(Value::Object(s)) => s,
        None | Some(Value::Null) => return Ok(None),
        Some(_) => return Err(settings_error(path, "\"settings\" should be a JSON object ({…})".into())),
    };
    check_plugin_keys(&saved, "").map_err(|m| settings_error(path, m))?;
    Ok(Some(saved))
}

/// Checks the plugin keys recall reads in `map`; others are left alone.
/// `prefix` goes before the message (`plugin: `).
fn check_plugin_keys(map: &Map<String, Value>, prefix: &str) -> Result<(), String> {
    for (k, v) in map {
        if let Some(key) = keys::find(PLUGIN_KEYS, k) {
            keys::check(&key, v).map_err(|m| format!("{prefix}{m}"))?;
        }
    }
    Ok(())
}

/// Reads `.recall/config.yaml`: its options and the warnings about keys
/// it does not know (which are left out).
fn read_recall_config(path: &Path, text: &str) -> Result<(RecallConfig, Vec<String>), Error> {
    if text.trim().is_empty() {
        return Ok((RecallConfig::default(), Vec::new()));
    }
    let value: Value =
        serde_yaml::from_str(text).map_err(|e| settings_error(path, format!("not valid YAML: {e}")))?;
    let mut top = match value {
        Value::Null => return Ok((RecallConfig::default(), Vec::new())),
        Value::Object(m) => m,
        _ => {
            return Err(settings_error(
                path,
                "should hold `key: value` lines (a YAML mapping), such as `new-per-day: 20`".into(),
            ));
        }
    };
    let mut warnings = Vec::new();
    let mut cleaned = Map::new();
    for (k, v) in std::mem::take(&mut top) {
        let Some(key) = keys::find(RECALL_KEYS, &k) else {
            warnings.push(unknown_recall_key(&k));
            continue;
        };
        // An empty value leaves the option unset.
        if v.is_null() {
            continue;
        }
        keys::check(&key, &v).map_err(|m| settings_error(path, m))?;
        cleaned.insert(k, v);
    }
    if let Some(Value::Object(overrides)) = cleaned.get_mut("plugin") {
        overrides.retain(|k, _| {
            let known = keys::find(PLUGIN_KEYS, k).is_some();
            if !known {
                warnings.push(format!("plugin: {}", unknown_plugin_key(k)));
            }
            known
        });
        check_plugin_keys(overrides, "plugin: ").map_err(|m| settings_error(path, m))?;
    }
    let cfg: RecallConfig = serde_json::from_value(Value::Object(cleaned))
        .map_err(|e| settings_error(path, format!("cannot be read: {e}")))?;
    Ok((cfg, warnings))
}

fn names(keys: &[Key]) -> impl Iterator<Item = &'static str> + '_ {
    keys.iter().map(|k| k.name)
}

/// The warning for a top-level key of `.recall/config.yaml` recall does not know.
fn unknown_recall_key(k: &str) -> String {
    if keys::find(PLUGIN_KEYS, k).is_some() || PLUGIN_ONLY_KEYS.contains(&k) {
        return format!("{k} is a setting of the plugin; put it under `plugin:` (ignored here)");
    }
    if let Some(c) = keys::closest(k, names(RECALL_KEYS)) {
        format!("{k} is not a setting; did you mean {c}?")
    } else {
        let all: Vec<&str> = names(RECALL_KEYS).collect();
        format!("{k} is not a setting (the settings are {}); ignored", all.join(", "))
    }
}

/// The warning for a key under `plugin:` that recall does not read.
fn unknown_plugin_key(k: &str) -> String {
    if PLUGIN_ONLY_KEYS.contains(&k) {
        return format!("{k} only changes the plugin's screens in Obsidian; recall ignores it");
    }
    if keys::find(RECALL_KEYS, k).is_some() {
        return format!(
            "{k} is a setting of recall, not of the plugin; put it at the top level (ignored here)"
        );
    }
    match keys::closest(k, names(PLUGIN_KEYS)) {
        Some(c) => format!("{k} is not a setting; did you mean {c}?"),
        None => format!("{k} is not a setting of the plugin that recall reads; ignored"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault(data: Option<&str>, config: Option<&str>) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        if let Some(d) = data {
            let p = dir.path().join(PLUGIN_DATA);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, d).expect("write");
        }
        if let Some(c) = config {
            std::fs::create_dir_all(dir.path().join(".recall")).expect("mkdir");
            std::fs::write(dir.path().join(RECALL_CONFIG), c).expect("write");
        }
        dir
    }

    fn error(data: Option<&str>, config: Option<&str>) -> String {
        let dir = vault(data, config);
        load(dir.path(), &CliOverrides::default()).expect_err("an error").to_string()
    }

    fn warnings(config: &str) -> Vec<String> {
        let dir = vault(None, Some(config));
        load(dir.path(), &CliOverrides::default()).expect("loads").warnings
    }

    #[test]
    fn data_json_errors_name_the_file_and_the_key() {
        let e = error(Some(r##"{"settings": {"flashcardTags": "#flashcards"}}"##), None);
        assert!(e.contains("data.json: flashcardTags should be a list of tags such as"), "{e}");
        assert!(e.ends_with("not a string"), "{e}");
        let e = error(Some(r#"{"settings": {"baseEase": -5}}"#), None);
        assert!(e.ends_with("data.json: baseEase should be a number from 130 up, not -5"), "{e}");
        let e = error(Some(r#"{"settings": {"flashcardDeckOrder": "Backwards"}}"#), None);
        assert!(e.contains(r#"flashcardDeckOrder should be one of "PrevDeckComplete_Sequential""#), "{e}");
        // Keys recall does not read are the plugin's business.
        let dir = vault(
            Some(r#"{"settings": {"showStatusBar": "odd", "someFutureKey": 1}, "buryList": []}"#),
            None,
        );
        let cfg = load(dir.path(), &CliOverrides::default()).expect("loads");
        assert!(cfg.warnings.is_empty(), "{:?}", cfg.warnings);
    }

    #[test]
    fn config_errors_name_the_key() {
        let e = error(None, Some("order: sideways\n"));
        assert!(e.contains("config.yaml: order should be one of \"new-first\""), "{e}");
        assert!(e.ends_with("not \"sideways\""), "{e}");
        let e = error(None, Some("new-per-day: -5\n"));
        assert!(e.ends_with("config.yaml: new-per-day should be a whole number from 0 up, not -5"), "{e}");
        let e = error(None, Some("plugin:\n  baseEase: 100\n"));
        assert!(e.ends_with("config.yaml: plugin: baseEase should be a number from 130 up, not 100"), "{e}");
        let e = error(None, Some("- a list\n"));
        assert!(e.contains("a YAML mapping"), "{e}");
        let e = error(None, Some("plugin: 3\n"));
        assert!(e.contains("plugin should be a mapping of plugin settings"), "{e}");
    }

    #[test]
    fn unknown_keys_warn_with_the_closest_key_and_are_ignored() {
        let dir = vault(None, Some("plugin: {baseease: 300}\nnew_per_day: 3\n"));
        let cfg = load(dir.path(), &CliOverrides::default()).expect("loads");
        assert_eq!(
            cfg.warnings,
            [
                ".recall/config.yaml: new_per_day is not a setting; did you mean new-per-day?",
                ".recall/config.yaml: plugin: baseease is not a setting; did you mean baseEase?",
            ]
        );
        assert!((cfg.settings.base_ease - 250.0).abs() < f64::EPSILON);
        assert_eq!(cfg.recall.new_per_day, None);
        let w = warnings("baseEase: 300\nplugin: {showStatusBar: false, reading-width: 80}\n");
        assert!(w[0].contains("baseEase is a setting of the plugin; put it under `plugin:`"), "{w:?}");
        assert!(w[1].contains("reading-width is a setting of recall, not of the plugin"), "{w:?}");
        assert!(w[2].contains("showStatusBar only changes the plugin's screens"), "{w:?}");
        assert!(warnings("colour: blue\n")[0].contains("the settings are new-per-day"));
    }

    #[test]
    fn reading_width_is_read_and_checked() {
        let dir = vault(None, Some("reading-width: 72\n"));
        assert_eq!(load(dir.path(), &CliOverrides::default()).expect("loads").recall.reading_width, Some(72));
        let e = error(None, Some("reading-width: 5\n"));
        assert!(e.ends_with("reading-width should be a whole number from 20 to 65535, not 5"), "{e}");
        let e = error(None, Some("reading-width: wide\n"));
        assert!(e.ends_with("not a string"), "{e}");
    }

    #[test]
    fn empty_values_leave_options_unset() {
        let dir = vault(None, Some("new-per-day:\norder: random\n"));
        let cfg = load(dir.path(), &CliOverrides::default()).expect("loads");
        assert_eq!(cfg.recall.new_per_day, None);
        assert_eq!(cfg.recall.order.as_deref(), Some("random"));
        assert!(cfg.warnings.is_empty());
    }
}
