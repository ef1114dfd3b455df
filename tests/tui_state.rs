//! The console's state machine, key by key, with no terminal and no
//! database: keys in, state and effects (the service calls) out.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod console_fixture;
use chrono::{DateTime, Duration, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use deskside::domain::{
    ArticleId, CannedId, Priority, QueueItem, SlaLevel, SlaState, Status, Technician, Ticket, TicketDetail,
    TicketId, Tier, Version,
};
use deskside::service::deflect::FirstContact;
use deskside::tui::action::{Action, Effect, LoadedTicket, TicketOp};
use deskside::tui::app::{App, Overlay, Scope, Screen};
use deskside::tui::keymap;
use deskside::tui::theme::Theme;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc()
}

fn tech(tier: Tier, lead: bool) -> Technician {
    Technician { id: 7, login: "tone".into(), name: "Toni One".into(), tier, lead }
}

fn ticket(id: i64, subject: &str, requester: &str) -> Ticket {
    let email = format!("{}@stbedes.sch.uk", requester.to_lowercase());
    console_fixture::ticket(id, subject, requester, &email, now())
}

fn item(t: Ticket, level: SlaLevel) -> QueueItem {
    let sla =
        SlaState { ticket_id: t.id, level, left_secs: Some(3600), due: None, response: None, resolve: None };
    QueueItem { ticket: t, sla }
}

fn items(tickets: Vec<Ticket>) -> Vec<QueueItem> {
    tickets.into_iter().map(|t| item(t, SlaLevel::Ok)).collect()
}

fn app() -> App {
    let mut app = App::new(tech(Tier::One, false), now(), Theme { color: true }, (80, 24));
    app.update(Action::QueueLoaded(items(vec![
        ticket(1, "Printer jammed in staff room", "Rachel"),
        ticket(2, "Projector no signal", "Bilal"),
        ticket(3, "Wifi down in room 4", "Rachel"),
    ])));
    app
}

/// Presses a key the way the loop does: keymap for the current mode, then update.
fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    press_mod(app, code, KeyModifiers::NONE)
}

fn press_mod(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    match keymap::resolve(KeyEvent::new(code, mods), app.mode()) {
        Some(action) => app.update(action),
        None => Vec::new(),
    }
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

fn open_first(app: &mut App) -> TicketId {
    let fx = press(app, KeyCode::Enter);
    let id = match fx.as_slice() {
        [Effect::LoadTicket(id), Effect::Presence(p)] if p == id => *id,
        other => panic!("expected a ticket load and a presence beat, got {other:?}"),
    };
    let t = app.queue.items.iter().find(|i| i.ticket.id == id).unwrap().ticket.clone();
    let detail = TicketDetail { ticket: t, events: vec![] };
    app.update(Action::TicketLoaded(Box::new(LoadedTicket { detail, sla: None })));
    id
}

#[test]
fn a_tier1_tech_starts_on_their_tier_queue_and_a_lead_on_all() {
    let app = app();
    assert_eq!(app.queue.scope, Scope::MyTier);
    assert_eq!(app.queue_filter().tier, Some(Tier::One));
    let lead = App::new(tech(Tier::Three, true), now(), Theme { color: true }, (80, 24));
    assert_eq!(lead.queue.scope, Scope::All);
    assert_eq!(lead.queue_filter().tier, None);
    assert!(matches!(lead.start().as_slice(), [Effect::LoadQueue(_), Effect::LoadSchools]));
}

#[test]
fn slash_filters_the_queue_fuzzily_and_esc_clears_it() {
    let mut app = app();
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "rachel");
    let ids: Vec<i64> = app.queue.visible.iter().map(|&i| app.queue.items[i].ticket.id.get()).collect();
    assert_eq!(ids, [1, 3], "urgency order kept among matches");
    type_text(&mut app, " wfi");
    assert_eq!(app.selected_ticket().map(|t| t.id), Some(TicketId(3)), "typos are forgiven");
    press(&mut app, KeyCode::Enter);
    assert!(!app.queue.filtering, "Enter keeps the filter and returns the keys to the queue");
    assert_eq!(app.queue.visible.len(), 1);
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.queue.visible.len(), 3);
}

#[test]
fn scope_school_and_status_filters_reload_the_queue() {
    let mut app = app();
    app.update(Action::SchoolsLoaded(vec!["BEDE".into(), "HILL".into()]));
    let fx = press(&mut app, KeyCode::Char('m'));
    assert!(matches!(&fx[..], [Effect::LoadQueue(f)] if f.tier.is_none() && f.assignee.is_none()));
    let fx = press(&mut app, KeyCode::Char('m'));
    assert!(matches!(&fx[..], [Effect::LoadQueue(f)] if f.assignee.as_deref() == Some("tone")));
    // Issue 19: `s` is resolve everywhere, `f` files: the school is `S`, the status view `v`.
    let fx = press(&mut app, KeyCode::Char('S'));
    assert!(matches!(&fx[..], [Effect::LoadQueue(f)] if f.school.as_deref() == Some("BEDE")));
    press(&mut app, KeyCode::Char('S'));
    let fx = press(&mut app, KeyCode::Char('S'));
    assert!(matches!(&fx[..], [Effect::LoadQueue(f)] if f.school.is_none()), "wraps back to all schools");
    let fx = press(&mut app, KeyCode::Char('v'));
    assert!(matches!(&fx[..], [Effect::LoadQueue(f)] if f.statuses == [Status::New]));
}

#[test]
fn breaching_shows_only_tickets_past_due() {
    let mut app = app();
    let late = item(ticket(4, "Late one", "Rachel"), SlaLevel::Breached);
    let risky = item(ticket(5, "Risky one", "Rachel"), SlaLevel::AtRisk);
    app.update(Action::QueueLoaded(vec![late, risky]));
    press(&mut app, KeyCode::Char('b'));
    assert_eq!(app.queue.visible.len(), 1);
    assert_eq!(app.selected_ticket().unwrap().id, TicketId(4));
}

