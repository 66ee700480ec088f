//! The schedule comment codec: `<!--SR:!2024-06-18,13,290!2024-06-21,16,290-->`.
//!
//! Reading follows the plugin exactly (spec §b.1): the first `<!--SR:…-->` on a
//! line, the payload split on `!`, pieces trimmed and empty ones dropped, one
//! piece per sibling. Dates are read with moment's lenient multi-format rules
//! (see [`super::moment::parse_moment_date`]), numbers with JavaScript's `parseInt`. Every
//! segment keeps its raw text, so a sibling we cannot read is written back
//! exactly as it was. Writing produces the plugin's exact text (§b.2).

use std::ops::Range;
use std::sync::LazyLock;

use chrono::NaiveDate;

use crate::schedule::fsrs::{FsrsSegment, Stamp};
use crate::schedule::{Ease, Interval, WholeEase, WholeInterval};
use regex::Regex;

// The JavaScript helpers lived here first; their old paths stay.
pub use super::js::{js_number, js_parse_int, js_trim, js_trim_end, js_trim_start};
use super::moment::parse_moment_date;

/// The date the plugin writes for a sibling that has never been reviewed.
pub const PLACEHOLDER_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => panic!("valid constant date"),
};

/// One sibling's piece of a schedule comment, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Where the trimmed piece without its leading `!` (e.g.
    /// `2024-06-18,13,290`) lies in the text it was read from.
    pub raw: Range<usize>,
    /// What the piece says.
    pub kind: SegmentKind,
}

/// The two kinds of segment the plugin writes.
#[derive(Debug, Clone, PartialEq)]
pub enum SegmentKind {
    /// `date,interval,ease` (SM-2-OSR). `None` where the plugin reads `NaN` or
    /// an invalid date.
    Sm2 { due: Option<NaiveDate>, interval: Option<WholeInterval>, ease: Option<WholeEase> },
    /// `fsrs,due,interval,stability,difficulty,…`, read field by field as
    /// the plugin reads it (spec §b.4).
    Fsrs(Box<FsrsSegment>),
    /// A piece the plugin reads as no schedule at all (`fsrs,-,…`): the
    /// sibling is new; the piece is kept as written.
    Null,
}

impl Segment {
    /// Reads one trimmed, non-empty piece. `today` only matters for moment's
    /// defaulting of a missing year (a piece such as `Wed Jun 05`).
    #[must_use]
    pub fn parse(raw: &str, at: usize, today: NaiveDate) -> Segment {
        let kind = if raw.starts_with("fsrs,") {
            FsrsSegment::parse(raw).map_or(SegmentKind::Null, |s| SegmentKind::Fsrs(Box::new(s)))
        } else if let Some(kind) = canonical_sm2(raw) {
            kind
        } else {
            let mut fields = raw.split(',');
            let date = fields.next().unwrap_or("");
            SegmentKind::Sm2 {
                due: parse_moment_date(date, today),
                interval: fields.next().and_then(WholeInterval::parse),
                ease: fields.next().and_then(WholeEase::parse),
            }
        };
        Segment { raw: at..at + raw.len(), kind }
    }

    /// True for the `2000-01-01` placeholder (or a piece the plugin reads
    /// as nothing): the sibling is new.
    #[must_use]
    pub fn is_placeholder(&self) -> bool {
        matches!(self.kind, SegmentKind::Sm2 { due: Some(d), .. } if d == PLACEHOLDER_DATE)
            || matches!(self.kind, SegmentKind::Null)
    }

    /// Reads a zone-less FSRS timestamp in `zone` (moment reads it in local
    /// time); other segments are unchanged.
    pub fn place(&mut self, zone: crate::clock::Zone) {
        if let SegmentKind::Fsrs(s) = &mut self.kind
            && (matches!(s.due, Stamp::Floating(_)) || matches!(s.last_review, Some(Stamp::Floating(_))))
        {
            **s = s.as_ref().clone().placed(|t| Some(zone.instant(t)));
        }
    }
}

/// The common `YYYY-MM-DD,ivl,ease` (digits only) read without splitting;
/// `None` for anything else, which the general path reads.
fn canonical_sm2(raw: &str) -> Option<SegmentKind> {
    canonical_sm2_at(raw.as_bytes()).and_then(|(kind, len)| (len == raw.len()).then_some(kind))
}

