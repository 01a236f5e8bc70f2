//! Reading what went wrong: each service's error body, request id and scope headers, and
//! transport failures, always without URLs, tokens or quoted response values.
use crate::api::secret::Secrets;
use crate::api::ApiError;
use crate::credentials::Service;
use reqwest::header::HeaderMap;
use serde_json::Value;
use std::time::Duration;

/// Builds the typed error for a non-success answer.
pub fn status_error(
    service: Service,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    endpoint: String,
    retry_after: Option<Duration>,
    secrets: &Secrets,
) -> ApiError {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let (message, error_id) = match &json {
        Some(v) => service_message(service, v),
        None => (None, None),
    };
    let message = message.unwrap_or_else(|| {
        let text = String::from_utf8_lossy(body);
        let text = text.trim();
        if text.is_empty() || text.starts_with('<') {
            reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("error").to_string()
        } else {
            // Masked before it is cut: a cut through a token would leave a prefix unmasked.
            secrets.mask(text).chars().take(200).collect()
        }
    });
    let request_id =
        ["request-id", "x-github-request-id", "x-request-id", "x-slack-req-id"].iter().find_map(|h| header(h));
    // GitHub names the permission a fine-grained token lacks; classic tokens get the scopes.
    let scope = match service {
        Service::GitHub if status == 403 => header("x-accepted-github-permissions")
            .or_else(|| header("x-accepted-oauth-scopes"))
            .filter(|s| !s.is_empty()),
        Service::Slack => json.as_ref().and_then(|v| v.get("needed")).and_then(Value::as_str).map(str::to_string),
        _ => None,
    };
    ApiError::Status {
        service,
        status,
        endpoint,
        // Any secret of the process, not only this service's token: a gateway may echo them all.
        message: secrets.mask(&crate::ui::sanitize::one_line(&message)),
        error_id,
        request_id,
        retry_after,
        scope,
    }
}

/// (message, machine id) from a JSON error body.
pub fn service_message(service: Service, v: &Value) -> (Option<String>, Option<String>) {
    let s = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    match service {
        // {"id": "not_found", "message": "Couldn't find that app."}
        Service::Heroku => (s("message"), s("id")),
        // {"message": "Not Found", "documentation_url": "…"}; 422 adds errors[].message
        Service::GitHub => {
            let mut message = s("message");
            let details: Vec<String> = v
                .get("errors")
                .and_then(Value::as_array)
                .map(|errs| {
                    errs.iter().filter_map(|e| e.get("message").and_then(Value::as_str)).map(String::from).collect()
                })
                .unwrap_or_default();
            if !details.is_empty() {
                message = Some(format!("{}: {}", message.unwrap_or_default(), details.join("; ")));
            }
            (message, None)
        }
        // {"detail": "…"} or {"detail": {"message": "…", "code": "…"}}
        Service::Sentry => match v.get("detail") {
            Some(Value::String(d)) => (Some(d.clone()), None),
            Some(d @ Value::Object(_)) => (
                d.get("message").and_then(Value::as_str).map(String::from),
                d.get("code").and_then(Value::as_str).map(String::from),
            ),
            _ => (None, None),
        },
        // {"ok": false, "error": "channel_not_found"}
        Service::Slack => (s("error"), s("error")),
    }
}

/// A transport failure in words, without the URL reqwest would otherwise print.
pub fn transport_message(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!("no answer within {} ms", timeout.as_millis());
    }
    let mut parts = vec![];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    let kind = if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "the connection dropped while reading the answer"
    } else {
        "the request failed"
    };
    match parts.last() {
        Some(cause) => format!("{kind}: {}", strip_urls(cause)),
        None => kind.to_string(),
    }
}

/// A serde error without the quoted values it may echo (a signed URL in the wrong place).
pub fn serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    for c in text.chars() {
        if c == '"' {
            if !quoted {
                out.push_str("\"…\"");
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

fn strip_urls(text: &str) -> String {
    text.split_whitespace().map(|w| if w.contains("://") { "<url>" } else { w }).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_service_error_shape_is_read() {
        let h = HeaderMap::new();
        let e = status_error(
            Service::Heroku,
            404,
            &h,
            br#"{"id":"not_found","message":"Couldn't find that app."}"#,
            "GET /apps/x".into(),
            None,
            &Secrets::new(),
        );
        assert!(
            matches!(&e, ApiError::Status { error_id: Some(id), message, .. } if id == "not_found" && message.contains("find that app"))
        );
        let e = status_error(
            Service::Sentry,
            403,
            &h,
            br#"{"detail":"You do not have permission"}"#,
            "GET /x".into(),
            None,
            &Secrets::new(),
        );
        assert!(e.to_string().contains("You do not have permission"));
        let none = Secrets::new();
        let e = status_error(Service::GitHub, 502, &h, b"<html>bad gateway</html>", "GET /x".into(), None, &none);
        assert!(e.to_string().contains("Bad Gateway"), "{e}");
        let secrets = Secrets::new();
        secrets.add("sekrit-123");
        secrets.add("ghp_other-token");
        let e = status_error(
            Service::Heroku,
            401,
            &h,
            br#"{"id":"unauthorized","message":"bad key sekrit-123, and github's ghp_other-token"}"#,
            "GET /x".into(),
            None,
            &secrets,
        );
        assert!(!e.to_string().contains("sekrit-123") && !e.to_string().contains("ghp_other"), "{e}");
    }

    #[test]
    fn a_long_text_body_is_masked_before_it_is_cut() {
        let secrets = Secrets::new();
        let token = "HRKU-0123456789abcdef0123456789abcdef";
        secrets.add(token);
        // The token straddles the 200th character.
        let body = format!("{}{token} and more", "x".repeat(190));
        let e = status_error(Service::Heroku, 406, &HeaderMap::new(), body.as_bytes(), "GET /x".into(), None, &secrets);
        assert!(!e.to_string().contains("HRKU-0"), "no prefix of the token survives: {e}");
    }

    #[test]
    fn serde_errors_lose_quoted_values() {
        let e = serde_json::from_str::<u32>(r#""https://x/?token=abc""#).unwrap_err();
        let m = serde_message(&e);
        assert!(!m.contains("token") && m.contains("invalid type"), "{m}");
    }
}
