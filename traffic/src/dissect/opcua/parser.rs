//! Pure parsing of OPC UA binary chunks: message header, secure channel headers,
//! the service type NodeId and the response header.

use super::codes::*;
use crate::dissect::common::{PResult, Reader, malformed};

/// Largest chunk we accept (implementations negotiate far smaller).
pub const MAX_CHUNK: u32 = 16 * 1024 * 1024;

/// Message header: type, chunk type, size (whole chunk).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub message_type: [u8; 3],
    pub chunk: u8,
    pub size: usize,
}

pub fn is_message_type(t: &[u8]) -> bool {
    [HEL, ACK, ERR, RHE, OPN, MSG, CLO]
        .iter()
        .any(|m| m[..] == *t)
}

/// Parses the 8-byte header and cuts out the chunk body.
pub fn parse_chunk(data: &[u8]) -> PResult<(Header, &[u8])> {
    let mut r = Reader::new("opcua", data);
    let t = r.take(3, "message_type")?;
    if !is_message_type(t) {
        return Err(malformed("opcua", "message_type", "unknown"));
    }
    let chunk = r.u8("chunk_type")?;
    if !matches!(chunk, b'F' | b'C' | b'A') {
        return Err(malformed("opcua", "chunk_type", "not F, C or A"));
    }
    let size = r.le32("message_size")?;
    if !(8..=MAX_CHUNK).contains(&size) {
        return Err(malformed("opcua", "message_size", "outside 8..=16 MiB"));
    }
    let body = r.take(size as usize - 8, "body")?;
    Ok((
        Header {
            message_type: [t[0], t[1], t[2]],
            chunk,
            size: size as usize,
        },
        body,
    ))
}

/// OPC UA String / ByteString: i32 length (-1 = null) then bytes.
pub fn parse_bytes<'a>(r: &mut Reader<'a>, field: &'static str) -> PResult<&'a [u8]> {
    let len = r.le32(field)? as i32;
    if len <= 0 {
        return Ok(&[]);
    }
    r.take(len as usize, field)
}

/// Skips the secure channel header (and asymmetric security header for OPN) and the
/// sequence header; returns the security policy URI (OPN only) and the service body.
pub fn parse_secure_body(message_type: [u8; 3], body: &[u8]) -> PResult<(&[u8], &[u8])> {
    let mut r = Reader::new("opcua.secure_channel", body);
    r.skip(4, "secure_channel_id")?;
    let mut policy: &[u8] = &[];
    if message_type == OPN {
        policy = parse_bytes(&mut r, "security_policy_uri")?;
        parse_bytes(&mut r, "sender_certificate")?;
        parse_bytes(&mut r, "receiver_certificate_thumbprint")?;
    } else {
        r.skip(4, "token_id")?;
    }
    r.skip(4, "sequence_number")?;
    r.skip(4, "request_id")?;
    Ok((policy, r.rest()))
}

/// A numeric NodeId (the service type); other NodeId forms are not services.
pub fn parse_numeric_node_id(r: &mut Reader<'_>) -> PResult<(u16, u32)> {
    match r.u8("node_id_encoding")? {
        0x00 => Ok((0, r.u8("identifier")? as u32)),
        0x01 => {
            let ns = r.u8("namespace")? as u16;
            Ok((ns, r.le16("identifier")? as u32))
        }
        0x02 => {
            let ns = r.le16("namespace")?;
            Ok((ns, r.le32("identifier")?))
        }
        _ => Err(malformed("opcua.node_id", "encoding", "not numeric")),
    }
}

/// Any NodeId, as far as an address range needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeId<'a> {
    Numeric {
        ns: u16,
        id: u32,
    },
    String {
        ns: u16,
        id: &'a [u8],
    },
    /// GUID or opaque identifier.
    Other {
        ns: u16,
    },
}

