//! The Slack messages of a deploy. One message, edited in place as the phases pass, with the PR
//! list in its thread and the verdict as the last reply. A webhook cannot edit, so with a webhook
//! only the stages people act on are posted, each as a new message.
use serde::Serialize;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SlackStage {
    Announced,
    Building,
    ReleasePhase,
    Live,
    Watching,
    Healthy,
    BuildFailed,
    ReleaseFailed,
    Failing,
    RollingBack,
    RolledBack,
    /// Ctrl-C: bpdeploy stopped following; remote work continues.
    Unfollowed,
    Errored,
}

impl SlackStage {
    pub const ALL: [SlackStage; 13] = [
        SlackStage::Announced,
        SlackStage::Building,
        SlackStage::ReleasePhase,
        SlackStage::Live,
        SlackStage::Watching,
        SlackStage::Healthy,
        SlackStage::BuildFailed,
        SlackStage::ReleaseFailed,
        SlackStage::Failing,
        SlackStage::RollingBack,
        SlackStage::RolledBack,
        SlackStage::Unfollowed,
        SlackStage::Errored,
    ];

    /// With a webhook every update is a new message: skip the intermediate ones.
    pub fn posts_with_webhook(self) -> bool {
        !matches!(self, SlackStage::Building | SlackStage::ReleasePhase | SlackStage::Watching)
    }

    /// Stages that end the deploy get a thread reply with the verdict.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            SlackStage::Healthy
                | SlackStage::BuildFailed
                | SlackStage::ReleaseFailed
                | SlackStage::Failing
                | SlackStage::RolledBack
                | SlackStage::Errored
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PullRequestLine {
    pub number: u64,
    pub title: String,
    pub author: Option<String>,
    pub url: Option<String>,
}

/// What the announcement says about the deploy; fixed once the sha is known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Announcement {
    pub who: String,
    pub sha: String,
    pub app: String,
    pub pull_requests: Vec<PullRequestLine>,
    pub migrations: usize,
    /// Whether the PRs and migrations above are known: a deploy's preflight counts them, a watch
    /// does not, and says no counts rather than "0 PRs, 0 migrations".
    pub shipped_known: bool,
    /// The summary of a deploy's own announcement that a watch took over, as it was posted: its
    /// counts stay what the deploy said.
    pub posted_summary: Option<String>,
}

/// Facts learnt along the way that the later texts mention.
#[derive(Debug, Clone, Default)]
pub struct StageFacts {
    pub release_version: Option<u64>,
    /// The release production keeps serving when this one fails.
    pub previous_version: Option<u64>,
    pub watch_for: Option<Duration>,
    pub reason: Option<String>,
    pub rolled_back_to: Option<u64>,
    /// What production serves, read back from Heroku at the end (errors, Ctrl-C).
    pub production: Option<String>,
    /// The read-back says this run's release went live and serves now: a Ctrl-C then stops
    /// only the following (the watch), with nothing left running on Heroku.
    pub live: bool,
}

impl Announcement {
    pub fn short_sha(&self) -> &str {
        &self.sha[..self.sha.len().min(7)]
    }

    fn summary(&self) -> String {
        if let Some(posted) = &self.posted_summary {
            return posted.clone();
        }
        let what = format!("{} to {}", self.short_sha(), escape(&self.app));
        if !self.shipped_known {
            return what;
        }
        let prs = plural(self.pull_requests.len(), "PR", "PRs");
        let migrations = plural(self.migrations, "migration", "migrations");
        format!("{what}: {prs}, {migrations}")
    }

    /// Takes over a deploy's announcement as it reads in Slack (`:eyes: alice deployed 83eea33
    /// to shop: 5 PRs, 4 migrations · live as v7…`): its author and its summary stay as posted,
    /// the stage after ` · ` is this run's to write. False when the text is not a headline of
    /// this commit.
    pub fn adopt(&mut self, text: &str) -> bool {
        let body = match text.split_once(' ') {
            Some((emoji, rest)) if emoji.starts_with(':') && emoji.ends_with(':') => rest,
            _ => text,
        };
        for verb in [" is deploying ", " was deploying ", " could not deploy ", " deployed "] {
            let Some((who, rest)) = body.split_once(verb) else { continue };
            let summary = rest.split(" · ").next().unwrap_or(rest);
            if self.sha.len() < 7 || !summary.starts_with(self.short_sha()) {
                return false;
            }
            self.who = unescape(who);
            self.posted_summary = Some(summary.to_string());
            return true;
        }
        false
    }

