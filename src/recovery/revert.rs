//! `bpdeploy revert`'s preview: the PR (refused unless merged), the revert predicted on GitHub's
//! tip of the branch, its conflicts and the later PRs behind them, the migrations kept and what
//! the restored code meets, the undo migration, and the time to recovery. Reads only; the one
//! local write is `git fetch` of the branch when this clone is behind GitHub.
use super::checks::ci_part;
use super::eta::Estimate;
use super::facts::{build_part, release_facts, release_phase_part};
use super::report::{PullRequestFacts, Report, Target};
use super::revert_git::{read, GitFindings, GitInput};
use super::undo::UndoRefusal;
use crate::api::github::{GitHub, PullRequest};
use crate::api::heroku::Heroku;
use crate::config::Config;
use crate::error::Failure;
use crate::exit::Exit;
use crate::next_step::NextStep;
use anyhow::Context as _;

pub struct Services {
    pub github: GitHub,
    /// Without Heroku, whether production runs the PR is unknown (its migrations are kept).
    pub heroku: Option<Heroku>,
}

pub struct Plan {
    pub report: Report,
    pub pull: Option<PullRequest>,
    pub git: Option<GitFindings>,
    pub tip: String,
}

/// `1234`, `#1234` or `https://github.com/owner/name/pull/1234`.
pub fn parse_pull_request(arg: &str, repo: &str) -> Result<u64, Failure> {
    let arg = arg.trim();
    let bad = || {
        Failure::usage(format!("{arg:?} is not a pull request: give its number or its URL"))
            .with_hint("e.g. `bpdeploy revert 1234` or `bpdeploy revert https://github.com/acme/shop/pull/1234`")
    };
    if let Ok(n) = arg.trim_start_matches('#').parse::<u64>() {
        return Ok(n);
    }
    let url = url::Url::parse(arg).map_err(|_| bad())?;
    let parts: Vec<&str> = url.path_segments().map(|s| s.filter(|p| !p.is_empty()).collect()).unwrap_or_default();
    match parts.as_slice() {
        [owner, name, "pull", n, ..] => {
            if !format!("{owner}/{name}").eq_ignore_ascii_case(repo) {
                return Err(Failure::usage(format!("{owner}/{name}#{n} is not a pull request of {repo}"))
                    .with_hint("run bpdeploy in that repository, or set [github] repo"));
            }
            n.parse().map_err(|_| bad())
        }
        _ => Err(bad()),
    }
}

pub struct Request {
    pub number: u64,
    pub undo_migrations: bool,
}

