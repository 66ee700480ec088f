//! `recall export`: every format, imported into the real Anki where Anki can
//! read it (`tests/anki/import_check.py` with the `anki` package of the venv
//! that `scripts/test-deps.sh` makes), parsed back where it is CSV or JSON.
//!
//! Without that venv the Anki checks print why they skip; under `CI=true`
//! they fail instead.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::util::{Recall, TestVault, repo, skip_without};

const TODAY: &str = "2026-11-28";

/// A small PNG (1×1, valid) and an "mp3" (Anki does not look inside).
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa75\x81\x84\0\0\0\0IEND\xaeB`\x82";
const MP3: &[u8] = b"ID3\x03\0\0\0\0\0\0fake audio";

const PRODUCER: &str = r"---
tags: [flashcards/kafka/producer, study/kafka]
---
# Producer
#cafÃ©

Is KafkaProducer thread-safe?::Yes, a [[Kafka/Producers/Producer\|Producer]] can be shared
<!--SR:!2026-12-26,44,290-->
ISR:::in-sync replicas
<!--SR:!2026-11-27,20,250!2026-11-30,21,250-->
A producer is ==idempotent;;property== when `enable.idempotence=true`.
<!--SR:!2026-11-20,13,230-->

==1;;acks== and ==2;;retries== then ==1;;linger.ms==

What does send() return?
?
A `Future<RecordMetadata>`:
- call `get()` to wait
- or pass a callback
```java
producer.send(record).get();
```

The batching diagram::![[batching.png|200]]
Wire format:::![](img/wire%20format.png)
";

/// A question in two decks, and an overlapping cloze with audio.
const MULTI: &str =
    "---\ntags: [flashcards/kafka/exam, flashcards/kafka/producer]\n---\nTwo decks?::the first one wins\n";
const OVERLAP: &str = "#flashcards/kafka/streams\n\n==as;;poll()== then ==sa;;commitSync()== and ==h;;close()== in ==aa;;one thread==\n\nListen::![[talk.mp3]]\n";

fn kafka_vault() -> TestVault {
    let v = TestVault::new();
    v.file(".obsidian/app.json", "{}")
        .file("Kafka/Producer.md", PRODUCER)
        .file("Kafka/Multi.md", MULTI)
        .file("Streams/Overlap.md", OVERLAP)
        .file("attachments/deep/batching.png", PNG)
        .file("Kafka/img/wire format.png", PNG)
        .file("talk.mp3", MP3);
    v
}

/// Runs `recall export` into `out` (outside the vault); returns stdout.
fn export(v: &TestVault, out: &Path, extra: &[&str]) -> String {
    let o = out.to_string_lossy().into_owned();
    let mut args = vec!["export", "-o", o.as_str()];
    args.extend_from_slice(extra);
    v.run(TODAY, &args).ok()
}

/// The python of the Anki venv, or why there is none.
pub(crate) fn anki_python() -> Result<PathBuf, String> {
    if let Some(p) = std::env::var_os("RECALL_ANKI_PYTHON") {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!("RECALL_ANKI_PYTHON={} is not a file", p.display()))
        };
    }
    let p = repo().join(".venv-anki/bin/python");
    if p.is_file() {
        Ok(p)
    } else {
        Err(format!("{} is missing (run `bash scripts/test-deps.sh`)", p.display()))
    }
}

/// Imports `steps` (`apkg:FILE`, `apkg-sched:FILE`, `txt:FILE`) into the
/// collection in `col` with the real Anki and returns what it then holds;
/// `None`, after saying why, when Anki is not installed.
fn anki(col: &Path, steps: &[String]) -> Option<Value> {
    let python = match anki_python() {
        Ok(p) => p,
        Err(why) => {
            skip_without("the anki Python package, to import into real Anki", &why);
            return None;
        }
    };
    let out = Command::new(&python)
        .arg(repo().join("tests/anki/import_check.py"))
        .arg(col.join("collection.anki2"))
        .args(steps)
        .env("TZ", "UTC")
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "import_check.py failed ({:?}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("JSON from import_check.py"))
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().expect("array")
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// The note whose first field (Front or Text) contains `text`.
fn note<'a>(anki: &'a Value, text: &str) -> &'a Value {
    arr(&anki["notes"])
        .iter()
        .find(|n| s(&n["fields"]["Front"]).contains(text) || s(&n["fields"]["Text"]).contains(text))
        .unwrap_or_else(|| panic!("no note with {text:?}"))
}

fn cards_of<'a>(anki: &'a Value, note: &Value) -> Vec<&'a Value> {
    arr(&anki["cards"]).iter().filter(|c| c["nid"] == note["id"]).collect()
}

fn tags(note: &Value) -> BTreeSet<String> {
    arr(&note["tags"]).iter().map(|t| s(t).to_owned()).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn apkg_imports_into_anki_with_every_note_type_tags_and_media() {
    let v = kafka_vault();
    let out = tempfile::tempdir().expect("tempdir");
    let apkg = out.path().join("kafka.apkg");
    let said = export(&v, &apkg, &[]);
    assert_eq!(
        said.trim(),
        format!("exported 14 cards (10 notes, 5 decks, 3 media files) to {}", apkg.display())
    );
    let Some(a) = anki(out.path(), &[format!("apkg:{}", apkg.display())]) else { return };

    let log = &anki_log(&a, 0);
    assert_eq!(
        (log["new"].as_u64(), log["updated"].as_u64(), log["conflicting"].as_u64()),
        (Some(10), Some(0), Some(0))
    );
    assert_eq!(arr(&a["notes"]).len(), 10);
    assert_eq!(arr(&a["cards"]).len(), 14);
    let decks: BTreeSet<String> = arr(&a["decks"]).iter().map(|d| s(d).to_owned()).collect();
    for d in [
        "flashcards",
        "flashcards::kafka",
        "flashcards::kafka::producer",
        "flashcards::kafka::exam",
        "flashcards::kafka::streams",
    ] {
        assert!(decks.contains(d), "{d} missing from {decks:?}");
    }
    assert!(arr(&a["notetypes"]).iter().any(|t| t == "recall Cloze"));

    // Basic: wikilink alias, tags (mojibake repaired, nesting as ::).
    let basic = note(&a, "Is KafkaProducer thread-safe?");
    assert_eq!(basic["notetype"], "recall Basic");
    assert_eq!(basic["fields"]["Back"], "Yes, a Producer can be shared");
    assert!(s(&basic["fields"]["Source"]).contains("Kafka/Producer.md"));
    assert_eq!(tags(basic), set(&["café", "flashcards::kafka::producer", "study::kafka"]));
    let c = cards_of(&a, basic);
    assert_eq!(c.len(), 1);
    assert_eq!(c[0]["deck"], "flashcards::kafka::producer");
    assert_eq!(
        (c[0]["type"].as_i64(), c[0]["queue"].as_i64()),
        (Some(0), Some(0)),
        "new without --with-scheduling"
    );

    // Basic (and reversed card): two cards.
    let reversed = note(&a, "ISR");
    assert_eq!(reversed["notetype"], "recall Basic (and reversed card)");
    assert_eq!(reversed["fields"]["Back"], "in-sync replicas");
    let ords: BTreeSet<i64> = cards_of(&a, reversed).iter().filter_map(|c| c["ord"].as_i64()).collect();
    assert_eq!(ords, BTreeSet::from([0, 1]));

    // Cloze: hint kept, code rendered; numbered groups keep their numbers.
    let cloze = note(&a, "A producer is");
    assert_eq!(cloze["notetype"], "recall Cloze");
    assert_eq!(
        cloze["fields"]["Text"],
        "A producer is {{c1::idempotent::property}} when <code>enable.idempotence=true</code>."
    );
    let q = s(&cards_of(&a, cloze)[0]["question"]);
    assert!(q.contains("[property]"), "hint shown on the front: {q}");
    let numbered = note(&a, "acks");
    assert_eq!(numbered["fields"]["Text"], "{{c1::acks}} and {{c2::retries}} then {{c1::linger.ms}}");
    assert_eq!(cards_of(&a, numbered).len(), 2);

    // Overlapping cloze: the ask positions become card numbers; Anki cannot
    // hide a deletion on a card without asking it, so `h` shows.
    let overlap = note(&a, "poll()");
    assert_eq!(
        overlap["fields"]["Text"],
        "{{c1::poll()}} then {{c2::commitSync()}} and close() in {{c1,2::one thread}}"
    );
    let mut overlap_cards = cards_of(&a, overlap);
    overlap_cards.sort_by_key(|c| c["ord"].as_i64());
    assert_eq!(overlap_cards.len(), 2);
    let q = s(&overlap_cards[1]["question"]);
    assert!(
        q.contains("poll()") && q.matches("[...]").count() == 2,
        "card 2 asks commitSync() and one thread: {q}"
    );

    // Multi-line with a list and code.
    let multi = note(&a, "What does send() return?");
    let back = s(&multi["fields"]["Back"]);
    assert!(back.contains("<li>call <code>get()</code> to wait</li>"), "{back}");
    assert!(back.contains("<pre><code class=\"language-java\">producer.send(record).get();"), "{back}");

    // Media: packed, referenced by name.
    assert_eq!(
        note(&a, "The batching diagram")["fields"]["Back"],
        "<img src=\"batching.png\" alt=\"\" width=\"200\">"
    );
    assert_eq!(note(&a, "Wire format")["fields"]["Back"], "<img src=\"wire format.png\" alt=\"\">");
    assert_eq!(note(&a, "Listen")["fields"]["Back"], "[sound:talk.mp3]");
    let media = a["media"].as_object().expect("media");
    assert_eq!(media.get("batching.png").and_then(Value::as_u64), Some(PNG.len() as u64));
    assert_eq!(media.get("wire format.png").and_then(Value::as_u64), Some(PNG.len() as u64));
    assert_eq!(media.get("talk.mp3").and_then(Value::as_u64), Some(MP3.len() as u64));

    // A question in two decks goes to the first.
    let two = note(&a, "Two decks?");
    assert_eq!(cards_of(&a, two)[0]["deck"], "flashcards::kafka::exam");
}

fn anki_log(a: &Value, i: usize) -> Value {
    arr(&a["imports"])[i].clone()
}

#[test]
fn apkg_with_scheduling_carries_due_interval_and_ease() {
    let v = kafka_vault();
    let out = tempfile::tempdir().expect("tempdir");
    let apkg = out.path().join("kafka.apkg");
    let said = export(&v, &apkg, &["--with-scheduling"]);
    assert!(said.contains(", 4 with scheduling)"), "{said}");
    let Some(a) = anki(out.path(), &[format!("apkg-sched:{}", apkg.display())]) else { return };
    let review = |c: &Value| (s(&c["due_date"]).to_owned(), c["ivl"].as_i64(), c["factor"].as_i64());
    let basic = note(&a, "Is KafkaProducer thread-safe?");
    let c = cards_of(&a, basic);
    assert_eq!((c[0]["type"].as_i64(), c[0]["queue"].as_i64()), (Some(2), Some(2)));
    assert_eq!(review(c[0]), ("2026-12-26".into(), Some(44), Some(2900)));
    let mut isr: Vec<&Value> = cards_of(&a, note(&a, "ISR"));
    isr.sort_by_key(|c| c["ord"].as_i64());
    assert_eq!(review(isr[0]), ("2026-11-27".into(), Some(20), Some(2500)));
    assert_eq!(review(isr[1]), ("2026-11-30".into(), Some(21), Some(2500)));
    // Overdue on --today: still its own due date in Anki.
    assert_eq!(
        review(cards_of(&a, note(&a, "A producer is"))[0]),
        ("2026-11-20".into(), Some(13), Some(2300))
    );
    let new = arr(&a["cards"]).iter().filter(|c| c["type"] == 0).count();
    assert_eq!(new, 14 - 4, "cards never reviewed stay new");
}

/// Moves a file's mtime forward, as an edit a while later would.
fn touch_later(path: &Path, secs: u64) {
    let f = fs::File::options().write(true).open(path).expect("open");
    f.set_modified(SystemTime::now() + Duration::from_secs(secs)).expect("set mtime");
}

fn edit_vault(v: &TestVault) {
    let edited = PRODUCER
        .replace("can be shared", "can be shared by many threads")
        .replace("==idempotent;;property==", "==idempotent;;a producer setting==")
        .replace("ISR:::", "Leader epoch::fences zombie leaders\nISR:::");
    v.file("Kafka/Producer.md", edited);
    touch_later(&v.path("Kafka/Producer.md"), 60);
}

#[test]
fn reexporting_an_edited_vault_updates_notes_in_anki_instead_of_duplicating() {
    let v = kafka_vault();
    let out = tempfile::tempdir().expect("tempdir");
    let first = out.path().join("first.apkg");
    let second = out.path().join("second.apkg");
    export(&v, &first, &["--with-scheduling"]);
    edit_vault(&v);
    export(&v, &second, &["--with-scheduling"]);
    let steps = [format!("apkg-sched:{}", first.display()), format!("apkg-sched:{}", second.display())];
    let Some(a) = anki(out.path(), &steps) else { return };
    let log = anki_log(&a, 1);
    assert_eq!(log["new"], 1, "only the added question is new: {log}");
    assert_eq!(log["updated"], 7, "every note of the edited file is newer: {log}");
    assert_eq!(log["duplicate"], 3, "notes of unchanged files are left alone: {log}");
    assert_eq!(log["conflicting"], 0);
    assert_eq!(arr(&a["notes"]).len(), 11);
    assert_eq!(arr(&a["cards"]).len(), 15);
    let guids: BTreeSet<&str> = arr(&a["notes"]).iter().map(|n| s(&n["guid"])).collect();
    assert_eq!(guids.len(), 11, "no duplicate notes");
    let basic = note(&a, "Is KafkaProducer thread-safe?");
    assert_eq!(basic["fields"]["Back"], "Yes, a Producer can be shared by many threads");
    assert_eq!(
        note(&a, "A producer is")["fields"]["Text"],
        "A producer is {{c1::idempotent::a producer setting}} when <code>enable.idempotence=true</code>."
    );
    // Reviews continue: the existing cards keep their scheduling.
    assert_eq!(cards_of(&a, basic)[0]["due_date"], "2026-12-26");
}

#[test]
fn anki_text_imports_into_anki_and_updates_by_guid() {
    let v = kafka_vault();
    let out = tempfile::tempdir().expect("tempdir");
    let first = out.path().join("first.txt");
    let second = out.path().join("second.txt");
    let said = export(&v, &first, &[]);
    assert!(said.starts_with("exported 14 cards (10 notes)"), "{said}");
    let text = fs::read_to_string(&first).expect("read");
    let head: Vec<&str> = text.lines().take(7).collect();
    assert_eq!(
        head,
        [
            "#separator:tab",
            "#html:true",
            "#guid column:1",
            "#notetype column:2",
            "#deck column:3",
            "#tags column:6",
            "#if matches:update current"
        ]
    );
    edit_vault(&v);
    export(&v, &second, &[]);
    let steps = [format!("txt:{}", first.display()), format!("txt:{}", second.display())];
    let Some(a) = anki(out.path(), &steps) else { return };
    let log = anki_log(&a, 0);
    assert_eq!(log["new"], 10, "{log}");
    assert_eq!(log["missing_notetype"], 0);
    let log = anki_log(&a, 1);
    assert_eq!((log["new"].as_u64(), log["updated"].as_u64()), (Some(1), Some(2)), "{log}");
    assert_eq!(arr(&a["notes"]).len(), 11);
    assert_eq!(arr(&a["cards"]).len(), 15);
    let basic = note(&a, "Is KafkaProducer thread-safe?");
    assert_eq!(basic["notetype"], "Basic");
    assert_eq!(basic["fields"]["Back"], "Yes, a Producer can be shared by many threads");
    assert_eq!(tags(basic), set(&["café", "flashcards::kafka::producer", "study::kafka"]));
    assert_eq!(cards_of(&a, basic)[0]["deck"], "flashcards::kafka::producer");
    assert_eq!(note(&a, "ISR")["notetype"], "Basic (and reversed card)");
    let cloze = note(&a, "A producer is");
    assert_eq!(cloze["notetype"], "Cloze");
    assert_eq!(
        cloze["fields"]["Text"],
        "A producer is {{c1::idempotent::a producer setting}} when <code>enable.idempotence=true</code>."
    );
    assert!(
        s(&note(&a, "What does send() return?")["fields"]["Back"]).contains("<li>or pass a callback</li>")
    );
}

/// `cards --json` of a vault.
fn cards_json(vault: &Path) -> Vec<Value> {
    arr(&Recall::new().vault(vault).today(TODAY).args(["cards", "--json"]).run().json()).clone()
}

#[test]
fn the_sample_vault_exports_in_every_format_and_round_trips() {
    let vault = repo().join("notes");
    let before = crate::util::TestVault::snapshot_of(&vault);
    let out = tempfile::tempdir().expect("tempdir");
    let cards = cards_json(&vault);
    for (name, extra) in
        [("n.apkg", &["--with-scheduling"][..]), ("n.txt", &[]), ("n.csv", &[]), ("n.json", &[])]
    {
        let o = out.path().join(name).to_string_lossy().into_owned();
        let mut args = vec!["export", "-o", o.as_str()];
        args.extend_from_slice(extra);
        let said = Recall::new().vault(&vault).today(TODAY).args(&args).run().ok();
        assert!(said.starts_with(&format!("exported {} cards", cards.len())), "{said}");
    }
    assert!(before == crate::util::TestVault::snapshot_of(&vault), "export wrote into the vault");

    // CSV: one row per card, the same values as `cards --json`.
    let mut reader = csv::Reader::from_path(out.path().join("n.csv")).expect("csv");
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_owned).collect();
    assert_eq!(header, ["path", "line", "deck", "kind", "front", "back", "due", "interval", "ease", "state"]);
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("records");
    assert_eq!(rows.len(), cards.len());
    let text = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for (row, card) in rows.iter().zip(&cards) {
        let expected = [
            text(&card["path"]),
            text(&card["line"]),
            text(&card["decks"][0]),
            text(&card["kind"]),
            text(&card["front"]),
            text(&card["back"]),
            text(&card["due"]),
            text(&card["interval"]),
            text(&card["ease"]),
            text(&card["state"]),
        ];
        assert_eq!(row.iter().collect::<Vec<_>>(), expected.iter().map(String::as_str).collect::<Vec<_>>());
    }

    // JSON: the `cards --json` rows plus the note's tags.
    let json: Value =
        serde_json::from_str(&fs::read_to_string(out.path().join("n.json")).expect("json")).expect("parse");
    let json = arr(&json);
    assert_eq!(json.len(), cards.len());
    for (row, card) in json.iter().zip(&cards) {
        let mut without_tags = row.clone();
        let tags = without_tags.as_object_mut().and_then(|o| o.remove("tags")).expect("tags");
        assert_eq!(&without_tags, card);
        assert!(arr(&tags).iter().any(|t| s(t).starts_with("flashcards/kafka")), "{tags}");
    }

    // Anki: every card, and every reviewed card with its due date, interval and ease.
    let steps = [format!("apkg-sched:{}", out.path().join("n.apkg").display())];
    let Some(a) = anki(&out.path().join("apkg"), &steps) else { return };
    assert_eq!(arr(&a["cards"]).len(), cards.len());
    let expected: BTreeMap<(String, String, i64, i64), usize> =
        cards.iter().filter(|c| c["state"] != "new").fold(BTreeMap::new(), |mut m, c| {
            let deck = s(&c["decks"][0]).replace('/', "::");
            let key = (
                deck,
                s(&c["due"]).to_owned(),
                c["interval"].as_i64().unwrap_or(0),
                c["ease"].as_i64().unwrap_or(0) * 10,
            );
            *m.entry(key).or_default() += 1;
            m
        });
    let got: BTreeMap<(String, String, i64, i64), usize> =
        arr(&a["cards"]).iter().filter(|c| c["type"] == 2).fold(BTreeMap::new(), |mut m, c| {
            let key = (
                s(&c["deck"]).to_owned(),
                s(&c["due_date"]).to_owned(),
                c["ivl"].as_i64().unwrap_or(0),
                c["factor"].as_i64().unwrap_or(0),
            );
            *m.entry(key).or_default() += 1;
            m
        });
    assert_eq!(got, expected);
    let steps = [format!("txt:{}", out.path().join("n.txt").display())];
    let Some(t) = anki(&out.path().join("txt"), &steps) else { return };
    assert_eq!(arr(&t["cards"]).len(), cards.len());
    assert_eq!(arr(&t["notes"]).len(), arr(&a["notes"]).len());
}

#[test]
fn export_never_writes_notes_or_settings() {
    let v = kafka_vault();
    let before = v.snapshot();
    for target in ["Kafka/Export.md", ".obsidian/export.csv", ".recall/cards.json"] {
        let p = v.path(target).to_string_lossy().into_owned();
        let r = v.run(TODAY, &["export", "--format", "csv", "-o", &p]);
        assert_eq!(r.code(), Some(1), "{target}: {}", r.stderr());
        assert!(r.stderr().contains("export never writes notes or settings"), "{}", r.stderr());
    }
    assert!(v.snapshot() == before, "a refused export changed the vault");
    // Elsewhere in the vault is the user's explicit choice; only that file appears.
    fs::create_dir(v.path("exports")).expect("mkdir");
    let p = v.path("exports/kafka.apkg").to_string_lossy().into_owned();
    v.run(TODAY, &["export", "-o", &p]).ok();
    let after: Vec<String> = v.snapshot().into_iter().map(|(p, _)| p).collect();
    let mut expected: Vec<String> = before.into_iter().map(|(p, _)| p).collect();
    expected.push("exports/kafka.apkg".into());
    expected.sort();
    assert_eq!(after, expected, "no temp file left behind");
}

#[test]
fn export_usage_errors_exit_2() {
    let v = kafka_vault();
    let out = tempfile::tempdir().expect("tempdir");
    let txt = out.path().join("x.txt").to_string_lossy().into_owned();
    let unknown = out.path().join("x.zzz").to_string_lossy().into_owned();
    for (args, says) in [
        (vec!["export", "-o", txt.as_str(), "--with-scheduling"], "cannot carry scheduling"),
        (vec!["export", "-o", unknown.as_str()], "cannot tell the format"),
        (vec!["export", "-o", "-", "--format", "apkg"], "standard output"),
    ] {
        let r = v.run(TODAY, &args);
        assert_eq!(r.code(), Some(2), "{args:?}: {}", r.stderr());
        assert!(r.stderr().contains(says), "{}", r.stderr());
    }
    let apkg = out.path().join("x.apkg").to_string_lossy().into_owned();
    let r = v.run(TODAY, &["export", "-o", &apkg, "--deck", "flashcards/nothing"]);
    assert_eq!(r.code(), Some(1));
    assert!(r.stderr().contains("--deck flashcards/nothing: no such deck"), "{}", r.stderr());
    assert!(!out.path().join("x.apkg").exists());
}

#[test]
fn deck_filter_picks_the_matching_deck_of_a_multi_deck_question() {
    let v = kafka_vault();
    let r = v.run(TODAY, &["export", "--format", "json", "-o", "-", "--deck", "flashcards/kafka/producer"]);
    let rows = arr(&serde_json::from_str(&r.ok()).expect("json")).clone();
    assert_eq!(rows.len(), 11, "Producer.md's 10 cards and the two-deck question");
    let r = v.run(
        TODAY,
        &["export", "--format", "csv", "-o", "-", "--deck", "flashcards/kafka/producer", "Kafka/Multi.md"],
    );
    let csv = r.ok();
    assert!(
        csv.lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("Kafka/Multi.md,4,flashcards/kafka/producer,basic,")),
        "{csv}"
    );
}

#[test]
fn missing_media_is_a_warning_naming_the_note() {
    let v = kafka_vault();
    v.file("Kafka/Broken.md", "#flashcards/kafka\n\nWhere is it?::![[nowhere.png]]\n");
    let out = tempfile::tempdir().expect("tempdir");
    let apkg = out.path().join("k.apkg").to_string_lossy().into_owned();
    let r = v.run(TODAY, &["export", "-o", &apkg]);
    r.ok();
    assert!(
        r.stderr().contains("warning: Kafka/Broken.md: `nowhere.png` is not a file of the vault"),
        "{}",
        r.stderr()
    );
    let txt = out.path().join("k.txt").to_string_lossy().into_owned();
    let r = v.run(TODAY, &["export", "-o", &txt]);
    r.ok();
    assert!(r.stderr().contains("copy these 3 files into Anki's collection.media folder"), "{}", r.stderr());
}

#[test]
fn anki_accepts_the_export_of_every_conformance_vault() {
    let out = tempfile::tempdir().expect("tempdir");
    let mut cases: Vec<PathBuf> = fs::read_dir(repo().join("tests/conformance/cases"))
        .expect("cases")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("vault").is_dir())
        // Note-review cases may have no cards at all: nothing to export.
        .filter(|p| fs::read_to_string(p.join("cards.json")).is_ok_and(|c| c.trim() != "[]"))
        .collect();
    cases.sort();
    let (mut apkg, mut txt, mut notes) = (Vec::new(), Vec::new(), Vec::new());
    for case in &cases {
        let meta: Value =
            serde_json::from_str(&fs::read_to_string(case.join("case.json")).expect("case.json"))
                .expect("case.json");
        let today = s(&meta["today"]);
        let name = case.file_name().expect("name").to_string_lossy().into_owned();
        let vault = case.join("vault");
        let before = TestVault::snapshot_of(&vault);
        for ext in ["apkg", "txt"] {
            let o = out.path().join(format!("{name}.{ext}")).to_string_lossy().into_owned();
            let mut args = vec!["export", "-o", o.as_str()];
            if ext == "apkg" {
                args.push("--with-scheduling");
            }
            let said = Recall::new().vault(&vault).today(today).args(&args).run().ok();
            if ext == "apkg" {
                let n = said
                    .split(" (")
                    .nth(1)
                    .and_then(|r| r.split(' ').next())
                    .and_then(|n| n.parse::<u64>().ok());
                notes.push(n.unwrap_or_else(|| panic!("{name}: {said}")));
                apkg.push(format!("apkg-sched:{o}"));
            } else {
                txt.push(format!("txt:{o}"));
            }
        }
        assert!(before == TestVault::snapshot_of(&vault), "{name}: export wrote into the vault");
    }
    // One collection for all: a case's notes may already be there from another
    // case with the same note (same GUID), so new + duplicate counts them.
    let Some(a) = anki(&out.path().join("apkg"), &apkg) else { return };
    for (log, n) in arr(&a["imports"]).iter().zip(&notes) {
        let seen = log["new"].as_u64().unwrap_or(0) + log["duplicate"].as_u64().unwrap_or(0);
        assert_eq!((seen, log["conflicting"].as_u64()), (*n, Some(0)), "{log}");
    }
    let Some(t) = anki(&out.path().join("txt"), &txt) else { return };
    for (log, n) in arr(&t["imports"]).iter().zip(&notes) {
        // Anki's text import skips a note whose first field is empty (one
        // case has a card with an empty front).
        let seen: u64 = ["new", "duplicate", "updated", "empty_first_field"]
            .iter()
            .filter_map(|k| log[*k].as_u64())
            .sum();
        assert_eq!(
            (seen, log["missing_notetype"].as_u64(), log["missing_deck"].as_u64()),
            (*n, Some(0), Some(0)),
            "{log}"
        );
    }
}

/// An FSRS vault exported with scheduling: in real Anki its review cards
/// are due on the vault's days, with the vault's stability, difficulty,
/// reps and lapses as their FSRS memory state; an SM-2 card alongside keeps
/// its interval and ease and has no memory state.
#[test]
fn an_fsrs_vault_reaches_anki_with_its_memory_state() {
    let today = (chrono::Utc::now() - chrono::Duration::hours(4)).date_naive();
    let day = |n: i64| today + chrono::Duration::days(n);
    let at = |n: i64| format!("{}T09:00:00.000Z", day(n).format("%Y-%m-%d"));
    let v = TestVault::new();
    v.file(".obsidian/app.json", "{}").file(
        "k.md",
        format!(
            "#flashcards/kafka\n\nISR::in-sync replicas\n<!--SR:!fsrs,{},12,14.25,4.5,2,6,1,0,{}-->\n\n\
             acks::all\n<!--SR:!{},6,230-->\n",
            at(5),
            at(-7),
            day(3).format("%Y-%m-%d")
        ),
    );
    v.settings(r#"{"algorithm": "FSRS"}"#);
    let out = tempfile::tempdir().expect("tempdir");
    let pkg = out.path().join("k.apkg");
    let today_s = today.format("%Y-%m-%d").to_string();
    v.run(&today_s, &["export", "-o", &pkg.to_string_lossy(), "--with-scheduling"]).ok();
    let steps = [format!("apkg-sched:{}", pkg.display())];
    let Some(a) = anki(&out.path().join("col"), &steps) else { return };
    let cards = arr(&a["cards"]);
    assert_eq!(cards.len(), 2);
    let by_front = |front: &str| {
        cards.iter().find(|c| s(&c["question"]).contains(front)).unwrap_or_else(|| panic!("{front}: {a}"))
    };
    let isr = by_front("ISR");
    assert_eq!(isr["type"], 2, "{isr}");
    assert_eq!(isr["due_date"], day(5).format("%Y-%m-%d").to_string());
    assert_eq!(isr["ivl"], 12);
    assert_eq!((isr["reps"].as_i64(), isr["lapses"].as_i64()), (Some(6), Some(1)));
    let m = &isr["memory"];
    assert!((m["stability"].as_f64().expect("stability") - 14.25).abs() < 1e-3, "{m}");
    assert!((m["difficulty"].as_f64().expect("difficulty") - 4.5).abs() < 1e-3, "{m}");
    let acks = by_front("acks");
    assert_eq!(acks["due_date"], day(3).format("%Y-%m-%d").to_string());
    assert_eq!((acks["ivl"].as_i64(), acks["factor"].as_i64()), (Some(6), Some(2300)));
    assert!(acks["memory"].is_null(), "{acks}");
}
