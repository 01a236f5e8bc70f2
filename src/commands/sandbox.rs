//! `bpdeploy sandbox`.
use crate::cli::SandboxArgs;
use crate::commands::{not_implemented, CommandResult};
use crate::context::Context;

pub async fn run(_ctx: &Context, _args: &SandboxArgs) -> CommandResult {
    Err(not_implemented("sandbox").into())
}
