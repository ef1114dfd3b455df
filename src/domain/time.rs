//! Timestamps from seconds since the epoch: how the store keeps them, and
//! what the SLA and report arithmetic works in.

use super::Timestamp;

/// Seconds since the epoch back as a timestamp (the epoch itself when out of range).
pub fn from_secs(s: i64) -> Timestamp {
    chrono::DateTime::from_timestamp(s, 0).unwrap_or_default()
}

pub fn from_opt_secs(s: Option<i64>) -> Option<Timestamp> {
    s.map(from_secs)
}
