//! Keys: what each one asks for, the help that lists them all, and the
//! key bar's hints.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::render::width;
use crate::schedule::Response;

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
    /// Open the card's next image.
    Image,
    /// Show the card's info and history.
    Info,
    /// Reset the card to new (asks first).
    Reset,
    Help,
    Quit,
    /// Scroll by this many rows (negative: up).
    Lines(i32),
    /// Scroll by this many pages.
    Pages(i32),
    Top,
    Bottom,
    /// Ctrl-Z: give the terminal back until `fg`.
    Suspend,
    /// Ctrl-L: draw everything again.
    Redraw,
    None,
}

/// Every key, for the help (`?`).
pub const HELP: &[(&str, &str)] = &[
    ("space, enter", "show the answer; once shown, Good"),
    ("1 2 3 4", "Again / Hard / Good / Easy, once the answer is shown"),
    ("s", "skip this card for now (its siblings too)"),
    ("u", "undo the last answer, skip or bury (repeatable)"),
    ("r", "reset the card to new, as the plugin's Reset (asks first)"),
    ("i", "the card's info: where it is, its schedule, its history"),
    ("b", "bury this card and its siblings until tomorrow"),
    ("e", "edit the note in $VISUAL or $EDITOR at the card's line"),
    ("o", "open the note in Obsidian"),
    ("v", "view the card's image (again: the next one)"),
    ("↓ ↑, j k", "scroll a line; the mouse wheel scrolls too"),
    ("PgDn PgUp", "scroll a page (also ctrl-d, ctrl-u)"),
    ("Home End, g G", "the top or the end of the card"),
    ("ctrl-l", "draw the screen again"),
    ("ctrl-z", "suspend; `fg` in the shell comes back"),
    ("?", "this help; ↓ ↑ scroll it, any other key closes it"),
    ("q, Esc, ctrl-c", "quit (every answer is already saved)"),
];

/// Maps a key press to an action.
#[must_use]
pub fn key_action(key: KeyEvent, revealed: bool) -> KeyAction {
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => KeyAction::Quit,
            KeyCode::Char('d') => KeyAction::Pages(1),
            KeyCode::Char('u') => KeyAction::Pages(-1),
            KeyCode::Char('z') => KeyAction::Suspend,
            KeyCode::Char('l') => KeyAction::Redraw,
            KeyCode::Home => KeyAction::Top,
            KeyCode::End => KeyAction::Bottom,
            _ => KeyAction::None,
        };
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
        KeyCode::Char('v') => KeyAction::Image,
        KeyCode::Char('i') => KeyAction::Info,
        KeyCode::Char('r') => KeyAction::Reset,
        KeyCode::Char('?') => KeyAction::Help,
        KeyCode::Char('q') | KeyCode::Esc => KeyAction::Quit,
        KeyCode::Down | KeyCode::Char('j') => KeyAction::Lines(1),
        KeyCode::Up | KeyCode::Char('k') => KeyAction::Lines(-1),
        KeyCode::PageDown => KeyAction::Pages(1),
        KeyCode::PageUp => KeyAction::Pages(-1),
        KeyCode::Home | KeyCode::Char('g') => KeyAction::Top,
        KeyCode::End | KeyCode::Char('G') => KeyAction::Bottom,
        _ => KeyAction::None,
    }
}

/// The key bar: the keys that matter now, as many as fit in `w`, always
/// ending with `? help`.
#[must_use]
pub fn key_hints(revealed: bool, scrolls: bool, images: bool, w: usize) -> String {
    let mut items: Vec<&str> = Vec::new();
    items.push(if revealed { "1-4 answer" } else { "space reveal" });
    if scrolls {
        items.push("↓↑ scroll");
    }
    items.extend(["s skip", "u undo", "b bury", "e edit", "o open"]);
    items.push("i info");
    if images {
        items.push("v image");
    }
    items.push("q quit");
    let end = "? help";
    let mut out = String::new();
    for item in items {
        let next = if out.is_empty() { item.to_owned() } else { format!("{out} · {item}") };
        if width(&next) + width(" · ") + width(end) > w {
            break;
        }
        out = next;
    }
    let all = if out.is_empty() { end.to_owned() } else { format!("{out} · {end}") };
    crate::render::fit(&all, w)
}
