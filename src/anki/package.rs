//! The zip layer of a package: which collection file is the real one, its
//! bytes (decompressed within [`Limits`]), and a check of every name.
//!
//! Only `meta`, `media` and one collection file are ever read; media files
//! are neither read nor extracted. Every entry name and every media name must
//! stay inside the package (no absolute path, no `..`, no NUL; media names
//! are flat), or the package is refused: it was not written by Anki.

use std::io::{Read, Seek};

use super::{Format, PackageError, proto, zstd};

/// How much any entry may decompress to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Never more than this many bytes.
    pub max_bytes: u64,
    /// Past `floor` bytes, at most this many times the compressed size.
    pub max_ratio: u64,
    /// Any entry may decompress to this many bytes whatever its ratio
    /// (a nearly empty SQLite file compresses very well).
    pub floor: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_bytes: 2 << 30, max_ratio: 1000, floor: 64 << 20 }
    }
}

impl Limits {
    /// The most an entry of `compressed` bytes may decompress to.
    #[must_use]
    pub fn allowed(&self, compressed: u64) -> u64 {
        compressed.saturating_mul(self.max_ratio).max(self.floor).min(self.max_bytes)
    }
}

/// The collection file of a package, decompressed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub format: Format,
    /// The SQLite database.
    pub collection: Vec<u8>,
    /// Media files the package lists.
    pub media: usize,
}

/// The first bytes of every SQLite database.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

/// True when `name` would leave the folder it is extracted to.
fn escapes(name: &str) -> bool {
    name.contains('\0')
        || name.starts_with(['/', '\\'])
        || name.as_bytes().get(1) == Some(&b':')
        || name.split(['/', '\\']).any(|part| part == "..")
}

/// True when `name` is not a plain media file name.
fn bad_media_name(name: &str) -> bool {
    name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', '\0'])
}

/// Opens the zip in `file`, picks the collection and checks the media names.
pub fn open<R: Read + Seek>(file: R, limits: &Limits) -> Result<Package, PackageError> {
    let mut zip = zip::ZipArchive::new(file).map_err(|e| PackageError::NotZip(zip_message(&e)))?;
    let mut names = Vec::with_capacity(zip.len());
    for raw in zip.file_names_raw() {
        let name = String::from_utf8_lossy(raw).into_owned();
        if escapes(&name) {
            return Err(PackageError::UnsafeName { name: crate::sanitize::one_line(&name) });
        }
        names.push(name);
    }
    let has = |n: &str| names.iter().any(|x| x == n);

    let version = if has("meta") {
        let meta = read_entry(&mut zip, "meta", &Limits { max_bytes: 1 << 20, ..*limits })?;
        proto::package_version(&meta)
            .map_err(|e| PackageError::Damaged { entry: "meta".into(), message: e.to_string() })?
    } else {
        0
    };
    let format = match version {
        0 => [Format::Anki21b, Format::Anki21, Format::Anki2]
            .into_iter()
            .find(|f| has(f.file_name()))
            .ok_or(PackageError::NoCollection)?,
        1 => Format::Anki2,
        2 => Format::Anki21,
        3 => Format::Anki21b,
        v => return Err(PackageError::UnknownVersion(v)),
    };
    if !has(format.file_name()) {
        return Err(PackageError::NoCollection);
    }
    let entry = format.file_name();
    let raw = read_entry(&mut zip, entry, limits)?;
    let collection = if format == Format::Anki21b {
        zstd::decode(&raw, limits.allowed(raw.len() as u64)).map_err(|e| match e {
            zstd::ZstdError::TooLarge { limit } => PackageError::TooLarge { entry: entry.into(), limit },
            error => PackageError::Zstd { entry: entry.into(), error },
        })?
    } else {
        raw
    };
    if !collection.starts_with(SQLITE_MAGIC) {
        return Err(PackageError::NotSqlite { entry: entry.into() });
    }

    let media = if has("media") {
        let raw = read_entry(&mut zip, "media", &Limits { max_bytes: 256 << 20, ..*limits })?;
        media_names(&raw, format, limits)?
    } else {
        0
    };
    Ok(Package { format, collection, media })
}

