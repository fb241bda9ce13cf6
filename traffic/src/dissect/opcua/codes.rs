//! OPC UA binary message types and service encoding ids (OPC 10000-6 §7
//! "UA Connection Protocol" / "UA Secure Conversation"; NodeIds from the
//! standard NodeSet, `*_Encoding_DefaultBinary`).

use crate::operation::OperationClass;

/// A service, identified by the numeric id of its binary encoding NodeId.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ServiceId(pub u32);

impl ServiceId {
    pub const SERVICE_FAULT: Self = Self(397);
    pub const OPEN_SECURE_CHANNEL_REQUEST: Self = Self(446);
    pub const READ_REQUEST: Self = Self(631);
    pub const WRITE_REQUEST: Self = Self(673);
    pub const CALL_REQUEST: Self = Self(712);

    /// Name, class and whether it is a request.
    pub fn info(self) -> Option<(&'static str, OperationClass, bool)> {
        use OperationClass::*;
        Some(match self.0 {
            397 => ("service_fault", Other, false),
            422 => ("find_servers_request", Discovery, true),
            425 => ("find_servers_response", Discovery, false),
            12208 => ("find_servers_on_network_request", Discovery, true),
            12209 => ("find_servers_on_network_response", Discovery, false),
            428 => ("get_endpoints_request", Discovery, true),
            431 => ("get_endpoints_response", Discovery, false),
            437 => ("register_server_request", Discovery, true),
            440 => ("register_server_response", Discovery, false),
            12211 => ("register_server2_request", Discovery, true),
            12212 => ("register_server2_response", Discovery, false),
            446 => ("open_secure_channel_request", Session, true),
            449 => ("open_secure_channel_response", Session, false),
            452 => ("close_secure_channel_request", Session, true),
            455 => ("close_secure_channel_response", Session, false),
            461 => ("create_session_request", Session, true),
            464 => ("create_session_response", Session, false),
            467 => ("activate_session_request", Session, true),
            470 => ("activate_session_response", Session, false),
            473 => ("close_session_request", Session, true),
            476 => ("close_session_response", Session, false),
            479 => ("cancel_request", Session, true),
            482 => ("cancel_response", Session, false),
            488 => ("add_nodes_request", Write, true),
            491 => ("add_nodes_response", Write, false),
            494 => ("add_references_request", Write, true),
            497 => ("add_references_response", Write, false),
            500 => ("delete_nodes_request", Write, true),
            503 => ("delete_nodes_response", Write, false),
            506 => ("delete_references_request", Write, true),
            509 => ("delete_references_response", Write, false),
            527 => ("browse_request", Read, true),
            530 => ("browse_response", Read, false),
            533 => ("browse_next_request", Read, true),
            536 => ("browse_next_response", Read, false),
            554 => ("translate_browse_paths_request", Read, true),
            557 => ("translate_browse_paths_response", Read, false),
            560 => ("register_nodes_request", Read, true),
            563 => ("register_nodes_response", Read, false),
            566 => ("unregister_nodes_request", Read, true),
            569 => ("unregister_nodes_response", Read, false),
            613 => ("query_first_request", Read, true),
            616 => ("query_first_response", Read, false),
            619 => ("query_next_request", Read, true),
            622 => ("query_next_response", Read, false),
            631 => ("read_request", Read, true),
            634 => ("read_response", Read, false),
            664 => ("history_read_request", Read, true),
            667 => ("history_read_response", Read, false),
            673 => ("write_request", Write, true),
            676 => ("write_response", Write, false),
            700 => ("history_update_request", Write, true),
            703 => ("history_update_response", Write, false),
            712 => ("call_request", Control, true),
            715 => ("call_response", Control, false),
            751 => ("create_monitored_items_request", Read, true),
            754 => ("create_monitored_items_response", Read, false),
            763 => ("modify_monitored_items_request", Read, true),
            766 => ("modify_monitored_items_response", Read, false),
            769 => ("set_monitoring_mode_request", Read, true),
            772 => ("set_monitoring_mode_response", Read, false),
            775 => ("set_triggering_request", Read, true),
            778 => ("set_triggering_response", Read, false),
            781 => ("delete_monitored_items_request", Read, true),
            784 => ("delete_monitored_items_response", Read, false),
            787 => ("create_subscription_request", Read, true),
            790 => ("create_subscription_response", Read, false),
            793 => ("modify_subscription_request", Read, true),
            796 => ("modify_subscription_response", Read, false),
            799 => ("set_publishing_mode_request", Read, true),
            802 => ("set_publishing_mode_response", Read, false),
            826 => ("publish_request", Read, true),
            829 => ("publish_response", Read, false),
            832 => ("republish_request", Read, true),
            835 => ("republish_response", Read, false),
            841 => ("transfer_subscriptions_request", Read, true),
            844 => ("transfer_subscriptions_response", Read, false),
            847 => ("delete_subscriptions_request", Read, true),
            850 => ("delete_subscriptions_response", Read, false),
            _ => return None,
        })
    }
}

