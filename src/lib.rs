//! bpdeploy: safe production deploys for a Rails app on Heroku, with GitHub, Sentry and Slack.
//!
//! `run()` resolves the terminal facts and the environment once, dispatches the command, and
//! maps its outcome or error to an exit code (see [`exit::Exit`]).
pub mod api;
pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
pub mod credentials;
pub mod deploy;
pub mod diagnose;
pub mod duration;
pub mod env;
pub mod error;
pub mod exit;
pub mod git;
pub mod next_step;
pub mod preflight;
pub mod recovery;
pub mod sandbox;
pub mod triage;
pub mod ui;

#[cfg(test)]
mod fuzz;

use context::Context;
use error::Failure;
use exit::Exit;
use std::ffi::OsString;

/// Parses arguments and runs. A usage error in `--json` mode is reported as JSON too.
pub fn main_with_args(args: impl IntoIterator<Item = OsString>) -> u8 {
    let argv: Vec<OsString> = args.into_iter().collect();
    match cli::try_parse_from(&argv) {
        Ok(cli) => run(cli),
        Err(e) => {
            use clap::error::ErrorKind;
            let wants_json = argv.iter().any(|a| a == "--json");
            if wants_json && !matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                // The same one-line JSON error as every other failure (and no panic on a closed pipe).
                ui::Ui::plain_json().error(&usage_failure(&e, &argv));
                return Exit::Usage.code();
            }
            let _ = e.print();
            if matches!(
                e.kind(),
                ErrorKind::DisplayHelp
                    | ErrorKind::DisplayVersion
                    | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) {
                if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                    return Exit::Usage.code();
                }
                return Exit::Success.code();
            }
            Exit::Usage.code()
        }
    }
}

/// clap's own words, kept whole: the message names the argument and the value, the hint carries
/// clap's suggestion ("a similar argument exists: '--from'"), else the help of the command.
fn usage_failure(e: &clap::Error, argv: &[OsString]) -> Failure {
    let text = e.render().to_string();
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let mut message = lines.next().unwrap_or("invalid usage").trim_start_matches("error: ").to_string();
    let mut rest: Vec<&str> = lines.collect();
    // "the following required arguments were not provided:" lists them on the lines after.
    if message.ends_with(':') {
        let listed = rest.iter().take_while(|l| !l.starts_with("Usage:")).count();
        message = format!("{message} {}", rest.drain(..listed).collect::<Vec<_>>().join(", ")).trim_end().to_string();
    }
    // "tip: a similar argument exists: '--from'", "[possible values: auto, always, never]".
    let tips: Vec<&str> = rest
        .iter()
        .filter_map(|l| l.strip_prefix("tip: ").or_else(|| l.strip_prefix('[').and_then(|l| l.strip_suffix(']'))))
        .collect();
    if !tips.is_empty() {
        return Failure::usage(message).with_hint(tips.join("; "));
    }
    let cli = cli::command();
    let command = argv.iter().skip(1).find_map(|a| cli.find_subcommand(a).map(|c| format!(" {}", c.get_name())));
    Failure::usage(message).with_hint(format!("run `bpdeploy{} --help`", command.unwrap_or_default()))
}

/// Runs a parsed command line and returns the process exit code.
pub fn run(cli: cli::Cli) -> u8 {
    let env = env::Env::from_process();
    let ui = ui::Ui::resolve(&cli.global, &env);
    init_tracing(cli.global.verbose, &ui);
    let ctx = Context::new(cli.global.clone(), env, ui.clone());

    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            ui.error(&Failure::new(Exit::Failure, "runtime", format!("cannot start the async runtime: {e}")));
            return Exit::Failure.code();
        }
    };
    let handles_interrupt = commands::handles_interrupt(&cli.command);
    let result = runtime.block_on(async {
        if handles_interrupt {
            return commands::dispatch(&ctx, cli.command).await;
        }
        tokio::select! {
            r = commands::dispatch(&ctx, cli.command) => r,
            _ = tokio::signal::ctrl_c() => Err(Failure::new(Exit::Interrupted, "interrupted", "interrupted").into()),
        }
    });
    // Don't wait for background tasks (a sandbox server, an idle stream) on the way out.
    runtime.shutdown_background();
    match result {
        Ok(outcome) => {
            ui::render::emit(&ui, outcome.as_ref());
            outcome.exit().code()
        }
        Err(err) => {
            let failure = Failure::from_anyhow(&err);
            ui.error(&failure);
            failure.exit.code()
        }
    }
}

/// `-v` shows progress detail, `-vv` every HTTP request (method, path, status; never a token:
/// each event goes through the same scrubbing and masking as the Ui's own lines).
fn init_tracing(verbose: u8, ui: &ui::Ui) {
    let level = match verbose {
        0 => return,
        1 => tracing::Level::INFO,
        2 => tracing::Level::DEBUG,
        _ => tracing::Level::TRACE,
    };
    // Only bpdeploy's own events: the HTTP stack's logs carry hosts and connection details
    // that say nothing useful to a deployer and are not scrubbed by our transport.
    use tracing_subscriber::prelude::*;
    let secrets = ui.secrets.clone();
    let only_ours = tracing_subscriber::filter::Targets::new().with_target("bpdeploy", level);
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(move || ui::log::LogLine::new(secrets.clone()))
                .with_target(false),
        )
        .with(only_ours)
        .try_init();
}
