//! Pure parsing of what ISO-on-TCP carries above COTP for MMS: the session
//! SPDU (ISO 8327-1), the presentation PPDU and PDV list (ISO 8823-1), the
//! ACSE association PDUs (ISO 8650-1) around an MMS initiate, and the MMS PDU
//! itself (ISO 9506-2), all BER (ISO 8825-1).
//!
//! Every BER element is cut out by its definite length before it is read, so
//! nothing reads past its container; the walk follows fixed paths (no
//! recursion), so a deeply nested input costs nothing extra.

use super::codes::*;
use crate::dissect::common::{PResult, Reader, malformed};

/// BER class bits of the identifier octet.
pub const UNIVERSAL: u8 = 0;
pub const APPLICATION: u8 = 1;
pub const CONTEXT: u8 = 2;

/// One BER element: class, constructed flag, tag number and value bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    pub class: u8,
    pub constructed: bool,
    pub number: u32,
    pub value: &'a [u8],
}

impl Tlv<'_> {
    fn is(&self, class: u8, number: u32) -> bool {
        self.class == class && self.number == number
    }
}

/// Reads one BER element: tag (high tag numbers up to 3 continuation bytes),
/// definite length (short form or up to 4 length bytes), value. The
/// indefinite form is not used by MMS and is refused.
pub fn parse_tlv<'a>(r: &mut Reader<'a>) -> PResult<Tlv<'a>> {
    let id = r.u8("ber_tag")?;
    let class = id >> 6;
    let constructed = id & 0x20 != 0;
    let mut number = u32::from(id & 0x1F);
    if number == 0x1F {
        number = 0;
        let mut more = true;
        let mut n = 0;
        while more {
            if n == 3 {
                return Err(malformed("mms.ber", "ber_tag", "tag number over 3 bytes"));
            }
            let b = r.u8("ber_tag")?;
            number = (number << 7) | u32::from(b & 0x7F);
            more = b & 0x80 != 0;
            n += 1;
        }
    }
    let len = crate::dissect::ber::definite_length(r, "mms.ber")?;
    Ok(Tlv {
        class,
        constructed,
        number,
        value: r.take(len, "ber_value")?,
    })
}

/// The first element of `bytes`.
pub fn first_tlv(bytes: &[u8]) -> PResult<Tlv<'_>> {
    parse_tlv(&mut Reader::new("mms.ber", bytes))
}

/// The first child of a constructed value with this class and tag number.
fn find(value: &[u8], class: u8, number: u32) -> PResult<Option<Tlv<'_>>> {
    let mut r = Reader::new("mms.ber", value);
    while r.remaining() > 0 {
        let t = parse_tlv(&mut r)?;
        if t.is(class, number) {
            return Ok(Some(t));
        }
    }
    Ok(None)
}

/// An unsigned INTEGER of up to 4 significant bytes (a leading zero allowed).
fn unsigned(v: &[u8]) -> PResult<u32> {
    let v = match v {
        [0, rest @ ..] if !rest.is_empty() => rest,
        _ => v,
    };
    if v.is_empty() || v.len() > 4 {
        return Err(malformed("mms.ber", "integer", "not a 32-bit unsigned"));
    }
    Ok(v.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b)))
}

// ---------------------------------------------------------------- session

/// Session SPDU identifiers (ISO 8327-1 §8.3) that matter here.
pub const SPDU_DATA_TRANSFER: u8 = 1; // also GIVE TOKENS (category 0)
pub const SPDU_PLEASE_TOKENS: u8 = 2;
pub const SPDU_CONNECT: u8 = 13;
pub const SPDU_ACCEPT: u8 = 14;
/// Parameter group identifiers that hold the user data of a connection SPDU.
const PGI_USER_DATA: u8 = 193;
const PGI_EXTENDED_USER_DATA: u8 = 194;

/// A session-layer length: one byte, or 0xFF and two more.
fn session_len(r: &mut Reader<'_>, field: &'static str) -> PResult<usize> {
    let l = r.u8(field)?;
    Ok(if l == 0xFF {
        usize::from(r.be16(field)?)
    } else {
        usize::from(l)
    })
}

/// SPDU: identifier, parameters.
fn parse_spdu<'a>(r: &mut Reader<'a>) -> PResult<(u8, &'a [u8])> {
    let si = r.u8("spdu_identifier")?;
    let li = session_len(r, "spdu_length")?;
    Ok((si, r.take(li, "spdu_parameters")?))
}

