//! Note review, as the plugin does it (spec §c.6, §e; conformance README,
//! *Note review*), pure: which notes are reviewable, their link graph and
//! PageRank, the review queue, the next schedule of a note, and the minimal
//! front-matter edit that records it.
//!
//! The flow: every note of the vault gives its [`NoteFacts`] (cheap, on the
//! vault's worker threads, so the notes themselves can be dropped); [`index`]
//! resolves the links, ranks the graph and builds the note histogram;
//! [`queue`] lists the review decks, [`NoteIndex::schedule`] answers a note
//! and [`plan_edit`] turns the answer into edits of the note's text. A
//! review session keeps one [`NoteIndex`] and calls [`NoteIndex::record`]
//! after each answer, as the plugin updates its queue and histogram.

pub mod answer;
pub mod frontmatter_edit;
pub mod graph;
pub mod links;
pub mod queue;
pub mod schedule;

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::parse::Note;
use crate::schedule::{Histogram, Response, note_ease};
use crate::settings::{Settings, tag_matches_any};

pub use frontmatter_edit::{EditError, plan_clear, plan_edit};
pub use queue::{NoteState, QueuedNote, queue};

/// What the note review needs to know about one note of the vault.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteFacts {
    /// Vault-relative path, `/` separators.
    pub path: String,
    /// The `tagsToReview` entries the note's tags match (equal or a
    /// sub-tag), in settings order: its review decks.
    pub decks: Vec<String>,
    /// The note's first tag that is in `noteTagsToIgnore` (or below one).
    pub ignored_tag: Option<String>,
    /// The front matter's schedule, when all three `sr-*` keys are there.
    pub schedule: Option<ReadSchedule>,
    /// The plugin's note-ease entry (spec §e), unrounded.
    pub ease_entry: Option<f64>,
    /// Link paths of the note's outgoing links, in text order.
    pub links: Vec<String>,
}

impl NoteFacts {
    /// In the review queue: tagged for review and not ignored by a tag.
    #[must_use]
    pub fn in_queue(&self) -> bool {
        !self.decks.is_empty() && self.ignored_tag.is_none()
    }
}

/// A note's schedule as the plugin reads it from the front matter.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReadSchedule {
    /// `sr-due` read with moment's formats; `None` when it cannot be read.
    pub due: Option<NaiveDate>,
    /// `parseFloat(sr-interval)`: `NaN` when it is no number.
    pub interval: f64,
    /// `parseFloat(sr-ease)`: `NaN` when it is no number.
    pub ease: f64,
}

impl ReadSchedule {
    /// Interval and ease are both numbers.
    #[must_use]
    pub fn readable_numbers(&self) -> bool {
        !self.interval.is_nan() && !self.ease.is_nan()
    }
}

/// Why a note cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// Notes are answered Easy, Good or Hard only.
    #[error("notes are answered easy, good or hard; the plugin has no `{0}` for notes")]
    Response(Response),
    /// The path is not a note the vault reads.
    #[error("not a note of the vault")]
    Unknown,
    /// No tag of the note is (below) a `tagsToReview` entry.
    #[error("the note has no review tag ({0})")]
    NotTagged(String),
    /// A tag of the note is in `noteTagsToIgnore`.
    #[error("the note has the tag {0}, which noteTagsToIgnore keeps out of note review")]
    IgnoredTag(String),
}

/// Reads what the note review needs from one parsed note (spec §e).
#[must_use]
pub fn facts(path: &str, note: &Note, settings: &Settings) -> NoteFacts {
    let (decks, ignored_tag, schedule) = review_state(note, settings);
    NoteFacts {
        path: path.to_owned(),
        decks,
        ignored_tag,
        schedule,
        ease_entry: note_ease(note, settings).map(|e| e.0),
        links: links::outgoing(note),
    }
}

/// A note's review decks and schedule when it is in the review queue
/// (tagged, not ignored by a tag), without reading its links: what
/// counting (`stats`) needs.
#[must_use]
pub fn queue_entry(note: &Note, settings: &Settings) -> Option<(Vec<String>, Option<ReadSchedule>)> {
    let (decks, ignored, schedule) = review_state(note, settings);
    (!decks.is_empty() && ignored.is_none()).then_some((decks, schedule))
}

/// The review decks, the first ignored tag and the schedule of a note.
fn review_state(note: &Note, settings: &Settings) -> (Vec<String>, Option<String>, Option<ReadSchedule>) {
    let tags: Vec<&str> = note.all_tags().collect();
    let decks = settings
        .tags_to_review
        .iter()
        .filter(|t| tags.iter().any(|tag| tag_matches_any(tag, std::slice::from_ref(t))))
        .cloned()
        .collect();
    let ignored_tag =
        tags.iter().find(|t| tag_matches_any(t, &settings.note_tags_to_ignore)).map(|t| (*t).to_owned());
    let schedule = note.frontmatter.as_ref().and_then(|f| f.note_schedule.as_ref()).map(|s| ReadSchedule {
        due: s.date,
        interval: s.interval,
        ease: s.ease,
    });
    (decks, ignored_tag, schedule)
}

