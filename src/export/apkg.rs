//! Anki package (`.apkg`): a zip holding a legacy `collection.anki2`
//! (SQLite, schema 11, see [`super::collection`]), the media files named
//! `0`, `1`, … and a `media` map from those names to the names cards use.
//! Every current Anki and AnkiDroid imports this layout.
//!
//! A package is built as the vault is read: each question becomes a
//! [`NoteRow`] (its fields rendered, its sort field and checksum computed)
//! on the thread that parsed its note, with [`prepare`]; the command adds
//! the rows to a [`Collection`] in note order, then [`package`] streams the
//! finished collection (deflated on every core) and the media files into
//! the zip. A question whose
//! fields embed media is rendered again in note order with the command's
//! [`Pack`], which names each file the first time a card uses it, so the
//! names do not depend on which thread finished first.

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

use chrono::NaiveDate;
use serde_json::Value;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use super::anki::{AnkiNote, NoteType, anki_note, source_link};
use super::deflate::Deflated;
use super::markdown::{Media, strip_html};
use super::media::Entry;
use super::{ExportNote, anki_deck, anki_tags, review_state};
use crate::error::Error;

pub use super::collection::{Collection, CollectionFile};

/// Settings of one package.
#[derive(Debug, Clone)]
pub struct Options {
    pub with_scheduling: bool,
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

/// One question as a row of the collection's `notes` table, with its cards.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteRow {
    pub guid: String,
    pub note_type: NoteType,
    /// The note file's mtime (the note's and its cards' `mod`).
    pub mtime: i64,
    /// Anki's tag field: ` a b ` (empty without tags).
    pub tags: String,
    /// The fields' HTML joined by `\x1f`.
    pub fields: String,
    /// The sort field (the first field's text) and its checksum.
    pub sort: String,
    pub csum: i64,
    /// The Anki deck name.
    pub deck: String,
    /// Anki's cards of the note: ordinal, and the review state when it is
    /// exported with scheduling and has one.
    pub cards: Vec<(usize, Option<ReviewState>)>,
    /// The earliest due day of the question's reviewed siblings (with
    /// scheduling only): the collection is created no later.
    pub earliest_due: Option<NaiveDate>,
    /// The question's siblings (what the command counts as cards).
    pub siblings: usize,
}

/// A question made ready on a worker thread.
#[derive(Debug)]
pub enum Prepared {
    Row(NoteRow),
    /// Its fields embed media: to be rendered with the package's [`Pack`]
    /// in note order ([`render`]).
    Media(ExportNote),
}

/// Renders the questions of one note (what [`super::note_questions`]
/// gives for it) and makes their rows, except those whose fields embed
/// media. What the questions share (the Source link, the tags) is made once.
#[must_use]
pub fn prepare(questions: Vec<ExportNote>, opts: &Options) -> Vec<Prepared> {
    /// Media that notes only whether anything was asked for.
    struct Probe(bool);
    impl Media for Probe {
        fn resolve(&mut self, _: &str, _: &str) -> Option<String> {
            self.0 = true;
            None
        }
    }
    let Some(first) = questions.first() else { return Vec::new() };
    let source = source_link(&opts.vault_name, &first.path);
    let tags = tag_field(&first.tags);
    // The questions of a note mostly share a deck: its Anki name made once.
    let mut deck: Option<(String, String)> = None;
    questions
        .into_iter()
        .map(|q| {
            let mut probe = Probe(false);
            let r = anki_note(&q, source.clone(), &mut probe);
            if probe.0 {
                return Prepared::Media(q);
            }
            let name = match &deck {
                Some((path, name)) if *path == q.deck => name.clone(),
                _ => {
                    let name = anki_deck(&q.deck);
                    deck = Some((q.deck.clone(), name.clone()));
                    name
                }
            };
            Prepared::Row(note_row(&q, &r, tags.clone(), name, opts.with_scheduling))
        })
        .collect()
}

/// Renders `note` with `media` naming the files it embeds, and makes its row.
pub fn render(note: &ExportNote, opts: &Options, media: &mut dyn Media) -> NoteRow {
    let r = anki_note(note, source_link(&opts.vault_name, &note.path), media);
    note_row(note, &r, tag_field(&note.tags), anki_deck(&note.deck), opts.with_scheduling)
}

