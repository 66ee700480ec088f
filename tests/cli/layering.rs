//! The import direction and the clock rule, read from the sources: the core
//! (everything but the commands, the terminal UI and the entry files) never
//! imports `crate::cmd` or `crate::tui`, and never reads the clock — times
//! are arguments, handed down from the commands (`src/clock.rs`).

use std::path::{Path, PathBuf};

use crate::util::repo;

/// Every `.rs` file under `dir`, as paths relative to `src/`.
fn sources(dir: &Path, rel: &str, out: &mut Vec<(String, PathBuf)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("read src").flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let name = e.file_name().to_string_lossy().into_owned();
        let child = if rel.is_empty() { name.clone() } else { format!("{rel}/{name}") };
        if e.path().is_dir() {
            sources(&e.path(), &child, out);
        } else if Path::new(&name).extension().is_some_and(|e| e == "rs") {
            out.push((child, e.path()));
        }
    }
}

/// The core's files: not under `cmd/` or `tui/`, not an entry file.
fn core_files() -> Vec<(String, String)> {
    let mut all = Vec::new();
    sources(&repo().join("src"), "", &mut all);
    assert!(all.len() > 50, "the sources were not found: {all:?}");
    all.into_iter()
        .filter(|(rel, _)| {
            !(rel.starts_with("cmd/")
                || rel.starts_with("tui/")
                || ["cli.rs", "lib.rs", "main.rs"].contains(&rel.as_str()))
        })
        .map(|(rel, path)| (rel, std::fs::read_to_string(path).expect("read source")))
        .collect()
}

/// The code of a file before its first `#[cfg(test)]` (tests may do as
/// they like), without `//` comments.
fn code(text: &str) -> Vec<(usize, &str)> {
    text.lines()
        .enumerate()
        .take_while(|(_, l)| l.trim() != "#[cfg(test)]")
        .map(|(i, l)| (i + 1, l.split("//").next().unwrap_or("")))
        .collect()
}

#[test]
fn no_core_module_imports_the_commands_or_the_terminal_ui() {
    let mut found = Vec::new();
    for (rel, text) in core_files() {
        if rel.ends_with("tests.rs") {
            continue;
        }
        for (n, line) in code(&text) {
            let l = line.replace(' ', "");
            let bad =
                ["crate::cmd", "crate::tui", "crate::{cmd", "crate::{tui"].iter().any(|p| l.contains(p))
                    || (l.contains("crate::{") && (l.contains(",cmd") || l.contains(",tui")));
            if bad {
                found.push(format!("src/{rel}:{n}: {}", line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "core modules reaching up into cmd or tui:\n{}", found.join("\n"));
}

#[test]
fn nothing_below_the_commands_reads_the_clock() {
    let mut found = Vec::new();
    for (rel, text) in core_files() {
        if rel == "clock.rs" || rel.ends_with("tests.rs") {
            continue;
        }
        for (n, line) in code(&text) {
            if ["Local::now", "Utc::now", "Instant::now", "SystemTime::now"].iter().any(|p| line.contains(p))
            {
                found.push(format!("src/{rel}:{n}: {}", line.trim()));
            }
        }
    }
    assert!(found.is_empty(), "the core reads the clock (pass the time in instead):\n{}", found.join("\n"));
}

/// The checks above catch what they say: a planted import and clock read
/// are found.
#[test]
fn the_checks_see_a_planted_violation() {
    let planted = "use crate::cmd::grade;\nfn f() { let t = chrono::Utc::now(); }\n#[cfg(test)]\nmod tests { use crate::tui; }\n";
    let lines = code(planted);
    assert_eq!(lines.len(), 2);
    assert!(lines[0].1.contains("crate::cmd"));
    assert!(lines[1].1.contains("Utc::now"));
}
