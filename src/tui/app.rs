//! Console state and `update`: actions in, state changes and effects out.
//! Nothing here touches the database or the terminal, so every key can be
//! tested without either.

use super::action::{Action, Effect, LoadedTicket, TicketOp};
use super::form::{Field, NewTicketForm};
use super::keymap::Mode;
use super::layout;
use super::prompt::{fuzzy_rank, PickItem, Picker, Prompt, PromptKind};
use super::theme::Theme;
use crate::domain::{
    CannedSolution, QueueItem, SlaState, Status, Technician, Ticket, TicketDetail, TicketFilter, Tier,
    Timestamp,
};
use crossterm::event::{KeyCode, KeyEvent};

/// How many queue rows the console loads at once.
pub const QUEUE_LIMIT: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Queue,
    Ticket,
    NewTicket,
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
    const CYCLE: [StatusFilter; 6] = [
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
    pub selected: usize,
    pub filter: String,
    pub filtering: bool,
    pub scope: Scope,
    pub school: Option<String>,
    pub status: StatusFilter,
    pub breaching: bool,
    pub loaded: bool,
}

pub struct TicketState {
    pub id: i64,
    pub detail: Option<TicketDetail>,
    pub sla: Option<SlaState>,
    pub scroll: u16,
    /// Other technicians with this ticket open, as (login, name).
    pub viewers: Vec<(String, String)>,
}

impl TicketState {
    fn new(id: i64) -> TicketState {
        TicketState { id, detail: None, sla: None, scroll: 0, viewers: Vec::new() }
    }
}

/// Choosing a canned solution for a ticket, with the reply it would send.
pub struct CannedPicker {
    pub picker: Picker,
    pub solutions: Vec<CannedSolution>,
    pub ticket_id: i64,
    pub version: i64,
    /// The ticket's category: its solutions are listed first.
    pub category: Option<String>,
    /// The rendered reply as (canned id, text), once loaded.
    pub preview: Option<(i64, String)>,
}

impl CannedPicker {
    pub fn current(&self) -> Option<&CannedSolution> {
        let key = self.picker.current()?.key.parse::<i64>().ok()?;
        self.solutions.iter().find(|c| c.id == key)
    }

    /// Asks for the preview of the highlighted solution if it is not shown.
    fn preview_effect(&self) -> Vec<Effect> {
        match self.current() {
            Some(c) if self.preview.as_ref().map(|p| p.0) != Some(c.id) => {
                vec![Effect::RenderCanned { ticket_id: self.ticket_id, canned_id: c.id }]
            }
            _ => Vec::new(),
        }
    }
}