/// Every note's facts, linked, ranked and counted: what the queue and the
/// scheduler read.
#[derive(Debug, Clone)]
pub struct NoteIndex {
    today: NaiveDate,
    /// `tagsToReview`, in settings order.
    decks: Vec<String>,
    /// Sorted by path bytes.
    notes: Vec<NoteFacts>,
    by_path: HashMap<String, usize>,
    /// PageRank × 10 000 of every note in the link graph.
    ranks: HashMap<String, f64>,
    /// Per note (same index as `notes`): resolved targets and link counts.
    outgoing: Vec<Vec<(String, u32)>>,
    /// Per target: the notes linking to it, in path order, with counts.
    incoming: HashMap<String, Vec<(String, u32)>>,
    histogram: Histogram,
}

/// Builds the index of a vault's notes. `other_paths` are markdown files
/// the walk skipped (`noteFoldersToIgnore`): links to them still resolve and
/// count, as in Obsidian, though their own links are not read.
#[must_use]
pub fn index(
    mut notes: Vec<NoteFacts>,
    other_paths: &[String],
    settings: &Settings,
    today: NaiveDate,
) -> NoteIndex {
    notes.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    let resolver =
        links::Resolver::new(notes.iter().map(|n| n.path.clone()).chain(other_paths.iter().cloned()));
    let mut g = graph::LinkGraph::default();
    let mut outgoing = Vec::with_capacity(notes.len());
    let mut incoming: HashMap<String, Vec<(String, u32)>> = HashMap::new();
    for n in &notes {
        let targets = links::resolved(&resolver, &n.path, &n.links);
        for (t, count) in &targets {
            g.link(&n.path, t, f64::from(*count));
            incoming.entry(t.clone()).or_default().push((n.path.clone(), *count));
        }
        outgoing.push(targets);
    }
    let by_path = notes.iter().enumerate().map(|(i, n)| (n.path.clone(), i)).collect();
    let mut ix = NoteIndex {
        today,
        decks: settings.tags_to_review.clone(),
        notes,
        by_path,
        ranks: g.plugin_ranks(),
        outgoing,
        incoming,
        histogram: Histogram::default(),
    };
    ix.histogram = ix.note_histogram();
    ix
}

impl NoteIndex {
    /// The day the index was built for.
    #[must_use]
    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// The facts of the note at `path`.
    #[must_use]
    pub fn get(&self, path: &str) -> Option<&NoteFacts> {
        self.by_path.get(path).map(|&i| &self.notes[i])
    }

    /// Every note, in path order.
    #[must_use]
    pub fn notes(&self) -> &[NoteFacts] {
        &self.notes
    }

    /// The review decks (`tagsToReview`), in settings order.
    #[must_use]
    pub fn decks(&self) -> &[String] {
        &self.decks
    }

    /// PageRank × 10 000 (0 for a note outside the link graph).
    #[must_use]
    pub fn rank(&self, path: &str) -> f64 {
        self.ranks.get(path).copied().unwrap_or(0.0)
    }

    /// The note histogram: days from today to each scheduled note's due
    /// date, a note counted once per review deck it is in.
    #[must_use]
    pub fn histogram(&self) -> &Histogram {
        &self.histogram
    }

    /// The note at `path` if it can be answered: in the vault, tagged for
    /// review, not ignored by a tag.
    pub fn reviewable(&self, path: &str) -> Result<&NoteFacts, NoteError> {
        let n = self.get(path).ok_or(NoteError::Unknown)?;
        if n.decks.is_empty() {
            return Err(NoteError::NotTagged(self.decks.join(", ")));
        }
        if let Some(t) = &n.ignored_tag {
            return Err(NoteError::IgnoredTag(t.clone()));
        }
        Ok(n)
    }

    /// Records an answer, as the plugin updates its queue after a review:
    /// the note becomes scheduled at `next` in all its decks, the histogram
    /// is counted again, and a note that had a schedule gets the new ease
    /// as its note-ease entry.
    pub fn record(&mut self, path: &str, next: &crate::schedule::Sm2) {
        let Some(&i) = self.by_path.get(path) else { return };
        let n = &mut self.notes[i];
        if n.schedule.is_some() {
            n.ease_entry = Some(next.ease.0);
        }
        n.schedule = Some(ReadSchedule { due: Some(next.due), interval: next.interval.0, ease: next.ease.0 });
        self.histogram = self.note_histogram();
    }

    /// Puts back what [`NoteIndex::record`] changed (an undone review) or
    /// what an edit outside the session left: the note's schedule and
    /// note-ease entry as read from its text.
    pub fn restore(&mut self, path: &str, schedule: Option<ReadSchedule>, ease_entry: Option<f64>) {
        let Some(&i) = self.by_path.get(path) else { return };
        let n = &mut self.notes[i];
        n.schedule = schedule;
        n.ease_entry = ease_entry;
        self.histogram = self.note_histogram();
    }

    fn note_histogram(&self) -> Histogram {
        let mut h = Histogram::default();
        for deck in &self.decks {
            for n in self.notes.iter().filter(|n| n.in_queue() && n.decks.contains(deck)) {
                if let Some(due) = n.schedule.and_then(|s| s.due) {
                    h.increment((due - self.today).num_days());
                }
            }
        }
        h
    }

    /// The rounded note-ease entry of `path`, when it has a usable one (the
    /// plugin's `if (ease)`: not 0, not NaN).
    fn ease_of(&self, path: &str) -> Option<f64> {
        let e = crate::parse::js_round(self.get(path)?.ease_entry?);
        (e != 0.0 && !e.is_nan()).then_some(e)
    }
}

#[cfg(test)]
mod tests;
