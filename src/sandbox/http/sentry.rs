//! Sentry's org-scoped API: releases (+ refs, deploys), issues with search, events with stack
//! frames, and event counts over time.
// Handlers return the error answer itself as the Err side; its size does not matter here.
#![allow(clippy::result_large_err)]
use super::paging::sentry_page;
pub use super::sentry_query::{parse_query, period, IssueQuery};
use super::{json, set_header, Req};
use crate::sandbox::clock::stamp_ms;
use crate::sandbox::world::sentry::{Deploy, Issue, SentryRelease, SentryState};
use crate::sandbox::world::sentry_json::{self as shape, PROJECT_ID, PROJECT_SLUG};
use crate::sandbox::Shared;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

fn detail(status: StatusCode, text: &str) -> Response {
    json(status, json!({"detail": text}))
}

fn not_found() -> Response {
    detail(StatusCode::NOT_FOUND, "The requested resource does not exist")
}

pub fn flaky(status: StatusCode, retry_after: u64) -> Response {
    let mut resp = if status == StatusCode::TOO_MANY_REQUESTS {
        detail(status, "You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds")
    } else {
        detail(status, "Bad Gateway")
    };
    set_header(&mut resp, "retry-after", retry_after.to_string());
    resp
}

pub fn headers(resp: &mut Response) {
    let reset = (Utc::now().timestamp() + 1).to_string();
    for (k, v) in [
        ("x-sentry-rate-limit-limit", "40"),
        ("x-sentry-rate-limit-remaining", "39"),
        ("x-sentry-rate-limit-reset", reset.as_str()),
        ("x-sentry-rate-limit-concurrentlimit", "25"),
        ("x-sentry-rate-limit-concurrentremaining", "24"),
    ] {
        set_header(resp, k, v);
    }
}

/// The query window: statsPeriod wins over start/end; default the last 24 hours (14 days for issues).
fn window(req: &Req, now: DateTime<Utc>, default: Duration) -> Result<(DateTime<Utc>, DateTime<Utc>), Response> {
    if let Some(p) = req.param("statsPeriod").filter(|p| !p.is_empty()) {
        let d = period(p).ok_or_else(|| detail(StatusCode::BAD_REQUEST, &format!("Invalid statsPeriod: {p:?}")))?;
        return Ok((now - d, now));
    }
    let parse =
        |k: &str| req.param(k).and_then(|v| DateTime::parse_from_rfc3339(v).ok().map(|t| t.with_timezone(&Utc)));
    match (parse("start"), parse("end")) {
        (Some(a), Some(b)) => Ok((a, b)),
        (None, None) => Ok((now - default, now)),
        _ => Err(detail(StatusCode::BAD_REQUEST, "start and end are both required")),
    }
}

fn latest_release(s: &SentryState) -> Option<String> {
    s.live.last().map(|(_, v)| v.clone())
}

fn matches(s: &SentryState, i: &Issue, q: &IssueQuery, now: DateTime<Utc>) -> bool {
    let resolve = |v: &str| if v == "latest" { latest_release(s).unwrap_or_default() } else { v.to_string() };
    q.status.as_ref().map_or(true, |st| st == &i.status)
        && q.first_release.as_ref().map_or(true, |r| resolve(r) == i.first_release)
        && q.release
            .as_ref()
            .map_or(true, |r| s.events(i, now - Duration::days(90), now, Some(&resolve(r)), now) >= 1.0)
        && q.short_id.as_ref().map_or(true, |id| id.eq_ignore_ascii_case(&i.short_id))
        && q.text.iter().all(|t| i.title().to_lowercase().contains(t))
}

fn projects_ok(req: &Req) -> bool {
    req.params("project").iter().all(|p| ["-1", PROJECT_ID, PROJECT_SLUG].contains(p))
}

fn environment_ok(req: &Req) -> bool {
    let envs = req.params("environment");
    envs.is_empty() || envs.contains(&"production")
}