#[test]
fn vim_keys_arrows_and_clicks_move_the_selection() {
    let mut app = app();
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Down);
    assert_eq!(app.queue.cursor.index(), 2);
    press(&mut app, KeyCode::Down);
    assert_eq!(app.queue.cursor.index(), 2, "stops at the end");
    press(&mut app, KeyCode::Char('g'));
    assert_eq!(app.queue.cursor.index(), 0);
    // Terminal row 3 is the second ticket: below the title bar and the header.
    app.update(Action::Click(3));
    assert_eq!(app.queue.cursor.index(), 1);
    app.update(Action::Click(1));
    assert_eq!(app.queue.cursor.index(), 1, "a click on the column header selects nothing");
    let fx = app.update(Action::Click(3));
    assert_eq!(
        fx,
        [Effect::LoadTicket(TicketId(2)), Effect::Presence(TicketId(2))],
        "clicking the selected row opens it"
    );
}

#[test]
fn take_from_the_queue_carries_the_version_seen() {
    let mut app = app();
    let fx = press(&mut app, KeyCode::Char('t'));
    assert_eq!(fx, [Effect::Ticket { id: TicketId(1), version: Version(3), op: TicketOp::Take }]);
}

#[test]
fn an_internal_note_is_typed_and_sent_with_ctrl_s() {
    let mut app = app();
    let id = open_first(&mut app);
    assert_eq!(app.screen, Screen::Ticket);
    press(&mut app, KeyCode::Char('i'));
    assert!(matches!(app.overlay, Overlay::Prompt(_)));
    type_text(&mut app, "Rollers worn; ordering a kit");
    let fx = press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(
        fx,
        [Effect::Ticket {
            id,
            version: Version(3),
            op: TicketOp::Note("Rollers worn; ordering a kit".into())
        }]
    );
    // A failure keeps the prompt and its text; success closes it.
    app.update(Action::Failed("ticket #1 was changed by ttwo".into()));
    assert!(matches!(app.overlay, Overlay::Prompt(_)));
    assert_eq!(app.status, Some(("ticket #1 was changed by ttwo".into(), true)));
    let t = app.queue.items[0].ticket.clone();
    let fx = app.update(Action::TicketChanged(Box::new(t), "Internal note added".into()));
    assert!(matches!(app.overlay, Overlay::None));
    assert!(fx.contains(&Effect::LoadTicket(id)));
}

#[test]
fn escalation_needs_a_reason_and_tab_picks_the_tier() {
    let mut app = app();
    let id = open_first(&mut app);
    press(&mut app, KeyCode::Char('e'));
    let fx = press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(fx.is_empty(), "an empty reason is refused before any write");
    assert!(app.status.as_ref().unwrap().0.contains("reason must not be empty"));
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Needs a domain admin");
    let fx = press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(
        fx,
        [Effect::Ticket {
            id,
            version: Version(3),
            op: TicketOp::Escalate(Tier::Three, "Needs a domain admin".into())
        }]
    );
}

#[test]
fn hand_back_at_tier_one_is_explained_not_attempted() {
    let mut app = app();
    open_first(&mut app);
    let fx = press(&mut app, KeyCode::Char('h'));
    assert!(fx.is_empty());
    assert!(matches!(app.overlay, Overlay::None));
    assert!(app.status.as_ref().unwrap().0.contains("already at tier 1"));
}

#[test]
fn assign_picks_a_technician_by_fuzzy_name() {
    let mut app = app();
    let id = open_first(&mut app);
    let fx = press(&mut app, KeyCode::Char('a'));
    assert_eq!(fx, [Effect::LoadTechs]);
    app.update(Action::TechsLoaded(vec![
        Technician { id: 1, login: "jpatel".into(), name: "Jaya Patel".into(), tier: Tier::One, lead: false },
        Technician { id: 2, login: "mokafor".into(), name: "Mo Okafor".into(), tier: Tier::Two, lead: false },
    ]));
    type_text(&mut app, "okaf");
    let fx = press(&mut app, KeyCode::Enter);
    assert_eq!(fx, [Effect::Ticket { id, version: Version(3), op: TicketOp::Assign("mokafor".into()) }]);
}

#[test]
fn the_new_ticket_form_logs_a_call() {
    let mut app = app();
    let fx = press(&mut app, KeyCode::Char('n'));
    assert_eq!(fx, [Effect::LoadRequesters]);
    app.update(Action::RequestersLoaded(vec![("r.hughes@stbedes.sch.uk".into(), "Rachel Hughes".into())]));
    type_text(&mut app, "hughes");
    press(&mut app, KeyCode::Tab); // accept the match and move to the subject
    type_text(&mut app, "Can't print");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Says offline");
    press(&mut app, KeyCode::Tab); // priority
    press(&mut app, KeyCode::Right);
    let fx = press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let [Effect::CreateTicket(new)] = &fx[..] else { panic!("expected a create, got {fx:?}") };
    assert_eq!(new.requester, "r.hughes@stbedes.sch.uk");
    assert_eq!(new.subject, "Can't print");
    assert_eq!(new.body, "Says offline");
    assert_eq!(new.priority, Some(Priority::High));
    let mut created = ticket(9, "Can't print", "Rachel");
    created.id = TicketId(9);
    let fx = app.update(Action::TicketCreated(Box::new(created)));
    assert_eq!(fx, [Effect::LoadTicket(TicketId(9)), Effect::Presence(TicketId(9))]);
    assert_eq!(app.screen, Screen::Ticket);
}

#[test]
fn help_lists_the_keys_of_the_screen_and_esc_backs_out() {
    let mut app = app();
    press(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.overlay, Overlay::Help));
    assert!(press(&mut app, KeyCode::Char('t')).is_empty(), "keys do not leak through help");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::None));
    open_first(&mut app);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Queue);
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

#[test]
fn another_techs_change_reloads_what_is_visible() {
    let mut app = app();
    assert!(matches!(app.update(Action::ExternalChange).as_slice(), [Effect::LoadQueue(_)]));
    let id = open_first(&mut app);
    let fx = app.update(Action::ExternalChange);
    assert!(fx.contains(&Effect::LoadTicket(id)));
    // The selection follows the ticket when the queue reorders.
    app.update(Action::Back);
    press(&mut app, KeyCode::Down);
    let selected = app.selected_ticket().unwrap().id;
    let mut reordered = app.queue.items.clone();
    reordered.reverse();
    app.update(Action::QueueLoaded(reordered));
    assert_eq!(app.selected_ticket().unwrap().id, selected);
}

