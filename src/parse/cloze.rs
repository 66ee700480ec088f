//! Clozes as clozecraft 0.4 reads them (spec §a.4).
//!
//! A pattern such as `==[123;;]answer[;;hint]==` gives three regexes: classic
//! (`==1;;x==`), overlapping (`==ash;;x==`) and simple (`==x==`). A question
//! has exactly one cloze type, chosen classic > overlapping > simple over all
//! patterns; deletions of the other types stay literal text.

use std::ops::Range;

use regex::Regex;

mod compile;
use compile::compile;

/// Compiled cloze patterns, in settings order.
#[derive(Debug, Clone, Default)]
pub struct Clozes {
    patterns: Vec<Compiled>,
    /// The first bytes of the patterns' prefixes when there are at most
    /// three and none is empty: a line holding none of them is no cloze.
    first_bytes: Option<Vec<u8>>,
}

#[derive(Debug, Clone)]
struct Compiled {
    /// The literal text every match starts with, and the one it ends with
    /// (a cheap pre-filter).
    prefix: String,
    suffix: String,
    /// For the usual shape `P[seq;;]answer[;;hint]S`: the literal that
    /// precedes a sequence (`None` when the shape is unusual: no fast path).
    seq_prefix: Option<String>,
    /// The literal that follows a sequence (`;;`), empty without one.
    seq_suffix: String,
    /// The literal that opens a hint (`;;`), empty without one.
    hint_open: String,
    classic: Option<Regex>,
    overlapping: Option<Regex>,
    simple: Regex,
}

/// How one deletion is treated on one card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Ask,
    Hide,
    Show,
}

/// One deletion found in a question.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Deletion {
    start: usize,
    end: usize,
    answer: String,
    hint: Option<String>,
    seq: Option<String>,
    pattern: usize,
}

/// One deletion of a cloze question, located in its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClozeSpan {
    /// Byte range of the whole deletion (delimiters included) in the text.
    pub range: std::ops::Range<usize>,
    pub answer: String,
    pub hint: Option<String>,
    /// The siblings (0-based) on which this deletion is asked.
    pub cards: Vec<usize>,
}

/// The kind of cloze a question uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClozeType {
    Classic,
    Overlapping,
    Simple,
}

impl Clozes {
    /// Compiles the settings' `clozePatterns`; patterns without `answer` are skipped.
    #[must_use]
    pub fn new(patterns: &[String]) -> Clozes {
        let patterns: Vec<Compiled> = patterns.iter().filter_map(|p| compile(p)).collect();
        let mut first_bytes: Vec<u8> =
            patterns.iter().filter_map(|p| p.prefix.as_bytes().first().copied()).collect();
        first_bytes.sort_unstable();
        first_bytes.dedup();
        let every_prefix_known = patterns.iter().all(|p| !p.prefix.is_empty());
        let first_bytes = (every_prefix_known && first_bytes.len() <= 3).then_some(first_bytes);
        Clozes { patterns, first_bytes }
    }

    /// Where the first pattern's prefix may start in `line` (the first of
    /// their first bytes; the start when they are not known); `None` when
    /// none can start anywhere in it.
    #[inline]
    fn first_candidate(&self, line: &str) -> Option<usize> {
        let h = line.as_bytes();
        match self.first_bytes.as_deref() {
            Some([]) => None,
            Some([a]) => memchr::memchr(*a, h),
            Some([a, b]) => memchr::memchr2(*a, *b, h),
            Some([a, b, c]) => memchr::memchr3(*a, *b, *c, h),
            _ => Some(0),
        }
    }

    /// True when `line` holds a complete cloze of any pattern.
    #[must_use]
    #[inline]
    pub fn is_cloze_line(&self, line: &str) -> bool {
        // Most lines hold no prefix's first byte: that test is inlined.
        let found = self.first_candidate(line).is_some_and(|from| self.holds_cloze_from(line, from));
        debug_assert_eq!(found, self.is_cloze_line_by_regex(line), "the fast cloze test is exact: {line:?}");
        found
    }

