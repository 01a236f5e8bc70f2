//! `--notify`: the triage summary in the deploy's Slack thread, mentioning the suspects'
//! authors. bpdeploy keeps no local record of the deploy's message, so the thread is found by
//! reading the channel back: the bot's own announcement naming the release's commit. When it is
//! not there (or with a webhook, which cannot read), the summary is a new message and says so.
//! The post is sent once; after a lost answer the thread is read back before anything else.
use super::decision::Classification;
use super::evidence::TriagedRelease;
use super::report::IssueReport;
use super::suspects::implicated;
use crate::api::slack::{Message, Slack};
use crate::api::ApiError;
use crate::deploy::announce::escape;
use crate::deploy::slack_thread::find_announcement;
use crate::ui::sanitize::one_line;
use chrono::DateTime;

/// Where the summary went (or would go), in words for stderr.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub place: String,
    pub sent: bool,
}

pub struct Notifier<'a> {
    pub slack: &'a Slack,
    /// `[slack] channel`: an id or a name.
    pub channel: &'a str,
    pub app: &'a str,
    /// `--dry-run`: read, find the thread, send nothing.
    pub dry_run: bool,
}

impl Notifier<'_> {
    pub async fn send(&self, release: &TriagedRelease, issues: &[IssueReport]) -> Result<Notice, ApiError> {
        let mut mentions = Vec::new();
        for issue in issues {
            for s in implicated(&issue.suspects) {
                for p in &s.people {
                    let who = match self.slack.can_edit() {
                        true => self.slack.user_by_email(&p.email).await?.map(|u| format!("<@{}>", u.id)),
                        false => None,
                    };
                    let who = who.unwrap_or_else(|| escape(&one_line(&p.name)));
                    if !mentions.contains(&who) {
                        mentions.push(who);
                    }
                }
            }
        }
        let text = summary(release, self.app, issues, &mentions);
        let thread = match self.slack.can_edit() {
            true => self.find_thread(release).await?,
            false => None,
        };
        let place = match (&thread, self.slack.can_edit()) {
            (Some((channel, _)), _) => format!("the thread of the deploy's announcement in {channel}"),
            (None, true) => format!(
                "a new message in {}: the deploy's announcement of {} was not found there",
                self.channel,
                short(&release.commit)
            ),
            (None, false) => "a new message through the webhook (a webhook cannot find the deploy's thread)".into(),
        };
        if self.dry_run {
            return Ok(Notice { text, place, sent: false });
        }
        let message = Message::text(text.clone());
        let posted = match &thread {
            Some((channel, ts)) => self.slack.reply(channel, ts, &message).await,
            None => self.slack.post(self.channel, &message).await,
        };
        match posted {
            Ok(_) => Ok(Notice { text, place, sent: true }),
            Err(e) if e.is_ambiguous() => {
                // The answer was lost: read the thread back before saying anything.
                let Some((channel, ts)) = &thread else { return Err(e) };
                let replies = self.slack.replies(channel, ts).await?;
                let first = text.lines().next().unwrap_or_default();
                match replies.iter().any(|m| m.text.lines().next() == Some(first)) {
                    true => {
                        Ok(Notice { text, place: format!("{place} (found on reading the thread back)"), sent: true })
                    }
                    false => Err(e),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// The bot's own announcement of the release's commit, newest first, and its channel id.
    async fn find_thread(&self, release: &TriagedRelease) -> Result<Option<(String, String)>, ApiError> {
        // Not live (yet): the channel's whole history is read, as far back as Slack keeps it.
        let released_at = release.live_at.unwrap_or(DateTime::UNIX_EPOCH);
        let found = find_announcement(self.slack, self.channel, &release.commit, released_at).await?;
        Ok(found.map(|a| (a.channel, a.ts)))
    }
}

fn short(sha: &str) -> String {
    sha.chars().take(7).collect()
}

/// One block per issue: what it is, the decision, the suspects and the next command.
pub fn summary(release: &TriagedRelease, app: &str, issues: &[IssueReport], mentions: &[String]) -> String {
    let mut out = format!(":mag: Triage of {} v{} ({})", escape(app), release.version, short(&release.commit));
    if issues.is_empty() {
        out.push_str(": no new Sentry issue.");
        return out;
    }
    for i in issues {
        let decision = match i.classification {
            Classification::Experiment => "experiment: turn it off",
            Classification::Data => "data: no revert, no rollback",
            Classification::Transient => "transient: no action",
            Classification::Patch => "patch: fix forward",
            Classification::Revert => "revert",
            Classification::Rollback => "roll back",
        };
        out.push_str(&format!("\n• {} {}: *{decision}*", escape(&i.short_id), escape(&one_line(&i.title))));
        let suspects: Vec<String> = implicated(&i.suspects)
            .iter()
            .map(|s| match &s.url {
                Some(url) => format!("<{url}|{}> {}", s.label(), escape(&one_line(&s.title))),
                None => format!("{} {}", s.label(), escape(&one_line(&s.title))),
            })
            .collect();
        if !suspects.is_empty() {
            out.push_str(&format!("\n  Suspects: {}", suspects.join("; ")));
        }
        if let Some(cmd) = &i.next_command {
            out.push_str(&format!("\n  Next: `{}`", one_line(cmd)));
        }
    }
    if !mentions.is_empty() {
        out.push_str(&format!("\n{}: can you take a look?", mentions.join(" ")));
    }
    out
}
