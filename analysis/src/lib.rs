//! OT Lens analysis: from the minute batches sensors upload to an asset
//! inventory, each asset's role with its evidence, the communication edges
//! between assets and the zones they sit in. Pure: no I/O, no clock; the
//! server runs it over stored batches and `sensor analyze` over capture
//! files, with the same answers.
//!
//! - [`observations`]: what the batches said, accumulated per address and
//!   per conversation (incremental: one batch at a time).
//! - [`assets`]: which addresses are one device (routers, broadcast, zones).
//! - [`roles`]: what each device is, with evidence and confidence.
//! - [`report`]: the inventory as shown (docs/ANALYSIS.md).
//! - [`detect`]: alerts from the same batches (docs/DETECTIONS.md).
//! - [`texts`]: what people read, in Japanese and English.
//! - [`zones`]: zones a customer defines by network, VLAN and sensor.
//! - [`synthetic`]: a generated plant of any size, for benchmarks.
//!
//! ```
//! use analysis::Inventory;
//! use traffic::record::Batch;
//!
//! let mut inventory = Inventory::default();
//! inventory.observe(&Batch::empty("sen_line1", 1, 1_764_000_000));
//! assert!(inventory.report().assets.is_empty());
//! ```
#![forbid(unsafe_code)]

pub mod assets;
pub mod detect;
pub mod observations;
pub mod report;
pub mod roles;
pub mod synthetic;
pub mod texts;
pub mod zones;

pub use assets::AssetId;
pub use report::{Overrides, Report};
pub use roles::Role;

use traffic::record::Batch;

/// The inventory of one tenant, fed batch by batch. Serialisable so a
/// server can keep it between batches (its maps have tuple keys: use a
/// format with non-text map keys, such as CBOR).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Inventory {
    observations: observations::Observations,
}

impl Inventory {
    /// Takes in one minute of one sensor. Batches of one sensor are expected
    /// in sequence order; sensors may interleave.
    pub fn observe(&mut self, batch: &Batch) {
        self.observations.observe(batch);
    }

    /// The inventory as it stands.
    pub fn report(&self) -> Report {
        self.report_with(&Overrides::default())
    }

    /// The inventory with what users decided (roles, Purdue levels, zones)
    /// in place of the engine's own assessment.
    pub fn report_with(&self, overrides: &Overrides) -> Report {
        report::build(&self.observations, overrides)
    }
}
