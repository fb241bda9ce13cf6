//! Dangerous commands, always on (also while learning): operating-mode
//! changes, restarts and resets, reconfiguration, program download and
//! upload, logic changes, firmware, clock changes and PROFINET DCP Set.
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
        // Program transfers.
        (Protocol::S7comm, "start_upload" | "upload" | "end_upload") => {
            Some((ProgramUpload, Medium))
        }
        (Protocol::Fins, "program_area_read") => Some((ProgramUpload, Medium)),
        (Protocol::Melsec, "read_file") => Some((ProgramUpload, Medium)),
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
    let zone = batch.sensor_id.as_str();
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
        let client = names.party(zone, op.client_ip, op.client_mac);
        let server = names.party(zone, op.server_ip, op.server_mac);
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
