//! The SQLite layer: collection bytes → [`Collection`].
//!
//! The bytes are opened in memory and read-only (`sqlite3_deserialize`; no
//! temp file). Defensive mode is on, views, triggers and untrusted schema
//! functions are off, and no value may exceed [`MAX_VALUE`] bytes (SQLite
//! refuses to load a larger one). Before reading, the schema is checked:
//! `col.ver` is one recall knows, and every table read is a real table with
//! the plain (not generated) columns read. Queries are plain scans, so their
//! cost is bounded by the size of the file.

use std::collections::BTreeMap;

use rusqlite::config::DbConfig;
use rusqlite::limits::Limit;
use rusqlite::{Connection, MAIN_DB};
use serde_json::Value;

use super::{Card, Collection, Format, Memory, Note, PackageError, Review};

/// The largest single value (a note's fields, a JSON blob) read.
pub const MAX_VALUE: i32 = 64 << 20;

/// Schema versions recall reads: 11 (legacy packages) to 18 (current).
pub const SCHEMAS: std::ops::RangeInclusive<i64> = 11..=18;

fn sql(e: &rusqlite::Error) -> PackageError {
    PackageError::Sqlite(e.to_string())
}

/// Opens `bytes` (an SQLite file) read-only in memory, hardened. A
/// database in WAL mode (Anki's current collections) is read as a
/// rollback-journal one: in memory there is no WAL file, and a WAL header
/// would make SQLite refuse to open it.
fn open(bytes: &[u8]) -> Result<Connection, PackageError> {
    let mut header = [0u8; 100];
    let head = bytes.len().min(100);
    header[..head].copy_from_slice(&bytes[..head]);
    if header[18] == 2 && header[19] == 2 {
        header[18] = 1;
        header[19] = 1;
    }
    let mut conn = Connection::open_in_memory().map_err(|e| sql(&e))?;
    for (flag, on) in [
        (DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true),
        (DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false),
        (DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false),
        (DbConfig::SQLITE_DBCONFIG_ENABLE_VIEW, false),
    ] {
        conn.set_db_config(flag, on).map_err(|e| sql(&e))?;
    }
    conn.set_limit(Limit::SQLITE_LIMIT_LENGTH, MAX_VALUE).map_err(|e| sql(&e))?;
    let reader = std::io::Read::chain(&header[..head], &bytes[head..]);
    conn.deserialize_read_exact(MAIN_DB, reader, bytes.len(), true).map_err(|e| sql(&e))?;
    conn.execute_batch("pragma query_only = 1; pragma cell_size_check = 1;").map_err(|e| sql(&e))?;
    Ok(conn)
}

/// Checks that `table` is a real table with each of `columns` as a plain column.
fn require(conn: &Connection, table: &str, columns: &[&str]) -> Result<(), PackageError> {
    let found: Vec<(String, String)> = conn
        .prepare("select type, coalesce(sql, '') from sqlite_schema where name = ?1 collate nocase")
        .and_then(|mut s| s.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(|e| sql(&e))?;
    match found.as_slice() {
        [(kind, def)]
            if kind == "table" && !def.trim_start().to_ascii_lowercase().starts_with("create virtual") => {}
        [] => return Err(PackageError::BadSchema(format!("it has no `{table}` table"))),
        _ => return Err(PackageError::BadSchema(format!("`{table}` is not a plain table"))),
    }
    let cols: Vec<(String, i64)> = conn
        .prepare("select name, hidden from pragma_table_xinfo(?1)")
        .and_then(|mut s| s.query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .map_err(|e| sql(&e))?;
    for want in columns {
        match cols.iter().find(|(n, _)| n.eq_ignore_ascii_case(want)) {
            Some((_, 0)) => {}
            Some(_) => return Err(PackageError::BadSchema(format!("`{table}.{want}` is a computed column"))),
            None => return Err(PackageError::BadSchema(format!("`{table}` has no `{want}` column"))),
        }
    }
    Ok(())
}

/// A config value as JSON: the `config` table (schema 15+) or `col.conf`.
struct Config {
    legacy: serde_json::Map<String, Value>,
    table: BTreeMap<String, Value>,
}

impl Config {
    fn get(&self, key: &str) -> Option<&Value> {
        self.table.get(key).or_else(|| self.legacy.get(key))
    }
}

/// Reads the collection in `bytes` (which `format` of file it came from).
pub fn read(bytes: &[u8], format: Format) -> Result<Collection, PackageError> {
    let conn = open(bytes)?;
    require(&conn, "col", &["ver", "crt", "conf", "models"])?;
    let (schema, crt, conf, models): (i64, i64, String, String) = conn
        .query_row("select ver, crt, conf, models from col limit 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .map_err(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => {
                PackageError::BadSchema("its `col` table is empty".into())
            }
            other => sql(&other),
        })?;
    if !SCHEMAS.contains(&schema) {
        return Err(PackageError::UnknownSchema(schema));
    }
    let (config, note_types) =
        if schema >= 15 { modern_config(&conn)? } else { legacy_config(&conf, &models)? };
    let rollover = config.get("rollover").and_then(Value::as_i64).map_or(4, |h| h.rem_euclid(24)) as u8;
    let creation_offset =
        config.get("creationOffset").and_then(Value::as_i64).map(|m| m.clamp(-23 * 60, 23 * 60) as i32);
    let fsrs = config.get("fsrs").and_then(Value::as_bool).unwrap_or(false);

    let notes = read_notes(&conn)?;
    let cards = read_cards(&conn)?;
    let revlog = read_revlog(&conn)?;

    // Packages do not carry the `fsrs` key: a memory state says it too.
    let fsrs = fsrs || cards.iter().any(|c| c.memory.is_some());
    Ok(Collection { format, schema, crt, creation_offset, rollover, fsrs, note_types, notes, cards, revlog })
}

