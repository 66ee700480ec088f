//! `recall import` with the real Anki: recall's package reviewed by Anki's
//! own scheduler (`tests/anki/review_sim.py`), exported in every format,
//! imported back. Without the Anki venv these tests say why they skip;
//! under `CI=true` they fail instead.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

use crate::export::anki_python;
use crate::util::{Recall, TestVault, repo, skip_without};

/// Today as Anki counts it under `TZ=UTC` (the default 4 am rollover):
/// the vault's dates are relative to it, so the export and Anki's reviews
/// happen on the same day.
fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() - chrono::Duration::hours(4)).date_naive()
}

fn day(offset: i64) -> String {
    (today() + chrono::Duration::days(offset)).format("%Y-%m-%d").to_string()
}

fn producer() -> String {
    format!(
        "#flashcards/kafka\n\nQ01 Is KafkaProducer thread-safe?::Yes, share one\n<!--SR:!{},10,250-->\n\n\
         Q02 What does acks=all mean?::every in-sync replica acknowledges\n<!--SR:!{},6,230-->\n\n\
         Q03 ISR:::in-sync replicas\n<!--SR:!{},4,250!{},15,270-->\n\n\
         Q04 linger.ms::how long the producer waits to fill a batch\n\n\
         Q05 A producer is ==idempotent== when ==enable.idempotence== is set.\n\n\
         Q06 What does send() return?\n?\nA Future of RecordMetadata\n<!--SR:!{},3,250-->\n\n\
         Q09 batch.size::bytes per partition batch\n\nQ10 retries::how often a send is retried\n\n\
         Q11 What is a partition leader?::the broker that serves a partition\n",
        day(-5),
        day(3),
        day(-2),
        day(10),
        day(0)
    )
}

fn streams() -> String {
    format!(
        "---\ntags: [flashcards/kafka/streams]\n---\nQ07 KStream:::a stream of records\n\n\
         Q08 A consumer calls ==poll()==, then ==commitSync()==, then ==close()==.\n\n\
         Q12 KTable::a changelog as a table\n\nQ13 GlobalKTable:::a table replicated to every instance\n\n\
         Q14 State stores live in ==RocksDB== by default, backed by a ==changelog topic==.\n\n\
         Q15 What is exactly-once?::idempotence plus transactions\n<!--SR:!{},20,290-->\n",
        day(-1)
    )
}

/// The vault as it was exported (every test starts from a fresh copy).
fn vault() -> TestVault {
    let v = TestVault::new();
    v.file(".obsidian/app.json", "{}")
        .file("Kafka/Producer.md", producer())
        .file("Kafka/Streams.md", streams());
    v
}

/// The vault on FSRS (`algorithm: FSRS`; with a data.json the plugin's
/// cloze patterns must be given).
fn fsrs_vault() -> TestVault {
    let v = vault();
    v.settings(r#"{"algorithm": "FSRS", "clozePatterns": ["==[123;;]answer[;;hint]=="]}"#);
    v
}

/// The simulation's output and the folder with its packages.
struct Sim {
    anki: Value,
    dir: PathBuf,
    _keep: tempfile::TempDir,
}

/// Exports the vault, reviews it in Anki and exports it back, once per test
/// run; `None` (after saying why) without Anki.
fn sim() -> Option<&'static Sim> {
    static SIM: OnceLock<Option<Sim>> = OnceLock::new();
    SIM.get_or_init(|| run_sim(&vault(), false)).as_ref()
}

/// The same with FSRS on in Anki and in the vault.
fn sim_fsrs() -> Option<&'static Sim> {
    static SIM: OnceLock<Option<Sim>> = OnceLock::new();
    SIM.get_or_init(|| run_sim(&fsrs_vault(), true)).as_ref()
}

