//! GitHub REST objects as bpdeploy reads them (the schema's required fields are far more;
//! unknown fields are ignored, nullable ones are `Option`).
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct User {
    pub login: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GitPerson {
    pub name: Option<String>,
    pub email: Option<String>,
    pub date: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CommitDetail {
    pub message: String,
    pub author: Option<GitPerson>,
    pub committer: Option<GitPerson>,
    /// The commit's tree (`commit.tree.sha`), to compare a commit with a predicted one.
    pub tree: Option<ParentRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ParentRef {
    pub sha: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Commit {
    pub sha: String,
    pub commit: CommitDetail,
    /// The GitHub account, when the commit email maps to one.
    pub author: Option<User>,
    #[serde(default)]
    pub parents: Vec<ParentRef>,
    pub html_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DiffEntry {
    pub filename: String,
    /// `added|removed|modified|renamed|copied|changed|unchanged`
    pub status: String,
    pub previous_filename: Option<String>,
    #[serde(default)]
    pub additions: u64,
    #[serde(default)]
    pub deletions: u64,
    #[serde(default)]
    pub changes: u64,
    /// Absent for binary or very large files.
    pub patch: Option<String>,
}

/// `GET repos/{o}/{r}/compare/{base}...{head}`, with every page's commits gathered.
#[derive(Debug, Clone, Deserialize)]
pub struct Comparison {
    /// `diverged|ahead|behind|identical`
    pub status: String,
    pub ahead_by: u64,
    pub behind_by: u64,
    pub total_commits: u64,
    /// Oldest first; the last one is the head of the range.
    pub commits: Vec<Commit>,
    /// Only on the first page, at most 300 for the whole comparison.
    #[serde(default)]
    pub files: Vec<DiffEntry>,
    pub html_url: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BranchRef {
    #[serde(rename = "ref")]
    pub name: String,
    pub sha: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Label {
    pub name: String,
}

/// Both `pull-request-simple` (lists) and `pull-request` (get); the extra fields are Options.
#[derive(Debug, Clone, Deserialize)]
pub struct PullRequest {
    pub number: u64,
    pub id: u64,
    /// The GraphQL id, for `revertPullRequest`.
    pub node_id: String,
    pub title: String,
    pub body: Option<String>,
    /// `open|closed`
    pub state: String,
    #[serde(default)]
    pub draft: bool,
    pub html_url: String,
    pub user: Option<User>,
    pub created_at: Option<DateTime<Utc>>,
    pub merged_at: Option<DateTime<Utc>>,
    pub merge_commit_sha: Option<String>,
    pub head: BranchRef,
    pub base: BranchRef,
    #[serde(default)]
    pub labels: Vec<Label>,
    pub merged: Option<bool>,
    /// None while GitHub computes it.
    pub mergeable: Option<bool>,
    pub mergeable_state: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CommitStatus {
    pub context: String,
    /// `error|failure|pending|success`
    pub state: String,
    pub description: Option<String>,
    pub target_url: Option<String>,
}

/// `GET repos/{o}/{r}/commits/{ref}/status`. Actions-only repos show `pending` with no statuses.
#[derive(Debug, Clone, Deserialize)]
pub struct CombinedStatus {
    pub state: String,
    /// The commit the ref resolved to.
    pub sha: String,
    pub total_count: u64,
    #[serde(default)]
    pub statuses: Vec<CommitStatus>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CheckRun {
    pub id: u64,
    pub name: String,
    pub head_sha: String,
    /// `queued|in_progress|completed|waiting|requested|pending`
    pub status: String,
    /// Set once completed: `success|failure|neutral|cancelled|skipped|timed_out|action_required`.
    pub conclusion: Option<String>,
    pub html_url: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// Body of `POST repos/{o}/{r}/pulls`.
#[derive(Debug, Clone, Serialize)]
pub struct NewPull {
    pub title: String,
    pub head: String,
    pub base: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    pub draft: bool,
}

/// Body of `PUT repos/{o}/{r}/pulls/{n}/merge`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MergeRequest {
    /// `merge|squash|rebase`
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merge_method: Option<String>,
    /// Merge only if the head is still this commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit_title: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MergeResult {
    pub sha: String,
    pub merged: bool,
    pub message: String,
}

/// Body of `POST repos/{o}/{r}/deployments`: a pure record, so `auto_merge` is off and no
/// status context is required (GitHub's defaults would merge branches and check CI).
#[derive(Debug, Clone, Serialize)]
pub struct NewDeployment {
    #[serde(rename = "ref")]
    pub git_ref: String,
    pub environment: String,
    pub description: String,
    pub auto_merge: bool,
    pub required_contexts: Vec<String>,
    pub production_environment: bool,
}

impl NewDeployment {
    pub fn record(sha: &str, environment: &str, description: &str) -> NewDeployment {
        NewDeployment {
            git_ref: sha.to_string(),
            environment: environment.to_string(),
            description: description.to_string(),
            auto_merge: false,
            required_contexts: vec![],
            production_environment: environment == "production",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Deployment {
    pub id: u64,
    pub sha: String,
    #[serde(rename = "ref")]
    pub git_ref: String,
    pub environment: String,
    pub description: Option<String>,
    pub creator: Option<User>,
    pub created_at: DateTime<Utc>,
}

/// A 201 creates the deployment; a 202 means GitHub merged branches instead (never with
/// `auto_merge: false`, but the answer exists).
#[derive(Debug, Clone)]
pub enum DeploymentCreated {
    Created(Deployment),
    Merged { message: String },
}

/// Body of `POST repos/{o}/{r}/deployments/{id}/statuses`.
#[derive(Debug, Clone, Serialize)]
pub struct NewDeploymentStatus {
    /// `error|failure|inactive|in_progress|queued|pending|success`
    pub state: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment_url: Option<String>,
    /// At most 140 characters; longer text is cut.
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DeploymentStatus {
    pub id: u64,
    pub state: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Filters of `GET repos/{o}/{r}/pulls`.
#[derive(Debug, Clone, Default)]
pub struct PullsQuery {
    /// `open|closed|all`
    pub state: Option<String>,
    pub base: Option<String>,
    pub head: Option<String>,
    /// `created|updated|popularity|long-running`
    pub sort: Option<String>,
    /// Always send it: the default flips with `sort`.
    pub direction: Option<String>,
    pub max: Option<usize>,
}
