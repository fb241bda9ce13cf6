//! Allow list: a customer's decision that a behaviour is expected. A
//! finding that matches an active allow is not recorded as an alert (it is
//! counted as suppressed), so an engineering workstation's planned program
//! downloads stop alerting once a person has said so — and alert again
//! when the allow is revoked.

use serde::{Deserialize, Serialize};
use traffic::operation::Protocol;

use super::alert::{Alert, AlertType, Finding, Party};

/// What an allow covers, narrowest first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "scope", rename_all = "snake_case")]
pub enum AllowScope {
    /// One edge: this client to this server, over this protocol (`None`
    /// for alerts that name no protocol, such as IT services to OT).
    Edge {
        client: String,
        server: String,
        protocol: Option<Protocol>,
    },
    /// Every alert of the type that names this asset, either end.
    Asset { asset: String },
    /// Every alert of the type from this zone (today a zone is the sensor
    /// that saw it, docs/ANALYSIS.md).
    Zone { zone: String },
}

/// One active allow: an alert type within a scope.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Allow {
    pub alert_type: AlertType,
    #[serde(flatten)]
    pub scope: AllowScope,
}

fn asset(p: Option<&Party>) -> Option<&str> {
    p.map(|p| p.asset.as_str())
}

/// The parts of an alert or a finding an allow looks at.
struct Subject<'a> {
    alert_type: AlertType,
    sensor: &'a str,
    client: Option<&'a Party>,
    server: Option<&'a Party>,
    protocol: Option<Protocol>,
}

impl Allow {
    /// True when the allow covers the finding.
    pub fn covers(&self, f: &Finding) -> bool {
        self.covers_subject(&Subject {
            alert_type: f.alert_type,
            sensor: &f.sensor,
            client: f.client.as_ref(),
            server: f.server.as_ref(),
            protocol: f.protocol,
        })
    }

    /// True when the allow covers what the alert is about.
    pub fn covers_alert(&self, a: &Alert) -> bool {
        self.covers_subject(&Subject {
            alert_type: a.alert_type,
            sensor: &a.sensor,
            client: a.client.as_ref(),
            server: a.server.as_ref(),
            protocol: a.protocol,
        })
    }

    fn covers_subject(&self, s: &Subject<'_>) -> bool {
        if self.alert_type != s.alert_type {
            return false;
        }
        match &self.scope {
            AllowScope::Edge {
                client,
                server,
                protocol,
            } => {
                asset(s.client) == Some(client.as_str())
                    && asset(s.server) == Some(server.as_str())
                    && *protocol == s.protocol
            }
            AllowScope::Asset { asset: id } => {
                asset(s.client) == Some(id.as_str()) || asset(s.server) == Some(id.as_str())
            }
            AllowScope::Zone { zone } => s.sensor == zone,
        }
    }

    /// The allow of `alert_type` for the alert's own edge, asset or zone;
    /// `None` when the alert has no such thing (an edge needs both ends).
    pub fn for_alert(alert: &Alert, scope: ScopeKind) -> Option<Allow> {
        let scope = match scope {
            ScopeKind::Edge => AllowScope::Edge {
                client: alert.client.as_ref()?.asset.clone(),
                server: alert.server.as_ref()?.asset.clone(),
                protocol: alert.protocol,
            },
            ScopeKind::Asset => AllowScope::Asset {
                asset: alert
                    .client
                    .as_ref()
                    .or(alert.server.as_ref())?
                    .asset
                    .clone(),
            },
            ScopeKind::Zone => AllowScope::Zone {
                zone: alert.sensor.clone(),
            },
        };
        Some(Allow {
            alert_type: alert.alert_type,
            scope,
        })
    }
}

/// The three scopes by name, as a form offers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    Edge,
    Asset,
    Zone,
}

impl ScopeKind {
    pub const ALL: [ScopeKind; 3] = [ScopeKind::Edge, ScopeKind::Asset, ScopeKind::Zone];

    pub const fn as_str(self) -> &'static str {
        match self {
            ScopeKind::Edge => "edge",
            ScopeKind::Asset => "asset",
            ScopeKind::Zone => "zone",
        }
    }

    /// The scope of its wire name; `None` for anything else.
    pub fn parse(name: &str) -> Option<ScopeKind> {
        ScopeKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl AllowScope {
    pub const fn kind(&self) -> ScopeKind {
        match self {
            AllowScope::Edge { .. } => ScopeKind::Edge,
            AllowScope::Asset { .. } => ScopeKind::Asset,
            AllowScope::Zone { .. } => ScopeKind::Zone,
        }
    }
}
