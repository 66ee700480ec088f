//! `recall import` on packages that are not what Anki writes: each one is
//! refused with a message naming the file, exit 1, and nothing written.
//! The hostile packages are built here from recall's own export.

use std::io::{Cursor, Read, Write};
use std::path::Path;

use rusqlite::Connection;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::util::TestVault;

const TODAY: &str = "2026-11-28";

fn vault() -> TestVault {
    let v = TestVault::new();
    v.file(".obsidian/app.json", "{}").file(
        "Kafka.md",
        "#flashcards\n\nWhat is ISR?::in-sync replicas\n<!--SR:!2026-11-20,13,230-->\n\nBroker:::a server\n",
    );
    v
}

/// recall's own package of `v` (a legacy `collection.anki2`).
fn recall_package(v: &TestVault, with_scheduling: bool) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("p.apkg");
    let o = out.to_string_lossy().into_owned();
    let mut args = vec!["export", "-o", o.as_str()];
    if with_scheduling {
        args.push("--with-scheduling");
    }
    v.run(TODAY, &args).ok();
    std::fs::read(&out).expect("package")
}

fn entries(zip_bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(Cursor::new(zip_bytes)).expect("zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).expect("entry");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("read");
            (f.name().expect("name").into_owned(), data)
        })
        .collect()
}

fn zip_of(entries: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let opts = SimpleFileOptions::default().compression_method(method).large_file(data.len() > (1 << 30));
        z.start_file(*name, opts).expect("start");
        z.write_all(data).expect("write");
    }
    z.finish().expect("finish").into_inner()
}

/// The collection of recall's package with `sql` run on it.
fn edited_db(v: &TestVault, sql: &str) -> Vec<u8> {
    let pkg = recall_package(v, true);
    let db = entries(&pkg).into_iter().find(|(n, _)| n == "collection.anki2").expect("collection").1;
    let mut c = Connection::open_in_memory().expect("db");
    c.deserialize_read_exact("main", db.as_slice(), db.len(), false).expect("load");
    c.execute_batch(sql).expect("edit");
    c.serialize("main").expect("bytes").to_vec()
}

fn zstd(data: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
}

/// Imports `bytes` as `name` and checks the refusal.
fn refused(v: &TestVault, name: &str, bytes: &[u8], want: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).expect("write package");
    let snap = v.snapshot();
    let r = v.run(TODAY, &["import", &file.to_string_lossy(), "--apply"]);
    let err = r.stderr();
    assert_eq!(r.code(), Some(1), "{name}: {err}");
    assert!(
        err.starts_with("error: ") && err.contains(&file.to_string_lossy().into_owned()),
        "{name}: {err}"
    );
    assert!(err.contains(want), "{name}: want {want:?} in {err}");
    assert_eq!(v.snapshot(), snap, "{name}: something was written");
    assert!(!Path::new(&v.path(".recall")).exists(), "{name}: a review log was made");
}

#[test]
fn what_is_not_an_anki_package() {
    let v = vault();
    refused(&v, "notes.apkg", b"just some text", "not an Anki package");
    refused(&v, "empty.apkg", b"", "not an Anki package");
    refused(
        &v,
        "other.zip",
        &zip_of(&[("readme.txt", b"hi")], CompressionMethod::Deflated),
        "holds no collection",
    );
    let pkg = recall_package(&v, true);
    refused(&v, "cut.apkg", &pkg[..pkg.len() / 2], "not an Anki package");
}

#[test]
fn a_package_without_scheduling_says_export_with_scheduling() {
    let v = vault();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("plain.apkg");
    std::fs::write(&file, recall_package(&v, false)).expect("write");
    let r = v.run(TODAY, &["import", &file.to_string_lossy()]);
    assert_eq!(r.code(), Some(1));
    let err = r.stderr();
    assert!(err.contains("it has no scheduling"), "{err}");
    assert!(err.contains("hint: export it from Anki or AnkiDroid again with scheduling"), "{err}");
}

#[test]
fn unknown_versions_are_refused() {
    let v = vault();
    let db = edited_db(&v, "update col set ver = 99");
    refused(
        &v,
        "v99.apkg",
        &zip_of(&[("collection.anki21", &db)], CompressionMethod::Deflated),
        "schema version 99",
    );
    let db = edited_db(&v, "");
    let meta9 = zip_of(&[("collection.anki21", &db), ("meta", b"\x08\x09")], CompressionMethod::Stored);
    refused(&v, "meta9.apkg", &meta9, "package format version 9");
}

