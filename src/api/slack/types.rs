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
