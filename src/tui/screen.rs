//! What every screen shares with the router (`app`): which screen is on,
//! the read-only context a screen's `update` is given, and what it gives
//! back. A screen owns its state and changes only that; anything beyond it
//! (another screen, an overlay, the status line) is asked for with a `Nav`
//! that `App` carries out. So no screen module knows `App` (a lib test in
//! `app` holds them to that).

use super::action::Effect;
use super::confirm::OnYes;
use super::drafts::DraftKey;
use super::layout;
use super::overlay::Overlay;
use crate::domain::{NewTicket, Technician, Ticket, TicketId};
use crate::service::deflect::FirstContact;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Queue,
    Ticket,
    NewTicket,
    Kb,
    Dashboard,
}

/// What a screen may read but not change: who is at the keyboard, the
/// terminal, the desk's lists and the unsent drafts. (Time matters only
/// to the router: the time box and undo live there.)
pub struct Ctx<'a> {
    pub me: &'a Technician,
    pub size: (u16, u16),
    pub techs: &'a [Technician],
    pub schools: &'a [String],
    /// Unsent text of the boxes, per (ticket, kind of box).
    pub drafts: &'a HashMap<DraftKey, String>,
}

impl Ctx<'_> {
    /// A page of the main area in terminal rows (scrolling text).
    pub fn page_cells(&self) -> u16 {
        page_cells(self.size)
    }

    /// A page of the main area as a list distance.
    pub fn page(&self) -> isize {
        isize::try_from(layout::list_rows(self.size).max(1)).unwrap_or(isize::MAX)
    }
}

/// A page of the main area in terminal rows, at this terminal size.
pub fn page_cells(size: (u16, u16)) -> u16 {
    layout::cells(layout::list_rows(size).max(1))
}

/// What a screen asks the router to do after its own state changed.
pub enum Nav {
    /// Nothing beyond the effects.
    Stay,
    /// Leave this screen for where it was opened from.
    Back,
    /// Leave the ticket screen, asking for the time spent when it was
    /// open long enough.
    BackAskingTime,
    /// Show another screen (its data is loaded by the effects).
    To(Screen),
    OpenTicket(TicketId),
    /// The new-ticket form, from here.
    NewTicket,
    /// The knowledge base, from here.
    Kb,
    /// The knowledge base for the ticket on screen: its subject searched,
    /// or (typing) an empty search.
    KbForTicket {
        typing: bool,
    },
    /// Draw this over the screen.
    Overlay(Overlay),
    /// A yes/no question over the screen.
    Ask(String, OnYes),
    /// The command palette for this screen.
    Palette,
    /// The caller's existing ticket instead of the form: open it with this
    /// note in its note box.
    JoinCaller {
        ticket: Box<Ticket>,
        note: String,
    },
    /// Log the call resolved with this answer, once the time spent on it
    /// is asked (Ctrl-R in the form).
    ResolveCall(Box<NewTicket>, FirstContact),
    /// An error on the status line (nothing else changes).
    Error(String),
}

/// A screen's answer to one action.
pub struct Outcome {
    pub effects: Vec<Effect>,
    pub nav: Nav,
}

impl Outcome {
    pub fn none() -> Outcome {
        Outcome { effects: Vec::new(), nav: Nav::Stay }
    }

    pub fn effects(effects: Vec<Effect>) -> Outcome {
        Outcome { effects, nav: Nav::Stay }
    }

    pub fn nav(nav: Nav) -> Outcome {
        Outcome { effects: Vec::new(), nav }
    }

    pub fn error(msg: impl Into<String>) -> Outcome {
        Outcome::nav(Nav::Error(msg.into()))
    }

    /// The same navigation, with these effects run first.
    pub fn with(mut self, effects: Vec<Effect>) -> Outcome {
        self.effects.splice(0..0, effects);
        self
    }
}

impl From<Vec<Effect>> for Outcome {
    fn from(effects: Vec<Effect>) -> Outcome {
        Outcome::effects(effects)
    }
}

impl From<Nav> for Outcome {
    fn from(nav: Nav) -> Outcome {
        Outcome::nav(nav)
    }
}

/// Line editing for small single-line fields held as a String.
pub(crate) fn edit_line(text: &mut String, key: KeyEvent) -> bool {
    match key.code {
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            text.push(c);
            true
        }
        KeyCode::Backspace => text.pop().is_some(),
        _ => false,
    }
}
