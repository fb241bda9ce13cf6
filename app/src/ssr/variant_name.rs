//! The wire name of a unit enum variant (`"modbus"`, `"read"`…) as a
//! `&'static str`, taken from its `Serialize` impl: the same spelling the
//! upload schema uses, without a JSON round trip and an allocation per value
//! (ingestion converts several such values per stored row).

use serde::ser::{self, Impossible, Serialize, Serializer};
use std::fmt;

/// The variant's serialized name; `None` when `v` is not a unit variant.
pub fn variant_name<T: Serialize>(v: &T) -> Option<&'static str> {
    v.serialize(NameOnly).ok()
}

struct NameOnly;

#[derive(Debug)]
struct NotUnitVariant;

impl fmt::Display for NotUnitVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a unit enum variant")
    }
}

impl std::error::Error for NotUnitVariant {}

impl ser::Error for NotUnitVariant {
    fn custom<M: fmt::Display>(_: M) -> Self {
        NotUnitVariant
    }
}

/// Serializer methods for everything but unit variants: all refuse.
macro_rules! refuse {
    ($($method:ident($($arg:ty),*);)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<Self::Ok, Self::Error> {
            Err(NotUnitVariant)
        })*
    };
}

impl Serializer for NameOnly {
    type Ok = &'static str;
    type Error = NotUnitVariant;
    type SerializeSeq = Impossible<&'static str, NotUnitVariant>;
    type SerializeTuple = Impossible<&'static str, NotUnitVariant>;
    type SerializeTupleStruct = Impossible<&'static str, NotUnitVariant>;
    type SerializeTupleVariant = Impossible<&'static str, NotUnitVariant>;
    type SerializeMap = Impossible<&'static str, NotUnitVariant>;
    type SerializeStruct = Impossible<&'static str, NotUnitVariant>;
    type SerializeStructVariant = Impossible<&'static str, NotUnitVariant>;

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<&'static str, NotUnitVariant> {
        Ok(variant)
    }

    refuse! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<&'static str, NotUnitVariant> {
        Err(NotUnitVariant)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<&'static str, NotUnitVariant> {
        Err(NotUnitVariant)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<&'static str, NotUnitVariant> {
        Err(NotUnitVariant)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, NotUnitVariant> {
        Err(NotUnitVariant)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, NotUnitVariant> {
        Err(NotUnitVariant)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, NotUnitVariant> {
        Err(NotUnitVariant)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, NotUnitVariant> {
        Err(NotUnitVariant)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, NotUnitVariant> {
        Err(NotUnitVariant)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, NotUnitVariant> {
        Err(NotUnitVariant)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, NotUnitVariant> {
        Err(NotUnitVariant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use traffic::operation::{Direction, OperationClass, Protocol};
    use traffic::record::{FlowEnd, Initiator, TransportKind};

    /// Every variant of every enum ingestion stores is named exactly as JSON spells it.
    #[test]
    fn names_match_the_json_spelling() {
        fn check<T: Serialize>(values: &[T]) {
            for v in values {
                let json = serde_json::to_value(v).unwrap();
                assert_eq!(variant_name(v), json.as_str(), "{json}");
            }
        }
        check(&[
            Protocol::Modbus,
            Protocol::Enip,
            Protocol::Cip,
            Protocol::S7comm,
            Protocol::S7commPlus,
            Protocol::Bacnet,
            Protocol::Dnp3,
            Protocol::Iec104,
            Protocol::Fins,
            Protocol::Melsec,
            Protocol::OpcUa,
            Protocol::ProfinetDcp,
        ]);
        check(&[
            OperationClass::Read,
            OperationClass::Write,
            OperationClass::Control,
            OperationClass::Program,
            OperationClass::Firmware,
            OperationClass::Diagnostic,
            OperationClass::Discovery,
            OperationClass::Session,
            OperationClass::Other,
        ]);
        check(&[Direction::Request, Direction::Response, Direction::Unknown]);
        check(&[
            TransportKind::Tcp,
            TransportKind::Udp,
            TransportKind::Icmp,
            TransportKind::Other,
            TransportKind::Ethernet,
        ]);
        check(&[
            Initiator::Syn,
            Initiator::SynAck,
            Initiator::ServicePort,
            Initiator::FirstPacket,
        ]);
        check(&[
            FlowEnd::Fin,
            FlowEnd::Rst,
            FlowEnd::IdleTimeout,
            FlowEnd::Evicted,
            FlowEnd::Reused,
            FlowEnd::CaptureEnd,
        ]);
    }

    #[test]
    fn anything_else_has_no_variant_name() {
        assert_eq!(variant_name(&1u8), None);
        assert_eq!(variant_name(&"modbus"), None);
        assert_eq!(variant_name(&Some(Protocol::Modbus)), None);
    }
}
