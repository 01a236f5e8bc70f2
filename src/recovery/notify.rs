//! The Slack side of a recovery: one message, its thread (what leaves production, or what the
//! revert keeps), edited as the path goes on. With a webhook every update is a new message.
use crate::api::slack::{Message, Posted, Slack};
use crate::api::ApiError;
pub use crate::deploy::announce::pull_request_list;

pub struct Notice {
    slack: Slack,
    channel: String,
    posted: Option<Posted>,
}

impl Notice {
    pub fn new(slack: Slack, channel: String) -> Notice {
        Notice { slack, channel, posted: None }
    }

    /// Slack's mrkdwn escaping, for names and titles from outside.
    pub fn escape(&self, text: &str) -> String {
        crate::deploy::announce::escape(&crate::ui::sanitize::one_line(text))
    }

    /// Posts the message and the thread under it. Never resent: a doubled message confuses.
    pub async fn open(&mut self, headline: &str, thread: &str) -> Result<(), ApiError> {
        let posted = self.slack.post(&self.channel, &Message::text(headline.to_string())).await?;
        if let (true, Some(ts)) = (self.slack.can_edit(), posted.ts.as_deref()) {
            let channel = posted.channel.clone().unwrap_or_else(|| self.channel.clone());
            self.slack.reply(&channel, ts, &Message::text(thread.to_string())).await?;
        }
        self.posted = Some(posted);
        Ok(())
    }

    /// Edits the message (bot), or posts the new state (webhook, or nothing posted yet).
    pub async fn update(&mut self, headline: &str) -> Result<(), ApiError> {
        let target = self.posted.as_ref().and_then(|p| Some((p.channel.clone()?, p.ts.clone()?)));
        match (self.slack.can_edit(), target) {
            (true, Some((channel, ts))) => self.slack.update(&channel, &ts, &Message::text(headline.to_string())).await,
            _ => self.slack.post(&self.channel, &Message::text(headline.to_string())).await,
        }
        .map(|_| ())
    }

    /// A reply in the message's thread (bot only; skipped with a webhook).
    pub async fn reply(&mut self, text: &str) -> Result<(), ApiError> {
        let target = self.posted.as_ref().and_then(|p| Some((p.channel.clone()?, p.ts.clone()?)));
        match (self.slack.can_edit(), target) {
            (true, Some((channel, ts))) => {
                self.slack.reply(&channel, &ts, &Message::text(text.to_string())).await.map(|_| ())
            }
            _ => Ok(()),
        }
    }
}
