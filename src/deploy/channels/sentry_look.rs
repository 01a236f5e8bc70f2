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
        // Heroku says when a release went live to the second, and Sentry reads a window's start
        // to the second: the window starts on the next whole second, so the previous release's
        // last events stay out of this one's (after a fix, they would read as a regression).
        let whole = live_at.duration_trunc(chrono::Duration::seconds(1)).unwrap_or(live_at);
        let since = whole + chrono::Duration::seconds(1);
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
