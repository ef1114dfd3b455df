//! `doctor`: checks the database file, its modes and group, your access and
//! the database's health; exits 1 when something is wrong.

use super::output::{self, safe};
use super::Invocation;
use crate::service::doctor::{self, Level};
use crate::{Error, Result};

pub fn run(inv: &Invocation) -> Result<()> {
    let report = doctor::diagnose(&inv.db, &inv.db_source, &inv.login, &inv.os_user);
    if inv.json {
        output::json(&report)?;
    } else {
        println!(
            "Database {} (from {})",
            safe(&report.db.display().to_string(), false),
            safe(&report.source, false)
        );
        for c in &report.checks {
            let tag = match c.level {
                Level::Ok => "ok  ",
                Level::Warn => "WARN",
                Level::Fail => "FAIL",
            };
            println!("  {tag}  {}", safe(&c.what, false));
            if let Some(fix) = &c.fix {
                println!("        fix: {}", safe(fix, false));
            }
        }
    }
    match report.problems {
        0 => Ok(()),
        n => Err(Error::runtime(format!(
            "doctor found {n} problem{} with {}",
            if n == 1 { "" } else { "s" },
            report.db.display()
        ))),
    }
}
