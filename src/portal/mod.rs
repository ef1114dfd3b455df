//! The requester portal (`deskside serve`): a web face over `service`,
//! like the CLI — no SQL here. axum on a two-thread tokio runtime serves
//! the pages; database work runs on the portal's own connections in
//! `pool`. Every page works without JavaScript; `/static/portal.js` only
//! shows suggestions as someone types.

mod account;
mod multipart;
mod pages;
mod pool;
mod routes;
mod security;

pub use crate::face::Options;
pub use pool::Opener;
pub use security::Limits;

use crate::service::portal_auth::Requester;
use crate::{Error, Result};
use axum::body::Body;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use pages::Chrome;
use security::{Kind, RateLimiter};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// Largest request body: forms are text (the request form's screenshot
/// has its own limit, REQUEST_BODY_BYTES).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// The request form with a screenshot: the image cap plus the text fields.
pub const REQUEST_BODY_BYTES: usize = crate::service::attachments::PORTAL_CAP + MAX_BODY_BYTES;

pub(crate) struct App {
    pool: pool::Pool,
    secret: String,
    base_url: String,
    secure_cookies: bool,
    trusted: Vec<IpAddr>,
    limiter: RateLimiter,
    demo: bool,
}

/// Who is asking, worked out once per request by `visitor`.
#[derive(Clone)]
pub(crate) struct Visitor {
    ip: IpAddr,
    /// This browser's CSRF cookie (made now when it had none).
    csrf_cookie: String,
    /// The token its forms carry.
    csrf: String,
    /// The session cookie as sent (checked against the database on use).
    session: Option<String>,
}

/// Starts the portal and serves until the process is stopped.
pub fn serve(opener: &Opener, opts: &Options) -> Result<()> {
    let mut desk = opener.open()?;
    let secret = desk.portal_secret()?;
    desk.set_portal_base_url(&opts.base_url)?;
    drop(desk);
    let pool = pool::Pool::start(opener)?;
    let app = Arc::new(App {
        pool,
        secret,
        base_url: opts.base_url.trim_end_matches('/').to_string(),
        secure_cookies: opts.base_url.starts_with("https://"),
        trusted: opts.trusted_proxies.clone(),
        limiter: RateLimiter::new(opts.limits),
        demo: opts.demo,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::runtime(format!("cannot start the web server: {e}")))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(opts.listen)
            .await
            .map_err(|e| Error::runtime(format!("cannot listen on {}: {e}", opts.listen)))?;
        let local = listener.local_addr()?;
        // Tests and scripts read this line to find the port (with --listen ...:0).
        println!("deskside portal listening on http://{local} (links in mail: {})", app.base_url);
        axum::serve(listener, router(app).into_make_service_with_connect_info::<SocketAddr>())
            .await
            .map_err(|e| Error::runtime(format!("the web server stopped: {e}")))
    })
}

fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(routes::home))
        .route("/search", get(routes::search))
        .route("/api/suggest", get(routes::suggest))
        .route("/articles/{id}", get(routes::article))
        .route("/articles/{id}/answer", post(routes::answer))
        .route("/static/portal.css", get(routes::css))
        .route("/static/portal.js", get(routes::js))
        .route(
            "/request",
            get(account::request_form)
                .post(account::request_post)
                .layer(DefaultBodyLimit::max(REQUEST_BODY_BYTES)),
        )
        .route("/my/requests/{id}/attachments/{n}", get(account::attachment))
        .route("/signin", get(account::signin_form).post(account::signin_post))
        .route("/signin/{token}", get(account::signin_confirm).post(account::signin_use))
        .route("/signout", post(account::signout))
        .route("/my/requests", get(account::my_requests))
        .route("/my/requests/{id}", get(account::my_ticket))
        .route("/my/requests/{id}/reply", post(account::reply))
        .route("/my/requests/{id}/solved", post(account::solved))
        .route("/rate/{token}", get(account::rate_form).post(account::rate_post))
        .fallback(routes::not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(app.clone(), visitor))
        .with_state(app)
}

/// Works out the visitor, and hardens every answer on the way out.
async fn visitor(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::from([127, 0, 0, 1]));
    let headers = req.headers();
    let ip = security::client_ip(peer, headers, &app.trusted);
    let existing = security::cookie(headers, security::CSRF_COOKIE);
    let session = security::cookie(headers, security::SESSION_COOKIE);
    let fresh = existing.is_none();
    let Some(csrf_cookie) = existing.or_else(security::fresh_id) else {
        return plain(StatusCode::INTERNAL_SERVER_ERROR, "no random numbers available");
    };
    let csrf = security::csrf_token(&app.secret, &csrf_cookie);
    let is_static = req.uri().path().starts_with("/static/");
    req.extensions_mut().insert(Visitor { ip, csrf_cookie: csrf_cookie.clone(), csrf, session });
    let mut res = next.run(req).await;
    if fresh && !is_static {
        let cookie =
            security::set_cookie(security::CSRF_COOKIE, &csrf_cookie, 86_400 * 30, app.secure_cookies);
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    security::harden(res.headers_mut(), is_static);
    res
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, text).into_response()
}

