//! Keys to actions, per mode, as data: the help overlay, the footers and
//! the command palette are generated from the same tables, so they always
//! tell the truth. A key means the same on every screen (`r` reply, `s`
//! resolve, `e` escalate, `E` edit, `P` publish, `I` incident, `S` school,
//! `v` status view, `Ctrl-L` refresh, `:` palette, `#` jump); a test
//! (tests/tui_kb_palette.rs) holds the tables to that.

use super::action::Action;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Which table applies: what has the keyboard right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Queue,
    Dashboard,
    Kb,
    KbSearch,
    Article,
    QueueFilter,
    Ticket,
    NewTicket,
    Prompt,
    Picker,
    Help,
    Confirm,
    Jump,
    Palette,
    Preview,
    /// The time-spent box (digits are text).
    Time,
}

/// A key as written in a binding.
#[derive(Debug, Clone, Copy)]
pub enum K {
    Char(char),
    Code(KeyCode),
    Ctrl(char),
}

impl K {
    fn matches(self, key: &KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match self {
            K::Char(c) => !ctrl && key.code == KeyCode::Char(c),
            K::Code(code) => key.code == code,
            K::Ctrl(c) => ctrl && key.code == KeyCode::Char(c),
        }
    }
}

pub struct Binding {
    pub keys: &'static [K],
    /// How the keys are shown in help.
    pub shown: &'static str,
    pub help: &'static str,
    pub action: Action,
}

const fn b(keys: &'static [K], shown: &'static str, help: &'static str, action: Action) -> Binding {
    Binding { keys, shown, help, action }
}

use KeyCode::*;
use K::{Char as C, Code as X, Ctrl};

static MOVE: [Binding; 6] = [
    b(&[X(Up), C('k')], "↑ k", "previous", Action::Up),
    b(&[X(Down), C('j')], "↓ j", "next", Action::Down),
    b(&[X(PageUp), Ctrl('b')], "PgUp", "page up", Action::PageUp),
    b(&[X(PageDown), Ctrl('f')], "PgDn", "page down", Action::PageDown),
    b(&[X(Home), C('g')], "g Home", "first", Action::Top),
    b(&[X(End), C('G')], "G End", "last", Action::Bottom),
];

pub static QUEUE: &[Binding] = &[
    b(&[X(Enter), C('l'), X(Right)], "Enter", "open the ticket", Action::Open),
    b(&[C('n')], "n", "new ticket (phone call)", Action::NewTicket),
    b(&[C('t')], "t", "take the selected ticket", Action::Take),
    b(&[C('/')], "/", "filter as you type (fuzzy)", Action::StartFilter),
    b(&[C(':')], ":", "command palette: every action here; a number jumps to that ticket", Action::Palette),
    b(&[C('#')], "#", "jump to a ticket by number", Action::Jump),
    b(&[C('m')], "m", "scope: mine / my tier / all", Action::CycleScope),
    b(&[C('S')], "S", "next school", Action::CycleSchool),
    b(&[C('v')], "v", "view: active / new / open / pending / resolved / all", Action::CycleStatus),
    b(&[C('b')], "b", "only breaching tickets", Action::ToggleBreaching),
    b(&[C('I')], "I", "incident: gather a flagged outage under one", Action::Gather),
    b(&[C('K')], "K", "knowledge base", Action::KnowledgeBase),
    b(&[C('D')], "D", "dashboard: this week per school", Action::Dashboard),
    b(&[Ctrl('l'), X(F(5))], "Ctrl-L", "refresh", Action::Refresh),
    b(&[C('?'), X(F(1))], "?", "help", Action::ToggleHelp),
    b(&[C('u')], "u", "undo the last close, take or publish (a few seconds)", Action::Undo),
    b(&[C('q'), Ctrl('c')], "q", "quit", Action::Quit),
];

