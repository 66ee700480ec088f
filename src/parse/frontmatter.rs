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
    // faster to read. Only the keys recall uses are kept; others are skipped.
    let json =
        if yaml.trim_start().starts_with('{') { serde_json::from_str::<Keys>(yaml).ok() } else { None };
    let keys: Keys = match json {
        Some(k) => k,
        None => match serde_yaml::from_str::<Value>(yaml) {
            Ok(Value::Mapping(map)) => {
                let get = |k: &str| map.get(Value::String(k.to_owned())).map(Val::from_yaml);
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
            .map(|t| if t.starts_with('#') { t.to_owned() } else { hash_tag(t) })
            .collect();
    }
    let num = |k: &str| -> Option<f64> {
        match get(k)? {
            Val::Num(n) => Some(*n),
            Val::Str(s) => js_parse_float(s),
            _ => None,
        }
    };
    let due = match get("sr-due") {
        Some(Val::Str(s)) if !s.is_empty() => Some(s.clone()),
        Some(v @ Val::Num(_)) => Some(scalar(v)),
        _ => None,
    };
    if let (Some(due), Some(interval), Some(ease)) = (due, num("sr-interval"), num("sr-ease")) {
        fm.note_schedule = Some(NoteSchedule { due, interval, ease });
    }
    fm
}

/// The front-matter keys recall reads; everything else is skipped unread.
#[derive(serde::Deserialize)]
struct Keys {
    tags: Option<Val>,
    tag: Option<Val>,
    #[serde(rename = "sr-due")]
    sr_due: Option<Val>,
    #[serde(rename = "sr-interval")]
    sr_interval: Option<Val>,
    #[serde(rename = "sr-ease")]
    sr_ease: Option<Val>,
}

/// A front-matter value, as far as recall cares.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Str(String),
    Num(f64),
    Bool(bool),
    Seq(Vec<Val>),
    Other(serde::de::IgnoredAny),
}

/// Reads any value in one pass (no buffering, unlike an untagged enum).
impl<'de> serde::Deserialize<'de> for Val {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Val, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Val;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a front-matter value")
            }
            fn visit_str<E>(self, v: &str) -> Result<Val, E> {
                Ok(Val::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Val, E> {
                Ok(Val::Str(v))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Val, E> {
                Ok(Val::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Val, E> {
                Ok(Val::Num(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Val, E> {
                Ok(Val::Num(v as f64))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Val, E> {
                Ok(Val::Num(v))
            }
            fn visit_unit<E>(self) -> Result<Val, E> {
                Ok(Val::Other(serde::de::IgnoredAny))
            }
            fn visit_none<E>(self) -> Result<Val, E> {
                Ok(Val::Other(serde::de::IgnoredAny))
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Val, D::Error> {
                serde::Deserialize::deserialize(d)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Val, A::Error> {
                let mut items = Vec::new();
                while let Some(v) = seq.next_element::<Val>()? {
                    items.push(v);
                }
                Ok(Val::Seq(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Val, A::Error> {
                while map.next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?.is_some() {}
                Ok(Val::Other(serde::de::IgnoredAny))
            }
        }
        d.deserialize_any(V)
    }
}

impl Val {
    fn from_yaml(v: &Value) -> Val {
        match v {
            Value::String(s) => Val::Str(s.clone()),
            Value::Number(n) => n.as_f64().map_or(Val::Other(serde::de::IgnoredAny), Val::Num),
            Value::Bool(b) => Val::Bool(*b),
            Value::Sequence(items) => Val::Seq(items.iter().map(Val::from_yaml).collect()),
            Value::Tagged(t) => Val::from_yaml(&t.value),
            _ => Val::Other(serde::de::IgnoredAny),
        }
    }
}

fn obsidian_tags(v: &Val, out: &mut Vec<String>) {
    match v {
        Val::Seq(items) => {
            for item in items {
                match item {
                    Val::Seq(_) => obsidian_tags(item, out),
                    Val::Str(s) => push_obsidian(s, out),
                    other => push_obsidian(&scalar(other), out),
                }
            }
        }
        Val::Str(s) => {
            for t in s.split(|c: char| c == ',' || c.is_whitespace()) {
                push_obsidian(t, out);
            }
        }
        Val::Num(_) | Val::Bool(_) => push_obsidian(&scalar(v), out),
        Val::Other(_) => {}
    }
}

fn push_obsidian(t: &str, out: &mut Vec<String>) {
    let t = t.trim().trim_start_matches('#');
    if !t.is_empty() {
        out.push(hash_tag(t));
    }
}

/// `#` followed by `t` (cheaper than `format!` for a short string).
fn hash_tag(t: &str) -> String {
    let mut s = String::with_capacity(t.len() + 1);
    s.push('#');
    s.push_str(t);
    s
}

/// JavaScript's `String(x)` for a scalar.
fn scalar(v: &Val) -> String {
    match v {
        Val::Str(s) => s.clone(),
        Val::Num(n) => crate::parse::comment::js_number(*n),
        Val::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// JavaScript's `String(value)` (arrays join with `,`; objects print as
/// `[object Object]`, `null` as empty).
fn js_to_string(v: &Val) -> String {
    match v {
        Val::Seq(items) if items.len() == 1 => js_to_string(&items[0]),
        Val::Seq(items) => items.iter().map(js_to_string).collect::<Vec<_>>().join(","),
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
