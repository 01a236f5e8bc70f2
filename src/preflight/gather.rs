//! The whole preflight as the command (and `deploy`) runs it: optional fetch, the services'
//! facts when online, the repository's facts, then the report.
use super::online::OnlineFacts;
use super::range::RangeRequest;
use super::{assemble, read_git, GitFacts, GitRequest, Preflight};
use crate::api::heroku::Release;
use crate::cli::PreflightArgs;
use crate::config::Config;
use crate::context::Context;
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
    phase.set_message("Reading the range from git");
    let facts = read_git_blocking(req).await?;
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

/// Reading thousands of commits is CPU work: keep it off the async workers.
async fn read_git_blocking(req: GitRequest) -> anyhow::Result<GitFacts> {
    Ok(tokio::task::spawn_blocking(move || read_git(&req)).await??)
}
