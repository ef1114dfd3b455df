//! Every console screen rendered on ratatui's TestBackend from the demo
//! database at a fixed instant, at 80x24 and 120x40.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod common;

use chrono::DateTime;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use deskside::clock::FixedClock;
use deskside::domain::TicketId;
use deskside::domain::{EventKind, TicketFilter};
use deskside::service::{Desk, InitOptions};
use deskside::tui::action::Effect;
use deskside::tui::app::App;
use deskside::tui::theme::Theme;
use deskside::tui::{keymap, runner, view};
use ratatui::backend::TestBackend;
use ratatui::style::{Color, Modifier};
use ratatui::Terminal;
use std::collections::VecDeque;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn clock() -> Box<FixedClock> {
    Box::new(FixedClock(DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc()))
}

/// A copy of the demo database, seeded once per build of this test binary
/// (see `common::template`), opened in a directory of its own.
fn demo_desk() -> (tempfile::TempDir, Desk) {
    let template = common::template::in_process("demo", |db| {
        let opts = InitOptions { demo: true, name: Some("Lee Lead".into()), tz: None };
        Desk::init(db, &opts, clock(), "lead", "tester").unwrap();
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.db");
    common::template::copy(&template, &db);
    let desk = Desk::open(&db, clock(), "lead", "tester").unwrap();
    (dir, desk)
}

struct Console {
    desk: Desk,
    app: App,
    /// Holds the database file.
    _dir: tempfile::TempDir,
}

impl Console {
    fn new(size: (u16, u16), color: bool) -> Console {
        let (dir, mut desk) = demo_desk();
        let me = desk.me().unwrap();
        let mut app = App::new(me, desk.now(), Theme { color }, size);
        app.tz = Some(chrono_tz::UTC);
        let start = app.start();
        run(&mut desk, &mut app, start);
        Console { desk, app, _dir: dir }
    }

    fn key(&mut self, code: KeyCode) -> &mut Console {
        self.key_mod(code, KeyModifiers::NONE)
    }

    fn key_mod(&mut self, code: KeyCode, mods: KeyModifiers) -> &mut Console {
        if let Some(action) = keymap::resolve(KeyEvent::new(code, mods), self.app.mode()) {
            let fx = self.app.update(action);
            run(&mut self.desk, &mut self.app, fx);
        }
        self
    }

    fn text(&mut self, s: &str) -> &mut Console {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    /// Selects a ticket in the queue by id (scope "all", any status).
    fn open(&mut self, id: TicketId) -> &mut Console {
        let pos = self.app.queue.visible.iter().position(|&i| self.app.queue.items[i].ticket.id == id);
        let pos = pos.unwrap_or_else(|| panic!("ticket {id} not in the queue"));
        self.app.queue.cursor.select(pos);
        self.key(KeyCode::Enter)
    }

    fn render(&self) -> Terminal<TestBackend> {
        let mut term = Terminal::new(TestBackend::new(self.app.size.0, self.app.size.1)).unwrap();
        term.draw(|f| view::draw(f, &self.app)).unwrap();
        term
    }
}

fn run(desk: &mut Desk, app: &mut App, fx: Vec<Effect>) {
    let mut q: VecDeque<Effect> = fx.into();
    while let Some(e) = q.pop_front() {
        if let Some(a) = runner::run(desk, e) {
            q.extend(app.update(a));
        }
    }
}

/// A demo ticket whose timeline has an internal note and a hand-back.
fn rich_ticket(desk: &Desk) -> TicketId {
    let all = desk.tickets(&TicketFilter { include_done: true, ..TicketFilter::default() }).unwrap();
    all.iter()
        .map(|t| desk.ticket(t.id).unwrap())
        .find(|d| {
            d.ticket.status.is_active()
                && d.events.iter().any(|e| e.kind == EventKind::Note)
                && d.events.iter().any(|e| e.kind == EventKind::Escalated)
        })
        .map(|d| d.ticket.id)
        .expect("the demo has an active escalated ticket with notes")
}

fn snap(name: &str, c: &Console) {
    let (w, h) = c.app.size;
    insta::assert_snapshot!(format!("{name}_{w}x{h}"), c.render().backend());
}

#[test]
fn queue() {
    for size in SIZES {
        snap("queue", &Console::new(size, true));
    }
}

#[test]
fn queue_filtered_as_you_type() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        c.key(KeyCode::Char('/')).text("print");
        snap("queue_filter", &c);
    }
}

#[test]
fn ticket_with_internal_notes() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        let id = rich_ticket(&c.desk);
        c.open(id);
        snap("ticket", &c);
    }
}

