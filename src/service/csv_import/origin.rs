//! How a row is recognised when an export is imported again: by its
//! number in the other helpdesk, or (no number) by its exact content.

use super::{Kind, Parsed};
use crate::Result;
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Each row's key within its origin: `id:` and the row's ticket (or
/// article) number there; for a file without a number column, or a row
/// with an empty number, `sha256:` and a digest of all its cells, `#2`,
/// `#3` ... marking the second and later identical rows of one file. The
/// same number twice in one file is refused: it is one ticket there, and
/// two here is exactly what the keys are for preventing.
pub(super) fn row_keys(parsed: &Parsed, kind: Kind) -> Result<Vec<String>> {
    let id = parsed.col("external_id");
    let what = if kind == Kind::Tickets { "ticket" } else { "article" };
    let mut first_line: HashMap<&str, u64> = HashMap::new();
    let mut copies: HashMap<String, usize> = HashMap::new();
    let mut keys = Vec::with_capacity(parsed.rows.len());
    for row in &parsed.rows {
        let key = match row.get(id) {
            Some(number) => {
                if let Some(first) = first_line.insert(number, row.line) {
                    return Err(row.fail(
                        id,
                        &parsed.header,
                        format!(
                            "'{number}' is also on line {first}: one {what} there would become two here (--map the column to - to import such rows separately)"
                        ),
                    ));
                }
                format!("id:{number}")
            }
            None => {
                let mut h = Sha256::new();
                for cell in row.record.iter() {
                    h.update(cell.trim().as_bytes());
                    h.update([0x1f]);
                }
                let digest = format!("{:x}", h.finalize());
                let n = copies.entry(digest.clone()).or_insert(0);
                *n += 1;
                if *n == 1 {
                    format!("sha256:{digest}")
                } else {
                    format!("sha256:{digest}#{n}")
                }
            }
        };
        keys.push(key);
    }
    Ok(keys)
}
