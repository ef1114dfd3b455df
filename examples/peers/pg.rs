//! The PostgreSQL 15 peer, when a server on this machine answers `psql` as
//! the `postgres` account: the articles copied into a table with a weighted
//! tsvector (title A, tags B, category C, body D) and a GIN index, then
//! every query as `websearch_to_tsquery('english', ...)` ranked by
//! `ts_rank_cd`, top 3. The queries run in one psql session; each one's time
//! is psql's own `\timing` (client round trip, no process start).

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const DB: &str = "deskside_peer";

fn psql(db: &str, script: &str) -> Result<String, String> {
    let mut child = Command::new("runuser")
        .args(["-u", "postgres", "--", "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", db])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run psql: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let script = script.to_string();
    // Written from a thread: a big COPY would otherwise fill the pipe while
    // psql's output fills the other one.
    let writer = std::thread::spawn(move || stdin.write_all(script.as_bytes()));
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    let _ = writer.join();
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(err.lines().next().unwrap_or("psql failed").to_string());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// Every query's (top ids, time), from the second of two passes.
pub fn run(db: &Path, queries: &[String]) -> Result<HashMap<String, (Vec<u64>, Duration)>, String> {
    psql("postgres", "SELECT 1;").map_err(|e| format!("PostgreSQL not answering ({e})"))?;
    let exists = psql("postgres", &format!("SELECT 1 FROM pg_database WHERE datname = '{DB}';"))?;
    if exists.trim().is_empty() {
        psql("postgres", &format!("CREATE DATABASE {DB};"))?;
    }
    let conn = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    let count: i64 = conn
        .query_row("SELECT count(*) FROM articles WHERE status = 'published'", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    let have = psql(DB, "SELECT count(*) FROM peer_articles;").unwrap_or_default();
    if have.trim() != count.to_string() {
        let mut load = String::from(
            "DROP TABLE IF EXISTS peer_articles;
             CREATE TABLE peer_articles (id bigint PRIMARY KEY, title text, tags text, category text, body text);
             COPY peer_articles FROM STDIN WITH (FORMAT csv);\n",
        );
        let mut stmt = conn
            .prepare("SELECT id, title, tags, coalesce(category, ''), body FROM articles WHERE status = 'published'")
            .map_err(|e| e.to_string())?;
        let csv = |s: String| format!("\"{}\"", s.replace('"', "\"\""));
        let rows = stmt
            .query_map([], |r| {
                Ok(format!(
                    "{},{},{},{},{}\n",
                    r.get::<_, i64>(0)?,
                    csv(r.get(1)?),
                    csv(r.get(2)?),
                    csv(r.get(3)?),
                    csv(r.get(4)?)
                ))
            })
            .map_err(|e| e.to_string())?;
        for row in rows {
            load.push_str(&row.map_err(|e| e.to_string())?);
        }
        load.push_str(
            "\\.\nALTER TABLE peer_articles ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
                setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', tags), 'B') ||
                setweight(to_tsvector('english', category), 'C') || setweight(to_tsvector('english', body), 'D')) STORED;
             CREATE INDEX peer_articles_tsv ON peer_articles USING gin (tsv);
             ANALYZE peer_articles;\n",
        );
        psql(DB, &load)?;
    }
    let mut script = String::from("\\timing on\n");
    for _pass in 0..2 {
        for q in queries {
            script.push_str(&format!(
                "SELECT 'ids:' || coalesce(string_agg(id::text, ',' ORDER BY r DESC), '') FROM (
                   SELECT id, ts_rank_cd(tsv, q) AS r FROM peer_articles, websearch_to_tsquery('english', {}) q
                    WHERE tsv @@ q ORDER BY r DESC LIMIT 3) s;\n",
                quote(q)
            ));
        }
    }
    let out = psql(DB, &script)?;
    let mut ids: Vec<Vec<u64>> = Vec::new();
    let mut times: Vec<Duration> = Vec::new();
    for line in out.lines() {
        if let Some(list) = line.strip_prefix("ids:") {
            ids.push(list.split(',').filter_map(|x| x.parse().ok()).collect());
        } else if let Some(t) = line.strip_prefix("Time: ") {
            let ms: f64 = t.split_whitespace().next().and_then(|x| x.parse().ok()).unwrap_or(0.0);
            times.push(Duration::from_secs_f64(ms / 1000.0));
        }
    }
    if ids.len() != 2 * queries.len() || times.len() != ids.len() {
        return Err(format!("unexpected psql output ({} results, {} timings)", ids.len(), times.len()));
    }
    let n = queries.len();
    Ok(queries.iter().enumerate().map(|(i, q)| (q.clone(), (ids[n + i].clone(), times[n + i]))).collect())
}