/// Ordered by how often a first-line technician needs them: the footer
/// shows as many as fit, so at 80 columns reply, note, resolve, canned and
/// pending are always there.
pub static TICKET: &[Binding] = &[
    b(&[C('r')], "r", "reply", Action::Reply),
    b(&[C('i')], "i", "internal note", Action::Note),
    b(&[C('s')], "s", "resolve", Action::Resolve),
    b(&[C('c')], "c", "canned (with preview)", Action::Canned),
    b(&[C('p')], "p", "pending: ask the requester (clock stops)", Action::Pending),
    b(&[C('t')], "t", "take", Action::Take),
    b(&[C('e')], "e", "escalate (reason required)", Action::Escalate),
    b(&[C('?'), X(F(1))], "?", "help", Action::ToggleHelp),
    b(&[C('h')], "h", "hand back (note required)", Action::Handback),
    b(&[C('a')], "a", "assign", Action::Assign),
    b(&[C('o')], "o", "reopen, or off hold when pending", Action::Reopen),
    b(&[C('x')], "x", "close (asks first)", Action::Close),
    b(&[C('A')], "A", "turn into a draft article", Action::ToArticle),
    b(&[C('F')], "F", "write the article anyway (after a duplicate warning)", Action::ForceToArticle),
    b(&[C('K')], "K", "knowledge base: articles for this ticket, to send or link", Action::KnowledgeBase),
    b(&[C('/')], "/", "search the knowledge base for this ticket", Action::StartFilter),
    b(&[C(':')], ":", "command palette: every action here; a number jumps to that ticket", Action::Palette),
    b(&[C('#')], "#", "jump to a ticket by number", Action::Jump),
    b(&[C('L')], "L", "link to a related ticket (number)", Action::LinkTo),
    b(&[C('M')], "M", "merge this duplicate into a ticket (number)", Action::MergeInto),
    b(&[C('I')], "I", "incident: attach as a caller (number)", Action::JoinIncident),
    b(&[C('f')], "f", "files: list the attachments, Enter opens one", Action::Files),
    b(&[C('n')], "n", "new ticket", Action::NewTicket),
    b(&[Ctrl('l'), X(F(5))], "Ctrl-L", "refresh", Action::Refresh),
    b(&[C('u')], "u", "undo the last close, take or publish (a few seconds)", Action::Undo),
    b(&[X(Esc), C('q'), X(Left)], "Esc q", "back to the queue", Action::Back),
    b(&[Ctrl('c')], "Ctrl-C", "quit", Action::Quit),
];

pub static QUEUE_FILTER: &[Binding] = &[
    b(&[X(Enter)], "Enter", "keep the filter", Action::Submit),
    b(&[X(Esc)], "Esc", "clear the filter", Action::Back),
    b(&[X(Up)], "↑", "previous", Action::Up),
    b(&[X(Down)], "↓", "next", Action::Down),
    b(&[X(F(1))], "F1", "help", Action::ToggleHelp),
    b(&[Ctrl('c')], "Ctrl-C", "quit", Action::Quit),
];

/// In the form every printable key is text (a subject may end in "?"),
/// so help is F1; on the Priority and Source fields `?` works too.
pub static NEW_TICKET: &[Binding] = &[
    b(&[Ctrl('s')], "Ctrl-S", "log the ticket", Action::Submit),
    b(
        &[Ctrl('r')],
        "Ctrl-R",
        "resolve: log it resolved with the highlighted answer",
        Action::ResolveWithSuggestion,
    ),
    b(&[X(Tab)], "Tab", "next: the next field (accepts the highlighted requester)", Action::NextField),
    b(&[X(Esc)], "Esc", "cancel (asks if typed)", Action::Back),
    b(&[X(F(1))], "F1", "help", Action::ToggleHelp),
    b(&[Ctrl('e')], "Ctrl-E", "expand: the highlighted answer in full", Action::Preview),
    b(&[Ctrl('n')], "Ctrl-N", "next suggested answer", Action::NextSuggestion),
    b(&[Ctrl('p')], "Ctrl-P", "previous suggested answer", Action::PrevSuggestion),
    b(
        &[Ctrl('o')],
        "Ctrl-O",
        "join: a note on the caller's highlighted ticket, not a duplicate",
        Action::OpenCallerTicket,
    ),
    b(&[Ctrl('t')], "Ctrl-T", "next of the caller's tickets", Action::NextCallerTicket),
    b(&[X(BackTab)], "Shift-Tab", "previous field", Action::PrevField),
    b(&[Ctrl('c')], "Ctrl-C", "quit (asks if typed)", Action::Quit),
];

