//! GitHub's Git Data API: a commit built without a checkout (blobs, a tree on a base tree, a
//! commit, a ref), plus the reads that find them again after a lost answer. Blobs and trees are
//! content-addressed and invisible until a commit and a ref point at them, so sending one twice
//! creates nothing new; commits and refs are read back before they are ever sent again.
use super::{Commit, GitHub};
use crate::api::http::{segment, segments, Call};
use crate::api::{page, ApiError};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize)]
pub struct RefObject {
    pub sha: String,
    #[serde(rename = "type")]
    pub kind: String,
}

/// `git-ref`: `refs/heads/x` and the commit it points at.
#[derive(Debug, Clone, Deserialize)]
pub struct GitRef {
    #[serde(rename = "ref")]
    pub name: String,
    pub object: RefObject,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ShaOnly {
    pub sha: String,
}

/// `git-commit`, as far as a revert needs it.
#[derive(Debug, Clone, Deserialize)]
pub struct GitCommit {
    pub sha: String,
    pub tree: ShaOnly,
    #[serde(default)]
    pub parents: Vec<ShaOnly>,
}

/// One entry of `POST git/trees`; `sha: None` deletes the path from the base tree.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TreeEntry {
    pub path: String,
    /// `100644`, `100755`, `120000`.
    pub mode: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub sha: Option<String>,
}

/// `author`/`committer` of `POST git/commits`. Giving the date makes the commit's sha what the
/// caller computed, so a lost answer can be checked by reading that sha back.
#[derive(Debug, Clone, Serialize)]
pub struct GitPersonStamp {
    pub name: String,
    pub email: String,
    pub date: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct NewGitCommit {
    pub message: String,
    pub tree: String,
    pub parents: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<GitPersonStamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub committer: Option<GitPersonStamp>,
}

impl GitHub {
    /// `GET git/ref/heads/{branch}`; None when the branch does not exist.
    pub async fn branch_ref(&self, branch: &str) -> Result<Option<GitRef>, ApiError> {
        let path = self.path(&format!("git/ref/heads/{}", segments(branch)));
        match self.http.json(&Call::get("repos/{owner}/{repo}/git/ref/{ref}", path)).await {
            Ok(r) => Ok(Some(r)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST git/blobs`, base64: the bytes arrive exactly as they are. Content-addressed, so a
    /// resend after a lost answer makes the same blob.
    pub async fn create_blob(&self, content: &[u8]) -> Result<ShaOnly, ApiError> {
        let body = serde_json::json!({
            "content": base64::engine::general_purpose::STANDARD.encode(content),
            "encoding": "base64",
        });
        let call = Call::post("repos/{owner}/{repo}/git/blobs", self.path("git/blobs")).json(&body).resend_safe();
        self.http.json(&call).await
    }

    /// `POST git/trees` on `base_tree`. Content-addressed like a blob.
    pub async fn create_tree(&self, base_tree: &str, entries: &[TreeEntry]) -> Result<ShaOnly, ApiError> {
        let body = serde_json::json!({ "base_tree": base_tree, "tree": entries });
        let call = Call::post("repos/{owner}/{repo}/git/trees", self.path("git/trees")).json(&body).resend_safe();
        self.http.json(&call).await
    }

    /// `POST git/commits`. Never resent: on [`ApiError::Ambiguous`], read the expected sha back
    /// with [`GitHub::commit`].
    pub async fn create_commit(&self, commit: &NewGitCommit) -> Result<GitCommit, ApiError> {
        self.http.json(&Call::post("repos/{owner}/{repo}/git/commits", self.path("git/commits")).json(commit)).await
    }

    /// `POST git/refs` (`refs/heads/…`). 422 when it exists. Never resent: on
    /// [`ApiError::Ambiguous`], read it back with [`GitHub::branch_ref`].
    pub async fn create_branch(&self, branch: &str, sha: &str) -> Result<GitRef, ApiError> {
        let body = serde_json::json!({ "ref": format!("refs/heads/{branch}"), "sha": sha });
        self.http.json(&Call::post("repos/{owner}/{repo}/git/refs", self.path("git/refs")).json(&body)).await
    }

    /// `GET commits/{ref}`: one commit; a 404 or 422 means GitHub does not have it.
    pub async fn commit(&self, git_ref: &str) -> Result<Option<Commit>, ApiError> {
        let call =
            Call::get("repos/{owner}/{repo}/commits/{ref}", self.path(&format!("commits/{}", segments(git_ref))));
        match self.http.json(&call).await {
            Ok(c) => Ok(Some(c)),
            Err(e) if matches!(e.status(), Some(404 | 422)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `GET pulls/{n}/commits`: the PR's own commits, oldest first (at most 250).
    pub async fn pull_commits(&self, number: u64) -> Result<Vec<Commit>, ApiError> {
        let path = self.path(&format!("pulls/{}/commits", segment(&number.to_string())));
        let call = Call::get("repos/{owner}/{repo}/pulls/{pull_number}/commits", path).query("per_page", 100);
        page::github(&self.http, call, Some(250), None).await
    }
}
