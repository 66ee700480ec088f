//! Anki package (`.apkg`): a zip holding a legacy `collection.anki2`
//! (SQLite, schema 11), the media files named `0`, `1`, … and a `media` map
//! from those names to the names cards use. Every current Anki and AnkiDroid
//! imports this layout.
//!
//! Scheduling (`with_scheduling`): a card the plugin has reviewed becomes an
//! Anki review card (type and queue 2) with `ivl` = the interval, `factor` =
//! ease × 10, and `due` = days from the collection's creation day to the due
//! date. The collection says it was created on that day (12:00 UTC, with a
//! UTC creation offset and the usual 4 am rollover), and Anki re-bases
//! `due` on the importing collection's own creation day, so a card lands on
//! its calendar due date. The creation day is the earliest of `today` and
//! every due date, so no `due` is negative. Other cards are new, in note
//! order; without `with_scheduling` every card is new.

use std::collections::BTreeMap;
use std::io::{Seek, Write};

use chrono::{NaiveDate, NaiveTime};
use std::path::Path;

use rusqlite::{Connection, params};
use serde_json::{Value, json};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use super::anki::{AnkiNote, NoteType, anki_note, source_link};
use super::markdown::strip_html;
use super::media::Pack;
use super::{ExportNote, anki_deck, anki_tags, review_state};
use crate::error::Error;

/// Settings of one package.
#[derive(Debug, Clone)]
pub struct Options {
    pub with_scheduling: bool,
    /// The day scheduling is relative to (`--today`).
    pub today: NaiveDate,
    /// Milliseconds since the epoch: ids of new notes and cards (Anki shows
    /// a card's id as the day it was added) and the collection's mtime.
    pub now_ms: i64,
    /// The vault's folder name, for the Source links.
    pub vault_name: String,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub notes: usize,
    pub cards: usize,
    pub review_cards: usize,
    pub decks: usize,
    pub media: usize,
}

/// Renders every note (collecting the media it refers to in `media`), then
/// writes the package to `out` (`dest` names it in errors). `read` returns
/// the bytes of a vault file by its vault-relative path.
pub fn write<W: Write + Seek>(
    dest: &Path,
    notes: &[ExportNote],
    opts: &Options,
    media: &mut Pack,
    read: &dyn Fn(&str) -> Result<Vec<u8>, Error>,
    out: W,
) -> Result<Summary, Error> {
    let rendered: Vec<AnkiNote> =
        notes.iter().map(|n| anki_note(n, source_link(&opts.vault_name, &n.path), media)).collect();
    let files = media.entries.clone();
    let (db, mut summary) = collection(notes, &rendered, opts).map_err(|source| Error::Sqlite {
        path: dest.to_path_buf(),
        message: "building the Anki collection".into(),
        source,
    })?;
    summary.media = files.len();

    let zip_err = |e: zip::result::ZipError| Error::Package {
        path: dest.to_path_buf(),
        message: "writing the Anki package".into(),
        source: Some(e),
    };
    let io_err = |e: std::io::Error| Error::io(dest, e);
    let mut zip = zip::ZipWriter::new(out);
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    zip.start_file("collection.anki2", deflated).map_err(zip_err)?;
    zip.write_all(&db).map_err(io_err)?;
    let mut map = serde_json::Map::new();
    for (i, f) in files.iter().enumerate() {
        let bytes = read(&f.path)?;
        let compressed = matches!(
            f.name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).as_deref(),
            Some("svg" | "bmp" | "tif" | "tiff" | "wav")
        );
        zip.start_file(i.to_string(), if compressed { deflated } else { stored }).map_err(zip_err)?;
        zip.write_all(&bytes).map_err(io_err)?;
        map.insert(i.to_string(), Value::String(f.name.clone()));
    }
    zip.start_file("media", deflated).map_err(zip_err)?;
    zip.write_all(Value::Object(map).to_string().as_bytes()).map_err(io_err)?;
    zip.finish().map_err(zip_err)?;
    Ok(summary)
}

/// The legacy collection schema (Anki's schema 11).
pub(crate) const SCHEMA: &str = "
create table col (id integer primary key, crt integer not null, mod integer not null,
  scm integer not null, ver integer not null, dty integer not null, usn integer not null,
  ls integer not null, conf text not null, models text not null, decks text not null,
  dconf text not null, tags text not null);
