//! The start screen: the deck tree with each deck's new / learning / due
//! counts, as the plugin and Anki open with. ↑ ↓ choose, Enter starts;
//! "All decks" is first, so Enter alone starts the whole review.
//!
//! Drawing reads a [`DeckScreen`] and changes nothing; the chooser's loop
//! owns the selection. A tree longer than the window scrolls to keep the
//! chosen row in view, with `▲ N more` / `▼ N more` saying what is cut.

use std::time::Duration;

use ratatui::Frame;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::term;
use super::view::{MIN_HEIGHT, MIN_WIDTH};
use crate::render::{fit, width};
use crate::sanitize::one_line;
use crate::session::DeckRow;

/// What one frame of the start screen shows.
#[derive(Debug, Clone, PartialEq)]
pub struct DeckScreen<'a> {
    pub rows: &'a [DeckRow],
    /// The chosen row.
    pub selected: usize,
    pub color: bool,
    pub reading_width: u16,
}

/// What a key does on the start screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeckKey {
    /// Move the choice by this many rows.
    Move(i64),
    /// Move by this many pages.
    Pages(i64),
    Top,
    Bottom,
    Start,
    Quit,
    Suspend,
    Redraw,
    None,
}

/// Maps a key press on the start screen.
#[must_use]
pub fn deck_key(key: KeyEvent) -> DeckKey {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => DeckKey::Quit,
            KeyCode::Char('z') => DeckKey::Suspend,
            KeyCode::Char('l') => DeckKey::Redraw,
            KeyCode::Char('d') => DeckKey::Pages(1),
            KeyCode::Char('u') => DeckKey::Pages(-1),
            _ => DeckKey::None,
        };
    }
    match key.code {
        KeyCode::Down | KeyCode::Char('j') => DeckKey::Move(1),
        KeyCode::Up | KeyCode::Char('k') => DeckKey::Move(-1),
        KeyCode::PageDown => DeckKey::Pages(1),
        KeyCode::PageUp => DeckKey::Pages(-1),
        KeyCode::Home | KeyCode::Char('g') => DeckKey::Top,
        KeyCode::End | KeyCode::Char('G') => DeckKey::Bottom,
        KeyCode::Enter | KeyCode::Char(' ') => DeckKey::Start,
        KeyCode::Char('q') | KeyCode::Esc => DeckKey::Quit,
        _ => DeckKey::None,
    }
}

/// The widths of the count columns (`New`, `Learn`, `Due`), each with the
/// space before it.
const COUNT_W: usize = 6;

/// Draws the start screen; returns how many deck rows fit (for paging).
pub fn draw_decks(frame: &mut Frame, s: &DeckScreen) -> usize {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!("Window too small (need {MIN_WIDTH}×{MIN_HEIGHT})");
        frame.render_widget(Paragraph::new(fit(&msg, usize::from(area.width))), area);
        return 1;
    }
    let w = area.width.min(s.reading_width.max(MIN_WIDTH));
    let col = Rect { x: area.x + (area.width - w) / 2, width: w, ..area };
    // Box borders, the header row and the key bar around the deck rows.
    let room = usize::from(col.height).saturating_sub(4).max(1);
    let shown = s.rows.len().min(room);
    let top = first_shown(s.rows.len(), shown, s.selected);
    let inner_w = usize::from(col.width.saturating_sub(4)).max(1);
    let counts = if inner_w >= 3 * COUNT_W + 8 { 3 } else { 0 };
    let name_w = inner_w.saturating_sub(counts * COUNT_W);
    let dim = Style::default().add_modifier(Modifier::DIM);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let mut lines = Vec::with_capacity(shown + 1);
    let mut header = vec![Span::styled(format!("{:<name_w$}", fit("Deck", name_w)), bold)];
    if counts > 0 {
        header
            .push(Span::styled(format!("{:>COUNT_W$}{:>COUNT_W$}{:>COUNT_W$}", "New", "Learn", "Due"), bold));
    }
    lines.push(Line::from(header));
    for (i, row) in s.rows.iter().enumerate().skip(top).take(shown) {
        let chosen = i == s.selected;
        let mark = if chosen { "› " } else { "  " };
        let label = format!("{mark}{}{}", "  ".repeat(row.depth), one_line(&row.name));
        let label = fit(&label, name_w);
        let pad = name_w.saturating_sub(width(&label));
        let base = if chosen { bold.add_modifier(Modifier::REVERSED) } else { Style::default() };
        let mut spans = vec![Span::styled(format!("{label}{}", " ".repeat(pad)), base)];
        if counts > 0 {
            let num = |n: usize, c: Color| {
                let st = if n == 0 {
                    dim
                } else if s.color {
                    Style::default().fg(c)
                } else {
                    Style::default()
                };
                Span::styled(
                    format!("{n:>COUNT_W$}"),
                    if chosen { st.add_modifier(Modifier::REVERSED) } else { st },
                )
            };
            spans.push(num(row.new, Color::Blue));
            spans.push(num(row.learning, Color::Red));
            spans.push(num(row.review, Color::Green));
        }
        lines.push(Line::from(spans));
    }
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(dim)
        .title(Line::styled(format!(" {} ", fit("Decks due today", inner_w.saturating_sub(12))), bold));
    if top > 0 {
        block = block.title(Line::styled(format!(" ▲ {top} more "), dim).right_aligned());
    }
    let below = s.rows.len() - top - shown;
    if below > 0 {
        block = block.title_bottom(Line::styled(format!(" ▼ {below} more "), dim).right_aligned());
    }
    let boxed = Rect { height: (shown + 3).min(usize::from(col.height) - 1) as u16, ..col };
    frame.render_widget(block, boxed);
    let inner = Rect {
        x: boxed.x + 2,
        y: boxed.y + 1,
        width: inner_w as u16,
        height: boxed.height.saturating_sub(2),
    };
    frame.render_widget(Paragraph::new(lines), inner);
    let keys = ["↑↓ choose · enter start · q quit", "↑↓ · enter · q", "enter"]
        .into_iter()
        .find(|k| width(k) <= usize::from(col.width))
        .unwrap_or("enter");
    let bar = Rect { y: boxed.y + boxed.height, height: 1, ..col };
    frame.render_widget(Paragraph::new(Line::styled(keys, dim)), bar);
    shown
}

