//! An alert as shown: [`Alert`] with its technique and texts. Apart from
//! `alert.rs` because the texts (`text.rs`) read alerts.

use traffic::operation::Protocol;

use super::alert::{Alert, AlertView, EdgeRef, Evidence};

impl Alert {
    /// The alert as shown, with its technique and texts.
    pub fn view(&self) -> AlertView {
        let mut assets = Vec::new();
        for p in [&self.client, &self.server].into_iter().flatten() {
            if !assets.contains(&p.asset) {
                assets.push(p.asset.clone());
            }
        }
        let edge = match (&self.client, &self.server, self.protocol) {
            (Some(c), Some(s), Some(p)) => Some(EdgeRef {
                client: c.asset.clone(),
                server: s.asset.clone(),
                protocol: p.as_str(),
            }),
            _ => None,
        };
        let (title, why, check) = super::text::texts(self);
        AlertView {
            id: self.id,
            alert_type: self.alert_type,
            severity: self.severity,
            always_on: self.alert_type.always_on(),
            sensor: self.sensor.clone(),
            assets,
            client: self.client.clone(),
            server: self.server.clone(),
            edge,
            protocol: self.protocol.map(Protocol::as_str),
            subject: self.subject.clone(),
            technique: self.alert_type.technique(),
            count: self.count,
            first_seen_ms: self.first_seen_ms,
            last_seen_ms: self.last_seen_ms,
            evidence: Evidence {
                operations: self.operations.clone(),
                first_seen_ms: self.first_seen_ms,
                last_seen_ms: self.last_seen_ms,
                batches: self.batches.clone(),
                batches_total: self.batches_total,
            },
            title,
            why,
            check,
        }
    }
}
