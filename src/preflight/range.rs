//! Which commits ship: `from` is what production runs, `to` the tip about to be deployed.
//!
//! `from`: `--from REV`; else, online, the commit of the app's current Heroku release; else
//! (offline) the local ref `heroku/<branch>` (a `heroku` git remote), else a `production` tag
//! or branch. `to`: `--to REV`, else `origin/<branch>`.
use crate::git::{self, GitError};
use git2::{Oid, Repository};
use serde::Serialize;

/// Where the two ends come from.
#[derive(Debug, Clone, Default)]
pub struct RangeRequest {
    pub from: Option<String>,
    pub to: Option<String>,
    pub branch: String,
    /// The commit production runs, when Heroku told us.
    pub production_commit: Option<String>,
    /// GitHub's head of `branch`, when GitHub told us.
    pub github_head: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RangeReport {
    pub from: String,
    pub to: String,
    /// How each end was chosen: `--from`, `heroku release`, `heroku/master`, `origin/master`, …
    pub from_ref: String,
    pub to_ref: String,
    /// Every commit in `from..to`, as `git rev-list --count from..to`.
    pub commits: usize,
    pub first_parent_commits: usize,
    pub from_is_ancestor: bool,
}

pub struct Ends {
    pub from: Oid,
    pub from_ref: String,
    pub to: Oid,
    pub to_ref: String,
}

pub fn resolve_ends(repo: &Repository, req: &RangeRequest) -> Result<Ends, GitError> {
    let (from, from_ref) = resolve_from(repo, req)?;
    let (to, to_ref) = match &req.to {
        Some(rev) => (git::resolve(repo, rev, "check the revision given to --to")?, "--to".to_string()),
        None => {
            let name = format!("origin/{}", req.branch);
            let hint = format!("run with --fetch to fetch origin/{}, or pass --to REV", req.branch);
            (git::resolve(repo, &name, &hint)?, name)
        }
    };
    Ok(Ends { from, from_ref, to, to_ref })
}

fn resolve_from(repo: &Repository, req: &RangeRequest) -> Result<(Oid, String), GitError> {
    if let Some(rev) = &req.from {
        return Ok((git::resolve(repo, rev, "check the revision given to --from")?, "--from".into()));
    }
    if let Some(sha) = &req.production_commit {
        let hint =
            format!("production runs {sha}, which this clone does not have: run with --fetch, or `git fetch origin`");
        return Ok((git::resolve(repo, sha, &hint)?, "heroku release".into()));
    }
    for name in [format!("heroku/{}", req.branch), "production".to_string()] {
        if let Some(oid) = git::try_resolve(repo, &name) {
            return Ok((oid, name));
        }
    }
    Err(GitError::UnknownRevision {
        rev: format!("heroku/{}", req.branch),
        hint: "pass --from REV (the commit production runs: `heroku releases` shows it), \
               or run online so Heroku says"
            .into(),
    })
}

/// Something about the range itself that deserves a caution.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RangeWarning {
    /// `not_ancestor` or `behind_github`.
    pub code: String,
    pub message: String,
}

/// What is worth saying about the range before anything else.
pub fn warnings(repo: &Repository, ends: &Ends, req: &RangeRequest, from_is_ancestor: bool) -> Vec<RangeWarning> {
    let short = |o: Oid| o.to_string()[..7].to_string();
    let mut out = Vec::new();
    if !from_is_ancestor {
        out.push(warning(
            "not_ancestor",
            format!(
                "production's {} is not an ancestor of {} ({}): a force-push, or production runs a commit off \
             the branch; what only production has will disappear",
                short(ends.from),
                short(ends.to),
                ends.to_ref
            ),
        ));
    }
    if let (Some(head), None) = (&req.github_head, &req.to) {
        if *head != ends.to.to_string() {
            let behind = match git::try_resolve(repo, head).map(|h| git::count_range(repo, ends.to, h)) {
                Some(Ok(n)) if n > 0 => format!("{n} commits behind"),
                // GitHub's head is known here and not ahead of ours: the two differ otherwise.
                Some(Ok(_)) => "not at".to_string(),
                // A head this clone has never fetched is newer than anything it has.
                _ => "behind".to_string(),
            };
            out.push(warning(
                "behind_github",
                format!(
                    "{} is {behind} GitHub's {} ({}): run with --fetch to check what will really ship",
                    ends.to_ref,
                    req.branch,
                    &head[..head.len().min(7)]
                ),
            ));
        }
    }
    out
}

fn warning(code: &str, message: String) -> RangeWarning {
    RangeWarning { code: code.into(), message }
}
