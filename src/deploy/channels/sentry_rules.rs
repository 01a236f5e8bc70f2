//! The sharper Sentry rules. A new issue that stopped on its own for several intervals is
//! transient (a cold cache, a deploy's own blip) and fails nothing unless it was big while it
//! lasted; a new issue still firing when the watch ends counts as today. An issue that existed
//! before the release and now fires well past its own baseline is a regression, new or not.
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::time::Duration;

/// Rates over less than a minute are noise (as for the error rate).
const MIN_WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransientRule {
    /// Silent this long, an issue has stopped: `[watch] transient_quiet_intervals` × interval.
    pub quiet: Duration,
    /// A stopped issue with more events than this still counts.
    pub max_events: u64,
    /// An issue counts at all from this many events on.
    pub min_events: u64,
}

/// Where a new issue stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum NewIssueState {
    /// Fewer events than `min_events`: noise.
    BelowMinimum,
    /// Still firing, below the transient threshold: not judged until it stops or the watch ends.
    Pending,
    /// Stopped on its own this long after the release went live, below the threshold.
    Transient {
        #[serde(rename = "stopped_after_secs", serialize_with = "secs")]
        stopped_after: Duration,
    },
    /// Counts against `max_new_issues`.
    Counted,
}

impl NewIssueState {
    pub fn is_transient(&self) -> bool {
        matches!(self, NewIssueState::Transient { .. })
    }
}

fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_secs())
}

/// Judges one new issue from what Sentry says of it: its events and when it was last seen.
pub fn judge_new_issue(
    events: u64,
    last_seen: Option<DateTime<Utc>>,
    live_at: DateTime<Utc>,
    now: DateTime<Utc>,
    watch_over: bool,
    rule: &TransientRule,
) -> NewIssueState {
    if events < rule.min_events {
        return NewIssueState::BelowMinimum;
    }
    if events > rule.max_events {
        return NewIssueState::Counted;
    }
    let silent = last_seen.and_then(|seen| (now - seen).to_std().ok());
    if let (Some(seen), Some(silent)) = (last_seen, silent) {
        if silent >= rule.quiet {
            let stopped_after = (seen - live_at).to_std().unwrap_or_default();
            return NewIssueState::Transient { stopped_after };
        }
    }
    if watch_over {
        NewIssueState::Counted
    } else {
        NewIssueState::Pending
    }
}

/// One issue's error events in two windows, from Sentry's events table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueCounts {
    pub id: String,
    pub short_id: Option<String>,
    pub title: String,
    /// Events since the release went live.
    pub since: u64,
    /// Events in the baseline window before it.
    pub before: u64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegressionRule {
    /// Beyond this many times its own baseline rate, an old issue is a regression.
    pub max_ratio: f64,
    pub min_events: u64,
    /// How long before the release the baseline counts run (24 h).
    pub baseline_window: Duration,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Regression {
    pub id: String,
    pub short_id: Option<String>,
    pub title: String,
    pub events: u64,
    pub per_minute: f64,
    pub baseline_per_minute: f64,
    pub ratio: f64,
}

impl Regression {
    pub fn describe(&self) -> String {
        let name = crate::ui::sanitize::one_line(self.short_id.as_deref().unwrap_or(&self.id));
        format!(
            "{name} {}: {:.1}/min since the release, {:.1}× its {:.2}/min before",
            crate::ui::sanitize::one_line(&self.title),
            self.per_minute,
            self.ratio,
            self.baseline_per_minute
        )
    }
}

/// Issues that existed before the release (anything not in `new_ids`) firing past their own
/// baseline, worst first. A baseline of zero is floored at `min_events` an hour, as the error
/// rate's is: an old issue waking up is a regression, a single stray event is not.
pub fn regressions(
    issues: &[IssueCounts],
    new_ids: &[&str],
    since_live: Duration,
    rule: &RegressionRule,
) -> Vec<Regression> {
    let window = since_live.max(MIN_WINDOW).as_secs_f64();
    let floor = rule.min_events as f64 / 60.0;
    let mut out: Vec<Regression> = issues
        .iter()
        .filter(|i| !new_ids.contains(&i.id.as_str()) && i.since >= rule.min_events)
        .filter_map(|i| {
            let per_minute = i.since as f64 / window * 60.0;
            let baseline = i.before as f64 / rule.baseline_window.as_secs_f64().max(60.0) * 60.0;
            let ratio = per_minute / baseline.max(floor);
            (ratio > rule.max_ratio).then(|| Regression {
                id: i.id.clone(),
                short_id: i.short_id.clone(),
                title: i.title.clone(),
                events: i.since,
                per_minute,
                baseline_per_minute: baseline,
                ratio,
            })
        })
        .collect();
    out.sort_by(|a, b| b.ratio.total_cmp(&a.ratio).then(a.id.cmp(&b.id)));
    out
}

#[cfg(test)]
#[path = "sentry_rules_tests.rs"]
mod tests;