    /// [`Clozes::is_cloze_line`] for a line in which no prefix starts
    /// before byte `from` (a character boundary).
    fn holds_cloze_from(&self, line: &str, from: usize) -> bool {
        self.patterns.iter().any(|p| {
            let plausible = match crate::parse::lines::find(&line[from..], &p.prefix) {
                None => false,
                Some(i) => {
                    let after = from + i + p.prefix.len();
                    let rest = line[after..].char_indices().nth(1).map_or("", |(i, _)| &line[after + i..]);
                    crate::parse::lines::find(rest, &p.suffix).is_some()
                }
            };
            // The usual shape matches `P`, one character and the rest
            // lazily up to `S`, all on the line: the test above is the
            // regex's own when the line holds no line break.
            plausible
                && ((p.seq_prefix.is_some() && memchr::memchr(b'\n', line.as_bytes()).is_none())
                    || p.simple.is_match(line)
                    || p.classic.as_ref().is_some_and(|r| r.is_match(line)))
        })
    }

    /// [`Clozes::is_cloze_line`] by the regexes alone (to check its fast path).
    #[doc(hidden)]
    #[must_use]
    pub fn is_cloze_line_by_regex(&self, line: &str) -> bool {
        self.patterns
            .iter()
            .any(|p| p.simple.is_match(line) || p.classic.as_ref().is_some_and(|r| r.is_match(line)))
    }

    /// [`Clozes::card_count`] by the regexes alone (to check its fast path).
    #[doc(hidden)]
    #[must_use]
    pub fn card_count_by_regex(&self, text: &str) -> usize {
        let (kind, dels) = self.deletions_by_regex(text);
        kind.map_or(0, |k| count_cards(k, &dels))
    }

    /// How many cards a cloze question gives.
    #[must_use]
    pub fn card_count(&self, text: &str) -> usize {
        if let Some(n) = self.fast_simple_count(text) {
            debug_assert_eq!(n, self.card_count_by_regex(text), "the fast cloze count is exact: {text:?}");
            return n;
        }
        let any = |pick: &dyn Fn(&Compiled) -> Option<&Regex>| {
            self.patterns.iter().any(|p| pick(p).is_some_and(|r| r.is_match(text)))
        };
        // Simple clozes need no captures: count the matches.
        if !any(&|p| p.classic.as_ref()) && !any(&|p| p.overlapping.as_ref()) {
            return self.patterns.iter().map(|p| p.simple.find_iter(text).count()).sum();
        }
        let (kind, dels) = self.deletions_by_regex(text);
        match kind {
            None => 0,
            Some(kind) => count_cards(kind, &dels),
        }
    }

    /// Counts simple clozes without regexes when that is exact (see
    /// [`Clozes::fast_simple`]).
    fn fast_simple_count(&self, text: &str) -> Option<usize> {
        let mut total = 0;
        self.fast_simple(text, |_, _, _| total += 1)?;
        Some(total)
    }

