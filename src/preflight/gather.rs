//! The whole preflight as the command (and `deploy`) runs it: optional fetch, the services'
//! facts when online, the repository's facts, then the report.
use super::online::OnlineFacts;
use super::range::{is_release_version, missing_commit_hint, RangeRequest};
use super::{assemble, read_git, GitFacts, GitRequest, Preflight};
use crate::api::heroku::Release;
use crate::cli::PreflightArgs;
use crate::config::Config;
use crate::context::Context;
use crate::git::GitError;
use crate::ui::progress::Phase;

/// Runs preflight for `args` with the context's config and credentials.
pub async fn run(ctx: &Context, args: &PreflightArgs) -> anyhow::Result<Preflight> {
    Ok(run_with_release(ctx, args).await?.0)
}

/// [`run`], also handing back the Heroku release production serves (online only), so that the
/// deploy does not ask Heroku for it a second time.
pub async fn run_with_release(ctx: &Context, args: &PreflightArgs) -> anyhow::Result<(Preflight, Option<Release>)> {
    let config = ctx.config()?;
    if args.fetch {
        let phase = Phase::start(&ctx.ui, &format!("Fetching origin/{}", config.github.branch));
        let (root, branch) = (config.root.clone(), config.github.branch.clone());
        tokio::task::spawn_blocking(move || crate::git::fetch_origin(&root, &branch)).await??;
        phase.finish(&format!("Fetched origin/{}", config.github.branch));
    }
    let mut req = git_request(&config, args);
    if args.offline {
        let facts = read_git_blocking(req).await?;
        return Ok((assemble(facts, OnlineFacts::offline()), None));
    }
    let online = super::services::Gatherer::new(ctx, &config)?;
    let phase = Phase::start(&ctx.ui, "Asking Heroku and GitHub what production runs");
    let before = online.before_git(&config.github.branch).await?;
    req.range.production_commit = before.production.commit.clone();
    req.range.github_head = before.github_head.clone();
    // `--from v5`: the commit Heroku's release v5 ran; the report keeps the name given.
    let mut releases = Vec::new();
    for end in [&mut req.range.from, &mut req.range.to] {
        if let Some(version) = end.clone().filter(|r| is_release_version(r)) {
            let sha = online.release_commit(&version).await?;
            releases.push((version, sha.clone()));
            *end = Some(sha);
        }
    }
    phase.set_message("Reading the range from git");
    let repo = req.repo.clone();
    let mut facts = read_git_blocking(req).await.map_err(|e| name_releases(e, &releases, &repo))?;
    for (version, sha) in &releases {
        for label in [&mut facts.range.from_ref, &mut facts.range.to_ref] {
            if label == sha {
                *label = version.clone();
            }
        }
    }
    phase.set_message("Checking CI, pull requests and Sentry");
    let current = before.current.clone();
    let services = online.after_git(&config, &facts, before).await?;
    phase.finish("Preflight gathered");
    Ok((assemble(facts, services), Some(current)))
}

/// The repository request a config and the flags describe.
pub fn git_request(config: &Config, args: &PreflightArgs) -> GitRequest {
    GitRequest {
        repo: config.root.clone(),
        range: RangeRequest {
            from: args.from.clone(),
            to: args.to.clone(),
            branch: config.github.branch.clone(),
            production_commit: None,
            github_head: None,
        },
        globs: config.migrations.clone(),
    }
}

/// A release's commit this clone lacks is named by its release, with how to get it.
fn name_releases(err: anyhow::Error, releases: &[(String, String)], repo: &std::path::Path) -> anyhow::Error {
    let missing = match err.downcast_ref::<GitError>() {
        Some(GitError::UnknownRevision { rev, .. }) => releases.iter().find(|(_, sha)| sha == rev),
        _ => None,
    };
    let Some((version, sha)) = missing else { return err };
    let hint = match crate::git::open(repo) {
        Ok(r) => missing_commit_hint(&r, &format!("release {version} ran"), sha),
        Err(_) => format!("release {version} ran {sha}: fetch it with `git fetch origin`"),
    };
    GitError::UnknownRevision { rev: version.clone(), hint }.into()
}

/// Reading thousands of commits is CPU work: keep it off the async workers.
async fn read_git_blocking(req: GitRequest) -> anyhow::Result<GitFacts> {
    Ok(tokio::task::spawn_blocking(move || read_git(&req)).await??)
}
