//! Slack Web API: chat.postMessage (and thread replies), chat.update, reactions.add, the readers
//! (history, replies, channels, people by email); and an incoming webhook.
//! Every answer is HTTP 200 with `ok`; errors are `{"ok":false,"error":"…"}` as Slack sends them.
use super::{json, set_header, Req};
use crate::sandbox::scratch::history::PEOPLE;
use crate::sandbox::world::slack::{SlackMessage, SlackRecord, CHANNELS};
use crate::sandbox::Shared;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// The sandbox workspace has one channel, #deploys.
pub const SLACK_CHANNEL_ID: &str = "C0DEPLOYS1";

fn fail(error: &str) -> Response {
    json(StatusCode::OK, json!({"ok": false, "error": error}))
}

pub fn rate_limited(retry_after: u64) -> Response {
    let mut resp = json(StatusCode::TOO_MANY_REQUESTS, json!({"ok": false, "error": "ratelimited"}));
    set_header(&mut resp, "retry-after", retry_after.to_string());
    resp
}

/// JSON bodies (what bpdeploy sends) or form bodies (what curl users send).
fn arguments(req: &Req) -> Option<Value> {
    if let Some(v) = req.json() {
        return Some(v);
    }
    let pairs: serde_json::Map<String, Value> =
        url::form_urlencoded::parse(&req.body).map(|(k, v)| (k.into_owned(), Value::String(v.into_owned()))).collect();
    (!pairs.is_empty()).then_some(Value::Object(pairs))
}

fn channel_id(name: &str) -> Option<&'static str> {
    matches!(name, SLACK_CHANNEL_ID | "#deploys" | "deploys").then_some(SLACK_CHANNEL_ID)
}

pub fn handle(s: &Shared, req: &Req) -> Response {
    let Some(token) = req.bearer() else { return fail("not_authed") };
    if token != s.tokens.slack {
        return fail("invalid_auth");
    }
    let method = req.segs.first().map(String::as_str).unwrap_or_default();
    let args = arguments(req).unwrap_or_else(|| json!({}));
    let text = args.get("text").and_then(Value::as_str).map(str::to_string);
    let blocks = args.get("blocks").cloned().filter(|b| !b.is_null());
    let channel = args.get("channel").and_then(Value::as_str).unwrap_or_default();
    let now = s.clock.now().timestamp();
    let mut w = s.world();
    match method {
        "auth.test" => json(
            StatusCode::OK,
            json!({"ok": true, "team": "acme", "user": "bpdeploy", "user_id": "U0BPDEPLOY", "bot_id": "B0SANDBOX1"}),
        ),
        "conversations.list" => {
            let channels: Vec<Value> = CHANNELS
                .iter()
                .map(|(id, name)| json!({"id": id, "name": name, "is_channel": true, "is_archived": false, "is_member": true}))
                .collect();
            json(StatusCode::OK, json!({"ok": true, "channels": channels, "response_metadata": {"next_cursor": ""}}))
        }
        "conversations.history" => {
            let wanted = req.param("channel").unwrap_or(channel);
            let Some(channel) = CHANNELS.iter().map(|(id, _)| *id).find(|id| *id == wanted) else {
                return fail("channel_not_found");
            };
            let oldest = req.param("oldest").and_then(|o| o.parse::<f64>().ok()).unwrap_or(0.0);
            json(StatusCode::OK, history(&w, channel, oldest, s.clock.now()))
        }
        "users.lookupByEmail" => {
            let email = req.param("email").or_else(|| args.get("email").and_then(Value::as_str)).unwrap_or_default();
            match PEOPLE.iter().find(|p| p.email.eq_ignore_ascii_case(email)) {
                Some(p) => json(
                    StatusCode::OK,
                    json!({"ok": true, "user": {"id": format!("U0{}", p.login.to_uppercase()), "team_id": "T0SANDBOX",
                        "name": p.login, "real_name": p.name, "deleted": false, "is_bot": false,
                        "profile": {"email": p.email, "display_name": p.login, "real_name": p.name}}}),
                ),
                None => fail("users_not_found"),
            }
        }
        "chat.postMessage" => {
            let Some(channel) = channel_id(channel) else { return fail("channel_not_found") };
            if text.as_deref().unwrap_or("").is_empty() && blocks.is_none() {
                return fail("no_text");
            }
            let thread_ts = args.get("thread_ts").and_then(Value::as_str).map(str::to_string);
            if let Some(parent) = &thread_ts {
                if w.slack.find_mut(channel, parent).is_none() {
                    return fail("thread_not_found");
                }
            }
            let ts = w.slack.fresh_ts(now);
            let text = text.unwrap_or_default();
            let message = SlackMessage {
                channel: channel.into(),
                ts: ts.clone(),
                thread_ts: thread_ts.clone(),
                text: text.clone(),
                blocks: blocks.clone(),
                history: vec![text.clone()],
                reactions: Vec::new(),
            };
            w.slack.messages.push(message);
            let mut body = json!({"ok": true, "channel": channel, "ts": ts,
                "message": {"type": "message", "subtype": "bot_message", "text": text, "ts": ts, "bot_id": "B0SANDBOX1", "blocks": blocks}});
            if let Some(t) = thread_ts {
                body["message"]["thread_ts"] = Value::String(t);
            }
            json(StatusCode::OK, body)
        }
        "chat.update" => {
            let Some(channel) = channel_id(channel) else { return fail("channel_not_found") };
            let ts = args.get("ts").and_then(Value::as_str).unwrap_or_default().to_string();
            let Some(m) = w.slack.find_mut(channel, &ts) else { return fail("message_not_found") };
            if text.is_none() && blocks.is_none() {
                return fail("no_text");
            }
            if let Some(t) = &text {
                m.text = t.clone();
            }
            // Slack keeps the old blocks only when neither text nor blocks are sent.
            m.blocks = blocks.clone();
            m.history.push(m.text.clone());
            let body = json!({"ok": true, "channel": channel, "ts": ts, "text": m.text,
                "message": {"type": "message", "text": m.text, "blocks": m.blocks, "edited": {"user": "B0SANDBOX1", "ts": format!("{now}.000000")}}});
            json(StatusCode::OK, body)
        }
        "reactions.add" => {
            let Some(channel) = channel_id(channel) else { return fail("channel_not_found") };
            let ts = args.get("timestamp").and_then(Value::as_str).unwrap_or_default().to_string();
            let Some(name) = args.get("name").and_then(Value::as_str).filter(|n| !n.is_empty()) else {
                return fail("invalid_name");
            };
            let Some(m) = w.slack.find_mut(channel, &ts) else { return fail("message_not_found") };
            let name = name.trim_matches(':').to_string();
            if m.reactions.contains(&name) {
                return fail("already_reacted");
            }
            m.reactions.push(name);
            json(StatusCode::OK, json!({"ok": true}))
        }
        "conversations.replies" => {
            let Some(channel) = channel_id(req.param("channel").or(Some(channel)).unwrap_or_default()) else {
                return fail("channel_not_found");
            };
            let ts = req.param("ts").or_else(|| args.get("ts").and_then(Value::as_str)).unwrap_or_default().to_string();
            let Some(parent) = w.slack.find_mut(channel, &ts).map(|m| m.clone()) else {
                return fail("thread_not_found");
            };
            let mut messages = vec![parent];
            messages.extend(w.slack.thread(&ts).into_iter().cloned());
            let messages: Vec<Value> = messages
                .iter()
                .map(|m| {
                    let mut v = message_json(m);
                    v["thread_ts"] = json!(m.thread_ts.clone().unwrap_or_else(|| m.ts.clone()));
                    v
                })
                .collect();
            json(
                StatusCode::OK,
                json!({"ok": true, "messages": messages, "has_more": false, "response_metadata": {"next_cursor": ""}}),
            )
        }
        _ => fail("unknown_method"),
    }
}