    /// Finds the simple clozes without regexes when that is exact: every
    /// pattern has the usual shape and no deletion could be numbered or
    /// overlapping (no run of digits or of `a`/`s`/`h` and the sequence's
    /// closing literal right after an opening: `==segment==` is simple). A
    /// simple match then runs from the opening to the first closing literal
    /// after at least one character, on the same line. `each` gets every
    /// match — its pattern, its range and its answer's — pattern by pattern,
    /// each in text order, as the regexes find them; `None` (maybe after
    /// some matches) when the regexes must decide.
    fn fast_simple(&self, text: &str, mut each: impl FnMut(usize, Range<usize>, Range<usize>)) -> Option<()> {
        let holds = |literal: &str| !literal.is_empty() && crate::parse::lines::find(text, literal).is_some();
        for (pi, p) in self.patterns.iter().enumerate() {
            let seq_prefix = p.seq_prefix.as_deref()?;
            let has_hint = holds(&p.hint_open);
            let has_seq_suffix = if p.seq_suffix == p.hint_open { has_hint } else { holds(&p.seq_suffix) };
            let exact_runs = p
                .seq_suffix
                .bytes()
                .next()
                .is_some_and(|c| !c.is_ascii_digit() && !matches!(c, b'a' | b's' | b'h'));
            if p.classic.is_some() && (has_seq_suffix || !exact_runs) {
                // A numbered or overlapping deletion can open at any
                // occurrence of the opening, overlapping ones included
                // (`===2;;x==` opens at byte 1), so every one is checked:
                // one that may be numbered or overlapping (a run of digits,
                // or of `a`/`s`/`h`, then the literal after the sequence)
                // leaves the count to the regexes. When that literal is
                // empty or could continue a run, any such first character
                // does. With exact runs, such a deletion needs that literal
                // somewhere in the text: without it none is looked for.
                let mut at = 0;
                while let Some(i) = crate::parse::lines::find(&text[at..], &p.prefix) {
                    let open = at + i;
                    if let Some(r) = text[open + p.prefix.len()..].strip_prefix(seq_prefix) {
                        let r = r.as_bytes();
                        let digits = r.iter().take_while(|c| c.is_ascii_digit()).count();
                        let ash = r.iter().take_while(|c| matches!(c, b'a' | b's' | b'h')).count();
                        let maybe = if exact_runs {
                            let then_suffix = |n: usize| n > 0 && r[n..].starts_with(p.seq_suffix.as_bytes());
                            then_suffix(digits) || then_suffix(ash)
                        } else {
                            digits > 0 || ash > 0
                        };
                        if maybe {
                            return None;
                        }
                    }
                    at = open + text[open..].chars().next().map_or(1, char::len_utf8);
                }
            }
            let mut from = 0;
            // The first line break at or after the last place looked from:
            // still the first one after any later place before it.
            let mut line_end = 0;
            while let Some(i) = crate::parse::lines::find(&text[from..], &p.prefix) {
                let open_end = from + i + p.prefix.len();
                let after = &text[open_end..];
                let Some(first) = after.chars().next().filter(|&c| c != '\n' && c != '\r') else {
                    from = open_end;
                    continue;
                };
                let body = open_end + first.len_utf8();
                if line_end < body {
                    line_end = memchr::memchr2(b'\n', b'\r', &text.as_bytes()[body..])
                        .map_or(text.len(), |e| body + e);
                }
                match crate::parse::lines::find(&text[body..line_end], &p.suffix) {
                    // A hint's opening before the closing: the optional hint
                    // may run on to a later closing (`==a;;== b ==c==` is one
                    // deletion with the hint `== b `), the regexes decide.
                    Some(j)
                        if has_hint
                            && crate::parse::lines::find(&text[open_end..body + j], &p.hint_open)
                                .is_some() =>
                    {
                        return None;
                    }
                    Some(j) => {
                        let end = body + j + p.suffix.len();
                        each(pi, from + i..end, open_end..body + j);
                        from = end;
                    }
                    None => from = open_end,
                }
            }
        }
        Some(())
    }

    /// Expands a cloze question into `(front, back)` per card, in sibling order.
    #[must_use]
    pub fn expand(&self, text: &str) -> (Option<ClozeType>, Vec<(String, String)>) {
        self.expand_with(text, None)
    }

    /// Like [`Clozes::expand`], with the asked deletions wrapped in `ask`
    /// and the hidden ones (an overlapping cloze's `h`) in `hide`, as
    /// `(open, close)` (for highlighting).
    #[must_use]
    pub fn expand_marked(&self, text: &str, ask: (char, char), hide: (char, char)) -> Vec<(String, String)> {
        self.expand_with(text, Some((ask, hide))).1
    }

