//! Pieces shared by several pages.

pub mod guard;
pub mod nav;
pub mod quote;
pub mod sensor_table;
pub mod tenant_select;
