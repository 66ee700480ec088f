//! The full-screen review: the only module that talks to the terminal.
//!
//! Keys become [`Session`] calls; drawing reads a [`Screen`] built from the
//! session and never changes it (ratatui's immediate mode). What belongs
//! to the screen and not to the session lives in the event loop: the
//! scroll position, the help, the status line and what to print after
//! quitting. The terminal is given back on quit, on panic, on SIGTERM,
//! SIGHUP and SIGINT, and while suspended ([`term`]).
//!
//! Nothing is lost behind the alternate screen: the warnings from reading
//! the vault and the session's notices are shown on the status line and
//! printed on stderr once the screen is left.

pub mod decks;
mod keys;
pub mod notes;
mod term;
#[cfg(test)]
mod tests;
mod view;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyEventKind, MouseEventKind};

pub use keys::{HELP, KeyAction, key_action, key_hints};
pub use view::{
    CardText, Drawn, MIN_HEIGHT, MIN_WIDTH, Screen, Scroll, card_text, draw, max_top, timer, viewport,
};

use crate::error::Error;
use crate::schedule::Response;
use crate::session::{Session, Store, Summary};

/// The summary lines, shared with the plain mode (see [`crate::render::summary_lines`]).
pub use crate::render::summary_lines;

/// Colours on unless `NO_COLOR` is set (to anything non-empty).
#[must_use]
pub fn color_enabled() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The terminal's width in columns, when standard output is one (for the
/// plain mode's wrapping).
#[must_use]
pub fn terminal_width() -> Option<u16> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    ratatui::crossterm::terminal::size().ok().map(|(w, _)| w).filter(|&w| w > 0)
}

/// How the caller sets the review up.
#[derive(Debug, Clone)]
pub struct Options {
    /// The widest the reading column gets (`reading-width`).
    pub reading_width: u16,
    /// Warnings from reading the vault, not printed yet: shown on the
    /// status line, printed on stderr after the screen is left.
    pub warnings: Vec<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options { reading_width: crate::settings::READING_WIDTH, warnings: Vec::new() }
    }
}

/// Builds the screen for the session's current state.
pub fn screen<S: Store>(session: &Session<S>, ui: &Ui, color: bool) -> Screen {
    Screen {
        card: session.view(),
        progress: session.progress(),
        status: ui.status.clone(),
        help: ui.help,
        summary: session.is_done().then(|| session.summary()),
        info: ui.info.clone(),
        color,
        scroll: ui.scroll,
        reading_width: ui.reading_width,
        seconds_on_card: seconds_on_card(session),
    }
}

/// Whole seconds the card has been on screen (the timer's value).
fn seconds_on_card<S: Store>(session: &Session<S>) -> u64 {
    u64::try_from(session.time_on_card().num_seconds()).unwrap_or(0)
}

/// The screen's own state, next to the session's.
#[derive(Debug, Clone, Default)]
pub struct Ui {
    pub status: Option<String>,
    pub help: Option<usize>,
    pub scroll: Scroll,
    pub reading_width: u16,
    /// What the last frame showed.
    pub drawn: Drawn,
    /// The card shown (`path`, `line`, `sibling`) and whether revealed: a
    /// new card starts at its top, a reveal at the answer.
    shown: Option<(crate::note_path::NotePath, crate::parse::LineNo, usize, bool)>,
    /// The card's info lines while `i` shows them (in the help's place).
    pub info: Option<Vec<String>>,
    /// `r` was pressed once: the next `r` resets the card.
    confirm_reset: bool,
    /// Which image `i` opens next.
    next_image: usize,
    /// Printed on stderr after the screen is left.
    after: Vec<String>,
}

impl Ui {
    /// Follows the card on screen: a new card starts at its top, a
    /// revealed one at its answer.
    pub fn follow(&mut self, card: Option<&crate::session::CardView>) {
        let key = card.map(|c| (c.path.clone(), c.line, c.sibling, c.revealed));
        if key == self.shown {
            return;
        }
        let same_card = match (&key, &self.shown) {
            (Some(a), Some(b)) => (&a.0, a.1, a.2) == (&b.0, b.1, b.2),
            _ => false,
        };
        self.scroll = Scroll::default();
        if let Some(c) = card
            && c.revealed
            && same_card
            && let Some(answer) = card_text(c, self.drawn.width.max(1)).answer
        {
            self.scroll = Scroll { logical: answer, start: 0 };
        }
        if !same_card {
            self.next_image = 0;
        }
        self.shown = key;
    }

