//! `bpdeploy sandbox`: serve the local fake of Heroku, GitHub, Sentry and Slack in the
//! foreground. Once ready, stdout carries only shell lines (`export …`, then `cd …`) so that
//! `bpdeploy sandbox > env.sh &` followed by `. ./env.sh` points a shell at it. `--env-file F`
//! writes them to F instead, in one rename once serving, so a script can wait for F to exist
//! and source it without racing a half-written file. With `--json` the same facts come as one
//! NDJSON `ready` event, and a `result` event when it stops. Logs go to stderr; Ctrl-C or
//! SIGTERM stops it and exits 0.
use crate::cli::SandboxArgs;
use crate::commands::CommandResult;
use crate::context::Context;
use crate::error::Failure;
use crate::exit::Exit;
use crate::sandbox::{Sandbox, SandboxError, SandboxOptions};
use crate::ui::render::Outcome;
use crate::ui::Ui;
use serde_json::json;
use std::path::Path;

pub struct SandboxStopped {
    scenario: &'static str,
    base_url: String,
}

impl Outcome for SandboxStopped {
    fn to_json(&self) -> serde_json::Value {
        json!({"stopped": true, "scenario": self.scenario, "base_url": self.base_url})
    }
    /// Nothing: stdout holds only the shell lines printed at start.
    fn human(&self, _ui: &Ui) -> String {
        String::new()
    }
    fn is_event_stream(&self) -> bool {
        true
    }
}

/// `BPDEPLOY_SANDBOX_SPEED`: a positive multiplier of drill time (default 1).
pub fn speed(ctx: &Context) -> Result<f64, Failure> {
    match ctx.env.get("BPDEPLOY_SANDBOX_SPEED") {
        None => Ok(1.0),
        Some(v) => v.trim().parse::<f64>().ok().filter(|s| s.is_finite() && *s > 0.0).ok_or_else(|| {
            Failure::usage(format!("BPDEPLOY_SANDBOX_SPEED={v:?} is not a positive number"))
                .with_hint("e.g. BPDEPLOY_SANDBOX_SPEED=10 runs drills ten times faster")
        }),
    }
}

/// Single-quotes a value for POSIX shells when it holds anything beyond safe characters.
pub fn shell_quote(value: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c);
    if !value.is_empty() && value.chars().all(safe) {
        value.to_string()
    } else {
        format!("'{}'", value.replace('\'', "'\\''"))
    }
}

/// The lines a shell sources to use the sandbox.
pub fn shell_lines(sandbox: &Sandbox) -> String {
    let mut out = String::new();
    for (k, v) in sandbox.env_pairs() {
        out.push_str(&format!("export {k}={}\n", shell_quote(&v)));
    }
    out.push_str(&format!("cd {}\n", shell_quote(&sandbox.repo_dir().display().to_string())));
    out
}

pub async fn run(ctx: &Context, args: &SandboxArgs) -> CommandResult {
    let repo_dir = args.repo_dir.as_ref().map(|d| if d.is_absolute() { d.clone() } else { ctx.env.cwd.join(d) });
    let env_file = args.env_file.as_ref().map(|f| ctx.env.cwd.join(f));
    if let Some(file) = &env_file {
        // A file left by an earlier sandbox points at a dead port: gone until this one serves.
        // Any other file (`--env-file .env` in the app's directory) is the user's, never ours.
        refuse_unless_a_sandbox_wrote(file)?;
        remove_if_present(file)?;
    }
    // Listen for SIGTERM before announcing readiness, so an early stop is never a kill.
    let stop = StopSignal::install();
    let opts = SandboxOptions {
        port: args.port,
        repo_dir,
        speed: speed(ctx)?,
        // For testing bpdeploy's masking: error answers echo every secret the sandbox issued.
        echo_secrets: ctx.env.get("BPDEPLOY_SANDBOX_ECHO_SECRETS").is_some_and(|v| v != "0"),
        ..SandboxOptions::new(args.scenario)
    };
    let sandbox = Sandbox::start(opts).await.map_err(|e| start_failure(&e))?;
    let lines = shell_lines(&sandbox);
    if let Some(file) = &env_file {
        if let Err(failure) = write_whole(file, &lines) {
            sandbox.shutdown().await;
            return Err(failure.into());
        }
    }
    if ctx.ui.json {
        let env: serde_json::Map<String, serde_json::Value> =
            sandbox.env_pairs().into_iter().map(|(k, v)| (k, v.into())).collect();
        ctx.ui.event(&json!({
            "type": "ready", "scenario": args.scenario.name(), "base_url": sandbox.base_url(),
            "repo_dir": sandbox.repo_dir(), "env": env,
        }));
    } else if env_file.is_none() {
        ctx.ui.out(&lines);
    }
    let written = env_file.as_ref().map(|f| format!("; shell lines in {}", f.display())).unwrap_or_default();
    ctx.ui.info(&format!(
        "sandbox ready at {} (scenario {}); scratch repository {}{written}\nstop it with Ctrl-C",
        sandbox.base_url(),
        args.scenario.name(),
        sandbox.repo_dir().display()
    ));
    stop.wait().await;
    ctx.ui.info("sandbox stopping");
    let stopped = SandboxStopped { scenario: args.scenario.name(), base_url: sandbox.base_url().to_string() };
    sandbox.shutdown().await;
    if let Some(file) = &env_file {
        remove_if_ours(file, &lines)?;
    }
    Ok(Box::new(stopped))
}

