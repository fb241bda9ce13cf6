//! Pieces shared by several pages, and the read-only sections rendered on
//! the server as HTML (`contract_statement`, `portal_overview`, `portal_summary`, `inventory`, `alerts`,
//! `alert_export`, `zones`).

#[cfg(feature = "ssr")]
pub mod alert_export;
#[cfg(feature = "ssr")]
pub mod alerts;
#[cfg(feature = "ssr")]
pub mod contract_statement;
pub mod guard;
#[cfg(feature = "ssr")]
pub mod inventory;
pub mod nav;
pub mod portal_html;
#[cfg(feature = "ssr")]
pub mod portal_overview;
#[cfg(feature = "ssr")]
pub mod portal_summary;
pub mod portal_tabs;
pub mod quote;
pub mod sensor_table;
pub mod tenant_select;
#[cfg(feature = "ssr")]
pub mod zones;
