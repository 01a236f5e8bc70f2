//! The deploy's paper trail: the GitHub deployment (also the deploy lock, see `lock_io`) and the
//! Sentry release it writes, and the Slack message it keeps up to date. Apart from the lock,
//! recording is bookkeeping: a failure here becomes a warning, never a reason to stop a deploy
//! half-way. Each create is sent once; after a lost answer it is read back, never sent again.
use crate::api::github::{DeploymentCreated, GitHub, NewDeployment, NewDeploymentStatus};
use crate::api::sentry::{CommitRef, NewDeploy, NewRelease, Sentry};
use crate::api::slack::{Message, Posted, Slack};
use crate::api::ApiError;
use crate::deploy::account::SlackState;
use crate::deploy::announce::{Announcement, SlackStage, StageFacts};
use crate::deploy::follow::{ReadBack, READ_BACK_POLLS};
use crate::deploy::steps::DeploymentState;
use chrono::{DateTime, Utc};

/// The description of every GitHub deployment bpdeploy creates; the lock recognises it.
pub const DEPLOYMENT_DESCRIPTION: &str = "bpdeploy";

/// Creates the GitHub deployment (ref = sha, environment = the app, no auto-merge) and marks it
/// in progress. Returns its id. A create whose answer was lost is looked for (this run's exact
/// description on a deployment with no status yet) instead of being sent again.
pub async fn start_deployment(github: &GitHub, sha: &str, app: &str, who: &str) -> Result<Option<u64>, ApiError> {
    let description = format!("{DEPLOYMENT_DESCRIPTION}: {who} deploying {}", &sha[..sha.len().min(7)]);
    let id = match github.create_deployment(&NewDeployment::record(sha, app, &description)).await {
        Ok(DeploymentCreated::Created(d)) => d.id,
        Ok(DeploymentCreated::Merged { .. }) => return Ok(None),
        Err(e) if e.is_ambiguous() => find_lost_deployment(github, sha, app, &description).await?.ok_or(e)?,
        Err(e) => return Err(e),
    };
    set_deployment_status(github, id, DeploymentState::InProgress, "deploying").await?;
    Ok(Some(id))
}

