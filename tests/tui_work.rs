//! Issue 19, the console's side of drafts, undo, canned fill-ins, caller
//! context and hand-back notices: keys in, state and effects out, with no
//! terminal and no database.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod console_fixture;
use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use deskside::domain::{
    ArticleId, CannedId, CannedSolution, QueueItem, SlaLevel, SlaState, Status, Technician, Ticket,
    TicketDetail, TicketId, Tier, Version,
};
use deskside::service::drafts::Draft;
use deskside::service::ownership::Notices;
use deskside::tui::action::{Action, Effect, LoadedTicket, TicketOp};
use deskside::tui::app::{App, Overlay, Screen};
use deskside::tui::keymap;
use deskside::tui::prompt::PromptKind;
use deskside::tui::theme::Theme;
use deskside::tui::undo::{Undo, UndoOp};

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc()
}

fn ticket(id: i64, subject: &str) -> Ticket {
    Ticket {
        status: Status::Open,
        ..console_fixture::ticket(id, subject, "Rachel Hughes", "r.hughes@stbedes.sch.uk", now())
    }
}

fn app() -> App {
    let me =
        Technician { id: 7, login: "tone".into(), name: "Toni One".into(), tier: Tier::One, lead: false };
    let mut app = App::new(me, now(), Theme { color: true }, (80, 24));
    let sla = |id| SlaState {
        ticket_id: TicketId(id),
        level: SlaLevel::Ok,
        left_secs: None,
        due: None,
        response: None,
        resolve: None,
    };
    let fx = app.update(Action::QueueLoaded(vec![
        QueueItem { ticket: ticket(1, "Printer jammed"), sla: sla(1) },
        QueueItem { ticket: ticket(2, "Projector no signal"), sla: sla(2) },
    ]));
    assert_eq!(fx, [Effect::LoadNotices, Effect::LoadDrafts], "the first queue brings back what was kept");
    app
}

fn press_mod(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    match keymap::resolve(KeyEvent::new(code, mods), app.mode()) {
        Some(action) => app.update(action),
        None => Vec::new(),
    }
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    press_mod(app, code, KeyModifiers::NONE)
}

fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    press_mod(app, KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn load(app: &mut App, t: Ticket) {
    app.update(Action::TicketLoaded(Box::new(LoadedTicket {
        detail: TicketDetail { ticket: t, events: vec![] },
        sla: None,
    })));
}

fn open(app: &mut App, id: i64) {
    app.queue.cursor.select(
        app.queue.visible.iter().position(|&i| app.queue.items[i].ticket.id == TicketId(id)).unwrap(),
    );
    press(app, KeyCode::Enter);
    load(app, ticket(id, "Printer jammed"));
}

fn tick(app: &mut App, secs: i64) -> Vec<Effect> {
    let at = app.now + Duration::seconds(secs);
    app.update(Action::Tick(at))
}

fn save(ticket: i64, kind: &'static str, text: &str) -> Effect {
    Effect::SaveDraft { ticket: TicketId(ticket), kind, text: text.into() }
}

#[test]
fn a_reply_is_saved_as_it_is_typed_once_per_tick_and_dropped_when_sent() {
    let mut app = app();
    open(&mut app, 1);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "Please restart");
    assert_eq!(tick(&mut app, 1), [save(1, "reply", "Please restart")], "saved on the tick, not per key");
    assert!(tick(&mut app, 1).is_empty(), "nothing new: nothing written");
    type_text(&mut app, " the laptop");
    assert_eq!(tick(&mut app, 1), [save(1, "reply", "Please restart the laptop")]);
    // A conflict saves at once (the console may be closed next).
    type_text(&mut app, "!");
    let fx = app.update(Action::Conflict(TicketId(1), "ticket #1 was changed by jpatel".into()));
    assert_eq!(fx[0], save(1, "reply", "Please restart the laptop!"), "{fx:?}");
    assert!(matches!(app.overlay, Overlay::Prompt(_)), "the box stays open after a conflict");
    ctrl(&mut app, 's');
    let fx =
        app.update(Action::TicketChanged(Box::new(ticket(1, "Printer jammed")), "Reply sent on #1".into()));
    assert_eq!(fx[0], save(1, "reply", ""), "a sent reply's draft is removed: {fx:?}");
    assert!(app.drafts.is_empty());
}

