//! The full-screen note review (`recall review --notes`): the whole note
//! rendered with the review screen's markdown renderer, scrolled as the
//! card text is ([`Scroll`], [`viewport`]), the three buttons with the
//! interval each gives, and the next note after each answer.
//!
//! Keys become [`NoteSession`] calls; drawing reads a [`NoteScreen`] and
//! never changes it. The terminal is handled by [`super::term`], as for
//! cards.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::time::Duration;

use ratatui::Frame;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::view::{MIN_HEIGHT, MIN_WIDTH, Scroll, look_style, max_top, viewport};
use super::{capitalise, color_enabled, edit_note, obsidian_uri, open, term};
use crate::error::Error;
use crate::render::{self, fit, interval_text, width};
use crate::sanitize::one_line;
use crate::schedule::Response;
use crate::session::Store;
use crate::session::notes::{NoteProgress, NoteSession, NoteSummary, NoteView};
use crate::session::notes_plain::{header, label, summary_lines, undone_text};

/// What a key asks of the note screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoteKey {
    Answer(Response),
    Skip,
    Undo,
    Edit,
    Open,
    Quit,
    Lines(i32),
    Pages(i32),
    Top,
    Bottom,
    Suspend,
    Redraw,
    None,
}

/// Maps a key press: `1` Easy, `2` Good, `3` Hard (the plugin's button
/// order), space or enter Good.
#[must_use]
pub fn note_key(key: KeyEvent) -> NoteKey {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => NoteKey::Quit,
            KeyCode::Char('d') => NoteKey::Pages(1),
            KeyCode::Char('u') => NoteKey::Pages(-1),
            KeyCode::Char('z') => NoteKey::Suspend,
            KeyCode::Char('l') => NoteKey::Redraw,
            _ => NoteKey::None,
        };
    }
    match key.code {
        KeyCode::Char('1') => NoteKey::Answer(Response::Easy),
        KeyCode::Char('2' | ' ') | KeyCode::Enter => NoteKey::Answer(Response::Good),
        KeyCode::Char('3') => NoteKey::Answer(Response::Hard),
        KeyCode::Char('s') => NoteKey::Skip,
        KeyCode::Char('u') => NoteKey::Undo,
        KeyCode::Char('e') => NoteKey::Edit,
        KeyCode::Char('o') => NoteKey::Open,
        KeyCode::Char('q') | KeyCode::Esc => NoteKey::Quit,
        KeyCode::Down | KeyCode::Char('j') => NoteKey::Lines(1),
        KeyCode::Up | KeyCode::Char('k') => NoteKey::Lines(-1),
        KeyCode::PageDown => NoteKey::Pages(1),
        KeyCode::PageUp => NoteKey::Pages(-1),
        KeyCode::Home | KeyCode::Char('g') => NoteKey::Top,
        KeyCode::End | KeyCode::Char('G') => NoteKey::Bottom,
        _ => NoteKey::None,
    }
}

/// Everything one frame of the note screen shows.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteScreen {
    pub note: Option<NoteView>,
    pub progress: NoteProgress,
    pub status: Option<String>,
    pub summary: Option<NoteSummary>,
    pub scroll: Scroll,
    pub reading_width: u16,
    pub color: bool,
}

/// What a frame showed: the text's width and rows, for scrolling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NoteDrawn {
    pub width: usize,
    pub rows: usize,
}

const KEYS: &str = "1 easy  2 good  3 hard  ↓↑ scroll  s skip  u undo  e edit  o open  q quit";

