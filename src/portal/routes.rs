//! Search first: the home page, results, suggestions as JSON, article
//! pages with "Did this solve it?", and the embedded static files.

use super::security::Kind;
use super::{page, pages, query, redirect, App, Visitor};
use crate::service::portal::{Metric, MAX_RESULTS};
use axum::body::Bytes;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use std::sync::Arc;

const CSS: &str = include_str!("../../assets/portal/portal.css");
const JS: &str = include_str!("../../assets/portal/portal.js");

pub async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], CSS).into_response()
}

pub async fn js() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], JS).into_response()
}

pub async fn not_found(State(app): State<Arc<App>>, Extension(v): Extension<Visitor>) -> Response {
    let who = app.requester(&v).await.ok().flatten();
    app.not_found(&v, who.as_ref())
}

pub async fn home(State(app): State<Arc<App>>, Extension(v): Extension<Visitor>) -> Response {
    let who = app.requester(&v).await.ok().flatten();
    page(StatusCode::OK, pages::home(&app.chrome(&v, who.as_ref())))
}

/// A numeric id from the path; anything else is simply not found.
pub(super) fn id_of<T: std::str::FromStr>(p: &Result<Path<String>, PathRejection>) -> Option<T> {
    match p {
        Ok(Path(s)) if !s.is_empty() && s.len() < 16 && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok()
        }
        _ => None,
    }
}

/// The school a search is ranked for: the signed-in requester's, else the
/// `school` parameter.
fn school_for(
    who: Option<&crate::service::portal_auth::Requester>,
    param: Option<&String>,
) -> Option<String> {
    who.and_then(|r| r.school.clone()).or_else(|| param.cloned())
}

pub async fn search(
    State(app): State<Arc<App>>,
    Extension(v): Extension<Visitor>,
    RawQuery(raw): RawQuery,
) -> Response {
    let p = query(raw.as_deref());
    let q = p.get("q").cloned().unwrap_or_default();
    let who = app.requester(&v).await.ok().flatten();
    if !app.allow(Kind::Search, &[&v.ip.to_string()]) {
        return app.too_many(&v);
    }
    let school = school_for(who.as_ref(), p.get("school"));
    let category = p.get("category").cloned();
    let text = q.clone();
    let found = app
        .pool
        .run(move |desk| {
            let hits = desk.portal_search(&text, school.as_deref(), category.as_deref(), MAX_RESULTS)?;
            if !text.trim().is_empty() {
                desk.portal_count(Metric::Search, school.as_deref())?;
            }
            Ok(hits)
        })
        .await;
    match found {
        Ok(hits) => page(StatusCode::OK, pages::search(&app.chrome(&v, who.as_ref()), &q, &hits)),
        Err(e) => app.fail(&v, who.as_ref(), e),
    }
}

/// `GET /api/suggest?q=TEXT[&school=CODE][&category=C]`: JSON answers, best
/// first. `n=1` marks the first suggestion of a typing session, counted as
/// one search (not every keystroke).
pub async fn suggest(
    State(app): State<Arc<App>>,
    Extension(v): Extension<Visitor>,
    RawQuery(raw): RawQuery,
) -> Response {
    let p = query(raw.as_deref());
    if !app.allow(Kind::Search, &[&v.ip.to_string()]) {
        return (StatusCode::TOO_MANY_REQUESTS, Json(serde_json::json!({"error": "too many requests"})))
            .into_response();
    }
    let who = app.requester(&v).await.ok().flatten();
    let q = p.get("q").cloned().unwrap_or_default();
    let school = school_for(who.as_ref(), p.get("school"));
    let category = p.get("category").cloned();
    let first = p.get("n").is_some_and(|n| n == "1");
    let found = app
        .pool
        .run(move |desk| {
            let hits = desk.portal_search(&q, school.as_deref(), category.as_deref(), 5)?;
            if first && !q.trim().is_empty() {
                desk.portal_count(Metric::Search, school.as_deref())?;
            }
            Ok(hits)
        })
        .await;
    match found {
        Ok(hits) => Json(hits).into_response(),
        Err(e) => {
            let status = match e {
                crate::Error::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
                crate::Error::Invalid(_) => StatusCode::BAD_REQUEST,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            (status, Json(serde_json::json!({"error": "no suggestions right now"}))).into_response()
        }
    }
}

pub async fn article(
    State(app): State<Arc<App>>,
    Extension(v): Extension<Visitor>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
) -> Response {
    let p = query(raw.as_deref());
    let who = app.requester(&v).await.ok().flatten();
    let Some(id) = id_of(&path) else {
        return app.not_found(&v, who.as_ref());
    };
    let school = school_for(who.as_ref(), p.get("school"));
    match app.pool.run(move |desk| desk.portal_article(id, school.as_deref())).await {
        Ok(Some(a)) => {
            let q = p.get("q").cloned().unwrap_or_default();
            let from = if p.get("from").is_some_and(|f| f == "request") { "request" } else { "" };
            page(StatusCode::OK, pages::article(&app.chrome(&v, who.as_ref()), &a, &q, from))
        }
        Ok(None) => app.not_found(&v, who.as_ref()),
        Err(e) => app.fail(&v, who.as_ref(), e),
    }
}

/// "Did this solve it?": yes is thanked and counted; no goes to the request
/// form with what they typed.
pub async fn answer(
    State(app): State<Arc<App>>,
    Extension(v): Extension<Visitor>,
    path: Result<Path<String>, PathRejection>,
    body: Bytes,
) -> Response {
    let f = match app.posted(&v, &body) {
        Ok(f) => f,
        Err(refused) => return *refused,
    };
    let who = app.requester(&v).await.ok().flatten();
    let Some(id) = id_of(&path) else {
        return app.not_found(&v, who.as_ref());
    };
    let solved = f.get("solved").is_some_and(|s| s == "yes");
    let from_form = f.get("from").is_some_and(|s| s == "request");
    let school = who.as_ref().and_then(|r| r.school.clone());
    match app.pool.run(move |desk| desk.portal_answer(id, solved, from_form, school.as_deref())).await {
        Ok(false) => app.not_found(&v, who.as_ref()),
        Ok(true) if solved => page(StatusCode::OK, pages::solved(&app.chrome(&v, who.as_ref()))),
        Ok(true) => {
            let q = f.get("q").map(String::as_str).unwrap_or("");
            let to = form_urlencoded::Serializer::new(String::new()).append_pair("q", q).finish();
            redirect(&format!("/request?{to}"))
        }
        Err(e) => app.fail(&v, who.as_ref(), e),
    }
}