/// A canonical SM-2 piece at the start of `b` (its number fields as long as
/// their digits run, at most 18 digits each, a valid date): what it says
/// and its length in bytes.
fn canonical_sm2_at(b: &[u8]) -> Option<(SegmentKind, usize)> {
    let date = b.get(..11)?;
    if date[4] != b'-' || date[7] != b'-' || date[10] != b',' {
        return None;
    }
    let digit = |i: usize| {
        let d = date[i].wrapping_sub(b'0');
        (d < 10).then_some(u32::from(d))
    };
    let year = digit(0)? * 1000 + digit(1)? * 100 + digit(2)? * 10 + digit(3)?;
    let (month, day) = (digit(5)? * 10 + digit(6)?, digit(8)? * 10 + digit(9)?);
    let due = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    /// The number the digits at the start of `r` spell, and how many
    /// there are (one to 18).
    fn digits(r: &[u8]) -> Option<(i64, usize)> {
        let mut v = 0i64;
        for (n, &c) in r.iter().enumerate() {
            let d = c.wrapping_sub(b'0');
            if d >= 10 {
                return (n > 0).then_some((v, n));
            }
            if n == 18 {
                return None;
            }
            v = v * 10 + i64::from(d);
        }
        (!r.is_empty()).then_some((v, r.len()))
    }
    let (interval, n) = digits(&b[11..])?;
    let comma = 11 + n;
    if b.get(comma) != Some(&b',') {
        return None;
    }
    let (ease, n) = digits(&b[comma + 1..])?;
    let kind = SegmentKind::Sm2 {
        due: Some(due),
        interval: Some(WholeInterval(interval)),
        ease: Some(WholeEase(ease)),
    };
    Some((kind, comma + 1 + n))
}

/// Where a schedule comment sits in a text and what it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    /// Byte range of the whole `<!--SR:…-->` in the searched text.
    pub span: Range<usize>,
    /// The segments in sibling order.
    pub segments: Vec<Segment>,
}

/// Finds the first `<!--SR:(.+?)-->` in `text` the way the plugin's regex
/// does: the payload is at least one character and does not cross a line.
#[must_use]
pub fn find_comment(text: &str) -> Option<Range<usize>> {
    const OPEN: &str = "<!--SR:";
    let mut from = 0;
    while let Some(rel) = crate::parse::lines::find(&text[from..], OPEN) {
        let open = from + rel;
        let body = open + OPEN.len();
        // `.` matches neither `\n` nor `\r` (nor U+2028/9, which we also stop at).
        let line_end = line_end(text, body);
        // `.+?`: at least one character before the closing `-->`.
        let first = text[body..line_end].chars().next().map(char::len_utf8);
        if let Some(w) = first
            && let Some(close) = crate::parse::lines::find_by_last(&text[body + w..line_end], "-->")
        {
            return Some(open..body + w + close + 3);
        }
        from = body;
    }
    None
}

/// Where the line holding byte `from` ends: the first `\n`, `\r`, U+2028 or
/// U+2029 (what JavaScript's `.` does not match), or the end of the text.
fn line_end(text: &str, from: usize) -> usize {
    let b = text.as_bytes();
    let mut at = from;
    while let Some(i) = memchr::memchr3(b'\n', b'\r', 0xE2, &b[at..]) {
        let p = at + i;
        if b[p] != 0xE2 || (b.get(p + 1) == Some(&0x80) && matches!(b.get(p + 2), Some(0xA8 | 0xA9))) {
            return p;
        }
        at = p + 1;
    }
    text.len()
}

/// Splits a comment's payload into segments (spec §b.1 step 2); `at` is
/// the payload's offset in the text its ranges refer to.
#[must_use]
pub fn parse_payload(payload: &str, at: usize, today: NaiveDate) -> Vec<Segment> {
    // `payload.split('!').map(js_trim).filter(non-empty)`, without the
    // general searcher's set-up on every piece.
    let base = payload.as_ptr() as usize;
    let b = payload.as_bytes();
    let mut out = Vec::with_capacity(2);
    let mut start = 0;
    loop {
        let end = memchr::memchr(b'!', &b[start..]).map_or(b.len(), |i| start + i);
        let piece = js_trim(&payload[start..end]);
        if !piece.is_empty() {
            out.push(Segment::parse(piece, at + (piece.as_ptr() as usize - base), today));
        }
        if end == b.len() {
            return out;
        }
        start = end + 1;
    }
}

