//! What each device is, with the observations that say so and how sure the
//! engine is. A role is never a guess without reasons: every assessment
//! carries its evidence, in words a plant engineer can check.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use traffic::operation::{OperationClass, Protocol};

use crate::assets::AssetId;
use crate::texts::{Texts, t};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// PLC, RTU, IED, building controller: serves an industrial protocol.
    Controller,
    /// HMI or SCADA server: polls controllers, mostly reading.
    Hmi,
    /// Programs, updates or starts and stops controllers.
    EngineeringWorkstation,
    /// Reads from many sources over long periods (OPC UA client).
    Historian,
    /// Remote I/O, drives, sensors on a fieldbus.
    FieldDevice,
    /// Router, layer-3 switch, firewall.
    NetworkDevice,
    /// Seen, but speaking no industrial protocol.
    ItHost,
    Unknown,
}

impl Role {
    /// Every role, in declaration order.
    pub const ALL: [Role; 8] = [
        Role::Controller,
        Role::Hmi,
        Role::EngineeringWorkstation,
        Role::Historian,
        Role::FieldDevice,
        Role::NetworkDevice,
        Role::ItHost,
        Role::Unknown,
    ];

    /// The role's wire name, the one serde writes (stored and shown).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Controller => "controller",
            Role::Hmi => "hmi",
            Role::EngineeringWorkstation => "engineering_workstation",
            Role::Historian => "historian",
            Role::FieldDevice => "field_device",
            Role::NetworkDevice => "network_device",
            Role::ItHost => "it_host",
            Role::Unknown => "unknown",
        }
    }

    /// Purdue level the role usually sits at: 0 field, 1 control, 2
    /// supervision, 3 site operations, 4 enterprise IT. None where the role
    /// says nothing (a router spans levels).
    pub fn purdue_level(self) -> Option<u8> {
        match self {
            Role::FieldDevice => Some(0),
            Role::Controller => Some(1),
            Role::Hmi | Role::EngineeringWorkstation => Some(2),
            Role::Historian => Some(3),
            Role::ItHost => Some(4),
            Role::NetworkDevice | Role::Unknown => None,
        }
    }
}

/// Protocols whose server is a controller of some kind.
fn is_controller_protocol(p: Protocol) -> bool {
    matches!(
        p,
        Protocol::Modbus
            | Protocol::Enip
            | Protocol::Cip
            | Protocol::S7comm
            | Protocol::S7commPlus
            | Protocol::Fins
            | Protocol::Melsec
            | Protocol::Dnp3
            | Protocol::Iec104
            | Protocol::Bacnet
            | Protocol::Ads
            // An MMS server is an IEC 61850 IED (relay, bay controller).
            | Protocol::Mms
    )
}

/// What an asset did, from the conversations it took part in.
#[derive(Debug, Clone, Default)]
pub struct Behaviour {
    /// Requests answered, per protocol, and from how many clients.
    pub served: BTreeMap<Protocol, (u64, BTreeSet<AssetId>)>,
    /// Requests made, per protocol: to which servers, with which classes.
    pub used: BTreeMap<Protocol, (BTreeSet<AssetId>, BTreeMap<OperationClass, u64>)>,
    /// IP addresses it sent for that are not its own.
    pub routed_ips: usize,
    /// Judged a layer-3 hop ([`crate::assets`]).
    pub forwards_for_others: bool,
    /// Has an IP address (a host on an IP network, not only a layer-2 station).
    pub has_ip: bool,
    /// Requests sent to every station (discovery), per protocol.
    pub asks_everyone: BTreeMap<Protocol, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub role: Role,
    /// 0 to 100.
    pub confidence: u8,
    pub evidence: Vec<Texts>,
}

fn class_count(classes: &BTreeMap<OperationClass, u64>, class: OperationClass) -> u64 {
    classes.get(&class).copied().unwrap_or(0)
}

