//! Slack channels where people and alerts speak (`[watch] slack_channels`): what was posted
//! there since the release, read with `conversations.history`. Shown in the watch and counted in
//! the verdict's reasons; never a failure on its own. A channel that cannot be read is off, with
//! the reason, and the watch goes on.
use crate::api::slack::{HistoryMessage, Identity, Slack};
use crate::api::ApiError;
use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

/// The longest first line kept of a message.
const FIRST_LINE_MAX: usize = 120;

/// Kinds of message that are news; joins, topic changes and the like are not.
const NEWS_SUBTYPES: [&str; 4] = ["bot_message", "thread_broadcast", "file_share", "me_message"];

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlackPost {
    /// The channel as configured (`#dev-questions`).
    pub channel: String,
    pub author: String,
    pub at: DateTime<Utc>,
    /// The first line, scrubbed of control characters and cut at 120 characters.
    pub first_line: String,
}

/// One watched channel: its posts since the release, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelView {
    pub channel: String,
    pub posts: Vec<SlackPost>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub off: Option<String>,
}

/// Slack's `ts` (`1714564800.000100`) as a time.
pub fn ts_time(ts: &str) -> Option<DateTime<Utc>> {
    let (secs, micros) = ts.split_once('.').unwrap_or((ts, "0"));
    let micros: u32 = format!("{micros:0<6}").get(..6)?.parse().ok()?;
    Utc.timestamp_opt(secs.parse().ok()?, micros * 1000).single()
}

/// A time as Slack's `oldest` argument.
pub fn time_ts(at: DateTime<Utc>) -> String {
    format!("{}.{:06}", at.timestamp(), at.timestamp_subsec_micros())
}

/// The posts among `messages` worth showing: news (not joins or topic changes), not the bot's
/// own (its deploy announcement), oldest first.
pub fn posts(channel: &str, messages: &[HistoryMessage], me: &Identity) -> Vec<SlackPost> {
    let mut out: Vec<SlackPost> = messages
        .iter()
        .filter(|m| m.subtype.as_deref().map_or(true, |s| NEWS_SUBTYPES.contains(&s)))
        .filter(|m| !is_mine(m, me))
        .filter_map(|m| {
            Some(SlackPost {
                channel: channel.to_string(),
                author: author(m),
                at: ts_time(&m.ts)?,
                first_line: first_line(&m.text),
            })
        })
        .collect();
    out.sort_by_key(|p| p.at);
    out
}

/// The bot's own messages (the deploy announcement) are not news.
fn is_mine(m: &HistoryMessage, me: &Identity) -> bool {
    let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
    same(&m.user, &me.user_id) || same(&m.bot_id, &me.bot_id)
}

fn author(m: &HistoryMessage) -> String {
    let profile = m.user_profile.as_ref();
    let name = profile
        .and_then(|p| p.display_name.clone().filter(|n| !n.is_empty()).or_else(|| p.real_name.clone()))
        .or_else(|| m.username.clone())
        .or_else(|| m.bot_profile.as_ref().and_then(|b| b.name.clone()))
        .or_else(|| m.user.clone())
        .or_else(|| m.bot_id.clone())
        .unwrap_or_else(|| "someone".into());
    crate::ui::sanitize::one_line(&name)
}

fn first_line(text: &str) -> String {
    let line = crate::ui::sanitize::one_line(text.lines().find(|l| !l.trim().is_empty()).unwrap_or(""));
    match line.char_indices().nth(FIRST_LINE_MAX) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

/// A channel id (`C0123ABCD`, `G…` for old private channels) rather than a name.
fn is_id(channel: &str) -> bool {
    channel.len() >= 9
        && channel.starts_with(['C', 'G'])
        && channel.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// The configured channels, their ids found once, and the bot's identity.
#[derive(Debug, Clone)]
pub struct SlackWatch {
    /// (as configured, id or why it cannot be read)
    channels: Vec<(String, Result<String, String>)>,
    me: Identity,
}

impl SlackWatch {
    /// Finds the channels' ids (`conversations.list`, only when a name is given) and the bot's
    /// identity. Nothing here fails the watch: an unreadable channel is off, with the reason.
    pub async fn resolve(slack: &Slack, configured: &[String]) -> SlackWatch {
        let me = slack.identity().await.unwrap_or_default();
        let listing = if configured.iter().all(|c| is_id(c)) { None } else { Some(slack.conversations().await) };
        let channels = configured
            .iter()
            .map(|wanted| {
                let found = if is_id(wanted) {
                    Ok(wanted.clone())
                } else {
                    let name = wanted.trim_start_matches('#');
                    match &listing {
                        Some(Ok(all)) => all
                            .iter()
                            .find(|c| c.name == name)
                            .map(|c| c.id.clone())
                            .ok_or_else(|| format!("no channel named #{name} is visible to the bot")),
                        Some(Err(e)) => Err(why(e)),
                        None => Err("not looked up".into()),
                    }
                };
                (wanted.clone(), found)
            })
            .collect();
        SlackWatch { channels, me }
    }

    /// What each channel said since `since`.
    pub async fn look(&self, slack: &Slack, since: DateTime<Utc>) -> Vec<ChannelView> {
        let oldest = time_ts(since);
        let mut views = Vec::new();
        for (name, id) in &self.channels {
            let view = match id {
                Ok(id) => match slack.history(id, &oldest).await {
                    Ok(messages) => {
                        ChannelView { channel: name.clone(), posts: posts(name, &messages, &self.me), off: None }
                    }
                    Err(e) => ChannelView { channel: name.clone(), posts: vec![], off: Some(why(&e)) },
                },
                Err(reason) => ChannelView { channel: name.clone(), posts: vec![], off: Some(reason.clone()) },
            };
            views.push(view);
        }
        views
    }
}

/// Why Slack would not answer, with what to do about the common causes.
fn why(e: &ApiError) -> String {
    let fix = match e.error_id() {
        Some("missing_scope") => " (the bot token needs channels:history and channels:read)",
        Some("not_in_channel") => " (invite the bot to the channel)",
        Some("channel_not_found") => " (check the name, and invite the bot to private channels)",
        _ => "",
    };
    format!("{e}{fix}")
}

#[cfg(test)]
#[path = "slack_talk_tests.rs"]
mod tests;
