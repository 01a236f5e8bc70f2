//! Heroku Platform API v3: the app, releases (with rollback), builds, slugs, dynos, formation.
use super::paging::{heroku_page, parse_range};
use super::{json, set_header, Req};
use crate::sandbox::world::heroku::{Build, Status};
use crate::sandbox::world::{output::OutputLog, you};
use crate::sandbox::{lifecycle, Shared};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;

fn error(status: StatusCode, id: &str, message: &str) -> Response {
    json(status, json!({"id": id, "message": message}))
}

fn not_found(resource: &str) -> Response {
    json(
        StatusCode::NOT_FOUND,
        json!({"id": "not_found", "message": format!("Couldn't find that {resource}."), "resource": resource}),
    )
}

pub fn flaky(status: StatusCode, retry_after: u64) -> Response {
    let mut resp = if status == StatusCode::TOO_MANY_REQUESTS {
        error(
            status,
            "rate_limit",
            "Your account reached the API rate limit. Please wait a few minutes before making new requests",
        )
    } else {
        error(status, "bad_gateway", "The API is temporarily unavailable. Please try again.")
    };
    set_header(&mut resp, "retry-after", retry_after.to_string());
    resp
}

pub fn headers(s: &Shared, resp: &mut Response) {
    let n = s.calls_heroku.fetch_add(1, Ordering::SeqCst);
    set_header(resp, "request-id", crate::sandbox::world::heroku::uuid(99, n + 1));
    set_header(resp, "ratelimit-remaining", 4500u64.saturating_sub(n + 1).to_string());
}

pub async fn handle(s: &Arc<Shared>, req: &Req) -> Response {
    let accepted = req.header("accept").is_some_and(|a| a.contains("application/vnd.heroku+json; version=3"));
    if !accepted {
        return error(
            StatusCode::NOT_ACCEPTABLE,
            "not_acceptable",
            "Accept header must be set to application/vnd.heroku+json; version=3",
        );
    }
    if req.bearer() != Some(s.tokens.heroku.as_str()) {
        return error(StatusCode::UNAUTHORIZED, "unauthorized", "Invalid credentials provided.");
    }
    let segs = req.seg_strs();
    let base = s.base_url.as_str();
    match (&req.method, segs.as_slice()) {
        (&Method::GET, ["account"]) => json(StatusCode::OK, json!({"email": you().email, "id": you().id})),
        (&Method::GET, ["account", "rate-limits"]) => json(StatusCode::OK, json!({"remaining": 4500})),
        (_, ["apps", app, ..]) if *app != s.app_name() && *app != s.world().heroku.id => not_found("app"),
        (&Method::GET, ["apps", _]) => json(StatusCode::OK, s.world().heroku.app_json(base)),
        (&Method::PATCH, ["apps", _]) => {
            let mut w = s.world();
            if let Some(m) = req.json().and_then(|b| b.get("maintenance").and_then(Value::as_bool)) {
                w.heroku.maintenance = m;
            }
            json(StatusCode::OK, w.heroku.app_json(base))
        }
        (&Method::GET, ["apps", _, "releases"]) => {
            let w = s.world();
            let items = w.heroku.releases.iter().map(|r| w.heroku.release_json(r, base)).collect();
            list(items, req.header("range"), "id")
        }
        (&Method::GET, ["apps", _, "releases", id]) => {
            let w = s.world();
            match w.heroku.release(id) {
                Some(r) => json(StatusCode::OK, w.heroku.release_json(r, base)),
                None => not_found("release"),
            }
        }
        (&Method::GET, ["apps", _, "releases", id, "config-vars"]) => match s.world().heroku.release(id) {
            Some(r) => json(StatusCode::OK, serde_json::to_value(&r.config).unwrap_or_default()),
            None => not_found("release"),
        },
        (&Method::POST, ["apps", _, "releases"]) => create_release(s, req),
        (&Method::GET, ["apps", _, "builds"]) => {
            let w = s.world();
            let items = w.heroku.builds.iter().map(|b| w.heroku.build_json(b, base)).collect();
            list(items, req.header("range"), "created_at")
        }
        (&Method::GET, ["apps", _, "builds", id]) => {
            let w = s.world();
            match w.heroku.builds.iter().find(|b| b.id == *id) {
                Some(b) => json(StatusCode::OK, w.heroku.build_json(b, base)),
                None => not_found("build"),
            }
        }
        (&Method::POST, ["apps", _, "builds"]) => create_build(s, req),
        (&Method::GET, ["apps", _, "slugs", id]) => {
            let w = s.world();
            match w.heroku.slug(id) {
                Some(slug) => json(StatusCode::OK, w.heroku.slug_json(slug, base)),
                None => not_found("slug"),
            }
        }
        (&Method::GET, ["apps", _, "dynos"]) => json(StatusCode::OK, Value::Array(s.world().heroku.dynos_json())),
        (&Method::GET, ["apps", _, "dynos", name]) => {
            match s.world().heroku.dynos_json().into_iter().find(|d| d["name"] == *name || d["id"] == *name) {
                Some(d) => json(StatusCode::OK, d),
                None => not_found("dyno"),
            }
        }
        (&Method::GET, ["apps", _, "formation"]) => {
            json(StatusCode::OK, Value::Array(s.world().heroku.formation_json()))
        }
        (&Method::GET, ["apps", _, "formation", kind]) => {
            match s.world().heroku.formation_json().into_iter().find(|f| f["type"] == *kind || f["id"] == *kind) {
                Some(f) => json(StatusCode::OK, f),
                None => not_found("formation"),
            }
        }
        (&Method::GET, ["apps", _, "config-vars"]) => {
            json(StatusCode::OK, serde_json::to_value(s.world().heroku.config()).unwrap_or_default())
        }
        (&Method::POST, ["apps", _, "log-sessions"]) => super::logplex::create(s, req.json()),
        (&Method::GET, ["apps", _, "features", "preboot"]) => json(
            StatusCode::OK,
            json!({"name": "preboot", "enabled": true, "description": "Provide seamless web dyno deploys", "state": "general", "id": crate::sandbox::world::heroku::uuid(13, 1)}),
        ),
        _ => not_found("resource"),
    }
}