/// Anki's tag field for a note's tags: ` a b ` (empty without tags).
fn tag_field(tags: &[String]) -> String {
    let tags = anki_tags(tags);
    if tags.is_empty() { String::new() } else { format!(" {} ", tags.join(" ")) }
}

/// A reviewed card as Anki gets it: due day, interval, ease (×100), and
/// for an FSRS card its memory state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReviewState {
    pub due: NaiveDate,
    pub interval: i64,
    pub ease: i64,
    pub memory: Option<AnkiMemory>,
}

/// An FSRS card's memory state where Anki keeps it: stability and
/// difficulty in the card's `data` (`{"s", "d", "lrt"}`, Anki's
/// `CardData`), reps and lapses in their columns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnkiMemory {
    pub stability: f64,
    pub difficulty: f64,
    pub reps: i64,
    pub lapses: i64,
    /// The last review, in Unix seconds.
    pub last_review: Option<i64>,
}

impl AnkiMemory {
    /// The card's `data` column (the deck's preset gives the desired
    /// retention, as for any card Anki has not rescheduled itself).
    #[must_use]
    pub fn data(&self) -> String {
        let mut j = serde_json::json!({"s": self.stability, "d": self.difficulty});
        if let Some(t) = self.last_review {
            j["lrt"] = serde_json::json!(t);
        }
        j.to_string()
    }
}

/// What Anki gets of an exported card with scheduling: `None` for a new
/// card or a date recall cannot read.
#[must_use]
pub fn anki_review(c: &super::ExportCard) -> Option<ReviewState> {
    let (due, interval, ease) = review_state(c)?;
    // Anki keeps a memory state only where FSRS could have made it.
    let memory = c
        .schedule
        .fsrs()
        .filter(|f| f.stability.is_finite() && f.stability > 0.0 && (1.0..=10.0).contains(&f.difficulty))
        .map(|f| AnkiMemory {
            stability: f.stability,
            difficulty: f.difficulty,
            reps: f.reps as i64,
            lapses: f.lapses as i64,
            last_review: f
                .last_review
                .as_ref()
                .and_then(crate::schedule::fsrs::Stamp::instant)
                .map(|t| t.timestamp()),
        });
    Some(ReviewState { due, interval, ease, memory })
}

/// The row of a rendered question; `tags` is its tag field, `deck` its
/// Anki deck name.
#[must_use]
pub fn note_row(n: &ExportNote, r: &AnkiNote, tags: String, deck: String, with_scheduling: bool) -> NoteRow {
    let sort = strip_html(r.fields.first().map_or("", String::as_str));
    let csum = checksum(&sort);
    let cards = r
        .ords
        .iter()
        .map(|&ord| {
            let review =
                n.cards.iter().find(|c| c.sibling == ord).filter(|_| with_scheduling).and_then(anki_review);
            (ord, review)
        })
        .collect();
    let earliest_due =
        if with_scheduling { n.cards.iter().filter_map(review_state).map(|(d, _, _)| d).min() } else { None };
    NoteRow {
        guid: n.guid.clone(),
        note_type: r.note_type,
        mtime: n.mtime,
        tags,
        fields: r.fields.join("\u{1f}"),
        sort,
        csum,
        deck,
        cards,
        earliest_due,
        siblings: n.cards.len(),
    }
}

/// Anki's note checksum: the first 4 bytes of the SHA-1 of the sort text.
fn checksum(text: &str) -> i64 {
    let digest = sha1_smol::Sha1::from(text).digest().bytes();
    i64::from(u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]))
}

/// A vault file opened for packing, and its size.
pub type Opened = (Box<dyn Read>, u64);

/// A local header's fields before the entry is written.
const UNKNOWN: Deflated = Deflated { crc32: 0, size: 0, compressed: 0 };

/// The collection's first bytes, which its last indexes still change (its
/// first page, with the schema and the header): stored, not deflated, so
/// their room in the package is known before they are final.
const HEAD: u64 = 65_536;

/// The start of a package, written while the collection's last indexes
/// are built ([`Collection::finish`]'s `meanwhile`): the collection's entry
/// header, room for its first page, and its bytes from there up to what
/// the tables fill, deflated.
#[derive(Debug)]
pub struct Early {
    /// Where the bytes deflated end.
    end: u64,
    crc: flate2::Crc,
    compressed: u64,
}