#[test]
fn help_overlay() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        c.key(KeyCode::Char('?'));
        snap("help_queue", &c);
    }
}

#[test]
fn escalate_prompt() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        let id = rich_ticket(&c.desk);
        c.open(id).key(KeyCode::Char('e')).text("Needs the MIS admin to check the permissions");
        snap("escalate_prompt", &c);
    }
}

#[test]
fn assign_picker() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        let id = rich_ticket(&c.desk);
        c.open(id).key(KeyCode::Char('a')).text("pat");
        snap("assign_picker", &c);
    }
}

#[test]
fn new_ticket_form() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        c.key(KeyCode::Char('n')).text("hugh");
        snap("new_ticket", &c);
    }
}

#[test]
fn internal_notes_stay_distinct_without_colour() {
    for color in [true, false] {
        let mut c = Console::new((120, 40), color);
        let id = rich_ticket(&c.desk);
        c.open(id);
        let term = c.render();
        let buf = term.backend().buffer();
        let label = (0..buf.area.height)
            .find_map(|y| {
                let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect();
                row.find(" INTERNAL ").map(|x| (row[..x].chars().count() as u16 + 1, y))
            })
            .expect("an INTERNAL label is drawn");
        let cell = &buf[label];
        if color {
            assert_eq!(cell.bg, Color::Yellow);
        } else {
            assert!(
                cell.modifier.contains(Modifier::REVERSED),
                "NO_COLOR marks internal notes by reverse video"
            );
            let coloured = buf.content().iter().any(|c| c.fg != Color::Reset || c.bg != Color::Reset);
            assert!(!coloured, "NO_COLOR must not emit colours");
        }
    }
}

#[test]
fn canned_picker_with_preview() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        let id = rich_ticket(&c.desk);
        c.open(id).key(KeyCode::Char('c')).text("toner");
        snap("canned_picker", &c);
    }
}

#[test]
fn knowledge_base_search_with_preview() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        c.key(KeyCode::Char('K')).key(KeyCode::Char('/')).text("smartbord");
        snap("kb_search", &c);
    }
}

#[test]
fn knowledge_base_article() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        c.key(KeyCode::Char('K'))
            .key(KeyCode::Char('/'))
            .text("paper jam")
            .key(KeyCode::Enter)
            .key(KeyCode::Enter);
        snap("kb_article", &c);
    }
}

#[test]
fn new_ticket_with_live_suggestions() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        c.key(KeyCode::Char('n')).text("hughes").key(KeyCode::Tab).text("pritner jamed in staff room");
        snap("new_ticket_suggestions", &c);
    }
}

#[test]
fn dashboard() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        c.key(KeyCode::Char('D'));
        snap("dashboard", &c);
    }
}

/// This week's table is drawn before the trend (weeks of history) is read.
#[test]
fn the_dashboard_shows_this_week_while_the_trend_is_counted() {
    let mut c = Console::new((120, 40), false);
    let text = |c: &Console| format!("{:?}", c.render().backend());
    let open = c.app.update(keymap::resolve(KeyEvent::from(KeyCode::Char('D')), c.app.mode()).unwrap());
    assert_eq!(open, [Effect::LoadDashboard]);
    assert!(text(&c).contains("Counting this week"));
    let week = runner::run(&mut c.desk, Effect::LoadDashboard).expect("this week's report");
    let next = c.app.update(week);
    let [Effect::LoadTrend(this)] = next[..] else { panic!("the trend follows: {next:?}") };
    let screen = text(&c);
    assert!(screen.contains("TOTAL") && screen.contains("Counting the weeks before"), "{screen}");
    assert!(!screen.contains("opened / week"), "{screen}");
    // A trend for another week (the dashboard reopened meanwhile) is dropped.
    let stale = runner::run(&mut c.desk, Effect::LoadTrend(this.plus(-1))).expect("a trend");
    assert!(c.app.update(stale).is_empty());
    assert!(text(&c).contains("Counting the weeks before"));
    let trend = runner::run(&mut c.desk, Effect::LoadTrend(this)).expect("the trend");
    assert!(c.app.update(trend).is_empty());
    let screen = text(&c);
    assert!(screen.contains("opened / week") && !screen.contains("Counting"), "{screen}");
}

