//! Many people at once (issue #22 point 4, issue #17's benchmark line):
//! the release `deskside serve` on 127.0.0.1 over the corpus, 50 concurrent
//! clients on `/api/suggest` while 8 technician processes write tickets.
//! Reported: the portal's requests per second and latency beside the same
//! queries through `portal_search` in-process (the floor); the writes' p99
//! beside the same writes with no portal traffic; the console's keystroke
//! p99 while that load runs.
//!
//! The portal's per-address search limit (60 a minute by default) is
//! lifted with its own `--searches-per-minute` flag: every client here is
//! 127.0.0.1. The writers add tickets, so the load runs on a scratch copy
//! of the corpus, deleted afterwards.

use super::{ms, pct, Pair, Stat};
use crate::corpus;
use deskside::domain::NewTicket;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const CLIENTS: usize = 50;
pub const WRITERS: usize = 8;
/// Tickets each technician process logs, with a pause between them (a
/// busy technician, not a bulk load).
const WRITES_EACH: usize = 60;
const PAUSE: Duration = Duration::from_millis(25);

pub struct Load {
    pub rps: f64,
    pub api: Stat,
    pub api_floor: Stat,
    pub requests: usize,
    pub refused: usize,
    pub writes: Pair,
    pub keystroke: Stat,
    pub keystroke_quiet: Stat,
}

