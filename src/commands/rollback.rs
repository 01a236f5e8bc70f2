//! `bpdeploy rollback [RELEASE]`: the preview first (target, PRs leaving, migrations staying,
//! config keys, time to recovery), then a question, then the deploy lock and one rollback
//! request; `--watch` then watches the rollback release as `watch` does, and `--sentry` follows
//! the error it is for. `--dry-run` stops after the preview.
use crate::cli::RollbackArgs;
use crate::commands::command_line::CommandLine;
use crate::commands::deploy::{services, Needs, WatchTiming};
use crate::commands::deployer;
use crate::commands::recovery_confirm::{interrupted, offer_again, preview_and_confirm, preview_done, require_consent};
use crate::commands::recovery_follow::{conclude, resolve_issue, watch_release};
use crate::commands::CommandResult;
use crate::context::Context;
use crate::deploy::steps::DeploymentState;
use crate::error::Failure;
use crate::exit::Exit;
use crate::next_step::NextStep;
use crate::recovery::human::Outcome;
use crate::recovery::notify::Notice;
use crate::recovery::report::Action;
use crate::recovery::rollback::{preview, Services};
use crate::recovery::rollback_lock::RollbackLock;
use crate::recovery::rollback_run::{roll_back, update_notice, Progress, Writers};
use crate::recovery::rollback_target::Requested;
use crate::ui::progress::Phase;
use crate::ui::sanitize::clean;

pub async fn run(ctx: &Context, args: &RollbackArgs) -> CommandResult {
    let config = ctx.config()?;
    let app = config.require_app()?.to_string();
    let timing = WatchTiming::parse(&args.duration, &args.interval)?;
    let requested = Requested::parse(args.release.as_deref())?;
    // With a watch or a deploy to follow, `--json` is NDJSON from start to end, the result last.
    let streamed = ctx.ui.json && args.watch;
    if args.watch {
        config.require_sentry()?;
    }
    require_consent(ctx, &format!("a rollback of {app}"))?;
    if args.watch {
        // The watch reads Sentry: a missing credential is said before the preview and the
        // question, as revert says it, and a dry run exits as the real run would.
        ctx.sentry()?;
    }
    let github = config.require_repo().ok().and_then(|_| ctx.github().ok());
    let graphql = github.as_ref().and_then(|_| ctx.github_graphql().ok());
    let reads = Services { heroku: ctx.heroku()?, github, graphql };
    let phase = Phase::start(&ctx.ui, &format!("Reading {app}'s releases, the range and the config"));
    let mut plan = tokio::select! {
        p = preview(&reads, &config, &app, &requested) => p?,
        _ = tokio::signal::ctrl_c() => return Err(interrupted().into()),
    };
    preview_done(phase, &plan.report);
    if let Some(issue) = &args.sentry {
        plan.report.sentry_issue = Some(resolve_issue(ctx, issue).await?);
    }
    let target = plan.target.as_ref().map(|t| t.version).unwrap_or_default();
    let what = format!("roll {app} back to v{target}");
    if plan.report.refusal.is_some() || !ctx.gate().is_open() {
        offer_again(&mut plan.report, again(ctx, args, target), &what);
        return Ok(Box::new(Outcome { report: plan.report, preview_shown: false, streamed }));
    }
    let and_watch = if args.watch { " and watch it" } else { "" };
    let question = format!("Roll {app} back to v{target}{and_watch}?");
    let answer = preview_and_confirm(ctx, &mut plan.report, question).await?;
    let preview_shown = answer.preview_shown;
    if !answer.go {
        offer_again(&mut plan.report, again(ctx, args, target), &what);
        return Ok(Box::new(Outcome { report: plan.report, preview_shown, streamed }));
    }
    let who = deployer::who(ctx, &reads.heroku).await;
    let clients = services(ctx, &config, &app, Needs { github: false, sentry: args.watch }, &who)?;
    let mut writers = Writers {
        lock: RollbackLock::new(clients.heroku.clone(), clients.github, who.clone()),
        heroku: clients.heroku,
        sentry: clients.sentry,
        notice: clients.announcer.map(|a| Notice::new(a.slack, a.channel)),
        transport: clients.transport,
        who,
        poll: ctx.transport()?.settings.poll,
    };
    let ui = ctx.ui.clone();
    let mut show = |p: Progress| match p {
        Progress::Step(s) => ui.info(&clean(s)),
        Progress::Output(line) => ui.info(&format!("       {}", clean(line))),
        Progress::Warn(w) => ui.warn(&clean(w)),
    };
    let interrupted = tokio::select! {
        _ = roll_back(&mut plan, &mut writers, &config, &mut show) => false,
        _ = tokio::signal::ctrl_c() => true,
    };
    if interrupted {
        // The deployment must not hold the lock for an hour after this run is gone.
        let why = "bpdeploy stopped following the rollback; Heroku carries on";
        let mut warn = |m: &str| show(Progress::Warn(m));
        let closing = writers.lock.close(DeploymentState::Error, why, &mut warn);
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), closing).await;
        return Err(Failure::new(Exit::Interrupted, "interrupted", "stopped following the rollback")
            .with_hint("Heroku carries on with whatever was sent: check `bpdeploy releases`")
            .into());
    }
    if plan.report.action == Action::Previewed {
        plan.report.action = Action::Failed;
    }
    let release = plan.report.release.clone().filter(|_| plan.report.action == Action::RolledBack);
    let (Some(release), true) = (release, args.watch) else {
        return Ok(Box::new(Outcome { report: plan.report, preview_shown, streamed }));
    };
    let outcome = match watch_release(ctx, &config, &app, &release.id, timing, writers.who.clone()).await {
        Ok(outcome) => outcome,
        Err(e) => {
            // The rollback happened: it is kept and said, with the watch to resume.
            let v = release.version;
            let message = format!("rolled back (v{v}), but the watch of v{v} could not run: {e:#}");
            let resume = NextStep::new(format!("bpdeploy watch --release v{v}"), format!("watch v{v} for errors"));
            // The thread must not end at "rolled back" as if v{v} had been watched. The line
            // says the rollback stands too: without the deploy's thread, it replaces the headline.
            let shown = crate::deploy::announce::escape(&app);
            let line = format!(
                ":x: the watch of v{v} could not run; {shown} stays rolled back to v{target}: resume it with `{}`",
                resume.command
            );
            update_notice(&mut writers, &line, &mut show).await;
            plan.report.follow_failed("watch_failed", message, resume);
            return Ok(Box::new(Outcome { report: plan.report, preview_shown, streamed }));
        }
    };
    let verdict = conclude(ctx, &config, &outcome, &mut plan.report).await;
    update_notice(&mut writers, &verdict, &mut show).await;
    plan.report.watch = Some(outcome);
    Ok(Box::new(Outcome { report: plan.report, preview_shown, streamed }))
}

/// The rollback as asked, pinned to the release the preview showed, without `--dry-run`.
fn again(ctx: &Context, args: &RollbackArgs, target: u64) -> String {
    CommandLine::new("rollback", &ctx.global)
        .word(&format!("v{target}"))
        .flag("--watch", args.watch)
        .value("--duration", args.duration.as_deref())
        .value("--interval", args.interval.as_deref())
        .value("--sentry", args.sentry.as_deref())
        .render()
}
