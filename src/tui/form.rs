//! The new-ticket form, built for logging a call while on the phone:
//! requester (fuzzy pick from known people, or a new email), subject, body,
//! priority, category and source.

use super::action::{Action, Effect};
use super::confirm::OnYes;
use super::layout::step_wrapped;
use super::overlay::Overlay;
use super::prompt::fuzzy_rank;
use super::screen::{Nav, Outcome};
use crate::domain::ArticleId;
use crate::domain::TicketId;
use crate::domain::{NewTicket, Priority, Source};
use crate::search::{Suggestion, SuggestionKind};
use crate::service::deflect::FirstContact;
use crossterm::event::KeyCode;
use ratatui_textarea::TextArea;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Requester,
    Name,
    Subject,
    Body,
    Priority,
    Category,
    Source,
}

impl Field {
    /// Screen order: the bottom row reads Priority, Source, Category.
    pub const ORDER: [Field; 7] = [
        Field::Requester,
        Field::Name,
        Field::Subject,
        Field::Body,
        Field::Priority,
        Field::Source,
        Field::Category,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::Requester => "Requester",
            Field::Name => "New requester's name",
            Field::Subject => "Subject",
            Field::Body => "Details",
            Field::Priority => "Priority",
            Field::Category => "Category",
            Field::Source => "Source",
        }
    }
}

pub struct NewTicketForm {
    pub focus: Field,
    pub requester: TextArea<'static>,
    pub name: TextArea<'static>,
    pub subject: TextArea<'static>,
    pub body: TextArea<'static>,
    pub category: TextArea<'static>,
    pub priority: Priority,
    pub source: Source,
    /// Known requesters as (email, name).
    pub people: Vec<(String, String)>,
    /// Indices into `people` matching the requester field, best first.
    pub matches: Vec<usize>,
    /// The highlighted match (Up/Down in the requester field).
    pub match_cursor: super::cursor::ListCursor,
    /// Answers that may already exist for what is typed, best first.
    pub suggestions: Vec<Suggestion>,
    /// The highlighted answer (Ctrl-N / Ctrl-P).
    pub suggestion_cursor: super::cursor::ListCursor,
    /// The text the suggestions were asked for (see `suggest_key`).
    pub suggested_for: String,
    /// The picked requester's open and recent tickets (caller context).
    pub caller: Vec<crate::domain::Ticket>,
    pub caller_selected: usize,
    /// The known requester the caller tickets are (being) loaded for.
    pub caller_for: String,
}

/// What suggestions are searched for: the subject and the details.
pub fn suggest_key(new: &NewTicket) -> String {
    format!("{}\n{}", new.subject, new.body)
}

fn line_editor(placeholder: &str) -> TextArea<'static> {
    let mut t = TextArea::default();
    t.set_cursor_line_style(ratatui::style::Style::new());
    t.set_placeholder_text(placeholder.to_string());
    t
}

fn text_of(t: &TextArea<'_>) -> String {
    t.lines().join("\n").trim().to_string()
}

impl NewTicketForm {
    pub fn new(people: Vec<(String, String)>) -> NewTicketForm {
        NewTicketForm {
            focus: Field::Requester,
            requester: line_editor("type a name or email"),
            name: line_editor("only for someone not known yet"),
            subject: line_editor("what is wrong, in a few words"),
            body: line_editor("what they said: error messages, room, device"),
            category: line_editor("e.g. printing, network, accounts"),
            priority: Priority::Normal,
            source: Source::Phone,
            people,
            matches: Vec::new(),
            match_cursor: super::cursor::ListCursor::wrapping(),
            suggestions: Vec::new(),
            suggestion_cursor: super::cursor::ListCursor::wrapping(),
            suggested_for: String::new(),
            caller: Vec::new(),
            caller_selected: 0,
            caller_for: String::new(),
        }
    }

    /// Loads the caller's tickets when the requester field names someone
    /// known (and not the one already shown); clears them otherwise.
    pub fn caller_effect(&mut self) -> Vec<Effect> {
        let email = self.requester_text().to_lowercase();
        let known = self.people.iter().any(|(e, _)| e.to_lowercase() == email);
        if !known {
            self.caller.clear();
            self.caller_for.clear();
            return Vec::new();
        }
        if email == self.caller_for {
            return Vec::new();
        }
        self.caller.clear();
        self.caller_selected = 0;
        self.caller_for = email.clone();
        vec![Effect::LoadCaller(email)]
    }

