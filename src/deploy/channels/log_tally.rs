//! Router and dyno counts from a Heroku log, split at the moment the release went live, and
//! their judgement: each code's rate since the release against the same code's rate before it
//! (when the log reaches back far enough), else against `[watch] max_router_errors_per_minute`.
use super::logline::{Channel, LogLine};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Rates over less than this are noise: a window counts as at least a minute, and a log that
/// reaches back less than this before the release gives no baseline.
pub const MIN_WINDOW: Duration = Duration::from_secs(60);

/// Dyno failures that fail the watch at the first one: the dyno is down or never came up.
pub const FATAL_DYNO_KEYS: [&str; 3] = ["crashed", "R10", "R15"];

/// What the log said, counted.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogTally {
    pub live_at: Option<DateTime<Utc>>,
    before: BTreeMap<(Channel, String), u64>,
    after: BTreeMap<(Channel, String), u64>,
    /// The oldest line seen before the release (how far back the baseline reaches).
    first_before: Option<DateTime<Utc>>,
    /// The oldest line seen after it (where the count starts when the log does not reach back).
    first_after: Option<DateTime<Utc>>,
    /// The newest line's time so far.
    pub newest: Option<DateTime<Utc>>,
    /// After a reopen, the session replays recent lines: those up to here are counted already.
    replayed_through: Option<DateTime<Utc>>,
    pub lines: u64,
}

impl LogTally {
    pub fn new(live_at: DateTime<Utc>) -> LogTally {
        LogTally { live_at: Some(live_at), ..LogTally::default() }
    }

    /// Counts one line; false when it was already counted (replayed after a reopen) or has no
    /// time to place it by. Lines may come slightly out of order (logplex merges sources).
    pub fn add(&mut self, line: &LogLine) -> bool {
        let (Some(at), Some(live_at)) = (line.at, self.live_at) else { return false };
        if self.replayed_through.is_some_and(|r| at <= r) {
            return false;
        }
        self.newest = self.newest.max(Some(at));
        self.lines += 1;
        let after = at >= live_at;
        let first = if after { &mut self.first_after } else { &mut self.first_before };
        *first = Some(first.map_or(at, |f| f.min(at)));
        if let Some(key) = line.key() {
            *(if after { &mut self.after } else { &mut self.before }).entry(key).or_default() += 1;
        }
        true
    }

    /// A new session is about to replay the recent past: skip what was counted.
    pub fn reopened(&mut self) {
        self.replayed_through = self.newest;
    }

    /// The counts since the release, per key, of one channel.
    pub fn since_release(&self, channel: Channel) -> BTreeMap<String, u64> {
        of(&self.after, channel)
    }

    /// How long before the release the log reaches: the baseline window, if long enough.
    fn baseline_window(&self) -> Option<Duration> {
        let span = (self.live_at? - self.first_before?).to_std().ok()?;
        (span >= MIN_WINDOW).then_some(span)
    }

    /// The window the counts since the release cover: from the release (or from the first line,
    /// when the log does not reach back to it) until `now`, at least a minute.
    fn window_since(&self, now: DateTime<Utc>) -> Duration {
        let start = if self.first_before.is_some() { self.live_at } else { self.first_after.or(self.live_at) };
        let span = start.and_then(|s| (now - s).to_std().ok()).unwrap_or_default();
        span.max(MIN_WINDOW)
    }
}

fn of(map: &BTreeMap<(Channel, String), u64>, channel: Channel) -> BTreeMap<String, u64> {
    map.iter().filter(|((c, _), _)| *c == channel).map(|((_, k), n)| (k.clone(), *n)).collect()
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogLimits {
    /// Per code, per minute, when the log gives no baseline (and the floor when it does).
    pub max_per_minute: f64,
    /// The rate before the release times this is the limit, when the log gives a baseline.
    pub max_ratio: f64,
    /// A code counts from this many lines on.
    pub min_events: u64,
}

/// One code over its limit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Breach {
    pub code: String,
    pub count: u64,
    pub per_minute: f64,
    /// The same code's rate before the release, when the log reached back far enough.
    pub baseline_per_minute: Option<f64>,
    pub limit_per_minute: f64,
}

impl Breach {
    pub fn describe(&self) -> String {
        let what = describe_code(&self.code);
        if self.limit_per_minute == 0.0 {
            return format!("{what}: {} since the release", self.count);
        }
        let base = match self.baseline_per_minute {
            Some(b) => format!("{b:.1}/min before the release"),
            None => format!("at most {:.1}/min allowed", self.limit_per_minute),
        };
        format!("{what}: {} since the release ({:.1}/min; {base})", self.count, self.per_minute)
    }
}

/// Each code of `channel` over its limit, worst first. Fatal dyno codes breach at the first line.
pub fn breaches(tally: &LogTally, channel: Channel, now: DateTime<Utc>, limits: &LogLimits) -> Vec<Breach> {
    let window = tally.window_since(now);
    let baseline = tally.baseline_window();
    let before = of(&tally.before, channel);
    let mut out: Vec<Breach> = tally
        .since_release(channel)
        .into_iter()
        .filter_map(|(code, count)| {
            if channel == Channel::Dynos && FATAL_DYNO_KEYS.contains(&code.as_str()) {
                let zero = Breach { code, count, per_minute: 0.0, baseline_per_minute: None, limit_per_minute: 0.0 };
                return Some(zero);
            }
            let per_minute = per_minute(count, window);
            let baseline_per_minute = baseline.map(|w| per_minute_exact(before.get(&code).copied().unwrap_or(0), w));
            let limit = baseline_per_minute
                .map_or(limits.max_per_minute, |b| (b * limits.max_ratio).max(limits.max_per_minute));
            (count >= limits.min_events && per_minute > limit).then_some(Breach {
                code,
                count,
                per_minute,
                baseline_per_minute,
                limit_per_minute: limit,
            })
        })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(&b.code)));
    out
}

fn per_minute(count: u64, window: Duration) -> f64 {
    per_minute_exact(count, window.max(MIN_WINDOW))
}

fn per_minute_exact(count: u64, window: Duration) -> f64 {
    count as f64 / window.as_secs_f64() * 60.0
}

/// Heroku's names for the codes people see most (devcenter "Heroku Error Codes").
pub fn describe_code(code: &str) -> String {
    let title = match code {
        "5xx" => return "5xx answers from the app".into(),
        "crashed" => return "dyno crashes".into(),
        "H10" => "App crashed",
        "H11" => "Backlog too deep",
        "H12" => "Request timeout",
        "H13" => "Connection closed without response",
        "H14" => "No web dynos running",
        "H15" => "Idle connection",
        "H18" => "Server Request Interrupted",
        "H19" => "Backend connection timeout",
        "H20" => "App boot timeout",
        "H21" => "Backend connection refused",
        "H22" => "Connection limit reached",
        "H27" => "Client Request Interrupted",
        "H28" => "Client Connection Idle",
        "R10" => "Boot timeout",
        "R12" => "Exit timeout",
        "R13" => "Attach error",
        "R14" => "Memory quota exceeded",
        "R15" => "Memory quota vastly exceeded",
        "R16" => "Detached",
        _ => return format!("{code} errors"),
    };
    format!("{code} ({title})")
}

#[cfg(test)]
#[path = "log_tally_tests.rs"]
mod tests;
