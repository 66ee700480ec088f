//! The `collection.anki2` of a package: a legacy Anki collection (SQLite,
//! schema 11) built in a file, one note at a time.
//!
//! Notes are inserted as they come, in one transaction, into a fresh file
//! with no journal and no syncing (a crash leaves only a scratch file that
//! is never renamed into place) and a bounded page cache, so memory stays
//! flat however large the vault. What depends on every note — the deck ids
//! (parents first, in name order), the collection's creation day (no
//! review card may be due before it), the note types used — is known only
//! at the end: cards wait in a compact list (numbers, no text) and go in at
//! [`Collection::finish`], with the `col` row. The indexes whose keys the
//! rows bring in order are kept up to date as they go in; the two others
//! (the notes' checksums, the cards' schedule) are sorted at the end. Ids
//! are the note's and card's rank added to `now_ms`, in note order, so they
//! are those of a collection built all at once.
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

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveTime};
use rusqlite::{Connection, Statement, params};
use serde_json::{Value, json};

use super::anki::NoteType;
use super::apkg::{NoteRow, ReviewState, Summary};
use crate::error::Error;

/// The legacy collection's tables (Anki's schema 11).
pub(crate) const TABLES: &str = "
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
";

/// The notes' index whose keys come in order (every `usn` is -1, ties go
/// by id), made with the table and kept up to date as the notes go in,
/// while the workers still read the vault: each key goes on its last page.
pub(crate) const NOTE_INDEXES: &str = "
create index ix_notes_usn on notes (usn);
";

/// The indexes whose keys the cards bring in order (every `usn` is -1 and
/// ties go by id; `nid` grows with the id), made before the cards go in:
/// each key then goes on the index's last page, which costs less than
/// sorting the full table. `revlog` stays empty.
pub(crate) const ORDERED_INDEXES: &str = "
create index ix_cards_usn on cards (usn);
create index ix_revlog_usn on revlog (usn);
create index ix_cards_nid on cards (nid);
create index ix_revlog_cid on revlog (cid);
";

/// The indexes whose keys come in no order (the notes' checksums, the
/// cards' schedule), each built by one sort, on two threads, once the
/// tables are full. Kept up to date as the notes went in, the checksum
/// index cost more (its pages, touched at random, fall out of the CPU's
/// caches: 2.2 → 2.0 s for the export of 50,000 notes).
pub(crate) const INDEXES: &str = "
create index ix_notes_csum on notes (csum);
create index ix_cards_sched on cards (did, queue, due);
";

/// A fresh file written once: the largest pages (a sixteenth of the writes
/// 4 KiB pages take: the file is written page by page, and the system calls
/// were a tenth of the export's time), no rollback journal, no fsync (the
/// package is synced when it is renamed into place), one writer, and a page
/// cache of 32 MiB, which also bounds a sort's memory: the checksum index of
/// a 50,000-note vault (450,000 keys) is sorted in memory, where 8 MiB
/// spilled it to disk and merged it back. Sorts use two threads, their
/// spills on disk.
const PRAGMAS: &str = "
pragma page_size = 65536;
pragma journal_mode = off;
pragma synchronous = off;
pragma locking_mode = exclusive;
pragma cache_size = -32768;
pragma temp_store = file;
pragma threads = 2;
";

/// A table rows go into, its id column left out: every row but the
/// table's first gets no id, so SQLite gives it the next one (the largest
/// plus one: ids stay `now_ms + rank`) and appends it to the last page
/// without searching the table for the id first.
struct Table {
    name: &'static str,
    /// The columns but `id`.
    columns: &'static str,
    /// One row of them, the bound values as `?`.
    row: &'static str,
    /// The `?` in `row`.
    params: usize,
}

const NOTES: Table = Table {
    name: "notes",
    columns: "guid, mid, mod, usn, tags, flds, sfld, csum, flags, data",
    row: "(?, ?, ?, -1, ?, ?, ?, ?, 0, '')",
    params: 7,
};
const CARDS: Table = Table {
    name: "cards",
    columns: "nid, did, ord, mod, usn, type, queue, due, ivl, factor, reps, lapses, left, odue, odid, flags, data",
    row: "(?, ?, ?, ?, -1, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, ?)",
    params: 12,
};
/// Rows one statement inserts: fewer statement runs, and the table's
/// cursor stays at its end from one row to the next.
const ROWS: usize = 64;

