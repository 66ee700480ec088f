//! Shared pieces of the fuzz targets: turning the fuzzer's bytes into a note
//! and parser settings, and the invariants every parsed note must keep.
//!
//! Input layout (parse and edit targets): byte 0 picks the settings preset
//! (low 3 bits) and flags (high bits); the rest is the note, read as UTF-8
//! when valid (lossily otherwise: the vault skips non-UTF-8 files, but the
//! replacement characters are fine input too). Preset 6 takes the note's
//! first line as an extra cloze pattern, as a user's data.json could give.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use recall::parse::cloze::Clozes;
use recall::parse::{Note, ParseOptions, parse_note};
use recall::settings::Settings;

/// The day every target pretends it is.
#[must_use]
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 6, 20).unwrap_or_default()
}

/// Noon of [`today`], as a pinned `--today` gives.
#[must_use]
pub fn now() -> DateTime<Utc> {
    today().and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()).and_utc()
}

/// [`now`] with its day and zone, as a scheduler takes them.
#[must_use]
pub fn when() -> recall::clock::When {
    recall::clock::When { today: today(), now: now(), zone: recall::clock::Zone::utc() }
}

/// A note and how to parse it, decoded from fuzzer bytes.
pub struct Case {
    pub text: String,
    pub settings: Settings,
    /// Shared, not cloned: a cloned `Regex` starts with an empty cache
    /// pool, and building its search caches again on every input cost more
    /// than parsing the note.
    pub clozes: Arc<Clozes>,
    pub folder: Option<&'static str>,
    pub all_questions: bool,
    /// The selector byte, for targets that want more choices from it.
    pub selector: u8,
}

impl Case {
    /// Decodes the input; `None` when it is empty.
    #[must_use]
    pub fn decode(data: &[u8]) -> Option<Case> {
        let (&selector, rest) = data.split_first()?;
        let mut text = match std::str::from_utf8(rest) {
            Ok(s) => s.to_owned(),
            Err(_) => String::from_utf8_lossy(rest).into_owned(),
        };
        let mut settings = preset(selector);
        // Compiling cloze regexes costs far more than parsing a note: each
        // preset's are compiled once; preset 6's come from the input and
        // are kept for the inputs that follow (most mutations leave the
        // first line alone).
        let clozes = if selector & 7 == 6 {
            let (first, body) = text.split_once('\n').unwrap_or((text.as_str(), ""));
            settings.cloze_patterns = vec![first.to_owned(), "==[123;;]answer[;;hint]==".to_owned()];
            text = body.to_owned();
            custom_clozes(&settings.cloze_patterns)
        } else {
            static CACHE: OnceLock<Vec<Arc<Clozes>>> = OnceLock::new();
            let all = CACHE
                .get_or_init(|| (0u8..8).map(|p| Arc::new(Clozes::new(&preset(p).cloze_patterns))).collect());
            Arc::clone(&all[usize::from(selector & 7)])
        };
        let all_questions = selector & 32 != 0;
        let folder = match selector >> 6 {
            0 => None,
            1 => Some("Kafka/Producers"),
            2 => Some(""),
            _ => Some("a/b/c"),
        };
        Some(Case { text, settings, clozes, folder, all_questions, selector })
    }

    /// The parser's options for this case.
    #[must_use]
    pub fn options(&self) -> ParseOptions<'_> {
        ParseOptions {
            settings: &self.settings,
            clozes: &self.clozes,
            today: today(),
            now: now(),
            zone: recall::clock::Zone::utc(),
            detail: recall::parse::Detail::Full,
        }
    }

    /// Parses `text` with this case's settings.
    #[must_use]
    pub fn parse(&self, text: String) -> Note {
        parse_note(text, self.folder, &self.options(), self.all_questions)
    }
}

/// The compiled `patterns`, from a bounded cache of recent ones.
fn custom_clozes(patterns: &[String]) -> Arc<Clozes> {
    static CACHE: OnceLock<Mutex<HashMap<Vec<String>, Arc<Clozes>>>> = OnceLock::new();
    let mut cache =
        CACHE.get_or_init(Mutex::default).lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(c) = cache.get(patterns) {
        return Arc::clone(c);
    }
    if cache.len() >= 1024 {
        cache.clear();
    }
    let c = Arc::new(Clozes::new(patterns));
    cache.insert(patterns.to_vec(), Arc::clone(&c));
    c
}