/// Writes the start of the package to `out` (at its start) from the
/// collection's first `committed` bytes ([`Early`]); errors name `dest`.
pub fn package_early<W: Write>(
    dest: &Path,
    collection: &Path,
    committed: u64,
    out: &mut W,
) -> Result<Option<Early>, Error> {
    // The indexes still to come hold fewer columns than the tables, so
    // the finished file stays under three times the tables: a collection
    // that starts early never needs the `zip` crate's large entries.
    if committed <= HEAD || committed >= COLLECTION_MAX / 3 {
        return Ok(None);
    }
    let io = |e| Error::io(dest, e);
    out.write_all(&local_header(&UNKNOWN)).map_err(io)?;
    out.write_all(&vec![0; super::deflate::stored_len(HEAD) as usize]).map_err(io)?;
    // On every core, the index sort beside it: the cores stay busy
    // whichever of the two ends first.
    let (crc, compressed) =
        super::deflate::deflate_range(collection, HEAD..committed, false, LEVEL, CHUNK, threads(), out)
            .map_err(|e| Error::io(collection, e))?;
    Ok(Some(Early { end: committed, crc, compressed }))
}

/// The rest of the collection's entry after [`package_early`]: the bytes
/// deflated early checked against the finished file (they must not have
/// changed), the rest deflated on `threads` threads, and the first page
/// put in its room.
fn finish_early<W: Read + Write + Seek>(
    dest: &Path,
    collection: &Path,
    size: u64,
    early: &Early,
    threads: usize,
    out: &mut W,
) -> Result<Deflated, Error> {
    let read = |e| Error::io(collection, e);
    let mut file = std::fs::File::open(collection).map_err(read)?;
    let mut head = vec![0; HEAD as usize];
    file.read_exact(&mut head).map_err(read)?;
    let mut now = flate2::CrcReader::new(file.take(early.end.saturating_sub(HEAD)));
    let read_back = std::io::copy(&mut now, &mut std::io::sink()).map_err(read)?;
    if size < early.end || read_back != early.end - HEAD || now.crc().sum() != early.crc.sum() {
        return Err(Error::Package {
            path: dest.to_path_buf(),
            message: "the collection changed while it was being packed (nothing was written)".into(),
            source: None,
        });
    }
    let (rest, compressed) =
        super::deflate::deflate_range(collection, early.end..size, true, LEVEL, CHUNK, threads, out)
            .map_err(read)?;
    let mut stored = Vec::with_capacity(super::deflate::stored_len(HEAD) as usize);
    super::deflate::stored_blocks(&head, &mut stored);
    let io = |e| Error::io(dest, e);
    let at = local_header(&UNKNOWN).len() as u64;
    out.seek(SeekFrom::Start(at)).map_err(io)?;
    out.write_all(&stored).map_err(io)?;
    let mut crc = flate2::Crc::new();
    crc.update(&head);
    crc.combine(&early.crc);
    crc.combine(&rest);
    Ok(Deflated { crc32: crc.sum(), size, compressed: stored.len() as u64 + early.compressed + compressed })
}

/// The threads that deflate the collection: one per core, at most 16.
fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(16)
}

/// The collection's name in the package.
const COLLECTION: &str = "collection.anki2";
/// Chunks of the collection deflated apart ([`super::deflate`]).
const CHUNK: usize = 1 << 18;
/// Level 1: the collection is most of the package, and compressing it
/// harder costs four times the time for a package a fifth smaller.
const LEVEL: u32 = 1;

