//! GitHub's answers every part of the sandbox's GitHub gives: its error bodies, and how it
//! resolves a ref. Kept apart so that the REST modules share them without importing each other.
use super::json;
use axum::http::StatusCode;
use axum::response::Response;
use git2::{Oid, Repository};
use serde_json::json;

const DOCS: &str = "https://docs.github.com/rest";

pub fn message(status: StatusCode, text: &str) -> Response {
    json(status, json!({"message": text, "documentation_url": DOCS, "status": status.as_u16().to_string()}))
}

pub fn not_found() -> Response {
    message(StatusCode::NOT_FOUND, "Not Found")
}

pub fn validation(field: &str, code: &str) -> Response {
    json(
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({"message": "Validation Failed", "errors": [{"resource": "PullRequest", "field": field, "code": code}], "documentation_url": DOCS, "status": "422"}),
    )
}

/// A branch, tag, `heads/x` or sha to a commit of GitHub's copy.
pub fn resolve(repo: &Repository, reference: &str) -> Option<Oid> {
    let r = reference.strip_prefix("refs/").unwrap_or(reference);
    let candidates = [format!("refs/heads/{r}"), format!("refs/{r}"), format!("refs/tags/{r}"), r.to_string()];
    candidates.iter().find_map(|c| repo.revparse_single(c).ok()?.peel_to_commit().ok().map(|c| c.id()))
}
