//! Cards that are not what they seem: notes with cards but no deck, lines
//! among cards that miss the separator, cards with an empty side, the
//! same question twice in a note, and a numbered cloze whose number makes
//! far more cards than anyone means (`==9092;;a number==`).

use std::collections::HashMap;
use std::ops::Range;

use super::text::{code_spans, doubled_char, excerpt, heading, inside};
use super::{Code, Ctx, Finding, Severity};
use crate::parse::QuestionKind;
use crate::parse::comment::js_trim;

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    no_deck(ctx, out);
    near_misses(ctx, out);
    empty_sides(ctx, out);
    duplicates(ctx, out);
    cloze_numbers(ctx, out);
}

/// A numbered cloze making more cards than this is almost surely an
/// answer read as a number (`==9092;;a number==`).
pub const MAX_PLAUSIBLE_CLOZE_NUMBER: usize = 20;

fn cloze_numbers(ctx: &Ctx, out: &mut Vec<Finding>) {
    let note = ctx.note;
    let text = note.text.as_str();
    for (qi, q) in note.questions.iter().enumerate() {
        if q.kind != QuestionKind::Cloze {
            continue;
        }
        let qtext = q.text(text);
        let spans = ctx.clozes.spans(qtext);
        let Some((span, number)) = spans
            .iter()
            .filter_map(|s| Some((s, s.cards.first()? + 1)))
            .filter(|&(_, n)| n > MAX_PLAUSIBLE_CLOZE_NUMBER)
            .max_by_key(|&(_, n)| n)
        else {
            continue;
        };
        let raw = &qtext[span.range.clone()];
        let from = note.lines.get(q.first_line).map_or(0, |l| l.start);
        let line = crate::parse::lines::find(&text[from..], raw)
            .map_or(q.text_line, |at| super::text::line_of(note, from + at));
        let cards = q.cards;
        let shown = excerpt(raw, 60);
        let number_text = number.to_string();
        let open = raw.find(&number_text).map_or("", |i| &raw[..i]);
        let close = raw.rfind(&*span.answer).map_or("", |i| &raw[i + span.answer.len()..]);
        let close = span
            .hint
            .as_ref()
            .map_or(close, |h| raw.rfind(h.as_str()).map_or(close, |i| &raw[i + h.len()..]));
        out.push(
            Finding::new(
                line,
                Severity::Warning,
                Code::ClozeNumber,
                if number > cards {
                    format!("`{shown}` is a numbered cloze: its number makes {number} cards of this question (recall makes the first {cards})")
                } else {
                    format!("`{shown}` is a numbered cloze: its number makes {number} cards of this question")
                },
            )
            .hint(format!(
                "did you mean `{}{number};;…{}` as an answer with a hint? a hint follows the answer: `{}answer;;hint{}`, and a number before `;;` numbers the cloze",
                excerpt(open, 10),
                excerpt(close, 10),
                excerpt(open, 10),
                excerpt(close, 10)
            ))
            .question(qi),
        );
    }
}