fn run_sim(v: &TestVault, fsrs: bool) -> Option<Sim> {
    {
        let python = match anki_python() {
            Ok(p) => p,
            Err(why) => {
                skip_without("the anki Python package, for the round trip through real Anki", &why);
                return None;
            }
        };
        let keep = tempfile::tempdir().expect("tempdir");
        let pkg = keep.path().join("recall.apkg");
        v.run(&day(0), &["export", "-o", &pkg.to_string_lossy(), "--with-scheduling"]).ok();
        let dir = keep.path().join("work");
        let out = Command::new(python)
            .arg(repo().join("tests/anki/review_sim.py"))
            .arg(&dir)
            .arg(&pkg)
            .args(fsrs.then_some("fsrs"))
            .env("TZ", "UTC")
            .output()
            .expect("run python");
        assert!(out.status.success(), "review_sim.py failed:\n{}", String::from_utf8_lossy(&out.stderr));
        let anki: Value = serde_json::from_slice(&out.stdout).expect("JSON from review_sim.py");
        Some(Sim { anki, dir, _keep: keep })
    }
}

fn cards(anki: &Value) -> &Vec<Value> {
    anki["cards"].as_array().expect("cards")
}

/// Marker (`Q07`) → (path, 1-based line) in the vault.
fn places(v: &TestVault) -> BTreeMap<String, (String, u64)> {
    let mut out = BTreeMap::new();
    for path in ["Kafka/Producer.md", "Kafka/Streams.md"] {
        for (i, line) in v.read_str(path).lines().enumerate() {
            if let Some(m) = line.split_whitespace().next().filter(|w| w.len() == 3 && w.starts_with('Q')) {
                out.insert(m.to_owned(), (path.to_owned(), i as u64 + 1));
            }
        }
    }
    out
}

/// `cards --json` as (path, line, sibling) → (due, interval, ease).
type Schedules = BTreeMap<(String, u64, u64), (Value, Value, Value)>;

fn schedules(v: &TestVault) -> Schedules {
    let rows = v.run(&day(0), &["cards", "--json"]).json();
    rows.as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let key = (
                r["path"].as_str().unwrap_or("").to_owned(),
                r["line"].as_u64().unwrap_or(0),
                r["sibling"].as_u64().unwrap_or(0),
            );
            (key, (r["due"].clone(), r["interval"].clone(), r["ease"].clone()))
        })
        .collect()
}

/// What Anki holds for a card, as the plugin writes it; `None` when the
/// import must leave the card alone.
fn expected(c: &Value) -> Option<(Value, Value, Value)> {
    let queue = c["queue"].as_i64().unwrap_or(0);
    if c["revlog"].as_array().is_none_or(Vec::is_empty) || matches!(queue, -3..=0) {
        return None;
    }
    let factor = c["factor"].as_i64().unwrap_or(0);
    let ease = |fallback: i64| Value::from(if factor > 0 { (factor + 5) / 10 } else { fallback });
    if queue == 2 {
        Some((c["due_date"].clone(), c["ivl"].clone(), ease(250)))
    } else {
        // (Re)learning: the plugin's Again that day.
        Some((c["last_review_day"].clone(), Value::from(0), ease(230)))
    }
}

/// The note text without schedule comments.
fn without_comments(text: &str) -> String {
    let re = regex::Regex::new(r"\n?<!--SR:[^\n]*?-->").expect("regex");
    re.replace_all(text, "").into_owned()
}

/// Anki review ids of the `import` answers in the vault's log.
fn imported_ids(v: &TestVault) -> Vec<i64> {
    let log = std::fs::read_to_string(v.path(".recall/reviews.jsonl")).unwrap_or_default();
    log.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|r| r["op"] == "import")
        .filter_map(|r| r["detail"].as_str()?.strip_prefix("anki review ")?.parse().ok())
        .collect()
}

fn package(sim: &Sim, name: &str) -> String {
    sim.dir.join(name).to_string_lossy().into_owned()
}

