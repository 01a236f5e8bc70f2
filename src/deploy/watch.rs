//! The watch verdict, as a pure function of what was seen: Sentry issues first seen in the
//! release, the error rate against the baseline, crashed dynos, and whether the release is still
//! the current one. The driver takes the snapshots; this decides.
use crate::config::WatchConfig;
use crate::ui::sanitize::one_line;
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
    CrashedDynos,
    ReleaseFailed,
    Superseded,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reason {
    pub kind: ReasonKind,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WatchReport {
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
    pub top_issues: Vec<NewIssue>,
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
pub fn assess(snapshot: &Snapshot, baseline: Option<&Baseline>, limits: &Thresholds, duration: Duration) -> Assessment {
    let mut reasons = Vec::new();
    let counted: Vec<&NewIssue> = snapshot.new_issues.iter().filter(|i| i.events >= limits.min_events).collect();
    if counted.len() as u64 > u64::from(limits.max_new_issues) {
        let events: u64 = counted.iter().map(|i| i.events).sum();
        let users: u64 = counted.iter().map(|i| i.users).sum();
        reasons.push(Reason {
            kind: ReasonKind::NewIssues,
            message: format!(
                "{} new {} with at least {} events each ({events} events, {users} users; at most {} allowed)",
                counted.len(),
                if counted.len() == 1 { "issue" } else { "issues" },
                limits.min_events,
                limits.max_new_issues
            ),
        });
    }
    let rate = error_rate(snapshot.error_events, snapshot.elapsed);
    // A quiet app's baseline of zero would make any error an infinite ratio: `min_events` an
    // hour counts as background noise.
    let ratio = baseline.map(|b| rate / b.events_per_minute.max(limits.min_events as f64 / 60.0));
    if let Some(ratio) = ratio {
        if snapshot.error_events >= limits.min_events && ratio > limits.max_error_rate_ratio {
            reasons.push(Reason {
                kind: ReasonKind::ErrorRate,
                message: format!(
                    "error rate {rate:.1}/min is {ratio:.1}× the baseline {:.1}/min (at most {}× allowed)",
                    baseline.map(|b| b.events_per_minute).unwrap_or_default(),
                    limits.max_error_rate_ratio
                ),
            });
        }
    }
    if !snapshot.crashed_dynos.is_empty() {
        reasons.push(Reason {
            kind: ReasonKind::CrashedDynos,
            message: format!("crashed dynos: {}", snapshot.crashed_dynos.join(", ")),
        });
    }
    let still_current = snapshot.release == ReleaseState::Current;
    match &snapshot.release {
        ReleaseState::Current => {}
        ReleaseState::Failed => reasons.push(Reason {
            kind: ReasonKind::ReleaseFailed,
            message: "the release phase failed: this release never went live".into(),
        }),
        ReleaseState::Superseded { by_version, description } => reasons.push(Reason {
            kind: ReasonKind::Superseded,
            message: format!(
                "v{by_version} ({}) replaced this release; its errors can no longer be told apart",
                crate::ui::sanitize::one_line(description)
            ),
        }),
    }
    let failing = !reasons.is_empty();
    if !failing && snapshot.elapsed < duration {
        return Assessment::KeepWatching;
    }
    let mut top: Vec<NewIssue> = snapshot.new_issues.clone();
    top.sort_by(|a, b| b.events.cmp(&a.events).then(b.users.cmp(&a.users)).then(a.id.cmp(&b.id)));
    top.truncate(TOP_ISSUES);
    let triage_command = failing.then(|| match top.first() {
        Some(issue) => format!("bpdeploy triage {}", issue.id),
        None => "bpdeploy triage".to_string(),
    });
    Assessment::Done(WatchReport {
        verdict: if failing { Verdict::Failing } else { Verdict::Healthy },
        reasons,
        top_issues: top,
        error_rate: Some(rate),
        error_rate_ratio: ratio,
        triage_command,
        still_current,
    })
}

/// The live panel on a TTY: a few lines, redrawn each interval.
pub fn panel(snapshot: &Snapshot, baseline: Option<&Baseline>, duration: Duration) -> Vec<String> {
    use crate::config::duration::format;
    let rate = error_rate(snapshot.error_events, snapshot.elapsed);
    let base = baseline.map(|b| format!(" (baseline {:.1}/min)", b.events_per_minute)).unwrap_or_default();
    let mut lines = vec![
        format!("watching {} of {}", format(round_secs(snapshot.elapsed)), format(duration)),
        format!("new issues: {}", snapshot.new_issues.len()),
        format!("error rate: {rate:.1}/min{base}"),
        match snapshot.crashed_dynos.len() {
            0 => "dynos: none crashed".to_string(),
            _ => format!("dynos: crashed {}", one_line(&snapshot.crashed_dynos.join(", "))),
        },
    ];
    for issue in snapshot.new_issues.iter().take(TOP_ISSUES) {
        lines.push(format!("  {}", issue_line(issue)));
    }
    lines
}

/// Without a TTY, one line per change between two looks (nothing when nothing changed).
pub fn changes(before: Option<&Snapshot>, now: &Snapshot) -> Vec<String> {
    let mut out = Vec::new();
    for issue in &now.new_issues {
        match before.and_then(|b| b.new_issues.iter().find(|i| i.id == issue.id)) {
            None => out.push(format!("new issue: {}", issue_line(issue))),
            Some(old) if old.events != issue.events => {
                out.push(format!("issue {}: {} events, {} users", one_line(&issue.id), issue.events, issue.users))
            }
            Some(_) => {}
        }
    }
    if before.map(|b| b.error_events) != Some(now.error_events) && now.error_events > 0 {
        out.push(format!("error events since the release: {}", now.error_events));
    }
    let crashed_before = before.map(|b| b.crashed_dynos.clone()).unwrap_or_default();
    for dyno in now.crashed_dynos.iter().filter(|d| !crashed_before.contains(d)) {
        out.push(format!("dyno {} crashed", one_line(dyno)));
    }
    if before.map(|b| &b.release) != Some(&now.release) && now.release != ReleaseState::Current {
        out.push("the release is no longer the current one".into());
    }
    out
}

pub fn issue_line(issue: &NewIssue) -> String {
    let name = one_line(issue.short_id.as_deref().unwrap_or(&issue.id));
    let title = one_line(&issue.title);
    format!("{name} {title}: {} events, {} users", issue.events, issue.users)
}

fn round_secs(d: Duration) -> Duration {
    Duration::from_secs(d.as_secs())
}

#[cfg(test)]
#[path = "watch_tests.rs"]
mod tests;
