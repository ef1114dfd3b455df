//! `ticket link|merge|incident|attach|attachments|attachment`: linking
//! tickets, major incidents and kept attachments (issue 20).

use super::output::{self, fit, safe};
use super::shared::IfVersion;
use crate::domain::TicketId;
use crate::domain::Version;
use crate::domain::{NewTicket, QueueItem};
use crate::service::Desk;
use crate::{Error, Result};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("link_to").required(true).multiple(false))]
pub struct LinkArgs {
    pub id: TicketId,
    /// A related ticket (shown on both).
    #[arg(long, group = "link_to", value_name = "ID")]
    pub to: Option<TicketId>,
    /// The major incident this caller's ticket belongs to.
    #[arg(long, group = "link_to", value_name = "ID")]
    pub parent: Option<TicketId>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The duplicate: it closes, pointing at the target.
    pub id: TicketId,
    /// The ticket that carries on.
    #[arg(long, value_name = "ID")]
    pub into: TicketId,
    /// Refuse (exit 4) if the duplicate changed since you saw this version.
    #[command(flatten)]
    pub v: IfVersion,
    /// Refuse (exit 4) if the target changed since you saw this version.
    #[arg(long, value_name = "N")]
    pub into_version: Option<Version>,
}

#[derive(Debug, Args)]
pub struct IncidentArgs {
    /// The ticket that becomes the incident (or --new).
    #[arg(required_unless_present = "new", conflicts_with = "new")]
    pub id: Option<TicketId>,
    /// Log a new ticket as the incident.
    #[arg(long, requires_all = ["subject", "requester"])]
    pub new: bool,
    #[arg(long)]
    pub subject: Option<String>,
    /// Who reported it (their email).
    #[arg(long)]
    pub requester: Option<String>,
    #[arg(long)]
    pub body: Option<String>,
}

#[derive(Debug, Args)]
pub struct AttachArgs {
    pub id: TicketId,
    pub file: PathBuf,
    /// Technicians only: never shown to the requester.
    #[arg(long)]
    pub internal: bool,
}

#[derive(Debug, Subcommand)]
pub enum AttachmentCmd {
    /// Write attachment N (as listed, from 1) to a new file.
    Save {
        id: TicketId,
        n: usize,
        /// Where to write it (default: its own name, here). Never replaced.
        #[arg(short = 'o', long = "output")]
        output: Option<PathBuf>,
    },
}

pub fn link(json: bool, desk: &mut Desk, a: LinkArgs) -> Result<()> {
    let (what, other) = match (a.to, a.parent) {
        (Some(b), _) => {
            desk.link_related(a.id, b)?;
            ("related to", b)
        }
        (None, Some(p)) => {
            desk.link_parent(a.id, p)?;
            ("a caller of incident", p)
        }
        (None, None) => return Err(Error::invalid("ticket link needs --to ID or --parent ID")),
    };
    if json {
        return output::json(&desk.links(a.id)?);
    }
    println!("#{} is now {what} #{other}", a.id);
    Ok(())
}

pub fn merge(json: bool, desk: &mut Desk, a: MergeArgs) -> Result<()> {
    let t = desk.merge(a.id, a.into, a.v.if_version, a.into_version)?;
    if json {
        return output::json(&t);
    }
    println!("#{} merged into #{} (closed; mail to it now threads into #{})", a.id, t.id, t.id);
    Ok(())
}

pub fn incident(json: bool, desk: &mut Desk, a: IncidentArgs) -> Result<()> {
    let t = match (a.id, a.new) {
        (Some(id), false) => desk.make_incident(id)?,
        _ => desk.new_incident(&NewTicket {
            subject: a.subject.unwrap_or_default(),
            body: a.body.unwrap_or_default(),
            requester: a.requester.unwrap_or_default(),
            ..NewTicket::default()
        })?,
    };
    if json {
        return output::json(&t);
    }
    println!(
        "#{} is a major incident: attach callers with `deskside ticket link ID --parent {}`",
        t.id, t.id
    );
    Ok(())
}

