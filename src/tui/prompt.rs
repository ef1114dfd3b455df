//! Modal input over a ticket: a text prompt (reply, note, reason ...) and a
//! fuzzy picker (assign to a technician).

use crate::domain::TicketId;
use crate::domain::Tier;
use crate::domain::Version;
use crate::domain::{ArticleId, CannedId};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use ratatui_textarea::TextArea;

/// What a text prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Reply,
    Note,
    Escalate(Tier),
    Handback(Tier),
    Resolve,
    Pending,
    /// Another ticket's number: related (L), merge into (M), join its incident (P).
    Link,
    Merge,
    Parent,
    /// The reply that resolves the call being logged, from the answer that
    /// solved this other ticket (edited before it is sent).
    FirstContact(TicketId),
    /// A canned solution (id), filled in, edited before it is sent (the
    /// bool: sending resolves the ticket).
    Canned(CannedId, bool),
    /// One `{{ask:…}}` fill-in of the canned solution being picked (its
    /// label is the prompt's title).
    Ask,
}

impl PromptKind {
    pub fn title(self, ticket_id: TicketId) -> String {
        match self {
            PromptKind::Reply => format!("Public reply on #{ticket_id} (the requester sees this)"),
            PromptKind::Note => format!("Internal note on #{ticket_id} (technicians only)"),
            PromptKind::Escalate(t) => format!("Escalate #{ticket_id} to tier {t}: reason (required)"),
            PromptKind::Handback(t) => {
                format!("Hand #{ticket_id} back to tier {t}: what should they do? (required)")
            }
            PromptKind::Resolve => format!("Resolve #{ticket_id}: message to the requester"),
            PromptKind::Pending => {
                format!("Ask the requester about #{ticket_id} (public; the SLA clock stops)")
            }
            PromptKind::Link => format!("Link #{ticket_id} to ticket number (related)"),
            PromptKind::Merge => format!("Merge duplicate #{ticket_id} into ticket number (it closes)"),
            PromptKind::Parent => format!("Attach #{ticket_id} as a caller of incident number"),
            PromptKind::FirstContact(source) => {
                format!("Reply resolving this call, from solved #{source}: edit, then Ctrl-S logs it")
            }
            PromptKind::Canned(_, false) => {
                format!("Canned reply on #{ticket_id}: edit, then Ctrl-S sends it")
            }
            PromptKind::Canned(_, true) => {
                format!("Canned reply resolving #{ticket_id}: edit, then Ctrl-S sends and resolves")
            }
            PromptKind::Ask => "Fill in for the canned reply (Enter)".to_string(),
        }
    }

    /// Which draft this box keeps (one per kind of box and ticket).
    pub fn draft_key(self) -> &'static str {
        match self {
            PromptKind::Reply => "reply",
            PromptKind::Note => "note",
            PromptKind::Escalate(_) => "escalate",
            PromptKind::Handback(_) => "handback",
            PromptKind::Resolve => "resolve",
            PromptKind::Pending => "pending",
            PromptKind::FirstContact(_) => "first-contact",
            PromptKind::Link => "link",
            PromptKind::Merge => "merge",
            PromptKind::Parent => "parent",
            // An edited canned reply comes back as the reply (or resolve) box.
            PromptKind::Canned(_, false) => "reply",
            PromptKind::Canned(_, true) => "resolve",
            PromptKind::Ask => "ask",
        }
    }

    /// Every draft key, for drafts read back from the database.
    pub const DRAFT_KEYS: [&'static str; 10] = [
        "reply",
        "note",
        "escalate",
        "handback",
        "resolve",
        "pending",
        "first-contact",
        "link",
        "merge",
        "parent",
    ];

    /// Whether this box's text is kept as a draft (a fill-in is a word,
    /// asked again when the solution is picked again).
    pub fn keeps_draft(self) -> bool {
        self != PromptKind::Ask
    }

    /// Whether the box has a target tier that Tab changes.
    pub fn has_tier(self) -> bool {
        matches!(self, PromptKind::Escalate(_) | PromptKind::Handback(_))
    }

    /// The field name used in "must not be empty" messages.
    pub fn field(self) -> &'static str {
        match self {
            PromptKind::Reply => "reply",
            PromptKind::Note => "note",
            PromptKind::Escalate(_) => "reason",
            PromptKind::Handback(_) => "note",
            PromptKind::Resolve => "resolution message",
            PromptKind::Pending => "question",
            PromptKind::Link | PromptKind::Merge | PromptKind::Parent => "ticket number",
            PromptKind::FirstContact(_) | PromptKind::Canned(..) => "reply",
            PromptKind::Ask => "answer",
        }
    }
}

pub struct Prompt {
    pub kind: PromptKind,
    pub ticket_id: TicketId,
    pub version: Version,
    /// The ticket's tier, to bound tier changes with Tab.
    pub ticket_tier: Tier,
    pub editor: TextArea<'static>,
    /// The knowledge-base article this text comes from, and how it is
    /// sent: Ctrl-S sends it and links the article to the ticket.
    pub article: Option<(ArticleId, crate::service::kb_answer::SendAs)>,
    /// A title of its own (a fill-in's label), instead of the kind's.
    pub label: Option<String>,
}

