//! ISO 9506 MMS: PDU types, confirmed and unconfirmed service tags, their
//! names and classes, and how they become one `function_code` space.

use crate::operation::OperationClass;

/// The MMSpdu CHOICE (ISO 9506-2 §7): the context tag number of the outer PDU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PduType(pub u32);

impl PduType {
    pub const CONFIRMED_REQUEST: Self = Self(0);
    pub const CONFIRMED_RESPONSE: Self = Self(1);
    pub const CONFIRMED_ERROR: Self = Self(2);
    pub const UNCONFIRMED: Self = Self(3);
    pub const REJECT: Self = Self(4);
    pub const CANCEL_REQUEST: Self = Self(5);
    pub const CANCEL_RESPONSE: Self = Self(6);
    pub const CANCEL_ERROR: Self = Self(7);
    pub const INITIATE_REQUEST: Self = Self(8);
    pub const INITIATE_RESPONSE: Self = Self(9);
    pub const INITIATE_ERROR: Self = Self(10);
    pub const CONCLUDE_REQUEST: Self = Self(11);
    pub const CONCLUDE_RESPONSE: Self = Self(12);
    pub const CONCLUDE_ERROR: Self = Self(13);

    /// Name of a PDU that carries no confirmed or unconfirmed service.
    pub fn name(self) -> Option<&'static str> {
        Some(match self.0 {
            2 => "confirmed_error",
            4 => "reject",
            5 => "cancel_request",
            6 => "cancel_response",
            7 => "cancel_error",
            8 => "initiate_request",
            9 => "initiate_response",
            10 => "initiate_error",
            11 => "conclude_request",
            12 => "conclude_response",
            13 => "conclude_error",
            _ => return None,
        })
    }
}

/// `function_code` of a PDU without a service (initiate, conclude, cancel,
/// reject, confirmed-error): `0x1000 | PDU tag`.
pub const PDU_CODE_BASE: u32 = 0x1000;
/// `function_code` of an unconfirmed service: `0x2000 | service tag`.
pub const UNCONFIRMED_CODE_BASE: u32 = 0x2000;

/// A ConfirmedServiceRequest / -Response CHOICE tag (ISO 9506-2 §7.2;
/// 0..=77). Its tag number is the `function_code` (the numbers tshark shows
/// in `mms.confirmedServiceRequest`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfirmedService(pub u32);

impl ConfirmedService {
    pub const STATUS: Self = Self(0);
    pub const GET_NAME_LIST: Self = Self(1);
    pub const IDENTIFY: Self = Self(2);
    pub const READ: Self = Self(4);
    pub const WRITE: Self = Self(5);
    pub const GET_VARIABLE_ACCESS_ATTRIBUTES: Self = Self(6);
    pub const START: Self = Self(40);
    pub const STOP: Self = Self(41);

