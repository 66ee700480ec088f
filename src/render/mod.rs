//! Card text for the terminal: markdown rendered to styled lines that fit a
//! width (pure; the full-screen UI and the plain mode both use it).
//!
//! [`render`] sanitises the text ([`crate::sanitize::sanitize`], one rule
//! for every control, zero-width and bidi character), parses it with
//! pulldown-cmark into width-independent blocks ([`markdown`]), then lays
//! the blocks out at the width ([`wrap`], [`table`]): paragraphs wrap by
//! display width (CJK counts two columns), tables become aligned grids,
//! fenced code sits in a frame and is never reflowed (a line longer than
//! the frame continues on the next row after a `↪` marker), tabs go to the
//! next 4-column stop, `$…$` and `$$…$$` stay exactly as written.
//!
//! Invariant: no line is wider than the width asked for (as long as the
//! width holds one wide character), and no text is dropped: what does not
//! fit goes on the next row, with a marker where that is not plain
//! wrapping.
//!
//! Cloze deletions arrive wrapped in [`CLOZE_OPEN`] / [`CLOZE_CLOSE`] (the
//! asked one) or [`CLOZE_HIDDEN_OPEN`] / [`CLOZE_HIDDEN_CLOSE`] (hidden, not
//! asked: an overlapping cloze's `h`), which [`crate::parse::cloze`] puts
//! there; a hidden blank is shown as `⟨hidden⟩` so it differs by shape.

mod markdown;
mod table;
#[cfg(test)]
mod tests;
mod wrap;

use unicode_width::UnicodeWidthStr;

use crate::session::Summary;

/// Marks the start of the asked cloze deletion in card text.
pub const CLOZE_OPEN: char = '\u{E000}';
/// Marks the end of the asked cloze deletion in card text.
pub const CLOZE_CLOSE: char = '\u{E001}';
/// Marks the start of a hidden (not asked) cloze deletion.
pub const CLOZE_HIDDEN_OPEN: char = '\u{E004}';
/// Marks the end of a hidden (not asked) cloze deletion.
pub const CLOZE_HIDDEN_CLOSE: char = '\u{E005}';

/// How a piece of text looks. The terminal UI maps this to its styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Look {
    pub bold: bool,
    pub italic: bool,
    pub strike: bool,
    /// Inline code or the text of a code block.
    pub code: bool,
    /// The asked cloze deletion (its blank on the front, its answer on the back).
    pub cloze: bool,
    /// A hidden cloze deletion (an overlapping cloze's other parts).
    pub hidden: bool,
    pub link: bool,
    /// Heading level, 0 when not a heading.
    pub heading: u8,
    /// Decoration that is not the card's text: bullets, frames, markers.
    pub dim: bool,
}

/// A run of text with one look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub look: Look,
}

impl Span {
    /// A span of `text` with `look`.
    #[must_use]
    pub fn new(text: impl Into<String>, look: Look) -> Span {
        Span { text: text.into(), look }
    }

    /// A span of decoration (dimmed).
    #[must_use]
    pub fn dim(text: impl Into<String>) -> Span {
        Span { text: text.into(), look: Look { dim: true, ..Look::default() } }
    }
}

/// One rendered row, at most as wide as the width it was rendered for.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Line {
    pub spans: Vec<Span>,
    /// Part of a code block (never re-wrapped).
    pub code_block: bool,
    /// The logical line this row belongs to (a paragraph line, a code
    /// line, a table row): numbered the same at every width, so a scroll
    /// position anchored on it survives a resize.
    pub logical: usize,
    /// Where in its logical line the row starts (a character index of the
    /// text, decorations not counted), to find the same place at another
    /// width.
    pub start: usize,
}

impl Line {
    /// The line's text without styles.
    #[must_use]
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }

    /// The line's width in terminal columns.
    #[must_use]
    pub fn width(&self) -> usize {
        self.spans.iter().map(|s| s.text.width()).sum()
    }
}

