//! `bpdeploy watch`.
use crate::cli::WatchArgs;
use crate::commands::{not_implemented, CommandResult};
use crate::context::Context;

pub async fn run(_ctx: &Context, _args: &WatchArgs) -> CommandResult {
    Err(not_implemented("watch").into())
}