/// The `config` and `notetypes` tables of a schema 15+ collection.
fn modern_config(conn: &Connection) -> Result<(Config, BTreeMap<i64, String>), PackageError> {
    let mut config = Config { legacy: serde_json::Map::new(), table: BTreeMap::new() };
    let mut note_types = BTreeMap::new();
    require(conn, "config", &["key", "val"])?;
    require(conn, "notetypes", &["id", "name"])?;
    let mut stmt = conn.prepare("select key, val from config").map_err(|e| sql(&e))?;
    let rows =
        stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))).map_err(|e| sql(&e))?;
    for row in rows {
        let (k, v) = row.map_err(|e| sql(&e))?;
        if let Ok(v) = serde_json::from_slice(&v) {
            config.table.insert(k, v);
        }
    }
    let mut stmt = conn.prepare("select id, name from notetypes").map_err(|e| sql(&e))?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(|e| sql(&e))?;
    for row in rows {
        let (id, name): (i64, String) = row.map_err(|e| sql(&e))?;
        note_types.insert(id, name);
    }
    Ok((config, note_types))
}

/// `col.conf` and `col.models` of an older collection.
fn legacy_config(conf: &str, models: &str) -> Result<(Config, BTreeMap<i64, String>), PackageError> {
    let bad_json = |what: &str| PackageError::BadSchema(format!("{what} is not valid JSON"));
    let mut config = Config { legacy: serde_json::Map::new(), table: BTreeMap::new() };
    let mut note_types = BTreeMap::new();
    match serde_json::from_str(conf) {
        Ok(Value::Object(m)) => config.legacy = m,
        _ if conf.trim().is_empty() => {}
        _ => return Err(bad_json("`col.conf`")),
    }
    let Ok(Value::Object(m)) = serde_json::from_str::<Value>(models) else {
        return Err(bad_json("`col.models`"));
    };
    for (id, model) in m {
        let id = id.parse::<i64>().ok().or_else(|| model.get("id").and_then(Value::as_i64));
        if let (Some(id), Some(name)) = (id, model.get("name").and_then(Value::as_str)) {
            note_types.insert(id, name.to_owned());
        }
    }
    Ok((config, note_types))
}

fn read_notes(conn: &Connection) -> Result<Vec<Note>, PackageError> {
    require(conn, "notes", &["id", "guid", "mid", "flds"])?;
    let mut notes = Vec::new();
    let mut stmt = conn.prepare("select id, guid, mid, flds from notes").map_err(|e| sql(&e))?;
    let rows = stmt
        .query_map([], |r| {
            let flds: String = r.get(3)?;
            Ok(Note {
                id: r.get(0)?,
                guid: r.get(1)?,
                mid: r.get(2)?,
                fields: flds.split('\u{1f}').map(str::to_owned).collect(),
            })
        })
        .map_err(|e| sql(&e))?;
    for row in rows {
        notes.push(row.map_err(|e| sql(&e))?);
    }
    Ok(notes)
}

