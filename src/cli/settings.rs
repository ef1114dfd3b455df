//! `settings show|set`: attachment caps and the outage rule.

use super::output;
use super::Invocation;
use crate::Result;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum SettingsCmd {
    /// Every setting, its value in force and its default.
    Show,
    /// Change one (leads only).
    Set { key: String, value: String },
}

pub fn run(inv: &Invocation, cmd: SettingsCmd) -> Result<()> {
    let mut desk = inv.open()?;
    if let SettingsCmd::Set { key, value } = &cmd {
        desk.set_setting(key, value)?;
    }
    let list = desk.settings()?;
    if inv.json {
        return output::json(&list);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|s| vec![s.key.clone(), s.value.clone(), s.default.clone(), s.about.clone()])
        .collect();
    output::table(&["SETTING", "VALUE", "DEFAULT", "MEANING"], &rows);
    Ok(())
}
