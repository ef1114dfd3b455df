//! Then ask: the request form, sign-in by one-time link, "My requests"
//! (reply, "this is solved") and the rating page from resolution mail.

use super::routes::id_of;
use super::security::{self, Kind};
use super::{form, page, pages, query, redirect, App, Visitor};
use crate::domain::TicketId;
use crate::service::attachments::Upload;
use crate::service::portal::Metric;
use crate::service::portal_auth::{LinkOutcome, RequestDraft, Requester, SESSION_HOURS};
use crate::Error;
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use axum::Extension;
use std::collections::HashMap;
use std::sync::Arc;

fn field(f: &HashMap<String, String>, name: &str) -> String {
    f.get(name).cloned().unwrap_or_default()
}

fn draft_of(f: &HashMap<String, String>) -> RequestDraft {
    RequestDraft {
        name: field(f, "name"),
        subject: field(f, "subject"),
        details: field(f, "details"),
        category: f.get("category").cloned().filter(|c| !c.is_empty()),
    }
}

/// The request form, with articles for what they typed beside it.
async fn show_form(
    app: &App,
    v: &Visitor,
    who: Option<&Requester>,
    draft: RequestDraft,
    email: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let subject = draft.subject.clone();
    let school = who.and_then(|r| r.school.clone());
    let category = draft.category.clone();
    let count = error.is_none();
    let loaded = app
        .pool
        .run(move |desk| {
            let cats = desk.portal_categories()?;
            let hits = desk.portal_search(&subject, school.as_deref(), category.as_deref(), 5)?;
            if count {
                desk.portal_count(Metric::RequestStarted, school.as_deref())?;
            }
            Ok((cats, hits))
        })
        .await;
    match loaded {
        Ok((categories, hits)) => {
            let f = pages::RequestForm { draft: &draft, email, categories: &categories, hits: &hits, error };
            page(status, pages::request(&app.chrome(v, who), &f))
        }
        Err(e) => app.fail(v, who, e),
    }
}

pub async fn request_form(
    State(app): State<Arc<App>>,
    Extension(v): Extension<Visitor>,
    RawQuery(raw): RawQuery,
) -> Response {
    let p = query(raw.as_deref());
    let who = app.requester(&v).await.ok().flatten();
    let q: String = p.get("q").cloned().unwrap_or_default().chars().take(200).collect();
    let draft = RequestDraft { subject: q, ..RequestDraft::default() };
    show_form(&app, &v, who.as_ref(), draft, "", None, StatusCode::OK).await
}

