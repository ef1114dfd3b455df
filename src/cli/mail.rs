//! `mail ingest`, `mail send`, `mail outbox`, `mail rejects`.

use super::output::{self, fit, safe, time};
use super::Invocation;
use crate::config::{self, MailConfig};
use crate::domain::TicketId;
use crate::mail::encode::Mailbox;
use crate::mail::maildir;
use crate::mail::transport::{Transport, DEFAULT_COMMAND};
use crate::service::mail::{IngestOptions, IngestReport, Outcome, SendSettings};
use crate::service::Desk;
use crate::{Error, Result};
use clap::{Args, Subcommand};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum MailCmd {
    /// Turn inbound mail into tickets and replies (a file, - for stdin, or a maildir).
    Ingest(IngestArgs),
    /// Send the queued acknowledgements and public replies (run it from cron).
    Send(SendArgs),
    /// List outgoing mail (queued, sent, failed ...), or show one as it would be sent.
    Outbox {
        /// Only this status: queued, sent, failed, discarded or expired.
        #[arg(long)]
        status: Option<String>,
        /// Print this message as it would be sent.
        #[arg(long, value_name = "ID")]
        show: Option<i64>,
        #[command(flatten)]
        settings: SettingsArgs,
    },
    /// List mail that belongs to no ticket: weekly reports, alerts, survey reminders.
    Notices {
        /// Only this status: queued, sent, failed or expired.
        #[arg(long)]
        status: Option<String>,
    },
    /// Queue the one satisfaction-survey reminder of resolved, unrated tickets (cron, daily).
    SurveyReminders {
        /// Days after the resolution (1-13).
        #[arg(long, default_value_t = 2)]
        after_days: i64,
    },
    /// List inbound mail that made no ticket (unreadable, bounces, auto-replies).
    Rejects {
        /// Write this rejected message's raw bytes to stdout (to inspect or re-ingest).
        #[arg(long, value_name = "ID")]
        raw: Option<i64>,
    },
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    /// A message file, or - for standard input (as piped by the mail server).
    #[arg(value_name = "FILE", conflicts_with = "maildir", required_unless_present = "maildir")]
    pub file: Option<PathBuf>,
    /// Every message in DIR/new: handled ones move to cur/, unreadable ones to DIR/.failed.
    #[arg(long, value_name = "DIR")]
    pub maildir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// From address (default: `from` in the [mail] table of the config file).
    #[arg(long, value_name = "ADDRESS")]
    pub from: Option<String>,
    /// Write messages into this maildir instead of running the send command.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub outbox_dir: Option<PathBuf>,
    /// Send command reading the message on stdin (default: `sendmail -t -i`).
    #[arg(long, value_name = "COMMAND")]
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub struct SendArgs {
    #[command(flatten)]
    pub settings: SettingsArgs,
}

pub fn run(inv: &Invocation, cmd: MailCmd) -> Result<()> {
    let mut desk = inv.open()?;
    match cmd {
        MailCmd::Ingest(args) => ingest(inv, &mut desk, &args),
        MailCmd::Send(args) => send(inv, &mut desk, &settings(&args.settings)?),
        MailCmd::Notices { status } => {
            let list = desk.mail_notices(status.as_deref())?;
            if inv.json {
                let rows: Vec<serde_json::Value> = list
                    .iter()
                    .map(|n| {
                        serde_json::json!({"id": n.id, "kind": n.kind, "recipient": n.recipient,
                            "subject": n.subject, "status": n.status, "attempts": n.attempts,
                            "created_at": n.created_at.to_rfc3339()})
                    })
                    .collect();
                return crate::cli::output::json(&rows);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|n| {
                    vec![
                        n.id.to_string(),
                        n.kind.clone(),
                        n.status.clone(),
                        safe(&n.recipient, false),
                        safe(&crate::text::clip(&n.subject, 50), false),
                    ]
                })
                .collect();
            crate::cli::output::table(&["ID", "KIND", "STATUS", "TO", "SUBJECT"], &rows);
            Ok(())
        }
        MailCmd::SurveyReminders { after_days } => {
            let done = desk.survey_reminders(after_days)?;
            if inv.json {
                return crate::cli::output::json(&done);
            }
            println!("{} reminder(s) queued", done.len());
            Ok(())
        }
        MailCmd::Outbox { show: Some(id), settings: s, .. } => {
            let text = desk.preview_mail(id, &settings(&s)?)?;
            print!("{}", safe(&text, true));
            Ok(())
        }
        MailCmd::Outbox { status, show: None, .. } => {
            let rows = desk.outbox(status.as_deref())?;
            if inv.json {
                return output::json(&rows);
            }
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        format!("#{}", r.ticket_id),
                        r.kind.clone(),
                        r.status.clone(),
                        r.attempts.to_string(),
                        time(r.created_at),
                        fit(&r.recipient, 32),
                        fit(r.last_error.as_deref().unwrap_or(""), 48),
                    ]
                })
                .collect();
            output::table(&["ID", "TICKET", "KIND", "STATUS", "TRIES", "QUEUED", "TO", "NOTE"], &table);
            Ok(())
        }
        MailCmd::Rejects { raw: Some(id) } => {
            let raw = desk.mail_reject_raw(id)?;
            std::io::stdout().write_all(&raw)?;
            Ok(())
        }
        MailCmd::Rejects { raw: None } => {
            let rows = desk.mail_rejects()?;
            if inv.json {
                return output::json(&rows);
            }
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.outcome.clone(),
                        time(r.at),
                        fit(r.sender.as_deref().unwrap_or("-"), 28),
                        fit(r.subject.as_deref().unwrap_or("-"), 30),
                        fit(&r.reason, 60),
                    ]
                })
                .collect();
            output::table(&["ID", "OUTCOME", "AT", "FROM", "SUBJECT", "REASON"], &table);
            Ok(())
        }
    }
}

