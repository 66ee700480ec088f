//! Where a note's tags are not what they look like: front matter below
//! blank lines (Obsidian reads it as text, so its tags are lost; fixable
//! by removing the blank lines), and a flashcard tag glued to the word
//! before it (`unk#flashcards`: a `#` right after a letter starts no tag).

use super::text::{code_spans, excerpt, inside, late_front_matter};
use super::{Code, Ctx, Finding, Severity};
use crate::edit::Edit;
use crate::parse::frontmatter::{self, Found};
use crate::parse::tags::ends_tag;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    late(ctx, out);
    glued(ctx, out);
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn late(ctx: &Ctx, out: &mut Vec<Finding>) {
    let note = ctx.note;
    let Some((first, _)) = late_front_matter(note) else { return };
    // The block as it would read on line 1.
    let block = match frontmatter::find(|i| (i + first < note.lines.len()).then(|| note.line(i + first))) {
        Found::Closed(fm) => fm,
        Found::None | Found::Unclosed => return,
    };
    let mut tags: Vec<&str> = Vec::new();
    for t in &block.obsidian_tags {
        if !tags.contains(&t.as_str()) {
            tags.push(t);
        }
    }
    let cards: usize = note.questions.iter().map(|q| q.cards).sum();
    let would_deck = tags.iter().any(|t| ctx.settings.is_flashcard_tag(t));
    let loses_cards = !note.has_deck && !note.ignored_by_tag && would_deck && cards > 0;
    let blank = plural(first, "blank line", "blank lines");
    let what = if tags.is_empty() {
        "its tags are ignored".to_owned()
    } else {
        format!("these tags are ignored ({})", excerpt(&tags.join(" "), 60))
    };
    let mut message = format!(
        "front matter must start on line 1, but this one follows {blank}, so Obsidian reads it as text: {what}"
    );
    if loses_cards {
        message.push_str(&format!("; {} no deck", plural(cards, "card has", "cards have")));
    }
    let range = note.lines[0].start..note.lines[first].start;
    let edit = Edit { range: range.clone(), old: note.text[range].to_owned(), new: String::new() };
    let f = Finding::new(
        first,
        if loses_cards { Severity::Error } else { Severity::Warning },
        Code::LateFrontMatter,
        message,
    )
    .hint(format!("remove the {blank} above the first `---` (`recall check --fix` does it)"))
    .fix(edit, format!("removed the {blank} above the front matter"));
    out.push(f);
}

fn glued(ctx: &Ctx, out: &mut Vec<Finding>) {
    for i in ctx.view.body_from..ctx.len() {
        if ctx.view.in_code[i] {
            continue;
        }
        let line = ctx.line(i);
        if memchr::memchr(b'#', line.as_bytes()).is_none() {
            continue;
        }
        let code = code_spans(line);
        for at in memchr::memchr_iter(b'#', line.as_bytes()) {
            let Some(before) = line[..at].chars().next_back() else { continue };
            if !before.is_alphabetic() || inside(&code, at) {
                continue;
            }
            let word_start = line[..at].rfind(char::is_whitespace).map_or(0, |w| w + 1);
            let word = &line[word_start..at];
            // Links and paths (`https://x.org/a#b`, `[[Note#Heading]]`) hold `#`s of their own.
            if word.contains(['/', '[', '(', '.', ':']) {
                continue;
            }
            let end = line[at + 1..]
                .char_indices()
                .find(|&(_, c)| ends_tag(c))
                .map_or(line.len(), |(j, _)| at + 1 + j);
            let tag = &line[at..end];
            if tag.len() < 2 || !ctx.settings.is_flashcard_tag(tag) {
                continue;
            }
            let glued = &line[word_start..end];
            out.push(
                Finding::new(
                    i,
                    Severity::Warning,
                    Code::GluedTag,
                    format!(
                        "`{}` holds no tag: a `#` right after a letter starts no tag (Obsidian's rule), so `{}` does not tag this note",
                        excerpt(glued, 60),
                        excerpt(tag, 40)
                    ),
                )
                .hint(format!(
                    "put a space before the `#` (`{} {}`) to tag the note",
                    excerpt(word, 30),
                    excerpt(tag, 40)
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;

    #[test]
    fn front_matter_below_blank_lines() {
        let text = "\n\n---\ntags: [flashcards/kafka]\n---\nQ::A\nB::C\n";
        let f = only(text, Code::LateFrontMatter);
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].line, f[0].severity), (Some(3), Severity::Error));
        assert!(f[0].message.contains("follows 2 blank lines"), "{}", f[0].message);
        assert!(
            f[0].message.contains("these tags are ignored (#flashcards/kafka); 2 cards have no deck"),
            "{}",
            f[0].message
        );
        assert!(f[0].hint.as_deref().is_some_and(|h| h.contains("remove the 2 blank lines")));
        assert_eq!(fixed(text), "---\ntags: [flashcards/kafka]\n---\nQ::A\nB::C\n");
        // Tags that make no deck: only a warning.
        let w = only("\n---\ntags: [kafka]\n---\nQ::A\n", Code::LateFrontMatter);
        assert_eq!(w[0].severity, Severity::Warning);
        assert!(!w[0].message.contains("no deck"), "{}", w[0].message);
        // A thematic break after a blank line, or front matter on line 1: quiet.
        assert!(only("\n---\nSome text\n---\n", Code::LateFrontMatter).is_empty());
        assert!(only("---\ntags: [flashcards]\n---\nQ::A\n", Code::LateFrontMatter).is_empty());
        // CRLF: the blank lines go with their terminators.
        assert_eq!(fixed("\r\n---\r\ntags: [x]\r\n---\r\n"), "---\r\ntags: [x]\r\n---\r\n");
    }

    #[test]
    fn a_flashcard_tag_glued_to_a_word() {
        let f = only("unk#flashcards\n\nQ::A\n", Code::GluedTag);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].line, Some(1));
        assert!(f[0].message.starts_with("`unk#flashcards` holds no tag"), "{}", f[0].message);
        assert!(f[0].hint.as_deref().is_some_and(|h| h.contains("`unk #flashcards`")), "{:?}", f[0].hint);
        assert_eq!(only("see x#flashcards/kafka here\n", Code::GluedTag).len(), 1);
        // Other tags, links, code, digits and real tags: quiet.
        for quiet in [
            "unk#other\n",
            "https://example.org/page#flashcards\n",
            "[[Kafka#flashcards]]\n",
            "`unk#flashcards`\n",
            "```\nunk#flashcards\n```\n",
            "9#flashcards\n",
            "a #flashcards tag\n",
        ] {
            assert!(only(quiet, Code::GluedTag).is_empty(), "{quiet:?}");
        }
    }
}