pub fn broadcast(json: bool, desk: &mut Desk, id: TicketId, text: &str) -> Result<()> {
    let children = desk.broadcast(id, text)?;
    if json {
        return output::json(&serde_json::json!({ "ticket": id, "children": children }));
    }
    println!("#{id} reply added and sent to {} caller ticket(s)", children.len());
    Ok(())
}

pub fn attach(json: bool, desk: &mut Desk, a: AttachArgs) -> Result<()> {
    let data = std::fs::read(&a.file)
        .map_err(|e| Error::invalid(format!("cannot read {}: {e}", a.file.display())))?;
    let name = a.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let row = desk.attach_file(a.id, &name, &data, a.internal)?;
    if json {
        return output::json(&row);
    }
    println!(
        "#{} attachment {}: {} ({} bytes{})",
        a.id,
        row.n,
        safe(&row.name, false),
        row.size,
        if row.internal { ", internal" } else { "" }
    );
    Ok(())
}

pub fn list(json: bool, desk: &Desk, id: TicketId) -> Result<()> {
    let rows = desk.attachments(id)?;
    if json {
        return output::json(&rows);
    }
    if rows.is_empty() {
        println!("#{id} has no attachments.");
        return Ok(());
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|a| {
            vec![
                a.n.to_string(),
                fit(&safe(&a.name, false), 40),
                a.content_type.clone(),
                crate::service::mail::ingest::size(usize::try_from(a.size).unwrap_or(0)),
                if a.internal { "internal".into() } else { "public".into() },
                match &a.refused {
                    Some(r) => fit(&format!("NOT KEPT: {r}"), 60),
                    None => {
                        if a.inline {
                            "kept (inline)".into()
                        } else {
                            "kept".into()
                        }
                    }
                },
            ]
        })
        .collect();
    output::table(&["N", "NAME", "TYPE", "SIZE", "WHO SEES IT", "CONTENT"], &table);
    Ok(())
}

pub fn attachment(json: bool, desk: &Desk, cmd: AttachmentCmd) -> Result<()> {
    match cmd {
        AttachmentCmd::Save { id, n, output: out } => {
            let path = match out {
                Some(p) => p,
                None => {
                    let (row, _) = desk.attachment(id, n)?;
                    // Its own name, one component only: never a path the sender chose.
                    let name = row.name.rsplit(['/', '\\']).next().unwrap_or("").trim().to_string();
                    if name.is_empty() || name == "." || name == ".." || name.starts_with('.') {
                        return Err(Error::invalid(
                            "the attachment's name is not a safe file name: pass -o FILE",
                        ));
                    }
                    PathBuf::from(name)
                }
            };
            let row = desk.save_attachment(id, n, &path)?;
            if json {
                return output::json(
                    &serde_json::json!({ "ticket": id, "n": n, "path": path, "size": row.size }),
                );
            }
            println!("Saved {} ({} bytes) to {}", safe(&row.name, false), row.size, path.display());
            Ok(())
        }
    }
}

/// `ticket show --json`: links, incident callers and attachments.
pub fn add_extras(desk: &Desk, id: TicketId, v: &mut serde_json::Value) -> Result<()> {
    let to_json = |x: serde_json::Result<serde_json::Value>| x.map_err(|e| Error::runtime(e.to_string()));
    v["links"] = to_json(serde_json::to_value(desk.links(id)?))?;
    v["attachments"] = to_json(serde_json::to_value(desk.attachments(id)?))?;
    v["callers"] = serde_json::json!(desk.incident_view()?.callers.get(&id));
    Ok(())
}

