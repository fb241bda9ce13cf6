//! Pieces shared by several pages.

#[cfg(feature = "ssr")]
pub mod contract_statement;
pub mod guard;
pub mod nav;
pub mod quote;
pub mod sensor_table;
pub mod tenant_select;