/// Writes the package to `out` (`dest` names it in errors): the finished
/// collection file `collection`, then each media file as `open` reads it
/// (by its vault-relative path), streamed, never held whole. Returns `out`.
///
/// The collection is deflated on every core ([`super::deflate`]) and
/// written as the package's first entry here; the `zip` crate then opens
/// that one-entry archive for appending and adds the media (its own
/// deflating runs on the calling thread only). A collection too large for
/// a plain zip entry (4 GiB) goes through the crate whole.
pub fn package<W: Read + Write + Seek>(
    dest: &Path,
    collection: &Path,
    early: Option<&Early>,
    media: &[Entry],
    open: &dyn Fn(&str) -> Result<Opened, Error>,
    mut out: W,
) -> Result<W, Error> {
    let zip_err = |e: zip::result::ZipError| Error::Package {
        path: dest.to_path_buf(),
        message: "writing the Anki package".into(),
        source: Some(e),
    };
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(i64::from(LEVEL)));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let large = |size: u64| size >= u64::from(u32::MAX);

    let size = std::fs::metadata(collection).map_err(|e| Error::io(collection, e))?.len();
    if early.is_some() && size >= COLLECTION_MAX {
        // `package_early` leaves such a collection alone; never write a
        // large entry after an early start.
        return Err(Error::Package {
            path: dest.to_path_buf(),
            message: "the collection outgrew the early start of its package (nothing was written)".into(),
            source: None,
        });
    }
    let mut zip = if size < COLLECTION_MAX {
        let io = |e| Error::io(dest, e);
        let d = if let Some(early) = early {
            finish_early(dest, collection, size, early, threads(), &mut out)?
        } else {
            out.write_all(&local_header(&UNKNOWN)).map_err(io)?;
            super::deflate::deflate_file(collection, size, LEVEL, CHUNK, threads(), &mut out)
                .map_err(|e| Error::io(collection, e))?
        };
        out.seek(SeekFrom::Start(0)).map_err(io)?;
        out.write_all(&local_header(&d)).map_err(io)?;
        out.seek(SeekFrom::End(0)).map_err(io)?;
        out.write_all(&directory(&d)).map_err(io)?;
        zip::ZipWriter::new_append(out).map_err(zip_err)?
    } else {
        let mut zip = zip::ZipWriter::new(out);
        let mut db = std::fs::File::open(collection).map_err(|e| Error::io(collection, e))?;
        zip.start_file(COLLECTION, deflated.large_file(true)).map_err(zip_err)?;
        copy(&mut db, &mut zip, collection, dest)?;
        zip
    };

    let mut map = serde_json::Map::new();
    for (i, f) in media.iter().enumerate() {
        let (mut reader, size) = open(&f.path)?;
        let compressed = matches!(
            f.name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).as_deref(),
            Some("svg" | "bmp" | "tif" | "tiff" | "wav")
        );
        let how = if compressed { deflated } else { stored };
        zip.start_file(i.to_string(), how.large_file(large(size))).map_err(zip_err)?;
        copy(&mut reader, &mut zip, Path::new(&f.path), dest)?;
        map.insert(i.to_string(), Value::String(f.name.clone()));
    }
    zip.start_file("media", deflated).map_err(zip_err)?;
    zip.write_all(Value::Object(map).to_string().as_bytes()).map_err(|e| Error::io(dest, e))?;
    zip.finish().map_err(zip_err)
}

/// Collections at least this large go through the `zip` crate, which
/// writes the Zip64 fields their sizes need (the deflated stream can be a
/// little larger than its input).
const COLLECTION_MAX: u64 = 0xF000_0000;

/// The fields both headers of the collection's entry share, from "version
/// needed" to the name's length: version 2.0, no flags, deflated, dated
/// 1980-01-01 00:00 (what the `zip` crate writes with no time given).
fn common_fields(d: &Deflated) -> Vec<u8> {
    let mut b = Vec::with_capacity(26);
    b.extend_from_slice(&20u16.to_le_bytes());
    b.extend_from_slice(&0u16.to_le_bytes());
    b.extend_from_slice(&8u16.to_le_bytes());
    b.extend_from_slice(&0u16.to_le_bytes());
    b.extend_from_slice(&0x21u16.to_le_bytes());
    b.extend_from_slice(&d.crc32.to_le_bytes());
    b.extend_from_slice(&(d.compressed as u32).to_le_bytes());
    b.extend_from_slice(&(d.size as u32).to_le_bytes());
    b.extend_from_slice(&(COLLECTION.len() as u16).to_le_bytes());
    b
}

/// The collection entry's local header (at offset 0).
fn local_header(d: &Deflated) -> Vec<u8> {
    let mut b = 0x0403_4b50u32.to_le_bytes().to_vec();
    b.extend_from_slice(&common_fields(d));
    b.extend_from_slice(&0u16.to_le_bytes());
    b.extend_from_slice(COLLECTION.as_bytes());
    b
}

