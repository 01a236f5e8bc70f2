//! `bpdeploy revert`.
use crate::cli::RevertArgs;
use crate::commands::{not_implemented, CommandResult};
use crate::context::Context;

pub async fn run(_ctx: &Context, _args: &RevertArgs) -> CommandResult {
    Err(not_implemented("revert").into())
}
