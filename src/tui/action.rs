//! What keys mean (`Action`) and what the loop must do for the app
//! (`Effect`). `App::update` turns actions into state changes and effects;
//! the loop carries out effects through the service and feeds the results
//! back as actions.

use crate::domain::{
    Article, CannedId, CannedSolution, NewTicket, QueueItem, SlaState, Technician, Ticket, TicketDetail,
    TicketFilter, TicketId, Tier, Timestamp,
};
use crate::domain::{ArticleId, Version};
use crate::search::Suggestion;
use crate::service::deflect::FirstContact;
pub use crate::service::kb_answer::SendAs;
use crossterm::event::KeyEvent;

#[derive(Debug, Clone)]
pub enum Action {
    /// Leave the console.
    Quit,
    /// Close the open overlay or prompt, or go back one screen.
    Back,
    /// Show or hide the keys of the current screen.
    ToggleHelp,
    /// Move the selection (or scroll) one line up.
    Up,
    /// Move the selection (or scroll) one line down.
    Down,
    /// Move a page up.
    PageUp,
    /// Move a page down.
    PageDown,
    /// Jump to the first line.
    Top,
    /// Jump to the last line.
    Bottom,
    /// Open the selected item (a ticket in the queue, a pick in a list).
    Open,
    /// Start the incremental fuzzy filter of the queue.
    StartFilter,
    /// Queue scope: mine, then my tier, then all.
    CycleScope,
    /// Queue: next school filter (all, then each school).
    CycleSchool,
    /// Queue: next status filter (active, new, open, pending, resolved, all).
    CycleStatus,
    /// Queue: show only tickets past their due time.
    ToggleBreaching,
    /// Reload what is on screen from the database.
    Refresh,
    /// Take the ticket (assign to me).
    Take,
    /// Write a public reply the requester sees.
    Reply,
    /// Write an internal note (technicians only).
    Note,
    /// Assign the ticket to a technician (picked from a list).
    Assign,
    /// Link, merge or attach to an incident: a ticket-number prompt.
    LinkTo,
    MergeInto,
    JoinIncident,
    /// The ticket's attachments.
    Files,
    /// Gather the selected ticket's burst (a likely outage) under an incident.
    Gather,
    /// Escalate up a tier; a reason is required.
    Escalate,
    /// Hand back down a tier; a note for the lower tier is required.
    Handback,
    /// Resolve with a public message.
    Resolve,
    /// Ask the requester a question and stop the SLA clock (pending).
    Pending,
    /// Pick a canned solution, with a live preview of the reply.
    Canned,
    /// In the canned picker: apply the solution and resolve the ticket.
    SubmitResolve,
    /// Reopen a resolved or closed ticket, or take a pending one off hold.
    Reopen,
    /// Close the ticket.
    Close,
    /// Log a new ticket (the form for phone calls).
    NewTicket,
    /// Open the knowledge base: browse, search, read, edit, publish, rate.
    KnowledgeBase,
    /// Open the dashboard: this week's numbers per school and the trend.
    Dashboard,
    /// Turn the resolved ticket into a draft article.
    ToArticle,
    /// Write the article even though it looks like an existing one (after
    /// the duplicate check refused `A`).
    ForceToArticle,
    /// Answer yes to the question on screen.
    Yes,
    /// Jump to a ticket by number (`#300`).
    Jump,
    /// The command palette: every action of the screen with its key,
    /// filtered by typing; a number opens that ticket (`:300`).
    Palette,
    /// Show the highlighted suggested answer in full.
    Preview,
    /// Knowledge base: next category (all, then each category).
    CycleCategory,
    /// Knowledge base: edit the article in $EDITOR.
    EditArticle,
    /// Knowledge base: publish the article (tier 2/3 and leads).
    Publish,
    /// Knowledge base: publish even though it looks like a published
    /// article (after `P` was refused as a duplicate).
    ForcePublish,
    /// Knowledge base: the article helped.
    RateHelpful,
    /// Knowledge base: the article did not help.
    RateUnhelpful,
    /// New-ticket form: highlight the next suggested answer.
    NextSuggestion,
    /// New-ticket form: highlight the previous suggested answer.
    PrevSuggestion,
    /// New-ticket form: log the ticket resolved with the highlighted answer.
    ResolveWithSuggestion,
    /// In a form: move to the next field.
    NextField,
    /// In a form: move to the previous field.
    PrevField,
    /// In a prompt: change the target tier or a cycling field.
    Cycle,
    /// Submit the prompt or form.
    Submit,
    /// A key typed into the focused text field.
    Input(KeyEvent),
    /// Mouse wheel over the main area (positive = down).
    Scroll(i16),
    /// Left mouse click on this terminal row (each screen maps it to what
    /// it drew there).
    Click(u16),
    /// Loaded: the queue rows with their SLA state.
    QueueLoaded(Vec<QueueItem>),
    /// Loaded: the open ticket with its timeline and SLA state.
    TicketLoaded(Box<LoadedTicket>),
    /// Loaded: the canned solutions (for the picker).
    CannedLoaded(Vec<CannedSolution>),
    /// Rendered: the canned solution (id) as it would be sent on the ticket.
    CannedPreview(CannedId, String),
    /// Suggested answers for the form's text (the text they were for).
    SuggestionsLoaded(String, Vec<Suggestion>),
    /// Loaded: this week's report, for the dashboard.
    DashboardLoaded(Box<crate::report::WeeklyReport>),
    /// Loaded: the weeks up to the given one, for the dashboard.
    TrendLoaded(crate::report::Week, Vec<crate::report::WeekFigures>),
    /// Articles for the knowledge-base screen (the search they were for).
    ArticlesLoaded(String, Vec<Article>),
    /// An article changed or was opened (its latest state).
    ArticleChanged(Box<Article>, String),
    /// Loaded: a ticket's attachments (for the files list).
    AttachmentsLoaded(TicketId, Vec<crate::domain::AttachmentRow>),
    /// Loaded: the technicians (for the assign picker).
    TechsLoaded(Vec<Technician>),
    /// Loaded: known requesters (for the new-ticket form), as (email, name).
    RequestersLoaded(Vec<(String, String)>),
    /// Loaded: school codes (for the school filter).
    SchoolsLoaded(Vec<String>),
    /// An operation succeeded: a message for the status line.
    Done(String),
    /// A ticket changed by an operation of ours.
    TicketChanged(Box<Ticket>, String),
    /// Ticket `from` was merged (and closed): the target that carries on.
    TicketMerged {
        from: TicketId,
        into: Box<Ticket>,
        msg: String,
    },
    /// A new ticket was logged.
    TicketCreated(Box<Ticket>),
    /// An operation failed: the message goes to the status line.
    Failed(String),
    /// A change to ticket (id) was refused because someone else changed it
    /// first: reload it, keep what was typed.
    Conflict(TicketId, String),
    /// A public reply (text) was refused because the ticket (id) was
    /// resolved or closed meanwhile (the message says by whom).
    ReplyConflict(TicketId, String, String),
    /// A solved ticket's (id) answer, ready to edit for the new requester.
    ReuseLoaded(TicketId, String),
    /// A suggested answer in full, as (title, text), for the preview.
    PreviewLoaded(String, String),
    /// An article's requester-facing text, ready to edit before it is sent
    /// on the ticket.
    ArticleComposed(Box<ArticleAnswer>),
    /// Another technician committed something: reload what is visible.
    ExternalChange,
    /// Who else has the ticket (id) open, as (login, name).
    Viewers(TicketId, Vec<(String, String)>),
    /// The terminal was resized to (columns, rows).
    Resize(u16, u16),
    /// Time passed: ages and SLA clocks move on.
    Tick(Timestamp),
    /// A few seconds of real time passed: say which ticket is open.
    Heartbeat,
    /// Undo the last close, take or publish while its window is open.
    Undo,
    /// An operation that can be undone for a few seconds, then its outcome.
    Undoable(Box<super::undo::Undo>, Box<Action>),
    /// Loaded: the technician's saved drafts (from an earlier session too).
    DraftsLoaded(Vec<crate::service::drafts::Draft>),
    /// Loaded: the queue's notices (handed back to me, new urgent).
    NoticesLoaded(crate::service::ownership::Notices),
    /// Loaded: the picked caller's (email) open and recent tickets.
    CallerLoaded(String, Vec<Ticket>),
    /// A canned solution (id) filled in on the ticket, ready to edit (the
    /// bool: it resolves the ticket when sent).
    CannedFilled(CannedId, bool, String),
    /// New-ticket form: the next of the caller's tickets.
    NextCallerTicket,
    /// New-ticket form: add a note to the caller's highlighted ticket
    /// instead of logging a duplicate.
    OpenCallerTicket,
}

