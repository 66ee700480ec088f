//! The full-screen review: the only module that talks to the terminal.
//!
//! Keys become [`Session`] calls; drawing reads a [`Screen`] built from the
//! session and never changes it (ratatui's immediate mode). The terminal is
//! restored on quit, on Ctrl-C (a key in raw mode) and on panic.

use std::io::IsTerminal;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use ratatui::Frame;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Gauge, Paragraph, Wrap};

use crate::error::Error;
use crate::render::{self, Look, interval_text};
use crate::sanitize::one_line;
use crate::schedule::Response;
use crate::session::{CardView, Progress, Session, Store, Summary};

/// Everything one frame shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Screen {
    pub card: Option<CardView>,
    pub progress: Progress,
    pub message: Option<String>,
    pub help: bool,
    /// Set when the session is over.
    pub summary: Option<Summary>,
    pub color: bool,
}

/// Colours on unless `NO_COLOR` is set (to anything non-empty).
#[must_use]
pub fn color_enabled() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn look_style(look: Look, color: bool) -> Style {
    let mut s = Style::default();
    if look.bold || look.heading {
        s = s.add_modifier(Modifier::BOLD);
    }
    if look.italic {
        s = s.add_modifier(Modifier::ITALIC);
    }
    if look.dim {
        s = s.add_modifier(Modifier::DIM);
    }
    if look.cloze {
        s = if color {
            s.fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            s.add_modifier(Modifier::REVERSED)
        };
    }
    if look.link {
        s = if color { s.fg(Color::Magenta) } else { s.add_modifier(Modifier::UNDERLINED) };
    }
    if look.code {
        s = if color { s.fg(Color::Yellow) } else { s.add_modifier(Modifier::BOLD) };
    }
    s
}

fn to_lines(text: &str, color: bool) -> Vec<Line<'static>> {
    render::render(text)
        .into_iter()
        .map(|l| {
            Line::from(
                l.spans
                    .into_iter()
                    .map(|s| Span::styled(s.text, look_style(s.look, color)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

const KEYS: &str = "space reveal · 1-4 answer · s skip · u undo · b bury · e edit · o open · ? help · q quit";

const HELP: &[(&str, &str)] = &[
    ("space, enter", "show the answer; once shown, Good"),
    ("1 / 2 / 3 / 4", "Again / Hard / Good / Easy (after the answer is shown)"),
    ("s", "skip this card for now (its siblings too)"),
    ("u", "undo the last answer (repeatable)"),
    ("b", "bury this card and its siblings until tomorrow"),
    ("e", "edit the note in $EDITOR at the card's line"),
    ("o", "open the note in Obsidian"),
    ("?", "this help"),
    ("q, Esc, Ctrl-C", "quit (every answer is already saved)"),
];

/// Draws one frame.
pub fn draw(frame: &mut Frame, screen: &Screen) {
    let area = frame.area();
    if let Some(summary) = &screen.summary {
        draw_summary(frame, area, summary, screen.color);
        return;
    }
    let small = area.height < 16;
    let [head, body, buttons, gauge, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(u16::from(!small)),
    ])
    .areas(area);
    let accent = if screen.color { Style::default().fg(Color::Blue) } else { Style::default() };
    let Some(card) = &screen.card else {
        frame.render_widget(Paragraph::new("No cards left."), body);
        return;
    };
    // Context line: path › headings, and where we are.
    let mut context = vec![card.path.clone()];
    context.extend(card.context.iter().cloned());
    let pos = format!(" {}/{} ", screen.progress.done + 1, screen.progress.done + screen.progress.left);
    let ctx_text = one_line(&context.join(" › "));
    let width = usize::from(head.width).saturating_sub(pos.chars().count() + 1);
    let ctx_text = crate::sanitize::truncate(&ctx_text, width);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(ctx_text.clone(), accent.add_modifier(Modifier::BOLD)),
            Span::raw(" ".repeat(width.saturating_sub(ctx_text.chars().count()) + 1)),
            Span::styled(pos, Style::default().add_modifier(Modifier::DIM)),
        ])),
        head,
    );
    // The card.
    let deck = one_line(&card.decks.join(", "));
    let title = if card.is_new { format!(" {deck} · new ") } else { format!(" {deck} ") };
    let block = Block::default().borders(Borders::ALL).title(title).border_style(accent);
    let mut lines = to_lines(&card.front_marked, screen.color);
    if card.revealed {
        lines.push(Line::from(""));
        lines.push(Line::styled(
            "─".repeat(usize::from(body.width.saturating_sub(2))),
            Style::default().add_modifier(Modifier::DIM),
        ));
        lines.push(Line::from(""));
        lines.extend(to_lines(&card.back_marked, screen.color));
    }
    frame.render_widget(Paragraph::new(lines).block(block).wrap(Wrap { trim: false }), body);
    // The answer buttons with their intervals (as the plugin's buttons).
    let buttons_line = if card.revealed {
        let mut spans = Vec::new();
        for (i, (r, ivl)) in card.intervals.iter().enumerate() {
            let name = match r {
                Response::Again => "Again",
                Response::Hard => "Hard",
                Response::Good => "Good",
                Response::Easy => "Easy",
                Response::Reset => "Reset",
            };
            let style = if screen.color {
                Style::default().fg(match r {
                    Response::Again => Color::Red,
                    Response::Hard => Color::Yellow,
                    Response::Good => Color::Green,
                    _ => Color::Cyan,
                })
            } else {
                Style::default()
            };
            spans.push(Span::styled(
                format!("[{}] {name} {} ", i + 1, interval_text(*ivl)),
                style.add_modifier(Modifier::BOLD),
            ));
            spans.push(Span::raw(" "));
        }
        Line::from(spans)
    } else {
        Line::styled("[space] show answer", Style::default().add_modifier(Modifier::BOLD))
    };
    frame.render_widget(Paragraph::new(buttons_line), buttons);
    // Progress gauge.
    let p = screen.progress;
    let total = p.done + p.left;
    let ratio = if total == 0 { 1.0 } else { p.done as f64 / total as f64 };
    let label = format!("done {} · left {} (new {}, review {})", p.done, p.left, p.new_left, p.review_left);
    let gauge_style = if screen.color { Style::default().fg(Color::Green) } else { Style::default() };
    frame.render_widget(
        Gauge::default().gauge_style(gauge_style).ratio(ratio.clamp(0.0, 1.0)).label(label),
        gauge,
    );
    if !small {
        let text = screen.message.clone().map_or_else(|| KEYS.to_owned(), |m| one_line(&m));
        frame.render_widget(
            Paragraph::new(Line::styled(text, Style::default().add_modifier(Modifier::DIM))),
            keys,
        );
    }
    if screen.help {
        draw_help(frame, area);
    }
}

