//! Deflating a large file on every core, as one raw deflate stream.
//!
//! The file is cut into chunks of a fixed size; each is deflated on its
//! own (no dictionary shared with the chunk before it), every chunk but
//! the last ending with a sync flush: an empty stored block, which leaves
//! the stream byte-aligned and not finished, so the chunks written one
//! after the other are one valid stream (pigz does the same). The last
//! chunk ends the stream. Each chunk's CRC-32 is taken beside its
//! deflating and the CRCs are combined in order, so the stream's CRC is
//! the file's. Workers take the chunks in turn (worker `w` the chunks `w`,
//! `w + threads`, …) and hand each to the writer through a channel of one
//! place, so at most a few chunks per worker are in memory, however large
//! the file.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::Path;
use std::sync::mpsc::sync_channel;

use flate2::{Compress, Compression, Crc, FlushCompress, Status};

/// What a deflated stream holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Deflated {
    /// CRC-32 of the input.
    pub(crate) crc32: u32,
    /// Bytes in and out.
    pub(crate) size: u64,
    pub(crate) compressed: u64,
}

/// Raw deflate of `input` at `level` into `out` (cleared first), with
/// `c` reset before: the whole stream when `last`, else a part of one,
/// ended by a sync flush.
pub(crate) fn deflate_chunk(c: &mut Compress, input: &[u8], last: bool, out: &mut Vec<u8>) -> io::Result<()> {
    c.reset();
    out.clear();
    out.reserve(input.len() / 2 + 64);
    let flush = if last { FlushCompress::Finish } else { FlushCompress::Sync };
    loop {
        let done = c.total_in() as usize;
        let status = c.compress_vec(&input[done..], out, flush).map_err(io::Error::other)?;
        let all_in = c.total_in() as usize == input.len();
        // Deflate is through when the input is in and it left room in
        // the output (a sync flush), or said so (the finish).
        if match status {
            Status::StreamEnd => true,
            Status::Ok | Status::BufError => !last && all_in && out.len() < out.capacity(),
        } {
            return Ok(());
        }
        if out.len() == out.capacity() {
            out.reserve(out.capacity().max(4096));
        }
    }
}

/// Deflates the `size` bytes of the file `src` at `level`, chunks of
/// `chunk` bytes on `threads` threads, and writes the stream to `out`.
pub(crate) fn deflate_file(
    src: &Path,
    size: u64,
    level: u32,
    chunk: usize,
    threads: usize,
    out: &mut dyn Write,
) -> io::Result<Deflated> {
    let (crc, compressed) = deflate_range(src, 0..size, true, level, chunk, threads, out)?;
    Ok(Deflated { crc32: crc.sum(), size, compressed })
}

/// Deflates the bytes `range` of the file `src` at `level` as a part of
/// one stream that starts byte-aligned (see the module doc): chunks of
/// `chunk` bytes on `threads` threads, written to `out`; `last` when the
/// range ends the stream. Returns the range's CRC and the bytes written.
pub(crate) fn deflate_range(
    src: &Path,
    range: Range<u64>,
    last: bool,
    level: u32,
    chunk: usize,
    threads: usize,
    out: &mut dyn Write,
) -> io::Result<(Crc, u64)> {
    let chunk = chunk.max(1);
    let threads = threads.max(1);
    let size = range.end.saturating_sub(range.start);
    // A stream's end is a chunk even when nothing is left to deflate.
    let chunks = if last { size.div_ceil(chunk as u64).max(1) } else { size.div_ceil(chunk as u64) };
    std::thread::scope(|scope| {
        let mut parts = Vec::with_capacity(threads);
        for w in 0..threads as u64 {
            let (tx, rx) = sync_channel::<io::Result<(Vec<u8>, Crc)>>(1);
            parts.push(rx);
            scope.spawn(move || {
                let run = || -> io::Result<()> {
                    let mut file = File::open(src)?;
                    let mut c = Compress::new(Compression::new(level), false);
                    let mut input = Vec::new();
                    for i in (w..chunks).step_by(threads) {
                        let start = i * chunk as u64;
                        let len = (size - start.min(size)).min(chunk as u64) as usize;
                        input.resize(len, 0);
                        file.seek(SeekFrom::Start(range.start + start))?;
                        file.read_exact(&mut input)?;
                        let mut crc = Crc::new();
                        crc.update(&input);
                        let mut deflated = Vec::new();
                        deflate_chunk(&mut c, &input, last && i + 1 == chunks, &mut deflated)?;
                        if tx.send(Ok((deflated, crc))).is_err() {
                            // The writer stopped.
                            return Ok(());
                        }
                    }
                    Ok(())
                };
                if let Err(e) = run() {
                    let _ = tx.send(Err(e));
                }
            });
        }
        let mut crc = Crc::new();
        let mut compressed = 0;
        for i in 0..chunks {
            let (bytes, part) = parts[(i % threads as u64) as usize]
                .recv()
                .map_err(|_| io::Error::other("a deflating thread stopped"))??;
            out.write_all(&bytes)?;
            crc.combine(&part);
            compressed += bytes.len() as u64;
        }
        Ok((crc, compressed))
    })
}