#[test]
fn ctrl_c_in_a_box_saves_the_draft_and_quitting_saves_before_it_goes() {
    let mut app = app();
    open(&mut app, 1);
    press(&mut app, KeyCode::Char('i'));
    type_text(&mut app, "Spare lamp in cupboard B");
    let fx = ctrl(&mut app, 'c');
    assert_eq!(fx, [save(1, "note", "Spare lamp in cupboard B")]);
    assert!(!app.quit);
    ctrl(&mut app, 'c');
    let Overlay::Confirm(c) = &app.overlay else { panic!("quitting with a draft asks") };
    assert!(c.question.contains("kept for next time"), "{}", c.question);
    press(&mut app, KeyCode::Char('y'));
    assert!(app.quit);
}

#[test]
fn drafts_from_a_killed_console_are_offered_on_return_to_the_ticket() {
    let mut app = app();
    let kept = |ticket_id: Option<i64>, kind: &str, body: &str| Draft {
        ticket_id: ticket_id.map(TicketId),
        kind: kind.into(),
        body: body.into(),
        updated_at: now(),
    };
    app.update(Action::DraftsLoaded(vec![
        kept(Some(2), "reply", "Try the HDMI cable"),
        kept(Some(2), "escalate", "Needs a new lamp"),
        kept(Some(9), "some-future-kind", "ignored"),
    ]));
    assert!(app.status.as_ref().unwrap().0.contains("2 unsent drafts on tickets"), "{:?}", app.status);
    assert!(tick(&mut app, 1).is_empty(), "drafts loaded are not written back");
    app.status = None;
    open(&mut app, 2);
    let said = &app.status.as_ref().unwrap().0;
    assert!(said.contains("Unsent draft on #2: escalate (e), reply (r)"), "{said}");
    press(&mut app, KeyCode::Char('r'));
    let Overlay::Prompt(p) = &app.overlay else { panic!("r opens the reply") };
    assert_eq!(p.text(), "Try the HDMI cable");
}

#[test]
fn a_half_typed_phone_ticket_is_kept_and_comes_back_with_n() {
    let mut app = app();
    press(&mut app, KeyCode::Char('n'));
    app.update(Action::RequestersLoaded(vec![("r.hughes@stbedes.sch.uk".into(), "Rachel Hughes".into())]));
    type_text(&mut app, "r.hughes@stbedes.sch.uk");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Printer jammed");
    let fx = tick(&mut app, 1);
    let [Effect::SaveDraft { ticket: TicketId(0), kind: "new-ticket", text }] = &fx[..] else {
        panic!("{fx:?}")
    };
    let v: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(
        (v["requester"].as_str(), v["subject"].as_str()),
        (Some("r.hughes@stbedes.sch.uk"), Some("Printer jammed"))
    );
    // A new console (after a kill) is given the draft and `n` restores it.
    let mut again = self::app();
    again.update(Action::DraftsLoaded(vec![Draft {
        ticket_id: None,
        kind: "new-ticket".into(),
        body: text.clone(),
        updated_at: now(),
    }]));
    let fx = press(&mut again, KeyCode::Char('n'));
    // Its suggestions are asked for at once, as if just typed, so Ctrl-R works.
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Suggest(new) if new.subject == "Printer jammed")),
        "{fx:?}"
    );
    let form = again.form.as_ref().unwrap();
    assert_eq!(
        (form.requester_text(), form.subject_text()),
        ("r.hughes@stbedes.sch.uk".into(), "Printer jammed".into())
    );
    assert!(again.status.as_ref().unwrap().0.contains("is back"));
    // Discarding it removes the draft.
    press(&mut again, KeyCode::Esc);
    let fx = press(&mut again, KeyCode::Char('y'));
    assert_eq!(fx, [save(0, "new-ticket", "")]);
}

