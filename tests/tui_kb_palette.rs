//! Issue 19, the console's knowledge base inside a ticket, the command
//! palette, one meaning per key and greyed keys: keys in, state and
//! effects out, with no terminal and no database.
// Test code may unwrap, expect and panic (clippy.toml allows it in #[test]
// functions; this covers the helpers in tests/common and the test's own),
// and cast fixture numbers as they please.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]

mod console_fixture;
use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use deskside::domain::{
    Article, ArticleId, ArticleStatus, Audience, QueueItem, SlaLevel, SlaState, Status, Technician, Ticket,
    TicketDetail, TicketId, Tier, Version,
};
use deskside::search::SuggestionKind;
use deskside::tui::action::{Action, ArticleAnswer, Effect, LoadedTicket, SendAs, TicketOp};
use deskside::tui::app::{App, Overlay, Screen};
use deskside::tui::keymap::{self, Mode};
use deskside::tui::theme::Theme;

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z").unwrap().to_utc()
}

fn tech(tier: Tier) -> Technician {
    Technician { id: 7, login: "tone".into(), name: "Toni One".into(), tier, lead: false }
}

fn ticket(id: i64, subject: &str) -> Ticket {
    Ticket {
        status: Status::Open,
        created_at: now(),
        version: Version(4),
        ..console_fixture::ticket(id, subject, "Rachel", "rachel@stbedes.sch.uk", now())
    }
}

fn article(id: i64, title: &str) -> Article {
    Article {
        id: ArticleId(id),
        title: title.into(),
        category: Some("printing".into()),
        tags: vec![],
        status: ArticleStatus::Published,
        audience: Audience::Public,
        author: None,
        views: 0,
        uses: 0,
        helpful: 0,
        not_helpful: 0,
        created_at: now(),
        updated_at: now(),
        published_at: Some(now()),
        source_ticket: None,
        updated_by: None,
        version: Version(2),
        body: "Open tray 2 and pull the sheet out.".into(),
    }
}

fn app_with(tier: Tier, size: (u16, u16)) -> App {
    let mut app = App::new(tech(tier), now(), Theme { color: true }, size);
    let items = [ticket(1, "Printer jammed in staff room"), ticket(2, "Projector no signal")]
        .into_iter()
        .map(|t| {
            let sla = SlaState {
                ticket_id: t.id,
                level: SlaLevel::Ok,
                left_secs: None,
                due: None,
                response: None,
                resolve: None,
            };
            QueueItem { ticket: t, sla }
        })
        .collect();
    app.update(Action::QueueLoaded(items));
    app
}