    /// The caller's tickets arrived (dropped if the requester changed).
    pub fn caller_loaded(&mut self, email: &str, tickets: Vec<crate::domain::Ticket>) {
        if email == self.caller_for {
            self.caller = tickets;
            self.caller_selected = 0;
        }
    }

    pub fn selected_caller_ticket(&self) -> Option<&crate::domain::Ticket> {
        self.caller.get(self.caller_selected)
    }

    /// A search for the current text, unless it was already asked for.
    pub(crate) fn suggest_effect(&mut self) -> Vec<Effect> {
        let new = self.to_new_ticket();
        let key = suggest_key(&new);
        if key == self.suggested_for {
            return Vec::new();
        }
        self.suggested_for = key;
        if new.subject.is_empty() && new.body.is_empty() {
            self.suggestions.clear();
            self.suggestion_cursor.reset(0);
            return Vec::new();
        }
        vec![Effect::Suggest(new)]
    }

    /// Suggestions arrive for the text they were asked for; stale ones
    /// (the technician typed on) are dropped.
    pub fn suggestions_loaded(&mut self, key: &str, suggestions: Vec<Suggestion>) {
        if key == self.suggested_for {
            self.suggestion_cursor.reset(suggestions.len());
            self.suggestions = suggestions;
        }
    }

    pub fn selected_suggestion(&self) -> Option<&Suggestion> {
        self.suggestions.get(self.suggestion_cursor.index())
    }

    fn move_suggestion(&mut self, delta: isize) {
        self.suggestion_cursor.move_by(delta);
    }

    pub fn set_people(&mut self, people: Vec<(String, String)>) {
        self.people = people;
        self.refresh_matches();
    }

    /// The editor of the focused text field, if it is one.
    pub fn editor_mut(&mut self) -> Option<&mut TextArea<'static>> {
        match self.focus {
            Field::Requester => Some(&mut self.requester),
            Field::Name => Some(&mut self.name),
            Field::Subject => Some(&mut self.subject),
            Field::Body => Some(&mut self.body),
            Field::Category => Some(&mut self.category),
            Field::Priority | Field::Source => None,
        }
    }

    /// Whether anything was typed that Esc would throw away.
    pub fn has_text(&self) -> bool {
        [&self.requester, &self.name, &self.subject, &self.body, &self.category]
            .iter()
            .any(|t| !text_of(t).is_empty())
    }

    /// The requester's name, known or typed for a new one.
    pub fn requester_name(&self) -> Option<String> {
        let email = self.requester_text().to_lowercase();
        self.people
            .iter()
            .find(|(e, _)| *e == email)
            .map(|(_, n)| n.clone())
            .or_else(|| Some(text_of(&self.name)).filter(|n| !n.is_empty()))
    }

    pub fn requester_text(&self) -> String {
        text_of(&self.requester)
    }

    pub fn subject_text(&self) -> String {
        text_of(&self.subject)
    }

    pub fn body_text(&self) -> String {
        text_of(&self.body)
    }

    /// True when the requester field holds an email nobody has yet: the
    /// name field is then needed.
    pub fn is_new_requester(&self) -> bool {
        let r = self.requester_text().to_lowercase();
        r.contains('@') && !self.people.iter().any(|(email, _)| *email == r)
    }

    pub fn refresh_matches(&mut self) {
        let q = self.requester_text();
        self.matches = if q.is_empty() {
            Vec::new()
        } else {
            let labels: Vec<String> = self.people.iter().map(|(e, n)| format!("{n} {e}")).collect();
            let mut m = fuzzy_rank(&q, labels.iter().map(String::as_str));
            m.truncate(6);
            m
        };
        self.match_cursor.reset(self.matches.len());
    }

    /// Fills the requester field with the highlighted match.
    pub fn accept_match(&mut self) -> bool {
        let Some(&i) = self.matches.get(self.match_cursor.index()) else { return false };
        let email = self.people[i].0.clone();
        if self.requester_text() == email {
            return false;
        }
        self.requester = line_editor("type a name or email");
        self.requester.insert_str(&email);
        self.matches.clear();
        self.match_cursor.reset(0);
        true
    }

    pub fn move_match(&mut self, delta: isize) {
        self.match_cursor.move_by(delta);
    }

    fn visible_fields(&self) -> Vec<Field> {
        Field::ORDER.into_iter().filter(|f| *f != Field::Name || self.is_new_requester()).collect()
    }

    /// Tab in the requester field takes the highlighted match and moves
    /// on in the same key press, so the count of Tabs never depends on
    /// whether the name typed was complete.
    pub fn next_field(&mut self, forward: bool) {
        if self.focus == Field::Requester && forward {
            self.accept_match();
        }
        let fields = self.visible_fields();
        let i = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
        if let Some(f) = fields.get(step_wrapped(i, if forward { 1 } else { -1 }, fields.len())) {
            self.focus = *f;
        }
    }

    /// Left/Right on the priority and source fields.
    pub fn cycle(&mut self, forward: bool) {
        fn step<T: Copy + PartialEq>(all: &[T], cur: T, forward: bool) -> T {
            let i = all.iter().position(|x| *x == cur).unwrap_or(0);
            all.get(step_wrapped(i, if forward { 1 } else { -1 }, all.len())).copied().unwrap_or(cur)
        }
        match self.focus {
            Field::Priority => self.priority = step(Priority::ALL, self.priority, forward),
            Field::Source => self.source = step(Source::ALL, self.source, forward),
            _ => {}
        }
    }

    /// The ticket to log; the service checks every field.
    pub fn to_new_ticket(&self) -> NewTicket {
        let name = text_of(&self.name);
        let category = text_of(&self.category);
        NewTicket {
            subject: self.subject_text(),
            body: self.body_text(),
            requester: self.requester_text(),
            requester_name: (!name.is_empty()).then_some(name),
            priority: Some(self.priority),
            category: (!category.is_empty()).then_some(category),
            source: Some(self.source),
            keep: false,
        }
    }
}