#[test]
fn close_can_be_undone_for_five_seconds_and_then_not() {
    let mut app = app();
    open(&mut app, 1);
    let mut closed = ticket(1, "Printer jammed");
    closed.status = Status::Closed;
    closed.version = Version(5);
    let undo = Undo::new(UndoOp::Close { id: TicketId(1), version: Version(5) });
    app.update(Action::Undoable(
        Box::new(undo),
        Box::new(Action::TicketChanged(Box::new(closed), "#1 closed".into())),
    ));
    assert_eq!(app.status.as_ref().unwrap().0, "Closed #1 — u to undo (5s)");
    tick(&mut app, 2);
    assert_eq!(app.status.as_ref().unwrap().0, "Closed #1 — u to undo (3s)");
    assert_eq!(
        press(&mut app, KeyCode::Char('u')),
        [Effect::Undo(UndoOp::Close { id: TicketId(1), version: Version(5) })]
    );
    assert!(press(&mut app, KeyCode::Char('u')).is_empty(), "one undo per action");
    // After the window the offer is gone.
    let undo = Undo::new(UndoOp::Take { id: TicketId(2), version: Version(4) });
    app.update(Action::Undoable(Box::new(undo), Box::new(Action::Done("You have #2".into()))));
    tick(&mut app, 6);
    assert!(app.undo.is_none() && app.status.is_none(), "{:?}", app.status);
    assert!(press(&mut app, KeyCode::Char('u')).is_empty());
    assert!(app.status.as_ref().unwrap().0.starts_with("Nothing to undo"));
}

#[test]
fn undo_applies_in_the_queue_and_the_knowledge_base_but_is_text_in_a_box() {
    let mut app = app();
    let undo = Undo::new(UndoOp::Publish { id: ArticleId(4), version: Version(2) });
    app.update(Action::Undoable(Box::new(undo), Box::new(Action::Done("Article #4 published".into()))));
    assert_eq!(
        press(&mut app, KeyCode::Char('u')),
        [Effect::Undo(UndoOp::Publish { id: ArticleId(4), version: Version(2) })]
    );
    open(&mut app, 1);
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char('u'));
    let Overlay::Prompt(p) = &app.overlay else { panic!() };
    assert_eq!(p.text(), "u");
}

fn canned(body: &str) -> CannedSolution {
    CannedSolution {
        id: CannedId(11),
        title: "Software installed".into(),
        body: body.into(),
        category: None,
        article_id: None,
        author: None,
        uses: 0,
        created_at: now(),
        updated_at: now(),
    }
}

#[test]
fn canned_fill_ins_are_asked_in_turn_then_the_text_opens_to_edit() {
    let mut app = app();
    open(&mut app, 1);
    press(&mut app, KeyCode::Char('c'));
    app.update(Action::CannedLoaded(vec![canned("{{ask:software name}} is on {{ask:room}}'s PCs")]));
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "first the fill-ins");
    let Overlay::Prompt(p) = &app.overlay else { panic!("a fill-in box") };
    assert_eq!(p.kind, PromptKind::Ask);
    assert!(p.title().starts_with("software name? (1 of 2"), "{}", p.title());
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "an answer is needed");
    type_text(&mut app, "Scratch");
    press(&mut app, KeyCode::Enter);
    let Overlay::Prompt(p) = &app.overlay else { panic!() };
    assert!(p.title().starts_with("room? (2 of 2"), "{}", p.title());
    type_text(&mut app, "IT2");
    let fx = press(&mut app, KeyCode::Enter);
    let answers =
        vec![("software name".to_string(), "Scratch".to_string()), ("room".to_string(), "IT2".to_string())];
    assert_eq!(
        fx,
        [Effect::FillCanned { ticket_id: TicketId(1), canned_id: CannedId(11), answers, resolve: false }]
    );
    app.update(Action::CannedFilled(CannedId(11), false, "Scratch is on IT2's PCs".into()));
    let Overlay::Prompt(p) = &app.overlay else { panic!("the reply box") };
    assert_eq!(
        (p.kind, p.text()),
        (PromptKind::Canned(CannedId(11), false), "Scratch is on IT2's PCs".to_string())
    );
    press(&mut app, KeyCode::End);
    type_text(&mut app, " now");
    let fx = ctrl(&mut app, 's');
    let text = "Scratch is on IT2's PCs now".to_string();
    assert_eq!(
        fx,
        [Effect::Ticket {
            id: TicketId(1),
            version: Version(3),
            op: TicketOp::SendCanned { canned_id: CannedId(11), text, resolve: false, spent: None }
        }]
    );
    // Esc in a fill-in sends nothing.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('c'));
    app.update(Action::CannedLoaded(vec![canned("{{ask:software name}}")]));
    ctrl(&mut app, 'r');
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::None) && app.canned_fill.is_none());
}

