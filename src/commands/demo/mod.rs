//! `bpdeploy demo`: start the sandbox in-process and walk the deploy routine against it,
//! narrating like a teammate. Each step runs a real bpdeploy command in-process, and what comes
//! next is decided by its result (see `story`); a step that errors is reported as failed.
mod story;
use crate::cli::{Command, DemoArgs, DeployArgs, GlobalArgs, PreflightArgs, ReleasesArgs, TriageArgs};
use crate::commands::{dispatch, CommandResult};
use crate::context::Context;
use crate::env::Env;
use crate::error::Failure;
use crate::exit::Exit;
use crate::sandbox::{Sandbox, SandboxOptions};
use crate::ui::render::{emit, Outcome};
use crate::ui::Ui;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct StepReport {
    pub step: String,
    /// `ran`, or `failed` (an error, not a verdict).
    pub status: &'static str,
    pub exit: Option<u8>,
}

#[derive(Debug, Serialize)]
pub struct DemoOutcome {
    pub scenario: &'static str,
    pub steps: Vec<StepReport>,
}

impl Outcome for DemoOutcome {
    fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
    fn human(&self, ui: &Ui) -> String {
        let rows: Vec<Vec<String>> = self
            .steps
            .iter()
            .map(|s| vec![s.step.clone(), s.status.into(), s.exit.map(|e| e.to_string()).unwrap_or_else(|| "-".into())])
            .collect();
        format!(
            "demo finished (scenario {})\n{}",
            self.scenario,
            crate::ui::render::table(ui, &["step", "status", "exit"], &rows)
        )
    }
}

const RELEASES: &str =
    "First, what is production running? This is Heroku's activity view: each release, its commit and who shipped it.";