fn no_deck(ctx: &Ctx, out: &mut Vec<Finding>) {
    let note = ctx.note;
    if note.has_deck || note.ignored_by_tag {
        return;
    }
    let cards: usize = note.questions.iter().map(|q| q.cards).sum();
    let Some(first) = note.questions.iter().find(|q| q.cards > 0) else { return };
    let s = ctx.settings;
    let hint = if s.convert_folders_to_decks {
        "the plugin uses folders as decks, and a note at the vault root has none: move it into a folder"
            .to_owned()
    } else {
        let mut tags: Vec<&str> = Vec::new();
        for t in note.all_tags() {
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let wanted = s.flashcard_tags.join(" or ");
        if tags.is_empty() {
            format!("add a flashcard tag ({wanted}) to the note")
        } else {
            format!(
                "add a flashcard tag ({wanted}) to the note, or add one of its tags ({}) to the plugin's flashcard tags (Settings → Spaced Repetition; `--tag TAG` for recall)",
                excerpt(&tags.join(", "), 80)
            )
        }
    };
    out.push(
        Finding::new(
            first.first_line,
            Severity::Warning,
            Code::NoDeck,
            format!(
                "{} card{} in this note, but it has no flashcard deck, so the plugin skips {}",
                cards,
                if cards == 1 { "" } else { "s" },
                if cards == 1 { "it" } else { "them" }
            ),
        )
        .hint(hint),
    );
}

/// Byte ranges of `[[wikilinks]]` in a line.
fn wikilinks(line: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = line[from..].find("[[").map(|i| from + i) {
        match line[open..].find("]]") {
            Some(close) => {
                out.push(open..open + close + 2);
                from = open + close + 2;
            }
            None => break,
        }
    }
    out
}

/// What makes a line a near miss, if anything.
fn near_miss(line: &str, c: char) -> Option<String> {
    let mut skip = code_spans(line);
    skip.extend(wikilinks(line));
    let chars: Vec<(usize, char)> = line.char_indices().filter(|&(i, _)| !inside(&skip, i)).collect();
    let is_c = |k: usize| chars.get(k).is_some_and(|&(_, ch)| ch == c);
    // A doubled separator anywhere outside code: a card or another rule's business.
    if (0..chars.len()).any(|k| is_c(k) && is_c(k + 1) && chars[k + 1].0 == chars[k].0 + c.len_utf8()) {
        return None;
    }
    for k in 0..chars.len() {
        if !is_c(k) {
            continue;
        }
        let (at, _) = chars[k];
        let before = js_trim(&line[..at]);
        let before = before.trim_start_matches(['-', '*', '+']).trim_start();
        if before.is_empty() {
            return None;
        }
        // `c c`: the separator with a space inside.
        let mut j = k + 1;
        while chars.get(j).is_some_and(|&(_, ch)| ch == ' ' || ch == '\t') {
            j += 1;
        }
        if j > k + 1 && is_c(j) {
            let after = js_trim(&line[chars[j].0 + c.len_utf8()..]);
            return (!after.is_empty()).then(|| format!("`{c} {c}` has a space between the {c}s"));
        }
        let next = line[at + c.len_utf8()..].chars().next();
        if next.is_some_and(char::is_whitespace) {
            let after = js_trim(&line[at + c.len_utf8()..]);
            return (!after.is_empty()).then(|| format!("has a single `{c}`"));
        }
        // A `:` inside a word (`12:30`, `http://`): keep looking.
    }
    None
}

fn near_misses(ctx: &Ctx, out: &mut Vec<Finding>) {
    let sep = &ctx.settings.single_line_card_separator;
    let Some(c) = doubled_char(sep) else { return };
    for i in ctx.view.body_from..ctx.len() {
        if ctx.view.in_code[i] || ctx.view.question[i].is_some() || !ctx.view.among_cards[i] {
            continue;
        }
        let l = ctx.line(i);
        let t = js_trim(l);
        if t.is_empty() || heading(l).is_some() || t.starts_with("<!--") || t.starts_with('|') {
            continue;
        }
        let Some(what) = near_miss(l, c) else { continue };
        let front = l.split(c).next().unwrap_or("");
        out.push(
            Finding::new(
                i,
                Severity::Warning,
                Code::NearMiss,
                format!("this line among cards looks like a card but {what}, so the plugin reads it as text"),
            )
            .hint(format!(
                "write `{}{sep} …` to make it a card (`{}` for a reversed pair); if it is prose, give it a blank line of its own",
                excerpt(front, 40),
                ctx.settings.single_line_reversed_card_separator
            )),
        );
    }
}

fn empty_sides(ctx: &Ctx, out: &mut Vec<Finding>) {
    for (qi, q) in ctx.note.questions.iter().enumerate() {
        if q.kind == QuestionKind::Cloze {
            continue;
        }
        let sides = q.sides(&ctx.note.text, ctx.settings, ctx.clozes);
        let Some((front, back)) = sides.first() else { continue };
        let empty = match (js_trim(front).is_empty(), js_trim(back).is_empty()) {
            (true, true) => "front and back",
            (true, false) => "front",
            (false, true) => "back",
            (false, false) => continue,
        };
        out.push(
            Finding::new(
                q.first_line,
                Severity::Warning,
                Code::EmptySide,
                format!("this card has an empty {empty}"),
            )
            .hint("write both sides, or remove the separator if this is not a card")
            .question(qi),
        );
    }
}

fn duplicates(ctx: &Ctx, out: &mut Vec<Finding>) {
    let text = ctx.note.text.as_str();
    let mut seen: HashMap<(Option<&str>, &str), usize> = HashMap::new();
    for (qi, q) in ctx.note.questions.iter().enumerate() {
        let key = (q.topic_tag.as_deref(), q.actual(text));
        let Some(&first) = seen.get(&key) else {
            seen.insert(key, qi);
            continue;
        };
        let first_line = ctx.note.questions[first].first_line;
        let own_start = ctx.note.lines[q.first_line].start;
        let misdirected = text.find(q.text(text)).is_some_and(|at| at < own_start);
        let f = if misdirected {
            Finding::new(
                q.first_line,
                Severity::Error,
                Code::Duplicate,
                format!(
                    "the same question as line {}: the plugin writes this card's reviews into that one",
                    crate::parse::LineNo::of_index(first_line)
                ),
            )
        } else {
            Finding::new(
                q.first_line,
                Severity::Warning,
                Code::Duplicate,
                format!(
                    "the same question as line {}: should either lose its schedule comment, the plugin writes reviews into the first",
                    crate::parse::LineNo::of_index(first_line)
                ),
            )
        };
        out.push(f.hint("delete one of the two, or make their texts differ").question(qi));
    }
}

#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::*;
    use crate::settings::Settings;

    #[test]
    fn cards_without_a_deck() {
        let text = "---\ntags: [kafka]\n---\n## Flashcards\n\nQ::A\n<!--SR:!2024-06-18,13,290-->\nB:::C\n";
        let f = only(text, Code::NoDeck);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].line, Some(6));
        assert!(f[0].message.starts_with("3 cards"), "{}", f[0].message);
        assert!(f[0].hint.as_deref().is_some_and(|h| h.contains("#kafka")), "{:?}", f[0].hint);
        assert!(only("#flashcards\n\nQ::A\n", Code::NoDeck).is_empty());
        // Ignored on purpose: not reported.
        let s = Settings { flashcard_tags_to_ignore: vec!["#skip".into()], ..Settings::default() };
        assert!(check_with("#skip\n## Flashcards\n\nQ::A\n", &s).iter().all(|f| f.code != Code::NoDeck));
    }

    #[test]
    fn near_misses_among_cards() {
        let text =
            "#flashcards\n\nacks=0::none\n<!--SR:!2024-06-18,13,290-->\nacks=all: every in-sync replica\n";
        let f = only(text, Code::NearMiss);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].line, Some(5));
        assert!(f[0].hint.as_deref().is_some_and(|h| h.contains("`acks=all:: …`")), "{:?}", f[0].hint);
        let spaced = only("#flashcards\n\nA::B\nQuestion: : answer\n", Code::NearMiss);
        assert!(spaced[0].message.contains("`: :`"), "{}", spaced[0].message);
        // Prose away from cards, times, links, trailing colons, headings: quiet.
        assert!(only("#flashcards\n\nA::B\n\nacks=all: prose paragraph\n", Code::NearMiss).is_empty());
        assert!(only("#flashcards\n\nA::B\nat 12:30 see https://x.org\n", Code::NearMiss).is_empty());
        assert!(only("#flashcards\n\nA::B\nExamples:\n", Code::NearMiss).is_empty());
        assert!(only("#flashcards\n\nA::B\n[[Note: title]] here\n", Code::NearMiss).is_empty());
        // Under a Flashcards heading the whole section counts.
        let section = only("#flashcards\n## Flashcards\n\nTerm: definition\n", Code::NearMiss);
        assert_eq!(section.len(), 1);
    }

    #[test]
    fn empty_sides() {
        assert_eq!(
            only("#flashcards\n\n::answer only\n", Code::EmptySide)[0].message,
            "this card has an empty front"
        );
        assert_eq!(
            only("#flashcards\n\nQuestion only::\n", Code::EmptySide)[0].message,
            "this card has an empty back"
        );
        assert_eq!(only("#flashcards\n\nFront\n?\n", Code::EmptySide).len(), 1);
        assert!(only("#flashcards\n\nQ::A\n", Code::EmptySide).is_empty());
    }

    #[test]
    fn a_cloze_numbered_far_too_high() {
        let text = "#flashcards\n\nKafka listens on a port.\nThe default port is ==9092;;a number==.\n";
        let f = only(text, Code::ClozeNumber);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].line, Some(4));
        assert!(
            f[0].message
                == "`==9092;;a number==` is a numbered cloze: its number makes 9092 cards of this question (recall makes the first 1000)",
            "{}",
            f[0].message
        );
        let hint = f[0].hint.as_deref().unwrap_or("");
        assert!(hint.starts_with("did you mean `==9092;;…==` as an answer with a hint?"), "{hint}");
        assert!(hint.contains("`==answer;;hint==`"), "{hint}");
        // Real numbering stays quiet.
        assert!(only("#flashcards\n\n==1;;a== and ==2;;b== and ==20;;t==\n", Code::ClozeNumber).is_empty());
    }

    #[test]
    fn duplicate_questions() {
        let f = only(
            "#flashcards\n\nWhat is a broker?::a server\n\nWhat is a broker?::a server\n",
            Code::Duplicate,
        );
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].line, f[0].severity), (Some(5), Severity::Error));
        let both = "#flashcards\n\nQ::A\n<!--SR:!2024-06-18,3,250-->\n\nQ::A\n<!--SR:!2024-06-20,3,250-->\n";
        assert_eq!(only(both, Code::Duplicate)[0].severity, Severity::Warning);
        assert!(only("#flashcards\n\nQ::A\n\nQ::B\n", Code::Duplicate).is_empty());
    }
}
