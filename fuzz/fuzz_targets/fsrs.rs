//! The FSRS segment codec on arbitrary strings, as the comment parser hands
//! segments to it: parse → print → parse is stable (a fixed point after the
//! first print, and exact but for the drifts the plugin has too), and what is
//! printed — from a read segment or from a card the scheduler answered — is
//! a segment the comment parser reads back as that FSRS schedule.
#![no_main]

use chrono::{DateTime, Datelike, Utc};
use libfuzzer_sys::fuzz_target;
use recall::parse::comment::{SegmentKind, format_comment, js_trim, read_schedule};
use recall::schedule::fsrs::{FsrsSegment, Parameters, Rating, Stamp, next};
use recall_fuzz::{now, today};

/// A zone-less stamp placed in UTC, as `format` prints it.
fn utc(s: &FsrsSegment) -> FsrsSegment {
    s.clone().placed(|t| Some(t.and_utc()))
}

/// The drifts the plugin has too (module docs of `schedule::fsrs::segment`):
/// an integer field that JavaScript prints with an exponent or as
/// `Infinity` (parseInt reads neither back), an instant outside years
/// 0–9999 (printed with a six-digit year, which moment does not read).
fn drifts(s: &FsrsSegment) -> bool {
    let big = |x: f64| x.abs() >= 1e21;
    let far = |st: &Stamp| st.instant().is_some_and(|t: DateTime<Utc>| !(0..=9999).contains(&t.year()));
    [s.state, s.reps, s.lapses, s.learning_steps].into_iter().any(big)
        || far(&s.due)
        || s.last_review.as_ref().is_some_and(far)
}

/// `printed` (with its `!`) in a comment reads back as one FSRS segment:
/// the printed text, trimmed as the comment reader trims every segment.
/// Trimming only matters for an unreadable last review printed as it was
/// read (in a segment of more than nine fields): what is left may read
/// differently, even as a valid time (docs/fuzzing.md).
fn reads_back(printed: &str, want: &FsrsSegment) {
    assert!(printed.starts_with("!fsrs,"), "{printed:?}");
    let raw = js_trim(&printed[1..]);
    assert!(
        raw == &printed[1..] || matches!(want.last_review, Some(Stamp::Invalid(_))),
        "only an unreadable last review is trimmed: {printed:?}"
    );
    let comment = format_comment(&[printed.to_owned()]);
    let (span, segs) = read_schedule(&comment, today());
    assert_eq!(span, Some(0..comment.len()), "the printed comment closes where it ends: {comment:?}");
    assert_eq!(segs.len(), 1, "{comment:?}");
    assert_eq!(&comment[segs[0].raw.clone()], raw, "{comment:?}");
    let trimmed = FsrsSegment::parse(raw).expect("reads as FSRS");
    match &segs[0].kind {
        SegmentKind::Fsrs(got) => assert!(got.same_fields(&trimmed), "{printed:?}: read {got:?}"),
        other => panic!("{printed:?} reads as {other:?}"),
    }
    if raw == &printed[1..] {
        assert!(trimmed.same_fields(want), "{printed:?}: read {trimmed:?}, want {want:?}");
    }
}

/// Print → parse → print: a fixed point after the first print, that first
/// print exact but for the drifts, and every print readable in a comment.
fn stable(seg: &FsrsSegment) {
    let p1 = seg.format();
    let s2 = FsrsSegment::parse(&p1[1..]).expect("a printed segment reads as FSRS");
    let p2 = s2.format();
    let s3 = FsrsSegment::parse(&p2[1..]).expect("a printed segment reads as FSRS");
    assert_eq!(s3.format(), p2, "{p1:?}");
    assert!(s3.same_fields(&s2), "{p2:?}");
    reads_back(&p2, &s2);
    if !drifts(seg) {
        assert_eq!(p1, p2, "print → parse → print changed the segment");
        assert!(s2.same_fields(&utc(seg)), "{p1:?}: {s2:?} vs {seg:?}");
        reads_back(&p1, &utc(seg));
    }
}

fn check(seg: &FsrsSegment, rating_byte: u8) {
    stable(seg);
    // The scheduler's answer to a card it could read prints a readable,
    // stable segment too.
    let at = now();
    if let Ok(card) = utc(seg).to_card(at) {
        let rating = Rating::ALL[usize::from(rating_byte & 3)];
        let params = Parameters::plugin(0.9, 36500.0);
        if let Ok(after) = next(&params, &card, at, rating) {
            stable(&FsrsSegment::from_card(&after));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&rating, rest)) = data.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    // The input as a note's text, and as the fields after `fsrs,` of one
    // comment's segment.
    let wrapped = format!("<!--SR:!fsrs,{text}-->");
    for t in [text.as_ref(), wrapped.as_str()] {
        let (_, segs) = read_schedule(t, today());
        for s in &segs {
            if let SegmentKind::Fsrs(seg) = &s.kind {
                check(seg, rating);
            }
        }
    }
});
