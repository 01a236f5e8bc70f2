//! The channels running beside a watch, started once and looked at every interval: the Heroku
//! log (router and dynos), the smoke checks, the Slack channels. What a look sees serialises as
//! the `router`, `dynos`, `smoke` and `slack` fields of the `watch` event; [`judge`] turns it
//! into reasons, each naming its channel.
use super::heroku_log::{LogState, LogWatch};
use super::log_tally::{breaches as log_breaches, LogLimits};
use super::logline::Channel;
use super::sentry_rules::{RegressionRule, TransientRule};
use super::slack_talk::{ChannelView, SlackWatch};
use super::smoke::{breaches as smoke_breaches, SmokeChecks, SmokeRule, UrlLog};
use crate::api::heroku::Heroku;
use crate::api::slack::Slack;
use crate::config::WatchConfig;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// What to run, from `[watch]` and the command's situation.
#[derive(Debug, Clone)]
pub struct ChannelPlan {
    /// Off in a dry run: a log session is a POST, and a dry run sends none.
    pub log: bool,
    pub smoke: Vec<url::Url>,
    pub slack_channels: Vec<String>,
    pub interval: Duration,
    pub limits: ChannelLimits,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChannelLimits {
    pub log: LogLimits,
    pub smoke: SmokeRule,
    pub transient: TransientRule,
    pub regression: RegressionRule,
}

impl ChannelPlan {
    /// `interval` is the watch's own (a flag may have changed the file's).
    pub fn from_config(c: &WatchConfig, interval: Duration, dry_run: bool) -> ChannelPlan {
        ChannelPlan {
            log: !dry_run,
            smoke: c.smoke.clone(),
            slack_channels: c.slack_channels.clone(),
            interval,
            limits: ChannelLimits {
                transient: TransientRule {
                    quiet: interval.saturating_mul(c.transient_quiet_intervals),
                    max_events: c.max_transient_events,
                    min_events: c.min_events,
                },
                regression: RegressionRule {
                    max_ratio: c.max_issue_rate_ratio,
                    min_events: c.min_events,
                    baseline_window: super::sentry_look::BASELINE_WINDOW,
                },
                log: LogLimits {
                    max_per_minute: c.max_router_errors_per_minute,
                    max_ratio: c.max_error_rate_ratio,
                    min_events: c.min_events,
                },
                smoke: SmokeRule { failing_rounds: c.smoke_failing_rounds, latency_ratio: c.smoke_latency_ratio },
            },
        }
    }
}

/// The running channels. Dropping it stops the log session and the smoke rounds.
pub struct Channels {
    log: Option<LogWatch>,
    smoke: Option<SmokeChecks>,
    slack: Option<(Slack, SlackWatch)>,
    /// Why a channel is off from the start (no bot token, a dry run), once, for a warning.
    pub off: Vec<(&'static str, String)>,
}

impl Channels {
    /// Starts what the plan asks for. `slack` is the bot client, when there is one.
    pub async fn start(
        heroku: &Heroku,
        slack: Option<&Slack>,
        app: &str,
        live_at: DateTime<Utc>,
        plan: &ChannelPlan,
    ) -> Channels {
        let mut off = Vec::new();
        let settings = heroku.http().settings().clone();
        let log = if plan.log {
            Some(LogWatch::start(heroku.clone(), app.to_string(), live_at, settings.poll))
        } else {
            off.push(("router", "a dry run opens no log session (it is a POST)".to_string()));
            None
        };
        let smoke = (!plan.smoke.is_empty()).then(|| {
            let client = heroku.http().transport().client().clone();
            SmokeChecks::start(client, plan.smoke.clone(), plan.interval, settings.timeout)
        });
        let slack = match (slack, plan.slack_channels.is_empty()) {
            (_, true) => None,
            (Some(s), false) if s.can_edit() => Some((s.clone(), SlackWatch::resolve(s, &plan.slack_channels).await)),
            _ => {
                off.push(("slack", "reading channels needs SLACK_BOT_TOKEN (a webhook cannot read)".to_string()));
                None
            }
        };
        Channels { log, smoke, slack, off }
    }

    /// What the channels say now.
    /// The log is read once: the counts shown and the tally judged are the same look.
    pub async fn look(&self, live_at: DateTime<Utc>) -> ChannelsSeen {
        let tally = self.log.as_ref().map(LogWatch::tally);
        let (router, dynos) = match (&self.log, &tally) {
            (Some(log), Some(tally)) => {
                let state = log.state();
                let view = |channel| LogView { state: state.clone(), counts: tally.since_release(channel) };
                (Some(view(Channel::Router)), Some(view(Channel::Dynos)))
            }
            _ => (None, None),
        };
        let slack = match &self.slack {
            Some((client, watch)) => Some(watch.look(client, live_at).await),
            None => None,
        };
        ChannelsSeen { router, dynos, smoke: self.smoke.as_ref().map(SmokeChecks::logs), slack, log: tally }
    }
}

/// The Heroku log as one channel sees it: the session's state and the counts since the release.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogView {
    #[serde(flatten)]
    pub state: LogState,
    pub counts: BTreeMap<String, u64>,
}

/// One look at the channels; `None` where a channel is not watched.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ChannelsSeen {
    pub router: Option<LogView>,
    pub dynos: Option<LogView>,
    pub smoke: Option<Vec<UrlLog>>,
    pub slack: Option<Vec<ChannelView>>,
    #[serde(skip)]
    pub log: Option<super::log_tally::LogTally>,
}

/// A reason of the verdict, and the channel behind it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelReason {
    pub channel: &'static str,
    pub message: String,
    /// False for what is shown and counted but fails nothing on its own (Slack posts).
    pub fails: bool,
}

/// The reasons the channels give at `now`.
pub fn judge(seen: &ChannelsSeen, now: DateTime<Utc>, limits: &ChannelLimits) -> Vec<ChannelReason> {
    let mut out = Vec::new();
    if let Some(tally) = &seen.log {
        for (name, channel) in [("router", Channel::Router), ("dynos", Channel::Dynos)] {
            for b in log_breaches(tally, channel, now, &limits.log) {
                out.push(ChannelReason { channel: name, message: b.describe(), fails: true });
            }
        }
    }
    if let Some(logs) = &seen.smoke {
        for b in smoke_breaches(logs, &limits.smoke) {
            out.push(ChannelReason { channel: "smoke", message: b.message, fails: true });
        }
    }
    if let Some(views) = &seen.slack {
        let counted: Vec<String> = views
            .iter()
            .filter(|v| !v.posts.is_empty())
            .map(|v| format!("{} ({})", v.channel, v.posts.len()))
            .collect();
        let total: usize = views.iter().map(|v| v.posts.len()).sum();
        if total > 0 {
            let what = if total == 1 { "message" } else { "messages" };
            let message = format!("{total} Slack {what} since the release: {}", counted.join(", "));
            out.push(ChannelReason { channel: "slack", message, fails: false });
        }
    }
    out
}

#[cfg(test)]
#[path = "watching_tests.rs"]
mod tests;
