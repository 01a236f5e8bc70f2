//! One file per subcommand: gather inputs, call domain code, return an outcome. No printing
//! here beyond progress through `ctx.ui`; the result is rendered by `ui::render::emit`.
mod command_line;
pub mod completions;
pub mod demo;
pub mod deploy;
mod deployer;
pub mod init;
pub mod preflight;
mod recovery_confirm;
mod recovery_follow;
pub mod releases;
pub mod revert;
pub mod rollback;
pub mod sandbox;
pub mod triage;
pub mod watch;

use crate::cli::Command;
use crate::context::Context;
use crate::ui::render::Outcome;

pub type CommandResult = anyhow::Result<Box<dyn Outcome>>;

pub async fn dispatch(ctx: &Context, command: Command) -> CommandResult {
    match command {
        Command::Init(args) => init::run(ctx, &args),
        Command::Completions(args) => completions::completions(&args),
        Command::Man(args) => completions::man(&args, &ctx.env.cwd),
        Command::Preflight(args) => preflight::run(ctx, &args).await,
        Command::Deploy(args) => deploy::run(ctx, &args).await,
        Command::Watch(args) => watch::run(ctx, &args).await,
        Command::Revert(args) => revert::run(ctx, &args).await,
        Command::Rollback(args) => rollback::run(ctx, &args).await,
        Command::Triage(args) => triage::run(ctx, &args).await,
        Command::Releases(args) => releases::run(ctx, &args).await,
        Command::Sandbox(args) => sandbox::run(ctx, &args).await,
        Command::Demo(args) => demo::run(ctx, &args).await,
    }
}

/// Commands that follow remote work catch Ctrl-C themselves, to say how to resume.
pub fn handles_interrupt(command: &Command) -> bool {
    matches!(
        command,
        Command::Deploy(_)
            | Command::Watch(_)
            | Command::Rollback(_)
            | Command::Revert(_)
            | Command::Sandbox(_)
            | Command::Demo(_)
    )
}
