//! What Sentry says about one issue: counts, level, when it was first and last seen and in which
//! release, the transaction it hits, the latest event's message, tags and frames, and how many
//! events arrived in the last few minutes. Read, never inferred: what Sentry does not say stays
//! `None`.
use crate::api::sentry::{Event, Issue, Sentry, SeriesQuery};
use crate::api::ApiError;
use chrono::{DateTime, Duration, DurationRound, Utc};

#[derive(Debug, Clone, Default)]
pub struct IssueFacts {
    pub id: String,
    pub short_id: String,
    pub title: String,
    pub culprit: Option<String>,
    pub level: Option<String>,
    pub permalink: Option<String>,
    pub events: u64,
    pub users: u64,
    pub first_seen: Option<DateTime<Utc>>,
    pub last_seen: Option<DateTime<Utc>>,
    /// The release name Sentry first saw it in.
    pub first_release: Option<String>,
    /// The latest event's exception message (`value`), else its message.
    pub message: Option<String>,
    /// The latest event's `transaction` tag, else the issue's culprit.
    pub transaction: Option<String>,
    pub tags: Vec<(String, String)>,
    /// The latest event's frames, as Sentry lists them (oldest first).
    pub frames: Vec<crate::api::sentry::Frame>,
    /// Events in the recent window, per minute; None when Sentry could not say.
    pub events_per_minute: Option<f64>,
}

impl IssueFacts {
    pub fn from_issue(issue: &Issue) -> IssueFacts {
        IssueFacts {
            id: issue.id.clone(),
            short_id: issue.short_id.clone(),
            title: issue.title.clone(),
            culprit: issue.culprit.clone(),
            level: issue.level.clone(),
            permalink: issue.permalink.clone(),
            events: issue.count,
            users: issue.user_count,
            first_seen: issue.first_seen,
            last_seen: issue.last_seen,
            first_release: issue.first_release.as_ref().map(|r| r.version.clone()),
            transaction: issue.culprit.clone(),
            ..IssueFacts::default()
        }
    }

    /// Adds what the latest event shows.
    pub fn with_event(mut self, event: &Event) -> IssueFacts {
        let exception = event.exceptions().into_iter().last();
        self.message = exception.and_then(|e| e.value).or_else(|| event.message.clone().filter(|m| !m.is_empty()));
        if let Some(t) = event.tag("transaction") {
            self.transaction = Some(t.to_string());
        }
        if let Some(l) = event.tag("level") {
            self.level = self.level.or(Some(l.to_string()));
        }
        self.tags = event.tags.iter().map(|t| (t.key.clone(), t.value.clone())).collect();
        self.frames = event.exception_frames();
        self
    }
}

/// The issue (with its first release), its latest event and its recent rate. A missing latest
/// event leaves the frames empty (said later as "no frames"); any other failure is an error.
pub async fn gather(
    sentry: &Sentry,
    id: &str,
    environment: &str,
    window: std::time::Duration,
) -> Result<IssueFacts, ApiError> {
    let issue = sentry.issue(id).await?;
    let mut facts = IssueFacts::from_issue(&issue);
    match sentry.latest_event(id, Some(environment)).await {
        Ok(event) => facts = facts.with_event(&event),
        Err(e) if e.is_not_found() => {}
        Err(e) => return Err(e),
    }
    facts.events_per_minute = events_per_minute(sentry, &facts.short_id, environment, window).await?;
    Ok(facts)
}

/// Error events of the issue in the last `window` (whole seconds, at least one), per minute.
async fn events_per_minute(
    sentry: &Sentry,
    short_id: &str,
    environment: &str,
    window: std::time::Duration,
) -> Result<Option<f64>, ApiError> {
    // Sentry reads start and end to the second: the window starts on a whole second and ends on
    // the next one after now (nothing happened after now), and the rate divides by what elapsed.
    let now = Utc::now();
    let second = Duration::seconds(1);
    let end = now.duration_trunc(second).unwrap_or(now) + second;
    let start = end - Duration::seconds(window.as_secs_f64().ceil().max(1.0) as i64) - second;
    let query = SeriesQuery {
        query: format!("issue:{short_id}"),
        environment: Some(environment.to_string()),
        start: Some(start),
        end: Some(end),
        ..SeriesQuery::default()
    };
    let total = sentry.error_total(&query).await?;
    let elapsed = (now - start).num_milliseconds().max(1) as f64 / 60_000.0;
    Ok(Some(total as f64 / elapsed))
}

/// The Heroku release being triaged.
#[derive(Debug, Clone, Default)]
pub struct TriagedRelease {
    pub version: u64,
    /// Its name in Sentry (`[sentry] release` with its commit).
    pub name: String,
    pub commit: String,
    /// When Heroku created it (its slug was built): no event of its code is older.
    pub created_at: Option<DateTime<Utc>>,
    /// When it started serving traffic (its release phase ended); None when Heroku does not say.
    pub live_at: Option<DateTime<Utc>>,
    /// The first newer release that runs other code (a deploy, a rollback) and when it went
    /// live: from then on production no longer ran this release's code. None while it does.
    pub replaced: Option<(u64, DateTime<Utc>)>,
    /// The code release before it: version and commit.
    pub previous: Option<(u64, Option<String>)>,
}
