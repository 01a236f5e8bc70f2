//! Everything posted to Slack, kept so tests and people can see how the deploy was announced.
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Serialize)]
pub struct SlackMessage {
    pub channel: String,
    pub ts: String,
    /// The parent's ts for a thread reply.
    pub thread_ts: Option<String>,
    pub text: String,
    pub blocks: Option<Value>,
    /// Every text the message has had, first to last (one entry per post or edit).
    pub history: Vec<String>,
    pub reactions: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct SlackRecord {
    pub messages: Vec<SlackMessage>,
    #[serde(skip)]
    pub next_ts: u64,
}

impl SlackRecord {
    pub fn find_mut(&mut self, channel: &str, ts: &str) -> Option<&mut SlackMessage> {
        self.messages.iter_mut().find(|m| m.channel == channel && m.ts == ts)
    }

    /// Slack timestamps: unique, increasing, `seconds.micros`.
    pub fn fresh_ts(&mut self, now_secs: i64) -> String {
        self.next_ts += 1;
        format!("{now_secs}.{:06}", self.next_ts)
    }

    /// Top-level messages and the replies in their threads.
    pub fn thread(&self, ts: &str) -> Vec<&SlackMessage> {
        self.messages.iter().filter(|m| m.thread_ts.as_deref() == Some(ts)).collect()
    }
}
