//! Team settings a lead may change (the desk_settings table): attachment
//! caps, the outage (burst) rule and when the console asks for time. A key
//! with no row has its default.

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
    (
        TIME_REQUIRED_KEY,
        "false",
        "console: time must be logged when resolving or leaving a ticket after a while (true/false)",
    ),
    (
        TIME_ASK_AFTER_KEY,
        "10",
        "console: minutes a ticket is open on screen before leaving it asks for time (0: never)",
    ),
];

pub const TIME_REQUIRED_KEY: &str = "time.required";
pub const TIME_ASK_AFTER_KEY: &str = "time.ask_after";

/// When the console asks for time spent (issue 21): always on resolving,
/// and on leaving a ticket that was open for `ask_after_minutes` (0: never);
/// `required` takes away the skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeRules {
    pub required: bool,
    pub ask_after_minutes: i64,
}

impl Default for TimeRules {
    fn default() -> TimeRules {
        TimeRules { required: false, ask_after_minutes: 10 }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Setting {
    pub key: String,
    pub value: String,
    pub default: String,
    pub about: String,
}

fn validate(key: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if key == TIME_REQUIRED_KEY {
        return match v.to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Ok("true".into()),
            "false" | "no" | "off" | "0" => Ok("false".into()),
            _ => Err(Error::invalid(format!("invalid value '{value}' for {key}: expected true or false"))),
        };
    }
    if key == TIME_ASK_AFTER_KEY {
        return match v.parse::<u64>() {
            Ok(n) if n <= 1440 => Ok(n.to_string()),
            _ => Err(Error::invalid(format!(
                "invalid value '{value}' for {key}: expected minutes from 0 (never) to 1440"
            ))),
        };
    }
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

    /// The console's time rules; a stored value that no longer reads (edited
    /// by hand) falls back to the default rather than locking the console.
    pub fn time_rules(&self) -> Result<TimeRules> {
        self.read(|conn, _| {
            let d = TimeRules::default();
            let required = rows::setting(conn, TIME_REQUIRED_KEY)?.map_or(d.required, |v| v == "true");
            let ask_after_minutes = rows::setting(conn, TIME_ASK_AFTER_KEY)?
                .and_then(|v| v.parse::<i64>().ok())
                .filter(|n| (0..=1440).contains(n))
                .unwrap_or(d.ask_after_minutes);
            Ok(TimeRules { required, ask_after_minutes })
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
