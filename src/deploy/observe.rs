//! Taking the watch's snapshots from Sentry, Heroku and the other channels, and finding the
//! baseline to compare with: the file preflight saved, else the hour before the release measured
//! on the spot. The channels judge what they read (`deploy::channels`); the verdict is decided by
//! the pure `watch::assess`.
use crate::api::heroku::{Heroku, Release};
use crate::api::sentry::{IssueQuery, Sentry, SeriesQuery};
use crate::api::slack::Slack;
use crate::api::ApiError;
use crate::deploy::channels::heroku_log::LogState;
use crate::deploy::channels::sentry_look::IssueBaseline;
use crate::deploy::channels::sentry_rules::{judge_new_issue, regressions};
use crate::deploy::channels::watching::{judge, ChannelPlan, Channels};
use crate::deploy::events::DeployEvent;
use crate::deploy::reporter::Reporter;
use crate::deploy::watch::{
    assess, Assessment, Baseline, BaselineSource, JudgedIssue, NewIssue, ReleaseState, SentrySeen, Snapshot,
    Thresholds, WatchReport,
};
use crate::deploy::watch_lines::{changes, panel};
use chrono::{DateTime, Utc};
use std::path::Path;
use std::time::{Duration, Instant};

/// One failed look is a warning; this many in a row end the watch with an error, because a
/// watch that saw nothing must not come out healthy.
const MAX_FAILED_LOOKS: u32 = 3;

/// What to watch and against which limits.
#[derive(Debug, Clone)]
pub struct WatchPlan {
    pub app: String,
    pub release: Release,
    /// The Sentry release name of the release's commit.
    pub sentry_release: String,
    pub project: String,
    pub environment: String,
    pub thresholds: Thresholds,
    pub duration: Duration,
    pub interval: Duration,
    /// The channels besides Sentry's new issues and the release status.
    pub channels: ChannelPlan,
    /// The bot client that reads `[watch] slack_channels`, when there is one.
    pub slack: Option<Slack>,
}

/// When traffic moved to the release: the end of its release phase, else its creation.
pub fn live_at(release: &Release) -> DateTime<Utc> {
    match (release.status.as_str(), release.updated_at) {
        ("succeeded", Some(at)) => at.max(release.created_at),
        _ => release.created_at,
    }
}

/// What the looks share: the running channels and the per-issue baseline.
struct Watching {
    channels: Channels,
    issues: Option<IssueBaseline>,
    live_at: DateTime<Utc>,
}

pub async fn run(
    heroku: &Heroku,
    sentry: &Sentry,
    plan: &WatchPlan,
    baseline: Option<&Baseline>,
    reporter: &mut Reporter,
) -> Result<WatchReport, ApiError> {
    let started = Instant::now();
    let started_at = Utc::now();
    let live_at = live_at(&plan.release);
    let channels = Channels::start(heroku, plan.slack.as_ref(), &plan.app, live_at, &plan.channels).await;
    for (name, why) in &channels.off {
        reporter.warn(&format!("{name}: off, {why}"));
    }
    let issues = match IssueBaseline::measure(sentry, &plan.project, &plan.environment, live_at).await {
        Ok(b) => Some(b),
        Err(e) => {
            reporter.warn(&format!("no per-issue baseline, so no regression of older issues is judged: {e}"));
            None
        }
    };
    let watching = Watching { channels, issues, live_at };
    let mut previous: Option<Snapshot> = None;
    let mut failures = 0;
    let mut warned: Vec<String> = Vec::new();
    loop {
        let snapshot = match look(heroku, sentry, plan, &watching, started_at, started.elapsed()).await {
            Ok(s) => s,
            Err(e) if failures + 1 < MAX_FAILED_LOOKS => {
                failures += 1;
                reporter.warn(&format!("this look failed, trying again next interval: {e}"));
                tokio::time::sleep(plan.interval).await;
                continue;
            }
            Err(e) => return Err(e),
        };
        failures = 0;
        for warning in channel_warnings(&snapshot) {
            if !warned.contains(&warning) {
                reporter.warn(&warning);
                warned.push(warning);
            }
        }
        reporter.event(DeployEvent::Watch(snapshot.clone()));
        if reporter.ui().live() {
            reporter.panel(&panel(&snapshot, baseline, plan.duration));
        } else if !reporter.ui().json {
            for line in changes(previous.as_ref(), &snapshot) {
                reporter.line(&line);
            }
        }
        if let Assessment::Done(report) = assess(&snapshot, baseline, &plan.thresholds, plan.duration) {
            reporter.finish_spinner();
            reporter.event(DeployEvent::Verdict(report.clone()));
            return Ok(report);
        }
        previous = Some(snapshot);
        let remaining = plan.duration.saturating_sub(started.elapsed());
        tokio::time::sleep(plan.interval.min(remaining)).await;
    }
}