/// After a deployment create got no answer: this run's deployment (its exact description, no
/// status yet), read back over a safe window (several reads over at least twice the request
/// timeout). A request that reached GitHub late is found and used, instead of being left behind
/// in progress, holding the lock against the very deploy the hint asks for.
async fn find_lost_deployment(
    github: &GitHub,
    sha: &str,
    app: &str,
    description: &str,
) -> Result<Option<u64>, ApiError> {
    let window = github.http().settings().timeout * 2;
    let mut read_back = ReadBack::new(window);
    loop {
        for d in github.deployments(Some(sha), Some(app)).await? {
            if d.description.as_deref() == Some(description) && github.deployment_statuses(d.id).await?.is_empty() {
                return Ok(Some(d.id));
            }
        }
        if read_back.missed() {
            return Ok(None);
        }
        tokio::time::sleep(window / READ_BACK_POLLS).await;
    }
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

/// A bookkeeping write (Slack, the Sentry release and marker, a deployment status) that did not
/// happen, said as it is: a dry run held it back, which is no failure, or it failed.
pub fn not_recorded(what: &str, e: &ApiError) -> String {
    match e {
        ApiError::DryRun { .. } => e.to_string(),
        _ => format!("{what} failed: {e}"),
    }
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
    pub state: SlackState,
    /// A post whose answer was lost: what it said and when it was sent, to find it again.
    lost: Option<LostPost>,
    /// The latest stage not shown while that post was lost, to show once it is found.
    skipped: Option<(SlackStage, StageFacts)>,
    /// Slack rejected the token (`invalid_auth`, `token_revoked`, …): nothing more is sent in
    /// this run, so the refusal is met, and warned about, once.
    refused: bool,
}

struct LostPost {
    text: String,
    sent_at: DateTime<Utc>,
    /// It was the announcement, whose PR list in the thread was never sent.
    announcement: bool,
}

/// Slack's clock and ours may differ: a lost post is looked for from this long before it was sent.
const CLOCK_SKEW_SECS: i64 = 60;

impl Announcer {
    pub fn new(slack: Slack, channel: String, text: Announcement) -> Announcer {
        let state = SlackState::NotPosted;
        Announcer { slack, channel, text, posted: None, state, lost: None, skipped: None, refused: false }
    }

    /// Slack rejected the token earlier in this run: nothing more is sent.
    pub fn refused(&self) -> bool {
        self.refused
    }

    /// Remembers a rejected token (Slack's auth errors mean 401).
    fn note_refusal<T>(&mut self, result: &Result<T, ApiError>) {
        if result.as_ref().is_err_and(|e| e.status() == Some(401)) {
            self.refused = true;
        }
    }

    /// The first message and the PR list in its thread.
    pub async fn announce(&mut self) -> Result<(), ApiError> {
        if self.refused {
            return Ok(());
        }
        let result = self.announce_once().await;
        self.note_refusal(&result);
        result
    }

    async fn announce_once(&mut self) -> Result<(), ApiError> {
        let headline = self.text.headline(SlackStage::Announced, &StageFacts::default());
        let posted = self.post(Message::text(headline)).await;
        if let Some(lost) = self.lost.as_mut() {
            lost.announcement = true;
        }
        let posted = posted?;
        self.posted = Some(posted);
        self.reply_pull_requests().await
    }

    /// The PR list, in the thread of the message just posted (a webhook has no threads).
    async fn reply_pull_requests(&mut self) -> Result<(), ApiError> {
        let Some(posted) = self.posted.clone() else { return Ok(()) };
        if let (true, Some(ts)) = (self.slack.can_edit(), posted.ts.as_deref()) {
            let channel = posted.channel.clone().unwrap_or_else(|| self.channel.clone());
            self.slack.reply(&channel, ts, &Message::text(self.text.pull_request_thread())).await?;
        }
        Ok(())
    }

    /// Takes over the deploy's own announcement of this commit, when the channel holds one: a
    /// watch (the command that resumes a deploy, or the one a deploy names next) edits it in
    /// place instead of announcing the same deploy twice. False when there is none to take.
    pub async fn take_over(&mut self, released_at: DateTime<Utc>) -> Result<bool, ApiError> {
        if !self.slack.can_edit() || self.posted.is_some() || self.refused {
            return Ok(false);
        }
        let found =
            crate::deploy::slack_thread::find_announcement(&self.slack, &self.channel, &self.text.sha, released_at)
                .await;
        self.note_refusal(&found);
        let found = found?;
        let Some(found) = found.filter(|f| self.text.adopt(&f.text)) else { return Ok(false) };
        self.posted = Some(Posted { channel: Some(found.channel), ts: Some(found.ts) });
        self.state = SlackState::UpToDate;
        Ok(true)
    }

    /// Posts a new top-level message, unless an earlier post got no answer: that one may be in
    /// the channel already, and a second announcement of the same deploy confuses.
    async fn post(&mut self, message: Message) -> Result<Posted, ApiError> {
        let sent_at = Utc::now();
        match self.slack.post(&self.channel, &message).await {
            Ok(posted) => {
                self.state = SlackState::UpToDate;
                Ok(posted)
            }
            Err(e) => {
                if e.is_ambiguous() {
                    self.state = SlackState::Unknown;
                    self.lost = Some(LostPost { text: message.text.clone(), sent_at, announcement: false });
                }
                Err(e)
            }
        }
    }

    /// After a post got no answer, the channel is read back (a bot token can read it) before
    /// anything else is sent: found, it is the message to edit from now on; not found, nothing
    /// is posted again. Tried at each later stage, so that a post that reached Slack late is found.
    async fn find_lost_post(&mut self) {
        let Some(lost) = self.lost.as_ref().filter(|_| self.slack.can_edit()) else { return };
        let since = lost.sent_at - chrono::Duration::seconds(CLOCK_SKEW_SECS);
        let text = lost.text.clone();
        let found = crate::deploy::slack_thread::find_own(&self.slack, &self.channel, since, |t| t == text).await;
        let Ok(Some(found)) = found else { return };
        let announcement = lost.announcement;
        self.posted = Some(Posted { channel: Some(found.channel), ts: Some(found.ts) });
        self.state = SlackState::UpToDate;
        self.lost = None;
        if announcement {
            // Never sent: its post never answered. A failure is the thread's, not the message's.
            let _ = self.reply_pull_requests().await;
        }
    }

    /// At the end of a run whose post is still lost, the channel is read back over a safe window
    /// (several reads, until at least twice the request timeout after the post was sent), so that
    /// a post that reached Slack late is found and shows how the run ended.
    pub async fn settle(&mut self, timeout: std::time::Duration, every: std::time::Duration) {
        let Some(sent_at) = self.lost.as_ref().filter(|_| self.slack.can_edit()).map(|l| l.sent_at) else { return };
        let since_sent = (Utc::now() - sent_at).to_std().unwrap_or_default();
        let mut read_back = ReadBack::new((timeout * 2).saturating_sub(since_sent));
        while self.state == SlackState::Unknown {
            self.find_lost_post().await;
            if self.state != SlackState::Unknown {
                break;
            }
            if read_back.missed() {
                return;
            }
            tokio::time::sleep(every).await;
        }
        if let Some((stage, facts)) = self.skipped.take() {
            let _ = self.update(stage, &facts).await;
        }
    }

    pub async fn update(&mut self, stage: SlackStage, facts: &StageFacts) -> Result<(), ApiError> {
        if self.refused {
            return Ok(());
        }
        if self.state == SlackState::Unknown {
            self.find_lost_post().await;
        }
        if self.state == SlackState::Unknown {
            self.skipped = Some((stage, facts.clone()));
            return Ok(());
        }
        let result = self.send_update(stage, facts).await;
        self.note_refusal(&result);
        if result.is_err() && self.state == SlackState::UpToDate {
            self.state = SlackState::Behind;
        }
        result
    }

    async fn send_update(&mut self, stage: SlackStage, facts: &StageFacts) -> Result<(), ApiError> {
        let headline = self.text.headline(stage, facts);
        let edit_target = self.posted.as_ref().and_then(|p| Some((p.channel.clone()?, p.ts.clone()?)));
        match (self.slack.can_edit(), edit_target) {
            (true, Some((channel, ts))) => {
                self.slack.update(&channel, &ts, &Message::text(headline)).await?;
                self.state = SlackState::UpToDate;
                if let Some(reply) = self.text.verdict_reply(stage, facts) {
                    self.slack.reply(&channel, &ts, &Message::text(reply)).await?;
                }
            }
            _ if stage.posts_with_webhook() => {
                let mut text = headline;
                if let Some(reply) = self.text.verdict_reply(stage, facts) {
                    text = format!("{text}\n{reply}");
                }
                let posted = self.post(Message::text(text)).await?;
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
