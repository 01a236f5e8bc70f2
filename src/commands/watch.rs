//! `bpdeploy watch`: follow a build (`--build`), or a release (`--release`, default the current
//! one) through its release phase if it still runs, and give a verdict; `--auto-rollback` rolls a
//! failing release back. It is also how an interrupted deploy is resumed: it takes over that
//! deploy's GitHub deployment (the lock) and finishes it.
use crate::api::heroku::{Build, Heroku, Release};
use crate::api::ApiError;
use crate::cli::WatchArgs;
use crate::commands::command_line::CommandLine;
use crate::commands::deploy::{confirmation_required, drive, services, setup, Needs, WatchTiming};
use crate::commands::{deployer, CommandResult};
use crate::context::Context;
use crate::deploy::driver::{Driver, Services, Setup};
use crate::deploy::driver_start::sentry_answers;
use crate::deploy::follow::{build_ref, release_ref};
use crate::deploy::lock_io::deployment_to_take_over;
use crate::deploy::machine::{Machine, Options};
use crate::deploy::preflight_step::release_commit;
use crate::error::Failure;
use crate::exit::Exit;
use crate::recovery::rollback_target::Requested;

pub async fn run(ctx: &Context, args: &WatchArgs) -> CommandResult {
    let config = ctx.config()?;
    let app = config.require_app()?.to_string();
    config.require_sentry()?;
    let timing = WatchTiming::parse(&args.duration, &args.interval)?;
    // `--release vx` is a usage error before any request, as `rollback vx` and `triage` say it.
    let requested = Requested::parse(args.release.as_deref())?;
    let again = again(ctx, args);
    let mut answer = None;
    if args.auto_rollback {
        // The same rule as every mutating command, asked before anything else: `--yes` (or the
        // answer here) is consent for the rollback a failing verdict triggers later.
        if ctx.ui.consent_needed() {
            return Ok(Box::new(confirmation_required(&app, again, true)));
        }
        answer = Some(ctx.ui.confirm(&format!("Roll {app} back automatically if the watch says failing?"))?);
    }
    let rollback = RollbackConsent::from_answer(answer);
    let heroku = ctx.heroku()?;
    let who = deployer::who(ctx, &heroku).await;
    let mut services = services(ctx, &config, &app, Needs { github: false, sentry: true }, &who)?;
    // A token Sentry refuses is found out now, not one look at a time after the release.
    if let Some(sentry) = &services.sentry {
        sentry_answers(sentry, &config, "checking that Sentry takes the token before watching").await?;
    }
    let dry_run = !ctx.gate().is_open();
    if dry_run {
        services.announcer = None; // a dry run posts nothing
    }
    let options = Options { watch: true, auto_rollback: rollback.rolls_back(), dry_run, ..Options::default() };
    let (mut machine, sha, since) = match (&args.build, &args.release) {
        (Some(id), _) => {
            let build = build_to_follow(&heroku, &app, id).await?;
            let mut machine = Machine::following_build(options, build_ref(&build));
            machine.facts.sha = build.source_blob.version.clone();
            let sha = machine.facts.sha.clone();
            (machine, sha, build.created_at)
        }
        (None, release) => {
            let release = match release {
                Some(r) => release_to_watch(&heroku, &app, r, &requested).await?,
                None => heroku.current_release(&app).await?.ok_or_else(|| {
                    Failure::new(Exit::Failure, "no_release", format!("{app} has no current release"))
                })?,
            };
            let sha = release_commit(&heroku, &app, &release).await;
            let machine = match release.status.as_str() {
                // Its release phase still runs: follow it first, as the deploy would have.
                "pending" => Machine::following_release(options, release_ref(&release)),
                _ => Machine::watching(options, release_ref(&release)),
            };
            (machine, sha, release.created_at)
        }
    };
    if !dry_run {
        machine.facts.deployment_id = take_over(&services, &app, sha.as_deref()).await;
    }
    if let (Some(announcer), Some(sha)) = (services.announcer.as_mut(), sha.as_deref()) {
        // Named from the first message on; and the deploy's own message, when Slack has it, is
        // the one the watch edits.
        announcer.text.sha = sha.to_string();
        if let Err(e) = announcer.take_over(since).await {
            ctx.ui.warn(&match announcer.refused() {
                true => format!("Slack rejected the token: {e}; nothing is sent to Slack in this run"),
                false => {
                    format!("Slack: the deploy's announcement could not be read back, so the watch posts its own: {e}")
                }
            });
        }
    }
    let branch = config.github.branch.clone();
    let rollback_declined = rollback == RollbackConsent::Declined;
    let setup = Setup { watch_only: true, rollback_declined, again, ..setup(ctx, config, app, branch, timing, who)? };
    Ok(Box::new(drive(Driver::new(machine, setup, services, &ctx.ui)).await))
}

