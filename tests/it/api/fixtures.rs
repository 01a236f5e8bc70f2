//! Canned answers that satisfy the official schemas (checked by `serve`), built from a few
//! facts each. Heroku and Sentry here; GitHub's much larger objects in `fixtures_github.rs`.
#![allow(dead_code)]
use serde_json::{json, Value};

pub const T0: &str = "2026-09-01T12:00:00Z";

/// A uuid-shaped id that encodes `n`, so tests can tell objects apart.
pub fn uuid(kind: u32, n: u64) -> String {
    format!("{kind:08x}-89ab-cdef-0123-{n:012}")
}

pub fn sha(n: u64) -> String {
    format!("{n:07x}{}", "a".repeat(33))
}

pub mod heroku {
    use super::*;

    pub fn app(name: &str) -> Value {
        json!({
            "id": uuid(1, 1), "name": name, "maintenance": false, "released_at": T0,
            "web_url": format!("https://{name}.herokuapp.com/"), "created_at": T0, "updated_at": T0,
            "git_url": format!("https://git.heroku.com/{name}.git"), "acm": false,
            "stack": {"id": uuid(9, 1), "name": "heroku-24"}, "build_stack": {"id": uuid(9, 1), "name": "heroku-24"},
            "region": {"id": uuid(8, 1), "name": "us"}, "generation": {"id": uuid(7, 1), "name": "cedar"},
            "owner": {"id": uuid(6, 1), "email": "owner@example.com"}, "team": null, "organization": null, "space": null,
            "archived_at": null, "buildpack_provided_description": "Ruby/Rails", "internal_routing": null,
            "repo_size": null, "slug_size": 1000
        })
    }

    /// Release `v`, with slug `v` unless `slug` is false.
    pub fn release(v: u64, current: bool, slug: bool) -> Value {
        json!({
            "id": uuid(2, v), "version": v, "status": "succeeded", "current": current,
            "eligible_for_rollback": true, "description": format!("Deploy {}", &sha(v)[..7]),
            "output_stream_url": null, "slug": if slug { json!({"id": uuid(3, v)}) } else { Value::Null },
            "user": {"id": uuid(6, 1), "email": "dev@example.com"}, "app": {"id": uuid(1, 1), "name": "my-app"},
            "addon_plan_names": ["heroku-postgresql:essential-0"], "artifacts": [],
            "created_at": T0, "updated_at": T0
        })
    }

    pub fn releases(newest: u64, count: u64) -> Value {
        Value::Array((0..count).map(|i| release(newest - i, i == 0 && newest == 100, true)).collect())
    }

    pub fn slug(v: u64) -> Value {
        json!({
            "id": uuid(3, v), "commit": sha(v), "commit_description": "Fix the thing",
            "process_types": {"web": "bundle exec puma", "release": "bin/rails db:migrate"},
            "buildpack_provided_description": "Ruby/Rails", "checksum": null, "size": 1000,
            "stack": {"id": uuid(9, 1), "name": "heroku-24"}, "blob": {"method": "GET", "url": "https://s3.example/slug?sig=x"},
            "created_at": T0, "updated_at": T0, "deleted_at": null
        })
    }

    pub fn build(n: u64, status: &str, stream: &str) -> Value {
        json!({
            "id": uuid(4, n), "status": status, "output_stream_url": stream,
            "source_blob": {"url": "https://codeload.example/o/r/tar.gz/x?token=SIGNED", "checksum": null,
                            "version": sha(n), "version_description": "Deploy"},
            "release": null, "slug": null, "app": {"id": uuid(1, 1)}, "buildpacks": null, "stack": "heroku-24",
            "user": {"id": uuid(6, 1), "email": "dev@example.com"}, "created_at": T0, "updated_at": T0
        })
    }

    pub fn dyno(n: u64, state: &str) -> Value {
        json!({
            "id": uuid(5, n), "name": format!("web.{n}"), "type": "web", "state": state, "size": "Standard-1X",
            "command": "bundle exec puma", "attach_url": null, "release": {"id": uuid(2, 100), "version": 100},
            "app": {"id": uuid(1, 1), "name": "my-app"}, "created_at": T0, "updated_at": T0
        })
    }

    pub fn formation(kind: &str, quantity: u64) -> Value {
        json!({
            "id": uuid(10, quantity), "type": kind, "quantity": quantity, "size": "Standard-1X",
            "command": "bundle exec puma", "dyno_size": {"id": uuid(11, 1), "name": "Standard-1X"},
            "app": {"id": uuid(1, 1), "name": "my-app"}, "created_at": T0, "updated_at": T0
        })
    }

    pub fn log_session(url: &str) -> Value {
        json!({"id": uuid(12, 1), "logplex_url": url, "created_at": T0, "updated_at": T0})
    }

    pub fn error(id: &str, message: &str) -> Value {
        json!({"id": id, "message": message})
    }
}

pub mod sentry {
    use super::*;

    pub fn release(version: &str) -> Value {
        json!({
            "id": 1, "version": version, "shortVersion": &version[..version.len().min(12)], "status": "open",
            "dateCreated": T0, "dateReleased": null, "newGroups": 2, "commitCount": 3, "deployCount": 0,
            "ref": null, "url": null, "owner": null, "lastCommit": null, "lastDeploy": null, "firstEvent": null,
            "lastEvent": null, "authors": [], "projects": [{"id": 1, "slug": "web", "name": "web", "newGroups": 2,
            "platform": "ruby", "platforms": ["ruby"], "hasHealthData": false}],
            "data": {}, "versionInfo": {"package": null, "version": {"raw": version}, "description": version, "buildHash": null},
            "userAgent": null, "currentProjectMeta": {}
        })
    }

