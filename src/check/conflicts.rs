//! Sync-conflict copies: a file a sync service made beside a note when two
//! devices changed it at once (Syncthing's `Note.sync-conflict-….md`,
//! Dropbox's and Nextcloud's `Note (conflicted copy ….md`, Nextcloud's and OneDrive's
//! `Note (conflict ….md`, iCloud's `Note 2.md`). When such a copy holds the
//! same questions as its original, the plugin shows every card twice and a
//! review lands in one copy only: [`finding`] says so, with how many
//! schedules differ (pure: the caller gives both notes' questions).

use std::sync::LazyLock;

use regex::Regex;

use super::{Code, Finding, Severity};
use crate::parse::Note;

/// The sync service that names copies a certain way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Syncthing,
    Dropbox,
    /// Nextcloud's or OneDrive's `(conflict …)`.
    Conflict,
    ICloud,
}

impl Service {
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Service::Syncthing => "Syncthing",
            Service::Dropbox => "Dropbox or Nextcloud",
            Service::Conflict => "Nextcloud or OneDrive",
            Service::ICloud => "iCloud",
        }
    }
}

static PATTERNS: LazyLock<Vec<(Service, Regex)>> = LazyLock::new(|| {
    [
        (Service::Syncthing, r"^(.+)\.sync-conflict-[^/]*\.md$"),
        (Service::Dropbox, r"^(.+?) \([^()/]*conflicted copy[^()/]*\)\.md$"),
        (Service::Conflict, r"^(.+?) \([Cc]onflict[^()/]*\)\.md$"),
        (Service::ICloud, r"^(.+) [2-9]\.md$"),
    ]
    .into_iter()
    .filter_map(|(s, re)| Regex::new(re).ok().map(|r| (s, r)))
    .collect()
});

/// The original's vault-relative path of what looks like a sync-conflict
/// copy at `path` (same folder), and the service its name points to.
#[must_use]
pub fn original_of(path: &str) -> Option<(String, Service)> {
    let (folder, name) = path.rsplit_once('/').map_or(("", path), |(f, n)| (f, n));
    PATTERNS.iter().find_map(|(service, re)| {
        let stem = re.captures(name)?.get(1)?.as_str();
        let original = if folder.is_empty() { format!("{stem}.md") } else { format!("{folder}/{stem}.md") };
        Some((original, *service))
    })
}

/// What a note's questions are, for comparing two copies: per question, a
/// hash of its text (topic tag included) and one of its schedule comment.
#[must_use]
pub fn questions_of(note: &Note) -> Vec<(u64, u64)> {
    use std::hash::{Hash, Hasher};
    let hash = |parts: &[&str]| {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        parts.hash(&mut h);
        h.finish()
    };
    let text = note.text.as_str();
    note.questions
        .iter()
        .map(|q| {
            let comment = q.comment.as_ref().and_then(|r| text.get(r.clone())).unwrap_or("");
            (hash(&[q.topic_tag.as_deref().unwrap_or(""), q.actual(text)]), hash(&[comment]))
        })
        .collect()
}

/// How many questions' schedules differ between two copies, when both hold
/// the same questions (the same texts, as many times); `None` otherwise.
#[must_use]
pub fn differing_schedules(copy: &[(u64, u64)], original: &[(u64, u64)]) -> Option<usize> {
    if copy.is_empty() || copy.len() != original.len() {
        return None;
    }
    let mut a = copy.to_vec();
    let mut b = original.to_vec();
    a.sort_unstable();
    b.sort_unstable();
    let texts = |v: &[(u64, u64)]| v.iter().map(|x| x.0).collect::<Vec<_>>();
    let (mut ta, mut tb) = (texts(&a), texts(&b));
    ta.sort_unstable();
    tb.sort_unstable();
    if ta != tb {
        return None;
    }
    // Pair equal texts; a pair whose schedules differ counts once.
    let mut differ = 0;
    let mut rest: Vec<(u64, u64)> = b;
    for (t, s) in a {
        if let Some(i) = rest.iter().position(|&(t2, s2)| t2 == t && s2 == s) {
            rest.swap_remove(i);
        } else {
            differ += 1;
        }
    }
    Some(differ)
}

/// The finding for the copy at `path` of `original` with `questions`
/// questions, `differ` of whose schedules differ.
#[must_use]
pub fn finding(original: &str, service: Service, questions: usize, differ: usize) -> Finding {
    let schedules = match differ {
        0 => "their schedules are the same".to_owned(),
        1 => "1 schedule differs".to_owned(),
        n => format!("{n} schedules differ"),
    };
    let message = format!(
        "this looks like a sync-conflict copy ({}) of {original}, with the same {questions} question{}; {schedules}: the plugin shows each card twice and writes a review to one copy only",
        service.name(),
        if questions == 1 { "" } else { "s" },
    );
    let hint = if differ == 0 {
        "delete this copy".to_owned()
    } else {
        format!("keep the reviews you want in {original} (compare the two files), then delete this copy")
    };
    Finding {
        line: None,
        severity: Severity::Warning,
        code: Code::SyncConflict,
        message,
        hint: Some(hint),
        fix: None,
        question: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_named_after_their_originals() {
        let o = |p: &str| original_of(p);
        assert_eq!(
            o("Kafka/Producer.sync-conflict-20241201-101010-ABCDEFG.md"),
            Some(("Kafka/Producer.md".into(), Service::Syncthing))
        );
        assert_eq!(
            o("Producer (Jane's conflicted copy 2024-12-01).md"),
            Some(("Producer.md".into(), Service::Dropbox))
        );
        assert_eq!(
            o("a/Producer (conflicted copy 2024-12-01 101010).md"),
            Some(("a/Producer.md".into(), Service::Dropbox))
        );
        assert_eq!(o("Producer (Conflict 2024-12-01).md"), Some(("Producer.md".into(), Service::Conflict)));
        assert_eq!(o("Producer (conflict 1).md"), Some(("Producer.md".into(), Service::Conflict)));
        assert_eq!(o("Producer 2.md"), Some(("Producer.md".into(), Service::ICloud)));
        assert_eq!(o("Producer.md"), None);
        assert_eq!(o("Chapter 12.md"), None);
    }

    #[test]
    fn same_questions_with_differing_schedules() {
        let orig = [(1, 10), (2, 20), (3, 30)];
        assert_eq!(differing_schedules(&[(3, 30), (1, 10), (2, 20)], &orig), Some(0));
        assert_eq!(differing_schedules(&[(1, 11), (2, 20), (3, 31)], &orig), Some(2));
        assert_eq!(differing_schedules(&[(1, 10), (2, 20)], &orig), None);
        assert_eq!(differing_schedules(&[(1, 10), (2, 20), (4, 30)], &orig), None);
        assert_eq!(differing_schedules(&[], &[]), None);
    }
}
