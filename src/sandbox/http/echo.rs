//! The echo knob (`BPDEPLOY_SANDBOX_ECHO_SECRETS=1`, [`SandboxOptions::echo_secrets`]): every
//! error answer echoes what a careless gateway or proxy might — the request line, its
//! Authorization header, the four tokens the sandbox issued and the webhook path — inside the
//! very field each service's clients show (`message`, `detail`, Slack's `response_metadata`,
//! a webhook's text). Off by default: it exists so that bpdeploy's masking can be tested
//! against the real binary, end to end.
//!
//! [`SandboxOptions::echo_secrets`]: crate::sandbox::SandboxOptions::echo_secrets
use super::Req;
use crate::sandbox::Shared;
use axum::body::{to_bytes, Body};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::response::Response;
use serde_json::Value;

/// Error answers are small; anything larger is passed through untouched.
const MAX_BODY: usize = 1 << 20;

/// `resp` with the echo added when it is an error (HTTP ≥ 400, or Slack's `ok:false`).
pub async fn echo_secrets(s: &Shared, req: &Req, resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else { return Response::from_parts(parts, Body::empty()) };
    let echo = echo_text(s, req);
    let rewritten = match serde_json::from_slice::<Value>(&bytes) {
        Ok(mut json) if parts.status.as_u16() >= 400 || json.get("ok") == Some(&Value::Bool(false)) => {
            add_echo(&mut json, &echo);
            Some(json.to_string().into_bytes())
        }
        Err(_) if parts.status.as_u16() >= 400 => {
            Some(format!("{} {echo}", String::from_utf8_lossy(&bytes).trim_end()).into_bytes())
        }
        _ => None,
    };
    match rewritten {
        Some(new) => {
            parts.headers.remove(CONTENT_LENGTH);
            if !parts.headers.contains_key(CONTENT_TYPE) {
                parts.headers.insert(CONTENT_TYPE, "text/plain; charset=utf-8".parse().expect("a valid header"));
            }
            Response::from_parts(parts, Body::from(new))
        }
        None => Response::from_parts(parts, Body::from(bytes)),
    }
}

fn echo_text(s: &Shared, req: &Req) -> String {
    let t = &s.tokens;
    format!(
        "(gateway echo: {} {}; authorization: {}; heroku={} github={} sentry={} slack={} webhook={})",
        req.method,
        req.uri_path_and_query(),
        req.header("authorization").unwrap_or("none"),
        t.heroku,
        t.github,
        t.sentry,
        t.slack,
        t.webhook_path
    )
}

/// Puts the echo where the service's own message is, so a client that shows the message shows it.
fn add_echo(json: &mut Value, echo: &str) {
    let append = |v: &mut Value| {
        if let Value::String(text) = v {
            text.push(' ');
            text.push_str(echo);
            true
        } else {
            false
        }
    };
    let Some(obj) = json.as_object_mut() else { return };
    let mut done = false;
    for key in ["message", "detail"] {
        if let Some(v) = obj.get_mut(key) {
            done |= append(v) || v.get_mut("message").is_some_and(append);
        }
    }
    if obj.get("ok") == Some(&Value::Bool(false)) {
        obj.insert("response_metadata".into(), serde_json::json!({ "messages": [echo] }));
        done = true;
    }
    if !done {
        obj.insert("message".into(), Value::String(echo.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::add_echo;
    use serde_json::json;

    #[test]
    fn the_echo_lands_in_each_service_s_message_field() {
        let cases = [
            (json!({"id": "not_found", "message": "Couldn't find that app."}), "/message"),
            (json!({"message": "Not Found", "documentation_url": "x"}), "/message"),
            (json!({"detail": "The requested resource does not exist"}), "/detail"),
            (json!({"detail": {"message": "m", "code": "c"}}), "/detail/message"),
            (json!({"ok": false, "error": "channel_not_found"}), "/response_metadata/messages/0"),
            (json!({"errors": []}), "/message"),
        ];
        for (mut body, field) in cases {
            add_echo(&mut body, "ECHO");
            assert!(body.pointer(field).and_then(|v| v.as_str()).is_some_and(|t| t.ends_with("ECHO")), "{body}");
        }
    }
}
