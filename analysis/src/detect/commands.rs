//! Dangerous commands, always on (also while learning): operating-mode
//! changes, restarts and resets, reconfiguration, program download and
//! upload, logic changes, firmware, clock changes, PROFINET DCP Set, and a
//! GOOSE state number that skipped or went back (the sensor follows each
//! publisher's stNum, `traffic::analyzer`'s publishers).
//!
//! Decided per request from what the upload records carry: the protocol,
//! the operation's name and class (`traffic::operation`), and for CIP the
//! object class it addressed. Requests count whether or not the device
//! accepted them: an attempt matters as much as a success. Routine process
//! control (DNP3 select/operate, IEC 104 commands, OPC UA method calls,
//! C37.118 stream on/off) is not a command to the device itself and is left
//! to the baseline ([`super::baseline`]).

use std::collections::BTreeMap;

use traffic::operation::{Direction, OperationClass, Protocol};
use traffic::record::{Batch, OperationCount};

use super::alert::{AlertType, Finding, Severity};
use super::names::{Names, is_group};
use crate::observations::zone_key;

/// Which always-on type a request is, and how severe, if any.
pub fn classify(op: &OperationCount) -> Option<(AlertType, Severity)> {
    use AlertType::*;
    use Severity::*;
    let name = op.name.as_str();
    let by_name = match (op.protocol, name) {
        // Operating mode.
        (Protocol::S7comm, "plc_stop" | "pi_program_run") => Some((PlcModeChange, Critical)),
        (Protocol::Cip, "stop" | "start") => Some((PlcModeChange, Critical)),
        (Protocol::Fins, "run" | "stop") => Some((PlcModeChange, Critical)),
        (Protocol::Melsec, "remote_run" | "remote_stop" | "remote_pause") => {
            Some((PlcModeChange, Critical))
        }
        (Protocol::Modbus, "umas_start_plc" | "umas_stop_plc") => Some((PlcModeChange, Critical)),
        (Protocol::Ads, "write_control") => Some((PlcModeChange, Critical)),
        (Protocol::Dnp3, "stop_application" | "start_application") => Some((PlcModeChange, High)),
        (Protocol::Bacnet, "device_communication_control") => Some((PlcModeChange, High)),
        // MMS program invocations (ISO 9506-1 §11): an IED's or controller's
        // programs started, stopped, resumed, reset or killed.
        (Protocol::Mms, "start" | "stop" | "resume" | "reset" | "kill") => {
            Some((PlcModeChange, Critical))
        }
        // Restart, reset, clear.
        (Protocol::Dnp3, "cold_restart" | "warm_restart" | "initialize_application") => {
            Some((DeviceRestart, Critical))
        }
        (Protocol::Bacnet, "reinitialize_device") => Some((DeviceRestart, Critical)),
        (Protocol::Cip, "reset") => Some((DeviceRestart, Critical)),
        (Protocol::Melsec, "remote_reset" | "remote_latch_clear") => {
            Some((DeviceRestart, Critical))
        }
        (Protocol::Iec104, "c_rp_na_1") => Some((DeviceRestart, Critical)),
        // Modbus diagnostics sub-function 1 (restart communications) or 4
        // (force listen-only mode): the dissector marks them control.
        (Protocol::Modbus, "diagnostics") if op.class == OperationClass::Control => {
            Some((DeviceRestart, High))
        }
        // Reconfiguration.
        (Protocol::Dnp3, "initialize_data" | "save_configuration" | "activate_config") => {
            Some((DeviceReconfigure, High))
        }
        // Logic changed in place.
        (
            Protocol::S7comm,
            "pi_insert_block" | "pi_delete_block" | "erase" | "pi_copy_ram_to_rom"
            | "pi_compress_memory",
        ) => Some((LogicChange, High)),
        (
            Protocol::Fins,
            "program_area_clear" | "program_area_protect" | "program_area_protect_clear",
        ) => Some((LogicChange, High)),
        (Protocol::Melsec, "delete_file" | "new_file" | "copy_file" | "change_file_attribute") => {
            Some((LogicChange, High))
        }
        (
            Protocol::Mms,
            "delete_domain" | "delete_program_invocation" | "file_delete" | "file_rename",
        ) => Some((LogicChange, High)),
        // Program transfers.
        (Protocol::S7comm, "start_upload" | "upload" | "end_upload") => {
            Some((ProgramUpload, Medium))
        }
        (Protocol::Fins, "program_area_read") => Some((ProgramUpload, Medium)),
        (Protocol::Melsec, "read_file") => Some((ProgramUpload, Medium)),
        // MMS file services only read (obtain_file, the server fetching a
        // file, is a download by its class); store_domain_content saves a
        // domain (program) to a file.
        (Protocol::Mms, "file_open" | "file_read" | "file_close" | "store_domain_content") => {
            Some((ProgramUpload, Medium))
        }
        (Protocol::Cip, "file_initiate_upload" | "file_upload_transfer") => {
            Some((ProgramUpload, Medium))
        }
        (Protocol::Fins, "program_area_write" | "program_area_file_transfer") => {
            Some((ProgramDownload, High))
        }
        (Protocol::Melsec, "write_file") => Some((ProgramDownload, High)),
        // Clock.
        (Protocol::S7comm, "set_clock" | "set_clock_utc") => Some((ClockChange, Medium)),
        (Protocol::Fins, "clock_write") => Some((ClockChange, Medium)),
        // Time synchronisation services: routine where a master keeps time,
        // so low unless the baseline says otherwise.
        (Protocol::Bacnet, "time_synchronization" | "utc_time_synchronization")
        | (Protocol::Iec104, "c_cs_na_1")
        | (Protocol::Dnp3, "record_current_time") => Some((ClockChange, Low)),
        // PROFINET DCP Set: name or address (write), or a factory reset.
        (Protocol::ProfinetDcp, "set") => Some((ProfinetDcpSet, High)),
        (Protocol::ProfinetDcp, "set_factory_reset" | "set_reset_to_factory") => {
            Some((ProfinetDcpSet, Critical))
        }
        // Makes the station blink so a technician finds it: harmless.
        (Protocol::ProfinetDcp, "set_signal") => Some((ProfinetDcpSet, Low)),
        // Subscribers act on a new state at once (trip, interlock): a
        // forged one with a higher stNum is taken as news.
        (Protocol::Goose, "goose_st_num_jump" | "goose_st_num_back") => {
            Some((GooseStateJump, High))
        }
        _ => None,
    };
    if by_name.is_some() {
        return by_name;
    }
    // CIP writes to a time object set the controller's clock.
    if op.protocol == Protocol::Cip
        && op.class == OperationClass::Write
        && op
            .ranges
            .iter()
            .any(|r| r.space == "time_sync" || r.space == "time_sync_rockwell")
    {
        return Some((ClockChange, Medium));
    }
    // What the names above do not list falls to its class: a program
    // transfer of unknown direction is taken as a download (the dangerous
    // one), every firmware operation as an update.
    match op.class {
        OperationClass::Firmware => Some((FirmwareUpdate, Critical)),
        OperationClass::Program if name.contains("upload") => Some((ProgramUpload, Medium)),
        OperationClass::Program => Some((ProgramDownload, High)),
        _ => None,
    }
}

