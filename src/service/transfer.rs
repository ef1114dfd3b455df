//! `export json` and `import json`: everything in the database as one JSON
//! document, tables in dependency order, one row per line, columns named
//! once per table. Nothing in it depends on when or where it was made, so
//! an export imported into an empty database exports again byte for byte.

use super::Desk;
use crate::store::{self, transfer, Store};
use crate::{Error, Result};
use base64::Engine;
use rusqlite::types::Value;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::io::Write;
use std::path::Path;

pub const FORMAT: &str = "deskside-export";
pub const FORMAT_VERSION: i64 = 1;

/// The document, as read back.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    format: String,
    version: i64,
    schema: i64,
    tables: Vec<Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    name: String,
    columns: Vec<String>,
    rows: Vec<Vec<Json>>,
}

/// How many rows of each table an export or import carried.
#[derive(Debug, Clone, Serialize)]
pub struct TransferSummary {
    pub tables: Vec<(String, usize)>,
}

impl TransferSummary {
    pub fn rows(&self, table: &str) -> usize {
        self.tables.iter().find(|(t, _)| t == table).map(|(_, n)| *n).unwrap_or(0)
    }
}

fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Integer(i) => Json::from(*i),
        Value::Real(f) => serde_json::Number::from_f64(*f).map(Json::Number).unwrap_or(Json::Null),
        Value::Text(s) => Json::String(s.clone()),
        Value::Blob(b) => {
            serde_json::json!({ "base64": base64::engine::general_purpose::STANDARD.encode(b) })
        }
    }
}

fn from_json(v: &Json, table: &str, row: usize, column: &str) -> Result<Value> {
    let bad = |what: &str| Error::invalid(format!("table {table}, row {row}, column {column}: {what}"));
    Ok(match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Integer(i64::from(*b)),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Real(n.as_f64().ok_or_else(|| bad("number out of range"))?),
        },
        Json::String(s) => Value::Text(s.clone()),
        Json::Object(o) => match (o.len(), o.get("base64").and_then(Json::as_str)) {
            (1, Some(b64)) => Value::Blob(
                base64::engine::general_purpose::STANDARD.decode(b64).map_err(|_| bad("invalid base64"))?,
            ),
            _ => return Err(bad("expected a value or {\"base64\": ...}")),
        },
        Json::Array(_) => return Err(bad("expected a value, found an array")),
    })
}

/// Writes the export document.
pub fn write_export(conn: &rusqlite::Connection, out: &mut dyn Write) -> Result<TransferSummary> {
    let tables = transfer::read_all(conn)?;
    let io = |e: std::io::Error| Error::runtime(format!("cannot write the export: {e}"));
    writeln!(out, "{{").map_err(io)?;
    writeln!(out, "  \"format\": {},", js(FORMAT)).map_err(io)?;
    writeln!(out, "  \"version\": {FORMAT_VERSION},").map_err(io)?;
    writeln!(out, "  \"schema\": {},", store::SCHEMA_VERSION).map_err(io)?;
    writeln!(out, "  \"tables\": [").map_err(io)?;
    let mut summary = Vec::new();
    for (t, table) in tables.iter().enumerate() {
        writeln!(out, "    {{").map_err(io)?;
        writeln!(out, "      \"name\": {},", js(&table.name)).map_err(io)?;
        writeln!(out, "      \"columns\": {},", js(&table.columns)).map_err(io)?;
        if table.rows.is_empty() {
            writeln!(out, "      \"rows\": []").map_err(io)?;
        } else {
            writeln!(out, "      \"rows\": [").map_err(io)?;
            for (i, row) in table.rows.iter().enumerate() {
                let values: Vec<Json> = row.iter().map(to_json).collect();
                let comma = if i + 1 < table.rows.len() { "," } else { "" };
                writeln!(out, "        {}{comma}", js(&values)).map_err(io)?;
            }
            writeln!(out, "      ]").map_err(io)?;
        }
        writeln!(out, "    }}{}", if t + 1 < tables.len() { "," } else { "" }).map_err(io)?;
        summary.push((table.name.clone(), table.rows.len()));
    }
    writeln!(out, "  ]").map_err(io)?;
    writeln!(out, "}}").map_err(io)?;
    Ok(TransferSummary { tables: summary })
}

