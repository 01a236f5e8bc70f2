//! GitHub's side beyond the git objects: pull requests and deployments.
use chrono::{DateTime, Utc};
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct PullRequest {
    pub number: u64,
    pub title: String,
    pub body: String,
    pub author: String,
    pub head_ref: String,
    pub head_sha: String,
    pub base_ref: String,
    pub base_sha: String,
    pub merge_sha: Option<String>,
    pub open: bool,
    pub labels: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub merged_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
}

/// The branches of a pull request being opened: (ref, sha) of its head and of its base.
pub struct Branches {
    pub head: (String, String),
    pub base: (String, String),
}

impl PullRequest {
    /// A pull request the sandbox's user ("you") opens now, through REST or a revert.
    pub fn opened(number: u64, title: String, body: String, branches: Branches, now: DateTime<Utc>) -> PullRequest {
        PullRequest {
            number,
            title,
            body,
            author: "you".into(),
            head_ref: branches.head.0,
            head_sha: branches.head.1,
            base_ref: branches.base.0,
            base_sha: branches.base.1,
            merge_sha: None,
            open: true,
            labels: Vec::new(),
            created_at: now,
            updated_at: now,
            merged_at: None,
            closed_at: None,
        }
    }

    pub fn node_id(&self) -> String {
        format!("PR_kwDOSandbox{:04}", self.number)
    }

    pub fn state(&self) -> &'static str {
        if self.open {
            "open"
        } else {
            "closed"
        }
    }

    /// GraphQL's enum: OPEN, CLOSED or MERGED.
    pub fn graphql_state(&self) -> &'static str {
        match (self.open, self.merged_at.is_some()) {
            (true, _) => "OPEN",
            (false, true) => "MERGED",
            (false, false) => "CLOSED",
        }
    }
}

#[derive(Debug, Clone)]
pub struct DeploymentStatus {
    pub id: u64,
    pub state: String,
    pub description: String,
    pub log_url: String,
    pub environment_url: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Deployment {
    pub id: u64,
    pub sha: String,
    pub reference: String,
    pub task: String,
    pub environment: String,
    pub description: Option<String>,
    pub payload: Value,
    pub creator: String,
    pub created_at: DateTime<Utc>,
    pub statuses: Vec<DeploymentStatus>,
}

#[derive(Debug, Default)]
pub struct GithubState {
    pub prs: Vec<PullRequest>,
    pub deployments: Vec<Deployment>,
    pub next_id: u64,
}

impl GithubState {
    pub fn pr(&self, number: u64) -> Option<&PullRequest> {
        self.prs.iter().find(|p| p.number == number)
    }

    pub fn pr_mut(&mut self, number: u64) -> Option<&mut PullRequest> {
        self.prs.iter_mut().find(|p| p.number == number)
    }

    pub fn next_number(&self) -> u64 {
        self.prs.iter().map(|p| p.number).max().unwrap_or(0) + 1
    }

    /// Ids for deployments and statuses: increasing, never reused.
    pub fn fresh_id(&mut self) -> u64 {
        self.next_id += 1;
        1_900_000_000 + self.next_id
    }
}
