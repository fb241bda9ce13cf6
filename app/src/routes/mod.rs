//! One module per page; a page with sections keeps them in a folder
//! (`admin/`, `portal/`). Pieces used by several pages are `components/`.

pub mod admin;
pub mod home;
pub mod login;
pub mod map;
pub mod not_found;
pub mod portal;
pub mod quote_print;
pub mod quotes;
