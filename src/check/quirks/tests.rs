//! Tests of the quirk findings: each quirk in a small note, with its finding and fix.

use super::super::testutil::*;
use super::*;

const HEAD: &str = "#flashcards\n\n";

fn note(body: &str) -> String {
    format!("{HEAD}{body}")
}

#[test]
fn one_line_comment_hiding_a_card() {
    let got = only(&note("<!-- a comment -->\nLost::card\n"), Code::CommentHidesLine);
    assert_eq!(got.len(), 1);
    let with_schedule = codes(&note("<!-- a comment -->\nLost::card\n<!--SR:!2024-06-01,3,250-->\n"));
    assert_eq!(with_schedule, vec![(4, "comment-hides-line")]);
    assert_eq!(got[0].line, Some(4));
    assert_eq!(got[0].severity, Severity::Error);
    // A blank line after the comment: nothing is lost.
    assert!(only(&note("<!-- a comment -->\n\nKept::card\n"), Code::CommentHidesLine).is_empty());
    // Prose hidden: not reported.
    assert!(only(&note("<!-- a comment -->\nsome prose\n"), Code::CommentHidesLine).is_empty());
    // An indented comment is ordinary text.
    assert!(only(&note("  <!-- a comment -->\nSeen::card\n"), Code::CommentHidesLine).is_empty());
}

#[test]
fn comment_hiding_the_rest() {
    let got = only(&note("<!-- starts here\nends here -->\n\nLost::card\n"), Code::CommentHidesRest);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].line, got[0].severity), (Some(3), Severity::Error));
    assert!(got[0].message.contains("line 6"), "{}", got[0].message);
    let never = only(&note("<!-- never closed\n\nLost::card\n"), Code::CommentHidesRest);
    assert_eq!(never[0].severity, Severity::Warning);
    assert!(
        only(&note("Card::one\n\n<!-- starts here\nends -->\n\nprose only\n"), Code::CommentHidesRest)
            .is_empty()
    );
    assert!(only(&note("<!-- one line -->\n\nCard::x\n"), Code::CommentHidesRest).is_empty());
}

#[test]
fn unclosed_fence_swallowing_cards() {
    // Indented closing fence: closed for Obsidian, not for the plugin.
    let got = only(&note("```\ncode\n  ```\n\nLost::card\n"), Code::UnclosedFence);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].line, Some(3));
    assert!(got[0].message.contains("line 5 for Obsidian"), "{}", got[0].message);
    // A card ending in a never-closed fence cannot be scheduled.
    let in_card = only(&note("Front\n?\n```\ncode\n"), Code::UnclosedFence);
    assert_eq!(in_card.len(), 1);
    assert!(in_card[0].message.contains("never get a schedule"));
    assert!(only(&note("```\ncode\n```\n\nKept::card\n"), Code::UnclosedFence).is_empty());
    assert!(only(&note("Card::x\n\n```\ncode to the end\n"), Code::UnclosedFence).is_empty());
}

#[test]
fn inline_card_swallowing_a_multiline_card() {
    let got = only(&note("Front\n?\nBack\nstd::vector\n"), Code::SwallowedCard);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].line, Some(6));
    assert!(got[0].message.contains("since line 3"), "{}", got[0].message);
    let cloze = only(&note("The ==capital== of France\nParis::x\n"), Code::SwallowedCard);
    assert!(cloze[0].message.contains("cloze"));
    assert!(only(&note("Front\n?\nBack\n\nA::B\n"), Code::SwallowedCard).is_empty());
    assert!(only(&note("prose above\nA::B\n"), Code::SwallowedCard).is_empty());
    assert!(only(&note("Front\n?\nBack `std::vector`\n"), Code::SwallowedCard).is_empty());
}

#[test]
fn cloze_split_over_two_lines() {
    let got = only(&note("The ==capital of\nFrance== is Paris\n"), Code::SplitCloze);
    assert_eq!(got.len(), 1);
    assert_eq!((got[0].line, got[0].severity), (Some(3), Severity::Error));
    let partly = only(&note("The ==first== and ==second\npart== here\n"), Code::SplitCloze);
    assert_eq!(partly[0].severity, Severity::Warning);
    assert!(only(&note("The ==capital== of\nFrance is ==Paris==\n"), Code::SplitCloze).is_empty());
    assert!(only(&note("if a == b\nthen c == d\n"), Code::SplitCloze).is_empty());
}

#[test]
fn cloze_delimiters_from_patterns() {
    assert_eq!(delimiters("==[123;;]answer[;;hint]=="), Some(("==".into(), "==".into())));
    assert_eq!(delimiters("{{[123;;]answer[;;hint]}}"), Some(("{{".into(), "}}".into())));
    assert_eq!(delimiters("==answer==[^\\[hint\\]][\\[^123\\]]"), Some(("==".into(), "==".into())));
    assert_eq!(delimiters("answer"), None);
    assert_eq!(delimiters("no marker"), None);
}

#[test]
fn separator_after_inline_code() {
    let got = only(&note("`a::b` c::d\n"), Code::SeparatorInCode);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].line, Some(3));
    assert!(only(&note("`Map::get` is a method reference\n"), Code::SeparatorInCode).is_empty());
    assert!(only(&note("Run `ls` then::x\n"), Code::SeparatorInCode).is_empty());
}

#[test]
fn card_split_inside_double_backtick_code() {
    let got = only(&note("``code::x`` y::z\n"), Code::SplitInCode);
    assert_eq!(got.len(), 1);
    assert!(only(&note("`a` b::c\n"), Code::SplitInCode).is_empty());
}

#[test]
fn indented_schedule_comment_and_its_fix() {
    let text = note("- List card::answer\n  <!--SR:!2024-06-01,10,250-->\n");
    let got = only(&text, Code::IndentedSchedule);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].line, Some(4));
    assert_eq!(fixed(&text), note("- List card::answer\n<!--SR:!2024-06-01,10,250-->\n"));
    // Inside a multi-line card an indented comment is read: fine.
    assert!(findings(&note("Front\n?\nBack\n  <!--SR:!2024-06-19,3,250-->\n")).is_empty());
    assert!(only(&note("Card::answer\n<!--SR:!2024-06-01,10,250-->\n"), Code::IndentedSchedule).is_empty());
}

#[test]
fn orphan_and_misspelt_schedule_comments() {
    let got = only(&note("Card::answer\n\n<!--SR:!2024-06-01,10,250-->\n"), Code::OrphanSchedule);
    assert_eq!(got[0].line, Some(5));
    let m = only(&note("Card::answer\n<!-- SR:!2024-06-01,3,250-->\n"), Code::MisspeltSchedule);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].severity, Severity::Error);
    assert!(only(&note("Card::answer\n<!--SR:!2024-06-01,3,250-->\n"), Code::MisspeltSchedule).is_empty());
    assert!(only(&note("```\n<!--SR:!2024-06-01,3,250-->\n```\n"), Code::OrphanSchedule).is_empty());
    // Quoted in inline code: documentation.
    assert!(
        findings(&note("Card::x\n\nWrite `<!--SR:!2024-06-01,3,250-->` or `<!-- SR:` here\n")).is_empty()
    );
}
