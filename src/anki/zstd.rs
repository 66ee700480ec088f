//! Zstandard decoding with a bound on the output (pure Rust, `ruzstd`).
//!
//! Anki compresses a current package's collection and media list with
//! zstd. The decoder stops as soon as the output would pass the limit, so a
//! frame that claims or expands to more is refused without holding more than
//! the limit in memory; the window is capped by `ruzstd` (128 MiB). Every
//! frame must end where the data ends or where the next frame starts, and
//! its checksum, when it has one, must match.

use std::io::Read;

use ruzstd::decoding::StreamingDecoder;

/// The first bytes of a zstd frame.
pub const MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Why zstd data could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZstdError {
    #[error("it is not zstd data")]
    NotZstd,
    #[error("the zstd data is damaged or cut short ({0})")]
    Corrupt(String),
    #[error("the zstd data is cut short")]
    Truncated,
    #[error("the zstd checksum does not match: the data is damaged")]
    Checksum,
    #[error("it decompresses to more than {limit} bytes")]
    TooLarge { limit: u64 },
}

/// Decodes every frame of `data` (skippable frames are skipped), refusing
/// output over `limit` bytes.
pub fn decode(data: &[u8], limit: u64) -> Result<Vec<u8>, ZstdError> {
    if !data.starts_with(&MAGIC) {
        return Err(ZstdError::NotZstd);
    }
    let mut input = data;
    let mut out = Vec::new();
    while !input.is_empty() {
        if input.len() >= 4
            && u32::from_le_bytes([input[0], input[1], input[2], input[3]]) & !0xf == 0x184d_2a50
        {
            let len = input.get(4..8).ok_or(ZstdError::Truncated)?;
            let len = u32::from_le_bytes([len[0], len[1], len[2], len[3]]) as usize;
            input = input.get(8 + len..).ok_or(ZstdError::Truncated)?;
            continue;
        }
        let mut decoder = StreamingDecoder::new(&mut input).map_err(|e| ZstdError::Corrupt(e.to_string()))?;
        let room = limit.saturating_sub(out.len() as u64);
        let read = (&mut decoder).take(room.saturating_add(1)).read_to_end(&mut out);
        if out.len() as u64 > limit {
            return Err(ZstdError::TooLarge { limit });
        }
        match read {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Err(ZstdError::Truncated),
            Err(e) => return Err(ZstdError::Corrupt(e.to_string())),
        }
        let frame = &decoder.decoder;
        if !frame.is_finished() {
            return Err(ZstdError::Truncated);
        }
        if let (Some(stored), Some(computed)) =
            (frame.get_checksum_from_data(), frame.get_calculated_checksum())
            && stored != computed
        {
            return Err(ZstdError::Checksum);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use ruzstd::encoding::{CompressionLevel, compress_to_vec};

    use super::*;

    fn compress(data: &[u8]) -> Vec<u8> {
        compress_to_vec(data, CompressionLevel::Fastest)
    }

    fn text(n: usize) -> Vec<u8> {
        (0..n).map(|i| b"abcdefghij klmnop\n"[i % 18] ^ ((i / 997) as u8 & 1)).collect()
    }

    #[test]
    fn round_trips_and_concatenated_frames() {
        let data = text(300_000);
        let z = compress(&data);
        assert_eq!(decode(&z, 1 << 20), Ok(data.clone()));
        // Two frames and a skippable frame between them, as zstd allows.
        let mut two = z.clone();
        two.extend_from_slice(&[0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]);
        two.extend_from_slice(&compress(b"tail"));
        let mut want = data;
        want.extend_from_slice(b"tail");
        assert_eq!(decode(&two, 1 << 20), Ok(want));
    }

    #[test]
    fn the_limit_is_enforced_while_decoding() {
        // A bomb: 64 MiB of zeros compress to a few kilobytes.
        let z = compress(&vec![0u8; 64 << 20]);
        assert!(z.len() < 64 << 10, "{}", z.len());
        assert_eq!(decode(&z, 1 << 20), Err(ZstdError::TooLarge { limit: 1 << 20 }));
        assert_eq!(decode(&compress(b"12345"), 5), Ok(b"12345".to_vec()));
        assert_eq!(decode(&compress(b"123456"), 5), Err(ZstdError::TooLarge { limit: 5 }));
    }

    #[test]
    fn damaged_and_truncated_frames_are_errors() {
        assert_eq!(decode(b"SQLite format 3\0", 100), Err(ZstdError::NotZstd));
        assert_eq!(decode(b"", 100), Err(ZstdError::NotZstd));
        let z = compress(&text(100_000));
        for cut in [5, z.len() / 2, z.len() - 1] {
            let got = decode(&z[..cut], 1 << 20);
            assert!(matches!(got, Err(ZstdError::Truncated | ZstdError::Corrupt(_))), "cut {cut}: {got:?}");
        }
        // The frame ends with its checksum: a wrong one is caught.
        let mut bad_sum = z.clone();
        let last = bad_sum.len() - 1;
        bad_sum[last] ^= 0x55;
        assert_eq!(decode(&bad_sum, 1 << 20), Err(ZstdError::Checksum));
        let mut skip = z;
        skip.extend_from_slice(&[0x50, 0x2a, 0x4d, 0x18, 100, 0, 0, 0, 1]);
        assert_eq!(decode(&skip, 1 << 20), Err(ZstdError::Truncated));
    }

    proptest! {
        #[test]
        fn any_bytes_after_the_magic_decode_or_fail_cleanly(tail in proptest::collection::vec(any::<u8>(), 0..512)) {
            let mut data = MAGIC.to_vec();
            data.extend_from_slice(&tail);
            if let Ok(out) = decode(&data, 1 << 16) {
                prop_assert!(out.len() <= 1 << 16);
            }
        }
    }
}
