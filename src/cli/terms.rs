//! `school terms list|add|remove|import`: a calendar's term dates, which
//! `schedule run` ("term", "first Monday of term") and termly contracts use.

use super::output::{self, fit, safe};
use super::Invocation;
use crate::service::terms::{NewTerm, TermInfo, TermScope};
use crate::{Error, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Whose terms: one school's calendar, a calendar, or every school's.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct Whose {
    /// The school's calendar (its terms are shared by the schools on it).
    #[arg(long)]
    pub school: Option<String>,
    /// A calendar by name (see `sla calendar list`).
    #[arg(long)]
    pub calendar: Option<String>,
    /// Every calendar a school is on.
    #[arg(long)]
    pub all_schools: bool,
}

impl Whose {
    fn scope(&self) -> TermScope<'_> {
        match (&self.school, &self.calendar) {
            (Some(s), _) => TermScope::School(s),
            (None, Some(c)) => TermScope::Calendar(c),
            (None, None) => TermScope::AllSchools,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum TermsCmd {
    /// List term dates (every calendar's, or one school's or calendar's).
    List {
        #[arg(long, conflicts_with = "calendar")]
        school: Option<String>,
        #[arg(long)]
        calendar: Option<String>,
    },
    /// Add a term (leads only): dates inclusive, no overlap with another term.
    Add {
        #[command(flatten)]
        whose: Whose,
        /// e.g. "Autumn 1".
        #[arg(long)]
        name: String,
        /// First day (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// Last day (YYYY-MM-DD).
        #[arg(long)]
        to: String,
    },
    /// Remove terms by id (leads only).
    Remove {
        #[arg(required = true)]
        ids: Vec<i64>,
    },
    /// Add the terms of a CSV file with a name,from,to header (leads only; all or nothing).
    Import {
        file: PathBuf,
        #[command(flatten)]
        whose: Whose,
        /// Check the file and show what would be added; change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

fn print(list: &[TermInfo]) {
    let rows: Vec<Vec<String>> = list
        .iter()
        .map(|t| {
            vec![
                t.id.to_string(),
                fit(&t.calendar, 20),
                fit(&t.name, 24),
                t.from.clone(),
                t.to.clone(),
                fit(&t.schools.join(", "), 30),
            ]
        })
        .collect();
    output::table(&["ID", "CALENDAR", "TERM", "FROM", "TO", "SCHOOLS"], &rows);
}

pub fn run(inv: &Invocation, cmd: TermsCmd) -> Result<()> {
    let mut desk = inv.open()?;
    let (list, said) = match cmd {
        TermsCmd::List { school, calendar } => {
            let scope = match (&school, &calendar) {
                (Some(s), _) => Some(TermScope::School(s)),
                (None, Some(c)) => Some(TermScope::Calendar(c)),
                (None, None) => None,
            };
            let list = desk.terms(scope)?;
            let said = if list.is_empty() {
                "No term dates: the English terms by fixed dates apply (see docs/time.md)".to_string()
            } else {
                String::new()
            };
            (list, said)
        }
        TermsCmd::Add { whose, name, from, to } => {
            let list = desk.add_term(whose.scope(), &NewTerm { name: &name, from: &from, to: &to })?;
            (list, "Added:".to_string())
        }
        TermsCmd::Remove { ids } => (desk.remove_terms(&ids)?, "Removed:".to_string()),
        TermsCmd::Import { file, whose, dry_run } => {
            let text = crate::safe_fs::read_user_file(&file)
                .map_err(|e| Error::invalid(format!("cannot read {}: {e}", file.display())))
                .and_then(|bytes| {
                    String::from_utf8(bytes)
                        .map_err(|_| Error::invalid(format!("{} is not UTF-8 text", file.display())))
                })?;
            let source = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let list = desk.import_terms(whose.scope(), &source, &text, dry_run)?;
            let said = if dry_run {
                format!("Dry run: would add {} term(s); nothing changed", list.len())
            } else {
                format!("Imported {} term(s) from {}", list.len(), safe(&source, false))
            };
            (list, said)
        }
    };
    if inv.json {
        return output::json(&list);
    }
    if !said.is_empty() {
        println!("{said}");
    }
    if !list.is_empty() {
        print(&list);
    }
    Ok(())
}