#[test]
fn the_simulation_covers_what_it_must() {
    let Some(sim) = sim() else { return };
    let cs = cards(&sim.anki);
    let answered: Vec<&Value> =
        cs.iter().filter(|c| !c["revlog"].as_array().is_none_or(Vec::is_empty)).collect();
    assert!(answered.len() >= 20, "{} cards answered", answered.len());
    assert_eq!(sim.anki["buttons"], serde_json::json!([1, 2, 3, 4]));
    for t in ["recall Basic", "recall Basic (and reversed card)", "recall Cloze"] {
        assert!(answered.iter().any(|c| c["notetype"] == t), "no {t} card answered");
    }
    let queues: BTreeSet<i64> = cs.iter().filter_map(|c| c["queue"].as_i64()).collect();
    for q in [-3, -1, 0, 1, 2] {
        assert!(queues.contains(&q), "no card in queue {q}: {queues:?}");
    }
    assert!(cs.iter().any(|c| c["type"] == 3), "no relearning card");
    assert!(cs.iter().any(|c| c["type"] == 1), "no learning card");
}

#[test]
fn every_format_brings_back_exactly_what_anki_holds() {
    let Some(sim) = sim() else { return };
    for name in ["current.apkg", "legacy.apkg", "anki2.apkg", "current.colpkg"] {
        let v = vault();
        let where_ = places(&v);
        let before = schedules(&v);
        let texts_before: Vec<String> =
            ["Kafka/Producer.md", "Kafka/Streams.md"].iter().map(|p| v.read_str(p)).collect();
        let out = v.run(&day(0), &["import", &package(sim, name), "--apply"]).ok();
        assert!(out.contains("15 notes and 22 cards matched"), "{name}: {out}");
        let after = schedules(&v);
        // Comments inserted move the questions below them: look them up again.
        let where_now = places(&v);
        let mut written = 0;
        for c in cards(&sim.anki) {
            let marker = c["marker"].as_str().expect("marker");
            let ord = c["ord"].as_u64().expect("ord");
            let key = |w: &BTreeMap<String, (String, u64)>| (w[marker].0.clone(), w[marker].1, ord);
            let got = &after[&key(&where_now)];
            match expected(c) {
                Some(want) => {
                    written += 1;
                    assert_eq!(*got, want, "{name}: {marker}#{ord} (Anki: {c})");
                }
                None => assert_eq!(
                    *got,
                    before[&key(&where_)],
                    "{name}: {marker}#{ord} must not change (Anki: {c})"
                ),
            }
        }
        assert!(written >= 15, "{name}: only {written} cards had something to bring back");
        // Nothing but schedule comments changed.
        for (p, old) in ["Kafka/Producer.md", "Kafka/Streams.md"].iter().zip(&texts_before) {
            assert_eq!(without_comments(&v.read_str(p)), without_comments(old), "{name}: {p}");
        }
        // The log gained exactly Anki's answers.
        let want: BTreeSet<i64> = cards(&sim.anki)
            .iter()
            .flat_map(|c| c["revlog"].as_array().into_iter().flatten())
            .filter(|r| (1..=4).contains(&r["ease"].as_i64().unwrap_or(0)))
            .filter_map(|r| r["id"].as_i64())
            .collect();
        let got = imported_ids(&v);
        assert_eq!(got.len(), want.len(), "{name}: no answer logged twice");
        assert_eq!(got.into_iter().collect::<BTreeSet<_>>(), want, "{name}");
        let stats = v.run(&day(0), &["stats", "--json"]).json();
        assert_eq!(stats["log"]["answers"].as_u64(), Some(want.len() as u64), "{name}: stats counts them");
        // A second import adds and changes nothing.
        let snap = v.snapshot();
        let again = v.run(&day(0), &["import", &package(sim, name), "--apply"]).ok();
        assert!(again.contains("0 schedules in 0 notes changed; 0 reviews added"), "{name}: {again}");
        assert_eq!(v.snapshot(), snap, "{name}: the second import wrote something");
    }
}

