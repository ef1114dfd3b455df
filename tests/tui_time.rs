//! The console asks for time spent (issue 21), key by key with no terminal
//! and no database: resolving asks first, leaving a ticket that was open a
//! while asks, Enter accepts the time on screen, typing changes it, Esc or
//! 0 skips, and the desk setting `time.required` takes the skip away.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod console_fixture;
use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use deskside::domain::{
    CannedId, QueueItem, SlaLevel, SlaState, Status, Technician, Ticket, TicketDetail, TicketId, Tier,
    Version,
};
use deskside::service::deflect::FirstContact;
use deskside::service::settings::TimeRules;
use deskside::service::time::TimeSpent;
use deskside::tui::action::{Action, Effect, LoadedTicket, TicketOp};
use deskside::tui::app::{App, Overlay, Screen};
use deskside::tui::keymap;
use deskside::tui::theme::Theme;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc()
}

fn ticket(id: i64) -> Ticket {
    Ticket {
        status: Status::Open,
        ..console_fixture::ticket(id, "Printer jammed", "Rachel", "rachel@stbedes.sch.uk", now())
    }
}

/// A console with ticket 5 open since 10:00, under `rules`.
fn console(rules: TimeRules) -> App {
    let me =
        Technician { id: 7, login: "tone".into(), name: "Toni One".into(), tier: Tier::One, lead: false };
    let mut app = App::new(me, now(), Theme { color: true }, (80, 24));
    app.time.rules = rules;
    let sla = SlaState {
        ticket_id: TicketId(5),
        level: SlaLevel::Ok,
        left_secs: None,
        due: None,
        response: None,
        resolve: None,
    };
    app.update(Action::QueueLoaded(vec![QueueItem { ticket: ticket(5), sla }]));
    press(&mut app, KeyCode::Enter);
    let detail = TicketDetail { ticket: ticket(5), events: vec![] };
    app.update(Action::TicketLoaded(Box::new(LoadedTicket { detail, sla: None })));
    assert_eq!(app.screen, Screen::Ticket);
    app
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    match keymap::resolve(KeyEvent::new(code, KeyModifiers::NONE), app.mode()) {
        Some(action) => app.update(action),
        None => Vec::new(),
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn later(app: &mut App, minutes: i64) {
    app.update(Action::Tick(now() + Duration::minutes(minutes) + Duration::seconds(20)));
}

/// `s`, a message, Ctrl-S: the time box opens instead of resolving.
fn resolve_box(app: &mut App, message: &str) {
    press(app, KeyCode::Char('s'));
    type_text(app, message);
    let fx = app.update(
        keymap::resolve(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL), app.mode()).unwrap(),
    );
    assert!(fx.is_empty(), "nothing is written before the time is given: {fx:?}");
    assert!(matches!(app.overlay, Overlay::Time(_)), "the time box is open");
}

fn spent(minutes: i64, billable: bool) -> TimeSpent {
    TimeSpent { minutes, billable: Some(billable), ..TimeSpent::default() }
}

#[test]
fn resolving_suggests_the_time_on_screen_and_enter_accepts_it() {
    let mut app = console(TimeRules::default());
    later(&mut app, 24); // 24m 20s on screen: 25 minutes suggested
    resolve_box(&mut app, "Cleared the tray");
    let Overlay::Time(ask) = &app.overlay else { unreachable!() };
    assert_eq!(ask.suggested, 25);
    let fx = press(&mut app, KeyCode::Enter);
    assert_eq!(
        fx,
        [Effect::Ticket {
            id: TicketId(5),
            version: Version(3),
            op: TicketOp::ResolveWithTime("Cleared the tray".into(), spent(25, true))
        }]
    );
    assert!(matches!(app.overlay, Overlay::None));
    // Until it succeeds the message is kept; once resolved, the draft goes.
    assert!(app.drafts.contains_key(&(TicketId(5), "resolve")));
    let mut done = ticket(5);
    done.status = Status::Resolved;
    app.update(Action::TicketChanged(Box::new(done), "#5 resolved; 25m logged".into()));
    assert!(app.drafts.is_empty());
}

#[test]
fn a_typed_time_replaces_the_suggestion_and_tab_makes_it_non_billable() {
    let mut app = console(TimeRules::default());
    later(&mut app, 3);
    resolve_box(&mut app, "Done");
    type_text(&mut app, "1h1x0"); // letters other than h, m and : are not time
    press(&mut app, KeyCode::Tab);
    let fx = press(&mut app, KeyCode::Enter);
    assert_eq!(
        fx,
        [Effect::Ticket {
            id: TicketId(5),
            version: Version(3),
            op: TicketOp::ResolveWithTime("Done".into(), spent(70, false))
        }]
    );
    // A time that does not read is refused in the box, which stays open.
    let mut app = console(TimeRules::default());
    resolve_box(&mut app, "Done");
    type_text(&mut app, "1h75");
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(matches!(app.overlay, Overlay::Time(_)));
    assert!(app.status.as_ref().is_some_and(|(m, err)| *err && m.contains("not a time")), "{:?}", app.status);
}

#[test]
fn esc_or_zero_resolves_without_time() {
    for skip in ["esc", "0"] {
        let mut app = console(TimeRules::default());
        resolve_box(&mut app, "Fixed");
        let fx = if skip == "esc" {
            press(&mut app, KeyCode::Esc)
        } else {
            type_text(&mut app, "0");
            press(&mut app, KeyCode::Enter)
        };
        assert_eq!(
            fx,
            [Effect::Ticket { id: TicketId(5), version: Version(3), op: TicketOp::Resolve("Fixed".into()) }],
            "{skip}"
        );
    }
}

#[test]
fn required_time_cannot_be_skipped() {
    let rules = TimeRules { required: true, ask_after_minutes: 10 };
    // Resolving: Esc goes back to the resolve box with the message as typed.
    let mut app = console(rules);
    resolve_box(&mut app, "Fixed it");
    for skip in [KeyCode::Esc, KeyCode::Enter] {
        if skip == KeyCode::Enter {
            resolve_box_again(&mut app);
            type_text(&mut app, "0");
        }
        assert!(press(&mut app, skip).is_empty(), "{skip:?}");
        let Overlay::Prompt(p) = &app.overlay else { panic!("back to the resolve box: {skip:?}") };
        assert_eq!(p.text(), "Fixed it");
        assert!(app.status.as_ref().is_some_and(|(m, _)| m.contains("time.required")));
    }
    // Leaving: Esc stays on the ticket.
    let mut app = console(rules);
    later(&mut app, 12);
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert!(matches!(app.overlay, Overlay::Time(_)));
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_eq!((app.screen, matches!(app.overlay, Overlay::None)), (Screen::Ticket, true));
    // ...until time is given: then it is logged and the ticket left.
    press(&mut app, KeyCode::Esc);
    type_text(&mut app, "15");
    let fx = press(&mut app, KeyCode::Enter);
    assert_eq!(
        fx,
        [
            Effect::Ticket { id: TicketId(5), version: Version(0), op: TicketOp::LogTime(spent(15, true)) },
            Effect::LeavePresence(TicketId(5))
        ]
    );
    assert_eq!(app.screen, Screen::Queue);
}

/// From the resolve box back on screen, Ctrl-S again.
fn resolve_box_again(app: &mut App) {
    app.update(
        keymap::resolve(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL), app.mode()).unwrap(),
    );
    assert!(matches!(app.overlay, Overlay::Time(_)));
}

