//! Rendering for the CLI: `--json` objects, plain tables, times, and text
//! made safe for a terminal.

use crate::domain::Timestamp;
use chrono::Local;
use serde::Serialize;

pub use crate::present::format::{age, escape_c1, fit, safe};

/// Prints `value` as pretty JSON on stdout.
pub fn json<T: Serialize + ?Sized>(value: &T) -> crate::Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| crate::Error::runtime(e.to_string()))?;
    println!("{}", escape_c1(&text));
    Ok(())
}

/// A local time, minute precision.
pub fn time(t: Timestamp) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

pub fn opt_time(t: Option<Timestamp>) -> String {
    t.map(time).unwrap_or_else(|| "-".into())
}

/// A plain text table: columns padded to their widest cell.
pub fn table(headers: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}  ", w = *w));
            }
        }
        println!("{}", out.trim_end());
    };
    line(headers.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}
