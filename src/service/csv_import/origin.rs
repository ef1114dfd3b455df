//! How a row is recognised when an export is imported again: by its
//! number in the other helpdesk, or (no number) by its exact content.

use super::{Col, Kind, Parsed, Row, Rows};
use crate::Result;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Each row's key within its origin: `id:` and the row's ticket (or
/// article) number there; for a file without a number column, or a row
/// with an empty number, `sha256:` and a digest of all its cells, `#2`,
/// `#3` ... marking the second and later identical rows of one file. The
/// same number twice in one file is refused: it is one ticket there, and
/// two here is exactly what the keys are for preventing.
pub(super) struct Keyed<'p, 't> {
    rows: Rows<'t>,
    parsed: &'p Parsed,
    id: Col,
    what: &'static str,
    /// Numbers seen so far, with their line.
    first_line: HashMap<String, u64>,
    /// How often each content digest was seen.
    copies: HashMap<String, usize>,
    /// Rows imported before from this origin: key -> the id they became.
    before: HashMap<String, i64>,
}

impl<'p, 't> Keyed<'p, 't> {
    pub(super) fn new(
        parsed: &'p Parsed,
        rows: Rows<'t>,
        kind: Kind,
        before: HashMap<String, i64>,
    ) -> Keyed<'p, 't> {
        Keyed {
            before,
            rows,
            parsed,
            id: parsed.col("external_id"),
            what: if kind == Kind::Tickets { "ticket" } else { "article" },
            first_line: HashMap::new(),
            copies: HashMap::new(),
        }
    }

    /// The file (its header and mapping), for as long as the rows are read.
    pub(super) fn parsed(&self) -> &'p Parsed {
        self.parsed
    }

    /// The next row not imported before, with its key; the ids of rows
    /// imported before are added to `skipped` on the way.
    pub(super) fn next_new(&mut self, skipped: &mut Vec<i64>) -> Result<Option<(Row, String)>> {
        while let Some((row, key)) = self.next()? {
            match self.before.get(&key) {
                Some(&id) => skipped.push(id),
                None => return Ok(Some((row, key))),
            }
        }
        Ok(None)
    }

    /// The file's next row, with its key.
    pub(super) fn next(&mut self) -> Result<Option<(Row, String)>> {
        let Some(row) = self.rows.next_row()? else { return Ok(None) };
        let key = self.key(&row)?;
        Ok(Some((row, key)))
    }

    fn key(&mut self, row: &Row) -> Result<String> {
        if let Some(number) = row.get(self.id) {
            if let Some(first) = self.first_line.insert(number.to_string(), row.line) {
                let what = self.what;
                return Err(row.fail(
                    self.id,
                    &self.parsed.header,
                    format!(
                        "'{number}' is also on line {first}: one {what} there would become two here (--map the column to - to import such rows separately)"
                    ),
                ));
            }
            return Ok(format!("id:{number}"));
        }
        let mut h = Sha256::new();
        for cell in row.record.iter() {
            h.update(cell.trim().as_bytes());
            h.update([0x1f]);
        }
        let digest = format!("{:x}", h.finalize());
        let n = self.copies.entry(digest.clone()).or_insert(0);
        *n += 1;
        Ok(if *n == 1 { format!("sha256:{digest}") } else { format!("sha256:{digest}#{n}") })
    }
}
