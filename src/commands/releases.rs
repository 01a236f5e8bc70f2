//! `bpdeploy releases`.
use crate::cli::ReleasesArgs;
use crate::commands::{not_implemented, CommandResult};
use crate::context::Context;

pub async fn run(_ctx: &Context, _args: &ReleasesArgs) -> CommandResult {
    Err(not_implemented("releases").into())
}
