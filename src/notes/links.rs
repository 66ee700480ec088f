//! A note's outgoing links, as Obsidian's `resolvedLinks` counts them, and
//! their resolution to notes of the vault (pure).
//!
//! [`outgoing`] reads the body (front matter excluded) outside fenced code
//! and inline code: wikilinks `[[x]]`, `[[x|alias]]`, `[[x#heading]]`,
//! `[[x#^block]]`, `[[x\|alias]]` (the table form), embeds `![[x]]`, and
//! markdown links `[t](path.md)` / `[t](<path with spaces.md>)`, URL-decoded.
//! Links to the note's own headings (`[[#h]]`) and external URLs are not
//! links to notes. Each link gives its link path: the target without the
//! heading or block part.
//!
//! [`Resolver`] finds the note a link path names, case-insensitively, with
//! `.md` appended when missing, in this order: a path starting with `./` or
//! `../` is relative to the linking note's folder (and nothing else);
//! otherwise the exact vault path; else the path relative to the note's
//! folder; else, among the notes whose path ends with `/linkpath`, the one
//! in the note's own folder, else the one with the fewest folders, and of
//! those the first in path order (UTF-8 bytes). A link path that names no
//! note is unresolved and does not count.

use std::collections::HashMap;

use crate::parse::Note;
use crate::parse::lines::{code_spans, inside};
use crate::parse::tags::FenceState;

/// The link paths of a note's outgoing links, in text order, one per link
/// (a note linked three times appears three times).
#[must_use]
pub fn outgoing(note: &Note) -> Vec<String> {
    let body_from = note.frontmatter.as_ref().map_or(0, |f| f.end_line + 1);
    let mut fence = FenceState::default();
    let mut out = Vec::new();
    for i in body_from..note.lines.len() {
        let line = note.line(i);
        if fence.in_code(line) {
            continue;
        }
        if line.contains('[') {
            line_links(line, &mut out);
        }
    }
    out
}

/// Appends the link paths of one line (not in a code block).
pub fn line_links(line: &str, out: &mut Vec<String>) {
    let code = code_spans(line);
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'[' || inside(&code, i) {
            i += 1;
            continue;
        }
        if b.get(i + 1) == Some(&b'[') {
            match wikilink(line, i) {
                Some((end, path)) => {
                    out.extend(path);
                    i = end;
                }
                None => i += 2,
            }
            continue;
        }
        match markdown_link(line, i) {
            Some((end, path)) => {
                out.extend(path);
                i = end;
            }
            None => i += 1,
        }
    }
}

/// The wikilink opening at `at` (`[[`): where it ends and its link path
/// (`None` for a link to the note's own heading).
fn wikilink(line: &str, at: usize) -> Option<(usize, Option<String>)> {
    let inner_start = at + 2;
    let close = line[inner_start..].find("]]")? + inner_start;
    let inner = &line[inner_start..close];
    // `[[a [[b]]`: the link is the innermost one.
    if inner.contains("[[") {
        return None;
    }
    let target = inner.split('|').next().unwrap_or(inner);
    // In a table `|` is escaped: `[[x\|alias]]`.
    let target = target.strip_suffix('\\').unwrap_or(target);
    Some((close + 2, link_path(target)))
}

/// The markdown link whose text opens at `at` (`[`): where it ends and its
/// link path (`None` for URLs and same-note anchors).
fn markdown_link(line: &str, at: usize) -> Option<(usize, Option<String>)> {
    let b = line.as_bytes();
    // The link text: brackets nest.
    let mut depth = 0usize;
    let mut j = at;
    let text_end = loop {
        match b.get(j)? {
            b'\\' => j += 1,
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    break j;
                }
            }
            _ => {}
        }
        j += 1;
    };
    if b.get(text_end + 1) != Some(&b'(') {
        return None;
    }
    let dest_start = text_end + 2;
    let (dest, dest_end) = if b.get(dest_start) == Some(&b'<') {
        let close = line[dest_start + 1..].find('>')? + dest_start + 1;
        (&line[dest_start + 1..close], close + 1)
    } else {
        // Up to white space (a title may follow) or the `)` that closes.
        let mut parens = 0usize;
        let mut k = dest_start;
        let dest_end = loop {
            match b.get(k) {
                None => return None,
                Some(b' ' | b'\t') => break k,
                Some(b'(') => parens += 1,
                Some(b')') if parens == 0 => break k,
                Some(b')') => parens -= 1,
                _ => {}
            }
            k += 1;
        };
        (&line[dest_start..dest_end], dest_end)
    };
    let end = link_end(b, dest_end)?;
    if is_url(dest) {
        return Some((end, None));
    }
    Some((end, link_path(&percent_decode(dest))))
}

