//! The console: a ratatui TUI over the same service the CLI uses.
//!
//! Flow (Elm style, atuin's split): `keymap::resolve(key, mode)` gives an
//! `Action`; `App::update` changes state and returns `Effect`s; the loop runs
//! each effect through the service (`runner`) and feeds the result back;
//! then `view::draw` renders. The database is read only on input, on
//! refresh, or when another technician commits (`PRAGMA data_version`).
//!
//! Structure: `App` (`app/`) is a router. Each screen (`queue`, `ticket`,
//! `form`, `kb`, `dashboard`) owns its state and an `update` that returns
//! effects and a `screen::Nav` (another screen, an overlay, a question);
//! the screens and the overlays' state (`overlay`, `prompt`, `canned`,
//! `confirm`, `palette`, `timeask`, `undo`, `drafts`) never name `App`.

pub mod action;
pub mod app;
pub mod canned;
pub mod confirm;
pub mod cursor;
pub mod dashboard;
pub mod drafts;
pub mod files;
pub mod form;
pub mod guards;
pub mod incidents;
pub mod kb;
pub mod keymap;
pub mod layout;
pub mod overlay;
pub mod palette;
pub mod prompt;
pub mod queue;
pub mod runner;
pub mod screen;
pub mod theme;
pub mod ticket;
pub mod timeask;
pub mod undo;
pub mod view;

use crate::service::Desk;
use crate::{Error, Result};
use action::{Action, Effect};
use app::App;
use crossterm::event::{self, Event, MouseButton, MouseEventKind};
use std::collections::VecDeque;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

/// How often other technicians' changes are looked for.
const POLL: Duration = Duration::from_millis(500);
/// How often an open ticket's presence is refreshed (others drop it after ~10 s).
const HEARTBEAT: Duration = Duration::from_secs(3);

/// Opens the console as the desk's technician; returns when they quit.
pub fn run(mut desk: Desk) -> Result<()> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Error::invalid(
            "the console needs a terminal: use the CLI commands in scripts (deskside --help)",
        ));
    }
    // An unknown login is refused before the screen is taken over.
    let me = desk.me()?;
    // When to ask for time spent (read again when someone else commits).
    let rules = desk.time_rules()?;
    let mut terminal = ratatui::init();
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::EnableMouseCapture);
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        hook(info);
    }));
    let size = terminal.size().map(|s| (s.width, s.height)).unwrap_or((80, 24));
    let mut app = App::new(me, desk.now(), theme::Theme::from_env(), size);
    app.time.rules = rules;
    let result = event_loop(&mut terminal, &mut desk, &mut app);
    restore_terminal();
    let _ = desk.presence_leave_all();
    result
}

fn restore_terminal() {
    let _ = crossterm::execute!(std::io::stdout(), crossterm::event::DisableMouseCapture);
    ratatui::restore();
}

fn event_loop(terminal: &mut ratatui::DefaultTerminal, desk: &mut Desk, app: &mut App) -> Result<()> {
    let io = |e: std::io::Error| Error::runtime(format!("terminal: {e}"));
    let mut pending: VecDeque<Effect> = app.start().into();
    let mut watch = Watcher::new(desk)?;
    let mut last_poll = Instant::now();
    let mut last_beat = Instant::now();
    loop {
        // Draw before loading anything: the first frame never waits on a query.
        terminal.draw(|f| view::draw(f, app)).map_err(io)?;
        if app.quit {
            // What was typed is saved before the console goes.
            let mut lost = None;
            for effect in pending.drain(..).filter(|e| matches!(e, Effect::SaveDraft { .. })) {
                if let Some(Action::Failed(msg)) = runner::run(desk, effect) {
                    lost = Some(msg);
                }
            }
            return match lost {
                Some(msg) => Err(Error::runtime(format!("a draft could not be saved: {msg}"))),
                None => Ok(()),
            };
        }
        if let Some(effect) = pending.pop_front() {
            // Only the latest search matters while someone is typing.
            if matches!(effect, Effect::Suggest(_)) && pending.iter().any(|e| matches!(e, Effect::Suggest(_)))
            {
                continue;
            }
            let outcome = if matches!(effect, Effect::EditArticle { .. }) {
                suspended(terminal, || runner::run(desk, effect))?
            } else {
                runner::run(desk, effect)
            };
            if let Some(outcome) = outcome {
                pending.extend(app.update(outcome));
            }
            continue;
        }
        if event::poll(POLL.saturating_sub(last_poll.elapsed())).map_err(io)? {
            if let Some(action) = translate(event::read().map_err(io)?, app) {
                pending.extend(app.update(action));
            }
        }
        if last_beat.elapsed() >= HEARTBEAT {
            last_beat = Instant::now();
            pending.extend(app.update(Action::Heartbeat));
        }
        if last_poll.elapsed() >= POLL {
            last_poll = Instant::now();
            pending.extend(app.update(Action::Tick(desk.now())));
            if let Some(action) = watch.check(desk) {
                // A lead may have changed when time is asked for.
                if let Ok(rules) = desk.time_rules() {
                    app.time.rules = rules;
                }
                pending.extend(app.update(action));
            }
        }
    }
}

/// Notices other technicians' commits (`PRAGMA data_version`, then the
/// newest event and audit row, so our own writes are not reported).
pub struct Watcher {
    version: i64,
    marker: (i64, i64),
    /// The last poll failed: say so once, not every half second.
    failing: bool,
}

impl Watcher {
    pub fn new(desk: &Desk) -> Result<Watcher> {
        Ok(Watcher { version: desk.data_version()?, marker: desk.change_marker()?, failing: false })
    }

    /// What the app must hear: a change by someone else, or that the
    /// database cannot be read (a status line; the console stays open and
    /// tries again at the next poll).
    pub fn check(&mut self, desk: &Desk) -> Option<Action> {
        let polled = desk.data_version().and_then(|v| Ok((v, desk.change_marker()?)));
        match polled {
            Ok((version, marker)) => {
                let recovered = std::mem::take(&mut self.failing);
                let changed = version != self.version && marker != self.marker;
                self.version = version;
                self.marker = marker;
                (changed || recovered).then_some(Action::ExternalChange)
            }
            Err(e) if !self.failing => {
                self.failing = true;
                Some(Action::Failed(format!("database: {e} (the console keeps trying)")))
            }
            Err(_) => None,
        }
    }
}

/// Hands the terminal to another program ($EDITOR) and takes it back.
fn suspended<T>(terminal: &mut ratatui::DefaultTerminal, f: impl FnOnce() -> T) -> Result<T> {
    use crossterm::{event::EnableMouseCapture, terminal::EnterAlternateScreen};
    restore_terminal();
    let out = f();
    let back = crossterm::terminal::enable_raw_mode()
        .and_then(|()| crossterm::execute!(std::io::stdout(), EnterAlternateScreen, EnableMouseCapture))
        .and_then(|()| terminal.clear());
    back.map_err(|e| Error::runtime(format!("terminal: {e}")))?;
    Ok(out)
}

/// A terminal event as an action for the current mode.
pub fn translate(ev: Event, app: &App) -> Option<Action> {
    match ev {
        Event::Key(key) => keymap::resolve(key, app.mode()),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Some(Action::Scroll(3)),
            MouseEventKind::ScrollUp => Some(Action::Scroll(-3)),
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click(m.row)),
            _ => None,
        },
        _ => None,
    }
}
