//! Shared plumbing for the protocol parsers: a bounds-checked byte reader,
//! the parse error every decoder returns, and small `Operation` builders.

use crate::operation::{Direction, Operation, OperationClass, Protocol};
use std::borrow::Cow;

/// Why a structure could not be parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The buffer ends before the structure does; more bytes may complete it.
    #[error("{layer}: {field} incomplete, needed {needed} bytes, {available} available")]
    Incomplete {
        layer: &'static str,
        field: &'static str,
        needed: usize,
        available: usize,
    },
    /// The bytes can never form a valid structure.
    #[error("{layer}: {field} malformed: {reason}")]
    Malformed {
        layer: &'static str,
        field: &'static str,
        reason: &'static str,
    },
}

impl ParseError {
    pub fn is_incomplete(&self) -> bool {
        matches!(self, ParseError::Incomplete { .. })
    }
}

pub type PResult<T> = Result<T, ParseError>;

/// Builds a [`ParseError::Malformed`].
pub fn malformed(layer: &'static str, field: &'static str, reason: &'static str) -> ParseError {
    ParseError::Malformed {
        layer,
        field,
        reason,
    }
}

/// A cursor over borrowed bytes; every read checks the length and names the field.
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    layer: &'static str,
}

impl<'a> Reader<'a> {
    pub fn new(layer: &'static str, buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0, layer }
    }

    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    /// The unread bytes.
    pub fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }

    pub fn take(&mut self, n: usize, field: &'static str) -> PResult<&'a [u8]> {
        if self.remaining() < n {
            return Err(ParseError::Incomplete {
                layer: self.layer,
                field,
                needed: n,
                available: self.remaining(),
            });
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    pub fn skip(&mut self, n: usize, field: &'static str) -> PResult<()> {
        self.take(n, field).map(|_| ())
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> PResult<[u8; N]> {
        let s = self.take(N, field)?;
        let mut a = [0u8; N];
        a.copy_from_slice(s);
        Ok(a)
    }

    pub fn u8(&mut self, field: &'static str) -> PResult<u8> {
        Ok(self.array::<1>(field)?[0])
    }
    pub fn be16(&mut self, field: &'static str) -> PResult<u16> {
        Ok(u16::from_be_bytes(self.array(field)?))
    }
    pub fn le16(&mut self, field: &'static str) -> PResult<u16> {
        Ok(u16::from_le_bytes(self.array(field)?))
    }
    pub fn be24(&mut self, field: &'static str) -> PResult<u32> {
        let a: [u8; 3] = self.array(field)?;
        Ok(u32::from_be_bytes([0, a[0], a[1], a[2]]))
    }
    pub fn le24(&mut self, field: &'static str) -> PResult<u32> {
        let a: [u8; 3] = self.array(field)?;
        Ok(u32::from_le_bytes([a[0], a[1], a[2], 0]))
    }
    pub fn be32(&mut self, field: &'static str) -> PResult<u32> {
        Ok(u32::from_be_bytes(self.array(field)?))
    }
    pub fn le32(&mut self, field: &'static str) -> PResult<u32> {
        Ok(u32::from_le_bytes(self.array(field)?))
    }
}

/// Reads a big-endian u16 at `off`, if present.
pub fn be16_at(b: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(off)?, *b.get(off + 1)?]))
}

/// Reads a little-endian u16 at `off`, if present.
pub fn le16_at(b: &[u8], off: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*b.get(off)?, *b.get(off + 1)?]))
}

/// Reads a little-endian u32 at `off`, if present.
pub fn le32_at(b: &[u8], off: usize) -> Option<u32> {
    Some(u32::from_le_bytes([
        *b.get(off)?,
        *b.get(off + 1)?,
        *b.get(off + 2)?,
        *b.get(off + 3)?,
    ]))
}

/// A readable name: the known one, or `unknown_0x..` so unknown codes stay visible.
pub fn code_name(known: Option<&'static str>, code: u32) -> Cow<'static, str> {
    match known {
        Some(n) => Cow::Borrowed(n),
        None => Cow::Owned(format!("unknown_0x{code:02x}")),
    }
}

/// An operation with no unit, ranges or error yet.
pub fn new_op(
    protocol: Protocol,
    direction: Direction,
    function_code: u32,
    name: Cow<'static, str>,
    class: OperationClass,
) -> Operation {
    Operation {
        protocol,
        direction,
        function_code,
        name,
        class,
        unit: None,
        ranges: Vec::new(),
        error_code: None,
    }
}

/// Printable text from a fixed or counted string field (trailing NULs and spaces dropped).
pub fn text(bytes: &[u8]) -> String {
    let s: String = bytes
        .iter()
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                ' '
            }
        })
        .collect();
    s.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_reports_field_and_sizes_when_short() {
        let mut r = Reader::new("test", &[1, 2, 3]);
        assert_eq!(r.be16("a").unwrap(), 0x0102);
        let e = r.be16("b").unwrap_err();
        assert_eq!(
            e,
            ParseError::Incomplete {
                layer: "test",
                field: "b",
                needed: 2,
                available: 1
            }
        );
        assert!(e.to_string().contains("needed 2"));
    }
}