/// Deskside's own addresses (from the config file), so mail from them is
/// recognised as a loop.
fn ingest_options() -> Result<IngestOptions> {
    let own = match config::resolve_mail()? {
        Some((MailConfig { from: Some(from), .. }, _)) => {
            Mailbox::parse(&from).map(|m| vec![m.email]).unwrap_or_default()
        }
        _ => Vec::new(),
    };
    Ok(IngestOptions { own_addresses: own })
}

fn ingest(inv: &Invocation, desk: &mut Desk, args: &IngestArgs) -> Result<()> {
    let opts = ingest_options()?;
    let mut reports = Vec::new();
    let result = match (&args.maildir, &args.file) {
        (Some(dir), _) => ingest_maildir(desk, dir, &opts, &mut reports, inv.json),
        (None, Some(file)) => {
            let (raw, origin) = read_input(file)?;
            desk.ingest_mail(&raw, &origin, &opts).map(|r| {
                if !inv.json {
                    print_report(&r);
                }
                reports.push(r)
            })
        }
        (None, None) => Err(Error::invalid("give a message FILE, - for stdin, or --maildir DIR")),
    };
    // An outage shows as a burst of similar new tickets from one school.
    let created: Vec<TicketId> =
        reports.iter().filter(|r| r.outcome == Outcome::Created).filter_map(|r| r.ticket).collect();
    let bursts = super::incident::burst_marks(desk, &created)?;
    if inv.json {
        let mut list = Vec::new();
        for r in &reports {
            let mut v = serde_json::to_value(r).map_err(|e| Error::runtime(e.to_string()))?;
            if let Some(b) = r.ticket.and_then(|t| bursts.iter().find(|b| b.tickets.contains(&t))) {
                v["burst"] = serde_json::json!(b.tickets);
            }
            list.push(v);
        }
        output::json(&list)?;
    }
    for b in &bursts {
        let ids: Vec<String> = b.tickets.iter().map(|t| format!("#{t}")).collect();
        eprintln!(
            "burst: {} similar new tickets from {} ({}): gather them with `deskside ticket gather {}`",
            b.tickets.len(),
            b.school,
            ids.join(" "),
            b.tickets.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" ")
        );
    }
    result?;
    let failed: Vec<&IngestReport> = reports.iter().filter(|r| r.outcome == Outcome::Failed).collect();
    if failed.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = failed.iter().filter_map(|r| r.reject).map(|id| id.to_string()).collect();
    Err(Error::runtime(format!(
        "{} message(s) could not be read and were kept as rejected mail {} (see `deskside mail rejects`)",
        failed.len(),
        ids.join(", ")
    )))
}

fn read_input(file: &Path) -> Result<(Vec<u8>, String)> {
    let mut raw = Vec::new();
    if file.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut raw)
            .map_err(|e| Error::runtime(format!("cannot read stdin: {e}")))?;
        return Ok((raw, "stdin".into()));
    }
    raw = crate::safe_fs::read_user_file(file)
        .map_err(|e| Error::runtime(format!("cannot read {}: {e}", file.display())))?;
    Ok((raw, file.display().to_string()))
}

