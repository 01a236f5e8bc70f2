//! What comes after a recovery's own action, through the deploy's machine and nothing else:
//! `rollback --watch` watches the rollback release exactly as `watch --release vN` does, and
//! `revert --deploy` deploys the branch exactly as `deploy` does (preflight, lock, build, release
//! phase, `--watch`), with the same NDJSON events. Then `--sentry`'s issue is counted from the
//! moment the new release went live.
use crate::commands::deploy::{drive, setup, WatchTiming};
use crate::commands::recovery_confirm::interrupted;
use crate::config::Config;
use crate::context::Context;
use crate::deploy::driver::{Driver, Services};
use crate::deploy::follow::release_ref;
use crate::deploy::machine::{Machine, Options};
use crate::deploy::outcome::DeployOutcome;
use crate::deploy::steps::Ending;
use crate::next_step::{self, NextStep};
use crate::recovery::notify::verdict_line;
use crate::recovery::report::Report;
use crate::recovery::sentry_issue::{measure, resolve, FollowedIssue, IssueState, Scope};

/// `--sentry`'s issue, looked up before anything moves: a mistyped one stops here, nothing sent.
pub(crate) async fn resolve_issue(ctx: &Context, arg: &str) -> anyhow::Result<FollowedIssue> {
    let sentry = ctx.sentry()?;
    tokio::select! {
        i = resolve(&sentry, arg) => i,
        _ = tokio::signal::ctrl_c() => Err(interrupted().into()),
    }
}

/// Watches `release_id` (live already) as `bpdeploy watch --release` does. The recovery's own
/// Slack notes carry the verdict, so the watch announces nothing of its own. `who` is the
/// recovery's own deployer, named once for the whole run.
pub(crate) async fn watch_release(
    ctx: &Context,
    config: &Config,
    app: &str,
    release_id: &str,
    timing: WatchTiming,
    who: String,
) -> anyhow::Result<DeployOutcome> {
    config.require_sentry()?;
    let services = Services {
        heroku: ctx.heroku()?,
        github: ctx.github().ok(),
        sentry: Some(ctx.sentry()?),
        announcer: None,
        transport: ctx.transport()?,
    };
    let release = services.heroku.release(app, release_id).await?;
    let machine = Machine::watching(Options { watch: true, ..Options::default() }, release_ref(&release));
    let setup = setup(ctx, config.clone(), app.to_string(), config.github.branch.clone(), timing, who)?;
    Ok(drive(Driver::new(machine, setup, services, &ctx.ui)).await)
}

/// Deploys the branch as `bpdeploy deploy [--watch]` does. The revert's confirmation said "and
/// deploy it", so the deploy does not ask again. `who` is the revert's own deployer.
pub(crate) async fn deploy_branch(
    ctx: &Context,
    config: &Config,
    app: &str,
    services: Services,
    watch: bool,
    timing: WatchTiming,
    who: String,
) -> anyhow::Result<DeployOutcome> {
    let options = Options { watch, ..Options::default() };
    let setup = setup(ctx, config.clone(), app.to_string(), config.github.branch.clone(), timing, who)?;
    let ui = crate::ui::Ui { yes: true, ..ctx.ui.clone() };
    Ok(drive(Driver::new(Machine::new(options), setup, services, &ui)).await)
}

/// The watch or deploy ended with its release live (watched or not): what a recovery that
/// deployed, and a followed issue, count from.
pub(crate) fn went_live(outcome: &DeployOutcome) -> bool {
    matches!(outcome.status, Ending::Live | Ending::Healthy | Ending::Failing)
}

/// Once the watch or deploy is over: the followed issue counted, the recovery's next steps, and
/// the Slack note that ends the path (returned, for the command's own notice to send).
pub(crate) async fn conclude(ctx: &Context, config: &Config, outcome: &DeployOutcome, report: &mut Report) -> String {
    if let Some(issue) = report.sentry_issue.as_mut() {
        follow_issue(ctx, config, outcome, issue).await;
    }
    report.next = next_after(outcome, report.sentry_issue.as_ref());
    verdict_line(&report.app, outcome, report.sentry_issue.as_ref())
}

/// Counts `issue`'s events since the release the watch or deploy ended on went live. A run that
/// ended before a new release went live cannot say.
async fn follow_issue(ctx: &Context, config: &Config, outcome: &DeployOutcome, issue: &mut FollowedIssue) {
    let (Some(version), true) = (outcome.release, went_live(outcome)) else {
        issue.state = IssueState::Unknown;
        issue.reason = Some("no new release went live, so the error cannot have stopped because of one".into());
        return;
    };
    let (Ok(sentry), Ok(heroku), Ok((_, project))) = (ctx.sentry(), ctx.heroku(), config.require_sentry()) else {
        issue.state = IssueState::Unknown;
        issue.reason = Some("Sentry is not configured".into());
        return;
    };
    let release = match heroku.release(&outcome.app, &version.to_string()).await {
        Ok(r) => r,
        Err(e) => {
            issue.state = IssueState::Unknown;
            issue.reason = Some(format!("cannot read when v{version} went live: {e}"));
            return;
        }
    };
    let live_at = crate::deploy::observe::live_at(&release);
    let scope = Scope { project, environment: &config.sentry.environment };
    measure(&sentry, issue, &scope, version, live_at).await;
}

/// The commands to run next once the watch or deploy is over: resume what was cut short, triage
/// what is failing or the error that did not stop.
fn next_after(outcome: &DeployOutcome, issue: Option<&FollowedIssue>) -> Vec<NextStep> {
    let mut next = vec![];
    if let Some(resume) = &outcome.resume {
        next_step::push(&mut next, resume.clone());
    }
    if let Some(triage) = outcome.watch.as_ref().and_then(|w| w.triage_command.clone()) {
        next_step::push(&mut next, NextStep::new(triage, "find the PR behind the top new issue"));
    }
    if let Some(i) = issue.filter(|i| i.state == IssueState::NotRecovered) {
        let why = "the error did not stop once the new release went live: find where it comes from now";
        next_step::push(&mut next, NextStep::new(format!("bpdeploy triage {}", i.id), why));
    }
    if outcome.status == Ending::Live {
        if let Some(v) = outcome.release {
            let why = "the release is live but was not watched: watch it through the rollout";
            next_step::push(&mut next, NextStep::new(format!("bpdeploy watch --release v{v}"), why));
        }
    }
    next
}
