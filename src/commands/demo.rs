//! `bpdeploy demo`.
use crate::cli::DemoArgs;
use crate::commands::{not_implemented, CommandResult};
use crate::context::Context;

pub async fn run(_ctx: &Context, _args: &DemoArgs) -> CommandResult {
    Err(not_implemented("demo").into())
}
