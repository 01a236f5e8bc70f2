//! Event counts over time (`events-timeseries`) and per group (`events`, dataset=errors),
//! computed from the issues' event rates so they agree with the issue counts.
// Handlers return the error answer itself as the Err side; its size does not matter here.
#![allow(clippy::result_large_err)]
use super::sentry_query::{parse_query, period};
use super::{json, Req};
use crate::sandbox::world::sentry::{Issue, SentryState};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Map, Value};

fn bad(text: &str) -> Response {
    json(StatusCode::BAD_REQUEST, json!({"detail": text}))
}

fn dataset_ok(req: &Req) -> Result<(), Response> {
    match req.param("dataset") {
        Some("errors") => Ok(()),
        Some(other) => Err(bad(&format!("The sandbox only holds error events, not {other:?}"))),
        None => Err(bad("dataset is required")),
    }
}

fn window(req: &Req, now: DateTime<Utc>) -> Result<(DateTime<Utc>, DateTime<Utc>), Response> {
    if let Some(p) = req.param("statsPeriod") {
        return period(p).map(|d| (now - d, now)).ok_or_else(|| bad(&format!("Invalid statsPeriod: {p:?}")));
    }
    let parse =
        |k: &str| req.param(k).and_then(|v| DateTime::parse_from_rfc3339(v).ok().map(|t| t.with_timezone(&Utc)));
    // Nothing has happened after now: a window that ends later counts up to now.
    Ok((parse("start").unwrap_or(now - Duration::hours(24)), parse("end").unwrap_or(now).min(now)))
}

/// Issues and the release a query restricts events to (`release:X`, `issue:SHORT`, text).
fn selection<'a>(s: &'a SentryState, req: &Req, now: DateTime<Utc>) -> (Vec<&'a Issue>, Option<String>) {
    let q = parse_query(req.param("query").unwrap_or(""));
    let envs = req.params("environment");
    if !envs.is_empty() && !envs.contains(&"production") {
        return (Vec::new(), None);
    }
    let issues = s
        .visible(now)
        .filter(|i| q.short_id.as_ref().map_or(true, |id| id.eq_ignore_ascii_case(&i.short_id)))
        .filter(|i| q.first_release.as_ref().map_or(true, |r| r == &i.first_release))
        .collect();
    (issues, q.release)
}

pub fn timeseries(s: &SentryState, req: &Req, now: DateTime<Utc>) -> Response {
    if let Err(r) = dataset_ok(req) {
        return r;
    }
    let (from, to) = match window(req, now) {
        Ok(w) => w,
        Err(r) => return r,
    };
    // `interval` is seconds; a duration like `1h` is accepted too.
    let span = (to - from).num_seconds().max(1);
    let interval = req
        .param("interval")
        .and_then(|i| i.parse::<i64>().ok().or_else(|| period(i).map(|d| d.num_seconds())))
        .filter(|i| *i > 0 && *i <= span)
        .unwrap_or(if span <= 3600 { 60 } else { 3600 });
    let (issues, release) = selection(s, req, now);
    let y_axes = {
        let y = req.params("yAxis");
        if y.is_empty() {
            vec!["count()"]
        } else {
            y
        }
    };
    let series: Vec<Value> = y_axes
        .iter()
        .map(|y| {
            let mut values = Vec::new();
            let mut t = from;
            while t < to {
                let end = (t + Duration::seconds(interval)).min(to);
                let count: f64 = issues.iter().map(|i| s.events(i, t, end, release.as_deref(), now)).sum();
                let value = if y.starts_with("count_unique") { (count * 2.0 / 3.0).floor() } else { count.floor() };
                values.push(json!({"timestamp": t.timestamp_millis(), "value": value, "incomplete": end >= now}));
                t = end;
            }
            json!({"yAxis": y, "groupBy": [], "meta": {"valueUnit": null, "valueType": "integer", "interval": interval}, "values": values})
        })
        .collect();
    json(
        StatusCode::OK,
        json!({"meta": {"dataset": "errors", "start": from.timestamp_millis(), "end": to.timestamp_millis()}, "timeSeries": series}),
    )
}

/// A table grouped by the plain fields asked for (`release`, `issue`, `title`), with
/// `count()` / `count_unique(user)` columns.
pub fn events_table(s: &SentryState, req: &Req, now: DateTime<Utc>) -> Response {
    if let Err(r) = dataset_ok(req) {
        return r;
    }
    let fields = req.params("field");
    if fields.is_empty() {
        return bad("field is required");
    }
    let (from, to) = match window(req, now) {
        Ok(w) => w,
        Err(r) => return r,
    };
    let (issues, release) = selection(s, req, now);
    let group_by: Vec<&str> = fields.iter().copied().filter(|f| !f.contains('(')).collect();
    let releases: Vec<Option<String>> = if group_by.contains(&"release") {
        let mut v: Vec<String> = s.live.iter().map(|(_, r)| r.clone()).collect();
        v.sort();
        v.dedup();
        v.into_iter().filter(|v| release.as_ref().map_or(true, |r| r == v)).map(Some).collect()
    } else {
        vec![release.clone()]
    };
    let per_issue = group_by.iter().any(|g| matches!(*g, "issue" | "title" | "issue.id"));
    let mut rows = Vec::new();
    for r in &releases {
        let groups: Vec<Vec<&Issue>> =
            if per_issue { issues.iter().map(|i| vec![*i]).collect() } else { vec![issues.clone()] };
        for group in groups {
            let count: f64 = group.iter().map(|i| s.events(i, from, to, r.as_deref(), now)).sum();
            if count < 1.0 {
                continue;
            }
            let mut row = Map::new();
            for f in &fields {
                let v = match *f {
                    "release" => json!(r),
                    "issue" => json!(group.first().map(|i| i.short_id.clone())),
                    "issue.id" => json!(group.first().map(|i| i.id.to_string())),
                    "title" => json!(group.first().map(|i| i.title())),
                    "count()" => json!(count.floor() as u64),
                    "count_unique(user)" => json!((count * 2.0 / 3.0).floor() as u64),
                    _ => Value::Null,
                };
                row.insert(f.to_string(), v);
            }
            rows.push(Value::Object(row));
        }
    }
    if req.param("sort").is_some_and(|s| s.trim_start_matches('-') == "count()") {
        rows.sort_by_key(|r| std::cmp::Reverse(r["count()"].as_u64().unwrap_or(0)));
    }
    let meta: Map<String, Value> =
        fields.iter().map(|f| (f.to_string(), json!(if f.contains('(') { "integer" } else { "string" }))).collect();
    json(StatusCode::OK, json!({"data": rows, "meta": {"fields": meta, "units": {}}}))
}
