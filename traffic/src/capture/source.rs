//! Where a capture reader's bytes come from: any [`Read`] through a growable
//! buffer, or a byte slice already in memory (a file mapped by the caller),
//! which hands out packets without copying them at all.

use std::io::{ErrorKind, Read};

/// Chunk size for reads from the underlying reader.
const CHUNK: usize = 64 * 1024;

mod sealed {
    pub trait Sealed {}
}

/// The bytes a capture reader parses. Implemented by [`ReadSource`] and
/// [`SliceSource`] only; record parsers look ahead with `fill` and `peek`.
pub trait ByteSource: sealed::Sealed {
    /// Makes at least `n` bytes available if the input has them; returns how many are.
    #[doc(hidden)]
    fn fill(&mut self, n: usize) -> std::io::Result<usize>;
    /// The next `n` bytes; the caller has made sure they are available.
    #[doc(hidden)]
    fn peek(&self, n: usize) -> &[u8];
    #[doc(hidden)]
    fn consume(&mut self, n: usize);
    /// Returns the next `n` bytes and consumes them.
    #[doc(hidden)]
    fn take(&mut self, n: usize) -> &[u8];
    /// Bytes consumed since the start of the input.
    #[doc(hidden)]
    fn position(&self) -> u64;
}

/// Bytes read from a [`Read`] into a buffer reused for every record.
#[derive(Debug)]
pub struct ReadSource<R> {
    reader: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// Input offset of `buf[start]`.
    offset: u64,
}

impl<R: Read> ReadSource<R> {
    pub(crate) fn new(reader: R) -> Self {
        ReadSource {
            reader,
            buf: Vec::new(),
            start: 0,
            end: 0,
            eof: false,
            offset: 0,
        }
    }
}

impl<R> sealed::Sealed for ReadSource<R> {}

impl<R: Read> ByteSource for ReadSource<R> {
    #[inline]
    fn fill(&mut self, n: usize) -> std::io::Result<usize> {
        if self.end - self.start >= n || self.eof {
            return Ok(self.end - self.start);
        }
        // Move the unread tail to the front so the buffer does not grow without bound.
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let want = n.max(CHUNK);
        if self.buf.len() < want {
            self.buf.resize(want, 0);
        }
        while self.end < n {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(k) => self.end += k,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.end - self.start)
    }

    #[inline]
    fn peek(&self, n: usize) -> &[u8] {
        &self.buf[self.start..self.start + n]
    }

    #[inline]
    fn consume(&mut self, n: usize) {
        self.start += n;
        self.offset += n as u64;
    }

    #[inline]
    fn take(&mut self, n: usize) -> &[u8] {
        let at = self.start;
        self.consume(n);
        &self.buf[at..at + n]
    }

    fn position(&self) -> u64 {
        self.offset
    }
}

/// A whole capture already in memory; packets borrow it directly.
#[derive(Debug, Clone, Copy)]
pub struct SliceSource<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> SliceSource<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        SliceSource { bytes, at: 0 }
    }
}

impl sealed::Sealed for SliceSource<'_> {}

impl ByteSource for SliceSource<'_> {
    #[inline]
    fn fill(&mut self, _n: usize) -> std::io::Result<usize> {
        Ok(self.bytes.len() - self.at)
    }

    #[inline]
    fn peek(&self, n: usize) -> &[u8] {
        &self.bytes[self.at..self.at + n]
    }

    #[inline]
    fn consume(&mut self, n: usize) {
        self.at += n;
    }

    #[inline]
    fn take(&mut self, n: usize) -> &[u8] {
        let at = self.at;
        self.at += n;
        &self.bytes[at..at + n]
    }

    fn position(&self) -> u64 {
        self.at as u64
    }
}