pub fn parse_node_id<'a>(r: &mut Reader<'a>) -> PResult<NodeId<'a>> {
    let mut probe = *r;
    if let Ok((ns, id)) = parse_numeric_node_id(&mut probe) {
        *r = probe;
        return Ok(NodeId::Numeric { ns, id });
    }
    let enc = r.u8("node_id_encoding")?;
    let ns = r.le16("namespace")?;
    match enc & 0x3F {
        0x03 => Ok(NodeId::String {
            ns,
            id: parse_bytes(r, "identifier")?,
        }),
        0x04 => r.skip(16, "identifier").map(|_| NodeId::Other { ns }),
        0x05 => parse_bytes(r, "identifier").map(|_| NodeId::Other { ns }),
        _ => Err(malformed("opcua.node_id", "encoding", "unknown")),
    }
}

/// ReadRequest body after the header: every node read (ReadValueId list).
pub fn parse_read_request<'a>(r: &mut Reader<'a>, mut each: impl FnMut(NodeId<'a>)) -> PResult<()> {
    skip_request_header(r)?;
    r.skip(8, "max_age")?;
    r.skip(4, "timestamps_to_return")?;
    let n = r.le32("nodes_to_read_length")? as i32;
    for _ in 0..n.max(0) {
        each(parse_node_id(r)?);
        r.skip(4, "attribute_id")?;
        parse_bytes(r, "index_range")?;
        r.skip(2, "data_encoding_namespace")?;
        parse_bytes(r, "data_encoding_name")?;
    }
    Ok(())
}

/// WriteRequest: the first node written (later ones follow variant-encoded values).
pub fn parse_write_request<'a>(r: &mut Reader<'a>) -> PResult<Option<NodeId<'a>>> {
    skip_request_header(r)?;
    let n = r.le32("nodes_to_write_length")? as i32;
    if n <= 0 {
        return Ok(None);
    }
    parse_node_id(r).map(Some)
}

/// CallRequest: object and method of the first call.
pub fn parse_call_request<'a>(r: &mut Reader<'a>) -> PResult<Option<(NodeId<'a>, NodeId<'a>)>> {
    skip_request_header(r)?;
    let n = r.le32("methods_to_call_length")? as i32;
    if n <= 0 {
        return Ok(None);
    }
    let object = parse_node_id(r)?;
    let method = parse_node_id(r)?;
    Ok(Some((object, method)))
}

/// Response header's service result (after timestamp and request handle).
pub fn parse_service_result(r: &mut Reader<'_>) -> PResult<u32> {
    r.skip(8, "timestamp")?;
    r.skip(4, "request_handle")?;
    r.le32("service_result")
}

/// ERR body: error code and reason.
pub fn parse_error(body: &[u8]) -> PResult<u32> {
    Reader::new("opcua.err", body).le32("error")
}

/// Skips a NodeId or ExpandedNodeId of any encoding.
pub fn skip_node_id(r: &mut Reader<'_>) -> PResult<()> {
    let enc = r.u8("node_id_encoding")?;
    match enc & 0x3F {
        0x00 => r.skip(1, "identifier")?,
        0x01 => r.skip(3, "identifier")?,
        0x02 => r.skip(6, "identifier")?,
        0x03 | 0x05 => {
            r.skip(2, "namespace")?;
            parse_bytes(r, "identifier")?;
        }
        0x04 => r.skip(18, "identifier")?,
        _ => return Err(malformed("opcua.node_id", "encoding", "unknown")),
    }
    if enc & 0x80 != 0 {
        parse_bytes(r, "namespace_uri")?;
    }
    if enc & 0x40 != 0 {
        r.skip(4, "server_index")?;
    }
    Ok(())
}

/// Skips an ExtensionObject (type NodeId, encoding, optional body).
pub fn skip_extension_object(r: &mut Reader<'_>) -> PResult<()> {
    skip_node_id(r)?;
    match r.u8("extension_object_encoding")? {
        0 => Ok(()),
        1 | 2 => parse_bytes(r, "extension_object_body").map(|_| ()),
        _ => Err(malformed("opcua.extension_object", "encoding", "unknown")),
    }
}

/// Skips a DiagnosticInfo (nested ones up to a small depth).
pub fn skip_diagnostic_info(r: &mut Reader<'_>, depth: u8) -> PResult<()> {
    let mask = r.u8("diagnostic_info_mask")?;
    for (bit, n) in [(0x01, 4), (0x02, 4), (0x04, 4), (0x08, 4)] {
        if mask & bit != 0 {
            r.skip(n, "diagnostic_field")?;
        }
    }
    if mask & 0x10 != 0 {
        parse_bytes(r, "additional_info")?;
    }
    if mask & 0x20 != 0 {
        r.skip(4, "inner_status_code")?;
    }
    if mask & 0x40 != 0 {
        if depth >= 4 {
            return Err(malformed(
                "opcua.diagnostic_info",
                "inner_diagnostic_info",
                "nested too deep",
            ));
        }
        skip_diagnostic_info(r, depth + 1)?;
    }
    Ok(())
}