/// Why the sandbox could not start, and what to change.
pub fn start_failure(e: &SandboxError) -> Failure {
    let failure = Failure::new(Exit::Failure, "sandbox_failed", e.to_string());
    match e {
        SandboxError::Bind { port: 0, .. } => failure,
        SandboxError::Bind { port, .. } => {
            failure.with_hint(format!("port {port} is taken: pass another --port, or leave it out for a free one"))
        }
        SandboxError::Scratch(_) => failure.with_hint("pass a --repo-dir where a new directory can be made"),
        SandboxError::Seed(_) => failure,
    }
}

fn remove_if_present(file: &Path) -> Result<(), Failure> {
    match std::fs::remove_file(file) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(env_file_failure(file, e)),
        _ => Ok(()),
    }
}

/// An existing `--env-file` may be replaced only when it is a sandbox's shell lines: `export`
/// and `cd` lines that point bpdeploy at a sandbox. An app's `.env`, a shell profile: refused.
fn refuse_unless_a_sandbox_wrote(file: &Path) -> Result<(), Failure> {
    let Ok(meta) = std::fs::symlink_metadata(file) else { return Ok(()) };
    let text = if meta.is_file() && meta.len() < 64 * 1024 { std::fs::read_to_string(file).ok() } else { None };
    let ours = text.is_some_and(|t| {
        t.lines().any(|l| l.starts_with("export BPDEPLOY_HEROKU_URL="))
            && t.lines().filter(|l| !l.trim().is_empty()).all(|l| l.starts_with("export ") || l.starts_with("cd "))
    });
    if ours {
        return Ok(());
    }
    Err(Failure::new(
        Exit::Failure,
        "write_failed",
        format!("--env-file {} already exists and is not a sandbox's env file: it stays as it is", file.display()),
    )
    .with_hint("name a new file, e.g. --env-file /tmp/sandbox.env"))
}

/// Removes the file only while it still holds `lines`: a sandbox started again on the same file
/// while this one was stopping has written its own, which must stay.
fn remove_if_ours(file: &Path, lines: &str) -> Result<(), Failure> {
    match std::fs::read_to_string(file) {
        Ok(text) if text == lines => remove_if_present(file),
        _ => Ok(()),
    }
}

/// Written beside and renamed into place: whoever sees the file sees all of it.
fn write_whole(file: &Path, text: &str) -> Result<(), Failure> {
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = file.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, text).and_then(|_| std::fs::rename(&tmp, file)).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        env_file_failure(file, e)
    })
}

fn env_file_failure(file: &Path, e: std::io::Error) -> Failure {
    Failure::new(Exit::Failure, "write_failed", format!("--env-file {}: {e}", file.display()))
        .with_hint("name a file in a directory you can write, e.g. --env-file /tmp/sandbox.env")
}

/// Ctrl-C or SIGTERM: both mean "stop cleanly".
struct StopSignal {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
}

impl StopSignal {
    fn install() -> StopSignal {
        StopSignal {
            #[cfg(unix)]
            term: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok(),
        }
    }

    async fn wait(mut self) {
        #[cfg(unix)]
        if let Some(term) = self.term.as_mut() {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::shell_quote;

    #[test]
    fn quotes_only_what_a_shell_would_split() {
        assert_eq!(shell_quote("http://127.0.0.1:5/heroku/"), "http://127.0.0.1:5/heroku/");
        assert_eq!(shell_quote("/tmp/a b"), "'/tmp/a b'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }
}