/// The role that `b` supports best, with the observations behind it.
pub fn assess(b: &Behaviour) -> Assessment {
    // GOOSE goes to a group but asks nothing: it is an IED (protection relay,
    // bay controller) publishing its state to the others at the bay level.
    if let Some(n) = b.asks_everyone.get(&Protocol::Goose)
        && !b.forwards_for_others
    {
        let mut assessment = assess_conversations(b);
        let evidence = t(
            format!("IEC 61850 GOOSE を発行（{n}）: IED"),
            format!("publishes IEC 61850 GOOSE ({n}): an IED"),
        );
        if assessment.role != Role::Controller {
            assessment = Assessment {
                role: Role::Controller,
                confidence: 70,
                evidence: Vec::new(),
            };
        }
        assessment.evidence.push(evidence);
        return assessment;
    }
    // Sampled Values are currents and voltages a merging unit digitises at
    // the process level for the relays: a field device, whatever else it does.
    if let Some(n) = b.asks_everyone.get(&Protocol::SampledValues)
        && !b.forwards_for_others
        && b.served.is_empty()
    {
        let mut assessment = assess_conversations(b);
        if assessment.role != Role::Controller {
            assessment = Assessment {
                role: Role::FieldDevice,
                confidence: 80,
                evidence: Vec::new(),
            };
        }
        assessment.evidence.push(t(
            format!("IEC 61850-9-2 サンプル値 (SV) を発行（{n}）: マージングユニット"),
            format!("publishes IEC 61850-9-2 Sampled Values ({n}): a merging unit"),
        ));
        return assessment;
    }
    let asked: Vec<String> = b
        .asks_everyone
        .iter()
        .map(|(p, n)| format!("{} ({n})", p.as_str()))
        .collect();
    if b.served.is_empty() && b.used.is_empty() && !asked.is_empty() && !b.forwards_for_others {
        // Controllers, devices checking their name and engineering tools
        // all send these: on their own they do not tell a role.
        return Assessment {
            role: Role::Unknown,
            confidence: 0,
            evidence: vec![t(
                format!(
                    "ネットワーク上の全局への問い合わせのみ: {}。どの機器も送るため、これだけでは役割は分かりません",
                    asked.join(", ")
                ),
                format!(
                    "only asks every station on its network: {}; any device may, so this does not tell its role",
                    asked.join(", ")
                ),
            )],
        };
    }
    let mut assessment = assess_conversations(b);
    if !asked.is_empty() {
        assessment.evidence.push(t(
            format!("ネットワーク上の全局にも問い合わせ: {}", asked.join(", ")),
            format!(
                "also asks every station on its network: {}",
                asked.join(", ")
            ),
        ));
    }
    assessment
}