create table notes (id integer primary key, guid text not null, mid integer not null,
  mod integer not null, usn integer not null, tags text not null, flds text not null,
  sfld integer not null, csum integer not null, flags integer not null, data text not null);
create table cards (id integer primary key, nid integer not null, did integer not null,
  ord integer not null, mod integer not null, usn integer not null, type integer not null,
  queue integer not null, due integer not null, ivl integer not null, factor integer not null,
  reps integer not null, lapses integer not null, left integer not null, odue integer not null,
  odid integer not null, flags integer not null, data text not null);
create table revlog (id integer primary key, cid integer not null, usn integer not null,
  ease integer not null, ivl integer not null, lastIvl integer not null, factor integer not null,
  time integer not null, type integer not null);
create table graves (usn integer not null, oid integer not null, type integer not null);
create index ix_notes_usn on notes (usn);
create index ix_cards_usn on cards (usn);
create index ix_revlog_usn on revlog (usn);
create index ix_cards_nid on cards (nid);
create index ix_cards_sched on cards (did, queue, due);
create index ix_revlog_cid on revlog (cid);
create index ix_notes_csum on notes (csum);
";

/// When recall's note types last changed (their `mod`): a re-import updates
/// the templates of an older copy, and leaves a copy the user edited later.
const NOTE_TYPES_MTIME: i64 = 1_767_225_600;

/// Builds the collection in memory and returns its bytes.
fn collection(
    notes: &[ExportNote],
    rendered: &[AnkiNote],
    opts: &Options,
) -> Result<(Vec<u8>, Summary), rusqlite::Error> {
    let mut summary = Summary { notes: notes.len(), ..Summary::default() };
    // The creation day: no review card may be due before it.
    let mut created = opts.today;
    if opts.with_scheduling {
        for c in notes.iter().flat_map(|n| &n.cards) {
            if let Some((due, _, _)) = review_state(c) {
                created = created.min(due);
            }
        }
    }
    let crt = created.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()).and_utc().timestamp();

    // Decks, parents first, with ids 2, 3, … (1 is Anki's Default deck).
    let mut decks: BTreeMap<String, i64> = BTreeMap::new();
    for n in notes {
        let name = anki_deck(&n.deck);
        let parts: Vec<&str> = name.split("::").collect();
        for k in 1..=parts.len() {
            decks.entry(parts[..k].join("::")).or_insert(0);
        }
    }
    for (i, id) in decks.values_mut().enumerate() {
        *id = i as i64 + 2;
    }
    summary.decks = decks.len();

    let mut used: Vec<NoteType> = rendered.iter().map(|r| r.note_type).collect();
    used.sort_unstable();
    used.dedup();

    let mut db = Connection::open_in_memory()?;
    let tx = db.transaction()?;
    tx.execute_batch(SCHEMA)?;
    let conf = json!({
        "activeDecks": [1], "curDeck": 1, "newSpread": 0, "collapseTime": 1200, "timeLim": 0,
        "estTimes": true, "dueCounts": true, "curModel": used.first().map_or(NoteType::Basic.id(), |t| t.id()),
        "nextPos": notes.len() + 1, "sortType": "noteFld", "sortBackwards": false, "addToCur": true,
        "schedVer": 2, "rollover": 4, "creationOffset": 0, "dayLearnFirst": false,
    });
    let models: serde_json::Map<String, Value> =
        used.iter().map(|t| (t.id().to_string(), note_type_json(*t))).collect();
    let mut deck_json = serde_json::Map::new();
    deck_json.insert("1".into(), deck_entry(1, "Default", opts.now_ms / 1000));
    for (name, id) in &decks {
        deck_json.insert(id.to_string(), deck_entry(*id, name, opts.now_ms / 1000));
    }
    tx.execute(
        "insert into col values (1, ?1, ?2, ?2, 11, 0, 0, 0, ?3, ?4, ?5, ?6, '{}')",
        params![
            crt,
            opts.now_ms,
            conf.to_string(),
            Value::Object(models).to_string(),
            Value::Object(deck_json).to_string(),
            json!({ "1": deck_config() }).to_string()
        ],
    )?;

    let mut note_stmt = tx.prepare("insert into notes values (?1, ?2, ?3, ?4, -1, ?5, ?6, ?7, ?8, 0, '')")?;
    let mut card_stmt = tx.prepare(
        "insert into cards values (?1, ?2, ?3, ?4, ?5, -1, ?6, ?7, ?8, ?9, ?10, 0, 0, 0, 0, 0, 0, '')",
    )?;
    let mut card_id = opts.now_ms;
    for (i, (n, r)) in notes.iter().zip(rendered).enumerate() {
        let nid = opts.now_ms + i as i64;
        let tags = anki_tags(&n.tags);
        let tags = if tags.is_empty() { String::new() } else { format!(" {} ", tags.join(" ")) };
        let sort = strip_html(r.fields.first().map_or("", String::as_str));
        note_stmt.execute(params![
            nid,
            n.guid,
            r.note_type.id(),
            n.mtime,
            tags,
            r.fields.join("\u{1f}"),
            sort,
            checksum(&sort)
        ])?;
        let did = decks.get(&anki_deck(&n.deck)).copied().unwrap_or(1);
        let position = i as i64 + 1;
        for &ord in &r.ords {
            let review = n
                .cards
                .iter()
                .find(|c| c.sibling == ord)
                .filter(|_| opts.with_scheduling)
                .and_then(review_state);
            let (kind, due, ivl, factor) = match review {
                Some((date, ivl, ease)) => {
                    summary.review_cards += 1;
                    (2, (date - created).num_days(), ivl, ease * 10)
                }
                None => (0, position, 0, 0),
            };
            card_stmt
                .execute(params![card_id, nid, did, ord as i64, n.mtime, kind, kind, due, ivl, factor])?;
            card_id += 1;
            summary.cards += 1;
        }
    }
    drop(note_stmt);
    drop(card_stmt);
    tx.commit()?;
    let bytes = db.serialize("main")?.to_vec();
    Ok((bytes, summary))
}

