//! GitHub's Git Data API on the sandbox's copy of the repository: blobs, trees on a base tree,
//! commits and refs are written into the bare "origin" exactly as GitHub stores them, so a
//! commit built through the API can be fetched, merged and deployed like any other.
use super::github_json::Urls;
use super::github_reply::{message, not_found};
use super::{json, set_header, Req};
use crate::sandbox::clock::stamp;
use axum::http::StatusCode;
use axum::response::Response;
use base64::Engine as _;
use chrono::{DateTime, TimeZone, Utc};
use git2::{build::TreeUpdateBuilder, FileMode, ObjectType, Oid, Repository, Signature, Time};
use serde_json::{json, Value};

fn invalid(text: &str) -> Response {
    message(StatusCode::UNPROCESSABLE_ENTITY, text)
}

fn created(body: Value, location: String) -> Response {
    let mut resp = json(StatusCode::CREATED, body);
    set_header(&mut resp, "location", location);
    resp
}

/// `POST git/blobs`: `utf-8` (the default) or `base64` content.
pub fn create_blob(req: &Req, u: &Urls, repo: &Repository) -> Response {
    let body = req.json().unwrap_or(Value::Null);
    let Some(content) = body.get("content").and_then(Value::as_str) else { return invalid("content is missing") };
    let bytes = match body.get("encoding").and_then(Value::as_str).unwrap_or("utf-8") {
        "utf-8" => content.as_bytes().to_vec(),
        "base64" => match base64::engine::general_purpose::STANDARD.decode(content.replace('\n', "")) {
            Ok(b) => b,
            Err(_) => return invalid("content is not valid Base64"),
        },
        other => return invalid(&format!("encoding must be utf-8 or base64, not {other}")),
    };
    match repo.blob(&bytes) {
        Ok(id) => {
            let url = format!("{}/git/blobs/{id}", u.repo());
            created(json!({"url": url, "sha": id.to_string()}), url)
        }
        Err(e) => message(StatusCode::INTERNAL_SERVER_ERROR, e.message()),
    }
}

/// `POST git/trees`: entries on `base_tree`; `"sha": null` deletes a path.
pub fn create_tree(req: &Req, u: &Urls, repo: &Repository) -> Response {
    let body = req.json().unwrap_or(Value::Null);
    let Some(entries) = body.get("tree").and_then(Value::as_array) else { return invalid("tree is missing") };
    let base = match body.get("base_tree").and_then(Value::as_str) {
        Some(sha) => match Oid::from_str(sha).ok().and_then(|id| repo.find_tree(id).ok()) {
            Some(t) => t,
            None => return invalid(&format!("base_tree {sha} is not a tree of this repository")),
        },
        None => match repo.treebuilder(None).and_then(|b| b.write()).and_then(|id| repo.find_tree(id)) {
            Ok(t) => t,
            Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, e.message()),
        },
    };
    let mut update = TreeUpdateBuilder::new();
    for entry in entries {
        let text = |k: &str| entry.get(k).and_then(Value::as_str);
        let Some(path) = text("path") else { return invalid("tree.path is missing") };
        let mode = match text("mode") {
            Some("100644") => FileMode::Blob,
            Some("100755") => FileMode::BlobExecutable,
            Some("120000") => FileMode::Link,
            other => return invalid(&format!("tree.mode {} is not supported here", other.unwrap_or("(none)"))),
        };
        match (entry.get("sha"), text("content")) {
            (Some(Value::Null), None) => {
                update.remove(path);
            }
            (Some(Value::String(sha)), None) => {
                let exists = Oid::from_str(sha).ok().and_then(|id| repo.find_object(id, Some(ObjectType::Blob)).ok());
                let Some(blob) = exists else { return invalid(&format!("tree.sha {sha} is not a valid blob")) };
                update.upsert(path, blob.id(), mode);
            }
            (None, Some(content)) => match repo.blob(content.as_bytes()) {
                Ok(id) => {
                    update.upsert(path, id, mode);
                }
                Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, e.message()),
            },
            _ => return invalid("give exactly one of tree.sha and tree.content"),
        }
    }
    let tree = match update.create_updated(repo, &base).and_then(|id| repo.find_tree(id)) {
        Ok(t) => t,
        Err(e) => return invalid(e.message()),
    };
    let listed: Vec<Value> = tree
        .iter()
        .map(|e| {
            let kind = if e.kind() == Some(ObjectType::Tree) { "tree" } else { "blob" };
            json!({"path": e.name().unwrap_or_default(), "mode": format!("{:06o}", e.filemode()), "type": kind,
                "sha": e.id().to_string(), "url": format!("{}/git/{kind}s/{}", u.repo(), e.id())})
        })
        .collect();
    let url = format!("{}/git/trees/{}", u.repo(), tree.id());
    created(json!({"sha": tree.id().to_string(), "url": url, "tree": listed, "truncated": false}), url)
}

