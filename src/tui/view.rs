//! Drawing: a [`Screen`] (read only) into a frame.
//!
//! The column is centred and at most `reading_width` wide; the card box is
//! as tall as its text. When rows run short, the breadcrumb goes first,
//! then the key bar, then the box's borders; the card text last. Text
//! that does not fit scrolls, with `▲ N more` / `▼ N more` saying so.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use super::keys::{HELP, key_hints};
use crate::render::{self, Look, fit, summary_lines, width};
use crate::sanitize::one_line;
use crate::schedule::Response;
use crate::session::{CardView, Progress, Summary};

/// The smallest window the review draws in; below it one line says so.
pub const MIN_WIDTH: u16 = 20;
/// See [`MIN_WIDTH`].
pub const MIN_HEIGHT: u16 = 5;

/// Everything one frame shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    pub card: Option<CardView>,
    pub progress: Progress,
    /// The status line's message.
    pub status: Option<String>,
    /// The help (or the card's info, when `info` is set) is open,
    /// scrolled this many rows down.
    pub help: Option<usize>,
    /// The card's info lines, shown instead of the help.
    pub info: Option<Vec<String>>,
    /// Set when the session is over.
    pub summary: Option<Summary>,
    pub color: bool,
    /// Where the card text is scrolled to.
    pub scroll: Scroll,
    /// The widest the reading column gets.
    pub reading_width: u16,
    /// Seconds the card has been on screen (the timer).
    pub seconds_on_card: u64,
}

/// A scroll position anchored on a logical line (a paragraph line, a code
/// line, a table row) and a character in it, so it survives a resize: the
/// row shown first is the one holding that character at any width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scroll {
    pub logical: usize,
    pub start: usize,
}

impl Scroll {
    /// The index of the first row shown.
    #[must_use]
    pub fn top(self, lines: &[render::Line]) -> usize {
        let Some(first) = lines.iter().position(|l| l.logical >= self.logical) else {
            return lines.len();
        };
        let same =
            lines[first..].iter().take_while(|l| l.logical == lines[first].logical && l.start <= self.start);
        first + same.count().saturating_sub(1)
    }

    /// The position whose first row shown is `top`.
    #[must_use]
    pub fn at(lines: &[render::Line], top: usize) -> Scroll {
        match lines.get(top) {
            Some(line) => Scroll { logical: line.logical, start: line.start },
            None => Scroll { logical: lines.last().map_or(0, |l| l.logical + 1), start: 0 },
        }
    }
}

/// What a frame showed, for scrolling by pages and keeping the anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Drawn {
    /// The card text's width and the rows it had.
    pub width: usize,
    pub rows: usize,
    /// The scroll markers take rows of the text (no borders to hold them).
    pub inline_markers: bool,
    /// The help's width and rows, when it was shown.
    pub help_width: usize,
    pub help_rows: usize,
}

/// The card's text as shown: the front, and after reveal a rule and the
/// back.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CardText {
    pub lines: Vec<render::Line>,
    /// The logical line the answer starts at (after reveal).
    pub answer: Option<usize>,
    pub images: Vec<String>,
}

/// Renders a card's sides at `width`.
#[must_use]
pub fn card_text(card: &CardView, width: usize) -> CardText {
    let front = render::render(&card.front_marked, width);
    let mut lines = front.lines;
    let mut images = front.images;
    let mut answer = None;
    if card.revealed {
        let rule = front.logical_lines;
        lines.push(render::Line {
            spans: vec![render::Span::dim("─".repeat(width))],
            code_block: false,
            logical: rule,
            start: 0,
        });
        let back = render::render(&card.back_marked, width);
        answer = Some(rule + 1);
        lines.extend(back.lines.into_iter().map(|l| render::Line { logical: l.logical + rule + 1, ..l }));
        images.extend(back.images);
    }
    CardText { lines, answer, images }
}

/// The rows of text shown: `(top, visible, above, below)`.
#[must_use]
pub fn viewport(total: usize, rows: usize, top: usize, inline: bool) -> (usize, usize, usize, usize) {
    if !inline || total <= rows {
        let top = top.min(total.saturating_sub(rows));
        let visible = rows.min(total - top);
        return (top, visible, top, total - top - visible);
    }
    // Markers take a row each: the first when scrolled, the last when more follows.
    let rows = rows.max(2);
    let top = top.min(total - (rows - 1));
    let visible = if top == 0 {
        rows - 1
    } else if top + rows > total {
        total - top
    } else {
        rows.saturating_sub(2).max(1)
    };
    (top, visible, top, total - top - visible)
}

