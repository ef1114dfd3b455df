//! `purge` and `retention`: the retention settings and applying them (from
//! cron). See docs/privacy.md.

use super::output;
use super::Invocation;
use crate::Result;
use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub struct PurgeArgs {
    /// Only count what would go: nothing is changed.
    #[arg(long)]
    pub dry_run: bool,
}

pub fn purge(inv: &Invocation, args: &PurgeArgs) -> Result<()> {
    let mut desk = inv.open_for_cron()?;
    let done = desk.purge(args.dry_run)?;
    if inv.json {
        return output::json(&serde_json::json!({ "dry_run": args.dry_run, "kinds": done }));
    }
    let rows: Vec<Vec<String>> = done
        .iter()
        .map(|p| {
            vec![
                p.kind.to_string(),
                p.after.map_or("never".to_string(), |n| format!("{n} {}", p.unit)),
                p.rows.to_string(),
            ]
        })
        .collect();
    let head = if args.dry_run { "WOULD CHANGE" } else { "CHANGED" };
    output::table(&["KIND", "AFTER", head], &rows);
    if args.dry_run {
        println!("Dry run: nothing was changed.");
    }
    Ok(())
}

#[derive(Debug, Subcommand)]
pub enum RetentionCmd {
    /// Every retention setting, its value in force and its default.
    Show,
    /// Set KIND to a number (in its unit) or `never`; `default` restores the default. Leads only.
    Set { kind: String, value: String },
}

pub fn retention(inv: &Invocation, cmd: RetentionCmd) -> Result<()> {
    let mut desk = inv.open()?;
    let list = match cmd {
        RetentionCmd::Show => desk.retention()?,
        RetentionCmd::Set { kind, value } => {
            let v = value.trim().to_ascii_lowercase();
            let (number, reset) = match v.as_str() {
                "never" => (None, false),
                "default" => (None, true),
                n => (
                    Some(n.parse::<i64>().map_err(|_| {
                        crate::Error::invalid(format!(
                            "invalid retention value '{value}': expected a whole number, 'never' or 'default'"
                        ))
                    })?),
                    false,
                ),
            };
            vec![desk.set_retention(&kind, number, reset)?]
        }
    };
    if inv.json {
        return output::json(&list);
    }
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|r| {
            let show = |v: Option<i64>| v.map_or("never".to_string(), |n| format!("{n} {}", r.unit));
            vec![
                r.kind.to_string(),
                show(r.value),
                if r.set { show(r.default) } else { "(default)".to_string() },
                r.what.to_string(),
            ]
        })
        .collect();
    output::table(&["KIND", "VALUE", "DEFAULT", "WHAT"], &rows);
    Ok(())
}
