//! OT Lens storage, server side: the database pool and migrations
//! ([`db`]), every SQL query, grouped by what it stores — accounts and the
//! login check, sessions, saved quotes, recorded contracts, the sensor
//! registry with token authentication, uploaded batches ([`ingest`], read
//! back by [`batches`]), the analysis job's state and steps ([`analysis`]),
//! the inventory it materialises ([`inventory`]), the alerts it stores
//! and customers triage ([`alerts`]) and their export to receivers
//! ([`exports`]).
//!
//! The web app's server functions and the server's plain handlers call in
//! here; nothing here knows about HTTP or pages. Every method returns
//! [`StoreError`] (database details are logged, never shown).

pub mod accounts;
pub mod alerts;
pub mod analysis;
pub mod batches;
pub mod contracts;
pub mod db;
pub mod error;
pub mod exports;
pub mod ingest;
pub mod inventory;
pub mod password;
pub mod quotes;
pub mod retention;
pub mod sensors;
pub mod sessions;
pub mod tenant_cache;
pub mod tenant_lock;
pub mod throttle;

use std::sync::Arc;

pub use self::analysis::Analysis;
pub use accounts::Accounts;
pub use alerts::Alerts;
pub use contracts::Contracts;
pub use db::{Backend, Db, DbError};
pub use error::StoreError;
pub use exports::Exports;
pub use ingest::Ingest;
pub use inventory::Inventory;
pub use quotes::Quotes;
pub use sensors::Sensors;
pub use sessions::Sessions;

/// Every store over one database, as the server holds them.
#[derive(Clone)]
pub struct Store {
    pub db: Db,
    pub accounts: Accounts,
    pub sessions: Sessions,
    pub quotes: Quotes,
    pub contracts: Contracts,
    pub sensors: Sensors,
    pub ingest: Ingest,
    pub analysis: Analysis,
    pub inventory: Inventory,
    pub alerts: Alerts,
    pub exports: Exports,
    pub retention: retention::Retention,
}

impl Store {
    pub fn new(db: Db) -> Store {
        // Every stored batch wakes the analysis job.
        let wake = Arc::new(tokio::sync::Notify::new());
        Store {
            accounts: Accounts::new(db.clone(), Arc::new(throttle::Throttle::default())),
            sessions: Sessions::new(db.clone()),
            quotes: Quotes::new(db.clone()),
            contracts: Contracts::new(db.clone()),
            sensors: Sensors::new(db.clone()),
            ingest: Ingest::new(db.clone(), wake.clone()),
            analysis: Analysis::new(db.clone(), wake),
            inventory: Inventory::new(db.clone()),
            alerts: Alerts::new(db.clone()),
            exports: Exports::new(db.clone()),
            retention: retention::Retention::new(db.clone()),
            db,
        }
    }
}

impl Store {
    /// The same, its analysis job detecting with `config` (the learning
    /// period, the dedup window).
    pub fn with_detection(mut self, config: ::analysis::detect::Config) -> Store {
        self.analysis = self.analysis.with_detection(config);
        self
    }
}

/// The wall clock in Unix seconds, as every table stores time.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
