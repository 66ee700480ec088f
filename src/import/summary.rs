//! The summary of an import, as text and as JSON (pure).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::days::Calendar;
use super::matching::CardKey;
use super::plan::{Plan, VaultChange};
use super::{Keep, Prefer, Side};
use crate::anki::Collection;
use crate::export::markdown::strip_html;
use crate::sanitize::one_line;
use crate::vault::Vault;

/// Unmatched notes listed in the text summary (all of them in JSON).
const LISTED: usize = 20;

/// What the command did with the plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Done {
    pub applied: bool,
    /// Cards whose schedule changes (or changed), in `notes` notes.
    pub cards: usize,
    pub notes: usize,
    /// Notes written (with `--apply`).
    pub written: usize,
    pub interrupted: bool,
}

/// Everything the summary shows.
pub struct Summary<'a> {
    pub file: &'a str,
    pub vault: &'a Vault,
    pub col: &'a Collection,
    pub plan: &'a Plan,
    pub cal: &'a Calendar,
    pub prefer: Prefer,
    pub done: Done,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn shorten(s: &str, max: usize) -> String {
    let s = one_line(s.trim());
    if s.chars().count() <= max { s } else { format!("{}…", s.chars().take(max - 1).collect::<String>()) }
}

impl Summary<'_> {
    fn card_place(&self, k: CardKey) -> String {
        let n = &self.vault.notes[k.note];
        let q = &n.note.questions[k.question];
        let sib = if k.sibling > 0 { format!("#{}", k.sibling) } else { String::new() };
        format!("{}:{}{sib}", n.path, q.first_line_no())
    }

    /// The front of the card as the review shows it, shortened.
    fn card_front(&self, k: CardKey) -> String {
        let n = &self.vault.notes[k.note];
        let q = &n.note.questions[k.question];
        let sides = q.sides(&n.note.text, &self.vault.config.settings, &self.vault.clozes);
        let front = sides.get(k.sibling).map_or("", |(front, _)| front.as_str());
        shorten(front.lines().next().unwrap_or(""), 50)
    }

    fn time(&self, ms: i64) -> String {
        self.cal.local(ms).map_or_else(|| ms.to_string(), |t| t.format("%Y-%m-%d %H:%M").to_string())
    }

    fn vault_change(&self, c: VaultChange) -> String {
        match c {
            VaultChange::Logged(ms) => self.time(ms),
            VaultChange::LoggedDay(d) => d.to_string(),
            VaultChange::Scheduled(d) => format!("{d} (by its schedule)"),
        }
    }

    /// An unmatched Anki note: its Source path and first field, shortened.
    fn anki_note(&self, i: usize) -> (String, String) {
        let n = &self.col.notes[i];
        let first = n.fields.first().map(|f| shorten(&strip_html(f), 50)).unwrap_or_default();
        let source = n.fields.get(2).map(|f| shorten(&strip_html(f), 80)).unwrap_or_default();
        (source, first)
    }

    fn kept(&self) -> BTreeMap<Keep, usize> {
        let mut kept = BTreeMap::new();
        for c in &self.plan.cards {
            if let Err(k) = c.outcome {
                *kept.entry(k).or_insert(0) += 1;
            }
        }
        kept
    }

    /// The human summary.
    #[must_use]
    pub fn text(&self) -> String {
        let p = self.plan;
        let d = &self.done;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "import {} ({}): {} and {} matched the vault.",
            self.file,
            super::describe_format(self.col),
            plural(p.matching.notes, "note", "notes"),
            plural(p.matching.cards.len(), "card", "cards"),
        );
        let verb = if d.applied { "changed" } else { "would change" };
        let added = if d.applied { "added" } else { "to add" };
        let _ = writeln!(
            s,
            "{} in {} {verb}; {} {added} to the review log{}.",
            plural(d.cards, "schedule", "schedules"),
            plural(d.notes, "note", "notes"),
            plural(p.reviews.len(), "review", "reviews"),
            if p.already_logged > 0 {
                format!(" ({} already there)", p.already_logged)
            } else {
                String::new()
            },
        );
        let kept: Vec<String> = self
            .kept()
            .into_iter()
            .filter(|(k, _)| *k != Keep::Conflict)
            .map(|(k, n)| format!("{n} {}", k.describe()))
            .collect();
        if !kept.is_empty() {
            let _ = writeln!(s, "Left alone: {}.", kept.join(", "));
        }
        if !p.conflicts.is_empty() {
            let prefer = match self.prefer {
                Prefer::Latest => "latest",
                Prefer::Anki => "anki",
                Prefer::Vault => "vault",
            };
            let _ = writeln!(
                s,
                "{} (changed in the vault and in Anki; --prefer {prefer}):",
                plural(p.conflicts.len(), "conflict", "conflicts")
            );
            for c in &p.conflicts {
                let who = match c.winner {
                    Side::Vault => "the vault's schedule stays",
                    Side::Anki => "Anki's schedule is taken",
                };
                let _ = writeln!(
                    s,
                    "  {}  {}  vault {}, Anki {}: {who}",
                    self.card_place(c.key),
                    self.card_front(c.key),
                    self.vault_change(c.vault),
                    self.time(c.anki_last)
                );
            }
        }
        let unmatched = &p.matching.unmatched;
        if !unmatched.is_empty() {
            let _ = writeln!(
                s,
                "{} not matched:",
                plural(unmatched.len(), "Anki note or card", "Anki notes or cards")
            );
            for u in unmatched.iter().take(LISTED) {
                let (source, first) = self.anki_note(u.note);
                let place = if source.is_empty() { String::new() } else { format!("{source} ") };
                let _ = writeln!(s, "  {place}\"{first}\": {}", u.reason);
            }
            if unmatched.len() > LISTED {
                let _ = writeln!(s, "  … and {} more (--json lists them all)", unmatched.len() - LISTED);
            }
        }
        if d.applied {
            let _ = writeln!(s, "{} of {} written.", d.written, plural(d.notes, "note", "notes"));
            if d.interrupted {
                let _ = writeln!(
                    s,
                    "Interrupted: run the same command again to finish the other {} notes.",
                    d.notes - d.written
                );
            }
        } else if d.cards > 0 || !p.reviews.is_empty() {
            let _ =
                writeln!(s, "Dry run: nothing was written. --diff shows the changes, --apply writes them.");
        }
        s
    }

    /// The JSON summary.
    #[must_use]
    pub fn json(&self) -> Value {
        let p = self.plan;
        let d = &self.done;
        let card = |k: CardKey| {
            let n = &self.vault.notes[k.note];
            json!({ "path": n.path, "line": n.note.questions[k.question].first_line_no().get(), "sibling": k.sibling })
        };
        let changes: Vec<Value> = p
            .writes()
            .map(|(c, w)| {
                let mut j = card(c.key);
                j["before"] = json!(c.before.to_schedule());
                j["segment"] = json!(super::segment(w));
                j
            })
            .collect();
        json!({
            "file": self.file,
            "format": super::describe_format(self.col),
            "applied": d.applied,
            "matched_notes": p.matching.notes,
            "matched_cards": p.matching.cards.len(),
            "cards": d.cards,
            "notes": d.notes,
            "written": d.written,
            "interrupted": d.interrupted,
            "reviews": p.reviews.len(),
            "already_logged": p.already_logged,
            "left_alone": self.kept().into_iter().map(|(k, n)| (format!("{k:?}").to_lowercase(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "changes": changes,
            "conflicts": p.conflicts.iter().map(|c| {
                let mut j = card(c.key);
                j["vault"] = json!(self.vault_change(c.vault));
                j["anki"] = json!(self.time(c.anki_last));
                j["vault_newer"] = json!(c.vault_newer);
                j["winner"] = json!(match c.winner { Side::Anki => "anki", Side::Vault => "vault" });
                j
            }).collect::<Vec<_>>(),
            "unmatched": p.matching.unmatched.iter().map(|u| {
                let (source, first) = self.anki_note(u.note);
                json!({ "guid": self.col.notes[u.note].guid, "source": source, "first_field": first, "reason": u.reason.to_string() })
            }).collect::<Vec<_>>(),
        })
    }
}