/// What the session layer carries: the SPDU identifier that holds the user
/// data (DATA TRANSFER, CONNECT, ACCEPT, FINISH, ...) and the user data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionData<'a> {
    pub si: u8,
    pub user: &'a [u8],
}

/// The user data of one TSDU's SPDUs. A GIVE TOKENS / PLEASE TOKENS SPDU
/// (category 0) is followed by the category 2 SPDU (DATA TRANSFER) whose
/// user information follows its parameters; connection SPDUs carry theirs
/// in parameter group 193 (or 194).
pub fn parse_session(tsdu: &[u8]) -> PResult<SessionData<'_>> {
    let mut r = Reader::new("ses", tsdu);
    let (mut si, mut params) = parse_spdu(&mut r)?;
    if matches!(si, SPDU_DATA_TRANSFER | SPDU_PLEASE_TOKENS) && r.remaining() > 0 {
        (si, params) = parse_spdu(&mut r)?;
    }
    let mut p = Reader::new("ses.parameters", params);
    while p.remaining() > 0 {
        let code = p.u8("parameter_identifier")?;
        let len = session_len(&mut p, "parameter_length")?;
        let value = p.take(len, "parameter_value")?;
        if matches!(code, PGI_USER_DATA | PGI_EXTENDED_USER_DATA) {
            return Ok(SessionData { si, user: value });
        }
    }
    Ok(SessionData { si, user: r.rest() })
}

// ----------------------------------------------------------- presentation

/// The MMS PDU (its whole BER encoding) inside presentation user data, if
/// there is one: a CP-type / CPA-PPDU (SET) holds it in its normal-mode
/// parameters' user data, ACSE AARQ / AARE in their user information;
/// data transfer PPDUs hold it directly in a PDV. `None` for PPDUs
/// without MMS (ACSE release, refusals, aborts).
pub fn mms_in_presentation(user: &[u8]) -> PResult<Option<&[u8]>> {
    if user.is_empty() {
        return Ok(None);
    }
    let ppdu = first_tlv(user)?;
    let fully_encoded = if ppdu.is(UNIVERSAL, 17) {
        // CP-type / CPA-PPDU: normal-mode-parameters [2] → user-data.
        let Some(normal) = find(ppdu.value, CONTEXT, 2)? else {
            return Ok(None);
        };
        match find(normal.value, APPLICATION, 1)? {
            Some(u) => u,
            None => return Ok(None),
        }
    } else if ppdu.is(APPLICATION, 1) {
        ppdu
    } else {
        return Ok(None);
    };
    // PDV-list: SEQUENCE { transfer-syntax OID?, context id INTEGER, values }.
    let mut pdvs = Reader::new("pres", fully_encoded.value);
    while pdvs.remaining() > 0 {
        let pdv = parse_tlv(&mut pdvs)?;
        if !pdv.is(UNIVERSAL, 16) {
            continue;
        }
        let Some(single) = find(pdv.value, CONTEXT, 0)? else {
            continue; // octet-aligned or arbitrary encodings: not MMS
        };
        if let Some(mms) = mms_in_pdv_value(single.value)? {
            return Ok(Some(mms));
        }
    }
    Ok(None)
}

/// ACSE association request / response: user-information [30] → EXTERNAL →
/// single-ASN1-type [0] → MMS. MMS PDUs are context-class, ACSE
/// application-class, so the first tag tells them apart without knowing
/// which presentation context was negotiated for which.
fn mms_in_pdv_value(value: &[u8]) -> PResult<Option<&[u8]>> {
    let t = first_tlv(value)?;
    if t.class == CONTEXT {
        return Ok(Some(value));
    }
    if !(t.is(APPLICATION, 0) || t.is(APPLICATION, 1)) {
        return Ok(None); // release, abort
    }
    let Some(info) = find(t.value, CONTEXT, 30)? else {
        return Ok(None);
    };
    let mut externals = Reader::new("acse", info.value);
    while externals.remaining() > 0 {
        let ext = parse_tlv(&mut externals)?;
        if !ext.is(UNIVERSAL, 8) {
            continue;
        }
        if let Some(single) = find(ext.value, CONTEXT, 0)? {
            return Ok(Some(single.value));
        }
    }
    Ok(None)
}

// -------------------------------------------------------------------- MMS

