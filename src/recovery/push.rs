//! Pushing the predicted revert through GitHub's Git Data API and opening its PR. GitHub must
//! build exactly the predicted tree, or nothing is pointed at it. Every create is sent once; an
//! unanswered one is looked for (by the sha it must have, by the branch name, by the PR's head)
//! and sent again only when GitHub does not have it.
use super::prediction::TreeChange;
use super::report::OpenedPullRequest;
use crate::api::github::{GitHub, GitPersonStamp, NewGitCommit, NewPull, PullRequest, PullsQuery, TreeEntry};
use crate::api::ApiError;
use crate::error::Failure;
use crate::exit::Exit;
use anyhow::Context as _;
use git2::{ObjectType, Oid};

#[derive(Debug, Clone)]
pub struct PushPlan {
    pub branch: String,
    /// The branch the revert goes into.
    pub base: String,
    pub tip: String,
    pub tip_tree: String,
    pub tree: String,
    pub changes: Vec<TreeChange>,
    pub message: String,
    /// This clone's git identity and the time of the preview; None lets GitHub use the token's user.
    pub author: Option<GitPersonStamp>,
    pub title: String,
    pub body: String,
    pub reverted: u64,
    pub reverted_title: String,
    /// The thread under the Slack message.
    pub slack_thread: String,
}

fn mismatch(what: &str, expected: &str, got: &str) -> anyhow::Error {
    Failure::new(
        Exit::Failure,
        "prediction_mismatch",
        format!("GitHub built {what} {got}, not the predicted {expected}: the revert was stopped before any branch pointed at it"),
    )
    .with_hint("nothing changed on the branch; run `git fetch origin` and try again, or revert by hand")
    .into()
}

pub async fn push(
    github: &GitHub,
    owner: &str,
    plan: &PushPlan,
    mut say: impl FnMut(&str),
) -> anyhow::Result<OpenedPullRequest> {
    let (head, reconciled) = match github.branch_ref(&plan.branch).await? {
        Some(existing) => (adopt(github, plan, &existing.object.sha).await?, true),
        None => (write_commit(github, plan, &mut say).await?, false),
    };
    say(&format!("opening the pull request from {}", plan.branch));
    let pr = match reconciled {
        true => match find_pull(github, owner, &plan.branch).await? {
            Some(pr) => pr,
            None => create_pull_once(github, owner, plan).await?,
        },
        false => create_pull_once(github, owner, plan).await?,
    };
    Ok(OpenedPullRequest {
        number: pr.number,
        url: pr.html_url,
        branch: plan.branch.clone(),
        head,
        merge_commit: None,
        reconciled,
    })
}

/// The branch exists already: from an earlier run whose answer was lost, or from someone else.
async fn adopt(github: &GitHub, plan: &PushPlan, sha: &str) -> anyhow::Result<String> {
    let commit = github.commit(sha).await?;
    let tree = commit.as_ref().and_then(|c| c.commit.tree.as_ref()).map(|t| t.sha.as_str());
    let parent = commit.as_ref().and_then(|c| c.parents.first()).map(|p| p.sha.as_str());
    if tree == Some(plan.tree.as_str()) && parent == Some(plan.tip.as_str()) {
        return Ok(sha.to_string());
    }
    Err(Failure::new(
        Exit::Failure,
        "branch_exists",
        format!("the branch {} already exists on GitHub with other changes", plan.branch),
    )
    .with_hint("look at it on GitHub: delete it if it is stale, or open the revert from it by hand")
    .into())
}

