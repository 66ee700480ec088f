//! A cloze pattern compiled: its literal parts, the three regexes and
//! what the fast paths need (spec §a.4).

use regex::Regex;

use super::Compiled;

/// A piece of a pattern.
#[derive(Debug)]
enum Part {
    Lit(String),
    Answer,
    Seq(String, String),
    Hint(String, String),
}

/// Splits a pattern into literal text, `answer`, and the bracketed sequence
/// and hint groups. `\` escapes the next character.
fn tokenize(pattern: &str) -> Option<Vec<Part>> {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut chars = pattern.chars();
    let flush_lit = |lit: &mut String, parts: &mut Vec<Part>| {
        if lit.is_empty() {
            return;
        }
        let mut rest = lit.as_str();
        while let Some(i) = rest.find("answer") {
            if i > 0 {
                parts.push(Part::Lit(rest[..i].to_owned()));
            }
            parts.push(Part::Answer);
            rest = &rest[i + "answer".len()..];
        }
        if !rest.is_empty() {
            parts.push(Part::Lit(rest.to_owned()));
        }
        lit.clear();
    };
    while let Some(c) = chars.next() {
        match c {
            '\\' => lit.extend(chars.next()),
            '[' => {
                let mut group = String::new();
                let mut closed = false;
                while let Some(g) = chars.next() {
                    match g {
                        '\\' => group.extend(chars.next()),
                        ']' => {
                            closed = true;
                            break;
                        }
                        other => group.push(other),
                    }
                }
                if !closed {
                    lit.push('[');
                    lit.push_str(&group);
                    continue;
                }
                if let Some(i) = group.find("123") {
                    flush_lit(&mut lit, &mut parts);
                    parts.push(Part::Seq(group[..i].to_owned(), group[i + 3..].to_owned()));
                } else if let Some(i) = group.find("hint") {
                    flush_lit(&mut lit, &mut parts);
                    parts.push(Part::Hint(group[..i].to_owned(), group[i + 4..].to_owned()));
                } else {
                    lit.push('[');
                    lit.push_str(&group);
                    lit.push(']');
                }
            }
            other => lit.push(other),
        }
    }
    flush_lit(&mut lit, &mut parts);
    parts.iter().any(|p| matches!(p, Part::Answer)).then_some(parts)
}

pub(super) fn compile(pattern: &str) -> Option<Compiled> {
    let parts = tokenize(pattern)?;
    let build = |seq: Option<&str>| -> Option<Regex> {
        let mut re = String::new();
        for p in &parts {
            match p {
                Part::Lit(s) => re.push_str(&regex::escape(s)),
                Part::Answer => re.push_str("(?P<ans>.+?)"),
                Part::Seq(pre, post) => {
                    if let Some(body) = seq {
                        re.push_str(&regex::escape(pre));
                        re.push_str("(?P<seq>");
                        re.push_str(body);
                        re.push(')');
                        re.push_str(&regex::escape(post));
                    }
                }
                Part::Hint(pre, post) => {
                    re.push_str("(?:");
                    re.push_str(&regex::escape(pre));
                    re.push_str("(?P<hint>.+?)");
                    re.push_str(&regex::escape(post));
                    re.push_str(")?");
                }
            }
        }
        Regex::new(&re).ok()
    };
    let prefix = match parts.first() {
        Some(Part::Lit(l)) => l.clone(),
        _ => String::new(),
    };
    let suffix = match parts.last() {
        Some(Part::Lit(l)) => l.clone(),
        _ => String::new(),
    };
    // The fast path needs `P [sp 123 ss] answer [h1 hint] S` with literal P
    // and S, an empty tail after the hint, and S sharing no character with h1
    // (so a hint never hides an earlier closing).
    let seq_suffix = parts.iter().find_map(|p| match p {
        Part::Seq(_, post) => Some(post.clone()),
        _ => None,
    });
    let hint_open = parts.iter().find_map(|p| match p {
        Part::Hint(open, _) => Some(open.clone()),
        _ => None,
    });
    let seq_prefix = match parts.as_slice() {
        [Part::Lit(_), rest @ .., Part::Lit(_)] => {
            let mut seq = None;
            let mut ok = !prefix.is_empty() && !suffix.is_empty() && !prefix.contains(['\n', '\r']);
            let mut seen_answer = false;
            for part in rest {
                match part {
                    Part::Seq(pre, _) if !seen_answer && seq.is_none() => seq = Some(pre.clone()),
                    Part::Answer if !seen_answer => seen_answer = true,
                    Part::Hint(h1, h2) if seen_answer && h2.is_empty() && !h1.is_empty() => {
                        ok &= !h1.chars().any(|c| suffix.contains(c));
                    }
                    _ => ok = false,
                }
            }
            (ok && seen_answer).then(|| seq.unwrap_or_default())
        }
        _ => None,
    };
    Some(Compiled {
        prefix,
        suffix,
        seq_prefix,
        // JavaScript's `\d` is `[0-9]`; the regex crate's would take the
        // digits of every script (`==٣;;x==` is a simple cloze to the plugin).
        classic: seq_suffix.as_ref().and_then(|_| build(Some("[0-9]+"))),
        overlapping: seq_suffix.as_ref().and_then(|_| build(Some("[ash]+"))),
        seq_suffix: seq_suffix.unwrap_or_default(),
        hint_open: hint_open.unwrap_or_default(),
        simple: build(None)?,
    })
}