fn draw_help(frame: &mut Frame, area: Rect) {
    let w = area.width.min(72);
    let h = area.height.min(u16::try_from(HELP.len() + 2).unwrap_or(u16::MAX));
    let popup =
        Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
    let lines: Vec<Line> = HELP
        .iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!("{k:>16}  "), Style::default().add_modifier(Modifier::BOLD)),
                Span::raw(*d),
            ])
        })
        .collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::ALL).title(" keys ")),
        popup,
    );
}

/// The summary lines, shared with the plain mode.
#[must_use]
pub fn summary_lines(s: &Summary) -> Vec<String> {
    let mut out = vec![format!(
        "Reviewed {} card{} in {}m {:02}s.",
        s.reviewed,
        if s.reviewed == 1 { "" } else { "s" },
        s.seconds / 60,
        s.seconds % 60
    )];
    out.push(format!(
        "Again {} · Hard {} · Good {} · Easy {}",
        s.answers[0], s.answers[1], s.answers[2], s.answers[3]
    ));
    let mut extra = Vec::new();
    if s.reset > 0 {
        extra.push(format!("reset {}", s.reset));
    }
    if s.skipped > 0 {
        extra.push(format!("skipped {}", s.skipped));
    }
    if s.buried > 0 {
        extra.push(format!("buried {}", s.buried));
    }
    if s.undone > 0 {
        extra.push(format!("undone {}", s.undone));
    }
    if !extra.is_empty() {
        out.push(extra.join(" · "));
    }
    out.push(match s.next_due {
        Some((1, n)) => format!("Next: {n} card{} due tomorrow.", if n == 1 { "" } else { "s" }),
        Some((d, n)) => format!("Next: {n} card{} due in {d} days.", if n == 1 { "" } else { "s" }),
        None => "Nothing else is scheduled.".to_owned(),
    });
    out
}

fn draw_summary(frame: &mut Frame, area: Rect, s: &Summary, color: bool) {
    let mut lines: Vec<Line> = vec![Line::styled(
        "Session complete",
        if color {
            Style::default().fg(Color::Green).add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::BOLD)
        },
    )];
    lines.push(Line::from(""));
    lines.extend(summary_lines(s).into_iter().map(Line::from));
    lines.push(Line::from(""));
    lines.push(Line::styled("press any key to leave", Style::default().add_modifier(Modifier::DIM)));
    frame.render_widget(
        Paragraph::new(lines)
            .block(Block::default().borders(Borders::ALL).title(" recall "))
            .wrap(Wrap { trim: true }),
        area,
    );
}

/// Builds the screen for the session's current state.
pub fn screen<S: Store>(session: &Session<S>, message: Option<String>, help: bool, color: bool) -> Screen {
    Screen {
        card: session.view(),
        progress: session.progress(),
        message,
        help,
        summary: session.is_done().then(|| session.summary()),
        color,
    }
}

/// What a key asks for, before the session is touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    Reveal,
    Answer(Response),
    Skip,
    Undo,
    Bury,
    Edit,
    Open,
    Help,
    Quit,
    None,
}