#[test]
fn a_card_graded_in_the_vault_after_anki_keeps_its_schedule() {
    let Some(sim) = sim() else { return };
    let v = vault();
    let where_ = places(&v);
    // Q15 was answered once in Anki; then graded in the vault.
    let (path, line) = where_["Q15"].clone();
    let card = format!("{path}:{line}");
    // Graded after Anki's last review (the simulation answers at the real
    // time, in milliseconds; a stamp taken now could fall in the same
    // second, before it): recall stamps the answer with the command's clock.
    let last_ms = cards(&sim.anki)
        .iter()
        .flat_map(|c| c["revlog"].as_array().into_iter().flatten())
        .filter_map(|r| r["id"].as_i64())
        .max()
        .expect("Anki reviewed something");
    let after = chrono::DateTime::from_timestamp(last_ms / 1000 + 2, 0).expect("time");
    let now = after.max(chrono::Utc::now()).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    Recall::new().vault(v.root()).now(&now).args(["grade", &card, "hard"]).run().ok();
    let graded = schedules(&v)[&(path.clone(), line, 0)].clone();
    let pkg = package(sim, "current.apkg");

    let dry = v.run(&day(0), &["import", &pkg, "--json"]).json();
    let conflicts = dry["conflicts"].as_array().expect("conflicts");
    assert_eq!(conflicts.len(), 1, "{dry}");
    assert_eq!(
        (conflicts[0]["path"].as_str(), conflicts[0]["line"].as_u64()),
        (Some(path.as_str()), Some(line))
    );
    assert_eq!(conflicts[0]["winner"], "vault");
    assert_eq!(conflicts[0]["vault_newer"], true);
    let forced = v.run(&day(0), &["import", &pkg, "--json", "--prefer", "anki"]).json();
    assert_eq!(forced["conflicts"][0]["winner"], "anki");
    let change = |j: &Value| {
        j["changes"]
            .as_array()
            .expect("changes")
            .iter()
            .any(|c| c["line"].as_u64() == Some(line) && c["path"] == path.as_str())
    };
    assert!(change(&forced) && !change(&dry));

    let out = v.run(&day(0), &["import", &pkg, "--apply"]).ok();
    assert!(out.contains("1 conflict"), "{out}");
    assert!(out.contains(&format!("{card}  Q15 What is exactly-once?")), "{out}");
    let (path_now, line_now) = places(&v)["Q15"].clone();
    assert_eq!(schedules(&v)[&(path_now, line_now, 0)], graded, "the vault's grade stays");
    // Its Anki answer is in the log all the same, and stays there once.
    let anki_q15 = cards(&sim.anki).iter().find(|c| c["marker"] == "Q15").expect("Q15");
    let id = anki_q15["revlog"][0]["id"].as_i64().expect("id");
    assert_eq!(imported_ids(&v).iter().filter(|&&i| i == id).count(), 1);
    let snap = v.snapshot();
    v.run(&day(0), &["import", &pkg, "--apply"]).ok();
    assert_eq!(v.snapshot(), snap);
}

#[test]
fn a_dry_run_writes_nothing_and_diff_shows_only_comments() {
    let Some(sim) = sim() else { return };
    let v = vault();
    let snap = v.snapshot();
    let out = v.run(&day(0), &["import", &package(sim, "legacy.apkg"), "--diff"]).ok();
    assert_eq!(v.snapshot(), snap);
    assert!(out.contains("Dry run: nothing was written"), "{out}");
    for line in out.lines().filter(|l| {
        (l.starts_with('+') || l.starts_with('-')) && !l.starts_with("+++") && !l.starts_with("---")
    }) {
        assert!(line[1..].starts_with("<!--SR:"), "a diff line that is not a schedule comment: {line}");
    }
}

/// The segment of sibling `ord` of the question marked `marker`, as written.
fn segment_of(v: &TestVault, path: &str, marker: &str, ord: usize) -> String {
    let text = v.read_str(path);
    let lines: Vec<&str> = text.lines().collect();
    let start = lines.iter().position(|l| l.starts_with(marker)).expect("marker");
    let comment = lines[start..]
        .iter()
        .take_while(|l| !l.trim().is_empty())
        .find_map(|l| l.split_once("<!--SR:").map(|(_, c)| c.split("-->").next().unwrap_or("")))
        .unwrap_or_else(|| panic!("{marker} has no schedule comment"));
    comment.split('!').skip(1).nth(ord).unwrap_or_else(|| panic!("{marker}#{ord}: {comment}")).to_owned()
}

fn iso(secs: i64) -> String {
    chrono::DateTime::from_timestamp(secs, 0).expect("time").format("%Y-%m-%dT%H:%M:%S.000Z").to_string()
}