async fn write_commit(github: &GitHub, plan: &PushPlan, say: &mut impl FnMut(&str)) -> anyhow::Result<String> {
    let uploads: Vec<&TreeChange> = plan.changes.iter().filter(|c| c.upload.is_some()).collect();
    say(&format!("pushing the revert commit ({} files, {} new contents)", plan.changes.len(), uploads.len()));
    for change in uploads {
        let blob = github.create_blob(change.upload.as_deref().unwrap_or_default()).await?;
        if Some(&blob.sha) != change.sha.as_ref() {
            return Err(mismatch(
                &format!("the blob of {}", change.path),
                change.sha.as_deref().unwrap_or(""),
                &blob.sha,
            ));
        }
    }
    let entries: Vec<TreeEntry> = plan
        .changes
        .iter()
        .map(|c| TreeEntry { path: c.path.clone(), mode: c.mode.clone(), kind: "blob".into(), sha: c.sha.clone() })
        .collect();
    let tree = github.create_tree(&plan.tip_tree, &entries).await?;
    if tree.sha != plan.tree {
        return Err(mismatch("the tree", &plan.tree, &tree.sha));
    }
    let commit = NewGitCommit {
        message: plan.message.clone(),
        tree: plan.tree.clone(),
        parents: vec![plan.tip.clone()],
        author: plan.author.clone(),
        committer: plan.author.clone(),
    };
    let sha = match github.create_commit(&commit).await {
        Ok(c) => c.sha,
        // The sha is known before sending (author and date are given), so a lost answer is read
        // back by it; a commit GitHub does not have was never made, and making it again gives
        // the very same object.
        Err(e @ ApiError::Ambiguous { .. }) => match expected_sha(&commit) {
            Some(sha) if github.commit(&sha).await?.is_some() => sha,
            Some(_) => github.create_commit(&commit).await.context("creating the revert commit again")?.sha,
            None => return Err(anyhow::Error::new(e).context("creating the revert commit (it cannot be read back)")),
        },
        Err(e) => return Err(e.into()),
    };
    match github.create_branch(&plan.branch, &sha).await {
        Ok(_) => {}
        Err(ApiError::Ambiguous { .. }) => match github.branch_ref(&plan.branch).await? {
            Some(r) if r.object.sha == sha => {}
            Some(r) => return adopt(github, plan, &r.object.sha).await,
            None => {
                github.create_branch(&plan.branch, &sha).await.context("creating the revert branch again")?;
            }
        },
        Err(e) => return Err(e.into()),
    }
    Ok(sha)
}

/// The sha a commit object with these fields has, when author and date are given (else GitHub
/// picks them and the sha cannot be known in advance).
pub fn expected_sha(c: &NewGitCommit) -> Option<String> {
    let who = |p: &GitPersonStamp| -> Option<String> {
        let t = chrono::DateTime::parse_from_rfc3339(&p.date).ok()?.timestamp();
        Some(format!("{} <{}> {t} +0000", p.name, p.email))
    };
    let author = who(c.author.as_ref()?)?;
    let committer = who(c.committer.as_ref().or(c.author.as_ref())?)?;
    let parents: String = c.parents.iter().map(|p| format!("parent {p}\n")).collect();
    let body = format!("tree {}\n{parents}author {author}\ncommitter {committer}\n\n{}", c.tree, c.message);
    Oid::hash_object(ObjectType::Commit, body.as_bytes()).ok().map(|o| o.to_string())
}

/// The PR of a branch this revert made (an earlier run, a lost answer): open, or merged.
async fn find_pull(github: &GitHub, owner: &str, branch: &str) -> Result<Option<PullRequest>, ApiError> {
    let query = PullsQuery {
        state: Some("all".into()),
        head: Some(format!("{owner}:{branch}")),
        direction: Some("desc".into()),
        max: Some(10),
        ..PullsQuery::default()
    };
    // A PR someone closed without merging is no revert in flight: merging it would fail.
    let live = |p: &PullRequest| p.state == "open" || p.merged_at.is_some();
    Ok(github.pulls(&query).await?.into_iter().find(|p| p.head.name == branch && live(p)))
}

async fn create_pull_once(github: &GitHub, owner: &str, plan: &PushPlan) -> anyhow::Result<PullRequest> {
    let pull = NewPull {
        title: plan.title.clone(),
        head: plan.branch.clone(),
        base: plan.base.clone(),
        body: Some(plan.body.clone()),
        draft: false,
    };
    match github.create_pull(&pull).await {
        Ok(pr) => Ok(pr),
        Err(ApiError::Ambiguous { .. }) => match find_pull(github, owner, &plan.branch).await? {
            Some(pr) => Ok(pr),
            None => Ok(github.create_pull(&pull).await.context("opening the revert PR again")?),
        },
        Err(e) => Err(e.into()),
    }
}
