//! Markdown events → width-independent blocks.
//!
//! pulldown-cmark reads the text with tables, strikethrough, task lists,
//! math (so `$a\,b$` keeps its backslashes) and wikilinks on; what it does
//! not know of Obsidian is handled here: `> [!note] Title` callouts,
//! `![[embeds]]`, `<br>`. Every block carries the prefix its containers
//! give it (quote bars, bullets, indentation) for its first row and for
//! the rows after.

use pulldown_cmark::{Alignment, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use unicode_width::UnicodeWidthStr;

use super::{CLOZE_CLOSE, CLOZE_HIDDEN_CLOSE, CLOZE_HIDDEN_OPEN, CLOZE_OPEN, Look, Span, wikilink_text};
use crate::sanitize::sanitize;

const OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_TASKLISTS)
    .union(Options::ENABLE_MATH)
    .union(Options::ENABLE_WIKILINKS);

/// Tab stops every this many columns.
pub(super) const TAB: usize = 4;

/// A parsed card.
pub(super) struct Doc {
    pub blocks: Vec<Block>,
    pub images: Vec<String>,
}

/// One block with the prefix its containers give its first row and the
/// rows after it.
pub(super) struct Block {
    pub first: Vec<Span>,
    pub rest: Vec<Span>,
    pub kind: Kind,
}

pub(super) enum Kind {
    /// One logical line of text (paragraph lines are split at their line
    /// breaks, as Obsidian shows them).
    Text(Vec<Span>),
    /// A code block: its language (may be empty) and its lines.
    Code {
        lang: String,
        lines: Vec<Vec<Span>>,
    },
    Table(Table),
    Rule,
    Blank,
}

/// A table: column alignments and rows of cells; the first `head` rows
/// are the header.
pub(super) struct Table {
    pub aligns: Vec<Alignment>,
    pub rows: Vec<Vec<Vec<Span>>>,
    pub head: usize,
}

/// A container's prefix: `first` on its first row, `rest` after.
struct Container {
    first: String,
    rest: String,
    used: bool,
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    containers: Vec<Container>,
    /// The logical line being built, and its width so far (for tabs).
    line: Vec<Span>,
    col: usize,
    look: Look,
    code: Option<(String, Vec<Vec<Span>>)>,
    table: Option<Table>,
    lists: Vec<Option<u64>>,
    images: Vec<String>,
    /// A callout title is being written (bold, ends at the first break).
    title: bool,
}

/// Parses card text into blocks.
pub(super) fn parse(text: &str) -> Doc {
    let text = hidden_blanks(&sanitize(text));
    let mut events: Vec<Event> = Parser::new_ext(&text, OPTIONS).collect();
    let mut b = Builder::default();
    let mut i = 0;
    while i < events.len() {
        if matches!(events[i], Event::Start(Tag::BlockQuote(_))) {
            callout(&mut events, i);
        }
        i = b.event(&events, i) + 1;
    }
    b.end_line();
    // No blank rows at either end, none doubled (of two, the outer one
    // stays: a quote does not end on an empty quoted row).
    let mut blocks: Vec<Block> = Vec::with_capacity(b.blocks.len());
    for block in b.blocks {
        if matches!(block.kind, Kind::Blank) {
            if blocks.is_empty() {
                continue;
            }
            if blocks.last().is_some_and(|l| matches!(l.kind, Kind::Blank)) {
                blocks.pop();
            }
        }
        blocks.push(block);
    }
    while blocks.last().is_some_and(|l| matches!(l.kind, Kind::Blank)) {
        blocks.pop();
    }
    Doc { blocks, images: b.images }
}

