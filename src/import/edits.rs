//! The edits of an import (pure): each changed question of a note gets one
//! edit of its schedule comment ([`plan_siblings`]), and a note that changed
//! on disk since it was read is planned again on its new text
//! ([`crate::vault::Vault::replan`] with [`plan_note`]).

use std::collections::BTreeMap;

use crate::edit::Edit;
use crate::edit::plan::{SiblingChange, plan_siblings};
use crate::parse::Note;
use crate::settings::Settings;

/// The changes to one note: question index → (sibling, new segment).
pub type QuestionChanges = BTreeMap<usize, Vec<(usize, SiblingChange)>>;

/// Plans the edits of one note: one per changed question.
pub fn plan_note(note: &Note, changes: &QuestionChanges, settings: &Settings) -> Result<Vec<Edit>, String> {
    let mut edits = Vec::new();
    for (&qi, sibs) in changes {
        let Some(q) = note.questions.get(qi) else { continue };
        match plan_siblings(note, q, sibs, settings) {
            Ok(Some(e)) => edits.push(e),
            Ok(None) => {}
            Err(e) => return Err(format!("line {}: {e}", q.first_line_no())),
        }
    }
    Ok(edits)
}