/// Rendered card text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Rendered {
    pub lines: Vec<Line>,
    /// How many logical lines the text has (one past the last `logical`),
    /// the same at every width.
    pub logical_lines: usize,
    /// The targets of the images the text embeds, as written
    /// (`img/flow.svg`, `diagram.png`), in order.
    pub images: Vec<String>,
}

/// Renders card text (markdown, possibly with cloze marks) to lines no
/// wider than `width` columns.
#[must_use]
pub fn render(text: &str, width: usize) -> Rendered {
    let doc = markdown::parse(text);
    let (lines, logical_lines) = wrap::layout(&doc.blocks, width.max(1));
    Rendered { lines, logical_lines, images: doc.images }
}

/// The card text as plain lines no wider than `width` (for the line mode):
/// rendered, styles dropped.
#[must_use]
pub fn plain(text: &str, width: usize) -> Vec<String> {
    render(text, width).lines.iter().map(|l| l.text().trim_end().to_owned()).collect()
}

/// Wraps plain text (no markdown) to rows of at most `width` columns, as
/// card text wraps (for help and messages). Always at least one row.
#[must_use]
pub fn wrap_plain(text: &str, width: usize) -> Vec<String> {
    let spans = [Span::new(crate::sanitize::one_line(text), Look::default())];
    wrap::wrap(&spans, width.max(1)).iter().map(|r| r.iter().map(|s| s.text.as_str()).collect()).collect()
}

/// The width of `s` in terminal columns.
#[must_use]
pub fn width(s: &str) -> usize {
    s.width()
}

/// Cuts `s` to at most `max` columns, ending with `…` when it was cut.
#[must_use]
pub fn fit(s: &str, max: usize) -> String {
    if s.width() <= max {
        return s.to_owned();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// What Obsidian shows for the link `[[target]]` without an alias: the
/// target as written, a heading as `note > heading` (nested headings
/// `note > h1 > h2`), a block reference as the note alone. The terminal
/// and the Anki export both show links through this one function.
#[must_use]
pub fn wikilink_text(target: &str) -> String {
    let target = target.trim().trim_end_matches('\\');
    let (path, sub) = target.split_once('#').unwrap_or((target, ""));
    let sub = sub.trim();
    if sub.is_empty() || sub.starts_with('^') {
        return path.to_owned();
    }
    let sub = sub.replace('#', " > ");
    if path.is_empty() { sub } else { format!("{path} > {sub}") }
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

/// The end-of-session summary as lines (the full-screen UI, the plain mode
/// and the text printed after the full-screen UI all show these).
#[must_use]
pub fn summary_lines(s: &Summary) -> Vec<String> {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut out = vec![format!(
        "Reviewed {} card{} in {}m {:02}s.",
        s.reviewed,
        plural(s.reviewed),
        s.seconds / 60,
        s.seconds % 60
    )];
    out.push(format!(
        "Again {} · Hard {} · Good {} · Easy {}",
        s.answers[0], s.answers[1], s.answers[2], s.answers[3]
    ));
    let extra: Vec<String> =
        [("reset", s.reset), ("skipped", s.skipped), ("buried", s.buried), ("undone", s.undone)]
            .into_iter()
            .filter(|&(_, n)| n > 0)
            .map(|(what, n)| format!("{what} {n}"))
            .collect();
    if !extra.is_empty() {
        out.push(extra.join(" · "));
    }
    if let Some(r) = s.retention() {
        out.push(format!(
            "Retention on review cards: {:.0}% ({} of {} not Again).",
            r * 100.0,
            s.review_recalled,
            s.review_answers
        ));
    }
    if s.left_today > 0 {
        out.push(format!(
            "Still due today: {} card{} (within the daily limits).",
            s.left_today,
            plural(s.left_today)
        ));
    }
    out.push(match s.next_due {
        Some((1, n)) => format!("Next: {n} card{} due tomorrow.", plural(n as usize)),
        Some((d, n)) => format!("Next: {n} card{} due in {d} days.", plural(n as usize)),
        None => "Nothing else is scheduled.".to_owned(),
    });
    out
}
