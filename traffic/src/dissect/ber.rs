//! The BER subset the IEC 61850 Ethernet PDUs (GOOSE, Sampled Values) use:
//! single-byte tags and definite lengths. MMS needs high tag numbers and has
//! its own tag reader (`mms::parser::parse_tlv`), with the same lengths.

use crate::dissect::common::{PResult, Reader, malformed};

/// A BER tag and definite length (short form, or up to 4 length bytes);
/// returns the tag and the value. `layer` names the protocol in errors.
pub fn tlv<'a>(r: &mut Reader<'a>, layer: &'static str) -> PResult<(u8, &'a [u8])> {
    let tag = r.u8("ber_tag")?;
    if tag & 0x1F == 0x1F {
        return Err(malformed(layer, "ber_tag", "multi-byte tags are not used"));
    }
    let len = definite_length(r, layer)?;
    Ok((tag, r.take(len, "ber_value")?))
}

/// A definite BER length: the short form, or the long form with up to 4
/// length bytes. The indefinite form is refused: none of these protocols
/// uses it.
pub fn definite_length(r: &mut Reader<'_>, layer: &'static str) -> PResult<usize> {
    let first = r.u8("ber_length")?;
    if first < 0x80 {
        return Ok(usize::from(first));
    }
    let n = usize::from(first & 0x7F);
    if n == 0 || n > 4 {
        return Err(malformed(layer, "ber_length", "indefinite or over 4 bytes"));
    }
    Ok(r.take(n, "ber_length")?
        .iter()
        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b)))
}

/// An unsigned INTEGER of up to 5 bytes (an INT32U may carry a leading zero
/// byte so its top bit is not read as a sign).
pub fn unsigned(v: &[u8], layer: &'static str) -> PResult<u32> {
    if v.is_empty() || v.len() > 5 || (v.len() == 5 && v[0] != 0) {
        return Err(malformed(layer, "integer", "not a 32-bit unsigned integer"));
    }
    Ok(v.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_lengths() {
        let mut r = Reader::new("t", &[0x80, 0x02, 1, 2, 0x81, 0x81, 0x01, 9]);
        assert_eq!(tlv(&mut r, "t").unwrap(), (0x80, &[1u8, 2][..]));
        assert_eq!(tlv(&mut r, "t").unwrap(), (0x81, &[9u8][..]));
        assert_eq!(r.remaining(), 0);
        // High tag numbers, indefinite lengths and values past the end are refused.
        for bad in [
            &[0x1F, 0x01, 0][..],
            &[0x80, 0x80],
            &[0x80, 0x85, 0, 0, 0, 0, 1],
            &[0x80, 3, 1],
        ] {
            assert!(tlv(&mut Reader::new("t", bad), "t").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn unsigned_integers() {
        assert_eq!(unsigned(&[0x16, 0xEB], "t").unwrap(), 5867);
        assert_eq!(
            unsigned(&[0, 0xFF, 0xFF, 0xFF, 0xFF], "t").unwrap(),
            u32::MAX
        );
        assert!(unsigned(&[], "t").is_err());
        assert!(unsigned(&[1, 0, 0, 0, 0], "t").is_err());
    }
}
