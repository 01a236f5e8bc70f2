//! One request to a service: method, relative path, the template `-vv` logs, query, headers,
//! JSON body, and whether it may be sent twice.
use reqwest::Method;

/// May this call be sent again after an unclear failure?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resend {
    /// Reads, PUT, DELETE, and creates the service deduplicates itself.
    Safe,
    /// Creates something (a build, a rollback, a PR, a message): sent at most once, unless
    /// the service refused it outright (429) or the connection never opened.
    Never,
}

/// One request, relative to the service's base URL.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: Method,
    /// Relative path with real values, e.g. `apps/my-app/releases` (may carry a query).
    pub(crate) path: String,
    /// What `-vv` logs: `apps/{app}/releases`.
    pub(crate) template: &'static str,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<serde_json::Value>,
    pub resend: Resend,
    /// A POST that changes nothing (a GraphQL query): the mutation gate lets it through.
    read_only: bool,
    /// What errors show instead of the path (webhooks, whose URL is the secret).
    shown: Option<&'static str>,
    /// A 3xx is the answer itself (GitHub's tarball `Location`), not a redirect to follow.
    pub(crate) redirect_is_answer: bool,
}

impl Call {
    pub fn new(method: Method, template: &'static str, path: impl Into<String>) -> Call {
        let resend = if method == Method::POST || method == Method::PATCH { Resend::Never } else { Resend::Safe };
        Call {
            method,
            path: path.into(),
            template,
            query: vec![],
            headers: vec![],
            body: None,
            resend,
            read_only: false,
            shown: None,
            redirect_is_answer: false,
        }
    }
    pub fn get(template: &'static str, path: impl Into<String>) -> Call {
        Call::new(Method::GET, template, path)
    }
    pub fn post(template: &'static str, path: impl Into<String>) -> Call {
        Call::new(Method::POST, template, path)
    }
    pub fn put(template: &'static str, path: impl Into<String>) -> Call {
        Call::new(Method::PUT, template, path)
    }
    pub fn query(mut self, key: &str, value: impl ToString) -> Call {
        self.query.push((key.to_string(), value.to_string()));
        self
    }
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Call {
        self.headers.retain(|(n, _)| *n != name);
        self.headers.push((name, value.into()));
        self
    }
    pub fn json(mut self, body: &impl serde::Serialize) -> Call {
        self.body = serde_json::to_value(body).ok();
        self
    }
    /// A POST that only reads (GraphQL queries) or that the service deduplicates.
    pub fn resend_safe(mut self) -> Call {
        self.resend = Resend::Safe;
        self
    }
    /// The caller reads the redirect itself (its `Location` is the answer).
    pub fn redirect_is_answer(mut self) -> Call {
        self.redirect_is_answer = true;
        self
    }
    /// A POST that only reads (a GraphQL query): may be resent, and passes a closed mutation gate.
    pub fn read_only(mut self) -> Call {
        self.read_only = true;
        self.resend_safe()
    }
    /// Whether this call changes something at the service: what `--dry-run` never sends.
    pub fn mutates(&self) -> bool {
        let writes = matches!(self.method, Method::POST | Method::PATCH | Method::PUT | Method::DELETE);
        writes && !self.read_only
    }
    pub(crate) fn shown_as(mut self, shown: &'static str) -> Call {
        self.shown = Some(shown);
        self
    }
    /// The same call aimed at another relative path (the next page), keeping headers and body.
    pub(crate) fn with_path(mut self, path: String) -> Call {
        self.path = path;
        self.query.clear();
        self
    }
    /// `GET /apps/my-app/releases`: method and path without the query, for error messages.
    pub fn endpoint(&self) -> String {
        match self.shown {
            Some(s) => format!("{} {s}", self.method),
            None => format!("{} /{}", self.method, self.path.split('?').next().unwrap_or_default()),
        }
    }
}

/// Percent-encodes one path segment (an app name, a release version, a branch part).
pub fn segment(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, SEGMENT).to_string()
}

/// Like [`segment`] but keeps `/`: GitHub's `{ref}` and `{basehead}` may contain slashes.
pub fn segments(text: &str) -> String {
    text.split('/').map(segment).collect::<Vec<_>>().join("/")
}

const SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~').remove(b':').remove(b'@');
