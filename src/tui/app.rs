//! Console state and `update`: actions in, state changes and effects out.
//! Nothing here touches the database or the terminal, so every key can be
//! tested without either.

use super::action::{Action, DashboardData, Effect, LoadedTicket};
use super::form::NewTicketForm;
use super::kb::KbState;
use super::keymap::Mode;
use super::layout;
use super::prompt::{Picker, Prompt};
use super::theme::Theme;
use super::ticket::{canned_items, tech_items};
use crate::domain::{
    QueueItem, SlaState, Status, Technician, Ticket, TicketDetail, TicketFilter, TicketId, Timestamp, Version,
};
use crossterm::event::{KeyCode, KeyEvent};

/// How many queue rows the console loads at once.
pub const QUEUE_LIMIT: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Queue,
    Ticket,
    NewTicket,
    Kb,
    Dashboard,
}

/// Whose tickets the queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Mine,
    MyTier,
    All,
}

impl Scope {
    pub fn label(self) -> &'static str {
        match self {
            Scope::Mine => "mine",
            Scope::MyTier => "my tier",
            Scope::All => "all",
        }
    }
}

/// Which statuses the queue shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Active,
    Only(Status),
    All,
}

impl StatusFilter {
    pub(crate) const CYCLE: [StatusFilter; 6] = [
        StatusFilter::Active,
        StatusFilter::Only(Status::New),
        StatusFilter::Only(Status::Open),
        StatusFilter::Only(Status::Pending),
        StatusFilter::Only(Status::Resolved),
        StatusFilter::All,
    ];

    pub fn label(self) -> String {
        match self {
            StatusFilter::Active => "active".into(),
            StatusFilter::Only(s) => s.to_string(),
            StatusFilter::All => "any status".into(),
        }
    }
}

pub struct QueueState {
    /// The tickets with their SLA state, most urgent first.
    pub items: Vec<QueueItem>,
    /// Indices into `items` after the fuzzy and breaching filters.
    pub visible: Vec<usize>,
    /// The highlighted row of `visible`.
    pub cursor: super::cursor::ListCursor,
    pub filter: String,
    pub filtering: bool,
    pub scope: Scope,
    pub school: Option<String>,
    pub status: StatusFilter,
    pub breaching: bool,
    pub loaded: bool,
}

pub struct TicketState {
    pub id: TicketId,
    pub detail: Option<TicketDetail>,
    pub sla: Option<SlaState>,
    pub scroll: u16,
    /// Other technicians with this ticket open, as (login, name).
    pub viewers: Vec<(String, String)>,
}

impl TicketState {
    fn new(id: TicketId) -> TicketState {
        TicketState { id, detail: None, sla: None, scroll: 0, viewers: Vec::new() }
    }
}

pub use super::ticket::CannedPicker;

/// What is drawn over the screen.
pub enum Overlay {
    None,
    Help,
    Prompt(Box<Prompt>),
    /// Assign the ticket (id, version) to the picked technician.
    Assign(Picker, TicketId, Version),
    /// Send a canned solution on the ticket.
    Canned(Box<CannedPicker>),
    /// The ticket's (id) attachments; Enter opens one.
    Files(Picker, TicketId),
    /// A yes/no question (take someone else's ticket, close, discard ...).
    Confirm(Box<super::confirm::Confirm>),
    /// Typing a ticket number to jump to.
    Jump(String),
    /// The command palette (`:`).
    Palette(Box<super::palette::Palette>),
    /// A suggested answer in full, as (title, text) and how far scrolled.
    Preview {
        title: String,
        text: String,
        scroll: u16,
    },
    /// Time spent on the ticket (resolving it, or leaving it after a while).
    Time(Box<super::timeask::TimeAsk>),
}

