//! A deterministic corpus at the scale of a large multi-academy trust:
//! schools with calendars and domains, requesters, technicians, tickets with
//! realistic timelines, articles and canned solutions. Written straight into
//! a fresh database with prepared inserts in one transaction (the service
//! operations check rules per ticket, which a million-row load does not
//! need); FTS indexes are rebuilt once at the end.

pub mod vocab;

use chrono::{DateTime, Utc};
use deskside::clock::FixedClock;
use deskside::rng::Rng;
use deskside::service::{Desk, InitOptions};
use rusqlite::{params, Connection};
use std::path::Path;
use vocab::*;

/// Every LONG_EVERY-th ticket (from LONG_OFFSET) has a timeline of about 50 events.
pub const LONG_EVERY: usize = 20_000;
pub const LONG_OFFSET: usize = 7;

pub struct Scale {
    pub schools: usize,
    pub tickets: usize,
    pub articles: usize,
    pub seed: u64,
}

impl Scale {
    /// From `--schools N --tickets N --articles N --seed N` (defaults: the
    /// benchmark's scale of a large trust).
    pub fn from_args(args: &[String]) -> Scale {
        Scale {
            schools: arg(args, "--schools", 100),
            tickets: arg(args, "--tickets", 1_000_000),
            articles: arg(args, "--articles", 20_000),
            seed: arg(args, "--seed", 42) as u64,
        }
    }
}

/// The number after `name` in `args` (`1_000_000` reads too), or `default`.
pub fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.replace('_', "").parse().unwrap_or_else(|_| panic!("{name} takes a number")))
        .unwrap_or(default)
}

/// The instant the corpus is generated "at": fixed so runs compare.
pub fn corpus_now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc()
}