    pub fn deploy() -> Value {
        json!({"id": "1", "environment": "production", "dateStarted": null, "dateFinished": T0, "name": "v100", "url": null})
    }

    /// An issue as the org list shows it (`full` adds the fields of `GET issues/{id}/`).
    pub fn issue(n: u64) -> Value {
        let mut base = json!({
            "id": n.to_string(), "shortId": format!("WEB-{n}"), "title": format!("NoMethodError: undefined method #{n}"),
            "culprit": "OrdersController#create", "permalink": format!("https://sentry.io/organizations/acme/issues/{n}/"),
            "level": "error", "status": "unresolved", "substatus": "new", "count": "12", "userCount": 3,
            "firstSeen": T0, "lastSeen": T0, "project": {"id": "1", "name": "web", "slug": "web", "platform": "ruby"},
            "metadata": {"type": "NoMethodError", "value": "undefined method", "filename": "app/models/order.rb"},
            "type": "error", "issueType": "error", "issueCategory": "error", "isUnhandled": true, "platform": "ruby"
        });
        // The schema requires many more fields; a second literal keeps the macro's recursion short.
        let more = json!({
            "assignedTo": null, "annotations": [], "logger": null, "shareId": null, "hasSeen": false, "isBookmarked": false,
            "isPublic": false, "isSubscribed": false, "numComments": 0, "priority": "high", "priorityLockedAt": null,
            "seerAutofixLastTriggered": null, "seerExplorerAutofixLastTriggered": null, "seerFixabilityScore": null,
            "statusDetails": {}, "subscriptionDetails": null, "derivedData": {"blocker": "none", "progress": "none", "status": "none",
            "viewCount": 0, "hasOpenFixPr": false, "isAssigned": false, "hasRootCause": false, "lastCompletedAutofixStep": "none",
            "lastProgressedAt": null}, "filtered": null,
            "inbox": {"reason": 0, "reason_details": null, "date_added": T0}, "integrationIssues": [], "latestEventHasAttachments": false,
            "lifetime": {}, "matchingEventEnvironment": null, "matchingEventId": null, "owners": {"type": "ownershipRule", "owner": "team:1", "date_added": T0}, "sentryAppIssues": [],
            "sessionCount": 0, "stats": {}
        });
        base.as_object_mut().unwrap().extend(more.as_object().unwrap().clone());
        base
    }

    pub fn issue_detail(n: u64) -> Value {
        let mut v = issue(n);
        let extra = json!({"activity": [], "participants": [], "seenBy": [], "userReportCount": 0,
            "firstRelease": {"version": sha(100)}, "lastRelease": {"version": sha(100)}, "owners": []});
        v.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        v
    }

    /// `GET shortids/{id}/`: the issue behind a short id.
    pub fn short_id(n: u64) -> Value {
        json!({"organizationSlug": "acme", "projectSlug": "web", "groupId": n.to_string(), "shortId": format!("WEB-{n}"), "group": issue(n)})
    }

    pub fn event() -> Value {
        let frame = |file: &str, func: &str, line: u64, in_app: bool| {
            json!({"filename": file, "absPath": format!("/app/{file}"), "module": null, "function": func,
                   "lineNo": line, "colNo": null, "inApp": in_app, "context": [[line, "code"]]})
        };
        json!({
            "id": "e1", "eventID": "e1", "groupID": "7", "projectID": "1", "title": "NoMethodError",
            "message": "undefined method", "culprit": "OrdersController#create", "location": "app/models/order.rb",
            "platform": "ruby", "dateCreated": T0, "dateReceived": T0, "size": 100, "dist": null,
            "tags": [{"key": "release", "value": sha(100)}, {"key": "transaction", "value": "OrdersController#create"}],
            "entries": [{"type": "exception", "data": {"values": [{"type": "NoMethodError", "value": "undefined method",
                "stacktrace": {"frames": [frame("vendor/rack.rb", "call", 10, false), frame("app/controllers/orders_controller.rb", "create", 20, true), frame("app/models/order.rb", "total", 30, true)]}}]}}],
            "user": null, "contexts": {}, "context": {}, "sdk": {"name": "sentry.ruby", "version": "5.0.0"},
            "_meta": {}, "errors": [], "metadata": {}, "nextEventID": null, "previousEventID": null, "occurrence": null,
            "packages": {}, "release": null, "resolvedWith": [], "sdkUpdates": [], "type": "error", "userReport": null
        })
    }

    pub fn timeseries(values: &[f64]) -> Value {
        json!({
            "meta": {"dataset": "errors", "start": 1_790_000_000_000.0, "end": 1_790_003_600_000.0},
            "timeSeries": [{"yAxis": "count()", "groupBy": [], "meta": {"valueType": "integer", "valueUnit": null, "interval": 3600},
                "values": values.iter().enumerate().map(|(i, v)| json!({"timestamp": 1_790_000_000_000.0 + i as f64 * 3_600_000.0, "value": v, "incomplete": false})).collect::<Vec<_>>()}]
        })
    }

    /// An explore table of error events per issue, as `field=issue.id&field=issue&field=title&field=count()` gives it.
    pub fn events_by_issue(rows: &[(u64, &str, &str, u64)]) -> Value {
        let data: Vec<Value> = rows
            .iter()
            .map(|(id, short, title, n)| json!({"issue.id": id, "issue": short, "title": title, "count()": n}))
            .collect();
        let fields = json!({"issue.id": "integer", "issue": "string", "title": "string", "count()": "integer"});
        json!({"data": data, "meta": {"fields": fields, "units": {"issue.id": null, "issue": null, "title": null, "count()": null}}})
    }

    pub fn events_total(count: u64) -> Value {
        json!({"data": [{"count()": count}], "meta": {"fields": {"count()": "integer"}, "units": {"count()": null}}})
    }
}