    /// The text of the one deploy message at a given stage.
    pub fn headline(&self, stage: SlackStage, facts: &StageFacts) -> String {
        let who = escape(&self.who);
        let deploying = format!("{who} is deploying {}", self.summary());
        let deployed = format!("{who} deployed {}", self.summary());
        // Once it failed, nobody is deploying any more.
        let failed = format!("{who} could not deploy {}", self.summary());
        let v = |n: Option<u64>| n.map(|n| format!("v{n}")).unwrap_or_else(|| "the new release".into());
        let release = v(facts.release_version);
        let previous = facts.previous_version.map(|n| format!("v{n}")).unwrap_or_else(|| "the previous release".into());
        let reason = facts.reason.as_deref().map(|r| format!(": {}", escape(r))).unwrap_or_default();
        let production = facts.production.as_deref().map(|p| format!(". Now: {}", escape(p))).unwrap_or_default();
        match stage {
            SlackStage::Announced => format!(":construction: {deploying}"),
            SlackStage::Building => format!(":construction: {deploying} · building"),
            SlackStage::ReleasePhase => format!(":construction: {deploying} · release phase of {release} running"),
            SlackStage::Live => {
                format!(":rocket: {deployed} · live as {release}; traffic moves over the next 3–7 minutes")
            }
            SlackStage::Watching => {
                let span = facts.watch_for.map(crate::config::duration::format).unwrap_or_else(|| "a while".into());
                format!(":eyes: {deployed} · live as {release}, watching errors for {span}")
            }
            SlackStage::Healthy => format!(":white_check_mark: {deployed} · {release} is healthy"),
            SlackStage::BuildFailed => format!(":x: {failed} · the build failed; nothing changed in production"),
            SlackStage::ReleaseFailed => {
                format!(":x: {failed} · the release phase of {release} failed; production still runs {previous}")
            }
            SlackStage::Failing => format!(":rotating_light: {deployed} · {release} is failing{reason}"),
            SlackStage::RollingBack => format!(":rewind: {deployed} · {release} is failing, rolling back{reason}"),
            SlackStage::RolledBack => {
                let to = v(facts.rolled_back_to);
                format!(":rewind: {deployed} · {release} was rolled back to {to}; schema migrations stay applied")
            }
            SlackStage::Unfollowed if facts.live => {
                format!(
                    ":eyes: {deployed} · live as {release}; bpdeploy stopped following before a verdict{production}"
                )
            }
            SlackStage::Unfollowed => {
                format!(":pause_button: {deploying} · bpdeploy stopped following; Heroku carries on{production}")
            }
            SlackStage::Errored => {
                format!(
                    ":warning: {who} was deploying {} · bpdeploy stopped on an error{reason}{production}",
                    self.summary()
                )
            }
        }
    }

    /// The thread under the message: one line per PR.
    pub fn pull_request_thread(&self) -> String {
        if self.pull_requests.is_empty() {
            return "No pull requests in this deploy (direct pushes only).".into();
        }
        pull_request_list("Shipping:", &self.pull_requests)
    }

    /// The last reply in the thread, for stages that end the deploy.
    pub fn verdict_reply(&self, stage: SlackStage, facts: &StageFacts) -> Option<String> {
        if !stage.is_final() {
            return None;
        }
        let reason = facts.reason.as_deref().map(|r| format!(" {}", escape(r))).unwrap_or_default();
        Some(match stage {
            SlackStage::Healthy => format!("Verdict: healthy.{reason}"),
            SlackStage::Failing => format!("Verdict: failing.{reason}"),
            SlackStage::RolledBack => format!("Verdict: failing, rolled back.{reason}"),
            SlackStage::BuildFailed => {
                "The build failed: nothing changed in production; the database was not touched.".to_string()
            }
            SlackStage::ReleaseFailed => {
                format!("The release phase failed; production serves the previous release.{reason}")
            }
            _ => format!(
                "bpdeploy stopped on an error.{reason}{}",
                facts.production.as_deref().map(|p| format!(" Now: {}.", escape(p))).unwrap_or_default()
            ),
        })
    }
}

/// A header line, then one mrkdwn line per PR: its number (linked), title and author.
pub fn pull_request_list(header: &str, prs: &[PullRequestLine]) -> String {
    let mut out = format!("{header}\n");
    for pr in prs {
        let title = escape(&crate::ui::sanitize::one_line(&pr.title));
        let number = match &pr.url {
            Some(url) => format!("<{url}|#{}>", pr.number),
            None => format!("#{}", pr.number),
        };
        let by = pr.author.as_deref().map(|a| format!(" ({})", escape(a))).unwrap_or_default();
        out.push_str(&format!("• {number} {title}{by}\n"));
    }
    out.trim_end().to_string()
}

/// `3 pull requests`, `1 pull request`: a count with its noun.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Slack's mrkdwn reserves these three; everything else goes through as typed.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// What [`escape`] did, undone: a name read back from a posted message.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

#[cfg(test)]
#[path = "announce_tests.rs"]
mod tests;