/// Reads the schedule of a question's text: the first SR comment, or, when
/// there is none, the plugin's legacy fallback of bare `!date,ivl,ease` runs.
#[must_use]
pub fn read_schedule(text: &str, today: NaiveDate) -> (Option<Range<usize>>, Vec<Segment>) {
    // Every comment opens with `<`: the first one in the text is usually
    // the comment's, in the shape the plugin writes.
    let read = match memchr::memchr(b'<', text.as_bytes()) {
        None => (None, bare_segments(text, today)),
        Some(first_lt) => match read_canonical(text, first_lt) {
            Some((span, segments)) => (Some(span), segments),
            None => return read_schedule_by_search(text, today),
        },
    };
    debug_assert_eq!(read, read_schedule_by_search(text, today), "the fast read is exact: {text:?}");
    read
}

/// [`read_schedule`] by [`find_comment`] and [`parse_payload`] alone (to
/// check its fast path).
#[doc(hidden)]
#[must_use]
pub fn read_schedule_by_search(text: &str, today: NaiveDate) -> (Option<Range<usize>>, Vec<Segment>) {
    if let Some(span) = find_comment(text) {
        let payload = &text[span.start + 7..span.end - 3];
        let segments = parse_payload(payload, span.start + 7, today);
        return (Some(span), segments);
    }
    (None, bare_segments(text, today))
}

/// The plugin's legacy fallback for a text without a comment: its bare
/// `!date,ivl,ease` runs.
fn bare_segments(text: &str, today: NaiveDate) -> Vec<Segment> {
    // Every bare run starts with `!`: most questions without a comment
    // have none, and need no regex.
    if memchr::memchr(b'!', text.as_bytes()).is_none() {
        return Vec::new();
    }
    static BARE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"!([0-9-]+),([0-9]+),([0-9]+)").expect("valid regex"));
    BARE.captures_iter(text)
        .filter_map(|c| c.get(0))
        .map(|m| Segment::parse(&m.as_str()[1..], m.start() + 1, today))
        .collect()
}

/// The comment the plugin writes for SM-2, `<!--SR:` then one or more
/// `!YYYY-MM-DD,ivl,ease` (digits only, a valid date) then `-->`, read in
/// one pass when it starts at `first_lt`, the text's first `<`: the span
/// and segments [`find_comment`] and [`parse_payload`] give it, or `None`
/// for any other text. No earlier `<` means no earlier comment; the
/// payload holds neither a line break nor a `>`, so the first `-->` after
/// it ends the comment; its pieces need no trimming and none is empty.
fn read_canonical(text: &str, first_lt: usize) -> Option<(Range<usize>, Vec<Segment>)> {
    const OPEN: &[u8] = b"<!--SR:";
    let b = text.as_bytes();
    if !b.get(first_lt..)?.starts_with(OPEN) {
        return None;
    }
    let mut at = first_lt + OPEN.len();
    let mut segments = Vec::with_capacity(2);
    while b.get(at) == Some(&b'!') {
        let start = at + 1;
        let (kind, len) = canonical_sm2_at(&b[start..])?;
        let end = start + len;
        segments.push(Segment { raw: start..end, kind });
        match b.get(end..end + 3) {
            Some(b"-->") => return Some((first_lt..end + 3, segments)),
            Some([b'!', ..]) => at = end,
            _ => return None,
        }
    }
    None
}

/// Formats one SM-2 segment as the plugin writes it: `!YYYY-MM-DD,ivl,ease`,
/// numbers printed as JavaScript prints them.
#[must_use]
pub fn format_sm2(due: NaiveDate, interval: Interval, ease: Ease) -> String {
    format!("!{},{},{}", due.format("%Y-%m-%d"), js_number(interval.0), js_number(ease.0))
}

