//! `bpdeploy deploy`: gathers the inputs, then hands over to the deploy driver. `--dry-run` runs
//! the same driver behind a closed mutation gate: every check, no change.
use crate::cli::DeployArgs;
use crate::commands::command_line::CommandLine;
use crate::commands::deployer;
use crate::commands::CommandResult;
use crate::config::{duration, Config};
use crate::context::Context;
use crate::deploy::announce::Announcement;
use crate::deploy::driver::{Driver, Services, Setup};
use crate::deploy::machine::{Machine, Options};
use crate::deploy::outcome::DeployOutcome;
use crate::deploy::records::Announcer;
use crate::deploy::steps::Ending;
use crate::error::Failure;
use std::time::Duration;

pub async fn run(ctx: &Context, args: &DeployArgs) -> CommandResult {
    let config = ctx.config()?;
    let app = config.require_app()?.to_string();
    config.require_repo()?;
    let branch = args.branch.clone().unwrap_or_else(|| config.github.branch.clone());
    let timing = WatchTiming::parse(&args.duration, &args.interval)?;
    if args.watch {
        config.require_sentry()?;
    }
    let again = again(ctx, args);
    // Without a TTY to ask on, nothing is read before saying so: the answer is known already.
    if ctx.ui.consent_needed() {
        return Ok(Box::new(confirmation_required(&app, again, false)));
    }
    let heroku = ctx.heroku()?;
    let who = deployer::who(ctx, &heroku).await;
    let services = services(ctx, &config, &app, Needs { github: true, sentry: args.watch }, &who)?;
    let setup = Setup { again, ..setup(ctx, config, app, branch, timing, who)? };
    let options = Options {
        watch: args.watch,
        auto_rollback: args.auto_rollback,
        force: args.force,
        steal_lock: args.steal_lock,
        dry_run: !ctx.gate().is_open(),
    };
    Ok(Box::new(drive(Driver::new(Machine::new(options), setup, services, &ctx.ui)).await))
}

/// The deploy as asked, for the next steps that run it again.
fn again(ctx: &Context, args: &DeployArgs) -> String {
    CommandLine::new("deploy", &ctx.global)
        .value("--branch", args.branch.as_deref())
        .flag("--watch", args.watch)
        .flag("--auto-rollback", args.auto_rollback)
        .value("--duration", args.duration.as_deref())
        .value("--interval", args.interval.as_deref())
        .flag("--force", args.force)
        .flag("--steal-lock", args.steal_lock)
        .render()
}

/// No TTY to ask on and no `--yes`: the result says so (exit 2) before anything is read or sent.
pub(crate) fn confirmation_required(app: &str, again: String, watch_only: bool) -> DeployOutcome {
    let mut o = DeployOutcome::new(Ending::ConfirmationRequired, app);
    let what = if watch_only { "an automatic rollback" } else { "a deploy" };
    o.error = Some(crate::ui::consent_missing(&format!("{what} of {app} needs confirmation")));
    o.watch_only = watch_only;
    o.again = again;
    o.conclude()
}

/// `--duration` and `--interval`, shared by `deploy --watch` and `watch`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct WatchTiming {
    pub duration: Option<Duration>,
    pub interval: Option<Duration>,
}

impl WatchTiming {
    pub(crate) fn parse(length: &Option<String>, every: &Option<String>) -> anyhow::Result<WatchTiming> {
        let parse = |flag: &str, v: &Option<String>| -> anyhow::Result<Option<Duration>> {
            v.as_deref()
                .map(|t| duration::parse(t).map_err(|m| Failure::usage(format!("--{flag}: {m}"))))
                .transpose()
                .map_err(Into::into)
        };
        let (duration, interval) = (parse("duration", length)?, parse("interval", every)?);
        if interval.is_some_and(|i| i.is_zero()) {
            return Err(Failure::usage("--interval must be greater than zero").into());
        }
        Ok(WatchTiming { duration, interval })
    }
}

/// Runs the driver until it is done or Ctrl-C, which stops following and never cancels anything.
pub(crate) async fn drive(mut driver: Driver) -> DeployOutcome {
    let interrupted = tokio::select! {
        _ = driver.run() => false,
        _ = tokio::signal::ctrl_c() => true,
    };
    if interrupted {
        driver.interrupt().await;
    }
    driver.outcome()
}

/// Which clients must work for this command (else it stops now, naming the credential).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Needs {
    pub github: bool,
    pub sentry: bool,
}

/// The clients a deploy or a watch uses. Sentry is optional for a deploy without a watch; Slack
/// is optional always (no channel or no credential: no announcement). `who` names the person in
/// the announcement.
pub(crate) fn services(ctx: &Context, config: &Config, app: &str, needs: Needs, who: &str) -> anyhow::Result<Services> {
    let github = match needs.github {
        true => Some(ctx.github()?),
        false => ctx.github().ok(),
    };
    let sentry = match (config.require_sentry(), needs.sentry) {
        (Ok(_), true) => Some(ctx.sentry()?),
        (Ok(_), false) => match ctx.sentry() {
            Ok(s) => Some(s),
            Err(e) => {
                ctx.ui.warn(&format!("Sentry is configured but unusable, so no release or watch: {e:#}"));
                None
            }
        },
        (Err(_), _) => None,
    };
    let text = Announcement { who: who.to_string(), app: app.to_string(), ..Announcement::default() };
    let announcer = match (ctx.slack()?, &config.slack_channel) {
        (Some(slack), Some(channel)) => Some(Announcer::new(slack, channel.clone(), text)),
        // A webhook posts to the channel it was made for.
        (Some(slack), None) if !slack.can_edit() => Some(Announcer::new(slack, String::new(), text)),
        (Some(_), None) => {
            ctx.ui.warn("Slack: no [slack] channel configured; announcements are skipped");
            None
        }
        (None, _) => {
            ctx.ui.warn("Slack: no SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL; announcements are skipped");
            None
        }
    };
    Ok(Services { heroku: ctx.heroku()?, github, sentry, announcer, transport: ctx.transport()? })
}

pub(crate) fn setup(
    ctx: &Context,
    config: Config,
    app: String,
    branch: String,
    timing: WatchTiming,
    who: String,
) -> anyhow::Result<Setup> {
    Ok(Setup {
        context: ctx.clone(),
        watch_duration: timing.duration.unwrap_or(config.watch.duration),
        watch_interval: timing.interval.unwrap_or(config.watch.interval),
        poll: ctx.transport()?.settings.poll,
        who,
        state_dir: ctx.env.state_dir(),
        watch_only: false,
        rollback_declined: false,
        again: String::new(),
        config,
        app,
        branch,
    })
}