#[test]
fn truncated_and_damaged_data_is_refused() {
    let v = vault();
    let db = edited_db(&v, "");
    let half = zip_of(&[("collection.anki21", &db[..db.len() / 2])], CompressionMethod::Deflated);
    refused(&v, "half-db.apkg", &half, "its collection cannot be read");
    let garbage = [&[0x28, 0xb5, 0x2f, 0xfd][..], b"definitely not a zstd frame"].concat();
    let bad = zip_of(&[("collection.anki21b", &garbage), ("meta", b"\x08\x03")], CompressionMethod::Stored);
    refused(&v, "bad-zstd.apkg", &bad, "`collection.anki21b` cannot be decompressed");
    let z = zstd(&db);
    let cut = zip_of(
        &[("collection.anki21b", &z[..z.len() - 7]), ("meta", b"\x08\x03")],
        CompressionMethod::Stored,
    );
    refused(&v, "cut-zstd.apkg", &cut, "`collection.anki21b` cannot be decompressed");
    let plain = zip_of(&[("collection.anki21b", &db), ("meta", b"\x08\x03")], CompressionMethod::Stored);
    refused(&v, "not-zstd.apkg", &plain, "it is not zstd data");
    let text = zip_of(&[("collection.anki21", b"<html>not sqlite</html>")], CompressionMethod::Deflated);
    refused(&v, "html.apkg", &text, "is not an SQLite database");
}

#[test]
fn zip_bombs_are_refused() {
    let v = vault();
    // 200 MiB that compress to almost nothing, as zstd and as deflate.
    let mut huge = edited_db(&v, "");
    huge.resize(200 << 20, 0);
    let z = zstd(&huge);
    assert!(z.len() < 1 << 20);
    let bomb = zip_of(&[("collection.anki21b", &z), ("meta", b"\x08\x03")], CompressionMethod::Stored);
    refused(&v, "zstd-bomb.apkg", &bomb, "decompresses to more than");
    let bomb = zip_of(&[("collection.anki21", &huge)], CompressionMethod::Deflated);
    assert!(bomb.len() < 1 << 20);
    refused(&v, "deflate-bomb.apkg", &bomb, "decompresses to more than");
}

#[test]
fn names_outside_the_package_are_refused() {
    let v = vault();
    let db = edited_db(&v, "");
    let media = zip_of(
        &[("collection.anki21", &db), ("media", b"{\"0\": \"../../x\"}"), ("0", b"x")],
        CompressionMethod::Deflated,
    );
    refused(&v, "media.apkg", &media, "a file named `../../x`");
    let entry = zip_of(&[("collection.anki21", &db), ("../../x", b"x")], CompressionMethod::Deflated);
    refused(&v, "entry.apkg", &entry, "a file named `../../x`");
    // Nothing landed beside the vault either.
    for up in [v.root().join("../x"), v.root().join("../../x"), v.root().join("x")] {
        assert!(!up.exists(), "{} was written", up.display());
    }
}

#[test]
fn hostile_schemas_and_huge_values_are_refused() {
    let v = vault();
    let view = edited_db(
        &v,
        "drop table cards; create view cards as with recursive r(x) as (select 1 union all select x + 1 from r)
         select x as id, x as nid, 0 as did, 0 as ord, 0 as mod, 0 as usn, 2 as type, 2 as queue, 0 as due,
         1 as ivl, 2500 as factor, 0 as reps, 0 as lapses, 0 as left, 0 as odue, 0 as odid, 0 as flags, '' as data from r",
    );
    refused(
        &v,
        "view.apkg",
        &zip_of(&[("collection.anki21", &view)], CompressionMethod::Deflated),
        "`cards` is not a plain table",
    );
    let missing = edited_db(&v, "alter table revlog drop column lastIvl");
    refused(
        &v,
        "col.apkg",
        &zip_of(&[("collection.anki21", &missing)], CompressionMethod::Deflated),
        "`revlog` has no `lastIvl` column",
    );
    // A note of 65 MiB, stored uncompressed so no ratio bound applies.
    let huge = edited_db(&v, &format!("update notes set flds = cast(zeroblob({}) as text)", 65 << 20));
    refused(&v, "blob.apkg", &zip_of(&[("collection.anki21", &huge)], CompressionMethod::Stored), "too big");
}
