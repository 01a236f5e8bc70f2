//! Slack: the Web API with a bot token (`chat.postMessage`, `chat.update`, threads,
//! `reactions.add`), or an incoming webhook as the fallback, which can post but not edit.
//! The Web API answers HTTP 200 with `ok:false` on failure; that is an error here.
mod history;
mod lookup;
pub mod types;

use crate::api::http::{Call, HttpCore, Resend, Transport};
use crate::api::secret::SecretUrl;
use crate::api::ApiError;
use crate::credentials::Service;
use serde_json::{json, Value};
use types::Answer;
pub use types::*;

#[derive(Debug, Clone)]
pub enum Slack {
    /// Base URL `https://slack.com/api/` and a bot token (`xoxb-…`).
    Bot(HttpCore),
    /// The webhook URL is the credential.
    Webhook(HttpCore),
}

impl Slack {
    pub fn bot(http: HttpCore) -> Slack {
        Slack::Bot(http)
    }

    pub fn webhook(transport: Transport, url: SecretUrl) -> Slack {
        Slack::Webhook(HttpCore::secret(transport, Service::Slack, url))
    }

    /// Whether messages can be edited, threaded and reacted to (not through a webhook).
    pub fn can_edit(&self) -> bool {
        matches!(self, Slack::Bot(_))
    }

    /// `chat.postMessage`, or the webhook. Never resent: a doubled announcement confuses.
    pub async fn post(&self, channel: &str, message: &Message) -> Result<Posted, ApiError> {
        match self {
            Slack::Bot(http) => {
                let body = with(message, json!({ "channel": channel }));
                web(http, Call::post("chat.postMessage", "chat.postMessage").json(&body)).await
            }
            Slack::Webhook(http) => {
                let call = Call::post("(webhook)", "").shown_as("(incoming webhook)").json(message);
                http.send(&call).await?;
                Ok(Posted { channel: None, ts: None })
            }
        }
    }

    /// A reply in the thread of `thread_ts` (the parent message's ts).
    pub async fn reply(&self, channel: &str, thread_ts: &str, message: &Message) -> Result<Posted, ApiError> {
        let http = self.bot_or("reply in a thread")?;
        let body = with(message, json!({ "channel": channel, "thread_ts": thread_ts }));
        web(http, Call::post("chat.postMessage", "chat.postMessage").json(&body)).await
    }

    /// `chat.update`: replaces the text (and blocks) of a message the bot posted.
    pub async fn update(&self, channel: &str, ts: &str, message: &Message) -> Result<Posted, ApiError> {
        let http = self.bot_or("edit a message")?;
        let body = with(message, json!({ "channel": channel, "ts": ts }));
        // The same edit twice leaves the same message: safe to resend.
        web(http, Call::post("chat.update", "chat.update").json(&body).resend_safe()).await
    }

    /// `reactions.add` (emoji name without colons). `already_reacted` counts as success.
    pub async fn react(&self, channel: &str, ts: &str, name: &str) -> Result<(), ApiError> {
        let http = self.bot_or("add a reaction")?;
        let body = json!({ "channel": channel, "timestamp": ts, "name": name.trim_matches(':') });
        match web(http, Call::post("reactions.add", "reactions.add").json(&body).resend_safe()).await {
            Ok(_) => Ok(()),
            Err(e) if e.error_id() == Some("already_reacted") => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn bot_or(&self, what: &str) -> Result<&HttpCore, ApiError> {
        match self {
            Slack::Bot(http) => Ok(http),
            Slack::Webhook(_) => Err(ApiError::Unsupported { service: Service::Slack, what: what.to_string() }),
        }
    }
}

fn with(message: &Message, mut fields: Value) -> Value {
    if let (Some(obj), Ok(Value::Object(m))) = (fields.as_object_mut(), serde_json::to_value(message)) {
        obj.extend(m);
    }
    fields
}

/// Sends a Web API call and turns `ok:false` into a typed error.
async fn web(http: &HttpCore, call: Call) -> Result<Posted, ApiError> {
    let call = call.header("Content-Type", "application/json; charset=utf-8");
    let reply = http.send(&call).await?;
    let answer: Answer = match reply.json() {
        // A post whose answer cannot be read may have been posted: never a reason to post again.
        Err(ApiError::Decode { service, endpoint, message }) if call.resend == Resend::Never => {
            return Err(ApiError::Ambiguous { service, endpoint, message })
        }
        other => other?,
    };
    if answer.ok {
        return Ok(Posted { channel: answer.channel, ts: answer.ts });
    }
    Err(refusal(http, &reply, answer))
}

/// The typed error of an `ok:false` answer.
fn refusal(http: &HttpCore, reply: &crate::api::http::Reply, answer: Answer) -> ApiError {
    let code = answer.error.unwrap_or_else(|| "unknown_error".into());
    let detail: Vec<String> = answer
        .response_metadata
        .as_ref()
        .and_then(|m| m.get("messages"))
        .and_then(Value::as_array)
        .map(|ms| ms.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default();
    ApiError::Status {
        service: Service::Slack,
        // HTTP said 200; the status here is what the error means, so exit codes and hints work.
        status: meaning(&code),
        endpoint: reply.endpoint.clone(),
        message: http.transport().secrets().mask(&crate::ui::sanitize::one_line(&if detail.is_empty() {
            code.clone()
        } else {
            format!("{code}: {}", detail.join("; "))
        })),
        error_id: Some(code),
        request_id: reply.header("x-slack-req-id").map(String::from),
        retry_after: None,
        scope: answer.needed,
    }
}

fn meaning(code: &str) -> u16 {
    match code {
        "not_authed" | "invalid_auth" | "account_inactive" | "token_revoked" | "token_expired" => 401,
        "missing_scope" | "not_allowed_token_type" => 403,
        "channel_not_found" | "message_not_found" | "not_in_channel" => 404,
        "ratelimited" | "rate_limited" => 429,
        _ => 400,
    }
}
