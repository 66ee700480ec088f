//! The session's notes read again: lazily when a card of theirs comes up,
//! after an edit outside the session, after a write. Cards are re-pointed at
//! their questions by text (the card on screen also by its comment or its
//! place); cards of a note that is gone, or that are gone from it, leave with
//! a notice.

use super::{Notice, QueueCard, Session, SessionNote, Store, fingerprint};
use crate::error::Error;
use crate::parse::parse_note;

impl<S: Store> Session<S> {
    /// Reads a note that is not loaded yet (see [`Session::new_lazy`]).
    pub(super) fn load(&mut self, path: &str) {
        let Some(scanned) = self.unloaded.remove(path) else {
            return;
        };
        let now = self.clock.now();
        match self.store.read(path) {
            Ok(text) if fingerprint(&text) == scanned => {
                let note =
                    parse_note(text, crate::note_path::folder(path), &self.ctx.parse_options(now), false);
                self.notes.insert(path.into(), SessionNote { path: path.into(), note });
            }
            Ok(text) => self.reload(path, &text, false),
            Err(e) => self.drop_note(path, &e),
        }
    }

    /// Removes a note that can no longer be read, and its cards.
    pub(super) fn drop_note(&mut self, path: &str, e: &Error) {
        self.notes.remove(path);
        self.queue.retain(|c| *c.path != *path);
        self.learning.retain(|(_, c)| *c.path != *path);
        if self.current.as_ref().is_some_and(|s| *s.card.path == *path) {
            self.current = None;
        }
        self.notices.push(Notice(format!("{path}: {e}; its cards left the session")));
    }

    /// Re-reads a note that changed outside the session (after `e`dit):
    /// queued cards are found again by their text; the card on screen also
    /// by its schedule comment or its place, so a card whose front was just
    /// edited stays (with its new text). Cards really gone leave.
    pub fn note_changed(&mut self, path: &str) {
        self.note_changed_inner(path, true);
        self.advance();
    }

    pub(super) fn note_changed_inner(&mut self, path: &str, edited: bool) {
        match self.store.read(path) {
            Ok(text) => self.reload(path, &text, edited),
            Err(e) => self.drop_note(path, &e),
        }
        if let Some(c) = &mut self.current {
            c.revealed = false;
        }
    }

    /// Re-parses a note from `text` and re-points its cards (see
    /// [`Session::note_changed`]; `edited` allows the looser match for the
    /// card on screen).
    pub(super) fn reload(&mut self, path: &str, text: &str, edited: bool) {
        let fresh = parse_note(
            text.to_owned(),
            crate::note_path::folder(path),
            &self.ctx.parse_options(self.clock.now()),
            true,
        );
        let old = self.notes.get(path).map(|n| n.note.clone());
        let hashes: Vec<u64> = fresh.questions.iter().map(|q| q.hash_value(&fresh.text)).collect();
        let find = |c: &QueueCard| -> Option<usize> {
            hashes
                .iter()
                .enumerate()
                .filter(|(i, h)| **h == c.hash && c.sibling() < fresh.questions[*i].card_count())
                .min_by_key(|(i, _)| fresh.questions[*i].text_line.abs_diff(c.line().index()))
                .map(|(i, _)| i)
        };
        let repoint = |c: &mut QueueCard, qi: usize| {
            c.repoint(qi, fresh.questions[qi].text_line_no(), hashes[qi]);
        };
        let mut gone: Vec<QueueCard> = Vec::new();
        let mut claimed: Vec<usize> = Vec::new();
        for c in self.queue.iter_mut().filter(|c| *c.path == *path) {
            match find(c) {
                Some(qi) => {
                    claimed.push(qi);
                    repoint(c, qi);
                }
                None => gone.push(c.clone()),
            }
        }
        for (_, c) in self.learning.iter_mut().filter(|(_, c)| *c.path == *path) {
            match find(c) {
                Some(qi) => {
                    claimed.push(qi);
                    repoint(c, qi);
                }
                None => gone.push(c.clone()),
            }
        }
        let mut current_gone = false;
        if let Some(cur) = self.current.as_mut().filter(|c| *c.card.path == *path) {
            let found = find(&cur.card).or_else(|| {
                // An edit may have changed the card's text: find it by its
                // schedule comment, else the question at its place.
                if !edited {
                    return None;
                }
                let old_q = old.as_ref().and_then(|n| n.questions.get(cur.card.question()));
                let old_comment = old_q
                    .and_then(|q| q.comment.clone())
                    .and_then(|r| old.as_ref().map(|n| n.text[r].to_owned()));
                let free =
                    |i: &usize| !claimed.contains(i) && cur.card.sibling() < fresh.questions[*i].card_count();
                let by_comment = old_comment.and_then(|oc| {
                    (0..fresh.questions.len()).filter(free).find(|&i| {
                        fresh.questions[i].comment.as_ref().is_some_and(|r| fresh.text[r.clone()] == oc)
                    })
                });
                by_comment.or_else(|| {
                    let line = cur.card.line().index();
                    (0..fresh.questions.len())
                        .filter(free)
                        .filter(|&i| {
                            fresh.questions[i].owns_line(line)
                                || fresh.questions[i].text_line.abs_diff(line) <= 2
                        })
                        .min_by_key(|&i| fresh.questions[i].text_line.abs_diff(line))
                })
            });
            match found {
                Some(qi) => repoint(&mut cur.card, qi),
                None => current_gone = true,
            }
        }
        self.queue.retain(|c| !(*c.path == *path && gone.contains(c)));
        self.learning.retain(|(_, c)| !(*c.path == *path && gone.contains(c)));
        if current_gone && let Some(c) = self.current.take() {
            gone.push(c.card);
        }
        for c in gone {
            self.notices.push(Notice(format!(
                "{}:{}: the card changed or was removed; it left the session",
                c.path,
                c.line()
            )));
        }
        self.notes.insert(path.into(), SessionNote { path: path.into(), note: fresh });
    }
}