fn canned(id: i64, title: &str) -> deskside::domain::CannedSolution {
    deskside::domain::CannedSolution {
        id: CannedId(id),
        title: title.into(),
        body: "Hi {{requester.first_name}}".into(),
        category: Some("printing".into()),
        article_id: None,
        author: None,
        uses: 0,
        created_at: now(),
        updated_at: now(),
    }
}

#[test]
fn the_canned_picker_previews_then_sends_or_sends_and_resolves() {
    let mut app = app();
    let id = open_first(&mut app);
    assert_eq!(press(&mut app, KeyCode::Char('c')), [Effect::LoadCanned]);
    let fx =
        app.update(Action::CannedLoaded(vec![canned(10, "Paper jam cleared"), canned(11, "Toner replaced")]));
    assert_eq!(
        fx,
        [Effect::RenderCanned { ticket_id: id, canned_id: CannedId(10) }],
        "the first one is previewed at once"
    );
    app.update(Action::CannedPreview(CannedId(10), "Hi Rachel".into()));
    type_text(&mut app, "toner");
    // Typing narrows the list and asks for the new highlight's preview.
    let Overlay::Canned(c) = &app.overlay else { panic!("picker closed") };
    assert_eq!(c.current().map(|c| c.id), Some(CannedId(11)));
    // Issue 19: picking fills the solution in and opens it to edit; Ctrl-S sends the edited text.
    let fx = press(&mut app, KeyCode::Enter);
    let fill =
        |resolve| Effect::FillCanned { ticket_id: id, canned_id: CannedId(11), answers: Vec::new(), resolve };
    assert_eq!(fx, [fill(false)]);
    app.update(Action::CannedFilled(CannedId(11), false, "Hi Rachel".into()));
    type_text(&mut app, ", toner is on its way");
    let fx = press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let text = "Hi Rachel, toner is on its way".to_string();
    assert_eq!(
        fx,
        [Effect::Ticket {
            id,
            version: Version(3),
            op: TicketOp::SendCanned { canned_id: CannedId(11), text, resolve: false, spent: None }
        }]
    );
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('c'));
    app.update(Action::CannedLoaded(vec![canned(10, "Paper jam cleared"), canned(11, "Toner replaced")]));
    type_text(&mut app, "toner");
    let fx = press_mod(&mut app, KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert_eq!(fx, [fill(true)]);
    // Send and resolve asks for the time spent first (issue 21); Esc skips it.
    app.update(Action::CannedFilled(CannedId(11), true, "Hi Rachel".into()));
    let fx = press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(fx.is_empty() && matches!(app.overlay, Overlay::Time(_)), "{fx:?}");
    let fx = press(&mut app, KeyCode::Esc);
    let text = "Hi Rachel".to_string();
    assert_eq!(
        fx,
        [Effect::Ticket {
            id,
            version: Version(3),
            op: TicketOp::SendCanned { canned_id: CannedId(11), text, resolve: true, spent: None }
        }]
    );
}

#[test]
fn pending_asks_a_question_and_o_takes_it_off_hold() {
    let mut app = app();
    let id = open_first(&mut app);
    press(&mut app, KeyCode::Char('p'));
    type_text(&mut app, "Which room is the printer in?");
    let fx = press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(
        fx,
        [Effect::Ticket {
            id,
            version: Version(3),
            op: TicketOp::Pending("Which room is the printer in?".into())
        }]
    );
    let mut t = app.queue.items[0].ticket.clone();
    t.status = Status::Pending;
    app.update(Action::TicketLoaded(Box::new(LoadedTicket {
        detail: TicketDetail { ticket: t, events: vec![] },
        sla: None,
    })));
    app.overlay = deskside::tui::app::Overlay::None;
    assert_eq!(
        press(&mut app, KeyCode::Char('o')),
        [Effect::Ticket { id, version: Version(3), op: TicketOp::Resume }]
    );
}

#[test]
fn an_open_ticket_says_so_and_shows_who_else_has_it() {
    let mut app = app();
    let id = open_first(&mut app);
    assert!(app.update(Action::Tick(now() + Duration::seconds(1))).is_empty(), "ticks are not heartbeats");
    assert_eq!(app.update(Action::Heartbeat), [Effect::Presence(id)]);
    app.update(Action::Viewers(id, vec![("jpatel".into(), "Jaya Patel".into())]));
    assert_eq!(app.ticket.viewers.len(), 1);
    let fx = press(&mut app, KeyCode::Esc);
    assert_eq!(fx, [Effect::LeavePresence(id)]);
    assert!(app.ticket.viewers.is_empty());
    assert!(app.update(Action::Heartbeat).is_empty(), "no beats from the queue");
}

fn article(id: i64, title: &str, category: &str) -> deskside::domain::Article {
    deskside::domain::Article {
        id: ArticleId(id),
        title: title.into(),
        category: Some(category.into()),
        tags: vec![],
        status: deskside::domain::ArticleStatus::Draft,
        audience: deskside::domain::Audience::Public,
        author: None,
        views: 0,
        uses: 0,
        helpful: 0,
        not_helpful: 0,
        created_at: now(),
        updated_at: now(),
        published_at: None,
        source_ticket: None,
        updated_by: None,
        version: Version(2),
        body: "## Fix\n1. Open the tray".into(),
    }
}

