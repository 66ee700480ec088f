//! Front matter: the YAML block between a first line `---` and the next line
//! that is exactly `---` (spec §a.2). One-line JSON, as the Digital Garden
//! plugin writes it, is valid YAML and reads the same way.
//!
//! Two views of the tags are kept because the plugin uses two: Obsidian's own
//! reading (list or string split on commas and spaces, `#` optional) decides
//! whether a note has a flashcard tag at all, while the plugin's deck groups
//! come from `tags` stringified and split on `,` only (spec §d).

use serde_yaml::Value;

/// What recall reads from a note's front matter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// Index of the closing `---` line; lines `0..=end_line` are front matter.
    pub end_line: usize,
    /// Tags as Obsidian reads them, each with a leading `#`.
    pub obsidian_tags: Vec<String>,
    /// Tags as the plugin's deck code reads them, each with a leading `#`.
    pub plugin_tags: Vec<String>,
    /// `sr-due`, `sr-interval`, `sr-ease` when all three are present.
    pub note_schedule: Option<NoteSchedule>,
    /// The YAML could not be read: the message (tags are then empty).
    pub error: Option<String>,
}

/// A note-review schedule from `sr-*` keys (kept as text; parsed on use).
#[derive(Debug, Clone, PartialEq)]
pub struct NoteSchedule {
    pub due: String,
    pub interval: f64,
    pub ease: f64,
}

/// Result of looking for front matter in a note's lines.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// No front matter.
    None,
    /// The first line is `---` but no closing line follows.
    Unclosed,
    /// Front matter on lines `0..=end`.
    Closed(FrontMatter),
}

/// Looks for front matter given the note's line contents.
pub fn find<'a>(mut line: impl FnMut(usize) -> Option<&'a str>) -> Found {
    if line(0) != Some("---") {
        return Found::None;
    }
    let mut yaml = String::new();
    let mut i = 1;
    while let Some(l) = line(i) {
        if l == "---" {
            return Found::Closed(read(&yaml, i));
        }
        yaml.push_str(l);
        yaml.push('\n');
        i += 1;
    }
    Found::Unclosed
}

fn read(yaml: &str, end_line: usize) -> FrontMatter {
    let mut fm = FrontMatter { end_line, ..FrontMatter::default() };
    if yaml.trim().is_empty() {
        return fm;
    }
    // One-line JSON (as Digital Garden writes it) is YAML too; JSON is
    // faster to read. Only the keys recall uses are kept.
    let json = if yaml.trim_start().starts_with('{') {
        serde_json::from_str::<Keys<serde_json::Value>>(yaml).ok().map(|k| Keys {
            tags: k.tags.and_then(|v| serde_yaml::to_value(v).ok()),
            tag: k.tag.and_then(|v| serde_yaml::to_value(v).ok()),
            sr_due: k.sr_due.and_then(|v| serde_yaml::to_value(v).ok()),
            sr_interval: k.sr_interval.and_then(|v| serde_yaml::to_value(v).ok()),
            sr_ease: k.sr_ease.and_then(|v| serde_yaml::to_value(v).ok()),
        })
    } else {
        None
    };
    let keys: Keys<Value> = match json {
        Some(k) => k,
        None => match serde_yaml::from_str::<Value>(yaml) {
            Ok(Value::Mapping(map)) => {
                let get = |k: &str| map.get(Value::String(k.to_owned())).cloned();
                Keys {
                    tags: get("tags"),
                    tag: get("tag"),
                    sr_due: get("sr-due"),
                    sr_interval: get("sr-interval"),
                    sr_ease: get("sr-ease"),
                }
            }
            Ok(_) => return fm,
            Err(e) => {
                fm.error = Some(e.to_string());
                return fm;
            }
        },
    };
    let get = |k: &str| match k {
        "tags" => keys.tags.as_ref(),
        "tag" => keys.tag.as_ref(),
        "sr-due" => keys.sr_due.as_ref(),
        "sr-interval" => keys.sr_interval.as_ref(),
        "sr-ease" => keys.sr_ease.as_ref(),
        _ => None,
    };
    for key in ["tags", "tag"] {
        if let Some(v) = get(key) {
            obsidian_tags(v, &mut fm.obsidian_tags);
        }
    }
    if let Some(v) = get("tags") {
        let s = js_to_string(v);
        fm.plugin_tags = s
            .split(',')
            .filter(|t| !t.is_empty())
            .map(|t| if t.starts_with('#') { t.to_owned() } else { format!("#{t}") })
            .collect();
    }
    let num = |k: &str| -> Option<f64> {
        match get(k)? {
            Value::Number(n) => n.as_f64(),
            Value::String(s) => js_parse_float(s),
            _ => None,
        }
    };
    let due = match get("sr-due") {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    if let (Some(due), Some(interval), Some(ease)) = (due, num("sr-interval"), num("sr-ease")) {
        fm.note_schedule = Some(NoteSchedule { due, interval, ease });
    }
    fm
}

/// The front-matter keys recall reads.
#[derive(serde::Deserialize)]
struct Keys<V> {
    tags: Option<V>,
    tag: Option<V>,
    #[serde(rename = "sr-due")]
    sr_due: Option<V>,
    #[serde(rename = "sr-interval")]
    sr_interval: Option<V>,
    #[serde(rename = "sr-ease")]
    sr_ease: Option<V>,
}

fn obsidian_tags(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Sequence(items) => {
            for item in items {
                match item {
                    Value::Sequence(_) => obsidian_tags(item, out),
                    other => push_obsidian(&scalar(other), out),
                }
            }
        }
        Value::String(s) => {
            for t in s.split(|c: char| c == ',' || c.is_whitespace()) {
                push_obsidian(t, out);
            }
        }
        Value::Number(_) | Value::Bool(_) => push_obsidian(&scalar(v), out),
        _ => {}
    }
}

