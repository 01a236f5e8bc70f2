//! Heroku log sessions: `POST /apps/{app}/log-sessions` hands out a `logplex_url`, a capability
//! like Heroku's; a GET on it streams server-sent events (what the Heroku CLI reads): the last
//! `lines` lines (at most 1500), then, with `tail`, the router and dyno lines as the traffic
//! goes, until the session's time is up (Heroku ends tail sessions; clients reopen). Only
//! `source=heroku` lines exist here: the app's own output is not modelled.
//!
//! Also the storefront itself at its `web_url` (`/storefront/…`): the pages smoke checks fetch,
//! whose answers follow the live code (the app-timeouts drill's forum pages time out).
use super::{json, SharedState};
use crate::sandbox::clock::stamp;
use crate::sandbox::drill::triggered;
use crate::sandbox::world::heroku::uuid;
use crate::sandbox::world::traffic::{LivePeriods, Traffic};
use crate::sandbox::Shared;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{json as j, Value};
use std::collections::HashMap;
use std::time::Duration;

/// Heroku's most: `heroku logs -n 1500`.
const MAX_LINES: u64 = 1500;

/// How long a tail session streams before Heroku ends it, at speed 1.
const SESSION_LIFETIME: Duration = Duration::from_secs(20);

/// A session handed out: its id is the capability in its URL.
#[derive(Debug, Clone)]
pub struct LogSession {
    pub id: String,
    pub lines: u64,
    pub tail: bool,
    pub heroku_source: bool,
}

/// `POST /apps/{app}/log-sessions`.
pub fn create(s: &Shared, body: Option<Value>) -> Response {
    let body = body.unwrap_or(Value::Null);
    let lines = body.get("lines").and_then(Value::as_u64).unwrap_or(100).min(MAX_LINES);
    let tail = body.get("tail").and_then(Value::as_bool).unwrap_or(false);
    let source = body.get("source").and_then(Value::as_str);
    let now = s.clock.now();
    let mut w = s.world();
    let n = w.fresh_id();
    let id = uuid(14, n);
    let secret = format!("{:016x}", fastrand::u64(..));
    let session_key = format!("{id}-{secret}");
    w.log_sessions.push(LogSession { id: session_key.clone(), lines, tail, heroku_source: source != Some("app") });
    let url = format!("{}/logplex/sessions/{session_key}?srv={}", s.base_url, now.timestamp());
    json(StatusCode::CREATED, j!({"id": id, "logplex_url": url, "created_at": stamp(now), "updated_at": stamp(now)}))
}

/// When each release went live and whether its code has the drill's router trouble.
fn live_periods(s: &Shared, known: &mut HashMap<String, bool>) -> LivePeriods {
    let live: Vec<(chrono::DateTime<chrono::Utc>, String)> = s.world().sentry.live.clone();
    let trouble = s.drill.router_trouble;
    let repo = s.origin_repo();
    live.into_iter()
        .map(|(when, sha)| {
            let bad = *known.entry(sha.clone()).or_insert_with(|| {
                let oid = git2::Oid::from_str(&sha).ok();
                match (trouble, repo.as_ref(), oid) {
                    (Some(t), Some(repo), Some(oid)) => triggered(repo, oid, t.trigger),
                    _ => false,
                }
            });
            (when, bad)
        })
        .collect()
}

struct Tail {
    s: SharedState,
    traffic: Traffic,
    known: HashMap<String, bool>,
    next_k: i64,
    pending: Vec<String>,
    ends: chrono::DateTime<chrono::Utc>,
    tail: bool,
    emitted: u64,
}

/// `GET /logplex/sessions/{key}`: the session's lines as server-sent events.
pub async fn serve(State(s): State<SharedState>, Path(key): Path<String>) -> Response {
    let Some(session) = s.world().log_sessions.iter().find(|l| l.id == key).cloned() else {
        return (StatusCode::NOT_FOUND, "Not Found\n").into_response();
    };
    let traffic = Traffic::new(&s.clock);
    let now = s.clock.now();
    let mut known = HashMap::new();
    let live = live_periods(&s, &mut known);
    let k_now = traffic.index_at(now);
    let trouble = s.drill.router_trouble;
    let history = if session.heroku_source {
        let lines = traffic.lines(k_now - session.lines as i64 + 1, k_now, &live, trouble.as_ref());
        let skip = lines.len().saturating_sub(session.lines as usize);
        lines.into_iter().skip(skip).collect()
    } else {
        Vec::new()
    };
    let lifetime = chrono::Duration::from_std(s.clock.scaled(SESSION_LIFETIME)).unwrap_or_default();
    let tail = Tail {
        s,
        traffic,
        known,
        next_k: k_now + 1,
        pending: history,
        ends: now + lifetime,
        tail: session.tail && session.heroku_source,
        emitted: 0,
    };
    let stream = futures_util::stream::unfold(tail, |mut t| async move {
        loop {
            if !t.pending.is_empty() {
                let chunk: String = t
                    .pending
                    .drain(..)
                    .map(|line| {
                        t.emitted += 1;
                        format!("id: {}\ndata: {line}\n\n", t.emitted)
                    })
                    .collect();
                return Some((Ok::<Bytes, std::io::Error>(Bytes::from(chunk)), t));
            }
            let now = t.s.clock.now();
            if !t.tail || now >= t.ends {
                return None;
            }
            tokio::time::sleep(t.s.clock.scaled(Duration::from_secs(1)).max(Duration::from_millis(10))).await;
            let k_now = t.traffic.index_at(t.s.clock.now());
            if k_now >= t.next_k {
                let live = live_periods(&t.s, &mut t.known);
                t.pending = t.traffic.lines(t.next_k, k_now, &live, t.s.drill.router_trouble.as_ref());
                t.next_k = k_now + 1;
            }
        }
    });
    let headers = [("content-type", "text/event-stream; charset=utf-8"), ("cache-control", "no-cache")];
    (StatusCode::OK, headers, Body::from_stream(stream)).into_response()
}

/// `GET /storefront/…`: the app's pages, as its live code answers them.
pub async fn page(State(s): State<SharedState>, path: Option<Path<String>>) -> Response {
    let path = format!("/{}", path.map(|p| p.0).unwrap_or_default());
    let known_page = ["/", "/products", "/forums", "/cart", "/orders"]
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")));
    if !known_page {
        return (
            StatusCode::NOT_FOUND,
            [("content-type", "text/html")],
            "<h1>The page you were looking for doesn't exist.</h1>\n",
        )
            .into_response();
    }
    // Only a page the drill's trouble is about asks the repository whether the live code has it.
    let troubled = s.drill.router_trouble.is_some_and(|t| path.starts_with(t.path))
        && live_periods(&s, &mut HashMap::new()).last().is_some_and(|(_, bad)| *bad);
    if troubled {
        // The router gives up after 30 s and answers with Heroku's error page.
        tokio::time::sleep(s.clock.scaled(Duration::from_secs(30))).await;
        return (StatusCode::SERVICE_UNAVAILABLE, [("content-type", "text/html")], "<h1>Application error</h1>\n")
            .into_response();
    }
    (StatusCode::OK, [("content-type", "text/html; charset=utf-8")], format!("<h1>storefront</h1><p>{path}</p>\n"))
        .into_response()
}
