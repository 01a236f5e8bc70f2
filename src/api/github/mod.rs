//! GitHub REST (`Accept: application/vnd.github+json`, `X-GitHub-Api-Version: 2022-11-28`,
//! Link paging) and GraphQL (see [`graphql`]). Paths are relative to the configured base, so
//! GitHub Enterprise (`/api/v3/`) and the sandbox's `/github/` prefix work unchanged.
pub mod git_data;
pub mod graphql;
pub mod types;

use crate::api::http::{segment, segments, Call, HttpCore};
use crate::api::secret::SecretUrl;
use crate::api::{page, ApiError};
pub use git_data::{GitCommit, GitPersonStamp, GitRef, NewGitCommit, TreeEntry};
pub use graphql::{GqlPull, GraphQl, PullLookup, Revert};
pub use types::*;

const PER_PAGE: usize = 100;

#[derive(Debug, Clone)]
pub struct GitHub {
    http: HttpCore,
    owner: String,
    repo: String,
}

impl GitHub {
    /// A client for one repository (`[github] repo = "owner/name"`).
    pub fn new(http: HttpCore, owner: &str, repo: &str) -> GitHub {
        GitHub { http, owner: owner.to_string(), repo: repo.to_string() }
    }

    pub fn http(&self) -> &HttpCore {
        &self.http
    }

    fn path(&self, rest: &str) -> String {
        format!("repos/{}/{}/{rest}", segment(&self.owner), segment(&self.repo))
    }

    /// `GET compare/{base}...{head}`, every page (the spec declares no Link header here, so pages
    /// are numbered until `total_commits` commits are in). Commits oldest first.
    pub async fn compare(&self, base: &str, head: &str) -> Result<Comparison, ApiError> {
        let path = self.path(&format!("compare/{}...{}", segments(base), segments(head)));
        let call = Call::get("repos/{owner}/{repo}/compare/{basehead}", path);
        let mut first: Comparison = self.http.json(&call.clone().query("per_page", PER_PAGE).query("page", 1)).await?;
        let mut page = 1;
        while (first.commits.len() as u64) < first.total_commits && page < self.http.settings().page_cap {
            page += 1;
            let next: Comparison =
                self.http.json(&call.clone().query("per_page", PER_PAGE).query("page", page)).await?;
            if next.commits.is_empty() {
                break;
            }
            first.commits.extend(next.commits);
        }
        Ok(first)
    }

    /// The sha a branch (or any ref) points at, through the combined status endpoint.
    pub async fn ref_sha(&self, git_ref: &str) -> Result<String, ApiError> {
        Ok(self.combined_status(git_ref).await?.sha)
    }

    /// `GET commits/{ref}/status`: the legacy Status API only (Actions report check runs).
    pub async fn combined_status(&self, git_ref: &str) -> Result<CombinedStatus, ApiError> {
        let call = Call::get(
            "repos/{owner}/{repo}/commits/{ref}/status",
            self.path(&format!("commits/{}/status", segments(git_ref))),
        );
        self.http.json(&call.query("per_page", PER_PAGE)).await
    }

    /// `GET commits/{ref}/check-runs` (latest run of each check), every page.
    pub async fn check_runs(&self, git_ref: &str) -> Result<Vec<CheckRun>, ApiError> {
        let path = self.path(&format!("commits/{}/check-runs", segments(git_ref)));
        let call = Call::get("repos/{owner}/{repo}/commits/{ref}/check-runs", path).query("per_page", PER_PAGE);
        page::github(&self.http, call, None, Some("check_runs")).await
    }

    /// `GET pulls/{n}`.
    pub async fn pull(&self, number: u64) -> Result<PullRequest, ApiError> {
        self.http
            .json(&Call::get("repos/{owner}/{repo}/pulls/{pull_number}", self.path(&format!("pulls/{number}"))))
            .await
    }

    /// `GET pulls` with filters, following Link pages up to `query.max` items.
    pub async fn pulls(&self, query: &PullsQuery) -> Result<Vec<PullRequest>, ApiError> {
        let mut call = Call::get("repos/{owner}/{repo}/pulls", self.path("pulls")).query("per_page", PER_PAGE);
        for (key, value) in [
            ("state", &query.state),
            ("base", &query.base),
            ("head", &query.head),
            ("sort", &query.sort),
            ("direction", &query.direction),
        ] {
            if let Some(v) = value {
                call = call.query(key, v);
            }
        }
        page::github(&self.http, call, query.max, None).await
    }

    /// `GET commits/{sha}/pulls`: the merged PR that brought a commit to the default branch.
    pub async fn commit_pulls(&self, sha: &str) -> Result<Vec<PullRequest>, ApiError> {
        let call = Call::get(
            "repos/{owner}/{repo}/commits/{commit_sha}/pulls",
            self.path(&format!("commits/{}/pulls", segment(sha))),
        );
        page::github(&self.http, call.query("per_page", PER_PAGE), None, None).await
    }