/// The form's fields and its screenshot, from either encoding (the page
/// sends multipart/form-data; a plain form without a file still works).
fn request_fields(
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(HashMap<String, String>, Option<Upload>), String> {
    let ctype = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some(b) = super::multipart::boundary(ctype) else {
        return Ok((form(body), None));
    };
    let (fields, files) = super::multipart::parse(body, &b)?;
    let mut shots = files.into_iter().filter(|f| f.field == "screenshot");
    let shot = shots.next().map(|f| Upload { name: f.filename, content_type: f.content_type, data: f.data });
    if shots.next().is_some() {
        return Err("one screenshot per request".into());
    }
    Ok((fields, shot))
}

pub async fn request_post(
    State(app): State<Arc<App>>,
    Extension(v): Extension<Visitor>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (f, shot) = match request_fields(&headers, &body) {
        Ok(x) => x,
        Err(msg) => {
            let who = app.requester(&v).await.ok().flatten();
            return show_form(
                &app,
                &v,
                who.as_ref(),
                RequestDraft::default(),
                "",
                Some(&msg),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    if !app.csrf_ok(&v, &f) {
        return app.forbidden(&v);
    }
    let who = app.requester(&v).await.ok().flatten();
    let draft = draft_of(&f);
    if who.is_none() && shot.is_some() {
        let msg = "Sign in first to attach a screenshot: nothing was sent";
        let email = field(&f, "email");
        return show_form(&app, &v, None, draft, &email, Some(msg), StatusCode::BAD_REQUEST).await;
    }
    let ip = v.ip.to_string();
    match who {
        Some(who) => {
            if !app.allow(Kind::Post, &[&ip, &who.email]) {
                return app.too_many(&v);
            }
            let (w, d) = (who.clone(), draft.clone());
            match app.pool.run(move |desk| desk.portal_submit_with(&w, &d, shot.as_ref())).await {
                Ok(id) => redirect(&format!("/my/requests/{id}")),
                Err(Error::Invalid(msg)) => {
                    show_form(&app, &v, Some(&who), draft, "", Some(&msg), StatusCode::BAD_REQUEST).await
                }
                Err(e) => app.fail(&v, Some(&who), e),
            }
        }
        None => {
            let email = field(&f, "email").trim().to_lowercase();
            if !app.allow(Kind::Link, &[&ip, &email]) {
                return app.too_many(&v);
            }
            let (d, e, base) = (draft.clone(), email.clone(), app.base_url.clone());
            match app.pool.run(move |desk| desk.portal_send_link(&e, Some(&d), &base)).await {
                Ok(LinkOutcome::Sent(link)) => {
                    app.demo_link(&email, &link);
                    page(StatusCode::OK, pages::check_email(&app.chrome(&v, None), true))
                }
                Ok(LinkOutcome::TooMany) => app.too_many(&v),
                Err(Error::Invalid(msg)) => {
                    show_form(&app, &v, None, draft, &email, Some(&msg), StatusCode::BAD_REQUEST).await
                }
                Err(e) => app.fail(&v, None, e),
            }
        }
    }
}

pub async fn signin_form(State(app): State<Arc<App>>, Extension(v): Extension<Visitor>) -> Response {
    let who = app.requester(&v).await.ok().flatten();
    if who.is_some() {
        return redirect("/my/requests");
    }
    page(StatusCode::OK, pages::signin(&app.chrome(&v, None), "", None))
}

pub async fn signin_post(
    State(app): State<Arc<App>>,
    Extension(v): Extension<Visitor>,
    body: Bytes,
) -> Response {
    let f = form(&body);
    if !app.csrf_ok(&v, &f) {
        return app.forbidden(&v);
    }
    let email = field(&f, "email").trim().to_lowercase();
    if !app.allow(Kind::Link, &[&v.ip.to_string(), &email]) {
        return app.too_many(&v);
    }
    let (e, base) = (email.clone(), app.base_url.clone());
    match app.pool.run(move |desk| desk.portal_send_link(&e, None, &base)).await {
        Ok(LinkOutcome::Sent(link)) => {
            app.demo_link(&email, &link);
            page(StatusCode::OK, pages::check_email(&app.chrome(&v, None), false))
        }
        Ok(LinkOutcome::TooMany) => app.too_many(&v),
        Err(Error::Invalid(msg)) => {
            page(StatusCode::BAD_REQUEST, pages::signin(&app.chrome(&v, None), &email, Some(&msg)))
        }
        Err(e) => app.fail(&v, None, e),
    }
}

fn token_of(p: &Result<Path<String>, PathRejection>) -> Option<String> {
    match p {
        Ok(Path(t)) if t.len() <= 200 && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.') => {
            Some(t.clone())
        }
        _ => None,
    }
}

fn expired_link(app: &App, v: &Visitor) -> Response {
    page(
        StatusCode::NOT_FOUND,
        pages::problem(
            &app.chrome(v, None),
            "This link has expired",
            "Sign-in links work once, for 30 minutes. Ask for a new one from the sign-in page.",
        ),
    )
}

/// Following the mailed link only shows a button: a GET changes nothing,
/// so a mail scanner opening the link does not use it up.
pub async fn signin_confirm(
    State(app): State<Arc<App>>,
    Extension(v): Extension<Visitor>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let Some(token) = token_of(&path) else {
        return expired_link(&app, &v);
    };
    let t = token.clone();
    match app.pool.run(move |desk| desk.portal_link_is_live(&t)).await {
        Ok(true) => page(StatusCode::OK, pages::confirm_signin(&app.chrome(&v, None), &token)),
        Ok(false) => expired_link(&app, &v),
        Err(e) => app.fail(&v, None, e),
    }
}

pub async fn signin_use(
    State(app): State<Arc<App>>,
    Extension(v): Extension<Visitor>,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    if let Err(refused) = app.posted(&v, &body) {
        return *refused;
    }
    let Some(token) = token_of(&path) else {
        return expired_link(&app, &v);
    };
    match app.pool.run(move |desk| desk.portal_sign_in(&token)).await {
        Ok(session) => {
            let to = match session.ticket {
                Some(id) => format!("/my/requests/{id}"),
                None => "/my/requests".to_string(),
            };
            let mut res = redirect(&to);
            let cookie = security::set_cookie(
                security::SESSION_COOKIE,
                &session.token,
                SESSION_HOURS * 3600,
                app.secure_cookies,
            );
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                res.headers_mut().append(header::SET_COOKIE, v);
            }
            res
        }
        Err(Error::NotFound(_)) => expired_link(&app, &v),
        Err(e) => app.fail(&v, None, e),
    }
}

pub async fn signout(State(app): State<Arc<App>>, Extension(v): Extension<Visitor>, body: Bytes) -> Response {
    let f = form(&body);
    if !app.csrf_ok(&v, &f) {
        return app.forbidden(&v);
    }
    if let Some(token) = v.session.clone() {
        if let Err(e) = app.pool.run(move |desk| desk.portal_sign_out(&token)).await {
            return app.fail(&v, None, e);
        }
    }
    let mut res = redirect("/");
    let gone = security::set_cookie(security::SESSION_COOKIE, "", 0, app.secure_cookies);
    if let Ok(h) = HeaderValue::from_str(&gone) {
        res.headers_mut().append(header::SET_COOKIE, h);
    }
    res
}

/// The signed-in requester, or the answer to give instead (sign in first).
async fn signed_in(app: &App, v: &Visitor) -> Result<Requester, Response> {
    match app.requester(v).await {
        Ok(Some(who)) => Ok(who),
        Ok(None) => Err(redirect("/signin")),
        Err(e) => Err(app.fail(v, None, e)),
    }
}

pub async fn my_requests(State(app): State<Arc<App>>, Extension(v): Extension<Visitor>) -> Response {
    let who = match signed_in(&app, &v).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let w = who.clone();
    match app.pool.run(move |desk| desk.portal_my_tickets(&w)).await {
        Ok(list) => page(StatusCode::OK, pages::my_requests(&app.chrome(&v, Some(&who)), &list)),
        Err(e) => app.fail(&v, Some(&who), e),
    }
}

async fn show_ticket(
    app: &App,
    v: &Visitor,
    who: &Requester,
    id: TicketId,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let w = who.clone();
    match app.pool.run(move |desk| desk.portal_ticket(&w, id)).await {
        Ok(Some(t)) => page(status, pages::ticket(&app.chrome(v, Some(who)), &t, error)),
        Ok(None) => app.not_found(v, Some(who)),
        Err(e) => app.fail(v, Some(who), e),
    }
}

pub async fn my_ticket(
    State(app): State<Arc<App>>,
    Extension(v): Extension<Visitor>,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    let who = match signed_in(&app, &v).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    match id_of(&path) {
        Some(id) => show_ticket(&app, &v, &who, id, None, StatusCode::OK).await,
        None => app.not_found(&v, Some(&who)),
    }
}

/// One of the requester's own files, as a download (never rendered
/// inline: the browser is told not to guess the type).
pub async fn attachment(
    State(app): State<Arc<App>>,
    Extension(v): Extension<Visitor>,
    path: Result<Path<(String, String)>, PathRejection>,
) -> Response {
    let who = match signed_in(&app, &v).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    let ids =
        path.ok().and_then(|Path((id, n))| Some((id.parse::<TicketId>().ok()?, n.parse::<usize>().ok()?)));
    let Some((id, n)) = ids else { return app.not_found(&v, Some(&who)) };
    let w = who.clone();
    match app.pool.run(move |desk| desk.portal_attachment(&w, id, n)).await {
        Ok(Some((name, ctype, data))) => {
            let mut res = Response::new(axum::body::Body::from(data));
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_str(&ctype).unwrap_or(HeaderValue::from_static("application/octet-stream")),
            );
            // The name as ASCII only: a header never carries the sender's raw text.
            let safe: String = name
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' })
                .collect();
            if let Ok(d) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
                h.insert(header::CONTENT_DISPOSITION, d);
            }
            h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
            res
        }
        Ok(None) => app.not_found(&v, Some(&who)),
        Err(e) => app.fail(&v, Some(&who), e),
    }
}

