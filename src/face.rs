//! Which face a command line asks for. The CLI reads the arguments and
//! says what to start; `main` starts it. So the CLI, the console and the
//! portal import nothing of each other; what they share (how the portal is
//! run) lives here as plain data.

use crate::domain::Timestamp;
use crate::service::Desk;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

/// What `main` runs once the command line has been handled.
pub enum Face {
    /// The command was carried out: nothing more to start.
    Done,
    /// The technicians' console on this desk, until they quit.
    Console(Box<Desk>),
    /// The requester portal, until the process is stopped.
    Portal(Opener, Options),
}

/// How each portal worker opens the database.
#[derive(Debug, Clone)]
pub struct Opener {
    pub db: PathBuf,
    pub login: String,
    pub os_user: String,
    /// `DESKSIDE_NOW`: a fixed clock for tests and demos.
    pub fixed_now: Option<Timestamp>,
}

/// How the portal is run (from `deskside serve`).
#[derive(Debug, Clone)]
pub struct Options {
    pub listen: SocketAddr,
    /// Where requesters reach the portal; links in mail start with it.
    pub base_url: String,
    /// Proxies whose X-Forwarded-For is believed.
    pub trusted_proxies: Vec<IpAddr>,
    pub limits: Limits,
    /// A demo server prints sign-in links on its terminal (no mail needed).
    pub demo: bool,
}

/// How many portal requests of each kind one address or requester may make per window.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub searches_per_minute: u32,
    pub links_per_hour: u32,
    pub posts_per_hour: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { searches_per_minute: 60, links_per_hour: 10, posts_per_hour: 60 }
    }
}