/// What the bot posted, as Slack's readers list it.
fn message_json(m: &SlackMessage) -> Value {
    json!({"type": "message", "subtype": "bot_message", "bot_id": "B0SANDBOX1", "text": m.text, "ts": m.ts})
}

/// A channel's top-level messages newer than `oldest`, newest first: what bpdeploy posted (in
/// #deploys) and what others said, once its time has come.
fn history(w: &crate::sandbox::world::World, channel: &str, oldest: f64, now: chrono::DateTime<chrono::Utc>) -> Value {
    let newer = |ts: &str| ts.parse::<f64>().is_ok_and(|t| t > oldest);
    let record: &SlackRecord = &w.slack;
    let mut messages: Vec<(String, Value)> = record
        .messages
        .iter()
        .filter(|m| m.channel == channel && m.thread_ts.is_none() && newer(&m.ts))
        .map(|m| (m.ts.clone(), message_json(m)))
        .collect();
    messages.extend(
        record
            .chatter
            .iter()
            .filter(|c| c.channel == channel && c.at <= now && newer(&c.ts))
            .map(|c| (c.ts.clone(), c.json())),
    );
    messages.sort_by(|a, b| b.0.parse::<f64>().unwrap_or(0.0).total_cmp(&a.0.parse::<f64>().unwrap_or(0.0)));
    let messages: Vec<Value> = messages.into_iter().map(|(_, v)| v).collect();
    json!({"ok": true, "messages": messages, "has_more": false, "pin_count": 0, "response_metadata": {"next_cursor": ""}})
}

/// An incoming webhook, `POST /hooks/services/T…/B…/<secret>` (Slack serves them from
/// hooks.slack.com): `ok` in plain text and a new message in #deploys, or a plain-text error.
pub fn webhook(s: &Shared, req: &Req) -> Response {
    let text_answer = |status: StatusCode, body: &str| {
        let mut resp = (status, body.to_string()).into_response();
        set_header(&mut resp, "content-type", "text/plain; charset=utf-8");
        resp
    };
    if req.path.strip_prefix("/hooks") != Some(s.tokens.webhook_path.as_str()) {
        return text_answer(StatusCode::NOT_FOUND, "no_service");
    }
    let Some(args) = req.json() else { return text_answer(StatusCode::BAD_REQUEST, "invalid_payload") };
    let text = args.get("text").and_then(Value::as_str).unwrap_or_default().to_string();
    let blocks = args.get("blocks").cloned().filter(|b| !b.is_null());
    if text.is_empty() && blocks.is_none() {
        return text_answer(StatusCode::BAD_REQUEST, "invalid_payload");
    }
    let now = s.clock.now().timestamp();
    let mut w = s.world();
    let ts = w.slack.fresh_ts(now);
    let history = vec![text.clone()];
    w.slack.messages.push(SlackMessage {
        channel: SLACK_CHANNEL_ID.into(),
        ts,
        thread_ts: None,
        text,
        blocks,
        history,
        reactions: Vec::new(),
    });
    text_answer(StatusCode::OK, "ok")
}