/// The first row shown so that `selected` is in view (a window of `shown`
/// rows over `total`, scrolled as little as possible from the top).
fn first_shown(total: usize, shown: usize, selected: usize) -> usize {
    if shown == 0 || selected < shown {
        return 0;
    }
    (selected + 1 - shown).min(total - shown)
}

/// What the chooser ended with.
pub(super) enum Chosen {
    /// The row index.
    Row(usize),
    Quit,
    Signal(i32),
}

/// Runs the start screen on the open terminal until a deck is chosen.
pub(super) fn choose(
    terminal: &mut term::Term,
    rows: &[DeckRow],
    color: bool,
    reading_width: u16,
    signals: &term::Signals,
) -> std::io::Result<Chosen> {
    let mut selected = 0usize;
    let mut page = 1i64;
    let mut dirty = true;
    loop {
        if let Some(sig) = signals.ending() {
            return Ok(if term::Signals::is_interrupt(sig) { Chosen::Quit } else { Chosen::Signal(sig) });
        }
        if signals.take_stop() {
            term::suspend(terminal)?;
            signals.take_cont();
            dirty = true;
        }
        if signals.take_cont() {
            term::resume(terminal)?;
            dirty = true;
        }
        if dirty {
            let scr = DeckScreen { rows, selected, color, reading_width };
            terminal.draw(|f| page = draw_decks(f, &scr) as i64)?;
            dirty = false;
        }
        if !event::poll(Duration::from_millis(100))? {
            continue;
        }
        dirty = true;
        let action = match event::read()? {
            Event::Key(k) if k.kind != KeyEventKind::Release => deck_key(k),
            Event::Mouse(m) => match m.kind {
                MouseEventKind::ScrollDown => DeckKey::Move(1),
                MouseEventKind::ScrollUp => DeckKey::Move(-1),
                _ => DeckKey::None,
            },
            _ => continue,
        };
        let last = rows.len().saturating_sub(1) as i64;
        let to = |n: i64| n.clamp(0, last) as usize;
        match action {
            DeckKey::Move(n) => selected = to(selected as i64 + n),
            DeckKey::Pages(n) => selected = to(selected as i64 + n * page.max(1)),
            DeckKey::Top => selected = 0,
            DeckKey::Bottom => selected = to(last),
            DeckKey::Start => return Ok(Chosen::Row(selected)),
            DeckKey::Quit => return Ok(Chosen::Quit),
            DeckKey::Suspend => {
                term::suspend(terminal)?;
                signals.take_cont();
            }
            DeckKey::Redraw => term::repaint(terminal)?,
            DeckKey::None => dirty = false,
        }
    }
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;

    const SIZES: [(u16, u16); 4] = [(40, 12), (80, 24), (120, 40), (200, 50)];

    fn rows() -> Vec<DeckRow> {
        let row = |deck: Option<&str>, name: &str, depth, new, learning, review| DeckRow {
            deck: deck.map(str::to_owned),
            name: name.into(),
            depth,
            new,
            learning,
            review,
        };
        let mut rows = vec![
            row(None, "All decks", 0, 20, 3, 240),
            row(Some("flashcards"), "flashcards", 0, 20, 3, 240),
            row(Some("flashcards/kafka"), "kafka", 1, 12, 3, 200),
        ];
        for i in 0..30 {
            let deck = format!("flashcards/kafka/topic-{i:02}-with-a-rather-long-name");
            rows.push(row(Some(&deck), &deck[17..], 2, i % 3, 0, i));
        }
        rows
    }

    fn frame(s: &DeckScreen, w: u16, h: u16) -> (String, usize) {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        let mut shown = 0;
        t.draw(|f| shown = draw_decks(f, s)).expect("draw");
        let buf = t.backend().buffer().clone();
        let mut out = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                out.push_str(buf[(x, y)].symbol());
            }
            out.push('\n');
        }
        (out, shown)
    }

    #[test]
    fn the_deck_tree_at_every_size_with_nothing_cut_unmarked() {
        let rows = rows();
        for (w, h) in SIZES {
            let scr = DeckScreen { rows: &rows, selected: 0, color: false, reading_width: 100 };
            let (out, shown) = frame(&scr, w, h);
            assert!(out.contains("› All decks"), "{w}×{h}: All decks first and chosen:\n{out}");
            assert!(out.contains("New Learn   Due"), "{w}×{h}:\n{out}");
            let all = out.lines().find(|l| l.contains("All decks")).expect("the row");
            assert!(all.trim_end_matches([' ', '│']).ends_with("20     3   240"), "{w}×{h}: {all:?}");
            assert!(out.contains("    kafka "), "{w}×{h}: subdecks are indented:\n{out}");
            assert!(out.contains("enter"), "{w}×{h}: the key bar:\n{out}");
            if shown < rows.len() {
                assert!(out.contains(&format!("▼ {} more", rows.len() - shown)), "{w}×{h}:\n{out}");
            }
            // Moving the choice down shows every deck, each one when chosen.
            for (i, row) in rows.iter().enumerate() {
                let scr = DeckScreen { selected: i, ..scr.clone() };
                let (out, _) = frame(&scr, w, h);
                let line = out.lines().find(|l| l.contains("› ")).expect("the chosen row");
                let start: String = row.name.chars().take(8).collect();
                assert!(line.contains(&start), "{w}×{h}: row {i} {:?} chosen and shown:\n{out}", row.name);
                if w >= 120 {
                    assert!(line.contains(&row.name), "{w}×{h}: whole at this width:\n{out}");
                } else if !line.contains(&row.name) {
                    assert!(line.contains('…'), "{w}×{h}: a cut name says so: {line:?}");
                }
                let top = first_shown(rows.len(), shown, i);
                if top > 0 {
                    assert!(out.contains(&format!("▲ {top} more")), "{w}×{h}:\n{out}");
                }
            }
        }
        let short = &rows[..3];
        let (out, _) =
            frame(&DeckScreen { rows: short, selected: 2, color: false, reading_width: 100 }, 80, 24);
        insta::assert_snapshot!("decks_80x24", out);
        let (out, _) =
            frame(&DeckScreen { rows: &rows, selected: 9, color: false, reading_width: 100 }, 40, 12);
        insta::assert_snapshot!("decks_40x12_scrolled", out);
    }

    #[test]
    fn the_chosen_row_stays_in_view() {
        assert_eq!(first_shown(10, 4, 0), 0);
        assert_eq!(first_shown(10, 4, 3), 0);
        assert_eq!(first_shown(10, 4, 4), 1);
        assert_eq!(first_shown(10, 4, 9), 6);
        assert_eq!(first_shown(3, 3, 2), 0);
    }

    #[test]
    fn keys_choose_and_start() {
        let k = |c| KeyEvent::new(c, KeyModifiers::NONE);
        assert_eq!(deck_key(k(KeyCode::Down)), DeckKey::Move(1));
        assert_eq!(deck_key(k(KeyCode::Char('k'))), DeckKey::Move(-1));
        assert_eq!(deck_key(k(KeyCode::Enter)), DeckKey::Start);
        assert_eq!(deck_key(k(KeyCode::Char('q'))), DeckKey::Quit);
        assert_eq!(deck_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), DeckKey::Quit);
    }
}
