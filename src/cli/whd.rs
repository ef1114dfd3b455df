//! `import whd`: from Web Help Desk's REST API or a WHD ticket report (CSV).

use super::output;
use super::Invocation;
use crate::service::whd::{api::Api, WhdOptions, WhdSource, WhdSummary, DEFAULT_ORIGIN};
use crate::{Error, Result};
use clap::{ArgGroup, Args};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Args)]
#[command(group(ArgGroup::new("from").required(true).args(["url", "csv"])))]
pub struct WhdArgs {
    /// The Web Help Desk address (e.g. https://help.school.org); the REST
    /// API under helpdesk/WebObjects/Helpdesk.woa/ra/ is read.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// A file holding the API key (one line; WHD: Setup > Techs > the tech's API key).
    #[arg(long, value_name = "FILE", conflicts_with = "csv")]
    pub api_key_file: Option<PathBuf>,
    /// The API key itself. Prefer --api-key-file or WHD_API_KEY: a command
    /// line is visible to every user of a shared box (`ps`).
    #[arg(long, value_name = "KEY", env = "WHD_API_KEY", hide_env_values = true, conflicts_with = "csv")]
    pub api_key: Option<String>,
    /// A WHD ticket report exported as CSV (instead of the API; it has no notes).
    #[arg(long, value_name = "FILE", conflicts_with = "url")]
    pub csv: Option<PathBuf>,
    /// Only tickets last updated on or after this day (YYYY-MM-DD, UTC) or instant (RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Read and map everything, report what would be imported, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Seconds to wait for each answer from the server.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub timeout: u64,
    /// Records asked for per page (WHD's `limit`).
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub page_size: u32,
    /// Which tickets the API lists (a WHD qualifier).
    #[arg(long, value_name = "QUALIFIER", default_value = "(id > 0)")]
    pub qualifier: String,
    /// Where the tickets are recorded as coming from: tickets recorded
    /// before under it are skipped (a re-run or a resume never duplicates).
    #[arg(long, value_name = "LABEL", default_value = DEFAULT_ORIGIN)]
    pub origin: String,
    /// What one of your WHD statuses means (WORD=STATUS). Repeatable.
    #[arg(long = "map-status", value_name = "WORD=STATUS")]
    pub status_maps: Vec<String>,
    /// A WHD location that is a school under another name (NAME=SCHOOL-CODE). Repeatable.
    #[arg(long = "location", value_name = "NAME=CODE")]
    pub location_maps: Vec<String>,
    /// How the report's date cells are written (chrono strftime), e.g. "%m/%d/%Y %I:%M %p".
    #[arg(long, value_name = "FORMAT", requires = "csv")]
    pub date_format: Option<String>,
}

fn since(raw: &str) -> Result<crate::domain::Timestamp> {
    let raw = raw.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc());
        }
    }
    chrono::DateTime::parse_from_rfc3339(raw).map(|t| t.with_timezone(&chrono::Utc)).map_err(|_| {
        Error::invalid(format!("invalid --since '{raw}': expected YYYY-MM-DD or an RFC 3339 instant"))
    })
}

/// The key from --api-key-file, else --api-key / WHD_API_KEY. Messages
/// never quote the file's content.
fn api_key(args: &WhdArgs) -> Result<String> {
    if let Some(file) = &args.api_key_file {
        let raw = crate::safe_fs::read_user_file(file)
            .map_err(|e| Error::invalid(format!("cannot read --api-key-file {}: {e}", file.display())))?;
        let text = String::from_utf8(raw)
            .map_err(|_| Error::invalid(format!("--api-key-file {}: not a text file", file.display())))?;
        let key = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("").to_string();
        if key.is_empty() {
            return Err(Error::invalid(format!(
                "--api-key-file {} is empty: expected the API key on its first line",
                file.display()
            )));
        }
        return Ok(key);
    }
    match args.api_key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => Ok(k.to_string()),
        None => Err(Error::invalid("no API key: pass --api-key-file FILE (or set WHD_API_KEY)")),
    }
}

pub fn run(inv: &Invocation, args: WhdArgs) -> Result<()> {
    let opts = WhdOptions {
        origin: args.origin.clone(),
        since: args.since.as_deref().map(since).transpose()?,
        dry_run: args.dry_run,
        status_maps: args.status_maps.clone(),
        location_maps: args.location_maps.clone(),
        qualifier: args.qualifier.clone(),
    };
    let mut desk = inv.open()?;
    let summary = match (&args.url, &args.csv) {
        (Some(url), _) => {
            if args.timeout == 0 {
                return Err(Error::invalid("invalid --timeout 0: expected 1 or more seconds"));
            }
            let api = Api::new(url, &api_key(&args)?, Duration::from_secs(args.timeout), args.page_size)?;
            desk.import_whd(WhdSource::Api(&api), &opts)?
        }
        (None, Some(file)) => {
            let raw = crate::safe_fs::read_user_file(file)
                .map_err(|e| Error::invalid(format!("cannot read {}: {e}", file.display())))?;
            let (text, _) = crate::service::csv_import::decode(&raw);
            desk.import_whd(WhdSource::Csv { text: &text, date_format: args.date_format.as_deref() }, &opts)?
        }
        (None, None) => return Err(Error::invalid("expected --url URL or --csv FILE")),
    };
    print(inv, &summary)
}

fn print(inv: &Invocation, s: &WhdSummary) -> Result<()> {
    if inv.json {
        return output::json(s);
    }
    let verb = if s.dry_run { "Would import" } else { "Imported" };
    println!(
        "{verb} {} ticket(s) from Web Help Desk ({}, origin {}); {} new requester(s); {} internal and {} public note(s)",
        s.imported,
        s.source,
        output::safe(&s.origin, false),
        s.requesters_added,
        s.internal_notes,
        s.public_notes
    );
    if s.skipped > 0 {
        println!("  skipped {} ticket(s) imported before", s.skipped);
    }
    if s.older > 0 {
        println!("  left out {} ticket(s) last updated before --since", s.older);
    }
    for t in &s.unmatched_techs {
        println!(
            "  unmatched tech (tickets left unassigned; add with `deskside tech add`): {}",
            output::safe(t, false)
        );
    }
    for l in &s.unmatched_locations {
        println!(
            "  unmatched location (school taken from the requester; or --location \"NAME=CODE\"): {}",
            output::safe(l, false)
        );
    }
    Ok(())
}
