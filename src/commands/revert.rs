//! `bpdeploy revert <PR>`: the preview first (the revert predicted on GitHub's tip, conflicts,
//! migrations kept, time to recovery), then a question, then the revert PR; `--merge` merges it
//! once its checks pass, `--deploy` then deploys the branch as `deploy` does, `--watch` watches
//! it and `--sentry` follows the error it is for. `--dry-run` stops after the preview.
use crate::cli::RevertArgs;
use crate::commands::command_line::CommandLine;
use crate::commands::deploy::{services, Needs, WatchTiming};
use crate::commands::deployer;
use crate::commands::recovery_confirm::{interrupted, offer_again, preview_and_confirm, preview_done, require_consent};
use crate::commands::recovery_follow::{conclude, deploy_branch, resolve_issue, went_live};
use crate::commands::CommandResult;
use crate::config::MergeMethod;
use crate::context::Context;
use crate::error::Failure;
use crate::exit::Exit;
use crate::next_step::NextStep;
use crate::recovery::human::Outcome;
use crate::recovery::notify::Notice;
use crate::recovery::report::Action;
use crate::recovery::revert::{parse_pull_request, preview, Request, Services};
use crate::recovery::revert_create::{create, update, Progress, Writers};
use crate::recovery::revert_text::push_plan;
use crate::ui::progress::Phase;
use crate::ui::sanitize::clean;