fn person(v: Option<&Value>, fallback: &Signature, now: DateTime<Utc>) -> Result<Signature<'static>, String> {
    let Some(v) = v else { return Ok(fallback.to_owned()) };
    let text = |k: &str| v.get(k).and_then(Value::as_str);
    let (Some(name), Some(email)) = (text("name"), text("email")) else {
        return Err("author and committer need a name and an email".into());
    };
    let when = match text("date") {
        Some(d) => {
            DateTime::parse_from_rfc3339(d).map_err(|_| format!("{d} is not an ISO 8601 date"))?.with_timezone(&Utc)
        }
        None => now,
    };
    Signature::new(name, email, &Time::new(when.timestamp(), 0)).map_err(|e| e.message().to_string())
}

/// `POST git/commits`: stored as given; author and committer default to the token's user, now.
pub fn create_commit(req: &Req, u: &Urls, repo: &Repository, now: DateTime<Utc>) -> Response {
    let body = req.json().unwrap_or(Value::Null);
    let text = |k: &str| body.get(k).and_then(Value::as_str);
    let (Some(message_text), Some(tree_sha)) = (text("message"), text("tree")) else {
        return invalid("message and tree are required");
    };
    let Some(tree) = Oid::from_str(tree_sha).ok().and_then(|id| repo.find_tree(id).ok()) else {
        return invalid(&format!("tree {tree_sha} is not a tree of this repository"));
    };
    let mut parents = Vec::new();
    for p in body.get("parents").and_then(Value::as_array).into_iter().flatten() {
        match p.as_str().and_then(|s| Oid::from_str(s).ok()).and_then(|id| repo.find_commit(id).ok()) {
            Some(c) => parents.push(c),
            None => return invalid(&format!("parent {p} is not a commit of this repository")),
        }
    }
    let you = match Signature::new("You", "you@acme.test", &Time::new(now.timestamp(), 0)) {
        Ok(s) => s,
        Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, e.message()),
    };
    let author = match person(body.get("author"), &you, now) {
        Ok(a) => a,
        Err(e) => return invalid(&e),
    };
    let committer = match person(body.get("committer").or(body.get("author")), &you, now) {
        Ok(c) => c,
        Err(e) => return invalid(&e),
    };
    let refs: Vec<&git2::Commit> = parents.iter().collect();
    let id = match repo.commit(None, &author, &committer, message_text, &tree, &refs) {
        Ok(id) => id,
        Err(e) => return message(StatusCode::INTERNAL_SERVER_ERROR, e.message()),
    };
    let url = format!("{}/git/commits/{id}", u.repo());
    let stamp_of = |s: &Signature| {
        let at = Utc.timestamp_opt(s.when().seconds(), 0).single().unwrap_or(now);
        json!({"name": s.name().unwrap_or_default(), "email": s.email().unwrap_or_default(), "date": stamp(at)})
    };
    let body = json!({
        "sha": id.to_string(), "node_id": format!("C_sandbox{}", &id.to_string()[..12]), "url": url,
        "html_url": format!("{}/commit/{id}", u.html_repo()), "author": stamp_of(&author), "committer": stamp_of(&committer),
        "message": message_text, "tree": {"sha": tree.id().to_string(), "url": format!("{}/git/trees/{}", u.repo(), tree.id())},
        "parents": parents.iter().map(|p| json!({"sha": p.id().to_string(), "url": format!("{}/git/commits/{}", u.repo(), p.id()), "html_url": format!("{}/commit/{}", u.html_repo(), p.id())})).collect::<Vec<_>>(),
        "verification": {"verified": false, "reason": "unsigned", "signature": null, "payload": null, "verified_at": null},
    });
    created(body, url)
}

/// The `git-ref` shape of a branch.
pub fn branch_ref(u: &Urls, name: &str, id: Oid) -> Value {
    json!({"ref": format!("refs/heads/{name}"), "node_id": format!("REF_sandbox{name}"), "url": format!("{}/git/refs/heads/{name}", u.repo()),
        "object": {"sha": id.to_string(), "type": "commit", "url": format!("{}/git/commits/{id}", u.repo())}})
}

/// `POST git/refs`: a new branch; 422 when it exists.
pub fn create_ref(req: &Req, u: &Urls, repo: &Repository) -> Response {
    let body = req.json().unwrap_or(Value::Null);
    let text = |k: &str| body.get(k).and_then(Value::as_str);
    let (Some(name), Some(sha)) = (text("ref"), text("sha")) else { return invalid("ref and sha are required") };
    let Some(branch) = name.strip_prefix("refs/heads/").filter(|b| !b.is_empty()) else {
        return invalid(&format!("{name} is not a valid ref name: give refs/heads/<branch>"));
    };
    let Some(commit) = Oid::from_str(sha).ok().and_then(|id| repo.find_commit(id).ok()) else {
        return invalid("Object does not exist");
    };
    if repo.find_reference(name).is_ok() {
        return invalid("Reference already exists");
    }
    match repo.reference(name, commit.id(), false, "created through the API") {
        Ok(_) => created(branch_ref(u, branch, commit.id()), format!("{}/git/refs/heads/{branch}", u.repo())),
        Err(_) => not_found(),
    }
}
