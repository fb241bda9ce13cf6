//! Pure parsing of Modbus/TCP: the MBAP header and the PDU bodies.

use super::codes::{FunctionCode, MEI_READ_DEVICE_ID};
use crate::dissect::common::{PResult, Reader, malformed};

const LAYER: &str = "modbus";

/// MBAP header: transaction id, protocol id (0), length (unit id + PDU), unit id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mbap {
    pub transaction_id: u16,
    pub unit_id: u8,
    /// Bytes of the whole ADU (7 header bytes + PDU).
    pub adu_len: usize,
}

pub const MBAP_LEN: usize = 7;
/// Largest MBAP length field (unit id + 253-byte PDU), with a little slack for vendor PDUs.
pub const MAX_MBAP_LENGTH: u16 = 260;

/// Parses the MBAP header and cuts out the PDU. `Incomplete` when the ADU is not all here.
pub fn parse_mbap(data: &[u8]) -> PResult<(Mbap, &[u8])> {
    let mut r = Reader::new("modbus.mbap", data);
    let transaction_id = r.be16("transaction_id")?;
    let protocol_id = r.be16("protocol_id")?;
    let length = r.be16("length")?;
    if protocol_id != 0 {
        return Err(malformed("modbus.mbap", "protocol_id", "not 0"));
    }
    if !(1..=MAX_MBAP_LENGTH).contains(&length) {
        return Err(malformed("modbus.mbap", "length", "outside 1..=260"));
    }
    let unit_id = r.u8("unit_id")?;
    let pdu = r.take(length as usize - 1, "pdu")?;
    Ok((
        Mbap {
            transaction_id,
            unit_id,
            adu_len: MBAP_LEN - 1 + length as usize,
        },
        pdu,
    ))
}

/// A PDU split into its function code, exception flag and body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pdu<'a> {
    pub function: FunctionCode,
    /// Exception code when the function code had its 0x80 bit set.
    pub exception: Option<u8>,
    pub body: &'a [u8],
}

pub fn parse_pdu(pdu: &[u8]) -> PResult<Pdu<'_>> {
    let mut r = Reader::new(LAYER, pdu);
    let fc = r.u8("function_code")?;
    if fc & 0x80 != 0 {
        let code = r.u8("exception_code")?;
        return Ok(Pdu {
            function: FunctionCode(fc & 0x7f),
            exception: Some(code),
            body: r.rest(),
        });
    }
    Ok(Pdu {
        function: FunctionCode(fc),
        exception: None,
        body: r.rest(),
    })
}

/// Starting address and quantity (requests of 0x01-0x04, 0x0F, 0x10).
pub fn parse_address_quantity(body: &[u8]) -> PResult<(u16, u16)> {
    let mut r = Reader::new(LAYER, body);
    Ok((r.be16("starting_address")?, r.be16("quantity")?))
}

/// Single address (0x05, 0x06, 0x16 requests and responses, 0x18 request).
pub fn parse_address(body: &[u8]) -> PResult<u16> {
    Reader::new(LAYER, body).be16("address")
}

/// Address and value (0x05, 0x06 requests and responses).
pub fn parse_address_value(body: &[u8]) -> PResult<(u16, u16)> {
    let mut r = Reader::new(LAYER, body);
    Ok((r.be16("address")?, r.be16("value")?))
}

/// Mask Write Register (0x16): address, AND mask, OR mask.
pub fn parse_mask_write(body: &[u8]) -> PResult<(u16, u16, u16)> {
    let mut r = Reader::new(LAYER, body);
    Ok((
        r.be16("reference_address")?,
        r.be16("and_mask")?,
        r.be16("or_mask")?,
    ))
}

/// Read/Write Multiple Registers request: read start/qty, write start/qty.
pub fn parse_read_write_request(body: &[u8]) -> PResult<((u16, u16), (u16, u16))> {
    let mut r = Reader::new(LAYER, body);
    let rs = r.be16("read_starting_address")?;
    let rq = r.be16("quantity_to_read")?;
    let ws = r.be16("write_starting_address")?;
    let wq = r.be16("quantity_to_write")?;
    Ok(((rs, rq), (ws, wq)))
}

/// One file-record sub-request (reference type 6, file, record, length).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileSubRequest {
    pub file: u16,
    pub record: u16,
    pub length: u16,
}