/// One MMS PDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MmsPdu<'a> {
    pub pdu: PduType,
    /// Confirmed or unconfirmed service tag.
    pub service: Option<u32>,
    pub invoke_id: Option<u32>,
    /// The service's own value (e.g. an identify response's fields).
    pub body: &'a [u8],
    /// `class << 16 | code` of a confirmed-error's or initiate/conclude/
    /// cancel-error's ServiceError, or of a reject's reason.
    pub error: Option<u32>,
}

/// ServiceError: errorClass [0] is a CHOICE whose tag is the class and
/// whose INTEGER is the code.
fn service_error(value: &[u8]) -> PResult<Option<u32>> {
    let Some(class) = find(value, CONTEXT, 0)? else {
        return Ok(None);
    };
    let choice = first_tlv(class.value)?;
    Ok(Some(
        (choice.number << 16) | (unsigned(choice.value)? & 0xFFFF),
    ))
}

pub fn parse_mms(bytes: &[u8]) -> PResult<MmsPdu<'_>> {
    let outer = first_tlv(bytes)?;
    if outer.class != CONTEXT || outer.number > 13 {
        return Err(malformed("mms", "pdu", "not an MMSpdu choice"));
    }
    let pdu = PduType(outer.number);
    let mut m = MmsPdu {
        pdu,
        service: None,
        invoke_id: None,
        body: &[],
        error: None,
    };
    match pdu {
        PduType::CONFIRMED_REQUEST | PduType::CONFIRMED_RESPONSE => {
            let mut r = Reader::new("mms.confirmed", outer.value);
            let invoke = parse_tlv(&mut r)?;
            if !invoke.is(UNIVERSAL, 2) {
                return Err(malformed("mms.confirmed", "invoke_id", "not an INTEGER"));
            }
            m.invoke_id = Some(unsigned(invoke.value)?);
            while r.remaining() > 0 {
                let t = parse_tlv(&mut r)?;
                // listOfModifier (SEQUENCE OF) precedes the service.
                if t.class == CONTEXT {
                    m.service = Some(t.number);
                    m.body = t.value;
                    break;
                }
            }
            if m.service.is_none() {
                return Err(malformed("mms.confirmed", "service", "missing"));
            }
        }
        PduType::CONFIRMED_ERROR => {
            if let Some(id) = find(outer.value, CONTEXT, 0)? {
                m.invoke_id = Some(unsigned(id.value)?);
            }
            if let Some(e) = find(outer.value, CONTEXT, 2)? {
                m.error = service_error(e.value)?;
            }
        }
        PduType::UNCONFIRMED => {
            let t = first_tlv(outer.value)?;
            m.service = Some(t.number);
            m.body = t.value;
        }
        PduType::REJECT => {
            let mut r = Reader::new("mms.reject", outer.value);
            while r.remaining() > 0 {
                let t = parse_tlv(&mut r)?;
                match t.number {
                    0 => m.invoke_id = Some(unsigned(t.value)?),
                    n => m.error = Some((n << 16) | (unsigned(t.value)? & 0xFFFF)),
                }
            }
        }
        PduType::INITIATE_ERROR | PduType::CONCLUDE_ERROR => {
            m.error = service_error(outer.value)?;
        }
        PduType::CANCEL_ERROR => {
            if let Some(e) = find(outer.value, CONTEXT, 1)? {
                m.error = service_error(e.value)?;
            }
        }
        _ => m.body = outer.value,
    }
    Ok(m)
}

/// ObjectName (ISO 9506-2 §7.5.2): vmd-specific [0] or aa-specific [2]
/// Identifier, or domain-specific [1] { domainId, itemId } written
/// "domain/item" (IEC 61850: "LD/LN$FC$DO...").
fn object_name(t: &Tlv<'_>) -> PResult<String> {
    use crate::dissect::common::text;
    match t.number {
        1 => {
            let mut r = Reader::new("mms.object_name", t.value);
            let domain = parse_tlv(&mut r)?;
            let item = parse_tlv(&mut r)?;
            Ok(format!("{}/{}", text(domain.value), text(item.value)))
        }
        _ => Ok(text(t.value)),
    }
}

