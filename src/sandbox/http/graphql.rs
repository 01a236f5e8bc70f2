//! GitHub GraphQL, the two operations bpdeploy sends (CONTRACTS.md): a batch of aliased
//! `pullRequest(number:)` lookups, and `revertPullRequest`. Errors come on HTTP 200 beside
//! partial data, as GitHub answers them.
use super::github::guard;
use super::github_git::{revert_branch, Refusal};
use super::json;
use super::Req;
use crate::sandbox::scratch::{BRANCH, NAME, OWNER};
use crate::sandbox::world::github::{Branches, PullRequest};
use crate::sandbox::Shared;
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{json, Map, Value};

fn errors_only(errors: Vec<Value>) -> Response {
    json(StatusCode::OK, json!({"data": null, "errors": errors}))
}

/// An argument's value in `name: value`: a literal or a `$variable`.
fn argument(args: &str, name: &str, variables: &Value) -> Option<Value> {
    let at = args.find(&format!("{name}:"))? + name.len() + 1;
    let raw: String = args[at..].trim_start().chars().take_while(|c| !matches!(c, ',' | ')' | ' ' | '\n')).collect();
    match raw.strip_prefix('$') {
        Some(var) => variables.get(var).cloned(),
        None => Some(serde_json::from_str(&raw).unwrap_or(Value::String(raw.trim_matches('"').to_string()))),
    }
}

/// Every `alias: pullRequest(number: N)` (or an unaliased `pullRequest(...)`) in the query.
fn pull_request_fields(query: &str, variables: &Value) -> Vec<(String, Option<u64>)> {
    let mut out = Vec::new();
    let mut rest = query;
    let mut consumed = 0;
    while let Some(at) = rest.find("pullRequest(") {
        let before = query[..consumed + at].trim_end();
        let alias = match before.strip_suffix(':') {
            Some(b) => b
                .trim_end()
                .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("pullRequest")
                .to_string(),
            None => "pullRequest".to_string(),
        };
        let args_start = at + "pullRequest(".len();
        let args_end = rest[args_start..].find(')').map(|e| args_start + e).unwrap_or(rest.len());
        let number = argument(&rest[args_start..args_end], "number", variables).and_then(|v| v.as_u64());
        out.push((alias, number));
        consumed += args_end;
        rest = &query[consumed..];
    }
    out
}

fn node(s: &Shared, p: &PullRequest) -> Value {
    json!({
        "id": p.node_id(), "number": p.number, "title": p.title, "body": p.body,
        "url": format!("{}/web/{OWNER}/{NAME}/pull/{}", s.base_url, p.number), "state": p.graphql_state(),
        "mergedAt": p.merged_at.map(crate::sandbox::clock::stamp), "createdAt": crate::sandbox::clock::stamp(p.created_at),
        "mergeCommit": p.merge_sha.as_ref().map(|oid| json!({"oid": oid})), "author": {"login": p.author},
        "labels": {"nodes": p.labels.iter().map(|l| json!({"name": l})).collect::<Vec<_>>()},
        "headRefName": p.head_ref, "baseRefName": p.base_ref,
    })
}

pub fn handle(s: &Shared, req: &Req) -> Response {
    if let Some(refused) = guard(s, req) {
        return refused;
    }
    let Some(body) = req.json() else {
        return json(
            StatusCode::BAD_REQUEST,
            json!({"message": "Problems parsing JSON", "documentation_url": "https://docs.github.com/graphql"}),
        );
    };
    let query = body.get("query").and_then(Value::as_str).unwrap_or_default().to_string();
    let variables = body.get("variables").cloned().unwrap_or(Value::Null);
    if query.contains("revertPullRequest(") {
        return revert(s, &variables);
    }
    if !query.contains("repository(") {
        return errors_only(vec![
            json!({"type": "UNSUPPORTED", "message": "The sandbox answers PR lookups and revertPullRequest only"}),
        ]);
    }
    let repo_args = query.split("repository(").nth(1).and_then(|r| r.split(')').next()).unwrap_or_default();
    let owner =
        argument(repo_args, "owner", &variables).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let name = argument(repo_args, "name", &variables).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    if owner != OWNER || name != NAME {
        return json(
            StatusCode::OK,
            json!({"data": {"repository": null}, "errors": [{"type": "NOT_FOUND", "path": ["repository"], "message": format!("Could not resolve to a Repository with the name '{owner}/{name}'.")}]}),
        );
    }
    let w = s.world();
    let mut repository = Map::new();
    let mut errors = Vec::new();
    for (alias, number) in pull_request_fields(&query, &variables) {
        match number.and_then(|n| w.github.pr(n)) {
            Some(pr) => {
                repository.insert(alias, node(s, pr));
            }
            None => {
                errors.push(json!({"type": "NOT_FOUND", "path": ["repository", alias],
                    "message": format!("Could not resolve to a PullRequest with the number of {}.", number.unwrap_or(0))}));
                repository.insert(alias, Value::Null);
            }
        }
    }
    let mut answer = json!({"data": {"repository": repository}});
    if !errors.is_empty() {
        answer["errors"] = Value::Array(errors);
    }
    json(StatusCode::OK, answer)
}

