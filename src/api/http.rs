//! The shared transport: one reqwest client, and per service an [`HttpCore`] that knows the
//! base URL, the token, the headers the service insists on, and the retry policy.
//!
//! Logs (`-vv`) carry the method, the path *template* and the status, never a token, a real
//! path or a URL. reqwest errors are stripped of their URL before they are formatted.
//!
//! Redirects: a GET is followed to the same scheme, host and port only (GitHub answers 301 for a
//! renamed repository), so the Authorization header never leaves the service; anything else is
//! an [`ApiError::Redirect`] naming the status and the Location's host. Capability URLs in an
//! answer (stream URLs, signed source URLs, a kept redirect's Location) join the [`Secrets`].
pub use crate::api::call::{segment, segments, Call, Resend};
use crate::api::error_body;
use crate::api::gate::MutationGate;
use crate::api::retry::{self, HttpSettings};
use crate::api::secret::{self, SecretUrl, Secrets};
use crate::api::ApiError;
use crate::credentials::{Service, Token};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use std::fmt;
use std::time::Instant;
use url::Url;

pub const USER_AGENT: &str = concat!("bpdeploy/", env!("CARGO_PKG_VERSION"));

/// Same-origin redirects followed for one call before giving up (browsers allow 20; an API
/// that needs more than a couple is misconfigured).
const MAX_REDIRECTS: u32 = 5;

/// The one reqwest client of the process plus the knobs and the mutation gate. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    pub settings: HttpSettings,
    /// Where tokens and the capability URLs services hand out are registered for masking.
    secrets: Secrets,
    /// Every mutating request passes it before it is sent; `--dry-run` closes it.
    gate: MutationGate,
}

impl Transport {
    pub fn new(settings: HttpSettings) -> Result<Transport, reqwest::Error> {
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .gzip(true)
            .connect_timeout(settings.connect_timeout)
            // reqwest never follows: `HttpCore::send` decides (same origin only, GETs only),
            // and GitHub's tarball Location is the answer itself.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Transport { client, settings, secrets: Secrets::new(), gate: MutationGate::open() })
    }

    /// Shares the process's registry (the `Ui` masks what the transport registers).
    pub fn with_secrets(mut self, secrets: Secrets) -> Transport {
        self.secrets = secrets;
        self
    }

    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// The same transport behind `gate` (the command context's, closed by `--dry-run`).
    pub fn with_gate(mut self, gate: MutationGate) -> Transport {
        self.gate = gate;
        self
    }

    pub fn gate(&self) -> &MutationGate {
        &self.gate
    }

    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

/// A successful answer (2xx, or 3xx since redirects are not followed).
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub service: Service,
    pub endpoint: String,
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Reply({} {} {}, {} bytes)", self.service.name(), self.endpoint, self.status, self.body.len())
    }
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn json<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        serde_json::from_slice(&self.body).map_err(|e| self.decode_error(error_body::serde_message(&e)))
    }

    pub fn decode_error(&self, message: impl Into<String>) -> ApiError {
        ApiError::Decode { service: self.service, endpoint: self.endpoint.clone(), message: message.into() }
    }
}

/// One service's view of the transport.
#[derive(Clone)]
pub struct HttpCore {
    transport: Transport,
    pub service: Service,
    base: Url,
    token: Option<Token>,
    /// Set when the base URL is itself a secret (a Slack webhook).
    secret_base: bool,
}

impl fmt::Debug for HttpCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = if self.secret_base { "***" } else { self.base.as_str() };
        write!(
            f,
            "HttpCore({}, {base}, token: {})",
            self.service.name(),
            if self.token.is_some() { "***" } else { "none" }
        )
    }
}

impl HttpCore {
    /// `base` ends with `/` (see `config::endpoints::parse_base`); paths are joined to it.
    pub fn new(transport: Transport, service: Service, base: Url, token: Option<Token>) -> HttpCore {
        if let Some(token) = &token {
            transport.secrets.add(token.expose());
        }
        HttpCore { transport, service, base, token, secret_base: false }
    }

    /// A core whose base URL is a capability (Slack incoming webhook): calls use the empty path.
    pub fn secret(transport: Transport, service: Service, url: SecretUrl) -> HttpCore {
        transport.secrets.add_webhook(url.expose());
        HttpCore { transport, service, base: url.expose().clone(), token: None, secret_base: true }
    }

