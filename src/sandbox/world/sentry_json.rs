//! Sentry's JSON shapes (camelCase, counts as strings where Sentry sends strings).
use super::sentry::{Deploy, Issue, SentryRelease, SentryState};
use crate::sandbox::clock::stamp_ms;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

pub const PROJECT_ID: &str = "4505000000000001";
pub const PROJECT_SLUG: &str = "storefront";

fn project() -> Value {
    json!({"id": PROJECT_ID, "name": PROJECT_SLUG, "slug": PROJECT_SLUG, "platform": "ruby-rails"})
}

fn metadata(i: &Issue) -> Value {
    let top = i.frames.last();
    json!({
        "type": i.exception, "value": i.value,
        "filename": top.map(|f| f.path.clone()), "function": top.map(|f| f.function.clone()),
        "in_app_frame_mix": "mixed",
    })
}

pub fn issue_json(s: &SentryState, i: &Issue, now: DateTime<Utc>, base: &str) -> Value {
    let count = i.count(now).to_string();
    let users = i.user_count(now);
    let first_seen = i.first_seen().map(stamp_ms);
    let last_seen = i.last_seen(now).map(stamp_ms);
    let _ = s;
    let head = json!({
        "id": i.id.to_string(), "shareId": null, "shortId": i.short_id, "title": i.title(), "culprit": i.culprit,
        "permalink": format!("{base}/organizations/acme/issues/{}/", i.id), "logger": null, "level": "error",
        "status": i.status, "statusDetails": {}, "substatus": if i.status == "unresolved" { "new" } else { "" },
        "isPublic": false, "platform": "ruby", "priority": "high", "priorityLockedAt": null,
        "seerFixabilityScore": null, "seerAutofixLastTriggered": null, "seerExplorerAutofixLastTriggered": null,
        "project": project(), "type": "error", "issueType": "error", "issueCategory": "error",
        "metadata": metadata(i),
    });
    let tail = json!({
        "numComments": 0, "assignedTo": null, "isBookmarked": false, "isSubscribed": false,
        "subscriptionDetails": null, "hasSeen": false, "annotations": [], "isUnhandled": true,
        "count": count, "userCount": users, "firstSeen": first_seen, "lastSeen": last_seen,
        "derivedData": {
            "blocker": "", "progress": "", "status": "", "viewCount": 0, "hasOpenFixPr": false, "isAssigned": false,
            "hasRootCause": false, "lastCompletedAutofixStep": "", "lastProgressedAt": null,
        },
        "stats": {"24h": hourly(i, now)},
        "lifetime": {"count": i.count(now).to_string(), "userCount": users, "firstSeen": first_seen, "lastSeen": last_seen, "stats": null},
        "filtered": null, "sessionCount": 0,
        "inbox": {"reason": 0, "reason_details": null, "date_added": first_seen},
        "owners": {"type": "codeowners", "owner": "team:storefront", "date_added": first_seen},
        "integrationIssues": [], "sentryAppIssues": [], "latestEventHasAttachments": false,
        "matchingEventId": null, "matchingEventEnvironment": null,
    });
    crate::sandbox::http::github_json::merged(head, tail)
}

/// `[[unix seconds, count], …]` per hour over the last day, as the `stats` field carries.
fn hourly(i: &Issue, now: DateTime<Utc>) -> Vec<Value> {
    (0..24)
        .rev()
        .map(|h| {
            let to = now - chrono::Duration::hours(h);
            let from = to - chrono::Duration::hours(1);
            json!([from.timestamp(), i.events_between(from, to).floor() as u64])
        })
        .collect()
}

pub fn release_ref(s: &SentryState, version: &str) -> Value {
    match s.release(version) {
        Some(r) => json!({
            "version": r.version, "shortVersion": short(&r.version), "dateCreated": stamp_ms(r.date_created),
            "dateReleased": r.date_released, "ref": r.reference, "url": r.url,
        }),
        None => Value::Null,
    }
}

pub fn issue_detail_json(s: &SentryState, i: &Issue, now: DateTime<Utc>, base: &str) -> Value {
    let mut v = issue_json(s, i, now, base);
    let last_release =
        s.live.iter().rev().find(|(_, ver)| s.events(i, i.first_seen().unwrap_or(now), now, Some(ver), now) > 0.0);
    let extra = json!({
        "firstRelease": release_ref(s, &i.first_release),
        "lastRelease": last_release.map(|(_, ver)| release_ref(s, ver)).unwrap_or(Value::Null),
        "tags": [{"key": "environment", "name": "Environment", "totalValues": i.count(now)}],
        "activity": [], "seenBy": [], "userReportCount": 0, "participants": [], "forecast": {},
    });
    if let (Some(obj), Value::Object(more)) = (v.as_object_mut(), extra) {
        obj.extend(more);
        obj.remove("lifetime");
        obj.insert("owners".into(), Value::Null);
        obj.remove("filtered");
    }
    v
}

