//! The watch verdict, as a pure function of what was seen: Sentry issues first seen in the
//! release (judged by the transient rule), old issues past their own baseline, the error rate
//! against the baseline, crashed dynos, the other channels' reasons (router, dynos, smoke,
//! Slack), and whether the release is still the current one. The driver takes the snapshots;
//! this decides, and every reason names the channel behind it.
use crate::config::WatchConfig;
use crate::deploy::channels::sentry_rules::{NewIssueState, Regression};
use crate::deploy::channels::watching::{ChannelReason, ChannelsSeen};
use serde::Serialize;
use std::time::Duration;

/// How many new issues a failing report names.
pub const TOP_ISSUES: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    /// More counted new issues than this fails the watch.
    pub max_new_issues: u32,
    pub max_error_rate_ratio: f64,
    /// An issue, or the error rate, counts only from this many events on.
    pub min_events: u64,
}

impl From<&WatchConfig> for Thresholds {
    fn from(c: &WatchConfig) -> Self {
        Thresholds {
            max_new_issues: c.max_new_issues,
            max_error_rate_ratio: c.max_error_rate_ratio,
            min_events: c.min_events,
        }
    }
}

/// A Sentry issue first seen in the watched release.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NewIssue {
    pub id: String,
    pub short_id: Option<String>,
    pub title: String,
    pub culprit: Option<String>,
    pub events: u64,
    pub users: u64,
    pub permalink: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ReleaseState {
    Current,
    /// Another release with different code replaced it (a config change keeps it `Current`).
    Superseded {
        by_version: u64,
        description: String,
    },
    /// Its release phase failed: it never went live.
    Failed,
}

/// Error events per minute before the release, from preflight's saved file or measured on the spot.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Baseline {
    pub events_per_minute: f64,
    pub source: BaselineSource,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineSource {
    Preflight,
    HourBeforeRelease,
}

/// What one look at the services found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    #[serde(rename = "elapsed_secs", serialize_with = "secs")]
    pub elapsed: Duration,
    pub new_issues: Vec<NewIssue>,
    /// Error events in the environment since the release went live.
    pub error_events: u64,
    pub crashed_dynos: Vec<String>,
    pub release: ReleaseState,
    /// The Sentry channel judged: each new issue's standing, old issues past their baseline.
    pub sentry: SentrySeen,
    /// The other channels: `router`, `dynos`, `smoke`, `slack` (null when not watched).
    #[serde(flatten)]
    pub channels: Box<ChannelsSeen>,
    /// What the other channels' judgement says at this look.
    #[serde(skip)]
    pub channel_reasons: Vec<ChannelReason>,
    /// The watched release's version, for what the reasons say.
    #[serde(skip)]
    pub version: u64,
}

/// The Sentry channel at one look.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SentrySeen {
    /// Each new issue's standing under the transient rule, in the order of `new_issues`.
    pub new_issues: Vec<JudgedIssue>,
    pub regressions: Vec<Regression>,
    pub error_events: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JudgedIssue {
    pub id: String,
    pub events: u64,
    #[serde(flatten)]
    pub state: NewIssueState,
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_secs())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Healthy,
    Failing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    NewIssues,
    ErrorRate,
    Regression,
    TransientIssue,
    CrashedDynos,
    RouterErrors,
    DynoErrors,
    Smoke,
    SlackMessages,
    ReleaseFailed,
    Superseded,
}

impl ReasonKind {
    /// The channel a reason comes from: `sentry`, `router`, `dynos`, `smoke`, `slack`, `release`.
    pub fn channel(self) -> &'static str {
        match self {
            ReasonKind::NewIssues | ReasonKind::ErrorRate | ReasonKind::Regression | ReasonKind::TransientIssue => {
                "sentry"
            }
            ReasonKind::CrashedDynos | ReasonKind::DynoErrors => "dynos",
            ReasonKind::RouterErrors => "router",
            ReasonKind::Smoke => "smoke",
            ReasonKind::SlackMessages => "slack",
            ReasonKind::ReleaseFailed | ReasonKind::Superseded => "release",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub kind: ReasonKind,
    /// The channel behind it (see [`ReasonKind::channel`]).
    pub channel: &'static str,
    pub message: String,
    /// False for what is reported and counted but fails nothing on its own (Slack messages,
    /// transient issues).
    pub fails: bool,
}

impl Reason {
    pub fn failing(kind: ReasonKind, message: String) -> Reason {
        Reason { kind, channel: kind.channel(), message, fails: true }
    }