/// One past the `)` that closes a markdown link whose destination ends at
/// `at`: white space, an optional title (`"…"`, `'…'` or `(…)`), white
/// space, `)`. `None` when something else follows (`[t](a b.md)` is no link).
fn link_end(b: &[u8], at: usize) -> Option<usize> {
    let skip = |mut i: usize| {
        while matches!(b.get(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        i
    };
    let mut i = skip(at);
    if let Some(&open) = b.get(i).filter(|&&c| i > at && matches!(c, b'"' | b'\'' | b'(')) {
        let close = if open == b'(' { b')' } else { open };
        i += 1 + b[i + 1..].iter().position(|&c| c == close)? + 1;
        i = skip(i);
    }
    (b.get(i) == Some(&b')')).then_some(i + 1)
}

/// `scheme:` at the start (`https:`, `mailto:`, `obsidian:`): not a note.
fn is_url(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else { return false };
    let scheme = &dest[..colon];
    scheme.len() > 1
        && scheme.as_bytes()[0].is_ascii_alphabetic()
        && scheme.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'))
}

/// The link path of a link target: without `#heading` / `#^block`, trimmed;
/// `None` when nothing is left (a link to the note's own heading).
fn link_path(target: &str) -> Option<String> {
    let path = target.split('#').next().unwrap_or(target).trim();
    (!path.is_empty()).then(|| path.to_owned())
}

/// `%XX` sequences decoded as UTF-8; the text is kept as it is when they
/// do not decode (as `decodeURIComponent` fails and the link stays raw).
pub(crate) fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_owned();
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

/// Resolves link paths to the markdown notes of a vault.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    /// Every note path, sorted by bytes.
    paths: Vec<String>,
    /// Lower-cased path → index in `paths` (the first on a case clash).
    by_path: HashMap<String, usize>,
    /// Lower-cased file name → indices in `paths`, in path order.
    by_name: HashMap<String, Vec<usize>>,
}

impl Resolver {
    /// A resolver over these vault-relative note paths (`/` separators).
    #[must_use]
    pub fn new(paths: impl IntoIterator<Item = String>) -> Resolver {
        let mut paths: Vec<String> = paths.into_iter().collect();
        paths.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        paths.dedup();
        let mut by_path = HashMap::with_capacity(paths.len());
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::with_capacity(paths.len());
        for (i, p) in paths.iter().enumerate() {
            let lower = p.to_lowercase();
            let name = lower.rsplit('/').next().unwrap_or(&lower).to_owned();
            by_name.entry(name).or_default().push(i);
            by_path.entry(lower).or_insert(i);
        }
        Resolver { paths, by_path, by_name }
    }

    /// The note that `link` (a link path) in the note at `from` names.
    #[must_use]
    pub fn resolve(&self, from: &str, link: &str) -> Option<&str> {
        let mut want = link.to_lowercase();
        if std::path::Path::new(&want).extension().is_none_or(|e| e != "md") {
            want.push_str(".md");
        }
        let folder = crate::note_path::folder_or_root(from).to_lowercase();
        let exact = |p: &str| self.by_path.get(p).map(|&i| self.paths[i].as_str());
        if want.starts_with("./") || want.starts_with("../") {
            return exact(&normalise(&folder, &want)?);
        }
        let absolute = want.trim_start_matches('/');
        if let Some(p) = exact(absolute) {
            return Some(p);
        }
        if !folder.is_empty()
            && let Some(p) = exact(&format!("{folder}/{absolute}"))
        {
            return Some(p);
        }
        let name = absolute.rsplit('/').next().unwrap_or(absolute);
        let suffix = format!("/{absolute}");
        let candidates: Vec<usize> = self
            .by_name
            .get(name)?
            .iter()
            .copied()
            .filter(|&i| self.paths[i].to_lowercase().ends_with(&suffix))
            .collect();
        let in_folder = candidates.iter().copied().find(|&i| {
            let p = self.paths[i].to_lowercase();
            crate::note_path::folder_or_root(&p) == folder
        });
        let best = in_folder.or_else(|| candidates.iter().copied().min_by_key(|&i| depth(&self.paths[i])))?;
        Some(self.paths[best].as_str())
    }
}

/// The number of folders in a path.
fn depth(path: &str) -> usize {
    path.bytes().filter(|&b| b == b'/').count()
}

/// `folder` joined with a `./` or `../` path, with `.` and `..` resolved;
/// `None` when it climbs above the vault.
fn normalise(folder: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// A note's resolved outgoing links: each target once, in the order of its
/// first link, with the number of links to it (Obsidian's `resolvedLinks`).
#[must_use]
pub fn resolved(resolver: &Resolver, from: &str, links: &[String]) -> Vec<(String, u32)> {
    let mut out: Vec<(String, u32)> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    for link in links {
        let Some(target) = resolver.resolve(from, link) else { continue };
        if let Some(&i) = at.get(target) {
            out[i].1 += 1;
        } else {
            at.insert(target, out.len());
            out.push((target.to_owned(), 1));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(line: &str) -> Vec<String> {
        let mut out = Vec::new();
        line_links(line, &mut out);
        out
    }

    #[test]
    fn wikilinks_with_alias_heading_block_and_embed() {
        assert_eq!(
            links("See [[Raft]], [[Paxos|the paper]], [[Kafka#Storage]], [[Log#^b1]] and ![[Img]]."),
            vec!["Raft", "Paxos", "Kafka", "Log", "Img"]
        );
    }

    #[test]
    fn table_escaped_pipe() {
        assert_eq!(links("| a | [[Raft\\|consensus]] |"), vec!["Raft"]);
    }

    #[test]
    fn same_note_headings_are_not_links() {
        assert_eq!(links("Up to [[#Top]] or [[#^id|here]] or [x](#sec)"), Vec::<String>::new());
    }

    #[test]
    fn markdown_links_decoded_angle_and_title() {
        assert_eq!(
            links(
                "[a](../Systems/Log%20segments.md) [b](<New ideas/KRaft.md>) [c](Kafka.md \"title\") ![d](x.md#h)"
            ),
            vec!["../Systems/Log segments.md", "New ideas/KRaft.md", "Kafka.md", "x.md"]
        );
    }

    #[test]
    fn a_destination_with_a_space_is_no_link() {
        assert_eq!(
            links("[a](Log segments.md) [b](x.md 'title') [c](y.md (title)) [d](<z w.md> \"t\")"),
            vec!["x.md", "y.md", "z w.md"]
        );
    }

    #[test]
    fn external_urls_are_not_notes() {
        assert_eq!(
            links("[w](https://kafka.apache.org) [m](mailto:a@b.c) [o](obsidian://open?x) [n](Note.md)"),
            vec!["Note.md"]
        );
    }

    #[test]
    fn nothing_inside_inline_code() {
        assert_eq!(links("`[[Zookeeper]]` and [[Kafka]] and `[t](x.md)`"), vec!["Kafka"]);
    }

    #[test]
    fn brackets_that_are_no_links() {
        assert_eq!(links("[x] todo, [[unclosed, [a] (b), arr[0](1)"), vec!["1"]);
        assert_eq!(links("[[a [[b]]"), vec!["b"]);
    }

    fn note(text: &str) -> Note {
        let s = crate::settings::Settings::default();
        let clozes = crate::parse::cloze::Clozes::new(&s.cloze_patterns);
        let today = chrono::NaiveDate::from_ymd_opt(2024, 6, 20).expect("date");
        let opts = crate::parse::ParseOptions::at_noon(&s, &clozes, today);
        crate::parse::parse_note(text.to_owned(), None, &opts, false)
    }

    #[test]
    fn fenced_code_and_front_matter_are_skipped() {
        let n = note("---\nup: '[[Parent]]'\n---\n[[A]]\n```\n[[B]]\n```\n~~~md\n[[C]]\n~~~\n[[D]] [[A]]\n");
        assert_eq!(outgoing(&n), vec!["A", "D", "A"]);
    }

    fn resolver() -> Resolver {
        Resolver::new(
            [
                "Kafka.md",
                "Systems/Kafka.md",
                "Systems/Log segments.md",
                "New ideas/Index.md",
                "Archive/Old/Index.md",
                "Deep/er/still/Index.md",
                "a/Same.md",
                "b/Same.md",
                "Notes/v1.2.md",
                "Notes/Topic.md",
            ]
            .map(String::from),
        )
    }

    #[test]
    fn exact_vault_path_first() {
        let r = resolver();
        assert_eq!(r.resolve("Systems/Log segments.md", "Kafka"), Some("Kafka.md"));
        assert_eq!(r.resolve("x.md", "Systems/Kafka.md"), Some("Systems/Kafka.md"));
        assert_eq!(r.resolve("x.md", "/Systems/Kafka"), Some("Systems/Kafka.md"));
    }

    #[test]
    fn case_insensitive_and_md_appended() {
        let r = resolver();
        assert_eq!(r.resolve("x.md", "systems/KAFKA"), Some("Systems/Kafka.md"));
        assert_eq!(r.resolve("x.md", "Notes/v1.2"), Some("Notes/v1.2.md"));
        assert_eq!(r.resolve("x.md", "Notes/Topic.MD"), Some("Notes/Topic.md"));
    }

    #[test]
    fn dot_paths_are_relative_only() {
        let r = resolver();
        assert_eq!(
            r.resolve("New ideas/T.md", "../Systems/Log segments.md"),
            Some("Systems/Log segments.md")
        );
        assert_eq!(r.resolve("Systems/x.md", "./Kafka"), Some("Systems/Kafka.md"));
        // `./` never falls back to the vault root or a file name search.
        assert_eq!(r.resolve("Notes/x.md", "./Kafka"), None);
        assert_eq!(r.resolve("x.md", "../Kafka"), None);
    }

    #[test]
    fn relative_to_the_folder_before_a_name_search() {
        let r = resolver();
        assert_eq!(r.resolve("Systems/x.md", "Log segments"), Some("Systems/Log segments.md"));
        assert_eq!(r.resolve("Archive/y.md", "Old/Index"), Some("Archive/Old/Index.md"));
    }

    #[test]
    fn name_search_prefers_the_own_folder_then_the_fewest_folders() {
        let r = resolver();
        assert_eq!(r.resolve("New ideas/Index.md", "Index"), Some("New ideas/Index.md"));
        assert_eq!(r.resolve("Top.md", "Index"), Some("New ideas/Index.md"));
        assert_eq!(r.resolve("Top.md", "Old/Index"), Some("Archive/Old/Index.md"));
        assert_eq!(r.resolve("Top.md", "still/Index"), Some("Deep/er/still/Index.md"));
        // Equal depth: the first in path order.
        assert_eq!(r.resolve("Top.md", "Same"), Some("a/Same.md"));
    }

    #[test]
    fn unresolved_links_and_partial_names() {
        let r = resolver();
        assert_eq!(r.resolve("x.md", "Nowhere"), None);
        // A suffix must start at a folder boundary.
        assert_eq!(r.resolve("x.md", "ame"), None);
        assert_eq!(r.resolve("x.md", "image.png"), None);
    }

    #[test]
    fn resolved_counts_in_first_link_order() {
        let r = resolver();
        let links: Vec<String> =
            ["Log segments", "Kafka", "Nowhere", "Systems/Log segments.md", "Log segments"]
                .map(String::from)
                .to_vec();
        assert_eq!(
            resolved(&r, "Systems/K.md", &links),
            vec![("Systems/Log segments.md".to_owned(), 3), ("Kafka.md".to_owned(), 1)]
        );
    }
}