/// The largest useful top row.
#[must_use]
pub fn max_top(total: usize, rows: usize, inline: bool) -> usize {
    viewport(total, rows, usize::MAX, inline).0
}

pub(super) fn look_style(look: Look, color: bool, code_block: bool) -> Style {
    let mut s = Style::default();
    if look.bold || look.heading > 0 {
        s = s.add_modifier(Modifier::BOLD);
    }
    if look.heading == 1 {
        s = s.add_modifier(Modifier::UNDERLINED);
    }
    if look.italic {
        s = s.add_modifier(Modifier::ITALIC);
    }
    if look.strike {
        s = s.add_modifier(Modifier::CROSSED_OUT);
    }
    if look.dim {
        s = s.add_modifier(Modifier::DIM);
    }
    if look.link {
        s = s.add_modifier(Modifier::UNDERLINED);
    }
    if look.code && !code_block && color {
        // Magenta reads on dark and light backgrounds alike.
        s = s.fg(Color::Magenta);
    }
    if look.cloze {
        // By shape, not only colour: bold and underlined, in any theme.
        s = s.add_modifier(Modifier::BOLD | Modifier::UNDERLINED);
    }
    if look.hidden {
        s = s.add_modifier(Modifier::DIM | Modifier::ITALIC);
    }
    s
}

fn to_line(l: &render::Line, color: bool) -> Line<'static> {
    Line::from(
        l.spans
            .iter()
            .map(|s| Span::styled(s.text.clone(), look_style(s.look, color, l.code_block)))
            .collect::<Vec<_>>(),
    )
}

fn dim() -> Style {
    Style::default().add_modifier(Modifier::DIM)
}

fn bold() -> Style {
    Style::default().add_modifier(Modifier::BOLD)
}

/// The centred reading column.
fn column(area: Rect, reading_width: u16) -> Rect {
    let w = area.width.min(reading_width.max(MIN_WIDTH));
    Rect { x: area.x + (area.width - w) / 2, width: w, ..area }
}

/// Where each part of the card screen goes.
struct Plan {
    crumb: Option<Rect>,
    card: Rect,
    bordered: bool,
    buttons: Option<Rect>,
    progress: Option<Rect>,
    status: Option<Rect>,
    keys: Option<Rect>,
}

/// Rows from which the status line is there even with no message, so
/// the screen does not move when one comes.
const STEADY_STATUS: usize = 16;

/// Lays the card screen out in `col` for text of `content(width)` rows.
fn plan(col: Rect, status: bool, content: impl Fn(usize) -> usize) -> Plan {
    let h = usize::from(col.height);
    let c = content(usize::from(col.width.saturating_sub(4)).max(1));
    let t_min = c.clamp(1, 3.max(h / 2));
    // Kept longest first: the answer buttons, progress, status, borders, keys, breadcrumb.
    let status_h = usize::from(status || h >= STEADY_STATUS);
    let parts = [1, 1, status_h, 2, 1, 1];
    let mut keep = [false; 6];
    let mut used = 0;
    for (i, &ph) in parts.iter().enumerate() {
        if ph > 0 && h >= used + ph + t_min {
            keep[i] = true;
            used += ph;
        }
    }
    let [buttons, progress, status, bordered, keys, crumb] = keep;
    let text_width = usize::from(if bordered { col.width.saturating_sub(4) } else { col.width }).max(1);
    let rows = h - used;
    let body = content(text_width).clamp(1, rows.max(1));
    let row = |y: usize| Rect { x: col.x, y: col.y + y as u16, width: col.width, height: 1 };
    let mut y = 0;
    let crumb = crumb.then(|| {
        y += 1;
        row(0)
    });
    let card_h = body + if bordered { 2 } else { 0 };
    let card = Rect { x: col.x, y: col.y + y as u16, width: col.width, height: card_h as u16 };
    y += card_h;
    let buttons = buttons.then(|| row(y));
    let mut bottom = h;
    let mut from_bottom = |on: bool| {
        on.then(|| {
            bottom -= 1;
            row(bottom)
        })
    };
    let keys = from_bottom(keys);
    let status = from_bottom(status);
    let progress = from_bottom(progress);
    Plan { crumb, card, bordered, buttons, progress, status, keys }
}

