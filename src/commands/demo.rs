//! `bpdeploy demo`: start the sandbox in-process and walk the deploy routine against it,
//! narrating like a teammate. Each step runs a real bpdeploy command in-process; a command
//! whose issue has not landed yet is skipped with one line, so the demo grows as they land.
use crate::cli::{
    Command, DemoArgs, DeployArgs, GlobalArgs, PreflightArgs, ReleasesArgs, RollbackArgs, Scenario, TriageArgs,
};
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
    /// `ran`, `skipped` (not implemented yet), `failed` (an error, not a verdict).
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

struct Step {
    name: &'static str,
    story: String,
    command: Command,
}

/// The routine, told for this drill.
fn steps(scenario: Scenario, culprit: Option<u64>) -> Vec<Step> {
    let mut steps = vec![
        Step {
            name: "releases",
            story: "First, what is production running? This is Heroku's activity view: each release, its commit and who shipped it.".into(),
            command: Command::Releases(ReleasesArgs { number: 8 }),
        },
        Step {
            name: "preflight",
            story: "Before touching anything, let's see what's about to ship: the PRs since production's commit, who owns them, the migrations (two look risky), CI, and Sentry's baseline.".into(),
            command: Command::Preflight(PreflightArgs::default()),
        },
        Step {
            name: "deploy --watch",
            story: "Looks acceptable. Shipping it: build, release phase (the migrations run here), then we watch Sentry while traffic moves over.".into(),
            command: Command::Deploy(DeployArgs { watch: true, ..Default::default() }),
        },
    ];
    let troubled = !matches!(
        scenario,
        Scenario::Happy
            | Scenario::FlakyApi
            | Scenario::SlowStream
            | Scenario::BuildFails
            | Scenario::ReleaseFails
            | Scenario::RemoveColumn
    );
    if troubled {
        steps.push(Step {
            name: "triage",
            story: "Sentry is unhappy. Triage: which PR does the new error come from, and what should we do about it?"
                .into(),
            command: Command::Triage(TriageArgs::default()),
        });
    }
    if troubled {
        let why = match culprit {
            Some(pr) => format!("The error sits in code PR #{pr} brought. Reverting that one PR would keep the rest, but it takes CI, a build and a release; rolling back is instant."),
            None => "The quickest relief is rolling the code back while someone looks at the cause.".to_string(),
        };
        steps.push(Step {
            name: "rollback",
            story: format!("{why} The rollback first shows what it takes out of production, which migrations stay applied and whether the old code can live with them, then moves the app back."),
            command: Command::Rollback(RollbackArgs::default()),
        });
    }
    steps
}

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
    if let Some(path) = outer.get("PATH") {
        pairs.push(("PATH".into(), path));
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
        .map_err(|e| Failure::new(Exit::Failure, "sandbox_failed", e.to_string()))?;
    ctx.ui.info(&format!(
        "Demo: the {} drill. A local sandbox plays Heroku, GitHub, Sentry and Slack at {}; nothing leaves this machine.",
        args.scenario.name(),
        sandbox.base_url()
    ));
    // The inner commands write to the same terminal as the demo (tables aligned, spinners on a
    // TTY) but never ask: the demo answers yes for them.
    let inner_ui = Ui { json: false, quiet: false, yes: true, dry_run: false, stdin_tty: false, ..ctx.ui.clone() };
    let inner = Context::new(GlobalArgs { yes: true, ..Default::default() }, inner_env(&sandbox, &ctx.env), inner_ui);
    let plan = steps(args.scenario, sandbox.culprit_pr());
    let walk = async {
        let mut reports = Vec::new();
        for step in plan {
            ctx.ui.info(&format!("\n== {} ==\n{}", step.name, step.story));
            // Boxed: the demo is itself a command that dispatch can reach.
            let inner_run: std::pin::Pin<Box<dyn std::future::Future<Output = CommandResult> + '_>> =
                Box::pin(dispatch(&inner, step.command));
            let report = match inner_run.await {
                Ok(outcome) => {
                    // With --json, stdout carries only the demo's own document.
                    if ctx.ui.json {
                        ctx.ui.info(outcome.human(&inner.ui).trim_end());
                    } else {
                        emit(&inner.ui, outcome.as_ref());
                    }
                    StepReport { step: step.name.into(), status: "ran", exit: Some(outcome.exit().code()) }
                }
                Err(err) => {
                    let failure = Failure::from_anyhow(&err);
                    if failure.code == "not_implemented" {
                        ctx.ui.info(&format!("(skipped: `bpdeploy {}` has not landed in this build yet)", step.name));
                        StepReport { step: step.name.into(), status: "skipped", exit: None }
                    } else {
                        inner.ui.error(&failure);
                        StepReport { step: step.name.into(), status: "failed", exit: Some(failure.exit.code()) }
                    }
                }
            };
            reports.push(report);
        }
        reports
    };
    let reports = tokio::select! {
        r = walk => r,
        _ = tokio::signal::ctrl_c() => {
            sandbox.shutdown().await;
            return Err(Failure::new(Exit::Interrupted, "interrupted", "demo interrupted").into());
        }
    };
    let messages = sandbox.slack_record().messages.len();
    if messages > 0 {
        ctx.ui.info(&format!(
            "\nSlack got {messages} message(s) from this drill (the sandbox keeps them at {}/_sandbox/slack).",
            sandbox.base_url()
        ));
    }
    ctx.ui.info("\nThat's the routine: look before shipping, ship with eyes open, and recover with the smallest step that works.");
    sandbox.shutdown().await;
    Ok(Box::new(DemoOutcome { scenario: args.scenario.name(), steps: reports }))
}
