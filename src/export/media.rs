//! Media referenced by cards: found the way Obsidian finds it, named for
//! Anki's flat media folder. The disk is reached only through [`VaultFiles`].

use std::collections::{HashMap, HashSet};

/// What the resolver needs to know about the vault's files (implemented by
/// the command over the disk, by a list in tests).
pub trait VaultFiles {
    /// True when the vault-relative path names a file.
    fn is_file(&self, rel: &str) -> bool;
    /// Vault-relative paths of every file whose path ends with `/suffix`
    /// or is `suffix`, in any order.
    fn ending_with(&self, suffix: &str) -> Vec<String>;
}

/// How a media file is shown on a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Image,
    /// Audio and video: Anki's `[sound:…]`.
    Sound,
}

/// The kind of media a file name is, by its extension.
#[must_use]
pub fn kind(name: &str) -> Option<Kind> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "png" | "jpg" | "jpeg" | "gif" | "webp" | "svg" | "bmp" | "avif" | "ico" | "tif" | "tiff" => {
            Some(Kind::Image)
        }
        "mp3" | "ogg" | "oga" | "wav" | "m4a" | "flac" | "aac" | "opus" | "3gp" | "mp4" | "webm" | "ogv"
        | "mov" | "mkv" => Some(Kind::Sound),
        _ => None,
    }
}

/// A file to pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The name cards use (Anki's media folder is flat).
    pub name: String,
    /// Vault-relative path of the file.
    pub path: String,
}

/// A reference that names no file of the vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    pub note: String,
    pub link: String,
}

/// Resolves references the way Obsidian does and gives each file one
/// unique, safe name.
pub struct Pack<'a> {
    files: &'a dyn VaultFiles,
    pub entries: Vec<Entry>,
    by_path: HashMap<String, usize>,
    names: HashSet<String>,
    pub missing: Vec<Missing>,
}

impl<'a> Pack<'a> {
    #[must_use]
    pub fn new(files: &'a dyn VaultFiles) -> Pack<'a> {
        Pack {
            files,
            entries: Vec::new(),
            by_path: HashMap::new(),
            names: HashSet::new(),
            missing: Vec::new(),
        }
    }

    /// The media name for `link` as written in the note at `note`
    /// (vault-relative), or `None` (recorded as missing) when no file of
    /// the vault matches.
    pub fn resolve(&mut self, note: &str, link: &str) -> Option<String> {
        let Some(path) = self.find(note, link) else {
            self.missing.push(Missing { note: note.to_owned(), link: link.to_owned() });
            return None;
        };
        if let Some(&i) = self.by_path.get(&path) {
            return Some(self.entries[i].name.clone());
        }
        let name = self.unique_name(&path);
        self.names.insert(name.to_ascii_lowercase());
        self.by_path.insert(path.clone(), self.entries.len());
        self.entries.push(Entry { name: name.clone(), path });
        Some(name)
    }

    fn find(&self, note: &str, link: &str) -> Option<String> {
        let link = link.trim().trim_start_matches('/');
        if link.is_empty() {
            return None;
        }
        let folder = crate::note_path::folder_or_root(note);
        let relative =
            normalize(&if folder.is_empty() { link.to_owned() } else { format!("{folder}/{link}") });
        if link.starts_with("./") || link.starts_with("../") {
            return relative.filter(|p| self.files.is_file(p));
        }
        if let Some(p) = normalize(link).filter(|p| self.files.is_file(p)) {
            return Some(p);
        }
        if let Some(p) = relative.filter(|p| self.files.is_file(p)) {
            return Some(p);
        }
        // Obsidian's shortest-path links: the file anywhere in the vault,
        // nearest the note first.
        let suffix = normalize(link)?;
        let mut found = self.files.ending_with(&suffix);
        found.sort_by(|a, b| {
            let near = |p: &str| crate::note_path::folder_or_root(p) != folder;
            near(a).cmp(&near(b)).then(a.matches('/').count().cmp(&b.matches('/').count())).then(a.cmp(b))
        });
        found.into_iter().next()
    }

    fn unique_name(&self, path: &str) -> String {
        let base = path.rsplit('/').next().unwrap_or(path);
        let safe: String = base
            .chars()
            .map(|c| if c.is_control() || "\"<>&\\/:*?|#%[]".contains(c) { '_' } else { c })
            .collect();
        let safe = if safe.trim_matches(['.', ' ']).is_empty() { "media".to_owned() } else { safe };
        if !self.names.contains(&safe.to_ascii_lowercase()) {
            return safe;
        }
        let (stem, ext) = match safe.rsplit_once('.') {
            Some((s, e)) if !s.is_empty() => (s.to_owned(), format!(".{e}")),
            _ => (safe.clone(), String::new()),
        };
        let hash = crate::parse::cyrb53(path, 0);
        let mut n = 0u64;
        loop {
            let candidate = format!("{stem}-{:08x}{ext}", (hash.wrapping_add(n)) & 0xffff_ffff);
            if !self.names.contains(&candidate.to_ascii_lowercase()) {
                return candidate;
            }
            n += 1;
        }
    }
}

/// Resolves `.` and `..` in a `/`-separated relative path; `None` when it
/// climbs out of the vault.
#[must_use]
pub fn normalize(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split(['/', '\\']) {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Files(Vec<&'static str>);
    impl VaultFiles for Files {
        fn is_file(&self, rel: &str) -> bool {
            self.0.contains(&rel)
        }
        fn ending_with(&self, suffix: &str) -> Vec<String> {
            self.0
                .iter()
                .filter(|p| **p == suffix || p.ends_with(&format!("/{suffix}")))
                .map(|p| (*p).to_owned())
                .collect()
        }
    }

    #[test]
    fn media_resolves_like_obsidian_and_names_are_unique() {
        let files = Files(vec!["img.png", "Kafka/img.png", "att/deep/diagram.png", "Kafka/a b.png"]);
        let mut p = Pack::new(&files);
        assert_eq!(p.resolve("Kafka/Note.md", "img.png").as_deref(), Some("img.png"));
        assert_eq!(p.entries[0].path, "img.png", "a vault-root path wins");
        assert_eq!(
            p.resolve("Kafka/Note.md", "./img.png").as_deref().map(|n| n.starts_with("img-")),
            Some(true)
        );
        assert_eq!(p.entries[1].path, "Kafka/img.png");
        assert_eq!(p.resolve("Other.md", "diagram.png").as_deref(), Some("diagram.png"));
        assert_eq!(p.resolve("Kafka/Note.md", "a b.png").as_deref(), Some("a b.png"));
        assert_eq!(p.resolve("Kafka/Note.md", "../../etc/passwd"), None);
        assert_eq!(p.resolve("Kafka/Note.md", "nope.png"), None);
        assert_eq!(p.missing.len(), 2);
        assert_eq!(p.resolve("x.md", "img.png").as_deref(), Some("img.png"), "same file, same name");
        assert_eq!(p.entries.len(), 4);
        assert_eq!(normalize("a/./b/../c"), Some("a/c".into()));
        assert_eq!(normalize("../x"), None);
    }
}
