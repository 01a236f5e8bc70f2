//! The Slack side of a recovery. It belongs with the deploy it recovers from: the deploy's
//! announcement is found again by reading the channel back (bpdeploy stores nothing), each step
//! is a reply in its thread, and the announcement itself gets the latest state under its text.
//! When it cannot be found (or with a webhook, which cannot read) the recovery posts a message
//! of its own, edited as the path goes on (a webhook posts each state anew), and says so.
use super::sentry_issue::FollowedIssue;
use crate::api::slack::{Message, Posted, Slack};
use crate::api::ApiError;
pub use crate::deploy::announce::pull_request_list;
use crate::deploy::outcome::DeployOutcome;
use crate::deploy::slack_thread::{find_announcement, Announced};
use chrono::{DateTime, Utc};

enum Place {
    /// Nothing posted yet, and no thread found.
    Nowhere,
    /// The deploy's announcement: replies go in its thread.
    DeployThread(Announced),
    /// A message of the recovery's own.
    Own(Posted),
}

pub struct Notice {
    slack: Slack,
    channel: String,
    place: Place,
}

impl Notice {
    pub fn new(slack: Slack, channel: String) -> Notice {
        Notice { slack, channel, place: Place::Nowhere }
    }

    /// Slack's mrkdwn escaping, for names and titles from outside.
    pub fn escape(&self, text: &str) -> String {
        crate::deploy::announce::escape(&crate::ui::sanitize::one_line(text))
    }

    /// Looks for the announcement of the deploy of `sha` (released at `released_at`), so that
    /// what follows goes in its thread. Returns where the messages will go, in words.
    pub async fn find_thread(&mut self, sha: Option<&str>, released_at: Option<DateTime<Utc>>) -> String {
        let shown = sha.map(|s| &s[..s.len().min(7)]).unwrap_or("production's commit");
        if !self.slack.can_edit() {
            return "Slack: a webhook cannot read the channel to find the deploy's thread; posting new messages".into();
        }
        let (Some(sha), Some(at)) = (sha, released_at) else {
            return "Slack: production's commit is unknown, so is the deploy's announcement; posting a new message"
                .into();
        };
        match find_announcement(&self.slack, &self.channel, sha, at).await {
            Ok(Some(found)) => {
                self.place = Place::DeployThread(found);
                format!("Slack: in the thread of the deploy announcement of {shown}")
            }
            Ok(None) => format!(
                "Slack: the deploy announcement of {shown} is not in {} (bpdeploy reads the channel back; it stores nothing); posting a new message",
                self.channel
            ),
            Err(e) => format!("Slack: cannot read {} to find the deploy's thread ({e}); posting a new message", self.channel),
        }
    }

    /// The first state and its details (the PRs leaving, what the revert keeps): in the
    /// deploy's thread when found, else a message of its own with the details in its thread.
    /// Never resent: a doubled message confuses.
    pub async fn open(&mut self, headline: &str, details: &str) -> Result<(), ApiError> {
        if let Place::DeployThread(found) = &self.place {
            let (channel, ts) = (found.channel.clone(), found.ts.clone());
            self.slack.reply(&channel, &ts, &Message::text(headline.to_string())).await?;
            self.slack.reply(&channel, &ts, &Message::text(details.to_string())).await?;
            return self.mark_announcement(headline).await;
        }
        let posted = self.slack.post(&self.channel, &Message::text(headline.to_string())).await?;
        if let (true, Some(ts)) = (self.slack.can_edit(), posted.ts.as_deref()) {
            let channel = posted.channel.clone().unwrap_or_else(|| self.channel.clone());
            self.slack.reply(&channel, ts, &Message::text(details.to_string())).await?;
        }
        self.place = Place::Own(posted);
        Ok(())
    }

    /// A new state: a reply in the deploy's thread (and the announcement shows it), or the
    /// recovery's own message edited (bot) or posted anew (webhook, or nothing posted yet).
    pub async fn update(&mut self, headline: &str) -> Result<(), ApiError> {
        let message = Message::text(headline.to_string());
        match &self.place {
            Place::DeployThread(found) => {
                self.slack.reply(&found.channel, &found.ts, &message).await?;
                self.mark_announcement(headline).await
            }
            Place::Own(Posted { channel: Some(channel), ts: Some(ts) }) if self.slack.can_edit() => {
                self.slack.update(channel, ts, &message).await.map(|_| ())
            }
            _ => self.slack.post(&self.channel, &message).await.map(|_| ()),
        }
    }

    /// A reply in the thread (bot only; skipped with a webhook or before anything was posted).
    pub async fn reply(&mut self, text: &str) -> Result<(), ApiError> {
        let message = Message::text(text.to_string());
        match &self.place {
            Place::DeployThread(found) => self.slack.reply(&found.channel, &found.ts, &message).await.map(|_| ()),
            Place::Own(Posted { channel: Some(channel), ts: Some(ts) }) if self.slack.can_edit() => {
                self.slack.reply(channel, ts, &message).await.map(|_| ())
            }
            _ => Ok(()),
        }
    }

    /// The deploy's announcement keeps its own text, with the recovery's latest state under it:
    /// whoever scrolls the channel sees that this deploy was rolled back or reverted.
    async fn mark_announcement(&self, headline: &str) -> Result<(), ApiError> {
        let Place::DeployThread(found) = &self.place else { return Ok(()) };
        let text = format!("{}\n{headline}", found.text);
        self.slack.update(&found.channel, &found.ts, &Message::text(text)).await.map(|_| ())
    }
}

/// The note that ends a path which watched or deployed: how the new release fares (the watch's
/// verdict, or how the deploy ended), then the Sentry issue followed.
pub fn verdict_line(app: &str, outcome: &DeployOutcome, issue: Option<&FollowedIssue>) -> String {
    use crate::deploy::announce::escape;
    use crate::deploy::steps::Ending;
    let release = outcome.release.map(|v| format!("v{v}")).unwrap_or_else(|| "the new release".into());
    let app = escape(app);
    let reason = outcome.watch.as_ref().and_then(|w| w.reasons.first()).map(|r| format!(": {}", escape(&r.message)));
    let mut text = match outcome.status {
        Ending::Healthy => format!(":white_check_mark: {release} of {app} is healthy"),
        Ending::Live => format!(":rocket: {release} of {app} is live"),
        Ending::Failing => format!(":rotating_light: {release} of {app} is failing{}", reason.unwrap_or_default()),
        other => format!(":x: the deploy of {app} ended {}: {}", other.name(), escape(&outcome.production)),
    };
    if let Some(issue) = issue {
        text.push_str(&format!(" · {}", escape(&crate::ui::sanitize::one_line(&issue.line()))));
    }
    text
}