    pub fn settings(&self) -> &HttpSettings {
        &self.transport.settings
    }

    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    pub fn base(&self) -> &Url {
        &self.base
    }

    /// Sends, retrying per [`Resend`] and the service's wait headers, and following same-origin
    /// redirects of a GET; error statuses and other redirects become errors.
    pub async fn send(&self, call: &Call) -> Result<Reply, ApiError> {
        let endpoint = call.endpoint();
        let mut url = self.url(call).map_err(|message| ApiError::Transport {
            service: self.service,
            endpoint: endpoint.clone(),
            message,
        })?;
        self.transport.gate.pass(self.service, call)?;
        let mut hops = 0;
        loop {
            let reply = self.send_to(call, &url, &endpoint).await?;
            if !is_redirect(reply.status) || call.redirect_is_answer {
                self.learn_capabilities(&url, &reply);
                return Ok(reply);
            }
            let refuse = |to: String, why: &str| ApiError::Redirect {
                service: self.service,
                endpoint: endpoint.clone(),
                status: reply.status,
                to,
                why: why.to_string(),
            };
            let Some(next) = reply.header("location").and_then(|l| url.join(l).ok()) else {
                return Err(refuse("nowhere".into(), "the answer has no usable Location"));
            };
            if !same_origin(&url, &next) {
                return Err(refuse(
                    origin_label(&url, &next),
                    "only redirects within the same host and scheme are followed, so the token never goes elsewhere",
                ));
            }
            if call.method != reqwest::Method::GET {
                return Err(refuse(origin_label(&url, &next), "a request that changes something is never sent twice"));
            }
            if hops >= MAX_REDIRECTS {
                return Err(refuse(origin_label(&url, &next), "too many redirects"));
            }
            hops += 1;
            tracing::debug!(
                service = self.service.slug(),
                path = call.template,
                status = reply.status,
                hops,
                "following a redirect within the same host"
            );
            url = next;
        }
    }

    /// One URL, with retries; any status below 400 is an answer.
    async fn send_to(&self, call: &Call, url: &Url, endpoint: &str) -> Result<Reply, ApiError> {
        let endpoint = endpoint.to_string();
        let settings = &self.transport.settings;
        let mut attempt = 0u32;
        loop {
            let started = Instant::now();
            let outcome = match self.request(call, url.clone()).send().await {
                Ok(resp) => {
                    let status = resp.status().as_u16();
                    let headers = resp.headers().clone();
                    resp.bytes().await.map(|body| (status, headers, body)).map_err(|e| (e, true))
                }
                Err(e) => Err((e, false)),
            };
            let elapsed = started.elapsed().as_millis() as u64;
            let (status, headers, body) = match outcome {
                Ok(answer) => answer,
                Err((e, answered)) => {
                    let nothing_sent = e.is_connect() && !answered;
                    let message = error_body::transport_message(&e, settings.timeout);
                    tracing::debug!(service = self.service.slug(), method = %call.method, path = call.template, attempt, elapsed_ms = elapsed, error = %message, "request failed");
                    if attempt < settings.retries && (nothing_sent || call.resend == Resend::Safe) {
                        tokio::time::sleep(settings.backoff(attempt)).await;
                        attempt += 1;
                        continue;
                    }
                    let service = self.service;
                    return Err(if nothing_sent || call.resend == Resend::Safe {
                        ApiError::Transport { service, endpoint, message }
                    } else {
                        ApiError::Ambiguous { service, endpoint, message }
                    });
                }
            };
            tracing::debug!(service = self.service.slug(), method = %call.method, path = call.template, status, attempt, elapsed_ms = elapsed, remaining = retry::remaining_calls(&headers).unwrap_or("-"), "request");
            if status < 400 {
                return Ok(Reply { status, headers, body, service: self.service, endpoint });
            }
            let wait = retry::server_wait(&headers);
            let again =
                retry::is_refusal(status, &headers) || (retry::is_transient(status) && call.resend == Resend::Safe);
            if again && attempt < settings.retries {
                let pause = match wait {
                    Some(w) if w > settings.retry_max => None, // too long: tell the user instead
                    Some(w) => Some(w),
                    None => Some(settings.backoff(attempt)),
                };
                if let Some(pause) = pause {
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                    continue;
                }
            }
            // A server error to a create does not say whether it happened: Heroku may have
            // made the build before its gateway gave up. Read back before anything else.
            if status >= 500 && call.resend == Resend::Never {
                let message = format!("answered {status}");
                return Err(ApiError::Ambiguous { service: self.service, endpoint, message });
            }
            let secrets = &self.transport.secrets;
            return Err(error_body::status_error(self.service, status, &headers, &body, endpoint, wait, secrets));
        }
    }