/// The automatic rollback, after the up-front question (`None`: not asked for).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RollbackConsent {
    NotAsked,
    Given,
    /// "No" is no reason to stop watching: the watch goes on and, when failing, rolls nothing
    /// back and leaves the rollback to be run by hand.
    Declined,
}

impl RollbackConsent {
    fn from_answer(answer: Option<bool>) -> RollbackConsent {
        match answer {
            None => RollbackConsent::NotAsked,
            Some(true) => RollbackConsent::Given,
            Some(false) => RollbackConsent::Declined,
        }
    }

    fn rolls_back(self) -> bool {
        self == RollbackConsent::Given
    }
}

fn again(ctx: &Context, args: &WatchArgs) -> String {
    CommandLine::new("watch", &ctx.global)
        .value("--release", args.release.as_deref())
        .value("--build", args.build.as_deref())
        .value("--duration", args.duration.as_deref())
        .value("--interval", args.interval.as_deref())
        .flag("--auto-rollback", args.auto_rollback)
        .render()
}

/// `--release vN`: a release Heroku does not have is named as such (with the newest one it
/// has), not taken for an unknown app; an unknown app still says so.
async fn release_to_watch(heroku: &Heroku, app: &str, asked: &str, requested: &Requested) -> anyhow::Result<Release> {
    let missing = match heroku.release(app, asked).await {
        Err(e) if e.is_not_found() => e,
        read => return Ok(read?),
    };
    let name = requested.name();
    let newest = match heroku.releases(app, 1).await {
        Ok(releases) => releases.first().map(|r| r.version),
        Err(_) => return Err(missing.into()), // the app itself is not there: its own hint says so
    };
    let hint = match newest {
        Some(v) => format!("{app}'s newest release is v{v}; `bpdeploy releases` lists them"),
        None => format!("{app} has no releases yet"),
    };
    Err(not_found(missing, format!("{app} has no release {name}"), hint))
}

/// `--build ID`: the same for a build.
async fn build_to_follow(heroku: &Heroku, app: &str, id: &str) -> anyhow::Result<Build> {
    let missing = match heroku.build(app, id).await {
        Err(e) if e.is_not_found() => e,
        read => return Ok(read?),
    };
    if heroku.builds(app, 1).await.is_err() {
        return Err(missing.into());
    }
    let hint =
        format!("a deploy names its build in its output (`build <id>: pending`); `heroku builds -a {app}` lists them");
    Err(not_found(missing, format!("{app} has no build {id}"), hint))
}

fn not_found(e: ApiError, message: String, hint: String) -> anyhow::Error {
    use crate::diagnose::Diagnose;
    Failure::new(Exit::Failure, &e.code(), message).with_hint(hint).into()
}

/// The interrupted deploy's GitHub deployment of this commit, still in progress: this watch
/// finishes it. Without GitHub, or when it cannot be read, there is nothing to take over.
async fn take_over(services: &Services, app: &str, sha: Option<&str>) -> Option<u64> {
    let (Some(github), Some(sha)) = (&services.github, sha) else { return None };
    deployment_to_take_over(github, app, sha).await.ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::RollbackConsent;

    /// "n" to the rollback question used to end the watch with exit 1: it now watches on, with
    /// no automatic rollback, and the result knows it was declined.
    #[test]
    fn declining_the_rollback_watches_on_without_it() {
        let declined = RollbackConsent::from_answer(Some(false));
        assert_eq!((declined, declined.rolls_back()), (RollbackConsent::Declined, false));
        assert!(RollbackConsent::from_answer(Some(true)).rolls_back());
        assert!(!RollbackConsent::from_answer(None).rolls_back(), "not asked for: no rollback");
    }
}