/// Formats a whole comment from already formatted `!…` segments.
#[must_use]
pub fn format_comment(segments: &[String]) -> String {
    let mut s = String::from("<!--SR:");
    for seg in segments {
        s.push_str(seg);
    }
    s.push_str("-->");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid")
    }

    const TODAY: NaiveDate = match NaiveDate::from_ymd_opt(2024, 6, 20) {
        Some(d) => d,
        None => panic!(),
    };

    #[test]
    fn finds_first_comment_on_one_line() {
        assert_eq!(find_comment("a <!--SR:!x-->"), Some(2..14));
        assert_eq!(find_comment("<!--SR:-->"), None);
        assert_eq!(find_comment("<!--SR:\n-->"), None);
        assert_eq!(find_comment("<!--SR:a\n<!--SR:b-->"), Some(9..20));
        assert_eq!(find_comment("<!-- SR:!x-->"), None);
    }

    #[test]
    fn the_plugins_comment_reads_as_the_search_reads_it() {
        for text in [
            "q::a\n<!--SR:!2026-05-15,315,281-->",
            "q::a <!--SR:!2026-05-15,315,281!2026-02-27,213,300-->",
            "q::a\n<!--SR:!2026-05-15,315,281-->\nmore <!--SR:!2026-01-01,1,250-->",
            "q::a\n<!--SR:!2026-05-15,315,281--->",
            "q::a\n<!--SR:!2026-05-15,315,281-- >-->",
            "q::a\n<!--SR:!2026-05-15,315,281!!2026-01-01,1,2-->",
            "q::a\n<!--SR:!2026-02-30,1,250-->",
            "q::a\n<!--SR:!2026-05-15,1,2,3-->",
            "q::a\n<!--SR:!2026-05-15,1234567890123456789,2-->",
            "q::a\n<!--SR:!2026-05-15,123456789012345678,2-->",
            "q::a\n<!--SR:!2026-05-15,3,250",
            "q::a\n<!--SR:!2026-05-15,3,250!",
            "q::a\n<!--SR:!2026-05-15,3,250 -->",
            "q::a\n<!--SR:2026-05-15,3,250-->",
            "q::a\n<!--SR:!fsrs,2024-07-02T08:30:00.000Z,14,14.2,5.1,2,3,0,0-->",
            "<b>q</b>::a\n<!--SR:!2026-05-15,3,250-->",
            "q::a <!--SR:-->",
            "q::a !2024-06-01,3,250 <",
            "q::a !2024-06-01,3,250",
            "<!--SR:!2026-05-15,3,250-->x",
        ] {
            assert_eq!(read_schedule(text, TODAY), read_schedule_by_search(text, TODAY), "{text:?}");
        }
    }

    #[test]
    fn reads_segments_with_spaces_legacy_and_fsrs() {
        let (span, segs) = read_schedule("<!--SR: !2024-06-19 , 3 , 250 ! 2024-06-22,5,250 -->", TODAY);
        assert!(span.is_some());
        assert_eq!(segs.len(), 2);
        assert_eq!(
            segs[0].kind,
            SegmentKind::Sm2 {
                due: Some(d(2024, 6, 19)),
                interval: Some(WholeInterval(3)),
                ease: Some(WholeEase(250))
            }
        );
        let (_, legacy) = read_schedule("<!--SR:2021-08-11,4,270-->", TODAY);
        assert_eq!(
            legacy[0].kind,
            SegmentKind::Sm2 {
                due: Some(d(2021, 8, 11)),
                interval: Some(WholeInterval(4)),
                ease: Some(WholeEase(270))
            }
        );
        let (none, bare) = read_schedule("Q::looks like !2024-06-01,3,250 here", TODAY);
        assert!(none.is_none());
        assert_eq!(bare.len(), 1);
        let (_, f) = read_schedule(
            "<!--SR:!fsrs,2024-07-02T08:30:00.000Z,14,14.2,5.1,2,3,0,0,2024-06-18T08:30:00.000Z-->",
            TODAY,
        );
        assert!(matches!(&f[0].kind, SegmentKind::Fsrs(s) if (s.interval - 14.0).abs() < 1e-9));
        let text = "<!--SR:!fsrs,2024-07-02T08:30:00.000Z,14,14.2,5.1,2,3,0,0,2024-06-18T08:30:00.000Z-->";
        assert!(text[f[0].raw.clone()].starts_with("fsrs,2024-07-02"));
        assert!(text[f[0].raw.clone()].ends_with(":00.000Z"));
    }

    #[test]
    fn formats_like_the_plugin() {
        assert_eq!(format_sm2(d(2024, 1, 8), Interval(3.0), Ease(250.0)), "!2024-01-08,3,250");
        assert_eq!(format_sm2(d(2024, 1, 8), Interval(2.5), Ease(250.0)), "!2024-01-08,2.5,250");
        assert_eq!(js_number(0.0), "0");
        assert_eq!(js_number(-0.0), "0");
        assert_eq!(js_number(1e-7), "1e-7");
        assert_eq!(js_number(1e21), "1e+21");
        assert_eq!(js_number(6.3), "6.3");
        assert_eq!(format_comment(&["!a".into(), "!b".into()]), "<!--SR:!a!b-->");
    }
}