/// Draws one frame; returns what the event loop needs to scroll.
pub fn draw(frame: &mut Frame, screen: &Screen) -> Drawn {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!("Window too small (need {MIN_WIDTH}×{MIN_HEIGHT})");
        frame.render_widget(Paragraph::new(fit(&msg, usize::from(area.width))), area);
        return Drawn::default();
    }
    let col = column(area, screen.reading_width);
    let mut drawn = match (&screen.summary, &screen.card) {
        (Some(summary), _) => {
            draw_summary(frame, col, summary, screen);
            Drawn::default()
        }
        (None, Some(card)) => draw_card(frame, col, card, screen),
        (None, None) => {
            frame.render_widget(Paragraph::new("No cards left."), col);
            Drawn::default()
        }
    };
    if let Some(top) = screen.help {
        let (w, rows) = match &screen.info {
            Some(info) => draw_popup(
                frame,
                col,
                " card info · any other key closes ",
                &info_lines(info, inner_width(col)),
                top,
            ),
            None => draw_help(frame, col, top),
        };
        drawn.help_width = w;
        drawn.help_rows = rows;
    }
    drawn
}

fn draw_card(frame: &mut Frame, col: Rect, card: &CardView, screen: &Screen) -> Drawn {
    let p = plan(col, screen.status.is_some(), |w| card_text(card, w).lines.len());
    let text_area = if p.bordered {
        Rect {
            x: p.card.x + 2,
            y: p.card.y + 1,
            width: p.card.width.saturating_sub(4),
            height: p.card.height.saturating_sub(2),
        }
    } else {
        p.card
    };
    let width = usize::from(text_area.width).max(1);
    let rows = usize::from(text_area.height);
    let text = card_text(card, width);
    let total = text.lines.len();
    let inline = !p.bordered;
    let (top, visible, above, below) = viewport(total, rows, screen.scroll.top(&text.lines), inline);
    let mut shown: Vec<Line> = Vec::with_capacity(rows);
    let marker = |s: String| Line::styled(fit(&s, width), dim());
    if inline && above > 0 {
        shown.push(marker(format!("▲ {above} more")));
    }
    shown.extend(text.lines[top..top + visible].iter().map(|l| to_line(l, screen.color)));
    if inline && below > 0 {
        shown.push(marker(format!("▼ {below} more")));
    }
    if p.bordered {
        let deck = one_line(&card.decks.join(", "));
        let title = if card.is_new { format!("{deck} · new") } else { deck };
        let w = usize::from(p.card.width);
        let mut block = Block::default().borders(Borders::ALL).border_style(dim());
        let up = (above > 0).then(|| format!(" ▲ {above} more "));
        let down = (below > 0).then(|| format!(" ▼ {below} more "));
        let room = w.saturating_sub(4 + up.as_ref().map_or(0, |u| render::width(u) + 1));
        block = block.title(Line::styled(format!(" {} ", fit(&title, room.saturating_sub(2))), bold()));
        if let Some(u) = up {
            block = block.title(Line::styled(u, dim()).right_aligned());
        }
        if let Some(d) = down {
            block = block.title_bottom(Line::styled(d, dim()).right_aligned());
        }
        frame.render_widget(block, p.card);
    }
    frame.render_widget(Paragraph::new(shown), text_area);

    if let Some(r) = p.crumb {
        draw_crumb(frame, r, card, screen.progress, screen.seconds_on_card);
    }
    if let Some(r) = p.buttons {
        frame.render_widget(Paragraph::new(buttons(card, usize::from(r.width), screen.color)), r);
    }
    if let Some(r) = p.progress {
        frame.render_widget(Paragraph::new(progress_line(screen.progress, usize::from(r.width))), r);
    }
    if let Some(r) = p.status
        && let Some(m) = &screen.status
    {
        frame.render_widget(Paragraph::new(fit(&one_line(m), usize::from(r.width))), r);
    }
    if let Some(r) = p.keys {
        let hints = key_hints(card.revealed, total > rows, !text.images.is_empty(), usize::from(r.width));
        frame.render_widget(Paragraph::new(Line::styled(hints, dim())), r);
    }
    Drawn { width, rows, inline_markers: inline, help_width: 0, help_rows: 0 }
}