pub static PROMPT: &[Binding] = &[
    b(&[Ctrl('s')], "Ctrl-S", "send", Action::Submit),
    b(&[X(Tab)], "Tab", "change the target tier", Action::Cycle),
    b(&[X(Esc), Ctrl('c')], "Esc", "close (the draft is kept)", Action::Back),
    b(&[X(F(1))], "F1", "help", Action::ToggleHelp),
];

pub static CONFIRM: &[Binding] = &[
    b(&[C('y'), C('Y')], "y", "yes", Action::Yes),
    b(&[C('n'), C('N'), X(Esc), Ctrl('c')], "n Esc", "no", Action::Back),
];

pub static JUMP: &[Binding] = &[
    b(&[X(Enter)], "Enter", "open the ticket", Action::Submit),
    b(&[X(Esc), Ctrl('c')], "Esc", "cancel", Action::Back),
];

pub static PALETTE: &[Binding] = &[
    b(&[X(Enter)], "Enter", "run the highlighted action (or open ticket N)", Action::Submit),
    b(&[X(Up), Ctrl('p')], "↑", "previous", Action::Up),
    b(&[X(Down), Ctrl('n')], "↓", "next", Action::Down),
    b(&[X(Esc), Ctrl('c')], "Esc", "close", Action::Back),
];

pub static PREVIEW: &[Binding] = &[
    b(&[X(Esc), C('q'), Ctrl('e')], "Esc", "close the preview", Action::Back),
    b(&[X(Up), C('k')], "↑ k", "scroll up", Action::Up),
    b(&[X(Down), C('j')], "↓ j", "scroll down", Action::Down),
    b(&[X(PageUp)], "PgUp", "page up", Action::PageUp),
    b(&[X(PageDown)], "PgDn", "page down", Action::PageDown),
];

pub static TIME: &[Binding] = &[
    b(&[X(Enter)], "Enter", "log the time shown (the suggestion unless you typed one)", Action::Submit),
    b(&[X(Tab)], "Tab", "billable / not billable", Action::Cycle),
    b(&[X(Esc)], "Esc", "skip (or back, when time is required); 0 Enter skips too", Action::Back),
    b(&[Ctrl('c')], "Ctrl-C", "cancel: nothing is resolved, sent or logged", Action::Quit),
];

pub static PICKER: &[Binding] = &[
    b(&[X(Enter)], "Enter", "choose (a canned reply is sent)", Action::Submit),
    b(&[Ctrl('r')], "Ctrl-R", "send and resolve (canned replies)", Action::SubmitResolve),
    b(&[X(Up), Ctrl('p')], "↑", "previous", Action::Up),
    b(&[X(Down), Ctrl('n')], "↓", "next", Action::Down),
    b(&[X(Esc)], "Esc", "cancel", Action::Back),
    b(&[Ctrl('c')], "Ctrl-C", "quit", Action::Quit),
];

/// Sending and linking an article: only when the knowledge base was
/// opened from a ticket (`App::applies`).
static SEND_ARTICLE: [Binding; 3] = [
    b(
        &[C('r')],
        "r",
        "reply with it: the article to the requester (from a ticket; edit, then Ctrl-S)",
        Action::Reply,
    ),
    b(
        &[C('s')],
        "s",
        "resolve with it: the article as the resolution (from a ticket; edit, then Ctrl-S)",
        Action::Resolve,
    ),
    b(&[C('L')], "L", "link to the ticket, without sending (from a ticket: solved by)", Action::LinkTo),
];

