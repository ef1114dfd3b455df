//! The portal's pages, written with `maud`: HTML checked at compile time
//! and every interpolated value escaped unless marked otherwise (the only
//! `PreEscaped` is an article body, rendered by the site's Markdown
//! renderer, which escapes every character of stored text).

use crate::domain::ArticleId;
use crate::domain::{Article, Status, Timestamp};
use crate::service::portal::PublicHit;
use crate::service::portal_auth::RequestDraft;
use crate::service::portal_requests::{Author, MyTicket, PublicTicket, RatingTarget};
use maud::{html, Markup, PreEscaped, DOCTYPE};

/// What every page needs to know about the visitor.
pub struct Chrome<'a> {
    /// The signed-in requester's address.
    pub email: Option<&'a str>,
    /// The token for this browser's forms.
    pub csrf: &'a str,
}

pub fn layout(chrome: &Chrome<'_>, title: &str, main: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · IT Support" }
                link rel="stylesheet" href="/static/portal.css";
                script src="/static/portal.js" defer {}
            }
            body {
                header.top {
                    a.brand href="/" { "IT Support" }
                    nav aria-label="Main" {
                        a href="/" { "Search" }
                        a href="/request" { "Ask for help" }
                        a href="/my/requests" { "My requests" }
                        @if let Some(email) = chrome.email {
                            form.inline method="post" action="/signout" {
                                input type="hidden" name="csrf" value=(chrome.csrf);
                                button.link type="submit" title=(email) { "Sign out" }
                            }
                        } @else {
                            a href="/signin" { "Sign in" }
                        }
                    }
                }
                main id="main" { (main) }
                footer { p { "IT Support for our schools. Answers are here day and night; technicians reply in school hours." } }
            }
        }
    }
    .into_string()
}

fn search_box(q: &str, autofocus: bool) -> Markup {
    html! {
        form.search role="search" method="get" action="/search" {
            label for="q" { "What's wrong?" }
            div.row {
                input id="q" name="q" type="search" value=(q) maxlength="200" autocomplete="off"
                    placeholder="e.g. printer jammed, forgot password, no sound" autofocus[autofocus]
                    data-suggest="results";
                button type="submit" { "Search" }
            }
        }
    }
}

fn hit_list(hits: &[PublicHit], q: &str, from: Option<&str>) -> Markup {
    html! {
        ol.hits {
            @for h in hits {
                li {
                    a href=(article_href(h.id, q, from)) { (h.title) }
                    p { (h.snippet) }
                }
            }
        }
    }
}

fn article_href(id: ArticleId, q: &str, from: Option<&str>) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !q.is_empty() {
        s.append_pair("q", q);
    }
    if let Some(f) = from {
        s.append_pair("from", f);
    }
    let query = s.finish();
    if query.is_empty() {
        format!("/articles/{id}")
    } else {
        format!("/articles/{id}?{query}")
    }
}

pub fn home(chrome: &Chrome<'_>) -> String {
    let main = html! {
        section.hero {
            h1 { "How can we help?" }
            (search_box("", true))
            div id="results" aria-live="polite" {}
            p.hint { "Can't find an answer? " a href="/request" { "Ask IT Support" } "." }
        }
    };
    layout(chrome, "Help", main)
}

pub fn search(chrome: &Chrome<'_>, q: &str, hits: &[PublicHit]) -> String {
    let main = html! {
        (search_box(q, false))
        div id="results" aria-live="polite" {
            @if q.trim().is_empty() {
                p { "Type a few words about the problem." }
            } @else if hits.is_empty() {
                p { "No article matches \u{201c}" (q) "\u{201d} yet." }
            } @else {
                h2 { "Answers for \u{201c}" (q) "\u{201d}" }
                (hit_list(hits, q, None))
            }
        }
        section.ask {
            h2 { "Still stuck?" }
            p { a.button href=(format!("/request?{}", form_urlencoded::Serializer::new(String::new()).append_pair("q", q).finish())) { "Ask IT Support" } }
        }
    };
    layout(chrome, "Search", main)
}

pub fn article(chrome: &Chrome<'_>, a: &Article, q: &str, from: &str) -> String {
    let main = html! {
        article.kb {
            h1 { (a.title) }
            div.body { (PreEscaped(crate::site::html::render(&a.body))) }
        }
        section.answer {
            h2 { "Did this solve it?" }
            form method="post" action=(format!("/articles/{}/answer", a.id)) {
                input type="hidden" name="csrf" value=(chrome.csrf);
                input type="hidden" name="q" value=(q);
                input type="hidden" name="from" value=(from);
                button type="submit" name="solved" value="yes" { "Yes, it's solved" }
                " "
                button.secondary type="submit" name="solved" value="no" { "No, I still need help" }
            }
        }
    };
    layout(chrome, &a.title, main)
}

