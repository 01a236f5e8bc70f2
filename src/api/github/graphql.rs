//! GitHub GraphQL: the PR batch lookup (aliases, at most 50 per request) and the
//! `revertPullRequest` mutation, in the shapes of CONTRACTS.md. GraphQL reports failures as
//! `errors` on HTTP 200; they become typed [`ApiError::Status`] errors with the error `type`.
use crate::api::http::{Call, HttpCore};
use crate::api::ApiError;
use crate::credentials::Service;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// GitHub allows many more aliases, but large queries hit the node and time limits.
pub const BATCH: usize = 50;

const PR_FRAGMENT: &str = "fragment Pr on PullRequest { id number title url state mergedAt mergeCommit { oid } author { login } labels(first: 20) { nodes { name } } }";

const REVERT: &str = "mutation RevertPullRequest($input: RevertPullRequestInput!) { revertPullRequest(input: $input) { pullRequest { id number } revertPullRequest { id number url headRefName } } }";

#[derive(Debug, Clone, Deserialize)]
pub struct Oid {
    pub oid: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Login {
    pub login: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LabelNodes {
    #[serde(default)]
    pub nodes: Vec<crate::api::github::Label>,
}

/// A pull request as the batch lookup returns it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GqlPull {
    /// The node id `revertPullRequest` needs.
    pub id: String,
    pub number: u64,
    pub title: String,
    pub url: String,
    /// `OPEN|CLOSED|MERGED`
    pub state: String,
    pub merged_at: Option<DateTime<Utc>>,
    pub merge_commit: Option<Oid>,
    pub author: Option<Login>,
    pub labels: Option<LabelNodes>,
}

/// What a batch lookup found, and the numbers GitHub did not know.
#[derive(Debug, Clone, Default)]
pub struct PullLookup {
    pub found: BTreeMap<u64, GqlPull>,
    pub missing: Vec<u64>,
}

/// The revert PR GitHub opened.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Revert {
    pub id: String,
    pub number: u64,
    pub url: String,
    pub head_ref_name: String,
}

#[derive(Debug, Clone)]
pub struct GraphQl {
    http: HttpCore,
}

impl GraphQl {
    /// `http`'s base is the GraphQL URL itself (`…/graphql`), requests use the empty path.
    pub fn new(http: HttpCore) -> GraphQl {
        GraphQl { http }
    }

    /// Looks up many PRs by number, 50 aliases per request. Unknown numbers land in `missing`.
    pub async fn pulls(&self, owner: &str, name: &str, numbers: &[u64]) -> Result<PullLookup, ApiError> {
        let mut out = PullLookup::default();
        let mut wanted: Vec<u64> = numbers.to_vec();
        wanted.sort_unstable();
        wanted.dedup();
        for chunk in wanted.chunks(BATCH) {
            let fields: String =
                chunk.iter().map(|n| format!("pr{n}: pullRequest(number: {n}) {{ ...Pr }} ")).collect();
            let query = format!(
                "query PullRequests($owner: String!, $name: String!) {{ repository(owner: $owner, name: $name) {{ {fields}}} }}\n{PR_FRAGMENT}"
            );
            let (data, errors) = self.run(&query, json!({ "owner": owner, "name": name }), true).await?;
            let repo = data.as_ref().and_then(|d| d.get("repository")).filter(|r| !r.is_null());
            let Some(repo) = repo else {
                return Err(self.error(
                    errors.first().cloned().unwrap_or_else(|| json!({"message": "no repository in the answer"})),
                ));
            };
            for n in chunk {
                match repo.get(format!("pr{n}")).filter(|v| !v.is_null()) {
                    Some(v) => {
                        let pr: GqlPull = serde_json::from_value(v.clone()).map_err(|e| self.decode(e))?;
                        out.found.insert(*n, pr);
                    }
                    None => out.missing.push(*n),
                }
            }
        }
        Ok(out)
    }

    /// The node id of one PR (for [`GraphQl::revert`]).
    pub async fn pull_id(&self, owner: &str, name: &str, number: u64) -> Result<String, ApiError> {
        let found = self.pulls(owner, name, &[number]).await?;
        found.found.get(&number).map(|p| p.id.clone()).ok_or_else(|| ApiError::Status {
            service: Service::GitHub,
            status: 404,
            endpoint: format!("POST /graphql (pull request #{number} of {owner}/{name})"),
            message: format!("pull request #{number} was not found"),
            error_id: Some("NOT_FOUND".into()),
            request_id: None,
            retry_after: None,
            scope: None,
        })
    }

    /// `revertPullRequest`: GitHub opens a PR reverting the merged PR `pull_id`. Never resent;
    /// on [`ApiError::Ambiguous`], look for an open PR titled `Revert "…"`.
    pub async fn revert(&self, pull_id: &str, title: &str, body: &str, draft: bool) -> Result<Revert, ApiError> {
        let input = json!({ "input": { "pullRequestId": pull_id, "title": title, "body": body, "draft": draft } });
        let (data, errors) = self.run(REVERT, input, false).await?;
        if let Some(first) = errors.first() {
            return Err(self.error(first.clone()));
        }
        let revert = data.as_ref().and_then(|d| d.pointer("/revertPullRequest/revertPullRequest")).cloned();
        match revert {
            Some(v) if !v.is_null() => serde_json::from_value(v).map_err(|e| self.decode(e)),
            _ => Err(ApiError::Decode {
                service: Service::GitHub,
                endpoint: "POST /graphql".into(),
                message: "no revertPullRequest in the answer".into(),
            }),
        }
    }

    /// Sends one document; returns `data` and `errors`. Queries may be resent, mutations not.
    async fn run(
        &self,
        query: &str,
        variables: Value,
        read_only: bool,
    ) -> Result<(Option<Value>, Vec<Value>), ApiError> {
        let mut call =
            Call::post("graphql", "").shown_as("/graphql").json(&json!({ "query": query, "variables": variables }));
        if read_only {
            call = call.read_only();
        }
        let body: Value = self.http.json(&call).await?;
        let errors = body.get("errors").and_then(Value::as_array).cloned().unwrap_or_default();
        let data = body.get("data").filter(|d| !d.is_null()).cloned();
        if data.is_none() && !errors.is_empty() {
            return Err(self.error(errors[0].clone()));
        }
        Ok((data, errors))
    }

    /// A GraphQL error as a typed error; `type` maps to the HTTP status it means.
    fn error(&self, e: Value) -> ApiError {
        let kind = e.get("type").and_then(Value::as_str).map(str::to_string);
        let status = match kind.as_deref() {
            Some("NOT_FOUND") => 404,
            Some("FORBIDDEN") | Some("INSUFFICIENT_SCOPES") => 403,
            Some("RATE_LIMITED") => 429,
            _ => 422,
        };
        let message = e.get("message").and_then(Value::as_str).unwrap_or("GraphQL error");
        ApiError::Status {
            service: Service::GitHub,
            status,
            endpoint: "POST /graphql".into(),
            message: self.http.transport().secrets().mask(&crate::ui::sanitize::one_line(message)),
            error_id: kind,
            request_id: None,
            retry_after: None,
            scope: None,
        }
    }

    fn decode(&self, e: serde_json::Error) -> ApiError {
        ApiError::Decode {
            service: Service::GitHub,
            endpoint: "POST /graphql".into(),
            message: crate::api::error_body_message(&e),
        }
    }
}
