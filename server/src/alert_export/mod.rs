//! Alert export (docs/EXPORT.md): a background sender that takes the
//! deliveries the analysis step queued (`store::exports`) to each tenant's
//! receivers — syslog in CEF over TCP, TLS or UDP ([`cef`], [`syslog`]), or a
//! signed webhook ([`webhook`]) — and records each outcome, retrying with
//! backoff ([`sender`]). It runs beside ingestion and analysis and never
//! holds them up: a slow or dead receiver only delays its own deliveries.

pub mod alert;
pub mod cef;
pub mod destination;
pub mod sender;
pub mod syslog;
pub mod webhook;

pub use sender::{SenderConfig, spawn};
