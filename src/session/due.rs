//! What a session would show now, counted (`recall due`): the queue after
//! the daily limits, by phase.

use serde::Serialize;

use super::queue::{Phase, QueueCard};

/// The cards a session would show now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DueCounts {
    /// All of them: `new + learning + review`.
    pub due: usize,
    pub new: usize,
    /// In FSRS (re)learning steps.
    pub learning: usize,
    pub review: usize,
}

impl DueCounts {
    /// Adds another part of the vault's counts to these.
    pub fn add(&mut self, other: &Self) {
        self.due += other.due;
        self.new += other.new;
        self.learning += other.learning;
        self.review += other.review;
    }
}

/// Counts a built queue (see [`super::queue::build`]).
#[must_use]
pub fn count(queue: &[QueueCard]) -> DueCounts {
    let mut c = DueCounts { due: queue.len(), ..DueCounts::default() };
    for card in queue {
        match card.phase {
            Phase::New => c.new += 1,
            Phase::Learning => c.learning += 1,
            Phase::Review => c.review += 1,
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(phase: Phase) -> QueueCard {
        QueueCard::new(std::sync::Arc::new("a.md".into()), (0, 0), crate::parse::LineNo::new(1), 0, phase, 0)
    }

    #[test]
    fn counts_by_phase() {
        let q = [card(Phase::New), card(Phase::Review), card(Phase::Review), card(Phase::Learning)];
        assert_eq!(count(&q), DueCounts { due: 4, new: 1, learning: 1, review: 2 });
        assert_eq!(count(&[]), DueCounts::default());
        let mut sum = count(&q[..2]);
        sum.add(&count(&q[2..]));
        assert_eq!(sum, count(&q));
    }
}
