//! `bpdeploy deploy`.
use crate::cli::DeployArgs;
use crate::commands::{not_implemented, CommandResult};
use crate::context::Context;

pub async fn run(_ctx: &Context, _args: &DeployArgs) -> CommandResult {
    Err(not_implemented("deploy").into())
}