impl NewTicketForm {
    /// The form's keys. Every printable key is text, except on the
    /// priority and source fields.
    pub fn update(&mut self, action: Action) -> Outcome {
        match action {
            Action::Back if self.has_text() => {
                Nav::Ask("Discard this half-typed ticket? y/n".into(), OnYes::DiscardForm).into()
            }
            Action::Back => Nav::Back.into(),
            Action::NextField => {
                self.next_field(true);
                self.caller_effect().into()
            }
            Action::NextCallerTicket => {
                self.caller_selected = step_wrapped(self.caller_selected, 1, self.caller.len());
                Outcome::none()
            }
            Action::OpenCallerTicket => self.join_caller_ticket(),
            Action::PrevField => {
                self.next_field(false);
                Outcome::none()
            }
            Action::Submit => vec![Effect::CreateTicket(self.to_new_ticket())].into(),
            Action::Preview => match self.selected_suggestion() {
                Some(s) => vec![Effect::PreviewSuggestion {
                    suggestion: s.clone(),
                    requester_name: self.requester_name(),
                }]
                .into(),
                None => Outcome::error("no suggested answer to preview: type the subject or details first"),
            },
            Action::NextSuggestion => {
                self.move_suggestion(1);
                Outcome::none()
            }
            Action::PrevSuggestion => {
                self.move_suggestion(-1);
                Outcome::none()
            }
            Action::ResolveWithSuggestion => {
                let Some(s) = self.selected_suggestion() else {
                    return Outcome::error(
                        "no suggested answer to resolve with: type the subject or details first",
                    );
                };
                match s.kind {
                    SuggestionKind::Article => Outcome::nav(Nav::ResolveCall(
                        Box::new(self.to_new_ticket()),
                        FirstContact::Article(ArticleId(s.id)),
                    )),
                    // Another requester's reply is never sent word for word:
                    // it opens in a reply box, their name replaced.
                    SuggestionKind::Ticket => vec![Effect::LoadReuse {
                        source: TicketId(s.id),
                        requester_name: self.requester_name(),
                    }]
                    .into(),
                }
            }
            Action::Input(key) => self.input(key),
            _ => Outcome::none(),
        }
    }