pub struct App {
    pub me: Technician,
    pub now: Timestamp,
    pub theme: Theme,
    pub screen: Screen,
    pub overlay: Overlay,
    pub queue: QueueState,
    pub ticket: TicketState,
    pub form: Option<NewTicketForm>,
    pub kb: KbState,
    /// The dashboard's figures, once loaded.
    pub dashboard: Option<super::action::DashboardData>,
    pub techs: Vec<Technician>,
    pub schools: Vec<String>,
    pub people: Option<Vec<(String, String)>>,
    /// The last message and whether it is an error.
    pub status: Option<(String, bool)>,
    pub size: (u16, u16),
    /// The zone times are shown in; None is the support box's local time.
    /// The offset is worked out for each instant, so times either side of
    /// a clock change are both right.
    pub tz: Option<chrono_tz::Tz>,
    /// Where the new-ticket form goes back to (where `n` was pressed).
    pub form_return: Screen,
    /// Where the knowledge base goes back to (where `K` was pressed).
    pub kb_return: Screen,
    /// How far the help box is scrolled.
    pub help_scroll: u16,
    /// Unsent text of reply, note ... boxes, per ticket and kind of box:
    /// offered again when the same box is opened.
    pub drafts: std::collections::HashMap<(TicketId, &'static str), String>,
    /// The drafts as last saved to the database (see `drafts::sync_drafts`).
    pub saved_drafts: std::collections::HashMap<(TicketId, &'static str), String>,
    /// The last close, take or publish, while it can be undone.
    pub undo: Option<super::undo::Undo>,
    /// What the queue announces (handed back to me, new urgent).
    pub notices: crate::service::ownership::Notices,
    /// A canned solution being picked whose fill-ins are being asked.
    pub canned_fill: Option<super::ticket::CannedFill>,
    /// The ticket whose article was refused as a duplicate: F writes it anyway.
    pub force_article: Option<TicketId>,
    /// When to ask for time spent, and how long the open ticket has been on screen.
    pub time: super::timeask::TimeState,
    pub quit: bool,
}

impl App {
    pub fn new(me: Technician, now: Timestamp, theme: Theme, size: (u16, u16)) -> App {
        let scope = if me.lead { Scope::All } else { Scope::MyTier };
        App {
            me,
            now,
            theme,
            screen: Screen::Queue,
            overlay: Overlay::None,
            queue: QueueState {
                items: Vec::new(),
                visible: Vec::new(),
                cursor: super::cursor::ListCursor::new(),
                filter: String::new(),
                filtering: false,
                scope,
                school: None,
                status: StatusFilter::Active,
                breaching: false,
                loaded: false,
            },
            ticket: TicketState::new(TicketId(0)),
            form: None,
            kb: KbState::default(),
            dashboard: None,
            techs: Vec::new(),
            schools: Vec::new(),
            people: None,
            status: None,
            size,
            tz: None,
            form_return: Screen::Queue,
            kb_return: Screen::Queue,
            help_scroll: 0,
            drafts: std::collections::HashMap::new(),
            saved_drafts: std::collections::HashMap::new(),
            undo: None,
            notices: crate::service::ownership::Notices::default(),
            canned_fill: None,
            force_article: None,
            time: super::timeask::TimeState::default(),
            quit: false,
        }
    }

    /// A time as technicians read it: "Tue 24 Nov 09:30".
    pub fn clock_text(&self, t: Timestamp) -> String {
        self.local_text(t, "%a %d %b %H:%M")
    }

    /// `t` formatted in the console's zone, with the offset of that instant.
    pub fn local_text(&self, t: Timestamp, format: &str) -> String {
        match self.tz {
            Some(tz) => t.with_timezone(&tz).format(format).to_string(),
            None => t.with_timezone(&chrono::Local).format(format).to_string(),
        }
    }

    /// What the console needs first.
    pub fn start(&self) -> Vec<Effect> {
        vec![Effect::LoadQueue(self.queue_filter()), Effect::LoadSchools]
    }

    /// Which key table applies now.
    pub fn mode(&self) -> Mode {
        match &self.overlay {
            Overlay::Help => Mode::Help,
            Overlay::Confirm(_) => Mode::Confirm,
            Overlay::Jump(_) => Mode::Jump,
            Overlay::Palette(_) => Mode::Palette,
            Overlay::Preview { .. } => Mode::Preview,
            Overlay::Time(_) => Mode::Time,
            Overlay::Prompt(_) => Mode::Prompt,
            Overlay::Assign(..) | Overlay::Canned(_) | Overlay::Files(..) => Mode::Picker,
            Overlay::None => self.screen_mode(),
        }
    }

    /// Whether a binding means anything here and now: Tab changes a tier
    /// only in the escalate and hand-back boxes.
    pub fn applies(&self, b: &super::keymap::Binding) -> bool {
        match (&b.action, &self.overlay) {
            (Action::Cycle, Overlay::Prompt(p)) => p.kind.has_tier(),
            (Action::ForceToArticle, _) => self.force_article.is_some_and(|id| id == self.ticket.id),
            (Action::ForcePublish, _) => self.kb.force_publish.is_some(),
            // Sending or linking an article needs the ticket it was opened from.
            (Action::Reply | Action::Resolve | Action::LinkTo, _)
                if matches!(self.screen_mode(), Mode::Kb | Mode::Article) =>
            {
                self.kb_ticket().is_some()
            }
            (Action::Undo, _) => self.undo.is_some(),
            (Action::OpenCallerTicket | Action::NextCallerTicket, _) => {
                self.form.as_ref().is_some_and(|f| !f.caller.is_empty())
            }
            _ => true,
        }
    }

    /// The key table of the screen itself, ignoring any overlay.
    pub fn screen_mode(&self) -> Mode {
        match self.screen {
            Screen::Queue if self.queue.filtering => Mode::QueueFilter,
            Screen::Queue => Mode::Queue,
            Screen::Ticket => Mode::Ticket,
            Screen::NewTicket => Mode::NewTicket,
            Screen::Kb if self.kb.open.is_some() => Mode::Article,
            Screen::Kb if self.kb.searching => Mode::KbSearch,
            Screen::Kb => Mode::Kb,
            Screen::Dashboard => Mode::Dashboard,
        }
    }

    /// The service filter for the queue's scope, school and status.
    pub fn queue_filter(&self) -> TicketFilter {
        let q = &self.queue;
        let (statuses, include_done) = match q.status {
            StatusFilter::Active => (Vec::new(), false),
            StatusFilter::Only(s) => (vec![s], false),
            StatusFilter::All => (Vec::new(), true),
        };
        TicketFilter {
            statuses,
            tier: (q.scope == Scope::MyTier).then_some(self.me.tier),
            school: q.school.clone(),
            assignee: (q.scope == Scope::Mine).then(|| self.me.login.clone()),
            include_done,
            limit: Some(QUEUE_LIMIT),
        }
    }

    pub fn selected_ticket(&self) -> Option<&Ticket> {
        self.queue.visible.get(self.queue.cursor.index()).map(|&i| &self.queue.items[i].ticket)
    }

    pub(crate) fn info(&mut self, msg: impl Into<String>) {
        self.status = Some((msg.into(), false));
    }

    pub(crate) fn error(&mut self, msg: impl Into<String>) {
        self.status = Some((msg.into(), true));
    }

    /// Applies one action; returns the work the loop must do.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => self.quit_safely(),
            // Help never replaces a text box or a question: what was typed
            // or asked must still be there when help closes.
            Action::ToggleHelp => {
                match self.overlay {
                    Overlay::Help => self.overlay = Overlay::None,
                    Overlay::None => {
                        self.help_scroll = 0;
                        self.overlay = Overlay::Help;
                    }
                    _ => {}
                }
                Vec::new()
            }
            Action::Resize(w, h) => {
                self.size = (w, h);
                self.clamp_selection();
                Vec::new()
            }
            Action::Tick(now) => {
                self.now = now;
                self.refilter();
                self.tick_undo();
                // Drafts are saved on the tick: at most every half second.
                self.sync_drafts()
            }
            Action::Undo => self.undo_last(),
            Action::Undoable(undo, outcome) => self.undoable(*undo, *outcome),
            Action::DraftsLoaded(rows) => {
                self.drafts_loaded(rows);
                Vec::new()
            }
            Action::NoticesLoaded(notices) => {
                self.notices = notices;
                Vec::new()
            }
            Action::CallerLoaded(email, tickets) => {
                if let Some(form) = &mut self.form {
                    form.caller_loaded(&email, tickets);
                }
                Vec::new()
            }
            Action::CannedFilled(id, resolve, text) => {
                self.canned_filled(id, resolve, text);
                Vec::new()
            }
            Action::Heartbeat if self.screen == Screen::Ticket => vec![Effect::Presence(self.ticket.id)],
            Action::Heartbeat => Vec::new(),
            Action::Viewers(id, who) => {
                if id == self.ticket.id {
                    self.ticket.viewers = who;
                }
                Vec::new()
            }
            Action::QueueLoaded(items) => {
                let keep = self.selected_ticket().map(|t| t.id);
                // The first queue is on screen: then what is kept from before.
                let notices = if self.queue.loaded {
                    vec![Effect::LoadNotices]
                } else {
                    vec![Effect::LoadNotices, Effect::LoadDrafts]
                };
                self.queue.items = items;
                self.queue.loaded = true;
                self.refilter();
                let items = &self.queue.items;
                if let Some(pos) =
                    keep.and_then(|id| self.queue.visible.iter().position(|&i| items[i].ticket.id == id))
                {
                    self.queue.cursor.select(pos);
                }
                notices
            }
            Action::TicketLoaded(loaded) => {
                let LoadedTicket { detail, sla } = *loaded;
                self.refresh_versions(&detail.ticket);
                if detail.ticket.id == self.ticket.id {
                    if self.ticket.detail.is_none() {
                        self.offer_drafts(detail.ticket.id);
                    }
                    self.notice_taken(&detail.ticket);
                    self.ticket.detail = Some(detail);
                    self.ticket.sla = sla;
                }
                Vec::new()
            }
            Action::Conflict(id, msg) => {
                self.error(format!("{msg} — reloaded; what you typed is kept: send it again"));
                let mut fx = self.sync_drafts();
                fx.extend([Effect::LoadTicket(id), Effect::LoadQueue(self.queue_filter())]);
                fx
            }
            Action::ReplyConflict(id, text, msg) => {
                let under_prompt = matches!(&self.overlay, Overlay::Prompt(p) if p.ticket_id == id);
                if under_prompt {
                    let op = super::action::TicketOp::ReplyAnyway(text);
                    let version = self.ticket.detail.as_ref().map(|d| d.ticket.version).unwrap_or(Version(0));
                    self.ask(
                        format!("{msg} — send the reply anyway? y/n"),
                        super::confirm::OnYes::Effects(vec![Effect::Ticket { id, version, op }]),
                    );
                } else {
                    self.error(msg);
                }
                let mut fx = self.sync_drafts();
                fx.push(Effect::LoadTicket(id));
                fx
            }
            Action::PreviewLoaded(title, text) => {
                self.overlay = Overlay::Preview { title, text, scroll: 0 };
                Vec::new()
            }
            Action::ArticleComposed(answer) => {
                self.article_composed(*answer);
                Vec::new()
            }
            Action::ReuseLoaded(source, text) => {
                self.reuse_loaded(source, text);
                Vec::new()
            }
            Action::CannedLoaded(solutions) => {
                if let Overlay::Canned(c) = &mut self.overlay {
                    c.picker.items = canned_items(&solutions, c.category.as_deref());
                    c.solutions = solutions;
                    c.picker.refilter();
                    return c.preview_effect();
                }
                Vec::new()
            }
            Action::DashboardLoaded(week) => {
                // The table first; the trend reads weeks of history (a third
                // of a second at a million tickets) and follows.
                let this = week.week;
                self.dashboard = Some(DashboardData { week: *week, trend: None });
                vec![Effect::LoadTrend(this)]
            }
            Action::TrendLoaded(week, trend) => {
                if let Some(d) = self.dashboard.as_mut().filter(|d| d.week.week == week) {
                    d.trend = Some(trend);
                }
                Vec::new()
            }
            Action::ArticlesLoaded(query, articles) => {
                self.articles_loaded(query, articles);
                Vec::new()
            }
            Action::ArticleChanged(article, msg) => {
                self.article_changed(*article, msg);
                Vec::new()
            }
            Action::SuggestionsLoaded(text, suggestions) => {
                if let Some(form) = &mut self.form {
                    form.suggestions_loaded(&text, suggestions);
                }
                Vec::new()
            }
            Action::CannedPreview(id, text) => {
                if let Overlay::Canned(c) = &mut self.overlay {
                    c.preview = Some((id, text));
                }
                Vec::new()
            }
            Action::AttachmentsLoaded(id, rows) => {
                if rows.is_empty() && matches!(self.overlay, Overlay::Files(_, open) if open == id) {
                    self.overlay = Overlay::None;
                    self.error(format!("#{id} has no attachments"));
                    return Vec::new();
                }
                if let Overlay::Files(picker, open) = &mut self.overlay {
                    if *open == id {
                        picker.items = super::files::items(&rows);
                        picker.refilter();
                    }
                }
                Vec::new()
            }
            Action::TechsLoaded(techs) => {
                self.techs = techs;
                if let Overlay::Assign(picker, ..) = &mut self.overlay {
                    picker.items = tech_items(&self.techs);
                    picker.refilter();
                }
                Vec::new()
            }
            Action::SchoolsLoaded(codes) => {
                self.schools = codes;
                Vec::new()
            }
            Action::RequestersLoaded(people) => {
                if self.people.as_ref() == Some(&people) {
                    return Vec::new();
                }
                if let Some(form) = &mut self.form {
                    form.set_people(people.clone());
                }
                self.people = Some(people);
                Vec::new()
            }
            Action::Done(msg) => {
                self.info(msg);
                Vec::new()
            }
            Action::Failed(msg) => {
                self.error(msg);
                Vec::new()
            }
            Action::TicketChanged(ticket, msg) => {
                self.info(msg);
                self.time_logged(&ticket);
                if let Overlay::Prompt(p) = &self.overlay {
                    self.drafts.remove(&(p.ticket_id, p.kind.draft_key()));
                }
                self.overlay = Overlay::None;
                let mut fx = self.sync_drafts();
                fx.push(Effect::LoadQueue(self.queue_filter()));
                if self.screen == Screen::Ticket && self.ticket.id == ticket.id {
                    fx.push(Effect::LoadTicket(ticket.id));
                }
                fx
            }
            Action::TicketMerged { from, into, msg } => self.merged(from, into.id, msg),
            Action::TicketCreated(ticket) => {
                self.info(format!(
                    "Logged #{} for {} at {}",
                    ticket.id, ticket.requester_name, ticket.school
                ));
                self.form = None;
                self.drafts.remove(&super::drafts::FORM_KEY);
                self.drafts.remove(&(TicketId(0), "first-contact"));
                let mut fx = self.sync_drafts();
                fx.extend(self.open_ticket(ticket.id));
                fx
            }
            // The dashboard reads weeks of history: only on opening and on
            // an explicit refresh, never because someone else saved.
            Action::Refresh if self.screen == Screen::Dashboard => vec![Effect::LoadDashboard],
            Action::ExternalChange | Action::Refresh => {
                let mut fx = vec![Effect::LoadQueue(self.queue_filter())];
                if self.screen == Screen::Ticket {
                    fx.push(Effect::LoadTicket(self.ticket.id));
                }
                // Someone may have added a requester (CLI, mail, portal).
                if self.screen == Screen::NewTicket {
                    fx.push(Effect::LoadRequesters);
                }
                fx
            }
            other => match self.mode() {
                Mode::Help => {
                    match other {
                        Action::Up => self.help_scroll = self.help_scroll.saturating_sub(1),
                        Action::Down => self.help_scroll = self.help_scroll.saturating_add(1),
                        Action::Scroll(n) => {
                            self.help_scroll = self.help_scroll.saturating_add_signed(n).min(200)
                        }
                        Action::PageUp => self.help_scroll = self.help_scroll.saturating_sub(10),
                        Action::PageDown => self.help_scroll = self.help_scroll.saturating_add(10),
                        Action::Back => self.overlay = Overlay::None,
                        _ => {}
                    }
                    Vec::new()
                }
                Mode::Confirm => self.update_confirm(other),
                Mode::Jump => self.update_jump(other),
                Mode::Palette => self.update_palette(other),
                Mode::Preview => self.update_preview(other),
                Mode::Time => self.update_time(other),
                Mode::Prompt => self.update_prompt(other),
                Mode::Picker => self.update_picker(other),
                Mode::QueueFilter => self.update_filter(other),
                Mode::Queue => self.update_queue(other),
                Mode::Ticket => self.update_ticket(other),
                Mode::NewTicket => self.update_form(other),
                Mode::Kb => self.update_kb(other),
                Mode::KbSearch => self.update_kb_search(other),
                Mode::Article => self.update_article(other),
                Mode::Dashboard => match other {
                    Action::Back => {
                        self.screen = Screen::Queue;
                        Vec::new()
                    }
                    Action::KnowledgeBase => self.start_kb(),
                    Action::Jump => self.start_jump(),
                    Action::Palette => self.start_palette(),
                    _ => Vec::new(),
                },
            },
        }
    }