#[test]
fn the_knowledge_base_browses_searches_opens_and_publishes() {
    let mut app = app();
    let fx = press(&mut app, KeyCode::Char('K'));
    assert_eq!(fx, [Effect::LoadArticles { query: String::new(), category: None }]);
    app.update(Action::ArticlesLoaded(
        String::new(),
        vec![article(1, "Paper jam", "printing"), article(2, "Join staff wifi", "network")],
    ));
    assert_eq!(app.kb.categories, ["network", "printing"]);
    let fx = press(&mut app, KeyCode::Tab);
    assert_eq!(fx, [Effect::LoadArticles { query: String::new(), category: Some("network".into()) }]);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "wfi");
    let fx = press(&mut app, KeyCode::Char('x'));
    assert_eq!(fx, [Effect::LoadArticles { query: "wfix".into(), category: Some("network".into()) }]);
    // Results for an older search are dropped.
    app.update(Action::ArticlesLoaded("wfi".into(), vec![article(9, "Stale", "network")]));
    assert!(app.kb.articles.iter().all(|a| a.id != ArticleId(9)));
    app.update(Action::ArticlesLoaded("wfix".into(), vec![article(2, "Join staff wifi", "network")]));
    press(&mut app, KeyCode::Enter);
    assert_eq!(press(&mut app, KeyCode::Enter), [Effect::ViewArticle(ArticleId(2))]);
    assert_eq!(
        press(&mut app, KeyCode::Char('P')),
        [Effect::PublishArticle { id: ArticleId(2), version: Version(2), force: false }]
    );
    assert_eq!(
        press(&mut app, KeyCode::Char('E')),
        [Effect::EditArticle { id: ArticleId(2), version: Version(2) }]
    );
    assert_eq!(
        press(&mut app, KeyCode::Char('+')),
        [Effect::RateArticle { id: ArticleId(2), helpful: true }]
    );
    // Issue 19: `e` is escalate everywhere; editing an article is `E`.
    assert_eq!(
        press(&mut app, KeyCode::Char('E')),
        [Effect::EditArticle { id: ArticleId(2), version: Version(2) }]
    );
    assert_eq!(
        press(&mut app, KeyCode::Char('+')),
        [Effect::RateArticle { id: ArticleId(2), helpful: true }]
    );
    press(&mut app, KeyCode::Esc);
    assert!(app.kb.open.is_none());
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Queue);
}

#[test]
fn the_form_suggests_as_you_type_and_resolves_at_first_contact() {
    use deskside::search::SuggestionKind;
    let mut app = app();
    press(&mut app, KeyCode::Char('n'));
    app.update(Action::RequestersLoaded(vec![("r.hughes@stbedes.sch.uk".into(), "Rachel Hughes".into())]));
    type_text(&mut app, "hughes");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "pritne");
    let fx = press(&mut app, KeyCode::Char('r'));
    let [Effect::Suggest(new)] = &fx[..] else { panic!("each keystroke searches: {fx:?}") };
    assert_eq!(new.subject, "pritner");
    // Every suggestion as an article would come (published): the form
    // tells them apart by kind alone.
    let found = |kind, id: i64| deskside::search::Suggestion {
        status: "published".into(),
        ..console_fixture::suggestion(kind, id, &format!("answer {id}"))
    };
    app.update(Action::SuggestionsLoaded("pritne\n".into(), vec![found(SuggestionKind::Article, 99)]));
    assert!(app.form.as_ref().unwrap().suggestions.is_empty(), "stale suggestions are dropped");
    let key = "pritner\n".to_string();
    app.update(Action::SuggestionsLoaded(
        key,
        vec![found(SuggestionKind::Article, 1), found(SuggestionKind::Ticket, 76)],
    ));
    // An article resolves the call once the time spent on it is asked
    // (issue 21): Enter logs the suggestion, in the same change.
    assert!(press_mod(&mut app, KeyCode::Char('r'), KeyModifiers::CONTROL).is_empty());
    let Overlay::Time(ask) = &app.overlay else { panic!("the time box comes first") };
    assert!(ask.title().contains("this call"), "{}", ask.title());
    let fx = press(&mut app, KeyCode::Enter);
    let [Effect::CreateResolved(_, with, Some(spent))] = &fx[..] else {
        panic!("the call is logged resolved with its time: {fx:?}")
    };
    assert_eq!(*with, FirstContact::Article(ArticleId(1)));
    assert!(spent.minutes >= 1);
    // A solved ticket's answer is another requester's reply: it opens in
    // an editable box (their name replaced) before anything is sent.
    press_mod(&mut app, KeyCode::Char('n'), KeyModifiers::CONTROL);
    let fx = press_mod(&mut app, KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert_eq!(
        fx,
        [Effect::LoadReuse { source: TicketId(76), requester_name: Some("Rachel Hughes".into()) }]
    );
    app.update(Action::ReuseLoaded(TicketId(76), "Hi Rachel,\nI cleared tray 2.".into()));
    let Overlay::Prompt(p) = &app.overlay else { panic!("the reply opens for editing") };
    assert_eq!(p.editor.lines().join("\n"), "Hi Rachel,\nI cleared tray 2.");
    press_mod(&mut app, KeyCode::Char('e'), KeyModifiers::CONTROL); // end of the first line
    type_text(&mut app, " Thanks for calling.");
    assert!(press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL).is_empty());
    assert!(matches!(app.overlay, Overlay::Time(_)), "the time box comes first");
    // Esc skips the time (not required on this desk): logged without it.
    let fx = press(&mut app, KeyCode::Esc);
    let [Effect::CreateResolved(new, with, None)] = &fx[..] else {
        panic!("expected a first-contact resolution: {fx:?}")
    };
    assert_eq!(
        *with,
        FirstContact::EditedReply {
            source: TicketId(76),
            message: "Hi Rachel, Thanks for calling.\nI cleared tray 2.".into()
        }
    );
    assert_eq!(new.requester, "r.hughes@stbedes.sch.uk");
}

#[test]
fn only_a_resolved_ticket_becomes_an_article() {
    let mut app = app();
    let id = open_first(&mut app);
    assert!(press(&mut app, KeyCode::Char('A')).is_empty());
    assert!(app.status.as_ref().unwrap().0.contains("resolve it before"));
    let mut t = app.ticket.detail.as_ref().unwrap().ticket.clone();
    t.status = Status::Resolved;
    app.update(Action::TicketLoaded(Box::new(LoadedTicket {
        detail: TicketDetail { ticket: t, events: vec![] },
        sla: None,
    })));
    assert_eq!(press(&mut app, KeyCode::Char('A')), [Effect::ToArticle(id, false)]);
}

#[test]
fn the_dashboard_loads_on_opening_and_on_r_only() {
    let mut app = app();
    assert_eq!(press(&mut app, KeyCode::Char('D')), [Effect::LoadDashboard]);
    assert_eq!(app.screen, Screen::Dashboard);
    assert!(
        app.update(Action::ExternalChange).iter().all(|e| *e != Effect::LoadDashboard),
        "not on others' saves"
    );
    // Issue 19: `r` is reply everywhere; refresh is Ctrl-L (or F5) on every screen.
    assert_eq!(press_mod(&mut app, KeyCode::Char('l'), KeyModifiers::CONTROL), [Effect::LoadDashboard]);
    assert_eq!(press(&mut app, KeyCode::F(5)), [Effect::LoadDashboard]);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Queue);
}