    /// Registers the capability URLs an answer hands out before anyone can print them.
    fn learn_capabilities(&self, url: &Url, reply: &Reply) {
        if is_redirect(reply.status) {
            if let Some(location) = reply.header("location").and_then(|l| url.join(l).ok()) {
                self.transport.secrets.add_url(&location);
            }
        }
        for capability in secret::capability_urls(&reply.body) {
            self.transport.secrets.add_url(&capability);
        }
    }

    /// Sends and decodes a JSON answer. A create whose success answer cannot be read did
    /// happen, but what it made is unknown: that is an unknown outcome, not a bad answer.
    pub async fn json<T: DeserializeOwned>(&self, call: &Call) -> Result<T, ApiError> {
        let reply = self.send(call).await?;
        match reply.json() {
            Err(ApiError::Decode { service, endpoint, message }) if call.resend == Resend::Never => {
                let message = format!("answered {} with a body that cannot be read ({message})", reply.status);
                Err(ApiError::Ambiguous { service, endpoint, message })
            }
            decoded => decoded,
        }
    }

    fn url(&self, call: &Call) -> Result<Url, String> {
        let mut url = self.base.join(&call.path).map_err(|e| format!("cannot build the URL ({e})"))?;
        if !call.query.is_empty() {
            url.query_pairs_mut().extend_pairs(call.query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        }
        Ok(url)
    }

    fn request(&self, call: &Call, url: Url) -> reqwest::RequestBuilder {
        let mut req = self.transport.client.request(call.method.clone(), url).timeout(self.transport.settings.timeout);
        for (name, value) in self.service_headers() {
            req = req.header(*name, *value);
        }
        if let Some(token) = &self.token {
            req = req.bearer_auth(token.expose());
        }
        for (name, value) in &call.headers {
            req = req.header(*name, value);
        }
        if let Some(body) = &call.body {
            req = req.json(body);
        }
        req
    }

    /// The headers each service requires on every request (see ../shared/api-notes).
    fn service_headers(&self) -> &'static [(&'static str, &'static str)] {
        match self.service {
            Service::Heroku => &[("Accept", "application/vnd.heroku+json; version=3")],
            Service::GitHub => &[("Accept", "application/vnd.github+json"), ("X-GitHub-Api-Version", "2022-11-28")],
            Service::Sentry | Service::Slack => &[("Accept", "application/json")],
        }
    }
}

fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

/// Same scheme, host and port: where the Authorization header may go.
fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

/// Where a redirect points, as much as a person needs and no more: `api.example.com`, or with
/// the scheme and port when those are what differs. Never the path or query.
fn origin_label(from: &Url, to: &Url) -> String {
    let host = to.host_str().unwrap_or("?");
    if to.scheme() != from.scheme() || to.port_or_known_default() != from.port_or_known_default() {
        match to.port() {
            Some(port) => format!("{}://{host}:{port}", to.scheme()),
            None => format!("{}://{host}", to.scheme()),
        }
    } else {
        host.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(same_origin(&u("https://api.github.com/a"), &u("https://api.github.com:443/repositories/1")));
        assert!(!same_origin(&u("https://api.github.com/a"), &u("http://api.github.com/a")));
        assert!(!same_origin(&u("https://api.github.com/a"), &u("https://evil.example/a")));
        assert!(!same_origin(&u("http://127.0.0.1:1/a"), &u("http://127.0.0.1:2/a")));
        assert_eq!(origin_label(&u("https://a.test/x"), &u("https://b.test/secret?sig=1")), "b.test");
        assert_eq!(origin_label(&u("https://a.test/x"), &u("http://a.test/x")), "http://a.test");
        assert_eq!(origin_label(&u("http://127.0.0.1:1/x"), &u("http://127.0.0.1:2/x")), "http://127.0.0.1:2");
    }
}
