//! Satisfaction: a technician records what the requester said about a
//! resolved or closed ticket. A new rating replaces the score on the ticket
//! and appends a `rated` event, so the timeline keeps every one.

use super::{Ctx, Desk};
use crate::domain::TicketId;
use crate::domain::{EventKind, Timestamp};
use crate::store::{reports as rows, tickets as ticket_rows};
use crate::{Error, Result};
use serde::Serialize;

pub const MAX_COMMENT: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rating {
    pub ticket_id: TicketId,
    /// 1 (very unhappy) to 5 (very happy).
    pub score: i64,
    /// The score this rating replaced.
    pub previous: Option<i64>,
    pub comment: Option<String>,
    pub rated_at: Timestamp,
    /// The technician who recorded it.
    pub recorded_by: String,
}

pub fn check_score(score: i64) -> Result<i64> {
    if (1..=5).contains(&score) {
        Ok(score)
    } else {
        Err(Error::invalid(format!(
            "invalid score '{score}': expected a whole number from 1 (very unhappy) to 5 (very happy)"
        )))
    }
}

pub fn rate(cx: &mut Ctx<'_>, id: TicketId, score: i64, comment: Option<&str>) -> Result<Rating> {
    let score = check_score(score)?;
    let comment = comment.map(str::trim).filter(|c| !c.is_empty());
    if let Some(c) = comment {
        if c.chars().count() > MAX_COMMENT {
            return Err(Error::invalid(format!("comment is too long (at most {MAX_COMMENT} characters)")));
        }
    }
    let t = ticket_rows::get(cx.tx, id)?;
    if t.status.is_active() {
        return Err(Error::invalid(format!(
            "ticket #{id} is {}: only a resolved or closed ticket can be rated",
            t.status
        )));
    }
    let (previous, _) = rows::satisfaction(cx.tx, id)?.unwrap_or((None, None));
    if !rows::set_satisfaction(cx.tx, id, t.version, score, comment, cx.now, cx.me.id)? {
        return Err(Error::Conflict(format!("ticket #{id} changed while it was being rated: try again")));
    }
    cx.event_change(
        id,
        EventKind::Rated,
        false,
        comment,
        previous.map(|p| p.to_string()).as_deref(),
        Some(&score.to_string()),
    )?;
    Ok(Rating {
        ticket_id: id,
        score,
        previous,
        comment: comment.map(String::from),
        rated_at: cx.now,
        recorded_by: cx.me.login.clone(),
    })
}

impl Desk {
    pub fn rate(&mut self, id: TicketId, score: i64, comment: Option<&str>) -> Result<Rating> {
        self.write(|cx| rate(cx, id, score, comment))
    }
}