/// Compact JSON of a value (strings, lists of values: cannot fail).
fn js<T: Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// Parses and checks an export document.
fn parse(text: &str) -> Result<Vec<transfer::TableData>> {
    let doc: Document = serde_json::from_str(text).map_err(|e| {
        Error::invalid(format!("not a deskside export: {e} (line {}, column {})", e.line(), e.column()))
    })?;
    if doc.format != FORMAT {
        return Err(Error::invalid(format!("not a deskside export: format is '{}'", doc.format)));
    }
    if doc.version != FORMAT_VERSION {
        return Err(Error::invalid(format!(
            "export format version {} is not supported (this deskside reads version {FORMAT_VERSION})",
            doc.version
        )));
    }
    if doc.schema > store::SCHEMA_VERSION {
        return Err(Error::invalid(format!(
            "the export comes from a newer deskside (schema {}, this one has {}): upgrade deskside first",
            doc.schema,
            store::SCHEMA_VERSION
        )));
    }
    let mut tables = Vec::new();
    for t in doc.tables {
        if !transfer::EXPORTED.contains(&t.name.as_str()) {
            return Err(Error::invalid(format!("unknown table '{}' in the export", t.name)));
        }
        if tables.iter().any(|x: &transfer::TableData| x.name == t.name) {
            return Err(Error::invalid(format!("table '{}' appears twice in the export", t.name)));
        }
        let mut rows = Vec::with_capacity(t.rows.len());
        for (i, row) in t.rows.iter().enumerate() {
            let values = row
                .iter()
                .enumerate()
                .map(|(c, v)| {
                    from_json(v, &t.name, i + 1, t.columns.get(c).map(String::as_str).unwrap_or("?"))
                })
                .collect::<Result<Vec<_>>>()?;
            rows.push(values);
        }
        tables.push(transfer::TableData { name: t.name, columns: t.columns, rows });
    }
    Ok(tables)
}

/// Imports an export into `store`, which must be empty (as `init` or a
/// fresh file leaves it): all or nothing.
pub fn import_into(store: &mut Store, text: &str) -> Result<TransferSummary> {
    let tables = parse(text)?;
    if let Some(reason) = transfer::not_empty_reason(store.conn())? {
        return Err(Error::invalid(format!(
            "import json needs an empty database (fresh, or just created by init): {reason}; nothing was changed"
        )));
    }
    let counts = store.write(|tx| {
        let counts = transfer::replace_all(tx, &tables)?;
        // An export made before the audit chain existed has no hashes: its
        // rows are linked as they come in. Rows with hashes keep them, so a
        // chain broken in the export stays broken here.
        crate::store::chain::seal_unchained(tx)?;
        Ok(counts)
    })?;
    Ok(TransferSummary { tables: counts })
}

/// `import json` where no database exists yet: it is created for the
/// import and removed again if the import fails.
pub fn import_into_new(path: &Path, text: &str) -> Result<TransferSummary> {
    let mut store = Store::open(path, store::OpenMode::Create)?;
    let result = import_into(&mut store, text);
    drop(store);
    if result.is_err() {
        store::remove_database(path);
    }
    result
}

impl Desk {
    /// Writes everything as JSON. Leads only: it is every requester's
    /// details and every internal note.
    pub fn export_json(&self, out: &mut dyn Write) -> Result<TransferSummary> {
        self.read(|conn, me| {
            if !me.lead {
                return Err(Error::permission(format!(
                    "only a lead may export the whole database ({} is not a lead)",
                    me.login
                )));
            }
            write_export(conn, out)
        })
    }

    /// Writes the export to the file `path`, private from its first byte
    /// (see `safe_fs`); refuses an existing file unless `replace`.
    /// In the setgid install the file is the user's (`safe_fs::as_user`).
    pub fn export_json_to(&self, path: &Path, replace: bool) -> Result<TransferSummary> {
        crate::safe_fs::as_user(path, self.store.path(), || self.export_json_as_user(path, replace))
    }

    fn export_json_as_user(&self, path: &Path, replace: bool) -> Result<TransferSummary> {
        if path.exists() && !replace {
            return Err(Error::invalid(format!(
                "{} already exists: pass --force to replace it",
                path.display()
            )));
        }
        let shown = path.display().to_string();
        crate::safe_fs::write_private(
            path,
            replace,
            crate::safe_fs::Beside(Some(self.store.path())),
            |file| {
                let mut out = std::io::BufWriter::new(file);
                let summary = self.export_json(&mut out)?;
                out.flush().map_err(|e| Error::runtime(format!("cannot write {shown}: {e}")))?;
                Ok(summary)
            },
        )
    }

    /// Imports an export into this (empty) database. Leads only.
    pub fn import_json(&mut self, text: &str) -> Result<TransferSummary> {
        let me = self.me()?;
        if !me.lead {
            return Err(Error::permission(format!(
                "only a lead may import a database ({} is not a lead)",
                me.login
            )));
        }
        import_into(&mut self.store, text)
    }

    /// Copies the database to `dest` while others keep working.
    pub fn backup(&self, dest: &Path, force: bool) -> Result<store::backup::BackupInfo> {
        self.me()?;
        self.store.backup_to(dest, force)
    }
}
