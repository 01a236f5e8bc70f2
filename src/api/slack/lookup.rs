//! Slack reads for a triage note: the person behind a commit author's email
//! (`users.lookupByEmail`), and a thread's replies (`conversations.replies`), read back after a
//! post whose answer was lost.
use super::history::{pages, read};
use super::types::{HistoryMessage, SlackUser, UserAnswer};
use super::Slack;
use crate::api::http::Call;
use crate::api::ApiError;

impl Slack {
    /// `users.lookupByEmail` (`users:read.email`): the workspace member with this email, or
    /// None when Slack knows nobody by it (`users_not_found`).
    pub async fn user_by_email(&self, email: &str) -> Result<Option<SlackUser>, ApiError> {
        let http = self.bot_or("look a person up by email")?;
        let call = Call::get("users.lookupByEmail", "users.lookupByEmail").query("email", email);
        match read::<UserAnswer>(http, &call).await {
            Ok(answer) => Ok(Some(answer.user)),
            Err(e) if e.error_id() == Some("users_not_found") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `conversations.replies`: the parent message `ts` of `channel` and its replies, oldest first.
    pub async fn replies(&self, channel: &str, ts: &str) -> Result<Vec<HistoryMessage>, ApiError> {
        let http = self.bot_or("read a thread")?;
        let call = Call::get("conversations.replies", "conversations.replies")
            .query("channel", channel)
            .query("ts", ts)
            .query("limit", 200);
        pages(http, call).await
    }
}
