//! Byte-for-byte tests of the front-matter edit: YAML, one-line JSON, none,
//! CRLF, BOM, comments, quotes, flow lists, and the refusals.

use chrono::NaiveDate;

use super::*;
use crate::schedule::{Ease, Interval};

fn next(due: &str, interval: f64, ease: f64) -> Sm2 {
    Sm2 {
        due: NaiveDate::parse_from_str(due, "%Y-%m-%d").expect("date"),
        interval: Interval(interval),
        ease: Ease(ease),
    }
}

fn edited(text: &str, n: &Sm2) -> String {
    splice(text, &plan_edit(text, n).expect("plan"))
}

fn good() -> Sm2 {
    next("2024-06-22", 2.0, 249.0)
}

#[test]
fn yaml_without_keys_gets_them_before_the_closing_line() {
    let text = "---\ntags: [review]\n---\n# Consensus\n";
    assert_eq!(
        edited(text, &good()),
        "---\ntags: [review]\nsr-due: 2024-06-22\nsr-interval: 2\nsr-ease: 249\n---\n# Consensus\n"
    );
}

#[test]
fn yaml_keys_are_rewritten_where_they_stand() {
    let text =
        "---\ntags:\n  - review\nsr-due: 2024-06-25\nsr-interval: 4.5\nsr-ease: 230\ntitle: x\n---\nbody";
    assert_eq!(
        edited(text, &next("2024-07-05", 15.0, 250.0)),
        "---\ntags:\n  - review\nsr-due: 2024-07-05\nsr-interval: 15\nsr-ease: 250\ntitle: x\n---\nbody"
    );
}

#[test]
fn a_missing_key_is_added_and_the_others_stay_in_place() {
    let text = "---\ntags: review\nsr-due: 2024-06-10\nsr-ease: 290\n---\nThis note lost its interval.\n";
    assert_eq!(
        edited(text, &next("2024-06-23", 3.0, 250.0)),
        "---\ntags: review\nsr-due: 2024-06-23\nsr-ease: 250\nsr-interval: 3\n---\nThis note lost its interval.\n"
    );
}

#[test]
fn crlf_comments_and_quotes_are_kept() {
    let text = "---\r\n# owner: me\r\ntags: review\r\ntitle: 'Windows line endings'\r\n---\r\nWritten on Windows.\r\n";
    assert_eq!(
        edited(text, &next("2024-06-21", 1.0, 230.0)),
        "---\r\n# owner: me\r\ntags: review\r\ntitle: 'Windows line endings'\r\nsr-due: 2024-06-21\r\nsr-interval: 1\r\nsr-ease: 230\r\n---\r\nWritten on Windows.\r\n"
    );
    let text = "---\r\ntags: review\r\nsr-due: 2024-06-20\r\nsr-interval: 2\r\nsr-ease: 250\r\n---\r\nDue today, CRLF.\r\n";
    assert_eq!(
        edited(text, &next("2024-06-25", 5.0, 250.0)),
        "---\r\ntags: review\r\nsr-due: 2024-06-25\r\nsr-interval: 5\r\nsr-ease: 250\r\n---\r\nDue today, CRLF.\r\n"
    );
}

#[test]
fn a_bom_stays_first() {
    let text = "\u{feff}---\ntags: [review]\n---\nx";
    assert_eq!(
        edited(text, &good()),
        "\u{feff}---\ntags: [review]\nsr-due: 2024-06-22\nsr-interval: 2\nsr-ease: 249\n---\nx"
    );
    let text = "\u{feff}Body #review\n";
    assert_eq!(
        edited(text, &good()),
        "\u{feff}---\nsr-due: 2024-06-22\nsr-interval: 2\nsr-ease: 249\n---\nBody #review\n"
    );
}