/// Connection-protocol message types are reported with the three ASCII letters as
/// a 24-bit function code ("HEL" = 0x48454C), far above any service id.
pub fn message_type_code(t: [u8; 3]) -> u32 {
    u32::from_be_bytes([0, t[0], t[1], t[2]])
}

pub const HEL: [u8; 3] = *b"HEL";
pub const ACK: [u8; 3] = *b"ACK";
pub const ERR: [u8; 3] = *b"ERR";
pub const RHE: [u8; 3] = *b"RHE";
pub const OPN: [u8; 3] = *b"OPN";
pub const MSG: [u8; 3] = *b"MSG";
pub const CLO: [u8; 3] = *b"CLO";

#[cfg(test)]
mod tests {
    use super::*;

    /// Every service of OPC 10000-4 (§5.4-5.13), by the ids of its request
    /// and response binary encodings in the standard NodeSet.
    const SERVICES: [(&str, u32, u32); 39] = [
        ("find_servers", 422, 425),
        ("find_servers_on_network", 12208, 12209),
        ("get_endpoints", 428, 431),
        ("register_server", 437, 440),
        ("register_server2", 12211, 12212),
        ("open_secure_channel", 446, 449),
        ("close_secure_channel", 452, 455),
        ("create_session", 461, 464),
        ("activate_session", 467, 470),
        ("close_session", 473, 476),
        ("cancel", 479, 482),
        ("add_nodes", 488, 491),
        ("add_references", 494, 497),
        ("delete_nodes", 500, 503),
        ("delete_references", 506, 509),
        ("browse", 527, 530),
        ("browse_next", 533, 536),
        ("translate_browse_paths", 554, 557),
        ("register_nodes", 560, 563),
        ("unregister_nodes", 566, 569),
        ("query_first", 613, 616),
        ("query_next", 619, 622),
        ("read", 631, 634),
        ("history_read", 664, 667),
        ("write", 673, 676),
        ("history_update", 700, 703),
        ("call", 712, 715),
        ("create_monitored_items", 751, 754),
        ("modify_monitored_items", 763, 766),
        ("set_monitoring_mode", 769, 772),
        ("set_triggering", 775, 778),
        ("delete_monitored_items", 781, 784),
        ("create_subscription", 787, 790),
        ("modify_subscription", 793, 796),
        ("set_publishing_mode", 799, 802),
        ("publish", 826, 829),
        ("republish", 832, 835),
        ("transfer_subscriptions", 841, 844),
        ("delete_subscriptions", 847, 850),
    ];

    #[test]
    fn every_service_of_the_specification_is_known() {
        for (service, request, response) in SERVICES {
            assert_eq!(
                ServiceId(request).info().map(|(n, _, r)| (n, r)),
                Some((format!("{service}_request").leak() as &str, true)),
                "{service}"
            );
            assert_eq!(
                ServiceId(response).info().map(|(n, _, r)| (n, r)),
                Some((format!("{service}_response").leak() as &str, false)),
                "{service}"
            );
        }
        assert_eq!(ServiceId::SERVICE_FAULT.info().unwrap().0, "service_fault");
    }
}