pub async fn run(ctx: &Context, args: &RevertArgs) -> CommandResult {
    let config = ctx.config()?;
    let app = config.require_app()?.to_string();
    let (owner, name) = config.require_repo()?;
    let repo = format!("{owner}/{name}");
    // `--watch` implies `--deploy`, which implies `--merge`.
    let deploy = args.deploy || args.watch;
    let merge = args.merge || deploy;
    let timing = WatchTiming::parse(&args.duration, &args.interval)?;
    // With a watch or a deploy to follow, `--json` is NDJSON from start to end, the result last.
    let streamed = ctx.ui.json && deploy;
    if args.watch {
        config.require_sentry()?;
    }
    let number = parse_pull_request(&args.pull_request, &repo)?;
    require_consent(ctx, &format!("a revert of #{number}"))?;
    let heroku = ctx.heroku()?;
    let who = deployer::who(ctx, &heroku).await;
    let clients = services(ctx, &config, &app, Needs { github: true, sentry: args.watch }, &who)?;
    let reads = Services { github: ctx.github()?, heroku: Some(clients.heroku.clone()) };
    let request = Request { number, undo_migrations: args.undo_migrations };
    let phase =
        Phase::start(&ctx.ui, &format!("Predicting the revert of #{number} on GitHub's {}", config.github.branch));
    let mut plan = tokio::select! {
        p = preview(&reads, &config, &app, &request) => p?,
        _ = tokio::signal::ctrl_c() => return Err(interrupted().into()),
    };
    preview_done(phase, &plan.report);
    // Looked up with or without --watch: the PR body links it, and a mistyped one stops here.
    let issue = match &args.sentry {
        Some(arg) => Some(resolve_issue(ctx, arg).await?),
        None => None,
    };
    if args.watch {
        plan.report.sentry_issue = issue.clone();
    }
    let what = format!("revert #{number}");
    if plan.report.refusal.is_some() || !ctx.gate().is_open() {
        offer_again(&mut plan.report, again(ctx, args, number), &what);
        return Ok(Box::new(Outcome { report: plan.report, preview_shown: false, streamed }));
    }
    let Some(push) = push_plan(&plan, &repo, &config.github.branch, issue.as_ref()) else {
        anyhow::bail!("the revert of #{number} has nothing to create");
    };
    let then = match (merge, deploy, args.watch) {
        (_, true, true) => ", merge it once its checks pass, deploy and watch it",
        (_, true, false) => ", merge it once its checks pass and deploy it",
        (true, _, _) => " and merge it once its checks pass",
        _ => "",
    };
    let question = format!("Open a PR reverting #{number} on {repo}{then}?");
    let answer = preview_and_confirm(ctx, &mut plan.report, question).await?;
    let preview_shown = answer.preview_shown;
    if !answer.go {
        offer_again(&mut plan.report, again(ctx, args, number), &what);
        return Ok(Box::new(Outcome { report: plan.report, preview_shown, streamed }));
    }
    let notice = clients.announcer.as_ref().map(|a| Notice::new(a.slack.clone(), a.channel.clone()));
    let mut writers = Writers {
        github: reads.github,
        notice,
        who: who.clone(),
        poll: ctx.transport()?.settings.poll,
        merge_method: merge_method(config.github.merge_method).into(),
        owner: owner.to_string(),
    };
    let ui = ctx.ui.clone();
    let mut show = |p: Progress| match p {
        Progress::Step(s) => ui.info(&clean(s)),
        Progress::Warn(w) => ui.warn(&clean(w)),
    };
    tokio::select! {
        _ = create(&mut plan, &mut writers, &push, merge, &mut show) => {}
        _ = tokio::signal::ctrl_c() => {
            return Err(Failure::new(Exit::Interrupted, "interrupted", "stopped while creating the revert")
                .with_hint(format!("look for the branch {} and its PR on GitHub before running this again", push.branch))
                .into());
        }
    }
    if plan.report.action == Action::Previewed {
        plan.report.action = Action::Failed;
    }
    let Some(pr) = plan.report.pull_request.clone().filter(|_| deploy && plan.report.action == Action::Merged) else {
        return Ok(Box::new(Outcome { report: plan.report, preview_shown, streamed }));
    };
    let deploying = format!(
        ":construction: deploying the revert of #{number} (<{}|#{}>) to {}",
        crate::ui::sanitize::one_line(&pr.url),
        pr.number,
        crate::deploy::announce::escape(&app)
    );
    update(&mut writers, &deploying, &mut show).await;
    let outcome = match deploy_branch(ctx, &config, &app, clients, args.watch, timing, who).await {
        Ok(outcome) => outcome,
        Err(e) => {
            // The merge happened: it is kept and said, with the deploy to resume.
            let message = format!("#{} is merged, but its deploy could not start: {e:#}", pr.number);
            let command = if args.watch { "bpdeploy deploy --watch" } else { "bpdeploy deploy" };
            let resume = NextStep::new(command, format!("deploy the revert of #{number}"));
            update(&mut writers, &format!(":x: the deploy of the revert of #{number} could not start"), &mut show)
                .await;
            plan.report.follow_failed("deploy_failed", message, resume);
            return Ok(Box::new(Outcome { report: plan.report, preview_shown, streamed }));
        }
    };
    if went_live(&outcome) {
        plan.report.action = Action::Deployed;
    }
    let verdict = conclude(ctx, &config, &outcome, &mut plan.report).await;
    update(&mut writers, &verdict, &mut show).await;
    plan.report.deploy = Some(outcome);
    Ok(Box::new(Outcome { report: plan.report, preview_shown, streamed }))
}

/// The revert as asked, without `--dry-run`.
fn again(ctx: &Context, args: &RevertArgs, number: u64) -> String {
    CommandLine::new("revert", &ctx.global)
        .word(&number.to_string())
        .flag("--merge", args.merge)
        .flag("--deploy", args.deploy)
        .flag("--watch", args.watch)
        .value("--duration", args.duration.as_deref())
        .value("--interval", args.interval.as_deref())
        .value("--sentry", args.sentry.as_deref())
        .flag("--undo-migrations", args.undo_migrations)
        .render()
}

fn merge_method(m: MergeMethod) -> &'static str {
    match m {
        MergeMethod::Merge => "merge",
        MergeMethod::Squash => "squash",
        MergeMethod::Rebase => "rebase",
    }
}
