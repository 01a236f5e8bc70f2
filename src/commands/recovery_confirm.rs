//! The step both recovery commands share between preview and action: show the preview, then ask
//! (a TTY, or `--yes`). Ctrl-C here means nothing was sent.
use crate::context::Context;
use crate::error::Failure;
use crate::exit::Exit;
use crate::next_step::NextStep;
use crate::recovery::human;
use crate::recovery::report::Report;
use crate::ui::progress::Phase;

pub(crate) struct Answer {
    /// The preview is on screen already: the outcome prints only what happened.
    pub preview_shown: bool,
    /// Confirmed; when false the report carries the refusal.
    pub go: bool,
}

/// Nobody to ask and no `--yes`: said before the preview reads anything (exit 2). `--dry-run`
/// shows the preview without a question.
pub(crate) fn require_consent(ctx: &Context, what: &str) -> Result<(), Failure> {
    match ctx.ui.consent_needed() {
        true => Err(crate::ui::consent_missing(&format!("{what} needs confirmation"))),
        false => Ok(()),
    }
}

/// Ends the preview's progress line: "Preview ready" when it can go ahead; a refused one is
/// ready for nothing, and its result says why.
pub(crate) fn preview_done(phase: Phase, report: &Report) {
    phase.finish(if report.refusal.is_none() { "Preview ready" } else { "" });
}

pub(crate) fn interrupted() -> Failure {
    Failure::new(Exit::Interrupted, "interrupted", "interrupted before anything was sent")
}

pub(crate) async fn preview_and_confirm(
    ctx: &Context,
    report: &mut Report,
    question: String,
) -> anyhow::Result<Answer> {
    // Shown before anything moves, above the question or, with `--yes` on a terminal, above the
    // work: read after it, it would tell what was about to happen once it had. Off a terminal
    // `--yes` keeps stdout one piece, preview and result; `--json` has it all at the end.
    let preview_shown = !ctx.ui.json && (!ctx.ui.yes || ctx.ui.stdout_tty);
    if preview_shown {
        ctx.ui.out(&human::preview(report, &ctx.ui));
    }
    let ui = ctx.ui.clone();
    let answer = tokio::select! {
        a = tokio::task::spawn_blocking(move || ui.confirm(&question)) => a?,
        _ = tokio::signal::ctrl_c() => return Err(interrupted().into()),
    };
    let go = answer?;
    if !go {
        report.refuse(Failure::new(Exit::Failure, "declined", "not confirmed: nothing was sent"));
    }
    Ok(Answer { preview_shown, go })
}

/// The next step of a run that sent nothing but could have (a dry run, a declined question):
/// `command`, the same command again without `--dry-run`, to `what`. A refusal keeps its own.
pub(crate) fn offer_again(report: &mut Report, command: String, what: &str) {
    let why = match report.refusal.as_ref().map(|f| f.code.as_str()) {
        None => format!("{what}, as previewed"),
        Some("declined") => format!("nothing was sent: run it again to {what}"),
        Some(_) => return,
    };
    report.next = vec![NextStep::new(command, why)];
}