    /// Ctrl-C or q: never loses typing. In a text box it closes the box
    /// and keeps the draft; with a half-typed ticket or unsent drafts it
    /// asks first.
    fn quit_safely(&mut self) -> Vec<Effect> {
        if matches!(self.overlay, Overlay::Prompt(_)) {
            let mut fx = self.update_prompt(Action::Back);
            if !self.drafts.is_empty() {
                self.info("Draft kept (Ctrl-C again to quit)");
            }
            fx.extend(self.sync_drafts());
            return fx;
        }
        if matches!(self.overlay, Overlay::Confirm(_)) {
            return self.update_confirm(Action::Back);
        }
        let typing = self.screen == Screen::NewTicket && self.form.as_ref().is_some_and(|f| f.has_text());
        let drafts = self.drafts.len();
        // Drafts are saved either way; the question is whether to stop now.
        if typing {
            self.ask(
                "Quit? The ticket being typed is kept as a draft (n brings it back) y/n".into(),
                super::confirm::OnYes::Quit,
            );
        } else if drafts > 0 && !matches!(self.overlay, Overlay::Confirm(_)) {
            let s = if drafts == 1 { "" } else { "s" };
            self.ask(
                format!("{drafts} unsent draft{s} (kept for next time) — quit? y/n"),
                super::confirm::OnYes::Quit,
            );
        } else {
            self.quit = true;
        }
        self.sync_drafts()
    }