pub fn handle(s: &Shared, req: &Req) -> Response {
    match req.bearer() {
        None => return detail(StatusCode::UNAUTHORIZED, "Authentication credentials were not provided."),
        Some(t) if t != s.tokens.sentry => return detail(StatusCode::UNAUTHORIZED, "Invalid token"),
        _ => {}
    }
    let segs = req.seg_strs();
    let now = s.clock.now();
    let base = format!("{}/sentry", s.base_url);
    let Some(rest) = segs.strip_prefix(&["api", "0", "organizations"][..]) else { return not_found() };
    let [org, rest @ ..] = rest else { return not_found() };
    if *org != crate::sandbox::scratch::OWNER {
        return not_found();
    }
    let mut w = s.world();
    let st = &mut w.sentry;
    match (&req.method, rest) {
        (&Method::GET, ["releases"]) => {
            let mut list: Vec<&SentryRelease> = st.releases.iter().collect();
            list.sort_by_key(|r| std::cmp::Reverse(r.date_created));
            if let Some(q) = req.param("query") {
                list.retain(|r| r.version.contains(q));
            }
            let items: Vec<Value> = list.iter().map(|r| shape::release_json(st, r, now)).collect();
            let limit = req.param("per_page").and_then(|p| p.parse().ok()).unwrap_or(100usize).clamp(1, 100);
            let mut resp = json(StatusCode::OK, Value::Null);
            let page = sentry_page(req, &base, &items, limit, &mut resp);
            *resp.body_mut() = Value::Array(page).to_string().into();
            resp
        }
        (&Method::POST, ["releases"]) => {
            let body = req.json().unwrap_or(Value::Null);
            let Some(version) = body.get("version").and_then(Value::as_str).filter(|v| valid_version(v)) else {
                return json(StatusCode::BAD_REQUEST, json!({"version": ["This field is required."]}));
            };
            if body.get("projects").and_then(Value::as_array).map_or(true, |p| p.is_empty()) {
                return json(StatusCode::BAD_REQUEST, json!({"projects": ["This field is required."]}));
            }
            if let Some(existing) = st.release(version) {
                return json(
                    StatusCode::from_u16(208).unwrap_or(StatusCode::OK),
                    shape::release_json(st, existing, now),
                );
            }
            let id = 90_000 + st.releases.len() as u64 + 1;
            let release = SentryRelease {
                id,
                version: version.to_string(),
                reference: body.get("ref").and_then(Value::as_str).map(str::to_string),
                url: body.get("url").and_then(Value::as_str).map(str::to_string),
                date_created: now,
                date_released: body.get("dateReleased").and_then(Value::as_str).map(str::to_string),
                commit_count: body.get("commits").and_then(Value::as_array).map(|c| c.len() as u64).unwrap_or(0),
                refs: body.get("refs").and_then(Value::as_array).cloned().unwrap_or_default(),
                deploys: Vec::new(),
            };
            let out = shape::release_json(st, &release, now);
            st.releases.push(release);
            json(StatusCode::CREATED, out)
        }
        (&Method::GET, ["releases", version]) => match st.release(version) {
            Some(r) => json(StatusCode::OK, shape::release_json(st, r, now)),
            None => not_found(),
        },
        (&Method::PUT, ["releases", version]) => {
            let body = req.json().unwrap_or(Value::Null);
            let Some(r) = st.release_mut(version) else { return not_found() };
            if let Some(refs) = body.get("refs").and_then(Value::as_array) {
                r.refs = refs.clone();
                r.commit_count = r.commit_count.max(refs.len() as u64);
            }
            if let Some(c) = body.get("commits").and_then(Value::as_array) {
                r.commit_count = c.len() as u64;
            }
            if let Some(d) = body.get("dateReleased").and_then(Value::as_str) {
                r.date_released = Some(d.to_string());
            }
            if let Some(x) = body.get("ref").and_then(Value::as_str) {
                r.reference = Some(x.to_string());
            }
            if let Some(x) = body.get("url").and_then(Value::as_str) {
                r.url = Some(x.to_string());
            }
            let r = r.clone();
            json(StatusCode::OK, shape::release_json(st, &r, now))
        }
        (&Method::GET, ["releases", version, "deploys"]) => match st.release(version) {
            Some(r) => json(StatusCode::OK, Value::Array(r.deploys.iter().rev().map(shape::deploy_json).collect())),
            None => not_found(),
        },
        (&Method::POST, ["releases", version, "deploys"]) => {
            let body = req.json().unwrap_or(Value::Null);
            let Some(env) = body.get("environment").and_then(Value::as_str).map(str::to_string) else {
                return json(StatusCode::BAD_REQUEST, json!({"environment": ["This field is required."]}));
            };
            st.next_deploy += 1;
            let id = (1000 + st.next_deploy).to_string();
            let Some(r) = st.release_mut(version) else { return not_found() };
            let text = |k: &str| body.get(k).and_then(Value::as_str).map(str::to_string);
            let deploy = Deploy {
                id,
                environment: env,
                name: text("name"),
                url: text("url"),
                date_started: text("dateStarted"),
                date_finished: text("dateFinished").unwrap_or_else(|| stamp_ms(now)),
            };
            let out = shape::deploy_json(&deploy);
            r.deploys.push(deploy);
            json(StatusCode::CREATED, out)
        }
        (&Method::GET, ["issues"]) => list_issues(st, req, now, &base),
        (&Method::GET, ["shortids", short]) => {
            match st.issues.iter().find(|i| i.short_id.eq_ignore_ascii_case(short)) {
                Some(i) => json(
                    StatusCode::OK,
                    json!({
                        "organizationSlug": crate::sandbox::scratch::OWNER, "projectSlug": PROJECT_SLUG,
                        "groupId": i.id.to_string(), "shortId": i.short_id, "group": shape::issue_json(st, i, now, &base),
                    }),
                ),
                None => not_found(),
            }
        }
        (&Method::GET, ["issues", id]) => match find_issue(st, id) {
            Some(i) => json(StatusCode::OK, shape::issue_detail_json(st, i, now, &base)),
            None => not_found(),
        },
        (&Method::PUT, ["issues", id]) => {
            let status = req.json().and_then(|b| b.get("status").and_then(Value::as_str).map(str::to_string));
            let Some(issue) = st.issues.iter_mut().find(|i| i.id.to_string() == *id || i.short_id == *id) else {
                return not_found();
            };
            if let Some(status) = status {
                issue.status = if status.starts_with("resolved") { "resolved".into() } else { status };
            }
            let issue = issue.clone();
            json(StatusCode::OK, shape::issue_detail_json(st, &issue, now, &base))
        }
        (&Method::GET, ["issues", id, "events"]) => match find_issue(st, id) {
            Some(i) => {
                let e = shape::event_json(st, i, now);
                let keys = [
                    "id",
                    "groupID",
                    "eventID",
                    "projectID",
                    "message",
                    "title",
                    "location",
                    "culprit",
                    "user",
                    "tags",
                    "platform",
                    "dateCreated",
                    "crashFile",
                    "metadata",
                ];
                let mut item: serde_json::Map<String, Value> =
                    keys.iter().map(|k| (k.to_string(), e[*k].clone())).collect();
                item.insert("event.type".into(), "error".into());
                json(StatusCode::OK, json!([item]))
            }
            None => not_found(),
        },
        (&Method::GET, ["issues", id, "events", _which]) => match find_issue(st, id) {
            Some(i) => json(StatusCode::OK, shape::event_json(st, i, now)),
            None => not_found(),
        },
        (&Method::GET, ["issues", id, "tags", "release", "values"]) => match find_issue(st, id) {
            Some(i) => {
                let from = now - Duration::days(90);
                let mut versions: Vec<String> = st.live.iter().map(|(_, v)| v.clone()).collect();
                versions.dedup();
                let values: Vec<Value> = versions
                    .iter()
                    .filter_map(|v| {
                        let n = st.events(i, from, now, Some(v), now).floor() as u64;
                        (n > 0).then(|| json!({"key": "release", "name": v, "value": v, "count": n, "firstSeen": null, "lastSeen": null}))
                    })
                    .collect();
                json(StatusCode::OK, Value::Array(values))
            }
            None => not_found(),
        },
        (&Method::GET, ["events-timeseries"]) => super::sentry_stats::timeseries(st, req, now),
        (&Method::GET, ["events"]) => super::sentry_stats::events_table(st, req, now),
        _ => not_found(),
    }
}