    fn input(&mut self, key: crossterm::event::KeyEvent) -> Outcome {
        match (self.focus, key.code) {
            (Field::Priority | Field::Source, KeyCode::Left) => self.cycle(false),
            (Field::Priority | Field::Source, KeyCode::Right) => self.cycle(true),
            // Explicit keys only: a stray Space or letter typed into the
            // wrong field must never make a ticket urgent.
            (Field::Priority, KeyCode::Char(c @ '1'..='4')) => {
                let i = c as usize - '1' as usize;
                self.priority = Priority::ALL.get(i).copied().unwrap_or(self.priority);
            }
            (Field::Priority | Field::Source, KeyCode::Char('?')) => {
                return Nav::Overlay(Overlay::Help).into()
            }
            (Field::Priority | Field::Source, KeyCode::Char(_)) => {}
            (Field::Requester, KeyCode::Up) => self.move_match(-1),
            (Field::Requester, KeyCode::Down) => self.move_match(1),
            (Field::Body, _) => {
                self.body.input(key);
                return self.suggest_effect().into();
            }
            (_, KeyCode::Enter) => {
                self.next_field(true);
                return self.caller_effect().into();
            }
            (Field::Requester, _) => {
                self.requester.input(key);
                self.refresh_matches();
                return self.caller_effect().into();
            }
            _ => {
                if let Some(editor) = self.editor_mut() {
                    editor.input(key);
                }
                return self.suggest_effect().into();
            }
        }
        Outcome::none()
    }

    /// Ctrl-O: the caller is chasing a ticket they already have: open it
    /// with a note holding what was typed, instead of a duplicate.
    fn join_caller_ticket(&self) -> Outcome {
        let Some(t) = self.selected_caller_ticket().cloned() else {
            return Outcome::error("no ticket of this caller to join: pick a known requester first");
        };
        let typed: Vec<String> =
            [self.subject_text(), self.body_text()].into_iter().filter(|x| !x.is_empty()).collect();
        let note = if typed.is_empty() {
            format!("{} called again about this.", t.requester_name)
        } else {
            format!("{} called again ({}): {}", t.requester_name, self.source, typed.join(" — "))
        };
        Nav::JoinCaller { ticket: Box::new(t), note }.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> NewTicketForm {
        NewTicketForm::new(vec![
            ("r.hughes@stbedes.sch.uk".into(), "Rachel Hughes".into()),
            ("b.khan@hillside.sch.uk".into(), "Bilal Khan".into()),
        ])
    }

    #[test]
    fn typing_a_name_offers_the_requester_and_tab_accepts_it() {
        let mut f = form();
        f.requester.insert_str("rach");
        f.refresh_matches();
        assert_eq!(f.matches, [0]);
        f.next_field(true);
        assert_eq!(f.requester_text(), "r.hughes@stbedes.sch.uk");
        assert_eq!(
            f.focus,
            Field::Subject,
            "one Tab accepts the match and moves on: a known requester needs no name"
        );
    }

    #[test]
    fn a_new_email_asks_for_a_name() {
        let mut f = form();
        f.requester.insert_str("new.teacher@hillside.sch.uk");
        f.refresh_matches();
        assert!(f.is_new_requester());
        f.next_field(true);
        assert_eq!(f.focus, Field::Name);
        f.name.insert_str("New Teacher");
        assert_eq!(f.to_new_ticket().requester_name.as_deref(), Some("New Teacher"));
    }

    #[test]
    fn priority_cycles_both_ways() {
        let mut f = form();
        f.focus = Field::Priority;
        f.cycle(true);
        assert_eq!(f.priority, Priority::High);
        f.cycle(false);
        f.cycle(false);
        assert_eq!(f.priority, Priority::Low);
    }

    #[test]
    fn esc_asks_only_when_something_was_typed() {
        let mut f = form();
        assert!(matches!(f.update(Action::Back).nav, Nav::Back), "an empty form just goes back");
        f.subject.insert_str("Printer jammed");
        let out = f.update(Action::Back);
        assert!(matches!(out.nav, Nav::Ask(_, OnYes::DiscardForm)), "half-typed: asked first");
        assert_eq!(f.subject_text(), "Printer jammed", "asking keeps the typing");
        assert!(matches!(f.update(Action::OpenCallerTicket).nav, Nav::Error(_)), "no caller picked yet");
    }
}