fn read_cards(conn: &Connection) -> Result<Vec<Card>, PackageError> {
    let card_cols = [
        "id", "nid", "ord", "type", "queue", "due", "ivl", "factor", "reps", "lapses", "left", "odue",
        "odid", "data",
    ];
    require(conn, "cards", &card_cols)?;
    let mut cards = Vec::new();
    let mut stmt =
        conn.prepare(&format!("select {} from cards", card_cols.join(", "))).map_err(|e| sql(&e))?;
    let rows = stmt
        .query_map([], |r| {
            let data: Option<String> = r.get(13)?;
            let (memory, last_review) = card_data(data.as_deref().unwrap_or(""));
            Ok(Card {
                id: r.get(0)?,
                nid: r.get(1)?,
                ord: r.get(2)?,
                kind: r.get(3)?,
                queue: r.get(4)?,
                due: r.get(5)?,
                ivl: r.get(6)?,
                factor: r.get(7)?,
                reps: r.get(8)?,
                lapses: r.get(9)?,
                left: r.get(10)?,
                odue: r.get(11)?,
                odid: r.get(12)?,
                memory,
                last_review,
            })
        })
        .map_err(|e| sql(&e))?;
    for row in rows {
        cards.push(row.map_err(|e| sql(&e))?);
    }
    Ok(cards)
}

/// The review log, in time order.
fn read_revlog(conn: &Connection) -> Result<Vec<Review>, PackageError> {
    let rev_cols = ["id", "cid", "ease", "ivl", "lastIvl", "factor", "time", "type"];
    require(conn, "revlog", &rev_cols)?;
    let mut revlog = Vec::new();
    let mut stmt =
        conn.prepare(&format!("select {} from revlog", rev_cols.join(", "))).map_err(|e| sql(&e))?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Review {
                id: r.get(0)?,
                cid: r.get(1)?,
                ease: r.get(2)?,
                ivl: r.get(3)?,
                last_ivl: r.get(4)?,
                factor: r.get(5)?,
                time: r.get(6)?,
                kind: r.get(7)?,
            })
        })
        .map_err(|e| sql(&e))?;
    for row in rows {
        revlog.push(row.map_err(|e| sql(&e))?);
    }
    revlog.sort_by_key(|r| r.id);
    Ok(revlog)
}

