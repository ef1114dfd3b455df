//! The portal's mail: sign-in links (queued with the link, sent by `mail
//! send` like the rest of the outbox, the link forgotten once sent) and the
//! one-click rating link added to resolution mail when a base URL is set.

use super::mail::send::{NotSent, SendSettings, Sent, MAX_ATTEMPTS};
use super::portal_requests::rating_token;
use super::Desk;
use crate::domain::TicketId;
use crate::mail::compose::{self, Outgoing};
use crate::mail::encode::Mailbox;
use crate::store::portal as rows;
use crate::Result;
use chrono::Duration;
use rusqlite::Connection;

/// How long a sender holds a claimed sign-in message.
const CLAIM_SECONDS: i64 = 300;

/// The text of a sign-in mail. The link is the only way in, so the mail
/// says plainly what to do when it was not asked for.
pub fn signin_body(link: &str, subject: Option<&str>) -> String {
    let mut b = String::from("Hello,\n\n");
    match subject {
        Some(s) => b.push_str(&format!(
            "To send your request to IT Support (\"{}\"), open this link within {} minutes:\n\n",
            crate::text::clip(s.trim(), 80),
            super::portal_auth::LINK_MINUTES
        )),
        None => b.push_str(&format!(
            "To sign in to IT Support's help pages, open this link within {} minutes:\n\n",
            super::portal_auth::LINK_MINUTES
        )),
    }
    b.push_str(&format!("  {link}\n\n"));
    b.push_str("The link works once. If you did not ask for it, ignore this email: nothing happens.\n");
    b
}

/// Lines for a resolution mail: one link per answer, when the portal has a
/// base URL and a secret (set when `deskside serve` first ran).
pub fn rating_lines(conn: &Connection, ticket_id: TicketId, email: &str) -> Result<Option<String>> {
    let (Some(base), Some(secret)) = (rows::setting(conn, "base_url")?, rows::setting(conn, "secret")?)
    else {
        return Ok(None);
    };
    let url = format!("{}/rate/{}", base.trim_end_matches('/'), rating_token(&secret, ticket_id, email));
    Ok(Some(format!(
        "\nHow did we do? One click tells us:\n  Happy:   {url}?score=5\n  Neutral: {url}?score=3\n  Unhappy: {url}?score=1\n"
    )))
}

impl Desk {
    /// Sends the queued sign-in links (called by `mail send`).
    pub(crate) fn send_portal_mail(
        &mut self,
        settings: &SendSettings,
        sent: &mut Vec<Sent>,
        failed: &mut Vec<NotSent>,
    ) -> Result<()> {
        let now = self.now();
        let queued = self.write(|cx| rows::queued_mail(cx.tx, now))?;
        for m in queued {
            let claimed = self.write(|cx| {
                rows::claim_mail(cx.tx, m.id, cx.now, cx.now + Duration::seconds(CLAIM_SECONDS))
            })?;
            if !claimed {
                continue;
            }
            let Ok(to) = Mailbox::parse(&m.recipient) else {
                let status =
                    self.write(|cx| rows::mark_mail_failed(cx.tx, m.id, "invalid recipient address", 0))?;
                failed.push(NotSent {
                    id: m.id,
                    ticket: TicketId(0),
                    error: "invalid recipient address".into(),
                    status,
                });
                continue;
            };
            let message_id =
                format!("deskside.signin.{}.{}@{}", m.id, m.created_at.timestamp(), settings.from.domain());
            let text = compose::render(&Outgoing {
                date: now,
                from: settings.from.clone(),
                to,
                subject: m.subject.clone(),
                message_id: message_id.clone(),
                in_reply_to: None,
                references: Vec::new(),
                auto_submitted: true,
                body: m.body.clone(),
            });
            match settings.transport.deliver(&text) {
                Ok(via) => {
                    self.write(|cx| rows::mark_mail_sent(cx.tx, m.id, &message_id, cx.now))?;
                    rows::checkpoint(self.store().conn())?;
                    sent.push(Sent {
                        id: m.id,
                        ticket: TicketId(0),
                        kind: "signin".into(),
                        to: m.recipient.clone(),
                        message_id,
                        via,
                    });
                }
                Err(error) => {
                    let status =
                        self.write(|cx| rows::mark_mail_failed(cx.tx, m.id, &error, MAX_ATTEMPTS))?;
                    failed.push(NotSent { id: m.id, ticket: TicketId(0), error, status });
                }
            }
        }
        Ok(())
    }
}