    fn expand_with(
        &self,
        text: &str,
        marks: Option<((char, char), (char, char))>,
    ) -> (Option<ClozeType>, Vec<(String, String)>) {
        let (kind, dels) = self.deletions(text);
        let Some(kind) = kind else {
            return (None, Vec::new());
        };
        let count = count_cards(kind, &dels);
        // The plugin (clozecraft) builds each side by replacing every
        // deletion in turn, in the order they were found (pattern by
        // pattern, then text order), each at the first place its raw text
        // still occurs: so with two patterns nested or crossing, a deletion
        // inside another is replaced too (spec §j.1). A `$` in an answer is
        // kept as written (the plugin's JavaScript replace would read
        // `$&`, `$'` and `$$`; spec README).
        let cards = (0..count)
            .map(|card| {
                let role = |idx: usize, d: &Deletion| -> Role {
                    match kind {
                        ClozeType::Simple => {
                            if idx == card {
                                Role::Ask
                            } else {
                                Role::Show
                            }
                        }
                        ClozeType::Classic => {
                            if d.seq.as_deref().and_then(|s| s.parse::<usize>().ok()) == Some(card + 1) {
                                Role::Ask
                            } else {
                                Role::Show
                            }
                        }
                        ClozeType::Overlapping => match d.seq.as_deref().and_then(|s| s.chars().nth(card)) {
                            Some('a') => Role::Ask,
                            Some('h') => Role::Hide,
                            _ => Role::Show,
                        },
                    }
                };
                let mut front = text.to_owned();
                let mut back = text.to_owned();
                for (idx, d) in dels.iter().enumerate() {
                    let raw = &text[d.start..d.end];
                    let blank = match &d.hint {
                        Some(h) => format!("[{h}]"),
                        None => "[...]".to_owned(),
                    };
                    let (f, b) = match role(idx, d) {
                        Role::Ask => {
                            (marked(&blank, marks.map(|m| m.0)), marked(&d.answer, marks.map(|m| m.0)))
                        }
                        Role::Hide => {
                            (marked(&blank, marks.map(|m| m.1)), marked(&blank, marks.map(|m| m.1)))
                        }
                        Role::Show => (d.answer.clone(), d.answer.clone()),
                    };
                    replace_first(&mut front, raw, &f);
                    replace_first(&mut back, raw, &b);
                }
                (front, back)
            })
            .collect();
        (Some(kind), cards)
    }

    /// The deletions of a cloze question in text order, each with the
    /// siblings (0-based) that ask it, for converting to another cloze syntax
    /// (Anki's `{{c1::answer::hint}}`). A deletion that overlaps an earlier
    /// one is left out, as [`Clozes::expand`] does; an overlapping cloze's
    /// `h` (hidden, not asked) is not a card of its own and is not listed.
    #[must_use]
    pub fn spans(&self, text: &str) -> Vec<ClozeSpan> {
        let (kind, dels) = self.deletions(text);
        let Some(kind) = kind else {
            return Vec::new();
        };
        let mut by_pos: Vec<(usize, &Deletion)> = dels.iter().enumerate().collect();
        by_pos.sort_by_key(|(_, d)| d.start);
        let mut out = Vec::with_capacity(by_pos.len());
        let mut pos = 0;
        for (idx, d) in by_pos {
            if d.start < pos {
                continue;
            }
            pos = d.end;
            let seq = d.seq.as_deref().unwrap_or("");
            let cards = match kind {
                ClozeType::Simple => vec![idx],
                ClozeType::Classic => {
                    seq.parse::<usize>().ok().filter(|&n| n > 0).map(|n| n - 1).into_iter().collect()
                }
                ClozeType::Overlapping => {
                    seq.chars().enumerate().filter(|&(_, c)| c == 'a').map(|(i, _)| i).collect()
                }
            };
            out.push(ClozeSpan {
                range: d.start..d.end,
                answer: d.answer.clone(),
                hint: d.hint.clone(),
                cards,
            });
        }
        out
    }