fn draw_crumb(frame: &mut Frame, r: Rect, card: &CardView, p: Progress, seconds: u64) {
    let mut context = vec![card.path.to_string()];
    context.extend(card.context.iter().cloned());
    let mut pos = format!(" {} · {}/{}", timer(seconds), p.done + 1, p.done + p.left);
    if let Some(w) = card.waiting {
        pos = format!(" learning, due in {}m ·{pos}", (w.num_seconds() + 59) / 60);
    }
    if card.cram {
        pos = format!(" cram ·{pos}");
    }
    let room = usize::from(r.width).saturating_sub(width(&pos) + 1);
    let crumb = fit(&one_line(&context.join(" › ")), room);
    let gap = usize::from(r.width).saturating_sub(width(&crumb) + width(&pos));
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(crumb, bold()),
            Span::raw(" ".repeat(gap)),
            Span::styled(pos, dim()),
        ])),
        r,
    );
}

/// The time on the card as the timer shows it: `0:07`, `12:30`, `1:02:03`.
#[must_use]
pub fn timer(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

/// The answer buttons (or the reveal hint) in the widest form that fits.
pub(super) fn buttons(card: &CardView, w: usize, color: bool) -> Line<'static> {
    if !card.revealed {
        let text = ["[space] show answer", "space: answer", "space"].into_iter().find(|t| width(t) <= w);
        return Line::styled(text.map_or_else(|| fit("space", w), str::to_owned), bold());
    }
    let form = |f: usize, i: usize, r: Response, ivl: &str| {
        let name = capitalised(r.name());
        match f {
            0 => format!("[{}] {name} {ivl}", i + 1),
            1 => format!("{} {name} {ivl}", i + 1),
            2 => format!("{} {} {ivl}", i + 1, &name[..1]),
            _ => format!("{}:{ivl}", i + 1),
        }
    };
    let gaps = ["  ", "  ", " ", " "];
    for (f, gap) in gaps.into_iter().enumerate() {
        let parts: Vec<String> = card
            .intervals
            .iter()
            .enumerate()
            .map(|(i, (r, ivl))| form(f, i, *r, ivl.as_deref().unwrap_or("–")))
            .collect();
        let total: usize =
            parts.iter().map(|p| width(p)).sum::<usize>() + gap.len() * parts.len().saturating_sub(1);
        if total <= w {
            let mut spans = Vec::new();
            for (k, (part, (r, _))) in parts.into_iter().zip(&card.intervals).enumerate() {
                if k > 0 {
                    spans.push(Span::raw(gap));
                }
                spans.push(Span::styled(part, button_style(*r, color)));
            }
            return Line::from(spans);
        }
    }
    Line::styled(fit("1-4 answer", w), bold())
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn button_style(r: Response, color: bool) -> Style {
    let s = bold();
    if !color {
        return s;
    }
    // No yellow or cyan: they vanish on light backgrounds.
    match r {
        Response::Again => s.fg(Color::Red),
        Response::Good => s.fg(Color::Green),
        Response::Easy => s.fg(Color::Blue),
        Response::Hard | Response::Reset => s,
    }
}

/// `done N · left M …` and, in what is left of the row, a bar.
pub(super) fn progress_line(p: Progress, w: usize) -> Line<'static> {
    let total = p.done + p.left;
    let texts = [
        format!(
            "done {} · left {} (new {}, learning {}, review {})",
            p.done, p.left, p.new_left, p.learning_left, p.review_left
        ),
        format!("done {} · left {} ({}/{}/{})", p.done, p.left, p.new_left, p.learning_left, p.review_left),
        format!("done {} · left {}", p.done, p.left),
        format!("{}/{total}", p.done),
    ];
    let text = texts.iter().find(|t| width(t) <= w).cloned().unwrap_or_else(|| fit(&texts[3], w));
    let room = w.saturating_sub(width(&text) + 1);
    let mut spans = vec![Span::raw(text)];
    if room >= 5 {
        let filled = (room * p.done + total / 2).checked_div(total).unwrap_or(room);
        spans.push(Span::raw(" "));
        spans.push(Span::raw("█".repeat(filled)));
        spans.push(Span::styled("░".repeat(room - filled), dim()));
    }
    Line::from(spans)
}

