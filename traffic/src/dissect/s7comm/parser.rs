//! Pure parsing of TPKT (RFC 1006), COTP (ISO 8073), S7comm and S7comm-plus headers.

use crate::dissect::common::{PResult, Reader, malformed};

/// TPKT: version 3, reserved, length (including the 4 header bytes). Returns the packet length
/// and the COTP bytes.
pub fn parse_tpkt(data: &[u8]) -> PResult<(usize, &[u8])> {
    let mut r = Reader::new("tpkt", data);
    let version = r.u8("version")?;
    if version != 3 {
        return Err(malformed("tpkt", "version", "not 3"));
    }
    r.skip(1, "reserved")?;
    let len = r.be16("length")? as usize;
    if len < 7 {
        return Err(malformed("tpkt", "length", "shorter than TPKT + COTP DT"));
    }
    let body = r.take(len - 4, "payload")?;
    Ok((len, body))
}

pub const COTP_DT: u8 = 0xF0;
pub const COTP_CR: u8 = 0xE0;
pub const COTP_CC: u8 = 0xD0;

/// COTP TPDU: type (high nibble of the second byte), end-of-TSDU flag for DT, user data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cotp<'a> {
    pub pdu_type: u8,
    pub eot: bool,
    pub data: &'a [u8],
}

pub fn parse_cotp(tpdu: &[u8]) -> PResult<Cotp<'_>> {
    let mut r = Reader::new("cotp", tpdu);
    let li = r.u8("length_indicator")? as usize;
    let header = r.take(li, "header")?;
    let Some(&ty) = header.first() else {
        return Err(malformed("cotp", "length_indicator", "zero"));
    };
    let pdu_type = ty & 0xF0;
    let eot = pdu_type == COTP_DT && header.get(1).is_some_and(|b| b & 0x80 != 0);
    Ok(Cotp {
        pdu_type,
        eot,
        data: r.rest(),
    })
}

/// S7comm header (10 bytes, 12 for Ack / Ack_Data) with parameter and data cut out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct S7Pdu<'a> {
    pub rosctr: u8,
    pub pdu_ref: u16,
    /// Error class and code of Ack / Ack_Data (0 when fine).
    pub error: u16,
    pub params: &'a [u8],
    pub data: &'a [u8],
}

pub fn parse_s7(pdu: &[u8]) -> PResult<S7Pdu<'_>> {
    let mut r = Reader::new("s7comm", pdu);
    if r.u8("protocol_id")? != 0x32 {
        return Err(malformed("s7comm", "protocol_id", "not 0x32"));
    }
    let rosctr = r.u8("rosctr")?;
    r.skip(2, "reserved")?;
    let pdu_ref = r.be16("pdu_reference")?;
    let plen = r.be16("parameter_length")? as usize;
    let dlen = r.be16("data_length")? as usize;
    let error = if rosctr == 2 || rosctr == 3 {
        r.be16("error_class_code")?
    } else {
        0
    };
    let params = r.take(plen, "parameters")?;
    let data = r.take(dlen, "data")?;
    Ok(S7Pdu {
        rosctr,
        pdu_ref,
        error,
        params,
        data,
    })
}

/// One S7ANY read/write var item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VarItem {
    pub transport_size: u8,
    pub length: u16,
    pub db: u16,
    pub area: u8,
    /// Bit address; the byte address is `address >> 3`.
    pub address: u32,
}

