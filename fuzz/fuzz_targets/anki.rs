//! The Anki package reader on arbitrary bytes: the protobuf reader, the
//! bounded zstd decoder, the zip layer and the SQLite layer never panic,
//! and nothing decodes past its limit.
#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use recall::anki::{Format, Limits, db, package, proto, read_package, zstd};

fuzz_target!(|data: &[u8]| {
    let _ = proto::package_version(data);
    if let Ok(names) = proto::media_names(data) {
        assert!(names.iter().all(|n| n.len() <= data.len()));
    }
    if let Ok(out) = zstd::decode(data, 1 << 20) {
        assert!(out.len() <= 1 << 20);
    }
    let limits = Limits { max_bytes: 8 << 20, max_ratio: 100, floor: 1 << 20 };
    if let Ok(p) = package::open(Cursor::new(data), &limits) {
        assert!(p.collection.len() as u64 <= limits.max_bytes);
    }
    let _ = read_package(Cursor::new(data), &limits);
    if data.starts_with(b"SQLite format 3\0") {
        let _ = db::read(data, Format::Anki21);
    }
});