/// Reply and "this is solved": POSTs on one of the requester's tickets.
async fn ticket_post(
    app: &App,
    v: &Visitor,
    path: &Result<Path<String>, PathRejection>,
    body: &[u8],
    solved: bool,
) -> Response {
    let f = form(body);
    if !app.csrf_ok(v, &f) {
        return app.forbidden(v);
    }
    let who = match signed_in(app, v).await {
        Ok(w) => w,
        Err(res) => return res,
    };
    if !app.allow(Kind::Post, &[&v.ip.to_string(), &who.email]) {
        return app.too_many(v);
    }
    let Some(id) = id_of(path) else {
        return app.not_found(v, Some(&who));
    };
    let (w, text) = (who.clone(), field(&f, "text"));
    let done = app
        .pool
        .run(move |desk| if solved { desk.portal_solved(&w, id) } else { desk.portal_reply(&w, id, &text) })
        .await;
    match done {
        Ok(true) => redirect(&format!("/my/requests/{id}")),
        Ok(false) => app.not_found(v, Some(&who)),
        Err(Error::Invalid(msg)) => show_ticket(app, v, &who, id, Some(&msg), StatusCode::BAD_REQUEST).await,
        Err(e) => app.fail(v, Some(&who), e),
    }
}

pub async fn reply(
    State(app): State<Arc<App>>,
    Extension(v): Extension<Visitor>,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    ticket_post(&app, &v, &path, &body, false).await
}

