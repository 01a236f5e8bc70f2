//! The deploy's paper trail: the lock evidence it reads, the GitHub deployment and the Sentry
//! release it writes, and the Slack message it keeps up to date. Recording is bookkeeping: a
//! failure here becomes a warning, never a reason to stop a deploy half-way.
use crate::api::github::{GitHub, NewDeployment, NewDeploymentStatus};
use crate::api::heroku::{Build, Heroku};
use crate::api::sentry::{CommitRef, NewDeploy, NewRelease, Sentry};
use crate::api::slack::{Message, Posted, Slack};
use crate::api::ApiError;
use crate::deploy::announce::{Announcement, SlackStage, StageFacts};
use crate::deploy::lock::{DeploymentRecord, LockEvidence, PendingWork, STALE_AFTER};
use crate::deploy::steps::DeploymentState;
use chrono::Utc;

/// The description of every GitHub deployment bpdeploy creates; the lock recognises it.
pub const DEPLOYMENT_DESCRIPTION: &str = "bpdeploy";

/// Reads what is in flight on the app (given its recent builds) and in GitHub's deployments of
/// its environment.
pub async fn lock_evidence(
    heroku: &Heroku,
    github: Option<&GitHub>,
    app: &str,
    builds: &[Build],
) -> Result<LockEvidence, ApiError> {
    let pending = |status: &str| status == "pending";
    let pending_builds = builds
        .iter()
        .filter(|b| pending(&b.status))
        .map(|b| PendingWork { who: b.user.as_ref().and_then(|u| u.email.clone()), since: b.created_at })
        .collect();
    let pending_releases = heroku
        .releases(app, 10)
        .await?
        .into_iter()
        .filter(|r| pending(&r.status))
        .map(|r| PendingWork { who: r.user.and_then(|u| u.email), since: r.created_at })
        .collect();
    let mut deployments = vec![];
    if let Some(github) = github {
        let now = Utc::now();
        for d in github.deployments(None, Some(app)).await?.into_iter().take(10) {
            let by_bpdeploy = d.description.as_deref().is_some_and(|t| t.starts_with(DEPLOYMENT_DESCRIPTION));
            // Statuses cost a request each: only deployments that could still hold the lock.
            let young = (now - d.created_at).to_std().map(|age| age < STALE_AFTER * 2).unwrap_or(true);
            let state = match by_bpdeploy && young {
                true => github.deployment_statuses(d.id).await?.into_iter().next().map(|s| s.state),
                false => Some("unknown".into()),
            };
            deployments.push(DeploymentRecord {
                id: d.id,
                creator: d.creator.map(|u| u.login),
                created_at: d.created_at,
                state,
                by_bpdeploy,
            });
        }
    }
    Ok(LockEvidence { pending_builds, pending_releases, deployments })
}

/// Creates the GitHub deployment (ref = sha, environment = the app, no auto-merge) and marks it
/// in progress. Returns its id.
pub async fn start_deployment(github: &GitHub, sha: &str, app: &str, who: &str) -> Result<Option<u64>, ApiError> {
    let description = format!("{DEPLOYMENT_DESCRIPTION}: {who} deploying {}", &sha[..sha.len().min(7)]);
    let created = github.create_deployment(&NewDeployment::record(sha, app, &description)).await?;
    let id = match created {
        crate::api::github::DeploymentCreated::Created(d) => d.id,
        crate::api::github::DeploymentCreated::Merged { .. } => return Ok(None),
    };
    set_deployment_status(github, id, DeploymentState::InProgress, "deploying").await?;
    Ok(Some(id))
}

pub async fn set_deployment_status(
    github: &GitHub,
    id: u64,
    state: DeploymentState,
    description: &str,
) -> Result<(), ApiError> {
    let status = NewDeploymentStatus {
        state: state.github_state().to_string(),
        log_url: None,
        environment_url: None,
        description: description.to_string(),
    };
    github.create_deployment_status(id, &status).await.map(|_| ())
}

/// The Sentry release with its commits (the previous release's commit → this one).
pub async fn create_sentry_release(
    sentry: &Sentry,
    version: &str,
    project: &str,
    repo: &str,
    sha: &str,
    previous_sha: Option<&str>,
) -> Result<(), ApiError> {
    let refs = vec![CommitRef {
        repository: repo.to_string(),
        commit: sha.to_string(),
        previous_commit: previous_sha.map(str::to_string),
    }];
    let release = NewRelease {
        version: version.to_string(),
        projects: vec![project.to_string()],
        refs,
        url: None,
        date_released: None,
    };
    sentry.create_release(&release).await.map(|_| ())
}

/// The deploy marker, when the release goes live.
pub async fn mark_sentry_deploy(sentry: &Sentry, version: &str, environment: &str, name: &str) -> Result<(), ApiError> {
    let deploy = NewDeploy {
        environment: environment.to_string(),
        name: Some(name.to_string()),
        url: None,
        date_started: None,
        date_finished: Some(Utc::now()),
        projects: vec![],
    };
    sentry.create_deploy(version, &deploy).await.map(|_| ())
}

/// The one Slack message of a deploy: posted once, then edited (bot) or followed by new
/// messages for the stages that matter (webhook).
pub struct Announcer {
    pub slack: Slack,
    pub channel: String,
    pub text: Announcement,
    posted: Option<Posted>,
}

impl Announcer {
    pub fn new(slack: Slack, channel: String, text: Announcement) -> Announcer {
        Announcer { slack, channel, text, posted: None }
    }

    /// The first message and the PR list in its thread.
    pub async fn announce(&mut self) -> Result<(), ApiError> {
        let headline = self.text.headline(SlackStage::Announced, &StageFacts::default());
        let posted = self.slack.post(&self.channel, &Message::text(headline)).await?;
        if let (true, Some(ts)) = (self.slack.can_edit(), posted.ts.as_deref()) {
            let channel = posted.channel.clone().unwrap_or_else(|| self.channel.clone());
            self.slack.reply(&channel, ts, &Message::text(self.text.pull_request_thread())).await?;
        }
        self.posted = Some(posted);
        Ok(())
    }

    pub async fn update(&mut self, stage: SlackStage, facts: &StageFacts) -> Result<(), ApiError> {
        let headline = self.text.headline(stage, facts);
        let edit_target = self.posted.as_ref().and_then(|p| Some((p.channel.clone()?, p.ts.clone()?)));
        match (self.slack.can_edit(), edit_target) {
            (true, Some((channel, ts))) => {
                self.slack.update(&channel, &ts, &Message::text(headline)).await?;
                if let Some(reply) = self.text.verdict_reply(stage, facts) {
                    self.slack.reply(&channel, &ts, &Message::text(reply)).await?;
                }
            }
            _ if stage.posts_with_webhook() => {
                let mut text = headline;
                if let Some(reply) = self.text.verdict_reply(stage, facts) {
                    text = format!("{text}\n{reply}");
                }
                let posted = self.slack.post(&self.channel, &Message::text(text)).await?;
                // `watch` announces nothing up front: its first message becomes the one to edit.
                if self.posted.is_none() {
                    self.posted = Some(posted);
                }
            }
            _ => {}
        }
        Ok(())
    }
}