    /// Scrolls the card text (or the help, when open) by `rows`.
    pub fn scroll_by(&mut self, card: Option<&crate::session::CardView>, rows: i64) {
        let d = self.drawn;
        if let Some(top) = self.help {
            let total = match &self.info {
                Some(info) => view::info_lines(info, d.help_width.max(1)).len(),
                None => view::help_lines(d.help_width.max(1)).len(),
            };
            let max = max_top(total, d.help_rows.max(1), false);
            self.help = Some(clamp_add(top, rows, max));
            return;
        }
        let Some(card) = card else { return };
        let lines = card_text(card, d.width.max(1)).lines;
        let max = max_top(lines.len(), d.rows.max(1), d.inline_markers);
        let top = self.scroll.top(&lines).min(max);
        self.scroll = Scroll::at(&lines, clamp_add(top, rows, max));
    }

    /// Shows an error on the status line and keeps it to print after
    /// quitting (the status line may be too narrow for all of it).
    pub fn error(&mut self, message: String) {
        self.after.push(format!("error: {message}"));
        self.status = Some(message);
    }

    /// One page of the text: the rows shown, less one kept for context.
    #[must_use]
    pub fn page(&self) -> i64 {
        let rows = if self.help.is_some() { self.drawn.help_rows } else { self.drawn.rows };
        let rows =
            if self.drawn.inline_markers && self.help.is_none() { rows.saturating_sub(2) } else { rows };
        rows.saturating_sub(1).max(1) as i64
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn clamp_add(top: usize, rows: i64, max: usize) -> usize {
    let t = top as i64 + rows;
    t.clamp(0, max as i64) as usize
}

/// Runs the full-screen review until the user quits or no card is left.
/// The session's notices and the vault's warnings are printed on stderr
/// afterwards.
pub fn run<S: Store>(session: &mut Session<S>, vault: &Path, options: &Options) -> Result<Summary, Error> {
    let summary = shell(options, |terminal, ui, signals, color| {
        let ended = event_loop(terminal, session, vault, color, ui, signals)?;
        Ok((ended, Some(session.summary())))
    })?;
    Ok(summary.unwrap_or_default())
}

/// Opens on the deck tree ([`decks`]); the deck chosen (`None`: all decks)
/// is handed to `start`, and the session it returns is reviewed as
/// [`run`] does, on the same screen. `None` when the user quit without
/// choosing.
pub fn run_from_decks<S: Store>(
    rows: &[crate::session::DeckRow],
    vault: &Path,
    options: &Options,
    start: impl FnOnce(Option<&str>) -> Session<S>,
) -> Result<Option<Summary>, Error> {
    shell(options, |terminal, ui, signals, color| {
        match decks::choose(terminal, rows, color, ui.reading_width, signals)? {
            decks::Chosen::Quit => Ok((Ended::Quit, None)),
            decks::Chosen::Signal(sig) => Ok((Ended::Signal(sig), None)),
            decks::Chosen::Row(i) => {
                let mut session = start(rows.get(i).and_then(|r| r.deck.as_deref()));
                let ended = event_loop(terminal, &mut session, vault, color, ui, signals)?;
                Ok((ended, Some(session.summary())))
            }
        }
    })
}

/// Takes the terminal, runs `body` on it, and gives it back whatever
/// happened; then prints what was kept for after the screen.
fn shell(
    options: &Options,
    body: impl FnOnce(&mut term::Term, &mut Ui, &term::Signals, bool) -> std::io::Result<(Ended, Option<Summary>)>,
) -> Result<Option<Summary>, Error> {
    if !std::io::stdout().is_terminal() {
        let mut err = std::io::stderr().lock();
        for w in &options.warnings {
            let _ = writeln!(err, "warning: {}", crate::sanitize::one_line(w));
        }
        return Err(Error::Refused {
            message: "the full-screen review needs a terminal".into(),
            hint: Some("use `recall review --plain`".into()),
        });
    }
    let color = color_enabled();
    let mut ui = Ui { reading_width: options.reading_width, ..Ui::default() };
    if let Some(first) = options.warnings.first() {
        let more = options.warnings.len() - 1;
        ui.status = Some(if more == 0 {
            format!("warning: {first} (printed again when you quit)")
        } else {
            format!("warning: {first} (+{more} more, printed when you quit)")
        });
    }
    ui.after.extend(options.warnings.iter().map(|w| format!("warning: {w}")));
    let result = term::Signals::listen().and_then(|signals| {
        let mut terminal = term::open()?;
        body(&mut terminal, &mut ui, &signals, color)
    });
    term::leave();
    let mut err = std::io::stderr().lock();
    for line in &ui.after {
        let _ = writeln!(err, "{}", crate::sanitize::one_line(line));
    }
    drop(err);
    match result {
        Ok((Ended::Quit, summary)) => Ok(summary),
        Ok((Ended::Signal(sig), summary)) => {
            term::die_of(sig);
            Ok(summary)
        }
        Err(e) => Err(Error::terminal(e)),
    }
}

enum Ended {
    Quit,
    Signal(i32),
}

fn event_loop<S: Store>(
    terminal: &mut term::Term,
    session: &mut Session<S>,
    vault: &Path,
    color: bool,
    ui: &mut Ui,
    signals: &term::Signals,
) -> std::io::Result<Ended> {
    let mut dirty = true;
    // The timer's value last drawn: it redraws (ticks) without input.
    let mut drawn_seconds = None;
    loop {
        if let Some(sig) = signals.ending() {
            return Ok(if term::Signals::is_interrupt(sig) { Ended::Quit } else { Ended::Signal(sig) });
        }
        if drawn_seconds.is_some_and(|s| s != seconds_on_card(session)) {
            dirty = true;
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
            ui.status = Some(n.0.clone());
            dirty = true;
        }
        ui.after.extend(notices.into_iter().map(|n| format!("note: {}", n.0)));
        if dirty {
            let card = session.view();
            ui.follow(card.as_ref());
            let scr = screen(session, ui, color);
            let mut drawn = Drawn::default();
            drawn_seconds = (scr.card.is_some() && scr.summary.is_none()).then_some(scr.seconds_on_card);
            terminal.draw(|f| drawn = draw(f, &scr))?;
            ui.drawn = drawn;
            dirty = false;
        }
        if !event::poll(Duration::from_millis(100))? {
            continue;
        }
        dirty = true;
        let key = match event::read()? {
            Event::Key(k) if k.kind != KeyEventKind::Release => k,
            Event::Mouse(m) => {
                let card = session.view();
                match m.kind {
                    MouseEventKind::ScrollDown => ui.scroll_by(card.as_ref(), 3),
                    MouseEventKind::ScrollUp => ui.scroll_by(card.as_ref(), -3),
                    _ => dirty = false,
                }
                continue;
            }
            _ => continue,
        };
        if session.is_done() {
            return Ok(Ended::Quit);
        }
        let card = session.view();
        let revealed = card.as_ref().is_some_and(|c| c.revealed);
        let action = key_action(key, revealed);
        if ui.help.is_some() {
            match action {
                KeyAction::Lines(n) => ui.scroll_by(None, i64::from(n)),
                KeyAction::Pages(n) => ui.scroll_by(None, i64::from(n) * ui.page()),
                KeyAction::Top => ui.help = Some(0),
                KeyAction::Bottom => ui.scroll_by(None, i64::MAX / 4),
                KeyAction::Suspend => term::suspend(terminal)?,
                KeyAction::Redraw => term::repaint(terminal)?,
                _ => {
                    ui.help = None;
                    ui.info = None;
                }
            }
            continue;
        }
        match action {
            KeyAction::Lines(n) => ui.scroll_by(card.as_ref(), i64::from(n)),
            KeyAction::Pages(n) => ui.scroll_by(card.as_ref(), i64::from(n) * ui.page()),
            KeyAction::Top => ui.scroll = Scroll::default(),
            KeyAction::Bottom => ui.scroll_by(card.as_ref(), i64::MAX / 4),
            KeyAction::Suspend => {
                term::suspend(terminal)?;
                signals.take_cont();
            }
            KeyAction::Redraw => term::repaint(terminal)?,
            KeyAction::Help => ui.help = Some(0),
            KeyAction::Quit => return Ok(Ended::Quit),
            KeyAction::None => dirty = false,
            action => act(action, session, card.as_ref(), vault, ui, terminal)?,
        }
    }
}

/// The keys that change the session or leave the screen for a moment.
fn act<S: Store>(
    action: KeyAction,
    session: &mut Session<S>,
    card: Option<&crate::session::CardView>,
    vault: &Path,
    ui: &mut Ui,
    terminal: &mut term::Term,
) -> std::io::Result<()> {
    let Some(card) = card else { return Ok(()) };
    ui.status = None;
    if !matches!(action, KeyAction::Reset) {
        ui.confirm_reset = false;
    }
    match action {
        KeyAction::Reveal => session.reveal(),
        KeyAction::Answer(r) => match session.answer(r) {
            Ok(()) => {
                let ivl = card.intervals.iter().find(|(x, _)| *x == r).and_then(|(_, l)| l.clone());
                ui.status = Some(match ivl {
                    _ if card.cram => format!("{}: not scheduled (cram)", label(r)),
                    Some(l) if l == "now" => format!("{}: again later today", label(r)),
                    Some(l) if l.ends_with('m') || l.ends_with('h') => format!("{}: again in {l}", label(r)),
                    Some(l) => format!("{}: next in {l}", label(r)),
                    None => label(r).to_owned(),
                });
            }
            Err(e) => ui.error(e.to_string()),
        },
        KeyAction::Reset if !ui.confirm_reset => {
            ui.confirm_reset = true;
            ui.status = Some("Reset this card to new? Press r again to reset, any other key keeps it".into());
            return Ok(());
        }
        KeyAction::Reset => match session.answer(Response::Reset) {
            Ok(()) => ui.status = Some(format!("Reset {}:{}", card.path, card.line)),
            Err(e) => ui.error(e.to_string()),
        },
        KeyAction::Info => {
            if let Some(info) = session.card_info() {
                ui.info = Some(crate::session::plain::info_lines(&info));
                ui.help = Some(0);
            }
        }
        KeyAction::Skip => {
            session.skip();
            ui.status = Some("Skipped".into());
        }
        KeyAction::Undo => match session.undo() {
            Ok(Some(u)) => ui.status = Some(capitalise(&crate::session::plain::undone_text(&u))),
            Ok(None) => ui.status = Some("Nothing to undo".into()),
            Err(e) => ui.error(e.to_string()),
        },
        KeyAction::Bury => {
            let n = session.bury();
            ui.status = Some(format!("Buried until tomorrow: {n} card{}", if n == 1 { "" } else { "s" }));
        }
        KeyAction::Edit => {
            term::leave();
            let status = edit_note(vault, &card.path, card.line.get());
            term::enter()?;
            term::repaint(terminal)?;
            match status {
                Ok(()) => session.note_changed(&card.path),
                Err(e) => ui.error(e),
            }
        }
        KeyAction::Open => {
            ui.status = Some(match open(&obsidian_uri(vault, &card.path)) {
                Ok(()) => "Opened in Obsidian".into(),
                Err(e) => e,
            });
        }
        KeyAction::Image => {
            let images = card_text(card, 80).images;
            ui.status = Some(if images.is_empty() {
                "This card has no image".into()
            } else {
                let k = ui.next_image % images.len();
                ui.next_image = k + 1;
                let what = if images.len() > 1 {
                    format!(" ({} of {})", k + 1, images.len())
                } else {
                    String::new()
                };
                match open_image(vault, &card.path, &images[k]) {
                    Ok(()) => format!("Opened {}{what}", images[k]),
                    Err(e) => e,
                }
            });
        }
        _ => {}
    }
    Ok(())
}

/// An answer as its button says it.
fn label(r: Response) -> &'static str {
    match r {
        Response::Again => "Again",
        Response::Hard => "Hard",
        Response::Good => "Good",
        Response::Easy => "Easy",
        Response::Reset => "Reset",
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

/// The `obsidian://open` link for a note (or any file of the vault).
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

/// Opens an image the card embeds: a URL as it is, a file found next to
/// the note or at the vault's root with the system's viewer, anything else
/// through Obsidian, which finds it by name the way the note's link does.
fn open_image(vault: &Path, note: &str, target: &str) -> Result<(), String> {
    if target.contains("://") {
        return open(target);
    }
    let folder = crate::note_path::folder_or_root(note);
    for candidate in [vault.join(folder).join(target), vault.join(target)] {
        if candidate.is_file() {
            return open(&candidate.to_string_lossy());
        }
    }
    open(&obsidian_uri(vault, target))
}

/// Hands `what` (a path or a URI) to the system's opener, without waiting.
fn open(what: &str) -> Result<(), String> {
    let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
    Command::new(opener)
        .arg(what)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(|_| ())
        .map_err(|e| format!("could not run {opener} for {what}: {e}"))
}