/// The variables a read, write or getVariableAccessAttributes request
/// names, at most `max` (names are kept as owned strings: the one place
/// MMS allocates beyond the operation). Reads carry the
/// VariableAccessSpecification as [1], writes first in their body; it is
/// listOfVariable [0] (each item's variableSpecification name [0]) or
/// variableListName [1]. getVariableAccessAttributes asks by name [0].
pub fn parse_variable_names(service: u32, body: &[u8], max: usize) -> PResult<Vec<String>> {
    let mut names = Vec::new();
    let spec = match service {
        4 => match find(body, CONTEXT, 1)? {
            Some(t) => first_tlv(t.value)?,
            None => return Ok(names),
        },
        5 => first_tlv(body)?,
        6 => {
            let choice = first_tlv(body)?;
            if choice.number == 0 {
                names.push(object_name(&first_tlv(choice.value)?)?);
            }
            return Ok(names);
        }
        _ => return Ok(names),
    };
    match spec.number {
        0 => {
            let mut items = Reader::new("mms.list_of_variable", spec.value);
            while items.remaining() > 0 && names.len() < max {
                let item = parse_tlv(&mut items)?;
                if let Some(name) = find(item.value, CONTEXT, 0)? {
                    names.push(object_name(&first_tlv(name.value)?)?);
                }
            }
        }
        1 => names.push(object_name(&first_tlv(spec.value)?)?),
        _ => {}
    }
    Ok(names)
}

