//! `bpdeploy watch`: follow a build (`--build`), or watch a release (`--release`, default the
//! current one), and give a verdict; `--auto-rollback` rolls a failing release back.
use crate::cli::WatchArgs;
use crate::commands::deploy::{drive, services, setup};
use crate::commands::CommandResult;
use crate::config::duration;
use crate::context::Context;
use crate::deploy::driver::Driver;
use crate::deploy::follow::{build_ref, release_ref};
use crate::deploy::machine::{Machine, Options};
use crate::error::Failure;
use crate::exit::Exit;

pub async fn run(ctx: &Context, args: &WatchArgs) -> CommandResult {
    let config = ctx.config()?;
    let app = config.require_app()?.to_string();
    config.require_sentry()?;
    let parse = |flag: &str, v: &Option<String>| -> anyhow::Result<_> {
        v.as_deref()
            .map(|t| duration::parse(t).map_err(|m| Failure::usage(format!("--{flag}: {m}"))))
            .transpose()
            .map_err(Into::into)
    };
    let (length, interval) = (parse("duration", &args.duration)?, parse("interval", &args.interval)?);
    if interval.is_some_and(|i| i.is_zero()) {
        return Err(Failure::usage("--interval must be greater than zero").into());
    }
    let services = services(ctx, &config, &app, false)?;
    let options = Options { watch: true, auto_rollback: args.auto_rollback, force: false };
    let heroku = services.heroku.clone();
    let machine = match (&args.build, &args.release) {
        (Some(id), _) => {
            let build = heroku.build(&app, id).await?;
            let mut machine = Machine::following_build(options, build_ref(&build));
            machine.facts.sha = build.source_blob.version.clone();
            machine
        }
        (None, Some(release)) => Machine::watching(options, release_ref(&heroku.release(&app, release).await?)),
        (None, None) => match heroku.current_release(&app).await? {
            Some(r) => Machine::watching(options, release_ref(&r)),
            None => {
                return Err(Failure::new(Exit::Failure, "no_release", format!("{app} has no current release")).into())
            }
        },
    };
    let branch = config.github.branch.clone();
    let setup = setup(ctx, config, app, branch, length, interval)?;
    Ok(Box::new(drive(Driver::new(machine, setup, services, &ctx.ui)).await))
}