/// How long the cached corpus took to generate (seconds) and its size
/// (bytes) when generated, from the note `cached` keeps beside it.
#[allow(dead_code)] // the benchmarks', not the generator's
pub fn generation(db: &Path) -> Option<(f64, u64)> {
    let note = std::fs::read_to_string(db.with_extension("gen")).ok()?;
    let mut it = note.split_whitespace();
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// Realistic things staff type when logging a call: vocabulary phrases,
/// some with a typo, some half-typed. Deterministic for a seed.
#[allow(dead_code)] // the benchmark's, not the generator's
pub fn queries(n: usize, seed: u64) -> Vec<String> {
    let mut rng = Rng(seed ^ 0x51_6A_E5);
    (0..n)
        .map(|i| {
            let cat = CATEGORIES[i % CATEGORIES.len()];
            let (_, things, problems) = topics(cat);
            let mut q = format!("{} {}", rng.pick::<&str>(things), rng.pick::<&str>(problems)).to_lowercase();
            match rng.below(4) {
                0 => {
                    // two letters swapped in the middle, as fast typists do
                    let mut c: Vec<char> = q.chars().collect();
                    let at = 1 + rng.below(c.len().saturating_sub(3).max(1) as u64) as usize;
                    c.swap(at, at + 1);
                    q = c.into_iter().collect();
                }
                1 => {
                    // half-typed: the last word cut short
                    let cut = q.split(' ').next_back().map(|w| w.chars().count() / 2).unwrap_or(0);
                    let keep = q.chars().count() - cut;
                    q = q.chars().take(keep).collect();
                }
                _ => {}
            }
            q
        })
        .collect()
}

/// Bumped whenever what `generate` writes changes, so a cached corpus of an
/// older shape is never measured.
const CORPUS_FORMAT: u32 = 2;

/// Where generated corpora and import files are kept between runs: outside
/// the repository (a 10M-ticket corpus is gigabytes) and outside /tmp (it
/// takes long enough to generate to be worth keeping). `DESKSIDE_BENCHDATA`
/// overrides it.
pub fn data_dir() -> std::path::PathBuf {
    let dir = std::env::var_os("DESKSIDE_BENCHDATA")
        .map_or_else(|| std::path::PathBuf::from("/work/benchdata"), std::path::PathBuf::from);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
    dir
}

/// The file name of the corpus for `scale`. The schema version is not in
/// it: opening a cached corpus applies any newer migration, as an upgrade
/// does at a school, so a new index does not cost a regeneration.
pub fn file_name(scale: &Scale) -> String {
    format!(
        "corpus-c{CORPUS_FORMAT}-s{}-t{}-a{}-{}.db",
        scale.schools, scale.tickets, scale.articles, scale.seed
    )
}

/// The corpus for `scale`, generated once into `data_dir()` and reused.
/// Generated under a temporary name and renamed when complete, so a run
/// killed half-way never leaves a half corpus to be measured.
#[allow(dead_code)] // the benchmarks', not the generator's
pub fn cached(scale: &Scale) -> std::path::PathBuf {
    let db = data_dir().join(file_name(scale));
    if !db.exists() {
        let tmp = db.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        let t = std::time::Instant::now();
        let made = generate(&tmp, scale).expect("generate the corpus");
        let secs = t.elapsed().as_secs_f64();
        std::fs::rename(&tmp, &db).expect("keep the corpus");
        let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
        // Kept beside it: the scale curve reports what the corpus cost to make.
        std::fs::write(db.with_extension("gen"), format!("{secs:.1} {size}\n")).expect("write the .gen note");
        eprintln!(
            "generated {} ({} schools, {} requesters, {:.2} GB) in {:.1}s",
            db.display(),
            made.schools.len(),
            made.requesters.len(),
            size as f64 / 1e9,
            secs
        );
    }
    // Bring it to this build's schema once, outside any timing.
    drop(Desk::open(&db, Box::new(FixedClock(corpus_now())), "lead", "bench").expect("open the corpus"));
    db
}

pub struct Corpus {
    pub requesters: Vec<String>,
    pub schools: Vec<String>,
}

pub fn generate(path: &Path, scale: &Scale) -> Result<Corpus, Box<dyn std::error::Error>> {
    let now = corpus_now();
    let desk = Desk::init(path, &InitOptions::default(), Box::new(FixedClock(now)), "lead", "bench")?;
    drop(desk);
    let mut conn = Connection::open(path)?;
    // No journal while loading a fresh file: a WAL would hold a copy of
    // every page written (the whole 10M-ticket corpus twice on disk until
    // the checkpoint), and a load killed half-way is thrown away anyway
    // (`cached` renames the file into place only when it is complete).
    conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000;")?;
    let tx = conn.transaction()?;
    // Bulk load without per-row trigger work: keep the triggers' SQL, drop
    // them, insert, put them back and rebuild every FTS5 index once.
    let triggers: Vec<(String, String)> = tx
        .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('tickets', 'articles', 'events')")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (name, _) in &triggers {
        tx.execute_batch(&format!("DROP TRIGGER \"{name}\""))?;
    }
    // The same for the bulk tables' secondary indexes: a B-tree built once
    // from sorted keys after the load, instead of millions of random
    // inserts into it during the load (what keeps a 10M corpus in hours).
    let indexes: Vec<(String, String)> = tx
        .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
               AND tbl_name IN ('tickets', 'events', 'ticket_articles')",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (name, _) in &indexes {
        tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
    }
    let phase = std::time::Instant::now();
    let mut rng = Rng(scale.seed);
    let t = now.timestamp();
    let calendars = insert_calendars(&tx, t)?;

    let mut techs = Vec::new();
    {
        let mut ins = tx.prepare(
            "INSERT INTO technicians (login, name, tier, lead, created_at) VALUES (?1, ?2, ?3, 0, ?4)",
        )?;
        for i in 0..24 {
            let tier = if i < 15 {
                1
            } else if i < 20 {
                2
            } else {
                3
            };
            let name = format!("{} {}", FIRST[i % FIRST.len()], LAST[(i * 7) % LAST.len()]);
            ins.execute(params![format!("tech{i:02}"), name, tier, t])?;
            techs.push((tx.last_insert_rowid(), tier));
        }
    }

    let mut schools = Vec::new();
    let mut people: Vec<(i64, i64)> = Vec::new(); // (requester id, school id)
    let mut emails = Vec::new();
    {
        let mut school =
            tx.prepare("INSERT INTO schools (code, name, calendar_id, created_at) VALUES (?1, ?2, ?3, ?4)")?;
        let mut domain = tx.prepare("INSERT INTO school_domains (domain, school_id) VALUES (?1, ?2)")?;
        let mut person = tx
            .prepare("INSERT INTO requesters (email, name, school_id, created_at) VALUES (?1, ?2, ?3, ?4)")?;
        for s in 0..scale.schools {
            let code = format!("S{s:03}");
            // Most of a trust's schools are in England; some in Wales and Scotland.
            let cal = calendars[[0, 0, 0, 0, 0, 0, 1, 1, 2, 2][s % 10]];
            school.execute(params![code, format!("Academy {s:03}"), cal, t])?;
            let sid = tx.last_insert_rowid();
            let dom = format!("academy{s:03}.sch.uk");
            domain.execute(params![dom, sid])?;
            for p in 0..40 {
                let (f, l) = (FIRST[(s + p) % FIRST.len()], LAST[(s * 3 + p) % LAST.len()]);
                let email = format!("{}.{}{p}@{dom}", f.to_lowercase(), l.to_lowercase());
                person.execute(params![email, format!("{f} {l}"), sid, t])?;
                people.push((tx.last_insert_rowid(), sid));
                emails.push(email);
            }
            schools.push(code);
        }
    }

    let mut articles = Vec::new();
    {
        let mut ins = tx.prepare(
            "INSERT INTO articles (title, body, category, tags, status, audience, author_id, created_at, updated_at,
                                   published_at, views, uses, helpful, not_helpful)
             VALUES (?1, ?2, ?3, ?4, 'published', ?5, ?6, ?7, ?7, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for a in 0..scale.articles {
            let cat = CATEGORIES[a % CATEGORIES.len()];
            let (_, things, problems) = topics(cat);
            let thing = rng.pick(things);
            let problem = rng.pick(problems);
            let room = rng.pick(&ROOMS);
            let title = format!("{} {} when it is {} ({})", rng.pick(&VERBS), thing, problem, a);
            let body: Vec<String> =
                (0..8).map(|_| fill(rng.pick::<&str>(&SENTENCES), thing, problem, room)).collect();
            let audience = if rng.chance(20) { "internal" } else { "public" };
            let created = t - rng.range(0, 3 * 365 * 86400);
            ins.execute(params![
                title,
                body.join(" "),
                cat,
                format!("{}, {}", thing.to_lowercase(), problem),
                audience,
                techs[rng.below(techs.len() as u64) as usize].0,
                created,
                rng.range(0, 500),
                rng.range(0, 60),
                rng.range(0, 30),
                rng.range(0, 5),
            ])?;
            articles.push(tx.last_insert_rowid());
        }
        let mut canned = tx.prepare(
            "INSERT INTO canned_solutions (title, body, category, author_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        )?;
        for c in 0..200 {
            let cat = CATEGORIES[c % CATEGORIES.len()];
            let body = format!(
                "Hi {{{{requester.first_name}}}},\n\nThis is fixed now ({cat} #{c}).\n\n{{{{tech.name}}}}"
            );
            canned.execute(params![format!("{cat} reply {c}"), body, cat, techs[20].0, t])?;
        }
    }

    insert_tickets(&tx, scale, &mut rng, t, &people, &techs, &articles)?;
    eprintln!("gen: rows written in {:.1}s", phase.elapsed().as_secs_f64());
    let phase = std::time::Instant::now();
    for (_, sql) in indexes.iter().chain(&triggers) {
        tx.execute_batch(sql)?;
    }
    eprintln!("gen: indexes built in {:.1}s", phase.elapsed().as_secs_f64());
    let phase = std::time::Instant::now();
    let fts: Vec<String> = tx
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table'
               AND sql LIKE 'CREATE VIRTUAL TABLE%fts5(%' AND sql NOT LIKE '%fts5vocab%'",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for name in fts {
        tx.execute_batch(&format!("INSERT INTO \"{name}\"(\"{name}\") VALUES ('rebuild')"))?;
    }
    tx.commit()?;
    eprintln!("gen: full-text indexes built in {:.1}s", phase.elapsed().as_secs_f64());
    let phase = std::time::Instant::now();
    conn.execute_batch("ANALYZE; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")?;
    eprintln!("gen: analysed in {:.1}s", phase.elapsed().as_secs_f64());
    Ok(Corpus { requesters: emails, schools })
}

