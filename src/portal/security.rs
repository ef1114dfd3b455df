//! What keeps the portal safe on the open internet: security headers on
//! every answer, a CSRF token on every form, per-IP and per-address rate
//! limits, and the client's address (X-Forwarded-For only from a trusted
//! proxy).

pub use crate::face::Limits;
use crate::service::portal::{random_hex, sign, verify};
use axum::http::header::{self, HeaderMap, HeaderValue};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// `connect-src 'self'` lets the suggestions script call /api/suggest
/// (without it `default-src 'none'` blocks the fetch).
pub const CSP: &str = "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; \
connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub const CSRF_COOKIE: &str = "ds_csrf";
pub const SESSION_COOKIE: &str = "ds_session";

/// Sets the headers every answer carries.
pub fn harden(headers: &mut HeaderMap, cacheable: bool) {
    let set = |h: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::CONTENT_SECURITY_POLICY, CSP);
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    if cacheable {
        set(headers, header::CACHE_CONTROL, "public, max-age=3600");
    } else {
        // Pages can hold a requester's tickets: never kept by a shared PC's
        // browser cache or a proxy.
        set(headers, header::CACHE_CONTROL, "no-store");
    }
}

/// A cookie's value from the request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|line| {
        line.split(';').find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name && !v.is_empty() && v.len() <= 128 && v.chars().all(|c| c.is_ascii_hexdigit()))
                .then(|| v.to_string())
        })
    })
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure over https.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{}",
        if secure { "; Secure" } else { "" }
    )
}

/// A fresh random cookie value (256 bits).
pub fn fresh_id() -> Option<String> {
    random_hex(32).ok()
}

/// The token forms carry: a signature of the browser's CSRF cookie (signed
/// double submit). A forged form on another site cannot read the cookie,
/// so it cannot make the token.
pub fn csrf_token(secret: &str, cookie: &str) -> String {
    sign(secret, &format!("csrf:{cookie}"))
}

pub fn csrf_ok(secret: &str, cookie: Option<&str>, token: Option<&str>) -> bool {
    match (cookie, token) {
        (Some(c), Some(t)) => verify(secret, &format!("csrf:{c}"), t),
        _ => false,
    }
}

/// The client's address: the connection's peer, or, when the peer is a
/// trusted proxy, the last address it added to X-Forwarded-For (the only
/// one it vouches for; earlier ones are whatever the client sent).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .next_back()
        .unwrap_or(peer)
}

/// What a limit counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Searches and suggestions.
    Search,
    /// Sign-in links asked for.
    Link,
    /// Requests, replies and other form posts.
    Post,
}

impl Limits {
    fn of(&self, kind: Kind) -> (u32, Duration) {
        match kind {
            Kind::Search => (self.searches_per_minute, Duration::from_secs(60)),
            Kind::Link => (self.links_per_hour, Duration::from_secs(3600)),
            Kind::Post => (self.posts_per_hour, Duration::from_secs(3600)),
        }
    }
}

/// Fixed-window counters per (kind, key): a key is an IP address or an
/// email address. Memory is bounded: past `MAX_KEYS` finished windows are
/// dropped, and when all are live the oldest half goes.
pub struct RateLimiter {
    limits: Limits,
    windows: Mutex<HashMap<(Kind, String), (Instant, u32)>>,
}

const MAX_KEYS: usize = 50_000;

impl RateLimiter {
    pub fn new(limits: Limits) -> RateLimiter {
        RateLimiter { limits, windows: Mutex::new(HashMap::new()) }
    }

    /// Counts one more; false when the key is over its limit.
    pub fn allow(&self, kind: Kind, key: &str) -> bool {
        let (max, window) = self.limits.of(kind);
        let now = Instant::now();
        let Ok(mut map) = self.windows.lock() else {
            return false;
        };
        if map.len() >= MAX_KEYS {
            map.retain(|(k, _), (start, _)| now.duration_since(*start) < self.limits.of(*k).1);
            if map.len() >= MAX_KEYS {
                let mut starts: Vec<Instant> = map.values().map(|(s, _)| *s).collect();
                starts.sort();
                let cut = starts[starts.len() / 2];
                map.retain(|_, (s, _)| *s > cut);
            }
        }
        let entry = map.entry((kind, key.to_string())).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_static("6.6.6.6, 203.0.113.9"));
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let other: IpAddr = "198.51.100.1".parse().unwrap();
        assert_eq!(client_ip(proxy, &h, &[proxy]), "203.0.113.9".parse::<IpAddr>().unwrap());
        assert_eq!(client_ip(other, &h, &[proxy]), other);
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &[proxy]), proxy);
    }

    #[test]
    fn limits_refuse_past_the_count_per_key() {
        let r = RateLimiter::new(Limits { searches_per_minute: 2, links_per_hour: 1, posts_per_hour: 1 });
        assert!(r.allow(Kind::Search, "a") && r.allow(Kind::Search, "a"));
        assert!(!r.allow(Kind::Search, "a"));
        assert!(r.allow(Kind::Search, "b"), "another key has its own count");
        assert!(r.allow(Kind::Link, "a"), "another kind has its own count");
    }

    #[test]
    fn cookies_are_read_strictly() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("x=1; ds_csrf=abc123; y=<script>"));
        assert_eq!(cookie(&h, CSRF_COOKIE).as_deref(), Some("abc123"));
        h.insert(header::COOKIE, HeaderValue::from_static("ds_csrf=<script>"));
        assert_eq!(cookie(&h, CSRF_COOKIE), None);
    }
}