pub static KB: &[Binding] = &[
    b(&[X(Enter), C('l'), X(Right)], "Enter", "read the article", Action::Open),
    b(&[C('/')], "/", "search as you type", Action::StartFilter),
    b(&[X(Tab)], "Tab", "next category", Action::CycleCategory),
    b(&[C('E')], "E", "edit in $EDITOR", Action::EditArticle),
    b(&[C('P')], "P", "publish (checks for a published twin)", Action::Publish),
    b(&[C('F')], "F", "publish anyway (after a duplicate warning)", Action::ForcePublish),
    b(&[C('u')], "u", "undo the publish (a few seconds)", Action::Undo),
    b(&[C('+')], "+", "helpful", Action::RateHelpful),
    b(&[C('-')], "-", "not helpful", Action::RateUnhelpful),
    b(&[C(':')], ":", "command palette: every action here; a number jumps to that ticket", Action::Palette),
    b(&[C('#')], "#", "jump to a ticket by number", Action::Jump),
    b(&[X(Esc), C('q')], "Esc q", "back", Action::Back),
    b(&[C('?'), X(F(1))], "?", "help", Action::ToggleHelp),
    b(&[Ctrl('c')], "Ctrl-C", "quit", Action::Quit),
];

pub static KB_SEARCH: &[Binding] = &[
    b(&[X(Enter)], "Enter", "keep the results", Action::Submit),
    b(&[X(Esc)], "Esc", "clear the search", Action::Back),
    b(&[X(Up)], "↑", "previous", Action::Up),
    b(&[X(Down)], "↓", "next", Action::Down),
    b(&[Ctrl('c')], "Ctrl-C", "quit", Action::Quit),
];

pub static ARTICLE: &[Binding] = &[
    b(&[C('E')], "E", "edit in $EDITOR", Action::EditArticle),
    b(&[C('P')], "P", "publish (checks for a published twin)", Action::Publish),
    b(&[C('F')], "F", "publish anyway (after a duplicate warning)", Action::ForcePublish),
    b(&[C('u')], "u", "undo the publish (a few seconds)", Action::Undo),
    b(&[C('+')], "+", "helpful", Action::RateHelpful),
    b(&[C('-')], "-", "not helpful", Action::RateUnhelpful),
    b(&[X(Esc), C('q'), X(Left)], "Esc q", "back to the list", Action::Back),
    b(&[C(':')], ":", "command palette: every action here; a number jumps to that ticket", Action::Palette),
    b(&[C('#')], "#", "jump to a ticket by number", Action::Jump),
    b(&[C('?'), X(F(1))], "?", "help", Action::ToggleHelp),
    b(&[Ctrl('c')], "Ctrl-C", "quit", Action::Quit),
];

pub static DASHBOARD: &[Binding] = &[
    b(&[Ctrl('l'), X(F(5))], "Ctrl-L", "refresh the figures", Action::Refresh),
    b(&[X(Esc), C('q')], "Esc q", "back to the queue", Action::Back),
    b(&[C('?'), X(F(1))], "?", "help", Action::ToggleHelp),
    b(&[C('K')], "K", "knowledge base", Action::KnowledgeBase),
    b(&[C(':')], ":", "command palette: every action here; a number jumps to that ticket", Action::Palette),
    b(&[C('#')], "#", "jump to a ticket by number", Action::Jump),
    b(&[Ctrl('c')], "Ctrl-C", "quit", Action::Quit),
];

pub static HELP: &[Binding] = &[
    b(&[C('?'), X(Esc), C('q'), X(F(1))], "? Esc", "close help", Action::ToggleHelp),
    b(&[X(Up), C('k')], "↑ ↓", "scroll", Action::Up),
    b(&[X(Down), C('j')], "↓", "scroll down", Action::Down),
    b(&[X(PageUp)], "PgUp", "page up", Action::PageUp),
    b(&[X(PageDown)], "PgDn", "page down", Action::PageDown),
    b(&[Ctrl('c')], "Ctrl-C", "quit", Action::Quit),
];