    /// (name, class) of every service ISO 9506-2 defines, by tag number.
    const TABLE: [(&'static str, OperationClass); 78] = {
        use OperationClass::*;
        [
            ("status", Diagnostic),
            ("get_name_list", Read),
            ("identify", Discovery),
            ("rename", Write),
            ("read", Read),
            ("write", Write),
            ("get_variable_access_attributes", Read),
            ("define_named_variable", Write),
            ("define_scattered_access", Write),
            ("get_scattered_access_attributes", Read),
            ("delete_variable_access", Write),
            ("define_named_variable_list", Write),
            ("get_named_variable_list_attributes", Read),
            ("delete_named_variable_list", Write),
            ("define_named_type", Write),
            ("get_named_type_attributes", Read),
            ("delete_named_type", Write),
            ("input", Read),
            ("output", Write),
            ("take_control", Session),
            ("relinquish_control", Session),
            ("define_semaphore", Write),
            ("delete_semaphore", Write),
            ("report_semaphore_status", Read),
            ("report_pool_semaphore_status", Read),
            ("report_semaphore_entry_status", Read),
            ("initiate_download_sequence", Program),
            ("download_segment", Program),
            ("terminate_download_sequence", Program),
            ("initiate_upload_sequence", Program),
            ("upload_segment", Program),
            ("terminate_upload_sequence", Program),
            ("request_domain_download", Program),
            ("request_domain_upload", Program),
            ("load_domain_content", Program),
            ("store_domain_content", Program),
            ("delete_domain", Program),
            ("get_domain_attributes", Read),
            ("create_program_invocation", Control),
            ("delete_program_invocation", Control),
            ("start", Control),
            ("stop", Control),
            ("resume", Control),
            ("reset", Control),
            ("kill", Control),
            ("get_program_invocation_attributes", Read),
            ("obtain_file", Program),
            ("define_event_condition", Write),
            ("delete_event_condition", Write),
            ("get_event_condition_attributes", Read),
            ("report_event_condition_status", Read),
            ("alter_event_condition_monitoring", Write),
            ("trigger_event", Write),
            ("define_event_action", Write),
            ("delete_event_action", Write),
            ("get_event_action_attributes", Read),
            ("report_event_action_status", Read),
            ("define_event_enrollment", Write),
            ("delete_event_enrollment", Write),
            ("alter_event_enrollment", Write),
            ("report_event_enrollment_status", Read),
            ("get_event_enrollment_attributes", Read),
            ("acknowledge_event_notification", Write),
            ("get_alarm_summary", Read),
            ("get_alarm_enrollment_summary", Read),
            ("read_journal", Read),
            ("write_journal", Write),
            ("initialize_journal", Write),
            ("report_journal_status", Read),
            ("create_journal", Write),
            ("delete_journal", Write),
            ("get_capability_list", Read),
            // File services (ISO 9506-2 annex C): opening, reading and
            // closing a file fetch it from the server (an upload); the
            // directory only lists names.
            ("file_open", Program),
            ("file_read", Program),
            ("file_close", Program),
            ("file_rename", Program),
            ("file_delete", Program),
            ("file_directory", Read),
        ]
    };

    pub fn name(self) -> Option<&'static str> {
        Self::TABLE.get(self.0 as usize).map(|(n, _)| *n)
    }

    pub fn class(self) -> OperationClass {
        Self::TABLE
            .get(self.0 as usize)
            .map_or(OperationClass::Other, |(_, c)| *c)
    }
}

/// An UnconfirmedService CHOICE tag (ISO 9506-2 §7.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnconfirmedService(pub u32);

impl UnconfirmedService {
    pub const INFORMATION_REPORT: Self = Self(0);

    /// Name and class: a report pushes the server's values to the client,
    /// which is cyclic or event data, like a read.
    pub fn name_class(self) -> (Option<&'static str>, OperationClass) {
        match self.0 {
            0 => (Some("information_report"), OperationClass::Read),
            1 => (Some("unsolicited_status"), OperationClass::Diagnostic),
            2 => (Some("event_notification"), OperationClass::Read),
            _ => (None, OperationClass::Other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_numbers_match_iso_9506_and_tshark() {
        // tshark: mms.confirmedServiceRequest "4 (read)", "6 (getVariableAccessAttributes)",
        // "40 (start)", "41 (stop)".
        assert_eq!(ConfirmedService::READ.name(), Some("read"));
        assert_eq!(
            ConfirmedService::GET_VARIABLE_ACCESS_ATTRIBUTES.name(),
            Some("get_variable_access_attributes")
        );
        assert_eq!(ConfirmedService::START.name(), Some("start"));
        assert_eq!(ConfirmedService::STOP.name(), Some("stop"));
        assert_eq!(ConfirmedService(77).name(), Some("file_directory"));
        assert_eq!(ConfirmedService(72).name(), Some("file_open"));
        assert_eq!(ConfirmedService(78).name(), None);
        assert_eq!(ConfirmedService(78).class(), OperationClass::Other);
        assert_eq!(ConfirmedService::STOP.class(), OperationClass::Control);
    }
}