/// Identify response fields: vendorName [0], modelName [1], revision [2].
pub fn parse_identify_response(body: &[u8]) -> PResult<[&[u8]; 3]> {
    let mut fields: [&[u8]; 3] = [&[]; 3];
    let mut r = Reader::new("mms.identify", body);
    while r.remaining() > 0 {
        let t = parse_tlv(&mut r)?;
        if t.class == CONTEXT
            && let Some(f) = fields.get_mut(t.number as usize)
        {
            *f = t.value;
        }
    }
    Ok(fields)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// From iec61850_mms_goose_sample.pcap frame 128 (after TPKT/COTP):
    /// GIVE TOKENS `01 00`, DATA TRANSFER `01 00`; presentation fully-encoded
    /// data `61 3b`, PDV `30 39`, context 3 `02 01 03`, single-ASN1-type
    /// `a0 34`; MMS confirmed-RequestPDU `a0 32`, invokeID `02 03 04 a2 74`,
    /// read `a4 2b` (variable "AA1E1Q01FP2LD0" / "LLN0$BR$rcb_B02").
    pub const READ_REQ: &str = "0100010061 3b3039020103a034a032020304a274a42ba129a0273025a023a1211a0e41413145315130314650324c44301a0f4c4c4e30244252247263625f423032";

    /// The MMS stop request of iec61850_mms_stop_request.pcap frame 16:
    /// MMS straight after COTP (no session layer): confirmed-RequestPDU
    /// `a0 1f`, invokeID 1, stop `bf 29 19` with the program invocation
    /// name `80 17` "R39502439 7Application_1".
    pub const STOP_REQ: &str = "a01f020101bf29198017523339353032343339374170706c69636174696f6e5f31";

    /// Frame 110: session CONNECT with the presentation CP-type, ACSE AARQ
    /// and the MMS initiate-RequestPDU (`a8 26`).
    pub const CONNECT: &str = "0d9e0506130100160102140200023302000134020001c188318185a003800101a27e810400000001820400000001a423300f0201010604520100013004060251013010020103060528ca2202013004060251018802060061473045020101a040603e80020780a107060528ca220203be2f282d020103a028a826800300fa0081010a82010a830105a416800101810305e100820c03a00000000000000000e110";

    pub fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        (0..s.len() / 2)
            .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap_or(0))
            .collect()
    }

    /// A TSDU in one TPKT + COTP DT (end of TSDU), as TCP 102 carries it.
    pub fn in_tpkt(tsdu_hex: &str) -> Vec<u8> {
        let tsdu = hex(tsdu_hex);
        let mut v = vec![0x03, 0x00];
        v.extend_from_slice(&((7 + tsdu.len()) as u16).to_be_bytes());
        v.extend_from_slice(&[0x02, 0xF0, 0x80]);
        v.extend_from_slice(&tsdu);
        v
    }

    #[test]
    fn read_request_through_session_and_presentation() {
        let b = hex(READ_REQ);
        let s = parse_session(&b).unwrap();
        assert_eq!(s.si, SPDU_DATA_TRANSFER);
        let mms = mms_in_presentation(s.user).unwrap().unwrap();
        let m = parse_mms(mms).unwrap();
        assert_eq!(m.pdu, PduType::CONFIRMED_REQUEST);
        assert_eq!(m.invoke_id, Some(0x04a274));
        assert_eq!(m.service, Some(ConfirmedService::READ.0));
    }

    #[test]
    fn read_and_gvaa_name_their_variables() {
        let b = hex(READ_REQ);
        let s = parse_session(&b).unwrap();
        let m = parse_mms(mms_in_presentation(s.user).unwrap().unwrap()).unwrap();
        assert_eq!(
            parse_variable_names(4, m.body, 8).unwrap(),
            ["AA1E1Q01FP2LD0/LLN0$BR$rcb_B02"]
        );
        // Sample frame 124: getVariableAccessAttributes by name.
        let gvaa =
            hex("a625a023a1211a0e41413145315130314650324c44301a0f4c4c4e30244252247263625f423032");
        let t = first_tlv(&gvaa).unwrap();
        assert_eq!(
            parse_variable_names(6, t.value, 8).unwrap(),
            ["AA1E1Q01FP2LD0/LLN0$BR$rcb_B02"]
        );
        // A write of variable list "DS1" (vmd-specific): a1 05 80 03 "DS1", data.
        let write = hex("a1058003445331a0038301ff");
        assert_eq!(parse_variable_names(5, &write, 8).unwrap(), ["DS1"]);
        // Cut names fail cleanly.
        for n in 0..t.value.len() {
            let _ = parse_variable_names(6, &t.value[..n], 8);
        }
    }

    #[test]
    fn initiate_request_inside_connect_and_aarq() {
        let b = hex(CONNECT);
        let s = parse_session(&b).unwrap();
        assert_eq!(s.si, SPDU_CONNECT);
        let mms = mms_in_presentation(s.user).unwrap().unwrap();
        let m = parse_mms(mms).unwrap();
        assert_eq!(m.pdu, PduType::INITIATE_REQUEST);
    }

    #[test]
    fn stop_request_with_a_two_byte_tag() {
        let b = hex(STOP_REQ);
        let m = parse_mms(&b).unwrap();
        assert_eq!(m.pdu, PduType::CONFIRMED_REQUEST);
        assert_eq!(m.service, Some(ConfirmedService::STOP.0));
        assert_eq!(m.invoke_id, Some(1));
    }

    #[test]
    fn confirmed_error_class_and_code() {
        // a2 0c: invokeID [0] 04a273, serviceError [2] { errorClass [0] { access [7] 2 } }
        // (sample frame 126).
        let b = hex("a20c800304a273a205a003870102");
        let m = parse_mms(&b).unwrap();
        assert_eq!(m.pdu, PduType::CONFIRMED_ERROR);
        assert_eq!(m.invoke_id, Some(0x04a273));
        assert_eq!(m.error, Some(7 << 16 | 2));
    }

    #[test]
    fn identify_response_fields() {
        // a1: invokeID 2, identify [2] { vendor "ABB", model "REF615", revision "5.0" }
        let b = hex("a117020102a212800341424281065245463631358203352e30");
        let m = parse_mms(&b).unwrap();
        assert_eq!(m.service, Some(ConfirmedService::IDENTIFY.0));
        let [v, model, rev] = parse_identify_response(m.body).unwrap();
        assert_eq!((v, model, rev), (&b"ABB"[..], &b"REF615"[..], &b"5.0"[..]));
    }

    #[test]
    fn every_truncation_is_a_clean_error() {
        for msg in [READ_REQ, CONNECT] {
            let b = hex(msg);
            for n in 0..b.len() {
                let r = parse_session(&b[..n]).and_then(|s| mms_in_presentation(s.user));
                if let Ok(Some(m)) = r {
                    let _ = parse_mms(m);
                }
            }
        }
        let b = hex(STOP_REQ);
        for n in 0..b.len() {
            assert!(parse_mms(&b[..n]).is_err(), "{n}");
        }
    }

    #[test]
    fn hostile_lengths_and_tags_are_refused() {
        // Indefinite length, 5 length bytes, 4-byte tag number.
        assert!(first_tlv(&[0xA0, 0x80, 0, 0]).is_err());
        assert!(first_tlv(&[0xA0, 0x85, 0, 0, 0, 0, 1]).is_err());
        assert!(first_tlv(&[0xBF, 0x81, 0x81, 0x81, 0x01, 0x00]).is_err());
        // A length far past the buffer.
        assert!(first_tlv(&[0xA0, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]).is_err());
    }
}