/// The commands of one batch, one finding per (type, client, server,
/// protocol), with the operations that made it.
pub fn detect(batch: &Batch, names: &Names, out: &mut Vec<Finding>) {
    let sensor = batch.sensor_id.as_str();
    let mut grouped: BTreeMap<(AlertType, Option<String>, Option<String>, Protocol), Finding> =
        BTreeMap::new();
    for op in &batch.operations {
        // Responses repeat what was asked.
        if op.direction == Direction::Response {
            continue;
        }
        let Some((alert_type, severity)) = classify(op) else {
            continue;
        };
        // Time synchronisation broadcast to everyone is how a master keeps
        // a network's time: not a change aimed at one controller.
        if alert_type == AlertType::ClockChange
            && severity == Severity::Low
            && is_group(op.server_ip, op.server_mac)
        {
            continue;
        }
        let zone = zone_key(sensor, op.vlan);
        let client = names.party(&zone, op.client_ip, op.client_mac);
        let server = names.party(&zone, op.server_ip, op.server_mac);
        let key = (
            alert_type,
            client.as_ref().map(|p| p.asset.clone()),
            server.as_ref().map(|p| p.asset.clone()),
            op.protocol,
        );
        let f = grouped.entry(key).or_insert_with(|| Finding {
            alert_type,
            severity,
            sensor: batch.sensor_id.clone(),
            client,
            server,
            protocol: Some(op.protocol),
            subject: String::new(),
            operations: BTreeMap::new(),
            first_seen_ms: op.first_seen_ms,
            last_seen_ms: op.last_seen_ms,
            batch: Some(super::batch_ref(batch)),
        });
        f.severity = f.severity.max(severity);
        f.first_seen_ms = f.first_seen_ms.min(op.first_seen_ms);
        f.last_seen_ms = f.last_seen_ms.max(op.last_seen_ms);
        {
            let n = f.operations.entry(op.name.clone()).or_default();
            *n = n.saturating_add(op.count);
        }
    }
    out.extend(grouped.into_values());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;
    use traffic::operation::AddressRange;
    use traffic::record::TransportKind;

    fn op(protocol: Protocol, name: &str, class: OperationClass) -> OperationCount {
        OperationCount {
            vlan: None,
            transport: TransportKind::Tcp,
            client_ip: None,
            server_ip: None,
            server_port: None,
            client_mac: None,
            server_mac: None,
            protocol,
            function_code: 0,
            name: name.to_owned(),
            class,
            unit: None,
            direction: Direction::Request,
            error_code: None,
            count: 1,
            first_seen_ms: 0,
            last_seen_ms: 0,
            ranges: vec![],
            ranges_truncated: false,
        }
    }

    fn kind(protocol: Protocol, name: &str, class: OperationClass) -> Option<AlertType> {
        classify(&op(protocol, name, class)).map(|(t, _)| t)
    }

    #[test]
    fn each_family_of_command_by_protocol() {
        use AlertType::*;
        use OperationClass as C;
        use Protocol as P;
        let cases = [
            (P::S7comm, "plc_stop", C::Control, Some(PlcModeChange)),
            (P::Fins, "run", C::Control, Some(PlcModeChange)),
            (P::Melsec, "remote_stop", C::Control, Some(PlcModeChange)),
            (P::Modbus, "umas_stop_plc", C::Control, Some(PlcModeChange)),
            (P::Ads, "write_control", C::Control, Some(PlcModeChange)),
            (P::Mms, "stop", C::Control, Some(PlcModeChange)),
            (P::Mms, "kill", C::Control, Some(PlcModeChange)),
            (P::Mms, "file_read", C::Program, Some(ProgramUpload)),
            (P::Mms, "obtain_file", C::Program, Some(ProgramDownload)),
            (
                P::Mms,
                "download_segment",
                C::Program,
                Some(ProgramDownload),
            ),
            (P::Mms, "upload_segment", C::Program, Some(ProgramUpload)),
            (P::Mms, "delete_domain", C::Program, Some(LogicChange)),
            (P::Mms, "read", C::Read, None),
            (P::Cip, "reset", C::Control, Some(DeviceRestart)),
            (P::Iec104, "c_rp_na_1", C::Control, Some(DeviceRestart)),
            (P::Modbus, "diagnostics", C::Control, Some(DeviceRestart)),
            (P::Modbus, "diagnostics", C::Diagnostic, None),
            (
                P::Dnp3,
                "save_configuration",
                C::Write,
                Some(DeviceReconfigure),
            ),
            (P::S7comm, "upload", C::Program, Some(ProgramUpload)),
            (
                P::Modbus,
                "umas_upload_block",
                C::Program,
                Some(ProgramUpload),
            ),
            (P::Melsec, "read_file", C::Program, Some(ProgramUpload)),
            (
                P::S7commPlus,
                "begin_sequence",
                C::Program,
                Some(ProgramDownload),
            ),
            (
                P::Modbus,
                "umas_download_block",
                C::Program,
                Some(ProgramDownload),
            ),
            (P::S7comm, "pi_delete_block", C::Control, Some(LogicChange)),
            (P::Fins, "program_area_clear", C::Program, Some(LogicChange)),
            (
                P::Cip,
                "file_download_transfer",
                C::Firmware,
                Some(FirmwareUpdate),
            ),
            (P::S7comm, "set_clock", C::Write, Some(ClockChange)),
            (P::Fins, "clock_write", C::Write, Some(ClockChange)),
            (P::ProfinetDcp, "set", C::Write, Some(ProfinetDcpSet)),
            // Routine process control is the baseline's business.
            (P::Dnp3, "direct_operate", C::Control, None),
            (P::Iec104, "c_sc_na_1", C::Control, None),
            (P::OpcUa, "call_request", C::Control, None),
            (P::C37118, "turn_off_transmission", C::Control, None),
            (P::Modbus, "write_single_register", C::Write, None),
            (P::Cip, "set_attribute_single", C::Write, None),
        ];
        for (protocol, name, class, want) in cases {
            assert_eq!(kind(protocol, name, class), want, "{protocol:?} {name}");
        }
    }

    #[test]
    fn a_cip_write_to_a_time_object_is_a_clock_change() {
        let mut o = op(Protocol::Cip, "set_attribute_list", OperationClass::Write);
        o.ranges.push(AddressRange {
            space: Cow::Borrowed("time_sync_rockwell"),
            start: 1,
            count: 1,
        });
        assert_eq!(
            classify(&o),
            Some((AlertType::ClockChange, Severity::Medium))
        );
    }

    #[test]
    fn time_sync_to_everyone_does_not_alert_but_to_one_device_does_lightly() {
        let names = Names::default();
        let mut b = Batch::empty("s", 1, 0);
        let mut o = op(
            Protocol::Bacnet,
            "time_synchronization",
            OperationClass::Write,
        );
        o.client_ip = Some("10.0.0.1".parse().unwrap());
        o.server_ip = Some("10.0.0.255".parse().unwrap());
        b.operations.push(o.clone());
        let mut out = Vec::new();
        detect(&b, &names, &mut out);
        assert!(out.is_empty());
        o.server_ip = Some("10.0.0.2".parse().unwrap());
        b.operations = vec![o];
        detect(&b, &names, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].severity, Severity::Low);
    }
}