#[test]
fn clicks_in_the_knowledge_base_select_and_open_articles() {
    for size in [(120, 40), (80, 24)] {
        let mut app = app();
        app.update(Action::Resize(size.0, size.1));
        press(&mut app, KeyCode::Char('K'));
        let list = vec![article(1, "Paper jam", "printing"), article(2, "Join staff wifi", "network")];
        app.update(Action::ArticlesLoaded(String::new(), list));
        // Terminal row 2 is the first article: below the title and search bars.
        assert!(app.update(Action::Click(3)).is_empty());
        assert_eq!(app.kb.cursor.index(), 1, "{size:?}");
        app.update(Action::Click(9));
        assert_eq!(app.kb.cursor.index(), 1, "{size:?}: a click below the last article selects nothing");
        app.update(Action::Click(1));
        assert_eq!(app.kb.cursor.index(), 1, "{size:?}: nor does one on the search bar");
        assert_eq!(
            app.update(Action::Click(3)),
            [Effect::ViewArticle(ArticleId(2))],
            "{size:?}: a second click opens it"
        );
    }
}

#[test]
fn link_merge_and_incident_keys_prompt_for_a_ticket_number() {
    // Issue 19: `P` is publish everywhere; the major incident is `I` (as on the queue).
    for (key, want) in [
        ('L', TicketOp::Link(TicketId(7))),
        ('M', TicketOp::Merge(TicketId(7))),
        ('I', TicketOp::Parent(TicketId(7))),
    ] {
        let mut app = app();
        let id = open_first(&mut app);
        press(&mut app, KeyCode::Char(key));
        assert!(matches!(app.overlay, Overlay::Prompt(_)), "{key}");
        type_text(&mut app, "#7");
        let fx = press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(fx, [Effect::Ticket { id, version: Version(3), op: want }]);
    }
    // Not a number: said so, nothing sent, the prompt stays.
    let mut app = app();
    open_first(&mut app);
    press(&mut app, KeyCode::Char('M'));
    type_text(&mut app, "the wifi one");
    let fx = press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(fx.is_empty());
    assert!(matches!(app.overlay, Overlay::Prompt(_)));
    assert!(app.status.as_ref().is_some_and(|(m, err)| *err && m.contains("not a ticket number")));
}

#[test]
fn after_a_merge_the_screen_shows_the_target_not_the_stale_duplicate() {
    let mut app = app();
    let dup = open_first(&mut app);
    press(&mut app, KeyCode::Char('M'));
    type_text(&mut app, "3");
    let fx = press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(fx, [Effect::Ticket { id: dup, version: Version(3), op: TicketOp::Merge(TicketId(3)) }]);

    // The service merged: the duplicate is closed, the target carries on.
    let target = app.queue.items.iter().find(|i| i.ticket.id == TicketId(3)).unwrap().ticket.clone();
    let fx = app.update(Action::TicketMerged {
        from: dup,
        into: Box::new(target.clone()),
        msg: format!("#{dup} merged into #3"),
    });
    assert!(matches!(app.overlay, Overlay::None), "the prompt closes");
    assert_eq!((app.screen, app.ticket.id), (Screen::Ticket, TicketId(3)), "the screen moves to the target");
    assert!(app.ticket.detail.is_none(), "the duplicate's old timeline is not shown as the target's");
    for want in [Effect::LeavePresence(dup), Effect::LoadTicket(TicketId(3)), Effect::Presence(TicketId(3))] {
        assert!(fx.contains(&want), "{want:?} missing from {fx:?}");
    }
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadQueue(_))), "the queue drops the closed duplicate");
    assert!(app.status.as_ref().is_some_and(|(m, err)| !err && m.contains("merged into #3")));

    // A late load of the duplicate does not take the screen back.
    let mut stale = app.queue.items[0].ticket.clone();
    stale.status = Status::Closed;
    let detail = TicketDetail { ticket: stale, events: vec![] };
    app.update(Action::TicketLoaded(Box::new(LoadedTicket { detail, sla: None })));
    assert!(app.ticket.detail.is_none());
    let detail = TicketDetail { ticket: target, events: vec![] };
    app.update(Action::TicketLoaded(Box::new(LoadedTicket { detail, sla: None })));
    assert_eq!(app.ticket.detail.as_ref().map(|d| d.ticket.id), Some(TicketId(3)));

    // Merged from elsewhere (the screen is on another ticket): only the queue reloads.
    let other = app.queue.items[1].ticket.clone();
    let fx = app.update(Action::TicketMerged {
        from: TicketId(2),
        into: Box::new(other),
        msg: "#2 merged".into(),
    });
    assert_eq!(app.ticket.id, TicketId(3));
    assert!(fx.iter().all(|e| matches!(e, Effect::LoadQueue(_))), "{fx:?}");
}

#[test]
fn the_files_key_lists_attachments_and_enter_opens_one() {
    let mut app = app();
    let id = open_first(&mut app);
    assert_eq!(press(&mut app, KeyCode::Char('f')), [Effect::LoadAttachments(id)]);
    assert!(matches!(app.overlay, Overlay::Files(..)));
    let row = deskside::store::attachments::AttachmentRow {
        n: 1,
        id: 10,
        ticket: id,
        name: "screen.png".into(),
        content_type: "image/png".into(),
        size: 2048,
        internal: false,
        inline: true,
        origin: "mail".into(),
        refused: None,
        sha256: Some("ab".into()),
        requester_id: None,
        at: now(),
    };
    app.update(Action::AttachmentsLoaded(id, vec![row]));
    assert_eq!(press(&mut app, KeyCode::Enter), [Effect::OpenAttachment(id, 1)]);
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::None));
    // None at all: said so, no empty list left open.
    press(&mut app, KeyCode::Char('f'));
    app.update(Action::AttachmentsLoaded(id, vec![]));
    assert!(matches!(app.overlay, Overlay::None));
    assert!(app.status.as_ref().is_some_and(|(m, _)| m.contains("no attachments")));
}

#[test]
fn i_on_the_queue_gathers_the_selected_tickets_burst() {
    let mut app = app();
    let id = app.selected_ticket().unwrap().id;
    assert_eq!(press(&mut app, KeyCode::Char('I')), [Effect::GatherBurst(id)]);
}