    pub(crate) fn page_cells(&self) -> u16 {
        layout::cells(layout::list_rows(self.size).max(1))
    }

    pub(crate) fn page(&self) -> isize {
        isize::try_from(layout::list_rows(self.size).max(1)).unwrap_or(isize::MAX)
    }

    pub(crate) fn open_ticket(&mut self, id: TicketId) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.ticket.id != id {
            if self.screen == Screen::Ticket {
                fx.push(Effect::LeavePresence(self.ticket.id));
            }
            self.ticket = TicketState::new(id);
            self.time_opened();
        } else if self.screen != Screen::Ticket {
            self.time_opened();
        }
        self.screen = Screen::Ticket;
        fx.extend([Effect::LoadTicket(id), Effect::Presence(id)]);
        fx
    }

    pub(crate) fn leave_ticket(&mut self) -> Vec<Effect> {
        self.screen = Screen::Queue;
        self.ticket.viewers.clear();
        vec![Effect::LeavePresence(self.ticket.id)]
    }

    pub(crate) fn reload_queue(&mut self) -> Vec<Effect> {
        self.queue.cursor.first();
        vec![Effect::LoadQueue(self.queue_filter())]
    }
}

/// Line editing for small single-line fields held as a String.
pub(crate) fn edit_line(text: &mut String, key: KeyEvent) -> bool {
    match key.code {
        KeyCode::Char(c) if !key.modifiers.contains(crossterm::event::KeyModifiers::CONTROL) => {
            text.push(c);
            true
        }
        KeyCode::Backspace => text.pop().is_some(),
        _ => false,
    }
}