/// Checks the media list and returns how many files it names.
fn media_names(raw: &[u8], format: Format, limits: &Limits) -> Result<usize, PackageError> {
    let names: Vec<String> = if raw.starts_with(&zstd::MAGIC) {
        // Current packages: zstd-compressed `MediaEntries`.
        let data = zstd::decode(raw, limits.allowed(raw.len() as u64).min(256 << 20))
            .map_err(|error| PackageError::Zstd { entry: "media".into(), error })?;
        proto::media_names(&data)
            .map_err(|e| PackageError::BadMedia(e.to_string()))?
            .into_iter()
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect()
    } else if raw.iter().all(u8::is_ascii_whitespace) && format != Format::Anki21b {
        Vec::new()
    } else {
        // Legacy packages: a JSON map from zip entry ("0") to file name.
        let map: std::collections::BTreeMap<String, String> =
            serde_json::from_slice(raw).map_err(|e| PackageError::BadMedia(e.to_string()))?;
        for k in map.keys() {
            if escapes(k) {
                return Err(PackageError::UnsafeName { name: crate::sanitize::one_line(k) });
            }
        }
        map.into_values().collect()
    };
    if let Some(bad) = names.iter().find(|n| bad_media_name(n)) {
        return Err(PackageError::UnsafeName { name: crate::sanitize::one_line(bad) });
    }
    Ok(names.len())
}

fn zip_message(e: &zip::result::ZipError) -> String {
    match e {
        zip::result::ZipError::Io(io) => format!("it cannot be read as a zip archive ({io})"),
        other => format!("it is not a zip archive, or it is cut short ({other})"),
    }
}