/// Draws one frame of the note screen.
pub fn draw_notes(frame: &mut Frame, screen: &NoteScreen) -> NoteDrawn {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!("Window too small (need {MIN_WIDTH}×{MIN_HEIGHT})");
        frame.render_widget(Paragraph::new(fit(&msg, usize::from(area.width))), area);
        return NoteDrawn::default();
    }
    let w = area.width.min(screen.reading_width.max(MIN_WIDTH));
    let col = Rect { x: area.x + (area.width - w) / 2, width: w, ..area };
    let cw = usize::from(col.width);
    let row = |y: u16| Rect { x: col.x, y: col.y + y, width: col.width, height: 1 };
    let dim = Style::default().add_modifier(Modifier::DIM);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let note = match (&screen.summary, &screen.note) {
        (Some(s), _) => {
            let lines: Vec<Line> = summary_lines(s).into_iter().map(Line::from).collect();
            frame.render_widget(Paragraph::new(lines), col);
            return NoteDrawn::default();
        }
        (None, None) => {
            frame.render_widget(Paragraph::new("No notes left."), col);
            return NoteDrawn::default();
        }
        (None, Some(n)) => n,
    };
    // Header, box, buttons, progress, status, keys.
    let h = col.height;
    let (box_y, box_h) = (1, h.saturating_sub(5).max(3));
    let pos = format!(" {}/{}", screen.progress.done + 1, screen.progress.done + screen.progress.left);
    let crumb = fit(&header(note), cw.saturating_sub(width(&pos) + 1));
    let gap = cw.saturating_sub(width(&crumb) + width(&pos));
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(crumb, bold),
            Span::raw(" ".repeat(gap)),
            Span::styled(pos, dim),
        ])),
        row(0),
    );
    let boxed = Rect { x: col.x, y: col.y + box_y, width: col.width, height: box_h };
    let text_area = Rect {
        x: boxed.x + 2,
        y: boxed.y + 1,
        width: boxed.width.saturating_sub(4),
        height: boxed.height.saturating_sub(2),
    };
    let tw = usize::from(text_area.width).max(1);
    let rows = usize::from(text_area.height);
    let lines = render::render(&note.body, tw).lines;
    let (top, visible, above, below) = viewport(lines.len(), rows, screen.scroll.top(&lines), false);
    let shown: Vec<Line> = lines[top..top + visible]
        .iter()
        .map(|l| {
            Line::from(
                l.spans
                    .iter()
                    .map(|s| Span::styled(s.text.clone(), look_style(s.look, screen.color, l.code_block)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let mut block = Block::default().borders(Borders::ALL).border_style(dim);
    if above > 0 {
        block = block.title(Line::styled(format!(" ▲ {above} more "), dim).right_aligned());
    }
    if below > 0 {
        block = block.title_bottom(Line::styled(format!(" ▼ {below} more "), dim).right_aligned());
    }
    frame.render_widget(block, boxed);
    frame.render_widget(Paragraph::new(shown), text_area);
    let y = box_y + box_h;
    let buttons: Vec<String> = note
        .intervals
        .iter()
        .enumerate()
        .map(|(i, (r, ivl))| {
            format!("[{}] {} {}", i + 1, label(*r), ivl.map_or_else(|| "–".into(), interval_text))
        })
        .collect();
    frame.render_widget(Paragraph::new(Line::styled(fit(&buttons.join("  "), cw), bold)), row(y));
    if y + 1 < h {
        let p = screen.progress;
        let text = format!("{} done · {} left", p.done, p.left);
        frame.render_widget(Paragraph::new(Line::styled(fit(&text, cw), dim)), row(y + 1));
    }
    if y + 2 < h
        && let Some(m) = &screen.status
    {
        frame.render_widget(Paragraph::new(fit(&one_line(m), cw)), row(y + 2));
    }
    if y + 3 < h {
        frame.render_widget(Paragraph::new(Line::styled(fit(KEYS, cw), dim)), row(y + 3));
    }
    NoteDrawn { width: tw, rows }
}

/// Runs the full-screen note review until the user quits or no note is
/// left. Notices are printed on stderr afterwards.
pub fn run<S: Store>(
    session: &mut NoteSession<S>,
    vault: &Path,
    reading_width: u16,
) -> Result<NoteSummary, Error> {
    if !std::io::stdout().is_terminal() {
        return Err(Error::Refused {
            message: "the full-screen review needs a terminal".into(),
            hint: Some("use `recall review --notes --plain`".into()),
        });
    }
    let mut after: Vec<String> = Vec::new();
    let result = term::Signals::listen().and_then(|signals| {
        let mut terminal = term::open()?;
        event_loop(&mut terminal, session, vault, reading_width, &signals, &mut after)
    });
    term::leave();
    let mut err = std::io::stderr().lock();
    for line in &after {
        let _ = writeln!(err, "{}", one_line(line));
    }
    drop(err);
    match result {
        Ok(None) => Ok(session.summary()),
        Ok(Some(sig)) => {
            term::die_of(sig);
            Ok(session.summary())
        }
        Err(e) => Err(Error::terminal(e)),
    }
}

/// The event loop; `Some(signal)` when a signal ended it.
#[expect(
    clippy::too_many_lines,
    reason = "one match over every key of the note screen, as the card screen's loop"
)]
fn event_loop<S: Store>(
    terminal: &mut term::Term,
    session: &mut NoteSession<S>,
    vault: &Path,
    reading_width: u16,
    signals: &term::Signals,
    after: &mut Vec<String>,
) -> std::io::Result<Option<i32>> {
    let color = color_enabled();
    let mut status: Option<String> = None;
    let mut scroll = Scroll::default();
    let mut drawn = NoteDrawn::default();
    let mut shown: Option<String> = None;
    let mut view = None;
    let mut dirty = true;
    loop {
        if let Some(sig) = signals.ending() {
            return Ok((!term::Signals::is_interrupt(sig)).then_some(sig));
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
        let notices = session.take_notices();
        if let Some(n) = notices.last() {
            status = Some(n.0.clone());
            dirty = true;
        }
        after.extend(notices.into_iter().map(|n| format!("note: {}", n.0)));
        if dirty {
            // The view parses the note: only when something changed.
            view = session.view();
            if view.as_ref().map(|v| &v.path) != shown.as_ref() {
                scroll = Scroll::default();
                shown = view.as_ref().map(|v| v.path.clone());
            }
            let scr = NoteScreen {
                note: view.clone(),
                progress: session.progress(),
                status: status.clone(),
                summary: session.is_done().then(|| session.summary()),
                scroll,
                reading_width,
                color,
            };
            terminal.draw(|f| drawn = draw_notes(f, &scr))?;
            dirty = false;
        }
        if !event::poll(Duration::from_millis(100))? {
            continue;
        }
        dirty = true;
        let mut by = |rows: i64| {
            if let Some(v) = &view {
                let lines = render::render(&v.body, drawn.width.max(1)).lines;
                let max = max_top(lines.len(), drawn.rows.max(1), false);
                let t = (scroll.top(&lines).min(max) as i64 + rows).clamp(0, max as i64) as usize;
                scroll = Scroll::at(&lines, t);
            }
        };
        let key = match event::read()? {
            Event::Key(k) if k.kind != KeyEventKind::Release => k,
            Event::Mouse(m) => {
                match m.kind {
                    MouseEventKind::ScrollDown => by(3),
                    MouseEventKind::ScrollUp => by(-3),
                    _ => dirty = false,
                }
                continue;
            }
            _ => continue,
        };
        if session.is_done() {
            return Ok(None);
        }
        let page = drawn.rows.saturating_sub(1).max(1) as i64;
        match note_key(key) {
            NoteKey::Lines(n) => by(i64::from(n)),
            NoteKey::Pages(n) => by(i64::from(n) * page),
            NoteKey::Top => scroll = Scroll::default(),
            NoteKey::Bottom => by(i64::MAX / 4),
            NoteKey::Suspend => {
                term::suspend(terminal)?;
                signals.take_cont();
            }
            NoteKey::Redraw => term::repaint(terminal)?,
            NoteKey::Quit => return Ok(None),
            NoteKey::None => dirty = false,
            NoteKey::Answer(r) => {
                let ivl = view
                    .as_ref()
                    .and_then(|v| v.intervals.iter().find(|(x, _)| *x == r))
                    .and_then(|(_, i)| *i);
                status = Some(match session.answer(r) {
                    Ok(()) => ivl.map_or_else(
                        || label(r).to_owned(),
                        |i| format!("{}: next in {}", label(r), interval_text(i)),
                    ),
                    Err(e) => {
                        after.push(format!("error: {e}"));
                        e.to_string()
                    }
                });
            }
            NoteKey::Skip => {
                session.skip();
                status = Some("Skipped".into());
            }
            NoteKey::Undo => {
                status = Some(match session.undo() {
                    Ok(Some(u)) => capitalise(&undone_text(&u)),
                    Ok(None) => "Nothing to undo".into(),
                    Err(e) => {
                        after.push(format!("error: {e}"));
                        e.to_string()
                    }
                });
            }
            NoteKey::Edit => {
                if let Some(v) = &view {
                    term::leave();
                    let r = edit_note(vault, &v.path, v.body_line);
                    term::enter()?;
                    term::repaint(terminal)?;
                    match r {
                        Ok(()) => session.note_changed(),
                        Err(e) => status = Some(e),
                    }
                }
            }
            NoteKey::Open => {
                if let Some(v) = &view {
                    status = Some(match open(&obsidian_uri(vault, &v.path)) {
                        Ok(()) => "Opened in Obsidian".into(),
                        Err(e) => e,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use crate::notes::NoteState;

    fn screen(body: &str) -> NoteScreen {
        NoteScreen {
            note: Some(NoteView {
                path: "Kafka/Acks.md".into(),
                deck: "#review".into(),
                state: NoteState::New,
                schedule: None,
                body: body.into(),
                body_line: 1,
                intervals: vec![
                    (Response::Easy, Some(4.0)),
                    (Response::Good, Some(3.0)),
                    (Response::Hard, Some(1.0)),
                ],
            }),
            progress: NoteProgress { done: 0, left: 2 },
            status: None,
            summary: None,
            scroll: Scroll::default(),
            reading_width: 80,
            color: false,
        }
    }

    fn text(t: &Terminal<TestBackend>) -> String {
        let b = t.backend().buffer();
        (0..b.area.height)
            .map(|y| (0..b.area.width).map(|x| b[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_note_its_buttons_and_the_scroll_markers_are_drawn() {
        let body = (1..=30).map(|i| format!("line {i}")).collect::<Vec<_>>().join("\n\n");
        let mut t = Terminal::new(TestBackend::new(60, 14)).expect("terminal");
        let mut drawn = NoteDrawn::default();
        t.draw(|f| drawn = draw_notes(f, &screen(&format!("# Acks\n\n{body}")))).expect("draw");
        let s = text(&t);
        assert!(s.contains("Kafka/Acks.md · #review · new"), "{s}");
        assert!(s.contains("Acks"), "{s}");
        assert!(s.contains("[1] Easy 4d  [2] Good 3d  [3] Hard 1d"), "{s}");
        assert!(s.contains("▼"), "{s}");
        assert!(!s.contains("line 30"), "{s}");
        // Scrolled to the end, the last line shows and the top is marked.
        let lines = render::render(&format!("# Acks\n\n{body}"), drawn.width).lines;
        let mut scr = screen(&format!("# Acks\n\n{body}"));
        scr.scroll = Scroll::at(&lines, max_top(lines.len(), drawn.rows, false));
        t.draw(|f| {
            draw_notes(f, &scr);
        })
        .expect("draw");
        let s = text(&t);
        assert!(s.contains("line 30") && s.contains("▲"), "{s}");
    }

    #[test]
    fn keys_follow_the_plugin_button_order() {
        let k = |c| note_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        assert_eq!(k('1'), NoteKey::Answer(Response::Easy));
        assert_eq!(k('2'), NoteKey::Answer(Response::Good));
        assert_eq!(k(' '), NoteKey::Answer(Response::Good));
        assert_eq!(k('3'), NoteKey::Answer(Response::Hard));
        assert_eq!(k('4'), NoteKey::None);
        assert_eq!(k('u'), NoteKey::Undo);
    }
}