/// `data` as stored (uncompressed) deflate blocks, not the stream's last,
/// where the stream is byte-aligned: 5 bytes of header per 65,535 bytes.
pub(crate) fn stored_blocks(data: &[u8], out: &mut Vec<u8>) {
    for piece in data.chunks(usize::from(u16::MAX)) {
        let len = piece.len() as u16;
        out.push(0);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(piece);
    }
}

/// The size of [`stored_blocks`] of `n` bytes.
pub(crate) fn stored_len(n: u64) -> u64 {
    n + 5 * n.div_ceil(u64::from(u16::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::DeflateDecoder;

    /// Bytes that compress a little, like a collection's pages: text, runs
    /// of zeros, and noise.
    fn sample(len: usize) -> Vec<u8> {
        let mut x: u32 = 0x9e37_79b9;
        (0..len)
            .map(|i| match (i / 700) % 3 {
                0 => b"the quick brown fox jumps over the lazy dog "[i % 44],
                1 => 0,
                _ => {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    x as u8
                }
            })
            .collect()
    }

    fn inflate(stream: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        DeflateDecoder::new(stream).read_to_end(&mut out).expect("a valid deflate stream");
        out
    }

    fn crc(bytes: &[u8]) -> u32 {
        let mut c = Crc::new();
        c.update(bytes);
        c.sum()
    }

    /// Deflates `input` through a file, in chunks of `chunk` bytes.
    fn through_file(input: &[u8], chunk: usize, threads: usize) -> (Vec<u8>, Deflated) {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("in");
        std::fs::write(&file, input).expect("write");
        let mut out = Vec::new();
        let d = deflate_file(&file, input.len() as u64, 1, chunk, threads, &mut out).expect("deflate");
        (out, d)
    }

    #[test]
    fn stored_head_early_range_and_rest_make_one_stream() {
        let input = sample(200_000);
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("in");
        std::fs::write(&file, &input).expect("write");
        for (head, early) in [(70_000, 150_000), (65_536, 65_536), (10, 199_999), (0, 200_000)] {
            let mut out = Vec::new();
            stored_blocks(&input[..head], &mut out);
            assert_eq!(out.len() as u64, stored_len(head as u64));
            let (mut c, _) =
                deflate_range(&file, head as u64..early as u64, false, 1, 4096, 1, &mut out).expect("early");
            let (rest, _) =
                deflate_range(&file, early as u64..200_000, true, 1, 4096, 2, &mut out).expect("rest");
            c.combine(&rest);
            assert_eq!(inflate(&out), input, "head {head}, early to {early}");
            let mut all = Crc::new();
            all.update(&input[..head]);
            all.combine(&c);
            assert_eq!(all.sum(), crc(&input));
        }
    }

    #[test]
    fn the_chunks_inflate_to_the_input_with_its_crc() {
        let chunk = 4096;
        for len in
            [0, 1, chunk - 1, chunk, chunk + 1, 2 * chunk, 3 * chunk - 1, 3 * chunk + 1, 10 * chunk + 17]
        {
            let input = sample(len);
            for threads in [1, 2, 3] {
                let (out, d) = through_file(&input, chunk, threads);
                assert_eq!(inflate(&out), input, "{len} bytes on {threads} threads");
                assert_eq!(
                    d,
                    Deflated { crc32: crc(&input), size: len as u64, compressed: out.len() as u64 }
                );
            }
        }
    }

    #[test]
    fn one_chunk_is_the_plain_stream() {
        let input = sample(5000);
        let (out, _) = through_file(&input, 1 << 20, 2);
        let mut plain = Vec::new();
        deflate_chunk(&mut Compress::new(Compression::new(1), false), &input, true, &mut plain)
            .expect("deflate");
        assert_eq!(out, plain);
        assert!(out.len() < input.len() / 2, "it compresses: {} of {}", out.len(), input.len());
    }

    #[test]
    fn a_file_shorter_than_said_is_an_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("in");
        std::fs::write(&file, sample(100)).expect("write");
        let err = deflate_file(&file, 9000, 1, 4096, 2, &mut Vec::new()).expect_err("short file");
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
    }
}