#[test]
fn leaving_asks_only_after_the_configured_while() {
    // Before the threshold: straight back to the queue.
    let mut app = console(TimeRules::default());
    later(&mut app, 8);
    assert_eq!(press(&mut app, KeyCode::Esc), [Effect::LeavePresence(TicketId(5))]);
    // After it: asked, with the time on screen; Esc leaves without logging.
    let mut app = console(TimeRules::default());
    later(&mut app, 10);
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    let Overlay::Time(ask) = &app.overlay else { panic!("asked") };
    assert_eq!(ask.suggested, 11);
    assert_eq!(press(&mut app, KeyCode::Esc), [Effect::LeavePresence(TicketId(5))]);
    assert_eq!(app.screen, Screen::Queue);
    // Enter logs the suggestion (the same call as `ticket time`) and leaves.
    let mut app = console(TimeRules::default());
    later(&mut app, 30);
    press(&mut app, KeyCode::Char('q'));
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        [
            Effect::Ticket { id: TicketId(5), version: Version(0), op: TicketOp::LogTime(spent(31, true)) },
            Effect::LeavePresence(TicketId(5))
        ]
    );
    // 0 minutes: never asked on leaving.
    let mut app = console(TimeRules { required: true, ask_after_minutes: 0 });
    later(&mut app, 300);
    assert_eq!(press(&mut app, KeyCode::Esc), [Effect::LeavePresence(TicketId(5))]);
}