pub async fn preview(services: &Services, config: &Config, app: &str, req: &Request) -> anyhow::Result<Plan> {
    let github = &services.github;
    let branch = config.github.branch.clone();
    let mut report = Report::new("revert", app);
    let pull = match github.pull(req.number).await {
        Ok(pull) => pull,
        // GitHub answers 404 for a number it does not know in a repository it does: say that.
        Err(e) if e.is_not_found() => {
            let repo = config.require_repo().map(|(o, n)| format!("{o}/{n}")).unwrap_or_default();
            // The API error's own code and exit, in words about the pull request.
            let f = Failure::from_diagnose(&e);
            let f = Failure { message: format!("{repo} has no pull request #{}", req.number), ..f }.with_hint(format!(
                "check the number (`gh pr list --state merged`), and that the token can read {repo}"
            ));
            return Err(f.into());
        }
        Err(e) => return Err(anyhow::Error::new(e).context(format!("reading pull request #{}", req.number))),
    };
    let refuse = |mut report: Report, f: Failure| {
        report.refuse(f);
        Ok(Plan { report, pull: None, git: None, tip: String::new() })
    };
    let Some(merge_commit) = pull.merge_commit_sha.clone().filter(|_| pull.merged_at.is_some()) else {
        let state = if pull.state == "open" { "still open" } else { "closed without being merged" };
        let f = Failure::new(
            Exit::Failure,
            "not_merged",
            format!("#{} is {state}: only a merged pull request can be reverted", pull.number),
        )
        .with_hint(if pull.state == "open" {
            "close it instead, or merge it first"
        } else {
            "nothing of it reached the branch"
        });
        return refuse(report, f);
    };
    if pull.base.name != branch {
        let f = Failure::new(
            Exit::Failure,
            "other_branch",
            format!("#{} was merged into {}, not {branch}", pull.number, pull.base.name),
        )
        .with_hint("bpdeploy reverts on the branch it deploys ([github] branch)");
        return refuse(report, f);
    }
    let tip =
        github.ref_sha(&format!("heads/{branch}")).await.with_context(|| format!("reading {branch} on GitHub"))?;
    sync_clone(config, &branch, &tip).await?;
    let subjects = github
        .pull_commits(pull.number)
        .await?
        .iter()
        .map(|c| c.commit.message.lines().next().unwrap_or("").to_string())
        .collect();
    let current = match &services.heroku {
        Some(h) => h.current_release(app).await?,
        None => None,
    };
    if let (Some(h), Some(c)) = (&services.heroku, &current) {
        report.current = Some(release_facts(h, app, c).await);
    }
    let input = GitInput {
        repo: config.root.clone(),
        tip: tip.clone(),
        merge_commit: merge_commit.clone(),
        subjects,
        pull_request: pull.number,
        title: pull.title.clone(),
        production: report.current.as_ref().and_then(|c| c.commit.clone()),
        globs: config.migrations.clone(),
        undo: req.undo_migrations,
    };
    let git = tokio::task::spawn_blocking(move || read(&input)).await??;
    report.target = Some(Target::PullRequest(PullRequestFacts {
        number: pull.number,
        title: pull.title.clone(),
        author: pull.user.as_ref().map(|u| u.login.clone()),
        url: pull.html_url.clone(),
        merge_commit,
        merged_as: git.merged_as.to_string(),
        commits: git.commits.clone(),
        in_production: git.in_production,
    }));
    report.migrations = git.migrations.clone();
    report.kept_paths = git.prediction.kept_paths.clone();
    report.conflicts = git.prediction.conflicts.clone();
    let mut parts = vec![ci_part(github, &git.recent).await?];
    if let Some(h) = &services.heroku {
        parts.push(build_part(h, app).await?);
    }
    if let Some(c) = &current {
        parts.push(release_phase_part(c));
    }
    report.estimated_recovery_secs = Estimate::new(parts);
    notes(&mut report, &git, services.heroku.is_some(), req.undo_migrations);
    match &git.undo {
        Some(Ok(u)) => report.undo_migration = Some(u.clone()),
        Some(Err(UndoRefusal::Irreversible { .. })) | Some(Err(UndoRefusal::NothingToUndo)) => {
            let why = git.undo.as_ref().and_then(|u| u.as_ref().err()).map(|e| e.to_string()).unwrap_or_default();
            report.refuse(
                Failure::new(Exit::Unsafe, "cannot_undo_migrations", why)
                    .with_hint("revert without --undo-migrations and write the down migration by hand"),
            );
        }
        None => {}
    }
    if let Some((sha, subject)) = &git.reverted_by {
        report.conflicts.clear();
        report.refuse(
            Failure::new(
                Exit::Failure,
                "already_reverted",
                format!(
                    "#{} was reverted already by {sha} (\"{}\")",
                    pull.number,
                    crate::ui::sanitize::one_line(subject)
                ),
            )
            .with_hint("deploy the branch if production still runs it: `bpdeploy preflight` shows what ships"),
        );
    } else if report.conflicts.is_empty() && git.prediction.changes.is_empty() {
        let why = match report.kept_paths.is_empty() {
            true => "the tip already lacks its changes (was it reverted already?)",
            false => "everything it changed is kept (its migrations and the schema dumps)",
        };
        report.refuse(
            Failure::new(
                Exit::Failure,
                "nothing_to_revert",
                format!("reverting #{} changes nothing: {why}", pull.number),
            )
            .with_hint("`git log origin/<branch>` shows what happened to it"),
        );
    }
    if !report.conflicts.is_empty() && report.refusal.is_none() {
        let files: Vec<&str> = report.conflicts.iter().map(|c| c.path.as_str()).collect();
        report.refuse(
            Failure::new(
                Exit::Unsafe,
                "revert_conflicts",
                format!(
                    "reverting #{} conflicts with later changes in {}; nothing was created",
                    pull.number,
                    files.join(", ")
                ),
            )
            .with_hint("roll back instead (`bpdeploy rollback --dry-run` shows what it takes out), or revert by hand"),
        );
        report.next = vec![
            NextStep::new("bpdeploy rollback --dry-run", "see what a rollback would take out instead"),
            NextStep::new("bpdeploy rollback", "roll back instead"),
        ];
    }
    if git.identity.is_none() && report.refusal.is_none() {
        // Without an author and a date GitHub picks them, and the commit's sha cannot be known
        // before it is sent: an answer lost on the way back could not be read back.
        report.refuse(
            Failure::new(
                Exit::Failure,
                "git_identity_missing",
                "this clone has no git identity to author the revert commit",
            )
            .with_hint("set it with `git config user.name \"Your Name\"` and `git config user.email you@example.com`"),
        );
    }
    report.judge();
    Ok(Plan { report, pull: Some(pull), git: Some(git), tip })
}