/// Issue 19: the knowledge base opened from a ticket (its subject
/// searched), with the keys that send or link the article.
#[test]
fn knowledge_base_from_a_ticket() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        let id = rich_ticket(&c.desk);
        c.open(id).key(KeyCode::Char('/')).text("paper jam").key(KeyCode::Enter);
        snap("kb_from_ticket", &c);
    }
}

/// Issue 19: `r` on an article from a ticket: its public text in the reply
/// box, to edit before Ctrl-S sends it and links it.
#[test]
fn an_article_in_the_reply_box() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        let id = rich_ticket(&c.desk);
        c.open(id).key(KeyCode::Char('/')).text("paper jam").key(KeyCode::Enter).key(KeyCode::Char('r'));
        snap("article_reply", &c);
    }
}

/// Issue 19: the command palette on a ticket, narrowed by typing.
#[test]
fn command_palette() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        let id = rich_ticket(&c.desk);
        c.open(id).key(KeyCode::Char(':'));
        snap("palette_ticket", &c);
        c.text("art");
        snap("palette_ticket_filtered", &c);
    }
}

/// Issue 19: a suggested answer previewed in full from the new-ticket form.
#[test]
fn a_suggestion_previewed_in_full() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        c.key(KeyCode::Char('n')).text("hughes").key(KeyCode::Tab).text("pritner jamed in staff room");
        c.key_mod(KeyCode::Char('e'), KeyModifiers::CONTROL);
        snap("suggestion_preview", &c);
    }
}

/// Resolving asks for the time spent, suggesting the time on screen.
#[test]
fn time_prompt_on_resolve() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        let id = rich_ticket(&c.desk);
        c.open(id);
        c.app.update(deskside::tui::action::Action::Tick(c.app.now + chrono::Duration::minutes(24)));
        c.key(KeyCode::Char('s'))
            .text("Cleared the print queue")
            .key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL);
        snap("time_prompt", &c);
    }
}

/// The resolve and its time are one change: the entry points at the
/// resolution event, and is the same kind of entry `ticket time` writes.
#[test]
fn resolve_with_time_is_one_change() {
    let mut c = Console::new((80, 24), true);
    let id = rich_ticket(&c.desk);
    c.open(id);
    c.app.update(deskside::tui::action::Action::Tick(c.app.now + chrono::Duration::minutes(9)));
    c.key(KeyCode::Char('s')).text("Fixed").key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL);
    c.text("12").key(KeyCode::Tab).key(KeyCode::Enter);
    let d = c.desk.ticket(id).unwrap();
    assert_eq!(d.ticket.status, deskside::domain::Status::Resolved);
    let time = c.desk.ticket_time(id).unwrap();
    assert_eq!((time.minutes, time.non_billable_minutes, time.entries.len()), (12, 12, 1));
    assert!(c.app.drafts.is_empty(), "the resolve message was sent");
    // A resolve that is refused writes no time either.
    let other = rich_ticket(&c.desk);
    c.key(KeyCode::Esc);
    c.open(other);
    // Someone else changes it meanwhile: the resolve carries the version seen.
    c.desk.add_note(other, "meanwhile", deskside::service::tickets::Visibility::Internal).unwrap();
    c.key(KeyCode::Char('s')).text("Fixed too").key_mod(KeyCode::Char('s'), KeyModifiers::CONTROL);
    c.text("30").key(KeyCode::Enter);
    assert!(c.desk.ticket(other).unwrap().ticket.status.is_active());
    assert_eq!(c.desk.ticket_time(other).unwrap().entries.len(), 0);
    assert!(c.app.drafts.contains_key(&(other, "resolve")), "the message is kept");
    // A canned solution that resolves carries its time the same way.
    let canned = c.desk.canned_list(None).unwrap()[0].id;
    let version = c.desk.ticket(other).unwrap().ticket.version;
    let spent = deskside::service::time::TimeSpent { minutes: 7, ..Default::default() };
    let op = deskside::tui::action::TicketOp::SendCanned {
        canned_id: canned,
        text: "Cleared the queue".into(),
        resolve: true,
        spent: Some(spent),
    };
    run(&mut c.desk, &mut c.app, vec![Effect::Ticket { id: other, version, op }]);
    assert!(!c.desk.ticket(other).unwrap().ticket.status.is_active());
    assert_eq!(c.desk.ticket_time(other).unwrap().minutes, 7);
}

