//! The typed error of every API call: which service, what status, the service's own message and
//! ids, and what a person should do about it. Never carries a token or a signed URL.
use crate::credentials::Service;
use crate::error::Diagnose;
use crate::exit::Exit;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The service answered with an error status.
    #[error("{} answered {status} to {endpoint}: {message}{}", service.name(), request_id_suffix(.request_id))]
    Status {
        service: Service,
        status: u16,
        /// Method and path, without query string: `GET /apps/my-app/releases`.
        endpoint: String,
        message: String,
        /// The service's machine id (`not_found`, `rate_limit`, a Slack error code).
        error_id: Option<String>,
        request_id: Option<String>,
        retry_after: Option<Duration>,
        /// The scope the service says is missing (403).
        scope: Option<String>,
    },
    /// Nothing was sent or the connection failed before the request was complete.
    #[error("cannot reach {} at {endpoint}: {message}", service.name())]
    Transport { service: Service, endpoint: String, message: String },
    /// A create request was sent but no answer came back: it may or may not have happened.
    #[error("{} did not answer {endpoint} ({message}); the outcome is unknown", service.name())]
    Ambiguous { service: Service, endpoint: String, message: String },
    /// The answer did not have the expected shape.
    #[error("cannot decode {}'s answer to {endpoint}: {message}", service.name())]
    Decode { service: Service, endpoint: String, message: String },
    /// A redirect that is not followed: to another host or scheme, or of a request that
    /// changes something. `to` is the Location's host (never its path or query).
    #[error("{} answered {status} to {endpoint}, redirecting to {to}; not followed: {why}", service.name())]
    Redirect { service: Service, endpoint: String, status: u16, to: String, why: String },
    /// `--dry-run` closed the mutation gate: the request was not sent.
    #[error("dry run: {endpoint} was not sent to {}", service.name())]
    DryRun { service: Service, endpoint: String },
    /// The configured way of talking to the service cannot do this (a Slack webhook cannot edit).
    #[error("{} cannot {what} with the configured credential", service.name())]
    Unsupported { service: Service, what: String },
}

fn request_id_suffix(id: &Option<String>) -> String {
    id.as_ref().map(|i| format!(" (request id {i})")).unwrap_or_default()
}

impl ApiError {
    pub fn service(&self) -> Service {
        match self {
            ApiError::Status { service, .. }
            | ApiError::Transport { service, .. }
            | ApiError::Ambiguous { service, .. }
            | ApiError::Decode { service, .. }
            | ApiError::Redirect { service, .. }
            | ApiError::DryRun { service, .. }
            | ApiError::Unsupported { service, .. } => *service,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// The service's machine id (`not_found`, `rate_limit`, a Slack error code).
    pub fn error_id(&self) -> Option<&str> {
        match self {
            ApiError::Status { error_id, .. } => error_id.as_deref(),
            _ => None,
        }
    }

    /// True when a create may have happened: read the state back before trying again.
    pub fn is_ambiguous(&self) -> bool {
        matches!(self, ApiError::Ambiguous { .. })
    }

    /// The thing a 404 is about, read from the endpoint: `app my-app`, `repository o/r`, `org acme`.
    fn subject(&self) -> Option<String> {
        let ApiError::Status { endpoint, .. } = self else { return None };
        let path = endpoint.split_once(' ').map(|(_, p)| p).unwrap_or(endpoint);
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let after = |key: &str, n: usize| {
            let i = parts.iter().position(|p| *p == key)?;
            let named = parts.get(i + 1..i + 1 + n)?;
            Some(percent_encoding::percent_decode_str(&named.join("/")).decode_utf8_lossy().into_owned())
        };
        match self.service() {
            crate::credentials::Service::Heroku => after("apps", 1).map(|a| format!("app {a}")),
            crate::credentials::Service::GitHub => after("repos", 2).map(|r| format!("repository {r}")),
            crate::credentials::Service::Sentry => after("organizations", 1).map(|o| format!("org {o}")),
            crate::credentials::Service::Slack => None,
        }
    }
}

impl Diagnose for ApiError {
    fn exit(&self) -> Exit {
        match self {
            ApiError::Status { status: 401, .. } => Exit::Credentials,
            _ => Exit::Failure,
        }
    }

    fn code(&self) -> String {
        let s = self.service().slug();
        match self {
            ApiError::Status { status, .. } => match status {
                401 => format!("{s}_unauthorized"),
                403 => format!("{s}_forbidden"),
                404 => format!("{s}_not_found"),
                409 => format!("{s}_conflict"),
                422 => format!("{s}_invalid"),
                429 => format!("{s}_rate_limited"),
                500..=599 => format!("{s}_unavailable"),
                _ => format!("{s}_error"),
            },
            ApiError::Transport { .. } => format!("{s}_unreachable"),
            ApiError::Ambiguous { .. } => format!("{s}_outcome_unknown"),
            ApiError::Decode { .. } => format!("{s}_bad_response"),
            ApiError::Redirect { .. } => format!("{s}_redirected"),
            ApiError::Unsupported { .. } => format!("{s}_unsupported"),
            ApiError::DryRun { .. } => "dry_run".into(),
        }
    }

    fn hint(&self) -> Option<String> {
        let service = self.service();
        match self {
            ApiError::Status { status: 401, .. } => {
                Some(format!("the token was rejected: {}", service.credential_hint()))
            }
            ApiError::Status { status: 403, scope: Some(scope), .. } => {
                Some(format!("the token lacks the {scope} scope"))
            }
            ApiError::Status { status: 403, .. } => Some(format!(
                "the {} token is not allowed to do this; check its scopes and your access",
                service.name()
            )),
            ApiError::Status { status: 404, .. } => {
                let named = self.subject().map(|s| format!("{s} was not found: ")).unwrap_or_default();
                Some(
                    named
                        + match service {
                            crate::credentials::Service::Heroku => {
                                "check the app name (--app, [heroku] app) and that your account can see it"
                            }
                            crate::credentials::Service::GitHub => {
                                "check [github] repo and that the token can read the repository"
                            }
                            crate::credentials::Service::Sentry => {
                                "check [sentry] org and project, and the Sentry URL (region or self-hosted)"
                            }
                            crate::credentials::Service::Slack => {
                                "check the channel (its ID works best) and invite the bot to it (`/invite @bot`)"
                            }
                        },
                )
            }
            ApiError::Status { status: 429, retry_after, .. } => Some(match retry_after {
                Some(d) => format!("rate limited: wait {}s and try again", d.as_secs().max(1)),
                None => "rate limited: wait a minute and try again".into(),
            }),
            ApiError::Status { status: 500..=599, .. } | ApiError::Transport { .. } => {
                Some(format!("{} may be having trouble; try again shortly (-vv shows each request)", service.name()))
            }
            ApiError::Ambiguous { .. } => {
                Some("check the current state before retrying; nothing was sent twice".into())
            }
            ApiError::Unsupported { .. } => Some(service.credential_hint().to_string()),
            ApiError::Redirect { status: 301 | 308, .. } if service == crate::credentials::Service::GitHub => Some(
                "the repository may have been renamed or transferred: set [github] repo to its new owner/name".into(),
            ),
            ApiError::Redirect { .. } => Some(format!(
                "check the {} base URL (https:// and the right host); bpdeploy follows redirects only within one host",
                service.name()
            )),
            _ => None,
        }
    }
}
