//! `export json`, `import json`, `import csv`, `backup`.

use super::output;
use super::Invocation;
use crate::service::csv_import::{CsvOptions, Kind};
use crate::service::transfer::{self, TransferSummary};
use crate::{Error, Result};
use clap::{Args, Subcommand};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

fn parse_kind(s: &str) -> Result<Kind, String> {
    s.parse().map_err(|e: Error| e.to_string())
}

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// Everything (schools, people, tickets, timelines, articles, audit ...) as one JSON document.
    Json {
        /// Write to this file instead of stdout.
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// Load an `export json` document into an empty database (- for stdin).
    Json { file: PathBuf },
    /// Tickets or articles from another helpdesk's CSV export (see docs/import.md).
    Csv(CsvArgs),
    /// Tickets from SolarWinds Web Help Desk: its REST API or a ticket report CSV (see docs/import.md).
    Whd(super::whd::WhdArgs),
}

#[derive(Debug, Args)]
pub struct CsvArgs {
    /// What the rows are: tickets or articles.
    #[arg(long, value_parser = parse_kind)]
    pub kind: Kind,
    pub file: PathBuf,
    /// Map a column to a field (COLUMN=FIELD), or ignore it (COLUMN=-). Repeatable.
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub maps: Vec<String>,
    /// Where the rows come from (default: the file's name): rows imported
    /// before from the same origin are skipped. Name a later export of the
    /// same helpdesk the same, e.g. --origin freshdesk.
    #[arg(long, value_name = "LABEL")]
    pub origin: Option<String>,
    /// How every date cell is written, as a chrono strftime format, e.g.
    /// "%d-%m-%Y %H:%M" (GLPI) or "%m/%d/%Y %I:%M %p". Without it, dates
    /// such as 05/09/2025 are read day first unless the file shows month
    /// first; a file that never tells is refused.
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    /// What one of the file's status words means (WORD=STATUS, STATUS one of
    /// new, open, pending, resolved, closed). Repeatable.
    #[arg(long = "map-status", value_name = "WORD=STATUS")]
    pub status_maps: Vec<String>,
    /// A requester cell holding a name (no address) becomes name.slug@DOMAIN;
    /// without it, name.slug@unknown.invalid in the triage school (never mailed).
    #[arg(long, value_name = "DOMAIN")]
    pub requester_domain: Option<String>,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where to write the copy.
    pub file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

fn read_all(file: &Path) -> Result<Vec<u8>> {
    if file.as_os_str() == "-" {
        let mut raw = Vec::new();
        std::io::stdin()
            .read_to_end(&mut raw)
            .map_err(|e| Error::runtime(format!("cannot read stdin: {e}")))?;
        return Ok(raw);
    }
    crate::safe_fs::read_user_file(file)
        .map_err(|e| Error::invalid(format!("cannot read {}: {e}", file.display())))
}

fn print_summary(inv: &Invocation, verb: &str, s: &TransferSummary) -> Result<()> {
    if inv.json {
        let tables: serde_json::Map<String, serde_json::Value> =
            s.tables.iter().map(|(t, n)| (t.clone(), (*n).into())).collect();
        return output::json(&serde_json::json!({ "tables": tables }));
    }
    let parts: Vec<String> = ["schools", "technicians", "requesters", "tickets", "events", "articles"]
        .iter()
        .map(|t| format!("{} {t}", s.rows(t)))
        .collect();
    println!("{verb} {}", parts.join(", "));
    Ok(())
}

pub fn export(inv: &Invocation, cmd: ExportCmd) -> Result<()> {
    let ExportCmd::Json { output: file, force } = cmd;
    let desk = inv.open()?;
    let Some(file) = file else {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        desk.export_json(&mut lock)?;
        return lock.flush().map_err(|e| Error::runtime(format!("cannot write the export: {e}")));
    };
    let summary = desk.export_json_to(&file, force)?;
    print_summary(inv, &format!("Exported to {}:", file.display()), &summary)
}

pub fn import(inv: &Invocation, cmd: ImportCmd) -> Result<()> {
    match cmd {
        ImportCmd::Json { file } => {
            let raw = read_all(&file)?;
            let text = String::from_utf8(raw)
                .map_err(|_| Error::invalid("not a deskside export: the file is not UTF-8 text"))?;
            let summary = if inv.db.exists() {
                inv.open()?.import_json(&text)?
            } else {
                transfer::import_into_new(&inv.db, &text)?
            };
            print_summary(inv, "Imported", &summary)
        }
        ImportCmd::Whd(args) => super::whd::run(inv, args),
        ImportCmd::Csv(args) => {
            let raw = read_all(&args.file)?;
            let origin = match args.origin {
                Some(label) => label,
                None => args
                    .file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "stdin".into()),
            };
            let opts = CsvOptions {
                kind: args.kind,
                maps: args.maps,
                origin,
                date_format: args.date_format,
                status_maps: args.status_maps,
                requester_domain: args.requester_domain,
            };
            let summary = inv.open()?.import_csv(&raw, &opts)?;
            if inv.json {
                return output::json(&summary);
            }
            println!(
                "Imported {} {} from {} ({}); {} new requester(s)",
                summary.imported,
                summary.kind,
                output::safe(&opts.origin, false),
                summary.encoding,
                summary.requesters_added
            );
            if summary.skipped > 0 {
                println!(
                    "  skipped {} row(s) imported from {} before",
                    summary.skipped,
                    output::safe(&opts.origin, false)
                );
            }
            for m in &summary.mapping {
                println!("  {:<24} -> {}", output::safe(&m.column, false), m.field);
            }
            if !summary.ignored_columns.is_empty() {
                println!("  ignored: {}", output::safe(&summary.ignored_columns.join(", "), false));
            }
            Ok(())
        }
    }
}

pub fn backup(inv: &Invocation, args: &BackupArgs) -> Result<()> {
    let info = inv.open()?.backup(&args.file, args.force)?;
    if inv.json {
        return output::json(&info);
    }
    println!(
        "Backed up to {} ({} KiB, {} pages, integrity {}) in {:.2} s",
        info.file.display(),
        info.bytes / 1024,
        info.pages,
        info.integrity,
        info.seconds
    );
    Ok(())
}
