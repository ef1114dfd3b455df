//! deskside: a terminal-first helpdesk for school IT support teams.
//!
//! Data flows one way: a face (the CLI in `cli`, the console in `tui`) calls
//! an operation in `service`; the operation checks the rules in `domain`,
//! writes through `store` in one transaction with its timeline events, and
//! returns domain values for the face to render.

pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod error;
pub mod face;
pub mod mail;
pub mod portal;
pub mod present;
pub mod privilege;
pub mod report;
pub mod rng;
pub mod safe_fs;
pub mod search;
pub mod service;
pub mod site;
pub mod sla;
pub mod store;
pub mod text;
pub mod tui;

pub use error::{Error, Result};