fn revert(s: &Shared, variables: &Value) -> Response {
    let input = variables.get("input").cloned().unwrap_or(Value::Null);
    let id = input.get("pullRequestId").and_then(Value::as_str).unwrap_or_default();
    let Some(pr) = s.world().github.prs.iter().find(|p| p.node_id() == id).cloned() else {
        return errors_only(vec![
            json!({"type": "NOT_FOUND", "path": ["revertPullRequest"], "message": format!("Could not resolve to a node with the global id of '{id}'")}),
        ]);
    };
    let unprocessable = |text: &str| {
        json(
            StatusCode::OK,
            json!({"data": {"revertPullRequest": null}, "errors": [{"type": "UNPROCESSABLE", "path": ["revertPullRequest"], "message": text}]}),
        )
    };
    if pr.merged_at.is_none() {
        return unprocessable("Pull request must be merged to be reverted");
    }
    let Some(repo) = s.origin_repo() else { return unprocessable("Repository unavailable") };
    let now = s.clock.now();
    let (branch, head) = match revert_branch(&repo, &pr, now.timestamp()) {
        Ok(b) => b,
        Err(Refusal::Conflict) => {
            return unprocessable("Could not revert the pull request: the revert has merge conflicts")
        }
        Err(Refusal::Git(e)) => return unprocessable(e.message()),
    };
    let base_sha = repo
        .find_reference(&format!("refs/heads/{BRANCH}"))
        .ok()
        .and_then(|r| r.target())
        .map(|o| o.to_string())
        .unwrap_or_default();
    let text = |k: &str| input.get(k).and_then(Value::as_str).map(str::to_string);
    let mut w = s.world();
    let revert_pr = PullRequest::opened(
        w.github.next_number(),
        text("title").unwrap_or_else(|| format!("Revert \"{}\"", pr.title)),
        text("body").unwrap_or_else(|| format!("Reverts {OWNER}/{NAME}#{}", pr.number)),
        Branches { head: (branch.clone(), head.to_string()), base: (BRANCH.into(), base_sha) },
        now,
    );
    w.github.prs.push(revert_pr.clone());
    json(
        StatusCode::OK,
        json!({"data": {"revertPullRequest": {
            "clientMutationId": input.get("clientMutationId").cloned().unwrap_or(Value::Null),
            "pullRequest": {"id": pr.node_id(), "number": pr.number},
            "revertPullRequest": {"id": revert_pr.node_id(), "number": revert_pr.number,
                "url": format!("{}/web/{OWNER}/{NAME}/pull/{}", s.base_url, revert_pr.number), "headRefName": branch},
        }}}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_aliased_and_variable_pull_requests() {
        let q = "query Q($owner: String!, $name: String!, $n: Int!) { repository(owner: $owner, name: $name) { pr12: pullRequest(number: 12) { ...Pr } pr15: pullRequest(number: 15) { ...Pr } other: pullRequest(number: $n) { id } } } fragment Pr on PullRequest { id }";
        let found = pull_request_fields(q, &json!({"n": 3}));
        assert_eq!(found, vec![("pr12".into(), Some(12)), ("pr15".into(), Some(15)), ("other".into(), Some(3))]);
    }
}
