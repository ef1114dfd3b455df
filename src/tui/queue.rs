//! The queue screen: its rows, the filters (scope, school, status,
//! breaching, fuzzy as you type) and the keys that act on the selected
//! ticket.

use super::action::{Action, Effect};
use super::cursor::ListCursor;
use super::layout;
use super::prompt::fuzzy_rank;
use super::screen::{edit_line, Ctx, Nav, Outcome, Screen};
use crate::domain::{QueueItem, Status, Technician, Ticket, TicketFilter};

/// How many queue rows the console loads at once.
pub const QUEUE_LIMIT: usize = 500;

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
    pub cursor: ListCursor,
    pub filter: String,
    pub filtering: bool,
    pub scope: Scope,
    pub school: Option<String>,
    pub status: StatusFilter,
    pub breaching: bool,
    pub loaded: bool,
}

impl QueueState {
    /// A lead sees everything at first; others their tier.
    pub fn new(me: &Technician) -> QueueState {
        QueueState {
            items: Vec::new(),
            visible: Vec::new(),
            cursor: ListCursor::new(),
            filter: String::new(),
            filtering: false,
            scope: if me.lead { Scope::All } else { Scope::MyTier },
            school: None,
            status: StatusFilter::Active,
            breaching: false,
            loaded: false,
        }
    }

    /// The service filter for the queue's scope, school and status.
    pub fn filter_for(&self, me: &Technician) -> TicketFilter {
        let (statuses, include_done) = match self.status {
            StatusFilter::Active => (Vec::new(), false),
            StatusFilter::Only(s) => (vec![s], false),
            StatusFilter::All => (Vec::new(), true),
        };
        TicketFilter {
            statuses,
            tier: (self.scope == Scope::MyTier).then_some(me.tier),
            school: self.school.clone(),
            assignee: (self.scope == Scope::Mine).then(|| me.login.clone()),
            include_done,
            limit: Some(QUEUE_LIMIT),
        }
    }

    pub fn selected_ticket(&self) -> Option<&Ticket> {
        self.visible.get(self.cursor.index()).map(|&i| &self.items[i].ticket)
    }

    pub(crate) fn refilter(&mut self) {
        let labels: Vec<String> = self
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
        let mut visible = if self.filter.trim().is_empty() {
            (0..self.items.len()).collect()
        } else {
            // Keep the urgency order among matches: a queue, not a search.
            let mut m = fuzzy_rank(&self.filter, labels.iter().map(String::as_str));
            m.sort_unstable();
            m
        };
        if self.breaching {
            visible.retain(|&i| self.items[i].sla.is_breached());
        }
        self.visible = visible;
        self.clamp_selection();
    }

    pub(crate) fn clamp_selection(&mut self) {
        self.cursor.set_len(self.visible.len());
    }

    /// New rows: the selected ticket stays selected. The first queue is on
    /// screen: then what is kept from before (drafts) is loaded.
    pub fn loaded(&mut self, items: Vec<QueueItem>) -> Vec<Effect> {
        let keep = self.selected_ticket().map(|t| t.id);
        let fx = if self.loaded {
            vec![Effect::LoadNotices]
        } else {
            vec![Effect::LoadNotices, Effect::LoadDrafts]
        };
        self.items = items;
        self.loaded = true;
        self.refilter();
        let items = &self.items;
        if let Some(pos) = keep.and_then(|id| self.visible.iter().position(|&i| items[i].ticket.id == id)) {
            self.cursor.select(pos);
        }
        fx
    }

    /// The filters changed: from the top, rows for the new filter.
    pub(crate) fn reload(&mut self, me: &Technician) -> Vec<Effect> {
        self.cursor.first();
        vec![Effect::LoadQueue(self.filter_for(me))]
    }