/// Lists answer 206 with Next-Range while more remain, 200 on the last page.
fn list(items: Vec<Value>, range: Option<&str>, default_field: &str) -> Response {
    let range = parse_range(range, default_field);
    let allowed = ["id", "version", "created_at", "started_at", "updated_at"];
    if !allowed.contains(&range.field.as_str()) {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            &format!("Invalid Range header: unknown field {}", range.field),
        );
    }
    let range = if range.field == "started_at" {
        super::paging::HerokuRange { field: "created_at".into(), ..range }
    } else {
        range
    };
    let (page, next) = heroku_page(items, &range);
    let status = if next.is_some() { StatusCode::PARTIAL_CONTENT } else { StatusCode::OK };
    let mut resp = json(status, Value::Array(page));
    if let Some(next) = next {
        set_header(&mut resp, "next-range", next);
    }
    resp
}

fn create_build(s: &Arc<Shared>, req: &Req) -> Response {
    let Some(blob) = req.json().and_then(|b| b.get("source_blob").cloned()).filter(Value::is_object) else {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_params", "Missing required params: source_blob");
    };
    let Some(url) = blob.get("url").and_then(Value::as_str).map(str::to_string) else {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_params", "source_blob:url is required");
    };
    let loopback = url.starts_with("http://127.0.0.1") || url.starts_with("http://localhost");
    if !url.starts_with("https://") && !loopback {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_params", "https is required for source_blob:url");
    }
    let now = s.clock.now();
    let source_blob = json!({
        "checksum": blob.get("checksum").cloned().unwrap_or(Value::Null), "url": url,
        "version": blob.get("version").cloned().unwrap_or(Value::Null),
        "version_description": blob.get("version_description").cloned().unwrap_or(Value::Null),
    });
    let mut w = s.world();
    let n = w.fresh_id();
    let build = Build {
        id: crate::sandbox::world::heroku::uuid(12, n),
        status: Status::Pending,
        source_blob,
        user: you(),
        slug_id: None,
        release_id: None,
        created_at: now,
        updated_at: now,
        output: OutputLog::new(),
    };
    let body = w.heroku.build_json(&build, &s.base_url);
    let id = build.id.clone();
    w.heroku.builds.push(build);
    drop(w);
    tokio::spawn(lifecycle::run_build(s.clone(), id));
    json(StatusCode::CREATED, body)
}

/// `{"release": id}` rolls back; `{"slug": id}` releases a slug (the CLI's retry).
fn create_release(s: &Arc<Shared>, req: &Req) -> Response {
    let body = req.json().unwrap_or(Value::Null);
    let rollback_to = body.get("release").and_then(Value::as_str).map(str::to_string);
    let slug = body.get("slug").and_then(Value::as_str).map(str::to_string);
    let mut w = s.world();
    let mut config = None;
    let (slug_id, description) = match (rollback_to, slug) {
        (Some(target), _) => {
            let Some(r) = w.heroku.release(&target).cloned() else { return not_found("release") };
            if r.status != Status::Succeeded || r.slug_id.is_none() {
                return error(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_params",
                    &format!("Release v{} is not eligible for rollback", r.version),
                );
            }
            // A rollback brings back the target's code and config, never its add-ons.
            config = Some(r.config.clone());
            (r.slug_id.unwrap_or_default(), format!("Rollback to v{}", r.version))
        }
        (None, Some(slug)) => {
            let Some(sl) = w.heroku.slug(&slug) else { return not_found("slug") };
            let d = body.get("description").and_then(Value::as_str).map(str::to_string);
            (slug.clone(), d.unwrap_or_else(|| format!("Deploy {}", &sl.commit[..8.min(sl.commit.len())])))
        }
        _ => return error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_params", "Missing required params: slug"),
    };
    let mut release = lifecycle::new_release(&mut w, s.clock.now(), slug_id, description);
    if let Some(config) = config {
        release.config = config;
    }
    let json_body = w.heroku.release_json(&release, &s.base_url);
    let id = release.id.clone();
    w.heroku.releases.push(release);
    drop(w);
    tokio::spawn(lifecycle::run_release_phase(s.clone(), id));
    json(StatusCode::CREATED, json_body)
}
