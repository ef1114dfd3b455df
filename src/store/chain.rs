//! The audit log as a hash chain (tamper evidence).
//!
//! Every audit row carries `prev_hash`, the `hash` of the row before it (in
//! id order; the first row links to `GENESIS`), and its own `hash`: SHA-256
//! over the previous hash, its id, time, technician, OS account, action,
//! entity and `content_hash`. `content_hash` is SHA-256 over the erasable
//! part, entity_id and detail, kept in its own column so that erasing a
//! person (`requester erase`) can replace that text with the tombstone and
//! mark the row `erased` while every link stays checkable.
//!
//! An edited, deleted, inserted or reordered row breaks a link that
//! `verify` finds. The chain has no secret key: someone who can write the
//! file can recompute every hash after the edit. Keeping the head hash
//! elsewhere (`audit --verify` prints it) shows that too.

use super::{from_secs, to_secs};
use crate::domain::Timestamp;
use crate::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What the first row links to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The text that replaces erased personal data everywhere.
pub const TOMBSTONE: &str = "[erased]";

/// One audit row as written.
pub struct Entry<'a> {
    pub at: Timestamp,
    pub tech_id: Option<i64>,
    pub os_user: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub detail: Option<&'a str>,
}

fn hex(d: impl AsRef<[u8]>) -> String {
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// Each field length-prefixed, so no two different rows hash the same bytes.
fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_le_bytes());
    h.update(bytes);
}

fn opt_field(h: &mut Sha256, bytes: Option<&[u8]>) {
    match bytes {
        None => h.update([0u8]),
        Some(b) => {
            h.update([1u8]);
            field(h, b);
        }
    }
}

/// SHA-256 of the erasable part of a row.
pub fn content_hash(entity_id: &str, detail: Option<&str>) -> String {
    let mut h = Sha256::new();
    field(&mut h, b"deskside audit content v1");
    field(&mut h, entity_id.as_bytes());
    opt_field(&mut h, detail.map(str::as_bytes));
    hex(h.finalize())
}

/// The fields a row's own hash covers.
struct Linked<'a> {
    id: i64,
    at: i64,
    tech_id: Option<i64>,
    os_user: &'a str,
    action: &'a str,
    entity: &'a str,
    content_hash: &'a str,
}

fn row_hash(prev: &str, r: &Linked<'_>) -> String {
    let mut h = Sha256::new();
    field(&mut h, b"deskside audit row v1");
    field(&mut h, prev.as_bytes());
    field(&mut h, &r.id.to_le_bytes());
    field(&mut h, &r.at.to_le_bytes());
    opt_field(&mut h, r.tech_id.map(i64::to_le_bytes).as_ref().map(|b| &b[..]));
    field(&mut h, r.os_user.as_bytes());
    field(&mut h, r.action.as_bytes());
    field(&mut h, r.entity.as_bytes());
    field(&mut h, r.content_hash.as_bytes());
    hex(h.finalize())
}

