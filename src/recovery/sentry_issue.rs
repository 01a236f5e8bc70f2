//! `--sentry ISSUE` with `--watch`: the error the recovery is for. It is resolved before anything
//! is sent (a mistyped issue stops the command while nothing has moved), and once the watch of the
//! new release is over its events are counted from the moment that release went live: the
//! recovery is done only when the error is gone.
use crate::api::sentry::{IssueRef, Sentry, SeriesQuery};
use crate::api::ApiError;
use crate::exit::Exit;
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueState {
    /// Resolved; the new release has not been watched yet (a preview, or the path stopped early).
    Following,
    /// No event since the new release went live.
    Recovered,
    NotRecovered,
    /// Sentry could not say, or the watch ended too soon after going live to tell.
    Unknown,
}

/// The Sentry issue a recovery follows, and what became of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FollowedIssue {
    pub id: String,
    pub short_id: String,
    pub title: String,
    pub url: Option<String>,
    pub state: IssueState,
    /// From when its events are counted: the second after Heroku's stamp of the new release
    /// going live (the end of its release phase).
    pub live_since: Option<String>,
    pub events_since_live: Option<u64>,
    /// The issue's newest event, as Sentry says once the watch is over.
    pub last_seen: Option<String>,
    /// One sentence: the state and the facts behind it.
    pub reason: Option<String>,
}

/// Finds the issue (an id, a short id through `shortids/`, or a URL). Unknown to Sentry: a
/// clear refusal before anything was sent.
pub async fn resolve(sentry: &Sentry, arg: &str) -> anyhow::Result<FollowedIssue> {
    let reference = IssueRef::parse(arg)?;
    let not_found = |e: &ApiError| e.is_not_found();
    let issue = match &reference {
        IssueRef::Id(id) => sentry.issue(id).await,
        IssueRef::ShortId(short) => sentry.resolve_short_id(short).await.map(|r| r.group),
    };
    let issue = match issue {
        Ok(i) => i,
        Err(e) if not_found(&e) => return Err(reference.not_found().into()),
        Err(e) => return Err(anyhow::Error::new(e).context(format!("reading Sentry issue {}", reference.shown()))),
    };
    Ok(FollowedIssue { url: issue.permalink, ..FollowedIssue::following(&issue.id, &issue.short_id, &issue.title) })
}

/// Where the issue's events are counted: the project and environment the watch looks at.
pub struct Scope<'a> {
    pub project: &'a str,
    pub environment: &'a str,
}

/// Counts the issue's events from `live_at` (when the new release `version` went live, as the
/// watch counts it: `deploy::observe::live_at`) up to now.
pub async fn measure(
    sentry: &Sentry,
    issue: &mut FollowedIssue,
    scope: &Scope<'_>,
    version: u64,
    live_at: DateTime<Utc>,
) {
    let (start, end) = (live_at, Utc::now());
    issue.live_since = Some(live_at.to_rfc3339_opts(SecondsFormat::Secs, true));
    if end <= start {
        issue.state = IssueState::Unknown;
        issue.reason = Some(format!("the watch ended as v{version} went live: too soon to tell"));
        return;
    }
    let query = SeriesQuery {
        query: format!("issue:{}", issue.short_id),
        projects: vec![scope.project.to_string()],
        environment: Some(scope.environment.to_string()),
        stats_period: None,
        start: Some(start),
        end: Some(end),
        interval_secs: None,
    };
    let (events, detail) = tokio::join!(sentry.error_total(&query), sentry.issue(&issue.id));
    issue.last_seen = detail.ok().and_then(|d| d.last_seen).map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true));
    (issue.state, issue.reason) = match events {
        Ok(n) => {
            issue.events_since_live = Some(n);
            judge(version, n)
        }
        Err(e) => (IssueState::Unknown, Some(format!("Sentry could not count its events: {e}"))),
    };
}

/// Recovered only when the error is gone: any event since the new release went live says not.
pub fn judge(version: u64, events: u64) -> (IssueState, Option<String>) {
    match events {
        0 => (IssueState::Recovered, Some(format!("no event since v{version} went live"))),
        n => (
            IssueState::NotRecovered,
            Some(format!(
                "{n} {} since v{version} went live: the error is not gone",
                if n == 1 { "event" } else { "events" }
            )),
        ),
    }
}

impl FollowedIssue {
    /// An issue resolved and not yet watched.
    pub fn following(id: &str, short_id: &str, title: &str) -> FollowedIssue {
        FollowedIssue {
            id: id.into(),
            short_id: short_id.into(),
            title: title.into(),
            url: None,
            state: IssueState::Following,
            live_since: None,
            events_since_live: None,
            last_seen: None,
            reason: None,
        }
    }

    /// What the issue means for the command's exit code.
    pub fn exit(&self) -> Exit {
        match self.state {
            IssueState::NotRecovered => Exit::Unsafe,
            IssueState::Unknown => Exit::Failure,
            IssueState::Following | IssueState::Recovered => Exit::Success,
        }
    }

    /// One line for people and for Slack (unescaped: the caller escapes for mrkdwn).
    pub fn line(&self) -> String {
        let state = match self.state {
            IssueState::Following => return format!("following Sentry issue {} {}", self.short_id, self.title),
            IssueState::Recovered => "recovered",
            IssueState::NotRecovered => "not recovered",
            IssueState::Unknown => "unknown",
        };
        match &self.reason {
            Some(r) => format!("{} {state}: {r}", self.short_id),
            None => format!("{} {state}", self.short_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovered_only_when_no_event_came_after_going_live() {
        assert_eq!(judge(8, 0).0, IssueState::Recovered);
        let (state, reason) = judge(8, 3);
        assert_eq!(state, IssueState::NotRecovered);
        assert_eq!(reason.unwrap(), "3 events since v8 went live: the error is not gone");
        assert_eq!(judge(8, 1).1.unwrap(), "1 event since v8 went live: the error is not gone");
    }

    #[test]
    fn only_a_gone_error_exits_zero() {
        let mut issue = FollowedIssue::following("1", "SHOP-4F", "NoMethodError");
        let exits: Vec<Exit> =
            [IssueState::Following, IssueState::Recovered, IssueState::NotRecovered, IssueState::Unknown]
                .into_iter()
                .map(|s| {
                    issue.state = s;
                    issue.exit()
                })
                .collect();
        assert_eq!(exits, [Exit::Success, Exit::Success, Exit::Unsafe, Exit::Failure]);
    }
}