/// Channels that went off during the watch (a log session refused, a Slack channel unreadable):
/// each said once, as a warning; the watch goes on without them.
fn channel_warnings(snapshot: &Snapshot) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(LogState::Off { reason }) = snapshot.channels.router.as_ref().map(|v| &v.state) {
        let reason = crate::ui::sanitize::one_line(reason);
        out.push(format!("router and dynos: off, the watch goes on without the Heroku log ({reason})"));
    }
    for view in snapshot.channels.slack.iter().flatten() {
        if let Some(why) = &view.off {
            out.push(format!("slack {}: off ({})", view.channel, crate::ui::sanitize::one_line(why)));
        }
    }
    out
}

async fn look(
    heroku: &Heroku,
    sentry: &Sentry,
    plan: &WatchPlan,
    watching: &Watching,
    since: DateTime<Utc>,
    elapsed: Duration,
) -> Result<Snapshot, ApiError> {
    let query = IssueQuery {
        query: format!("is:unresolved firstRelease:{}", plan.sentry_release),
        stats_period: None,
        sort: Some("freq".into()),
        environment: Some(plan.environment.clone()),
        projects: vec![plan.project.clone()],
        limit: Some(25),
        max: Some(25),
    };
    let found = sentry.issues(&query).await?;
    let now = Utc::now();
    let limits = &plan.channels.limits;
    let watch_over = elapsed >= plan.duration;
    let judged: Vec<JudgedIssue> = found
        .iter()
        .filter(|i| i.first_seen.map_or(true, |seen| seen >= plan.release.created_at))
        .map(|i| JudgedIssue {
            id: i.id.clone(),
            events: i.count,
            state: judge_new_issue(i.count, i.last_seen, watching.live_at, now, watch_over, &limits.transient),
        })
        .collect();
    let new_issues: Vec<NewIssue> = found
        .into_iter()
        // `firstRelease:<sha>` also matches issues from an earlier life of the same commit: a
        // rollback release (or a redeploy) reuses the Sentry release of code that already ran,
        // and that code's old issues are not new. Only issues first seen once this release
        // existed count (found by the e2e rollback drill: watching "Rollback to v6" failed on
        // v6's days-old issues).
        .filter(|i| i.first_seen.map_or(true, |seen| seen >= plan.release.created_at))
        .map(|i| NewIssue {
            id: i.id,
            short_id: Some(i.short_id),
            title: i.title,
            culprit: i.culprit,
            events: i.count,
            users: i.user_count,
            permalink: i.permalink,
        })
        .collect();
    let error_events = sentry.error_total(&errors_between(plan, since, Utc::now())).await?;
    let crashed_dynos = heroku
        .dynos(&plan.app)
        .await?
        .into_iter()
        .filter(|d| d.state == "crashed")
        .filter(|d| d.release.as_ref().and_then(|r| r.version).map_or(true, |v| v == plan.release.version))
        .map(|d| d.name)
        .collect();
    let release = release_state(heroku, plan).await?;
    let regressed = match &watching.issues {
        Some(baseline) => {
            let counts = baseline.look(sentry, &plan.project, &plan.environment, watching.live_at, now).await?;
            let new_ids: Vec<&str> = new_issues.iter().map(|i| i.id.as_str()).collect();
            let since_live = (now - watching.live_at).to_std().unwrap_or_default();
            regressions(&counts, &new_ids, since_live, &limits.regression)
        }
        None => Vec::new(),
    };
    let channels = watching.channels.look(watching.live_at).await;
    let channel_reasons = judge(&channels, Utc::now(), limits);
    Ok(Snapshot {
        elapsed,
        new_issues,
        error_events,
        crashed_dynos,
        release,
        sentry: SentrySeen { new_issues: judged, regressions: regressed, error_events },
        channels: Box::new(channels),
        channel_reasons,
        version: plan.release.version,
    })
}