/// Read/Write Var job parameters: function, item count, items. Non-S7ANY items are skipped.
pub fn parse_var_items(params: &[u8], mut each: impl FnMut(VarItem)) -> PResult<()> {
    let mut r = Reader::new("s7comm.var", params);
    let _func = r.u8("function")?;
    let count = r.u8("item_count")?;
    for _ in 0..count {
        let _spec = r.u8("variable_specification")?;
        let len = r.u8("item_length")? as usize;
        let item = r.take(len, "item")?;
        let mut i = Reader::new("s7comm.var.item", item);
        if i.u8("syntax_id")? != 0x10 {
            continue; // DB-read, symbolic (1200 TIA) and NCK addressing: not S7ANY
        }
        let transport_size = i.u8("transport_size")?;
        let length = i.be16("length")?;
        let db = i.be16("db_number")?;
        let area = i.u8("area")?;
        let address = i.be24("address")?;
        each(VarItem {
            transport_size,
            length,
            db,
            area,
            address,
        });
    }
    Ok(())
}

/// Userdata parameter head: method, type (high nibble) / group (low nibble), sub-function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserdataParams {
    pub method: u8,
    /// 0 push, 4 request, 8 response.
    pub kind: u8,
    pub group: u8,
    pub subfunction: u8,
    pub sequence: u8,
    /// Error code of a response (8-byte parameter form).
    pub error: u16,
}

pub fn parse_userdata_params(params: &[u8]) -> PResult<UserdataParams> {
    let mut r = Reader::new("s7comm.userdata", params);
    r.skip(3, "parameter_head")?;
    let plen = r.u8("parameter_length")?;
    let method = r.u8("method")?;
    let tg = r.u8("type_group")?;
    let subfunction = r.u8("subfunction")?;
    let sequence = r.u8("sequence_number")?;
    let error = if plen >= 8 {
        r.skip(2, "data_unit_reference")?;
        r.be16("error_code")?
    } else {
        0
    };
    Ok(UserdataParams {
        method,
        kind: tg >> 4,
        group: tg & 0x0F,
        subfunction,
        sequence,
        error,
    })
}

/// The block file name carried by download/upload jobs ("_0A00001P"):
/// returns (block type digits, block number).
pub fn parse_block_filename(params: &[u8]) -> PResult<(&[u8], u32)> {
    let mut r = Reader::new("s7comm.block", params);
    r.skip(8, "function_status_unknown")?;
    let len = r.u8("filename_length")? as usize;
    let name = r.take(len, "filename")?;
    if len < 8 {
        return Err(malformed("s7comm.block", "filename", "shorter than 8"));
    }
    let number = name[3..8]
        .iter()
        .try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + (d - b'0') as u32)
        })
        .ok_or(malformed("s7comm.block", "block_number", "not digits"))?;
    Ok((&name[1..3], number))
}

/// PI service job parameters: returns the service name ("_INSE", "P_PROGRAM", ...).
pub fn parse_pi_service(params: &[u8]) -> PResult<&[u8]> {
    let mut r = Reader::new("s7comm.pi", params);
    r.skip(8, "function_unknown")?;
    let block_len = r.be16("parameter_block_length")? as usize;
    r.skip(block_len, "parameter_block")?;
    let len = r.u8("service_name_length")? as usize;
    r.take(len, "service_name")
}

/// PLC stop job parameters: function, 5 unknown bytes, counted name ("P_PROGRAM").
pub fn parse_plc_stop(params: &[u8]) -> PResult<&[u8]> {
    let mut r = Reader::new("s7comm.plc_stop", params);
    r.skip(6, "function_unknown")?;
    let len = r.u8("service_name_length")? as usize;
    r.take(len, "service_name")
}

/// A read-SZL response's data part: SZL id, index and the records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SzlResponse<'a> {
    pub id: u16,
    pub index: u16,
    pub record_len: u16,
    pub records: &'a [u8],
}

pub fn parse_szl_response(data: &[u8]) -> PResult<SzlResponse<'_>> {
    let mut r = Reader::new("s7comm.szl", data);
    let ret = r.u8("return_code")?;
    if ret != 0xFF {
        return Err(malformed("s7comm.szl", "return_code", "not success"));
    }
    let _ts = r.u8("transport_size")?;
    let len = r.be16("length")? as usize;
    let body = r.take(len, "szl")?;
    let mut s = Reader::new("s7comm.szl", body);
    let id = s.be16("szl_id")?;
    let index = s.be16("szl_index")?;
    let record_len = s.be16("record_length")?;
    let count = s.be16("record_count")? as usize;
    let records = s.take((record_len as usize * count).min(s.remaining()), "records")?;
    Ok(SzlResponse {
        id,
        index,
        record_len,
        records,
    })
}

