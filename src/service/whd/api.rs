//! Web Help Desk's REST API, read with a blocking HTTP client (ureq,
//! rustls): `GET <base>/ra/<Resource>?apiKey=...&page=N&limit=L`.
//!
//! The API key travels only in the query string WHD requires; no message
//! built here contains the key or the URL it is in (errors name the
//! resource and page, and anything a server or library says is passed
//! through `redact`). Redirects are not followed: one would carry the
//! key to wherever it points.

use super::model::{Client, Location, RequestType, Tech, Ticket, TicketRef};
use crate::{Error, Result};
use serde::de::DeserializeOwned;
use std::time::Duration;

/// The largest response read (a page of tickets, one ticket with its notes).
const MAX_BODY: u64 = 64 << 20;

pub struct Api {
    agent: ureq::Agent,
    /// `https://host/helpdesk/WebObjects/Helpdesk.woa/ra` (no trailing slash).
    base: String,
    key: String,
    page_size: u32,
}

/// What `--url` may be: the server (`https://help.school.org`), the
/// application (`.../helpdesk/WebObjects/Helpdesk.woa`) or its `ra/`.
pub fn base_url(url: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/');
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    if !(scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http")) || rest.is_empty() {
        return Err(Error::invalid(format!(
            "invalid --url '{}': expected the Web Help Desk address, e.g. https://help.school.org",
            redact_query(url)
        )));
    }
    if url.contains('?') || url.contains('#') {
        return Err(Error::invalid(
            "invalid --url: give the address without a query (the key goes in --api-key-file or WHD_API_KEY)",
        ));
    }
    let lower = url.to_ascii_lowercase();
    Ok(if lower.ends_with("/ra") {
        url.to_string()
    } else if lower.ends_with("helpdesk.woa") {
        format!("{url}/ra")
    } else {
        format!("{url}/helpdesk/WebObjects/Helpdesk.woa/ra")
    })
}

/// `url` without anything after `?` (where a key could be).
fn redact_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or("")
}

