//! `bpdeploy rollback`.
use crate::cli::RollbackArgs;
use crate::commands::{not_implemented, CommandResult};
use crate::context::Context;

pub async fn run(_ctx: &Context, _args: &RollbackArgs) -> CommandResult {
    Err(not_implemented("rollback").into())
}
