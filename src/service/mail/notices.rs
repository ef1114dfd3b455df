//! Sending the mail that belongs to no ticket (`mail_notices`: weekly
//! reports): claimed, delivered outside any transaction, then marked sent,
//! exactly like the ticket outbox (at-least-once, one Message-ID).

use super::send::{NotSent, SendSettings, Sent, MAX_AGE_DAYS, MAX_ATTEMPTS};
use crate::domain::TicketId;
use crate::mail::compose::{self, Outgoing};
use crate::mail::encode::Mailbox;
use crate::mail::multipart::render_alternative;
use crate::service::Desk;
use crate::store::mail_loop as rows;
use crate::Result;
use chrono::Duration;

const CLAIM_SECONDS: i64 = 600;

/// The message as it goes out (a notice with an HTML part is
/// multipart/alternative).
pub fn render(
    n: &rows::Notice,
    settings: &SendSettings,
    now: crate::domain::Timestamp,
) -> Result<(String, String)> {
    let to = Mailbox::new(&n.recipient, n.recipient_name.as_deref())?;
    let message_id =
        format!("deskside.{}.{}.{}@{}", n.kind, n.id, n.created_at.timestamp(), settings.from.domain());
    let out = Outgoing {
        date: now,
        from: settings.from.clone(),
        to,
        subject: n.subject.clone(),
        message_id: message_id.clone(),
        in_reply_to: None,
        references: Vec::new(),
        auto_submitted: true,
        body: n.text_body.clone(),
    };
    let text = match &n.html_body {
        Some(html) => render_alternative(&out, html),
        None => compose::render(&out),
    };
    Ok((text, message_id))
}

impl Desk {
    /// Notices, oldest first (`status` only when given).
    pub fn mail_notices(&self, status: Option<&str>) -> Result<Vec<rows::Notice>> {
        if let Some(s) = status.filter(|s| !["queued", "sent", "failed", "expired"].contains(s)) {
            return Err(crate::Error::invalid(format!(
                "invalid status '{s}': expected queued, sent, failed or expired"
            )));
        }
        self.read(|conn, _| rows::notices(conn, status))
    }

    /// Sends the queued notices (called by `mail send`).
    pub(crate) fn send_notices(
        &mut self,
        settings: &SendSettings,
        sent: &mut Vec<Sent>,
        failed: &mut Vec<NotSent>,
    ) -> Result<()> {
        self.write(|cx| rows::expire_notices(cx.tx, cx.now - Duration::days(MAX_AGE_DAYS)))?;
        for n in self.read(|conn, _| rows::notices(conn, Some("queued")))? {
            let claimed = self.write(|cx| {
                rows::claim_notice(cx.tx, n.id, cx.now, cx.now + Duration::seconds(CLAIM_SECONDS))
            })?;
            if !claimed {
                continue;
            }
            let now = self.now();
            let (text, message_id) = match render(&n, settings, now) {
                Ok(r) => r,
                Err(e) => {
                    let error = e.to_string();
                    let status = self.write(|cx| rows::notice_failed(cx.tx, n.id, &error, 0))?;
                    failed.push(NotSent { id: n.id, ticket: TicketId(0), error, status });
                    continue;
                }
            };
            match settings.transport.deliver(&text) {
                Ok(via) => {
                    self.write(|cx| rows::notice_sent(cx.tx, n.id, &message_id, cx.now))?;
                    sent.push(Sent {
                        id: n.id,
                        ticket: TicketId(0),
                        kind: n.kind.clone(),
                        to: n.recipient.clone(),
                        message_id,
                        via,
                    });
                }
                Err(error) => {
                    let status = self.write(|cx| rows::notice_failed(cx.tx, n.id, &error, MAX_ATTEMPTS))?;
                    failed.push(NotSent { id: n.id, ticket: TicketId(0), error, status });
                }
            }
        }
        Ok(())
    }
}
