//! The queue screen's `update`: moving through the list, filtering as you
//! type, and the keys that act on the selected ticket.

use super::action::{Action, Effect};
use super::app::{edit_line, App, Scope, Screen, StatusFilter};
use super::layout;
use super::prompt::fuzzy_rank;
use crate::domain::QueueItem;

impl App {
    pub(crate) fn refilter(&mut self) {
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

    pub(crate) fn clamp_selection(&mut self) {
        self.queue.cursor.set_len(self.queue.visible.len());
    }

    pub(crate) fn move_selection(&mut self, delta: isize) {
        self.queue.cursor.move_by(delta);
    }

    /// A page as a scroll distance in rows.
    pub(crate) fn update_queue(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-self.page()),
            Action::PageDown => self.move_selection(self.page()),
            Action::Top => self.queue.cursor.first(),
            Action::Bottom => self.queue.cursor.last(),
            Action::Scroll(n) => self.move_selection(n as isize),
            Action::Click(y) => {
                let Some(row) = layout::row_at(y, self.size) else { return Vec::new() };
                let target = self.queue.cursor.offset(layout::list_rows(self.size)) + row as usize;
                if self.queue.cursor.is(target) {
                    return self.update_queue(Action::Open);
                }
                self.queue.cursor.select(target);
            }
            Action::Open => {
                if let Some(id) = self.selected_ticket().map(|t| t.id) {
                    return self.open_ticket(id);
                }
            }
            Action::StartFilter => self.queue.filtering = true,
            Action::Gather => return self.gather_selected(),
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
                if let Some(t) = self.selected_ticket().cloned() {
                    return self.take(&t);
                }
            }
            Action::Jump => return self.start_jump(),
            Action::Palette => return self.start_palette(),
            Action::NewTicket => return self.start_form(),
            Action::KnowledgeBase => return self.start_kb(),
            Action::Dashboard => {
                self.screen = Screen::Dashboard;
                return vec![Effect::LoadDashboard];
            }
            Action::Back if !self.queue.filter.is_empty() => {
                self.queue.filter.clear();
                self.refilter();
            }
            _ => {}
        }
        Vec::new()
    }

    pub(crate) fn update_filter(&mut self, action: Action) -> Vec<Effect> {
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
                self.queue.cursor.first();
                self.refilter();
            }
            _ => {}
        }
        Vec::new()
    }
}