impl Api {
    pub fn new(url: &str, key: &str, timeout: Duration, page_size: u32) -> Result<Api> {
        let key = key.trim();
        if key.is_empty() || key.chars().any(|c| c.is_control() || c == ' ') {
            return Err(Error::invalid(
                "invalid API key: expected the key Web Help Desk shows under Setup > Techs (one line, no spaces)",
            ));
        }
        if page_size == 0 {
            return Err(Error::invalid("invalid --page-size 0: expected 1 or more"));
        }
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(concat!("deskside/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Ok(Api { agent, base: base_url(url)?, key: key.to_string(), page_size })
    }

    /// Any text with the key blanked out (a server may echo the URL).
    fn redact(&self, text: &str) -> String {
        text.replace(&self.key, "[API key]")
    }

    /// `GET ra/<resource>` with `query` (already encoded pairs) and the key.
    fn get<T: DeserializeOwned>(&self, what: &str, resource: &str, query: &[(&str, String)]) -> Result<T> {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in query {
            q.append_pair(k, v);
        }
        q.append_pair("apiKey", &self.key);
        let url = format!("{}/{resource}?{}", self.base, q.finish());
        let fail = |reason: String| {
            Error::runtime(format!(
                "Web Help Desk: {what}: {}; nothing more was imported",
                self.redact(&reason)
            ))
        };
        let mut resp = self.agent.get(&url).header("Accept", "application/json").call().map_err(|e| {
            fail(match e {
                ureq::Error::Timeout(_) => "no answer in time (timed out; see --timeout)".to_string(),
                ureq::Error::HostNotFound => "the server's name was not found (check --url)".to_string(),
                ureq::Error::ConnectionFailed => "could not connect (check --url)".to_string(),
                ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                    "no answer in time (timed out; see --timeout)".to_string()
                }
                ureq::Error::Io(io) => format!("connection failed: {}", io.kind()),
                ureq::Error::Tls(t) => format!("TLS failed: {t}"),
                ureq::Error::Rustls(_) => "TLS failed (is the certificate valid for this name?)".to_string(),
                ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => {
                    "the server redirected (give the final address in --url)".to_string()
                }
                other => format!("request failed ({})", kind_of(&other)),
            })
        })?;
        let status = resp.status().as_u16();
        match status {
            200..=299 => {}
            // A wrong key is bad input (exit 2); a key whose tech may not read this is a permission (exit 5).
            401 => {
                return Err(Error::invalid(format!(
                    "Web Help Desk refused the API key ({what}: HTTP 401 Unauthorized): check --api-key-file or WHD_API_KEY; nothing more was imported"
                )))
            }
            403 => {
                return Err(Error::permission(format!(
                    "Web Help Desk refused access ({what}: HTTP 403 Forbidden): the key's tech may not read this; nothing more was imported"
                )))
            }
            300..=399 => return Err(fail(format!("the server redirected (HTTP {status}); give the final address in --url"))),
            404 => return Err(fail("not found (HTTP 404): is --url the Web Help Desk address?".to_string())),
            _ => return Err(fail(format!("the server answered HTTP {status}"))),
        }
        let text = resp.body_mut().with_config().limit(MAX_BODY).read_to_string().map_err(|e| match e {
            ureq::Error::Timeout(_) => fail("no answer in time (timed out; see --timeout)".to_string()),
            other => fail(format!("could not read the answer ({})", kind_of(&other))),
        })?;
        serde_json::from_str(&text)
            .map_err(|e| fail(format!("the answer is not what the WHD API guide describes: {e}")))
    }

    /// Every page of a list resource (`Locations`, `Techs` ...).
    fn all<T: DeserializeOwned>(&self, resource: &str) -> Result<Vec<T>> {
        let mut out = Vec::new();
        let mut page = 1u32;
        let mut last: Vec<serde_json::Value> = Vec::new();
        loop {
            let got: Vec<serde_json::Value> = self.page(resource, page, &[])?;
            same_page_again(resource, page, &last, &got)?;
            let n = got.len();
            for v in &got {
                out.push(serde_json::from_value(v.clone()).map_err(|e| {
                    Error::runtime(format!(
                        "Web Help Desk: {resource} page {page}: the answer is not what the WHD API guide describes: {e}; nothing more was imported"
                    ))
                })?);
            }
            if n < self.page_size as usize {
                return Ok(out);
            }
            last = got;
            page = page.checked_add(1).ok_or_else(|| Error::runtime("too many pages"))?;
        }
    }

    fn page<T: DeserializeOwned>(
        &self,
        resource: &str,
        page: u32,
        extra: &[(&str, String)],
    ) -> Result<Vec<T>> {
        let mut query = vec![("page", page.to_string()), ("limit", self.page_size.to_string())];
        query.extend(extra.iter().cloned());
        self.get(&format!("{resource} page {page}"), resource, &query)
    }

    pub fn locations(&self) -> Result<Vec<Location>> {
        self.all("Locations")
    }
    pub fn request_types(&self) -> Result<Vec<RequestType>> {
        self.all("RequestTypes")
    }
    pub fn clients(&self) -> Result<Vec<Client>> {
        self.all("Clients")
    }
    pub fn techs(&self) -> Result<Vec<Tech>> {
        self.all("Techs")
    }

    /// One page of the ticket list; `qualifier` selects which tickets
    /// (WHD lists only the key's own tickets without one).
    pub fn tickets_page(&self, page: u32, qualifier: &str) -> Result<Vec<TicketRef>> {
        self.page("Tickets", page, &[("qualifier", qualifier.to_string())])
    }

    pub fn ticket(&self, id: i64) -> Result<Ticket> {
        self.get(&format!("ticket {id}"), &format!("Tickets/{id}"), &[])
    }

    pub fn page_size(&self) -> usize {
        self.page_size as usize
    }
}

/// A server that ignores `page` answers the first page again and again:
/// refused rather than read forever.
pub fn same_page_again<T: PartialEq>(resource: &str, page: u32, last: &[T], got: &[T]) -> Result<()> {
    if page > 1 && !got.is_empty() && got == last {
        return Err(Error::runtime(format!(
            "Web Help Desk: {resource} page {page} is the same as page {}: the server does not page (`page`, `limit`); nothing more was imported",
            page - 1
        )));
    }
    Ok(())
}

/// A library error named by its kind only (its text may hold the URL).
fn kind_of(e: &ureq::Error) -> &'static str {
    match e {
        ureq::Error::BodyExceedsLimit(_) => "the answer is too large",
        ureq::Error::Protocol(_) => "not a valid HTTP answer",
        ureq::Error::BadUri(_) => "invalid address",
        _ => "network error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_url_may_name_the_server_the_application_or_ra() {
        let want = "https://help.x.sch.uk/helpdesk/WebObjects/Helpdesk.woa/ra";
        assert_eq!(base_url("https://help.x.sch.uk").unwrap(), want);
        assert_eq!(base_url("https://help.x.sch.uk/helpdesk/WebObjects/Helpdesk.woa/").unwrap(), want);
        assert_eq!(base_url(want).unwrap(), want);
        assert!(base_url("help.x.sch.uk").is_err());
        let err = base_url("https://h/x?apiKey=SECRET").unwrap_err().to_string();
        assert!(!err.contains("SECRET"), "{err}");
    }

    #[test]
    fn the_key_never_appears_in_a_message() {
        let api = Api::new("http://127.0.0.1:9", "s3cr3tKEY", Duration::from_millis(200), 10).unwrap();
        assert_eq!(
            api.redact("GET /ra/Tickets?apiKey=s3cr3tKEY failed"),
            "GET /ra/Tickets?apiKey=[API key] failed"
        );
        let err = api.locations().unwrap_err().to_string();
        assert!(err.contains("Locations page 1") && !err.contains("s3cr3tKEY"), "{err}");
        assert!(Api::new("http://h", "two words", Duration::from_secs(1), 10).is_err());
    }
}
