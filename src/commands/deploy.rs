//! `bpdeploy deploy`: gathers the inputs, then hands over to the deploy driver. `--dry-run` runs
//! the same driver behind a closed mutation gate: every check, no change.
use crate::cli::DeployArgs;
use crate::commands::CommandResult;
use crate::config::{duration, Config};
use crate::context::Context;
use crate::deploy::announce::Announcement;
use crate::deploy::driver::{Driver, Services, Setup};
use crate::deploy::machine::{Machine, Options};
use crate::deploy::records::Announcer;
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
    let services = services(ctx, &config, &app, Needs { github: true, sentry: args.watch })?;
    let setup = setup(ctx, config, app, branch, timing)?;
    let options = Options {
        watch: args.watch,
        auto_rollback: args.auto_rollback,
        force: args.force,
        steal_lock: args.steal_lock,
        dry_run: !ctx.gate().is_open(),
    };
    Ok(Box::new(drive(Driver::new(Machine::new(options), setup, services, &ctx.ui)).await))
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
pub(crate) async fn drive(mut driver: Driver) -> crate::deploy::outcome::DeployOutcome {
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
/// is optional always (no channel or no credential: no announcement).
pub(crate) fn services(ctx: &Context, config: &Config, app: &str, needs: Needs) -> anyhow::Result<Services> {
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
    let text = Announcement { who: who(ctx), app: app.to_string(), ..Announcement::default() };
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
) -> anyhow::Result<Setup> {
    Ok(Setup {
        context: ctx.clone(),
        watch_duration: timing.duration.unwrap_or(config.watch.duration),
        watch_interval: timing.interval.unwrap_or(config.watch.interval),
        poll: ctx.transport()?.settings.poll,
        who: who(ctx),
        state_dir: ctx.env.state_dir(),
        config,
        app,
        branch,
    })
}

/// Who is deploying, as the team knows them: the login name of this machine.
pub(crate) fn who(ctx: &Context) -> String {
    ctx.env
        .get("BPDEPLOY_USER")
        .or_else(|| ctx.env.get("USER"))
        .or_else(|| ctx.env.get("LOGNAME"))
        .unwrap_or_else(|| "someone".into())
}
