//! Front matter: the YAML block between a first line `---` and the next line
//! that is exactly `---` (spec §a.2). One-line JSON, as the Digital Garden
//! plugin writes it, is valid YAML and reads the same way.
//!
//! Two views of the tags are kept because the plugin uses two: Obsidian's own
//! reading (list or string split on commas and spaces, `#` optional) decides
//! whether a note has a flashcard tag at all, while the plugin's deck groups
//! come from `tags` stringified and split on `,` only (spec §d).

/// What recall reads from a note's front matter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// Index of the closing `---` line; lines `0..=end_line` are front matter.
    pub end_line: usize,
    /// Tags as Obsidian reads them, each with a leading `#`.
    pub obsidian_tags: Vec<String>,
    /// Tags as the plugin's deck code reads them, each with a leading `#`.
    pub plugin_tags: Vec<String>,
    /// The note-review keys as the plugin reads them, each on its own.
    pub sr_keys: SrKeys,
    /// `sr-due`, `sr-interval`, `sr-ease` when all three are present and
    /// non-empty (the plugin's test for a scheduled note).
    pub note_schedule: Option<NoteSchedule>,
    /// The YAML could not be read: the message (tags are then empty).
    pub error: Option<String>,
}

/// The `sr-due`, `sr-interval` and `sr-ease` values as JavaScript's
/// `String(value)` gives them; `None` when a key is missing, null or empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SrKeys {
    pub due: Option<String>,
    pub interval: Option<String>,
    pub ease: Option<String>,
}

impl SrKeys {
    /// True when at least one of the three keys has a value.
    #[must_use]
    pub fn any(&self) -> bool {
        self.due.is_some() || self.interval.is_some() || self.ease.is_some()
    }
}

/// A note-review schedule from complete `sr-*` keys. The numbers are read
/// with `parseFloat`, so `4.5` survives and text that is no number is `NaN`.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteSchedule {
    /// `sr-due` as written.
    pub due: String,
    /// `sr-due` read with moment's formats; `None` when it cannot be read.
    /// [`crate::parse::parse_note`] fills it in (moment defaults a missing
    /// year to today's), [`find`] leaves it `None`.
    pub date: Option<chrono::NaiveDate>,
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
        // One line (JSON) is the common front matter: its exact size.
        yaml.reserve(l.len() + 1);
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
        None => match serde_yaml::from_str::<Top>(yaml) {
            Ok(Top(Some(keys))) => keys,
            Ok(Top(None)) => return fm,
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
    let text = |k: &str| -> Option<String> {
        let s = match get(k)? {
            Val::Other(_) => return None,
            v => js_to_string(v),
        };
        (!s.is_empty()).then_some(s)
    };
    fm.sr_keys = SrKeys { due: text("sr-due"), interval: text("sr-interval"), ease: text("sr-ease") };
    if let SrKeys { due: Some(due), interval: Some(interval), ease: Some(ease) } = &fm.sr_keys {
        let num = |s: &str| js_parse_float(s).unwrap_or(f64::NAN);
        fm.note_schedule =
            Some(NoteSchedule { due: due.clone(), date: None, interval: num(interval), ease: num(ease) });
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
            // Integers beyond 64 bits are numbers to JavaScript like any other.
            fn visit_i128<E>(self, v: i128) -> Result<Val, E> {
                Ok(Val::Num(v as f64))
            }
            fn visit_u128<E>(self, v: u128) -> Result<Val, E> {
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
            // A custom tag (`!tag value`): the value.
            fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Val, A::Error> {
                use serde::de::VariantAccess;
                let (serde::de::IgnoredAny, value) = data.variant::<serde::de::IgnoredAny>()?;
                value.newtype_variant::<Val>()
            }
        }
        d.deserialize_any(V)
    }
}

/// A YAML document's top level: the keys recall reads when it is a
/// mapping, `None` otherwise. Read in one pass, so that a value
/// `serde_yaml::Value` cannot hold (an integer beyond 64 bits) is read
/// like any other instead of making the whole front matter invalid.
struct Top(Option<Keys>);

impl<'de> serde::Deserialize<'de> for Top {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Top, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Top;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("front matter")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
                let mut keys = Keys { tags: None, tag: None, sr_due: None, sr_interval: None, sr_ease: None };
                let mut seen = std::collections::HashSet::new();
                while let Some(key) = map.next_key::<Val>()? {
                    let Val::Str(name) = key else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                        continue;
                    };
                    let slot = match name.as_str() {
                        "tags" => &mut keys.tags,
                        "tag" => &mut keys.tag,
                        "sr-due" => &mut keys.sr_due,
                        "sr-interval" => &mut keys.sr_interval,
                        "sr-ease" => &mut keys.sr_ease,
                        _ => {
                            if !seen.insert(name.clone()) {
                                return Err(serde::de::Error::custom(format!(
                                    "duplicate entry with key {name:?}"
                                )));
                            }
                            map.next_value::<serde::de::IgnoredAny>()?;
                            continue;
                        }
                    };
                    if !seen.insert(name.clone()) {
                        return Err(serde::de::Error::custom(format!("duplicate entry with key {name:?}")));
                    }
                    *slot = Some(map.next_value::<Val>()?);
                }
                Ok(Top(Some(keys)))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
                Ok(Top(None))
            }
            fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Top, A::Error> {
                use serde::de::VariantAccess;
                let (serde::de::IgnoredAny, value) = data.variant::<serde::de::IgnoredAny>()?;
                value.newtype_variant::<Top>()
            }
            fn visit_str<E>(self, _: &str) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_i128<E>(self, _: i128) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_u128<E>(self, _: u128) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Top, E> {
                Ok(Top(None))
            }
            fn visit_unit<E>(self) -> Result<Top, E> {
                Ok(Top(None))
            }
        }
        d.deserialize_any(V)
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

