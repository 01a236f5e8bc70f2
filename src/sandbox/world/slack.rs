//! Everything posted to Slack, kept so tests and people can see how the deploy was announced.
pub use crate::sandbox::drill::Chatter;
use crate::sandbox::scratch::history::PEOPLE;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};

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
    /// What people and alerts say in the other channels (not posted by bpdeploy, so not shown
    /// at /_sandbox/slack); visible once their time has come.
    #[serde(skip)]
    pub chatter: Vec<ChatterMessage>,
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

/// The workspace's channels: (id, name). bpdeploy announces in #deploys; people ask in
/// #dev-questions; Sentry's Slack integration alerts in #sentry-integration.
pub const CHANNELS: [(&str, &str); 3] =
    [("C0DEPLOYS1", "deploys"), ("C0DEVQS001", "dev-questions"), ("C0SENTRY01", "sentry-integration")];

/// The channel id of a name (`#dev-questions`, `dev-questions`) or an id.
pub fn channel_id(name_or_id: &str) -> Option<&'static str> {
    let name = name_or_id.trim_start_matches('#');
    CHANNELS.iter().find(|(id, n)| *id == name_or_id || *n == name).map(|(id, _)| *id)
}

/// A message someone else posted: a person (by login) or the Sentry alert bot.
#[derive(Debug, Clone)]
pub struct ChatterMessage {
    pub channel: &'static str,
    pub at: DateTime<Utc>,
    pub ts: String,
    pub person: Option<&'static str>,
    pub text: &'static str,
}

impl ChatterMessage {
    pub fn new(said: &Chatter, at: DateTime<Utc>) -> ChatterMessage {
        ChatterMessage {
            channel: channel_id(said.channel).unwrap_or(CHANNELS[1].0),
            ts: format!("{}.{:06}", at.timestamp(), at.timestamp_subsec_micros()),
            at,
            person: said.person,
            text: said.text,
        }
    }

    /// The message as `conversations.history` lists it.
    pub fn json(&self) -> Value {
        match self.person.and_then(|login| PEOPLE.iter().find(|p| p.login == login)) {
            Some(p) => json!({"type": "message", "user": format!("U0{}", p.login.to_uppercase()), "text": self.text,
                "ts": self.ts, "user_profile": {"display_name": p.login, "real_name": p.name}}),
            None => json!({"type": "message", "subtype": "bot_message", "bot_id": "B0SENTRY01", "username": "Sentry",
                "text": self.text, "ts": self.ts, "bot_profile": {"name": "Sentry"}}),
        }
    }
}
