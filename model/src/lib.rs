//! The shared view types of OT Lens: accounts, roles and the areas they may
//! use, sensors, saved quotes and recorded contracts — what storage returns
//! and what server functions send to pages.
//!
//! A leaf: it imports nothing of the workspace, so storage (`store`), the web
//! app (`app`) and the server all depend on it and nothing imports upward.
//! No I/O; compiled natively and to WASM.

pub mod access;
pub mod accounts;
pub mod alerts;
pub mod contracts;
pub mod exports;
pub mod invalid;
pub mod inventory;
pub mod json_text;
pub mod map;
pub mod portal;
pub mod quotes;
pub mod sensors;

pub use access::{Area, Role, SessionUser};
pub use accounts::{NewUser, Tenant, UserSummary};
pub use invalid::Invalid;
pub use json_text::JsonText;
