//! `bpdeploy preflight`.
use crate::cli::PreflightArgs;
use crate::commands::{not_implemented, CommandResult};
use crate::context::Context;

pub async fn run(_ctx: &Context, _args: &PreflightArgs) -> CommandResult {
    Err(not_implemented("preflight").into())
}
