//! One file per page.

pub mod admin;
pub mod contracts;
pub mod home;
pub mod login;
pub mod not_found;
pub mod portal;
pub mod quote_print;
pub mod quotes;
pub mod sensors;