// ---- issue 19: a first-line technician's whole day ----

fn load(app: &mut App, t: Ticket) {
    app.update(Action::TicketLoaded(Box::new(LoadedTicket {
        detail: TicketDetail { ticket: t, events: vec![] },
        sla: None,
    })));
}

fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    press_mod(app, KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn form_with_people(app: &mut App) {
    press(app, KeyCode::Char('n'));
    app.update(Action::RequestersLoaded(vec![
        ("r.hughes@stbedes.sch.uk".into(), "Rachel Hughes".into()),
        ("b.khan@hillside.sch.uk".into(), "Bilal Khan".into()),
    ]));
}

#[test]
fn tab_after_part_of_a_name_picks_the_match_and_moves_to_the_subject() {
    let mut app = app();
    form_with_people(&mut app);
    type_text(&mut app, "rach");
    press(&mut app, KeyCode::Tab);
    let form = app.form.as_ref().unwrap();
    assert_eq!(form.requester_text(), "r.hughes@stbedes.sch.uk");
    assert_eq!(form.focus, deskside::tui::form::Field::Subject);
    type_text(&mut app, "Printer jammed");
    assert_eq!(app.form.as_ref().unwrap().subject_text(), "Printer jammed");
    assert_eq!(app.form.as_ref().unwrap().requester_text(), "r.hughes@stbedes.sch.uk");
}

#[test]
fn an_open_form_rereads_requesters_when_the_database_changes() {
    let mut app = app();
    form_with_people(&mut app);
    let fx = app.update(Action::ExternalChange);
    assert!(fx.contains(&Effect::LoadRequesters), "someone may have added a requester: {fx:?}");
    let mut people = vec![("s.kaur@hillside.sch.uk".to_string(), "Simran Kaur".to_string())];
    people.push(("r.hughes@stbedes.sch.uk".into(), "Rachel Hughes".into()));
    app.update(Action::RequestersLoaded(people));
    type_text(&mut app, "simr");
    assert_eq!(app.form.as_ref().unwrap().matches.len(), 1, "the new requester is found");
    // Opening the form again reads them again too.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(press(&mut app, KeyCode::Char('n')), [Effect::LoadRequesters]);
}

#[test]
fn esc_from_new_ticket_goes_back_where_n_was_pressed() {
    let mut app = app();
    open_first(&mut app);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Queue);
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Queue, "n on the queue: Esc back to the queue, not the last ticket");
    open_first(&mut app);
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Ticket);
}

#[test]
fn taking_someone_elses_ticket_asks_first_and_close_always_asks() {
    let mut app = app();
    let id = open_first(&mut app);
    let mut t = app.ticket.detail.as_ref().unwrap().ticket.clone();
    t.assignee = Some("jpatel".into());
    load(&mut app, t.clone());
    assert!(press(&mut app, KeyCode::Char('t')).is_empty(), "nothing is taken before the answer");
    let Overlay::Confirm(c) = &app.overlay else { panic!("t asks first") };
    assert_eq!(c.question, format!("#{id} is jpatel's — take it? y/n"));
    assert!(press(&mut app, KeyCode::Char('n')).is_empty());
    assert!(matches!(app.overlay, Overlay::None));
    press(&mut app, KeyCode::Char('t'));
    assert_eq!(
        press(&mut app, KeyCode::Char('y')),
        [Effect::Ticket { id, version: Version(3), op: TicketOp::Take }]
    );
    // From the queue too.
    press(&mut app, KeyCode::Esc);
    app.queue.items[0].ticket.assignee = Some("jpatel".into());
    assert!(press(&mut app, KeyCode::Char('t')).is_empty());
    assert!(matches!(app.overlay, Overlay::Confirm(_)));
    press(&mut app, KeyCode::Esc);
    // x on an open ticket asks, and says it is not resolved.
    open_first(&mut app);
    assert!(press(&mut app, KeyCode::Char('x')).is_empty());
    let Overlay::Confirm(c) = &app.overlay else { panic!("x asks first") };
    assert!(c.question.contains("without resolving"), "{}", c.question);
    assert_eq!(
        press(&mut app, KeyCode::Char('y')),
        [Effect::Ticket { id, version: Version(3), op: TicketOp::Close }]
    );
}

#[test]
fn a_ticket_taken_elsewhere_replaces_you_have_it() {
    let mut app = app();
    let id = open_first(&mut app);
    let mut t = app.ticket.detail.as_ref().unwrap().ticket.clone();
    t.assignee = Some("tone".into());
    app.update(Action::TicketChanged(Box::new(t.clone()), format!("You have #{id}")));
    load(&mut app, t.clone());
    assert_eq!(app.status.as_ref().unwrap().0, format!("You have #{id}"));
    t.assignee = Some("jpatel".into());
    t.version = Version(4);
    load(&mut app, t);
    assert_eq!(app.status.as_ref().unwrap().0, format!("#{id} is now jpatel's"));
}

#[test]
fn a_reply_on_a_ticket_resolved_meanwhile_asks_before_sending() {
    let mut app = app();
    let id = open_first(&mut app);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "Try again now");
    assert_eq!(
        ctrl(&mut app, 's'),
        [Effect::Ticket { id, version: Version(3), op: TicketOp::Reply("Try again now".into()) }]
    );
    let fx = app.update(Action::ReplyConflict(
        id,
        "Try again now".into(),
        format!("#{id} was resolved by jpatel meanwhile"),
    ));
    assert_eq!(fx, [Effect::LoadTicket(id)]);
    let Overlay::Confirm(c) = &app.overlay else { panic!("the conflict is a question") };
    assert!(c.question.contains("send the reply anyway? y/n"), "{}", c.question);
    press(&mut app, KeyCode::Char('n'));
    let Overlay::Prompt(p) = &app.overlay else { panic!("no: back to the reply, text kept") };
    assert_eq!(p.text(), "Try again now");
    ctrl(&mut app, 's');
    app.update(Action::ReplyConflict(id, "Try again now".into(), "resolved".into()));
    let fx = press(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(&fx[..], [Effect::Ticket { op: TicketOp::ReplyAnyway(t), .. }] if t == "Try again now"),
        "{fx:?}"
    );
}