fn errors_between(plan: &WatchPlan, start: DateTime<Utc>, end: DateTime<Utc>) -> SeriesQuery {
    SeriesQuery {
        query: String::new(),
        projects: vec![plan.project.clone()],
        environment: Some(plan.environment.clone()),
        stats_period: None,
        start: Some(start),
        end: Some(end),
        interval_secs: None,
    }
}

/// A newer release with the same slug is a config change on top of the same code: still ours.
async fn release_state(heroku: &Heroku, plan: &WatchPlan) -> Result<ReleaseState, ApiError> {
    let ours = heroku.release(&plan.app, &plan.release.id).await?;
    if matches!(ours.status.as_str(), "failed" | "expired") {
        return Ok(ReleaseState::Failed);
    }
    let Some(current) = heroku.current_release(&plan.app).await? else { return Ok(ReleaseState::Current) };
    let same_code = current.slug.is_some() && current.slug == ours.slug;
    if current.version == ours.version || (current.version > ours.version && same_code) {
        return Ok(ReleaseState::Current);
    }
    Ok(ReleaseState::Superseded { by_version: current.version, description: current.description })
}

/// The newest baseline preflight saved for this app before `before`. The file layout belongs to
/// preflight, so any JSON under the state directory with `app` and `error_events_last_hour` counts.
pub fn saved_baseline(state_dir: &Path, app: &str, before: DateTime<Utc>) -> Option<Baseline> {
    let mut best: Option<(DateTime<Utc>, u64)> = None;
    let mut dirs = vec![(state_dir.to_path_buf(), 0)];
    while let Some((dir, depth)) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).ok()?.flatten() {
            let path = entry.path();
            if path.is_dir() && depth < 3 {
                dirs.push((path, depth + 1));
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("json") {
                continue;
            }
            let Some(v) = std::fs::read(&path).ok().and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            else {
                continue;
            };
            let captured = v["captured_at"].as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok());
            let (Some(captured), Some(events)) = (captured, v["error_events_last_hour"].as_u64()) else { continue };
            let captured = captured.with_timezone(&Utc);
            if v["app"].as_str() == Some(app) && captured <= before && best.map_or(true, |(t, _)| captured > t) {
                best = Some((captured, events));
            }
        }
    }
    best.map(|(_, events)| Baseline { events_per_minute: events as f64 / 60.0, source: BaselineSource::Preflight })
}

/// The hour before the release went live, measured now.
pub async fn measured_baseline(sentry: &Sentry, plan: &WatchPlan) -> Result<Baseline, ApiError> {
    let live_at = plan.release.created_at;
    let events = sentry.error_total(&errors_between(plan, live_at - chrono::Duration::hours(1), live_at)).await?;
    Ok(Baseline { events_per_minute: events as f64 / 60.0, source: BaselineSource::HourBeforeRelease })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_newest_baseline_of_the_app_saved_before_the_release() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("baselines/shop");
        std::fs::create_dir_all(&nested).unwrap();
        let write = |name: &str, app: &str, at: &str, events: u64| {
            let v = serde_json::json!({"app": app, "captured_at": at, "error_events_last_hour": events});
            std::fs::write(nested.join(name), v.to_string()).unwrap();
        };
        write("a.json", "shop", "2025-01-01T09:00:00Z", 60);
        write("b.json", "shop", "2025-01-01T10:00:00Z", 120);
        write("c.json", "shop", "2025-01-01T12:00:00Z", 600);
        write("d.json", "other", "2025-01-01T10:30:00Z", 900);
        std::fs::write(nested.join("junk.json"), "{").unwrap();
        let before = DateTime::parse_from_rfc3339("2025-01-01T11:00:00Z").unwrap().with_timezone(&Utc);
        let b = saved_baseline(dir.path(), "shop", before).unwrap();
        assert_eq!(b, Baseline { events_per_minute: 2.0, source: BaselineSource::Preflight });
        assert_eq!(saved_baseline(dir.path(), "nope", before), None);
        assert_eq!(saved_baseline(&dir.path().join("missing"), "shop", before), None);
    }
}
