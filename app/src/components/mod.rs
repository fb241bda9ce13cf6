pub mod guard;
pub mod nav;
