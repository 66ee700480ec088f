//! The plugin's parser quirks that lose or mangle cards (spec §a.2): HTML
//! comments hiding lines, unclosed fences, `::` lines swallowing a block,
//! clozes split over lines, separators in inline code, and schedule
//! comments the plugin does not attach to any card.

use std::sync::LazyLock;

use regex::Regex;

use super::text::{card_like, code_spans, excerpt, inside};
use super::{Code, Ctx, Finding, Severity};
use crate::edit::Edit;
use crate::parse::comment::{find_comment, js_trim, js_trim_end};
use crate::parse::{QuestionKind, Quirk, has_inline_marker, lines};

pub fn check(ctx: &Ctx, out: &mut Vec<Finding>) {
    let mut explained = vec![false; ctx.len()];
    hidden_by_comments(ctx, out, &mut explained);
    unclosed_fences(ctx, out, &mut explained);
    swallowed(ctx, out);
    split_clozes(ctx, out);
    separators_in_code(ctx, out);
    schedule_comments(ctx, out, &explained);
}

/// Card-like lines in `from..` (outside code blocks): how many, and the first.
fn cards_below(ctx: &Ctx, from: usize) -> (usize, Option<usize>) {
    let hits: Vec<usize> = (from..ctx.len())
        .filter(|&i| !ctx.view.in_code[i] && card_like(ctx.line(i), ctx.settings, ctx.clozes))
        .collect();
    (hits.len(), hits.first().copied())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn hidden_by_comments(ctx: &Ctx, out: &mut Vec<Finding>, explained: &mut [bool]) {
    for quirk in &ctx.note.quirks {
        match *quirk {
            Quirk::CommentSkipsNextLine { line } => {
                let hidden = line + 1;
                if hidden < ctx.len() && card_like(ctx.line(hidden), ctx.settings, ctx.clozes) {
                    explained[hidden] = true;
                    // The hidden card's schedule comment is no orphan of its own.
                    if hidden + 1 < ctx.len() && ctx.line(hidden + 1).starts_with("<!--SR:") {
                        explained[hidden + 1] = true;
                    }
                    out.push(
                        Finding::new(
                            hidden,
                            Severity::Error,
                            Code::CommentHidesLine,
                            format!(
                                "the plugin never sees this line: the one-line HTML comment on line {} above hides it",
                                crate::parse::LineNo::of_index(line)
                            ),
                        )
                        .hint("put a blank line after the comment (the plugin then hides the blank line instead)"),
                    );
                }
            }
            Quirk::CommentHidesRest { line } => {
                let close = (line + 1..ctx.len()).find(|&j| lines::find(ctx.line(j), "-->").is_some());
                let from = close.map_or(line + 1, |c| c + 1);
                let (count, first) = cards_below(ctx, from);
                let Some(first) = first else { continue };
                explained[line + 1..].fill(true);
                let f = match close {
                    Some(c) => Finding::new(
                        line,
                        Severity::Error,
                        Code::CommentHidesRest,
                        format!(
                            "this HTML comment closes on line {} but not on its first line, so the plugin ignores the rest of the note: {} below it, the first on line {}",
                            c + 1,
                            plural(count, "card-like line", "card-like lines"),
                            first + 1
                        ),
                    )
                    .hint("write the comment on one line followed by a blank line, or indent `<!--` by a space"),
                    None => Finding::new(
                        line,
                        Severity::Warning,
                        Code::CommentHidesRest,
                        format!(
                            "this HTML comment is never closed: {} below it, the first on line {}, are commented out (in Obsidian too)",
                            plural(count, "card-like line", "card-like lines"),
                            first + 1
                        ),
                    )
                    .hint("close the comment with `-->` where it should end"),
                };
                out.push(f);
            }
            Quirk::UnclosedFence { .. } => {}
        }
    }
}

fn unclosed_fences(ctx: &Ctx, out: &mut Vec<Finding>, explained: &mut [bool]) {
    for quirk in &ctx.note.quirks {
        let Quirk::UnclosedFence { line } = *quirk else { continue };
        let open = ctx.line(line);
        let fence: String = open.chars().take_while(|&c| c == open.chars().next().unwrap_or('`')).collect();
        // Where Obsidian ends the block, if it does.
        let obsidian_close = if ctx.view.in_code[line] {
            (line + 1..ctx.len()).find(|&j| !ctx.view.in_code[j]).map(|j| j - 1)
        } else {
            None
        };
        let (count, first) = if let Some(c) = obsidian_close {
            cards_below(ctx, c + 1)
        } else {
            // Never closed: Obsidian shows the rest as code too, but count
            // what would have been cards.
            let hits: Vec<usize> =
                (line + 1..ctx.len()).filter(|&i| card_like(ctx.line(i), ctx.settings, ctx.clozes)).collect();
            (hits.len(), hits.first().copied())
        };
        let in_card = ctx.view.question[line].is_some();
        if count == 0 && !in_card {
            continue;
        }
        explained[line + 1..].fill(true);
        let what = match obsidian_close {
            Some(c) => format!(
                "this code fence is closed on line {} for Obsidian but not for the plugin, which needs a line starting with `{fence}` at column 0",
                c + 1
            ),
            None => format!("this code fence (`{fence}`) is never closed"),
        };
        let mut consequences = Vec::new();
        if let Some(first) = first {
            consequences.push(format!(
                "it swallows the rest of the note: {} below, the first on line {}, are not cards",
                plural(count, "card-like line", "card-like lines"),
                first + 1
            ));
        }
        if in_card {
            consequences.push("the card it belongs to can never get a schedule".to_owned());
        }
        out.push(
            Finding::new(
                line,
                Severity::Error,
                Code::UnclosedFence,
                format!("{what}; {}", consequences.join("; ")),
            )
            .hint(format!("close the block with a line `{fence}` that starts at column 0")),
        );
    }
}

/// The plugin's block splitter (spec §a.2), re-run to see when an inline
/// card discards a multi-line or cloze card being built above it.
fn swallowed(ctx: &Ctx, out: &mut Vec<Finding>) {
    let s = ctx.settings;
    let n = ctx.len();
    let mut inline = [s.single_line_card_separator.as_str(), s.single_line_reversed_card_separator.as_str()];
    inline.sort_by_key(|sep| std::cmp::Reverse(sep.len()));
    let end_marker = s.multiline_card_end_marker.as_str();
    let mut kind: Option<QuestionKind> = None;
    let mut acc_len = 0usize; // UTF-16 length of the block's text
    let mut block_start = 0usize;
    let mut i = 0usize;
    while i < n {
        let l = ctx.line(i);
        let t = js_trim(l);
        if l.starts_with("<!--") && !l.starts_with("<!--SR:") {
            if lines::find(l, "-->").is_some() {
                i += 2;
                continue;
            }
            break;
        }
        if (t.is_empty() && (end_marker.is_empty() || kind.is_none()))
            || (!end_marker.is_empty() && t == end_marker)
        {
            kind = None;
            acc_len = 0;
            i += 1;
            continue;
        }
        if acc_len == 0 {
            block_start = i;
        }
        acc_len += usize::from(acc_len > 0) + js_trim_end(l).encode_utf16().count();
        if inline.iter().any(|sep| has_inline_marker(l, sep)) {
            if let Some(lost) = kind.filter(|k| !matches!(k, QuestionKind::Basic | QuestionKind::Reversed)) {
                let what = if lost == QuestionKind::Cloze { "cloze" } else { "multi-line" };
                out.push(
                    Finding::new(
                        i,
                        Severity::Error,
                        Code::SwallowedCard,
                        format!(
                            "this line's `{}` makes it a single-line card, and the {what} card being built since line {} is lost",
                            inline.iter().find(|sep| has_inline_marker(l, sep)).copied().unwrap_or("::"),
                            block_start + 1
                        ),
                    )
                    .hint("put a blank line between the two cards, or keep `::` out of the multi-line card (e.g. in inline code)"),
                );
            }
            if i + 1 < n && ctx.line(i + 1).starts_with("<!--SR:") {
                i += 1;
            } else if i + 1 < n && ctx.line(i + 1).starts_with("> [!sr|card-metadata]") {
                while i + 1 < n {
                    i += 1;
                    if lines::find(ctx.line(i), "<!--SR:").is_some() {
                        break;
                    }
                }
            }
            kind = None;
            acc_len = 0;
        } else if t == s.multiline_card_separator {
            if acc_len > 1 {
                kind = Some(QuestionKind::Multiline);
            }
        } else if t == s.multiline_reversed_card_separator {
            if acc_len > 1 {
                kind = Some(QuestionKind::MultilineReversed);
            }
        } else if l.starts_with("```") || l.starts_with("~~~") {
            let c = l.as_bytes()[0];
            let run = l.bytes().take_while(|&b| b == c).count();
            let fence = &l[..run];
            while i + 1 < n && !ctx.line(i + 1).starts_with(fence) {
                i += 1;
            }
            if i + 1 >= n {
                break;
            }
            i += 1;
        } else if kind.is_none() && ctx.clozes.is_cloze_line(l) {
            kind = Some(QuestionKind::Cloze);
        }
        i += 1;
    }
}

/// `(opening, closing)` delimiters of a cloze pattern such as
/// `==[123;;]answer[;;hint]==`: the literal text before the first group and
/// after `answer` (or after the last group).
fn delimiters(pattern: &str) -> Option<(String, String)> {
    let unescape = |s: &str| s.replace('\\', "");
    let answer = pattern.find("answer")?;
    let open_end = pattern[..answer].find('[').unwrap_or(answer);
    let open = unescape(&pattern[..open_end]);
    let after = &pattern[answer + "answer".len()..];
    let mut close = unescape(&after[..after.find('[').unwrap_or(after.len())]);
    if close.is_empty() {
        close = unescape(&after[after.rfind(']').map_or(after.len(), |i| i + 1)..]);
    }
    (!open.is_empty() && !close.is_empty()).then_some((open, close))
}

/// Positions of `needle` in `line` outside inline code, non-overlapping.
fn positions(line: &str, needle: &str) -> Vec<usize> {
    let spans = code_spans(line);
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = lines::find(&line[from..], needle) {
        let at = from + rel;
        if !inside(&spans, at) {
            out.push(at);
        }
        from = at + needle.len();
    }
    out
}

fn split_clozes(ctx: &Ctx, out: &mut Vec<Finding>) {
    let delims: Vec<(String, String)> =
        ctx.settings.cloze_patterns.iter().filter_map(|p| delimiters(p)).collect();
    if delims.is_empty() {
        return;
    }
    for i in ctx.view.body_from..ctx.len().saturating_sub(1) {
        if ctx.view.in_code[i] || ctx.view.in_code[i + 1] {
            continue;
        }
        let (a, b) = (ctx.line(i), ctx.line(i + 1));
        // Most lines hold no delimiter at all: skip them cheaply.
        if !delims
            .iter()
            .any(|(open, close)| lines::find(a, open).is_some() && lines::find(b, close).is_some())
        {
            continue;
        }
        let split = delims.iter().find(|(open, close)| {
            let (oa, ca) = (positions(a, open), positions(a, close));
            let (ob, cb) = (positions(b, open), positions(b, close));
            let (opening, closing) = if open == close {
                (
                    (oa.len() % 2 == 1).then(|| oa.last().copied()).flatten(),
                    (ob.len() % 2 == 1).then(|| ob.first().copied()).flatten(),
                )
            } else {
                (
                    oa.last().copied().filter(|&o| ca.last().is_none_or(|&c| c < o)),
                    cb.first().copied().filter(|&c| ob.first().is_none_or(|&o| c < o)),
                )
            };
            let (Some(o), Some(c)) = (opening, closing) else { return false };
            let after_open = a[o + open.len()..].chars().next();
            let before_close = b[..c].chars().next_back();
            after_open.is_some_and(|ch| !ch.is_whitespace())
                && before_close.is_some_and(|ch| !ch.is_whitespace())
                && ctx.clozes.is_cloze_line(&format!("{a} {b}"))
        });
        let Some((open, close)) = split else { continue };
        let in_cloze = ctx.view.question[i]
            .or(ctx.view.question[i + 1])
            .is_some_and(|q| ctx.note.questions[q].kind == QuestionKind::Cloze);
        let (severity, consequence) = if in_cloze {
            (Severity::Warning, "the card shows it as plain text")
        } else {
            (Severity::Error, "no card is made from it")
        };
        out.push(
            Finding::new(
                i,
                severity,
                Code::SplitCloze,
                format!(
                    "a cloze `{open}…{close}` runs from this line into line {}; the plugin reads clozes within one line, so {consequence}",
                    i + 2
                ),
            )
            .hint("join the two lines, or close the cloze before the line break"),
        );
    }
}

fn separators_in_code(ctx: &Ctx, out: &mut Vec<Finding>) {
    let s = ctx.settings;
    let mut seps = [s.single_line_reversed_card_separator.as_str(), s.single_line_card_separator.as_str()];
    seps.sort_by_key(|sep| std::cmp::Reverse(sep.len()));
    for i in ctx.view.body_from..ctx.len() {
        if ctx.view.in_code[i] {
            continue;
        }
        let l = ctx.line(i);
        if ctx.view.question[i].is_some() || seps.iter().any(|sep| has_inline_marker(l, sep)) {
            continue;
        }
        let spans = code_spans(l);
        let later = seps.iter().find(|sep| {
            !sep.is_empty()
                && lines::find(l, sep).is_some()
                && positions(l, sep).iter().any(|&p| !inside(&spans, p))
        });
        if let Some(sep) = later {
            out.push(
                Finding::new(
                    i,
                    Severity::Warning,
                    Code::SeparatorInCode,
                    format!(
                        "not a card: the plugin looks only at the first `{sep}`, which is inside inline code, so the `{sep}` after it does not count"
                    ),
                )
                .hint("move the code after the separator, or make it a multi-line card (front, a `?` line, back)"),
            );
        }
    }
    for (qi, q) in ctx.note.questions.iter().enumerate() {
        let sep = match q.kind {
            QuestionKind::Basic => &s.single_line_card_separator,
            QuestionKind::Reversed => &s.single_line_reversed_card_separator,
            _ => continue,
        };
        let l = ctx.line(q.first_line);
        let Some(at) = lines::find(l, sep) else { continue };
        let spans = code_spans(l);
        if let Some(span) = spans.iter().find(|sp| sp.contains(&at)) {
            out.push(
                Finding::new(
                    q.first_line,
                    Severity::Warning,
                    Code::SplitInCode,
                    format!(
                        "the plugin splits this card at the `{sep}` inside the inline code {}: front `{}`",
                        excerpt(&l[span.clone()], 40),
                        excerpt(&l[..at], 40)
                    ),
                )
                .hint(
                    "the plugin counts single backticks only: use single-backtick code, or a multi-line card",
                )
                .question(qi),
            );
        }
    }
}

static MISSPELT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<!--\s*sr\s*:").expect("valid regex"));

fn schedule_comments(ctx: &Ctx, out: &mut Vec<Finding>, explained: &[bool]) {
    for (i, &hidden) in explained.iter().enumerate().skip(ctx.view.body_from) {
        if ctx.view.in_code[i] || hidden {
            continue;
        }
        let l = ctx.line(i);
        if memchr::memchr(b'<', l.as_bytes()).is_none() {
            continue;
        }
        // Comments quoted in inline code are documentation, not schedules.
        let spans = code_spans(l);
        if let Some(m) = MISSPELT.find_iter(l).find(|m| m.as_str() != "<!--SR:" && !inside(&spans, m.start()))
        {
            out.push(
                Finding::new(
                    i,
                    Severity::Error,
                    Code::MisspeltSchedule,
                    format!(
                        "`{}` is not a schedule comment: the plugin reads only `<!--SR:` exactly",
                        m.as_str()
                    ),
                )
                .hint("write `<!--SR:` with no spaces, in capitals"),
            );
        }
        if find_comment(l).is_none_or(|c| inside(&spans, c.start)) || ctx.view.question[i].is_some() {
            continue;
        }
        let indent = l.len() - l.trim_start().len();
        let above = i.checked_sub(1).and_then(|p| ctx.view.question[p]);
        let attached_above = above.filter(|&qi| {
            let q = &ctx.note.questions[qi];
            matches!(q.kind, QuestionKind::Basic | QuestionKind::Reversed)
                && q.last_line + 1 == i
                && q.comment.is_none()
        });
        if let (true, Some(qi), true) = (indent > 0, attached_above, l.trim_start().starts_with("<!--SR:")) {
            let start = ctx.note.lines[i].start;
            let edit = Edit { range: start..start + indent, old: l[..indent].to_owned(), new: String::new() };
            out.push(
                Finding::new(
                    i,
                    Severity::Error,
                    Code::IndentedSchedule,
                    format!(
                        "this schedule comment is indented, so the plugin does not attach it to the card on line {i}: the card looks new and a review adds a second comment"
                    ),
                )
                .hint("start the comment at column 0 (`recall check --fix` does)")
                .question(qi)
                .fix(edit, "un-indented the schedule comment"),
            );
        } else {
            out.push(
                Finding::new(
                    i,
                    Severity::Warning,
                    Code::OrphanSchedule,
                    "this schedule comment belongs to no card: the plugin does not see a card it could attach to".into(),
                )
                .hint("a single-line card's comment must be on the line right after it; a multi-line card's inside its block"),
            );
        }
    }
}

#[cfg(test)]
mod tests;
