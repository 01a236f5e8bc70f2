//! `bpdeploy watch`: follow a build (`--build`), or a release (`--release`, default the current
//! one) through its release phase if it still runs, and give a verdict; `--auto-rollback` rolls a
//! failing release back. It is also how an interrupted deploy is resumed: it takes over that
//! deploy's GitHub deployment (the lock) and finishes it.
use crate::cli::WatchArgs;
use crate::commands::deploy::{drive, services, setup, Needs, WatchTiming};
use crate::commands::CommandResult;
use crate::context::Context;
use crate::deploy::driver::{Driver, Services};
use crate::deploy::follow::{build_ref, release_ref};
use crate::deploy::lock_io::deployment_to_take_over;
use crate::deploy::machine::{Machine, Options};
use crate::deploy::preflight_step::release_commit;
use crate::error::Failure;
use crate::exit::Exit;

pub async fn run(ctx: &Context, args: &WatchArgs) -> CommandResult {
    let config = ctx.config()?;
    let app = config.require_app()?.to_string();
    config.require_sentry()?;
    let timing = WatchTiming::parse(&args.duration, &args.interval)?;
    if args.auto_rollback {
        // The same rule as every mutating command, asked before anything else: `--yes` (or the
        // answer here) is consent for the rollback a failing verdict triggers later.
        let question = format!("Roll {app} back automatically if the watch says failing?");
        if !ctx.ui.confirm(&question)? {
            return Err(Failure::new(Exit::Failure, "declined", "not watching: declined").into());
        }
    }
    let mut services = services(ctx, &config, &app, Needs { github: false, sentry: true })?;
    let dry_run = !ctx.gate().is_open();
    if dry_run {
        services.announcer = None; // a dry run posts nothing
    }
    let options = Options { watch: true, auto_rollback: args.auto_rollback, dry_run, ..Options::default() };
    let heroku = services.heroku.clone();
    let (mut machine, sha) = match (&args.build, &args.release) {
        (Some(id), _) => {
            let build = heroku.build(&app, id).await?;
            let mut machine = Machine::following_build(options, build_ref(&build));
            machine.facts.sha = build.source_blob.version.clone();
            let sha = machine.facts.sha.clone();
            (machine, sha)
        }
        (None, release) => {
            let release = match release {
                Some(r) => heroku.release(&app, r).await?,
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
            (machine, sha)
        }
    };
    if !dry_run {
        machine.facts.deployment_id = take_over(&services, &app, sha.as_deref()).await;
    }
    let branch = config.github.branch.clone();
    let setup = setup(ctx, config, app, branch, timing)?;
    Ok(Box::new(drive(Driver::new(machine, setup, services, &ctx.ui)).await))
}

/// The interrupted deploy's GitHub deployment of this commit, still in progress: this watch
/// finishes it. Without GitHub, or when it cannot be read, there is nothing to take over.
async fn take_over(services: &Services, app: &str, sha: Option<&str>) -> Option<u64> {
    let (Some(github), Some(sha)) = (&services.github, sha) else { return None };
    deployment_to_take_over(github, app, sha).await.ok().flatten()
}