fn app() -> App {
    app_with(Tier::One, (80, 24))
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

/// Opens ticket 1 and loads it as `t`.
fn open(app: &mut App, t: Ticket) {
    press(app, KeyCode::Enter);
    load(app, t);
    assert_eq!(app.screen, Screen::Ticket);
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

/// The footer as (text, struck through?) per cell run.
fn footer_cells(app: &App) -> Vec<(String, bool)> {
    use ratatui::backend::TestBackend;
    use ratatui::style::Modifier;
    let mut term = ratatui::Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    term.draw(|f| deskside::tui::view::draw(f, app)).unwrap();
    let buf = term.backend().buffer().clone();
    let y = buf.area.height - 1;
    (0..buf.area.width)
        .map(|x| {
            let c = &buf[(x, y)];
            (c.symbol().to_string(), c.modifier.contains(Modifier::CROSSED_OUT))
        })
        .collect()
}

fn footer(app: &App) -> String {
    footer_cells(app).into_iter().map(|(s, _)| s).collect()
}

/// The footer's struck-through (greyed) text.
fn greyed(app: &App) -> String {
    footer_cells(app).into_iter().filter(|(_, g)| *g).map(|(s, _)| s).collect()
}

#[test]
fn k_on_a_ticket_lists_articles_for_it_and_slash_searches() {
    let mut app = app();
    open(&mut app, ticket(1, "Printer jammed in staff room"));
    let fx = press(&mut app, KeyCode::Char('K'));
    assert_eq!(
        fx,
        [Effect::LoadArticles { query: "Printer jammed in staff room".into(), category: None }],
        "K from a ticket searches the knowledge base for the ticket's subject"
    );
    assert_eq!(app.screen, Screen::Kb);
    assert!(app.kb_ticket().is_some_and(|t| t.id == TicketId(1)));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.screen, Screen::Ticket, "Esc goes back to the ticket");
    let fx = press(&mut app, KeyCode::Char('/'));
    assert_eq!(fx, [Effect::LoadArticles { query: String::new(), category: None }]);
    assert!(app.kb.searching, "/ on a ticket starts typing a search");
    type_text(&mut app, "jam");
    assert_eq!(app.kb.query, "jam");
}

#[test]
fn an_article_is_sent_as_the_reply_after_editing_and_linked() {
    let mut app = app();
    open(&mut app, ticket(1, "Printer jammed"));
    press(&mut app, KeyCode::Char('K'));
    app.update(Action::ArticlesLoaded("Printer jammed".into(), vec![article(5, "Clearing a paper jam")]));
    let fx = press(&mut app, KeyCode::Char('r'));
    assert_eq!(
        fx,
        [Effect::ComposeArticle { ticket_id: TicketId(1), article_id: ArticleId(5), how: SendAs::Reply }]
    );
    app.update(Action::ArticleComposed(Box::new(ArticleAnswer {
        ticket_id: TicketId(1),
        article_id: ArticleId(5),
        how: SendAs::Reply,
        text: "Clearing a paper jam\n\nOpen tray 2.".into(),
    })));
    assert_eq!(app.screen, Screen::Ticket, "back on the ticket, in its reply box");
    let Overlay::Prompt(p) = &app.overlay else { panic!("the reply box is open") };
    assert_eq!(p.text(), "Clearing a paper jam\n\nOpen tray 2.");
    assert!(screen_text(&app).contains("KB#5, linked on send"), "{}", screen_text(&app));
    type_text(&mut app, "Hi Rachel, ");
    let fx = press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let [Effect::Ticket {
        id: TicketId(1),
        version: Version(4),
        op: TicketOp::SendArticle { article: ArticleId(5), text, how: SendAs::Reply },
    }] = &fx[..]
    else {
        panic!("Ctrl-S sends the edited text with the article: {fx:?}")
    };
    assert!(text.starts_with("Hi Rachel, Clearing a paper jam"), "{text}");
}

#[test]
fn s_resolves_with_the_article_and_l_links_it_from_the_article_view_too() {
    let mut app = app();
    open(&mut app, ticket(1, "Printer jammed"));
    press(&mut app, KeyCode::Char('K'));
    app.update(Action::ArticlesLoaded("Printer jammed".into(), vec![article(5, "Clearing a paper jam")]));
    press(&mut app, KeyCode::Enter);
    assert!(app.kb.open.is_some(), "the article is read in full");
    assert_eq!(
        press(&mut app, KeyCode::Char('s')),
        [Effect::ComposeArticle {
            ticket_id: TicketId(1),
            article_id: ArticleId(5),
            how: SendAs::Resolution
        }]
    );
    assert_eq!(
        press(&mut app, KeyCode::Char('L')),
        [Effect::Ticket { id: TicketId(1), version: Version(4), op: TicketOp::LinkArticle(ArticleId(5)) }]
    );
    app.update(Action::ArticleComposed(Box::new(ArticleAnswer {
        ticket_id: TicketId(1),
        article_id: ArticleId(5),
        how: SendAs::Resolution,
        text: "Open tray 2.".into(),
    })));
    let fx = press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(
        matches!(&fx[..], [Effect::Ticket { op: TicketOp::SendArticle { how: SendAs::Resolution, .. }, .. }]),
        "{fx:?}"
    );
}

#[test]
fn send_and_link_keys_mean_nothing_in_a_knowledge_base_opened_from_the_queue() {
    let mut app = app();
    press(&mut app, KeyCode::Char('K'));
    app.update(Action::ArticlesLoaded(String::new(), vec![article(5, "Clearing a paper jam")]));
    for c in ['r', 's', 'L'] {
        assert!(press(&mut app, KeyCode::Char(c)).is_empty(), "{c} without a ticket");
    }
    let f = footer(&app);
    assert!(!f.contains("reply with it"), "not offered without a ticket: {f:?}");
}

#[test]
fn ctrl_o_previews_the_highlighted_suggestion_in_full_and_esc_returns_to_the_form() {
    let mut app = app();
    press(&mut app, KeyCode::Char('n'));
    assert!(press_mod(&mut app, KeyCode::Char('e'), KeyModifiers::CONTROL).is_empty());
    assert!(app.status.as_ref().is_some_and(|(m, err)| *err && m.contains("no suggested answer")));
    app.update(Action::RequestersLoaded(vec![("rachel@stbedes.sch.uk".into(), "Rachel Hughes".into())]));
    type_text(&mut app, "rachel");
    press(&mut app, KeyCode::Tab);
    type_text(&mut app, "jam");
    let s = console_fixture::suggestion(SuggestionKind::Ticket, 76, "Paper jam");
    app.update(Action::SuggestionsLoaded("jam\n".into(), vec![s.clone()]));
    let fx = press_mod(&mut app, KeyCode::Char('e'), KeyModifiers::CONTROL);
    assert_eq!(
        fx,
        [Effect::PreviewSuggestion { suggestion: s, requester_name: Some("Rachel Hughes".into()) }]
    );
    let long: String = (1..=60).map(|n| format!("line {n}\n")).collect();
    app.update(Action::PreviewLoaded("Answer that solved #76".into(), long));
    assert!(screen_text(&app).contains("line 1"));
    for _ in 0..50 {
        press(&mut app, KeyCode::Down);
    }
    assert!(screen_text(&app).contains("line 60"), "the preview scrolls:\n{}", screen_text(&app));
    press(&mut app, KeyCode::Esc);
    assert!(matches!(app.overlay, Overlay::None));
    assert_eq!(app.screen, Screen::NewTicket);
    assert_eq!(app.form.as_ref().unwrap().subject_text(), "jam", "the form is as it was");
}

#[test]
fn the_palette_lists_the_screens_actions_filters_and_runs_one() {
    let mut app = app();
    open(&mut app, ticket(1, "Printer jammed"));
    press(&mut app, KeyCode::Char(':'));
    let Overlay::Palette(p) = &app.overlay else { panic!("`:` opens the palette") };
    // Every action of the screen, from the same table as the footer and help.
    let listed: Vec<&str> = p.entries.iter().map(|e| e.key).collect();
    for b in keymap::bindings(Mode::Ticket) {
        let moves = matches!(
            b.action,
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom
        );
        if !moves && !matches!(b.action, Action::Palette | Action::ForceToArticle | Action::Undo) {
            assert!(listed.contains(&b.shown), "{} missing from the palette: {listed:?}", b.shown);
        }
    }
    type_text(&mut app, "internal");
    let Overlay::Palette(p) = &app.overlay else { panic!() };
    assert_eq!(p.current().map(|e| e.key), Some("i"));
    press(&mut app, KeyCode::Enter);
    let Overlay::Prompt(p) = &app.overlay else { panic!("Enter ran `internal note`: {:?}", app.mode()) };
    assert_eq!(p.kind, deskside::tui::prompt::PromptKind::Note);
}

#[test]
fn a_number_in_the_palette_jumps_and_a_greyed_action_says_why() {
    let mut app = app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "#2");
    assert!(screen_text(&app).contains("Enter opens ticket #2"));
    assert_eq!(
        press(&mut app, KeyCode::Enter),
        [Effect::LoadTicket(TicketId(2)), Effect::Presence(TicketId(2))]
    );
    let mut t = ticket(2, "Projector no signal");
    t.tier = Tier::Three;
    load(&mut app, t);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "escalate");
    assert!(press(&mut app, KeyCode::Enter).is_empty(), "a greyed action is not run");
    assert!(matches!(app.overlay, Overlay::None));
    let (msg, err) = app.status.clone().unwrap();
    assert!(err && msg.contains("tier 3"), "{msg}");
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "zzzz");
    press(&mut app, KeyCode::Enter);
    assert!(app.status.as_ref().unwrap().0.contains("no action matches"));
}