/// What is drawn over the screen.
pub enum Overlay {
    None,
    Help,
    Prompt(Box<Prompt>),
    /// Assign the ticket (id, version) to the picked technician.
    Assign(Picker, i64, i64),
    /// Send a canned solution on the ticket.
    Canned(Box<CannedPicker>),
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
    pub techs: Vec<Technician>,
    pub schools: Vec<String>,
    pub people: Option<Vec<(String, String)>>,
    /// The last message and whether it is an error.
    pub status: Option<(String, bool)>,
    pub size: (u16, u16),
    /// The offset times are shown in (the support box's local time).
    pub offset: chrono::FixedOffset,
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
                selected: 0,
                filter: String::new(),
                filtering: false,
                scope,
                school: None,
                status: StatusFilter::Active,
                breaching: false,
                loaded: false,
            },
            ticket: TicketState::new(0),
            form: None,
            techs: Vec::new(),
            schools: Vec::new(),
            people: None,
            status: None,
            size,
            offset: *chrono::Local::now().offset(),
            quit: false,
        }
    }

    /// A time as technicians read it: "Tue 24 Nov 09:30".
    pub fn clock_text(&self, t: Timestamp) -> String {
        t.with_timezone(&self.offset).format("%a %d %b %H:%M").to_string()
    }

    /// What the console needs first.
    pub fn start(&self) -> Vec<Effect> {
        vec![Effect::LoadQueue(self.queue_filter()), Effect::LoadSchools]
    }

    /// Which key table applies now.
    pub fn mode(&self) -> Mode {
        match &self.overlay {
            Overlay::Help => Mode::Help,
            Overlay::Prompt(_) => Mode::Prompt,
            Overlay::Assign(..) | Overlay::Canned(_) => Mode::Picker,
            Overlay::None => match self.screen {
                Screen::Queue if self.queue.filtering => Mode::QueueFilter,
                Screen::Queue => Mode::Queue,
                Screen::Ticket => Mode::Ticket,
                Screen::NewTicket => Mode::NewTicket,
            },
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
        self.queue.visible.get(self.queue.selected).map(|&i| &self.queue.items[i].ticket)
    }

    fn info(&mut self, msg: impl Into<String>) {
        self.status = Some((msg.into(), false));
    }

    fn error(&mut self, msg: impl Into<String>) {
        self.status = Some((msg.into(), true));
    }

    /// Applies one action; returns the work the loop must do.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => {
                self.quit = true;
                Vec::new()
            }
            Action::ToggleHelp => {
                self.overlay = match self.overlay {
                    Overlay::Help => Overlay::None,
                    _ => Overlay::Help,
                };
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
                self.queue.items = items;
                self.queue.loaded = true;
                self.refilter();
                let items = &self.queue.items;
                if let Some(pos) =
                    keep.and_then(|id| self.queue.visible.iter().position(|&i| items[i].ticket.id == id))
                {
                    self.queue.selected = pos;
                }
                Vec::new()
            }
            Action::TicketLoaded(loaded) => {
                let LoadedTicket { detail, sla } = *loaded;
                if detail.ticket.id == self.ticket.id {
                    self.ticket.detail = Some(detail);
                    self.ticket.sla = sla;
                }
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
            Action::CannedPreview(id, text) => {
                if let Overlay::Canned(c) = &mut self.overlay {
                    c.preview = Some((id, text));
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
                self.overlay = Overlay::None;
                let mut fx = vec![Effect::LoadQueue(self.queue_filter())];
                if self.screen == Screen::Ticket && self.ticket.id == ticket.id {
                    fx.push(Effect::LoadTicket(ticket.id));
                }
                fx
            }
            Action::TicketCreated(ticket) => {
                self.info(format!(
                    "Logged #{} for {} at {}",
                    ticket.id, ticket.requester_name, ticket.school
                ));
                self.form = None;
                self.open_ticket(ticket.id)
            }
            Action::ExternalChange | Action::Refresh => {
                let mut fx = vec![Effect::LoadQueue(self.queue_filter())];
                if self.screen == Screen::Ticket {
                    fx.push(Effect::LoadTicket(self.ticket.id));
                }
                fx
            }
            other => match self.mode() {
                Mode::Help => Vec::new(),
                Mode::Prompt => self.update_prompt(other),
                Mode::Picker => self.update_picker(other),
                Mode::QueueFilter => self.update_filter(other),
                Mode::Queue => self.update_queue(other),
                Mode::Ticket => self.update_ticket(other),
                Mode::NewTicket => self.update_form(other),
            },
        }
    }

    fn refilter(&mut self) {
        let q = &mut self.queue;
        let labels: Vec<String> = q
            .items
            .iter()
            .map(|QueueItem { ticket: t, .. }| {
                format!(
                    "#{} {} {} {} {} {}",
                    t.id,
                    t.school,
                    t.requester_name,
                    t.requester,
                    t.subject,
                    t.assignee.as_deref().unwrap_or("")
                )
            })
            .collect();
        let mut visible = if q.filter.trim().is_empty() {
            (0..q.items.len()).collect()
        } else {
            // Keep the urgency order among matches: a queue, not a search.
            let mut m = fuzzy_rank(&q.filter, labels.iter().map(String::as_str));
            m.sort_unstable();
            m
        };
        if q.breaching {
            visible.retain(|&i| q.items[i].sla.is_breached());
        }
        q.visible = visible;
        self.clamp_selection();
    }

    fn clamp_selection(&mut self) {
        let n = self.queue.visible.len();
        self.queue.selected = self.queue.selected.min(n.saturating_sub(1));
    }

    fn move_selection(&mut self, delta: isize) {
        let n = self.queue.visible.len() as isize;
        if n > 0 {
            self.queue.selected = (self.queue.selected as isize + delta).clamp(0, n - 1) as usize;
        }
    }

    fn page(&self) -> isize {
        layout::list_rows(self.size).max(1) as isize
    }

    fn open_ticket(&mut self, id: i64) -> Vec<Effect> {
        let mut fx = Vec::new();
        if self.ticket.id != id {
            if self.screen == Screen::Ticket {
                fx.push(Effect::LeavePresence(self.ticket.id));
            }
            self.ticket = TicketState::new(id);
        }
        self.screen = Screen::Ticket;
        fx.extend([Effect::LoadTicket(id), Effect::Presence(id)]);
        fx
    }

    fn leave_ticket(&mut self) -> Vec<Effect> {
        self.screen = Screen::Queue;
        self.ticket.viewers.clear();
        vec![Effect::LeavePresence(self.ticket.id)]
    }

    fn reload_queue(&mut self) -> Vec<Effect> {
        self.queue.selected = 0;
        vec![Effect::LoadQueue(self.queue_filter())]
    }

    fn update_queue(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-self.page()),
            Action::PageDown => self.move_selection(self.page()),
            Action::Top => self.queue.selected = 0,
            Action::Bottom => self.queue.selected = self.queue.visible.len().saturating_sub(1),
            Action::Scroll(n) => self.move_selection(n as isize),
            Action::ClickRow(row) => {
                let offset = layout::list_offset(self.queue.selected, layout::list_rows(self.size));
                let target = offset + row as usize;
                if target < self.queue.visible.len() {
                    if target == self.queue.selected {
                        return self.update_queue(Action::Open);
                    }
                    self.queue.selected = target;
                }
            }
            Action::Open => {
                if let Some(id) = self.selected_ticket().map(|t| t.id) {
                    return self.open_ticket(id);
                }
            }
            Action::StartFilter => self.queue.filtering = true,
            Action::CycleScope => {
                self.queue.scope = match self.queue.scope {
                    Scope::Mine => Scope::MyTier,
                    Scope::MyTier => Scope::All,
                    Scope::All => Scope::Mine,
                };
                return self.reload_queue();
            }
            Action::CycleSchool => {
                self.queue.school = match &self.queue.school {
                    None => self.schools.first().cloned(),
                    Some(cur) => {
                        let i = self.schools.iter().position(|s| s == cur);
                        i.and_then(|i| self.schools.get(i + 1)).cloned()
                    }
                };
                return self.reload_queue();
            }
            Action::CycleStatus => {
                let i = StatusFilter::CYCLE.iter().position(|s| *s == self.queue.status).unwrap_or(0);
                self.queue.status = StatusFilter::CYCLE[(i + 1) % StatusFilter::CYCLE.len()];
                return self.reload_queue();
            }
            Action::ToggleBreaching => {
                self.queue.breaching = !self.queue.breaching;
                self.refilter();
            }
            Action::Take => {
                if let Some(t) = self.selected_ticket() {
                    return vec![Effect::Ticket { id: t.id, version: t.version, op: TicketOp::Take }];
                }
            }
            Action::NewTicket => return self.start_form(),
            Action::Back if !self.queue.filter.is_empty() => {
                self.queue.filter.clear();
                self.refilter();
            }
            _ => {}
        }
        Vec::new()
    }

    fn update_filter(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Submit => self.queue.filtering = false,
            Action::Back => {
                self.queue.filtering = false;
                self.queue.filter.clear();
                self.refilter();
            }
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::Input(key) if edit_line(&mut self.queue.filter, key) => {
                self.queue.selected = 0;
                self.refilter();
            }
            _ => {}
        }
        Vec::new()
    }

    fn update_ticket(&mut self, action: Action) -> Vec<Effect> {
        let Some(t) = self.ticket.detail.as_ref().map(|d| d.ticket.clone()) else {
            return match action {
                Action::Back => self.leave_ticket(),
                _ => Vec::new(),
            };
        };
        let op = |op| vec![Effect::Ticket { id: t.id, version: t.version, op }];
        let prompt = |kind| Overlay::Prompt(Box::new(Prompt::new(kind, t.id, t.version, t.tier)));
        match action {
            Action::Back => return self.leave_ticket(),
            Action::Up => self.ticket.scroll = self.ticket.scroll.saturating_sub(1),
            Action::Down => self.ticket.scroll = self.ticket.scroll.saturating_add(1),
            Action::PageUp => self.ticket.scroll = self.ticket.scroll.saturating_sub(self.page() as u16),
            Action::PageDown => self.ticket.scroll = self.ticket.scroll.saturating_add(self.page() as u16),
            Action::Top => self.ticket.scroll = 0,
            Action::Bottom => self.ticket.scroll = u16::MAX,
            Action::Scroll(n) => {
                self.ticket.scroll = (self.ticket.scroll as i32 + n as i32).clamp(0, u16::MAX as i32) as u16
            }
            Action::Take => return op(TicketOp::Take),
            Action::Reopen if t.status == Status::Pending => return op(TicketOp::Resume),
            Action::Reopen => return op(TicketOp::Reopen),
            Action::Pending => self.overlay = prompt(PromptKind::Pending),
            Action::Canned => {
                self.overlay = Overlay::Canned(Box::new(CannedPicker {
                    picker: Picker::new(format!("Canned solution for #{}", t.id), Vec::new()),
                    solutions: Vec::new(),
                    ticket_id: t.id,
                    version: t.version,
                    category: t.category.clone(),
                    preview: None,
                }));
                return vec![Effect::LoadCanned];
            }
            Action::Close => return op(TicketOp::Close),
            Action::Reply => self.overlay = prompt(PromptKind::Reply),
            Action::Note => self.overlay = prompt(PromptKind::Note),
            Action::Resolve => self.overlay = prompt(PromptKind::Resolve),
            Action::Escalate => match t.tier {
                Tier::Three => self.error(format!("#{} is already at tier 3", t.id)),
                tier => {
                    self.overlay = prompt(PromptKind::Escalate(
                        Tier::from_number(tier.number() + 1).unwrap_or(Tier::Three),
                    ))
                }
            },
            Action::Handback => match t.tier {
                Tier::One => self.error(format!("#{} is already at tier 1", t.id)),
                tier => {
                    self.overlay = prompt(PromptKind::Handback(
                        Tier::from_number(tier.number() - 1).unwrap_or(Tier::One),
                    ))
                }
            },
            Action::Assign => {
                self.overlay = Overlay::Assign(
                    Picker::new(format!("Assign #{} to", t.id), tech_items(&self.techs)),
                    t.id,
                    t.version,
                );
                return vec![Effect::LoadTechs];
            }
            Action::NewTicket => return self.start_form(),
            _ => {}
        }
        Vec::new()
    }

    fn update_prompt(&mut self, action: Action) -> Vec<Effect> {
        let Overlay::Prompt(p) = &mut self.overlay else { return Vec::new() };
        match action {
            Action::Back => self.overlay = Overlay::None,
            Action::Cycle => p.cycle_tier(),
            Action::Input(key) => {
                p.editor.input(key);
            }
            Action::Submit => {
                let text = p.text();
                if text.is_empty() {
                    let field = p.kind.field();
                    self.error(format!("{field} must not be empty"));
                    return Vec::new();
                }
                let op = match p.kind {
                    PromptKind::Reply => TicketOp::Reply(text),
                    PromptKind::Note => TicketOp::Note(text),
                    PromptKind::Resolve => TicketOp::Resolve(text),
                    PromptKind::Pending => TicketOp::Pending(text),
                    PromptKind::Escalate(tier) => TicketOp::Escalate(tier, text),
                    PromptKind::Handback(tier) => TicketOp::Handback(tier, text),
                };
                // The prompt stays open until the operation succeeds, so a
                // refused write (conflict, permission) loses no typing.
                return vec![Effect::Ticket { id: p.ticket_id, version: p.version, op }];
            }
            _ => {}
        }
        Vec::new()
    }

    fn update_picker(&mut self, action: Action) -> Vec<Effect> {
        if let Overlay::Canned(c) = &mut self.overlay {
            let (id, version) = (c.ticket_id, c.version);
            let apply = |c: &CannedPicker, resolve: bool| match c.current() {
                Some(s) => vec![Effect::Ticket {
                    id,
                    version,
                    op: TicketOp::ApplyCanned { canned_id: s.id, resolve },
                }],
                None => Vec::new(),
            };
            return match action {
                Action::Back => {
                    self.overlay = Overlay::None;
                    Vec::new()
                }
                Action::Up | Action::Down => {
                    c.picker.move_by(if matches!(action, Action::Up) { -1 } else { 1 });
                    c.preview_effect()
                }
                Action::Input(key) if edit_line(&mut c.picker.filter, key) => {
                    c.picker.refilter();
                    c.preview_effect()
                }
                Action::Submit => apply(c, false),
                Action::SubmitResolve => apply(c, true),
                _ => Vec::new(),
            };
        }
        let Overlay::Assign(picker, id, version) = &mut self.overlay else { return Vec::new() };
        match action {
            Action::Back => self.overlay = Overlay::None,
            Action::Up => picker.move_by(-1),
            Action::Down => picker.move_by(1),
            Action::Input(key) if edit_line(&mut picker.filter, key) => picker.refilter(),
            Action::Submit => {
                if let Some(item) = picker.current() {
                    return vec![Effect::Ticket {
                        id: *id,
                        version: *version,
                        op: TicketOp::Assign(item.key.clone()),
                    }];
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn start_form(&mut self) -> Vec<Effect> {
        self.screen = Screen::NewTicket;
        self.form = Some(NewTicketForm::new(self.people.clone().unwrap_or_default()));
        if self.people.is_none() {
            vec![Effect::LoadRequesters]
        } else {
            Vec::new()
        }
    }

    fn update_form(&mut self, action: Action) -> Vec<Effect> {
        let Some(form) = &mut self.form else {
            self.screen = Screen::Queue;
            return Vec::new();
        };
        match action {
            Action::Back => {
                self.form = None;
                self.screen = if self.ticket.detail.is_some() { Screen::Ticket } else { Screen::Queue };
            }
            Action::NextField => form.next_field(true),
            Action::PrevField => form.next_field(false),
            Action::Submit => return vec![Effect::CreateTicket(form.to_new_ticket())],
            Action::Input(key) => match (form.focus, key.code) {
                (Field::Priority | Field::Source, KeyCode::Left) => form.cycle(false),
                (Field::Priority | Field::Source, KeyCode::Right | KeyCode::Char(' ')) => form.cycle(true),
                (Field::Requester, KeyCode::Up) => form.move_match(-1),
                (Field::Requester, KeyCode::Down) => form.move_match(1),
                (Field::Body, _) => {
                    form.body.input(key);
                }
                (_, KeyCode::Enter) => form.next_field(true),
                (Field::Requester, _) => {
                    form.requester.input(key);
                    form.refresh_matches();
                }
                _ => {
                    if let Some(editor) = form.editor_mut() {
                        editor.input(key);
                    }
                }
            },
            _ => {}
        }
        Vec::new()
    }
}

/// The ticket's own category first, then the most used: the likely answer
/// is at the top before anything is typed.
fn canned_items(solutions: &[CannedSolution], category: Option<&str>) -> Vec<PickItem> {
    let mut sorted: Vec<&CannedSolution> = solutions.iter().collect();
    sorted.sort_by_key(|c| (c.category.as_deref() != category, std::cmp::Reverse(c.uses), c.title.clone()));
    sorted
        .into_iter()
        .map(|c| PickItem {
            key: c.id.to_string(),
            label: format!("{} [{}]", c.title, c.category.as_deref().unwrap_or("-")),
        })
        .collect()
}

fn tech_items(techs: &[Technician]) -> Vec<PickItem> {
    techs
        .iter()
        .map(|t| PickItem {
            key: t.login.clone(),
            label: format!("{} ({}) tier {}{}", t.name, t.login, t.tier, if t.lead { ", lead" } else { "" }),
        })
        .collect()
}

/// Line editing for small single-line fields held as a String.
fn edit_line(text: &mut String, key: KeyEvent) -> bool {
    match key.code {
        KeyCode::Char(c) if !key.modifiers.contains(crossterm::event::KeyModifiers::CONTROL) => {
            text.push(c);
            true
        }
        KeyCode::Backspace => text.pop().is_some(),
        _ => false,
    }
}