#[test]
fn flow_lists_quoted_values_and_trailing_comments_elsewhere_stay() {
    let text = "---\naliases: [\"a, b\", c]   # keep\nsr-due: \"2024-06-01\" # old\nsr-interval: '40'\nsr-ease: 350\nnested:\n  sr-due: not this one\n---\n";
    assert_eq!(
        edited(text, &next("2024-12-10", 173.0, 350.0)),
        "---\naliases: [\"a, b\", c]   # keep\nsr-due: 2024-12-10\nsr-interval: 173\nsr-ease: 350\nnested:\n  sr-due: not this one\n---\n"
    );
}

#[test]
fn a_value_continued_on_indented_lines_is_replaced_whole() {
    let text = "---\nsr-due:\n  2024-06-01\nsr-interval: 3\nsr-ease: 250\ntags: review\n---\n";
    assert_eq!(
        edited(text, &good()),
        "---\nsr-due: 2024-06-22\nsr-interval: 2\nsr-ease: 249\ntags: review\n---\n"
    );
}

#[test]
fn quoted_keys_are_found() {
    let text = "---\n\"sr-due\": 2024-06-01\n'sr-interval': 3\nsr-ease : 250\n---\n";
    assert_eq!(edited(text, &good()), "---\nsr-due: 2024-06-22\nsr-interval: 2\nsr-ease: 249\n---\n");
}

#[test]
fn fractional_values_print_like_javascript() {
    let text = "---\ntags: review\n---\n";
    assert_eq!(
        edited(text, &next("2024-07-16", 26.3, 242.5)),
        "---\ntags: review\nsr-due: 2024-07-16\nsr-interval: 26.3\nsr-ease: 242.5\n---\n"
    );
}

#[test]
fn one_line_json_values_are_replaced() {
    let text = "---\n{\"tags\": [\"review\"], \"sr-due\": \"2024-06-19\", \"sr-interval\": 3, \"sr-ease\": 250}\n---\nFront matter written as one line of JSON.\n";
    assert_eq!(
        edited(text, &next("2024-06-29", 9.0, 250.0)),
        "---\n{\"tags\": [\"review\"], \"sr-due\": \"2024-06-29\", \"sr-interval\": 9, \"sr-ease\": 250}\n---\nFront matter written as one line of JSON.\n"
    );
}

#[test]
fn one_line_json_gets_missing_keys_appended() {
    let text =
        "---\n{\"tags\": [\"review\"], \"aliases\": [\"jn\"]}\n---\nA new note with JSON front matter.\n";
    assert_eq!(
        edited(text, &next("2024-06-24", 4.0, 270.0)),
        "---\n{\"tags\": [\"review\"], \"aliases\": [\"jn\"], \"sr-due\": \"2024-06-24\", \"sr-interval\": 4, \"sr-ease\": 270}\n---\nA new note with JSON front matter.\n"
    );
    // Only one key there: it is replaced, the other two follow the last value.
    let text = "---\r\n{\"sr-ease\": 250 , \"tags\": \"review\" }\r\n---\r\n";
    assert_eq!(
        edited(text, &good()),
        "---\r\n{\"sr-ease\": 249 , \"tags\": \"review\", \"sr-due\": \"2024-06-22\", \"sr-interval\": 2 }\r\n---\r\n"
    );
}

#[test]
fn an_empty_json_object_gets_no_leading_comma() {
    assert_eq!(
        edited("---\n{}\n---\n", &good()),
        "---\n{\"sr-due\": \"2024-06-22\", \"sr-interval\": 2, \"sr-ease\": 249}\n---\n"
    );
}

#[test]
fn no_front_matter_gets_one_in_the_files_line_ending() {
    assert_eq!(
        edited("Partition keys. #review\n", &next("2024-06-23", 3.0, 250.0)),
        "---\nsr-due: 2024-06-23\nsr-interval: 3\nsr-ease: 250\n---\nPartition keys. #review\n"
    );
    assert_eq!(
        edited("#review\r\nCRLF\r\n", &good()),
        "---\r\nsr-due: 2024-06-22\r\nsr-interval: 2\r\nsr-ease: 249\r\n---\r\n#review\r\nCRLF\r\n"
    );
    assert_eq!(
        edited("#review", &good()),
        "---\nsr-due: 2024-06-22\nsr-interval: 2\nsr-ease: 249\n---\n#review"
    );
    assert_eq!(edited("", &good()), "---\nsr-due: 2024-06-22\nsr-interval: 2\nsr-ease: 249\n---\n");
}