/// The FSRS memory state and last review time in a card's `data` JSON
/// (anything unreadable is treated as absent).
fn card_data(data: &str) -> (Option<Memory>, Option<i64>) {
    let Ok(Value::Object(m)) = serde_json::from_str::<Value>(data) else { return (None, None) };
    let num = |k: &str| m.get(k).and_then(Value::as_f64).filter(|x| x.is_finite());
    let memory = match (num("s"), num("d")) {
        (Some(stability), Some(difficulty)) => Some(Memory { stability, difficulty }),
        _ => None,
    };
    (memory, m.get("lrt").and_then(Value::as_i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Schema 11 as recall's own export writes it, with `extra` SQL after.
    fn legacy_db(extra: &str) -> Vec<u8> {
        let mut c = Connection::open_in_memory().expect("db");
        c.execute_batch(crate::export::collection::TABLES).expect("schema");
        c.execute_batch(crate::export::collection::NOTE_INDEXES).expect("indexes");
        c.execute_batch(crate::export::collection::ORDERED_INDEXES).expect("indexes");
        c.execute_batch(crate::export::collection::INDEXES).expect("indexes");
        c.execute_batch(&format!(
            "insert into col values (1, 1700000000, 0, 0, 11, 0, 0, 0,
               '{{\"rollover\": 2, \"creationOffset\": -60, \"fsrs\": true}}',
               '{{\"1700000000101\": {{\"name\": \"recall Basic\"}}}}', '{{}}', '{{}}', '{{}}');
             insert into notes values (5, 'g1', 1700000000101, 0, 0, '', 'Q\u{1f}A\u{1f}', 'Q', 0, 0, '');
             insert into cards values (7, 5, 1, 1, 0, 0, 2, 2, 30, 12, 2450, 3, 1, 0, 0, 0, 0,
               '{{\"s\": 12.5, \"d\": 5.25, \"lrt\": 1700000100}}');
             insert into revlog values (1700000100000, 7, 0, 3, 12, 4, 2450, 5300, 1);
             {extra}"
        ))
        .expect("rows");
        c.serialize("main").expect("bytes").to_vec()
    }

    #[test]
    fn reads_a_legacy_collection() {
        let col = read(&legacy_db(""), Format::Anki21).expect("read");
        assert_eq!(
            (col.schema, col.crt, col.rollover, col.creation_offset, col.fsrs),
            (11, 1_700_000_000, 2, Some(-60), true)
        );
        assert_eq!(col.note_types.get(&1_700_000_000_101).map(String::as_str), Some("recall Basic"));
        assert_eq!(
            col.notes,
            vec![Note {
                id: 5,
                guid: "g1".into(),
                mid: 1_700_000_000_101,
                fields: vec!["Q".into(), "A".into(), String::new()]
            }]
        );
        let c = &col.cards[0];
        assert_eq!((c.ord, c.kind, c.queue, c.due, c.ivl, c.factor), (1, 2, 2, 30, 12, 2450));
        assert_eq!(c.memory, Some(Memory { stability: 12.5, difficulty: 5.25 }));
        assert_eq!(c.last_review, Some(1_700_000_100));
        assert_eq!(
            col.revlog[0],
            Review {
                id: 1_700_000_100_000,
                cid: 7,
                ease: 3,
                ivl: 12,
                last_ivl: 4,
                factor: 2450,
                time: 5300,
                kind: 1
            }
        );
    }

    #[test]
    fn unknown_versions_and_odd_schemas_are_refused() {
        assert_eq!(
            read(&legacy_db("update col set ver = 19"), Format::Anki21),
            Err(PackageError::UnknownSchema(19))
        );
        assert_eq!(
            read(&legacy_db("update col set ver = 5"), Format::Anki21),
            Err(PackageError::UnknownSchema(5))
        );
        // A view where a table should be, which could run anything.
        let got = read(
            &legacy_db(
                "drop table revlog; create view revlog as with recursive r(x) as (select 1 union all select x + 1 from r) select x as id, x as cid, 0 as ease, 0 as ivl, 0 as lastIvl, 0 as factor, 0 as time, 0 as type from r",
            ),
            Format::Anki21,
        );
        assert_eq!(got, Err(PackageError::BadSchema("`revlog` is not a plain table".into())));
        let got = read(&legacy_db("alter table cards drop column odid"), Format::Anki21);
        assert_eq!(got, Err(PackageError::BadSchema("`cards` has no `odid` column".into())));
        let got = read(
            &legacy_db("alter table notes add column big text as (zeroblob(100000000))"),
            Format::Anki21,
        );
        assert!(got.is_ok(), "a computed column not read is harmless: {got:?}");
        let got = read(
            &legacy_db(
                "alter table cards rename column data to data2; alter table cards add column data as (zeroblob(1000))",
            ),
            Format::Anki21,
        );
        assert_eq!(got, Err(PackageError::BadSchema("`cards.data` is a computed column".into())));
        assert!(matches!(
            read(&legacy_db("update cards set ord = 'x'"), Format::Anki21),
            Err(PackageError::Sqlite(_))
        ));
        assert!(matches!(
            read(&legacy_db("delete from col"), Format::Anki21),
            Err(PackageError::BadSchema(_))
        ));
    }

    #[test]
    fn huge_values_are_refused_not_loaded() {
        let got =
            read(&legacy_db(&format!("update notes set flds = zeroblob({})", MAX_VALUE + 1)), Format::Anki21);
        assert!(matches!(&got, Err(PackageError::Sqlite(m)) if m.contains("too big")), "{got:?}");
    }

    #[test]
    fn truncated_databases_are_errors() {
        let db = legacy_db("");
        for cut in [100, db.len() / 2] {
            let got = read(&db[..cut], Format::Anki21);
            assert!(got.is_err(), "cut at {cut}: {got:?}");
        }
    }

    #[test]
    fn card_data_is_read_leniently() {
        assert_eq!(card_data(""), (None, None));
        assert_eq!(card_data("{\"pos\": 3, \"lrt\": 17}"), (None, Some(17)));
        assert_eq!(card_data("{\"s\": 1.5}"), (None, None));
        assert_eq!(card_data("[1]"), (None, None));
    }
}