pub fn solved(chrome: &Chrome<'_>) -> String {
    let main = html! {
        h1 { "Glad that helped" }
        p { "Thank you for telling us: it helps other staff find the same answer." }
        p { a href="/" { "Back to search" } }
    };
    layout(chrome, "Solved", main)
}

/// Values the request form shows again (after an error, or prefilled).
pub struct RequestForm<'a> {
    pub draft: &'a RequestDraft,
    pub email: &'a str,
    pub categories: &'a [String],
    pub hits: &'a [PublicHit],
    pub error: Option<&'a str>,
}

/// A category as people read it (the static site's words: "classroom-av"
/// reads "Classroom AV").
pub fn category_label(c: &str) -> String {
    crate::site::category_label(Some(c))
}

pub fn request(chrome: &Chrome<'_>, f: &RequestForm<'_>) -> String {
    let d = f.draft;
    let main = html! {
        h1 { "Ask IT Support" }
        div.split {
            form.request method="post" action="/request" enctype="multipart/form-data" {
                @if let Some(e) = f.error { p.error role="alert" { (e) } }
                input type="hidden" name="csrf" value=(chrome.csrf);
                label for="name" { "Your name" }
                input id="name" name="name" value=(d.name) maxlength="200" required autocomplete="name";
                @if let Some(email) = chrome.email {
                    p.muted { "Signed in as " strong { (email) } }
                } @else {
                    label for="email" { "Your school email" }
                    input id="email" name="email" type="email" value=(f.email) maxlength="254" required autocomplete="email";
                    p.muted { "We email you a link to confirm it is yours; the request is sent when you open it." }
                }
                label for="category" { "What is it about?" }
                select id="category" name="category" {
                    option value="" { "Not sure" }
                    @for c in f.categories {
                        option value=(c) selected[d.category.as_deref() == Some(c.as_str())] { (category_label(c)) }
                    }
                }
                label for="subject" { "Subject" }
                input id="subject" name="subject" value=(d.subject) maxlength="200" required data-suggest="aside-results";
                label for="details" { "What happened? Where, and what have you tried?" }
                textarea id="details" name="details" rows="7" maxlength="20000" required { (d.details) }
                @if chrome.email.is_some() {
                    label for="screenshot" { "A screenshot (optional; PNG, JPEG, GIF or WebP, up to 5 MB)" }
                    input id="screenshot" name="screenshot" type="file" accept="image/png,image/jpeg,image/gif,image/webp";
                } @else {
                    p.muted { "Screenshots: attach one once you are signed in, or reply to the acknowledgement email with the picture attached." }
                }
                button type="submit" { "Send request" }
            }
            aside aria-labelledby="aside-h" {
                h2 id="aside-h" { "These might solve it now" }
                div id="aside-results" aria-live="polite" {
                    @if f.hits.is_empty() {
                        p.muted { "Answers appear here as you type the subject." }
                    } @else {
                        (hit_list(f.hits, &d.subject, Some("request")))
                    }
                }
            }
        }
    };
    layout(chrome, "Ask for help", main)
}

pub fn check_email(chrome: &Chrome<'_>, with_request: bool) -> String {
    let main = html! {
        h1 { "Check your email" }
        @if with_request {
            p { "If that address belongs to one of our schools, we have sent it a link. Your request is sent to IT Support when you open the link (within 30 minutes)." }
        } @else {
            p { "If that address belongs to one of our schools, we have sent it a sign-in link. It works once, for 30 minutes." }
        }
        p.muted { "Nothing arrived? Check junk mail, or ask again in a few minutes." }
    };
    layout(chrome, "Check your email", main)
}

pub fn signin(chrome: &Chrome<'_>, email: &str, error: Option<&str>) -> String {
    let main = html! {
        h1 { "Sign in" }
        p { "See your requests and their answers. We email you a one-time link; no password needed." }
        form method="post" action="/signin" {
            @if let Some(e) = error { p.error role="alert" { (e) } }
            input type="hidden" name="csrf" value=(chrome.csrf);
            label for="email" { "Your school email" }
            input id="email" name="email" type="email" value=(email) maxlength="254" required autocomplete="email";
            button type="submit" { "Email me a link" }
        }
    };
    layout(chrome, "Sign in", main)
}

pub fn confirm_signin(chrome: &Chrome<'_>, token: &str) -> String {
    let main = html! {
        h1 { "Confirm it's you" }
        p { "Press the button to sign in (and send your request, if you wrote one)." }
        form method="post" action=(format!("/signin/{token}")) {
            input type="hidden" name="csrf" value=(chrome.csrf);
            button type="submit" { "Sign in" }
        }
    };
    layout(chrome, "Sign in", main)
}