#[test]
fn a_dash_line_that_opens_nothing_gets_front_matter_before_it() {
    let text = "---\nno closing line #review\n";
    assert_eq!(
        edited(text, &good()),
        "---\nsr-due: 2024-06-22\nsr-interval: 2\nsr-ease: 249\n---\n---\nno closing line #review\n"
    );
}

#[test]
fn empty_yaml_front_matter() {
    assert_eq!(
        edited("---\n---\nx\n", &good()),
        "---\nsr-due: 2024-06-22\nsr-interval: 2\nsr-ease: 249\n---\nx\n"
    );
}

#[test]
fn only_the_three_lines_change() {
    let text = "---\ntags: [review, flashcards]\nsr-due: 2024-06-20\nsr-interval: 8\nsr-ease: 390\n---\nA::B\n<!--SR:!2024-06-25,9,330-->\n";
    let edits = plan_edit(text, &next("2024-07-21", 31.0, 390.0)).expect("plan");
    assert_eq!(edits.len(), 3);
    for e in &edits {
        assert!(e.old.starts_with("sr-"), "{e:?}");
        assert_eq!(&text[e.range.clone()], e.old);
    }
}

#[test]
fn refusals() {
    assert!(matches!(plan_edit("---\ntags: [a\n---\n", &good()), Err(EditError::InvalidYaml(_))));
    assert_eq!(
        plan_edit("---\n{tags: [review],\n sr-due: 2024-06-01}\n---\n", &good()),
        Err(EditError::FlowMapping)
    );
    assert!(plan_edit("---\n{\"tags\": [\"review\"]} trailing\n---\n", &good()).is_err());
    // A list is no mapping: keys cannot be added to it.
    assert_eq!(plan_edit("---\n- a\n- b\n---\n", &good()), Err(EditError::NotReadBack));
}

fn cleared(text: &str) -> String {
    crate::edit::splice(text, &super::plan_clear(text).expect("plan"))
}

#[test]
fn clearing_takes_only_the_three_lines_out() {
    assert_eq!(
        cleared(
            "---\ntags: review # mine\nsr-due: 2024-06-20\nsr-interval: 8\ntitle: 'x'\nsr-ease: 390\n---\nBody\n"
        ),
        "---\ntags: review # mine\ntitle: 'x'\n---\nBody\n"
    );
    assert_eq!(
        cleared(
            "\u{feff}---\r\nsr-due: 2024-06-20\r\nsr-interval:\r\n  8\r\nsr-ease: 390\r\ntags: [review]\r\n---\r\nB\r\n"
        ),
        "\u{feff}---\r\ntags: [review]\r\n---\r\nB\r\n"
    );
    assert!(super::plan_clear("No front matter.\n").expect("plan").is_empty());
    assert!(super::plan_clear("---\ntags: review\n---\n").expect("plan").is_empty());
    assert_eq!(
        super::plan_clear("---\n{\"tags\": [\"review\"], \"sr-due\": \"2024-06-01\"}\n---\n"),
        Err(EditError::JsonClear)
    );
    assert!(super::plan_clear("---\n{\"tags\": [\"review\"]}\n---\n").expect("plan").is_empty());
}

#[test]
fn extreme_numbers_read_back() {
    // Found by the `frontmatter` fuzz target: numbers JavaScript prints
    // with an exponent or beyond 2^64 are still written and read back.
    for (ivl, ease) in
        [(6.011_259_536_160_669_5e-304, -3.689_351_151_204_461e19), (1e21, 250.0), (3.0, 1.5e-7)]
    {
        let n = next("2024-01-02", ivl, ease);
        let text = "taJ0no card\u{fffd}\tQY?\nAJ";
        let got = plan_edit(text, &n).map(|e| splice(text, &e));
        assert!(got.is_ok(), "{ivl} {ease}: {got:?}");
    }
}