/// File record request (0x14 read, 0x15 write): byte count, then sub-requests.
/// Calls `each` for every sub-request.
pub fn parse_file_record_request(
    body: &[u8],
    write: bool,
    mut each: impl FnMut(FileSubRequest),
) -> PResult<()> {
    let mut r = Reader::new(LAYER, body);
    let byte_count = r.u8("byte_count")? as usize;
    let subs = r.take(byte_count, "sub_requests")?;
    let mut s = Reader::new(LAYER, subs);
    while s.remaining() > 0 {
        let reference = s.u8("reference_type")?;
        if reference != 6 {
            return Err(malformed(LAYER, "reference_type", "not 6"));
        }
        let file = s.be16("file_number")?;
        let record = s.be16("record_number")?;
        let length = s.be16("record_length")?;
        if write {
            s.skip(length as usize * 2, "record_data")?;
        }
        each(FileSubRequest {
            file,
            record,
            length,
        });
    }
    Ok(())
}

/// MEI header of 0x2B: MEI type and the rest.
pub fn parse_mei(body: &[u8]) -> PResult<(u8, &[u8])> {
    let mut r = Reader::new(LAYER, body);
    let mei = r.u8("mei_type")?;
    Ok((mei, r.rest()))
}

/// Read Device Identification response (MEI 0x0E): calls `each(object_id, value)`.
pub fn parse_device_id_response<'a>(
    mei_body: &'a [u8],
    mut each: impl FnMut(u8, &'a [u8]),
) -> PResult<()> {
    let mut r = Reader::new("modbus.read_device_id", mei_body);
    let _read_code = r.u8("read_device_id_code")?;
    let _conformity = r.u8("conformity_level")?;
    let _more = r.u8("more_follows")?;
    let _next = r.u8("next_object_id")?;
    let count = r.u8("number_of_objects")?;
    for _ in 0..count {
        let id = r.u8("object_id")?;
        let len = r.u8("object_length")?;
        let value = r.take(len as usize, "object_value")?;
        each(id, value);
    }
    Ok(())
}

/// Whether `mei` is Read Device Identification.
pub fn is_device_id(mei: u8) -> bool {
    mei == MEI_READ_DEVICE_ID
}

/// Diagnostics sub-function (0x08).
pub fn parse_diagnostics(body: &[u8]) -> PResult<u16> {
    Reader::new(LAYER, body).be16("sub_function")
}

/// A Read Holding Registers request ADU, for tests elsewhere in the crate.
#[cfg(test)]
pub(crate) fn tests_fixture() -> Vec<u8> {
    vec![
        0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x00, 0x10, 0x00, 0x04,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dissect::common::ParseError;

    // Read Holding Registers request, unit 1.
    const READ_HR: [u8; 12] = [
        0x00, 0x01, // transaction id 1
        0x00, 0x00, // protocol id 0
        0x00, 0x06, // length 6: unit + 5 PDU bytes
        0x01, // unit id 1
        0x03, // function 3 read holding registers
        0x00, 0x10, // starting address 16
        0x00, 0x04, // quantity 4
    ];

    #[test]
    fn mbap_and_pdu_of_a_read_request() {
        let (h, pdu) = parse_mbap(&READ_HR).unwrap();
        assert_eq!(h.unit_id, 1);
        assert_eq!(h.adu_len, 12);
        let p = parse_pdu(pdu).unwrap();
        assert_eq!(p.function, FunctionCode::READ_HOLDING_REGISTERS);
        assert_eq!(parse_address_quantity(p.body).unwrap(), (16, 4));
    }

    #[test]
    fn every_truncation_is_incomplete_not_malformed() {
        for n in 0..READ_HR.len() {
            let e = parse_mbap(&READ_HR[..n]).unwrap_err();
            assert!(e.is_incomplete(), "{n}: {e}");
        }
    }

    #[test]
    fn nonzero_protocol_id_is_malformed() {
        let mut b = READ_HR;
        b[3] = 1;
        assert!(matches!(
            parse_mbap(&b),
            Err(ParseError::Malformed {
                field: "protocol_id",
                ..
            })
        ));
    }

    #[test]
    fn exception_response_keeps_base_function() {
        // function 0x83 (exception to 3), exception code 2
        let p = parse_pdu(&[0x83, 0x02]).unwrap();
        assert_eq!(p.function.0, 3);
        assert_eq!(p.exception, Some(2));
    }

    #[test]
    fn device_identification_objects() {
        let body = [
            0x01, // read device id code: basic
            0x01, // conformity level
            0x00, // more follows: no
            0x00, // next object id
            0x02, // two objects
            0x00, 0x03, b'A', b'C', b'M', // object 0 vendor "ACM"
            0x02, 0x04, b'v', b'1', b'.', b'2', // object 2 revision "v1.2"
        ];
        let mut seen = Vec::new();
        parse_device_id_response(&body, |id, v| seen.push((id, v.to_vec()))).unwrap();
        assert_eq!(seen, vec![(0, b"ACM".to_vec()), (2, b"v1.2".to_vec())]);
        for n in 0..body.len() {
            assert!(parse_device_id_response(&body[..n], |_, _| {}).is_err() || n >= body.len());
        }
    }
}
