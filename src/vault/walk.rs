//! The one walk of a vault's folders: notes for the scan, every file for
//! the export's media.
//!
//! Dot-folders and dot-files are skipped (Obsidian does not index them),
//! links are followed, a folder that contains itself is reported once and
//! skipped. Entries are visited in path-byte order of their vault-relative
//! paths: within a folder names are sorted with a folder sorting as `name/`,
//! so `a b/x.md` comes before `a/x.md` and `a.md` before `a/x.md`, exactly as
//! the full paths compare. The scan relies on this to hand notes on in path
//! order as they are read.

use std::fs;
use std::path::{Path, PathBuf};

use super::{IgnoreRules, Warning, WarningKind};

/// What a walk reports, and where.
pub(super) struct Walk<'a> {
    /// `noteFoldersToIgnore`; `None` lists every file, notes or not, with no
    /// rule applied.
    pub rules: Option<&'a IgnoreRules>,
    /// Called for every note (every file without rules) as soon as it is seen.
    pub found: &'a mut dyn FnMut(String, PathBuf),
    pub warnings: &'a mut Vec<Warning>,
    /// Notes the rules skip (folders skipped whole are not listed).
    pub ignored: &'a mut Vec<String>,
}

impl Walk<'_> {
    /// Walks the folder `root`.
    pub(crate) fn run(&mut self, root: &Path) {
        let root_canon = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let mut ancestors = vec![root_canon];
        self.dir(root, "", &mut ancestors);
    }

    fn dir(&mut self, dir: &Path, rel: &str, ancestors: &mut Vec<PathBuf>) {
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                self.warnings.push(Warning::new(
                    if rel.is_empty() { ".".to_owned() } else { rel.to_owned() },
                    None,
                    WarningKind::Folder,
                    format!("cannot read folder: {e}"),
                ));
                return;
            }
        };
        // (name, is a folder, is a file); a link's target decides, and a link
        // that cannot be followed is reported and left out.
        let mut names: Vec<(String, bool, bool)> = Vec::new();
        for entry in entries.flatten() {
            let name = match entry.file_name().into_string() {
                Ok(name) => name,
                Err(name) => {
                    self.warnings.push(Warning::new(
                        format!("{rel}{}", name.to_string_lossy()),
                        None,
                        WarningKind::FileName,
                        "file name is not valid UTF-8; skipped",
                    ));
                    continue;
                }
            };
            if name.starts_with('.') {
                continue;
            }
            // The entry's own type needs no system call; only links are followed.
            let (is_dir, is_file) = match entry.file_type() {
                Ok(t) if !t.is_symlink() => (t.is_dir(), t.is_file()),
                _ => {
                    let path = dir.join(&name);
                    match fs::metadata(&path) {
                        Ok(m) => (m.is_dir(), m.is_file()),
                        Err(e) => {
                            let rel_path = join(rel, &name);
                            self.warnings.push(link_warning(&path, rel_path, &e));
                            continue;
                        }
                    }
                }
            };
            names.push((name, is_dir, is_file));
        }
        names.sort_unstable_by(|a, b| entry_order(&a.0, a.1, &b.0, b.1));
        for (name, is_dir, is_file) in names {
            let path = dir.join(&name);
            let rel_path = join(rel, &name);
            if is_dir {
                let canon = fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
                if ancestors.contains(&canon) {
                    self.warnings.push(Warning::new(
                        rel_path,
                        None,
                        WarningKind::Link,
                        "symlink loop (the folder contains itself); skipped",
                    ));
                    continue;
                }
                if let Some(rules) = self.rules
                    && rules.is_ignored(&format!("{rel_path}/"))
                    && rules.is_ignored(&rel_path)
                {
                    continue;
                }
                ancestors.push(canon);
                self.dir(&path, &rel_path, ancestors);
                ancestors.pop();
            } else if is_file {
                match self.rules {
                    None => (self.found)(rel_path, path),
                    // `x.md`, lower case as before (`Path::extension` without its cost).
                    Some(rules) if name.len() > 3 && name.as_bytes().ends_with(b".md") => {
                        if rules.is_ignored(&rel_path) {
                            self.ignored.push(rel_path);
                        } else {
                            (self.found)(rel_path, path);
                        }
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

/// How two entries of a folder sort: a folder as its name and `/`, so that
/// the walk visits paths in the order their bytes compare.
fn entry_order(a: &str, a_dir: bool, b: &str, b_dir: bool) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len().min(b.len());
    // The common length compared at once; what is left (the rest of the
    // longer name, a folder's `/`) byte by byte.
    a[..n].cmp(&b[..n]).then_with(|| {
        let a_rest = a[n..].iter().chain(a_dir.then_some(&b'/'));
        a_rest.cmp(b[n..].iter().chain(b_dir.then_some(&b'/')))
    })
}

fn join(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        return name.to_owned();
    }
    let mut s = String::with_capacity(rel.len() + 1 + name.len());
    s.push_str(rel);
    s.push('/');
    s.push_str(name);
    s
}

/// The warning for an entry whose type cannot be read: a broken link, a
/// link loop, or a file that cannot be read.
fn link_warning(path: &Path, rel_path: String, e: &std::io::Error) -> Warning {
    let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let (kind, message) = if is_link && e.raw_os_error() == Some(40) {
        (WarningKind::Link, "symlink loop; skipped".to_owned())
    } else if is_link {
        (WarningKind::Link, format!("broken symlink ({e}); skipped"))
    } else {
        (WarningKind::Unreadable, format!("cannot read: {e}"))
    };
    Warning::new(rel_path, None, kind, message)
}

/// Every file below `root` (vault-relative, `/`-separated, in path order),
/// skipping dot-folders and dot-files but applying no ignore rule: what a
/// note's embeds can name.
#[must_use]
pub fn files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let (mut warnings, mut ignored) = (Vec::new(), Vec::new());
    Walk { rules: None, found: &mut |rel, _| out.push(rel), warnings: &mut warnings, ignored: &mut ignored }
        .run(root);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    fn touch(root: &Path, rel: &str) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, "x").expect("write");
    }

    #[test]
    fn notes_come_in_path_byte_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let names = [
            "a/x.md",
            "a b/x.md",
            "a.md",
            "a-b.md",
            "a-b/c.md",
            "ab/x.md",
            "a/b/c.md",
            "a/b.md",
            "Z.md",
            "é.md",
            "a!/y.md",
            "a/.hidden.md",
            ".obsidian/x.md",
            "a/img.png",
        ];
        for n in names {
            touch(dir.path(), n);
        }
        let rules = IgnoreRules::new(&Settings::default());
        let mut seen = Vec::new();
        let (mut w, mut i) = (Vec::new(), Vec::new());
        Walk { rules: Some(&rules), found: &mut |rel, _| seen.push(rel), warnings: &mut w, ignored: &mut i }
            .run(dir.path());
        let mut sorted: Vec<String> = names
            .iter()
            .filter(|n| {
                std::path::Path::new(n).extension().is_some_and(|e| e == "md")
                    && !n.contains("/.")
                    && !n.starts_with('.')
            })
            .map(|n| (*n).to_owned())
            .collect();
        sorted.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        assert_eq!(seen, sorted);
        assert!(seen.iter().position(|p| p == "a b/x.md") < seen.iter().position(|p| p == "a/x.md"));

        let all = files(dir.path());
        assert!(all.contains(&"a/img.png".to_owned()));
        assert!(!all.iter().any(|p| p.contains(".obsidian") || p.contains(".hidden")));
        assert!(all.windows(2).all(|w| w[0].as_bytes() < w[1].as_bytes()));
    }
}