fn ingest_maildir(
    desk: &mut Desk,
    dir: &Path,
    opts: &IngestOptions,
    reports: &mut Vec<IngestReport>,
    quiet: bool,
) -> Result<()> {
    let inbox = maildir::Inbox::open(dir)?;
    for name in inbox.waiting()? {
        let path = inbox.path(&name);
        let raw = match inbox.read(&name)? {
            maildir::Read::Message(raw) => raw,
            // Another ingest took it meanwhile.
            maildir::Read::Gone => continue,
            // A link or FIFO is someone else's file: left alone, never stored.
            maildir::Read::Skipped(what) => {
                eprintln!(
                    "skipped {}: {what}, not a message file (left where it is)",
                    safe(&path.display().to_string(), false)
                );
                continue;
            }
        };
        // The database commits first; the file moves after, so a crash in
        // between only means the message is seen again (and is a duplicate).
        let report = desk.ingest_mail(&raw, &path.display().to_string(), opts)?;
        if report.outcome == Outcome::Failed {
            inbox.set_aside(&name)?;
        } else {
            inbox.mark_seen(&name)?;
        }
        if !quiet {
            print_report(&report);
        }
        reports.push(report);
    }
    Ok(())
}

fn print_report(r: &IngestReport) {
    let subject = safe(r.subject.as_deref().unwrap_or(""), false);
    let sender = safe(r.sender.as_deref().unwrap_or("unknown sender"), false);
    let reason = safe(r.reason.as_deref().unwrap_or(""), false);
    let ticket = r.ticket.map(|t| format!("#{t}")).unwrap_or_default();
    let kept = r.reject.map(|id| format!(" (kept as rejected mail {id})")).unwrap_or_default();
    match r.outcome {
        Outcome::Created => println!("created {ticket} from {sender}: {subject}"),
        Outcome::Replied => println!("reply on {ticket} from {sender}: {subject}"),
        Outcome::Duplicate => println!("duplicate of mail already on {ticket}: nothing new"),
        Outcome::Ignored => println!("ignored: {reason}{kept}"),
        Outcome::Failed => println!("FAILED {}: {reason}{kept}", safe(&r.origin, false)),
    }
}

/// Send settings from the flags, then the [mail] table of the config file.
fn settings(args: &SettingsArgs) -> Result<SendSettings> {
    let cfg = config::resolve_mail()?;
    let file = cfg.as_ref().map(|(_, f)| f.display().to_string());
    let cfg = cfg.map(|(c, _)| c).unwrap_or_default();
    let from = args.from.clone().or(cfg.from).ok_or_else(|| {
        Error::invalid(
            "mail is not configured: set `from` in the [mail] table of the config file (or pass --from ADDRESS)",
        )
    })?;
    let from = Mailbox::parse(&from).map_err(|e| {
        let place = file.map(|f| format!(" in {f}")).unwrap_or_default();
        Error::invalid(format!("invalid mail from address{place}: {e}"))
    })?;
    let transport = match (&args.outbox_dir, &args.command, &cfg.outbox_dir, &cfg.send_command) {
        (Some(dir), _, _, _) => Transport::UserMaildir(dir.clone()),
        (None, Some(cmd), _, _) => Transport::command(cmd)?,
        (None, None, Some(dir), None) => Transport::Maildir(dir.clone()),
        (None, None, Some(_), Some(_)) => {
            return Err(Error::invalid("the [mail] table sets both send_command and outbox_dir: keep one"))
        }
        (None, None, None, cmd) => Transport::command(cmd.as_deref().unwrap_or(DEFAULT_COMMAND))?,
    };
    Ok(SendSettings { from, transport, site_url: cfg.site_url.clone() })
}

fn send(inv: &Invocation, desk: &mut Desk, settings: &SendSettings) -> Result<()> {
    let report = desk.send_mail(settings)?;
    if inv.json {
        output::json(&report)?;
    } else {
        for s in &report.sent {
            println!("sent {} for #{} to {} via {}", s.kind, s.ticket, s.to, safe(&s.via, false));
        }
        for n in &report.not_sent {
            println!("NOT SENT message {} for #{} ({}): {}", n.id, n.ticket, n.status, safe(&n.error, false));
        }
        if report.expired > 0 {
            println!("{} queued message(s) were too old to send and expired", report.expired);
        }
        println!("{} sent, {} not sent", report.sent.len(), report.not_sent.len());
    }
    let failed = report.not_sent.iter().filter(|n| n.status != "discarded").count();
    if failed > 0 {
        return Err(Error::runtime(format!(
            "{failed} message(s) could not be sent: queued ones are retried on the next run (see `deskside mail outbox`)"
        )));
    }
    Ok(())
}
