//! Slack messages and answers.
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A message: `text` is the notification fallback and is required when there are no blocks.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Message {
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocks: Option<Value>,
}

impl Message {
    pub fn text(text: impl Into<String>) -> Message {
        Message { text: text.into(), blocks: None }
    }
}

/// Where a message landed. Keep `channel` (an ID) and `ts` to edit it or thread under it;
/// a webhook gives neither.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    pub channel: Option<String>,
    pub ts: Option<String>,
}

/// The common part of every Web API answer.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Answer {
    pub ok: bool,
    pub error: Option<String>,
    pub channel: Option<String>,
    pub ts: Option<String>,
    pub response_metadata: Option<Value>,
    pub needed: Option<String>,
}

/// One message of `conversations.history` (top-level messages, newest first).
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct HistoryMessage {
    pub ts: String,
    #[serde(default)]
    pub text: String,
    /// The author's user id (`U…`); bots may have none.
    pub user: Option<String>,
    pub bot_id: Option<String>,
    /// Set on bot and integration messages (`Sentry`).
    pub username: Option<String>,
    /// `channel_join`, `bot_message`, …; None for what a person typed.
    pub subtype: Option<String>,
    pub bot_profile: Option<Named>,
    pub user_profile: Option<Profile>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Named {
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Profile {
    pub display_name: Option<String>,
    pub real_name: Option<String>,
}

/// A channel of `conversations.list`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Conversation {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub is_member: bool,
}

/// Who the bot token is (`auth.test`): its own messages are not news.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct Identity {
    pub user_id: Option<String>,
    pub bot_id: Option<String>,
}

/// A page of a cursor-paged Web API list.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Listing<T> {
    #[serde(default = "Vec::new", alias = "channels")]
    pub messages: Vec<T>,
    pub response_metadata: Option<Cursor>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Cursor {
    pub next_cursor: Option<String>,
}

/// A workspace member, as `users.lookupByEmail` answers.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct SlackUser {
    /// `U…`: what a mention (`<@U…>`) needs.
    pub id: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct UserAnswer {
    pub user: SlackUser,
}
