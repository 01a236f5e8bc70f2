//! The same six scenarios for every endpoint: success, 401, 404, 429 with Retry-After, 502
//! then success, and a malformed body. Each scenario gets a fresh mock server, so `expect`
//! counts are exact.
use super::{assert_no_secret, serve, Clients, Kit};
use bpdeploy::api::ApiError;
use bpdeploy::error::Diagnose;
use bpdeploy::exit::Exit;
use serde_json::{json, Value};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

pub type Outcome = Pin<Box<dyn Future<Output = Result<(), ApiError>> + Send>>;

pub struct Endpoint {
    /// Mock method and path, with the service prefix (`/heroku/apps/my-app`).
    pub method: &'static str,
    pub path: String,
    pub ok_status: u16,
    pub ok: Value,
    /// Calls the client method under test and drops the value.
    pub call: fn(Clients) -> Outcome,
    /// A creating POST: sent once even after a 502.
    pub creates: bool,
}

impl Endpoint {
    pub fn new(method: &'static str, path: impl Into<String>, ok: Value, call: fn(Clients) -> Outcome) -> Endpoint {
        Endpoint { method, path: path.into(), ok_status: 200, ok, call, creates: false }
    }
    pub fn status(mut self, status: u16) -> Endpoint {
        self.ok_status = status;
        self
    }
    pub fn creates(mut self) -> Endpoint {
        self.creates = true;
        self
    }
    fn service(&self) -> &'static str {
        if self.path == "/github/graphql" {
            "graphql"
        } else {
            super::PREFIXES.iter().find(|(_, p)| self.path.starts_with(p)).map(|(s, _)| *s).unwrap()
        }
    }
}

/// (HTTP status, body) of a service's error for `status`, as the service really sends it.
fn failure(service: &str, status: u16) -> (u16, Value) {
    let (id, text) = match status {
        401 => ("unauthorized", "Invalid credentials provided."),
        404 => ("not_found", "Couldn't find that app."),
        429 => ("rate_limit", "Your account reached the API rate limit"),
        _ => ("bad_gateway", "Bad gateway"),
    };
    match service {
        "heroku" => (status, json!({"id": id, "message": text})),
        "github" => {
            (status, super::fixtures_github::error(if status == 401 { "Bad credentials" } else { "Not Found" }))
        }
        "sentry" => (status, json!({"detail": text})),
        // Slack and GraphQL say most things with HTTP 200.
        "slack" if status == 401 => (200, json!({"ok": false, "error": "invalid_auth"})),
        "slack" if status == 404 => (200, json!({"ok": false, "error": "channel_not_found"})),
        "graphql" if status == 404 => {
            (200, json!({"data": null, "errors": [{"type": "NOT_FOUND", "message": "Could not resolve"}]}))
        }
        "graphql" if status == 401 => (401, json!({"message": "Bad credentials"})),
        _ => (status, json!({"message": text})),
    }
}

fn credential_var(service: &str) -> &'static str {
    match service {
        "heroku" => "HEROKU_API_KEY",
        "github" | "graphql" => "GITHUB_TOKEN",
        "sentry" => "SENTRY_AUTH_TOKEN",
        _ => "SLACK_BOT_TOKEN",
    }
}

async fn mount(kit: &Kit, ep: &Endpoint, template: ResponseTemplate, times: Option<u64>, expect: Option<u64>) {
    let mut m = Mock::given(method(ep.method)).and(path(ep.path.as_str())).respond_with(template);
    if let Some(n) = times {
        m = m.up_to_n_times(n);
    }
    if let Some(n) = expect {
        m = m.expect(n);
    }
    m.mount(&kit.server).await;
}

fn ok_answer(ep: &Endpoint) -> ResponseTemplate {
    if ep.service() == "graphql" {
        ResponseTemplate::new(200).set_body_json(ep.ok.clone())
    } else {
        serve(ep.method, &ep.path, ep.ok_status, ep.ok.clone())
    }
}

fn error_answer(ep: &Endpoint, status: u16) -> ResponseTemplate {
    let (http, body) = failure(ep.service(), status);
    if ep.service() == "graphql" || http == 200 {
        ResponseTemplate::new(http).set_body_json(body)
    } else {
        serve(ep.method, &ep.path, http, body)
    }
}

