//! `bpdeploy rollback [RELEASE]`: the preview first (target, PRs leaving, migrations staying,
//! config keys, time to recovery), then a question, then one rollback request. `--dry-run`
//! stops after the preview.
use crate::cli::RollbackArgs;
use crate::commands::deploy::{services, who, Needs};
use crate::commands::recovery_confirm::{interrupted, preview_and_confirm};
use crate::commands::CommandResult;
use crate::context::Context;
use crate::error::Failure;
use crate::exit::Exit;
use crate::recovery::human::Outcome;
use crate::recovery::notify::Notice;
use crate::recovery::report::Action;
use crate::recovery::rollback::{preview, Services};
use crate::recovery::rollback_run::{roll_back, Progress, Writers};
use crate::recovery::rollback_target::Requested;
use crate::ui::progress::Phase;
use crate::ui::sanitize::clean;

pub async fn run(ctx: &Context, args: &RollbackArgs) -> CommandResult {
    let config = ctx.config()?;
    let app = config.require_app()?.to_string();
    if args.watch {
        return Err(watch_not_yet().into());
    }
    let github = config.require_repo().ok().and_then(|_| ctx.github().ok());
    let graphql = github.as_ref().and_then(|_| ctx.github_graphql().ok());
    let reads = Services { heroku: ctx.heroku()?, github, graphql };
    let requested = Requested::parse(args.release.as_deref());
    let phase = Phase::start(&ctx.ui, &format!("Reading {app}'s releases, the range and the config"));
    let mut plan = tokio::select! {
        p = preview(&reads, &config, &app, &requested) => p?,
        _ = tokio::signal::ctrl_c() => return Err(interrupted().into()),
    };
    phase.finish("Preview ready");
    if plan.report.refusal.is_some() || ctx.ui.dry_run {
        return Ok(Box::new(Outcome { report: plan.report, preview_shown: false }));
    }
    let target = plan.target.as_ref().map(|t| t.version).unwrap_or_default();
    let question = format!("Roll {app} back to v{target}?");
    let answer = preview_and_confirm(ctx, &mut plan.report, question).await?;
    let preview_shown = answer.preview_shown;
    if !answer.go {
        return Ok(Box::new(Outcome { report: plan.report, preview_shown }));
    }
    let clients = services(ctx, &config, &app, Needs { github: false, sentry: false })?;
    let mut writers = Writers {
        heroku: clients.heroku,
        github: clients.github,
        sentry: clients.sentry,
        notice: clients.announcer.map(|a| Notice::new(a.slack, a.channel)),
        transport: clients.transport,
        who: who(ctx),
        poll: ctx.transport()?.settings.poll,
    };
    let ui = ctx.ui.clone();
    let show = |p: Progress| match p {
        Progress::Step(s) => ui.info(&clean(s)),
        Progress::Output(line) => ui.info(&format!("       {}", clean(line))),
        Progress::Warn(w) => ui.warn(&clean(w)),
    };
    tokio::select! {
        _ = roll_back(&mut plan, &mut writers, &config, show) => {}
        _ = tokio::signal::ctrl_c() => {
            return Err(Failure::new(Exit::Interrupted, "interrupted", "stopped following the rollback")
                .with_hint("Heroku carries on with whatever was sent: check `bpdeploy releases`")
                .into());
        }
    }
    if plan.report.action == Action::Previewed {
        plan.report.action = Action::Failed;
    }
    Ok(Box::new(Outcome { report: plan.report, preview_shown }))
}

/// `--watch` lands with the reworked deploy machine (the same watch as `bpdeploy watch`).
fn watch_not_yet() -> Failure {
    Failure::new(Exit::Failure, "not_implemented", "`bpdeploy rollback --watch` is not implemented yet")
        .with_hint("roll back without --watch, then run `bpdeploy watch --release vN` on the new release")
}
