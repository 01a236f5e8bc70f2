//! Which commits ship: `from` is what production runs, `to` the tip about to be deployed.
//!
//! `from`: `--from REV`; else, online, the commit of the app's current Heroku release; else
//! (offline) the local ref `heroku/<branch>` (a `heroku` git remote), else a `production` tag
//! or branch. `to`: `--to REV`, else `origin/<branch>`. A REV may be a Heroku release version
//! (`v5`): online, Heroku says which commit it ran (see `gather`), and the label stays `v5`.
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
    /// How each end was chosen: the revision given to `--from`/`--to` (`v41`, `hotfix`), else
    /// `heroku release`, `heroku/master`, `production`, `origin/master`.
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
        Some(rev) => (given(repo, rev, "--to")?, rev.clone()),
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
        return Ok((given(repo, rev, "--from")?, rev.clone()));
    }
    if let Some(sha) = &req.production_commit {
        return Ok((
            git::resolve(repo, sha, &missing_commit_hint(repo, "production runs", sha))?,
            "heroku release".into(),
        ));
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

/// A revision given on the command line.
fn given(repo: &Repository, rev: &str, flag: &str) -> Result<Oid, GitError> {
    let hint = match is_release_version(rev) {
        true => format!(
            "{rev} looks like a Heroku release: run online (without --offline) so Heroku can say which commit \
             it ran, or pass that commit (`bpdeploy releases` lists them)"
        ),
        false => format!("check the revision given to {flag}"),
    };
    git::resolve(repo, rev, &hint)
}

/// `v5`: how Heroku names release versions.
pub fn is_release_version(rev: &str) -> bool {
    rev.strip_prefix('v').is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A commit Heroku named that this clone lacks. A shallow clone gets it only by deepening:
/// `--fetch` would fetch the same shallow tip again.
pub fn missing_commit_hint(repo: &Repository, what: &str, sha: &str) -> String {
    let short = &sha[..sha.len().min(7)];
    if repo.is_shallow() {
        format!(
            "{what} {short}, older than this shallow clone's history: run `git fetch --unshallow origin` \
             (or fetch deeper, e.g. `git fetch --deepen=500 origin`)"
        )
    } else {
        format!("{what} {short}, which this clone does not have: run with --fetch, or `git fetch origin`")
    }
}

/// Something about the range itself that deserves a caution.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RangeWarning {
    /// `not_ancestor`, `behind_github`, `many_direct_commits`, `sentry_unavailable`, `migration_glob_unmatched`.
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