pub async fn solved(
    State(app): State<Arc<App>>,
    Extension(v): Extension<Visitor>,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    ticket_post(&app, &v, &path, &body, true).await
}

/// "happy" / "neutral" / "unhappy", or 1-5.
fn score_of(text: Option<&String>) -> Option<i64> {
    match text.map(|s| s.trim().to_lowercase()).as_deref() {
        Some("happy") => Some(5),
        Some("neutral") => Some(3),
        Some("unhappy") => Some(1),
        Some(n) => n.parse().ok().filter(|n| (1..=5).contains(n)),
        None => None,
    }
}

/// The rating link from a resolution mail shows the choice preselected and
/// a button: a GET records nothing, so a mail scanner cannot vote.
pub async fn rate_form(
    State(app): State<Arc<App>>,
    Extension(v): Extension<Visitor>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Response {
    let p = query(raw.as_deref());
    let Some(token) = token_of(&path) else {
        return app.not_found(&v, None);
    };
    let (t, secret) = (token.clone(), app.secret.clone());
    match app.pool.run(move |desk| desk.portal_rating_target(&secret, &t)).await {
        Ok(Some(target)) => {
            let score = score_of(p.get("score"));
            page(StatusCode::OK, pages::rate(&app.chrome(&v, None), &token, &target, score, None))
        }
        Ok(None) => app.not_found(&v, None),
        Err(e) => app.fail(&v, None, e),
    }
}

pub async fn rate_post(
    State(app): State<Arc<App>>,
    Extension(v): Extension<Visitor>,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    let f = match app.posted(&v, &body) {
        Ok(f) => f,
        Err(refused) => return *refused,
    };
    let Some(token) = token_of(&path) else {
        return app.not_found(&v, None);
    };
    let Some(score) = score_of(f.get("score")) else {
        return app.fail(&v, None, Error::invalid("pick a rating from very unhappy to very happy"));
    };
    let comment = f.get("comment").cloned().filter(|c| !c.trim().is_empty());
    let (t, secret) = (token.clone(), app.secret.clone());
    match app.pool.run(move |desk| desk.portal_rate(&secret, &t, score, comment.as_deref())).await {
        Ok(Some(r)) => page(StatusCode::OK, pages::rated(&app.chrome(&v, None), r.score)),
        Ok(None) => app.not_found(&v, None),
        Err(e) => app.fail(&v, None, e),
    }
}