/// The bindings of a mode, in the order help shows them.
pub fn bindings(mode: Mode) -> Vec<&'static Binding> {
    let specific: &'static [Binding] = match mode {
        Mode::Queue => QUEUE,
        Mode::Dashboard => DASHBOARD,
        Mode::Kb => KB,
        Mode::KbSearch => KB_SEARCH,
        Mode::Article => ARTICLE,
        Mode::QueueFilter => QUEUE_FILTER,
        Mode::Ticket => TICKET,
        Mode::NewTicket => NEW_TICKET,
        Mode::Prompt => PROMPT,
        Mode::Picker => PICKER,
        Mode::Help => HELP,
        Mode::Confirm => CONFIRM,
        Mode::Jump => JUMP,
        Mode::Palette => PALETTE,
        Mode::Preview => PREVIEW,
        Mode::Time => TIME,
    };
    let mut all: Vec<&'static Binding> = Vec::new();
    // The daily keys of a knowledge base opened from a ticket come first,
    // so the footer shows them.
    if matches!(mode, Mode::Kb | Mode::Article) {
        all.extend(SEND_ARTICLE.iter());
    }
    all.extend(specific.iter());
    if matches!(mode, Mode::Queue | Mode::Ticket | Mode::Kb | Mode::Article) {
        all.extend(MOVE.iter());
    }
    all
}

/// Modes where unbound keys are text for the focused field.
fn takes_text(mode: Mode) -> bool {
    matches!(
        mode,
        Mode::QueueFilter
            | Mode::KbSearch
            | Mode::NewTicket
            | Mode::Prompt
            | Mode::Picker
            | Mode::Jump
            | Mode::Palette
            | Mode::Time
    )
}

/// The action for a key press in `mode`, if any.
pub fn resolve(key: KeyEvent, mode: Mode) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    if let Some(b) = bindings(mode).into_iter().find(|b| b.keys.iter().any(|k| k.matches(&key))) {
        return Some(b.action.clone());
    }
    takes_text(mode).then_some(Action::Input(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn vim_and_arrow_keys_move() {
        assert!(matches!(resolve(key(Char('j')), Mode::Queue), Some(Action::Down)));
        assert!(matches!(resolve(key(Down), Mode::Ticket), Some(Action::Down)));
        assert!(matches!(resolve(key(Char('k')), Mode::Queue), Some(Action::Up)));
    }

    #[test]
    fn letters_are_text_in_text_modes() {
        assert!(matches!(resolve(key(Char('q')), Mode::Prompt), Some(Action::Input(_))));
        assert!(matches!(resolve(key(Char('j')), Mode::QueueFilter), Some(Action::Input(_))));
        assert!(matches!(resolve(key(Esc), Mode::Prompt), Some(Action::Back)));
        let ctrl_s = KeyEvent::new(Char('s'), KeyModifiers::CONTROL);
        assert!(matches!(resolve(ctrl_s, Mode::Prompt), Some(Action::Submit)));
    }

    #[test]
    fn no_key_is_bound_twice_in_a_mode() {
        for mode in [
            Mode::Queue,
            Mode::QueueFilter,
            Mode::Ticket,
            Mode::NewTicket,
            Mode::Prompt,
            Mode::Picker,
            Mode::Kb,
            Mode::KbSearch,
            Mode::Article,
            Mode::Dashboard,
            Mode::Confirm,
            Mode::Jump,
            Mode::Time,
            Mode::Help,
            Mode::Palette,
            Mode::Preview,
        ] {
            let mut seen = Vec::new();
            for b in bindings(mode) {
                for k in b.keys {
                    let id = format!("{k:?}");
                    assert!(!seen.contains(&id), "{id} bound twice in {mode:?}");
                    seen.push(id);
                }
            }
        }
    }
}