fn when(t: Timestamp) -> String {
    t.format("%d %b %Y, %H:%M UTC").to_string()
}

pub fn my_requests(chrome: &Chrome<'_>, tickets: &[MyTicket]) -> String {
    let main = html! {
        h1 { "My requests" }
        @if tickets.is_empty() {
            p { "No requests yet. " a href="/request" { "Ask IT Support" } }
        } @else {
            ul.tickets {
                @for t in tickets {
                    li {
                        a href=(format!("/my/requests/{}", t.id)) { "#" (t.id) " " (t.subject) }
                        " " span class=(format!("status s-{}", t.status)) { (t.status) }
                        " " span.muted { "updated " (when(t.updated_at)) }
                    }
                }
            }
        }
    };
    layout(chrome, "My requests", main)
}

pub fn ticket(chrome: &Chrome<'_>, t: &PublicTicket, error: Option<&str>) -> String {
    let main = html! {
        h1 { "#" (t.id) " " (t.subject) }
        p { span class=(format!("status s-{}", t.status)) { (t.status) } " · logged " (when(t.created_at)) }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        section.first { h2 { "What you wrote" } p.text { (t.body) } }
        @if !t.attachments.is_empty() {
            section.files {
                h2 { "Files" }
                ul {
                    @for (n, name, size) in &t.attachments {
                        li { a href=(format!("/my/requests/{}/attachments/{n}", t.id)) { (name) } " (" (size / 1024 + 1) " KB)" }
                    }
                }
            }
        }
        ol.timeline {
            @for e in &t.events {
                li class=(if e.author == Author::Requester { "you" } else { "support" }) {
                    p.meta { strong { (if e.author == Author::Requester { "You" } else { "IT Support" }) } " · " (e.what) " · " (when(e.at)) }
                    @if let Some(text) = &e.text { p.text { (text) } }
                }
            }
        }
        @if t.status != Status::Closed {
            form method="post" action=(format!("/my/requests/{}/reply", t.id)) {
                input type="hidden" name="csrf" value=(chrome.csrf);
                label for="reply" { "Add a reply" }
                textarea id="reply" name="text" rows="4" maxlength="20000" required {}
                button type="submit" { "Send reply" }
            }
        }
        @if t.status.is_active() {
            form method="post" action=(format!("/my/requests/{}/solved", t.id)) {
                input type="hidden" name="csrf" value=(chrome.csrf);
                button.secondary type="submit" { "This is solved" }
            }
        }
        p { a href="/my/requests" { "All my requests" } }
    };
    layout(chrome, &format!("Request #{}", t.id), main)
}

pub const SCORES: [(i64, &str); 5] =
    [(5, "Very happy"), (4, "Happy"), (3, "Neutral"), (2, "Unhappy"), (1, "Very unhappy")];

pub fn rate(
    chrome: &Chrome<'_>,
    token: &str,
    t: &RatingTarget,
    score: Option<i64>,
    error: Option<&str>,
) -> String {
    let main = html! {
        h1 { "How did we do?" }
        p { "Request #" (t.ticket_id) ": " (t.subject) }
        @if let Some(s) = t.score { p.muted { "You rated it " (s) " out of 5. You can change that here." } }
        @if let Some(e) = error { p.error role="alert" { (e) } }
        form method="post" action=(format!("/rate/{token}")) {
            input type="hidden" name="csrf" value=(chrome.csrf);
            fieldset {
                legend { "Your rating" }
                @for (n, label) in SCORES {
                    label.choice {
                        input type="radio" name="score" value=(n) checked[score == Some(n)] required;
                        " " (label)
                    }
                }
            }
            label for="comment" { "Anything to add? (optional)" }
            textarea id="comment" name="comment" rows="3" maxlength="2000" {}
            button type="submit" { "Send rating" }
        }
    };
    layout(chrome, "Rate", main)
}

pub fn rated(chrome: &Chrome<'_>, score: i64) -> String {
    let main = html! {
        h1 { "Thank you" }
        p { "We recorded " (score) " out of 5." }
        p { a href="/" { "Back to help" } }
    };
    layout(chrome, "Thank you", main)
}

/// An error page. It never names what was asked for, so a missing thing
/// and a forbidden one read alike.
pub fn problem(chrome: &Chrome<'_>, title: &str, text: &str) -> String {
    let main = html! {
        h1 { (title) }
        p { (text) }
        p { a href="/" { "Back to help" } }
    };
    layout(chrome, title, main)
}