/// What the dashboard shows: this week so far, and the weeks before it.
#[derive(Debug, Clone)]
pub struct DashboardData {
    pub week: crate::report::WeeklyReport,
    /// Oldest first, ending with this week; None while it is counted (it
    /// reads weeks of history, so this week's table is shown first).
    pub trend: Option<Vec<crate::report::WeekFigures>>,
}

/// An article about to be sent on a ticket, as reply or resolution.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleAnswer {
    pub ticket_id: TicketId,
    pub article_id: ArticleId,
    pub how: SendAs,
    /// Its public text (and link); the technician edits it before sending.
    pub text: String,
}

/// A ticket as the ticket screen shows it.
#[derive(Debug, Clone)]
pub struct LoadedTicket {
    pub detail: TicketDetail,
    pub sla: Option<SlaState>,
}

/// A change to one ticket, made with the version the technician saw.
#[derive(Debug, Clone, PartialEq)]
pub enum TicketOp {
    Take,
    Assign(String),
    /// A public reply, refused if the ticket was resolved meanwhile.
    Reply(String),
    /// A public reply sent after the technician confirmed it anyway.
    ReplyAnyway(String),
    Note(String),
    Escalate(Tier, String),
    Handback(Tier, String),
    Resolve(String),
    /// Resolve with the time spent, written in the same transaction.
    ResolveWithTime(String, crate::service::time::TimeSpent),
    /// Time spent logged on its own (`ticket time`), on leaving the ticket.
    LogTime(crate::service::time::TimeSpent),
    /// A question to the requester; the SLA clock stops.
    Pending(String),
    /// The requester answered: off hold, the clock runs again.
    Resume,
    ApplyCanned {
        canned_id: CannedId,
        resolve: bool,
    },
    Reopen,
    Close,
    /// Link to another ticket (related).
    Link(TicketId),
    /// Merge this duplicate into another ticket.
    Merge(TicketId),
    /// Attach this caller's ticket to an incident.
    Parent(TicketId),
    /// An article's text as reply or resolution; the article is linked.
    SendArticle {
        article: ArticleId,
        text: String,
        how: SendAs,
    },
    /// Link an article to the ticket (it solved it) without sending it.
    LinkArticle(ArticleId),
    /// A canned solution as the technician edited it (after its fill-ins);
    /// one that resolves carries the time asked for, in the same change.
    SendCanned {
        canned_id: CannedId,
        text: String,
        resolve: bool,
        spent: Option<crate::service::time::TimeSpent>,
    },
}

