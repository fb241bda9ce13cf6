//! Integration tests: the real server on a free port, over a real SQLite file
//! and a real PostgreSQL database, driven over HTTP.

mod helpers;

mod accounts;
mod alert_delay;
mod alerts;
mod analysis;
mod authorization;
mod binary;
mod contracts;
mod demo;
mod export;
mod ingest;
mod instances;
mod inventory;
mod inventory_load;
mod map_frames;
mod outage;
mod pages;
mod quotes;
mod security;
mod sensor_live;
mod sensor_run;
mod static_files;