impl Prompt {
    pub fn new(kind: PromptKind, ticket_id: TicketId, version: Version, ticket_tier: Tier) -> Prompt {
        let mut editor = TextArea::default();
        editor.set_cursor_line_style(ratatui::style::Style::new());
        // Replies are prose: long lines wrap at word boundaries on screen
        // (the text itself keeps the lines the technician typed).
        editor.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
        Prompt { kind, ticket_id, version, ticket_tier, editor, article: None, label: None }
    }

    /// The box's title: a fill-in's own label, or the kind's; an article's
    /// text says which article goes with it.
    pub fn title(&self) -> String {
        let title = match &self.label {
            Some(l) => l.clone(),
            None => self.kind.title(self.ticket_id),
        };
        match self.article {
            Some((id, _)) => format!("{title} · KB#{id}, linked on send"),
            None => title,
        }
    }

    pub fn text(&self) -> String {
        self.editor.lines().join("\n").trim().to_string()
    }

    /// Tab moves the target tier among the valid ones.
    pub fn cycle_tier(&mut self) {
        let tiers: Vec<Tier> = match self.kind {
            PromptKind::Escalate(_) => {
                [Tier::Two, Tier::Three].into_iter().filter(|t| *t > self.ticket_tier).collect()
            }
            PromptKind::Handback(_) => {
                [Tier::One, Tier::Two].into_iter().filter(|t| *t < self.ticket_tier).collect()
            }
            _ => return,
        };
        let next = |cur: Tier| {
            let i = tiers.iter().position(|t| *t == cur).map(|i| (i + 1) % tiers.len()).unwrap_or(0);
            tiers[i]
        };
        self.kind = match self.kind {
            PromptKind::Escalate(t) => PromptKind::Escalate(next(t)),
            PromptKind::Handback(t) => PromptKind::Handback(next(t)),
            k => k,
        };
    }
}

/// One choice in a picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickItem {
    pub key: String,
    pub label: String,
}

/// A list narrowed by fuzzy matching as the technician types.
pub struct Picker {
    pub title: String,
    pub items: Vec<PickItem>,
    pub filter: String,
    /// Indices into `items` that match `filter`, best first.
    pub visible: Vec<usize>,
    /// The highlighted row of `visible`.
    pub cursor: super::cursor::ListCursor,
}

impl Picker {
    pub fn new(title: impl Into<String>, items: Vec<PickItem>) -> Picker {
        let mut p = Picker {
            title: title.into(),
            items,
            filter: String::new(),
            visible: Vec::new(),
            cursor: super::cursor::ListCursor::new(),
        };
        p.refilter();
        p
    }

    pub fn refilter(&mut self) {
        self.visible = fuzzy_rank(&self.filter, self.items.iter().map(|i| i.label.as_str()));
        self.cursor.reset(self.visible.len());
    }

    pub fn current(&self) -> Option<&PickItem> {
        self.visible.get(self.cursor.index()).map(|&i| &self.items[i])
    }

    pub fn move_by(&mut self, delta: isize) {
        self.cursor.move_by(delta);
    }
}

/// Indices of `candidates` matching `query`, best first; all of them in
/// their order when the query is empty. Each typed word must match within
/// one word of the candidate, forgiving gaps ("wfi" finds "wifi") but not
/// letters scattered across a whole line.
pub fn fuzzy_rank<'a>(query: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let tokens: Vec<String> = query
        .split_whitespace()
        .map(|t| t.chars().filter(|c| c.is_alphanumeric()).collect::<String>())
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.is_empty() {
        return candidates.enumerate().map(|(i, _)| i).collect();
    }
    let matcher = SkimMatcherV2::default().ignore_case();
    let score = |candidate: &str| -> Option<i64> {
        let words: Vec<&str> =
            candidate.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        tokens.iter().map(|t| words.iter().filter_map(|w| matcher.fuzzy_match(w, t)).max()).sum()
    };
    let mut scored: Vec<(i64, usize)> =
        candidates.enumerate().filter_map(|(i, c)| score(c).map(|s| (s, i))).collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_rank_forgives_gaps_and_case() {
        let names = ["Jaya Patel", "Mo Okafor", "Sam Lead"];
        assert_eq!(fuzzy_rank("okf", names.iter().copied()), [1]);
        assert_eq!(fuzzy_rank("", names.iter().copied()), [0, 1, 2]);
        assert!(fuzzy_rank("zzz", names.iter().copied()).is_empty());
        let canned = ["Toner on its way [printing]", "Visitor Wi-Fi voucher instructions [network]"];
        assert_eq!(fuzzy_rank("toner", canned.iter().copied()), [0], "scattered matches are dropped");
    }

    #[test]
    fn tier_cycles_only_among_valid_targets() {
        let mut p = Prompt::new(PromptKind::Escalate(Tier::Two), TicketId(1), Version(1), Tier::One);
        p.cycle_tier();
        assert_eq!(p.kind, PromptKind::Escalate(Tier::Three));
        p.cycle_tier();
        assert_eq!(p.kind, PromptKind::Escalate(Tier::Two));
        let mut h = Prompt::new(PromptKind::Handback(Tier::Two), TicketId(1), Version(1), Tier::Three);
        h.cycle_tier();
        assert_eq!(h.kind, PromptKind::Handback(Tier::One));
    }
}