#[test]
fn a_conflict_reloads_and_keeps_the_text_so_it_can_be_sent_again() {
    let mut app = app();
    let id = open_first(&mut app);
    press(&mut app, KeyCode::Char('e'));
    type_text(&mut app, "Needs the MIS admin");
    ctrl(&mut app, 's');
    let fx = app.update(Action::Conflict(id, format!("ticket #{id} was changed by jpatel")));
    assert!(fx.contains(&Effect::LoadTicket(id)), "{fx:?}");
    assert!(app.status.as_ref().unwrap().1, "the conflict is shown as an error");
    let mut t = app.ticket.detail.as_ref().unwrap().ticket.clone();
    t.version = Version(4);
    load(&mut app, t);
    let fx = ctrl(&mut app, 's');
    assert_eq!(
        fx,
        [Effect::Ticket {
            id,
            version: Version(4),
            op: TicketOp::Escalate(Tier::Two, "Needs the MIS admin".into())
        }],
        "the second Ctrl-S writes against the reloaded version"
    );
}

#[test]
fn esc_and_ctrl_c_keep_a_reply_as_a_draft() {
    let mut app = app();
    let id = open_first(&mut app);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "Half a reply");
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::None));
    press(&mut app, KeyCode::Char('r'));
    let Overlay::Prompt(p) = &app.overlay else { panic!("r opens the reply") };
    assert_eq!(p.text(), "Half a reply", "the draft is offered again");
    type_text(&mut app, " and more");
    ctrl(&mut app, 'c');
    assert!(!app.quit, "Ctrl-C in a reply box does not quit");
    assert!(matches!(app.overlay, Overlay::None));
    press(&mut app, KeyCode::Char('r'));
    let Overlay::Prompt(p) = &app.overlay else { panic!() };
    assert_eq!(p.text(), "Half a reply and more");
    // Quitting with a draft asks; a sent reply drops the draft.
    press(&mut app, KeyCode::Esc);
    ctrl(&mut app, 'c');
    assert!(!app.quit && matches!(app.overlay, Overlay::Confirm(_)), "quitting with a draft asks");
    press(&mut app, KeyCode::Char('n'));
    press(&mut app, KeyCode::Char('r'));
    ctrl(&mut app, 's');
    let t = app.ticket.detail.as_ref().unwrap().ticket.clone();
    app.update(Action::TicketChanged(Box::new(t), format!("Reply sent on #{id}")));
    assert!(app.drafts.is_empty());
    ctrl(&mut app, 'c');
    assert!(app.quit);
}

#[test]
fn esc_in_a_half_typed_phone_ticket_asks_before_discarding() {
    let mut app = app();
    form_with_people(&mut app);
    type_text(&mut app, "hughes");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::NewTicket);
    let Overlay::Confirm(c) = &app.overlay else { panic!("Esc asks") };
    assert!(c.question.contains("Discard"));
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(app.form.as_ref().unwrap().requester_text(), "hughes");
    ctrl(&mut app, 'c');
    assert!(!app.quit, "Ctrl-C asks too");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(app.screen, Screen::Queue);
    assert!(app.form.is_none());
}

fn footer(app: &App) -> String {
    use ratatui::backend::TestBackend;
    let mut term = ratatui::Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    term.draw(|f| deskside::tui::view::draw(f, app)).unwrap();
    let buf = term.backend().buffer().clone();
    let y = buf.area.height - 1;
    (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect()
}

fn screen_text(app: &App) -> String {
    use ratatui::backend::TestBackend;
    let mut term = ratatui::Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    term.draw(|f| deskside::tui::view::draw(f, app)).unwrap();
    let buf = term.backend().buffer().clone();
    (0..buf.area.height)
        .map(|y| (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn footers_show_what_applies_and_keep_the_daily_keys_at_80_columns() {
    let mut app = app();
    open_first(&mut app);
    let f = footer(&app);
    for key in ["r reply", "i internal note", "s resolve", "c canned", "p pending"] {
        assert!(f.contains(key), "{key:?} missing from the 80-column footer: {f:?}");
    }
    press(&mut app, KeyCode::Char('r'));
    assert!(!footer(&app).contains("Tab"), "a reply has no tier: {:?}", footer(&app));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('e'));
    assert!(footer(&app).contains("Tab change the target tier"), "{:?}", footer(&app));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('n'));
    let f = footer(&app);
    assert!(f.contains("Ctrl-R resolve") && f.contains("F1 help"), "{f:?}");
}

#[test]
fn question_mark_is_text_in_a_field_and_f1_is_help() {
    let mut app = app();
    form_with_people(&mut app);
    type_text(&mut app, "hughes");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "Why no sound?");
    assert_eq!(app.form.as_ref().unwrap().subject_text(), "Why no sound?");
    assert!(matches!(app.overlay, Overlay::None));
    press(&mut app, KeyCode::F(1));
    assert!(matches!(app.overlay, Overlay::Help));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::NewTicket, "Esc closes help only");
}

#[test]
fn help_scrolls_when_the_keys_do_not_fit() {
    let mut app = app();
    open_first(&mut app);
    press(&mut app, KeyCode::Char('?'));
    let before = screen_text(&app);
    assert!(before.contains("scroll"), "the help box says it scrolls:\n{before}");
    assert!(!before.contains("G End"), "the last keys are below the fold at 80x24:\n{before}");
    for _ in 0..30 {
        press(&mut app, KeyCode::Down);
    }
    let after = screen_text(&app);
    assert!(after.contains("G End"), "scrolled to the end:\n{after}");
}

#[test]
fn k_opens_the_knowledge_base_from_a_ticket_and_esc_comes_back() {
    let mut app = app();
    open_first(&mut app);
    let fx = press(&mut app, KeyCode::Char('K'));
    assert_eq!(app.screen, Screen::Kb);
    assert!(matches!(&fx[..], [Effect::LoadArticles { .. }]));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Ticket);
}

#[test]
fn a_refused_duplicate_article_can_be_written_anyway_with_f() {
    let mut app = app();
    let id = open_first(&mut app);
    let mut t = app.ticket.detail.as_ref().unwrap().ticket.clone();
    t.status = Status::Resolved;
    load(&mut app, t);
    assert!(press(&mut app, KeyCode::Char('F')).is_empty(), "F means nothing before a refusal");
    assert_eq!(press(&mut app, KeyCode::Char('A')), [Effect::ToArticle(id, false)]);
    assert_eq!(press(&mut app, KeyCode::Char('F')), [Effect::ToArticle(id, true)]);
}