#[test]
fn a_long_stay_suggests_a_working_day_at_most() {
    let mut app = console(TimeRules::default());
    later(&mut app, 3 * 24 * 60);
    press(&mut app, KeyCode::Esc);
    let Overlay::Time(ask) = &app.overlay else { panic!("asked") };
    assert_eq!(ask.suggested, deskside::tui::timeask::MAX_SUGGESTED_MINUTES);
}

#[test]
fn a_canned_solution_that_resolves_asks_too() {
    let canned = deskside::domain::CannedSolution {
        id: CannedId(11),
        title: "Toner replaced".into(),
        body: "Hi".into(),
        category: None,
        article_id: None,
        author: None,
        uses: 0,
        created_at: now(),
        updated_at: now(),
    };
    for rules in [TimeRules::default(), TimeRules { required: true, ask_after_minutes: 10 }] {
        let mut app = console(rules);
        later(&mut app, 6);
        press(&mut app, KeyCode::Char('c'));
        app.update(Action::CannedLoaded(vec![canned.clone()]));
        // Ctrl-R fills the solution in and opens it to edit (issue 19);
        // Ctrl-S in that box asks for the time before anything is sent.
        let ctrl_r = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL);
        assert!(!app.update(keymap::resolve(ctrl_r, app.mode()).unwrap()).is_empty());
        app.update(Action::CannedFilled(CannedId(11), true, "Hi".into()));
        let ctrl_s = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert!(app.update(keymap::resolve(ctrl_s, app.mode()).unwrap()).is_empty());
        assert!(matches!(app.overlay, Overlay::Time(_)));
        if rules.required {
            // No skipping: nothing is sent; back to the edit box, text kept.
            assert!(press(&mut app, KeyCode::Esc).is_empty());
            assert!(app.status.as_ref().is_some_and(|(m, _)| m.contains("time.required")));
            let Overlay::Prompt(p) = &app.overlay else { panic!("back to the edit box") };
            assert_eq!(p.text(), "Hi");
            continue;
        }
        let fx = press(&mut app, KeyCode::Enter);
        let op = TicketOp::SendCanned {
            canned_id: CannedId(11),
            text: "Hi".into(),
            resolve: true,
            spent: Some(spent(7, true)),
        };
        assert_eq!(fx, [Effect::Ticket { id: TicketId(5), version: Version(3), op }]);
    }
}

/// The new-ticket form at 10:00, a caller picked, "printer" typed and the
/// jam article (#1) suggested for it.
fn call_with_an_answer(rules: TimeRules) -> App {
    use deskside::search::SuggestionKind;
    let mut app = console(rules);
    app.update(Action::Tick(now()));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Queue);
    press(&mut app, KeyCode::Char('n'));
    app.update(Action::RequestersLoaded(vec![("r.hughes@stbedes.sch.uk".into(), "Rachel Hughes".into())]));
    type_text(&mut app, "hughes");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "printer");
    let article = console_fixture::suggestion(SuggestionKind::Article, 1, "Clearing a paper jam");
    app.update(Action::SuggestionsLoaded("printer\n".into(), vec![article]));
    app
}

