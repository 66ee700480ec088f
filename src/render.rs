//! Card text for the terminal: sanitised, then markdown rendered to styled
//! lines (pure; both the full-screen UI and the plain mode use it).
//!
//! Obsidian syntax pulldown-cmark does not know is handled first:
//! `[[path\|Alias]]` shows `Alias`, `[[path]]` the note name, `![[img.png]]`
//! and `![alt](img.png)` show `[image: img.png]`. Cloze deletions arrive
//! wrapped in [`CLOZE_OPEN`] / [`CLOZE_CLOSE`] and get their own style.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::sanitize::sanitize;

/// Marks the start of a cloze deletion in card text.
pub const CLOZE_OPEN: char = '\u{E000}';
/// Marks the end of a cloze deletion in card text.
pub const CLOZE_CLOSE: char = '\u{E001}';
const LINK_OPEN: char = '\u{E002}';
const LINK_CLOSE: char = '\u{E003}';
/// Marks the start of a hidden (not asked) deletion of an overlapping cloze.
pub const HIDDEN_OPEN: char = '\u{E004}';
/// Marks the end of a hidden deletion.
pub const HIDDEN_CLOSE: char = '\u{E005}';

/// How a piece of text looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Look {
    pub bold: bool,
    pub italic: bool,
    pub code: bool,
    pub cloze: bool,
    pub link: bool,
    pub heading: bool,
    pub dim: bool,
}

/// A run of text with one look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub look: Look,
}

/// One rendered line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Line {
    pub spans: Vec<Span>,
    /// Part of a fenced or indented code block (never re-wrapped).
    pub code_block: bool,
}