fn frame_json(f: &super::sentry::Frame) -> Value {
    json!({
        "filename": f.path, "absPath": format!("/app/{}", f.path), "module": null, "package": null,
        "platform": null, "instructionAddr": null, "symbolAddr": null, "function": f.function,
        "rawFunction": null, "symbol": null,
        "context": f.context.iter().map(|(n, t)| json!([n, t])).collect::<Vec<_>>(),
        "lineNo": f.line_no, "colNo": null, "inApp": f.in_app, "trust": null, "errors": null, "lock": null,
        "sourceLink": null, "vars": null,
    })
}

pub fn event_json(s: &SentryState, i: &Issue, now: DateTime<Utc>) -> Value {
    let at = i.last_seen(now).unwrap_or(now);
    let event_id = format!("{:032x}", i.id * 1_000_003 + i.count(now));
    let release =
        s.live.iter().rev().find(|(t, _)| *t <= at).map(|(_, v)| v.clone()).unwrap_or_else(|| i.first_release.clone());
    let head = json!({
        "id": event_id, "groupID": i.id.to_string(), "eventID": event_id, "projectID": PROJECT_ID,
        "message": "", "title": i.title(), "location": i.frames.last().map(|f| f.path.clone()),
        "user": {"id": "4711", "email": null, "username": null, "ip_address": null, "name": null, "geo": null, "data": null},
        "tags": [
            {"key": "environment", "value": "production"}, {"key": "release", "value": release},
            {"key": "transaction", "value": i.culprit}, {"key": "level", "value": "error"},
        ],
        "platform": "ruby", "dateReceived": stamp_ms(at), "contexts": {}, "size": 6120,
        "entries": [{
            "type": "exception",
            "data": {
                "values": [{
                    "type": i.exception, "value": i.value, "module": null,
                    "mechanism": {"type": "rails", "handled": false}, "threadId": null,
                    "stacktrace": {"frames": i.frames.iter().map(frame_json).collect::<Vec<_>>(), "framesOmitted": null, "registers": null, "hasSystemFrames": true},
                    "rawStacktrace": null,
                }],
                "hasSystemFrames": true, "excOmitted": null,
            },
        }],
    });
    let tail = json!({
        "dist": null, "sdk": {"name": "sentry.ruby.rails", "version": "5.22.1"}, "context": {}, "packages": {},
        "type": "error", "metadata": metadata(i), "errors": [], "occurrence": null, "_meta": {},
        "crashFile": null, "culprit": i.culprit, "dateCreated": stamp_ms(at), "fingerprints": ["{{ default }}"],
        "groupingConfig": {"id": "newstyle:2023-01-11", "enhancements": ""},
        "release": release_ref(s, &release), "userReport": null, "sdkUpdates": [], "resolvedWith": [],
        "nextEventID": null, "previousEventID": null,
    });
    crate::sandbox::http::github_json::merged(head, tail)
}

pub fn short(version: &str) -> String {
    version.chars().take(12).collect()
}

pub fn deploy_json(d: &Deploy) -> Value {
    json!({
        "id": d.id, "environment": d.environment, "dateStarted": d.date_started,
        "dateFinished": d.date_finished, "name": d.name, "url": d.url,
    })
}

/// A release's `lastDeploy` writes every field as a string (the deploy list allows nulls).
fn last_deploy_json(d: &Deploy) -> Value {
    json!({
        "id": d.id, "environment": d.environment, "dateStarted": d.date_started.clone().unwrap_or_else(|| d.date_finished.clone()),
        "dateFinished": d.date_finished, "name": d.name.clone().unwrap_or_default(), "url": d.url.clone().unwrap_or_default(),
    })
}

pub fn release_json(s: &SentryState, r: &SentryRelease, now: DateTime<Utc>) -> Value {
    let new_groups = s.new_groups(&r.version, now);
    let events: Vec<DateTime<Utc>> = s
        .visible(now)
        .filter(|i| s.events(i, now - chrono::Duration::days(90), now, Some(&r.version), now) >= 1.0)
        .filter_map(|i| i.first_seen())
        .collect();
    json!({
        "id": r.id, "version": r.version, "newGroups": new_groups, "status": "open",
        "shortVersion": short(&r.version),
        "versionInfo": {"package": null, "version": {"raw": r.version}, "description": short(&r.version), "buildHash": r.version},
        "data": {}, "commitCount": r.commit_count, "deployCount": r.deploys.len(), "authors": [],
        "projects": [{
            "id": PROJECT_ID.parse::<u64>().unwrap_or(1), "slug": PROJECT_SLUG, "name": PROJECT_SLUG, "platform": "ruby-rails",
            "platforms": ["ruby-rails"], "hasHealthData": false, "newGroups": new_groups,
        }],
        "ref": r.reference, "url": r.url, "dateReleased": r.date_released, "dateCreated": stamp_ms(r.date_created),
        "dateStarted": null, "owner": null, "lastCommit": null,
        "lastDeploy": r.deploys.last().map(last_deploy_json),
        "firstEvent": events.iter().min().map(|t| stamp_ms(*t)), "lastEvent": events.iter().max().map(|t| stamp_ms(*t)),
        "currentProjectMeta": {}, "userAgent": null, "adoptionStages": null,
    })
}