/// Maps a key press to an action.
#[must_use]
pub fn key_action(key: KeyEvent, revealed: bool) -> KeyAction {
    if key.modifiers.contains(KeyModifiers::CONTROL) && matches!(key.code, KeyCode::Char('c' | 'd')) {
        return KeyAction::Quit;
    }
    match key.code {
        KeyCode::Char(' ') | KeyCode::Enter if !revealed => KeyAction::Reveal,
        KeyCode::Char(' ') | KeyCode::Enter => KeyAction::Answer(Response::Good),
        KeyCode::Char(c @ '1'..='4') if revealed => {
            KeyAction::Answer(Response::BUTTONS[usize::from(c as u8 - b'1')])
        }
        KeyCode::Char('s') => KeyAction::Skip,
        KeyCode::Char('u') => KeyAction::Undo,
        KeyCode::Char('b') => KeyAction::Bury,
        KeyCode::Char('e') => KeyAction::Edit,
        KeyCode::Char('o') => KeyAction::Open,
        KeyCode::Char('?') => KeyAction::Help,
        KeyCode::Char('q') | KeyCode::Esc => KeyAction::Quit,
        _ => KeyAction::None,
    }
}

/// The `obsidian://open` link for a note.
#[must_use]
pub fn obsidian_uri(vault: &Path, path: &str) -> String {
    let name = vault.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    };
    format!("obsidian://open?vault={}&file={}", enc(&name), enc(path.strip_suffix(".md").unwrap_or(path)))
}

/// Runs the full-screen review until the user quits or no card is left.
pub fn run<S: Store>(session: &mut Session<S>, vault: &Path) -> Result<Summary, Error> {
    if !std::io::stdout().is_terminal() {
        return Err(Error::Usage("the full-screen review needs a terminal; use --plain".into()));
    }
    let color = color_enabled();
    let mut terminal = ratatui::init();
    let result = event_loop(&mut terminal, session, vault, color);
    ratatui::restore();
    result
}

fn event_loop<S: Store>(
    terminal: &mut ratatui::DefaultTerminal,
    session: &mut Session<S>,
    vault: &Path,
    color: bool,
) -> Result<Summary, Error> {
    let mut message: Option<String> = None;
    let mut help = false;
    loop {
        let notices = session.take_notices();
        if let Some(n) = notices.last() {
            message = Some(n.0.clone());
        }
        let scr = screen(session, message.clone(), help, color);
        terminal.draw(|f| draw(f, &scr)).map_err(Error::terminal)?;
        if !event::poll(Duration::from_millis(500)).map_err(Error::terminal)? {
            continue;
        }
        let Event::Key(key) = event::read().map_err(Error::terminal)? else { continue };
        if key.kind != KeyEventKind::Press {
            continue;
        }
        if scr.summary.is_some() {
            return Ok(session.summary());
        }
        if help {
            help = false;
            continue;
        }
        message = None;
        let revealed = scr.card.as_ref().is_some_and(|c| c.revealed);
        match key_action(key, revealed) {
            KeyAction::Reveal => session.reveal(),
            KeyAction::Answer(r) => {
                if let Err(e) = session.answer(r) {
                    message = Some(e.to_string());
                }
            }
            KeyAction::Skip => session.skip(),
            KeyAction::Undo => match session.undo() {
                Ok(true) => message = Some("undone".into()),
                Ok(false) => message = Some("nothing to undo".into()),
                Err(e) => message = Some(e.to_string()),
            },
            KeyAction::Bury => session.bury(),
            KeyAction::Edit => {
                if let Some(card) = &scr.card {
                    ratatui::restore();
                    let status = edit_note(vault, &card.path, card.line);
                    *terminal = ratatui::init();
                    match status {
                        Ok(()) => session.note_changed(&card.path),
                        Err(e) => message = Some(e),
                    }
                }
            }
            KeyAction::Open => {
                if let Some(card) = &scr.card {
                    message = Some(match open_in_obsidian(vault, &card.path) {
                        Ok(()) => "opened in Obsidian".into(),
                        Err(e) => e,
                    });
                }
            }
            KeyAction::Help => help = true,
            KeyAction::Quit => return Ok(session.summary()),
            KeyAction::None => {}
        }
    }
}

/// Opens `$VISUAL` / `$EDITOR` (or `vi`) at `path:line` and waits for it.
fn edit_note(vault: &Path, path: &str, line: usize) -> Result<(), String> {
    let editor = std::env::var("VISUAL").or_else(|_| std::env::var("EDITOR")).unwrap_or_else(|_| "vi".into());
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = Command::new(program)
        .args(parts)
        .arg(format!("+{line}"))
        .arg(vault.join(path))
        .status()
        .map_err(|e| format!("could not start the editor `{editor}`: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("the editor `{editor}` exited with {status}")) }
}

fn open_in_obsidian(vault: &Path, path: &str) -> Result<(), String> {
    let uri = obsidian_uri(vault, path);
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    Command::new(opener)
        .arg(&uri)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| format!("could not run {opener} for {uri}: {e}"))
}

#[cfg(test)]
mod tests;