/// Anki's note checksum: the first 4 bytes of the SHA-1 of the sort text.
fn checksum(text: &str) -> i64 {
    let digest = sha1_smol::Sha1::from(text).digest().bytes();
    i64::from(u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]))
}

fn note_type_json(t: NoteType) -> Value {
    let fields: Vec<Value> = t
        .fields()
        .iter()
        .enumerate()
        .map(|(i, name)| {
            json!({
                "name": name, "ord": i, "sticky": false, "rtl": false, "font": "Arial", "size": 20,
                "description": "", "plainText": false, "collapsed": false, "excludeFromSearch": false,
            })
        })
        .collect();
    let templates: Vec<Value> = t
        .templates()
        .into_iter()
        .enumerate()
        .map(|(i, (name, q, a))| {
            json!({
                "name": name, "ord": i, "qfmt": q, "afmt": a, "bqfmt": "", "bafmt": "",
                "did": null, "bfont": "", "bsize": 0,
            })
        })
        .collect();
    let req: Vec<Value> = match t {
        NoteType::Reversed => vec![json!([0, "any", [0]]), json!([1, "any", [1]])],
        NoteType::Basic | NoteType::Cloze => vec![json!([0, "any", [0]])],
    };
    json!({
        "id": t.id(), "name": t.name(), "type": i32::from(t == NoteType::Cloze), "mod": NOTE_TYPES_MTIME,
        "usn": -1, "sortf": 0, "did": 1, "tmpls": templates, "flds": fields, "css": NoteType::css(),
        "latexPre": "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n",
        "latexPost": "\\end{document}", "latexsvg": false, "req": req, "tags": [], "vers": [],
    })
}

fn deck_entry(id: i64, name: &str, mtime: i64) -> Value {
    json!({
        "id": id, "mod": mtime, "name": name, "usn": -1, "lrnToday": [0, 0], "revToday": [0, 0],
        "newToday": [0, 0], "timeToday": [0, 0], "collapsed": false, "browserCollapsed": false,
        "desc": "", "dyn": 0, "conf": 1, "extendNew": 0, "extendRev": 0,
    })
}