#[test]
fn the_form_tabs_in_screen_order_and_space_never_sets_the_priority() {
    use deskside::tui::form::Field;
    let mut app = app();
    form_with_people(&mut app);
    type_text(&mut app, "hughes");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    let mut seen = vec![app.form.as_ref().unwrap().focus];
    for _ in 0..2 {
        press(&mut app, KeyCode::Tab);
        seen.push(app.form.as_ref().unwrap().focus);
    }
    assert_eq!(seen, [Field::Priority, Field::Source, Field::Category]);
    press(&mut app, KeyCode::BackTab);
    press(&mut app, KeyCode::BackTab);
    type_text(&mut app, "  u x");
    assert_eq!(
        app.form.as_ref().unwrap().priority,
        Priority::Normal,
        "typed text never changes the priority"
    );
    press(&mut app, KeyCode::Char('4'));
    assert_eq!(app.form.as_ref().unwrap().priority, Priority::Urgent);
    press(&mut app, KeyCode::Char('1'));
    assert_eq!(app.form.as_ref().unwrap().priority, Priority::Low);
}

#[test]
fn a_long_reply_wraps_in_its_box() {
    let mut app = app();
    open_first(&mut app);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "The printer in the staff room had a sheet stuck behind the rear door; cleared it and printed a test page ENDMARK");
    let screen = screen_text(&app);
    assert!(screen.contains("ENDMARK"), "the end of a long line is visible:\n{screen}");
    assert!(screen.contains("The printer in the staff room"), "and so is its start:\n{screen}");
}

#[test]
fn times_follow_the_clock_change() {
    let mut app = app();
    app.tz = Some(chrono_tz::Europe::London);
    let winter = DateTime::parse_from_rfc3339("2026-03-28T12:00:00Z").unwrap().to_utc();
    let summer = DateTime::parse_from_rfc3339("2026-03-30T12:00:00Z").unwrap().to_utc();
    assert_eq!(app.clock_text(winter), "Sat 28 Mar 12:00");
    assert_eq!(app.clock_text(summer), "Mon 30 Mar 13:00", "BST: an hour ahead of UTC");
}

#[test]
fn jump_to_a_ticket_by_number() {
    let mut app = app();
    press(&mut app, KeyCode::Char('#'));
    type_text(&mut app, "3x00");
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        [Effect::LoadTicket(TicketId(300)), Effect::Presence(TicketId(300))]
    );
    assert_eq!(app.screen, Screen::Ticket);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "2");
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        [
            Effect::LeavePresence(TicketId(300)),
            Effect::LoadTicket(TicketId(2)),
            Effect::Presence(TicketId(2))
        ]
    );
}

#[test]
fn dashboard_bars_keep_numbers_apart_with_a_legend() {
    use deskside::report::{Figures, SchoolFigures, Week, WeeklyReport};
    let mut app = app();
    app.size = (80, 24);
    press(&mut app, KeyCode::Char('D'));
    let school = |code: &str, opened, resolved| SchoolFigures {
        school: code.into(),
        name: code.into(),
        from: now(),
        to: now(),
        figures: Figures { opened, resolved, ..Figures::default() },
        self_service: Default::default(),
        time_minutes: 0,
        billable_minutes: 0,
        contract_balance: None,
    };
    let week = WeeklyReport {
        week: Week::new(2026, 48).unwrap(),
        complete: false,
        for_school: false,
        schools: vec![school("BEDE", 13, 9), school("HILL", 4, 12)],
        total: None,
        self_service_total: None,
    };
    app.update(Action::DashboardLoaded(Box::new(week)));
    let screen = screen_text(&app);
    assert!(screen.contains("opened") && screen.contains("resolved"), "a legend:\n{screen}");
    let bars: Vec<&str> = screen.lines().skip(6).collect();
    assert!(!bars.iter().any(|l| l.contains("139") || l.contains("412")), "numbers run together:\n{screen}");
    assert!(bars.iter().any(|l| l.contains("13 9") || l.contains("13  9")), "13 then 9:\n{screen}");
}

#[test]
fn a_database_error_while_polling_is_a_status_line_not_an_exit() {
    use deskside::clock::FixedClock;
    use deskside::service::{Desk, InitOptions};
    use deskside::store::Store;
    use deskside::tui::Watcher;
    let mut desk =
        Desk::with_store(Store::open_in_memory().unwrap(), Box::new(FixedClock(now())), "lead", "t");
    desk.seed(&InitOptions { demo: false, name: Some("Lee Lead".into()), tz: None }).unwrap();
    let mut watch = Watcher::new(&desk).unwrap();
    assert!(watch.check(&desk).is_none(), "nothing changed");
    desk.store().conn().execute_batch("ALTER TABLE audit RENAME TO audit_gone").unwrap();
    let Some(Action::Failed(msg)) = watch.check(&desk) else { panic!("a failed poll is reported") };
    assert!(msg.starts_with("database:"), "{msg}");
    assert!(watch.check(&desk).is_none(), "said once, not every half second");
    let mut app = app();
    app.update(Action::Failed(msg));
    assert!(!app.quit);
    desk.store().conn().execute_batch("ALTER TABLE audit_gone RENAME TO audit").unwrap();
    assert!(matches!(watch.check(&desk), Some(Action::ExternalChange)), "recovered: reload what is visible");
}

#[test]
fn a_reply_on_a_ticket_shown_resolved_asks_too() {
    let mut app = app();
    let id = open_first(&mut app);
    let mut t = app.ticket.detail.as_ref().unwrap().ticket.clone();
    t.status = Status::Resolved;
    load(&mut app, t);
    press(&mut app, KeyCode::Char('r'));
    type_text(&mut app, "One more thing");
    assert!(ctrl(&mut app, 's').is_empty());
    let Overlay::Confirm(c) = &app.overlay else { panic!("asks") };
    assert_eq!(c.question, format!("#{id} is resolved — send the reply anyway? y/n"));
    let fx = press(&mut app, KeyCode::Char('y'));
    assert!(matches!(&fx[..], [Effect::Ticket { op: TicketOp::ReplyAnyway(_), .. }]), "{fx:?}");
}