impl Line {
    /// The line's text without styles.
    #[must_use]
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// Replaces Obsidian links and embeds by what should be shown.
fn obsidian_syntax(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("[[") {
        let embed = i > 0 && rest.as_bytes()[i - 1] == b'!';
        let Some(end) = rest[i + 2..].find("]]").map(|e| i + 2 + e) else { break };
        let inner = &rest[i + 2..end];
        if inner.contains('\n') {
            out.push_str(&rest[..i + 2]);
            rest = &rest[i + 2..];
            continue;
        }
        out.push_str(&rest[..if embed { i - 1 } else { i }]);
        let (target, alias) =
            match inner.find("\\|").map(|p| (p, 2)).or_else(|| inner.find('|').map(|p| (p, 1))) {
                Some((p, w)) => (&inner[..p], Some(&inner[p + w..])),
                None => (inner, None),
            };
        if embed {
            out.push_str("[image: ");
            out.push_str(target.rsplit('/').next().unwrap_or(target));
            out.push(']');
        } else {
            let shown = alias.unwrap_or_else(|| {
                let name = target.split('#').next().unwrap_or(target);
                name.rsplit('/').next().unwrap_or(name)
            });
            out.push(LINK_OPEN);
            out.push_str(shown);
            out.push(LINK_CLOSE);
        }
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

struct Builder {
    lines: Vec<Line>,
    current: Line,
    look: Look,
    prefix: String,
    list_stack: Vec<Option<u64>>,
}

impl Builder {
    fn push_text(&mut self, text: &str) {
        let mut look = self.look;
        let mut buf = String::new();
        for c in text.chars() {
            let toggle = match c {
                CLOZE_OPEN => Some((true, 0)),
                CLOZE_CLOSE => Some((false, 0)),
                LINK_OPEN => Some((true, 1)),
                LINK_CLOSE => Some((false, 1)),
                HIDDEN_OPEN => Some((true, 2)),
                HIDDEN_CLOSE => Some((false, 2)),
                _ => None,
            };
            match toggle {
                Some((on, which)) => {
                    self.flush(&buf, look);
                    buf.clear();
                    match which {
                        0 => {
                            look.cloze = on;
                            self.look.cloze = on;
                        }
                        1 => {
                            look.link = on;
                            self.look.link = on;
                        }
                        _ => {
                            look.dim = on;
                            self.look.dim = on;
                        }
                    }
                }
                None if c == '\n' => {
                    self.flush(&buf, look);
                    buf.clear();
                    self.end_line();
                }
                None => buf.push(c),
            }
        }
        self.flush(&buf, look);
    }

    fn flush(&mut self, text: &str, look: Look) {
        if text.is_empty() {
            return;
        }
        if self.current.spans.is_empty() && !self.prefix.is_empty() {
            self.current
                .spans
                .push(Span { text: self.prefix.clone(), look: Look { dim: true, ..Look::default() } });
        }
        match self.current.spans.last_mut() {
            Some(last) if last.look == look => last.text.push_str(text),
            _ => self.current.spans.push(Span { text: text.to_owned(), look }),
        }
    }

    fn end_line(&mut self) {
        let line = std::mem::take(&mut self.current);
        self.lines.push(line);
    }

    fn end_block(&mut self) {
        if !self.current.spans.is_empty() {
            self.end_line();
        }
    }
}

/// Renders card text (markdown) to lines.
#[must_use]
pub fn render(text: &str) -> Vec<Line> {
    let text = obsidian_syntax(&sanitize(text));
    let mut b = Builder {
        lines: Vec::new(),
        current: Line::default(),
        look: Look::default(),
        prefix: String::new(),
        list_stack: Vec::new(),
    };
    let mut in_code_block = false;
    let mut in_image = false;
    let opts = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    for event in Parser::new_ext(&text, opts) {
        match event {
            Event::Start(Tag::Paragraph) => b.end_block(),
            Event::End(TagEnd::Paragraph) => {
                b.end_block();
                b.lines.push(Line::default());
            }
            Event::Start(Tag::Heading { .. }) => {
                b.end_block();
                b.look.heading = true;
                b.look.bold = true;
            }
            Event::End(TagEnd::Heading(_)) => {
                b.look.heading = false;
                b.look.bold = false;
                b.end_block();
            }
            Event::Start(Tag::Emphasis) => b.look.italic = true,
            Event::End(TagEnd::Emphasis) => b.look.italic = false,
            Event::Start(Tag::Strong) => b.look.bold = true,
            Event::End(TagEnd::Strong) => b.look.bold = false,
            Event::Start(Tag::Link { .. }) => b.look.link = true,
            Event::End(TagEnd::Link) => b.look.link = false,
            Event::Start(Tag::Image { dest_url, .. }) => {
                let name = dest_url.rsplit('/').next().unwrap_or(&dest_url).to_owned();
                b.look.dim = true;
                b.push_text(&format!("[image: {name}]"));
                b.look.dim = false;
                in_image = true;
            }
            Event::End(TagEnd::Image) => in_image = false,
            Event::Text(_) if in_image => {}
            Event::Start(Tag::CodeBlock(kind)) => {
                b.end_block();
                in_code_block = true;
                b.look.code = true;
                if let CodeBlockKind::Fenced(lang) = kind
                    && !lang.is_empty()
                {
                    b.flush(&format!("[{lang}]"), Look { dim: true, ..Look::default() });
                    b.end_line();
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                b.look.code = false;
                b.end_block();
            }
            Event::Start(Tag::List(start)) => {
                b.end_block();
                b.list_stack.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                b.list_stack.pop();
                b.end_block();
            }
            Event::Start(Tag::Item) => {
                b.end_block();
                let depth = b.list_stack.len().saturating_sub(1);
                let bullet = match b.list_stack.last_mut() {
                    Some(Some(n)) => {
                        let s = format!("{n}. ");
                        *n += 1;
                        s
                    }
                    _ => "• ".to_owned(),
                };
                b.prefix = format!("{}{}", "  ".repeat(depth), bullet);
            }
            Event::End(TagEnd::Item | TagEnd::BlockQuote(_)) => {
                b.end_block();
                b.prefix.clear();
            }
            Event::Start(Tag::BlockQuote(_)) => {
                b.end_block();
                b.prefix = "│ ".into();
            }
            Event::Text(t) => {
                if in_code_block {
                    let t = t.strip_suffix('\n').unwrap_or(&t);
                    for (i, l) in t.split('\n').enumerate() {
                        if i > 0 {
                            b.end_line();
                        }
                        b.push_text(l);
                        b.current.code_block = true;
                    }
                    b.end_line();
                } else {
                    b.push_text(&t);
                }
            }
            Event::Code(t) => {
                let was = b.look.code;
                b.look.code = true;
                b.push_text(&t);
                b.look.code = was;
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::TableRow | TagEnd::TableHead) => {
                b.end_line();
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                b.look.dim = true;
                b.push_text(t.trim_end_matches('\n'));
                b.look.dim = false;
            }
            Event::Rule => {
                b.end_block();
                b.flush("────────", Look { dim: true, ..Look::default() });
                b.end_line();
            }
            Event::TaskListMarker(done) => b.push_text(if done { "[x] " } else { "[ ] " }),
            Event::Start(Tag::TableCell) => b.push_text(" │ "),
            _ => {}
        }
    }
    b.end_block();
    while b.lines.last().is_some_and(|l| l.spans.is_empty()) {
        b.lines.pop();
    }
    b.lines
}

/// The card text as plain lines (for the line mode): rendered, styles
/// dropped.
#[must_use]
pub fn plain(text: &str) -> Vec<String> {
    render(text).iter().map(Line::text).collect()
}

/// An interval the way the plugin's buttons show it: days, months (`1.2m`)
/// or years.
#[must_use]
pub fn interval_text(days: f64) -> String {
    if days < 1.0 {
        return "now".into();
    }
    let m = (days / 3.043_75).round() / 10.0;
    let y = (days / 36.525).round() / 10.0;
    if m < 1.0 {
        format!("{}d", crate::parse::comment::js_number(days))
    } else if y < 1.0 {
        format!("{m}m")
    } else {
        format!("{y}y")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_obsidian_syntax() {
        assert_eq!(
            plain("**acks** waits for [[Kafka/ISR - 2024\\|in-sync replicas]] and `min.insync.replicas`"),
            vec!["acks waits for in-sync replicas and min.insync.replicas"]
        );
        assert_eq!(plain("See [[Kafka/Partition Leader]]"), vec!["See Partition Leader"]);
        assert_eq!(
            plain("![[diagram.png]] and ![x](img/flow.svg)"),
            vec!["[image: diagram.png] and [image: flow.svg]"]
        );
        assert_eq!(plain("- one\n- two\n  1. sub"), vec!["• one", "• two", "  1. sub"]);
        assert_eq!(
            plain("```java\nprops.put(\"acks\", \"all\");\n```"),
            vec!["[java]", "props.put(\"acks\", \"all\");"]
        );
    }

    #[test]
    fn styles_are_kept() {
        let lines = render("*a* **b** `c` \u{E000}d\u{E001}");
        let looks: Vec<(String, Look)> = lines[0]
            .spans
            .iter()
            .filter(|s| !s.text.trim().is_empty())
            .map(|s| (s.text.clone(), s.look))
            .collect();
        assert_eq!(looks[0], ("a".into(), Look { italic: true, ..Look::default() }));
        assert_eq!(looks[1], ("b".into(), Look { bold: true, ..Look::default() }));
        assert_eq!(looks[2], ("c".into(), Look { code: true, ..Look::default() }));
        assert_eq!(looks[3], ("d".into(), Look { cloze: true, ..Look::default() }));
    }

    #[test]
    fn control_characters_never_survive() {
        let out = plain("evil \u{1b}[2J bell \u{7} done");
        assert_eq!(out, vec!["evil ␛[2J bell ␇ done"]);
        let joined: String = out.concat();
        assert!(!joined.chars().any(char::is_control));
    }

    #[test]
    fn intervals_like_the_plugin() {
        assert_eq!(interval_text(0.0), "now");
        assert_eq!(interval_text(3.0), "3d");
        assert_eq!(interval_text(2.5), "2.5d");
        assert_eq!(interval_text(45.0), "1.5m");
        assert_eq!(interval_text(400.0), "1.1y");
    }
}