/// Anki's default deck options.
fn deck_config() -> Value {
    json!({
        "id": 1, "mod": 0, "name": "Default", "usn": 0, "maxTaken": 60, "autoplay": true, "timer": 0,
        "replayq": true, "dyn": false,
        "new": { "bury": false, "delays": [1.0, 10.0], "initialFactor": 2500, "ints": [1, 4, 0],
                 "order": 1, "perDay": 20 },
        "rev": { "bury": false, "ease4": 1.3, "ivlFct": 1.0, "maxIvl": 36500, "perDay": 200,
                 "hardFactor": 1.2 },
        "lapse": { "delays": [10.0], "leechAction": 1, "leechFails": 8, "minInt": 1, "mult": 0.0 },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::markdown::Media;
    use crate::export::{Content, ExportCard};
    use crate::parse::{CardSchedule, CardState, QuestionKind};

    struct NoMedia;
    impl Media for NoMedia {
        fn resolve(&mut self, _: &str, _: &str) -> Option<String> {
            None
        }
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn note(due: Option<&str>) -> ExportNote {
        let schedule = match due {
            Some(d) => CardSchedule::Sm2 { due: Some(date(d)), interval: Some(13), ease: Some(290) },
            None => CardSchedule::New,
        };
        ExportNote {
            path: "Kafka/P.md".into(),
            line: 3,
            end_line: 3,
            text_line: 3,
            kind: QuestionKind::Basic,
            decks: vec!["flashcards/kafka".into()],
            deck: "flashcards/kafka".into(),
            tags: vec!["flashcards/kafka".into(), "two words".into()],
            guid: "g1".into(),
            mtime: 1_700_000_000,
            content: Content::Basic { front: "Q `x`".into(), back: "A".into() },
            cards: vec![ExportCard {
                sibling: 0,
                front: "Q".into(),
                back: "A".into(),
                due: schedule.due_date(crate::clock::Zone::utc()),
                schedule,
                state: CardState::New,
            }],
        }
    }

    fn opts(with_scheduling: bool) -> Options {
        Options {
            with_scheduling,
            today: date("2026-11-28"),
            now_ms: 1_800_000_000_000,
            vault_name: "v".into(),
        }
    }

    fn query(db: &[u8], sql: &str) -> Vec<Vec<String>> {
        let mut c = Connection::open_in_memory().expect("db");
        c.deserialize_read_exact("main", db, db.len(), true).expect("load");
        let mut stmt = c.prepare(sql).expect("prepare");
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            (0..n)
                .map(|i| {
                    r.get_ref(i).map(|v| match v {
                        rusqlite::types::ValueRef::Integer(i) => i.to_string(),
                        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                        other => format!("{other:?}"),
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .expect("query")
        .collect::<Result<Vec<_>, _>>()
        .expect("rows")
    }

    #[test]
    fn scheduled_cards_are_review_cards_due_from_the_creation_day() {
        let notes = [note(Some("2026-11-20")), note(None)];
        let rendered: Vec<AnkiNote> =
            notes.iter().map(|n| anki_note(n, String::new(), &mut NoMedia)).collect();
        let (db, summary) = collection(&notes, &rendered, &opts(true)).expect("collection");
        assert_eq!(summary, Summary { notes: 2, cards: 2, review_cards: 1, decks: 2, media: 0 });
        let crt = query(&db, "select crt from col");
        assert_eq!(
            crt[0][0],
            date("2026-11-20").and_hms_opt(12, 0, 0).expect("t").and_utc().timestamp().to_string()
        );
        let cards = query(&db, "select type, queue, due, ivl, factor, did from cards order by id");
        assert_eq!(cards[0], ["2", "2", "0", "13", "2900", "3"]);
        assert_eq!(cards[1], ["0", "0", "2", "0", "0", "3"]);
        let notes_rows = query(&db, "select tags, flds, sfld from notes order by id");
        assert_eq!(notes_rows[0][0], " flashcards::kafka two_words ");
        assert_eq!(notes_rows[0][1], "Q <code>x</code>\u{1f}A\u{1f}");
        assert_eq!(notes_rows[0][2], "Q x");
        let decks: Value = serde_json::from_str(&query(&db, "select decks from col")[0][0]).expect("json");
        assert_eq!(decks["3"]["name"], "flashcards::kafka");
        assert_eq!(decks["2"]["name"], "flashcards");
    }

    #[test]
    fn without_scheduling_every_card_is_new() {
        let notes = [note(Some("2026-11-20"))];
        let rendered: Vec<AnkiNote> =
            notes.iter().map(|n| anki_note(n, String::new(), &mut NoMedia)).collect();
        let (db, summary) = collection(&notes, &rendered, &opts(false)).expect("collection");
        assert_eq!(summary.review_cards, 0);
        assert_eq!(query(&db, "select type, queue, due from cards")[0], ["0", "0", "1"]);
        assert_eq!(
            checksum("Q x"),
            i64::from(
                u32::from_str_radix(&sha1_smol::Sha1::from("Q x").digest().to_string()[..8], 16)
                    .expect("hex")
            )
        );
    }
}