fn assess_conversations(b: &Behaviour) -> Assessment {
    let mut evidence = Vec::new();
    if b.forwards_for_others {
        evidence.push(t(
            format!(
                "自分のものではない {} 個の IP アドレスの通信を送信（レイヤー3 の中継機器）",
                b.routed_ips
            ),
            format!(
                "sends for {} IP addresses that are not its own (a layer-3 hop)",
                b.routed_ips
            ),
        ));
        return Assessment {
            role: Role::NetworkDevice,
            confidence: 80,
            evidence,
        };
    }
    let controller: Vec<Texts> = b
        .served
        .iter()
        .filter(|(p, _)| is_controller_protocol(**p))
        .map(|(p, (requests, clients))| {
            t(
                format!(
                    "{} 台のクライアントからの {} 要求に応答（{requests}）",
                    clients.len(),
                    p.as_str()
                ),
                format!(
                    "answers {} requests ({requests}) from {} client(s)",
                    p.as_str(),
                    clients.len()
                ),
            )
        })
        .collect();
    if !controller.is_empty() {
        return Assessment {
            role: Role::Controller,
            confidence: 90,
            evidence: controller,
        };
    }
    let mut engineering = Vec::new();
    // Program and firmware operations say more than run/stop commands alone.
    let mut transfers = false;
    let mut polled = BTreeSet::new();
    let (mut reads, mut writes) = (0, 0);
    for (p, (servers, classes)) in &b.used {
        for (class, what_ja, what) in [
            (
                OperationClass::Program,
                "プログラム転送",
                "program transfers",
            ),
            (
                OperationClass::Firmware,
                "ファームウェア操作",
                "firmware operations",
            ),
            (
                OperationClass::Control,
                "運転・停止・リセット指令",
                "run/stop/reset commands",
            ),
        ] {
            // A phasor data concentrator turns its PMUs' data streams on and off
            // as routine: not an engineering action.
            if *p == Protocol::C37118 && class == OperationClass::Control {
                continue;
            }
            let n = class_count(classes, class);
            if n > 0 {
                transfers |= class != OperationClass::Control;
                engineering.push(t(
                    format!("{} の{what_ja}を送信（{n}）", p.as_str()),
                    format!("sends {} {what} ({n})", p.as_str()),
                ));
            }
        }
        if is_controller_protocol(*p) {
            polled.extend(servers.iter().cloned());
            reads += class_count(classes, OperationClass::Read);
            writes += class_count(classes, OperationClass::Write);
        }
    }
    if !engineering.is_empty() {
        return Assessment {
            role: Role::EngineeringWorkstation,
            confidence: if transfers { 90 } else { 70 },
            evidence: engineering,
        };
    }
    if !polled.is_empty() && reads + writes == 0 {
        // Only discovery or session set-up towards controllers: what
        // engineering software does when it browses the network.
        evidence.push(t(
            format!(
                "{} 台のコントローラを探索（データの読み書きなし）",
                polled.len()
            ),
            format!(
                "browses {} controller(s) without reading or writing data",
                polled.len()
            ),
        ));
        return Assessment {
            role: Role::EngineeringWorkstation,
            confidence: 40,
            evidence,
        };
    }
    if !polled.is_empty() && reads >= writes {
        evidence.push(t(
            format!(
                "{} 台のコントローラをポーリング: 読み出し {reads}、書き込み {writes}",
                polled.len()
            ),
            format!(
                "polls {} controller(s): {reads} reads, {writes} writes",
                polled.len()
            ),
        ));
        return Assessment {
            role: Role::Hmi,
            confidence: if polled.len() >= 2 { 75 } else { 55 },
            evidence,
        };
    }
    if !polled.is_empty() {
        evidence.push(t(
            format!(
                "{} 台のコントローラへ読み出しより多く書き込み: 読み出し {reads}、書き込み {writes}",
                polled.len()
            ),
            format!(
                "writes to {} controller(s) more than it reads: {reads} reads, {writes} writes",
                polled.len()
            ),
        ));
        return Assessment {
            role: Role::Hmi,
            confidence: 45,
            evidence,
        };
    }
    if let Some((servers, classes)) = b.used.get(&Protocol::OpcUa)
        && class_count(classes, OperationClass::Read) > 0
    {
        evidence.push(t(
            format!("{} 台のサーバから OPC UA で読み出し", servers.len()),
            format!("reads over OPC UA from {} server(s)", servers.len()),
        ));
        return Assessment {
            role: Role::Historian,
            confidence: 50,
            evidence,
        };
    }
    if let Some((servers, classes)) = b.used.get(&Protocol::C37118)
        && class_count(classes, OperationClass::Read)
            + class_count(classes, OperationClass::Discovery)
            + class_count(classes, OperationClass::Control)
            > 0
    {
        evidence.push(t(
            format!(
                "{} 台の送信元から C37.118 同期フェーザデータを収集（フェーザデータ集約装置 PDC）",
                servers.len()
            ),
            format!(
                "collects C37.118 synchrophasor data from {} source(s) (a phasor data concentrator)",
                servers.len()
            ),
        ));
        return Assessment {
            role: Role::Historian,
            confidence: 50,
            evidence,
        };
    }
    // CC-Link IE: the master station sends every slave's outputs (Field /
    // Control cyclic RWw, RY, Out, parameters; Field Basic's cyclic request,
    // broadcast) and the TSN network configuration; slave stations only send
    // their inputs and replies.
    let cclink_used = b.used.get(&Protocol::CclinkIe);
    let cclink_outputs = cclink_used.map_or(0, |(_, c)| class_count(c, OperationClass::Write))
        + b.asks_everyone
            .get(&Protocol::CclinkIe)
            .copied()
            .unwrap_or(0);
    if cclink_outputs > 0 {
        evidence.push(t(
            format!("CC-Link IE の出力または設定を各局へ送信（{cclink_outputs}）: マスタ局"),
            format!(
                "sends CC-Link IE outputs or configuration to its stations ({cclink_outputs}): the master station"
            ),
        ));
        return Assessment {
            role: Role::Controller,
            confidence: 70,
            evidence,
        };
    }
    if cclink_used.is_some() {
        evidence.push(t(
            "CC-Link IE のサイクリック入力または応答をマスタ局へ送信: スレーブ局",
            "sends CC-Link IE cyclic inputs or replies to a master: a slave station",
        ));
        return Assessment {
            role: Role::FieldDevice,
            confidence: 60,
            evidence,
        };
    }
    if let Some((requests, _)) = b.served.get(&Protocol::C37118) {
        evidence.push(t(
            format!("PMU として C37.118 同期フェーザの要求に応答（{requests}）"),
            format!("answers C37.118 synchrophasor requests ({requests}) as a PMU"),
        ));
        return Assessment {
            role: Role::FieldDevice,
            confidence: 50,
            evidence,
        };
    }
    // PROFINET IO: the controller connects to its devices, ends their
    // parameterisation, writes their records and acknowledges their alarms
    // (session and write classes, sent only by a controller or a
    // supervisor); a device answers, raises alarms, says it is ready and
    // acknowledges at the alarm protocol's level (other classes), and
    // exchanges cyclic data, which flows both ways and tells neither side.
    let io_used = b.used.get(&Protocol::ProfinetIo);
    if let Some((devices, classes)) = io_used
        && class_count(classes, OperationClass::Session)
            + class_count(classes, OperationClass::Write)
            > 0
    {
        evidence.push(t(
            format!(
                "{} 台のデバイスと PROFINET IO の接続・レコードを設定、またはアラームを確認: IO コントローラ",
                devices.len()
            ),
            format!(
                "sets up PROFINET IO connections or records with {} device(s), or acknowledges their alarms: an IO controller",
                devices.len()
            ),
        ));
        return Assessment {
            role: Role::Controller,
            confidence: 80,
            evidence,
        };
    }
    if let Some((requests, peers)) = b.served.get(&Protocol::ProfinetIo) {
        evidence.push(t(
            format!(
                "{} 局と PROFINET IO を交換（{requests}）し、接続は設定しない: IO デバイス",
                peers.len()
            ),
            format!(
                "exchanges PROFINET IO with {} station(s) ({requests}) and sets up no connection: an IO device",
                peers.len()
            ),
        ));
        return Assessment {
            role: Role::FieldDevice,
            confidence: 60,
            evidence,
        };
    }
    if let Some((requests, _)) = b.served.get(&Protocol::ProfinetDcp) {
        evidence.push(t(
            format!("局として PROFINET DCP に応答（{requests}）"),
            format!("answers PROFINET DCP ({requests}) as a station"),
        ));
        return Assessment {
            role: Role::FieldDevice,
            confidence: 50,
            evidence,
        };
    }
    if b.served.is_empty() && b.used.is_empty() && !b.has_ip {
        return Assessment {
            role: Role::Unknown,
            confidence: 0,
            evidence: vec![t(
                "レイヤー2 でのみ観測（解析するプロトコルの通信なし）",
                "seen at layer 2 only, in no protocol the engine decodes",
            )],
        };
    }
    if b.served.is_empty() && b.used.is_empty() {
        return Assessment {
            role: Role::ItHost,
            confidence: 30,
            evidence: vec![t(
                "産業用プロトコルの送受信なし",
                "no industrial protocol seen to or from it",
            )],
        };
    }
    Assessment {
        role: Role::Unknown,
        confidence: 0,
        evidence: vec![t(
            "産業用プロトコルを使うが、エンジンが認識する役割に当てはまらない",
            "speaks industrial protocols in no role the engine recognises",
        )],
    }
}