impl Table {
    /// `insert into TABLE (COLUMNS) values ROW, …` for `rows` rows.
    fn bulk_sql(&self, rows: usize) -> String {
        let mut sql = format!("insert into {} ({}) values ", self.name, self.columns);
        for k in 0..rows {
            if k > 0 {
                sql.push_str(", ");
            }
            sql.push_str(self.row);
        }
        sql
    }

    /// Inserts `n` rows, the first of them the table's row `rank`, runs of
    /// [`ROWS`] with `full` (made by `bulk_sql(ROWS)`, reused: a statement
    /// cache would clear its hundreds of bindings after every run); `bind`
    /// binds row `i`'s values from parameter `at` on. The table's first
    /// row goes in alone with its id, `id0`.
    fn insert<'db>(
        &self,
        db: &'db Connection,
        full: &mut Statement<'db>,
        rank: usize,
        n: usize,
        id0: i64,
        mut bind: impl FnMut(&mut Statement<'_>, usize, usize) -> rusqlite::Result<()>,
    ) -> rusqlite::Result<()> {
        let mut skip = 0;
        if rank == 0 && n > 0 {
            let sql =
                format!("insert into {} (id, {}) values (?, {}", self.name, self.columns, &self.row[1..]);
            let mut stmt = db.prepare(&sql)?;
            stmt.raw_bind_parameter(1, id0)?;
            bind(&mut stmt, 2, 0)?;
            stmt.raw_execute()?;
            skip = 1;
        }
        for start in (skip..n).step_by(ROWS) {
            let rows = ROWS.min(n - start);
            let mut short;
            let stmt = if rows == ROWS {
                &mut *full
            } else {
                short = db.prepare(&self.bulk_sql(rows))?;
                &mut short
            };
            for k in 0..rows {
                bind(stmt, k * self.params + 1, start + k)?;
            }
            stmt.raw_execute()?;
        }
        Ok(())
    }
}

/// When recall's note types last changed (their `mod`): a re-import updates
/// the templates of an older copy, and leaves a copy the user edited later.
const NOTE_TYPES_MTIME: i64 = 1_767_225_600;

/// A card waiting for its deck id and due day: 16 bytes (a 50,000-note
/// vault has some 650,000 cards), the review states kept apart.
struct PendingCard {
    /// Rank of its note.
    note: u32,
    /// Index in `Collection::deck_names`.
    deck: u32,
    ord: u32,
    /// 1 + its index in `Collection::reviews`, 0 for a new card.
    review: u32,
}

/// The new file a collection is built in, open.
pub struct CollectionFile {
    db: Connection,
    /// The package, for errors.
    dest: PathBuf,
}

impl CollectionFile {
    /// Creates the file `file` (which must not exist) with the tables;
    /// errors name `dest`, the package.
    pub fn create(file: &Path, dest: &Path) -> Result<CollectionFile, Error> {
        let err = sqlite_error(dest);
        let db = Connection::open(file).map_err(&err)?;
        db.execute_batch(PRAGMAS).map_err(&err)?;
        db.execute_batch("begin").map_err(&err)?;
        db.execute_batch(TABLES).map_err(&err)?;
        db.execute_batch(NOTE_INDEXES).map_err(&err)?;
        Ok(CollectionFile { db, dest: dest.to_path_buf() })
    }

    /// The collection, to be filled; `now_ms` is the time ids count from.
    pub fn collection(&self, now_ms: i64) -> Result<Collection<'_>, Error> {
        let full_notes = self.db.prepare(&NOTES.bulk_sql(ROWS)).map_err(sqlite_error(&self.dest))?;
        Ok(Collection {
            db: &self.db,
            full_notes,
            dest: &self.dest,
            now_ms,
            notes: 0,
            mtimes: Vec::new(),
            pending: Vec::with_capacity(ROWS),
            deck_ids: HashMap::new(),
            deck_names: Vec::new(),
            cards: Vec::new(),
            reviews: Vec::new(),
            earliest_due: None,
            used: [false; 3],
        })
    }

    /// Closes the file, complete once [`Collection::finish`] returned.
    pub fn close(self) -> Result<(), Error> {
        let err = sqlite_error(&self.dest);
        self.db.close().map_err(|(_, e)| err(e))
    }
}

/// A collection being built in its file.
pub struct Collection<'f> {
    db: &'f Connection,
    /// The insert of [`ROWS`] notes.
    full_notes: Statement<'f>,
    /// The package, for errors.
    dest: &'f Path,
    now_ms: i64,
    notes: usize,
    /// Each note's mtime, by rank (its cards have it too).
    mtimes: Vec<i64>,
    /// Notes not inserted yet (at most [`ROWS`]).
    pending: Vec<NoteRow>,
    deck_ids: HashMap<String, u32>,
    deck_names: Vec<String>,
    cards: Vec<PendingCard>,
    reviews: Vec<ReviewState>,
    earliest_due: Option<NaiveDate>,
    used: [bool; 3],
}

