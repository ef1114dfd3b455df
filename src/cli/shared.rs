//! What several command groups share (tickets, articles, conversions):
//! the `--if-version` flag and an article's JSON. Kept apart so the groups
//! depend on this, not on each other.

use crate::domain::Article;
use crate::domain::Version;
use crate::{Error, Result};
use clap::Args;
use serde_json::Value;

#[derive(Debug, Args)]
pub struct IfVersion {
    /// Refuse (exit 4) if the ticket changed since you saw this version.
    #[arg(long, value_name = "N")]
    pub if_version: Option<Version>,
}

/// An article as JSON; the body only where asked for (show, add, edit).
pub fn article_json(a: &Article, with_body: bool) -> Result<Value> {
    let mut v = serde_json::to_value(a).map_err(|e| Error::runtime(e.to_string()))?;
    if let Value::Object(map) = &mut v {
        if !with_body {
            map.remove("body");
        }
    }
    Ok(v)
}
