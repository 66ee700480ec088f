//! The terminal's state: raw mode, the alternate screen, mouse capture and
//! a hidden cursor while the review runs, and always given back: on quit,
//! on a panic, on SIGTERM, SIGHUP and SIGINT, and around a suspend (Ctrl-Z
//! or SIGTSTP; SIGCONT takes the screen again).
//!
//! Signals only set flags (signal-hook); the event loop looks at them
//! between events, so the terminal is only ever touched from one thread.
//! A second SIGTERM, SIGHUP or SIGINT while the first is being handled
//! kills the process at once.

use std::io::{self, Stdout};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use signal_hook::consts::signal::{SIGCONT, SIGHUP, SIGINT, SIGTERM, SIGTSTP};
use signal_hook::{SigId, flag};

/// The terminal the review draws on.
pub(super) type Term = Terminal<CrosstermBackend<Stdout>>;

/// Takes the terminal: raw mode, alternate screen, mouse, no cursor.
pub(super) fn enter() -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, EnableMouseCapture, Hide)
}

/// Gives the terminal back. Never fails: after a hang-up there may be no
/// terminal left to write to.
pub(super) fn leave() {
    let _ = execute!(io::stdout(), DisableMouseCapture, LeaveAlternateScreen, Show);
    let _ = disable_raw_mode();
}

/// Takes the terminal and returns a ratatui terminal on it; a panic from
/// here on gives the terminal back before its message is printed.
pub(super) fn open() -> io::Result<Term> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            leave();
            previous(info);
        }));
    });
    enter()?;
    Terminal::new(CrosstermBackend::new(io::stdout()))
}

/// Clears the screen and draws everything again on the next frame
/// (without asking the terminal where its cursor is, which a slow or
/// emulated terminal may never answer).
pub(super) fn repaint(term: &mut Term) -> io::Result<()> {
    let size = term.size()?;
    term.resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))?;
    execute!(io::stdout(), ratatui::crossterm::terminal::Clear(ratatui::crossterm::terminal::ClearType::All))
}

/// Suspends the process the way Ctrl-Z would outside raw mode: gives the
/// terminal back, stops, and takes it again once continued.
pub(super) fn suspend(term: &mut Term) -> io::Result<()> {
    leave();
    #[cfg(unix)]
    signal_hook::low_level::emulate_default_handler(SIGTSTP)?;
    enter()?;
    repaint(term)
}

/// Takes the terminal again after the process was stopped and continued
/// from outside (SIGSTOP, then SIGCONT): the shell reset its modes.
pub(super) fn resume(term: &mut Term) -> io::Result<()> {
    enter()?;
    repaint(term)
}

/// The signals the review listens for, as flags.
pub(super) struct Signals {
    /// The terminating signal received (SIGTERM, SIGHUP or SIGINT), or 0.
    pub ending: Arc<AtomicUsize>,
    pending: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    cont: Arc<AtomicBool>,
    ids: Vec<SigId>,
}

impl Signals {
    /// Starts listening.
    pub(crate) fn listen() -> io::Result<Signals> {
        let mut s = Signals {
            ending: Arc::new(AtomicUsize::new(0)),
            pending: Arc::new(AtomicBool::new(false)),
            stop: Arc::new(AtomicBool::new(false)),
            cont: Arc::new(AtomicBool::new(false)),
            ids: Vec::new(),
        };
        for sig in [SIGTERM, SIGHUP, SIGINT] {
            // Registered first, so it sees the flag as the earlier signal left it.
            s.ids.push(flag::register_conditional_default(sig, Arc::clone(&s.pending))?);
            s.ids.push(flag::register(sig, Arc::clone(&s.pending))?);
            s.ids.push(flag::register_usize(sig, Arc::clone(&s.ending), sig as usize)?);
        }
        s.ids.push(flag::register(SIGTSTP, Arc::clone(&s.stop))?);
        s.ids.push(flag::register(SIGCONT, Arc::clone(&s.cont))?);
        Ok(s)
    }

    /// The terminating signal received, if any.
    pub(crate) fn ending(&self) -> Option<i32> {
        match self.ending.load(Ordering::SeqCst) {
            0 => None,
            n => Some(n as i32),
        }
    }

    /// True once after SIGTSTP arrived.
    pub(crate) fn take_stop(&self) -> bool {
        self.stop.swap(false, Ordering::SeqCst)
    }

    /// True once after SIGCONT arrived.
    pub(crate) fn take_cont(&self) -> bool {
        self.cont.swap(false, Ordering::SeqCst)
    }

    /// True for SIGINT (a quit like `q`), false for the others.
    pub(crate) fn is_interrupt(sig: i32) -> bool {
        sig == SIGINT
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// Ends the process the way `sig` would have, had recall not caught it
/// (after the terminal was given back).
pub(super) fn die_of(sig: i32) {
    let _ = signal_hook::low_level::emulate_default_handler(sig);
}
