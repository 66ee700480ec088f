//! Where the session's cards wait: the queue in order, and (re)learning
//! cards until their step is due. Moving a card out (its siblings, skipped or
//! buried) and back in (requeued after an answer, restored by undo).

use chrono::{DateTime, Utc};

use super::{Phase, QueueCard, Session, Slot, Store};

impl<S: Store> Session<S> {
    /// Puts a card back: into learning until `due`, or at the back of its
    /// deck's stretch of the queue (the plugin's end of list).
    pub(super) fn requeue(&mut self, mut card: QueueCard, due: Option<DateTime<Utc>>) -> Slot {
        card.is_new = false;
        card.phase = Phase::Learning;
        if let Some(due) = due {
            self.learning.push((due, card));
            return Slot::Learning(due);
        }
        let end =
            self.queue.iter().position(|c| c.deck_rank() > card.deck_rank()).unwrap_or(self.queue.len());
        self.queue.insert(end, card);
        Slot::Queue
    }

    /// Removes and returns the other queued siblings of `card`'s question.
    pub(super) fn take_siblings(&mut self, card: &QueueCard) -> Vec<(QueueCard, Slot)> {
        let same =
            |c: &QueueCard| c.path == card.path && c.hash == card.hash && c.sibling() != card.sibling();
        let mut out: Vec<(QueueCard, Slot)> =
            self.queue.iter().filter(|c| same(c)).map(|c| (c.clone(), Slot::Queue)).collect();
        out.extend(
            self.learning.iter().filter(|(_, c)| same(c)).map(|(d, c)| (c.clone(), Slot::Learning(*d))),
        );
        self.queue.retain(|c| !same(c));
        self.learning.retain(|(_, c)| !same(c));
        out
    }

    /// Puts the card on screen back where it came from (an undone card
    /// takes its place).
    pub(super) fn shelve_current(&mut self) {
        if let Some(c) = self.current.take() {
            match c.from {
                Slot::Queue => self.queue.push_front(c.card),
                Slot::Learning(due) => self.learning.push((due, c.card)),
            }
        }
    }

    pub(super) fn restore(&mut self, siblings: Vec<(QueueCard, Slot)>) {
        for (c, slot) in siblings.into_iter().rev() {
            match slot {
                Slot::Queue => self.queue.push_front(c),
                Slot::Learning(due) => self.learning.push((due, c)),
            }
        }
    }
}
