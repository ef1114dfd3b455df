//! Team settings a lead may change (the desk_settings table): attachment
//! caps and the outage (burst) rule. A key with no row has its default.

use super::Desk;
use crate::store::attachments as rows;
use crate::{Error, Result};
use serde::Serialize;

/// (key, default, what it means)
pub const KNOWN: &[(&str, &str, &str)] = &[
    (super::attachments::FILE_CAP_KEY, "10485760", "largest attachment kept, in bytes"),
    (super::attachments::MESSAGE_CAP_KEY, "26214400", "most attachment bytes kept from one message"),
    (super::burst::WINDOW_KEY, "15", "minutes within which similar new tickets from one school form a burst"),
    (super::burst::SIZE_KEY, "3", "how many similar new tickets from one school make a burst"),
    (
        super::burst::SIMILARITY_KEY,
        "0.25",
        "how alike (0 to 1) two tickets must be to count as the same problem",
    ),
];

#[derive(Debug, Clone, Serialize)]
pub struct Setting {
    pub key: String,
    pub value: String,
    pub default: String,
    pub about: String,
}

fn validate(key: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if key == super::burst::SIMILARITY_KEY {
        return match v.parse::<f64>() {
            Ok(x) if (0.0..=1.0).contains(&x) => Ok(x.to_string()),
            _ => Err(Error::invalid(format!(
                "invalid value '{value}' for {key}: expected a number from 0 to 1"
            ))),
        };
    }
    match v.parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n.to_string()),
        _ => Err(Error::invalid(format!(
            "invalid value '{value}' for {key}: expected a whole number of at least 1"
        ))),
    }
}

impl Desk {
    pub fn settings(&self) -> Result<Vec<Setting>> {
        self.read(|conn, _| {
            KNOWN
                .iter()
                .map(|(k, d, about)| {
                    Ok(Setting {
                        key: k.to_string(),
                        value: rows::setting(conn, k)?.unwrap_or_else(|| d.to_string()),
                        default: d.to_string(),
                        about: about.to_string(),
                    })
                })
                .collect()
        })
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        if !KNOWN.iter().any(|(k, _, _)| *k == key) {
            let names: Vec<&str> = KNOWN.iter().map(|(k, _, _)| *k).collect();
            return Err(Error::invalid(format!(
                "unknown setting '{key}': expected one of {}",
                names.join(", ")
            )));
        }
        let value = validate(key, value)?;
        self.write(|cx| {
            cx.require_lead("change settings")?;
            rows::set_setting(cx.tx, key, &value)?;
            cx.audit("setting", "settings", key, Some(&value))
        })
    }
}
