//! The plugin conformance corpus (tests/conformance, copied from the shared
//! corpus): every case's cards.json and notes.json, every grades.jsonl line
//! (cards and notes) and every scheduling vector, against the real binary,
//! the way tests/conformance/check.py checks them.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{Recall, copy_dir, repo};

fn corpus() -> PathBuf {
    repo().join("tests/conformance")
}

fn cases() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(corpus().join("cases"))
        .expect("cases")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("case.json").is_file())
        .collect();
    v.sort();
    assert!(v.len() >= 42, "the corpus is incomplete: {} cases", v.len());
    v
}

fn today_of(case: &Path) -> String {
    let meta: Value = serde_json::from_str(&fs::read_to_string(case.join("case.json")).expect("case.json"))
        .expect("case.json is JSON");
    meta["today"].as_str().expect("today").to_owned()
}

/// check.py's normalisation: front/back trimmed, decks as a sorted set.
fn normalise(card: &Value) -> BTreeMap<String, Value> {
    let mut m = BTreeMap::new();
    for f in ["end_line", "kind", "due", "interval", "ease", "state"] {
        m.insert(f.to_owned(), card[f].clone());
    }
    for f in ["front", "back"] {
        m.insert(f.to_owned(), Value::String(card[f].as_str().unwrap_or("<missing>").trim().to_owned()));
    }
    let mut decks: Vec<String> = card["decks"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    decks.sort();
    decks.dedup();
    m.insert("decks".into(), Value::from(decks));
    m
}

fn key(card: &Value) -> (String, u64, u64) {
    (
        card["path"].as_str().unwrap_or_default().to_owned(),
        card["line"].as_u64().unwrap_or(0),
        card["sibling"].as_u64().unwrap_or(0),
    )
}

fn check_cards(case: &Path) -> Vec<String> {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&case.join("vault"), tmp.path());
    let run = Recall::new().vault(tmp.path()).today(&today_of(case)).args(["cards", "--json"]).run();
    let got = run.json();
    let want: Value = serde_json::from_str(&fs::read_to_string(case.join("cards.json")).expect("cards.json"))
        .expect("cards.json is JSON");
    let got: BTreeMap<_, _> = got.as_array().expect("array").iter().map(|c| (key(c), normalise(c))).collect();
    let want: BTreeMap<_, _> =
        want.as_array().expect("array").iter().map(|c| (key(c), normalise(c))).collect();
    let mut problems = Vec::new();
    for (k, w) in &want {
        match got.get(k) {
            None => problems.push(format!("missing {k:?}")),
            Some(g) if g != w => problems.push(format!("{k:?}: expected {w:?}, got {g:?}")),
            Some(_) => {}
        }
    }
    for k in got.keys().filter(|k| !want.contains_key(*k)) {
        problems.push(format!("unexpected {k:?}"));
    }
    problems
}

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in fs::read_dir(dir).expect("dir").flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("prefix").to_string_lossy().replace('\\', "/");
                out.insert(rel, fs::read(&p).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn check_grade(case: &Path, g: &Value) -> Vec<String> {
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&case.join("vault"), tmp.path());
    let before = files(tmp.path());
    let path = g["path"].as_str().expect("path");
    // A note review names the note alone.
    let target = if g["note"] == Value::Bool(true) {
        path.to_owned()
    } else {
        format!("{}:{}#{}", path, g["line"], g["sibling"])
    };
    let response = g["response"].as_str().expect("response");
    let run = Recall::new()
        .vault(tmp.path())
        .today(g["today"].as_str().expect("today"))
        .args(["grade", &target, response])
        .run();
    if !run.output.status.success() {
        return vec![format!("grade {target} {response} failed: {}", run.stderr())];
    }
    let after = files(tmp.path());
    let expected = fs::read(case.join(g["expected"].as_str().expect("expected"))).expect("expected file");
    let mut problems = Vec::new();
    if after.get(path) != Some(&expected) {
        problems.push(format!(
            "{target} {response}: {path} differs from {}:\n--- expected\n{}\n--- got\n{}",
            g["expected"],
            String::from_utf8_lossy(&expected),
            after.get(path).map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default()
        ));
    }
    for (p, bytes) in &before {
        if p != path && after.get(p) != Some(bytes) {
            problems.push(format!("{target}: another file changed: {p}"));
        }
    }
    problems
}