#[test]
fn footers_grey_out_what_the_technician_may_not_do() {
    let mut app = app_with(Tier::One, (240, 24));
    let mut t = ticket(1, "Printer jammed");
    t.tier = Tier::Two;
    open(&mut app, t);
    let g = greyed(&app);
    for what in ["reply", "resolve", "escalate"] {
        assert!(g.contains(what), "{what} is greyed on a tier-2 ticket for tier 1: greyed {g:?}");
    }
    assert!(!g.contains("internal note"), "a note is always allowed: {g:?}");
    // Tier 1 may not publish: greyed in the knowledge base.
    press(&mut app, KeyCode::Char('K'));
    app.update(Action::ArticlesLoaded("Printer jammed".into(), vec![article(5, "Paper jam")]));
    assert!(greyed(&app).contains("publish"), "{:?}", footer(&app));
    let mut lead = app_with(Tier::Two, (240, 24));
    lead.update(Action::KnowledgeBase);
    lead.update(Action::ArticlesLoaded(String::new(), vec![article(5, "Paper jam")]));
    assert!(!greyed(&lead).contains("publish"), "tier 2 publishes: {:?}", footer(&lead));
}

#[test]
fn footers_fit_at_80_columns_on_every_screen() {
    let mut app = app();
    let check = |app: &App| {
        let f = footer(app);
        assert!(f.trim_end().chars().count() <= 80, "{f:?}");
        assert!(!f.trim().is_empty());
    };
    check(&app);
    open(&mut app, ticket(1, "Printer jammed"));
    check(&app);
    press(&mut app, KeyCode::Char('K'));
    app.update(Action::ArticlesLoaded("Printer jammed".into(), vec![article(5, "Paper jam")]));
    let f = footer(&app);
    assert!(
        f.contains("r reply with it")
            && f.contains("s resolve with it")
            && f.contains("L link to the ticket"),
        "the send keys fit at 80 columns: {f:?}"
    );
    press(&mut app, KeyCode::Char(':'));
    check(&app);
}

