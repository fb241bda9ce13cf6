//! A growable read buffer that lets record parsers look ahead without copying per packet.

use std::io::{ErrorKind, Read};

/// Chunk size for reads from the underlying reader.
const CHUNK: usize = 64 * 1024;

#[derive(Debug)]
pub(crate) struct ByteSource<R> {
    reader: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// File offset of `buf[start]`.
    offset: u64,
}

impl<R: Read> ByteSource<R> {
    pub(crate) fn new(reader: R) -> Self {
        ByteSource {
            reader,
            buf: Vec::new(),
            start: 0,
            end: 0,
            eof: false,
            offset: 0,
        }
    }

    /// Makes at least `n` bytes available if the file has them; returns how many are.
    pub(crate) fn fill(&mut self, n: usize) -> std::io::Result<usize> {
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

    /// The next `n` bytes; the caller has made sure they are available.
    pub(crate) fn peek(&self, n: usize) -> &[u8] {
        &self.buf[self.start..self.start + n]
    }

    pub(crate) fn consume(&mut self, n: usize) {
        self.start += n;
        self.offset += n as u64;
    }

    /// Returns the next `n` bytes and consumes them.
    pub(crate) fn take(&mut self, n: usize) -> &[u8] {
        let at = self.start;
        self.consume(n);
        &self.buf[at..at + n]
    }

    pub(crate) fn position(&self) -> u64 {
        self.offset
    }
}