/// The last row's id and hash (None for an empty log).
fn head(conn: &Connection) -> Result<Option<(i64, Option<String>)>> {
    Ok(conn
        .prepare_cached("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Appends one row linked to the last. Runs inside the caller's write
/// transaction (`BEGIN IMMEDIATE`): the head is read under the write lock,
/// so two writers can never link to the same row.
pub fn append(conn: &Connection, e: &Entry<'_>) -> Result<i64> {
    if conn.is_autocommit() {
        return Err(Error::runtime("an audit row may only be written inside a transaction"));
    }
    let (id, prev) = match head(conn)? {
        // A last row without a hash is itself a broken link that `verify`
        // reports; the new row links to nothing rather than hiding it.
        Some((last, hash)) => (last + 1, hash.unwrap_or_default()),
        None => (1, GENESIS.to_string()),
    };
    let content = content_hash(e.entity_id, e.detail);
    let at = to_secs(e.at);
    let hash = row_hash(
        &prev,
        &Linked {
            id,
            at,
            tech_id: e.tech_id,
            os_user: e.os_user,
            action: e.action,
            entity: e.entity,
            content_hash: &content,
        },
    );
    conn.prepare_cached(
        "INSERT INTO audit (id, at, tech_id, os_user, action, entity, entity_id, detail,
                            content_hash, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        id,
        at,
        e.tech_id,
        e.os_user,
        e.action,
        e.entity,
        e.entity_id,
        e.detail,
        content,
        prev,
        hash
    ])?;
    Ok(id)
}

/// Links every row that has no hash yet, in id order, after the chained
/// rows before it. For the upgrade that introduced the chain and for
/// imports of exports made before it; inside the caller's transaction.
/// Returns how many rows were linked.
pub fn seal_unchained(conn: &Connection) -> Result<usize> {
    let missing: i64 = conn.query_row("SELECT count(*) FROM audit WHERE hash IS NULL", [], |r| r.get(0))?;
    if missing == 0 {
        return Ok(0);
    }
    super::import::without_trigger(conn, "audit_no_update", || {
        let mut read = conn.prepare(
            "SELECT id, at, tech_id, os_user, action, entity, entity_id, detail, hash FROM audit ORDER BY id",
        )?;
        let mut write = conn.prepare(
            "UPDATE audit SET content_hash = ?2, prev_hash = ?3, hash = ?4, erased = 0 WHERE id = ?1",
        )?;
        let mut rows = read.query([])?;
        let mut prev = GENESIS.to_string();
        let mut sealed = 0;
        while let Some(r) = rows.next()? {
            if let Some(hash) = r.get::<_, Option<String>>(8)? {
                prev = hash;
                continue;
            }
            let (id, entity_id, detail): (i64, String, Option<String>) = (r.get(0)?, r.get(6)?, r.get(7)?);
            let content = content_hash(&entity_id, detail.as_deref());
            let (os_user, action, entity): (String, String, String) = (r.get(3)?, r.get(4)?, r.get(5)?);
            let linked = Linked {
                id,
                at: r.get(1)?,
                tech_id: r.get(2)?,
                os_user: &os_user,
                action: &action,
                entity: &entity,
                content_hash: &content,
            };
            let hash = row_hash(&prev, &linked);
            write.execute(params![id, content, prev, hash])?;
            prev = hash;
            sealed += 1;
        }
        Ok(sealed)
    })
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Rows checked.
    pub rows: u64,
    /// Rows whose erasable text was replaced by an erasure (their links
    /// still check; their text cannot).
    pub erased: u64,
    /// The last row's hash: keep it elsewhere to notice a rewritten chain.
    pub head: Option<String>,
    /// The first problem, in id order; None when the chain is intact.
    pub broken: Option<BrokenLink>,
}

impl ChainReport {
    pub fn intact(&self) -> bool {
        self.broken.is_none()
    }
}

/// Where the chain first fails and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenLink {
    /// The audit row id (for a missing row: the row after the gap).
    pub row: i64,
    pub at: Option<Timestamp>,
    pub problem: String,
}

/// Checks every row in id order: (a) it links to the row before it, (b) its
/// own hash matches its fields, (c) its entity and detail match its content
/// hash, or the row is marked erased, holds the tombstone and an `erase`
/// row follows it. Stops at the first problem. Reads in one snapshot (the caller's connection).
pub fn verify(conn: &Connection) -> Result<ChainReport> {
    let tx = conn.unchecked_transaction()?;
    let mut report = ChainReport { rows: 0, erased: 0, head: None, broken: None };
    {
        let mut stmt = tx.prepare(
            "SELECT id, at, tech_id, os_user, action, entity, entity_id, detail,
                    content_hash, prev_hash, hash, erased
               FROM audit ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut prev = GENESIS.to_string();
        let mut last_id = 0i64;
        // The first erased row not yet followed by the erasure that explains it.
        let mut unexplained: Option<(i64, i64)> = None;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let at: i64 = r.get(1)?;
            let (os_user, action, entity, entity_id): (String, String, String, String) =
                (r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?);
            let detail: Option<String> = r.get(7)?;
            let content: Option<String> = r.get(8)?;
            let link: Option<String> = r.get(9)?;
            let hash: Option<String> = r.get(10)?;
            let erased: bool = r.get(11)?;
            let tech_id: Option<i64> = r.get(2)?;
            let problem = (|| {
                let (Some(content), Some(link), Some(hash)) = (&content, &link, &hash) else {
                    return Some(
                        "the row is not chained (no hash): it was added outside deskside".to_string(),
                    );
                };
                if *link != prev {
                    return Some(if id != last_id + 1 {
                        format!(
                            "the link to the previous row does not match: rows {} to {} are missing",
                            last_id + 1,
                            id - 1
                        )
                    } else {
                        "the link to the previous row does not match: a row before it was removed, added or changed".to_string()
                    });
                }
                let linked = Linked {
                    id,
                    at,
                    tech_id,
                    os_user: &os_user,
                    action: &action,
                    entity: &entity,
                    content_hash: content,
                };
                if row_hash(link, &linked) != *hash {
                    return Some("the row's hash does not match its id, time, technician, action or entity: the row was changed".to_string());
                }
                if erased {
                    if detail.as_deref().is_some_and(|d| d != TOMBSTONE) {
                        return Some("the row is marked erased but still holds text".to_string());
                    }
                } else if content_hash(&entity_id, detail.as_deref()) != *content {
                    return Some(
                        "the row's entity or detail does not match its hash: the text was changed"
                            .to_string(),
                    );
                }
                None
            })();
            if let Some(problem) = problem {
                report.broken = Some(BrokenLink { row: id, at: Some(from_secs(at)), problem });
                break;
            }
            report.rows += 1;
            report.erased += u64::from(erased);
            if erased && unexplained.is_none() {
                unexplained = Some((id, at));
            }
            if action == "erase" {
                unexplained = None;
            }
            prev = hash.unwrap_or_default();
            last_id = id;
            report.head = Some(prev.clone());
        }
        if let (None, Some((row, at))) = (&report.broken, unexplained) {
            report.broken = Some(BrokenLink {
                row,
                at: Some(from_secs(at)),
                problem: "the row is marked erased but no erasure is recorded after it".to_string(),
            });
        }
    }
    tx.commit()?;
    Ok(report)
}