    /// The queue's keys (while the fuzzy filter is typed: `update_filter`).
    pub fn update(&mut self, action: Action, ctx: &Ctx) -> Outcome {
        if self.filtering {
            return self.update_filter(action);
        }
        match action {
            Action::Up => self.cursor.move_by(-1),
            Action::Down => self.cursor.move_by(1),
            Action::PageUp => self.cursor.move_by(-ctx.page()),
            Action::PageDown => self.cursor.move_by(ctx.page()),
            Action::Top => self.cursor.first(),
            Action::Bottom => self.cursor.last(),
            Action::Scroll(n) => self.cursor.move_by(n as isize),
            Action::Click(y) => {
                let Some(row) = layout::row_at(y, ctx.size) else { return Outcome::none() };
                let target = self.cursor.offset(layout::list_rows(ctx.size)) + row as usize;
                if self.cursor.is(target) {
                    return self.update(Action::Open, ctx);
                }
                self.cursor.select(target);
            }
            Action::Open => {
                if let Some(id) = self.selected_ticket().map(|t| t.id) {
                    return Nav::OpenTicket(id).into();
                }
            }
            Action::StartFilter => self.filtering = true,
            Action::Gather => {
                if let Some(id) = self.selected_ticket().map(|t| t.id) {
                    return vec![Effect::GatherBurst(id)].into();
                }
            }
            Action::CycleScope => {
                self.scope = match self.scope {
                    Scope::Mine => Scope::MyTier,
                    Scope::MyTier => Scope::All,
                    Scope::All => Scope::Mine,
                };
                return self.reload(ctx.me).into();
            }
            Action::CycleSchool => {
                self.school = match &self.school {
                    None => ctx.schools.first().cloned(),
                    Some(cur) => {
                        let i = ctx.schools.iter().position(|s| s == cur);
                        i.and_then(|i| ctx.schools.get(i + 1)).cloned()
                    }
                };
                return self.reload(ctx.me).into();
            }
            Action::CycleStatus => {
                let i = StatusFilter::CYCLE.iter().position(|s| *s == self.status).unwrap_or(0);
                self.status = StatusFilter::CYCLE[(i + 1) % StatusFilter::CYCLE.len()];
                return self.reload(ctx.me).into();
            }
            Action::ToggleBreaching => {
                self.breaching = !self.breaching;
                self.refilter();
            }
            Action::Take => {
                if let Some(t) = self.selected_ticket() {
                    return super::guards::take(t, ctx);
                }
            }
            Action::Jump => return Nav::Overlay(super::overlay::Overlay::Jump(String::new())).into(),
            Action::Palette => return Nav::Palette.into(),
            Action::NewTicket => return Nav::NewTicket.into(),
            Action::KnowledgeBase => return Nav::Kb.into(),
            Action::Dashboard => {
                return Outcome::nav(Nav::To(Screen::Dashboard)).with(vec![Effect::LoadDashboard]);
            }
            Action::Back if !self.filter.is_empty() => {
                self.filter.clear();
                self.refilter();
            }
            _ => {}
        }
        Outcome::none()
    }

    fn update_filter(&mut self, action: Action) -> Outcome {
        match action {
            Action::Submit => self.filtering = false,
            Action::Back => {
                self.filtering = false;
                self.filter.clear();
                self.refilter();
            }
            Action::Up => self.cursor.move_by(-1),
            Action::Down => self.cursor.move_by(1),
            Action::Input(key) if edit_line(&mut self.filter, key) => {
                self.cursor.first();
                self.refilter();
            }
            _ => {}
        }
        Outcome::none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Tier;
    use std::collections::HashMap;

    /// The queue answers on its own, no router: what it changed in itself,
    /// and what it asks of the router.
    #[test]
    fn the_queue_changes_its_own_filters_and_asks_for_the_rest() {
        let me = Technician {
            id: 1,
            login: "jaya".into(),
            name: "Jaya Patel".into(),
            tier: Tier::One,
            lead: false,
        };
        let schools = vec!["BEDE".to_string(), "HILL".to_string()];
        let drafts = HashMap::new();
        let ctx = Ctx { me: &me, size: (80, 24), techs: &[], schools: &schools, drafts: &drafts };
        let mut q = QueueState::new(&me);
        assert_eq!(q.scope, Scope::MyTier, "a technician who is not a lead starts on their tier");

        q.update(Action::CycleScope, &ctx);
        assert_eq!(q.scope, Scope::All);
        let out = q.update(Action::CycleScope, &ctx);
        assert_eq!(q.scope, Scope::Mine);
        let Some(Effect::LoadQueue(f)) = out.effects.last() else { panic!("the queue reloads") };
        assert_eq!(f.assignee.as_deref(), Some("jaya"));
        assert_eq!(q.update(Action::CycleSchool, &ctx).effects.len(), 1);
        assert_eq!(q.school.as_deref(), Some("BEDE"));

        let out = q.update(Action::Dashboard, &ctx);
        assert!(matches!(out.nav, Nav::To(Screen::Dashboard)));
        assert_eq!(out.effects, [Effect::LoadDashboard]);
        assert!(matches!(q.update(Action::NewTicket, &ctx).nav, Nav::NewTicket));
        assert!(matches!(q.update(Action::Jump, &ctx).nav, Nav::Overlay(_)));
        // Nothing selected: Enter opens nothing and asks for nothing.
        let out = q.update(Action::Open, &ctx);
        assert!(matches!(out.nav, Nav::Stay) && out.effects.is_empty());
    }
}
