//! Sentry's side: releases with deploys, and issues whose events arrive at rates over time.
//! Counts are computed from the rates on demand, so any window (baseline, last minute, a
//! release) gives consistent answers without storing events.
use chrono::{DateTime, Duration, Utc};

/// A stretch of time during which an issue receives events.
#[derive(Debug, Clone)]
pub struct Span {
    pub start: DateTime<Utc>,
    pub end: Option<DateTime<Utc>>,
    pub per_sec: f64,
    /// Events arriving at once when the span starts (the first requests that hit the bug).
    pub burst: u64,
}

/// A resolved stack frame: a real file and line of the scratch repository.
#[derive(Debug, Clone)]
pub struct Frame {
    pub path: String,
    pub function: String,
    pub line_no: u32,
    pub context: Vec<(u32, String)>,
    pub in_app: bool,
}

#[derive(Debug, Clone)]
pub struct Issue {
    pub id: u64,
    pub short_id: String,
    pub exception: String,
    pub value: String,
    /// The transaction, as sentry-rails reports it (`OrdersController#create`).
    pub culprit: String,
    pub first_release: String,
    pub status: String,
    pub spans: Vec<Span>,
    /// Oldest first; the last one raised.
    pub frames: Vec<Frame>,
}

impl Issue {
    pub fn title(&self) -> String {
        format!("{}: {}", self.exception, self.value)
    }

    pub fn first_seen(&self) -> Option<DateTime<Utc>> {
        self.spans.iter().map(|s| s.start).min()
    }

    pub fn last_seen(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.spans.iter().filter(|s| s.start <= now).map(|s| s.end.unwrap_or(now).min(now)).max()
    }

    /// Events in `[from, to)`.
    pub fn events_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
        let mut total = 0.0;
        for s in &self.spans {
            let end = s.end.unwrap_or(to).min(to);
            let start = s.start.max(from);
            if end > start {
                total += (end - start).num_milliseconds() as f64 / 1000.0 * s.per_sec;
            }
            if s.start >= from && s.start < to {
                total += s.burst as f64;
            }
        }
        total
    }

    pub fn count(&self, now: DateTime<Utc>) -> u64 {
        self.events_between(now - Duration::days(3650), now).floor() as u64
    }

    /// Roughly one user in three reports twice: a stable, plausible number.
    pub fn user_count(&self, now: DateTime<Utc>) -> u64 {
        let c = self.count(now);
        if c == 0 {
            0
        } else {
            (c * 2 / 3).max(1)
        }
    }

    pub fn is_active(&self) -> bool {
        self.spans.iter().any(|s| s.end.is_none())
    }
}

#[derive(Debug, Clone)]
pub struct Deploy {
    pub id: String,
    pub environment: String,
    pub name: Option<String>,
    pub url: Option<String>,
    pub date_started: Option<String>,
    pub date_finished: String,
}

#[derive(Debug, Clone)]
pub struct SentryRelease {
    pub id: u64,
    pub version: String,
    pub reference: Option<String>,
    pub url: Option<String>,
    pub date_created: DateTime<Utc>,
    pub date_released: Option<String>,
    pub commit_count: u64,
    pub refs: Vec<serde_json::Value>,
    pub deploys: Vec<Deploy>,
}

#[derive(Debug, Default)]
pub struct SentryState {
    pub releases: Vec<SentryRelease>,
    pub issues: Vec<Issue>,
    /// When each release (by version) started serving traffic, in order.
    pub live: Vec<(DateTime<Utc>, String)>,
    pub next_deploy: u64,
}

impl SentryState {
    pub fn release(&self, version: &str) -> Option<&SentryRelease> {
        self.releases.iter().find(|r| r.version == version)
    }

    pub fn release_mut(&mut self, version: &str) -> Option<&mut SentryRelease> {
        self.releases.iter_mut().find(|r| r.version == version)
    }

    /// The periods `[from, to)` during which `version` served traffic.
    pub fn live_periods(&self, version: &str, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        let mut out = Vec::new();
        for (i, (at, v)) in self.live.iter().enumerate() {
            if v == version {
                let end = self.live.get(i + 1).map(|n| n.0).unwrap_or(now);
                out.push((*at, end));
            }
        }
        out
    }

    /// Events of `issue` in `[from, to)`, restricted to a release when asked.
    pub fn events(
        &self,
        issue: &Issue,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        release: Option<&str>,
        now: DateTime<Utc>,
    ) -> f64 {
        match release {
            None => issue.events_between(from, to),
            Some(v) => self
                .live_periods(v, now)
                .into_iter()
                .filter_map(|(a, b)| {
                    let (a, b) = (a.max(from), b.min(to));
                    (b > a).then(|| issue.events_between(a, b))
                })
                .sum(),
        }
    }

    /// Issues that exist by `now` (an issue scheduled for later is not visible yet).
    pub fn visible(&self, now: DateTime<Utc>) -> impl Iterator<Item = &Issue> {
        self.issues.iter().filter(move |i| i.first_seen().is_some_and(|t| t <= now))
    }

    pub fn new_groups(&self, version: &str, now: DateTime<Utc>) -> usize {
        self.visible(now).filter(|i| i.first_release == version).count()
    }
}
