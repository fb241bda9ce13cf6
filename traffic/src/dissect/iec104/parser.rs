//! Pure parsing of IEC 60870-5-104 APDUs (APCI + ASDU with 2-octet cause and
//! 2-octet common address, 3-octet information object addresses).

use crate::dissect::common::{PResult, Reader, malformed};

/// APCI frame kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Apci {
    I { send_seq: u16, recv_seq: u16 },
    S { recv_seq: u16 },
    U { function: u8 },
}

/// Parses start byte, length and control fields; returns the frame length and the ASDU.
pub fn parse_apci(data: &[u8]) -> PResult<(Apci, usize, &[u8])> {
    let mut r = Reader::new("iec104.apci", data);
    if r.u8("start")? != 0x68 {
        return Err(malformed("iec104.apci", "start", "not 0x68"));
    }
    let len = r.u8("length")? as usize;
    if len < 4 {
        return Err(malformed("iec104.apci", "length", "below 4"));
    }
    let body = r.take(len, "apdu")?;
    let c = [body[0], body[1], body[2], body[3]];
    let apci = if c[0] & 0x01 == 0 {
        Apci::I {
            send_seq: u16::from_le_bytes([c[0], c[1]]) >> 1,
            recv_seq: u16::from_le_bytes([c[2], c[3]]) >> 1,
        }
    } else if c[0] & 0x03 == 0x01 {
        Apci::S {
            recv_seq: u16::from_le_bytes([c[2], c[3]]) >> 1,
        }
    } else {
        Apci::U { function: c[0] }
    };
    Ok((apci, len + 2, &body[4..]))
}

/// ASDU data unit identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asdu<'a> {
    pub type_id: u8,
    pub sequence: bool,
    pub count: u8,
    pub cause: u8,
    pub negative: bool,
    pub test: bool,
    pub originator: u8,
    pub common_address: u16,
    pub objects: &'a [u8],
}

pub fn parse_asdu(asdu: &[u8]) -> PResult<Asdu<'_>> {
    let mut r = Reader::new("iec104.asdu", asdu);
    let type_id = r.u8("type_id")?;
    let vsq = r.u8("variable_structure_qualifier")?;
    let cot = r.u8("cause_of_transmission")?;
    let originator = r.u8("originator_address")?;
    let common_address = r.le16("common_address")?;
    Ok(Asdu {
        type_id,
        sequence: vsq & 0x80 != 0,
        count: vsq & 0x7F,
        cause: cot & 0x3F,
        negative: cot & 0x40 != 0,
        test: cot & 0x80 != 0,
        originator,
        common_address,
        objects: r.rest(),
    })
}

/// Information object addresses of an ASDU: calls `each(ioa)` per object.
/// `element` is the size of one element without its address.
pub fn parse_ioas(a: &Asdu<'_>, element: usize, mut each: impl FnMut(u32)) -> PResult<()> {
    let mut r = Reader::new("iec104.objects", a.objects);
    if a.sequence {
        let first = r.le24("ioa")?;
        r.skip(element * a.count as usize, "elements")?;
        for i in 0..a.count as u32 {
            each(first + i);
        }
    } else {
        for _ in 0..a.count {
            each(r.le24("ioa")?);
            r.skip(element, "element")?;
        }
    }
    Ok(())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// C_SC_NA_1 single command, activation, CA 1, IOA 5000, ON with select.
    pub const SINGLE_COMMAND: [u8; 16] = [
        0x68, 0x0E, // start, length 14
        0x02, 0x00, 0x04, 0x00, // I-frame, N(S)=1, N(R)=2
        0x2D, 0x01, // type 45, one object
        0x06, 0x00, // cause 6 activation, originator 0
        0x01, 0x00, // common address 1
        0x88, 0x13, 0x00, // IOA 5000
        0x81, // SCO: select, ON
    ];

    #[test]
    fn single_command() {
        let (apci, len, asdu) = parse_apci(&SINGLE_COMMAND).unwrap();
        assert_eq!(
            apci,
            Apci::I {
                send_seq: 1,
                recv_seq: 2
            }
        );
        assert_eq!(len, 16);
        let a = parse_asdu(asdu).unwrap();
        assert_eq!((a.type_id, a.cause, a.common_address), (45, 6, 1));
        let mut ioas = Vec::new();
        parse_ioas(&a, 1, |i| ioas.push(i)).unwrap();
        assert_eq!(ioas, vec![5000]);
        for n in 0..SINGLE_COMMAND.len() {
            assert!(
                parse_apci(&SINGLE_COMMAND[..n])
                    .unwrap_err()
                    .is_incomplete()
            );
        }
    }
}