/// The dashboard with time logged on reactive and planned work.
#[test]
fn dashboard_with_time_on_reactive_and_planned_work() {
    use deskside::service::schedule::NewSchedule;
    use deskside::service::time::TimeSpent;
    for size in SIZES {
        let mut c = Console::new(size, true);
        c.desk
            .add_schedule(&NewSchedule {
                name: "backups".into(),
                school: Some("BEDE".into()),
                every: "Mon".into(),
                subject: "Check the backups".into(),
                body: String::new(),
                tier: None,
                assign: None,
                category: None,
                from: chrono::NaiveDate::from_ymd_opt(2026, 11, 23),
            })
            .unwrap();
        let made = c.desk.run_schedules().unwrap();
        let planned = made.iter().find_map(|o| o.ticket).expect("Monday's check is made");
        let reactive = rich_ticket(&c.desk);
        for (id, minutes) in [(planned, 90), (reactive, 30)] {
            c.desk.log_time(id, &TimeSpent { minutes, ..TimeSpent::default() }).unwrap();
        }
        c.key(KeyCode::Char('D'));
        let screen = format!("{:?}", c.render().backend());
        assert!(screen.contains("T3 30m/1h30"), "{screen}");
        snap("dashboard_time", &c);
    }
}

/// Issue 19: a ticket handed back to the technician who escalated it is
/// marked in their queue, and the queue's notice line says so.
#[test]
fn queue_with_a_hand_back_notice() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        let new = deskside::domain::NewTicket {
            subject: "Staff laptop cannot see the shared drive".into(),
            requester: "r.hughes@stbedes.sch.uk".into(),
            priority: Some(deskside::domain::Priority::Urgent),
            ..deskside::domain::NewTicket::default()
        };
        let id = c.desk.create_ticket(&new).unwrap().id;
        let t = c.desk.take(id, None).unwrap();
        let t =
            c.desk.escalate(id, deskside::domain::Tier::Two, "Needs drive rights", Some(t.version)).unwrap();
        c.desk
            .handback(id, deskside::domain::Tier::One, "Rights fixed: confirm with Rachel", Some(t.version))
            .unwrap();
        c.key_mod(KeyCode::Char('l'), KeyModifiers::CONTROL);
        c.app.status = None;
        snap("queue_handed_back", &c);
    }
}

/// Issue 19: a canned reply's `{{ask:…}}` fill-in, asked before the text
/// opens for editing.
#[test]
fn canned_fill_in_prompt() {
    for size in SIZES {
        let mut c = Console::new(size, true);
        let new = deskside::service::canned::NewCanned {
            title: "Installed for you".into(),
            body: "Hi {{requester.first_name}}, {{ask:software name}} is now on {{ask:room}}.".into(),
            ..deskside::service::canned::NewCanned::default()
        };
        c.desk.add_canned(&new).unwrap();
        let id = rich_ticket(&c.desk);
        c.open(id).key(KeyCode::Char('c')).text("installed for you").key(KeyCode::Enter).text("Scratch");
        snap("canned_fill_in", &c);
        c.key(KeyCode::Enter).text("IT2").key(KeyCode::Enter);
        snap("canned_edit", &c);
    }
}