    fn deletions(&self, text: &str) -> (Option<ClozeType>, Vec<Deletion>) {
        let mut fast = Vec::new();
        let found = self.fast_simple(text, |pattern, m, ans| {
            let answer = text[ans].to_owned();
            fast.push(Deletion { start: m.start, end: m.end, answer, hint: None, seq: None, pattern });
        });
        if found.is_some() {
            let kind = (!fast.is_empty()).then_some(ClozeType::Simple);
            #[cfg(debug_assertions)]
            {
                let (k, d) = self.deletions_by_regex(text);
                assert_eq!((kind, &fast), (k, &d), "the fast cloze search is exact: {text:?}");
            }
            return (kind, fast);
        }
        self.deletions_by_regex(text)
    }

    fn deletions_by_regex(&self, text: &str) -> (Option<ClozeType>, Vec<Deletion>) {
        let collect = |pick: &dyn Fn(&Compiled) -> Option<&Regex>| -> Vec<Deletion> {
            let mut out = Vec::new();
            for (pi, p) in self.patterns.iter().enumerate() {
                let Some(re) = pick(p) else { continue };
                for c in re.captures_iter(text) {
                    let Some(m) = c.get(0) else { continue };
                    out.push(Deletion {
                        start: m.start(),
                        end: m.end(),
                        answer: c.name("ans").map_or("", |m| m.as_str()).to_owned(),
                        hint: c.name("hint").map(|m| m.as_str().to_owned()),
                        seq: c.name("seq").map(|m| m.as_str().to_owned()),
                        pattern: pi,
                    });
                }
            }
            out
        };
        let any = |pick: &dyn Fn(&Compiled) -> Option<&Regex>| {
            self.patterns.iter().any(|p| pick(p).is_some_and(|r| r.is_match(text)))
        };
        if any(&|p| p.classic.as_ref()) {
            return (Some(ClozeType::Classic), collect(&|p| p.classic.as_ref()));
        }
        if any(&|p| p.overlapping.as_ref()) {
            return (Some(ClozeType::Overlapping), collect(&|p| p.overlapping.as_ref()));
        }
        let simple = collect(&|p| Some(&p.simple));
        if !simple.is_empty() {
            debug_assert!(simple.windows(2).all(|w| w[0].pattern <= w[1].pattern));
            return (Some(ClozeType::Simple), simple);
        }
        (None, Vec::new())
    }
}

/// `text` between the marks of one role (asked, or hidden), when marking.
fn marked(text: &str, marks: Option<(char, char)>) -> String {
    match marks {
        Some((open, close)) => {
            let mut out = String::with_capacity(text.len() + 6);
            out.push(open);
            out.push_str(text);
            out.push(close);
            out
        }
        None => text.to_owned(),
    }
}

/// JavaScript's `s.replace(raw, with)` for a string pattern, without its
/// `$` replacement patterns: the first occurrence only.
fn replace_first(s: &mut String, raw: &str, with: &str) {
    if let Some(at) = crate::parse::lines::find(s, raw) {
        s.replace_range(at..at + raw.len(), with);
    }
}

/// The most cards one numbered cloze question gives. A numbered cloze
/// gives as many cards as its highest number, so `==99999999;;x==` would ask
/// for a hundred million (the plugin tries, and hangs); past this limit the
/// higher numbers are never asked.
pub const MAX_NUMBERED_CARDS: usize = 1000;

fn count_cards(kind: ClozeType, dels: &[Deletion]) -> usize {
    match kind {
        ClozeType::Simple => dels.len(),
        ClozeType::Classic => dels
            .iter()
            .filter_map(|d| d.seq.as_deref()?.parse::<usize>().ok())
            .max()
            .unwrap_or(0)
            .min(MAX_NUMBERED_CARDS),
        ClozeType::Overlapping => {
            dels.iter().map(|d| d.seq.as_deref().map_or(0, |s| s.chars().count())).max().unwrap_or(0)
        }
    }
}

#[cfg(test)]
mod tests;