/// A hidden deletion's blank (`[...]` or `[hint]`) becomes `⟨hidden⟩` or
/// `⟨hidden: hint⟩`, so it differs from the asked one by shape.
fn hidden_blanks(text: &str) -> String {
    if !text.contains(CLOZE_HIDDEN_OPEN) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(i) = rest.find(CLOZE_HIDDEN_OPEN) {
        let after = &rest[i + CLOZE_HIDDEN_OPEN.len_utf8()..];
        let Some(j) = after.find(CLOZE_HIDDEN_CLOSE) else { break };
        out.push_str(&rest[..i]);
        let inner = &after[..j];
        let blank = inner.strip_prefix('[').and_then(|s| s.strip_suffix(']'));
        out.push(CLOZE_HIDDEN_OPEN);
        match blank {
            Some("...") => out.push_str("⟨hidden⟩"),
            Some(hint) => out.push_str(&format!("⟨hidden: {hint}⟩")),
            None => out.push_str(inner),
        }
        out.push(CLOZE_HIDDEN_CLOSE);
        rest = &after[j + CLOZE_HIDDEN_CLOSE.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// Rewrites an Obsidian callout's first line (`[!kind]± title`) at the
/// quote starting at `at` into the title alone, marked by a `Start(Tag::
/// Superscript)` the builder turns into a bold title row.
fn callout(events: &mut Vec<Event>, at: usize) {
    if !matches!(events.get(at + 1), Some(Event::Start(Tag::Paragraph))) {
        return;
    }
    let from = at + 2;
    let mut to = from;
    let mut head = String::new();
    while let Some(Event::Text(t)) = events.get(to) {
        head.push_str(t);
        to += 1;
    }
    let Some(rest) = head.strip_prefix("[!") else { return };
    let Some(close) = rest.find(']') else { return };
    let kind = &rest[..close];
    if kind.is_empty() || kind.contains(char::is_whitespace) {
        return;
    }
    let after = rest[close + 1..].trim_start_matches(['+', '-']).trim_start();
    let title = if after.is_empty() && !matches!(events.get(to), Some(Event::Start(_) | Event::Code(_))) {
        let kind = kind.split('|').next().unwrap_or(kind);
        let mut c = kind.chars();
        c.next().map(|f| f.to_uppercase().chain(c.flat_map(char::to_lowercase)).collect()).unwrap_or_default()
    } else {
        after.to_owned()
    };
    events.splice(from..to, [Event::Start(Tag::Superscript), Event::Text(CowStr::from(title))]);
}

impl Builder {
    /// Handles the event at `i`; returns the index of the last event used.
    fn event(&mut self, events: &[Event], i: usize) -> usize {
        match &events[i] {
            Event::Start(tag) => return self.start(tag, events, i),
            Event::End(tag) => self.end(*tag),
            Event::Text(t) => {
                if self.code.is_some() {
                    self.code_text(t);
                } else {
                    self.text(t);
                }
            }
            Event::Code(t) => self.styled(t, |l| l.code = true),
            Event::InlineMath(m) => self.text(&format!("${m}$")),
            Event::DisplayMath(m) => self.text(&format!("$${m}$$")),
            Event::SoftBreak | Event::HardBreak => self.break_line(),
            Event::Html(h) => {
                self.html(h);
                self.end_line();
            }
            Event::InlineHtml(h) => self.html(h),
            Event::Rule => {
                self.end_line();
                self.push(Kind::Rule);
            }
            Event::TaskListMarker(done) => self.text(if *done { "[x] " } else { "[ ] " }),
            Event::FootnoteReference(r) => self.text(&format!("[^{r}]")),
        }
        i
    }

    fn start(&mut self, tag: &Tag, events: &[Event], i: usize) -> usize {
        match tag {
            Tag::Paragraph | Tag::HtmlBlock | Tag::DefinitionList | Tag::DefinitionListTitle => {
                self.end_line();
            }
            Tag::DefinitionListDefinition | Tag::FootnoteDefinition(_) => {
                self.end_line();
                self.containers.push(Container { first: "  ".into(), rest: "  ".into(), used: false });
            }
            Tag::Heading { level, .. } => {
                self.end_line();
                if self.blocks.last().is_some_and(|b| !matches!(b.kind, Kind::Blank)) {
                    self.push(Kind::Blank);
                }
                self.look.heading = *level as u8;
                self.look.bold = true;
            }
            Tag::BlockQuote(_) => {
                self.end_line();
                self.containers.push(Container { first: "│ ".into(), rest: "│ ".into(), used: false });
            }
            Tag::CodeBlock(kind) => {
                self.end_line();
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => l.split_whitespace().next().unwrap_or("").to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, Vec::new()));
            }
            Tag::List(start) => {
                self.end_line();
                self.lists.push(*start);
            }
            Tag::Item => {
                self.end_line();
                let depth = self.lists.len().saturating_sub(1);
                let bullet = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let s = format!("{n}. ");
                        *n += 1;
                        s
                    }
                    _ => format!("{} ", ["•", "◦", "▪"][depth % 3]),
                };
                let rest = " ".repeat(bullet.width());
                self.containers.push(Container { first: bullet, rest, used: false });
            }
            Tag::Table(aligns) => {
                self.end_line();
                self.table = Some(Table { aligns: aligns.clone(), rows: Vec::new(), head: 0 });
            }
            Tag::TableHead | Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.rows.push(Vec::new());
                }
            }
            Tag::TableCell => {
                self.line.clear();
                self.col = 0;
            }
            Tag::Emphasis => self.look.italic = true,
            Tag::Strong => self.look.bold = true,
            Tag::Strikethrough => self.look.strike = true,
            Tag::Superscript => {
                // A callout's title (see `callout`).
                self.title = true;
                self.look.bold = true;
            }
            Tag::Subscript => {}
            Tag::Link { link_type: LinkType::WikiLink { has_pothole }, dest_url, .. } => {
                let end = matching_end(events, i);
                let alias = events.get(i + 1..end).unwrap_or_default();
                let alias_empty = alias.iter().all(|e| matches!(e, Event::Text(t) if t.trim().is_empty()));
                if !*has_pothole || alias_empty {
                    self.styled(&wikilink_text(dest_url), |l| l.link = true);
                    return end;
                }
                self.look.link = true;
            }
            Tag::Link { .. } => self.look.link = true,
            Tag::Image { link_type, dest_url, .. } => {
                let end = matching_end(events, i);
                let dest = if matches!(link_type, LinkType::WikiLink { .. }) {
                    dest_url.trim().trim_end_matches('\\')
                } else {
                    dest_url
                };
                let file = dest.split('#').next().unwrap_or(dest);
                let name = file.rsplit('/').next().unwrap_or(file);
                if is_image(file) {
                    self.images.push(file.to_owned());
                    self.styled(&format!("[image: {name}]"), |l| l.dim = true);
                } else {
                    self.styled(&format!("[embed: {}]", wikilink_text(dest)), |l| l.dim = true);
                }
                return end;
            }
            Tag::MetadataBlock(_) => return matching_end(events, i),
        }
        i
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                self.end_line();
                if self.table.is_none() {
                    self.push(Kind::Blank);
                }
            }
            TagEnd::Heading(_) => {
                self.end_line();
                self.look.heading = 0;
                self.look.bold = false;
            }
            TagEnd::BlockQuote(_)
            | TagEnd::Item
            | TagEnd::DefinitionListDefinition
            | TagEnd::FootnoteDefinition => {
                self.end_line();
                self.containers.pop();
                if matches!(tag, TagEnd::BlockQuote(_)) {
                    self.push(Kind::Blank);
                }
            }
            TagEnd::CodeBlock => {
                if let Some((lang, lines)) = self.code.take() {
                    self.push(Kind::Code { lang, lines });
                    self.push(Kind::Blank);
                }
            }
            TagEnd::List(_) => {
                self.end_line();
                self.lists.pop();
                if self.lists.is_empty() {
                    self.push(Kind::Blank);
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.push(Kind::Table(t));
                    self.push(Kind::Blank);
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.head = t.rows.len();
                }
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.line);
                self.col = 0;
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push(cell);
                }
            }
            TagEnd::Emphasis => self.look.italic = false,
            TagEnd::Strong => self.look.bold = false,
            TagEnd::Strikethrough => self.look.strike = false,
            TagEnd::Link => self.look.link = false,
            TagEnd::HtmlBlock | TagEnd::DefinitionListTitle => self.end_line(),
            _ => {}
        }
    }

    /// Text with one more style for its duration.
    fn styled(&mut self, text: &str, f: impl Fn(&mut Look)) {
        let was = self.look;
        f(&mut self.look);
        self.text(text);
        self.look = Look { cloze: self.look.cloze, hidden: self.look.hidden, ..was };
    }

    /// Inline text: cloze marks switch the look, tabs go to the next stop,
    /// a newline (display math, HTML) starts a logical line.
    fn text(&mut self, text: &str) {
        let mut buf = String::new();
        for c in text.chars() {
            let toggle = match c {
                CLOZE_OPEN | CLOZE_CLOSE | CLOZE_HIDDEN_OPEN | CLOZE_HIDDEN_CLOSE => Some(c),
                _ => None,
            };
            if toggle.is_some() || c == '\n' {
                self.flush(&buf);
                buf.clear();
            }
            match c {
                CLOZE_OPEN => self.look.cloze = true,
                CLOZE_CLOSE => self.look.cloze = false,
                CLOZE_HIDDEN_OPEN => self.look.hidden = true,
                CLOZE_HIDDEN_CLOSE => self.look.hidden = false,
                '\n' if self.table.is_some() => buf.push(' '),
                '\n' => self.break_line(),
                '\t' => {
                    let col = self.col + buf.width();
                    buf.extend(std::iter::repeat_n(' ', TAB - col % TAB));
                }
                c => buf.push(c),
            }
        }
        self.flush(&buf);
    }

    fn flush(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.col += text.width();
        push_span(&mut self.line, text, self.look);
    }

    /// A code block's text: each line its own logical line, tabs expanded
    /// from the line's start, cloze marks kept as looks.
    fn code_text(&mut self, text: &str) {
        let Some((_, lines)) = &mut self.code else { return };
        let text = text.strip_suffix('\n').unwrap_or(text);
        let mut look =
            Look { code: true, cloze: self.look.cloze, hidden: self.look.hidden, ..Look::default() };
        for l in text.split('\n') {
            let mut spans = Vec::new();
            let mut buf = String::new();
            let mut col = 0;
            for c in l.chars() {
                match c {
                    CLOZE_OPEN | CLOZE_CLOSE | CLOZE_HIDDEN_OPEN | CLOZE_HIDDEN_CLOSE => {
                        col += buf.width();
                        push_span(&mut spans, &buf, look);
                        buf.clear();
                        look.cloze = match c {
                            CLOZE_OPEN => true,
                            CLOZE_CLOSE => false,
                            _ => look.cloze,
                        };
                        look.hidden = match c {
                            CLOZE_HIDDEN_OPEN => true,
                            CLOZE_HIDDEN_CLOSE => false,
                            _ => look.hidden,
                        };
                    }
                    '\t' => {
                        let at = col + buf.width();
                        buf.extend(std::iter::repeat_n(' ', TAB - at % TAB));
                    }
                    c => buf.push(c),
                }
            }
            push_span(&mut spans, &buf, look);
            lines.push(spans);
        }
        self.look.cloze = look.cloze;
        self.look.hidden = look.hidden;
    }

    fn html(&mut self, html: &str) {
        let t = html.trim();
        if t.starts_with("<!--") {
            return;
        }
        let lower = t.to_ascii_lowercase();
        if matches!(lower.as_str(), "<br>" | "<br/>" | "<br />") {
            self.break_line();
            return;
        }
        let was = self.look;
        self.look.dim = true;
        self.text(html.trim_end_matches('\n'));
        self.look = Look { cloze: self.look.cloze, hidden: self.look.hidden, ..was };
    }

    /// A line break inside a paragraph (or the end of a callout's title).
    fn break_line(&mut self) {
        if self.table.is_some() {
            self.text(" ");
            return;
        }
        self.end_text_line(true);
        if self.title {
            self.title = false;
            self.look.bold = false;
        }
    }

    /// Ends the logical line being built (nothing when it is empty).
    fn end_line(&mut self) {
        self.end_text_line(false);
        if self.title {
            self.title = false;
            self.look.bold = false;
        }
    }

    fn end_text_line(&mut self, even_empty: bool) {
        if self.table.is_some() {
            return;
        }
        if self.line.is_empty() && !even_empty {
            return;
        }
        let spans = std::mem::take(&mut self.line);
        self.col = 0;
        self.push(Kind::Text(spans));
    }

    fn push(&mut self, kind: Kind) {
        let blank = matches!(kind, Kind::Blank);
        let mut first = String::new();
        let mut rest = String::new();
        for c in &mut self.containers {
            first.push_str(if c.used { &c.rest } else { &c.first });
            rest.push_str(&c.rest);
            if !blank {
                c.used = true;
            }
        }
        if blank {
            rest.trim_end().clone_into(&mut first);
            rest.clone_from(&first);
        }
        let prefix = |s: String| if s.is_empty() { Vec::new() } else { vec![Span::dim(s)] };
        self.blocks.push(Block { first: prefix(first), rest: prefix(rest), kind });
    }
}

/// Appends `text` to `spans`, merging with the last span when it looks the same.
pub(super) fn push_span(spans: &mut Vec<Span>, text: &str, look: Look) {
    if text.is_empty() {
        return;
    }
    match spans.last_mut() {
        Some(last) if last.look == look => last.text.push_str(text),
        _ => spans.push(Span::new(text, look)),
    }
}

/// The index of the end event matching the start at `start`.
fn matching_end(events: &[Event], start: usize) -> usize {
    let mut depth = 0usize;
    for (j, e) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return j;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

fn is_image(file: &str) -> bool {
    let ext = file.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "gif" | "bmp" | "svg" | "webp" | "avif" | "tif" | "tiff")
}