/// The central directory of the one-entry archive and its end record,
/// written after the entry's data: made on Unix by version 2.0, mode
/// `-rw-r--r--`, as the `zip` crate writes its entries.
fn directory(d: &Deflated) -> Vec<u8> {
    let offset = local_header(d).len() as u64 + d.compressed;
    let mut b = 0x0201_4b50u32.to_le_bytes().to_vec();
    b.extend_from_slice(&0x0314u16.to_le_bytes());
    b.extend_from_slice(&common_fields(d));
    // Extra field, comment, disk, internal attributes.
    b.extend_from_slice(&[0; 8]);
    b.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes());
    b.extend_from_slice(&0u32.to_le_bytes());
    b.extend_from_slice(COLLECTION.as_bytes());
    let len = b.len() as u32;
    b.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    b.extend_from_slice(&[0, 0, 0, 0, 1, 0, 1, 0]);
    b.extend_from_slice(&len.to_le_bytes());
    b.extend_from_slice(&(offset as u32).to_le_bytes());
    b.extend_from_slice(&0u16.to_le_bytes());
    b
}

/// Copies `from` (named `src` in errors) into `to` (named `dest`).
fn copy(from: &mut dyn Read, to: &mut dyn Write, src: &Path, dest: &Path) -> Result<(), Error> {
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(src, e)),
        };
        to.write_all(&buf[..n]).map_err(|e| Error::io(dest, e))?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{Content, ExportCard};
    use crate::parse::{CardSchedule, CardState, QuestionKind};
    use crate::schedule::{WholeEase, WholeInterval};
    use rusqlite::Connection;

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn note(due: Option<&str>) -> ExportNote {
        let schedule = match due {
            Some(d) => CardSchedule::Sm2 {
                due: Some(date(d)),
                interval: Some(WholeInterval(13)),
                ease: Some(WholeEase(290)),
            },
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

    /// `count` notes `g0`, `g1`, …, every other one reviewed.
    fn numbered(count: usize) -> Vec<ExportNote> {
        (0..count)
            .map(|i| {
                let mut n = note(if i % 2 == 0 { Some("2026-11-20") } else { None });
                n.guid = format!("g{i}");
                n
            })
            .collect()
    }

    fn opts(with_scheduling: bool) -> Options {
        Options { with_scheduling, now_ms: 1_800_000_000_000, vault_name: "v".into() }
    }

    /// Builds the collection of `notes` in a temp file; returns it and the summary.
    fn build(notes: &[ExportNote], o: &Options) -> (tempfile::TempDir, std::path::PathBuf, Summary) {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("c.anki2");
        let collection = CollectionFile::create(&file, Path::new("out.apkg")).expect("create");
        let mut col = collection.collection(o.now_ms).expect("collection");
        for p in prepare(notes.to_vec(), o) {
            let Prepared::Row(row) = p else { panic!("no media here") };
            col.add(row).expect("add");
        }
        let (summary, ()) = col.finish(date("2026-11-28"), |_| Ok(())).expect("finish");
        collection.close().expect("close");
        (dir, file, summary)
    }

    fn query(db: &Path, sql: &str) -> Vec<Vec<String>> {
        let c = Connection::open(db).expect("db");
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
        let (_dir, db, summary) = build(&[note(Some("2026-11-20")), note(None)], &opts(true));
        assert_eq!(summary, Summary { notes: 2, cards: 2, review_cards: 1, decks: 2, media: 0 });
        let crt = query(&db, "select crt from col");
        assert_eq!(
            crt[0][0],
            date("2026-11-20").and_hms_opt(12, 0, 0).expect("t").and_utc().timestamp().to_string()
        );
        let cards = query(&db, "select id, nid, type, queue, due, ivl, factor, did from cards order by id");
        assert_eq!(cards[0], ["1800000000000", "1800000000000", "2", "2", "0", "13", "2900", "3"]);
        assert_eq!(cards[1], ["1800000000001", "1800000000001", "0", "0", "2", "0", "0", "3"]);
        let notes_rows = query(&db, "select tags, flds, sfld from notes order by id");
        assert_eq!(notes_rows[0][0], " flashcards::kafka two_words ");
        assert_eq!(
            notes_rows[0][1],
            "Q <code>x</code>\u{1f}A\u{1f}<a href=\"obsidian://open?vault=v&amp;file=Kafka%2FP.md\">Kafka/P.md</a>"
        );
        assert_eq!(notes_rows[0][2], "Q x");
        let decks: Value = serde_json::from_str(&query(&db, "select decks from col")[0][0]).expect("json");
        assert_eq!(decks["3"]["name"], "flashcards::kafka");
        assert_eq!(decks["2"]["name"], "flashcards");
        let indexes = query(&db, "select name from sqlite_master where type = 'index' order by name");
        assert_eq!(indexes.len(), 7);
        assert_eq!(query(&db, "pragma integrity_check")[0][0], "ok");
    }

    #[test]
    fn ids_are_now_plus_the_rank_across_many_statements() {
        // 150 notes: the first row alone, then runs of 64 and a short one;
        // every third note reversed, so cards outnumber notes.
        let notes: Vec<ExportNote> = numbered(150)
            .into_iter()
            .enumerate()
            .map(|(i, mut n)| {
                if i % 3 == 0 {
                    n.kind = QuestionKind::Reversed;
                    n.content = Content::Reversed { front: format!("Q{i}"), back: "A".into() };
                    let mut back = n.cards[0].clone();
                    back.sibling = 1;
                    n.cards.push(back);
                }
                n
            })
            .collect();
        let (_dir, db, summary) = build(&notes, &opts(true));
        let now = 1_800_000_000_000_i64;
        let ids = |sql: &str| -> Vec<i64> {
            query(&db, sql).iter().map(|r| r[0].parse::<i64>().expect("id")).collect()
        };
        assert_eq!(ids("select id from notes order by id"), (0..150).map(|i| now + i).collect::<Vec<_>>());
        assert_eq!(query(&db, "select guid from notes where id = 1800000000149")[0][0], "g149");
        let cards = query(&db, "select id, nid, ord from cards order by id");
        assert_eq!(cards.len(), summary.cards);
        assert_eq!(summary.cards, 150 + 50);
        let mut expected = Vec::new();
        for i in 0..150_i64 {
            expected.push((now + i, 0));
            if i % 3 == 0 {
                expected.push((now + i, 1));
            }
        }
        for (k, (row, (nid, ord))) in cards.iter().zip(expected).enumerate() {
            assert_eq!(row, &[(now + k as i64).to_string(), nid.to_string(), ord.to_string()]);
        }
        assert_eq!(query(&db, "pragma integrity_check")[0][0], "ok");
    }

    #[test]
    fn without_scheduling_every_card_is_new() {
        let (_dir, db, summary) = build(&[note(Some("2026-11-20"))], &opts(false));
        assert_eq!(summary.review_cards, 0);
        assert_eq!(query(&db, "select type, queue, due from cards")[0], ["0", "0", "1"]);
        assert_eq!(
            query(&db, "select crt from col")[0][0],
            date("2026-11-28").and_hms_opt(12, 0, 0).expect("t").and_utc().timestamp().to_string()
        );
        assert_eq!(
            checksum("Q x"),
            i64::from(
                u32::from_str_radix(&sha1_smol::Sha1::from("Q x").digest().to_string()[..8], 16)
                    .expect("hex")
            )
        );
    }

    #[test]
    fn the_package_holds_the_collection_deflated_apart_and_the_media() {
        let notes: Vec<ExportNote> =
            (0..300).map(|i| note(if i % 2 == 0 { Some("2026-11-20") } else { None })).collect();
        let (_dir, db, _) = build(&notes, &opts(true));
        let collection = std::fs::read(&db).expect("collection");
        assert!(collection.len() > 2 * CHUNK, "several chunks: {} bytes", collection.len());
        let media = [
            Entry { name: "a.png".into(), path: "img/a.png".into() },
            Entry { name: "b.svg".into(), path: "img/b.svg".into() },
        ];
        let open = |rel: &str| -> Result<Opened, Error> {
            let bytes = format!("bytes of {rel}").into_bytes();
            let len = bytes.len() as u64;
            Ok((Box::new(std::io::Cursor::new(bytes)), len))
        };
        let out = package(Path::new("out.apkg"), &db, None, &media, &open, std::io::Cursor::new(Vec::new()))
            .expect("package");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(out.into_inner())).expect("a zip");
        let names: Vec<String> = (0..zip.len())
            .map(|i| zip.by_index_raw(i).expect("entry").name().expect("name").to_string())
            .collect();
        assert_eq!(names, ["collection.anki2", "0", "1", "media"]);
        let read = |zip: &mut zip::ZipArchive<_>, name: &str| {
            let mut f = zip.by_name(name).expect("entry");
            let mut bytes = Vec::new();
            // Reading to the end checks the entry's CRC.
            f.read_to_end(&mut bytes).expect("read");
            (bytes, f.compression())
        };
        assert_eq!(read(&mut zip, "collection.anki2"), (collection, CompressionMethod::Deflated));
        assert_eq!(read(&mut zip, "0"), (b"bytes of img/a.png".to_vec(), CompressionMethod::Stored));
        assert_eq!(read(&mut zip, "1"), (b"bytes of img/b.svg".to_vec(), CompressionMethod::Deflated));
        assert_eq!(read(&mut zip, "media").0, br#"{"0":"a.png","1":"b.svg"}"#.to_vec());
    }

    #[test]
    fn the_collection_deflated_while_its_indexes_are_built_is_the_finished_file() {
        let notes = numbered(400);
        let o = opts(true);
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("c.anki2");
        let dest = Path::new("out.apkg");
        let collection = CollectionFile::create(&file, dest).expect("create");
        let mut col = collection.collection(o.now_ms).expect("collection");
        for p in prepare(notes, &o) {
            let Prepared::Row(row) = p else { panic!("no media here") };
            col.add(row).expect("add");
        }
        let mut out = std::io::Cursor::new(Vec::new());
        let (_, early) = col
            .finish(date("2026-11-28"), |committed| package_early(dest, &file, committed, &mut out))
            .expect("finish");
        collection.close().expect("close");
        let early = early.expect("a collection larger than its first page starts early");
        let bytes = std::fs::read(&file).expect("collection");
        assert!(early.end > HEAD && early.end < bytes.len() as u64, "the indexes came after {}", early.end);
        let open = |_: &str| -> Result<Opened, Error> { panic!("no media") };
        let out = package(dest, &file, Some(&early), &[], &open, out).expect("package");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(out.into_inner())).expect("a zip");
        let mut entry = zip.by_name(COLLECTION).expect("the collection");
        let mut read = Vec::new();
        // Reading to the end checks the entry's CRC.
        entry.read_to_end(&mut read).expect("read");
        assert_eq!(read, bytes);
    }

    #[test]
    fn a_collection_changed_after_it_was_deflated_early_is_refused() {
        let (_dir, db, _) = build(&(0..300).map(|_| note(None)).collect::<Vec<_>>(), &opts(false));
        let size = std::fs::metadata(&db).expect("size").len();
        let mut out = std::io::Cursor::new(Vec::new());
        let early =
            package_early(Path::new("out.apkg"), &db, size / 2, &mut out).expect("early").expect("early");
        let mut bytes = std::fs::read(&db).expect("read");
        bytes[(HEAD + 10) as usize] ^= 1;
        std::fs::write(&db, &bytes).expect("write");
        let open = |_: &str| -> Result<Opened, Error> { panic!("no media") };
        let err = package(Path::new("out.apkg"), &db, Some(&early), &[], &open, out).expect_err("refused");
        assert!(err.to_string().contains("changed while it was being packed"), "{err}");
    }

    #[test]
    fn a_question_embedding_media_waits_for_the_pack() {
        let mut n = note(None);
        n.content = Content::Basic { front: "Pic ![[a.png]]".into(), back: "A".into() };
        assert!(matches!(prepare(vec![n.clone()], &opts(false))[..], [Prepared::Media(_)]));
        struct Named;
        impl Media for Named {
            fn resolve(&mut self, _: &str, link: &str) -> Option<String> {
                Some(format!("x-{link}"))
            }
        }
        let row = render(&n, &opts(false), &mut Named);
        assert!(row.fields.starts_with("Pic <img src=\"x-a.png\""), "{}", row.fields);
        assert_eq!(row.sort, "Pic  x-a.png");
    }
}