/// The settings a selector byte picks (preset 6's cloze pattern is added
/// by [`Case::decode`]).
fn preset(selector: u8) -> Settings {
    static DEFAULT: OnceLock<Settings> = OnceLock::new();
    let mut s = DEFAULT.get_or_init(Settings::default).clone();
    let strs = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<String>>();
    match selector & 7 {
        // The plugin's defaults; preset 6 adds a cloze pattern from the input.
        0 | 6 => {}
        // Custom separators (conformance case 13) and an end marker that
        // is also a front matter fence.
        1 => {
            s.single_line_card_separator = ">>".into();
            s.single_line_reversed_card_separator = "<>".into();
            s.multiline_card_separator = "§".into();
            s.multiline_reversed_card_separator = "§§".into();
            s.multiline_card_end_marker = "---".into();
        }
        // An end marker with the default separators.
        2 => s.multiline_card_end_marker = "+++".into(),
        // Several cloze patterns, built-in and custom.
        3 => {
            s.cloze_patterns = strs(&[
                "==[123;;]answer[;;hint]==",
                "**[123;;]answer[;;hint]**",
                "{{[123;;]answer[;;hint]}}",
                "[%[123;;]answer[;;hint]%]",
                "answer",
            ]);
        }
        // Decks from folders.
        4 => s.convert_folders_to_decks = true,
        // Separators that are prefixes of each other, or equal, or not ASCII.
        // (Not `:`, which every schedule comment holds: the plugin then reads
        // a comment line as a card, and so does recall; docs/fuzzing.md.)
        5 => {
            s.single_line_card_separator = ";".into();
            s.single_line_reversed_card_separator = ";;".into();
            s.multiline_card_separator = "→".into();
            s.multiline_reversed_card_separator = "→".into();
            s.multiline_card_end_marker = "?".into();
        }
        // Empty separators, other flashcard tags, ignore lists.
        _ => {
            s.single_line_reversed_card_separator = String::new();
            s.multiline_card_separator = String::new();
            s.flashcard_tags = strs(&["#a", "#b/c", "#"]);
            s.flashcard_tags_to_ignore = strs(&["#skip"]);
            s.base_ease = 130.0;
        }
    }
    s.card_comment_on_same_line = selector & 8 != 0;
    s.use_callouts_for_scheduling_comments = selector & 16 != 0;
    s
}

fn in_text(text: &str, r: &std::ops::Range<usize>) -> bool {
    r.start <= r.end && text.get(r.clone()).is_some()
}

/// The invariants of a parsed note: every span the write-back relies on lies
/// in the text on character boundaries, and every accessor works.
pub fn check_note(note: &Note, case: &Case) {
    let text = note.text.as_str();
    assert!(!note.lines.is_empty(), "a note has at least one line");
    for l in &note.lines {
        assert!(l.start <= l.end && l.end <= l.next && l.next <= text.len(), "line {l:?}");
        assert!(text.is_char_boundary(l.start) && text.is_char_boundary(l.end), "line {l:?}");
    }
    let mut budget: usize = 20_000;
    for (i, q) in note.questions.iter().enumerate() {
        assert!(q.first_line <= q.last_line, "question {i}: lines {}..={}", q.first_line, q.last_line);
        assert!(
            q.last_line < note.lines.len(),
            "question {i}: last line {} of {}",
            q.last_line,
            note.lines.len()
        );
        if let Some(c) = &q.comment {
            assert!(in_text(text, c), "question {i}: comment {c:?} outside the text");
            let body = &text[c.clone()];
            assert!(body.starts_with("<!--SR:") && body.ends_with("-->"), "question {i}: comment {body:?}");
            assert!(q.anchor.is_none(), "question {i}: both a comment and an anchor");
        }
        if let Some(a) = &q.anchor {
            assert!(a.line < note.lines.len(), "question {i}: anchor line {}", a.line);
            assert!(
                a.same_line_at <= text.len() && text.is_char_boundary(a.same_line_at),
                "question {i}: same-line anchor {}",
                a.same_line_at
            );
        }
        for (k, seg) in q.segments.iter().enumerate() {
            assert!(in_text(text, &seg.raw), "question {i}: segment {k} at {:?}", seg.raw);
            assert_eq!(q.segment_raw(k, text).map(str::len), Some(seg.raw.len()));
        }
        let _ = q.text(text);
        let _ = q.actual(text);
        let _ = q.hash(text);
        // Expanding a cloze question costs cards × length (each card is a
        // copy of the text): past a budget per note, skip the rest to keep
        // the runs fast.
        let cost = q.card_count().saturating_mul(q.actual(text).len() + 16);
        budget = budget.saturating_sub(cost);
        if budget > 0 {
            let sides = q.sides(text, &case.settings, &case.clozes);
            assert_eq!(sides.len(), q.card_count(), "question {i}: sides vs card count");
            if cost < 2_000 {
                let marked = q.sides_marked(text, &case.settings, &case.clozes);
                assert_eq!(marked.len(), sides.len(), "question {i}: marked sides vs sides");
            }
        }
        for k in 0..q.card_count() + 1 {
            let s = q.schedule(k);
            let _ = s.state(today(), now());
            let _ = s.interval_ease();
        }
    }
}
