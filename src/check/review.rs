//! Note review schedules the plugin reads wrongly or not at all (spec §e):
//! `sr-*` keys on a note without a review tag, an `sr-due` it cannot read,
//! numbers that are no numbers, a schedule missing one of its three keys,
//! and a review tag in a note whose front matter is not valid YAML (the
//! plugin cannot write its schedule).

use super::{Code, Ctx, Finding, Severity};
use crate::settings::tag_matches_any;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let note = ctx.note;
    let review_tags = &ctx.settings.tags_to_review;
    let tagged = note.all_tags().any(|t| tag_matches_any(t, review_tags));
    let Some(fm) = &note.frontmatter else { return };
    let deck = review_tags.first().map_or("#review", String::as_str);
    if let Some(error) = &fm.error {
        if tagged || mentions_review_tag(ctx, fm.end_line) {
            out.push(
                Finding::new(
                    0,
                    Severity::Error,
                    Code::ReviewFrontMatter,
                    format!(
                        "this note is tagged for review, but its front matter is not valid YAML ({}): neither the plugin nor recall can write its schedule",
                        first_line(error)
                    ),
                )
                .hint("fix the YAML between the two `---` lines"),
            );
        }
        return;
    }
    let keys = &fm.sr_keys;
    if !keys.any() {
        return;
    }
    let line = |key: &str| key_line(ctx, fm.end_line, key);
    let first_key = ["sr-due", "sr-interval", "sr-ease"].into_iter().find_map(&line).unwrap_or(0);
    if !tagged {
        out.push(
            Finding::new(
                first_key,
                Severity::Info,
                Code::ReviewUntagged,
                format!("this note has a note-review schedule (`sr-` keys) but no review tag such as {deck}: the plugin never shows it for review"),
            )
            .hint(format!("add {deck} to review the note, or remove the `sr-` keys")),
        );
        return;
    }
    let Some(sched) = &fm.note_schedule else {
        let missing: Vec<&str> =
            [("sr-due", &keys.due), ("sr-interval", &keys.interval), ("sr-ease", &keys.ease)]
                .into_iter()
                .filter(|(_, v)| v.is_none())
                .map(|(k, _)| k)
                .collect();
        out.push(
            Finding::new(
                first_key,
                Severity::Warning,
                Code::ReviewIncomplete,
                format!(
                    "the note's schedule has no `{}`: the plugin treats the note as new and writes all three keys at its next review",
                    missing.join("`, `")
                ),
            )
            .hint("add the missing key, or remove the `sr-` keys to start the note afresh"),
        );
        return;
    };
    if sched.date.is_none() {
        out.push(
            Finding::new(
                line("sr-due").unwrap_or(first_key),
                Severity::Error,
                Code::ReviewBadDate,
                format!("`sr-due: {}` is a date the plugin cannot read: the note never comes due", sched.due),
            )
            .hint("write the date as YYYY-MM-DD"),
        );
    }
    for (key, value, text) in
        [("sr-interval", sched.interval, &keys.interval), ("sr-ease", sched.ease, &keys.ease)]
    {
        if value.is_nan() {
            out.push(
                Finding::new(
                    line(key).unwrap_or(first_key),
                    Severity::Error,
                    Code::ReviewBadNumber,
                    format!(
                        "`{key}: {}` is no number: the plugin computes `NaN` from it (recall answers the note as new)",
                        text.as_deref().unwrap_or("")
                    ),
                )
                .hint(format!("write `{key}` as a number, e.g. `{key}: {}`", if key == "sr-ease" { 250 } else { 1 })),
            );
        }
    }
}

/// The 0-based line of the first front-matter line naming `key` (a YAML
/// key at the start, or a JSON key anywhere).
fn key_line(ctx: &Ctx, end_line: usize, key: &str) -> Option<usize> {
    let quoted = format!("\"{key}\"");
    (1..end_line).find(|&i| {
        let l = ctx.note.line(i);
        l.starts_with(key) || l.contains(&quoted)
    })
}

