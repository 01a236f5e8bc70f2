//! What the Sentry rules read: each issue's error events since the release went live, and in
//! the day before it (measured once, at the start of the watch: that day does not change).
use super::sentry_rules::IssueCounts;
use crate::api::sentry::{Sentry, SeriesQuery};
use crate::api::ApiError;
use chrono::{DateTime, DurationRound, Utc};
use std::collections::HashMap;
use std::time::Duration;

/// The baseline window of an issue's own rate.
pub const BASELINE_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// Per-issue counts of the day before the release, to compare each look with.
#[derive(Debug, Clone, Default)]
pub struct IssueBaseline {
    before: HashMap<String, u64>,
}

fn query(project: &str, environment: &str, start: DateTime<Utc>, end: DateTime<Utc>) -> SeriesQuery {
    SeriesQuery {
        query: String::new(),
        projects: vec![project.to_string()],
        environment: Some(environment.to_string()),
        stats_period: None,
        start: Some(start),
        end: Some(end),
        interval_secs: None,
    }
}

impl IssueBaseline {
    pub async fn measure(
        sentry: &Sentry,
        project: &str,
        environment: &str,
        live_at: DateTime<Utc>,
    ) -> Result<IssueBaseline, ApiError> {
        let start = live_at - chrono::Duration::from_std(BASELINE_WINDOW).unwrap_or_default();
        let rows = sentry.error_counts_by_issue(&query(project, environment, start, live_at)).await?;
        Ok(IssueBaseline { before: rows.into_iter().map(|r| (r.id, r.count)).collect() })
    }

    /// Each issue's events since the release, with its count the day before.
    pub async fn look(
        &self,
        sentry: &Sentry,
        project: &str,
        environment: &str,
        live_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Vec<IssueCounts>, ApiError> {
        let since = window_start(live_at);
        let rows = sentry.error_counts_by_issue(&query(project, environment, since, now.max(since))).await?;
        Ok(rows
            .into_iter()
            .map(|r| IssueCounts {
                before: self.before.get(&r.id).copied().unwrap_or(0),
                id: r.id,
                short_id: r.short_id,
                title: r.title,
                since: r.count,
            })
            .collect())
    }
}

/// Sentry reads a window's start to the second. `live_at` is already the first moment that is
/// the release's alone ([`crate::deploy::observe::live_at`] moved Heroku's whole-second stamp on
/// by one, so the previous release's last events stay out: after a fix they would read as a
/// regression); a fractional one is rounded up, never moved on a second time.
fn window_start(live_at: DateTime<Utc>) -> DateTime<Utc> {
    let whole = live_at.duration_trunc(chrono::Duration::seconds(1)).unwrap_or(live_at);
    match whole == live_at {
        true => live_at,
        false => whole + chrono::Duration::seconds(1),
    }
}

#[cfg(test)]
mod window_tests {
    use super::*;

    /// The window started a second after `observe::live_at`, itself a second after Heroku's
    /// stamp: the release's first second of events was left out of the regression counts.
    #[test]
    fn the_window_starts_at_live_at_rounded_up_to_a_whole_second_once() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(window_start(at("2024-05-01T12:00:01Z")), at("2024-05-01T12:00:01Z"));
        assert_eq!(window_start(at("2024-05-01T12:00:00.250Z")), at("2024-05-01T12:00:01Z"));
    }
}
