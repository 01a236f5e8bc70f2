//! The shared transport: one reqwest client, and per service an [`HttpCore`] that knows the
//! base URL, the token, the headers the service insists on, and the retry policy.
//!
//! Logs (`-vv`) carry the method, the path *template* and the status, never a token, a real
//! path or a URL. reqwest errors are stripped of their URL before they are formatted.
pub use crate::api::call::{segment, segments, Call, Resend};
use crate::api::error_body;
use crate::api::gate::MutationGate;
use crate::api::retry::{self, HttpSettings};
use crate::api::secret::SecretUrl;
use crate::api::ApiError;
use crate::credentials::{Service, Token};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use std::fmt;
use std::time::Instant;
use url::Url;

pub const USER_AGENT: &str = concat!("bpdeploy/", env!("CARGO_PKG_VERSION"));

/// The one reqwest client of the process plus the knobs and the mutation gate. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    pub settings: HttpSettings,
    /// Every mutating request passes it before it is sent; `--dry-run` closes it.
    gate: MutationGate,
}

impl Transport {
    pub fn new(settings: HttpSettings) -> Result<Transport, reqwest::Error> {
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .gzip(true)
            .connect_timeout(settings.connect_timeout)
            // Never follow: GitHub's tarball Location is the answer itself, and a redirect
            // to another host must not receive our Authorization header.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Transport { client, settings, gate: MutationGate::open() })
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
        HttpCore { transport, service, base, token, secret_base: false }
    }

    /// A core whose base URL is a capability (Slack incoming webhook): calls use the empty path.
    pub fn secret(transport: Transport, service: Service, url: SecretUrl) -> HttpCore {
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

    /// Sends, retrying per [`Resend`] and the service's wait headers; non-2xx/3xx become errors.
    pub async fn send(&self, call: &Call) -> Result<Reply, ApiError> {
        let endpoint = call.endpoint();
        let url = self.url(call).map_err(|message| ApiError::Transport {
            service: self.service,
            endpoint: endpoint.clone(),
            message,
        })?;
        self.transport.gate.pass(self.service, call)?;
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
            let redact = self.token.as_ref().map(|t| t.expose());
            return Err(error_body::status_error(self.service, status, &headers, &body, endpoint, wait, redact));
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