/// Runs all scenarios for one endpoint; panics with the endpoint's name on the first failure.
pub async fn exercise(ep: Endpoint, json_body: bool) {
    let name = format!("{} {}", ep.method, ep.path);
    let service = ep.service();

    let kit = Kit::new().await;
    mount(&kit, &ep, ok_answer(&ep), None, Some(1)).await;
    (ep.call)(kit.c.clone()).await.unwrap_or_else(|e| panic!("{name}: success case failed: {e}"));
    kit.assert_contract().await;

    let kit = Kit::new().await;
    mount(&kit, &ep, error_answer(&ep, 401), None, Some(1)).await;
    let e = (ep.call)(kit.c.clone()).await.expect_err(&format!("{name}: 401 must fail"));
    assert_no_secret(&e);
    assert_eq!((e.status(), e.exit()), (Some(401), Exit::Credentials), "{name}: {e}");
    assert!(e.hint().unwrap_or_default().contains(credential_var(service)), "{name}: hint {:?}", e.hint());

    let kit = Kit::new().await;
    mount(&kit, &ep, error_answer(&ep, 404), None, Some(1)).await;
    let e = (ep.call)(kit.c.clone()).await.expect_err(&format!("{name}: 404 must fail"));
    assert_no_secret(&e);
    assert!(e.is_not_found() && e.code().ends_with("_not_found"), "{name}: {e} ({})", e.code());

    // 429 with a short Retry-After: waited out and retried (a refusal; safe even for a POST).
    let kit = Kit::new().await;
    let (_, body) = failure(service, 429);
    mount(
        &kit,
        &ep,
        ResponseTemplate::new(429).insert_header("Retry-After", "0").set_body_json(body.clone()),
        Some(1),
        Some(1),
    )
    .await;
    mount(&kit, &ep, ok_answer(&ep), None, Some(1)).await;
    (ep.call)(kit.c.clone()).await.unwrap_or_else(|e| panic!("{name}: 429 then success failed: {e}"));

    // 429 asking for an hour: not slept through; the error says how long to wait.
    let kit = Kit::new().await;
    mount(
        &kit,
        &ep,
        ResponseTemplate::new(429).insert_header("Retry-After", "3600").set_body_json(body),
        None,
        Some(1),
    )
    .await;
    let e = (ep.call)(kit.c.clone()).await.expect_err(&format!("{name}: long 429 must fail"));
    assert!(
        matches!(&e, ApiError::Status { status: 429, retry_after: Some(d), .. } if *d == Duration::from_secs(3600)),
        "{name}: {e:?}"
    );
    assert!(e.hint().unwrap_or_default().contains("3600s"), "{name}: {:?}", e.hint());

    // 502 then success: read calls retry; creating POSTs are sent once, and a gateway error
    // leaves their outcome unknown (the service may have made the thing before the 502).
    let kit = Kit::new().await;
    if ep.creates {
        mount(&kit, &ep, error_answer(&ep, 502), None, Some(1)).await;
        let e = (ep.call)(kit.c.clone()).await.expect_err(&format!("{name}: a create must not be resent after 502"));
        assert!(e.is_ambiguous() && e.to_string().contains("502"), "{name}: {e}");
    } else {
        mount(&kit, &ep, error_answer(&ep, 502), Some(1), Some(1)).await;
        mount(&kit, &ep, ok_answer(&ep), None, Some(1)).await;
        (ep.call)(kit.c.clone()).await.unwrap_or_else(|e| panic!("{name}: 502 then success failed: {e}"));
    }

    if json_body {
        let kit = Kit::new().await;
        mount(&kit, &ep, ResponseTemplate::new(ep.ok_status).set_body_string("{\"id\": tru"), None, Some(1)).await;
        let e = (ep.call)(kit.c.clone()).await.expect_err(&format!("{name}: malformed JSON must fail"));
        let shown = e.to_string();
        // A create answered 2xx did happen; an unreadable answer leaves what it made unknown.
        match ep.creates && ep.ok_status < 300 {
            true => assert!(e.is_ambiguous(), "{name}: {e:?}"),
            false => assert!(matches!(e, ApiError::Decode { .. }), "{name}: {e:?}"),
        }
        assert!(shown.contains(e.service().name()), "{name}: {shown}");
        let tail = ep.path.rsplit('/').find(|s| !s.is_empty()).unwrap_or("");
        assert!(shown.contains(tail), "{name}: the decode error names the endpoint: {shown}");
    }
}
