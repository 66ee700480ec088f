//! The parser over arbitrary bytes and settings: no panic, and every span
//! the write-back relies on lies inside the text on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use recall_fuzz::{Case, check_note};

fuzz_target!(|data: &[u8]| {
    let Some(case) = Case::decode(data) else { return };
    let note = case.parse(case.text.clone());
    assert_eq!(note.text, case.text, "the note keeps its text as read");
    check_note(&note, &case);
});