fn valid_version(v: &str) -> bool {
    !v.is_empty() && v.len() <= 200 && !v.contains(['\n', '\t', '/', '\\']) && ![".", "..", " ", "latest"].contains(&v)
}

fn find_issue<'a>(st: &'a SentryState, id: &str) -> Option<&'a Issue> {
    st.issues.iter().find(|i| i.id.to_string() == id || i.short_id.eq_ignore_ascii_case(id))
}

fn list_issues(st: &SentryState, req: &Req, now: DateTime<Utc>, base: &str) -> Response {
    if !projects_ok(req) {
        return detail(StatusCode::FORBIDDEN, "You do not have permission to perform this action.");
    }
    let (from, to) = match window(req, now, Duration::days(14)) {
        Ok(w) => w,
        Err(resp) => return resp,
    };
    // No query parameter means `is:unresolved`; an empty one means every issue.
    let query = parse_query(req.param("query").unwrap_or("is:unresolved"));
    let mut issues: Vec<&Issue> = if environment_ok(req) {
        st.visible(now).filter(|i| matches(st, i, &query, now) && i.events_between(from, to) > 0.0).collect()
    } else {
        Vec::new()
    };
    match req.param("sort").unwrap_or("date") {
        "new" => issues.sort_by_key(|i| std::cmp::Reverse(i.first_seen())),
        "freq" => issues.sort_by_key(|i| std::cmp::Reverse(i.count(now))),
        "user" => issues.sort_by_key(|i| std::cmp::Reverse(i.user_count(now))),
        _ => issues.sort_by_key(|i| std::cmp::Reverse(i.last_seen(now))),
    }
    let limit = req.param("limit").and_then(|l| l.parse().ok()).unwrap_or(25usize).clamp(1, 100);
    let items: Vec<Value> = issues.iter().map(|i| shape::issue_json(st, i, now, base)).collect();
    let mut resp = json(StatusCode::OK, Value::Null);
    let page = sentry_page(req, base, &items, limit, &mut resp);
    *resp.body_mut() = Value::Array(page).to_string().into();
    resp
}