/// `ticket show`: links and attachments after the timeline.
pub fn print_extras(desk: &Desk, id: TicketId) -> Result<()> {
    let links = desk.links(id)?;
    if !links.is_empty() {
        println!();
        println!("Links");
        for l in &links {
            let what = match l.relation.as_str() {
                "parent" => "caller of incident",
                "child" => "caller",
                "merged_into" => "merged into",
                "merged_from" => "merged from",
                _ => "related",
            };
            println!("  {what} #{}", l.ticket);
        }
    }
    let files = desk.attachments(id)?;
    if !files.is_empty() {
        println!();
        println!("Attachments (save one with `deskside ticket attachment save {id} N`)");
        for a in &files {
            let state = match &a.refused {
                Some(r) => format!("NOT KEPT: {r}"),
                None => crate::service::mail::ingest::size(usize::try_from(a.size).unwrap_or(0)),
            };
            let who = if a.internal { " [INTERNAL]" } else { "" };
            println!("  {}. {} ({}, {state}){who}", a.n, safe(&a.name, false), a.content_type);
        }
    }
    Ok(())
}

/// What the queue knows beyond the tickets: incidents' callers, bursts.
pub struct QueueMarks {
    pub callers: std::collections::HashMap<TicketId, usize>,
    pub bursts: Vec<crate::service::burst::Burst>,
}

/// Folds callers' tickets under their incident (an incident shows once,
/// with its callers' count) and finds bursts.
pub fn fold_queue(desk: &Desk, items: Vec<QueueItem>) -> Result<(Vec<QueueItem>, QueueMarks)> {
    let view = desk.incident_view()?;
    let items = items.into_iter().filter(|i| !view.children.contains(&i.ticket.id)).collect();
    Ok((items, QueueMarks { callers: view.callers, bursts: desk.bursts()? }))
}

fn burst_of(marks: &QueueMarks, id: TicketId) -> Option<&crate::service::burst::Burst> {
    marks.bursts.iter().find(|b| b.tickets.contains(&id))
}

pub fn queue_json(items: &[QueueItem], marks: &QueueMarks) -> Result<Vec<serde_json::Value>> {
    items
        .iter()
        .map(|i| {
            let mut v = serde_json::to_value(i).map_err(|e| Error::runtime(e.to_string()))?;
            if let Some(n) = marks.callers.get(&i.ticket.id) {
                v["incident"] = serde_json::json!(true);
                v["callers"] = serde_json::json!(n);
            }
            if let Some(b) = burst_of(marks, i.ticket.id) {
                v["burst"] = serde_json::json!(b.tickets);
            }
            Ok(v)
        })
        .collect()
}

/// The queue as shown: an incident's subject carries its callers' count,
/// a burst's tickets a flag.
pub fn marked(items: Vec<QueueItem>, marks: &QueueMarks) -> Vec<QueueItem> {
    items
        .into_iter()
        .map(|mut i| {
            if let Some(n) = marks.callers.get(&i.ticket.id) {
                i.ticket.subject = format!("[INCIDENT, {n} caller(s)] {}", i.ticket.subject);
            } else if burst_of(marks, i.ticket.id).is_some() {
                i.ticket.subject = format!("[OUTAGE?] {}", i.ticket.subject);
            }
            i
        })
        .collect()
}

pub fn print_bursts(marks: &QueueMarks) {
    for b in &marks.bursts {
        let ids: Vec<String> = b.tickets.iter().map(|i| i.to_string()).collect();
        println!();
        println!(
            "Possible outage at {}: {} similar new tickets ({}) — gather them: deskside ticket gather {}",
            b.school,
            b.tickets.len(),
            fit(&safe(&b.subject, false), 40),
            ids.join(" ")
        );
    }
}

pub fn gather(json: bool, desk: &mut Desk, ids: &[TicketId]) -> Result<()> {
    let parent = desk.gather(ids)?;
    if json {
        return output::json(
            &serde_json::json!({ "incident": parent, "callers": desk.incident_view()?.callers.get(&parent) }),
        );
    }
    println!("#{parent} is the incident; {} ticket(s) gathered under it", ids.len() - 1);
    Ok(())
}

/// `mail ingest`: the tickets a run created that belong to a burst.
pub fn burst_marks(desk: &Desk, created: &[TicketId]) -> Result<Vec<crate::service::burst::Burst>> {
    if created.is_empty() {
        return Ok(Vec::new());
    }
    Ok(desk.bursts()?.into_iter().filter(|b| b.tickets.iter().any(|t| created.contains(t))).collect())
}