    pub fn note(kind: ReasonKind, message: String) -> Reason {
        Reason { kind, channel: kind.channel(), message, fails: false }
    }
}

/// A new issue that stopped on its own, as the verdict reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TransientIssue {
    pub id: String,
    pub short_id: Option<String>,
    pub title: String,
    pub events: u64,
    #[serde(rename = "stopped_after_secs", serialize_with = "secs")]
    pub stopped_after: Duration,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchReport {
    pub verdict: Verdict,
    /// Failing reasons first, then what is reported without failing.
    pub reasons: Vec<Reason>,
    pub top_issues: Vec<NewIssue>,
    /// New issues that stopped on their own within the watch (they fail nothing).
    pub transient_issues: Vec<TransientIssue>,
    /// Issues older than the release firing well past their own baseline.
    pub regressions: Vec<Regression>,
    /// Error events per minute since the release, and the ratio to the baseline.
    pub error_rate: Option<f64>,
    pub error_rate_ratio: Option<f64>,
    /// The exact command to run next (`bpdeploy triage <id>`).
    pub triage_command: Option<String>,
    /// Whether the watched release is still the app's current one (auto-rollback needs it).
    pub still_current: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Assessment {
    KeepWatching,
    Done(WatchReport),
}

/// Events per minute since the release. Rates over less than a minute are noise, so the window
/// counts as at least one minute (this also keeps millisecond test runs meaningful).
pub fn error_rate(events: u64, elapsed: Duration) -> f64 {
    events as f64 / elapsed.as_secs_f64().max(60.0) * 60.0
}

/// The verdict comes as soon as a threshold is crossed, or when the watch has run its course.
/// A new issue still under the transient rule (pending, or stopped on its own) fails nothing
/// yet, and its events stay out of the error rate until it counts.
pub fn assess(snapshot: &Snapshot, baseline: Option<&Baseline>, limits: &Thresholds, duration: Duration) -> Assessment {
    let mut reasons = Vec::new();
    let standing = |i: &NewIssue| match snapshot.sentry.new_issues.iter().find(|j| j.id == i.id) {
        Some(j) => j.state,
        None if i.events >= limits.min_events => NewIssueState::Counted,
        None => NewIssueState::BelowMinimum,
    };
    let counted: Vec<&NewIssue> =
        snapshot.new_issues.iter().filter(|i| standing(i) == NewIssueState::Counted).collect();
    if counted.len() as u64 > u64::from(limits.max_new_issues) {
        let events: u64 = counted.iter().map(|i| i.events).sum();
        let users: u64 = counted.iter().map(|i| i.users).sum();
        reasons.push(Reason::failing(
            ReasonKind::NewIssues,
            format!(
                "{} new {} with at least {} events each ({events} events, {users} users; at most {} allowed)",
                counted.len(),
                if counted.len() == 1 { "issue" } else { "issues" },
                limits.min_events,
                limits.max_new_issues
            ),
        ));
    }
    let unjudged: u64 = snapshot
        .new_issues
        .iter()
        .filter(|i| matches!(standing(i), NewIssueState::Pending | NewIssueState::Transient { .. }))
        .map(|i| i.events)
        .sum();
    let judged_events = snapshot.error_events.saturating_sub(unjudged);
    let rate = error_rate(judged_events, snapshot.elapsed);
    // A quiet app's baseline of zero would make any error an infinite ratio: `min_events` an
    // hour counts as background noise.
    let ratio = baseline.map(|b| rate / b.events_per_minute.max(limits.min_events as f64 / 60.0));
    if let Some(ratio) = ratio {
        if judged_events >= limits.min_events && ratio > limits.max_error_rate_ratio {
            reasons.push(Reason::failing(
                ReasonKind::ErrorRate,
                format!(
                    "error rate {rate:.1}/min is {ratio:.1}× the baseline {:.1}/min (at most {}× allowed)",
                    baseline.map(|b| b.events_per_minute).unwrap_or_default(),
                    limits.max_error_rate_ratio
                ),
            ));
        }
    }
    for r in snapshot.sentry.regressions.iter().take(TOP_ISSUES) {
        reasons.push(Reason::failing(ReasonKind::Regression, format!("regression: {}", r.describe())));
    }
    if !snapshot.crashed_dynos.is_empty() {
        reasons.push(Reason::failing(
            ReasonKind::CrashedDynos,
            format!("crashed dynos: {}", snapshot.crashed_dynos.join(", ")),
        ));
    }
    for r in &snapshot.channel_reasons {
        let kind = match r.channel {
            "router" => ReasonKind::RouterErrors,
            "dynos" => ReasonKind::DynoErrors,
            "smoke" => ReasonKind::Smoke,
            _ => ReasonKind::SlackMessages,
        };
        reasons.push(Reason { kind, channel: kind.channel(), message: r.message.clone(), fails: r.fails });
    }
    let still_current = snapshot.release == ReleaseState::Current;
    match &snapshot.release {
        ReleaseState::Current => {}
        ReleaseState::Failed => reasons.push(Reason::failing(
            ReasonKind::ReleaseFailed,
            "the release phase failed: this release never went live".into(),
        )),
        ReleaseState::Superseded { by_version, description } => reasons.push(Reason::failing(
            ReasonKind::Superseded,
            format!(
                "v{by_version} ({}) replaced this release; its errors can no longer be told apart",
                crate::ui::sanitize::one_line(description)
            ),
        )),
    }
    let failing = reasons.iter().any(|r| r.fails);
    if !failing && snapshot.elapsed < duration {
        return Assessment::KeepWatching;
    }
    let transient_issues: Vec<TransientIssue> = snapshot
        .new_issues
        .iter()
        .filter_map(|i| match standing(i) {
            NewIssueState::Transient { stopped_after } => Some(TransientIssue {
                id: i.id.clone(),
                short_id: i.short_id.clone(),
                title: i.title.clone(),
                events: i.events,
                stopped_after,
            }),
            _ => None,
        })
        .collect();
    for t in &transient_issues {
        let name = crate::ui::sanitize::one_line(t.short_id.as_deref().unwrap_or(&t.id));
        reasons.push(Reason::note(
            ReasonKind::TransientIssue,
            format!(
                "transient: {name} {}: {} events, stopped {} after v{} went live",
                crate::ui::sanitize::one_line(&t.title),
                t.events,
                crate::config::duration::format(round_secs(t.stopped_after)),
                snapshot.version
            ),
        ));
    }
    reasons.sort_by_key(|r| !r.fails);
    let mut top: Vec<NewIssue> = snapshot.new_issues.iter().filter(|i| !standing(i).is_transient()).cloned().collect();
    top.sort_by(|a, b| b.events.cmp(&a.events).then(b.users.cmp(&a.users)).then(a.id.cmp(&b.id)));
    top.truncate(TOP_ISSUES);
    // Triage starts from Sentry's issues: for the router, dynos, smoke pages or a replaced
    // release alone it would find nothing to triage.
    let sentry_failing = reasons.iter().any(|r| r.fails && r.channel == "sentry");
    let triage_command = sentry_failing.then(|| {
        let issue =
            top.first().map(|i| i.id.clone()).or_else(|| snapshot.sentry.regressions.first().map(|r| r.id.clone()));
        match issue {
            Some(id) => format!("bpdeploy triage {id}"),
            None => "bpdeploy triage".to_string(),
        }
    });
    Assessment::Done(WatchReport {
        verdict: if failing { Verdict::Failing } else { Verdict::Healthy },
        reasons,
        top_issues: top,
        transient_issues,
        regressions: snapshot.sentry.regressions.clone(),
        error_rate: Some(rate),
        error_rate_ratio: ratio,
        triage_command,
        still_current,
    })
}

pub(crate) fn round_secs(d: Duration) -> Duration {
    Duration::from_secs(d.as_secs())
}

#[cfg(test)]
#[path = "watch_tests.rs"]
mod tests;