    /// `GET pulls/{n}/files`, every page (GitHub stops at 3000 files).
    pub async fn pull_files(&self, number: u64) -> Result<Vec<DiffEntry>, ApiError> {
        let call =
            Call::get("repos/{owner}/{repo}/pulls/{pull_number}/files", self.path(&format!("pulls/{number}/files")));
        page::github(&self.http, call.query("per_page", PER_PAGE), None, None).await
    }

    /// `GET tarball/{ref}` without following the 302: the `Location` is a short-lived signed
    /// URL (five minutes for private repos), returned as a [`SecretUrl`]. Use it at once.
    pub async fn tarball_url(&self, git_ref: &str) -> Result<SecretUrl, ApiError> {
        let call =
            Call::get("repos/{owner}/{repo}/tarball/{ref}", self.path(&format!("tarball/{}", segments(git_ref))))
                .redirect_is_answer();
        let reply = self.http.send(&call).await?;
        let location = match (reply.status, reply.header("location")) {
            (300..=399, Some(l)) => l.to_string(),
            _ => return Err(reply.decode_error(format!("expected a redirect with a Location, got {}", reply.status))),
        };
        // A relative Location is resolved against the request URL.
        let url = self.http.base().join(&location).map_err(|_| reply.decode_error("the Location is not a URL"))?;
        Ok(SecretUrl::new(url))
    }

    /// `POST pulls`. Never resent; on [`ApiError::Ambiguous`], list open PRs of `head`.
    pub async fn create_pull(&self, pull: &NewPull) -> Result<PullRequest, ApiError> {
        self.http.json(&Call::post("repos/{owner}/{repo}/pulls", self.path("pulls")).json(pull)).await
    }

    /// `PUT pulls/{n}/merge`. 405 (not mergeable) and 409 (head moved) come back as errors.
    /// Never resent: a merge whose answer is lost may have happened; read the PR back with
    /// [`GitHub::pull`] before anything else.
    pub async fn merge_pull(&self, number: u64, merge: &MergeRequest) -> Result<MergeResult, ApiError> {
        let mut call =
            Call::put("repos/{owner}/{repo}/pulls/{pull_number}/merge", self.path(&format!("pulls/{number}/merge")));
        call.resend = crate::api::http::Resend::Never;
        self.http.json(&call.json(merge)).await
    }

    /// `POST deployments` (see [`NewDeployment::record`]). Never resent.
    pub async fn create_deployment(&self, deployment: &NewDeployment) -> Result<DeploymentCreated, ApiError> {
        let call = Call::post("repos/{owner}/{repo}/deployments", self.path("deployments")).json(deployment);
        let reply = self.http.send(&call).await?;
        if reply.status == 202 {
            let body: serde_json::Value = reply.json()?;
            let message = body.get("message").and_then(|m| m.as_str()).unwrap_or("merged").to_string();
            return Ok(DeploymentCreated::Merged { message });
        }
        // Created, but unreadable: which deployment was made is unknown (read back by sha).
        reply.json().map(DeploymentCreated::Created).map_err(|e| match e {
            ApiError::Decode { service, endpoint, message } => ApiError::Ambiguous { service, endpoint, message },
            other => other,
        })
    }

    /// `GET deployments?sha=&environment=`, newest first.
    pub async fn deployments(&self, sha: Option<&str>, environment: Option<&str>) -> Result<Vec<Deployment>, ApiError> {
        let mut call =
            Call::get("repos/{owner}/{repo}/deployments", self.path("deployments")).query("per_page", PER_PAGE);
        if let Some(sha) = sha {
            call = call.query("sha", sha);
        }
        if let Some(env) = environment {
            call = call.query("environment", env);
        }
        page::github(&self.http, call, None, None).await
    }

    /// `POST deployments/{id}/statuses`. A repeated status is harmless, so it may be resent.
    pub async fn create_deployment_status(
        &self,
        id: u64,
        status: &NewDeploymentStatus,
    ) -> Result<DeploymentStatus, ApiError> {
        let mut status = status.clone();
        status.description = status.description.chars().take(140).collect();
        let path = self.path(&format!("deployments/{id}/statuses"));
        let call =
            Call::post("repos/{owner}/{repo}/deployments/{deployment_id}/statuses", path).json(&status).resend_safe();
        self.http.json(&call).await
    }

    /// `GET deployments/{id}/statuses`, newest first.
    pub async fn deployment_statuses(&self, id: u64) -> Result<Vec<DeploymentStatus>, ApiError> {
        let path = self.path(&format!("deployments/{id}/statuses"));
        let call =
            Call::get("repos/{owner}/{repo}/deployments/{deployment_id}/statuses", path).query("per_page", PER_PAGE);
        page::github(&self.http, call, None, None).await
    }
}