/// S7comm-plus frame head: version, data length, then opcode and function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlusHeader {
    pub version: u8,
    pub opcode: Option<u8>,
    pub function: Option<u16>,
}

pub fn parse_plus(pdu: &[u8]) -> PResult<PlusHeader> {
    let mut r = Reader::new("s7comm_plus", pdu);
    if r.u8("protocol_id")? != 0x72 {
        return Err(malformed("s7comm_plus", "protocol_id", "not 0x72"));
    }
    let version = r.u8("version")?;
    let len = r.be16("data_length")? as usize;
    if version == 0xFE {
        return Ok(PlusHeader {
            version,
            opcode: None,
            function: None,
        }); // keep-alive
    }
    let mut body = Reader::new("s7comm_plus", r.take(len.min(r.remaining()), "data")?);
    if version == 0x03 && body.rest().first() == Some(&0x20) {
        body.skip(33, "integrity_digest")?;
    }
    let opcode = body.u8("opcode")?;
    let function = if matches!(opcode, 0x31 | 0x32) {
        body.skip(2, "reserved")?;
        Some(body.be16("function")?)
    } else {
        None
    };
    Ok(PlusHeader {
        version,
        opcode: Some(opcode),
        function,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// TPKT + COTP DT + S7 Job "read var" of DB1.DBW10.
    pub const READ_VAR_JOB: [u8; 31] = [
        0x03, 0x00, 0x00, 0x1F, // TPKT v3, length 31
        0x02, 0xF0, 0x80, // COTP LI 2, DT, EOT
        0x32, 0x01, 0x00, 0x00, // S7 protocol id, Job, reserved
        0x00, 0x05, // PDU reference 5
        0x00, 0x0E, 0x00, 0x00, // parameter length 14, data length 0
        0x04, 0x01, // read var, one item
        0x12, 0x0A, 0x10, // variable spec, item length 10, S7ANY
        0x04, 0x00, 0x01, // transport WORD, 1 element
        0x00, 0x01, // DB 1
        0x84, 0x00, 0x00, 0x50, // area DB, bit address 80 = byte 10
    ];

    #[test]
    fn read_var_item() {
        let (len, cotp) = parse_tpkt(&READ_VAR_JOB).unwrap();
        assert_eq!(len, 31);
        let c = parse_cotp(cotp).unwrap();
        assert!(c.eot);
        let s7 = parse_s7(c.data).unwrap();
        assert_eq!(s7.rosctr, 1);
        let mut items = Vec::new();
        parse_var_items(s7.params, |i| items.push(i)).unwrap();
        assert_eq!(items[0].db, 1);
        assert_eq!(items[0].address >> 3, 10);
    }

    #[test]
    fn every_truncation_is_incomplete() {
        for n in 0..READ_VAR_JOB.len() {
            assert!(
                parse_tpkt(&READ_VAR_JOB[..n]).unwrap_err().is_incomplete(),
                "{n}"
            );
        }
        let body = &READ_VAR_JOB[7..];
        for n in 0..body.len() {
            assert!(parse_s7(&body[..n]).unwrap_err().is_incomplete(), "{n}");
        }
    }

    #[test]
    fn block_filename() {
        let params = [
            0x1A, 0, 0, 0, 0, 0, 0, 0, 9, b'_', b'0', b'A', b'0', b'0', b'0', b'0', b'1', b'P',
        ];
        assert_eq!(parse_block_filename(&params).unwrap(), (&b"0A"[..], 1));
    }
}
