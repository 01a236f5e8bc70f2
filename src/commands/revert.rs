//! `bpdeploy revert <PR>`: the preview first (the revert predicted on GitHub's tip, conflicts,
//! migrations kept, time to recovery), then a question, then the revert PR (and with `--merge`
//! its merge once the checks pass). `--dry-run` stops after the preview.
use crate::cli::RevertArgs;
use crate::commands::deploy::{services, who, Needs};
use crate::commands::recovery_confirm::{interrupted, preview_and_confirm};
use crate::commands::CommandResult;
use crate::config::MergeMethod;
use crate::context::Context;
use crate::error::Failure;
use crate::exit::Exit;
use crate::recovery::human::Outcome;
use crate::recovery::notify::Notice;
use crate::recovery::report::Action;
use crate::recovery::revert::{parse_pull_request, preview, Request, Services};
use crate::recovery::revert_create::{create, Progress, Writers};
use crate::recovery::revert_text::push_plan;
use crate::ui::progress::Phase;
use crate::ui::sanitize::clean;

pub async fn run(ctx: &Context, args: &RevertArgs) -> CommandResult {
    let config = ctx.config()?;
    let app = config.require_app()?.to_string();
    let (owner, name) = config.require_repo()?;
    let repo = format!("{owner}/{name}");
    if args.deploy || args.watch {
        return Err(deploy_not_yet().into());
    }
    let number = parse_pull_request(&args.pull_request, &repo)?;
    let clients = services(ctx, &config, &app, Needs { github: true, sentry: false })?;
    let reads = Services { github: ctx.github()?, heroku: Some(clients.heroku.clone()) };
    let request = Request { number, undo_migrations: args.undo_migrations };
    let phase =
        Phase::start(&ctx.ui, &format!("Predicting the revert of #{number} on GitHub's {}", config.github.branch));
    let mut plan = tokio::select! {
        p = preview(&reads, &config, &app, &request) => p?,
        _ = tokio::signal::ctrl_c() => return Err(interrupted().into()),
    };
    phase.finish("Preview ready");
    if plan.report.refusal.is_some() || ctx.ui.dry_run {
        return Ok(Box::new(Outcome { report: plan.report, preview_shown: false }));
    }
    let Some(push) = push_plan(&plan, &repo, &config.github.branch, args.sentry.as_deref()) else {
        anyhow::bail!("the revert of #{number} has nothing to create");
    };
    let and_merge = if args.merge { " and merge it once its checks pass" } else { "" };
    let question = format!("Open a PR reverting #{number} on {repo}{and_merge}?");
    let answer = preview_and_confirm(ctx, &mut plan.report, question).await?;
    let preview_shown = answer.preview_shown;
    if !answer.go {
        return Ok(Box::new(Outcome { report: plan.report, preview_shown }));
    }
    let mut writers = Writers {
        github: reads.github,
        notice: clients.announcer.map(|a| Notice::new(a.slack, a.channel)),
        who: who(ctx),
        poll: ctx.transport()?.settings.poll,
        merge_method: merge_method(config.github.merge_method).into(),
        owner: owner.to_string(),
    };
    let ui = ctx.ui.clone();
    let show = |p: Progress| match p {
        Progress::Step(s) => ui.info(&clean(s)),
        Progress::Warn(w) => ui.warn(&clean(w)),
    };
    tokio::select! {
        _ = create(&mut plan, &mut writers, &push, args.merge, show) => {}
        _ = tokio::signal::ctrl_c() => {
            return Err(Failure::new(Exit::Interrupted, "interrupted", "stopped while creating the revert")
                .with_hint(format!("look for the branch {} and its PR on GitHub before running this again", push.branch))
                .into());
        }
    }
    if plan.report.action == Action::Previewed {
        plan.report.action = Action::Failed;
    }
    Ok(Box::new(Outcome { report: plan.report, preview_shown }))
}

fn merge_method(m: MergeMethod) -> &'static str {
    match m {
        MergeMethod::Merge => "merge",
        MergeMethod::Squash => "squash",
        MergeMethod::Rebase => "rebase",
    }
}

/// `--deploy` and `--watch` land with the reworked deploy machine (deploying exactly as
/// `bpdeploy deploy` does).
fn deploy_not_yet() -> Failure {
    Failure::new(Exit::Failure, "not_implemented", "`bpdeploy revert --deploy` and `--watch` are not implemented yet")
        .with_hint("run `bpdeploy revert <PR> --merge`, then `bpdeploy deploy --watch`")
}