/// RequestHeader (OPC 10000-4 §7.33), skipped.
pub fn skip_request_header(r: &mut Reader<'_>) -> PResult<()> {
    skip_node_id(r)?; // authentication token
    r.skip(8, "timestamp")?;
    r.skip(4, "request_handle")?;
    r.skip(4, "return_diagnostics")?;
    parse_bytes(r, "audit_entry_id")?;
    r.skip(4, "timeout_hint")?;
    skip_extension_object(r)
}

/// ResponseHeader (§7.34): returns the service result.
pub fn parse_response_header(r: &mut Reader<'_>) -> PResult<u32> {
    let result = parse_service_result(r)?;
    skip_diagnostic_info(r, 0)?;
    let n = r.le32("string_table_length")? as i32;
    for _ in 0..n.max(0) {
        parse_bytes(r, "string_table_entry")?;
    }
    skip_extension_object(r)?;
    Ok(result)
}

/// ApplicationDescription (§7.2): application URI, product URI, application name.
pub struct ApplicationDescription<'a> {
    pub application_uri: &'a [u8],
    pub product_uri: &'a [u8],
    pub application_name: &'a [u8],
}

pub fn parse_application_description<'a>(
    r: &mut Reader<'a>,
) -> PResult<ApplicationDescription<'a>> {
    let application_uri = parse_bytes(r, "application_uri")?;
    let product_uri = parse_bytes(r, "product_uri")?;
    let mask = r.u8("localized_text_mask")?;
    if mask & 0x01 != 0 {
        parse_bytes(r, "locale")?;
    }
    let application_name = if mask & 0x02 != 0 {
        parse_bytes(r, "text")?
    } else {
        &[]
    };
    Ok(ApplicationDescription {
        application_uri,
        product_uri,
        application_name,
    })
}

/// CreateSessionRequest body (after its type NodeId): the client's description.
pub fn parse_create_session_request<'a>(r: &mut Reader<'a>) -> PResult<ApplicationDescription<'a>> {
    skip_request_header(r)?;
    parse_application_description(r)
}

/// GetEndpointsResponse body: the first endpoint's URL and server description.
pub fn parse_get_endpoints_response<'a>(
    r: &mut Reader<'a>,
) -> PResult<Option<(&'a [u8], ApplicationDescription<'a>)>> {
    parse_response_header(r)?;
    let n = r.le32("endpoints_length")? as i32;
    if n <= 0 {
        return Ok(None);
    }
    let url = parse_bytes(r, "endpoint_url")?;
    Ok(Some((url, parse_application_description(r)?)))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// MSG chunk carrying a ReadRequest header (NodeId four-byte, ns 0, id 631).
    pub const READ_MSG: [u8; 28] = [
        b'M', b'S', b'G', b'F', // MSG, final chunk
        0x1C, 0x00, 0x00, 0x00, // size 28
        0x01, 0x00, 0x00, 0x00, // secure channel id
        0x02, 0x00, 0x00, 0x00, // token id
        0x05, 0x00, 0x00, 0x00, // sequence number
        0x03, 0x00, 0x00, 0x00, // request id
        0x01, 0x00, 0x77, 0x02, // NodeId four-byte: ns 0, id 631 ReadRequest
    ];

    #[test]
    fn read_request_type() {
        let (h, body) = parse_chunk(&READ_MSG).unwrap();
        assert_eq!(h.message_type, MSG);
        let (_, svc) = parse_secure_body(h.message_type, body).unwrap();
        let mut r = Reader::new("t", svc);
        assert_eq!(parse_numeric_node_id(&mut r).unwrap(), (0, 631));
        for n in 0..READ_MSG.len() {
            assert!(parse_chunk(&READ_MSG[..n]).unwrap_err().is_incomplete());
        }
    }
}