/// One meaning per key: on the main screens a key does the same thing
/// wherever it is bound. The exceptions say the same in each place:
/// `q` leaves (quits on the queue), `F` is "anyway" after a duplicate
/// warning (article from a ticket, or publish), `I` is the major
/// incident (gather on the queue, join from a ticket).
#[test]
fn a_key_means_the_same_on_every_screen() {
    use std::collections::HashMap;
    let same = |a: &Action, b: &Action| {
        let (a, b) = (format!("{a:?}"), format!("{b:?}"));
        let pair = |x: &str, y: &str| (a == x && b == y) || (a == y && b == x);
        a == b
            || pair("Quit", "Back")
            || pair("ForceToArticle", "ForcePublish")
            || pair("Gather", "JoinIncident")
    };
    let mut seen: HashMap<String, (Mode, Action)> = HashMap::new();
    for mode in [Mode::Queue, Mode::Ticket, Mode::Kb, Mode::Article, Mode::Dashboard] {
        for b in keymap::bindings(mode) {
            for k in b.keys {
                let id = format!("{k:?}");
                if let Some((m, a)) = seen.get(&id) {
                    assert!(same(a, &b.action), "{id}: {a:?} on {m:?} but {:?} on {mode:?}", b.action);
                } else {
                    seen.insert(id, (mode, b.action.clone()));
                }
            }
        }
    }
    for (key, action) in
        [('r', "Reply"), ('s', "Resolve"), ('f', "Files"), ('e', "Escalate"), ('E', "EditArticle")]
    {
        let a = seen.get(&format!("{:?}", keymap::K::Char(key))).map(|(_, a)| format!("{a:?}"));
        assert_eq!(a.as_deref(), Some(action), "{key}");
    }
}