/// Child mode: one technician logging tickets; prints each write's time.
pub fn writer_child(db: &Path, login: &str, n: usize) {
    let mut desk = deskside::service::Desk::open(
        db,
        Box::new(deskside::clock::FixedClock(corpus::corpus_now())),
        login,
        "bench",
    )
    .unwrap();
    let emails: Vec<String> = {
        let conn = rusqlite::Connection::open(db).unwrap();
        let mut stmt = conn.prepare("SELECT email FROM requesters ORDER BY id LIMIT 400").unwrap();
        stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    let queries = corpus::queries(n, login.len() as u64);
    let mut out = String::new();
    for (i, q) in queries.iter().enumerate() {
        let new = NewTicket {
            subject: q.clone(),
            body: format!("{q}. Logged by {login} during the load test."),
            requester: emails[(i * 7 + login.len()) % emails.len()].clone(),
            ..NewTicket::default()
        };
        let t = Instant::now();
        desk.create_ticket(&new).unwrap();
        out.push_str(&format!("write_us {}\n", t.elapsed().as_micros()));
        std::thread::sleep(PAUSE);
    }
    print!("{out}");
}

/// 8 technician processes writing at once; every write's time.
fn writers(db: &Path) -> Vec<Duration> {
    let exe = std::env::current_exe().unwrap();
    let children: Vec<Child> = (0..WRITERS)
        .map(|i| {
            Command::new(&exe)
                .args(["--child-writer"])
                .arg(db)
                .arg(format!("tech{i:02}"))
                .arg(WRITES_EACH.to_string())
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut all: Vec<Duration> = Vec::new();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(out.status.success(), "a writer failed");
        all.extend(
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .filter_map(|l| l.strip_prefix("write_us "))
                .map(|v| Duration::from_micros(v.trim().parse().unwrap())),
        );
    }
    all.sort();
    all
}

/// One keep-alive HTTP/1.1 client: GET the path, read the whole answer;
/// the status code.
fn get(stream: &mut BufReader<TcpStream>, path: &str) -> std::io::Result<u16> {
    write!(stream.get_mut(), "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")?;
    let mut line = String::new();
    stream.read_line(&mut line)?;
    let status: u16 = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut len = 0usize;
    loop {
        line.clear();
        stream.read_line(&mut line)?;
        if line == "\r\n" || line.is_empty() {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; len];
    stream.read_exact(&mut body)?;
    Ok(status)
}

fn connect(addr: SocketAddr) -> std::io::Result<BufReader<TcpStream>> {
    let s = TcpStream::connect(addr)?;
    s.set_nodelay(true)?;
    Ok(BufReader::new(s))
}

struct Portal(Child);

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(bin: &Path, db: &Path, addr: SocketAddr) -> Portal {
    let child = Command::new(bin)
        .arg("--db")
        .arg(db)
        .args(["--as", "lead", "serve", "--listen", &addr.to_string()])
        .args(["--searches-per-minute", "1000000000"])
        .env("DESKSIDE_NOW", corpus::corpus_now().to_rfc3339())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let portal = Portal(child);
    let t = Instant::now();
    while TcpStream::connect(addr).is_err() {
        assert!(t.elapsed() < Duration::from_secs(60), "deskside serve did not start listening");
        std::thread::sleep(Duration::from_millis(50));
    }
    portal
}

pub fn measure(bin: &Path, corpus_db: &Path, seed: u64) -> Load {
    // A scratch copy: the writers' tickets must not land in the cached corpus.
    let db: PathBuf = corpus_db.with_file_name("load-scratch.db");
    std::fs::copy(corpus_db, &db).unwrap();
    let queries = corpus::queries(200, seed);
    let paths: Vec<String> = queries
        .iter()
        .map(|q| {
            format!(
                "/api/suggest?{}",
                form_urlencoded::Serializer::new(String::new()).append_pair("q", q).finish()
            )
        })
        .collect();

    // The floor: the same queries through portal_search in-process.
    let desk = super::warm::open(&db);
    for q in queries.iter().take(20) {
        desk.portal_search(q, None, None, 5).unwrap();
    }
    let api_floor = Stat::median(
        &(0..super::PASSES)
            .map(|_| {
                Stat::of(&super::sample(queries.len(), |i| {
                    std::hint::black_box(desk.portal_search(&queries[i], None, None, 5).unwrap());
                }))
            })
            .collect::<Vec<_>>(),
    );
    drop(desk);
    let keystroke_quiet = super::warm::keystrokes(&db, &queries).0.fig;

    let quiet = writers(&db);

    let addr: SocketAddr = "127.0.0.1:18471".parse().unwrap();
    let portal = serve(bin, &db, addr);
    let stop = Arc::new(AtomicBool::new(false));
    let paths = Arc::new(paths);
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (stop, paths) = (stop.clone(), paths.clone());
            std::thread::spawn(move || {
                let mut lat = Vec::new();
                let mut refused = 0;
                let mut conn = connect(addr).unwrap();
                let mut i = c * 7;
                while !stop.load(Ordering::Relaxed) {
                    let t = Instant::now();
                    match get(&mut conn, &paths[i % paths.len()]) {
                        Ok(200) => lat.push(t.elapsed()),
                        Ok(_) => refused += 1,
                        Err(_) => {
                            refused += 1;
                            conn = connect(addr).unwrap();
                        }
                    }
                    i += 1;
                }
                (lat, refused)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500)); // every client connected and busy
    let started = Instant::now();
    let db2 = db.clone();
    let busy = std::thread::spawn(move || writers(&db2));
    // The console typing while it all runs.
    let keystroke = super::warm::keystrokes(&db, &queries).0.fig;
    let loaded = busy.join().unwrap();
    let window = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let (mut lat, mut refused) = (Vec::new(), 0);
    for c in clients {
        let (l, r) = c.join().unwrap();
        lat.extend(l);
        refused += r;
    }
    drop(portal);
    lat.sort();
    // Requests per second over the whole time the clients ran.
    let total = window + Duration::from_millis(500);
    let rps = lat.len() as f64 / total.as_secs_f64();
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
    let _ = ms;
    Load {
        rps,
        api: Stat { p50: ms(pct(&lat, 0.5)), p99: ms(pct(&lat, 0.99)) },
        api_floor,
        requests: lat.len(),
        refused,
        writes: Pair { fig: Stat::of(&loaded), floor: Stat::of(&quiet) },
        keystroke,
        keystroke_quiet,
    }
}