/// What the preview must say about migrations, production and the undo.
fn notes(report: &mut Report, git: &GitFindings, heroku: bool, undo: bool) {
    if git.in_production.is_none() {
        let why = if heroku { "production's commit is not in this clone" } else { "Heroku is not configured" };
        report.warn(
            "production_unknown",
            format!("cannot tell whether production runs this PR ({why}): its migrations are kept to be safe"),
        );
    }
    if undo && git.in_production == Some(false) {
        report.warn(
            "nothing_to_undo",
            "production never ran the PR's migrations: the revert removes them, there is nothing to undo",
        );
    }
}

/// Makes sure this clone's `origin/<branch>` is GitHub's tip: the prediction must be made on
/// what the revert commit will sit on.
async fn sync_clone(config: &Config, branch: &str, tip: &str) -> anyhow::Result<()> {
    let root = config.root.clone();
    let have = |root: &std::path::Path| {
        crate::git::open(root)
            .ok()
            .and_then(|r| crate::git::try_resolve(&r, &format!("origin/{branch}")))
            .map(|o| o.to_string())
    };
    if have(&root).as_deref() == Some(tip) {
        return Ok(());
    }
    let (r, b) = (root.clone(), branch.to_string());
    tokio::task::spawn_blocking(move || crate::git::fetch_origin(&r, &b)).await??;
    if have(&root).as_deref() != Some(tip) {
        anyhow::bail!(Failure::new(
            Exit::Failure,
            "clone_behind",
            format!(
                "origin/{branch} in this clone is not GitHub's {branch} ({tip}) even after `git fetch origin {branch}`"
            )
        )
        .with_hint("check `git remote -v`: origin must be the GitHub repository in [github] repo"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_pull_request;

    #[test]
    fn a_pull_request_is_a_number_or_this_repository_s_url() {
        assert_eq!(parse_pull_request("1234", "acme/shop").unwrap(), 1234);
        assert_eq!(parse_pull_request("#12", "acme/shop").unwrap(), 12);
        assert_eq!(parse_pull_request("https://github.com/acme/shop/pull/77/files", "acme/shop").unwrap(), 77);
        assert_eq!(parse_pull_request("https://github.com/other/repo/pull/77", "acme/shop").unwrap_err().code, "usage");
        assert!(parse_pull_request("abc", "acme/shop").is_err());
    }
}
