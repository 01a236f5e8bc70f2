//! Reading Slack (bot token only): `conversations.history` for what was said in a channel since
//! a moment, `conversations.list` to find a channel's id by its name, and `auth.test` for the
//! bot's own identity. Reads are GETs with the arguments in the query, cursor-paged.
use super::types::{Answer, Conversation, HistoryMessage, Identity, Listing};
use super::{refusal, Slack};
use crate::api::http::{Call, HttpCore};
use crate::api::ApiError;
use serde::de::DeserializeOwned;

/// Pages followed at most: a watch wants the recent messages, not a channel's archive.
const MAX_PAGES: usize = 5;

impl Slack {
    /// Top-level messages of `channel` (an id) newer than `oldest` (a Slack ts, `seconds.micros`),
    /// newest first. Needs the `channels:history` scope (`groups:history` for private channels).
    pub async fn history(&self, channel: &str, oldest: &str) -> Result<Vec<HistoryMessage>, ApiError> {
        let http = self.bot_or("read a channel's history")?;
        let call = Call::get("conversations.history", "conversations.history")
            .query("channel", channel)
            .query("oldest", oldest)
            .query("limit", 100);
        pages(http, call).await
    }

    /// Channels the token can see, archived ones left out (`channels:read`, `groups:read`).
    pub async fn conversations(&self) -> Result<Vec<Conversation>, ApiError> {
        let http = self.bot_or("list channels")?;
        let call = Call::get("conversations.list", "conversations.list")
            .query("types", "public_channel,private_channel")
            .query("exclude_archived", "true")
            .query("limit", 200);
        pages(http, call).await
    }

    /// `auth.test`: the bot's user and bot ids.
    pub async fn identity(&self) -> Result<Identity, ApiError> {
        let http = self.bot_or("read its identity")?;
        read(http, &Call::get("auth.test", "auth.test")).await
    }
}

/// Follows `response_metadata.next_cursor` for up to [`MAX_PAGES`] pages.
pub(super) async fn pages<T: DeserializeOwned>(http: &HttpCore, call: Call) -> Result<Vec<T>, ApiError> {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page_call = match &cursor {
            Some(c) => call.clone().query("cursor", c),
            None => call.clone(),
        };
        let page: Listing<T> = read(http, &page_call).await?;
        items.extend(page.messages);
        cursor = page.response_metadata.and_then(|m| m.next_cursor).filter(|c| !c.is_empty());
        if cursor.is_none() {
            break;
        }
    }
    Ok(items)
}

/// Sends a read and decodes it, after checking Slack's `ok`.
pub(super) async fn read<T: DeserializeOwned>(http: &HttpCore, call: &Call) -> Result<T, ApiError> {
    let reply = http.send(call).await?;
    let answer: Answer = reply.json()?;
    if !answer.ok {
        return Err(refusal(http, &reply, answer));
    }
    reply.json()
}
