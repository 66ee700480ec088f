//! Tags that are mojibake (UTF-8 read as Mac Roman or Windows-1252), with
//! their repair: the bytes of the tag in the note, replaced by the repaired
//! text.

use std::fmt::Write as _;
use std::ops::Range;

use super::mojibake::repair;
use super::{Code, Ctx, Finding, Severity};
use crate::edit::Edit;
use crate::parse::lines;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let note = ctx.note;
    let text = note.text.as_str();
    let mut used: Vec<Range<usize>> = Vec::new();
    // Front matter: find each tag's text among the front matter's lines.
    if let Some(fm) = &note.frontmatter {
        let region =
            note.lines.get(1).map_or(0, |l| l.start)..note.lines.get(fm.end_line).map_or(0, |l| l.start);
        let mut names: Vec<&str> = Vec::new();
        for t in &fm.obsidian_tags {
            if !names.contains(&t.as_str()) {
                names.push(t);
            }
        }
        for name in names {
            let body = name.trim_start_matches('#');
            let Some(r) = repair(body) else { continue };
            let at = find_unused(text, region.clone(), body, &used);
            if let Some(a) = &at {
                used.push(a.clone());
            }
            let line = at.as_ref().map_or(1, |a| super::text::line_of(note, a.start));
            out.push(finding(ctx, line, body, &r, at));
        }
    }
    for tag in &note.tags {
        let body = tag.name.trim_start_matches('#');
        let Some(r) = repair(body) else { continue };
        let range = note.lines.get(tag.line).map_or(0..0, |l| l.start..l.end);
        let at = find_unused(text, range, &tag.name, &used).map(|a| a.start + 1..a.end);
        if let Some(a) = &at {
            used.push(a.clone());
        }
        out.push(finding(ctx, tag.line, body, &r, at));
    }
}

/// The first occurrence of `needle` in `text[region]` that overlaps none of `used`.
fn find_unused(
    text: &str,
    region: Range<usize>,
    needle: &str,
    used: &[Range<usize>],
) -> Option<Range<usize>> {
    let hay = text.get(region.clone())?;
    let mut from = 0;
    while let Some(rel) = lines::find(&hay[from..], needle) {
        let at = region.start + from + rel;
        let r = at..at + needle.len();
        if !used.iter().any(|u| u.start < r.end && r.start < u.end) {
            return Some(r);
        }
        from += rel + needle.len().max(1);
    }
    None
}

fn finding(
    ctx: &Ctx,
    line: usize,
    body: &str,
    r: &super::mojibake::Repair,
    at: Option<Range<usize>>,
) -> Finding {
    let garbled = format!("#{body}");
    let fixed = format!("#{}", r.text);
    let mut hint = "`recall check --fix` repairs it".to_owned();
    if ctx.settings.is_flashcard_tag(&garbled) {
        let _ = write!(
            hint,
            "; the plugin's flashcard tags name the garbled `{garbled}`: change them to `{fixed}` too, or the note leaves its deck"
        );
    }
    let f = Finding::new(
        line,
        Severity::Warning,
        Code::MojibakeTag,
        format!(
            "the tag `{garbled}` is mojibake (UTF-8 read as {}): it should be `{fixed}`",
            r.code_page.name()
        ),
    )
    .hint(hint);
    match at {
        Some(range) => {
            let edit =
                Edit { range: range.clone(), old: ctx.note.text[range].to_owned(), new: r.text.clone() };
            f.fix(edit, format!("repaired the tag `{garbled}` to `{fixed}`"))
        }
        None => f,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    const BOOK: &str = "\u{f8ff}\u{fc}\u{ec}\u{f1}";
    const CLUB: &str = "\u{201a}\u{f4}\u{a3}\u{d4}\u{220f}\u{e8}/kafka";

    #[test]
    fn json_front_matter_tags_like_the_seed() {
        let text = format!("---\n{{\"dg-publish\":true,\"tags\":[\"{BOOK}\",\"{CLUB}\"]}}\n---\n# Note\n");
        let f = only(&text, Code::MojibakeTag);
        assert_eq!(f.len(), 2);
        assert!(f[0].message.contains("it should be `#📖`"), "{}", f[0].message);
        assert!(f[1].message.contains("it should be `#♣️/kafka`"), "{}", f[1].message);
        assert!(f[1].message.contains("Mac Roman"));
        assert_eq!(f[0].line, Some(2));
        assert_eq!(fixed(&text), "---\n{\"dg-publish\":true,\"tags\":[\"📖\",\"♣️/kafka\"]}\n---\n# Note\n");
    }

    #[test]
    fn body_tags_and_yaml_lists() {
        let garbled_cafe = "caf\u{c3}\u{a9}"; // "café" read as Windows-1252
        let text = format!("---\ntags:\n  - ok\n  - {garbled_cafe}\n---\nText #{garbled_cafe} and #fine\n");
        let f = only(&text, Code::MojibakeTag);
        assert_eq!(f.iter().map(|f| f.line).collect::<Vec<_>>(), vec![Some(4), Some(6)]);
        assert!(f[0].message.contains("Windows-1252"));
        assert_eq!(fixed(&text), "---\ntags:\n  - ok\n  - café\n---\nText #café and #fine\n");
    }

    #[test]
    fn proper_tags_are_quiet() {
        assert!(
            only("---\ntags: [📖, café, ♣️/kafka]\n---\n#日本語 #flashcards\n", Code::MojibakeTag).is_empty()
        );
    }

    #[test]
    fn a_garbled_flashcard_tag_says_to_change_the_setting() {
        let s = crate::settings::Settings { flashcard_tags: vec![format!("#{CLUB}")], ..Default::default() };
        let text = format!("---\ntags: [\"{CLUB}\"]\n---\nQ::A\n");
        let f: Vec<_> = check_with(&text, &s).into_iter().filter(|f| f.code == Code::MojibakeTag).collect();
        assert!(f[0].hint.as_deref().is_some_and(|h| h.contains("leaves its deck")), "{:?}", f[0].hint);
    }
}