#[test]
fn picking_a_known_caller_shows_their_tickets_and_ctrl_o_joins_one() {
    let mut app = app();
    press(&mut app, KeyCode::Char('n'));
    app.update(Action::RequestersLoaded(vec![("r.hughes@stbedes.sch.uk".into(), "Rachel Hughes".into())]));
    type_text(&mut app, "hughes");
    let fx = press(&mut app, KeyCode::Tab);
    assert_eq!(fx, [Effect::LoadCaller("r.hughes@stbedes.sch.uk".into())]);
    assert!(ctrl(&mut app, 'o').is_empty(), "nothing to join before the tickets arrive");
    let mut done = ticket(5, "Old printer issue");
    done.status = Status::Resolved;
    app.update(Action::CallerLoaded(
        "r.hughes@stbedes.sch.uk".into(),
        vec![ticket(2, "Projector no signal"), done],
    ));
    type_text(&mut app, "Projector still dead");
    assert!(
        matches!(&tick(&mut app, 1)[..], [Effect::SaveDraft { ticket: TicketId(0), .. }]),
        "the call is kept meanwhile"
    );
    ctrl(&mut app, 't');
    ctrl(&mut app, 't');
    assert_eq!(
        app.form.as_ref().unwrap().selected_caller_ticket().map(|t| t.id),
        Some(TicketId(2)),
        "Ctrl-T wraps"
    );
    let fx = ctrl(&mut app, 'o');
    assert!(fx.contains(&Effect::LoadTicket(TicketId(2))), "{fx:?}");
    assert!(fx.contains(&save(0, "new-ticket", "")), "no duplicate is left behind: {fx:?}");
    assert_eq!(app.screen, Screen::Ticket);
    assert!(app.form.is_none());
    let Overlay::Prompt(p) = &app.overlay else { panic!("a note box on the caller's ticket") };
    assert_eq!((p.kind, p.ticket_id), (PromptKind::Note, TicketId(2)));
    assert_eq!(p.text(), "Rachel Hughes called again (phone): Projector still dead");
    // Someone not known yet has no tickets to show.
    load(&mut app, ticket(2, "Projector no signal"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('n'));
    type_text(&mut app, "new.person@stbedes.sch.uk");
    assert!(app.form.as_ref().unwrap().caller.is_empty());
}

#[test]
fn the_queue_hears_what_was_handed_back() {
    let mut app = app();
    app.update(Action::NoticesLoaded(Notices {
        handed_back: vec![TicketId(1), TicketId(2)],
        new_urgent: vec![9],
    }));
    assert_eq!(app.notices.line().as_deref(), Some("2 handed back to you · 1 new urgent"));
    let fx = app.update(Action::QueueLoaded(Vec::new()));
    assert_eq!(fx, [Effect::LoadNotices], "every queue load refreshes the notices");
}