/// The help's rows at `w` columns.
pub(super) fn help_lines(w: usize) -> Vec<Line<'static>> {
    let key_w = HELP.iter().map(|(k, _)| width(k)).max().unwrap_or(0);
    let mut out = Vec::new();
    if w >= key_w + 22 {
        for (k, d) in HELP {
            for (i, row) in render::wrap_plain(d, w - key_w - 2).into_iter().enumerate() {
                let key = if i == 0 { format!("{k:>key_w$}  ") } else { " ".repeat(key_w + 2) };
                out.push(Line::from(vec![Span::styled(key, bold()), Span::raw(row)]));
            }
        }
    } else {
        for (k, d) in HELP {
            out.push(Line::styled(fit(k, w), bold()));
            out.extend(
                render::wrap_plain(d, w.saturating_sub(2)).into_iter().map(|r| Line::raw(format!("  {r}"))),
            );
        }
    }
    out
}

/// The width inside a popup over `col`.
fn inner_width(col: Rect) -> usize {
    usize::from(col.width.saturating_sub(4)).max(1)
}

/// The card info's rows at `w` columns.
pub(super) fn info_lines(info: &[String], w: usize) -> Vec<Line<'static>> {
    info.iter().flat_map(|l| render::wrap_plain(l, w)).map(Line::from).collect()
}

/// Draws the help over the column; returns its width and rows.
fn draw_help(frame: &mut Frame, col: Rect, top: usize) -> (usize, usize) {
    let lines = help_lines(inner_width(col));
    draw_popup(frame, col, " keys · any other key closes ", &lines, top)
}

/// Draws `lines` in a box over the column, scrolled to `top`; returns its
/// width and rows.
fn draw_popup(
    frame: &mut Frame,
    col: Rect,
    title: &str,
    lines: &[Line<'static>],
    top: usize,
) -> (usize, usize) {
    let inner_w = inner_width(col);
    let rows = usize::from(col.height.saturating_sub(2)).min(lines.len()).max(1);
    let (top, visible, above, below) = viewport(lines.len(), rows, top, false);
    let popup = Rect {
        height: (rows + 2) as u16,
        y: col.y + (col.height - (rows + 2).min(usize::from(col.height)) as u16) / 2,
        ..col
    };
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(Line::styled(fit(title, usize::from(col.width.saturating_sub(2))), bold()));
    if above > 0 {
        block = block.title_bottom(Line::styled(format!(" ▲ {above} "), dim()).left_aligned());
    }
    if below > 0 {
        block = block.title_bottom(Line::styled(format!(" ▼ {below} more "), dim()).right_aligned());
    }
    let inner =
        Rect { x: popup.x + 2, y: popup.y + 1, width: popup.width.saturating_sub(4), height: rows as u16 };
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    frame.render_widget(Paragraph::new(lines[top..top + visible].to_vec()), inner);
    (inner_w, rows)
}

fn draw_summary(frame: &mut Frame, col: Rect, s: &Summary, screen: &Screen) {
    let inner_w = usize::from(col.width.saturating_sub(4)).max(1);
    let title_style = if screen.color { bold().fg(Color::Green) } else { bold() };
    let body: Vec<Line> =
        summary_lines(s).iter().flat_map(|l| render::wrap_plain(l, inner_w)).map(Line::from).collect();
    let status_rows = usize::from(screen.status.is_some());
    let avail = usize::from(col.height).saturating_sub(2 + status_rows).max(1);
    let title = Line::styled("Session complete", title_style);
    let hint = Line::styled("press any key to leave", dim());
    let lines: Vec<Line> = if body.len() + 4 <= avail {
        [title, Line::from("")].into_iter().chain(body).chain([Line::from(""), hint]).collect()
    } else if body.len() < avail {
        std::iter::once(title).chain(body).collect()
    } else if body.len() == avail {
        body
    } else {
        // The summary is printed in full after the screen is left.
        let mut cut: Vec<Line> = body.into_iter().take(avail - 1).collect();
        cut.push(Line::styled(fit("▼ more when you leave", inner_w), dim()));
        cut
    };
    let rows = lines.len();
    let area = Rect { height: (rows + 2) as u16, ..col };
    frame.render_widget(Block::default().borders(Borders::ALL).title(" recall ").border_style(dim()), area);
    let inner = Rect { x: area.x + 2, y: area.y + 1, width: inner_w as u16, height: rows as u16 };
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some(m) = &screen.status {
        let r = Rect { y: col.y + col.height - 1, height: 1, ..col };
        frame.render_widget(Paragraph::new(fit(&one_line(m), usize::from(col.width))), r);
    }
}