#[test]
#[expect(clippy::float_cmp, reason = "the segment must hold exactly Anki's numbers")]
fn an_fsrs_vault_gets_anki_s_memory_state() {
    let Some(sim) = sim_fsrs() else { return };
    let v = fsrs_vault();
    let where_ = places(&v);
    v.run(&day(0), &["import", &package(sim, "current.apkg"), "--apply"]).ok();
    let mut checked = 0;
    for c in cards(&sim.anki) {
        let queue = c["queue"].as_i64().unwrap_or(0);
        if c["revlog"].as_array().is_none_or(Vec::is_empty) || matches!(queue, -3..=0) || c["s"].is_null() {
            continue;
        }
        let marker = c["marker"].as_str().expect("marker");
        let ord = c["ord"].as_u64().expect("ord") as usize;
        let seg = segment_of(&v, &where_[marker].0, marker, ord);
        let f: Vec<&str> = seg.split(',').collect();
        assert_eq!((f.len(), f[0]), (10, "fsrs"), "{marker}#{ord}: {seg}");
        let num = |i: usize| f[i].parse::<f64>().unwrap_or(f64::NAN);
        if queue == 2 {
            assert_eq!(&f[1][..10], c["due_date"].as_str().expect("due date"), "{marker}#{ord}: {seg}");
            assert_eq!(num(2), c["ivl"].as_f64().expect("ivl"), "{marker}#{ord}: {seg}");
        } else {
            assert_eq!(f[1], iso(c["due"].as_i64().expect("due")), "{marker}#{ord}: {seg}");
            assert_eq!(f[2], "0", "{marker}#{ord}: learning");
        }
        assert_eq!(
            (num(3), num(4)),
            (c["s"].as_f64().expect("s"), c["d"].as_f64().expect("d")),
            "{marker}#{ord}: {seg}"
        );
        assert_eq!(
            (num(5), num(6), num(7)),
            (
                c["type"].as_f64().expect("type"),
                c["reps"].as_f64().expect("reps"),
                c["lapses"].as_f64().expect("lapses")
            ),
            "{marker}#{ord}: {seg}"
        );
        assert_eq!(f[9], iso(c["lrt"].as_i64().expect("lrt")), "{marker}#{ord}: {seg}");
        checked += 1;
    }
    assert!(checked >= 15, "only {checked} FSRS cards checked");
    // recall reads back what it wrote, and a second import changes nothing.
    let snap = v.snapshot();
    let again = v.run(&day(0), &["import", &package(sim, "current.apkg"), "--apply"]).ok();
    assert!(again.contains("0 schedules in 0 notes changed"), "{again}");
    assert_eq!(v.snapshot(), snap);
    v.run(&day(0), &["check"]).ok();
}

/// An import killed after its batch was logged but before its notes were
/// written (`bench/crash.py --scenario import` found it): the finishing run
/// writes the notes and logs each schedule change once, not twice.
#[test]
fn a_finishing_import_logs_each_schedule_change_once() {
    let Some(sim) = sim() else { return };
    let v = vault();
    let before = [
        ("Kafka/Producer.md", v.read_str("Kafka/Producer.md")),
        ("Kafka/Streams.md", v.read_str("Kafka/Streams.md")),
    ];
    let pkg = package(sim, "current.apkg");
    v.run(&day(0), &["import", &pkg, "--apply"]).ok();
    let count = |v: &TestVault| v.read_str(".recall/reviews.jsonl").matches("anki schedule").count();
    let once = count(&v);
    assert!(once > 0);
    let written = [v.read_str("Kafka/Producer.md"), v.read_str("Kafka/Streams.md")];
    // As if the notes had never been written: their old bytes back.
    for (path, text) in &before {
        v.file(path, text.clone());
    }
    v.run(&day(0), &["import", &pkg, "--apply"]).ok();
    assert_eq!([v.read_str("Kafka/Producer.md"), v.read_str("Kafka/Streams.md")], written);
    assert_eq!(count(&v), once, "every schedule change logged once");
}