/// The environment inner commands see: the sandbox's exports, its repository as cwd, and
/// short poll intervals so the story moves.
fn inner_env(sandbox: &Sandbox, outer: &Env) -> Env {
    let dir = sandbox.repo_dir().to_path_buf();
    let state = dir.join(".git").join("bpdeploy-state");
    let mut pairs = sandbox.env_pairs();
    pairs.push(("HOME".into(), outer.home().unwrap_or_else(|| dir.clone()).display().to_string()));
    pairs.push(("XDG_STATE_HOME".into(), state.display().to_string()));
    pairs.push(("BPDEPLOY_POLL_MS".into(), "250".into()));
    pairs.push(("BPDEPLOY_HTTP_RETRY_BASE_MS".into(), "100".into()));
    // PATH for git; the names the announcement credits the deploy to.
    for var in ["PATH", "BPDEPLOY_USER", "USER", "LOGNAME"] {
        if let Some(value) = outer.get(var) {
            pairs.push((var.into(), value));
        }
    }
    Env::from_pairs(dir, pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

pub async fn run(ctx: &Context, args: &DemoArgs) -> CommandResult {
    let speed = match ctx.env.get("BPDEPLOY_SANDBOX_SPEED") {
        Some(_) => super::sandbox::speed(ctx)?,
        None => 2.0, // a whole drill in well under a minute
    };
    let sandbox = Sandbox::start(SandboxOptions { speed, ..SandboxOptions::new(args.scenario) })
        .await
        .map_err(|e| super::sandbox::start_failure(&e))?;
    ctx.ui.info(&format!(
        "Demo: the {} drill. A local sandbox plays Heroku, GitHub, Sentry and Slack at {}; nothing leaves this machine.",
        args.scenario.name(),
        sandbox.base_url()
    ));
    // The inner commands write to the same terminal as the demo (tables aligned, spinners on a
    // TTY) but never ask: the demo answers yes for them. With --json their results go to stderr
    // (stdout is the demo's document), so nothing of theirs may count on stdout being a terminal.
    let stdout_tty = ctx.ui.stdout_tty && !ctx.ui.json;
    let inner_ui =
        Ui { json: false, quiet: false, yes: true, dry_run: false, stdin_tty: false, stdout_tty, ..ctx.ui.clone() };
    let inner = Context::new(GlobalArgs { yes: true, ..Default::default() }, inner_env(&sandbox, &ctx.env), inner_ui);
    let culprit = sandbox.culprit_pr();
    let walk = async {
        let mut walk = Walk { ctx, inner: &inner, reports: Vec::new() };
        walk.step("releases", RELEASES, Command::Releases(ReleasesArgs { number: 8 })).await;
        let Some(report) = walk.step("preflight", story::PREFLIGHT, Command::Preflight(PreflightArgs::default())).await
        else {
            return walk.reports;
        };
        let words = match story::after_preflight(&report) {
            story::AfterPreflight::Deploy(words) => words,
            story::AfterPreflight::Stop(words) => {
                ctx.ui.info(&format!("\n{words}"));
                return walk.reports;
            }
        };
        let deploy = Command::Deploy(DeployArgs { watch: true, ..Default::default() });
        let Some(result) = walk.step("deploy --watch", &words, deploy).await else { return walk.reports };
        match story::after_deploy(&result) {
            story::AfterDeploy::End(words) => ctx.ui.info(&format!("\n{words}")),
            story::AfterDeploy::Triage(words) => {
                let Some(triage) = walk.step("triage", &words, Command::Triage(TriageArgs::default())).await else {
                    return walk.reports;
                };
                // Triage's own next command, run as printed (with --yes, inside the sandbox).
                match story::after_triage(&triage, culprit) {
                    story::AfterTriage::Run(steps) => {
                        for (name, words, command) in steps {
                            walk.step(&name, &words, command).await;
                            // `&&`: the next command runs only after this one succeeded.
                            if walk.reports.last().and_then(|r| r.exit) != Some(0) {
                                break;
                            }
                        }
                    }
                    story::AfterTriage::End(words) => ctx.ui.info(&format!("\n{words}")),
                }
            }
        }
        walk.reports
    };
    let reports = tokio::select! {
        r = walk => r,
        _ = tokio::signal::ctrl_c() => {
            sandbox.shutdown().await;
            return Err(Failure::new(Exit::Interrupted, "interrupted", "demo interrupted").into());
        }
    };
    // The sandbox stops with the demo, so its Slack page would be gone: say what Slack got here.
    if let Some(words) = slack_summary(&sandbox.slack_record()) {
        ctx.ui.info(&format!("\n{words}"));
    }
    ctx.ui.info("\nThat's the routine: look before shipping, ship with eyes open, and recover with the smallest step that works.");
    sandbox.shutdown().await;
    Ok(Box::new(DemoOutcome { scenario: args.scenario.name(), steps: reports }))
}

/// The steps walked so far, each run as a real command against the sandbox.
struct Walk<'a> {
    ctx: &'a Context,
    inner: &'a Context,
    reports: Vec<StepReport>,
}

impl Walk<'_> {
    /// Tells the story, runs the command, shows its result; hands back its JSON form when it ran.
    async fn step(&mut self, name: &str, story: &str, command: Command) -> Option<serde_json::Value> {
        let (ctx, inner) = (self.ctx, self.inner);
        ctx.ui.info(&format!("\n== {name} ==\n{story}"));
        // Boxed: the demo is itself a command that dispatch can reach.
        let inner_run: std::pin::Pin<Box<dyn std::future::Future<Output = CommandResult> + '_>> =
            Box::pin(dispatch(inner, command));
        let (report, json) = match inner_run.await {
            Ok(outcome) => {
                // With --json, stdout carries only the demo's own document.
                if ctx.ui.json {
                    ctx.ui.info(outcome.human(&inner.ui).trim_end());
                } else {
                    emit(&inner.ui, outcome.as_ref());
                }
                let report = StepReport { step: name.into(), status: "ran", exit: Some(outcome.exit().code()) };
                (report, Some(outcome.to_json()))
            }
            Err(err) => {
                let failure = Failure::from_anyhow(&err);
                inner.ui.error(&failure);
                (StepReport { step: name.into(), status: "failed", exit: Some(failure.exit.code()) }, None)
            }
        };
        self.reports.push(report);
        json
    }
}

/// How many messages the drill posted, and what the announcement finally said.
fn slack_summary(record: &crate::sandbox::world::slack::SlackRecord) -> Option<String> {
    let count = record.messages.len();
    let last = record.messages.iter().rfind(|m| m.thread_ts.is_none())?;
    let text = crate::ui::sanitize::one_line(&last.text);
    let plural = if count == 1 { "" } else { "s" };
    Some(format!("Slack got {count} message{plural} from this drill; the announcement ended as: {text}"))
}
