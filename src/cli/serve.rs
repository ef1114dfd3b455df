//! `deskside serve`: the requester portal (see docs/portal.md).

use super::Invocation;
use crate::config::{self, DbSource};
use crate::face::{Face, Limits, Opener, Options};
use crate::service::InitOptions;
use crate::{Error, Result};
use clap::Args;
use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address and port to listen on (behind a reverse proxy, keep it local).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Where requesters reach the portal, e.g. https://help.trust.sch.uk: links in mail
    /// (sign-in, rating) start with it. Default: http://LISTEN.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// A reverse proxy whose X-Forwarded-For is believed (repeatable).
    #[arg(long = "trusted-proxy", value_name = "IP", default_values_t = [IpAddr::from([127, 0, 0, 1])])]
    pub trusted_proxies: Vec<IpAddr>,
    /// Serve the demo database (beside the default one; created on first use) and print
    /// sign-in links on the terminal instead of needing mail.
    #[arg(long)]
    pub demo: bool,
    /// Searches per minute from one address.
    #[arg(long, value_name = "N", default_value_t = Limits::default().searches_per_minute)]
    pub searches_per_minute: u32,
    /// Sign-in links per hour from one address or to one email address.
    #[arg(long, value_name = "N", default_value_t = Limits::default().links_per_hour)]
    pub links_per_hour: u32,
    /// Form posts (requests, replies, ratings) per hour from one address or requester.
    #[arg(long, value_name = "N", default_value_t = Limits::default().posts_per_hour)]
    pub posts_per_hour: u32,
}

/// Reads the portal's settings (creating the demo database if asked);
/// `main` starts the portal with them.
pub fn run(mut inv: Invocation, args: ServeArgs) -> Result<Face> {
    let listen: SocketAddr = args.listen.trim().parse().map_err(|_| {
        Error::invalid(format!("invalid --listen '{}': expected an address like 127.0.0.1:8080", args.listen))
    })?;
    if args.demo && inv.db_source != DbSource::Flag {
        inv.db = config::default_db_path()?.with_file_name("demo.db");
        inv.db_source = DbSource::Default;
        if !inv.db.exists() {
            eprintln!("Creating a demo database at {} ...", inv.db.display());
            inv.init(&InitOptions { demo: true, ..InitOptions::default() })?;
        }
    }
    let fixed_now = match std::env::var("DESKSIDE_NOW") {
        Ok(t) if !t.trim().is_empty() => Some(crate::clock::parse_instant("DESKSIDE_NOW", &t)?),
        _ => None,
    };
    let opener =
        Opener { db: inv.db.clone(), login: inv.login.clone(), os_user: inv.os_user.clone(), fixed_now };
    let base_url = args.base_url.unwrap_or_else(|| format!("http://{listen}"));
    let opts = Options {
        listen,
        base_url,
        trusted_proxies: args.trusted_proxies,
        limits: Limits {
            searches_per_minute: args.searches_per_minute,
            links_per_hour: args.links_per_hour,
            posts_per_hour: args.posts_per_hour,
        },
        demo: args.demo,
    };
    Ok(Face::Portal(opener, opts))
}
