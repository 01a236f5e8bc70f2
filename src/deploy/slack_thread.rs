//! Finding a deploy's Slack announcement again. bpdeploy keeps no local record of the messages it
//! posted, so the announcement is read back from the channel (`conversations.history`): the bot's
//! own top-level message naming the commit the deploy shipped. Whatever follows that deploy (a
//! rollback, a revert, a triage note) belongs in its thread.
use crate::api::slack::{HistoryMessage, Identity, Slack};
use crate::api::ApiError;
use chrono::{DateTime, Utc};

/// A deploy's announcement: the channel's id, the message's ts, and its text as it reads now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announced {
    pub channel: String,
    pub ts: String,
    pub text: String,
}

/// A deploy announces before its build, so its message is older than the release it made; a day
/// covers the slowest build and keeps the read to a page or two.
const LOOK_BACK_HOURS: i64 = 24;

/// The newest announcement in `channel` (an id, `#name` or `name`) by this bot of the deploy of
/// `sha`, which went out as a release at `released_at`. None when the channel holds none (or is
/// not one the bot can see). Needs a bot token: a webhook cannot read.
pub async fn find_announcement(
    slack: &Slack,
    channel: &str,
    sha: &str,
    released_at: DateTime<Utc>,
) -> Result<Option<Announced>, ApiError> {
    let short = &sha[..sha.len().min(7)];
    if short.len() < 7 {
        return Ok(None);
    }
    let oldest = released_at - chrono::Duration::hours(LOOK_BACK_HOURS);
    find_own(slack, channel, oldest, |text| announces(text, short)).await
}

/// The newest top-level message this bot posted in `channel` (an id, `#name` or `name`) since
/// `oldest` whose text `matches`. None when there is none (or the bot cannot see the channel).
pub async fn find_own(
    slack: &Slack,
    channel: &str,
    oldest: DateTime<Utc>,
    matches: impl Fn(&str) -> bool,
) -> Result<Option<Announced>, ApiError> {
    let Some(channel) = channel_id(slack, channel).await? else { return Ok(None) };
    let me = slack.identity().await?;
    let oldest = oldest.timestamp().max(0);
    let history = slack.history(&channel, &format!("{oldest}.000000")).await?;
    let found = history.into_iter().find(|m| by(&me, m) && matches(&m.text));
    Ok(found.map(|m| Announced { channel, ts: m.ts, text: m.text }))
}

/// The bot's own message: people quoting a sha, or other integrations, are not the announcement.
fn by(me: &Identity, m: &HistoryMessage) -> bool {
    (me.bot_id.is_some() && m.bot_id == me.bot_id) || (me.user_id.is_some() && m.user == me.user_id)
}

/// A deploy's headline names the short sha it deploys ("alice is deploying 83eea33 to shop", then
/// "alice deployed 83eea33 to shop").
fn announces(text: &str, short: &str) -> bool {
    let lower = text.to_lowercase();
    lower.contains(short) && (lower.contains("deploying ") || lower.contains("deployed "))
}

/// `conversations.history` takes an id; a configured name is looked up among the channels.
async fn channel_id(slack: &Slack, channel: &str) -> Result<Option<String>, ApiError> {
    if is_channel_id(channel) {
        return Ok(Some(channel.to_string()));
    }
    let name = channel.trim_start_matches('#');
    Ok(slack.conversations().await?.into_iter().find(|c| c.name == name).map(|c| c.id))
}

/// `C0123ABCD`, `G…` (private), `D…` (direct): an id, not a name.
fn is_channel_id(text: &str) -> bool {
    text.len() >= 9
        && text.starts_with(['C', 'G', 'D'])
        && text.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(text: &str, bot: Option<&str>, user: Option<&str>) -> HistoryMessage {
        HistoryMessage {
            ts: "1.000001".into(),
            text: text.into(),
            bot_id: bot.map(str::to_string),
            user: user.map(str::to_string),
            ..HistoryMessage::default()
        }
    }

    #[test]
    fn the_announcement_is_the_bots_own_headline_naming_the_sha() {
        let me = Identity { user_id: Some("U0BOT".into()), bot_id: Some("B0BOT".into()) };
        let headline = ":rocket: alice deployed 83eea33 to shop: 3 PRs, 1 migration · live as v7";
        assert!(by(&me, &message(headline, Some("B0BOT"), None)) && announces(headline, "83eea33"));
        assert!(by(&me, &message(headline, None, Some("U0BOT"))), "the bot user counts too");
        assert!(!by(&me, &message(headline, Some("B0OTHER"), None)), "another integration");
        assert!(!by(&me, &message(headline, None, Some("U0ALICE"))), "a person quoting it");
        assert!(announces(":construction: alice is deploying 83eea33 to shop", "83eea33"));
        assert!(!announces("alice deployed 1234567 to shop", "83eea33"), "another commit");
        assert!(!announces("83eea33 looks broken, anyone?", "83eea33"), "a sha alone is no announcement");
    }

    #[test]
    fn channel_ids_are_told_from_names() {
        assert!(is_channel_id("C0DEPLOYS1") && is_channel_id("G0123ABCD"));
        assert!(!is_channel_id("#deploys") && !is_channel_id("deploys") && !is_channel_id("C0DE"));
    }
}