impl Collection<'_> {
    /// Notes added so far.
    #[must_use]
    pub fn notes(&self) -> usize {
        self.notes
    }

    /// Adds one note (inserted with the next few); its cards go in at
    /// [`Collection::finish`].
    pub fn add(&mut self, row: NoteRow) -> Result<(), Error> {
        let rank = self.notes;
        self.notes += 1;
        self.mtimes.push(row.mtime);
        self.used[row.note_type as usize] = true;
        if let Some(d) = row.earliest_due {
            self.earliest_due = Some(self.earliest_due.map_or(d, |e| e.min(d)));
        }
        // A note's rows come one after the other, mostly in one deck.
        let last = self.cards.last().map(|c| c.deck);
        let deck = if let Some(i) = last.filter(|&i| self.deck_names[i as usize] == row.deck) {
            i
        } else if let Some(&i) = self.deck_ids.get(&row.deck) {
            i
        } else {
            let i = self.deck_names.len() as u32;
            self.deck_ids.insert(row.deck.clone(), i);
            self.deck_names.push(row.deck.clone());
            i
        };
        for &(ord, review) in &row.cards {
            let review = review.map_or(0, |r| {
                self.reviews.push(r);
                self.reviews.len() as u32
            });
            self.cards.push(PendingCard { note: rank as u32, deck, ord: ord as u32, review });
        }
        self.pending.push(row);
        if self.pending.len() == ROWS {
            self.insert_pending()?;
        }
        Ok(())
    }

    /// Inserts the notes waiting in `pending`.
    fn insert_pending(&mut self) -> Result<(), Error> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let err = sqlite_error(self.dest);
        let first = self.notes - self.pending.len();
        let pending = &self.pending;
        NOTES
            .insert(self.db, &mut self.full_notes, first, pending.len(), self.now_ms, |stmt, at, i| {
                let row = &pending[i];
                stmt.raw_bind_parameter(at, &row.guid)?;
                stmt.raw_bind_parameter(at + 1, row.note_type.id())?;
                stmt.raw_bind_parameter(at + 2, row.mtime)?;
                stmt.raw_bind_parameter(at + 3, &row.tags)?;
                stmt.raw_bind_parameter(at + 4, &row.fields)?;
                stmt.raw_bind_parameter(at + 5, &row.sort)?;
                stmt.raw_bind_parameter(at + 6, row.csum)
            })
            .map_err(&err)?;
        self.pending.clear();
        Ok(())
    }

    /// Inserts the cards and the `col` row, builds the indexes and commits;
    /// `today` is the day scheduling is relative to. While the last indexes
    /// are built, `meanwhile` runs on another thread with the size of the
    /// file so far, whose bytes after the first page are then final. The
    /// file is complete when this returns ([`CollectionFile::close`]
    /// closes it).
    pub fn finish<T: Send>(
        mut self,
        today: NaiveDate,
        meanwhile: impl FnOnce(u64) -> Result<T, Error> + Send,
    ) -> Result<(Summary, T), Error> {
        self.insert_pending()?;
        let err = sqlite_error(self.dest);
        let mut summary = Summary { notes: self.notes, ..Summary::default() };
        let created = self.earliest_due.map_or(today, |d| today.min(d));
        let crt =
            created.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()).and_utc().timestamp();

        // Decks, parents first, with ids 2, 3, … (1 is Anki's Default deck).
        let mut decks: BTreeMap<String, i64> = BTreeMap::new();
        for name in &self.deck_names {
            let parts: Vec<&str> = name.split("::").collect();
            for k in 1..=parts.len() {
                decks.entry(parts[..k].join("::")).or_insert(0);
            }
        }
        for (i, id) in decks.values_mut().enumerate() {
            *id = i as i64 + 2;
        }
        summary.decks = decks.len();
        let did: Vec<i64> = self.deck_names.iter().map(|n| decks.get(n).copied().unwrap_or(1)).collect();

        self.db.execute_batch(ORDERED_INDEXES).map_err(&err)?;
        let (cards, reviews, mtimes) = (&self.cards, &self.reviews, &self.mtimes);
        let mut review_cards = 0;
        let mut full = self.db.prepare(&CARDS.bulk_sql(ROWS)).map_err(&err)?;
        CARDS
            .insert(self.db, &mut full, 0, cards.len(), self.now_ms, |stmt, at, i| {
                let c = &cards[i];
                let review = c.review.checked_sub(1).map(|r| &reviews[r as usize]);
                let (kind, due, ivl, factor) = match review {
                    Some(r) => {
                        review_cards += 1;
                        (2, (r.due - created).num_days(), r.interval, r.ease * 10)
                    }
                    None => (0, i64::from(c.note) + 1, 0, 0),
                };
                let memory = review.and_then(|r| r.memory);
                let (reps, lapses) = memory.map_or((0, 0), |m| (m.reps, m.lapses));
                let values = [
                    self.now_ms + i64::from(c.note),
                    did[c.deck as usize],
                    i64::from(c.ord),
                    mtimes[c.note as usize],
                    kind,
                    kind,
                    due,
                    ivl,
                    factor,
                    reps,
                    lapses,
                ];
                for (j, v) in values.into_iter().enumerate() {
                    stmt.raw_bind_parameter(at + j, v)?;
                }
                stmt.raw_bind_parameter(at + values.len(), memory.map(|m| m.data()).unwrap_or_default())
            })
            .map_err(&err)?;
        summary.review_cards = review_cards;
        summary.cards = self.cards.len();

        let used: Vec<NoteType> = [NoteType::Basic, NoteType::Reversed, NoteType::Cloze]
            .into_iter()
            .filter(|t| self.used[*t as usize])
            .collect();
        let conf = json!({
            "activeDecks": [1], "curDeck": 1, "newSpread": 0, "collapseTime": 1200, "timeLim": 0,
            "estTimes": true, "dueCounts": true, "curModel": used.first().map_or(NoteType::Basic.id(), |t| t.id()),
            "nextPos": self.notes + 1, "sortType": "noteFld", "sortBackwards": false, "addToCur": true,
            "schedVer": 2, "rollover": 4, "creationOffset": 0, "dayLearnFirst": false,
        });
        let models: serde_json::Map<String, Value> =
            used.iter().map(|t| (t.id().to_string(), note_type_json(*t))).collect();
        let mut deck_json = serde_json::Map::new();
        deck_json.insert("1".into(), deck_entry(1, "Default", self.now_ms / 1000));
        for (name, id) in &decks {
            deck_json.insert(id.to_string(), deck_entry(*id, name, self.now_ms / 1000));
        }
        self.db
            .execute(
                "insert into col values (1, ?1, ?2, ?2, 11, 0, 0, 0, ?3, ?4, ?5, ?6, '{}')",
                params![
                    crt,
                    self.now_ms,
                    conf.to_string(),
                    Value::Object(models).to_string(),
                    Value::Object(deck_json).to_string(),
                    json!({ "1": deck_config() }).to_string()
                ],
            )
            .map_err(&err)?;
        // The tables are complete: committed, every page of them is in the
        // file and stays as it is (the indexes only add pages at the end
        // and change the first one), so `meanwhile` may read them while
        // the indexes are sorted on this thread.
        self.db.execute_batch("commit; begin").map_err(&err)?;
        let pages: i64 = self.db.query_row("pragma page_count", [], |r| r.get(0)).map_err(&err)?;
        let size: i64 = self.db.query_row("pragma page_size", [], |r| r.get(0)).map_err(&err)?;
        let committed = (pages * size) as u64;
        let (indexes, during) = std::thread::scope(|scope| {
            let during = scope.spawn(|| meanwhile(committed));
            let indexes = self.db.execute_batch(INDEXES).and_then(|()| self.db.execute_batch("commit"));
            (indexes, during.join())
        });
        indexes.map_err(&err)?;
        let during = during.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        Ok((summary, during))
    }
}

fn sqlite_error(dest: &Path) -> impl Fn(rusqlite::Error) -> Error + '_ {
    move |source| Error::Sqlite {
        path: dest.to_path_buf(),
        message: "building the Anki collection".into(),
        source,
    }
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

    #[test]
    fn each_table_binds_the_values_its_row_asks_for() {
        for t in [NOTES, CARDS] {
            assert_eq!(t.row.matches('?').count(), t.params, "{}", t.name);
            assert_eq!(t.row.split(", ").count(), t.columns.split(", ").count(), "{}", t.name);
            let db = Connection::open_in_memory().expect("db");
            db.execute_batch(TABLES).expect("tables");
            db.prepare(&t.bulk_sql(ROWS)).expect("the statement compiles");
        }
    }
}