/// check.py's note-queue comparison: the whole array in order, on these
/// fields, JSON types included (`10` is not `10.0`).
fn check_notes(case: &Path) -> Vec<String> {
    const FIELDS: [&str; 6] = ["deck", "path", "due", "interval", "ease", "state"];
    let tmp = tempfile::tempdir().expect("tempdir");
    copy_dir(&case.join("vault"), tmp.path());
    let got = Recall::new().vault(tmp.path()).today(&today_of(case)).args(["notes", "--json"]).run().json();
    let want: Value = serde_json::from_str(&fs::read_to_string(case.join("notes.json")).expect("notes.json"))
        .expect("notes.json is JSON");
    let rows = |v: &Value| -> Vec<Vec<Value>> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|n| {
                FIELDS
                    .iter()
                    .map(|f| n.get(*f).cloned().unwrap_or(Value::String("<missing>".into())))
                    .collect()
            })
            .collect()
    };
    let (got, want) = (rows(&got), rows(&want));
    if got == want {
        return Vec::new();
    }
    let mut problems = vec![format!("queue differs ({} expected, {} got):", want.len(), got.len())];
    for i in 0..want.len().max(got.len()) {
        if want.get(i) != got.get(i) {
            problems.push(format!("  #{i}: expected {:?}, got {:?}", want.get(i), got.get(i)));
        }
    }
    problems
}

#[test]
fn every_note_queue_is_the_plugins() {
    let mut failures = Vec::new();
    let mut count = 0;
    for case in cases().into_iter().filter(|c| c.join("notes.json").is_file()) {
        count += 1;
        for p in check_notes(&case) {
            failures.push(format!("{}: {p}", case.display()));
        }
    }
    assert!(count >= 3, "only {count} notes.json found");
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_case_lists_the_plugins_cards() {
    let mut failures = Vec::new();
    for case in cases() {
        for p in check_cards(&case) {
            failures.push(format!("{}: {p}", case.display()));
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_grade_writes_the_expected_bytes() {
    let mut failures = Vec::new();
    let mut count = 0;
    let mut notes = 0;
    for case in cases() {
        let Ok(text) = fs::read_to_string(case.join("grades.jsonl")) else {
            continue;
        };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let g: Value = serde_json::from_str(line).expect("grade line");
            count += 1;
            notes += usize::from(g["note"] == Value::Bool(true));
            for p in check_grade(&case, &g) {
                failures.push(format!("{}: {p}", case.display()));
            }
        }
    }
    assert!(count >= 100, "only {count} grade lines found");
    assert!(notes >= 25, "only {notes} note review lines found");
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

/// Pipes every vector of `file` through `recall schedule --json` (as
/// check.py does) and compares the segment, and the button labels where the
/// vector has them.
fn check_vectors(file: &str, expected_count: usize) {
    let text = fs::read_to_string(corpus().join(file)).expect("vector file");
    let vectors: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let mut input = String::new();
    for v in &vectors {
        let mut obj = serde_json::Map::new();
        for k in ["comment", "sibling", "response", "today", "settings", "histogram", "now"] {
            if let Some(x) = v.get(k) {
                obj.insert(k.to_owned(), x.clone());
            }
        }
        input.push_str(&Value::Object(obj).to_string());
        input.push('\n');
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let run = Recall::new()
        .vault(tmp.path())
        .today("2024-01-01")
        .args(["schedule", "--json"])
        .stdin(input.as_bytes())
        .run();
    let out = run.ok();
    let lines: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), vectors.len());
    let mut failures = Vec::new();
    for (i, (v, l)) in vectors.iter().zip(&lines).enumerate() {
        let got: Value = serde_json::from_str(l).expect("output JSON");
        if got["segment"] != v["expected"] {
            failures.push(format!("line {}: expected {}, got {}", i + 1, v["expected"], got));
        } else if v.get("intervals").is_some() && got["intervals"] != v["intervals"] {
            failures.push(format!(
                "line {}: intervals: expected {}, got {}",
                i + 1,
                v["intervals"],
                got["intervals"]
            ));
        }
    }
    assert_eq!(vectors.len(), expected_count);
    assert!(failures.is_empty(), "{} vectors failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_scheduling_vector_gives_the_plugins_segment() {
    check_vectors("schedule.jsonl", 400);
}

#[test]
fn every_fsrs_vector_gives_the_plugins_segment_and_buttons() {
    check_vectors("schedule-fsrs.jsonl", 191);
}