/// A `tagsToReview` entry (without `#`) stands as a word in the front
/// matter's text: what the YAML would have said had it been valid.
fn mentions_review_tag(ctx: &Ctx, end_line: usize) -> bool {
    let names: Vec<&str> = ctx
        .settings
        .tags_to_review
        .iter()
        .map(|t| t.trim_start_matches('#'))
        .filter(|t| !t.is_empty())
        .collect();
    let word = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '/');
    (1..end_line).any(|i| {
        let l = ctx.note.line(i);
        names.iter().any(|n| {
            l.match_indices(n).any(|(at, _)| {
                let before = l[..at].chars().next_back();
                let after = l[at + n.len()..].chars().next();
                !before.is_some_and(word) && !after.is_some_and(|c| word(c) && c != '/')
            })
        })
    })
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::super::testutil::{check_with, codes, only};
    use super::*;
    use crate::settings::Settings;

    #[test]
    fn sr_keys_without_a_review_tag() {
        let text = "---\ntags: [kafka]\nsr-due: 2024-06-16\nsr-interval: 10\nsr-ease: 270\n---\nx\n";
        assert_eq!(codes(text), vec![(3, "review-untagged")]);
        // A review tag in the body is a review tag.
        assert_eq!(codes(&text.replace("x\n", "x #review\n")), vec![]);
    }

    #[test]
    fn an_unreadable_sr_due() {
        let text = "---\ntags: review\nsr-interval: 10\nsr-due: someday\nsr-ease: 270\n---\n";
        let f = only(text, Code::ReviewBadDate);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].line, Some(4));
        assert_eq!(f[0].severity, Severity::Error);
        // moment's reading of other formats is fine.
        assert_eq!(codes(&text.replace("someday", "20-06-2024")), vec![]);
    }

    #[test]
    fn numbers_that_are_no_numbers() {
        let text = "---\ntags: review\nsr-due: 2024-06-16\nsr-interval: ten\nsr-ease: 270\n---\n";
        assert_eq!(codes(text), vec![(4, "review-bad-number")]);
        // Decimals and number-like text are what the plugin reads anyway.
        assert_eq!(codes(&text.replace("ten", "'4.5'")), vec![]);
    }

    #[test]
    fn a_schedule_missing_a_key() {
        let text = "---\ntags: review\nsr-due: 2024-06-10\nsr-ease: 290\n---\n";
        let f = only(text, Code::ReviewIncomplete);
        assert_eq!(f.len(), 1);
        assert!(f[0].message.contains("no `sr-interval`"), "{}", f[0].message);
        assert_eq!(f[0].line, Some(3));
        // JSON front matter names its line too.
        let json = "---\n{\"tags\": [\"review\"], \"sr-ease\": 250}\n---\n";
        assert_eq!(codes(json), vec![(2, "review-incomplete")]);
    }

    #[test]
    fn a_review_tag_in_broken_yaml() {
        let text = "---\ntags: [review\n---\nbody\n";
        let f = only(text, Code::ReviewFrontMatter);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Error);
        assert_eq!(only("---\ntags: [a\n---\nbody #review\n", Code::ReviewFrontMatter).len(), 1);
        // Not tagged for review: the vault's own front-matter warning is enough.
        assert!(only("---\ntags: [reviewed\n---\nbody\n", Code::ReviewFrontMatter).is_empty());
        assert!(only("---\ntags: [a\n---\n", Code::ReviewFrontMatter).is_empty());
    }

    #[test]
    fn custom_review_decks() {
        let s = Settings { tags_to_review: vec!["#study".into()], ..Settings::default() };
        let text = "---\ntags: [study/deep]\nsr-due: 2024-06-10\nsr-ease: 290\nsr-interval: 3\n---\n";
        assert!(check_with(text, &s).is_empty());
        let untagged: Vec<_> =
            check_with(&text.replace("study/deep", "review"), &s).into_iter().map(|f| f.code).collect();
        assert_eq!(untagged, vec![Code::ReviewUntagged]);
    }
}
