//! A yes/no question over the screen, for the one-key actions that are hard
//! to take back: taking someone else's ticket, closing, discarding typing,
//! sending a reply on a ticket that changed meanwhile.

use super::action::Effect;
use super::overlay::Overlay;

/// What "yes" does.
pub enum OnYes {
    /// Carry out these effects (the overlay underneath comes back, so a
    /// refused write still has the text that was typed).
    Effects(Vec<Effect>),
    /// Throw the half-typed new ticket away and go back.
    DiscardForm,
    /// Leave the console.
    Quit,
}

pub struct Confirm {
    pub question: String,
    pub on_yes: OnYes,
    /// What was on screen before the question: back on "no".
    pub under: Box<Overlay>,
}
