//! `bpdeploy triage`.
use crate::cli::TriageArgs;
use crate::commands::{not_implemented, CommandResult};
use crate::context::Context;

pub async fn run(_ctx: &Context, _args: &TriageArgs) -> CommandResult {
    Err(not_implemented("triage").into())
}