/// Reads one entry, refusing more than [`Limits::allowed`] bytes.
fn read_entry<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    limits: &Limits,
) -> Result<Vec<u8>, PackageError> {
    let damaged = |message: String| PackageError::Damaged { entry: name.to_owned(), message };
    let mut f = zip.by_name(name).map_err(|e| damaged(e.to_string()))?;
    let limit = limits.allowed(f.compressed_size());
    if f.size() > limit {
        return Err(PackageError::TooLarge { entry: name.to_owned(), limit });
    }
    // The declared size is only a hint: never reserve more than a little.
    let mut out = Vec::with_capacity(f.size().min(16 << 20) as usize);
    let read = (&mut f).take(limit.saturating_add(1)).read_to_end(&mut out);
    if out.len() as u64 > limit {
        return Err(PackageError::TooLarge { entry: name.to_owned(), limit });
    }
    read.map_err(|e| damaged(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use zip::write::SimpleFileOptions;

    use super::*;

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in entries {
            let opts = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            z.start_file(*name, opts).expect("start");
            z.write_all(data).expect("write");
        }
        z.finish().expect("finish").into_inner()
    }

    const DB: &[u8] = b"SQLite format 3\0rest of the file";

    fn open_bytes(bytes: Vec<u8>) -> Result<Package, PackageError> {
        open(Cursor::new(bytes), &Limits::default())
    }

    fn zstd(data: &[u8]) -> Vec<u8> {
        ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest)
    }

    #[test]
    fn meta_picks_the_real_collection_and_the_newest_wins_without_it() {
        let dummy = b"SQLite format 3\0dummy";
        let z =
            zip_of(&[("collection.anki2", dummy), ("collection.anki21b", &zstd(DB)), ("meta", b"\x08\x03")]);
        let p = open_bytes(z).expect("open");
        assert_eq!((p.format, p.collection.as_slice()), (Format::Anki21b, DB));
        let z = zip_of(&[
            ("collection.anki2", dummy),
            ("collection.anki21", DB),
            ("meta", b"\x08\x02"),
            ("media", b"{}"),
        ]);
        let p = open_bytes(z).expect("open");
        assert_eq!((p.format, p.collection.as_slice(), p.media), (Format::Anki21, DB, 0));
        let z = zip_of(&[("collection.anki2", DB), ("media", b"{\"0\": \"a.png\"}"), ("0", b"png")]);
        let p = open_bytes(z).expect("open");
        assert_eq!((p.format, p.media), (Format::Anki2, 1));
        assert_eq!(
            open_bytes(zip_of(&[("collection.anki21", DB), ("meta", b"\x08\x09")])),
            Err(PackageError::UnknownVersion(9))
        );
        assert_eq!(
            open_bytes(zip_of(&[("meta", b"\x08\x03"), ("collection.anki2", DB)])),
            Err(PackageError::NoCollection)
        );
        assert_eq!(open_bytes(zip_of(&[("notes.txt", b"x")])), Err(PackageError::NoCollection));
    }

    #[test]
    fn not_a_zip_truncated_or_not_sqlite() {
        assert!(matches!(open_bytes(b"hello, not a zip".to_vec()), Err(PackageError::NotZip(_))));
        let z = zip_of(&[("collection.anki21", DB)]);
        assert!(matches!(open_bytes(z[..z.len() / 2].to_vec()), Err(PackageError::NotZip(_))));
        assert_eq!(
            open_bytes(zip_of(&[("collection.anki21", b"<html>")])),
            Err(PackageError::NotSqlite { entry: "collection.anki21".into() })
        );
        let z = zip_of(&[("collection.anki21b", &zstd(DB)[..10]), ("meta", b"\x08\x03")]);
        assert!(matches!(open_bytes(z), Err(PackageError::Zstd { .. })), "truncated zstd");
        let z = zip_of(&[("collection.anki21b", DB), ("meta", b"\x08\x03")]);
        assert!(matches!(open_bytes(z), Err(PackageError::Zstd { error: zstd::ZstdError::NotZstd, .. })));
    }

    #[test]
    fn bombs_are_refused() {
        let limits = Limits { max_bytes: 1 << 20, max_ratio: 10, floor: 1 << 16 };
        let zeros = vec![0u8; 4 << 20];
        let mut db = DB.to_vec();
        db.extend_from_slice(&zeros);
        let z = zip_of(&[("collection.anki21", &db)]);
        assert!(matches!(open(Cursor::new(z), &limits), Err(PackageError::TooLarge { .. })));
        let z = zip_of(&[("collection.anki21b", &zstd(&db)), ("meta", b"\x08\x03")]);
        assert!(matches!(open(Cursor::new(z), &limits), Err(PackageError::TooLarge { .. })));
        assert_eq!(limits.allowed(10), 1 << 16);
        assert_eq!(limits.allowed(1 << 17), 1 << 20);
        assert_eq!(Limits::default().allowed(u64::MAX), 2 << 30);
    }

    #[test]
    fn names_that_leave_the_package_are_refused() {
        for name in ["../../x", "/etc/passwd", "a/../../b", "C:\\x", "..\\x"] {
            let z = zip_of(&[("collection.anki21", DB), (name, b"x")]);
            assert!(matches!(open_bytes(z), Err(PackageError::UnsafeName { .. })), "{name}");
        }
        for media in
            ["{\"0\": \"../../x\"}", "{\"0\": \"a/b.png\"}", "{\"../0\": \"a.png\"}", "{\"0\": \"\"}"]
        {
            let z = zip_of(&[("collection.anki21", DB), ("media", media.as_bytes())]);
            assert!(matches!(open_bytes(z), Err(PackageError::UnsafeName { .. })), "{media}");
        }
        // The current format: a MediaEntries protobuf naming `../../x`.
        let entry = [b"\x0a\x07".as_slice(), b"../../x"].concat();
        let list = [b"\x0a".as_slice(), &[entry.len() as u8], &entry].concat();
        let z = zip_of(&[("collection.anki21b", &zstd(DB)), ("meta", b"\x08\x03"), ("media", &zstd(&list))]);
        assert_eq!(open_bytes(z), Err(PackageError::UnsafeName { name: "../../x".into() }));
        let z = zip_of(&[("collection.anki21", DB), ("media", b"[1, 2")]);
        assert!(matches!(open_bytes(z), Err(PackageError::BadMedia(_))));
        assert!(!escapes("collection.anki21") && !escapes("a..b") && !bad_media_name("my..file.png"));
    }
}
