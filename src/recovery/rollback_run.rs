//! Every write `bpdeploy rollback` makes, in this one place: the deploy lock (a GitHub deployment
//! of the target's commit, see `rollback_lock`), the Slack notes in the deploy's thread, the
//! rollback POST (once; read back after a lost answer), the deployment's status and the Sentry
//! deploy. Following the release phase in between is reading only. `--dry-run`
//! never reaches this module.
use super::notify::Notice;
use super::report::{Action, Report};
use super::rollback::Plan;
use super::rollback_lock::RollbackLock;
use crate::api::heroku::Heroku;
use crate::api::sentry::Sentry;
use crate::api::Transport;
use crate::config::Config;
use crate::deploy::follow::read_stream;
use crate::deploy::records::{mark_sentry_deploy, not_recorded};
use crate::deploy::rollback::{send_rollback, settle, RollbackError};
use crate::deploy::steps::DeploymentState;
use crate::error::Failure;
use crate::exit::Exit;
use crate::next_step::NextStep;
use std::time::Duration;

/// What a person watching the rollback sees, handed to the command's `ui`.
pub enum Progress<'a> {
    Step(&'a str),
    /// A line of the release phase's output (from Heroku: scrub before printing).
    Output(&'a str),
    Warn(&'a str),
}

pub struct Writers {
    pub heroku: Heroku,
    pub sentry: Option<Sentry>,
    pub notice: Option<Notice>,
    pub transport: Transport,
    pub who: String,
    pub poll: Duration,
    /// The deploy lock (this run's GitHub deployment), taken before the rollback POST.
    pub lock: RollbackLock,
}

pub async fn roll_back(plan: &mut Plan, w: &mut Writers, config: &Config, mut progress: impl FnMut(Progress)) {
    let (Some(target), Some(current)) = (plan.target.clone(), plan.current.clone()) else { return };
    let report = &mut plan.report;
    let app = report.app.clone();
    let target_commit = report.target_commit();
    let mut warn = |m: &str| progress(Progress::Warn(m));
    let taken = w.lock.take(&app, target_commit.as_deref(), current.version, &mut warn).await;
    if let Err(refusal) = taken {
        report.refuse(refusal);
        return;
    }
    let shown = crate::deploy::announce::escape(&app);
    if let Some(n) = w.notice.as_mut() {
        let current_commit = report.current.as_ref().and_then(|c| c.commit.clone());
        let place =
            n.find_thread(current_commit.as_deref(), Some(current.updated_at.unwrap_or(current.created_at))).await;
        progress(Progress::Step(&place));
        let headline = format!(
            ":rewind: {} is rolling {shown} back from v{} to v{}; schema migrations stay applied",
            n.escape(&w.who),
            current.version,
            target.version
        );
        if let Err(e) = n.open(&headline, &leaving(report)).await {
            progress(Progress::Warn(&not_recorded("Slack announcement", &e)));
        }
    }
    progress(Progress::Step(&format!("rolling {app} back to v{} (one request)", target.version)));
    let (created, reconciled) = match send_rollback(&w.heroku, &app, &target, plan.newest, w.poll).await {
        Ok(sent) => sent,
        Err(e) => {
            report.action = Action::Failed;
            report.refusal = Some(match e {
                RollbackError::Unconfirmed(_) => Failure::new(Exit::Failure, "rollback_unconfirmed", e.to_string())
                    .with_hint("`bpdeploy releases` shows whether it happened; roll back again only if it did not"),
                e => Failure::from_anyhow(&anyhow::Error::new(e)),
            });
            report.next =
                vec![NextStep::new("bpdeploy releases", "see whether the rollback happened before trying again")];
            let why = "the rollback did not go through";
            w.lock.close(DeploymentState::Error, why, &mut |m: &str| progress(Progress::Warn(m))).await;
            update_notice(
                w,
                &format!(":x: the rollback of {shown} to v{} did not go through", target.version),
                &mut progress,
            )
            .await;
            return;
        }
    };
    if reconciled {
        progress(Progress::Warn(&format!(
            "the rollback request got no answer; Heroku shows it as v{}, so it was not sent again",
            created.version
        )));
    }
    progress(Progress::Step(&format!("v{}: release phase (the target's release command)", created.version)));
    if let Some(url) = &created.output_stream_url {
        if let Err(why) = read_stream(&w.transport, url, |line| progress(Progress::Output(line))).await {
            progress(Progress::Warn(&format!("the release phase output dropped ({why}); polling the release status")));
        }
    }
    let status = match settle(&w.heroku, &app, &created, w.poll).await {
        Ok(s) => s,
        Err(e) => {
            progress(Progress::Warn(&format!("cannot read v{}'s status: {e}", created.version)));
            "unknown".into()
        }
    };
    let mut release = super::facts::release_facts(&w.heroku, &app, &created).await;
    release.status = status.clone();
    report.release = Some(release);
    let ok = status == "succeeded";
    report.action = if ok { Action::RolledBack } else { Action::Failed };
    let (state, text) = match ok {
        true => (DeploymentState::Success, format!("rolled back to v{}", target.version)),
        false => (DeploymentState::Failure, format!("rollback release v{} {status}", created.version)),
    };
    w.lock.close(state, &text, &mut |m: &str| progress(Progress::Warn(m))).await;
    if let (true, Some(sentry), Some(sha)) = (ok, &w.sentry, &target_commit) {
        let release = config.release_name(sha);
        if let Some(warning) = mark_live(sentry, &release, &config.sentry.environment, created.version).await {
            progress(Progress::Warn(&warning));
        }
    }
    let headline = match ok {
        true => format!(
            ":rewind: {shown} was rolled back from v{} to v{} (live as v{}); schema migrations stay applied",
            current.version, target.version, created.version
        ),
        false => format!(
            ":x: the rollback release v{} of {shown} {status}; production still runs v{}",
            created.version, current.version
        ),
    };
    update_notice(w, &headline, &mut progress).await;
    let v = created.version;
    report.next = match ok {
        true => vec![NextStep::new(format!("bpdeploy watch --release v{v}"), format!("watch v{v} for errors"))],
        false => vec![
            NextStep::new("bpdeploy releases", "see what production runs now"),
            NextStep::new(
                format!("heroku releases:output v{v} --app {app}"),
                format!("read why the release phase of v{v} {status}"),
            ),
        ],
    };
}

pub async fn update_notice(w: &mut Writers, headline: &str, progress: &mut impl FnMut(Progress)) {
    if let Some(n) = w.notice.as_mut() {
        if let Err(e) = n.update(headline).await {
            progress(Progress::Warn(&not_recorded("Slack update", &e)));
        }
    }
}

/// The thread under the message: the PRs that leave production.
fn leaving(report: &Report) -> String {
    match &report.removed_pull_requests {
        None => "Which pull requests leave production is unknown: bpdeploy could not read the range.".into(),
        Some(prs) if prs.is_empty() => match report.warnings.iter().find(|w| w.code == "brings_back") {
            Some(w) => format!("No pull request leaves production: {}", w.message),
            None => "No pull requests leave production (direct pushes only).".into(),
        },
        Some(prs) => super::notify::pull_request_list("Leaving production:", prs),
    }
}

/// Tells Sentry the rollback release is live (bookkeeping): the warning when that did not happen,
/// a write a dry run held back said as such, not as a failure.
async fn mark_live(sentry: &Sentry, release: &str, environment: &str, version: u64) -> Option<String> {
    let e = mark_sentry_deploy(sentry, release, environment, &format!("v{version}")).await.err()?;
    Some(not_recorded("Sentry deploy marker", &e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{HttpCore, HttpSettings, MutationGate};
    use crate::credentials::{Service, Token};

    /// The deploy path said a held-back write as "dry run: POST … was not sent"; the rollback
    /// still said "Sentry deploy marker failed: dry run …", a failure that never happened.
    #[tokio::test]
    async fn a_sentry_marker_the_dry_run_held_back_is_said_as_held_back_not_failed() {
        let transport = Transport::new(HttpSettings::default()).unwrap().with_gate(MutationGate::closed());
        let base = url::Url::parse("http://127.0.0.1:9/sentry/").unwrap();
        let sentry = Sentry::new(HttpCore::new(transport, Service::Sentry, base, Some(Token::new("t"))), "acme");
        let warning = mark_live(&sentry, "shop@abc1234", "production", 8).await.expect("not sent: said");
        assert!(warning.starts_with("dry run: POST") && warning.contains("was not sent"), "{warning}");
        assert!(!warning.contains("failed"), "{warning}");
    }
}