#[test]
fn resolving_a_call_from_the_form_asks_for_the_time_of_the_call() {
    let ctrl_r = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL);
    let mut app = call_with_an_answer(TimeRules::default());
    later(&mut app, 3); // the call has lasted 3m 20s: 4 minutes suggested
    assert!(app.update(keymap::resolve(ctrl_r, app.mode()).unwrap()).is_empty(), "nothing written yet");
    let Overlay::Time(ask) = &app.overlay else { panic!("the time box opens") };
    assert_eq!(ask.suggested, 4);
    assert!(ask.title().contains("call"), "{}", ask.title());
    let fx = press(&mut app, KeyCode::Enter);
    let [Effect::CreateResolved(new, how, time)] = &fx[..] else { panic!("{fx:?}") };
    assert_eq!(
        (new.subject.as_str(), how),
        ("printer", &FirstContact::Article(deskside::domain::ArticleId(1)))
    );
    assert_eq!(*time, Some(spent(4, true)));

    // Required: Esc logs nothing and goes back to the form, as typed.
    let mut app = call_with_an_answer(TimeRules { required: true, ask_after_minutes: 10 });
    app.update(keymap::resolve(ctrl_r, app.mode()).unwrap());
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_eq!((app.screen, matches!(app.overlay, Overlay::None)), (Screen::NewTicket, true));
    assert_eq!(app.form.as_ref().unwrap().subject.lines().join("\n"), "printer");
    assert!(app.status.as_ref().is_some_and(|(m, _)| m.contains("time.required")));
}

#[test]
fn jumping_to_another_ticket_after_a_while_asks_for_the_time_on_this_one() {
    // Enter logs the time on #5, then #9 opens.
    let mut app = console(TimeRules::default());
    later(&mut app, 12);
    press(&mut app, KeyCode::Char('#'));
    type_text(&mut app, "9");
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "asked before leaving #5");
    let Overlay::Time(ask) = &app.overlay else { panic!("the time box opens") };
    assert_eq!((ask.ticket_id, ask.suggested), (TicketId(5), 13));
    let fx = press(&mut app, KeyCode::Enter);
    assert_eq!(
        fx[0],
        Effect::Ticket { id: TicketId(5), version: Version(0), op: TicketOp::LogTime(spent(13, true)) }
    );
    assert!(fx.contains(&Effect::LoadTicket(TicketId(9))), "{fx:?}");
    assert_eq!((app.screen, app.ticket.id), (Screen::Ticket, TicketId(9)));

    // Required: Esc stays on #5; before the while is up, no question.
    let mut app = console(TimeRules { required: true, ask_after_minutes: 10 });
    later(&mut app, 12);
    press(&mut app, KeyCode::Char('#'));
    type_text(&mut app, "9");
    press(&mut app, KeyCode::Enter);
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_eq!((app.screen, app.ticket.id), (Screen::Ticket, TicketId(5)));
    let mut app = console(TimeRules::default());
    later(&mut app, 2);
    press(&mut app, KeyCode::Char('#'));
    type_text(&mut app, "9");
    assert!(press(&mut app, KeyCode::Enter).contains(&Effect::LoadTicket(TicketId(9))));
}

#[test]
fn ctrl_c_in_the_time_box_cancels_without_writing_anything() {
    let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
    // Resolving: back to the resolve box, the message as typed.
    let mut app = console(TimeRules::default());
    resolve_box(&mut app, "Cleared the tray");
    assert!(app.update(keymap::resolve(ctrl('c'), app.mode()).unwrap()).is_empty());
    let Overlay::Prompt(p) = &app.overlay else { panic!("back to the resolve box") };
    assert_eq!(p.text(), "Cleared the tray");
    assert_eq!(app.screen, Screen::Ticket);
    // Logging a call: back to the form, nothing logged.
    let mut app = call_with_an_answer(TimeRules::default());
    app.update(keymap::resolve(ctrl('r'), app.mode()).unwrap());
    assert!(app.update(keymap::resolve(ctrl('c'), app.mode()).unwrap()).is_empty());
    assert_eq!((app.screen, matches!(app.overlay, Overlay::None)), (Screen::NewTicket, true));
    assert!(app.status.as_ref().is_some_and(|(m, _)| m.contains("not logged")));
}
