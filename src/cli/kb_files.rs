//! `kb export --html DIR | --markdown DIR` and `kb import --markdown DIR`.

use super::output::{self, safe};
use super::Invocation;
use crate::service::kb_files::{ExportReport, ImportReport};
use crate::service::Desk;
use crate::site;
use crate::site::contact::Contact;
use crate::{Error, Result};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("format").required(true).multiple(false))]
pub struct ExportArgs {
    /// Write the self-help site (published public articles, search, service
    /// catalogue) into DIR: new, empty, or an earlier site, which is replaced.
    #[arg(long, value_name = "DIR", group = "format")]
    pub html: Option<PathBuf>,
    /// Write every article as DIR/NN-slug.md with front matter, for review in git.
    #[arg(long, value_name = "DIR", group = "format")]
    pub markdown: Option<PathBuf>,
    /// The site's name, shown on every page (HTML only) [default: "IT Support self-help"].
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A folder of NN-slug.md files as `kb export --markdown` writes them.
    #[arg(long, value_name = "DIR", required = true)]
    pub markdown: PathBuf,
}

pub fn export(inv: &Invocation, desk: &Desk, args: ExportArgs) -> Result<()> {
    let report = match (&args.html, &args.markdown) {
        (Some(dir), _) => {
            let title = args.title.as_deref().unwrap_or(site::DEFAULT_TITLE);
            let title = crate::domain::required_text("--title", title, 100)?;
            desk.export_site(dir, &title, contact()?)?
        }
        (None, Some(_)) if args.title.is_some() => {
            return Err(Error::invalid("--title names the site: it goes with --html, not --markdown"))
        }
        (None, Some(dir)) => desk.export_markdown(dir)?,
        (None, None) => return Err(Error::invalid("give --html DIR or --markdown DIR")),
    };
    if inv.json {
        return output::json(&report);
    }
    print_export(&report);
    Ok(())
}

/// The "Contact IT" settings from the config file (none: the site says to
/// contact the IT support team); a bad one is refused before anything is
/// written, naming the file.
fn contact() -> Result<Contact> {
    let Some((c, file)) = crate::config::resolve_contact()? else { return Ok(Contact::default()) };
    Contact::new(c.portal_url.as_deref(), c.email.as_deref(), c.phone.as_deref(), c.hours.as_deref())
        .map_err(|e| Error::invalid(format!("config file {}: {e}", file.display())))
}

fn print_export(r: &ExportReport) {
    let what = if r.format == "html" {
        format!("{} published public article(s) in {} categories", r.articles, r.categories.unwrap_or(0))
    } else {
        format!("{} article(s)", r.articles)
    };
    println!(
        "Exported {what} to {}: {} file(s) written, {} unchanged, {} removed",
        safe(&r.dir, false),
        r.written.len(),
        r.unchanged,
        r.removed.len()
    );
    for f in &r.removed {
        println!("  removed {}", safe(f, false));
    }
    if r.format == "html" {
        println!(
            "Open {}/index.html in a browser, or publish the folder on any web server.",
            safe(&r.dir, false)
        );
    }
}

pub fn import(inv: &Invocation, desk: &mut Desk, args: ImportArgs) -> Result<()> {
    let report = desk.import_markdown(&args.markdown)?;
    if inv.json {
        return output::json(&report);
    }
    print_import(&report);
    Ok(())
}

fn print_import(r: &ImportReport) {
    println!(
        "Imported {}: {} created, {} updated, {} unchanged",
        safe(&r.dir, false),
        r.created.len(),
        r.updated.len(),
        r.unchanged
    );
    for a in &r.created {
        println!("  created #{} from {}: {}", a.id, safe(&a.file, false), safe(&a.title, false));
    }
    for a in &r.updated {
        println!(
            "  updated #{} ({}) from {}: {}",
            a.id,
            a.changed.join(", "),
            safe(&a.file, false),
            safe(&a.title, false)
        );
    }
}