/// JavaScript's `parseFloat(s)`: the longest decimal prefix after leading
/// white space (`4.5kg` is 4.5, `1e3` is 1000, `Infinity` too); `None` for NaN.
#[must_use]
pub fn js_parse_float(s: &str) -> Option<f64> {
    let s = crate::parse::comment::js_trim_start(s);
    let b = s.as_bytes();
    let i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if s[i..].starts_with("Infinity") {
        return Some(if b.first() == Some(&b'-') { f64::NEG_INFINITY } else { f64::INFINITY });
    }
    let digits = |mut i: usize| {
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let int_end = digits(i);
    let mut end = int_end;
    let mut any = int_end > i;
    if b.get(end) == Some(&b'.') {
        let frac_end = digits(end + 1);
        any |= frac_end > end + 1;
        end = frac_end;
    }
    if !any {
        return None;
    }
    if matches!(b.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(end + 1), Some(b'+' | b'-')));
        let exp_end = digits(end + 1 + sign);
        if exp_end > end + 1 + sign {
            end = exp_end;
        }
    }
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
    fn integers_beyond_64_bits_are_numbers() {
        // Found by the `frontmatter` fuzz target: serde_yaml hands these over
        // as i128/u128, which made the whole front matter invalid.
        let Found::Closed(f) =
            fm("---\nsr-due: 2024-06-25\nsr-interval: 1\nsr-ease: -36893511512044610000\ntags: [a]\n---")
        else {
            panic!("expected front matter");
        };
        assert_eq!(f.error, None);
        assert_eq!(f.sr_keys.ease.as_deref(), Some("-36893511512044610000"));
        assert_eq!(f.note_schedule.map(|s| s.ease), Some(-36_893_511_512_044_610_000.0));
        assert_eq!(f.obsidian_tags, vec!["#a"]);
        let Found::Closed(f) = fm("---\ntags: 36893511512044610000\n---") else { panic!() };
        assert_eq!((f.error, f.plugin_tags), (None, vec!["#36893511512044610000".to_owned()]));
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
            Some(NoteSchedule { due: "2024-06-25".into(), date: None, interval: 12.0, ease: 230.0 })
        );
        let Found::Closed(f) = fm("---\nsr-due: 2024-06-25\n---") else { panic!() };
        assert_eq!(f.note_schedule, None);
        assert_eq!(f.sr_keys, SrKeys { due: Some("2024-06-25".into()), interval: None, ease: None });
        // Empty and null values count as missing.
        let Found::Closed(f) = fm("---\nsr-due: 2024-06-25\nsr-interval:\nsr-ease: ''\n---") else {
            panic!()
        };
        assert_eq!(f.note_schedule, None);
        assert!(f.sr_keys.any());
    }

    #[test]
    fn note_schedule_numbers_are_decimals_and_text_is_nan() {
        let Found::Closed(f) = fm("---\nsr-due: 2024-06-25\nsr-interval: 4.5\nsr-ease: '262.5'\n---") else {
            panic!()
        };
        assert_eq!(
            f.note_schedule,
            Some(NoteSchedule { due: "2024-06-25".into(), date: None, interval: 4.5, ease: 262.5 })
        );
        let Found::Closed(f) =
            fm("---\n{\"sr-due\": \"2024-06-19\", \"sr-interval\": \"soon\", \"sr-ease\": 250}\n---")
        else {
            panic!()
        };
        let s = f.note_schedule.expect("present keys make a schedule");
        assert!(s.interval.is_nan());
        assert!((s.ease - 250.0).abs() < f64::EPSILON);
    }

    #[test]
    fn parse_float_like_javascript() {
        let cases: [(&str, Option<f64>); 12] = [
            ("4.5", Some(4.5)),
            ("  10", Some(10.0)),
            ("3.7days", Some(3.7)),
            ("1e3", Some(1000.0)),
            ("1e", Some(1.0)),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            ("-2", Some(-2.0)),
            ("+7.25x", Some(7.25)),
            ("Infinity", Some(f64::INFINITY)),
            ("abc", None),
            (".", None),
        ];
        for (s, want) in cases {
            assert_eq!(js_parse_float(s), want, "{s:?}");
        }
    }

    #[test]
    fn broken_yaml_is_reported_not_fatal() {
        let Found::Closed(f) = fm("---\ntags: [a\n---") else { panic!() };
        assert!(f.error.is_some());
        assert!(f.obsidian_tags.is_empty());
    }
}