impl App {
    fn chrome<'a>(&self, v: &'a Visitor, who: Option<&'a Requester>) -> Chrome<'a> {
        Chrome { email: who.map(|r| r.email.as_str()), csrf: &v.csrf }
    }

    /// On a demo server only: the sign-in link on the terminal, so a
    /// newcomer can follow it without a mail server.
    fn demo_link(&self, email: &str, link: &str) {
        if self.demo {
            eprintln!("demo: sign-in link for {email}: {link}");
        }
    }

    /// The signed-in requester, if the session cookie is live.
    async fn requester(&self, v: &Visitor) -> Result<Option<Requester>> {
        match v.session.clone() {
            Some(token) => self.pool.run(move |desk| desk.portal_session(&token)).await,
            None => Ok(None),
        }
    }

    /// Counts one of `kind` for each key; false when any is over its limit.
    fn allow(&self, kind: Kind, keys: &[&str]) -> bool {
        keys.iter().all(|k| self.limiter.allow(kind, k))
    }

    /// A form POST's fields once its CSRF token and the visitor's rate of
    /// posts pass; otherwise the refusal page to answer with.
    fn posted(
        &self,
        v: &Visitor,
        body: &[u8],
    ) -> std::result::Result<HashMap<String, String>, Box<Response>> {
        let f = form(body);
        if !self.csrf_ok(v, &f) {
            return Err(Box::new(self.forbidden(v)));
        }
        if !self.allow(Kind::Post, &[&v.ip.to_string()]) {
            return Err(Box::new(self.too_many(v)));
        }
        Ok(f)
    }

    fn csrf_ok(&self, v: &Visitor, form: &HashMap<String, String>) -> bool {
        security::csrf_ok(&self.secret, Some(&v.csrf_cookie), form.get("csrf").map(String::as_str))
    }

    /// An error as a page with the right status; nothing internal in it.
    fn fail(&self, v: &Visitor, who: Option<&Requester>, e: Error) -> Response {
        let chrome = self.chrome(v, who);
        match e {
            Error::Invalid(msg) => {
                page(StatusCode::BAD_REQUEST, pages::problem(&chrome, "Please check that", &msg))
            }
            Error::NotFound(msg) => page(StatusCode::NOT_FOUND, pages::problem(&chrome, "Not found", &msg)),
            Error::Busy(_) => page(
                StatusCode::SERVICE_UNAVAILABLE,
                pages::problem(
                    &chrome,
                    "Busy",
                    "The help desk is very busy right now: try again in a minute.",
                ),
            ),
            other => {
                eprintln!("deskside portal: {other}");
                page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    pages::problem(&chrome, "Something went wrong", "Please try again in a minute."),
                )
            }
        }
    }

    fn not_found(&self, v: &Visitor, who: Option<&Requester>) -> Response {
        page(
            StatusCode::NOT_FOUND,
            pages::problem(
                &self.chrome(v, who),
                "Not found",
                "There is nothing here. It may have moved, or the address is mistyped.",
            ),
        )
    }

    fn forbidden(&self, v: &Visitor) -> Response {
        page(
            StatusCode::FORBIDDEN,
            pages::problem(
                &self.chrome(v, None),
                "Please try again",
                "This form had expired or did not come from this site. Go back, reload the page and send it again.",
            ),
        )
    }

    fn too_many(&self, v: &Visitor) -> Response {
        page(
            StatusCode::TOO_MANY_REQUESTS,
            pages::problem(&self.chrome(v, None), "Too many requests", "Please wait a little and try again."),
        )
    }
}

fn page(status: StatusCode, html: String) -> Response {
    let mut res = (status, html).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    res
}

fn redirect(to: &str) -> Response {
    let mut res = Response::new(Body::empty());
    *res.status_mut() = StatusCode::SEE_OTHER;
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// The fields of a form body (unknown fields are ignored; a repeated one
/// keeps its last value).
fn form(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// A query string's fields.
fn query(q: Option<&str>) -> HashMap<String, String> {
    form(q.unwrap_or("").as_bytes())
}