/// The trust's three term calendars (their own hours and school holidays,
/// four academic years from 2023/24), as ids in the order England, Wales,
/// Scotland. SLA clocks stop on every closure, so queues and reports do
/// real calendar arithmetic.
fn insert_calendars(tx: &rusqlite::Transaction<'_>, now: i64) -> rusqlite::Result<Vec<i64>> {
    // (name, hours, holidays as (label, start month-day, end month-day,
    // years after the autumn term's year for start and end)).
    type Holiday = (&'static str, &'static str, &'static str, i32, i32);
    let england: &[Holiday] = &[
        ("October half term", "10-27", "10-31", 0, 0),
        ("Christmas", "12-20", "01-02", 0, 1),
        ("February half term", "02-16", "02-20", 1, 1),
        ("Easter", "04-03", "04-17", 1, 1),
        ("May half term", "05-26", "05-30", 1, 1),
        ("Summer", "07-22", "09-01", 1, 1),
    ];
    let wales: &[Holiday] = &[
        ("October half term", "10-27", "10-31", 0, 0),
        ("Christmas", "12-22", "01-05", 0, 1),
        ("February half term", "02-23", "02-27", 1, 1),
        ("Easter", "04-10", "04-24", 1, 1),
        ("May half term", "05-26", "05-30", 1, 1),
        ("Summer", "07-21", "09-01", 1, 1),
    ];
    let scotland: &[Holiday] = &[
        ("October week", "10-13", "10-24", 0, 0),
        ("Christmas", "12-22", "01-05", 0, 1),
        ("February break", "02-16", "02-17", 1, 1),
        ("Easter", "04-06", "04-17", 1, 1),
        ("May day", "05-04", "05-04", 1, 1),
        ("Summer", "06-30", "08-18", 1, 1),
    ];
    let mut cal = tx.prepare(
        "INSERT INTO calendars (name, tz, hours, created_at) VALUES (?1, 'Europe/London', ?2, ?3)",
    )?;
    let mut closure = tx
        .prepare("INSERT INTO closures (calendar_id, start_date, end_date, label) VALUES (?1, ?2, ?3, ?4)")?;
    let mut ids = Vec::new();
    for (name, hours, holidays) in [
        ("England", "Mon-Fri 08:00-17:00", england),
        ("Wales", "Mon-Fri 08:00-16:30", wales),
        ("Scotland", "Mon-Fri 08:30-12:30,13:15-16:45", scotland),
    ] {
        cal.execute(params![name, hours, now])?;
        let id = tx.last_insert_rowid();
        for year in 2023..=2026 {
            for (label, from, to, y0, y1) in holidays {
                let (from, to) = (format!("{}-{from}", year + y0), format!("{}-{to}", year + y1));
                closure.execute(params![id, from, to, format!("{label} {year}/{}", (year + 1) % 100)])?;
            }
        }
        ids.push(id);
    }
    Ok(ids)
}

fn insert_tickets(
    tx: &rusqlite::Transaction<'_>,
    scale: &Scale,
    rng: &mut Rng,
    now: i64,
    people: &[(i64, i64)],
    techs: &[(i64, i64)],
    articles: &[i64],
) -> rusqlite::Result<()> {
    let mut ticket = tx.prepare(
        "INSERT INTO tickets (subject, body, requester_id, school_id, category, priority, status, tier, assignee_id,
                              source, created_at, updated_at, updated_by, first_response_at, resolved_at, closed_at,
                              response_due_at, resolve_due_at, version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?9, ?13, ?14, ?15, ?16, ?17, ?18)",
    )?;
    let mut event = tx.prepare(
        "INSERT INTO events (ticket_id, at, kind, tech_id, os_user, internal, body, old_value, new_value)
         VALUES (?1, ?2, ?3, ?4, 'bench', ?5, ?6, ?7, ?8)",
    )?;
    let mut link =
        tx.prepare("INSERT OR IGNORE INTO ticket_articles (ticket_id, article_id, at) VALUES (?1, ?2, ?3)")?;
    let span = 3 * 365 * 86400i64;
    let first_line: Vec<i64> = techs.iter().filter(|t| t.1 == 1).map(|t| t.0).collect();
    let seniors: Vec<i64> = techs.iter().filter(|t| t.1 > 1).map(|t| t.0).collect();
    for i in 0..scale.tickets {
        let created = now - span + (span * i as i64) / scale.tickets.max(1) as i64 + rng.range(0, 600);
        let created = created.min(now - 60);
        let (rid, sid) = people[rng.below(people.len() as u64) as usize];
        let cat = CATEGORIES[rng.below(CATEGORIES.len() as u64) as usize];
        let (templates, things, problems) = topics(cat);
        let (thing, problem, room) = (rng.pick(things), rng.pick(problems), rng.pick(&ROOMS));
        let subject = fill(rng.pick::<&str>(templates), thing, problem, room);
        let body = format!(
            "The {thing} in {room} is {problem}. It started this morning. Please can someone look at it?"
        );
        let priority = match rng.below(20) {
            0 => "urgent",
            1..=4 => "high",
            5..=16 => "normal",
            _ => "low",
        };
        let age = now - created;
        let tech = *rng.pick(&first_line);
        let escalated = rng.chance(18);
        let senior = *rng.pick(&seniors);
        let taken = created + rng.range(120, 5400);
        let replied = taken + rng.range(300, 7200);
        let resolved = replied + rng.range(600, 86400);
        let closed = resolved + rng.range(2 * 86400, 5 * 86400);
        let (status, tier, assignee) = match (age, escalated) {
            (a, _) if a < 3 * 3600 && rng.chance(50) => ("new", 1, None),
            (a, true) if a < 2 * 86400 => ("open", 2, Some(senior)),
            (a, _) if a < 2 * 86400 => (if rng.chance(20) { "pending" } else { "open" }, 1, Some(tech)),
            (a, _) if a < 6 * 86400 => {
                ("resolved", if escalated { 2 } else { 1 }, Some(if escalated { senior } else { tech }))
            }
            _ => ("closed", if escalated { 2 } else { 1 }, Some(if escalated { senior } else { tech })),
        };
        let done = matches!(status, "resolved" | "closed");
        let (response_due, resolve_due) = (created + 4 * 3600, created + 27 * 3600);
        let id = {
            ticket.execute(params![
                subject,
                body,
                rid,
                sid,
                cat,
                priority,
                status,
                tier,
                assignee,
                ["email", "phone", "walk-in", "self-service"][rng.below(4) as usize],
                created,
                if done { closed.min(now) } else { created },
                (status != "new").then_some(replied),
                done.then_some(resolved),
                (status == "closed").then_some(closed),
                response_due,
                resolve_due,
                1 + rng.range(2, 8),
            ])?;
            tx.last_insert_rowid()
        };
        let mut ev = |at: i64,
                      kind: &str,
                      tech: Option<i64>,
                      internal: bool,
                      body: Option<&str>,
                      old: Option<&str>,
                      new: Option<&str>| {
            event.execute(params![id, at, kind, tech, internal, body, old, new])
        };
        ev(created, "created", Some(tech), false, None, None, Some("email"))?;
        if status == "new" {
            continue;
        }
        ev(taken, "assigned", Some(tech), false, None, None, Some(&format!("tech{:02}", tech - techs[0].0)))?;
        ev(taken, "status", Some(tech), false, None, Some("new"), Some("open"))?;
        if rng.chance(40) {
            ev(
                taken + 600,
                "note",
                Some(tech),
                true,
                Some("Checked the basics on site; logged the asset number."),
                None,
                None,
            )?;
        }
        if escalated {
            ev(
                taken + 900,
                "escalated",
                Some(tech),
                true,
                Some("Needs admin rights to fix"),
                Some("1"),
                Some("2"),
            )?;
            ev(
                taken + 1800,
                "assigned",
                Some(senior),
                false,
                None,
                None,
                Some(&format!("tech{:02}", senior - techs[0].0)),
            )?;
        }
        let worker = if escalated { senior } else { tech };
        ev(
            replied,
            "reply",
            Some(worker),
            false,
            Some("I have had a look and I am working on it."),
            None,
            None,
        )?;
        // A few long back-and-forth tickets: `ticket show` is measured on them.
        if i % LONG_EVERY == LONG_OFFSET {
            for k in 0..20 {
                let at = replied + 60 * (k + 1);
                ev(at, "note", Some(worker), true, Some("Tried another fix; still failing."), None, None)?;
                let ask = "Could you try again now and tell me what you see?";
                ev(at + 30, "reply", Some(worker), false, Some(ask), None, None)?;
            }
        }
        if done {
            if rng.chance(35) {
                let article = articles[rng.below(articles.len() as u64) as usize];
                link.execute(params![id, article, resolved])?;
                ev(
                    resolved,
                    "article",
                    Some(worker),
                    false,
                    Some("article"),
                    None,
                    Some(&article.to_string()),
                )?;
            }
            ev(
                resolved,
                "reply",
                Some(worker),
                false,
                Some("This is fixed now: please let us know if it happens again."),
                None,
                None,
            )?;
            ev(resolved, "status", Some(worker), false, None, Some("open"), Some("resolved"))?;
            if status == "closed" {
                ev(closed, "status", Some(worker), false, None, Some("resolved"), Some("closed"))?;
            }
        }
    }
    Ok(())
}
