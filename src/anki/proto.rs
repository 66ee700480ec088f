//! A minimal protocol-buffers reader: just enough to read the two messages
//! of an Anki package (`meta`: `PackageMetadata`, `media`: `MediaEntries`).
//!
//! It reads the wire format field by field and never allocates for fields it
//! skips; every length is checked against what is left, so any input either
//! decodes or gives a [`ProtoError`] (no panic, no read past the end). Groups
//! (wire types 3 and 4, unused by Anki) are refused.

/// Why a message could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtoError {
    #[error("a number runs past the end of the data")]
    Truncated,
    #[error("a number is longer than 10 bytes")]
    VarintTooLong,
    #[error("a field of {len} bytes is longer than the {left} bytes left")]
    FieldTooLong { len: u64, left: usize },
    #[error("field {field} has wire type {wire}, which is not used here")]
    BadWireType { field: u64, wire: u8 },
    #[error("field number 0 is not valid")]
    FieldZero,
}

/// One field's value as it is on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
}

/// Reads the fields of one message in order.
#[derive(Debug, Clone)]
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over one encoded message.
    #[must_use]
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data }
    }

    fn varint(&mut self) -> Result<u64, ProtoError> {
        let mut value = 0u64;
        for i in 0..10 {
            let (&b, rest) = self.data.split_first().ok_or(ProtoError::Truncated)?;
            self.data = rest;
            value |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(ProtoError::VarintTooLong)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ProtoError> {
        if n > self.data.len() {
            return Err(ProtoError::FieldTooLong { len: n as u64, left: self.data.len() });
        }
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        Ok(head)
    }

    /// The next field (number and value), `None` at the end of the message.
    pub fn next_field(&mut self) -> Result<Option<(u64, Value<'a>)>, ProtoError> {
        if self.data.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let field = key >> 3;
        if field == 0 {
            return Err(ProtoError::FieldZero);
        }
        let value = match (key & 7) as u8 {
            0 => Value::Varint(self.varint()?),
            1 => {
                let b = self.take(8)?;
                Value::Fixed64(u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]]))
            }
            2 => {
                let len = self.varint()?;
                let left = self.data.len();
                let n = usize::try_from(len).map_err(|_| ProtoError::FieldTooLong { len, left })?;
                Value::Bytes(self.take(n)?)
            }
            5 => {
                let b = self.take(4)?;
                Value::Fixed32(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            }
            wire => return Err(ProtoError::BadWireType { field, wire }),
        };
        Ok(Some((field, value)))
    }
}

/// `PackageMetadata.version` (field 1): 1 `collection.anki2`, 2
/// `collection.anki21`, 3 `collection.anki21b`; 0 when the field is absent.
pub fn package_version(meta: &[u8]) -> Result<u64, ProtoError> {
    let mut r = Reader::new(meta);
    let mut version = 0;
    while let Some((field, value)) = r.next_field()? {
        if let (1, Value::Varint(v)) = (field, value) {
            version = v;
        }
    }
    Ok(version)
}

/// The file names of a `MediaEntries` message (`repeated MediaEntry
/// entries = 1`, each with `string name = 1`), as raw bytes.
pub fn media_names(media: &[u8]) -> Result<Vec<&[u8]>, ProtoError> {
    let mut names = Vec::new();
    let mut r = Reader::new(media);
    while let Some((field, value)) = r.next_field()? {
        let (1, Value::Bytes(entry)) = (field, value) else { continue };
        let mut e = Reader::new(entry);
        let mut name: &[u8] = &[];
        while let Some((f, v)) = e.next_field()? {
            if let (1, Value::Bytes(n)) = (f, v) {
                name = n;
            }
        }
        names.push(name);
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    fn bytes_field(field: u64, data: &[u8], out: &mut Vec<u8>) {
        varint(field << 3 | 2, out);
        varint(data.len() as u64, out);
        out.extend_from_slice(data);
    }

    #[test]
    fn reads_what_anki_writes() {
        // Anki's own `meta` files: version 3 (current) and 2 (legacy export).
        assert_eq!(package_version(b"\x08\x03"), Ok(3));
        assert_eq!(package_version(b"\x08\x02"), Ok(2));
        assert_eq!(package_version(b""), Ok(0));
        let mut media = Vec::new();
        for name in ["a.png", "b c.mp3"] {
            let mut entry = Vec::new();
            bytes_field(1, name.as_bytes(), &mut entry);
            varint(2 << 3, &mut entry);
            varint(1234, &mut entry);
            bytes_field(3, &[0xab; 20], &mut entry);
            bytes_field(1, &entry, &mut media);
        }
        assert_eq!(media_names(&media), Ok(vec![&b"a.png"[..], b"b c.mp3"]));
    }

    #[test]
    fn skips_unknown_fields_of_every_wire_type() {
        let mut m = Vec::new();
        varint(7 << 3 | 1, &mut m);
        m.extend_from_slice(&[1; 8]);
        varint(8 << 3 | 5, &mut m);
        m.extend_from_slice(&[2; 4]);
        bytes_field(9, b"zzz", &mut m);
        varint(1 << 3, &mut m);
        varint(300, &mut m);
        assert_eq!(package_version(&m), Ok(300));
    }

    #[test]
    fn malformed_messages_are_errors() {
        assert_eq!(package_version(b"\x08"), Err(ProtoError::Truncated));
        assert_eq!(
            package_version(&[0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
            Err(ProtoError::VarintTooLong)
        );
        assert_eq!(media_names(b"\x0a\x05ab"), Err(ProtoError::FieldTooLong { len: 5, left: 2 }));
        assert_eq!(package_version(b"\x0b"), Err(ProtoError::BadWireType { field: 1, wire: 3 }));
        assert_eq!(package_version(b"\x00\x01"), Err(ProtoError::FieldZero));
        // A length that does not fit in memory.
        assert!(matches!(
            media_names(&[0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
            Err(ProtoError::FieldTooLong { .. })
        ));
    }

    proptest! {
        #[test]
        fn any_bytes_decode_or_fail_cleanly(data in proptest::collection::vec(any::<u8>(), 0..256)) {
            let _ = package_version(&data);
            if let Ok(names) = media_names(&data) {
                prop_assert!(names.iter().all(|n| n.len() <= data.len()));
            }
        }
    }
}
