//! `bpdeploy triage [ISSUE...] [--release vN] [--notify]`: from Sentry issues to the pull
//! requests behind them, their authors and the next move. Reads only, except `--notify`, which
//! posts one Slack message (none with `--dry-run`).
use crate::api::sentry::IssueRef;
use crate::cli::TriageArgs;
use crate::commands::CommandResult;
use crate::context::Context;
use crate::recovery::rollback_target::Requested;
use crate::triage::assess::{assess, Services};
use crate::triage::human::Outcome;
use crate::triage::notify::Notifier;
use crate::triage::release::{issue_ids, triaged};
use crate::ui::progress::Phase;
use crate::ui::sanitize::one_line;

pub async fn run(ctx: &Context, args: &TriageArgs) -> CommandResult {
    let config = ctx.config()?;
    let app = config.require_app()?.to_string();
    config.require_sentry()?;
    let asked = Requested::parse(args.release.as_deref())?;
    let named = args.issues.iter().map(|a| IssueRef::parse(a)).collect::<Result<Vec<_>, _>>()?;
    let slack = match args.notify {
        true => Some(notify_target(ctx, &config)?),
        false => None,
    };
    let github = config.require_repo().ok().and_then(|_| ctx.github().ok());
    let graphql = github.as_ref().and_then(|_| ctx.github_graphql().ok());
    let services = Services { sentry: ctx.sentry()?, heroku: ctx.heroku()?, github, graphql };
    let phase = Phase::start(&ctx.ui, &format!("Reading {app}'s releases"));
    let release = triaged(&services.heroku, &config, &app, &asked).await?;
    phase.set_message(&format!("Listing the issues of v{}", release.version));
    let (ids, left) = issue_ids(&services.sentry, &config, &release, &named).await?;
    let show = |step: &str| phase.set_message(step);
    let mut report = assess(&services, &config, &app, release, &ids, &show).await?;
    phase.finish(&format!("Triaged {} issue{}", ids.len(), if ids.len() == 1 { "" } else { "s" }));
    if !left.is_empty() {
        report.warnings.push(format!(
            "{} more new issues were left out (fewer events): {}; name them to triage them",
            left.len(),
            left.iter().map(|s| one_line(s)).collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some((slack, channel)) = slack {
        // `--dry-run` closes the transport's mutation gate, so the post could not go out anyway;
        // asking the gate first lets the dry run say what it would post, and where.
        let dry_run = !ctx.gate().is_open();
        let notifier = Notifier { slack: &slack, channel: &channel, app: &app, dry_run };
        let notice = notifier.send(&report.release, &report.issues).await?;
        match notice.sent {
            true => ctx.ui.info(&format!("Posted the triage in {}", one_line(&notice.place))),
            false => ctx.ui.info(&format!(
                "Dry run: would post in {}:\n{}",
                one_line(&notice.place),
                crate::ui::sanitize::clean(&notice.text)
            )),
        }
    }
    Ok(Box::new(Outcome { report }))
}

/// Slack and the channel `--notify` posts in; a missing credential or channel is an error
/// before anything is read, so that `--notify` never silently does nothing.
fn notify_target(ctx: &Context, config: &crate::config::Config) -> anyhow::Result<(crate::api::slack::Slack, String)> {
    let missing = |what: &str, hint: &str| {
        crate::error::Failure::new(crate::exit::Exit::Failure, "config_missing", format!("--notify needs {what}"))
            .with_hint(hint.to_string())
    };
    let Some(slack) = ctx.slack()? else {
        return Err(missing("Slack credentials", "set SLACK_BOT_TOKEN (or SLACK_WEBHOOK_URL), or drop --notify").into());
    };
    match (&config.slack_channel, slack.can_edit()) {
        (Some(channel), _) => Ok((slack, channel.clone())),
        (None, false) => Ok((slack, String::new())),
        (None, true) => Err(missing("a channel", "add `[slack] channel = \"#deploys\"` to bpdeploy.toml").into()),
    }
}