fn push_obsidian(t: &str, out: &mut Vec<String>) {
    let t = t.trim().trim_start_matches('#');
    if !t.is_empty() {
        out.push(format!("#{t}"));
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// JavaScript's `String(value)` for YAML values (arrays join with `,`).
fn js_to_string(v: &Value) -> String {
    match v {
        Value::Sequence(items) => items.iter().map(js_to_string).collect::<Vec<_>>().join(","),
        Value::Null => String::new(),
        Value::Mapping(_) => "[object Object]".into(),
        Value::Tagged(t) => js_to_string(&t.value),
        other => scalar(other),
    }
}

fn js_parse_float(s: &str) -> Option<f64> {
    let s = s.trim();
    let end = s
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || (i == 0 && (c == '-' || c == '+'))))
        .map_or(s.len(), |(i, _)| i);
    s[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fm(text: &str) -> Found {
        let lines: Vec<&str> = text.split('\n').collect();
        find(|i| lines.get(i).copied())
    }

    #[test]
    fn json_front_matter_with_mojibake_tags() {
        let Found::Closed(f) =
            fm("---\n{\"dg-publish\":true,\"tags\":[\"ï£¿\",\"‚ô£Ô∏è/kafka\"]}\n---\nbody")
        else {
            panic!("expected front matter");
        };
        assert_eq!(f.end_line, 2);
        assert_eq!(f.obsidian_tags, vec!["#ï£¿", "#‚ô£Ô∏è/kafka"]);
        assert_eq!(f.plugin_tags, vec!["#ï£¿", "#‚ô£Ô∏è/kafka"]);
    }

    #[test]
    fn string_tags_split_differently_for_obsidian_and_the_plugin() {
        let Found::Closed(f) = fm("---\ntags: flashcards/kafka/connect, flashcards/exam\n---") else {
            panic!("expected front matter");
        };
        assert_eq!(f.obsidian_tags, vec!["#flashcards/kafka/connect", "#flashcards/exam"]);
        assert_eq!(f.plugin_tags, vec!["#flashcards/kafka/connect", "# flashcards/exam"]);
    }

    #[test]
    fn unclosed_and_absent() {
        assert_eq!(fm("---\ntags: [a]\nno end"), Found::Unclosed);
        assert_eq!(fm("text\n---\n"), Found::None);
    }

    #[test]
    fn note_schedule_needs_all_three_keys() {
        let Found::Closed(f) = fm("---\nsr-due: 2024-06-25\nsr-interval: 12\nsr-ease: 230\n---") else {
            panic!("expected front matter");
        };
        assert_eq!(
            f.note_schedule,
            Some(NoteSchedule { due: "2024-06-25".into(), interval: 12.0, ease: 230.0 })
        );
        let Found::Closed(f) = fm("---\nsr-due: 2024-06-25\n---") else { panic!() };
        assert_eq!(f.note_schedule, None);
    }

    #[test]
    fn broken_yaml_is_reported_not_fatal() {
        let Found::Closed(f) = fm("---\ntags: [a\n---") else { panic!() };
        assert!(f.error.is_some());
        assert!(f.obsidian_tags.is_empty());
    }
}