/// Work for the loop: everything that touches the database.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    LoadQueue(TicketFilter),
    LoadTicket(TicketId),
    LoadTechs,
    /// Gather the burst this ticket is in under one incident.
    GatherBurst(TicketId),
    /// A ticket's attachments, for the files list.
    LoadAttachments(TicketId),
    /// Open attachment N of the ticket with the system's opener.
    OpenAttachment(TicketId, usize),
    LoadRequesters,
    LoadSchools,
    LoadCanned,
    RenderCanned {
        ticket_id: TicketId,
        canned_id: CannedId,
    },
    /// "I have this ticket open" (and who else has).
    Presence(TicketId),
    /// "I closed this ticket".
    LeavePresence(TicketId),
    Ticket {
        id: TicketId,
        version: Version,
        op: TicketOp,
    },
    CreateTicket(NewTicket),
    /// Suggested answers for what is typed in the form.
    Suggest(NewTicket),
    /// Log the ticket resolved at first contact, with the time spent on
    /// the call when it was given (one transaction).
    CreateResolved(NewTicket, FirstContact, Option<crate::service::time::TimeSpent>),
    /// Articles matching a search (all articles when empty) in a category.
    LoadArticles {
        query: String,
        category: Option<String>,
    },
    /// Open an article (counts a view).
    ViewArticle(ArticleId),
    /// Edit an article in $EDITOR: the loop suspends the terminal for it.
    EditArticle {
        id: ArticleId,
        version: Version,
    },
    /// Publish (the bool: even if it looks like a published article).
    PublishArticle {
        id: ArticleId,
        version: Version,
        force: bool,
    },
    RateArticle {
        id: ArticleId,
        helpful: bool,
    },
    /// Draft an article from a resolved ticket (the bool: even if it looks
    /// like an existing article).
    ToArticle(TicketId, bool),
    /// A solved ticket's answer, reworded for the named requester.
    LoadReuse {
        source: TicketId,
        requester_name: Option<String>,
    },
    /// An article's requester-facing text, to edit before sending it on
    /// the ticket.
    ComposeArticle {
        ticket_id: TicketId,
        article_id: ArticleId,
        how: SendAs,
    },
    /// A suggested answer in full: an article, or a solved ticket's reply
    /// reworded for the named requester.
    PreviewSuggestion {
        suggestion: Suggestion,
        requester_name: Option<String>,
    },
    /// This week's report, for the dashboard (its trend follows).
    LoadDashboard,
    /// The dashboard's trend, up to and including the week.
    LoadTrend(crate::report::Week),
    /// Save a draft (ticket 0: none, a phone ticket being logged); empty
    /// text removes it.
    SaveDraft {
        ticket: TicketId,
        kind: &'static str,
        text: String,
    },
    LoadDrafts,
    /// The queue's notices for the technician.
    LoadNotices,
    /// A known requester's (email) open and recent tickets.
    LoadCaller(String),
    /// A canned solution with the answers to its `{{ask:…}}` fill-ins.
    FillCanned {
        ticket_id: TicketId,
        canned_id: CannedId,
        answers: Vec<(String, String)>,
        resolve: bool,
    },
    /// Reverse a close, take or publish (version-checked by the service).
    Undo(super::undo::UndoOp),
}
